"""class_weight: None, 'balanced', a dict, or a list for several outputs; with sample_weight."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.metrics import recall_score
from sklearn.utils.class_weight import compute_sample_weight

from sk_ann import ANNClassifier

# These tests train for a few epochs on purpose; that a ConvergenceWarning comes
# when training stops short, and only then, is checked in test_messages.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def imbalanced():
    X, y = make_classification(n_samples=600, n_features=6, n_informative=4,
                               weights=[0.93, 0.07], class_sep=0.6, random_state=3)
    return X, np.where(y == 1, "rare", "common")


def _clf(**kwargs):
    options = dict(hidden_layer_sizes=(16,), max_iter=300, learning_rate_init=0.01,
                   random_state=0)
    options.update(kwargs)
    return ANNClassifier(**options)


def test_class_weight_equals_the_matching_sample_weight(imbalanced):
    X, y = imbalanced
    by_class = _clf(max_iter=5, class_weight={"rare": 4.0, "common": 0.5}).fit(X, y)
    by_sample = _clf(max_iter=5).fit(X, y, sample_weight=np.where(y == "rare", 4.0, 0.5))
    for a, b in zip(by_class.coefs_, by_sample.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_class_weight_and_sample_weight_multiply(imbalanced):
    X, y = imbalanced
    sw = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    both = _clf(max_iter=5, class_weight="balanced").fit(X, y, sample_weight=sw)
    product = _clf(max_iter=5).fit(
        X, y, sample_weight=sw * compute_sample_weight("balanced", y))
    for a, b in zip(both.coefs_, product.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-10)


def test_balanced_class_weight_finds_more_of_the_rare_class(imbalanced):
    X, y = imbalanced
    plain = _clf().fit(X, y)
    balanced = _clf(class_weight="balanced").fit(X, y)
    rare_recall = [recall_score(y, model.predict(X), pos_label="rare")
                   for model in (plain, balanced)]
    assert rare_recall[1] > rare_recall[0] + 0.15


def test_class_weight_for_multilabel_columns():
    X, Y = make_classification(n_samples=200, n_features=5, random_state=0)[0], None
    Y = np.column_stack([X[:, 0] > 1.2, X[:, 1] > 0, X[:, 2] > -0.5]).astype(int)
    weights = [{0: 1, 1: 5}, "balanced", {0: 1, 1: 1}]
    ours = _clf(max_iter=5, class_weight=weights).fit(X, Y)
    by_sample = _clf(max_iter=5).fit(X, Y, sample_weight=compute_sample_weight(weights, Y))
    for a, b in zip(ours.coefs_, by_sample.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("class_weight, match", [
    ({"rare": 2.0, "unknown": 1.0}, "unknown"),
    ([{"rare": 2.0}], "one column of labels"),
    ("heavy", "class_weight"),
])
def test_bad_class_weight_is_refused(imbalanced, class_weight, match):
    X, y = imbalanced
    with pytest.raises(ValueError, match=match):
        _clf(max_iter=2, class_weight=class_weight).fit(X, y)


def test_partial_fit_takes_a_dict_but_not_balanced(imbalanced):
    X, y = imbalanced
    clf = _clf(class_weight={"rare": 5.0, "common": 1.0})
    clf.partial_fit(X[:100], y[:100], classes=["common", "rare"])
    clf.partial_fit(X[100:], y[100:])
    with pytest.raises(ValueError, match="balanced"):
        _clf(class_weight="balanced").partial_fit(X, y, classes=["common", "rare"])


def test_early_stopping_split_is_stratified_and_keeps_class_weights(imbalanced):
    X, y = imbalanced
    seen = []

    def record(estimator, X_val, y_val, sample_weight=None):
        seen.append((y_val, sample_weight))
        return estimator.score(X_val, y_val, sample_weight=sample_weight)

    _clf(early_stopping=True, validation_fraction=0.2, class_weight="balanced", max_iter=3,
         scoring=record).fit(X, y)
    y_val, sw_val = seen[0]
    assert len(y_val) == 120
    assert (y_val == "rare").mean() == pytest.approx((y == "rare").mean(), abs=0.01)
    balanced = compute_sample_weight("balanced", y)
    np.testing.assert_allclose(np.unique(sw_val), np.unique(balanced))
    # Balanced weights: both classes weigh the same in the held-out score.
    assert sw_val[y_val == "rare"].sum() == pytest.approx(sw_val[y_val == "common"].sum(),
                                                          rel=0.15)
