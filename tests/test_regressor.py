"""ANNRegressor: continuous targets, one and several columns, squared error and Poisson."""

import numpy as np
import pytest
from sklearn.exceptions import DataConversionWarning

from sk_ann import ANNRegressor

# These tests train for a few epochs on purpose; that a ConvergenceWarning comes
# when training stops short, and only then, is checked in test_messages.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_learns_a_nonlinear_function():
    rng = np.random.RandomState(0)
    X = rng.uniform(-2, 2, size=(300, 2))
    y = np.sin(X[:, 0]) + X[:, 1] ** 2
    reg = ANNRegressor(hidden_layer_sizes=(32,), solver="lbfgs", random_state=0).fit(X, y)
    assert reg.predict(X).shape == (300,)
    assert reg.score(X, y) > 0.98


def test_multi_output_targets(regression):
    X, y = regression
    Y = np.column_stack([y, -2 * y, X[:, 0]])
    reg = ANNRegressor(hidden_layer_sizes=(16,), solver="lbfgs", random_state=0).fit(X, Y)
    assert reg.n_outputs_ == 3 and reg.out_activation_ == "identity"
    assert reg.predict(X).shape == (len(X), 3)
    assert reg.score(X, Y) > 0.9


def test_column_vector_target_warns_and_predicts_1d(regression):
    X, y = regression
    with pytest.warns(DataConversionWarning):
        reg = ANNRegressor(max_iter=5, random_state=0).fit(X, y.reshape(-1, 1))
    assert reg.predict(X).shape == (len(X),)


def test_poisson_predicts_positive_rates():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 3))
    rate = np.exp(0.8 * X[:, 0] - 0.5 * X[:, 1])
    y = rng.poisson(rate)
    reg = ANNRegressor(hidden_layer_sizes=(8,), loss="poisson", solver="lbfgs",
                       alpha=1.0, random_state=0).fit(X, y)
    pred = reg.predict(X)
    assert reg.out_activation_ == "exp" and (pred > 0).all()
    assert np.corrcoef(pred, rate)[0, 1] > 0.9


def test_poisson_refuses_negative_targets(regression):
    X, y = regression
    with pytest.raises(ValueError, match="loss='poisson' needs y >= 0"):
        ANNRegressor(loss="poisson").fit(X, y - 10)


def test_unknown_loss_is_refused(regression):
    X, y = regression
    with pytest.raises(ValueError, match="The 'loss' parameter of ANNRegressor must be"):
        ANNRegressor(loss="hinge").fit(X, y)


def test_constant_target(regression):
    X, _ = regression
    reg = ANNRegressor(solver="lbfgs", random_state=0).fit(X, np.full(len(X), 3.0))
    np.testing.assert_allclose(reg.predict(X), 3.0, atol=0.05)


def test_partial_fit_improves_the_fit(regression):
    X, y = regression
    reg = ANNRegressor(hidden_layer_sizes=(16,), learning_rate_init=0.01, random_state=0)
    reg.partial_fit(X, y)
    first = reg.score(X, y)
    for _ in range(30):
        reg.partial_fit(X, y)
    assert reg.score(X, y) > max(first, 0.8)
    assert reg.t_ == 31 * len(X)


@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_a_later_call_refuses_another_number_of_target_columns(regression, how):
    X, y = regression
    reg = ANNRegressor((5,), max_iter=3, warm_start=how == "warm_start", random_state=0)
    reg.fit(X, y)
    params = reg.network_.params.copy()
    again = reg.fit if how == "warm_start" else reg.partial_fit
    with pytest.raises(ValueError, match=r"cannot change: 1 outputs -> 2\. Set warm_start=False"):
        again(X, np.column_stack([y, y]))
    np.testing.assert_array_equal(reg.network_.params, params)
    assert reg.n_outputs_ == 1
