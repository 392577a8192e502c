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

    def forward(self, X, training=False, rng=None):
        mean = X.mean(axis=-1, keepdims=True)
        centred = X - mean
        var = np.mean(centred * centred, axis=-1, keepdims=True)
        inv_std = 1.0 / np.sqrt(var + self.epsilon)
        X_hat = centred * inv_std
        if training:
            self._cache = (X_hat, inv_std)
        return X_hat * self.gamma + self.beta

    def backward(self, dA, need_dX=True):
        if self._cache is None:
            raise RuntimeError("LayerNorm.backward needs a forward pass with training=True first.")
        X_hat, inv_std = self._cache
        axes = tuple(range(dA.ndim - 1))
        self.dgamma[...] = np.sum(dA * X_hat, axis=axes)
        self.dbeta[...] = np.sum(dA, axis=axes)
        if not need_dX:
            return None
        g = dA * self.gamma
        dX = g - g.mean(axis=-1, keepdims=True)
        dX -= X_hat * np.mean(g * X_hat, axis=-1, keepdims=True)
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
