"""Activation functions: each neuron's ``a = f(z)``, forward and backward side by side.

An activation is stateless. ``forward(Z)`` maps a layer's pre-activations ``Z``
(shape ``(n_samples, n_neurons)``) to its outputs ``A``; ``backward(Z, A, dA)``
turns ∂loss/∂A into ∂loss/∂Z. Both accept ``out=`` so the training loop can reuse
buffers; ``out`` may be the same array as ``Z`` (forward) or ``dA`` (backward).

``ACTIVATIONS`` holds the hidden-layer activations; ``OUTPUT_LINKS`` the output
links the losses own. Each registry is also the list of allowed names.
"""

import numpy as np
from scipy.special import expit


class Activation:
    """An element-wise function applied by every neuron of a layer."""

    name = None
    #: True when ``backward`` reads ``Z``; the layer then keeps ``Z`` beside ``A``.
    needs_input = False
    #: True when the outputs of one neuron depend on the other neurons (softmax).
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


class Exp(Activation):
    r""":math:`f(z) = e^z`, :math:`f'(z) = f(z)`; the Poisson output link."""

    name = "exp"

    def forward(self, Z, out=None):
        return np.exp(Z, out=out)

    def backward(self, Z, A, dA, out=None):
        return np.multiply(dA, A, out=out)


class Softmax(Activation):
    r"""Normalised exponentials over a layer's neurons; the categorical output link.

    .. math:: f(z)_j = e^{z_j} / \sum_k e^{z_k}, \qquad
              \partial L / \partial z_j = a_j \left(\partial L / \partial a_j
              - \sum_k a_k\, \partial L / \partial a_k\right)
    """

    name = "softmax"
    elementwise = False

    def forward(self, Z, out=None):
        # Subtracting the row maximum leaves the result unchanged and keeps exp
        # from overflowing.
        out = np.subtract(Z, Z.max(axis=1, keepdims=True), out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=1, keepdims=True)
        return out

    def backward(self, Z, A, dA, out=None):
        inner = (dA * A).sum(axis=1, keepdims=True)
        out = np.subtract(dA, inner, out=out)
        out *= A
        return out


ACTIVATIONS = {cls.name: cls for cls in (Identity, Logistic, Tanh, ReLU)}
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
