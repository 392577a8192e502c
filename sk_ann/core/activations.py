"""Activation functions: each neuron's ``a = f(z)``, forward and backward side by side.

An activation is stateless. ``forward(Z)`` maps a layer's pre-activations ``Z``
(shape ``(n_samples, n_neurons)``) to its outputs ``A``; ``backward(Z, A, dA)``
turns ∂loss/∂A into ∂loss/∂Z. Both accept ``out=`` so the training loop can reuse
buffers; ``out`` may be the same array as ``Z`` (forward) or ``dA`` (backward).

``ACTIVATIONS`` holds the hidden-layer activations; ``OUTPUT_LINKS`` the output
links the losses own. Each registry is also the list of allowed names;
``"sigmoid"`` is another name for ``"logistic"``.
"""

import math

import numpy as np
from scipy.special import expit, ndtr


class Activation:
    """An element-wise function applied by every neuron of a layer."""

    name = None
    #: True when ``backward`` reads ``Z``; the layer then keeps ``Z`` beside ``A``.
    needs_input = False
    #: True when each output depends on its own pre-activation only; False when it
    #: depends on the other neurons' too (softmax).
    elementwise = True

    def forward(self, Z, out=None):
        """The outputs ``A = f(Z)`` for pre-activations ``Z``, shape ``(n_samples, n_neurons)``."""
        raise NotImplementedError

    def backward(self, Z, A, dA, out=None):
        """∂loss/∂Z from ∂loss/∂A: ``dA`` times ``f'(Z)`` (for softmax, the Jacobian)."""
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


class Identity(Activation):
    """:math:`f(z) = z`, :math:`f'(z) = 1`."""

    name = "identity"

    def forward(self, Z, out=None):
        if out is None:
            return Z.copy()
        if out is not Z:
            np.copyto(out, Z)
        return out

    def backward(self, Z, A, dA, out=None):
        return self.forward(dA, out)


class Logistic(Activation):
    r""":math:`f(z) = 1 / (1 + e^{-z})`, :math:`f'(z) = f(z)\,(1 - f(z))`."""

    name = "logistic"

    def forward(self, Z, out=None):
        # expit never overflows, unlike 1 / (1 + np.exp(-Z)) for Z << 0.
        return expit(Z, out=out)

    def backward(self, Z, A, dA, out=None):
        out = np.multiply(dA, A, out=out)
        out *= 1 - A
        return out


class Tanh(Activation):
    r""":math:`f(z) = \tanh z`, :math:`f'(z) = 1 - f(z)^2`."""

    name = "tanh"

    def forward(self, Z, out=None):
        return np.tanh(Z, out=out)

    def backward(self, Z, A, dA, out=None):
        out = np.multiply(dA, 1 - A * A, out=out)
        return out


class ReLU(Activation):
    r""":math:`f(z) = \max(z, 0)`, :math:`f'(z) = [z > 0]`."""

    name = "relu"

    def forward(self, Z, out=None):
        return np.maximum(Z, 0, out=out)

    def backward(self, Z, A, dA, out=None):
        # A > 0 exactly where Z > 0, so the derivative reads from A.
        return np.multiply(dA, A > 0, out=out)


class LeakyReLU(Activation):
    r"""Leaky ReLU: :math:`f(z) = \max(z, 0.01\,z)`; :math:`f'(z)` is 1 for z > 0, else 0.01."""

    name = "leaky_relu"
    negative_slope = 0.01

    def forward(self, Z, out=None):
        # With a slope below 1, max(z, slope * z) picks z for z > 0 and slope * z otherwise.
        return np.maximum(Z, Z * self.negative_slope, out=out)

    def backward(self, Z, A, dA, out=None):
        # A > 0 exactly where Z > 0; typed scalars keep np.where in A's dtype.
        one, slope = A.dtype.type(1.0), A.dtype.type(self.negative_slope)
        return np.multiply(dA, np.where(A > 0, one, slope), out=out)


class ELU(Activation):
    r"""Exponential linear unit: :math:`z` for :math:`z > 0`, :math:`e^z - 1` otherwise.

    .. math:: f(z) = \max(z, 0) + (e^{\min(z, 0)} - 1), \qquad
              f'(z) = 1 \;(z > 0), \quad e^z = f(z) + 1 \;(z \le 0)
    """

    name = "elu"

    def forward(self, Z, out=None):
        return _exponential_linear(Z, 1.0, 1.0, out)

    def backward(self, Z, A, dA, out=None):
        # min(A, 0) + 1 is 1 for A > 0 (that is, z > 0) and e^z otherwise.
        slope = np.minimum(A, 0.0)
        slope += 1.0
        return np.multiply(dA, slope, out=out)


class SELU(Activation):
    r"""Scaled ELU of Klambauer et al. (2017), self-normalising with LeCun-normal weights.

    .. math:: f(z) = \lambda z \;(z > 0), \quad \lambda \alpha (e^z - 1) \;(z \le 0);
              \qquad f'(z) = \lambda \;(z > 0), \quad f(z) + \lambda\alpha \;(z \le 0)

    with :math:`\lambda \approx 1.0507` and :math:`\alpha \approx 1.6733`.
    """

    name = "selu"
    alpha = 1.6732632423543772848170429916717
    scale = 1.0507009873554804934193349852946

    def forward(self, Z, out=None):
        return _exponential_linear(Z, self.alpha, self.scale, out)

    def backward(self, Z, A, dA, out=None):
        slope = np.where(A > 0, self.scale, A + self.scale * self.alpha)
        return np.multiply(dA, slope, out=out)


def _exponential_linear(Z, alpha, scale, out):
    """``scale * (max(Z, 0) + alpha * (exp(min(Z, 0)) - 1))``, safe when ``out is Z``."""
    # exp only ever sees z <= 0, so it cannot overflow.
    negative = np.minimum(Z, 0.0)
    np.expm1(negative, out=negative)
    if alpha != 1.0:
        negative *= alpha
    out = np.maximum(Z, 0.0, out=out)
    out += negative
    if scale != 1.0:
        out *= scale
    return out


class GELU(Activation):
    r"""Gaussian error linear unit, exact form, :math:`\Phi` the standard normal CDF.

    .. math:: f(z) = z\,\Phi(z), \qquad f'(z) = \Phi(z) + z\,\varphi(z)
    """

    name = "gelu"
    needs_input = True

    def forward(self, Z, out=None):
        return np.multiply(Z, ndtr(Z), out=out)

    def backward(self, Z, A, dA, out=None):
        slope = Z * Z
        slope *= -0.5
        np.exp(slope, out=slope)
        slope *= Z
        slope *= 1.0 / math.sqrt(2.0 * math.pi)  # now z * phi(z)
        slope += ndtr(Z)
        return np.multiply(dA, slope, out=out)


class Softplus(Activation):
    r""":math:`f(z) = \log(1 + e^z)`, :math:`f'(z) = 1 / (1 + e^{-z}) = 1 - e^{-f(z)}`."""

    name = "softplus"

    def forward(self, Z, out=None):
        # logaddexp(0, z) never overflows, unlike log1p(exp(z)) for large z.
        return np.logaddexp(0.0, Z, out=out)

    def backward(self, Z, A, dA, out=None):
        # -expm1(-A) keeps its relative accuracy where A, and so f'(z) ~ e^z, is tiny.
        slope = np.negative(A)
        np.expm1(slope, out=slope)
        np.negative(slope, out=slope)
        return np.multiply(dA, slope, out=out)


class SiLU(Activation):
    r"""Sigmoid linear unit (swish), :math:`\sigma` the logistic function.

    .. math:: f(z) = z\,\sigma(z), \qquad f'(z) = \sigma(z)\,\bigl(1 + z\,(1 - \sigma(z))\bigr)
    """

    name = "silu"
    needs_input = True

    def forward(self, Z, out=None):
        return np.multiply(Z, expit(Z), out=out)

    def backward(self, Z, A, dA, out=None):
        sigma = expit(Z)
        slope = 1.0 - sigma
        slope *= Z
        slope += 1.0
        slope *= sigma
        return np.multiply(dA, slope, out=out)


class Exp(Activation):
    r""":math:`f(z) = e^{\min(z, B)}`, :math:`f'(z) = f(z)`; the Poisson output link.

    The bound :math:`B` (``upper_bound(dtype)``, about 687.6 in float64 and 66.5
    in float32) keeps :math:`e^B` a factor :math:`2^{32}` below the largest
    float, so the prediction, and sums of many predictions, stay finite. Below
    the bound this is exactly ``np.exp``. Beyond it the backward pass still
    returns ``dA * e^B``, the slope at the bound, so training can pull such a
    raw output back.
    """

    name = "exp"

    @staticmethod
    def upper_bound(dtype):
        """The largest ``z`` passed to ``exp`` for arrays of floating ``dtype``, a float."""
        return float(np.log(np.finfo(dtype).max)) - 32 * math.log(2.0)

    def forward(self, Z, out=None):
        out = np.minimum(Z, self.upper_bound(Z.dtype), out=out)
        return np.exp(out, out=out)

    def backward(self, Z, A, dA, out=None):
        return np.multiply(dA, A, out=out)


class Softmax(Activation):
    r"""Normalised exponentials over a layer's neurons; the categorical output link.

    .. math:: f(z)_j = e^{z_j} / \sum_k e^{z_k}, \qquad
              \partial L / \partial z_j = a_j \left(\partial L / \partial a_j
              - \sum_k a_k\, \partial L / \partial a_k\right)

    Parameters
    ----------
    groups : tuple of int, default=None
        Sizes of consecutive blocks of columns, one block per categorical
        output; the sums above then run within each block, so every block of
        a row sums to 1. ``None`` makes all columns one block.

    Examples
    --------
    >>> import numpy as np
    >>> A = Softmax(groups=(2, 3)).forward(np.zeros((1, 5)))
    >>> A.round(3).tolist()
    [[0.5, 0.5, 0.333, 0.333, 0.333]]
    """

    name = "softmax"
    elementwise = False

    def __init__(self, groups=None):
        self.groups = None if groups is None else _block_sizes(groups)

    def blocks(self, n_columns):
        """The column slices of the blocks for an array of ``n_columns`` columns."""
        if self.groups is None:
            return [slice(0, n_columns)]
        if sum(self.groups) != n_columns:
            raise ValueError(
                f"groups {self.groups} cover {sum(self.groups)} columns, got {n_columns}."
            )
        ends = np.cumsum(self.groups).tolist()
        return [slice(end - size, end) for size, end in zip(self.groups, ends)]

    def forward(self, Z, out=None):
        if out is None:
            out = np.empty_like(Z)
        for block in self.blocks(Z.shape[1]):
            _softmax(Z[:, block], out[:, block])
        return out

    def backward(self, Z, A, dA, out=None):
        if out is None:
            out = np.empty_like(dA)
        for block in self.blocks(dA.shape[1]):
            a = A[:, block]
            inner = (dA[:, block] * a).sum(axis=1, keepdims=True)
            result = np.subtract(dA[:, block], inner, out=out[:, block])
            result *= a
        return out

    def __repr__(self):
        groups = "" if self.groups is None else f"groups={self.groups}"
        return f"{type(self).__name__}({groups})"


def _softmax(Z, out):
    """Softmax over the columns of ``Z``, written into ``out`` (which may be ``Z``)."""
    # Subtracting the row maximum leaves the result unchanged and keeps exp
    # from overflowing.
    np.subtract(Z, Z.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)


def _block_sizes(groups):
    """``groups`` as a tuple of positive ints, or ``ValueError``."""
    try:
        sizes = tuple(int(size) for size in groups)
    except (TypeError, ValueError):
        sizes = ()
    if not sizes or min(sizes) < 1 or any(size != g for size, g in zip(sizes, groups)):
        raise ValueError(f"groups must be a sequence of positive block sizes, got {groups!r}.")
    return sizes


ACTIVATIONS = {
    cls.name: cls
    for cls in (Identity, Logistic, Tanh, ReLU, LeakyReLU, ELU, SELU, GELU, Softplus, SiLU)
}
ACTIVATIONS["sigmoid"] = Logistic
OUTPUT_LINKS = {cls.name: cls for cls in (Identity, Logistic, Softmax, Exp)}


def get_activation(name, registry=None):
    """Return a new activation instance for ``name`` from ``registry``.

    Raises ``ValueError`` listing the allowed names when ``name`` is unknown.
    """
    registry = ACTIVATIONS if registry is None else registry
    try:
        return registry[name]()
    except (KeyError, TypeError):
        raise ValueError(
            f"activation must be one of {sorted(registry)}, got {name!r}."
        ) from None
