"""Recurrent layers in the estimators: 2-D and 3-D X, workflows, persistence, training options."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sk_ann import ANNClassifier, ANNRegressor
from sk_ann.core import layers as core_layers
from sk_ann.layers import GRU, LSTM, Bidirectional, Conv1D, Dense, Flatten, SimpleRNN

# Most fits here run a few epochs on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

T, F = 8, 2


@pytest.fixture(scope="module")
def sequences():
    """Sequences of (T, F); the class says whether the first feature's sum is positive."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, T, F))
    total = X[:, :, 0].sum(axis=1)
    return X, (total > 0).astype(int), total / np.sqrt(T)


def _classifier(hidden=None, **params):
    hidden = [LSTM(6), 4] if hidden is None else hidden
    params = {"max_iter": 5, "random_state": 0, **params}
    return ANNClassifier(hidden, input_shape=(T, F), **params)


def _regressor(hidden=None, **params):
    hidden = [GRU(6)] if hidden is None else hidden
    params = {"max_iter": 5, "random_state": 0, **params}
    return ANNRegressor(hidden, input_shape=(T, F), **params)


@pytest.mark.parametrize("make", [_classifier, _regressor])
def test_three_d_and_flat_x_give_the_same_model(make, sequences):
    X, y_class, y_reg = sequences
    y = y_class if make is _classifier else y_reg
    cube = make().fit(X, y)
    flat = make().fit(X.reshape(len(X), -1), y)
    np.testing.assert_array_equal(cube.network_.params, flat.network_.params)
    np.testing.assert_array_equal(cube.predict(X), flat.predict(X.reshape(len(X), -1)))
    assert cube.n_features_in_ == T * F
    assert cube.network_.input_shape == (T, F)


@pytest.mark.parametrize("hidden", [
    [SimpleRNN(5)], [LSTM(5)], [GRU(5)], [Bidirectional(LSTM(3)), 4],
    [LSTM(4, return_sequences=True), GRU(3)],
    [Conv1D(4, 3, padding="same"), GRU(4)],
    [GRU(3, return_sequences=True), Flatten(), Dense(4)],
], ids=repr)
def test_architectures_fit_and_predict(hidden, sequences):
    X, y, _ = sequences
    clf = _classifier(hidden, max_iter=3).fit(X, y)
    assert clf.predict_proba(X).shape == (len(X), 2)
    assert np.isfinite(clf.loss_curve_).all()


def test_lstm_learns_an_easy_sequence_task(sequences):
    X, y, target = sequences
    reg = ANNRegressor([LSTM(8)], input_shape=(T, F), solver="adam", learning_rate_init=0.02,
                       max_iter=60, random_state=0).fit(X, target)
    assert reg.score(X, target) > 0.9


def _adding_problem(n_samples, length, rng):
    """Hochreiter & Schmidhuber's adding problem, with a marked step in each half (Le et al.)."""
    values = rng.uniform(size=(n_samples, length))
    markers = np.zeros((n_samples, length))
    rows, half = np.arange(n_samples), length // 2
    markers[rows, rng.randint(0, half, n_samples)] = 1.0
    markers[rows, rng.randint(half, length, n_samples)] = 1.0
    return np.stack([values, markers], axis=-1), (values * markers).sum(axis=1)


@pytest.mark.parametrize("cell, units, n_train", [(LSTM, 32, 3000), (GRU, 16, 2000)])
def test_lstm_and_gru_solve_the_adding_problem(cell, units, n_train):
    """Remember the first marked value for up to 50 steps (benchmarks/adding_problem.py)."""
    rng = np.random.RandomState(0)
    X, y = _adding_problem(n_train, 50, rng)
    X_test, y_test = _adding_problem(1000, 50, rng)
    assert np.mean((y_test - 1.0) ** 2) > 0.15  # what predicting the mean gives
    model = ANNRegressor([cell(units)], input_shape=(50, 2), learning_rate_init=0.01,
                         batch_size=32, max_iter=10, tol=0.0, n_iter_no_change=10,
                         max_grad_norm=1.0, dtype="float32", random_state=0)
    # One BLAS thread: the products are small, and on a shared machine threads wait.
    with threadpool_limits(limits=1, user_api="blas"):
        model.fit(X, y)
    assert np.mean((model.predict(X_test) - y_test) ** 2) < 0.01


def test_same_seed_same_model_bit_for_bit(sequences):
    X, y, _ = sequences
    hidden = [Bidirectional(GRU(3, return_sequences=True)), LSTM(3), 4]
    first = _classifier(hidden, dropout=[0.2, 0.1, 0.0]).fit(X, y)
    second = _classifier(hidden, dropout=[0.2, 0.1, 0.0]).fit(X, y)
    np.testing.assert_array_equal(first.network_.params, second.network_.params)
    assert first.loss_curve_ == second.loss_curve_


def test_univariate_input_shape_gets_one_feature(sequences):
    X, _, target = sequences
    reg = ANNRegressor([GRU(3)], input_shape=T, max_iter=2, random_state=0)
    reg.fit(X[:, :, 0], target)
    assert reg.network_.input_shape == (T, 1)
    reg.fit(X[:, :, :1], target)  # (n, T, 1) is accepted too
    assert reg.predict(X[:, :, 0]).shape == (len(X),)


def test_pipeline_grid_search_and_cross_validation(sequences):
    X, y, _ = sequences
    flat = X.reshape(len(X), -1)
    pipe = make_pipeline(StandardScaler(), _classifier([GRU(4)], max_iter=2))
    assert cross_val_score(pipe, flat, y, cv=3).shape == (3,)
    assert cross_val_score(_classifier([LSTM(3)], max_iter=2), X, y, cv=3).shape == (3,)
    search = GridSearchCV(
        _regressor(max_iter=2),
        {"hidden_layer_sizes": [[LSTM(3)], [GRU(3)], [Bidirectional(SimpleRNN(2))]]}, cv=2,
    ).fit(X, sequences[2])
    assert search.best_params_["hidden_layer_sizes"] in (
        [LSTM(3)], [GRU(3)], [Bidirectional(SimpleRNN(2))])
    assert "LSTM(3)" in str(search.cv_results_["params"])


def test_clone_pickle_and_skops_round_trips(sequences, tmp_path):
    X, y, _ = sequences
    clf = _classifier([Bidirectional(LSTM(3, return_sequences=True)), GRU(2)]).fit(X, y)
    twin = clone(clf)
    assert twin.get_params()["hidden_layer_sizes"] == clf.hidden_layer_sizes
    assert not hasattr(twin, "network_")
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    sio = pytest.importorskip("skops.io")
    path = tmp_path / "model.skops"
    sio.dump(clf, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert all(name.startswith("sk_ann.") for name in untrusted), untrusted
    from_skops = sio.load(path, trusted=untrusted)
    np.testing.assert_array_equal(from_skops.predict_proba(X), clf.predict_proba(X))
    # Training goes on from where it was.
    for est in (loaded, from_skops, clf):
        est.set_params(warm_start=True, max_iter=2).fit(X, y)
    np.testing.assert_array_equal(loaded.network_.params, clf.network_.params)
    np.testing.assert_array_equal(from_skops.network_.params, clf.network_.params)


def test_warm_start_continues_and_refuses_another_architecture(sequences):
    X, y, _ = sequences
    clf = _classifier(warm_start=True).fit(X, y)
    before = clf.network_.params.copy()
    clf.fit(X, y)
    assert len(clf.loss_curve_) == 10
    assert not np.array_equal(before, clf.network_.params)
    clf.set_params(dropout=[0.3, 0.0]).fit(X, y)  # dropout holds no weights: allowed
    assert clf.network_.layers[0].dropout == 0.3
    clf.set_params(hidden_layer_sizes=[LSTM(7), 4])
    with pytest.raises(ValueError, match=r"cannot change: hidden_layer_sizes.*LSTM\(7\)"):
        clf.fit(X, y)


def test_partial_fit_on_batches_of_sequences(sequences):
    X, y, _ = sequences
    clf = _classifier()
    for start in range(0, len(X), 40):
        clf.partial_fit(X[start:start + 40], y[start:start + 40], classes=[0, 1])
    assert clf.n_iter_ == 1 and len(clf.loss_curve_) == 3
    assert clf.predict(X).shape == (len(X),)


def test_early_stopping_restores_the_best_weights(sequences):
    X, y, _ = sequences
    clf = _classifier(early_stopping=True, validation_fraction=0.25, max_iter=8).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)


def test_dropout_clipping_and_lbfgs_train(sequences):
    X, y, target = sequences
    plain = _regressor().fit(X, target)
    clipped = _regressor(max_grad_norm=0.01).fit(X, target)
    assert not np.allclose(plain.network_.params, clipped.network_.params)
    dropped = _regressor([LSTM(6), 4], dropout=0.3).fit(X, target)
    assert np.isfinite(dropped.predict(X)).all()
    lbfgs = _regressor([LSTM(4)], solver="lbfgs", max_iter=15).fit(X, target)
    assert lbfgs.loss_ < lbfgs.loss_curve_[0]


def test_float32_trains_in_float32(sequences):
    X, y, target = sequences
    reg = _regressor([Bidirectional(LSTM(3))], dtype="float32").fit(X, target)
    assert reg.network_.params.dtype == np.float32
    assert reg.predict(X).dtype == np.float32
    # A Bidirectional layer's two directions are read from the layer, not from coefs_.
    assert [W.shape for W in reg.coefs_] == [(6, 1)]
    assert reg.network_.layers[0].forward_layer.weights.shape == (F, 12)
    single = _regressor([LSTM(3)]).fit(X.astype(np.float32), target)
    assert single.network_.dtype == np.float32


def test_fitted_attributes_and_looking_inside(sequences):
    X, y, _ = sequences
    clf = _classifier([LSTM(6, return_sequences=True), GRU(3), 4]).fit(X, y)
    # coefs_ holds each layer's input weights: the gates' blocks side by side.
    assert [W.shape for W in clf.coefs_] == [(F, 24), (6, 9), (3, 4), (4, 1)]
    assert [b.shape for b in clf.intercepts_] == [(24,), (9,), (4,), (1,)]
    outputs = clf.network_.layer_outputs(X.reshape(len(X), -1))
    assert [A.shape for A in outputs] == [(120, T, 6), (120, 3), (120, 4), (120, 1)]
    unit = clf.network_.layers[0].neurons[2]
    assert set(unit.weights) == {"input", "forget", "candidate", "output"}
    assert clf.n_layers_ == 5
    assert "LSTM(6, return_sequences=True) -> (8, 6), tanh" in repr(clf.network_)


def test_sparse_input_is_densified_for_a_recurrent_first_layer(sequences):
    sp = pytest.importorskip("scipy.sparse")
    X, y, _ = sequences
    flat = X.reshape(len(X), -1)
    dense = _classifier([GRU(3)]).fit(flat, y)
    sparse = _classifier([GRU(3)]).fit(sp.csr_matrix(flat), y)
    np.testing.assert_allclose(sparse.network_.params, dense.network_.params)


# --- errors ---------------------------------------------------------------------------


def test_recurrent_layer_on_flat_rows_says_to_give_input_shape(sequences):
    X, y, _ = sequences
    with pytest.raises(ValueError, match=r"layer 1 \(LSTM\): LSTM reads sequences of shape "
                       r"\(timesteps, features\).*input_shape=\(timesteps, features\)"):
        ANNClassifier([LSTM(3)], max_iter=1).fit(X.reshape(len(X), -1), y)
    with pytest.raises(ValueError, match="input_shape is None"):
        ANNClassifier([LSTM(3)], max_iter=1).fit(X, y)


def test_recurrent_layer_after_dense_or_a_final_state_is_refused(sequences):
    X, y, _ = sequences
    with pytest.raises(ValueError, match=r"layer 2 \(GRU\).*flat samples"):
        _classifier([4, GRU(3)]).fit(X, y)
    with pytest.raises(ValueError, match=r"layer 2 \(GRU\).*return_sequences=True"):
        _classifier([LSTM(3), GRU(3)]).fit(X, y)


def test_sequences_that_do_not_match_input_shape_are_refused(sequences):
    X, y, _ = sequences
    with pytest.raises(ValueError, match=r"X has samples of shape \(8, 2\), but "
                       r"input_shape=\(2, 8\)"):
        ANNClassifier([LSTM(3)], input_shape=(2, 8), max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match="holds 20 numbers per sample, but X has 16"):
        ANNClassifier([LSTM(3)], input_shape=(10, 2), max_iter=1).fit(
            X.reshape(len(X), -1), y)
    clf = _classifier().fit(X, y)
    with pytest.raises(ValueError, match=r"X has samples of shape \(7, 2\)"):
        clf.predict(X[:, :7])


def test_batch_norm_on_a_recurrent_layer_is_refused_with_what_to_do(sequences):
    X, y, _ = sequences
    with pytest.raises(ValueError, match=r"recurrent layers do not support \(LSTM\(6\)\).*"
                       r"batch_norm=\[False, True\]"):
        _classifier(batch_norm=True).fit(X, y)
    clf = _classifier(batch_norm=[False, True]).fit(X, y)
    assert clf.network_.layers[1].norm is not None
    with pytest.raises(ValueError, match="recurrent layers do not support"):
        _classifier([Bidirectional(GRU(3))], batch_norm=True).fit(X, y)


def test_bad_specs_are_refused_where_they_are_written():
    with pytest.raises(ValueError, match="LSTM units must be a positive int"):
        LSTM(0)
    with pytest.raises(ValueError, match="wraps a recurrent layer"):
        Bidirectional(Dense(3))
    # A core layer where a specification belongs: the error says where specifications live.
    with pytest.raises(ValueError, match=r"from sk_ann.layers\), got LSTM\(3\)"):
        Bidirectional(core_layers.LSTM(3))
    with pytest.raises(ValueError, match="activation must be one of"):
        SimpleRNN(3, activation="banana")
