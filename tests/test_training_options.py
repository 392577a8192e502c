"""The estimators' training options beyond MLP: dropout, batch norm, L1, clipping,
per-layer activations, weight initialisation, solvers and learning-rate schedules."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from sk_ann import ANNClassifier, ANNRegressor

# These tests train for a few epochs on purpose; that a ConvergenceWarning comes
# when training stops short, and only then, is checked in test_messages.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16, y, test_size=0.3, random_state=0)


def _clf(**kwargs):
    options = dict(hidden_layer_sizes=(32,), max_iter=30, learning_rate_init=0.005, random_state=0)
    options.update(kwargs)
    return ANNClassifier(**options)


# --- dropout -------------------------------------------------------------------------


def test_dropout_trains_reproducibly_and_is_off_at_predict_time(digits):
    X, Xv, y, yv = digits
    a = _clf(dropout=0.3).fit(X, y)
    b = _clf(dropout=0.3).fit(X, y)
    plain = _clf().fit(X, y)
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])
    assert not np.allclose(a.coefs_[0], plain.coefs_[0])
    np.testing.assert_array_equal(a.predict_proba(Xv), a.predict_proba(Xv))
    assert a.score(Xv, yv) > 0.9


def test_dropout_per_hidden_layer(digits):
    X, _, y, _ = digits
    clf = _clf(hidden_layer_sizes=(32, 16), dropout=[0.5, 0.0]).fit(X, y)
    assert [layer.dropout for layer in clf.network_.layers] == [0.5, 0.0, 0.0]
    with pytest.raises(ValueError, match="dropout has 3 entries for 2 hidden layers"):
        _clf(hidden_layer_sizes=(32, 16), dropout=[0.1, 0.1, 0.1]).fit(X, y)


@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_a_new_dropout_rate_applies_to_later_calls(digits, how):
    # Dropout holds no weights, so warm_start and partial_fit may change it.
    X, _, y, _ = digits
    clf = _clf(hidden_layer_sizes=(8, 4), dropout=0.5, max_iter=2, warm_start=True).fit(X, y)
    clf.set_params(dropout=[0.2, 0.1])
    clf.fit(X, y) if how == "warm_start" else clf.partial_fit(X, y)
    assert [layer.dropout for layer in clf.network_.layers] == [0.2, 0.1, 0.0]


def test_dropout_needs_a_stochastic_solver(digits):
    X, _, y, _ = digits
    with pytest.raises(ValueError, match="dropout.*lbfgs"):
        _clf(solver="lbfgs", dropout=0.2).fit(X, y)


def test_dropout_noise_raises_the_training_loss_of_the_same_epochs(digits):
    X, _, y, _ = digits
    plain = _clf(alpha=0.0).fit(X, y)
    dropped = _clf(alpha=0.0, dropout=0.5).fit(X, y)
    # The training loss is measured on the thinned networks the epochs trained.
    assert dropped.loss_ > 1.5 * plain.loss_


# --- batch normalisation ----------------------------------------------------------------


def test_batch_norm_trains_and_predicts_with_running_statistics(digits):
    X, Xv, y, yv = digits
    clf = _clf(hidden_layer_sizes=(32, 32), batch_norm=True).fit(X, y)
    norms = [layer.norm for layer in clf.network_.layers[:-1]]
    assert all(norm is not None for norm in norms)
    assert clf.network_.layers[-1].norm is None
    assert not np.allclose(norms[0].running_var, 1.0)  # gathered while training
    assert clf.score(Xv, yv) > 0.9
    # Predicting one row gives the answer it gets among many: no batch statistics.
    np.testing.assert_allclose(clf.predict_proba(Xv[:1]), clf.predict_proba(Xv)[:1],
                               rtol=1e-12)


def test_batch_norm_per_layer_and_with_partial_fit_and_warm_start(digits):
    X, _, y, _ = digits
    clf = _clf(hidden_layer_sizes=(32, 16), batch_norm=[False, True])
    clf.partial_fit(X[:300], y[:300], classes=np.arange(10))
    norm = clf.network_.layers[1].norm
    assert clf.network_.layers[0].norm is None and norm is not None
    before = norm.running_mean.copy()
    clf.partial_fit(X[300:], y[300:])
    assert not np.array_equal(clf.network_.layers[1].norm.running_mean, before)

    warm = _clf(batch_norm=True, warm_start=True, max_iter=3).fit(X, y)
    stats = warm.network_.buffers.copy()
    warm.fit(X, y)
    assert not np.array_equal(warm.network_.buffers, stats)
    with pytest.raises(ValueError, match="batch_norm"):
        warm.set_params(batch_norm=False).fit(X, y)


def test_batch_norm_model_pickles_with_its_statistics(digits):
    X, Xv, y, _ = digits
    clf = _clf(batch_norm=True, max_iter=5).fit(X, y)
    twin = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(twin.predict_proba(Xv), clf.predict_proba(Xv))


def test_batch_norm_with_early_stopping_restores_the_statistics_of_the_best_epoch(digits):
    X, Xv, y, yv = digits
    clf = _clf(batch_norm=True, early_stopping=True, max_iter=60, n_iter_no_change=3,
               learning_rate_init=0.02).fit(X, y, X_val=Xv, y_val=yv)
    assert clf.score(Xv, yv) == pytest.approx(clf.best_validation_score_)


# --- penalties and clipping -------------------------------------------------------------


def test_l1_penalty_makes_weights_sparse(digits):
    X, _, y, _ = digits
    plain = _clf(alpha=0.0, max_iter=60).fit(X, y)
    sparse = _clf(alpha=0.0, alpha_l1=0.5, max_iter=60).fit(X, y)
    small = [np.mean(np.abs(model.coefs_[0]) < 1e-3) for model in (plain, sparse)]
    assert small[1] > small[0] + 0.2
    assert sparse.loss_ > plain.loss_  # the penalty is part of the reported loss


def test_max_grad_norm_keeps_a_too_large_step_from_diverging(regression):
    X, y = regression
    X = X * 30
    options = dict(hidden_layer_sizes=(16,), solver="sgd", learning_rate_init=0.05,
                   max_iter=30, random_state=0)
    with pytest.raises(ValueError, match="non-finite"):
        ANNRegressor(**options).fit(X, y * 100)
    clipped = ANNRegressor(max_grad_norm=1.0, **options).fit(X, y * 100)
    assert np.isfinite(clipped.loss_curve_).all()


# --- solvers and schedules ----------------------------------------------------------------


@pytest.mark.parametrize("solver", ["rmsprop", "adamw"])
def test_new_solvers_learn_digits(digits, solver):
    X, Xv, y, yv = digits
    clf = _clf(solver=solver).fit(X, y)
    assert clf.score(Xv, yv) > 0.93
    clf.partial_fit(X, y)
    assert clf.n_iter_ == 1


def test_adamw_weight_decay_shrinks_the_weights_but_not_the_biases(digits):
    X, _, y, _ = digits
    free = _clf(solver="adamw", weight_decay=0.0, alpha=0.0).fit(X, y)
    decayed = _clf(solver="adamw", weight_decay=2.0, alpha=0.0).fit(X, y)
    assert np.linalg.norm(decayed.coefs_[0]) < 0.8 * np.linalg.norm(free.coefs_[0])
    adam = _clf(solver="adam", alpha=0.0).fit(X, y)
    np.testing.assert_array_equal(free.coefs_[0], adam.coefs_[0])


@pytest.mark.parametrize("solver", ["adam", "sgd", "rmsprop", "adamw"])
def test_every_stochastic_solver_follows_the_schedule(digits, solver):
    X, _, y, _ = digits
    clf = _clf(solver=solver, learning_rate="invscaling", learning_rate_init=0.01,
               max_iter=4).fit(X, y)
    expected = 0.01 / (clf.t_ + 1) ** 0.5
    assert clf._state.optimizer.learning_rate == pytest.approx(expected)


def test_cosine_schedule_with_warmup(digits):
    X, _, y, _ = digits
    clf = _clf(learning_rate="cosine", warmup_epochs=3, max_iter=10, tol=0.0,
               learning_rate_init=0.01).fit(X, y)
    schedule = clf._state.schedule
    assert schedule.epoch == 10
    # The last of the 7 cosine epochs: 0.01 * (1 + cos(pi * 6 / 7)) / 2.
    assert clf._state.optimizer.learning_rate == pytest.approx(
        0.01 * (1 + np.cos(np.pi * 6 / 7)) / 2)


def test_adaptive_schedule_with_adam_lowers_the_rate_before_stopping(digits, capsys):
    X, _, y, _ = digits
    _clf(learning_rate="adaptive", tol=10.0, n_iter_no_change=1, verbose=True).fit(X, y)
    assert "Setting learning rate to" in capsys.readouterr().out


def test_cosine_needs_more_epochs_than_warm_up(digits):
    X, _, y, _ = digits
    with pytest.raises(ValueError, match="warmup"):
        _clf(learning_rate="cosine", warmup_epochs=30, max_iter=30).fit(X, y)


# --- activations and initialisation -------------------------------------------------------


def test_one_activation_per_hidden_layer(digits):
    X, Xv, y, yv = digits
    clf = _clf(hidden_layer_sizes=(32, 16), activation=["relu", "tanh"]).fit(X, y)
    assert [layer.activation for layer in clf.network_.layers[:-1]] == ["relu", "tanh"]
    assert clf.network_.output_activation == "softmax"
    assert clf.score(Xv, yv) > 0.9
    with pytest.raises(ValueError, match="activation has 1 entries for 2 hidden layers"):
        _clf(hidden_layer_sizes=(32, 16), activation=["relu"]).fit(X, y)
    with pytest.raises(ValueError, match="activation"):
        clf.set_params(warm_start=True, activation="relu").fit(X, y)


@pytest.mark.parametrize("activation, scheme, std", [
    ("selu", "lecun_normal", lambda n_in, n_out: np.sqrt(1 / n_in)),
    ("elu", "he_uniform", lambda n_in, n_out: np.sqrt(2 / n_in)),
    ("tanh", "glorot_uniform", lambda n_in, n_out: np.sqrt(2 / (n_in + n_out))),
])
def test_auto_weight_init_fits_the_activation(activation, scheme, std):
    X = np.random.default_rng(0).normal(size=(50, 400))
    y = X[:, 0]
    # A learning rate of ~0 keeps the weights where the initialiser put them.
    reg = ANNRegressor(hidden_layer_sizes=(300,), activation=activation, max_iter=1,
                       learning_rate_init=1e-12, random_state=0).fit(X, y)
    explicit = ANNRegressor(hidden_layer_sizes=(300,), activation=activation, max_iter=1,
                            learning_rate_init=1e-12, random_state=0,
                            weight_init=scheme).fit(X, y)
    np.testing.assert_array_equal(reg.coefs_[0], explicit.coefs_[0])
    assert reg.coefs_[0].std() == pytest.approx(std(400, 300), rel=0.02)


def test_explicit_weight_init_overrides_the_default():
    X = np.random.default_rng(0).normal(size=(50, 400))
    reg = ANNRegressor(hidden_layer_sizes=(300,), max_iter=1, learning_rate_init=1e-12,
                       random_state=0, weight_init="he_normal").fit(X, X[:, 0])
    assert reg.coefs_[0].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    np.testing.assert_allclose(reg.intercepts_[0], 0.0, atol=1e-9)  # zero biases


@pytest.mark.parametrize("activation", ["leaky_relu", "elu", "selu", "gelu", "softplus", "silu",
                                        "sigmoid"])
def test_every_new_activation_learns(digits, activation):
    X, Xv, y, yv = digits
    assert _clf(activation=activation, max_iter=40).fit(X, y).score(Xv, yv) > 0.9


# --- regression losses --------------------------------------------------------------------


@pytest.fixture(scope="module")
def outliers():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = X @ [1.0, -2.0, 0.5]
    y[:15] += 60.0  # gross errors in 5 % of the targets
    return X, y


@pytest.mark.parametrize("loss", ["absolute_error", "huber"])
def test_robust_losses_resist_outliers_that_pull_squared_error(outliers, loss):
    X, y = outliers
    clean = X[15:] @ [1.0, -2.0, 0.5]
    options = dict(hidden_layer_sizes=(16,), max_iter=300, learning_rate_init=0.01,
                   random_state=0)
    squared = ANNRegressor(**options).fit(X, y)
    robust = ANNRegressor(loss=loss, **options).fit(X, y)
    assert robust.out_activation_ == "identity"
    errors = [np.mean(np.abs(model.predict(X[15:]) - clean)) for model in (squared, robust)]
    assert errors[1] < 0.5 * errors[0]


def test_huber_loss_is_reported_with_its_delta(outliers):
    X, y = outliers
    reg = ANNRegressor(loss="huber", huber_delta=2.0, hidden_layer_sizes=(8,), max_iter=5,
                       random_state=0, alpha=0.0).fit(X, y)
    r = reg.predict(X) - y
    huber = np.where(np.abs(r) <= 2.0, 0.5 * r ** 2, 2.0 * (np.abs(r) - 1.0))
    # The last epoch's loss is the mean over its minibatches: close to the end value.
    assert reg.loss_ == pytest.approx(huber.mean(), rel=0.1)
    with pytest.raises(ValueError, match="huber_delta"):
        ANNRegressor(loss="huber", huber_delta=0.0).fit(X, y)


def test_l1_penalty_applies_to_lbfgs_too(digits):
    X, _, y, _ = digits
    plain = _clf(solver="lbfgs", alpha=0.0, max_iter=50).fit(X, y)
    sparse = _clf(solver="lbfgs", alpha=0.0, alpha_l1=1.0, max_iter=50).fit(X, y)
    # L-BFGS, made for smooth objectives, shrinks weights towards zero rather
    # than landing on it exactly.
    l1_norms = [np.abs(model.coefs_[0]).sum() for model in (plain, sparse)]
    assert l1_norms[1] < 0.5 * l1_norms[0]
    small = [np.mean(np.abs(model.coefs_[0]) < 1e-2) for model in (plain, sparse)]
    assert small[1] > small[0] + 0.2
