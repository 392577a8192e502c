"""Feature attributions: gradients of the predictions, complete integrated gradients."""

import warnings

import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.datasets import load_iris, make_friedman1
from sklearn.decomposition import PCA
from sklearn.inspection import permutation_importance
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, StandardScaler

from sk_ann import ANNClassifier, ANNRegressor
from sk_ann.inspection import feature_attributions
from sk_ann.layers import Conv1D, Dense, GlobalAvgPool


def quiet_fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, y)


@pytest.fixture(scope="module")
def iris_pipeline():
    X, y = load_iris(return_X_y=True)
    model = make_pipeline(StandardScaler(), ANNClassifier((8,), activation="tanh", max_iter=300,
                                                          random_state=0))
    return quiet_fit(model, X, y), X, y


@pytest.fixture(scope="module")
def friedman():
    X, y = make_friedman1(n_samples=300, n_features=8, noise=0.1, random_state=0)
    model = make_pipeline(StandardScaler(), ANNRegressor((16,), activation="tanh",
                                                         solver="lbfgs", max_iter=150,
                                                         random_state=0))
    return quiet_fit(model, X, y), X, y


def finite_difference(f, X, eps=1e-5):
    """Central differences of the scalar function ``f`` of each row, per feature."""
    grad = np.zeros_like(X)
    for j in range(X.shape[1]):
        step = np.zeros(X.shape[1])
        step[j] = eps
        grad[:, j] = (f(X + step) - f(X - step)) / (2 * eps)
    return grad


def test_gradient_matches_finite_differences_of_predict_proba_through_the_scaler(iris_pipeline):
    model, X, _ = iris_pipeline
    rows = X[::30]
    result = feature_attributions(model, rows, method="gradient")
    assert result.input_space == "input" and result.values.shape == rows.shape
    np.testing.assert_array_equal(result.target, model.predict(rows))
    columns = np.searchsorted(model.classes_, result.target)
    expected = finite_difference(
        lambda Z: model.predict_proba(Z)[np.arange(len(Z)), columns], rows)
    np.testing.assert_allclose(result.values, expected, atol=1e-7)


@pytest.mark.parametrize("target", [0, 1])
def test_binary_classes_are_explained_by_their_own_probability(target):
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    y = (y == 2).astype(int)
    model = quiet_fit(ANNClassifier((6,), activation="tanh", max_iter=200, random_state=0), X, y)
    result = feature_attributions(model, X[::25], target=target, n_steps=200)
    np.testing.assert_allclose(result.outputs, model.predict_proba(X[::25])[:, target])
    expected = finite_difference(lambda Z: model.predict_proba(Z)[:, target], X[::25])
    gradient = feature_attributions(model, X[::25], method="gradient", target=target)
    np.testing.assert_allclose(gradient.values, expected, atol=1e-7)
    assert np.abs(result.completeness_gap).max() < 1e-3


def test_regressor_output_gradient_matches_finite_differences():
    X, y = make_friedman1(n_samples=100, n_features=5, random_state=0)
    Y = np.column_stack([y, -2 * y])
    model = quiet_fit(ANNRegressor((10,), max_iter=50, random_state=0), X, Y)
    with pytest.raises(ValueError, match="pass target=<output index>"):
        feature_attributions(model, X[:3])
    result = feature_attributions(model, X[:5], method="gradient", target=1)
    expected = finite_difference(lambda Z: model.predict(Z)[:, 1], X[:5])
    np.testing.assert_allclose(result.values, expected, atol=1e-6)


def test_one_step_is_enough_for_a_linear_network_and_zero_steps_are_refused(friedman):
    _, X, y = friedman
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linear = ANNRegressor((4,), activation="identity", max_iter=20, random_state=0).fit(X, y)
    result = feature_attributions(linear, X[:5], n_steps=1)
    np.testing.assert_allclose(result.completeness_gap, 0, atol=1e-9 * np.ptp(y))
    with pytest.raises(ValueError, match="n_steps must be a positive int"):
        feature_attributions(linear, X[:5], n_steps=0)


def test_integrated_gradients_are_complete_and_the_gap_shrinks_with_n_steps(friedman):
    model, X, _ = friedman
    gaps = [np.abs(feature_attributions(model, X[:20], n_steps=n).completeness_gap).max()
            for n in (2, 10, 100)]
    assert gaps[0] > gaps[1] > gaps[2]
    assert gaps[2] < 1e-3 * np.ptp(model.predict(X))
    # The default baseline is the input the scaler maps to zero: the training mean.
    result = feature_attributions(model, X[:20], n_steps=100)
    np.testing.assert_allclose(result.baseline, X.mean(axis=0))
    np.testing.assert_allclose(result.baseline_outputs,
                               np.repeat(model.predict(X.mean(axis=0)[None]), 20))


def test_relu_network_completeness_with_a_baseline_of_your_own():
    X, y = make_friedman1(n_samples=200, n_features=5, random_state=1)
    model = quiet_fit(ANNRegressor((16,), max_iter=200, random_state=0), X, y)
    baseline = np.full(5, 0.5)
    coarse, fine = (feature_attributions(model, X[:10], baseline=baseline, n_steps=n)
                    for n in (5, 400))
    assert np.abs(fine.completeness_gap).max() < np.abs(coarse.completeness_gap).max()
    assert np.abs(fine.completeness_gap).max() < 1e-3
    np.testing.assert_allclose(fine.outputs - fine.baseline_outputs,
                               model.predict(X[:10]) - model.predict(baseline[None]))


def test_gradient_x_input_is_the_gradient_times_the_distance_to_the_baseline(iris_pipeline):
    model, X, _ = iris_pipeline
    gradient = feature_attributions(model, X[:4], method="gradient").values
    times = feature_attributions(model, X[:4], method="gradient_x_input")
    np.testing.assert_allclose(times.values, gradient * (X[:4] - X.mean(axis=0)))


@pytest.mark.parametrize("step", [MinMaxScaler(), PCA(whiten=True)], ids=["minmax", "pca"])
def test_affine_steps_are_composed_into_the_gradient(step):
    X, y = make_friedman1(n_samples=150, n_features=5, random_state=0)
    model = quiet_fit(make_pipeline(step, ANNRegressor((8,), activation="tanh", max_iter=100,
                                                       random_state=0)), X, y)
    result = feature_attributions(model, X[:4], method="gradient")
    np.testing.assert_allclose(result.values, finite_difference(model.predict, X[:4]),
                               atol=1e-6)
    complete = feature_attributions(model, X[:4], n_steps=200)
    assert np.abs(complete.completeness_gap).max() < 1e-3


def test_a_step_that_is_not_affine_gives_attributions_of_the_network_input(iris_pipeline):
    _, X, y = iris_pipeline
    model = quiet_fit(make_pipeline(FunctionTransformer(np.log1p), StandardScaler(),
                                    ANNClassifier((5,), max_iter=50, random_state=0)), X, y)
    with pytest.warns(UserWarning, match="with respect to the network's input"):
        result = feature_attributions(model, X[:3])
    assert result.input_space == "network input"


def test_convolutional_network_keeps_the_image_shape_and_stays_untouched():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 12, 1))
    y = (X[:, 3:6, 0].sum(axis=1) > 0).astype(int)
    model = quiet_fit(ANNClassifier([Conv1D(3, 3, activation="tanh"), GlobalAvgPool(),
                                     Dense(4, activation="tanh")], input_shape=(12, 1),
                                    max_iter=30, random_state=0), X, y)
    params = model.network_.params.copy()
    before = model.predict_proba(X)
    result = feature_attributions(model, X[:4], n_steps=100)
    assert result.values.shape == (4, 12, 1)
    assert np.abs(result.completeness_gap).max() < 1e-3
    flat = feature_attributions(model, X[:4].reshape(4, -1), method="gradient")
    assert flat.values.shape == (4, 12)
    columns = np.searchsorted(model.classes_, flat.target)
    expected = finite_difference(
        lambda Z: model.predict_proba(Z)[np.arange(len(Z)), columns], X[:4].reshape(4, -1))
    np.testing.assert_allclose(flat.values, expected, atol=1e-7)
    np.testing.assert_array_equal(model.network_.params, params)
    np.testing.assert_array_equal(model.predict_proba(X), before)


def test_global_importance_ranks_informative_features_first(friedman):
    model, X, y = friedman
    importance = feature_attributions(model, X[:200]).importance
    # make_friedman1 uses features 0 to 4; 5 to 7 are noise.
    assert importance[:5].min() > importance[5:].max()
    permutation = permutation_importance(model, X[:200], y[:200], n_repeats=3,
                                         random_state=0).importances_mean
    assert spearmanr(importance, permutation).statistic > 0.8


def test_bad_arguments_say_what_is_allowed(iris_pipeline):
    model, X, _ = iris_pipeline
    with pytest.raises(ValueError, match="method must be one of"):
        feature_attributions(model, X[:2], method="shap")
    with pytest.raises(ValueError, match="target must be one of the classes"):
        feature_attributions(model, X[:2], target=7)
    with pytest.raises(ValueError, match="baseline must have 4 features"):
        feature_attributions(model, X[:2], baseline=np.zeros(3))
    with pytest.raises(TypeError, match="needs a fitted ANNClassifier"):
        feature_attributions(make_pipeline(StandardScaler().fit(X)), X)


matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


def test_attribution_display_bars_and_row(friedman):
    import matplotlib.pyplot as plt

    from sk_ann.plot import AttributionDisplay

    model, X, _ = friedman
    display = AttributionDisplay.from_estimator(model, X[:30], max_features=5)
    heights = [bar.get_width() for bar in display.bars_]
    assert len(heights) == 5 and heights == sorted(heights)  # largest on top
    assert heights[-1] == pytest.approx(display.attributions.importance.max())
    row = display.plot(kind="row", row=2, ax=plt.figure().gca())
    assert len(row.bars_) == 8 and "output 0" in row.ax_.get_title()
    with pytest.raises(ValueError, match="kind='image' needs samples with positions"):
        display.plot(kind="image")
    plt.close("all")


def test_attribution_display_heat_map_of_an_image():
    import matplotlib.pyplot as plt
    from sklearn.datasets import load_digits

    from sk_ann.plot import AttributionDisplay

    X, y = load_digits(return_X_y=True)
    X = X[:300] / 16
    model = quiet_fit(ANNClassifier((16,), max_iter=50, random_state=0), X, y[:300])
    display = AttributionDisplay.from_estimator(model, X[:3], image_shape=(8, 8), row=1)
    picture = display.image_.get_array()
    assert picture.shape == (8, 8)
    np.testing.assert_allclose(picture.ravel(), display.attributions.values[1])
    low, high = display.image_.get_clim()
    assert low == -high  # centred on 0: red up, blue down
    assert display.colorbar_ is not None
    plt.close("all")
