"""Input handling: array types and dtypes in, clear errors for bad input and parameters."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from sk_ann import ANNAutoencoder, ANNClassifier, ANNRegressor, InvalidParameterError

# These tests train for a few epochs on purpose; that a ConvergenceWarning comes
# when training stops short, and only then, is checked in test_messages.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ESTIMATORS = [ANNClassifier, ANNRegressor]


def _target(cls, iris):
    X, y = iris
    return y if cls is ANNClassifier else X[:, 0] + y


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_dataframe_keeps_feature_names(cls, iris):
    X, _ = iris
    df = pd.DataFrame(X, columns=["sl", "sw", "pl", "pw"])
    est = cls(max_iter=5, random_state=0).fit(df, _target(cls, iris))
    np.testing.assert_array_equal(est.feature_names_in_, ["sl", "sw", "pl", "pw"])
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        np.testing.assert_array_equal(est.predict(df), est.predict(X))
    with pytest.raises(ValueError, match="feature names"):
        est.predict(df.rename(columns={"sl": "other"}))


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_sparse_input_gives_the_dense_model(cls, iris, fmt):
    X, _ = iris
    y = _target(cls, iris)
    dense = cls(max_iter=10, random_state=0).fit(X, y)
    sparse = cls(max_iter=10, random_state=0).fit(sp.csr_matrix(X).asformat(fmt), y)
    np.testing.assert_allclose(sparse.coefs_[0], dense.coefs_[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(sparse.predict(sp.csr_matrix(X)), dense.predict(X), rtol=1e-10)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_sparse_input_is_never_densified_for_a_dense_first_layer(cls, iris, monkeypatch):
    # A wide sparse X (text features) may not fit in memory as a dense array.
    X, _ = iris
    X = sp.csr_matrix(X)

    def refuse(self, *args, **kwargs):
        raise AssertionError("a sparse X was made dense")

    monkeypatch.setattr(sp.csr_matrix, "toarray", refuse)
    est = cls(max_iter=5, random_state=0).fit(X, _target(cls, iris))
    est.predict(X)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_float32_trains_and_predicts_in_float32(cls, iris):
    X, _ = iris
    est = cls(max_iter=10, random_state=0).fit(X.astype(np.float32), _target(cls, iris))
    assert est.network_.params.dtype == np.float32
    assert all(c.dtype == np.float32 for c in est.coefs_)
    out = est.predict_proba(X) if cls is ANNClassifier else est.predict(X)
    assert out.dtype == np.float32


@pytest.mark.parametrize("dtype", [np.int64, np.float16, bool, object])
def test_other_dtypes_train_in_float64(iris, dtype):
    X, y = iris
    X_cast = (X > 0).astype(dtype) if dtype is bool else np.round(X * 10).astype(dtype)
    est = ANNClassifier(max_iter=5, random_state=0).fit(X_cast, y)
    assert est.network_.params.dtype == np.float64
    assert est.predict(X_cast).shape == (150,)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_non_finite_input_is_refused(cls, iris, bad):
    X, _ = iris
    X = X.copy()
    X[3, 1] = bad
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        cls().fit(X, _target(cls, iris))


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_wrong_number_of_features_at_predict(cls, iris):
    X, _ = iris
    est = cls(max_iter=5).fit(X, _target(cls, iris))
    with pytest.raises(ValueError, match="X has 3 features, but .* is expecting 4 features"):
        est.predict(X[:, :3])


@pytest.mark.parametrize("method", ["predict", "predict_proba", "predict_log_proba", "score"])
def test_predicting_before_fit(iris, method):
    X, y = iris
    args = (X, y) if method == "score" else (X,)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        getattr(ANNClassifier(), method)(*args)


@pytest.mark.parametrize("param, value, match", [
    ("activation", "banana", r"'activation' parameter of ANNClassifier must be a str among "
                             r"\{.*'identity', .*'relu', .*\}, or a list of them, one per "
                             r"hidden layer \(None for a layer that takes none\). "
                             r"Got 'banana'"),
    ("activation", ["relu", "banana"], r"'activation' parameter .* Got \['relu', 'banana'\]"),
    ("dropout", 1.0, r"'dropout' parameter .* \[0.0, 1.0\)"),
    ("dropout", [0.1, -0.1], r"'dropout' parameter"),
    ("alpha_l1", -1.0, r"'alpha_l1' parameter"),
    ("max_grad_norm", 0.0, r"'max_grad_norm' parameter"),
    ("scoring", "no_such_metric", r"'scoring' parameter .*get_scorer_names"),
    ("solver", "newton", "'solver' parameter"),
    ("hidden_layer_sizes", (10, 0), "'hidden_layer_sizes' parameter .* ints >= 1"),
    ("hidden_layer_sizes", "big", "'hidden_layer_sizes' parameter"),
    ("alpha", -1.0, r"'alpha' parameter .* a float in the range \[0.0, inf\). Got -1.0"),
    ("batch_size", 0, "'batch_size' parameter"),
    ("learning_rate", "fast", "'learning_rate' parameter"),
    ("learning_rate_init", 0.0, "'learning_rate_init' parameter"),
    ("max_iter", 0, "'max_iter' parameter"),
    ("max_iter", 2.5, "'max_iter' parameter"),
    ("momentum", 1.5, "'momentum' parameter"),
    ("shuffle", "yes", "'shuffle' parameter"),
    ("beta_1", 1.0, "'beta_1' parameter"),
    ("validation_fraction", 1.0, "'validation_fraction' parameter"),
    ("n_iter_no_change", 0, "'n_iter_no_change' parameter"),
    ("random_state", "seed", "'random_state' parameter"),
    # numpy's seeds end at 2**32 - 1: the error names the parameter, not numpy's seed.
    ("random_state", 2**32, "'random_state' parameter"),
])
def test_bad_parameters_are_named_with_what_is_allowed(iris, param, value, match):
    X, y = iris
    est = ANNClassifier(**{param: value})
    with pytest.raises(InvalidParameterError, match=match):
        est.fit(X, y)
    # Both except clauses that work for scikit-learn's own error work here.
    with pytest.raises(ValueError):
        est.fit(X, y)
    with pytest.raises(TypeError):
        est.fit(X, y)
    assert not hasattr(est, "network_")


@pytest.mark.parametrize("params", [
    {"max_iter": 1}, {"max_fun": 1, "solver": "lbfgs"}, {"n_iter_no_change": 1},
    {"batch_size": 1}, {"alpha": 0.0}, {"alpha_l1": 0.0}, {"tol": 0.0}, {"power_t": 0.0},
    {"momentum": 0.0, "solver": "sgd"}, {"momentum": 1.0, "solver": "sgd"},
    {"beta_1": 0.0}, {"beta_2": 0.0}, {"validation_fraction": 0.0},
    {"weight_decay": 0.0, "solver": "adamw"}, {"warmup_epochs": 0},
    {"learning_rate_init": 1e-300}, {"epsilon": 1e-300}, {"random_state": 2**32 - 1},
], ids=lambda params: ",".join(f"{k}={v}" for k, v in params.items()))
def test_the_bounds_of_each_range_that_are_allowed_are_accepted(iris, params):
    X, y = iris
    est = ANNClassifier((4,), max_iter=2, random_state=0)
    est.set_params(**params).fit(X[::5], y[::5])
    assert est.n_iter_ >= 1


def test_infinite_n_iter_no_change_is_allowed(iris):
    X, y = iris
    est = ANNClassifier(n_iter_no_change=np.inf, max_iter=3).fit(X, y)
    assert est.n_iter_ == 3


def test_batch_size_larger_than_data_is_clipped_with_a_warning(iris):
    X, y = iris
    with pytest.warns(UserWarning, match="batch_size"):
        ANNClassifier(batch_size=1000, max_iter=2).fit(X, y)


def test_divergence_raises_and_a_fresh_estimator_stays_unfitted(iris):
    X, _ = iris
    est = ANNRegressor(activation="identity", solver="sgd", learning_rate_init=1.0,
                       max_iter=50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one clear error, no storm of numpy warnings
        with pytest.raises(ValueError, match="Solver produced non-finite parameter weights.*"
                                             "lower learning_rate_init .now 1.0."):
            est.fit(X * 10, X[:, 0] * 100)
    assert not hasattr(est, "network_") and not hasattr(est, "n_features_in_")
    with pytest.raises(NotFittedError):
        est.predict(X)


@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_divergence_leaves_the_fitted_model_untouched(iris, how):
    X, _ = iris
    est = ANNRegressor(activation="identity", solver="sgd", learning_rate_init=0.01,
                       max_iter=5, random_state=0, warm_start=how == "warm_start")
    est.fit(X, X[:, 0])
    params, curve, t = est.network_.params.copy(), list(est.loss_curve_), est.t_
    pred = est.predict(X)
    with pytest.raises(ValueError, match="The model fitted before this call is unchanged"):
        if how == "warm_start":
            est.set_params(learning_rate_init=1.0, max_iter=50).fit(X * 10, X[:, 0] * 100)
        else:
            est.partial_fit(X * 1e200, X[:, 0] * 1e200)
    np.testing.assert_array_equal(est.network_.params, params)
    assert est.loss_curve_ == curve and est.t_ == t
    np.testing.assert_array_equal(est.predict(X), pred)


def test_divergence_with_early_stopping_restores_the_best_weights(iris):
    X, _ = iris
    est = ANNRegressor(activation="identity", solver="sgd", learning_rate_init=1.0,
                       early_stopping=True, max_iter=50, random_state=0)
    with pytest.warns(RuntimeWarning, match="became non-finite at epoch .* were restored"):
        est.fit(X * 10, X[:, 0] * 100)
    assert not np.isfinite(est.validation_scores_[-1])
    assert np.isfinite(est.network_.params).all()
    assert np.isfinite(est.predict(X)).all()


@pytest.mark.parametrize("change, match", [
    ({"hidden_layer_sizes": (7,)}, r"hidden_layer_sizes \(5,\) -> \(7,\)"),
    ({"activation": "tanh"}, "activation 'relu' -> 'tanh'"),
    ({"loss": "poisson"}, "whose loss is 'squared_error', not 'poisson'"),
])
def test_warm_start_refuses_a_different_network(regression, change, match):
    X, y = regression
    est = ANNRegressor(hidden_layer_sizes=(5,), warm_start=True, max_iter=3).fit(X, y - y.min())
    params = est.network_.params.copy()
    with pytest.raises(ValueError, match=match):
        est.set_params(**change).fit(X, y - y.min())
    np.testing.assert_array_equal(est.network_.params, params)


def test_keyboard_interrupt_keeps_the_model_trained_so_far(iris, monkeypatch):
    from sk_ann.core.optimizers import Adam

    X, y = iris
    steps = {"n": 0}
    original = Adam.step

    def interrupted_step(self, params, grads):
        steps["n"] += 1
        if steps["n"] == 7:
            raise KeyboardInterrupt
        original(self, params, grads)

    monkeypatch.setattr(Adam, "step", interrupted_step)
    est = ANNClassifier(batch_size=50, max_iter=100, random_state=0)
    with pytest.warns(UserWarning, match="Training interrupted by user"):
        est.fit(X, y)
    assert est.n_iter_ == 2 and len(est.loss_curve_) == 2
    assert np.isfinite(est.network_.params).all()
    assert est.predict(X).shape == (150,)


def test_n_iter_no_change_error_says_what_is_allowed(iris):
    X, y = iris
    with pytest.raises(InvalidParameterError, match=r"an int in the range \[1, inf\) or a float "
                                                    r"among \{inf\}. Got 0 instead"):
        ANNClassifier(n_iter_no_change=0).fit(X, y)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("dtype", ["float32", np.float32, "float64"])
def test_dtype_parameter_sets_the_precision_whatever_the_input(cls, iris, dtype):
    X, _ = iris
    y = _target(cls, iris)
    est = cls(max_iter=5, random_state=0, dtype=dtype).fit(X.astype(np.float64), y)
    assert est.network_.params.dtype == np.dtype(dtype)
    out = est.predict_proba(X) if cls is ANNClassifier else est.predict(X)
    assert out.dtype == np.dtype(dtype)
    follow = cls(max_iter=5, random_state=0).fit(X.astype(np.dtype(dtype)), y)
    np.testing.assert_array_equal(est.network_.params, follow.network_.params)


def test_bad_dtype_is_refused(iris):
    X, y = iris
    with pytest.raises(InvalidParameterError, match="'dtype' parameter .* None, 'float32' or"):
        ANNClassifier(dtype="int8").fit(X, y)


@pytest.mark.parametrize("param", ["alpha", "learning_rate_init", "tol", "momentum"])
def test_nan_parameters_are_refused(iris, param):
    X, y = iris
    with pytest.raises(InvalidParameterError, match=f"'{param}' parameter .* Got nan instead"):
        ANNClassifier(**{param: float("nan")}).fit(X, y)


def test_invscaling_with_a_huge_power_t_decays_the_rate_to_zero(iris):
    X, y = iris
    est = ANNClassifier(solver="sgd", learning_rate="invscaling", power_t=1e3, max_iter=3,
                        random_state=0).fit(X, y)
    # (t + 1) ** power_t overflows a float after the first epoch: no step after it.
    assert est._state.optimizer.learning_rate == 0.0
    assert np.isfinite(est.predict_proba(X)).all()


@pytest.mark.parametrize("n_samples, fraction, match", [
    (1, 0.1, r"validation set is too small.*validation_fraction=0.1 of 1 samples"),
    (150, 0.0, r"validation set is too small.*validation_fraction=0.0"),
    (6, 0.999, r"validation_fraction=0.999 of 6 samples, which leaves none to train on"),
])
def test_early_stopping_split_errors_name_validation_fraction(iris, n_samples, fraction, match):
    X, y = iris
    est = ANNClassifier(early_stopping=True, validation_fraction=fraction, max_iter=2)
    with pytest.raises(ValueError, match=match):
        est.fit(X[:n_samples], y[:n_samples])
    assert not hasattr(est, "network_")


def test_early_stopping_on_a_few_samples_of_many_classes_splits_unstratified(iris):
    X, y = iris
    rows = [0, 1, 50, 51, 100, 101, 102, 103, 104, 105]
    # Two validation rows cannot hold one of each of the three classes.
    est = ANNClassifier(early_stopping=True, validation_fraction=0.2, max_iter=2,
                        random_state=0).fit(X[rows], y[rows])
    assert len(est.validation_scores_) == 2


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_values_beyond_float32_are_refused_by_a_float32_network(cls, iris):
    X, _ = iris
    y = _target(cls, iris)
    est = cls(dtype="float32", max_iter=2, random_state=0).fit(X, y)
    X_big = X.copy()
    X_big[0, 0] = 1e39  # finite in float64, infinite in float32
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="X has values beyond the range of float32"):
            est.predict(X_big)
        with pytest.raises(ValueError, match="X has values beyond the range of float32"):
            cls(dtype="float32").fit(X_big, y)
        with pytest.raises(ValueError, match="sample_weight has values beyond the range of "
                                             "float32"):
            cls(dtype="float32").fit(X, y, sample_weight=np.full(len(X), 1e39))
        with pytest.raises(ValueError, match="sample_weight is too small for float32"):
            cls(dtype="float32").fit(X, y, sample_weight=np.full(len(X), 1e-50))


def test_regression_targets_beyond_float32_are_refused(iris):
    X, _ = iris
    with pytest.raises(ValueError, match="y has values beyond the range of float32"):
        ANNRegressor(dtype="float32").fit(X, np.full(len(X), 1e39))


@pytest.mark.parametrize("cls, methods", [
    (ANNClassifier, ["predict", "predict_proba"]),
    (ANNRegressor, ["predict"]),
    (ANNAutoencoder, ["transform", "score_samples"]),
])
def test_outputs_that_overflow_are_refused_rather_than_returned_as_nan(cls, methods, iris):
    X, y = iris
    est = cls(max_iter=2, random_state=0).fit(X, y)
    est.coefs_[0][:] *= 1e10  # finite weights that overflow on data far beyond X's scale
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for method in methods:
            with pytest.raises(ValueError, match="outputs overflowed to NaN or infinity on X"):
                getattr(est, method)(X * 1e300)


def test_divergence_messages_say_what_became_non_finite_and_what_to_change(iris):
    X, _ = iris
    with pytest.raises(ValueError, match=r"The loss became (nan|inf) at iteration \d+ "
                                         r"\(solver='lbfgs'\); scale X") as error:
        ANNRegressor(solver="lbfgs", max_iter=5).fit(X * 1e300, X[:, 0])
    assert "learning_rate_init" not in str(error.value)
    # The epoch's loss was finite; the step after it overflowed the weights.
    with pytest.raises(ValueError, match=r"The parameters became non-finite at epoch 1 "
                                         r"\(solver='sgd'\); lower learning_rate_init"):
        ANNRegressor(solver="sgd", learning_rate_init=1e300, early_stopping=True,
                     max_iter=5, random_state=0).fit(X, X[:, 0])


def test_a_scoring_that_cannot_score_the_target_is_named(iris):
    X, y = iris
    labels = np.column_stack([y, y % 2])  # two label columns: accuracy_score refuses them
    est = ANNClassifier(early_stopping=True, scoring="accuracy", max_iter=2, random_state=0)
    with pytest.raises(ValueError, match="scoring='accuracy' failed on the validation data: "
                                         ".*multiclass-multioutput"):
        est.fit(X, labels)


def test_a_scoring_is_not_asked_to_score_a_diverged_network(iris):
    X, y = iris
    est = ANNClassifier(solver="sgd", learning_rate_init=1e300, early_stopping=True,
                        scoring="accuracy", max_iter=5, random_state=0)
    with pytest.raises(ValueError, match="Solver produced non-finite parameter weights"):
        est.fit(X, y)


def test_early_stopping_refuses_a_split_whose_side_weighs_nothing(iris):
    X, y = iris
    X, y = X[[0, 1, 50, 51]], y[[0, 1, 50, 51]]
    named = set()
    # One sample weighs anything: whichever side of the 2 + 2 split lacks it weighs nothing.
    for heavy in range(4):
        est = ANNClassifier(early_stopping=True, validation_fraction=0.5, max_iter=2,
                            random_state=0)
        with pytest.raises(ValueError, match="part of early_stopping's split holds only "
                                             "samples whose sample_weight is 0") as error:
            est.fit(X, y, sample_weight=np.eye(4)[heavy])
        named.add(str(error.value).split()[1])
        assert not hasattr(est, "network_")
    assert named == {"training", "validation"}


@pytest.mark.parametrize("make, scale", [
    (lambda: ANNClassifier(solver="sgd", learning_rate_init=1e6, max_iter=1, random_state=0),
     1e200),
    (lambda: ANNAutoencoder(solver="sgd", alpha=1e30, max_iter=1, random_state=0,
                            dtype="float32"), 1.0),
])
def test_a_last_step_that_makes_outputs_overflow_fails_the_fit(iris, make, scale):
    X, y = iris
    # The epoch's loss, taken before its step, is finite; the weights after it are not
    # usable: the fit fails rather than leave a model that cannot predict its own data.
    est = make()
    with pytest.raises(ValueError, match="Training made the weights so large that the "
                                         "network's outputs on the training data overflowed"):
        est.fit(X * scale, y)
    assert not hasattr(est, "network_")


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_regression_targets_of_strings_are_refused_naming_y(iris, loss):
    X, y = iris
    words = np.array(["low", "mid", "high"])[y]
    with pytest.raises(ValueError, match="y must hold numbers for a regressor, got strings "
                                         "such as 'low'"):
        ANNRegressor(loss=loss).fit(X, words)
    # Numbers written as strings are numbers.
    est = ANNRegressor(loss=loss, max_iter=2, random_state=0).fit(X, y.astype(str))
    assert est.predict(X).shape == (150,)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("bad, match", [
    ("NaN", "Input X contains NaN"),
    ("wider", "X has 5 features, but .* is expecting 4"),
    ("shorter y_val", "inconsistent numbers of samples"),
    ("negative weights", "Negative values in data passed to `sample_weight`"),
])
def test_errors_in_validation_data_say_it_is_the_validation_data(cls, iris, bad, match):
    X, _ = iris
    y = _target(cls, iris)
    X_val, y_val, sw_val = X[:10].copy(), y[:10], None
    if bad == "NaN":
        X_val[0, 0] = np.nan
    elif bad == "wider":
        X_val = np.hstack([X_val, X_val[:, :1]])
    elif bad == "shorter y_val":
        y_val = y_val[:-1]
    else:
        sw_val = -np.ones(10)
    est = cls(max_iter=2)
    with pytest.raises(ValueError, match=r"^Invalid validation data \(X_val, y_val, "
                                         r"sample_weight_val\): .*" + match):
        est.fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=sw_val)
    assert not hasattr(est, "network_")


@pytest.mark.parametrize("early_stopping", [False, True])
def test_validation_data_of_one_row_is_refused(regression, early_stopping):
    X, y = regression
    # R² is undefined on one row: each epoch scored NaN with a warning, and early
    # stopping took the NaN score for a divergence.
    est = ANNRegressor(max_iter=3, early_stopping=early_stopping)
    with pytest.raises(ValueError, match="X_val has 1 row; the validation score needs at "
                                         "least 2"):
        est.fit(X, y, X_val=X[:1], y_val=y[:1])
    # Two rows, the fewest early stopping's own split holds out, are enough.
    est.fit(X, y, X_val=X[:2], y_val=y[:2])
    assert len(est.validation_scores_) == est.n_iter_


def test_labels_that_are_numbers_in_an_object_array_are_classes(iris):
    X, y = iris
    # pandas gives object columns of numbers; two label columns of them were taken already.
    labels = pd.Series(y, dtype=object)
    est = ANNClassifier(max_iter=2, random_state=0).fit(X, labels)
    assert est.classes_.tolist() == [0, 1, 2]
    assert set(est.predict(X)) <= {0, 1, 2}
    assert est.score(X, labels) == np.mean(est.predict(X) == y)
    two_columns = np.column_stack([labels, labels])
    est.fit(X, two_columns)
    assert est.score(X, two_columns) == np.mean((est.predict(X) == two_columns).all(axis=1))


@pytest.mark.parametrize("labels", [
    np.array([1, "one"] * 75, dtype=object),
    np.array([None, "cat"] * 75, dtype=object),
])
def test_labels_of_mixed_types_are_refused_saying_so(iris, labels):
    X, _ = iris
    with pytest.raises(ValueError, match="The labels in y mix types"):
        ANNClassifier().fit(X, labels)


def test_inverse_transform_names_x_when_codes_hold_nan(iris):
    X, _ = iris
    ae = ANNAutoencoder((5, 2), max_iter=2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        ae.inverse_transform(np.full((3, 2), np.nan))


@pytest.mark.parametrize("how", ["early_stopping", "X_val"])
def test_a_scoring_on_dataframe_validation_data_does_not_warn_every_epoch(iris, how):
    X, _ = iris
    df = pd.DataFrame(X, columns=["sl", "sw", "pl", "pw"])
    est = ANNRegressor(max_iter=5, scoring="r2", early_stopping=how == "early_stopping",
                       random_state=0)
    validation = {"X_val": df, "y_val": X[:, 0]} if how == "X_val" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(df, X[:, 0], **validation)
    assert len(est.validation_scores_) == 5
