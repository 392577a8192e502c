"""Drop-in replacement: same parameters, same attributes, same numbers as scikit-learn's MLP.

sk_ann draws its initial weights, its early-stopping split and its batches from
the seed exactly as MLP does, and computes the same gradients, so with equal
settings the two fit the same model up to floating-point rounding.
"""

import inspect

import numpy as np
import pytest
from sklearn.datasets import make_multilabel_classification
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sk_ann import ANNClassifier, ANNRegressor

# These tests train for a few epochs on purpose; that a ConvergenceWarning comes
# when training stops short, and only then, is checked in test_messages.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

PAIRS = [(ANNClassifier, MLPClassifier), (ANNRegressor, MLPRegressor)]


@pytest.mark.parametrize("ours, theirs", PAIRS)
def test_every_mlp_parameter_with_the_same_default(ours, theirs):
    mlp = inspect.signature(theirs).parameters
    ann = inspect.signature(ours).parameters
    for name, param in mlp.items():
        assert name in ann, f"{ours.__name__} lacks MLP's parameter {name!r}"
        assert ann[name].default == param.default, name


FITTED = ["coefs_", "intercepts_", "n_iter_", "t_", "loss_", "best_loss_", "loss_curve_",
          "n_layers_", "n_outputs_", "out_activation_", "n_features_in_"]


@pytest.mark.parametrize("ours, theirs", PAIRS)
def test_the_same_fitted_attributes(ours, theirs, iris):
    X, y = iris
    ann = ours(max_iter=3, random_state=0).fit(X, y)
    mlp = theirs(max_iter=3, random_state=0).fit(X, y)
    for name in FITTED + ["validation_scores_", "best_validation_score_"]:
        assert hasattr(ann, name), name
        assert type(getattr(ann, name)) is type(getattr(mlp, name)) or name in (
            "loss_", "best_loss_", "coefs_", "intercepts_"), name
    assert ann.n_layers_ == mlp.n_layers_
    assert ann.n_outputs_ == mlp.n_outputs_
    assert ann.out_activation_ == mlp.out_activation_
    if ours is ANNClassifier:
        np.testing.assert_array_equal(ann.classes_, mlp.classes_)


def _assert_same_model(ann, mlp, X, rtol):
    assert ann.n_iter_ == mlp.n_iter_
    for a, m in zip(ann.coefs_ + ann.intercepts_, mlp.coefs_ + mlp.intercepts_):
        np.testing.assert_allclose(a, m, rtol=rtol, atol=rtol * 1e-2)
    np.testing.assert_allclose(ann.loss_curve_, mlp.loss_curve_, rtol=1e-6)
    if hasattr(mlp, "classes_"):
        np.testing.assert_array_equal(ann.predict(X), mlp.predict(X))
    else:
        np.testing.assert_allclose(ann.predict(X), mlp.predict(X), rtol=rtol, atol=1e-9)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize("activation", ["relu", "logistic", "tanh", "identity"])
def test_classifier_trains_like_mlp(iris, solver, activation):
    X, y = iris
    params = dict(hidden_layer_sizes=(8, 5), activation=activation, solver=solver,
                  max_iter=15, random_state=0, learning_rate_init=0.01)
    ann = ANNClassifier(**params).fit(X, y)
    mlp = MLPClassifier(**params).fit(X, y)
    _assert_same_model(ann, mlp, X, rtol=1e-7)
    np.testing.assert_allclose(ann.predict_proba(X), mlp.predict_proba(X), rtol=1e-7)


def test_binary_and_weighted_classifier_trains_like_mlp(iris):
    X, y = iris
    y = y == 2
    weights = np.random.RandomState(0).uniform(0.5, 2, size=len(y))
    params = dict(hidden_layer_sizes=(6,), max_iter=20, random_state=1, batch_size=32)
    ann = ANNClassifier(**params).fit(X, y, sample_weight=weights)
    mlp = MLPClassifier(**params).fit(X, y, sample_weight=weights)
    _assert_same_model(ann, mlp, X, rtol=1e-7)


def test_multilabel_classifier_trains_like_mlp():
    X, Y = make_multilabel_classification(n_samples=80, n_classes=4, random_state=0)
    params = dict(hidden_layer_sizes=(10,), max_iter=10, random_state=0)
    ann = ANNClassifier(**params).fit(X, Y)
    mlp = MLPClassifier(**params).fit(X, Y)
    _assert_same_model(ann, mlp, X, rtol=1e-7)


def test_lbfgs_classifier_reaches_mlps_solution(iris):
    X, y = iris
    params = dict(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=40, random_state=0)
    ann = ANNClassifier(**params).fit(X, y)
    mlp = MLPClassifier(**params).fit(X, y)
    # L-BFGS amplifies rounding differences over its iterations; compare loosely.
    assert ann.n_iter_ == mlp.n_iter_
    assert ann.loss_ == pytest.approx(mlp.loss_, rel=1e-4)
    np.testing.assert_array_equal(ann.predict(X), mlp.predict(X))


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("learning_rate", ["constant", "invscaling", "adaptive"])
def test_regressor_schedules_and_early_stopping_like_mlp(regression, learning_rate,
                                                         early_stopping):
    X, y = regression
    params = dict(hidden_layer_sizes=(7,), solver="sgd", learning_rate=learning_rate,
                  learning_rate_init=0.05, max_iter=40, n_iter_no_change=3, tol=1e-2,
                  early_stopping=early_stopping, random_state=0)
    ann = ANNRegressor(**params).fit(X, y)
    mlp = MLPRegressor(**params).fit(X, y)
    _assert_same_model(ann, mlp, X, rtol=1e-6)
    if early_stopping:
        np.testing.assert_allclose(ann.validation_scores_, mlp.validation_scores_, rtol=1e-6)
        assert ann.best_validation_score_ == pytest.approx(mlp.best_validation_score_)


def test_poisson_regressor_trains_like_mlp(regression):
    X, _ = regression
    y = np.random.RandomState(0).poisson(np.exp(0.5 * X[:, 0]))
    params = dict(hidden_layer_sizes=(6,), loss="poisson", max_iter=20, random_state=0)
    ann = ANNRegressor(**params).fit(X, y)
    mlp = MLPRegressor(**params).fit(X, y)
    assert ann.out_activation_ == mlp.out_activation_ == "exp"
    _assert_same_model(ann, mlp, X, rtol=1e-6)


def test_partial_fit_and_warm_start_like_mlp(iris):
    X, y = iris
    ann = ANNClassifier(hidden_layer_sizes=(6,), random_state=0)
    mlp = MLPClassifier(hidden_layer_sizes=(6,), random_state=0)
    for chunk in np.array_split(np.arange(len(y)), 3):
        ann.partial_fit(X[chunk], y[chunk], classes=[0, 1, 2])
        mlp.partial_fit(X[chunk], y[chunk], classes=[0, 1, 2])
    assert ann.t_ == mlp.t_
    np.testing.assert_allclose(ann.coefs_[0], mlp.coefs_[0], rtol=1e-9)
    ann.set_params(warm_start=True, max_iter=5).fit(X, y)
    mlp.set_params(warm_start=True, max_iter=5).fit(X, y)
    np.testing.assert_allclose(ann.loss_curve_, mlp.loss_curve_, rtol=1e-7)
    np.testing.assert_allclose(ann.coefs_[1], mlp.coefs_[1], rtol=1e-7)
