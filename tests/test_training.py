"""Tests for sk_ann.core.training: schedules, the stochastic trainer's rules, L-BFGS."""

import math

import numpy as np
import pytest
import scipy.sparse as sp

from sk_ann.core.losses import LOSSES
from sk_ann.core.network import Network
from sk_ann.core.optimizers import SGD, Adam
from sk_ann.core.schedules import LearningRateSchedule
from sk_ann.core.training import (
    CONVERGED,
    DIVERGED,
    DIVERGED_RESTORED,
    INTERRUPTED,
    MAX_ITER,
    ONE_EPOCH,
    StochasticTrainer,
    TrainingState,
    fit_lbfgs,
    objective,
)

# --- StochasticTrainer -----------------------------------------------------------


def _regression(n_samples=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 3))
    Y = X @ np.array([[1.5], [-2.0], [0.5]]) + 0.3
    return X, Y


def _linear_net(seed=0, n_in=3, n_out=1, output="identity"):
    net = Network.from_sizes([n_in, n_out], output_activation=output)
    net.initialize(np.random.RandomState(seed))
    return net


def _state(net, lr=0.05, momentum=0.9, schedule="constant"):
    return TrainingState(
        optimizer=SGD(net.n_params, learning_rate=lr, momentum=momentum),
        schedule=LearningRateSchedule(schedule, lr),
    )


def _trainer(net, loss="squared_error", **kwargs):
    options = dict(batch_size=10, max_iter=30, shuffle=True, tol=0.0, n_iter_no_change=1000)
    options.update(kwargs)
    return StochasticTrainer(net, LOSSES[loss](), **options)


def test_loss_curve_decreases_on_linear_regression():
    X, Y = _regression()
    net = _linear_net()
    state = _state(net)
    outcome = _trainer(net).run(X, Y, None, state, np.random.RandomState(0))

    assert outcome == MAX_ITER
    curve = state.loss_curve
    assert len(curve) == 30
    assert curve[-1] < 1e-3 * curve[0]
    assert curve[-1] == state.loss
    # Momentum may wobble; the trend over windows of five epochs may not.
    windows = np.mean(np.reshape(curve, (6, 5)), axis=1)
    assert np.all(np.diff(windows) < 0)
    np.testing.assert_allclose(net.layers[0].W.ravel(), [1.5, -2.0, 0.5], atol=1e-2)
    np.testing.assert_allclose(net.layers[0].b, [0.3], atol=1e-2)


def test_loss_curve_decreases_on_linearly_separable_classification():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 2))
    Y = (X[:, [0]] - X[:, [1]] > 0).astype(float)
    net = Network.from_sizes([2, 4, 1], "tanh", "logistic")
    net.initialize(np.random.RandomState(1))
    state = TrainingState(optimizer=Adam(net.n_params, learning_rate=0.05),
                          schedule=LearningRateSchedule("constant", 0.05))
    _trainer(net, "binary_log_loss", max_iter=40).run(X, Y, None, state,
                                                      np.random.RandomState(1))
    assert state.loss_curve[-1] < 0.25 * state.loss_curve[0]
    assert np.mean((net.predict(X) > 0.5) == Y) >= 0.95


def test_large_tol_stops_before_max_iter():
    X, Y = _regression()
    net = _linear_net()
    state = _state(net)
    outcome = _trainer(net, tol=1e3, n_iter_no_change=3, max_iter=50).run(
        X, Y, None, state, np.random.RandomState(0)
    )
    assert outcome == CONVERGED
    # Epoch 1 sets the best loss; no epoch after it improves by 1e3, and the
    # rule fires once more than n_iter_no_change epochs have failed to.
    assert state.n_iter == 3 + 2
    assert len(state.loss_curve) == 5


def test_the_stopping_rule_waits_ten_epochs_by_default():
    X, Y = _regression()
    net = _linear_net()
    state = _state(net)
    trainer = StochasticTrainer(net, LOSSES["squared_error"](), batch_size=10, max_iter=50,
                                tol=1e3)
    assert trainer.run(X, Y, None, state, np.random.RandomState(0)) == CONVERGED
    # As scikit-learn's MLP, n_iter_no_change=10: the epoch that sets the best
    # loss, then 11 epochs that do not improve on it by tol.
    assert state.n_iter == 1 + 11


def test_zero_tol_with_patience_runs_to_max_iter():
    X, Y = _regression()
    net = _linear_net()
    state = _state(net)
    outcome = _trainer(net, tol=0.0, n_iter_no_change=1000, max_iter=12).run(
        X, Y, None, state, np.random.RandomState(0)
    )
    assert outcome == MAX_ITER
    assert state.n_iter == 12
    assert len(state.loss_curve) == 12


def test_adaptive_schedule_lowers_the_rate_before_stopping():
    X, Y = _regression()
    net = _linear_net()
    state = _state(net, lr=1e-3, schedule="adaptive")
    outcome = _trainer(net, tol=1e3, n_iter_no_change=1, max_iter=100).run(
        X, Y, None, state, np.random.RandomState(0)
    )
    assert outcome == CONVERGED
    assert state.optimizer.learning_rate <= 1e-6
    # The rule first fires at epoch n_iter_no_change + 2 = 3, then every
    # n_iter_no_change + 1 = 2 epochs; it lowers the rate 5 times, stops the 6th.
    assert state.n_iter == 3 + 5 * 2


def test_one_epoch_runs_exactly_one_epoch():
    X, Y = _regression(n_samples=37)
    net = _linear_net()
    state = _state(net)
    trainer = _trainer(net, max_iter=50)
    before = net.params.copy()

    assert trainer.run(X, Y, None, state, np.random.RandomState(0), one_epoch=True) == ONE_EPOCH
    assert state.n_iter == 1
    assert len(state.loss_curve) == 1
    assert state.t == 37
    assert not np.array_equal(net.params, before)

    assert trainer.run(X, Y, None, state, np.random.RandomState(0), one_epoch=True) == ONE_EPOCH
    assert len(state.loss_curve) == 2
    assert state.t == 74


def test_one_epoch_makes_one_step_per_minibatch():
    X, Y = _regression(n_samples=25)
    net = _linear_net()
    state = TrainingState(optimizer=Adam(net.n_params, learning_rate=0.01),
                          schedule=LearningRateSchedule("constant", 0.01))
    _trainer(net, batch_size=10).run(X, Y, None, state, np.random.RandomState(0), one_epoch=True)
    assert state.optimizer.t == 3  # batches of 10, 10 and 5


def test_t_counts_samples_across_runs():
    X, Y = _regression(n_samples=23)
    net = _linear_net()
    state = _state(net)
    trainer = _trainer(net, batch_size=5, max_iter=3)
    trainer.run(X, Y, None, state, np.random.RandomState(0))
    assert state.t == 3 * 23
    trainer.run(X, Y, None, state, np.random.RandomState(0))
    assert state.t == 6 * 23


def test_invscaling_schedule_is_applied_after_each_epoch_with_t_in_samples():
    X, Y = _regression(n_samples=20)
    net = _linear_net()
    state = _state(net, lr=0.01, schedule="invscaling")
    state.schedule.power_t = 0.5
    _trainer(net, max_iter=4).run(X, Y, None, state, np.random.RandomState(0))
    assert state.optimizer.learning_rate == pytest.approx(0.01 / (80 + 1) ** 0.5, rel=1e-12)


def test_epoch_loss_is_the_mean_of_minibatch_objectives():
    # With lr = 0 the parameters never move, so every minibatch objective is the
    # objective at the initial parameters and the epoch loss is the full-data one.
    X, Y = _regression(n_samples=23)
    net = _linear_net()
    sw = np.random.default_rng(2).uniform(0.5, 2.0, 23)
    state = _state(net, lr=0.0)
    _trainer(net, batch_size=23, max_iter=1).run(X, Y, sw, state, np.random.RandomState(0))
    expected = objective(net, LOSSES["squared_error"](), X, Y, sw)
    assert state.loss_curve[0] == pytest.approx(expected, rel=1e-12)


class _Scores:
    """A validation scorer returning scores from a list, noting the params it saw."""

    def __init__(self, net, scores):
        self.net = net
        self.scores = list(scores)
        self.seen = []

    def __call__(self):
        self.seen.append(self.net.params.copy())
        return self.scores[len(self.seen) - 1]


def test_early_stopping_restores_the_params_with_the_best_validation_score():
    X, Y = _regression()
    net = _linear_net()
    state = _state(net)
    scorer = _Scores(net, [0.1, 0.9, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2])
    outcome = _trainer(net, tol=1e-4, n_iter_no_change=2, max_iter=8).run(
        X, Y, None, state, np.random.RandomState(0), validation_score=scorer
    )

    assert outcome == CONVERGED
    # Best at epoch 2; epochs 3, 4 and 5 fail to beat it, and the rule fires.
    assert state.validation_scores == [0.1, 0.9, 0.3, 0.2, 0.2]
    assert state.best_validation_score == 0.9
    np.testing.assert_array_equal(net.params, scorer.seen[1])
    assert not np.array_equal(net.params, scorer.seen[-1])


def test_early_stopping_restores_the_best_params_at_max_iter_too():
    X, Y = _regression()
    net = _linear_net()
    state = _state(net)
    scorer = _Scores(net, [0.5, 0.2, 0.7, 0.1])
    outcome = _trainer(net, max_iter=4, n_iter_no_change=10).run(
        X, Y, None, state, np.random.RandomState(0), validation_score=scorer
    )
    assert outcome == MAX_ITER
    np.testing.assert_array_equal(net.params, scorer.seen[2])


def _diverging_setup():
    X, Y = _regression()
    X *= 10.0
    net = _linear_net()
    state = _state(net, lr=1e3, momentum=0.0)
    trainer = _trainer(net, batch_size=40, max_iter=500, n_iter_no_change=1000)
    return X, Y, net, state, trainer


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_non_finite_loss_gives_diverged():
    X, Y, _, state, trainer = _diverging_setup()
    outcome = trainer.run(X, Y, None, state, np.random.RandomState(0))
    assert outcome == DIVERGED
    assert not math.isfinite(state.loss_curve[-1])
    assert state.n_iter < 500
    assert all(math.isfinite(value) for value in state.loss_curve[:-1])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_non_finite_loss_with_early_stopping_restores_the_best_params():
    X, Y, net, state, trainer = _diverging_setup()
    scorer = _Scores(net, [1.0] + [0.0] * 500)
    outcome = trainer.run(X, Y, None, state, np.random.RandomState(0), validation_score=scorer)
    assert outcome == DIVERGED_RESTORED
    assert not math.isfinite(state.loss_curve[-1])
    assert len(scorer.seen) >= 2
    np.testing.assert_array_equal(net.params, scorer.seen[0])
    assert np.all(np.isfinite(net.params))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_non_finite_first_epoch_with_early_stopping_gives_diverged():
    X, Y, net, state, trainer = _diverging_setup()
    net.params[:] = 1e200  # the very first loss overflows
    start = net.params.copy()
    scorer = _Scores(net, [1.0] * 10)
    outcome = trainer.run(X, Y, None, state, np.random.RandomState(0), validation_score=scorer)
    assert outcome == DIVERGED
    assert scorer.seen == []
    # No epoch scored: the starting parameters are put back.
    np.testing.assert_array_equal(net.params, start)


def test_keyboard_interrupt_ends_training_and_restores_the_best_params():
    X, Y = _regression()
    net = _linear_net()
    state = _state(net)
    scorer = _Scores(net, [0.4, 0.8, 0.5])

    def interrupted_on_third_epoch():
        if len(scorer.seen) == 2:
            raise KeyboardInterrupt
        return scorer()

    outcome = _trainer(net, max_iter=10).run(
        X, Y, None, state, np.random.RandomState(0), validation_score=interrupted_on_third_epoch
    )
    assert outcome == INTERRUPTED
    assert state.n_iter == 3
    np.testing.assert_array_equal(net.params, scorer.seen[1])


def test_float32_network_trains_in_float32():
    X, Y = _regression()
    net = Network.from_sizes([3, 1], dtype=np.float32)
    net.initialize(np.random.RandomState(0))
    state = TrainingState(optimizer=SGD(net.n_params, 0.05, dtype=np.float32),
                          schedule=LearningRateSchedule("constant", 0.05))
    _trainer(net).run(X.astype(np.float32), Y.astype(np.float32), None, state,
                      np.random.RandomState(0))
    assert net.params.dtype == np.float32
    assert np.shares_memory(net.layers[0].W, net.params)
    assert state.loss_curve[-1] < 1e-3 * state.loss_curve[0]


@pytest.mark.parametrize("sparse", [sp.csr_matrix, sp.csr_array])
def test_sparse_input_trains_like_dense_input(sparse):
    X, Y = _regression()
    X[np.abs(X) < 0.5] = 0.0
    sw = np.random.default_rng(3).uniform(0.5, 2.0, len(X))
    params = []
    for inputs in (X, sparse(X)):
        net = Network.from_sizes([3, 4, 1], "relu")
        net.initialize(np.random.RandomState(2))
        _trainer(net, max_iter=5).run(inputs, Y, sw, _state(net), np.random.RandomState(2))
        params.append(net.params)
    np.testing.assert_allclose(params[1], params[0], rtol=1e-10, atol=1e-12)


def _train_and_return_params(seed, shuffle=True):
    X, Y = _regression()
    net = _linear_net()
    state = _state(net)
    _trainer(net, max_iter=5, shuffle=shuffle).run(X, Y, None, state, np.random.RandomState(seed))
    return net.params.copy()


def test_equal_seeds_give_identical_params_and_different_seeds_differ():
    np.testing.assert_array_equal(_train_and_return_params(3), _train_and_return_params(3))
    assert not np.array_equal(_train_and_return_params(3), _train_and_return_params(4))


def test_without_shuffle_the_rng_is_not_used():
    rng = np.random.RandomState(5)
    X, Y = _regression()
    net = _linear_net()
    _trainer(net, max_iter=3, shuffle=False).run(X, Y, None, _state(net), rng)
    assert rng.randint(1 << 30) == np.random.RandomState(5).randint(1 << 30)
    np.testing.assert_array_equal(_train_and_return_params(5, shuffle=False),
                                  _train_and_return_params(6, shuffle=False))


class _RecordingLoss:
    """Squared error that notes which samples each minibatch holds (Y is the index)."""

    def __init__(self):
        self._loss = LOSSES["squared_error"]()
        self.batches = []

    def loss_gradient(self, Y, raw, sample_weight=None, out=None):
        self.batches.append(Y[:, 0].astype(int).tolist())
        return self._loss.loss_gradient(Y, raw, sample_weight, out=out)


def test_shuffling_draws_the_same_minibatches_as_scikit_learn():
    from sklearn.utils import gen_batches, shuffle

    n_samples, batch_size, n_epochs, seed = 13, 4, 3, 7
    X = np.random.default_rng(0).normal(size=(n_samples, 3))
    Y = np.arange(n_samples, dtype=float)[:, None]
    net = _linear_net()
    loss = _RecordingLoss()
    trainer = StochasticTrainer(net, loss, batch_size=batch_size, max_iter=n_epochs,
                                shuffle=True, tol=0.0, n_iter_no_change=1000)
    trainer.run(X, Y, None, _state(net, lr=0.0), np.random.RandomState(seed))

    # scikit-learn's MLP: shuffle the carried sample indices, then slice batches.
    rs = np.random.RandomState(seed)
    sample_idx = np.arange(n_samples)
    expected = []
    for _ in range(n_epochs):
        sample_idx = shuffle(sample_idx, random_state=rs)
        expected += [sample_idx[s].tolist() for s in gen_batches(n_samples, batch_size)]
    assert loss.batches == expected


# --- L-BFGS ----------------------------------------------------------------------


def test_fit_lbfgs_solves_a_small_regression_problem():
    X, Y = _regression(n_samples=30, seed=3)
    net = _linear_net(seed=3)
    loss = LOSSES["squared_error"]()
    start = objective(net, loss, X, Y)
    result = fit_lbfgs(net, loss, X, Y, max_iter=200, tol=1e-10)

    assert result.converged
    assert 1 <= result.n_iter < 200
    assert result.loss < 1e-10 * start
    assert len(result.loss_curve) == result.n_iter
    assert np.all(np.diff(result.loss_curve) <= 0)
    assert result.loss_curve[-1] == pytest.approx(result.loss, rel=1e-12, abs=1e-18)
    assert isinstance(result.message, str)
    # The solution is left in the network's own parameter vector.
    assert objective(net, loss, X, Y) == pytest.approx(result.loss, rel=1e-8, abs=1e-18)
    np.testing.assert_allclose(net.layers[0].W.ravel(), [1.5, -2.0, 0.5], atol=1e-5)
    np.testing.assert_allclose(net.layers[0].b, [0.3], atol=1e-5)


def test_fit_lbfgs_with_a_hidden_layer_and_weights():
    X, Y = _regression(n_samples=30, seed=4)
    sw = np.random.default_rng(4).uniform(0.5, 2.0, 30)
    net = Network.from_sizes([3, 6, 1], "tanh")
    net.initialize(np.random.RandomState(4))
    loss = LOSSES["squared_error"]()
    start = objective(net, loss, X, Y, sw, 1e-4)
    result = fit_lbfgs(net, loss, X, Y, sw, alpha=1e-4, max_iter=300)
    assert result.loss < 0.01 * start
    assert objective(net, loss, X, Y, sw, 1e-4) == pytest.approx(result.loss, rel=1e-8)


def test_fit_lbfgs_reports_not_converged_when_max_iter_is_reached():
    X, Y = _regression(n_samples=30, seed=5)
    net = Network.from_sizes([3, 6, 1], "tanh")
    net.initialize(np.random.RandomState(5))
    result = fit_lbfgs(net, LOSSES["squared_error"](), X, Y, max_iter=2, tol=1e-12)
    assert not result.converged
    assert result.n_iter == 2
    assert len(result.loss_curve) == 2


def test_fit_lbfgs_keeps_float32_networks_float32():
    X, Y = _regression(n_samples=30, seed=6)
    net = Network.from_sizes([3, 1], dtype=np.float32)
    net.initialize(np.random.RandomState(6))
    fit_lbfgs(net, LOSSES["squared_error"](), X.astype(np.float32), Y.astype(np.float32))
    assert net.params.dtype == np.float32
    assert np.shares_memory(net.layers[0].W, net.params)
    np.testing.assert_allclose(net.layers[0].W.ravel(), [1.5, -2.0, 0.5], atol=1e-2)
