"""Convolution: one neuron that slides over the positions of its input, sharing its weights.

A filter is a neuron whose weights cover a small window of positions and every
channel there, shape ``(*kernel_size, in_channels)``. It computes
``f(window · weights + bias)`` at each position the window can take (moving by
``strides``), which gives a feature map: where in the input its pattern occurs.
A layer of ``filters`` such neurons gives ``filters`` maps, the channels of its
output. Written as matrices, with the windows of every sample and position as
the rows of ``C`` ("im2col"), it is the dense layer's product again:

.. math:: Z = C\\, W + b, \\qquad \\frac{\\partial L}{\\partial W} = C^\\top
          \\frac{\\partial L}{\\partial Z}, \\qquad
          \\frac{\\partial L}{\\partial C} = \\frac{\\partial L}{\\partial Z} W^\\top

and ∂L/∂X adds each window's share back onto the positions it was copied
from, one strided addition per offset of the kernel.

``padding="valid"`` keeps only the windows that fit; ``"same"`` pads the input
with zeros (split as evenly as possible, the extra one after) so that there are
``ceil(length / stride)`` windows along each axis.
"""

import math
from numbers import Integral

import numpy as np

from .base import NeuronLayer, NeuronList, UnitView
from .windows import as_tuple, as_written, check_input, offset_slices, offsets, output_length

# Largest window matrix, in numbers, built at once when predicting; larger
# batches are cut into chunks of samples. Half a megabyte in float32: with
# windows that stay in cache from their copy to their product, predicting the
# series of benchmark (g) took about two thirds of the time it took with
# chunks of 2**23 numbers.
_MAX_WINDOW_NUMBERS = 1 << 17


class _Convolution(NeuronLayer):
    """``filters`` neurons sliding over ``d`` position axes; see the module docstring."""

    d = None

    def __init__(self, filters, kernel_size, strides=1, padding="valid", activation="relu",
                 dropout=0.0, batch_norm=False):
        name = type(self).__name__
        if not isinstance(filters, Integral) or isinstance(filters, bool) or filters < 1:
            raise ValueError(f"{name} filters must be a positive int, got {filters!r}.")
        super().__init__(filters, activation, dropout, batch_norm)
        self.kernel_size = as_tuple(kernel_size, self.d, f"{name} kernel_size")
        self.strides = as_tuple(strides, self.d, f"{name} strides")
        if padding not in ("valid", "same"):
            raise ValueError(f"{name} padding must be 'valid' or 'same', got {padding!r}.")
        self.padding = padding
        self._activation_arg = activation if isinstance(activation, str) else self._f

    @property
    def filters(self):
        """Number of filters (neurons), the channels of the output."""
        return self.units

    def _output_shape(self, input_shape):
        check_input(self, input_shape, self.d)
        *positions, self.in_channels = input_shape
        out, pads = [], []
        for length, size, stride in zip(positions, self.kernel_size, self.strides):
            n_out, before, after = output_length(length, size, stride, self.padding)
            if length + before + after < size:
                raise ValueError(
                    f"{type(self).__name__}'s kernel_size {self.kernel_size} is larger than "
                    f"the {tuple(positions)} positions that reach it. Use a smaller kernel, "
                    "padding='same', or less pooling before it."
                )
            out.append(n_out)
            pads.append((before, after))
        self._pads = pads  # (before, after) per position axis
        self._padded = tuple(length + b + a for length, (b, a) in zip(positions, pads))
        #: Whether the input is padded, and where it sits inside its padded copy.
        self._is_padded = any(b or a for b, a in pads)
        self._interior = (slice(None),) + tuple(
            slice(b, b + n) for (b, _), n in zip(pads, positions)) + (slice(None),)
        self._offsets = offsets(self.kernel_size)
        return (*out, self.units)

    @property
    def _window_size(self):
        return math.prod(self.kernel_size) * self.in_channels

    def _weight_shape(self):
        return (*self.kernel_size, self.in_channels, self.units)

    def _fan_in_out(self):
        # Keras's convention: each weight connects a window of inputs to a
        # window's worth of each filter's outputs.
        positions = math.prod(self.kernel_size)
        return positions * self.in_channels, positions * self.units

    def _padded_input(self, X, buffer=None):
        """``X`` with its zero padding, written into ``buffer`` when one is given."""
        if not self._is_padded:
            return X
        if buffer is None:
            buffer = np.zeros((X.shape[0], *self._padded, self.in_channels), dtype=self.dtype)
        buffer[self._interior] = X
        return buffer

    def _windows(self, Xp, cols):
        """Copy every window of the padded ``Xp`` into ``cols``, (n, *out, *kernel, C)."""
        out_shape = self.output_shape[:-1]
        lead = (slice(None),) * (1 + self.d)
        for offset in self._offsets:
            cols[lead + offset] = Xp[offset_slices(offset, self.strides, out_shape)]
        return cols.reshape(-1, self._window_size)

    def _affine(self, X, Z, training):
        Z2 = Z.reshape(-1, self.units)
        W2 = self.W.reshape(-1, self.units)
        cols_shape = (*self.output_shape[:-1], *self.kernel_size, self.in_channels)
        if training:
            work = self._work
            padded = None
            if self._is_padded:
                padded = work.scratch("padded", (*self._padded, self.in_channels))
                if not getattr(work, "padded_ready", False):
                    padded[...] = 0  # the border stays zero from batch to batch
                    work.padded_ready = True
            work.padded_X = self._padded_input(X, padded)
            cols = self._windows(work.padded_X, work.scratch("cols", cols_shape))
            np.matmul(cols, W2, out=Z2)
            work.cols = cols
        else:
            # Chunks of samples small enough for their windows to stay in cache
            # between the copy and the product, with buffers shared by all chunks.
            step = min(X.shape[0], max(1, _MAX_WINDOW_NUMBERS // math.prod(cols_shape)))
            window_buffer = np.empty((step, *cols_shape), dtype=self.dtype)
            padded_buffer = (np.zeros((step, *self._padded, self.in_channels), dtype=self.dtype)
                             if self._is_padded else None)
            rows = math.prod(self.output_shape[:-1])
            for start in range(0, X.shape[0], step):
                chunk = X[start:start + step]
                m = chunk.shape[0]
                padded = self._padded_input(
                    chunk, None if padded_buffer is None else padded_buffer[:m])
                cols = self._windows(padded, window_buffer[:m])
                np.matmul(cols, W2, out=Z2[start * rows:(start + m) * rows])
        Z2 += self.b

    def _affine_backward(self, dZ, need_dX=True):
        work = self._work
        if work.cols is None:
            # Backward again for the same forward: the first one overwrote the windows.
            work.cols = self._windows(work.padded_X, work.scratch(
                "cols", (*self.output_shape[:-1], *self.kernel_size, self.in_channels)))
        dZ2 = dZ.reshape(-1, self.units)
        W2 = self.W.reshape(-1, self.units)
        np.matmul(work.cols.T, dZ2, out=self.dW.reshape(-1, self.units))
        np.sum(dZ2, axis=0, out=self.db)
        if not need_dX:
            return None
        # The windows are no longer needed: their gradient takes their place.
        dcols = np.matmul(dZ2, W2.T, out=work.cols)
        work.cols = None
        dcols = dcols.reshape(dZ.shape[0], *self.output_shape[:-1], *self.kernel_size,
                              self.in_channels)
        dX = work.dX(self.input_shape)
        dXp = (work.scratch("dpadded", (*self._padded, self.in_channels)) if self._is_padded
               else dX)
        dXp[...] = 0
        lead = (slice(None),) * (1 + self.d)
        out_shape = self.output_shape[:-1]
        for offset in self._offsets:
            dXp[offset_slices(offset, self.strides, out_shape)] += dcols[lead + offset]
        if self._is_padded:
            np.copyto(dX, dXp[self._interior])
        return dX

    def get_config(self):
        strides = 1 if set(self.strides) == {1} else as_written(self.strides)
        return {"filters": self.units, "kernel_size": as_written(self.kernel_size),
                "strides": strides,
                "padding": self.padding, "activation": self._activation_arg,
                "dropout": self.dropout, "batch_norm": self.norm is not None}

    @property
    def neurons(self):
        """The layer's filters as read-only views, built on demand."""
        return NeuronList(self, Filter)


class Conv1D(_Convolution):
    """``filters`` neurons sliding along sequences of shape ``(length, channels)``.

    Parameters
    ----------
    filters : int
        Number of filters: neurons, and channels of the output.
    kernel_size : int
        Positions each filter reads at once.
    strides : int, default=1
        Positions the window moves by.
    padding : {"valid", "same"}, default="valid"
        ``"valid"``: only windows that fit; ``"same"``: zero padding, so that
        there are ``ceil(length / strides)`` output positions.
    activation : str or Activation, default="relu"
    dropout : float, default=0.0
    batch_norm : bool, default=False
        Batch normalisation per filter, over samples and positions.

    Examples
    --------
    >>> layer = Conv1D(8, 3, padding="same")
    >>> layer.build((20, 2))
    (20, 8)
    >>> layer.parameters()[0].shape
    (3, 2, 8)
    """

    d = 1


class Conv2D(_Convolution):
    """``filters`` neurons sliding over images of shape ``(height, width, channels)``.

    Parameters are those of `Conv1D`, with ``kernel_size`` and ``strides`` an
    int or a pair ``(rows, columns)``.

    Examples
    --------
    >>> layer = Conv2D(16, 3)
    >>> layer.build((8, 8, 1))
    (6, 6, 16)
    >>> layer.parameters()[0].shape
    (3, 3, 1, 16)
    """

    d = 2


class Filter(UnitView):
    """Read-only view of one filter of a convolution: weights, bias and activation.

    Calling it on the layer's input, ``(n_samples, *positions, channels)``,
    gives its feature map, ``(n_samples, *output_positions)``. Its ``weights``
    have the shape ``(*kernel_size, in_channels)``.
    """

    def __call__(self, X):
        X = np.asarray(X, dtype=self._layer.dtype)
        return self._layer.forward(X.reshape(X.shape[0], *self._layer.input_shape))[
            ..., self.index]

    def __repr__(self):
        return (f"Filter({self.index}, kernel_size={self._layer.kernel_size}, "
                f"in_channels={self._layer.in_channels}, bias={self.bias:.4g}, "
                f"activation={self.activation!r})")
