"""What training tells its user: warnings and messages, each where it is raised.

A ConvergenceWarning is how a user learns that a model stopped before it
converged; one that is missing hides an unfinished model, one that is spurious
teaches users to ignore it. So every test here checks both sides: the message
appears when it should, and nothing is said when there is nothing to say
(``_no_convergence_warning`` turns one into an error).
"""

import contextlib
import re
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sk_ann import ANNAutoencoder, ANNClassifier, ANNRegressor
from sk_ann.core.optimizers import OPTIMIZERS

STOCHASTIC = ["sgd", "adam", "rmsprop", "adamw"]
MAX_ITER = r"Stochastic Optimizer: Maximum iterations \(3\) reached and the optimization " \
           r"hasn't converged yet\."
STOPPED = "Training stopped by a callback."


@contextlib.contextmanager
def _no_convergence_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        yield


def _estimators(iris, regression):
    X, y = iris
    Xr, yr = regression
    return [(ANNClassifier, X, y), (ANNRegressor, Xr, yr), (ANNAutoencoder, Xr, None)]


# --- stochastic solvers: the maximum number of epochs ---------------------------------


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_every_stochastic_solver_warns_when_max_iter_ends_training(iris, solver):
    X, y = iris
    est = ANNClassifier((6,), solver=solver, max_iter=3, random_state=0)
    with pytest.warns(ConvergenceWarning, match=MAX_ITER):
        est.fit(X, y)
    assert est.n_iter_ == 3


def test_every_estimator_warns_when_max_iter_ends_training(iris, regression):
    for cls, X, y in _estimators(iris, regression):
        with pytest.warns(ConvergenceWarning, match=MAX_ITER):
            cls(hidden_layer_sizes=(6,), max_iter=3, random_state=0).fit(X, y)


@pytest.mark.parametrize("solver", STOCHASTIC)
@pytest.mark.parametrize("early_stopping", [False, True])
def test_a_converged_fit_does_not_warn(iris, solver, early_stopping):
    X, y = iris
    # A tolerance no epoch can beat: the stopping rule fires after
    # n_iter_no_change + 1 epochs without improvement.
    est = ANNClassifier((6,), solver=solver, max_iter=50, tol=10.0, n_iter_no_change=2,
                        early_stopping=early_stopping, random_state=0)
    with _no_convergence_warning():
        est.fit(X, y)
    assert est.n_iter_ < 50


def test_the_optimizers_tested_are_all_there_are():
    assert sorted(STOCHASTIC) == sorted(OPTIMIZERS)


def test_partial_fit_runs_one_epoch_without_a_warning(regression):
    X, y = regression
    with _no_convergence_warning():
        ANNRegressor((6,), max_iter=1, random_state=0).partial_fit(X, y)


def test_verbose_max_iter_fit_prints_the_epochs_and_no_stop_message(iris, capsys):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match=MAX_ITER):
        ANNClassifier((6,), max_iter=3, verbose=True, random_state=0).fit(X, y)
    out = capsys.readouterr().out
    assert re.findall(r"Iteration (\d+), loss = ", out) == ["1", "2", "3"]
    assert STOPPED not in out


def test_verbose_converged_fit_prints_no_stop_message(iris, capsys):
    X, y = iris
    with _no_convergence_warning():
        ANNClassifier((6,), max_iter=50, tol=10.0, n_iter_no_change=2, verbose=True,
                      random_state=0).fit(X, y)
    out = capsys.readouterr().out
    assert "did not improve more than tol=10.000000 for 2 consecutive epochs" in out
    assert STOPPED not in out


# --- a fit stopped from outside: Ctrl-C, a callback -----------------------------------


@pytest.mark.parametrize("verbose", [False, True])
def test_keyboard_interrupt_warns_and_nothing_else(iris, monkeypatch, capsys, verbose):
    from sk_ann.core.optimizers import Adam

    X, y = iris
    steps = []
    step = Adam.step

    def interrupted_step(self, params, grads):
        steps.append(1)
        if len(steps) == 3:
            raise KeyboardInterrupt
        step(self, params, grads)

    monkeypatch.setattr(Adam, "step", interrupted_step)
    est = ANNClassifier((6,), batch_size=50, max_iter=100, verbose=verbose, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.fit(X, y)
    assert [(w.category, str(w.message)) for w in caught] == [
        (UserWarning, "Training interrupted by user.")]
    assert STOPPED not in capsys.readouterr().out


class _StopAfterTwoEpochs:
    """A scikit-learn callback asking to stop at the end of the second epoch."""

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, **kwargs):
        pass

    def on_fit_task_end(self, estimator, context, **kwargs):
        return context.task_name == "epoch" and context.task_id == 1


@pytest.mark.parametrize("verbose", [False, True])
def test_a_callback_stop_is_said_under_verbose_and_is_no_convergence_failure(
        iris, capsys, verbose):
    pytest.importorskip("sklearn.callback")
    X, y = iris
    est = ANNClassifier((6,), max_iter=50, tol=0.0, n_iter_no_change=1000, verbose=verbose,
                        random_state=0).set_callbacks(_StopAfterTwoEpochs())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est.fit(X, y)
    assert est.n_iter_ == 2
    out = capsys.readouterr().out
    assert out.count(STOPPED) == (1 if verbose else 0)


# --- L-BFGS -----------------------------------------------------------------------------


def test_lbfgs_warns_when_it_runs_out_of_iterations(iris):
    X, y = iris
    est = ANNClassifier((6,), solver="lbfgs", max_iter=3, random_state=0)
    with pytest.warns(ConvergenceWarning,
                      match=r"lbfgs failed to converge after 3 iteration\(s\): .*"
                            r"\(max_iter=3, max_fun=15000\)"):
        est.fit(X, y)


def test_lbfgs_warns_when_it_runs_out_of_function_evaluations(regression):
    X, y = regression
    est = ANNRegressor((6,), solver="lbfgs", max_fun=5, random_state=0)
    with pytest.warns(ConvergenceWarning, match=r"lbfgs failed to converge.*max_fun=5\)"):
        est.fit(X, y)


def test_lbfgs_that_converges_does_not_warn():
    # A linear model of linear data: L-BFGS reaches the optimum in a few iterations.
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = X @ np.array([1.0, -2.0, 0.5])
    est = ANNRegressor((), solver="lbfgs", alpha=0.0, max_iter=200, random_state=0)
    with _no_convergence_warning():
        est.fit(X, y)
    assert est.n_iter_ < 200
    assert est.score(X, y) > 0.999


# --- divergence --------------------------------------------------------------------------


def test_lbfgs_divergence_says_what_to_do_without_a_learning_rate(iris):
    X, _ = iris
    est = ANNRegressor((), activation="identity", solver="lbfgs", random_state=0)
    with pytest.raises(ValueError) as error:
        with np.errstate(all="ignore"):
            est.fit(X * 1e160, X[:, 0] * 1e160)
    message = str(error.value)
    assert message.startswith("Solver produced non-finite parameter weights.")
    assert "iteration" in message and "(solver='lbfgs')" in message
    assert "learning_rate_init" not in message
    assert "scale X, e.g. with StandardScaler in a Pipeline." in message
    assert not hasattr(est, "network_")


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_stochastic_divergence_names_the_epoch_and_the_learning_rate(iris, solver):
    X, _ = iris
    est = ANNRegressor((), activation="identity", solver=solver, max_iter=50, random_state=0)
    # Squared errors of 1e320 overflow in the first epoch.
    with pytest.raises(ValueError, match=rf"The loss became inf at epoch 1 \(solver='{solver}'\); "
                                         r"lower learning_rate_init \(now 0.001\) or scale X"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # one error, no numpy overflow warnings
            est.fit(X * 1e160, X[:, 0] * 1e160)
    assert not hasattr(est, "network_")
