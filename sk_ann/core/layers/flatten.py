"""Flatten: a sample's positions and channels laid out as one row of numbers."""

import math

import numpy as np

from .base import Layer


class Flatten(Layer):
    """Reshape each sample to one vector, row-major; no parameters.

    A ``Dense`` layer already reads its input flattened; ``Flatten`` makes the
    step visible, and its output can be looked at in ``layer_outputs``.

    Examples
    --------
    >>> layer = Flatten()
    >>> layer.build((4, 4, 2))
    (32,)
    """

    def _output_shape(self, input_shape):
        return (math.prod(input_shape),)

    def forward(self, X, training=False, rng=None):
        return X.reshape(X.shape[0], -1)

    def backward(self, dA, need_dX=True):
        if not need_dX:
            return None
        return np.ascontiguousarray(dA).reshape(dA.shape[0], *self.input_shape)

    def get_config(self):
        return {}
