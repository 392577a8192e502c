"""Output losses. Each owns the output link that turns raw outputs into predictions.

The network's last layer produces ``raw`` (``X @ W + b``, before any link). A loss
gives ``output(raw)`` (the prediction), ``loss(Y, raw, sample_weight)`` (a float)
and ``gradient(Y, raw, sample_weight)`` (∂loss/∂raw, shape of ``raw``).

The loss is the weighted mean over samples of the per-sample loss summed over
output columns:

.. math:: L = \\frac{\\sum_i w_i \\sum_k \\ell(y_{ik}, \\hat y_{ik})}{\\sum_i w_i}

Most pairs here are *canonical*: the link is the inverse of the loss's natural
parameter, so ∂ℓ/∂raw is simply ``prediction - target``. The gradient therefore
never goes through the link's own derivative, which is both cheaper and exact
where the link saturates (a logistic output of 1.0 still gives a useful gradient).
The robust regression losses, ``absolute_error`` and ``huber``, are not canonical
and write their own gradient.
"""

import numpy as np
from scipy.special import expit, xlogy

from .activations import OUTPUT_LINKS, Softmax


class Loss:
    """Base class: a per-sample loss with its canonical output link."""

    name = None
    link_name = None

    def __init__(self):
        self.link = OUTPUT_LINKS[self.link_name]()

    def output(self, raw, out=None):
        """The prediction for raw outputs: the link applied to ``raw``."""
        return self.link.forward(raw, out=out)

    def loss(self, Y, raw, sample_weight=None):
        """Weighted mean over samples of the per-sample loss."""
        return _mean(self.pointwise(Y, raw), sample_weight)

    def gradient(self, Y, raw, sample_weight=None, out=None):
        """∂loss/∂raw: ``(prediction - Y) * w / sum(w)`` for a canonical pair."""
        return self.loss_gradient(Y, raw, sample_weight, out=out)[1]

    def loss_gradient(self, Y, raw, sample_weight=None, out=None):
        """Loss value and ∂loss/∂raw in one pass over the batch."""
        loss = self.loss(Y, raw, sample_weight)
        grad = self.output(raw, out=out)
        grad -= Y
        _scale_rows(grad, sample_weight)
        return loss, grad

    def pointwise(self, Y, raw):
        """Per-sample loss, summed over output columns; shape ``(n_samples,)``."""
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


class SquaredError(Loss):
    r"""Half squared error with the identity link: :math:`\ell = (\hat y - y)^2 / 2`."""

    name = "squared_error"
    link_name = "identity"

    def pointwise(self, Y, raw):
        diff = raw - Y
        return 0.5 * np.einsum("ij,ij->i", diff, diff)

    def loss_gradient(self, Y, raw, sample_weight=None, out=None):
        grad = np.subtract(raw, Y, out=out)
        loss = 0.5 * _mean_inner(grad, grad, sample_weight)
        _scale_rows(grad, sample_weight)
        return loss, grad


class Poisson(Loss):
    r"""Half Poisson deviance with the exp link.

    .. math:: \ell = y \log(y / \hat y) - y + \hat y, \qquad \hat y = e^{raw}

    The exp link caps :math:`\hat y` at :math:`e^B`, ``B = Exp.upper_bound(dtype)``
    (about 687.6 in float64, 66.5 in float32). Beyond ``raw = B`` the loss goes on
    along its tangent, :math:`\ell(B) + (e^B - y)(raw - B)`: loss and gradient stay
    finite, and the gradient is still ``prediction - target``.
    """

    name = "poisson"
    link_name = "exp"

    def pointwise(self, Y, raw):
        clipped = np.minimum(raw, self.link.upper_bound(raw.dtype))
        prediction = np.exp(clipped)
        # raw - clipped is 0 below the bound, so the tangent term vanishes there.
        tangent = np.subtract(raw, clipped, out=clipped)
        tangent *= prediction
        # Written in raw so that log(exp(raw)) never over- or underflows.
        return (prediction + tangent - Y * raw + xlogy(Y, Y) - Y).sum(axis=1)


class BinaryLogLoss(Loss):
    r"""Binary cross-entropy per output column with the logistic link.

    .. math:: \ell = -y \log \hat y - (1 - y) \log(1 - \hat y)
              = \log(1 + e^{raw}) - y\, raw
    """

    name = "binary_log_loss"
    link_name = "logistic"

    def pointwise(self, Y, raw):
        # The right-hand form stays finite for any raw, where log(expit(raw))
        # would give log(0) = -inf beyond |raw| of about 40.
        return (np.logaddexp(0, raw) - Y * raw).sum(axis=1)

    def loss_gradient(self, Y, raw, sample_weight=None, out=None):
        grad = np.logaddexp(0, raw, out=out)
        loss = _mean(grad.sum(axis=1), sample_weight) - _mean_inner(Y, raw, sample_weight)
        expit(raw, out=grad)
        grad -= Y
        _scale_rows(grad, sample_weight)
        return loss, grad


class LogLoss(Loss):
    r"""Categorical cross-entropy with the softmax link over one-hot targets.

    .. math:: \ell = -\sum_k y_k \log \hat y_k = \log \sum_k e^{raw_k} - \sum_k y_k\, raw_k

    Parameters
    ----------
    groups : tuple of int, default=None
        Sizes of consecutive blocks of columns, one block per categorical
        output, each with its own softmax and one-hot targets. The per-sample
        loss is then the sum of the blocks' cross-entropies, and the gradient is
        still ``prediction - target``. ``None`` makes all columns one block.

    Examples
    --------
    >>> import numpy as np
    >>> loss = LogLoss(groups=(2, 3))
    >>> raw = np.zeros((1, 5))
    >>> loss.output(raw).round(3).tolist()
    [[0.5, 0.5, 0.333, 0.333, 0.333]]
    >>> Y = np.array([[1.0, 0.0, 0.0, 0.0, 1.0]])
    >>> round(loss.loss(Y, raw), 4)  # log 2 + log 3
    1.7918
    """

    name = "log_loss"
    link_name = "softmax"

    def __init__(self, groups=None):
        self.link = Softmax(groups)
        self.groups = self.link.groups

    def pointwise(self, Y, raw):
        blocks = self.link.blocks(raw.shape[1])
        lse = _logsumexp(raw[:, blocks[0]])
        for block in blocks[1:]:
            lse += _logsumexp(raw[:, block])
        return lse - np.einsum("ij,ij->i", Y, raw)

    def loss_gradient(self, Y, raw, sample_weight=None, out=None):
        grad = np.empty_like(raw) if out is None else out
        lse = None
        for block in self.link.blocks(raw.shape[1]):
            shift = raw[:, block].max(axis=1, keepdims=True)
            softmax = np.subtract(raw[:, block], shift, out=grad[:, block])
            np.exp(softmax, out=softmax)
            total = softmax.sum(axis=1, keepdims=True)
            softmax /= total
            # log-sum-exp reuses the softmax's own shift and sum.
            block_lse = np.log(total[:, 0]) + shift[:, 0]
            lse = block_lse if lse is None else lse + block_lse
        loss = _mean(lse, sample_weight) - _mean_inner(Y, raw, sample_weight)
        grad -= Y
        _scale_rows(grad, sample_weight)
        return loss, grad

    def __repr__(self):
        groups = "" if self.groups is None else f"groups={self.groups}"
        return f"{type(self).__name__}({groups})"


class AbsoluteError(Loss):
    r"""Absolute error with the identity link, for regression robust to outliers.

    .. math:: \ell = |\hat y - y|, \qquad
              \partial \ell / \partial raw = \operatorname{sign}(\hat y - y)

    The prediction that minimises it is the conditional median; at
    :math:`\hat y = y` the gradient is taken as 0.
    """

    name = "absolute_error"
    link_name = "identity"

    def pointwise(self, Y, raw):
        return np.abs(raw - Y).sum(axis=1)

    def loss_gradient(self, Y, raw, sample_weight=None, out=None):
        grad = np.subtract(raw, Y, out=out)
        loss = _mean(np.abs(grad).sum(axis=1), sample_weight)
        np.sign(grad, out=grad)
        _scale_rows(grad, sample_weight)
        return loss, grad


class Huber(Loss):
    r"""Huber loss with the identity link: squared near the target, absolute far from it.

    .. math:: \ell = \begin{cases} r^2 / 2 & |r| \le \delta \\
                                  \delta\,(|r| - \delta / 2) & |r| > \delta \end{cases},
              \qquad r = \hat y - y, \qquad
              \partial \ell / \partial raw = \operatorname{clip}(r, -\delta, \delta)

    Parameters
    ----------
    delta : float, default=1.0
        Size of the residual where the loss turns from quadratic to linear.
    """

    name = "huber"
    link_name = "identity"

    def __init__(self, delta=1.0):
        super().__init__()
        try:
            value = float(delta)
        except (TypeError, ValueError):
            value = float("nan")
        if not value > 0:
            raise ValueError(f"delta must be a positive number, got {delta!r}.")
        self.delta = value

    def pointwise(self, Y, raw):
        return _huber(np.subtract(raw, Y), self.delta).sum(axis=1)

    def loss_gradient(self, Y, raw, sample_weight=None, out=None):
        grad = np.subtract(raw, Y, out=out)
        loss = _mean(_huber(grad, self.delta).sum(axis=1), sample_weight)
        np.clip(grad, -self.delta, self.delta, out=grad)
        _scale_rows(grad, sample_weight)
        return loss, grad

    def __repr__(self):
        return f"{type(self).__name__}(delta={self.delta!r})"


def _huber(residual, delta):
    """Element-wise Huber loss of ``residual``."""
    # With c = min(|r|, delta), c * (|r| - c / 2) is r^2 / 2 for |r| <= delta
    # and delta * (|r| - delta / 2) beyond, with no branch.
    size = np.abs(residual)
    c = np.minimum(size, delta)
    size -= 0.5 * c
    size *= c
    return size


def _logsumexp(raw):
    shift = raw.max(axis=1)
    return np.log(np.exp(raw - shift[:, None]).sum(axis=1)) + shift


def _mean(values, sample_weight):
    """(Weighted) mean of per-sample ``values``."""
    if sample_weight is None:
        return float(values.sum()) / values.shape[0]
    total = sample_weight.sum()
    # A batch whose samples all weigh zero carries no information: loss 0.
    return float(np.dot(values, sample_weight) / total) if total else 0.0


def _mean_inner(A, B, sample_weight):
    """(Weighted) mean over samples of the row-wise inner products of ``A`` and ``B``."""
    if sample_weight is None:
        return float(np.vdot(A, B)) / A.shape[0]
    return _mean(np.einsum("ij,ij->i", A, B), sample_weight)


def _scale_rows(grad, sample_weight):
    """Divide by the total weight, so the gradient is that of the weighted mean."""
    if sample_weight is None:
        grad /= grad.shape[0]
        return
    total = sample_weight.sum()
    if total:
        grad *= (sample_weight / total)[:, None]
    else:
        grad[...] = 0


LOSSES = {
    cls.name: cls
    for cls in (SquaredError, Poisson, BinaryLogLoss, LogLoss, AbsoluteError, Huber)
}


def get_loss(name, **params):
    """Return a new loss instance for ``name``, built with ``params``.

    ``ValueError`` lists the choices when ``name`` is unknown.

    Examples
    --------
    >>> get_loss("huber", delta=2.0)
    Huber(delta=2.0)
    >>> get_loss("log_loss", groups=(3, 2))
    LogLoss(groups=(3, 2))
    """
    try:
        cls = LOSSES[name]
    except (KeyError, TypeError):
        raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {name!r}.") from None
    return cls(**params)
