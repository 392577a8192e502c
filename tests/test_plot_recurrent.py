"""RecurrentStatesDisplay: a recurrent layer's states over one sequence, as drawn."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier, ANNRegressor
from sk_ann.layers import GRU, LSTM, Bidirectional, Conv1D
from sk_ann.plot import RecurrentStatesDisplay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")  # before pyplot: no window, no display needed
import matplotlib.pyplot as plt  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

T, F = 10, 2


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, T, F))
    return X, X[:, :, 0].sum(axis=1)


def _fit(hidden, data, **params):
    X, y = data
    return ANNRegressor(hidden, input_shape=(T, F), max_iter=3, random_state=0,
                        **params).fit(X, y)


def test_lines_are_the_layers_states_after_every_step(data):
    X, _ = data
    model = _fit([LSTM(6), 3], data)  # no return_sequences: the display asks for every step
    display = RecurrentStatesDisplay.from_estimator(model, X[4], units=[1, 5])
    expected = model.network_.layers[0].sequence(X[4:5])[0]
    assert display.units == [1, 5]
    assert len(display.lines_) == 2
    for line, j in zip(display.lines_, [1, 5]):
        np.testing.assert_array_equal(line.get_xdata(), np.arange(T))
        np.testing.assert_allclose(line.get_ydata(), expected[:, j])
    # The last step's states are what the layer passes on.
    np.testing.assert_allclose(display.states[-1],
                               model.network_.layer_outputs(X[4:5])[0][0, [1, 5]])
    assert [line.get_label() for line in display.lines_] == ["unit 1", "unit 5"]
    assert display.ax_.get_title() == "layer 0: LSTM(6)"
    assert display.ax_.get_xlabel() == "step $t$"
    assert display.figure_ is display.ax_.figure


def test_default_units_are_those_that_vary_most(data):
    X, _ = data
    model = _fit([GRU(8)], data)
    states = model.network_.layers[0].sequence(X[:1])[0]
    spread = states.max(axis=0) - states.min(axis=0)
    display = RecurrentStatesDisplay.from_estimator(model, X[0].ravel(), n_units=3)
    assert display.units == sorted(np.argsort(-spread)[:3].tolist())
    assert display.states.shape == (T, 3)


def test_a_later_layer_reads_what_the_layers_before_it_give(data):
    X, _ = data
    model = _fit([Conv1D(3, 3, padding="same"), GRU(4, return_sequences=True),
                  Bidirectional(LSTM(2))], data)
    display = RecurrentStatesDisplay.from_estimator(model, X[2], layer=2, units=[0, 3])
    outputs = model.network_.layer_outputs(X[2:3])
    expected = model.network_.layers[2].sequence(outputs[1])[0]
    np.testing.assert_allclose(display.states, expected[:, [0, 3]])
    assert [line.get_label() for line in display.lines_] == [
        "unit 0 (forward)", "unit 1 (backward)"]
    # The default layer is the first recurrent one.
    first = RecurrentStatesDisplay.from_estimator(model, X[2], units=[0])
    np.testing.assert_allclose(first.states[:, 0], outputs[1][0, :, 0], rtol=1e-6)


def test_pipeline_steps_transform_the_sample_first(data):
    X, y = data
    flat = X.reshape(len(X), -1)
    pipe = make_pipeline(StandardScaler(), ANNRegressor([GRU(3)], input_shape=(T, F),
                                                        max_iter=2, random_state=0))
    pipe.fit(flat, y)
    display = RecurrentStatesDisplay.from_estimator(pipe, flat[7], units=[2])
    scaled = pipe[0].transform(flat[7:8]).reshape(1, T, F)
    np.testing.assert_allclose(display.states[:, 0],
                               pipe[-1].network_.layers[0].sequence(scaled)[0, :, 2])


def test_classifier_in_float32_and_a_given_axes(data):
    X, y = data
    clf = ANNClassifier([LSTM(4)], input_shape=(T, F), max_iter=2, dtype="float32",
                        random_state=0).fit(X, y > 0)
    _, ax = plt.subplots()
    display = RecurrentStatesDisplay.from_estimator(clf, X[0], ax=ax, linewidth=3)
    assert display.ax_ is ax
    assert all(line.get_linewidth() == 3 for line in display.lines_)


def test_errors_say_what_is_wrong(data):
    X, y = data
    model = _fit([LSTM(4), 3], data)
    with pytest.raises(ValueError, match=r"x_sample must be one sample of shape \(10, 2\)"):
        RecurrentStatesDisplay.from_estimator(model, X[0, :5])
    with pytest.raises(ValueError, match=r"units must be indices of the layer's 4 units"):
        RecurrentStatesDisplay.from_estimator(model, X[0], units=[4])
    with pytest.raises(ValueError, match=r"network_.layers\[1\] is Dense.*not a recurrent"):
        RecurrentStatesDisplay.from_estimator(model, X[0], layer=1)
    with pytest.raises(ValueError, match="layer must be an index"):
        RecurrentStatesDisplay.from_estimator(model, X[0], layer=7)
    dense = ANNRegressor([4], max_iter=2, random_state=0).fit(X.reshape(len(X), -1), y)
    with pytest.raises(ValueError, match="has no recurrent layer"):
        RecurrentStatesDisplay.from_estimator(dense, X[0])
    with pytest.raises(ValueError, match=r"states must have shape \(timesteps, 2\)"):
        RecurrentStatesDisplay(np.zeros((5, 3)), [0, 1]).plot()


def test_unfitted_estimator_is_refused():
    with pytest.raises(NotFittedError):
        RecurrentStatesDisplay.from_estimator(
            ANNRegressor([LSTM(2)], input_shape=(T, F)), np.zeros((T, F)))
