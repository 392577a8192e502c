"""Sliding windows over the positions of a sample: the arithmetic convolution and pooling share.

A sample has ``d`` position axes and a channel axis last: ``(length, channels)``
or ``(height, width, channels)``. A window of ``size`` positions moves by
``strides``; for each offset inside the window, ``offset_slices`` picks, at
every output position at once, the input position that offset falls on. A
layer that loops over the offsets (a handful: 3 for a kernel of 3, 9 for 3×3)
touches every sample and position in one strided numpy operation per offset.
"""

import itertools
import math
from numbers import Integral


def as_tuple(value, d, name):
    """``value`` (an int or a sequence of ``d`` ints, each >= 1) as a tuple of ``d`` ints."""
    values = (value,) * d if isinstance(value, Integral) else tuple(value) if _is_seq(value) else None
    if (values is None or len(values) != d
            or not all(isinstance(v, Integral) and not isinstance(v, bool) and v >= 1
                       for v in values)):
        pair = "an int or a pair of ints" if d == 2 else "an int"
        raise ValueError(f"{name} must be {pair}, each at least 1; got {value!r}.")
    return tuple(int(v) for v in values)


def as_written(values):
    """A tuple from `as_tuple` as a user writes it: one axis as an int, more as the tuple.

    >>> as_written((3,)), as_written((3, 3))
    (3, (3, 3))
    """
    return values[0] if len(values) == 1 else values


def _is_seq(value):
    return isinstance(value, (tuple, list))


def output_length(length, size, stride, padding):
    """Number of window positions along one axis, and the padding before it."""
    if padding == "same":
        n_out = math.ceil(length / stride)
        total = max((n_out - 1) * stride + size - length, 0)
        return n_out, total // 2, total - total // 2
    return (length - size) // stride + 1, 0, 0


def offsets(size):
    """Every offset inside a window of ``size``, as tuples, in row-major order."""
    return list(itertools.product(*(range(k) for k in size)))


def offset_slices(offset, strides, out_shape):
    """Index of the input positions that ``offset`` covers for every output position.

    The index selects, from an array ``(n_samples, *positions, channels)``, an
    array ``(n_samples, *out_shape, channels)``.
    """
    return (slice(None),) + tuple(
        slice(o, o + s * (m - 1) + 1, s) for o, s, m in zip(offset, strides, out_shape)
    ) + (slice(None),)


def check_input(layer, input_shape, d):
    """Refuse a sample whose axes are not ``d`` position axes and channels."""
    kind = {1: "(length, channels)", 2: "(height, width, channels)"}[d]
    if len(input_shape) != d + 1:
        after = ("flat features (a Dense or Flatten layer before it, or no input_shape)"
                 if len(input_shape) == 1 else f"samples of shape {input_shape}")
        raise ValueError(
            f"{type(layer).__name__} reads samples of shape {kind}, but it receives "
            f"{after}. Give the estimator input_shape={kind}, and put {d}-D layers before "
            f"any Dense, Flatten or GlobalAvgPool layer."
        )
