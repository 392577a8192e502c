"""Layer normalisation: each position's vector rescaled to mean 0 and variance 1.

Batch normalisation averages one neuron over the samples of a batch; layer
normalisation averages one sample's (one token's) numbers over its last axis,
so it needs no batch statistics and predicts exactly as it trains. With
``μ`` and ``σ²`` the mean and variance of the last axis of ``x``,

.. math:: \\hat x = \\frac{x - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}}, \\qquad
          y = \\gamma \\odot \\hat x + \\beta

and on the way back, with ``g = γ ⊙ ∂L/∂y`` and means over the last axis,

.. math:: \\frac{\\partial L}{\\partial x} = \\frac{1}{\\sqrt{\\sigma^2 + \\epsilon}}
          \\left(g - \\overline{g} - \\hat x\\, \\overline{g \\odot \\hat x}\\right)

``γ`` and ``β`` are "other" parameters: no weight penalty pulls the scale to 0.
"""

import numpy as np

from .base import Layer, Parameter


class LayerNorm(Layer):
    """Normalise the last axis of every sample (and position), then scale and shift.

    Parameters
    ----------
    epsilon : float, default=1e-5
        Added to the variance, so that a constant vector does not divide by 0.

    Examples
    --------
    >>> import numpy as np
    >>> norm = LayerNorm()
    >>> norm.build((3, 4))
    (3, 4)
    >>> [(p.name, p.shape, p.role) for p in norm.parameters()]
    [('gamma', (4,), 'other'), ('beta', (4,), 'other')]
    """

    def __init__(self, epsilon=1e-5):
        self.epsilon = float(epsilon)
        if not self.epsilon > 0:
            raise ValueError(f"LayerNorm epsilon must be positive, got {epsilon!r}.")
        self._cache = None

    @property
    def width(self):
        """Length of the normalised (last) axis."""
        return self.input_shape[-1]

    def parameters(self):
        return [Parameter("gamma", (self.width,), "other"),
                Parameter("beta", (self.width,), "other")]

    def bind(self, params, grads, buffers):
        self.gamma, self.beta = params["gamma"], params["beta"]
        self.dgamma, self.dbeta = grads["gamma"], grads["beta"]
        self._cache = None

    def initialize(self, rng, initializer, activation):
        # The identity map to start with: the network starts as if unnormalised-then-standardised.
        self.gamma[...] = 1.0
        self.beta[...] = 0.0

    def _mean(self, X):
        """Mean over the last axis, kept as an axis of 1: a matrix-vector product, which
        runs faster than numpy's reduction over a short last axis."""
        return np.matmul(X, np.full(X.shape[-1], 1.0 / X.shape[-1], dtype=X.dtype))[..., None]

    def forward(self, X, training=False, rng=None):
        centred = X - self._mean(X)
        var = self._mean(centred * centred)
        inv_std = 1.0 / np.sqrt(var + self.epsilon)
        X_hat = centred * inv_std
        if training:
            self._cache = (X_hat, inv_std)
        return X_hat * self.gamma + self.beta

    def backward(self, dA, need_dX=True):
        if self._cache is None:
            raise RuntimeError("LayerNorm.backward needs a forward pass with training=True first.")
        X_hat, inv_std = self._cache
        rows = dA.reshape(-1, dA.shape[-1])
        ones = np.ones(rows.shape[0], dtype=dA.dtype)
        np.matmul(ones, (dA * X_hat).reshape(rows.shape), out=self.dgamma)
        np.matmul(ones, rows, out=self.dbeta)
        if not need_dX:
            return None
        g = dA * self.gamma
        dX = g - self._mean(g)
        dX -= X_hat * self._mean(g * X_hat)
        dX *= inv_std
        return dX

    def release(self):
        self._cache = None

    def get_config(self):
        return {"epsilon": self.epsilon}

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_cache"] = None
        return state
