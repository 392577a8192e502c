"""Property-based tests: whatever it is given, an estimator either works or says what is wrong.

Hypothesis draws data of the shapes and dtypes users pass (one sample, one feature, more
features than samples, wide sparse matrices, ints, bools, float16/32/64, object arrays,
pandas nullable and categorical columns, NaN and infinity), targets of every kind the
estimators take or must refuse, sample weights and parameters at the edges of their ranges.
Every case must end in one of two ways:

- the fit succeeds, and the predictions, probabilities, scores and codes are finite and of
  the right shape, probabilities in [0, 1] summing to one where they are a distribution;
- a ValueError or TypeError says what is wrong: its message names the bad argument or
  parameter, and the estimator is left exactly as it was before the call.

Any other exception, a storm of warnings (numpy's floating-point warnings in particular),
or non-finite outputs without an error fail the test. How many cases run, and whether they
change between runs, is set by the hypothesis profiles in ``conftest.py``.
"""

import pickle
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from hypothesis import assume, event, given, note
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import sk_ann
from sk_ann import ANNAutoencoder, ANNClassifier, ANNRegressor, NonFiniteOutputError
from sk_ann.core.activations import ACTIVATIONS
from sk_ann.core.initializers import INITIALIZERS

#: Warnings one call may raise: a ConvergenceWarning, a clipped batch size, a column-vector y...
MAX_WARNINGS = 4
#: The errors every estimator raises when training overflows; right for any extreme input.
DIVERGED = r"non-finite|outputs on the training data overflowed"


# --- what a case is, and what it must do ------------------------------------------------


@dataclass
class Case:
    """One generated call: data, parameters, and what a refusal of it may name.

    ``topics`` are regular expressions: a ValueError or TypeError raised for this case
    must match one of them (the data's flaws, the parameters that were set, divergence).
    ``refuse`` says the data is invalid, so that the fit must fail. ``extreme`` says
    values or steps near the float range were drawn, on which a trained network may
    overflow when it predicts.
    """

    X: object = None
    y: object = None
    sample_weight: object = None
    validation: dict = field(default_factory=dict)  # X_val, y_val, sample_weight_val
    params: dict = field(default_factory=dict)
    topics: list = field(default_factory=lambda: [DIVERGED])
    refuse: bool = False
    extreme: bool = False
    distribution: bool = True  # whether each row of predict_proba (each block) sums to 1

    def flaw(self, topic, *, fatal=True):
        """Record a problem of the data; a ``fatal`` one must make the fit fail."""
        self.topics.append(topic)
        self.refuse = self.refuse or fatal

    @property
    def n_samples(self):
        return self.X.shape[0] if hasattr(self.X, "shape") else len(self.X)


def assert_names_the_problem(error, topics):
    """Fail unless ``error``'s message is a sentence naming one of ``topics``."""
    message = str(error)
    assert len(message.split()) >= 4, f"{type(error).__name__} with a terse message: {message!r}"
    assert any(re.search(topic, message) for topic in topics), (
        f"{type(error).__name__}: {message!r} names none of {topics}"
    )


PACKAGE_DIR = Path(sk_ann.__file__).resolve().parent


def assert_few_warnings(caught):
    """No warning storm, and no numpy floating-point warning from sk_ann's own code, where
    it means an overflow went unhandled (scikit-learn's input checks may raise one)."""
    summary = [f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})" for w in caught]
    assert len(caught) <= MAX_WARNINGS, f"{len(caught)} warnings: {summary[:8]}"
    # Judged by the file that warned, not by its path's text: a checkout or a
    # virtualenv may itself sit in a folder called sk_ann.
    unhandled = [s for s, w in zip(summary, caught)
                 if re.search(r"encountered in|overflow|divide by zero", str(w.message))
                 and Path(w.filename).resolve().is_relative_to(PACKAGE_DIR)]
    assert not unhandled, f"floating-point warnings: {unhandled}"


def run_case(est, case, fit, check_outputs):
    """``fit()`` then ``check_outputs()``, or a clear refusal that leaves ``est`` as it was."""
    note(f"params={case.params}")
    before = pickle.dumps(est)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit()
        except (ValueError, TypeError) as error:
            note(f"refused: {type(error).__name__}: {error}")
            event("refused", re.sub(r"[^a-zA-Z_ ]+", "", str(error))[:40])
            assert_names_the_problem(error, case.topics)
            assert pickle.dumps(est) == before, "a failed fit changed the estimator"
            assert_few_warnings(caught)
            return
        assert not case.refuse, f"fit accepted data it must refuse ({case.topics[1:]})"
        event("fitted")
        try:
            check_outputs()
        except NonFiniteOutputError as error:
            note(f"outputs refused: {error}")
            assert case.extreme, "the outputs overflowed on data of ordinary scale"
            event("fitted; outputs overflowed")
    assert_few_warnings(caught)


def assert_finite(values, what):
    values = np.asarray(values)
    assert np.isfinite(values).all(), f"{what} has non-finite values without an error"


def assert_probabilities(blocks, n_samples, distribution):
    for proba in blocks:
        assert proba.ndim == 2 and proba.shape[0] == n_samples
        assert_finite(proba, "predict_proba")
        assert (proba >= 0).all() and (proba <= 1).all(), "probabilities outside [0, 1]"
        if distribution:
            np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-4)


# --- data --------------------------------------------------------------------------------


@st.composite
def shapes(draw):
    """``(n_samples, n_features, wide_sparse)``, the small and the awkward ones."""
    kind = draw(st.sampled_from(["small", "small", "one sample", "one feature", "p > n",
                                 "wide sparse"]))
    if kind == "one sample":
        return 1, draw(st.integers(1, 5)), False
    if kind == "one feature":
        return draw(st.integers(2, 12)), 1, False
    if kind == "p > n":
        n = draw(st.integers(2, 5))
        return n, draw(st.integers(n + 1, 20)), False
    if kind == "wide sparse":
        return draw(st.integers(2, 10)), draw(st.integers(50, 300)), True
    return draw(st.integers(2, 12)), draw(st.integers(1, 5)), False


@st.composite
def values(draw, n, p):
    """A float64 ``(n, p)`` array: unit-scale, huge, tiny, constant or anything finite."""
    kind = draw(st.sampled_from(["normal", "normal", "integers", "constant", "huge", "tiny",
                                 "extreme", "any finite"]))
    if kind == "any finite":
        return draw(hnp.arrays(np.float64, (n, p), elements=st.floats(
            -1e300, 1e300, allow_nan=False, allow_infinity=False, allow_subnormal=True)))
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    X = rng.standard_normal((n, p))
    if kind == "integers":
        return np.round(3 * X)
    if kind == "constant":
        return np.full((n, p), draw(st.sampled_from([0.0, 1.0, -7.5])))
    scale = {"normal": 1.0, "huge": 1e30, "tiny": 1e-30, "extreme": 1e300}[kind]
    return X * scale


def _one_in(n):
    """True once in ``n`` draws, about (hypothesis leans towards the first of the choices)."""
    return st.sampled_from([False] * (n - 1) + [True])


def _inject(draw, X, case):
    """Now and then put a NaN or an infinity into ``X`` (a float array)."""
    bad = draw(st.sampled_from([None] * 12 + [np.nan, np.inf, -np.inf]))
    if bad is not None:
        X = X.copy()
        X[draw(st.integers(0, X.shape[0] - 1)), draw(st.integers(0, X.shape[1] - 1))] = bad
        case.flaw(r"\bX\b.*(NaN|infinity)")
    return X


def _as_finite_or_flawed(converted, case):
    """Values a narrow dtype cannot hold became infinite: the input must be refused."""
    with np.errstate(invalid="ignore"):
        if not np.isfinite(np.asarray(converted, dtype=np.float64)).all():
            case.flaw(r"\bX\b.*(NaN|infinity)")
    return converted


@st.composite
def features(draw, case, n, p, wide_sparse):
    """``case.X``: an array, list, DataFrame or sparse matrix of many dtypes."""
    if wide_sparse:
        seed = draw(st.integers(0, 2**16))
        density = draw(st.sampled_from([0.0, 0.01, 0.05]))
        X = sp.random(n, p, density=density, format="csr", random_state=seed)
        case.X = X if draw(st.booleans()) else X.astype(np.float32)
        return
    X = draw(values(n, p))
    case.extreme |= bool(np.abs(X).max() > 1e20)
    form = draw(st.sampled_from(["float64", "float32", "float16", "int", "bool", "object",
                                 "list", "DataFrame", "nullable", "categorical", "csr"]))
    if form in ("float64", "object", "list", "DataFrame", "csr"):
        X = _inject(draw, X, case)
    if form == "float64":
        case.X = X
    elif form in ("float32", "float16"):
        with np.errstate(over="ignore"):
            case.X = _as_finite_or_flawed(_inject(draw, X, case).astype(form), case)
    elif form == "int":
        case.X = np.round(np.clip(X, -1e15, 1e15)).astype(np.int64)
    elif form == "bool":
        case.X = X > 0
    elif form == "object":
        case.X = X.astype(object)
    elif form == "list":
        case.X = X.tolist()
    elif form == "DataFrame":
        case.X = pd.DataFrame(X, columns=[f"f{j}" for j in range(p)])
    elif form == "csr":
        case.X = sp.csr_matrix(X)
    else:
        case.X = draw(_pandas_columns(case, X))


@st.composite
def _pandas_columns(draw, case, X):
    """A DataFrame of nullable (Int64, Float64, boolean) and categorical columns."""
    columns = {}
    for j, column in enumerate(X.T):
        kind = draw(st.sampled_from(["Int64", "Float64", "boolean", "numeric category"] * 3
                                    + ["string category"]))
        if kind == "Int64":
            data = pd.array(np.round(np.clip(column, -1e15, 1e15)).astype(np.int64),
                            dtype="Int64")
        elif kind == "Float64":
            data = pd.array(column, dtype="Float64")
        elif kind == "boolean":
            data = pd.array(column > 0, dtype="boolean")
        elif kind == "numeric category":
            data = pd.Categorical(np.round(np.clip(column, -10, 10)))
        else:
            data = pd.Categorical(np.where(column > 0, "high", "low"))
            case.flaw(r"str|convert|categor")
        if kind != "string category" and draw(_one_in(5)):
            data = pd.Series(data)
            data.iloc[draw(st.integers(0, len(column) - 1))] = None
            case.flaw(r"\bX\b.*NaN")
        columns[f"c{j}"] = data
    return pd.DataFrame(columns)


@st.composite
def sample_weights(draw, case, n):
    """``case.sample_weight``: none, usual, extreme or invalid weights."""
    kind = draw(st.sampled_from(["none"] * 8 + [
        "ones", "positive", "one positive", "scalar", "list", "Series", "huge", "tiny",
        "all zero", "scalar zero", "negative", "NaN", "infinity", "too long", "2-D", "strings",
    ]))
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    positive = rng.uniform(0.1, 3.0, n)
    invalid = {
        "all zero": np.zeros(n), "scalar zero": 0.0, "negative": -positive,
        "NaN": np.where(np.arange(n) == 0, np.nan, positive),
        "infinity": np.where(np.arange(n) == 0, np.inf, positive),
        "too long": np.ones(n + 1), "2-D": positive.reshape(-1, 1),
        "strings": np.array(["heavy"] * n),
    }
    if kind in invalid:
        case.sample_weight = invalid[kind]
        case.flaw("sample_weight")
        return
    one_positive = np.where(np.arange(n) == rng.randint(n), 1.0, 0.0)
    case.sample_weight = {
        "none": None, "ones": np.ones(n), "positive": positive, "one positive": one_positive,
        "scalar": 2.5, "list": positive.tolist(), "Series": pd.Series(positive),
        "huge": positive * 1e300, "tiny": positive * 1e-300,
    }[kind]
    if kind in ("huge", "tiny"):
        case.flaw("sample_weight", fatal=False)
        case.extreme = True


@st.composite
def validation_data(draw, case, n_features):
    """``case.validation``: none, the training data again, or flawed validation data."""
    kind = draw(st.sampled_from(["none"] * 16 + [
        "training data", "training data", "NaN in X_val", "wider X_val", "y_val alone",
        "y_val too short", "negative sample_weight_val",
    ]))
    if kind == "none":
        return
    y_val = np.asarray(case.y, dtype=object)[:2]
    X_val = np.zeros((len(y_val), n_features))
    flaws = {
        "NaN in X_val": dict(X_val=np.full((2, n_features), np.nan), y_val=y_val),
        "wider X_val": dict(X_val=np.zeros((len(y_val), n_features + 1)), y_val=y_val),
        "y_val alone": dict(y_val=y_val),
        "y_val too short": dict(X_val=X_val, y_val=y_val[:1] if len(y_val) > 1 else []),
        "negative sample_weight_val": dict(X_val=X_val, y_val=y_val,
                                           sample_weight_val=-np.ones(len(y_val))),
    }
    if kind == "training data":
        case.validation = dict(X_val=case.X, y_val=case.y)
        case.flaw("X_val|y_val|validation", fatal=False)  # e.g. with solver='lbfgs'
    else:
        case.validation = flaws[kind]
        case.flaw(r"\bX_val\b|\by_val\b|sample_weight_val")


# --- targets -----------------------------------------------------------------------------


@st.composite
def class_labels(draw, case, n, multilabel):
    """``case.y`` for a classifier: labels of any type, indicator matrices, label columns."""
    kind = draw(st.sampled_from(["ints", "ints", "strings", "bools", "float labels",
                                 "object ints", "one class", "categorical", "Int64", "column",
                                 "multilabel", "one-hot", "multioutput", "continuous", "NaN",
                                 "mixed types", "too short"]))
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    k = 1 if kind == "one class" else draw(st.integers(2, 4))
    codes = rng.randint(k, size=n)
    if kind in ("ints", "one class"):
        case.y = codes * 3 - 2
    elif kind == "strings":
        case.y = np.array(["cat", "dog", "emu", "yak"])[codes]
    elif kind == "bools":
        case.y = codes % 2 == 1
    elif kind == "float labels":
        case.y = codes * 2.0 - 1.0
    elif kind == "object ints":
        case.y = pd.Series(codes, dtype=object)
    elif kind == "categorical":
        case.y = pd.Series(pd.Categorical(np.array(["lo", "mid", "hi", "top"])[codes]))
    elif kind == "Int64":
        case.y = pd.Series(pd.array(codes, dtype="Int64"))
    elif kind == "column":
        case.y = codes.reshape(-1, 1)
    elif kind in ("multilabel", "one-hot"):
        Y = np.eye(k + 1, dtype=int)[codes] if kind == "one-hot" else rng.randint(2, size=(n, k))
        case.y = Y
        case.distribution = _one_hot_read(Y, multilabel)
        if multilabel is False and not _all_rows_one_hot(Y):
            case.flaw("multilabel")
    elif kind == "multioutput":
        case.y = pd.DataFrame({"animal": np.array(["cat", "dog", "emu", "yak"])[codes],
                               "size": np.where(rng.rand(n) > 0.5, "big", "small")})
    elif kind == "continuous":
        case.y = rng.standard_normal(n) + 0.01
        case.flaw(r"label type|continuous")
    elif kind == "NaN":
        case.y = np.where(np.arange(n) == 0, np.nan, codes)
        case.flaw(r"\by\b.*NaN")
    elif kind == "mixed types":
        case.y = np.array([1, "one"] * n, dtype=object)[:n]
        case.flaw(r"label|type", fatal=n > 1)
    else:
        case.y = np.resize(codes, n + 1)
        case.flaw(r"inconsistent numbers of samples")


def _all_rows_one_hot(Y):
    return bool((Y.sum(axis=1) == 1).all())


def _one_hot_read(Y, multilabel):
    """Whether an indicator ``Y`` is learnt as one-hot (a softmax) for ``multilabel``."""
    if Y.shape[1] < 2:
        return True  # one column is made 1-D: binary labels
    return multilabel is False or (multilabel == "auto" and _all_rows_one_hot(Y))


@st.composite
def regression_targets(draw, case, n, loss):
    """``case.y`` for a regressor: ordinary, constant, huge, tiny, several columns, invalid."""
    kind = draw(st.sampled_from(["normal", "normal", "constant", "huge", "tiny", "extreme",
                                 "two columns", "column", "ints", "bools", "Float64",
                                 "list", "negative", "NaN", "infinity", "strings",
                                 "too short"]))
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    y = rng.standard_normal(n)
    if loss == "poisson" and kind not in ("negative", "NaN", "infinity", "strings"):
        y = np.abs(y)
    if kind == "constant":
        y = np.full(n, draw(st.sampled_from([0.0, 3.0, 1e30])))
    elif kind in ("huge", "tiny", "extreme"):
        y = y * {"huge": 1e30, "tiny": 1e-30, "extreme": 1e300}[kind]
    elif kind == "two columns":
        y = np.column_stack([y, 2 * y + 1])
    elif kind == "column":
        y = y.reshape(-1, 1)
    elif kind == "ints":
        y = np.round(3 * y).astype(int)
    elif kind == "bools":
        y = y > 0
    elif kind == "Float64":
        y = pd.Series(pd.array(y, dtype="Float64"))
    elif kind == "list":
        y = y.tolist()
    elif kind == "negative":
        y = -np.abs(y) - 1
        if loss == "poisson":
            case.flaw(r"poisson.*y >= 0")
    elif kind in ("NaN", "infinity"):
        y = np.where(np.arange(n) == 0, np.nan if kind == "NaN" else np.inf, y)
        case.flaw(r"\by\b.*(NaN|infinity)")
    elif kind == "strings":
        y = np.array(["low", "high"])[(y > 0).astype(int)]
        case.flaw(r"string|convert")
    elif kind == "too short":
        y = y[:-1] if n > 1 else []
        case.flaw(r"inconsistent numbers of samples|0 sample")
    if kind == "extreme":  # beyond float32, which float32 X trains in
        case.flaw(r"\by\b has values beyond the range", fatal=False)
    case.extreme |= kind in ("huge", "extreme") or (kind == "constant" and y[0] > 1e20)
    case.y = y


# --- parameters --------------------------------------------------------------------------

TINY_SIZES = st.one_of(st.integers(1, 8), st.lists(st.integers(1, 8), max_size=2).map(tuple))


def _activations(hidden_layer_sizes):
    names = st.sampled_from(sorted(ACTIVATIONS))
    n_hidden = 1 if isinstance(hidden_layer_sizes, int) else len(hidden_layer_sizes)
    per_layer = st.lists(names, min_size=n_hidden, max_size=n_hidden)
    # Mostly one name for all layers or one per layer; now and then a list of the wrong length.
    return st.one_of(names, names, per_layer, per_layer, st.lists(names, max_size=3))


SHARED_EDGES = {
    "solver": st.sampled_from(["adam", "sgd", "rmsprop", "adamw", "lbfgs"]),
    "alpha": st.sampled_from([0.0, 1e-10, 1e3, 1e30]),
    "batch_size": st.one_of(st.just("auto"), st.integers(1, 3), st.just(10_000)),
    "learning_rate": st.sampled_from(["constant", "invscaling", "adaptive", "cosine"]),
    "learning_rate_init": st.sampled_from([1e-12, 1e-3, 0.5, 10.0, 1e6]),
    "power_t": st.sampled_from([0.0, 0.5, 1e3]),
    "shuffle": st.booleans(),
    "tol": st.sampled_from([0.0, 1e-4, 1e10]),
    "momentum": st.sampled_from([0.0, 0.5, 1.0]),
    "nesterovs_momentum": st.booleans(),
    "early_stopping": st.booleans(),
    "validation_fraction": st.sampled_from([0.0, 1e-6, 0.1, 0.5, 0.999]),
    "beta_1": st.sampled_from([0.0, 0.999999]),
    "beta_2": st.sampled_from([0.0, 0.999999]),
    "epsilon": st.sampled_from([1e-300, 1e-8, 1e8]),
    "n_iter_no_change": st.sampled_from([1, 10, np.inf]),
    "max_fun": st.sampled_from([1, 2, 15000]),
    "dtype": st.sampled_from([None, "float32", "float64", np.float32]),
}

NETWORK_EDGES = {
    "dropout": st.sampled_from([0.0, 0.5, 0.999]),
    "batch_norm": st.booleans(),
    "alpha_l1": st.sampled_from([0.0, 1e-3, 1e3]),
    "max_grad_norm": st.sampled_from([None, 1e-12, 1.0, 1e12]),
    "weight_init": st.sampled_from(["auto", *INITIALIZERS]),
    "weight_decay": st.sampled_from([0.0, 0.01, 1e3]),
    "warmup_epochs": st.sampled_from([0, 1, 10]),
}


@st.composite
def parameters(draw, extra, sizes=TINY_SIZES):
    """Constructor parameters: a tiny network, few epochs, and some parameters at an edge."""
    hidden = draw(sizes)
    params = draw(st.fixed_dictionaries(
        {"hidden_layer_sizes": st.just(hidden), "max_iter": st.integers(1, 4),
         "random_state": st.integers(0, 3)},
        optional={**SHARED_EDGES, **extra, "activation": _activations(hidden)},
    ))
    return params


#: Values just beyond the ranges of parameters every estimator has.
INVALID = {
    "hidden_layer_sizes": (0,), "alpha": -1e-300, "batch_size": 0, "learning_rate_init": 0.0,
    "power_t": -1.0, "max_iter": 0, "tol": np.nan, "momentum": 1.0 + 1e-12, "beta_1": 1.0,
    "validation_fraction": 1.0, "epsilon": 0.0, "n_iter_no_change": 0, "max_fun": 0,
    "solver": "LBFGS", "learning_rate": "cyclic", "dtype": "float16", "activation": "swish",
}


@st.composite
def invalid_parameter(draw, case):
    """Now and then set one parameter of ``case`` just beyond its range."""
    if draw(_one_in(10)):
        name = draw(st.sampled_from(sorted(INVALID)))
        case.params[name] = INVALID[name]
        case.flaw(f"'{name}' parameter")


def _extreme_steps(params):
    """Whether ``params`` may take steps that make finite weights overflow on the data.

    Besides huge rates and penalties, an ``epsilon`` that vanishes next to the gradients
    lifts Adam's and RMSprop's bound on the size of a step, and a denoising noise a
    thousand times the data's scale makes gradients to match.
    """
    penalties = ("alpha", "alpha_l1", "weight_decay", "noise")
    return (params.get("learning_rate_init", 0) >= 10
            or max(params.get(name, 0) for name in penalties) >= 1e3
            or params.get("epsilon", 1.0) < 1e-100)


def _parameter_topics(params):
    """What a refusal caused by ``params`` may name."""
    topics = [re.escape(name) for name in params if name not in ("random_state",)]
    if params.get("early_stopping"):
        topics.append("validation_fraction")
    return topics


# --- fit, then predict -------------------------------------------------------------------


@st.composite
def classifier_cases(draw):
    n, p, wide_sparse = draw(shapes())
    params = draw(parameters({**NETWORK_EDGES,
                              "multilabel": st.sampled_from(["auto", True, False]),
                              "class_weight": st.sampled_from([None, "balanced"]),
                              "scoring": st.sampled_from([None, "loss", "accuracy"])}))
    case = Case(params=params, extreme=_extreme_steps(params))
    draw(features(case, n, p, wide_sparse))
    draw(class_labels(case, n, params.get("multilabel", "auto")))
    draw(sample_weights(case, n))
    draw(validation_data(case, p))
    case.topics += _parameter_topics(params)
    draw(invalid_parameter(case))
    return case


@st.composite
def regressor_cases(draw):
    n, p, wide_sparse = draw(shapes())
    params = draw(parameters({**NETWORK_EDGES,
                              "loss": st.sampled_from(["squared_error", "poisson",
                                                       "absolute_error", "huber"]),
                              "huber_delta": st.sampled_from([1e-8, 1.0, 1e8]),
                              "scoring": st.sampled_from([None, "loss", "r2"])}))
    case = Case(params=params, extreme=_extreme_steps(params))
    draw(features(case, n, p, wide_sparse))
    draw(regression_targets(case, n, params.get("loss", "squared_error")))
    draw(sample_weights(case, n))
    draw(validation_data(case, p))
    case.topics += _parameter_topics(params)
    draw(invalid_parameter(case))
    return case


@st.composite
def autoencoder_cases(draw):
    n, p, wide_sparse = draw(shapes())
    encoder_sizes = st.one_of(st.integers(1, 8),
                              st.lists(st.integers(1, 8), min_size=1, max_size=2).map(tuple))
    params = draw(parameters({"noise": st.sampled_from([0.0, 0.1, 1e3])}, encoder_sizes))
    case = Case(params=params, extreme=_extreme_steps(params))
    draw(features(case, n, p, wide_sparse))
    draw(sample_weights(case, n))
    case.topics += _parameter_topics(params)
    draw(invalid_parameter(case))
    return case


def assert_refuses_bad_inputs(est, methods):
    """Each of ``methods`` refuses NaN and a wrong number of columns, naming the problem."""
    for name in methods:
        method = getattr(est, name)
        width = est.n_features_in_
        if name == "inverse_transform":  # it takes codes, as wide as the bottleneck
            width = est.transform(np.zeros((1, width))).shape[1]
        for X_bad, topic in [(np.full((2, width), np.nan), r"\bX\b.*NaN"),
                             (np.zeros((2, width + 1)), r"\bX\b has \d+ (features|columns)")]:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # e.g. no feature names: meant so
                    method(X_bad)
            except ValueError as error:
                assert_names_the_problem(error, [topic])
            else:
                raise AssertionError(f"{name} accepted {X_bad.shape} input with {topic}")


def check_classifier(est, case):
    X, n = case.X, case.n_samples
    predicted = est.predict(X)
    assert len(predicted) == n
    proba = est.predict_proba(X)
    blocks = proba if isinstance(proba, list) else [proba]
    assert_probabilities(blocks, n, case.distribution)
    if isinstance(proba, list):  # one block per label column, over that column's classes
        assert [b.shape[1] for b in blocks] == [len(c) for c in est.classes_]
        for column, classes in zip(np.asarray(predicted).T, est.classes_):
            assert set(column) <= set(classes)
    else:
        assert proba.shape[1] == len(est.classes_)
        if np.ndim(predicted) == 1:
            assert set(predicted) <= set(est.classes_)
        else:
            assert set(np.unique(predicted)) <= {0, 1}
    log_proba = est.predict_log_proba(X)
    for block in log_proba if isinstance(log_proba, list) else [log_proba]:
        assert not np.isnan(block).any() and (block <= 0).all()
    score = est.score(X, case.y)
    assert 0.0 <= score <= 1.0
    assert_refuses_bad_inputs(est, ["predict", "predict_proba", "predict_log_proba"])


def check_regressor(est, case):
    predicted = est.predict(case.X)
    n_targets = 1 if np.ndim(case.y) == 1 else np.shape(case.y)[1]
    assert predicted.shape == ((case.n_samples,) if n_targets == 1
                               else (case.n_samples, n_targets))
    assert_finite(predicted, "predict")
    # scikit-learn's r2_score needs two samples, and squares y: beyond 1e154 it overflows.
    if case.n_samples >= 2 and np.abs(np.asarray(case.y, dtype=float)).max() < 1e150:
        score = est.score(case.X, case.y)
        # -inf where the predictions are so far off that their squared errors overflow.
        assert not np.isnan(score) and score <= 1.0
    assert_refuses_bad_inputs(est, ["predict"])


def check_autoencoder(est, case):
    codes = est.transform(case.X)
    width = est.hidden_layer_sizes
    width = width if isinstance(width, int) else width[-1]
    assert codes.shape == (case.n_samples, width)
    assert_finite(codes, "transform")
    reconstruction = est.inverse_transform(codes)
    assert reconstruction.shape == (case.n_samples, est.n_features_in_)
    assert_finite(reconstruction, "inverse_transform")
    assert_finite(est.score_samples(case.X), "score_samples")
    assert np.isfinite(est.score(case.X))
    assert_refuses_bad_inputs(est, ["transform", "inverse_transform", "score_samples"])


@given(classifier_cases())
def test_classifier_fits_or_refuses_clearly(case):
    est = ANNClassifier(**case.params)
    run_case(est, case, lambda: est.fit(case.X, case.y, sample_weight=case.sample_weight,
                                        **case.validation),
             lambda: check_classifier(est, case))


@given(regressor_cases())
def test_regressor_fits_or_refuses_clearly(case):
    est = ANNRegressor(**case.params)
    run_case(est, case, lambda: est.fit(case.X, case.y, sample_weight=case.sample_weight,
                                        **case.validation),
             lambda: check_regressor(est, case))


@given(autoencoder_cases())
def test_autoencoder_fits_or_refuses_clearly(case):
    est = ANNAutoencoder(**case.params)
    run_case(est, case, lambda: est.fit(case.X, sample_weight=case.sample_weight),
             lambda: check_autoencoder(est, case))


# --- partial_fit with classes missing from the batches -----------------------------------

LABEL_SETS = {
    "ints": np.array([-1, 0, 7, 12]),
    "strings": np.array(["ant", "bee", "cat", "dog"]),
    "floats": np.array([0.0, 1.0, 2.0, 3.0]),
    "bools": np.array([False, True]),
}

STOCHASTIC = {
    "solver": st.sampled_from(["adam", "sgd", "rmsprop", "adamw"]),
    "batch_size": st.one_of(st.just("auto"), st.integers(1, 3)),
    "learning_rate": st.sampled_from(["constant", "invscaling", "adaptive", "cosine"]),
    "learning_rate_init": st.sampled_from([1e-6, 1e-4, 1e-3]),
    "dropout": st.sampled_from([0.0, 0.5]),
    "batch_norm": st.booleans(),
    "alpha": st.sampled_from([0.0, 1e-4, 10.0]),
    "dtype": st.sampled_from([None, "float32"]),
    "activation": st.sampled_from(sorted(ACTIVATIONS)),
}


def _stochastic_parameters(extra=None):
    return st.fixed_dictionaries(
        {"hidden_layer_sizes": st.integers(1, 8), "random_state": st.integers(0, 3)},
        optional={**STOCHASTIC, **(extra or {})},
    )


@given(label_sets=st.lists(st.sampled_from(sorted(LABEL_SETS)), min_size=1, max_size=2),
       n_classes=st.integers(2, 4), n_features=st.integers(1, 4),
       batch_sizes=st.lists(st.integers(1, 5), min_size=1, max_size=4),
       params=_stochastic_parameters(), seed=st.integers(0, 2**16), data=st.data())
def test_partial_fit_with_classes_missing_from_every_batch(label_sets, n_classes, n_features,
                                                          batch_sizes, params, seed, data):
    # One label column or two; in each, one class never shows up and the others only now
    # and then.
    columns = []
    for name in label_sets:
        classes = LABEL_SETS[name][:n_classes]
        unseen = data.draw(st.integers(0, len(classes) - 1), label=f"unseen {name}")
        columns.append((classes, np.delete(classes, unseen)))
    several = len(columns) > 1
    classes = [known for known, _ in columns] if several else columns[0][0]
    rng = np.random.RandomState(seed)
    est = ANNClassifier(**params)
    X_probe = rng.standard_normal((3, n_features))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in batch_sizes:
            X = rng.standard_normal((n, n_features))
            y = np.empty((n, len(columns)), dtype=object)  # labels of a type per column
            for k, (_, seen) in enumerate(columns):
                y[:, k] = rng.choice(seen, size=n)
            y = y if several else y[:, 0].astype(columns[0][0].dtype)
            again = rng.rand() < 0.5 or not hasattr(est, "classes_")
            est.partial_fit(X, y, classes=classes if again else None)
            predicted, proba = est.predict(X_probe), est.predict_proba(X_probe)
            blocks = proba if several else [proba]
            for k, ((known, _), fitted, block) in enumerate(zip(
                    columns, est.classes_ if several else [est.classes_], blocks)):
                np.testing.assert_array_equal(fitted, np.sort(known))
                assert block.shape == (3, len(known))
                labels = predicted[:, k] if several else predicted
                assert set(labels) <= set(known)
            assert_probabilities(blocks, 3, distribution=True)
    assert_few_warnings(caught)


# --- a call that fails leaves the fitted model untouched ----------------------------------

GOOD_ROWS = 10


def _good_data(kind, rng, n_features):
    X = rng.standard_normal((GOOD_ROWS, n_features))
    if kind == "classifier":
        return X, np.array(["ant", "bee", "cat"])[np.arange(GOOD_ROWS) % 3]
    if kind == "regressor":
        return X, np.abs(X[:, 0]) + 1.0
    return X, None


#: Bad second calls: what breaks them, what the error must name, and whether a plain
#: ``fit`` (which may start afresh) must refuse it too.
BAD_CALLS = {
    "NaN in X": (r"\bX\b.*NaN", True),
    "infinity in X": (r"\bX\b.*infinity", True),
    "strings in X": (r"convert|str", True),
    "other number of features": (r"features", False),
    "no rows": (r"0 sample", True),
    "y too short": (r"inconsistent numbers of samples", True),
    "negative sample_weight": (r"sample_weight", True),
    "NaN sample_weight": (r"sample_weight", True),
    "sample_weight too long": (r"sample_weight", True),
    "all-zero sample_weight": (r"sample_weight", True),
    "diverging": (r"non-finite|beyond the range", True),
    "other hidden_layer_sizes": (r"hidden_layer_sizes", False),
    "other activation": (r"activation", False),
    "other batch_norm": (r"batch_norm", False),
    "unseen class": (r"classes|labels", False),
    "two label columns": (r"columns?|outputs", False),
    "other classes argument": (r"classes", True),
    "NaN in y": (r"\by\b.*NaN", True),
    "negative y for poisson": (r"poisson", True),
}
APPLIES_TO = {
    "unseen class": ("classifier",), "two label columns": ("classifier", "regressor"),
    "other classes argument": ("classifier",), "NaN in y": ("regressor",),
    "negative y for poisson": ("regressor",), "y too short": ("classifier", "regressor"),
    "other batch_norm": ("classifier", "regressor"),
}


def _bad_call(name, kind, X, y, params):
    """``(X, y, kwargs of the call, parameter changes)`` of the bad call ``name``."""
    kwargs, changes = {}, {}
    X = X.copy()
    if name == "NaN in X":
        X[1, 0] = np.nan
    elif name == "infinity in X":
        X[0, -1] = -np.inf
    elif name == "strings in X":
        X = np.full(X.shape, "ten")
    elif name == "other number of features":
        X = np.hstack([X, X[:, :1]])
    elif name == "no rows":
        X, y = X[:0], None if y is None else y[:0]
    elif name == "y too short":
        y = y[:-1]
    elif "sample_weight" in name:
        kwargs["sample_weight"] = {
            "negative sample_weight": -np.ones(len(X)),
            "NaN sample_weight": np.full(len(X), np.nan),
            "sample_weight too long": np.ones(len(X) + 1),
            "all-zero sample_weight": np.zeros(len(X)),
        }[name]
    elif name == "diverging":
        X = X * 1e200
        y = y if kind == "classifier" or y is None else y * 1e200
        changes["learning_rate_init"] = 1e6
    elif name == "other hidden_layer_sizes":
        changes["hidden_layer_sizes"] = (2, 2)
    elif name == "other activation":
        changes["activation"] = "relu" if params.get("activation") == "tanh" else "tanh"
    elif name == "other batch_norm":
        changes["batch_norm"] = not params.get("batch_norm", False)
    elif name == "unseen class":
        y = y.copy().astype(object)
        y[0] = "zebra"
    elif name == "two label columns":
        y = np.column_stack([y, y[::-1]])
    elif name == "other classes argument":
        kwargs["classes"] = np.array(["ant", "bee", "cat", "dog"])
    elif name == "NaN in y":
        y = y.copy()
        y[2] = np.nan
    elif name == "negative y for poisson":
        y = -y
    return X, y, kwargs, changes


def _may_survive(name, kind, params):
    """Whether training on data at 1e200 may stay finite: the log loss and the Poisson
    deviance grow only linearly with the outputs, and the softmax and the exp link are
    computed stably."""
    return name == "diverging" and (kind == "classifier" or params.get("loss") == "poisson")


ESTIMATOR_CLASSES = {"classifier": ANNClassifier, "regressor": ANNRegressor,
                     "autoencoder": ANNAutoencoder}


def _outputs(est, X):
    if isinstance(est, ANNAutoencoder):
        return [est.transform(X)]
    if isinstance(est, ANNRegressor):
        return [est.predict(X)]
    proba = est.predict_proba(X)
    return proba if isinstance(proba, list) else [proba]


def _snapshot(est, X_probe):
    """Everything a caller can see of a fitted estimator: its pickle and its outputs."""
    return pickle.dumps(est), _outputs(est, X_probe), [c.copy() for c in est.coefs_]


@st.composite
def second_calls(draw, how):
    kind = draw(st.sampled_from(sorted(ESTIMATOR_CLASSES)))
    names = [name for name in BAD_CALLS
             if kind in APPLIES_TO.get(name, (kind,))
             and not (name == "other classes argument" and how != "partial_fit")]
    name = draw(st.sampled_from(names))
    extra = {"loss": st.just("poisson")} if kind == "regressor" else {}
    params = draw(_stochastic_parameters(extra))
    if kind == "autoencoder":
        params = {k: v for k, v in params.items() if k not in ("dropout", "batch_norm")}
    if name == "negative y for poisson":
        params["loss"] = "poisson"
    return kind, name, params, draw(st.integers(0, 2**16)), draw(st.integers(1, 4))


def _train_on_good_data(call):
    """``call()``; an example whose good data already diverges (the Poisson loss's exp
    link with dropout and SGD can) says nothing about a failed later call: skip it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            call()
        except ValueError as error:
            if not re.search(DIVERGED, str(error)):
                raise
            assume(False)


def _check_untouched_after(est, how, call, X_probe, X_call, topic, fatal):
    """Run the bad ``call``: refused with ``topic`` named and ``est`` untouched, or (where
    not ``fatal``) accepted, with finite outputs on ``X_call``."""
    before = _snapshot(est, X_probe)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call()
        except (ValueError, TypeError) as error:
            note(f"refused: {error}")
            assert_names_the_problem(error, [topic, DIVERGED])
            after = _snapshot(est, X_probe)
            assert after[0] == before[0], f"a failed {how} changed the estimator"
            for old, new in zip(before[1] + before[2], after[1] + after[2]):
                np.testing.assert_array_equal(old, new)
            refused = True
        else:
            assert not fatal, f"{how} accepted a call it must refuse ({topic})"
            try:
                for output in _outputs(est, X_call):
                    assert_finite(output, f"the output after {how}")
            except NonFiniteOutputError:
                pass  # weights trained on data at 1e200 may overflow on it at predict time
            refused = False
    assert_few_warnings(caught)
    return refused


@given(second_calls("partial_fit"))
def test_a_failed_partial_fit_leaves_the_model_untouched(call):
    kind, name, params, seed, n_good = call
    note(f"{kind}, bad call: {name}, params={params}")
    rng = np.random.RandomState(seed)
    n_features = 3
    est = ESTIMATOR_CLASSES[kind](**params)
    classes = {"classes": np.array(["ant", "bee", "cat"])} if kind == "classifier" else {}
    X_probe = rng.standard_normal((4, n_features))
    for _ in range(n_good):
        X, y = _good_data(kind, rng, n_features)
        _train_on_good_data(lambda: est.partial_fit(X, y, **classes))
    X_bad, y_bad, kwargs, changes = _bad_call(name, kind, X, y, params)
    topic = BAD_CALLS[name][0]
    est.set_params(**changes)
    refused = _check_untouched_after(est, "partial_fit",
                                     lambda: est.partial_fit(X_bad, y_bad, **kwargs),
                                     X_probe, X_bad, topic,
                                     fatal=not _may_survive(name, kind, params))
    if refused:  # the model goes on learning from good batches
        defaults = type(est)().get_params()
        est.set_params(**{k: params.get(k, defaults[k]) for k in changes})
        t = est.t_
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.partial_fit(X, y)
        assert est.t_ == t + len(X)


@given(second_calls("warm_start"), st.booleans())
def test_a_failed_refit_leaves_the_model_untouched(call, warm_start):
    kind, name, params, seed, _ = call
    note(f"{kind}, bad call: {name}, warm_start={warm_start}, params={params}")
    rng = np.random.RandomState(seed)
    n_features = 3
    est = ESTIMATOR_CLASSES[kind](max_iter=3, warm_start=warm_start, **params)
    X, y = _good_data(kind, rng, n_features)
    _train_on_good_data(lambda: est.fit(X, y))
    X_bad, y_bad, kwargs, changes = _bad_call(name, kind, X, y, params)
    topic, fatal_for_fit = BAD_CALLS[name]
    est.set_params(**changes)
    fatal = (warm_start or fatal_for_fit) and not _may_survive(name, kind, params)
    _check_untouched_after(est, "warm-start fit" if warm_start else "fit",
                           lambda: est.fit(X_bad, y_bad, **kwargs),
                           rng.standard_normal((4, n_features)), X_bad, topic, fatal)
