"""One-hot and multiclass-multioutput targets through ANNClassifier, end to end."""

import numpy as np
import pandas as pd
import pytest
from sklearn.multioutput import MultiOutputClassifier

from sk_ann import ANNClassifier

# These tests train for a few epochs on purpose; that a ConvergenceWarning comes
# when training stops short, and only then, is checked in test_messages.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _one_hot(y):
    return np.eye(y.max() + 1, dtype=int)[y]


def _fast(**kwargs):
    options = dict(hidden_layer_sizes=(16,), max_iter=200, learning_rate_init=0.01,
                   random_state=0)
    options.update(kwargs)
    return ANNClassifier(**options)


def test_one_hot_y_learns_a_softmax_like_the_labels(iris):
    X, y = iris
    Y = _one_hot(y)
    on_hot = _fast().fit(X, Y)
    on_labels = _fast().fit(X, y)
    assert on_hot.out_activation_ == "softmax"
    np.testing.assert_array_equal(on_hot.classes_, [0, 1, 2])
    # The same network: a one-hot row is the label it encodes.
    np.testing.assert_allclose(on_hot.predict_proba(X), on_labels.predict_proba(X),
                               rtol=1e-10)
    predicted = on_hot.predict(X)
    assert predicted.shape == Y.shape
    np.testing.assert_array_equal(predicted.sum(axis=1), 1)
    np.testing.assert_array_equal(predicted.argmax(axis=1), on_labels.predict(X))
    assert on_hot.score(X, Y) == on_labels.score(X, y)


def test_one_hot_y_with_multilabel_true_keeps_independent_sigmoids(iris):
    X, y = iris
    clf = _fast(multilabel=True).fit(X, _one_hot(y))
    assert clf.out_activation_ == "logistic"
    assert not np.allclose(clf.predict_proba(X).sum(axis=1), 1.0)


def test_multilabel_false_refuses_rows_that_are_not_one_hot(iris):
    X, y = iris
    Y = _one_hot(y)
    Y[3] = [1, 1, 0]
    with pytest.raises(ValueError, match="multilabel=True"):
        _fast(multilabel=False).fit(X, Y)


def test_true_multilabel_y_stays_multilabel_under_auto(iris):
    X, y = iris
    Y = np.column_stack([y == 0, y != 1, X[:, 0] > 0]).astype(int)
    clf = _fast().fit(X, Y)
    assert clf.out_activation_ == "logistic"
    assert clf.predict(X).shape == Y.shape


def _two_string_columns(iris):
    X, y = iris
    species = np.array(["setosa", "versicolor", "virginica"])[y]
    size = np.where(X[:, 2] > 0.3, "long", "short")
    return X, pd.DataFrame({"species": species, "petal": size})


def test_multiclass_multioutput_dataframe_trains_one_softmax_head_per_column(iris):
    X, Y = _two_string_columns(iris)
    clf = _fast().fit(X, Y)
    assert len(clf.classes_) == 2
    np.testing.assert_array_equal(clf.classes_[0], ["setosa", "versicolor", "virginica"])
    np.testing.assert_array_equal(clf.classes_[1], ["long", "short"])
    assert clf.n_outputs_ == 3 + 2  # one network, one output neuron per class per column

    predicted = clf.predict(X)
    assert predicted.shape == (len(X), 2)
    assert (predicted == Y.to_numpy()).mean(axis=0).min() > 0.9

    proba = clf.predict_proba(X)
    assert isinstance(proba, list) and [p.shape for p in proba] == [(len(X), 3), (len(X), 2)]
    for p, classes, column in zip(proba, clf.classes_, predicted.T):
        np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
        np.testing.assert_array_equal(classes[p.argmax(axis=1)], column)
    log_proba = clf.predict_log_proba(X)
    np.testing.assert_allclose(np.exp(log_proba[1]), proba[1], rtol=1e-12)


def test_multioutput_layout_matches_sklearns_multioutput_classifier(iris):
    X, Y = _two_string_columns(iris)
    ours = _fast(max_iter=5).fit(X, Y)
    theirs = MultiOutputClassifier(_fast(max_iter=5)).fit(X, Y)
    assert ours.predict(X).dtype == theirs.predict(X).dtype
    assert [p.shape for p in ours.predict_proba(X)] == [
        p.shape for p in theirs.predict_proba(X)]
    for a, b in zip(ours.classes_, theirs.classes_):
        np.testing.assert_array_equal(a, b)


def test_multioutput_partial_fit_takes_one_classes_array_per_column(iris):
    X, Y = _two_string_columns(iris)
    classes = [np.unique(Y[c]) for c in Y]
    clf = _fast()
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X[:50], Y[:50])
    for start in range(0, len(X), 50):
        clf.partial_fit(X[start:start + 50], Y[start:start + 50], classes=classes)
    assert [list(c) for c in clf.classes_] == [list(c) for c in classes]
    assert clf.predict(X).shape == (len(X), 2)


def test_multioutput_refuses_labels_it_has_not_seen(iris):
    X, Y = _two_string_columns(iris)
    clf = _fast(max_iter=3, warm_start=True).fit(X, Y)
    Y2 = Y.copy()
    Y2.iloc[0, 1] = "medium"
    with pytest.raises(ValueError, match="medium"):
        clf.fit(X, Y2)


def test_multioutput_early_stopping_and_class_weights(iris):
    X, Y = _two_string_columns(iris)
    clf = _fast(early_stopping=True, class_weight=["balanced", {"long": 1.0, "short": 3.0}])
    clf.fit(X, Y)
    assert clf.validation_scores_ and np.isfinite(clf.validation_scores_).all()


def test_partial_fit_refuses_classes_for_another_number_of_columns():
    X = np.random.default_rng(0).normal(size=(30, 3))
    Y = np.column_stack([np.arange(30) % 3, np.arange(30) % 2 + 5])
    clf = ANNClassifier((4,), random_state=0).partial_fit(X, Y, classes=[[0, 1, 2], [5, 6]])
    with pytest.raises(ValueError, match="is not the same as on last call to partial_fit"):
        clf.partial_fit(X, Y, classes=[[0, 1, 2]])
    clf.partial_fit(X, Y, classes=[np.array([0, 1, 2]), np.array([5, 6])])
    assert clf.t_ == 2 * len(X)
