"""ANNClassifier: labels of every kind in, the user's own labels out."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_multilabel_classification

from sk_ann import ANNClassifier

# These tests train for a few epochs on purpose; that a ConvergenceWarning comes
# when training stops short, and only then, is checked in test_messages.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def fast(**params):
    return ANNClassifier(**{"hidden_layer_sizes": (16,), "solver": "lbfgs",
                            "random_state": 0, "max_iter": 200, **params})


@pytest.mark.parametrize("labels", [
    np.array([3, 7]),
    np.array(["no", "yes"]),
    np.array([False, True]),
    np.array([-1.0, 2.0]),
], ids=["int", "str", "bool", "float"])
def test_binary_labels_of_any_type(iris, labels):
    X, y = iris
    y_user = labels[(y == 2).astype(int)]
    clf = fast().fit(X, y_user)
    assert clf.n_outputs_ == 1 and clf.out_activation_ == "logistic"
    np.testing.assert_array_equal(clf.classes_, labels)
    pred = clf.predict(X)
    assert pred.dtype == y_user.dtype
    assert set(pred) <= set(labels)
    assert clf.score(X, y_user) > 0.9


def test_multiclass_softmax_with_string_labels(iris):
    X, y = iris
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = fast().fit(X, names)
    assert clf.out_activation_ == "softmax" and clf.n_outputs_ == 3
    proba = clf.predict_proba(X)
    assert proba.shape == (150, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(proba))
    assert clf.score(X, names) > 0.95


def test_pandas_categorical_series_target(iris):
    X, y = iris
    y_cat = pd.Series(pd.Categorical.from_codes(y, ["a", "b", "c"]))
    clf = fast().fit(pd.DataFrame(X), y_cat)
    assert list(clf.classes_) == ["a", "b", "c"]
    assert set(clf.predict(X)) <= {"a", "b", "c"}


def test_multilabel_indicator_one_logistic_neuron_per_label():
    X, Y = make_multilabel_classification(n_samples=150, n_classes=4, random_state=0)
    clf = fast().fit(X, Y)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 4
    pred = clf.predict(X)
    assert pred.shape == Y.shape and set(np.unique(pred)) <= {0, 1}
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape and ((proba >= 0) & (proba <= 1)).all()
    np.testing.assert_array_equal(pred, (proba > 0.5).astype(int))
    assert (pred == Y).mean() > 0.8


def test_single_class_is_accepted_like_mlp(iris):
    X, _ = iris
    clf = fast().fit(X, np.full(len(X), "only"))
    assert list(clf.predict(X[:5])) == ["only"] * 5
    np.testing.assert_array_equal(clf.predict_proba(X[:5]), np.ones((5, 1)))


def test_continuous_target_is_refused(iris):
    X, _ = iris
    with pytest.raises(ValueError, match="Unknown label type"):
        fast().fit(X, np.linspace(0, 1, len(X)))


def test_partial_fit_needs_classes_first(iris):
    X, y = iris
    clf = ANNClassifier(random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X, y)
    assert not hasattr(clf, "classes_")


def test_partial_fit_sees_classes_missing_from_a_batch(iris):
    X, y = iris
    clf = ANNClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.05, random_state=0)
    clf.partial_fit(X[y == 0], y[y == 0], classes=[0, 1, 2])
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.predict_proba(X).shape == (150, 3)
    for _ in range(50):
        # The same classes may be passed again on every call.
        clf.partial_fit(X, y, classes=[0, 1, 2])
    assert clf.score(X, y) > 0.9


def test_partial_fit_refuses_unseen_labels_and_other_classes(iris):
    X, y = iris
    clf = ANNClassifier(random_state=0).partial_fit(X, y, classes=[0, 1, 2])
    coefs = [c.copy() for c in clf.coefs_]
    with pytest.raises(ValueError, match="`y` has classes not in `self.classes_`"):
        clf.partial_fit(X, np.where(y == 2, 5, y))
    with pytest.raises(ValueError, match="is not the same as on last call"):
        clf.partial_fit(X, y, classes=[0, 1, 2, 3])
    for before, after in zip(coefs, clf.coefs_):
        np.testing.assert_array_equal(before, after)


def test_partial_fit_not_available_with_lbfgs(iris):
    X, y = iris
    clf = ANNClassifier(solver="lbfgs")
    assert not hasattr(clf, "partial_fit")
    with pytest.raises(AttributeError):
        clf.partial_fit(X, y, classes=[0, 1, 2])


def test_partial_fit_refuses_early_stopping(iris):
    X, y = iris
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        ANNClassifier(early_stopping=True).partial_fit(X, y, classes=[0, 1, 2])


def test_warm_start_needs_the_same_classes(iris):
    X, y = iris
    clf = fast(warm_start=True, max_iter=5).fit(X, y)
    with pytest.raises(ValueError, match="warm_start can only be used where `y` has the same"):
        clf.fit(X[y < 2], y[y < 2])
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])


def test_warm_start_continues_from_the_previous_weights(iris):
    X, y = iris
    clf = ANNClassifier(hidden_layer_sizes=(8,), warm_start=True, max_iter=5, random_state=0)
    clf.fit(X, y)
    first_curve = list(clf.loss_curve_)
    clf.fit(X, y)
    assert len(clf.loss_curve_) == 10 and clf.loss_curve_[:5] == first_curve
    assert clf.loss_curve_[5] < first_curve[0]
    cold = ANNClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0).fit(X, y)
    assert cold.loss_curve_ == first_curve


def test_early_stopping_split_is_stratified_and_keeps_the_best(iris):
    X, y = iris
    # 3 classes x 50 samples and a 20 % split: 10 of each class in validation,
    # so the validation accuracy is a multiple of 1/30.
    clf = ANNClassifier(early_stopping=True, validation_fraction=0.2, max_iter=300,
                        learning_rate_init=0.01, random_state=3).fit(X, y)
    scores = np.array(clf.validation_scores_)
    np.testing.assert_allclose(scores * 30, np.round(scores * 30), atol=1e-9)
    assert clf.best_validation_score_ == scores.max()
    assert clf.best_loss_ is None
    assert clf.n_iter_ < 300


def test_early_stopping_split_stays_stratified_when_the_rarest_class_has_two_samples():
    # Two samples are the fewest a stratified split can share out: one on each side.
    X = np.random.default_rng(0).normal(size=(42, 3))
    y = np.array([0] * 20 + [1] * 20 + [2] * 2)
    for seed in range(8):
        held_out = []

        def record(estimator, X_val, y_val):
            held_out.append(np.asarray(y_val))
            return 0.0

        ANNClassifier((4,), early_stopping=True, validation_fraction=0.5, max_iter=1,
                      scoring=record, random_state=seed).fit(X, y)
        np.testing.assert_array_equal(np.bincount(held_out[0]), [10, 10, 1])


def test_zero_weight_samples_have_no_influence(iris):
    X, y = iris
    weights = (np.arange(len(y)) % 3 != 0).astype(float)
    X_noise, y_swapped = X.copy(), y.copy()
    X_noise[weights == 0] = np.random.RandomState(0).normal(size=X_noise[weights == 0].shape)
    y_swapped[weights == 0] = (y[weights == 0] + 1) % 3
    for solver in ["lbfgs", "adam"]:
        a = fast(solver=solver, max_iter=30).fit(X, y, sample_weight=weights)
        b = fast(solver=solver, max_iter=30).fit(X_noise, y_swapped, sample_weight=weights)
        np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_integer_sample_weight_equals_repeating_rows(iris):
    X, y = iris
    counts = np.random.RandomState(0).randint(1, 4, size=len(y))
    # No hidden layer and a penalty: a convex problem with one optimum for both
    # fits to reach, however differently rounding steers them there.
    linear = dict(hidden_layer_sizes=(), alpha=1.0, tol=1e-10, max_iter=1000)
    weighted = fast(**linear).fit(X, y, sample_weight=counts)
    repeated = fast(**linear).fit(np.repeat(X, counts, axis=0), np.repeat(y, counts))
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), atol=1e-6)


@pytest.mark.parametrize("weights, match", [
    (np.ones(10), r"sample_weight.shape == \(10,\), expected \(150,\)"),
    (-np.ones(150), "Negative values in data passed to `sample_weight`"),
    (np.zeros(150), "sums to zero"),
    (np.full(150, np.nan), "NaN or infinity"),
])
def test_bad_sample_weight_is_refused(iris, weights, match):
    X, y = iris
    with pytest.raises(ValueError, match=match):
        fast().fit(X, y, sample_weight=weights)


def test_verbose_prints_mlps_lines(iris, capsys):
    X, y = iris
    ANNClassifier(max_iter=2, verbose=True, early_stopping=True, random_state=0).fit(X, y)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Iteration 1, loss = ")
    assert out[1].startswith("Validation score: ")
