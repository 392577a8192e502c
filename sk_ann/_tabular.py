"""Tables as a generator's numbers and back: scaling, one-hot categories, dtypes.

``TableEncoder`` learns, column by column, how a table's values become the
generator's outputs and how generated outputs become values again:
continuous columns are standardised and scaled back, categorical columns
become one block of one-hot columns each (the generator's softmax head gives
their probabilities) and come back as the original categories, integer
columns come back rounded, and every column of a DataFrame keeps its dtype.
"""

from numbers import Integral

import numpy as np
import pandas as pd


def _column_mask(spec, n_columns, names, what):
    """``spec`` (indices, names or a boolean mask) as a boolean mask over the columns."""
    values = np.asarray(spec)
    if values.ndim == 0:
        values = values.reshape(1)
    if values.size == 0:
        return np.zeros(n_columns, dtype=bool)
    if values.dtype.kind == "b":
        if values.shape != (n_columns,):
            raise ValueError(f"{what} as a boolean mask needs one entry per column of X "
                             f"({n_columns}), got {values.shape[0]}.")
        return values.copy()
    mask = np.zeros(n_columns, dtype=bool)
    if values.dtype.kind in "iu":
        if values.min() < -n_columns or values.max() >= n_columns:
            raise ValueError(f"{what} holds column indices out of range for X's {n_columns} "
                             f"columns: {values.tolist()}.")
        mask[values] = True
        return mask
    if names is None:
        raise ValueError(f"{what} names columns ({values.tolist()}), but X has no column names: "
                         "pass a DataFrame, or give column indices.")
    positions = {name: k for k, name in enumerate(names)}
    missing = [v for v in values.tolist() if v not in positions]
    if missing:
        raise ValueError(f"{what} names columns that X lacks: {missing}; X's columns are "
                         f"{list(names)}.")
    mask[[positions[v] for v in values.tolist()]] = True
    return mask


def _is_categorical_dtype(dtype):
    return isinstance(dtype, pd.CategoricalDtype) or dtype.kind in "OSUb" or \
        pd.api.types.is_string_dtype(dtype)


class TableEncoder:
    """Columns of a table to the generator's numbers and back.

    Parameters
    ----------
    categorical_features : "from_dtype", None, or indices, names or a boolean mask
        Which columns are categorical. ``"from_dtype"``: the pandas
        ``category``, string, object and bool columns of a DataFrame.
    integer_features : "from_dtype", None, or indices, names or a boolean mask
        Which continuous columns come back rounded to integers.
        ``"from_dtype"``: the columns whose dtype is an integer type.
    """

    def __init__(self, categorical_features="from_dtype", integer_features="from_dtype"):
        self.categorical_features = categorical_features
        self.integer_features = integer_features

    # --- learning the columns -------------------------------------------------------

    def fit(self, columns, dtypes, names, is_frame):
        """Learn each column's kind, scale or categories from ``columns`` (a list of 1-D arrays)."""
        n = len(columns)
        self.names, self.dtypes, self.is_frame = names, dtypes, is_frame
        self.categorical = self._mask(self.categorical_features, n, names, dtypes,
                                      "categorical_features", _is_categorical_dtype)
        self.integer = self._mask(self.integer_features, n, names, dtypes, "integer_features",
                                  lambda dtype: dtype.kind in "iu") & ~self.categorical
        self.continuous = np.flatnonzero(~self.categorical)
        self.categories, self.means, self.scales, self.lows, self.highs = [], [], [], [], []
        for k in self.continuous:
            values = self._numbers(columns[k], k)
            self.means.append(values.mean())
            self.scales.append(values.std())
            self.lows.append(values.min())
            self.highs.append(values.max())
        self.means, self.scales = np.array(self.means), np.array(self.scales)
        #: Constant columns are generated as their one value.
        self.constant = self.scales == 0
        self.scales[self.constant] = 1.0
        for k in np.flatnonzero(self.categorical):
            dtype = dtypes[k]
            if isinstance(dtype, pd.CategoricalDtype):
                # Keep the dtype's order; categories never seen are never generated.
                seen = set(pd.unique(columns[k]))
                categories = np.array([c for c in dtype.categories if c in seen], dtype=object)
            else:
                categories = np.array(sorted(pd.unique(columns[k]), key=_sort_key), dtype=object)
            self.categories.append(categories)
        return self

    def _mask(self, spec, n, names, dtypes, what, from_dtype):
        if spec is None:
            return np.zeros(n, dtype=bool)
        if isinstance(spec, str) and spec == "from_dtype":
            return np.array([from_dtype(dtype) for dtype in dtypes], dtype=bool)
        return _column_mask(spec, n, names, what)

    def _numbers(self, column, k):
        try:
            values = np.asarray(column, dtype=np.float64)
        except (TypeError, ValueError):
            name = self.names[k] if self.names is not None else k
            raise ValueError(
                f"column {name!r} holds values that are not numbers (e.g. {column[0]!r}); "
                "name it in categorical_features, or leave categorical_features='from_dtype' "
                "and give it a category, string or object dtype."
            ) from None
        return values

    @property
    def groups(self):
        """Number of one-hot columns of each categorical feature."""
        return tuple(len(c) for c in self.categories)

    @property
    def n_continuous(self):
        return len(self.continuous)

    @property
    def n_outputs(self):
        return self.n_continuous + sum(self.groups)

    # --- table to numbers and back ------------------------------------------------------

    def encode(self, columns, dtype=np.float64):
        """The generator's targets: standardised continuous columns, then one-hot blocks."""
        n = len(columns[0]) if columns else 0
        out = np.zeros((n, self.n_outputs), dtype=dtype)
        for j, k in enumerate(self.continuous):
            out[:, j] = (self._numbers(columns[k], k) - self.means[j]) / self.scales[j]
        start = self.n_continuous
        for k, categories in zip(np.flatnonzero(self.categorical), self.categories):
            codes = pd.Categorical(columns[k], categories=categories).codes
            out[np.arange(n), start + codes] = 1.0
            start += len(categories)
        return out

    def decode(self, raw, rng):
        """Table columns from the generator's raw outputs; categories drawn from its softmax."""
        n = raw.shape[0]
        columns = [None] * len(self.categorical)
        for j, k in enumerate(self.continuous):
            values = raw[:, j] * self.scales[j] + self.means[j]
            if self.constant[j]:
                values = np.full(n, self.means[j])
            if self.integer[k]:
                # Rounded, and kept within the range seen, so that a column of
                # counts never turns negative.
                values = np.clip(np.round(values), self.lows[j], self.highs[j])
            columns[k] = values
        start = self.n_continuous
        for k, categories in zip(np.flatnonzero(self.categorical), self.categories):
            logits = raw[:, start:start + len(categories)]
            # Gumbel-max: argmax(logits + Gumbel noise) is a draw from softmax(logits).
            u = rng.uniform(np.finfo(np.float64).tiny, 1.0, size=logits.shape)
            codes = np.argmax(logits - np.log(-np.log(u)), axis=1)
            columns[k] = categories[codes]
            start += len(categories)
        return columns

    def as_output(self, columns):
        """The columns as X came: a DataFrame with its names and dtypes, or an array."""
        if self.is_frame:
            data = {}
            for name, column, dtype in zip(self.names, columns, self.dtypes):
                series = pd.Series(column)
                try:
                    data[name] = series.astype(dtype)
                except (TypeError, ValueError):
                    data[name] = series
            return pd.DataFrame(data, columns=self.names)
        if self.categorical.any():
            return np.column_stack([np.asarray(c, dtype=object) for c in columns])
        out = np.column_stack(columns) if columns else np.empty((0, 0))
        dtype = self.dtypes[0] if self.dtypes else np.float64
        if dtype.kind in "iu" and self.integer.all():
            return out.astype(dtype)
        return out.astype(dtype if dtype.kind == "f" else np.float64)


def _sort_key(value):
    # Categories of mixed types (a column of ints and strings) still sort.
    return (type(value).__name__, value) if not isinstance(value, Integral) else ("", value)
