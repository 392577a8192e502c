"""Checks of constructor parameters and sample weights, with messages that say what to do.

The first sentence of a parameter error has the form scikit-learn uses for its own
estimators ("The 'alpha' parameter of MLPClassifier must be ..."), so code that
matches on MLP's messages keeps working.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import get_scorer_names

from .core.activations import ACTIVATIONS
from .layers import LayerSpec


class InvalidParameterError(ValueError, TypeError):
    """A constructor parameter has a value sk_ann cannot use.

    It is both a ``ValueError`` and a ``TypeError``, as scikit-learn's own
    ``InvalidParameterError`` is, so either ``except`` clause catches it.
    """


class Interval:
    """Numbers of ``kind`` between ``low`` and ``high`` (``None``: unbounded)."""

    def __init__(self, kind, low, high, closed="both"):
        self.kind, self.low, self.high, self.closed = kind, low, high, closed

    def __call__(self, value):
        if isinstance(value, bool) or not isinstance(value, self.kind) or value != value:
            return False  # value != value: NaN, which no comparison would catch
        if self.low is not None:
            if value < self.low or (value == self.low and self.closed in ("right", "neither")):
                return False
        if self.high is not None:
            if value > self.high or (value == self.high and self.closed in ("left", "neither")):
                return False
        return True

    def __str__(self):
        name = "an int" if self.kind is Integral else "a float"
        left = "[" if self.closed in ("left", "both") else "("
        right = "]" if self.closed in ("right", "both") else ")"
        as_text = int if self.kind is Integral else float
        low = "-inf" if self.low is None else as_text(self.low)
        high = "inf" if self.high is None else as_text(self.high)
        return f"{name} in the range {left}{low}, {high}{right}"


class OneOf:
    """One of a fixed set of values (strings, as a rule)."""

    def __init__(self, *options):
        self.options = options

    def __call__(self, value):
        return isinstance(value, str) and value in self.options

    def __str__(self):
        return "a str among {" + ", ".join(repr(o) for o in sorted(self.options)) + "}"


def is_bool(value):
    return isinstance(value, (bool, np.bool_))


is_bool.description = "an instance of 'bool'"


def is_random_state(value):
    return (
        value is None
        or (isinstance(value, Integral) and not isinstance(value, bool) and 0 <= value < 2**32)
        or isinstance(value, np.random.RandomState)
    )


is_random_state.description = (
    "an int in the range [0, 4294967295], an instance of 'numpy.random.RandomState' or None"
)


def is_verbose(value):
    return isinstance(value, (bool, np.bool_, Integral))


is_verbose.description = "an int or an instance of 'bool'"


def is_none(value):
    return value is None


is_none.description = "None"


def _is_list_of(value, check):
    if isinstance(value, (str, bytes)) or np.ndim(value) != 1:
        return False
    return all(check(v) for v in value)


def is_activation(value):
    def known(name):
        return isinstance(name, str) and name in ACTIVATIONS

    return known(value) or _is_list_of(value, lambda name: name is None or known(name))


is_activation.description = (
    "a str among {" + ", ".join(repr(name) for name in sorted(ACTIVATIONS)) + "}, or a "
    "list of them, one per hidden layer (None for a layer that takes none)"
)


def _is_rate(value):
    return (isinstance(value, Real) and not isinstance(value, bool) and value == value
            and 0 <= value < 1)


def is_dropout(value):
    return _is_rate(value) or _is_list_of(value, _is_rate)


is_dropout.description = "a float in the range [0.0, 1.0), or a list of them, one per hidden layer"


def is_batch_norm(value):
    return is_bool(value) or _is_list_of(value, is_bool)


is_batch_norm.description = "a bool, or a list of bools, one per hidden layer"


def is_scoring(value):
    if value is None or callable(value):
        return True
    return isinstance(value, str) and (value == "loss" or value in get_scorer_names())


is_scoring.description = (
    "None (the estimator's score), 'loss', a scorer name from "
    "sklearn.metrics.get_scorer_names() or a callable scorer(estimator, X, y)"
)


def is_size(value):
    return isinstance(value, Integral) and not isinstance(value, bool) and value >= 1


def is_sequence_of(value, check):
    """Whether ``value`` is a sequence (not a string) whose every entry passes ``check``."""
    if isinstance(value, (str, bytes)):
        return False
    try:
        entries = list(value)
    except TypeError:
        return False
    return all(check(entry) for entry in entries)


def _is_size_or_spec(value):
    return is_size(value) or isinstance(value, LayerSpec)


def is_hidden_layer_sizes(value):
    return _is_size_or_spec(value) or is_sequence_of(value, _is_size_or_spec)


is_hidden_layer_sizes.description = (
    "an int >= 1 or a sequence, one entry per hidden layer, of ints >= 1 (dense layers) "
    "or layer specifications from sk_ann.layers, e.g. (100,), (64, 32) or "
    "[Conv2D(16, 3), MaxPool2D(2), 64]"
)


def is_dense_sizes(value):
    return is_size(value) or (not isinstance(value, (str, bytes)) and _is_list_of(value, is_size))


def is_input_shape(value):
    if value is None or is_size(value):
        return True
    return (isinstance(value, (tuple, list)) and 1 <= len(value) <= 3
            and all(is_size(n) for n in value))


is_input_shape.description = (
    "None (flat features), or the shape of one sample, channels last, as an int or a tuple "
    "of 1 to 3 ints >= 1: (length, channels) for 1-D layers, (height, width) or (height, "
    "width, channels) for 2-D layers"
)


def is_float_dtype_or_none(value):
    if value is None:
        return True
    try:
        return np.dtype(value) in (np.float32, np.float64)
    except TypeError:
        return False


is_float_dtype_or_none.description = "None, 'float32' or 'float64'"


def is_infinity(value):
    return isinstance(value, Real) and value == np.inf


is_infinity.description = "a float among {inf}"


def any_of(*checks):
    """A value passing any of ``checks``."""

    def check(value):
        return any(c(value) for c in checks)

    check.description = " or ".join(_describe(c) for c in checks)
    return check


def _describe(check):
    return getattr(check, "description", None) or str(check)


def validate_params(estimator, constraints):
    """Raise ``InvalidParameterError`` for the first parameter breaking its constraint."""
    params = estimator.get_params(deep=False)
    for name, check in constraints.items():
        if name not in params:  # a shared table may list parameters this estimator lacks
            continue
        value = params[name]
        if not check(value):
            raise InvalidParameterError(
                f"The {name!r} parameter of {type(estimator).__name__} must be "
                f"{_describe(check)}. Got {value!r} instead."
            )


def as_network_dtype(A, dtype, name):
    """``A`` (an array or a sparse matrix) cast to the network's ``dtype``.

    float64 values beyond float32's range would become infinite, and the
    network's outputs NaN: they are refused with the name of the argument.
    """
    if A.dtype == dtype:
        return A
    with np.errstate(over="ignore"):
        cast = A.astype(dtype)
    if not np.isfinite(cast.data if sp.issparse(cast) else cast).all():
        raise ValueError(
            f"{name} has values beyond the range of {np.dtype(dtype).name} (largest "
            f"{np.finfo(dtype).max:.4g}), the precision the network computes in. Scale "
            f"{name} down, or set dtype='float64'."
        )
    return cast


def check_sample_weight(sample_weight, n_samples, dtype):
    """Return ``sample_weight`` as a 1-D finite, non-negative array of ``dtype``, or None."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, Real) and not isinstance(sample_weight, bool):
        sample_weight = np.full(n_samples, sample_weight)
    try:
        sw = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            "sample_weight must be numeric: one non-negative weight per sample."
        ) from None
    if sw.ndim != 1 or sw.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight.shape == {sw.shape}, expected ({n_samples},)! "
            "Pass one weight per row of X."
        )
    if not np.isfinite(sw).all():
        raise ValueError("sample_weight contains NaN or infinity; give every sample a finite weight.")
    if (sw < 0).any():
        raise ValueError("Negative values in data passed to `sample_weight`; weights must be >= 0.")
    if not sw.any():
        raise ValueError("sample_weight sums to zero: at least one sample must have a positive weight.")
    sw = as_network_dtype(sw, dtype, "sample_weight")
    if not sw.any():
        raise ValueError(
            f"sample_weight is too small for {np.dtype(dtype).name}: every weight rounds to "
            "zero. Scale the weights up, or set dtype='float64'."
        )
    return sw
