"""Target encoders on their own: y to the network's targets and back."""

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.multioutput import MultiOutputClassifier
from sklearn.datasets import make_multilabel_classification
from sklearn.utils import check_array
from sklearn.utils.class_weight import compute_sample_weight

from sk_ann._targets import (
    ClassTarget,
    ContinuousTarget,
    MultiOutputClassTarget,
    class_sample_weight,
    class_target,
)
from sk_ann.core.losses import get_loss


def perfect_outputs(encoder, y):
    """What a network that has learnt ``y`` exactly would output."""
    return encoder.transform(y, np.float64).astype(np.float64)


def one_hot(codes, n_columns):
    return np.eye(n_columns, dtype=int)[codes]


def as_validated(y):
    """``y`` as the estimators get it from scikit-learn's validation."""
    return check_array(y, dtype=None, ensure_2d=False)


def per_column_model(y):
    """scikit-learn's answer for several label columns: one classifier per column."""
    return MultiOutputClassifier(DummyClassifier(strategy="stratified", random_state=0)).fit(
        np.zeros((len(y), 1)), y)


def animals(n, rng):
    return pd.DataFrame({
        "species": rng.choice(["cat", "dog", "bird"], n),
        "size": rng.choice(["small", "large"], n),
    })


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# --- one column of labels, unchanged by the multilabel option ----------------------------


@pytest.mark.parametrize("y", [
    np.array([0, 1, 1, 0, 1]),
    np.array(["spam", "ham", "ham", "spam", "eggs"]),
    np.array([3.0, -1.0, 3.0, 7.0, -1.0]),
    np.array(["only"] * 4, dtype=object),
], ids=["binary", "strings", "floats", "single-class"])
@pytest.mark.parametrize("multilabel", ["auto", True, False])
def test_labels_round_trip(y, multilabel):
    encoder = ClassTarget(multilabel).fit(y)
    Y = encoder.transform(y, np.float64)
    assert Y.dtype == bool and Y.shape == (len(y), encoder.n_outputs)
    assert np.array_equal(encoder.inverse_transform(perfect_outputs(encoder, y)), y)
    np.testing.assert_array_equal(encoder.classes_, np.unique(y))


def test_multiclass_probabilities_follow_classes(rng):
    y = rng.choice(["a", "b", "c"], 20)
    encoder = ClassTarget().fit(y)
    assert encoder.loss == "log_loss" and encoder.loss_params == {}
    P = rng.dirichlet(np.ones(3), size=20)
    np.testing.assert_array_equal(encoder.probabilities(P), P)
    np.testing.assert_array_equal(encoder.inverse_transform(P),
                                  encoder.classes_[P.argmax(axis=1)])


def test_binary_probabilities_have_a_column_per_class():
    encoder = ClassTarget().fit(np.array(["no", "yes", "no"]))
    proba = encoder.probabilities(np.array([[0.2], [0.9]]))
    np.testing.assert_allclose(proba, [[0.8, 0.2], [0.1, 0.9]])


def test_continuous_target_has_no_loss_params():
    assert ContinuousTarget().fit(np.zeros(3)).loss_params == {}


# --- 0/1 indicator matrices: one-hot or multilabel ----------------------------------------


def test_one_hot_rows_are_one_categorical_target(rng):
    y = one_hot(rng.integers(0, 4, 30), 4)
    encoder = ClassTarget().fit(y)
    assert encoder.target_type == "one-hot"
    assert encoder.loss == "log_loss" and encoder.loss_params == {}
    assert get_loss(encoder.loss, **encoder.loss_params).link.name == "softmax"
    assert encoder.n_outputs == 4
    np.testing.assert_array_equal(encoder.classes_, np.arange(4))
    assert np.array_equal(encoder.inverse_transform(perfect_outputs(encoder, y)), y)


def test_one_hot_predictions_have_exactly_one_one_per_row(rng):
    encoder = ClassTarget().fit(one_hot([0, 1, 2], 3))
    P = rng.dirichlet(np.ones(3), size=50)
    P[:5] = 1 / 3  # ties still give a single class
    pred = encoder.inverse_transform(P)
    assert pred.shape == (50, 3) and pred.dtype.kind == "i"
    np.testing.assert_array_equal(pred.sum(axis=1), 1)
    np.testing.assert_array_equal(pred.argmax(axis=1), P.argmax(axis=1))
    np.testing.assert_array_equal(encoder.probabilities(P), P)


def test_two_one_hot_columns_are_a_softmax_of_two():
    encoder = ClassTarget().fit(np.array([[1, 0], [0, 1], [0, 1]]))
    assert encoder.target_type == "one-hot" and encoder.n_outputs == 2


def test_float_one_hot_is_one_hot():
    y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    encoder = ClassTarget().fit(y)
    assert encoder.target_type == "one-hot"
    np.testing.assert_array_equal(encoder.inverse_transform(y), y)


@pytest.mark.parametrize("y", [
    np.array([[1, 1, 0], [0, 1, 0], [0, 0, 1]]),   # two labels in a row
    np.array([[0, 0, 0], [0, 1, 0], [0, 0, 1]]),   # a row without labels
], ids=["two-ones", "no-one"])
def test_auto_keeps_other_indicators_multilabel(y):
    encoder = ClassTarget().fit(y)
    assert encoder.target_type == "multilabel-indicator"
    assert encoder.loss == "binary_log_loss" and encoder.n_outputs == 3
    assert np.array_equal(encoder.inverse_transform(perfect_outputs(encoder, y)), y)
    P = np.array([[0.9, 0.6, 0.1]])
    np.testing.assert_array_equal(encoder.inverse_transform(P), [[1, 1, 0]])
    np.testing.assert_array_equal(encoder.probabilities(P), P)


def test_multilabel_true_reads_one_hot_as_multilabel(rng):
    y = one_hot(rng.integers(0, 3, 20), 3)
    encoder = ClassTarget(multilabel=True).fit(y)
    assert encoder.target_type == "multilabel-indicator"
    assert encoder.loss == "binary_log_loss"


def test_multilabel_false_accepts_one_hot(rng):
    y = one_hot(rng.integers(0, 3, 20), 3)
    assert ClassTarget(multilabel=False).fit(y).target_type == "one-hot"


def test_multilabel_false_names_the_rows_that_are_not_one_hot():
    y = one_hot([0, 1, 2, 0, 1], 3)
    y[3] = [1, 1, 0]
    y[4] = 0
    with pytest.raises(ValueError, match=r"2 of its 5 rows.*row 3.*multilabel=True"):
        ClassTarget(multilabel=False).fit(y)


@pytest.mark.parametrize("multilabel", ["yes", None, 1])
def test_multilabel_option_is_checked(multilabel):
    with pytest.raises(ValueError, match="multilabel must be 'auto', True or False"):
        ClassTarget(multilabel).fit(np.array([0, 1]))


# --- later calls: warm_start (same classes) and partial_fit (known classes) ---------------


def test_one_hot_model_refuses_rows_that_are_not_one_hot():
    encoder = ClassTarget().fit(one_hot([0, 1, 2], 3))
    encoder.check_labels(one_hot([2, 2], 3), same_classes=False)
    with pytest.raises(ValueError, match=r"1 of the 2 rows.*row 1.*multilabel=True"):
        encoder.check_labels(np.array([[0, 1, 0], [1, 0, 1]]), same_classes=False)


def test_multilabel_model_takes_a_one_hot_batch():
    encoder = ClassTarget().fit(np.array([[1, 1, 0], [0, 0, 1]]))
    batch = one_hot([0, 2], 3)
    encoder.check_labels(batch, same_classes=False)
    assert encoder.target_type == "multilabel-indicator"
    np.testing.assert_array_equal(encoder.transform(batch, np.float64), batch == 1)


@pytest.mark.parametrize("y", [one_hot([0, 1], 2), np.array([0, 1, 1])])
def test_indicator_model_refuses_another_number_of_columns(y):
    encoder = ClassTarget().fit(one_hot([0, 1, 2], 3))
    with pytest.raises(ValueError, match="label columns, the model was fitted with 3"):
        encoder.check_labels(y, same_classes=False)


def test_indicator_model_refuses_values_other_than_0_and_1():
    encoder = ClassTarget().fit(np.array([[1, 1, 0], [0, 0, 1]]))
    with pytest.raises(ValueError, match="0/1 indicator"):
        encoder.check_labels(np.array([[2, 1, 0], [0, 0, 1]]), same_classes=False)


def test_label_model_refuses_an_indicator_matrix():
    encoder = ClassTarget().fit(np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="one column of class labels, y has 3 columns"):
        encoder.check_labels(one_hot([0, 1], 3), same_classes=False)


def test_partial_fit_refuses_unseen_classes():
    encoder = ClassTarget().fit(np.array(["a", "b"]), classes=["a", "b", "c"])
    encoder.check_labels(np.array(["c", "c"]), same_classes=False)
    with pytest.raises(ValueError, match="classes not in `self.classes_`"):
        encoder.check_labels(np.array(["a", "d"]), same_classes=False)


def test_first_partial_fit_refuses_labels_outside_classes():
    with pytest.raises(ValueError, match="classes not in `self.classes_`"):
        ClassTarget().fit(np.array([0, 1, 5]), classes=[0, 1, 2])


def test_warm_start_needs_the_same_classes():
    encoder = ClassTarget().fit(np.array([0, 1, 2]))
    encoder.check_labels(np.array([2, 1, 0, 0]), same_classes=True)
    with pytest.raises(ValueError, match="same classes"):
        encoder.check_labels(np.array([0, 1]), same_classes=True)


def test_continuous_labels_are_refused():
    encoder = ClassTarget().fit(np.array([0, 1]))
    with pytest.raises(ValueError, match="Unknown label type"):
        encoder.check_labels(np.array([0.5, 1.5]), same_classes=False)


# --- several columns of labels (multiclass-multioutput) -----------------------------------


def test_string_columns_of_a_dataframe(rng):
    y = as_validated(animals(40, rng))
    encoder = class_target(y)
    assert isinstance(encoder, MultiOutputClassTarget)
    assert encoder.target_type == "multiclass-multioutput"
    assert [list(labels) for labels in encoder.classes_] == [["bird", "cat", "dog"],
                                                             ["large", "small"]]
    assert encoder.loss == "log_loss" and encoder.loss_params == {"groups": (3, 2)}
    assert encoder.n_outputs == 5
    Y = encoder.transform(y, np.float64)
    assert Y.dtype == bool and Y.shape == (40, 5)
    np.testing.assert_array_equal(Y[:, :3].sum(axis=1), 1)
    np.testing.assert_array_equal(Y[:, 3:].sum(axis=1), 1)
    pred = encoder.inverse_transform(perfect_outputs(encoder, y))
    assert pred.shape == (40, 2) and np.array_equal(pred, y)


@pytest.mark.parametrize("make_y", [
    lambda rng: rng.integers(0, 4, (30, 3)),
    lambda rng: np.column_stack([rng.choice(["a", "bb"], 30), rng.choice(["x", "y", "zzz"], 30)]),
    lambda rng: as_validated(animals(30, rng)),
    lambda rng: np.column_stack([rng.integers(0, 3, 30), rng.integers(0, 2, 30)]).astype(float),
], ids=["ints", "str", "dataframe", "floats"])
def test_predictions_and_probabilities_look_like_multioutput_classifiers(make_y, rng):
    y = make_y(rng)
    encoder = class_target(y)
    reference = per_column_model(y)
    for labels, estimator in zip(encoder.classes_, reference.estimators_, strict=True):
        np.testing.assert_array_equal(labels, estimator.classes_)
    P = rng.dirichlet(np.ones(encoder.n_outputs), size=len(y))
    pred = encoder.inverse_transform(P)
    assert pred.dtype == reference.predict(np.zeros((len(y), 1))).dtype
    assert pred.shape == y.shape
    proba = encoder.probabilities(P)
    expected = reference.predict_proba(np.zeros((len(y), 1)))
    assert isinstance(proba, list)
    assert [p.shape for p in proba] == [p.shape for p in expected]
    for k, (labels, block) in enumerate(zip(encoder.classes_, proba)):
        np.testing.assert_array_equal(pred[:, k], labels[block.argmax(axis=1)])
    np.testing.assert_array_equal(np.hstack(proba), P)


def test_binary_and_single_class_columns_are_softmax_blocks_too():
    y = np.array([[0, 5, 7], [1, 5, 8], [2, 5, 7]])
    encoder = class_target(y)
    assert encoder.loss_params == {"groups": (3, 1, 2)}
    assert np.array_equal(encoder.inverse_transform(perfect_outputs(encoder, y)), y)


def test_columns_of_numbers_and_strings_keep_their_types(rng):
    df = pd.DataFrame({"legs": rng.choice([2, 4], 20), "species": rng.choice(["a", "b"], 20)})
    y = as_validated(df)
    encoder = class_target(y)
    assert encoder.loss_params == {"groups": (2, 2)}
    pred = encoder.inverse_transform(perfect_outputs(encoder, y))
    assert pred.dtype == object and np.array_equal(pred, y)
    assert isinstance(pred[0, 0], int) and isinstance(pred[0, 1], str)


def test_zero_one_columns_stay_an_indicator():
    encoder = class_target(np.array([[1, 0], [1, 1], [0, 0]]))
    assert isinstance(encoder, ClassTarget)
    assert encoder.target_type == "multilabel-indicator"


def test_one_column_and_indicators_go_to_class_target(rng):
    assert class_target(np.array(["a", "b", "c"]), classes=["a", "b", "c"]).n_outputs == 3
    assert class_target(one_hot([0, 1, 2], 3)).target_type == "one-hot"
    assert class_target(one_hot([0, 1, 2], 3), multilabel=True).target_type == (
        "multilabel-indicator")


def test_continuous_columns_are_refused():
    with pytest.raises(ValueError, match="Unknown label type"):
        class_target(np.array([[0.5, 1], [1.5, 2]]))


def test_partial_fit_classes_per_column(rng):
    batch = np.array([[0, 1], [1, 1]])   # 0/1 in this batch, more classes in the data set
    encoder = class_target(batch, classes=[[0, 1, 2], np.array([1, 2, 3])])
    assert isinstance(encoder, MultiOutputClassTarget)
    assert encoder.loss_params == {"groups": (3, 3)}
    assert np.array_equal(encoder.inverse_transform(perfect_outputs(encoder, batch)), batch)
    later = np.array([[2, 3], [0, 2]])
    encoder.check_labels(later, same_classes=False)
    assert np.array_equal(encoder.inverse_transform(perfect_outputs(encoder, later)), later)


def test_partial_fit_needs_classes_per_column():
    y = np.array([[0, 1], [2, 3]])
    with pytest.raises(ValueError, match=r"list of 2 arrays, the labels of each column"):
        class_target(y, classes=np.unique(y))


def test_first_partial_fit_refuses_labels_outside_the_column_classes():
    with pytest.raises(ValueError, match=r"Column 1 of `y` has labels not in `classes_\[1\]`"):
        class_target(np.array([[0, 1], [2, 9]]), classes=[[0, 1, 2], [1, 2]])


def test_later_labels_must_be_known_per_column(rng):
    encoder = class_target(as_validated(animals(30, rng)))
    encoder.check_labels(np.array([["dog", "small"]], dtype=object), same_classes=False)
    with pytest.raises(ValueError, match=r"Column 0 .*\['fish'\]"):
        encoder.check_labels(np.array([["fish", "small"]], dtype=object), same_classes=False)


@pytest.mark.parametrize("y", [np.array([["cat"], ["dog"]]), np.array(["cat", "dog"]),
                               np.array([["cat", "small", "x"]])])
def test_later_y_must_have_the_same_columns(y, rng):
    encoder = class_target(as_validated(animals(30, rng)))
    with pytest.raises(ValueError, match="label column\\(s\\), the model was fitted with 2"):
        encoder.check_labels(y, same_classes=False)


def test_warm_start_needs_the_same_classes_in_every_column(rng):
    y = as_validated(animals(30, rng))
    encoder = class_target(y)
    encoder.check_labels(y[::-1], same_classes=True)
    y_without_birds = y[y[:, 0] != "bird"]
    with pytest.raises(ValueError, match="same classes.*Column 0"):
        encoder.check_labels(y_without_birds, same_classes=True)


# --- class weights ------------------------------------------------------------------------


def total_weight_per_class(weight, labels):
    return [weight[labels == label].sum() for label in np.unique(labels)]


def test_no_class_weight_is_no_sample_weight():
    y = np.array([0, 1, 1])
    assert class_sample_weight(None, y, class_target(y)) is None


def test_dict_weighs_the_named_classes(rng):
    y = rng.choice(["a", "b", "c"], 50)
    class_weight = {"a": 3.0, "c": 0.5}
    weight = class_sample_weight(class_weight, y, class_target(y))
    assert weight.dtype == np.float64 and weight.shape == (50,)
    np.testing.assert_allclose(weight, compute_sample_weight(class_weight, y))
    np.testing.assert_allclose(weight[y == "b"], 1.0)


def test_dict_may_name_classes_missing_from_a_batch():
    encoder = class_target(np.array([0, 1]), classes=[0, 1, 2])
    batch = np.array([0, 1, 1])
    weight = class_sample_weight({0: 2.0, 2: 5.0}, batch, encoder)
    np.testing.assert_allclose(weight, [2.0, 1.0, 1.0])


@pytest.mark.parametrize("y", [
    np.array([0] * 30 + [1] * 5),
    np.array(["x"] * 20 + ["y"] * 7 + ["z"] * 3),
], ids=["binary", "multiclass"])
def test_balanced_gives_every_class_the_same_total_weight(y):
    weight = class_sample_weight("balanced", y, class_target(y))
    totals = total_weight_per_class(weight, y)
    np.testing.assert_allclose(totals, totals[0])
    np.testing.assert_allclose(weight.sum(), len(y))
    np.testing.assert_allclose(weight, compute_sample_weight("balanced", y))


def test_unknown_class_is_named_with_the_known_ones():
    y = np.array(["cat", "dog", "dog"])
    message = r"not classes: \['cow'\]; the classes are \['cat', 'dog'\]"
    with pytest.raises(ValueError, match=message):
        class_sample_weight({"cat": 2.0, "cow": 3.0}, y, class_target(y))


def test_one_hot_class_weight_is_keyed_by_column(rng):
    codes = np.array([0] * 12 + [1] * 6 + [2] * 2)
    y = one_hot(codes, 3)
    encoder = class_target(y)
    weight = class_sample_weight({2: 4.0, 0: 0.5}, y, encoder)
    np.testing.assert_allclose(weight, compute_sample_weight({2: 4.0, 0: 0.5}, codes))
    balanced = class_sample_weight("balanced", y, encoder)
    totals = total_weight_per_class(balanced, codes)
    np.testing.assert_allclose(totals, totals[0])
    with pytest.raises(ValueError, match="one-hot y, class_weight must be 'balanced' or a dict"):
        class_sample_weight([{0: 1.0}, {0: 1.0}, {0: 1.0}], y, encoder)
    with pytest.raises(ValueError, match=r"not classes: \[3\]"):
        class_sample_weight({3: 2.0}, y, encoder)


def test_multilabel_weights_multiply_over_columns():
    _, y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
    encoder = class_target(y)
    assert encoder.target_type == "multilabel-indicator"
    class_weight = [{1: 4.0}, {0: 0.5, 1: 2.0}, {}]
    np.testing.assert_allclose(class_sample_weight(class_weight, y, encoder),
                               compute_sample_weight(class_weight, y))
    np.testing.assert_allclose(class_sample_weight("balanced", y, encoder),
                               compute_sample_weight("balanced", y))
    with pytest.raises(ValueError, match=r"class_weight of column 1 has labels that are not"):
        class_sample_weight([{}, {2: 1.0}, {}], y, encoder)


def test_multioutput_weights_multiply_over_columns(rng):
    y = as_validated(animals(50, rng))
    encoder = class_target(y)
    class_weight = [{"bird": 3.0, "dog": 0.5}, {"large": 2.0}]
    np.testing.assert_allclose(class_sample_weight(class_weight, y, encoder),
                               compute_sample_weight(class_weight, y))
    np.testing.assert_allclose(class_sample_weight("balanced", y, encoder),
                               compute_sample_weight("balanced", y))
    mixed = class_sample_weight(["balanced", {"large": 2.0}], y, encoder)
    np.testing.assert_allclose(
        mixed, compute_sample_weight("balanced", y[:, 0]) * np.where(y[:, 1] == "large", 2, 1))
    with pytest.raises(ValueError, match=r"column 0.*\['fish'\].*\['bird', 'cat', 'dog'\]"):
        class_sample_weight([{"fish": 2.0}, {}], y, encoder)


@pytest.mark.parametrize("class_weight", [[{}], [{}, {}, {}], {"cat": 2.0}, "balanced_subsample"])
def test_class_weight_must_fit_the_columns(class_weight, rng):
    y = as_validated(animals(10, rng))
    with pytest.raises(ValueError, match="class_weight must be"):
        class_sample_weight(class_weight, y, class_target(y))


def test_a_list_is_refused_for_one_column():
    y = np.array([0, 1, 1])
    with pytest.raises(ValueError, match=r"one column of labels, class_weight must be"):
        class_sample_weight([{0: 2.0}], y, class_target(y))


@pytest.mark.parametrize("bad", [-1.0, np.nan, np.inf])
def test_class_weights_must_be_finite_and_not_negative(bad):
    y = np.array([0, 1, 1])
    with pytest.raises(ValueError, match="finite weights >= 0"):
        class_sample_weight({1: bad}, y, class_target(y))
