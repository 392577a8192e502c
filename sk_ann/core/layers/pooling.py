"""Pooling: each output position summarises a window of positions, channel by channel.

Max pooling keeps the largest value of each window (and, on the way back, sends
the gradient to the position it came from); average pooling keeps the mean
(and shares the gradient equally). Windows of ``pool_size`` move by
``strides``, by default the window's own size, so that they tile the input;
positions that no window reaches are dropped. ``GlobalAvgPool`` averages over
every position, leaving one number per channel. None of them has parameters.
"""

import math

import numpy as np

from .base import Layer
from .windows import as_tuple, as_written, check_input, offset_slices, offsets, output_length


class _Pool(Layer):
    d = None

    def __init__(self, pool_size, strides=None):
        name = type(self).__name__
        self.pool_size = as_tuple(pool_size, self.d, f"{name} pool_size")
        self.strides = (self.pool_size if strides is None
                        else as_tuple(strides, self.d, f"{name} strides"))
        self._cache = None

    def _output_shape(self, input_shape):
        check_input(self, input_shape, self.d)
        *positions, channels = input_shape
        if any(n < p for n, p in zip(positions, self.pool_size)):
            raise ValueError(
                f"{type(self).__name__}'s pool_size {self.pool_size} is larger than the "
                f"{tuple(positions)} positions that reach it. Use a smaller pool_size, or "
                "less pooling (or padding='same' convolutions) before it."
            )
        out = [output_length(n, p, s, "valid")[0]
               for n, p, s in zip(positions, self.pool_size, self.strides)]
        self._offsets = offsets(self.pool_size)
        return (*out, channels)

    def _windows(self, X):
        """For each offset of the window, the input it picks at every output position."""
        out = self.output_shape[:-1]
        return [X[offset_slices(o, self.strides, out)] for o in self._offsets]

    def get_config(self):
        strides = None if self.strides == self.pool_size else as_written(self.strides)
        return {"pool_size": as_written(self.pool_size), "strides": strides}

    def release(self):
        self._cache = None

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_cache"] = None
        return state


class _MaxPool(_Pool):
    def forward(self, X, training=False, rng=None):
        windows = self._windows(X)
        best = windows[0].copy()
        which = np.zeros(best.shape, dtype=np.int16) if training else None
        for k, window in enumerate(windows[1:], start=1):
            better = window > best
            np.copyto(best, window, where=better)
            if training:
                which[better] = k
        if training:
            self._cache = (X.shape, which)
        return best

    def backward(self, dA, need_dX=True):
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward needs a training forward first.")
        if not need_dX:
            return None
        shape, which = self._cache
        dX = np.zeros(shape, dtype=dA.dtype)
        out = self.output_shape[:-1]
        for k, offset in enumerate(self._offsets):
            # Only the position that won the window receives its gradient.
            dX[offset_slices(offset, self.strides, out)] += np.where(which == k, dA, 0)
        return dX


class _AvgPool(_Pool):
    def forward(self, X, training=False, rng=None):
        windows = self._windows(X)
        total = windows[0].copy()
        for window in windows[1:]:
            total += window
        total *= 1.0 / len(windows)
        if training:
            self._cache = X.shape
        return total

    def backward(self, dA, need_dX=True):
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward needs a training forward first.")
        if not need_dX:
            return None
        dX = np.zeros(self._cache, dtype=dA.dtype)
        share = dA * (1.0 / len(self._offsets))
        out = self.output_shape[:-1]
        for offset in self._offsets:
            dX[offset_slices(offset, self.strides, out)] += share
        return dX


class MaxPool1D(_MaxPool):
    """Largest value of each window of ``pool_size`` positions of a sequence, per channel.

    Parameters
    ----------
    pool_size : int
        Positions per window.
    strides : int, default=None
        Positions the window moves by; ``None`` means ``pool_size``.

    Examples
    --------
    >>> import numpy as np
    >>> pool = MaxPool1D(2)
    >>> pool.build((4, 1))
    (2, 1)
    >>> pool.forward(np.array([[[1.0], [3.0], [2.0], [0.0]]]))[0, :, 0]
    array([3., 2.])
    """

    d = 1


class MaxPool2D(_MaxPool):
    """Largest value of each window of ``pool_size`` positions of an image, per channel.

    Parameters are those of `MaxPool1D`, with ``pool_size`` and ``strides`` an
    int or a pair.
    """

    d = 2


class AvgPool1D(_AvgPool):
    """Mean of each window of ``pool_size`` positions of a sequence, per channel.

    Parameters are those of `MaxPool1D`.
    """

    d = 1


class AvgPool2D(_AvgPool):
    """Mean of each window of ``pool_size`` positions of an image, per channel.

    Parameters are those of `MaxPool2D`.
    """

    d = 2


class GlobalAvgPool(Layer):
    """Mean over every position of a sequence or an image: one number per channel.

    Examples
    --------
    >>> import numpy as np
    >>> pool = GlobalAvgPool()
    >>> pool.build((4, 2))
    (2,)
    >>> pool.forward(np.arange(8.0).reshape(1, 4, 2))
    array([[3., 4.]])
    """

    def _output_shape(self, input_shape):
        if len(input_shape) < 2:
            raise ValueError(
                f"GlobalAvgPool averages over positions, but it receives flat samples of shape "
                f"{input_shape}, which have none. Put it after a convolution (or another layer "
                "that keeps positions), before any Dense or Flatten layer."
            )
        return input_shape[-1:]

    def forward(self, X, training=False, rng=None):
        return X.mean(axis=tuple(range(1, X.ndim - 1)))

    def backward(self, dA, need_dX=True):
        if not need_dX:
            return None
        positions = self.input_shape[:-1]
        share = dA * (1.0 / math.prod(positions))
        shape = (dA.shape[0],) + (1,) * len(positions) + (dA.shape[1],)
        return np.ascontiguousarray(
            np.broadcast_to(share.reshape(shape), (dA.shape[0], *self.input_shape)))

    def get_config(self):
        return {}
