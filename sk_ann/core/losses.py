"""Output losses. Each owns the output link that turns raw outputs into predictions.

The network's last layer produces ``raw`` (``X @ W + b``, before any link). A loss
gives ``output(raw)`` (the prediction), ``loss(Y, raw, sample_weight)`` (a float)
and ``gradient(Y, raw, sample_weight)`` (∂loss/∂raw, shape of ``raw``).

The loss is the weighted mean over samples of the per-sample loss summed over
output columns:

.. math:: L = \\frac{\\sum_i w_i \\sum_k \\ell(y_{ik}, \\hat y_{ik})}{\\sum_i w_i}

Every pair here is *canonical*: the link is the inverse of the loss's natural
parameter, so ∂ℓ/∂raw is simply ``prediction - target``. The gradient therefore
never goes through the link's own derivative, which is both cheaper and exact
where the link saturates (a logistic output of 1.0 still gives a useful gradient).
"""

import numpy as np
from scipy.special import expit, xlogy

from .activations import OUTPUT_LINKS


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
    """

    name = "poisson"
    link_name = "exp"

    def pointwise(self, Y, raw):
        # Written in raw so that log(exp(raw)) never over- or underflows.
        return (np.exp(raw) - Y * raw + xlogy(Y, Y) - Y).sum(axis=1)


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
    """

    name = "log_loss"
    link_name = "softmax"

    def pointwise(self, Y, raw):
        return _logsumexp(raw) - np.einsum("ij,ij->i", Y, raw)

    def loss_gradient(self, Y, raw, sample_weight=None, out=None):
        shift = raw.max(axis=1, keepdims=True)
        grad = np.subtract(raw, shift, out=out)
        np.exp(grad, out=grad)
        total = grad.sum(axis=1, keepdims=True)
        # log-sum-exp reuses the softmax's own shift and sum.
        lse = np.log(total[:, 0]) + shift[:, 0]
        loss = _mean(lse, sample_weight) - _mean_inner(Y, raw, sample_weight)
        grad /= total
        grad -= Y
        _scale_rows(grad, sample_weight)
        return loss, grad


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


LOSSES = {cls.name: cls for cls in (SquaredError, Poisson, BinaryLogLoss, LogLoss)}


def get_loss(name):
    """Return a new loss instance for ``name``; ``ValueError`` lists the choices."""
    try:
        return LOSSES[name]()
    except (KeyError, TypeError):
        raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {name!r}.") from None
