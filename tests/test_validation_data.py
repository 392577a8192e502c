"""fit(X, y, X_val=, y_val=, sample_weight_val=), the validation loss curve and scoring."""

import numpy as np
import pytest
import sklearn
from sklearn.datasets import load_digits
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier, ANNRegressor

# These tests train for a few epochs on purpose; that a ConvergenceWarning comes
# when training stops short, and only then, is checked in test_messages.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16, y, test_size=0.3, random_state=0)


def _clf(**kwargs):
    options = dict(hidden_layer_sizes=(32,), max_iter=15, random_state=0)
    options.update(kwargs)
    return ANNClassifier(**options)


def test_validation_data_is_scored_every_epoch_without_changing_training(digits):
    X, Xv, y, yv = digits
    plain = _clf().fit(X, y)
    watched = _clf().fit(X, y, X_val=Xv, y_val=yv)
    # Watching does not draw from the rng or touch the weights.
    for a, b in zip(plain.coefs_, watched.coefs_):
        np.testing.assert_array_equal(a, b)
    assert plain.validation_scores_ is None and plain.validation_loss_curve_ is None
    assert len(watched.validation_scores_) == len(watched.validation_loss_curve_) == 15
    assert watched.validation_scores_[-1] == pytest.approx(watched.score(Xv, yv))
    expected = log_loss(yv, watched.predict_proba(Xv), labels=watched.classes_)
    assert watched.validation_loss_curve_[-1] == pytest.approx(expected, rel=1e-6)
    assert watched.best_validation_score_ is None  # no early stopping: nothing was picked


def test_early_stopping_on_given_validation_data_restores_the_best_epoch(digits):
    X, Xv, y, yv = digits
    clf = _clf(max_iter=200, early_stopping=True, n_iter_no_change=5).fit(
        X, y, X_val=Xv, y_val=yv)
    assert clf.n_iter_ < 200
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.score(Xv, yv) == pytest.approx(clf.best_validation_score_)
    # All of X was trained on: no validation_fraction split was taken from it.
    assert clf.t_ == clf.n_iter_ * X.shape[0]


def test_scoring_loss_drives_early_stopping_with_minus_the_validation_loss(digits):
    X, Xv, y, yv = digits
    clf = _clf(max_iter=200, early_stopping=True, scoring="loss", n_iter_no_change=3).fit(
        X, y, X_val=Xv, y_val=yv)
    np.testing.assert_allclose(clf.validation_scores_, -np.array(clf.validation_loss_curve_))
    best = int(np.argmax(clf.validation_scores_))
    assert clf.best_validation_score_ == pytest.approx(-clf.validation_loss_curve_[best])
    assert log_loss(yv, clf.predict_proba(Xv)) == pytest.approx(
        clf.validation_loss_curve_[best], rel=1e-6)


def test_scoring_by_scorer_name_matches_the_scorer(digits):
    X, Xv, y, yv = digits
    clf = _clf(scoring="neg_log_loss").fit(X, y, X_val=Xv, y_val=yv)
    scorer = sklearn.metrics.get_scorer("neg_log_loss")
    assert clf.validation_scores_[-1] == pytest.approx(scorer(clf, Xv, yv))


def test_sample_weight_val_weighs_the_validation_score(digits):
    X, Xv, y, yv = digits
    weights = np.where(yv == 3, 5.0, 1.0)
    clf = _clf().fit(X, y, X_val=Xv, y_val=yv, sample_weight_val=weights)
    assert clf.validation_scores_[-1] == pytest.approx(clf.score(Xv, yv, sample_weight=weights))
    # A scorer gets the weights too.
    clf = _clf(scoring="accuracy").fit(X, y, X_val=Xv, y_val=yv, sample_weight_val=weights)
    scorer = sklearn.metrics.get_scorer("accuracy")
    assert clf.validation_scores_[-1] == pytest.approx(
        scorer(clf, Xv, yv, sample_weight=weights))
    assert clf.validation_scores_[-1] != pytest.approx(scorer(clf, Xv, yv))


def test_early_stopping_split_keeps_its_sample_weights_and_gives_a_loss_curve(digits):
    X, _, y, _ = digits
    clf = _clf(early_stopping=True).fit(X, y, sample_weight=np.linspace(1, 2, len(y)))
    assert len(clf.validation_loss_curve_) == len(clf.validation_scores_) == clf.n_iter_


def test_regressor_validation_data(regression):
    X, y = regression
    reg = ANNRegressor(hidden_layer_sizes=(16,), max_iter=20, random_state=0,
                       learning_rate_init=0.01)
    reg.fit(X[:150], y[:150], X_val=X[150:], y_val=y[150:])
    assert reg.validation_scores_[-1] == pytest.approx(reg.score(X[150:], y[150:]))
    residual = reg.predict(X[150:]) - y[150:]
    assert reg.validation_loss_curve_[-1] == pytest.approx(0.5 * np.mean(residual ** 2))


@pytest.mark.parametrize("kwargs, match", [
    (dict(X_val=np.zeros((3, 64))), "X_val needs y_val"),
    (dict(y_val=np.zeros(3)), "need X_val"),
    (dict(X_val=np.zeros((3, 5)), y_val=np.zeros(3)), "5 features"),
    (dict(X_val=np.zeros((3, 64)), y_val=np.zeros(4)), "inconsistent|rows"),
    (dict(X_val=np.zeros((3, 64)), y_val=np.array([0, 1, 42])), "42|not in"),
    (dict(X_val=np.zeros((3, 64)), y_val=np.zeros(3), sample_weight_val=np.ones(2)),
     "sample_weight"),
])
def test_bad_validation_data_is_refused_and_leaves_the_model(digits, kwargs, match):
    X, _, y, _ = digits
    clf = _clf(max_iter=2).fit(X, y)
    before = [w.copy() for w in clf.coefs_]
    with pytest.raises(ValueError, match=match):
        clf.set_params(warm_start=True).fit(X, y, **kwargs)
    for a, b in zip(before, clf.coefs_):
        np.testing.assert_array_equal(a, b)


def test_lbfgs_refuses_validation_data(digits):
    X, Xv, y, yv = digits
    with pytest.raises(ValueError, match="lbfgs"):
        _clf(solver="lbfgs").fit(X, y, X_val=Xv, y_val=yv)


def test_x_val_goes_through_the_pipeline_preprocessing_with_metadata_routing(digits):
    X, Xv, y, yv = digits
    X, Xv = X * 16 + 3, Xv * 16 + 3  # unscaled: the pipeline's scaler must see X_val
    with sklearn.config_context(enable_metadata_routing=True):
        clf = _clf().set_fit_request(X_val=True, y_val=True)
        pipe = Pipeline([("scale", StandardScaler()), ("ann", clf)], transform_input=["X_val"])
        pipe.fit(X, y, X_val=Xv, y_val=yv)
    assert pipe[-1].validation_scores_[-1] == pytest.approx(pipe.score(Xv, yv))
