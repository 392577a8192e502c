"""sk_ann.plot: what each display draws, from which numbers, and where."""

import copy
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_digits, load_iris
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNAutoencoder, ANNClassifier, ANNRegressor
from sk_ann.core.activations import ACTIVATIONS, OUTPUT_LINKS
from sk_ann.layers import AvgPool1D, Conv1D, Conv2D, Flatten, GlobalAvgPool, MaxPool2D
from sk_ann.plot import (
    ActivationDisplay, ConvolutionDisplay, NetworkDiagramDisplay, TrainingCurveDisplay,
)

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")  # before pyplot: no window, no display needed
import matplotlib.pyplot as plt

# These tests train for a few epochs on purpose; that a ConvergenceWarning comes
# when training stops short, and only then, is checked in test_messages.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ELEMENTWISE = sorted({*ACTIVATIONS, *(k for k, cls in OUTPUT_LINKS.items() if cls.elementwise)})


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def early_stopped(iris):
    X, y = iris
    return ANNClassifier(hidden_layer_sizes=(8,), early_stopping=True, validation_fraction=0.2,
                         learning_rate_init=0.01, max_iter=300, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def wide(iris):
    """Named features, string classes and a hidden layer too wide to draw whole."""
    X, y = iris
    names = load_iris().feature_names
    labels = load_iris().target_names[y]
    return ANNClassifier(hidden_layer_sizes=(30,), solver="lbfgs", max_iter=50,
                         random_state=0).fit(pd.DataFrame(X, columns=names), labels)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16, y[:300]


@pytest.fixture(scope="module")
def conv2d(digits):
    """Two Conv2D layers around a pooling layer, on 8x8 digits of one channel."""
    X, y = digits
    return ANNClassifier([Conv2D(6, 3, padding="same"), MaxPool2D(2), Conv2D(10, (2, 3)), 16],
                         input_shape=(8, 8), max_iter=5, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def conv1d():
    """Two Conv1D layers on sequences of 30 positions and 2 channels."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 30, 2))
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    return X, ANNRegressor([Conv1D(4, 5, activation="tanh"), AvgPool1D(2), Conv1D(3, 3),
                            GlobalAvgPool()], input_shape=(30, 2), max_iter=5,
                           random_state=0).fit(X, y)


def _texts(ax):
    return [text.get_text() for text in ax.texts]


# --- TrainingCurveDisplay -------------------------------------------------------------


def test_training_curve_draws_the_estimators_curves(early_stopped):
    display = TrainingCurveDisplay.from_estimator(early_stopped)
    loss, scores = early_stopped.loss_curve_, early_stopped.validation_scores_
    ax, score_ax = display.ax_, display.score_ax_

    assert len(ax.get_lines()) == 2 and len(score_ax.get_lines()) == 2
    np.testing.assert_array_equal(display.lines_["loss"].get_xdata(), np.arange(1, len(loss) + 1))
    np.testing.assert_array_equal(display.lines_["loss"].get_ydata(), loss)
    assert display.lines_["loss"].axes is ax
    np.testing.assert_array_equal(display.lines_["validation_loss"].get_ydata(),
                                  early_stopped.validation_loss_curve_)
    assert display.lines_["validation_loss"].axes is ax
    np.testing.assert_array_equal(display.lines_["validation_score"].get_ydata(), scores)
    assert display.lines_["validation_score"].axes is score_ax
    best = int(np.argmax(scores)) + 1
    assert list(display.lines_["best_iteration"].get_xdata()) == [best, best]
    assert score_ax.get_shared_x_axes().joined(ax, score_ax)

    assert ax.get_title() == "ANNClassifier"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("iteration", "loss")
    assert score_ax.get_ylabel() == "validation accuracy"
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["training loss", "validation loss", "validation accuracy",
                      f"best validation score (iteration {best})"]
    assert display.figure_ is ax.figure


def test_training_curve_without_validation(regression):
    X, y = regression
    reg = ANNRegressor(solver="lbfgs", max_iter=30, random_state=0).fit(X, y)
    display = TrainingCurveDisplay.from_estimator(reg)
    assert display.score_ax_ is None
    assert list(display.lines_) == ["loss"]
    assert len(display.figure_.axes) == 1 and len(display.ax_.get_lines()) == 1
    np.testing.assert_array_equal(display.lines_["loss"].get_ydata(), reg.loss_curve_)
    assert display.ax_.get_legend() is None
    assert display.ax_.get_title() == "ANNRegressor"


def test_training_curve_shows_validation_loss_once_estimators_record_it(early_stopped):
    est = copy.deepcopy(early_stopped)
    est.validation_loss_curve_ = [value * 1.1 for value in est.loss_curve_]
    display = TrainingCurveDisplay.from_estimator(est)
    line = display.lines_["validation_loss"]
    assert line.axes is display.ax_ and line.get_linestyle() == "--"
    np.testing.assert_array_equal(line.get_ydata(), est.validation_loss_curve_)
    assert len(display.ax_.get_lines()) == 2


def test_training_curve_from_numbers_on_a_given_ax():
    fig, (left, right) = plt.subplots(1, 2)
    display = TrainingCurveDisplay([3.0, 2.0, 1.5], validation_scores=[0.5, 0.7, 0.6],
                                   estimator_name="mine", score_name="R²")
    assert display.plot(ax=right, color="black") is display
    assert display.ax_ is right and display.figure_ is fig
    assert len(left.get_lines()) == 0 and display.lines_["loss"].get_color() == "black"
    assert display.score_ax_.get_ylabel() == "validation R²"
    assert list(display.lines_["best_iteration"].get_xdata()) == [2, 2]
    assert right.get_title() == "mine"


def test_training_curve_generic_score_name_and_pipeline(iris):
    X, _ = iris
    pipe = make_pipeline(StandardScaler(), ANNAutoencoder((3,), early_stopping=True,
                                                          max_iter=15, random_state=0)).fit(X)
    display = TrainingCurveDisplay.from_estimator(pipe)
    assert display.score_ax_.get_ylabel() == "validation score"
    np.testing.assert_array_equal(display.lines_["validation_score"].get_ydata(),
                                  pipe[-1].validation_scores_)
    assert display.ax_.get_title() == "ANNAutoencoder"


def test_training_curve_without_a_loss_curve(iris):
    X, y = iris
    mlp = MLPClassifier(solver="lbfgs", max_iter=20, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="no loss_curve_"):
        TrainingCurveDisplay.from_estimator(mlp)


# --- NetworkDiagramDisplay ------------------------------------------------------------


def test_network_diagram_draws_every_neuron_of_a_small_network(early_stopped):
    display = NetworkDiagramDisplay.from_estimator(early_stopped)
    assert [len(circles) for circles in display.neurons_] == [4, 8, 3]
    assert len(display.ax_.patches) == 15
    assert display.ellipses_ == [None, None, None]
    assert len(display.connections_) == 2
    assert [len(c.get_segments()) for c in display.connections_] == [4 * 8, 8 * 3]
    assert [label.get_text() for label in display.layer_labels_] == [
        "input\n4 features", "hidden 1\n8 neurons\nrelu", "output\n3 neurons\nsoftmax"]
    assert display.ax_.get_title() == "ANNClassifier"
    # Columns left to right, neurons top to bottom.
    centres = [np.array([c.center for c in circles]) for circles in display.neurons_]
    assert all(np.ptp(xy[:, 0]) == 0 for xy in centres)
    assert centres[0][0, 0] < centres[1][0, 0] < centres[2][0, 0]
    assert all(np.all(np.diff(xy[:, 1]) < 0) for xy in centres)


def test_network_diagram_wide_layer_shows_its_ends_and_says_how_many_are_hidden(wide):
    display = NetworkDiagramDisplay.from_estimator(wide, max_neurons=6)
    assert [len(circles) for circles in display.neurons_] == [4, 6, 3]
    np.testing.assert_array_equal(display.shown_[1], [0, 1, 2, 27, 28, 29])
    assert display.ellipses_[0] is None and display.ellipses_[2] is None
    assert display.ellipses_[1].get_text() == "⋮\n24 more"
    # The ellipsis stands between the first and the last shown neurons.
    y = [c.center[1] for c in display.neurons_[1]]
    assert y[2] > display.ellipses_[1].get_position()[1] > y[3]
    assert display.layer_labels_[1].get_text() == "hidden 1\n30 neurons\nrelu"


def test_network_diagram_shows_at_most_twelve_neurons_a_layer_by_default(wide):
    display = NetworkDiagramDisplay.from_estimator(wide)
    assert [len(circles) for circles in display.neurons_] == [4, 12, 3]
    np.testing.assert_array_equal(display.shown_[1], [*range(6), *range(24, 30)])
    assert display.ellipses_[1].get_text() == "⋮\n18 more"
    direct = NetworkDiagramDisplay([4, 30, 3], wide.coefs_, ["relu", "softmax"]).plot()
    assert [len(circles) for circles in direct.neurons_] == [4, 12, 3]


def test_network_diagram_odd_max_neurons():
    display = NetworkDiagramDisplay([2, 9, 1], [np.ones((2, 9)), np.ones((9, 1))],
                                    ["tanh", "identity"], max_neurons=5).plot()
    np.testing.assert_array_equal(display.shown_[1], [0, 1, 2, 7, 8])
    assert display.ellipses_[1].get_text() == "⋮\n4 more"
    assert display.layer_labels_[0].get_text() == "input\n2 features"
    assert display.layer_labels_[2].get_text() == "output\n1 neuron\nidentity"


def test_network_diagram_connections_follow_the_weights(wide):
    display = NetworkDiagramDisplay.from_estimator(wide, max_neurons=6)
    for k, collection in enumerate(display.connections_):
        source, target = display.shown_[k], display.shown_[k + 1]
        w = wide.coefs_[k][np.ix_(source, target)].ravel()
        colors = collection.get_colors()
        widths = np.asarray(collection.get_linewidths())
        assert len(colors) == len(widths) == len(w) == len(source) * len(target)
        # Red for positive weights, blue for negative ones.
        nonzero = w != 0
        np.testing.assert_array_equal(np.sign(colors[nonzero, 0] - colors[nonzero, 2]),
                                      np.sign(w[nonzero]))
        # Wider and more opaque the larger |w|.
        order = np.argsort(np.abs(w))
        assert np.all(np.diff(widths[order]) >= 0) and np.all(np.diff(colors[order, 3]) >= 0)
        assert widths[order[-1]] > widths[order[0]]
        # Segment a * len(target) + b links shown neuron a to shown neuron b.
        segments = np.array(collection.get_segments())
        a, b = 1, len(target) - 1
        start, end = segments[a * len(target) + b]
        assert start[1] == display.neurons_[k][a].center[1]
        assert end[1] == display.neurons_[k + 1][b].center[1]


def test_network_diagram_one_colour_scale_for_the_whole_network(wide):
    display = NetworkDiagramDisplay.from_estimator(wide, max_neurons=6)
    drawn = [W[np.ix_(display.shown_[k], display.shown_[k + 1])]
             for k, W in enumerate(wide.coefs_)]
    largest = max(np.abs(values).max() for values in drawn)
    assert display.colorbar_.norm.vmax == pytest.approx(largest)
    assert display.colorbar_.norm.vmin == pytest.approx(-largest)
    # The strongest weight drawn, in whichever layer, is the widest and opaquest line.
    widths = np.concatenate([c.get_linewidths() for c in display.connections_])
    alphas = np.concatenate([c.get_colors()[:, 3] for c in display.connections_])
    strongest = np.argmax(np.abs(np.concatenate([values.ravel() for values in drawn])))
    assert widths[strongest] == widths.max() and alphas[strongest] == pytest.approx(1.0)
    assert display.colorbar_.ax.get_ylabel() == "weight (lines), bias (fill)"


def test_network_diagram_colour_bar_says_when_biases_go_beyond_it():
    def extend(biases):
        display = NetworkDiagramDisplay([1, 2], [[[0.5, -1.0]]], ["identity"],
                                        biases=[biases]).plot()
        return display.colorbar_.extend

    assert extend([0.5, -1.0]) == "neither"
    assert extend([3.0, 0.0]) == "max"
    assert extend([-3.0, 0.0]) == "min"
    assert extend([-3.0, 3.0]) == "both"


def test_network_diagram_fills_neurons_with_their_bias(wide):
    display = NetworkDiagramDisplay.from_estimator(wide, max_neurons=6)
    inputs = {tuple(c.get_facecolor()) for c in display.neurons_[0]}
    assert len(inputs) == 1  # inputs have no bias: one neutral fill
    for k in (1, 2):
        bias = wide.intercepts_[k - 1][display.shown_[k]]
        fill = np.array([c.get_facecolor() for c in display.neurons_[k]])
        nonzero = bias != 0
        np.testing.assert_array_equal(np.sign(fill[nonzero, 0] - fill[nonzero, 2]),
                                      np.sign(bias[nonzero]))


def test_network_diagram_names_inputs_and_outputs(wide):
    display = NetworkDiagramDisplay.from_estimator(wide)
    texts = _texts(display.ax_)
    for name in [*load_iris().feature_names, "setosa", "versicolor", "virginica"]:
        assert name in texts


def test_network_diagram_keeps_the_layer_labels_inside_its_axes(wide):
    display = NetworkDiagramDisplay.from_estimator(wide)
    display.figure_.canvas.draw()
    axes = display.ax_.get_window_extent()
    for label in display.layer_labels_:
        box = label.get_window_extent()
        assert axes.y0 <= box.y0 and box.y1 <= axes.y1, label.get_text()


def test_network_diagram_binary_output_is_the_second_class(iris):
    X, y = iris
    clf = ANNClassifier((3,), solver="lbfgs", max_iter=20, random_state=0).fit(
        X, np.where(y == 0, "no", "yes"))
    display = NetworkDiagramDisplay.from_estimator(clf)
    assert "yes" in _texts(display.ax_) and "no" not in _texts(display.ax_)


def test_network_diagram_autoencoder_and_given_ax(iris):
    X, _ = iris
    ae = ANNAutoencoder((3, 2), activation="tanh", solver="lbfgs", max_iter=20,
                        random_state=0).fit(pd.DataFrame(X, columns=list("abcd")))
    fig, (left, right) = plt.subplots(1, 2)
    display = NetworkDiagramDisplay.from_estimator(ae, ax=right, colorbar=False)
    assert display.ax_ is right and display.figure_ is fig
    assert len(left.patches) == 0 and display.colorbar_ is None and len(fig.axes) == 2
    assert [len(circles) for circles in display.neurons_] == [4, 3, 2, 3, 4]
    assert display.layer_labels_[2].get_text() == "hidden 2\n2 neurons\ntanh"
    assert display.layer_labels_[4].get_text() == "output\n4 neurons\nidentity"
    assert _texts(right).count("a") == 2  # an input and its reconstruction


def test_network_diagram_names_each_layers_own_activation(iris):
    X, y = iris
    clf = ANNClassifier((3, 2), activation=["tanh", "relu"], solver="lbfgs", max_iter=5,
                        random_state=0).fit(X, y)
    display = NetworkDiagramDisplay.from_estimator(clf)
    assert display.layer_labels_[1].get_text() == "hidden 1\n3 neurons\ntanh"
    assert display.layer_labels_[2].get_text() == "hidden 2\n2 neurons\nrelu"


def test_network_diagram_refuses_a_convolutional_network(iris):
    from sk_ann.layers import Conv1D

    X, y = iris
    clf = ANNClassifier([Conv1D(2, 2), 3], input_shape=(4, 1), max_iter=2,
                        random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="Conv1D.*ConvolutionDisplay"):
        NetworkDiagramDisplay.from_estimator(clf)


def test_network_diagram_of_scikit_learns_mlp(iris):
    X, y = iris
    mlp = MLPClassifier((5,), solver="lbfgs", max_iter=20, random_state=0).fit(X, y)
    display = NetworkDiagramDisplay.from_estimator(mlp)
    assert [len(circles) for circles in display.neurons_] == [4, 5, 3]
    assert display.layer_labels_[2].get_text() == "output\n3 neurons\nsoftmax"


@pytest.mark.parametrize("kwargs, match", [
    ({"max_neurons": 1}, "max_neurons must be an int >= 2"),
    ({"weights": [np.ones((3, 3)), np.ones((3, 2))]}, r"weights must have the shapes"),
    ({"activations": ["relu"]}, "one name per layer"),
    ({"biases": [np.ones(3), np.ones(3)]}, "biases must have the shapes"),
])
def test_network_diagram_bad_numbers(kwargs, match):
    args = {"layer_sizes": [2, 3, 2], "weights": [np.ones((2, 3)), np.ones((3, 2))],
            "activations": ["relu", "softmax"], **kwargs}
    with pytest.raises(ValueError, match=match):
        NetworkDiagramDisplay(**args).plot()


# --- ActivationDisplay ----------------------------------------------------------------


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_display_draws_f_and_its_derivative(name):
    display = ActivationDisplay.from_name(name)
    z = np.linspace(-4, 4, 401)
    f = display.lines_["f"]
    np.testing.assert_array_equal(f.get_xdata(), z)
    sigmoid = 1 / (1 + np.exp(-z))
    selu_alpha, selu_scale = 1.6732632423543772, 1.0507009873554805
    expected = {
        "identity": z, "logistic": sigmoid, "sigmoid": sigmoid, "tanh": np.tanh(z),
        "relu": np.maximum(z, 0), "exp": np.exp(z),
        "leaky_relu": np.where(z > 0, z, 0.01 * z),
        "elu": np.where(z > 0, z, np.exp(z) - 1),
        "selu": selu_scale * np.where(z > 0, z, selu_alpha * (np.exp(z) - 1)),
        "gelu": z * 0.5 * (1 + np.vectorize(math.erf)(z / np.sqrt(2))),
        "softplus": np.log1p(np.exp(z)),
        "silu": z * sigmoid,
    }[name]
    np.testing.assert_allclose(f.get_ydata(), expected, rtol=1e-12, atol=1e-15)
    # The derivative is that of f: central differences away from relu's kink.
    h = 1e-6
    away = np.abs(z) > 1e-3
    numeric = (ActivationDisplay.from_name(name, z=z + h).a
               - ActivationDisplay.from_name(name, z=z - h).a) / (2 * h)
    np.testing.assert_allclose(display.lines_["derivative"].get_ydata()[away], numeric[away],
                               rtol=1e-5, atol=1e-7)
    assert display.ax_.get_title() == name
    assert [t.get_text() for t in display.ax_.get_legend().get_texts()] == [
        "$f(z)$", "$f\\,'(z)$"]
    assert len(display.ax_.get_lines()) == 4  # f, f' and the two axes through 0


def test_activation_display_is_the_networks_own_derivative():
    # At the kink the network uses f'(0) = 0 for relu; the plot shows the same.
    display = ActivationDisplay.from_name("relu", z=[-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(display.da, [0.0, 0.0, 1.0])


def test_activation_display_from_numbers_on_a_given_ax():
    fig, (left, right) = plt.subplots(1, 2)
    z = np.array([-1.0, 0.0, 1.0])
    display = ActivationDisplay("square", z, z ** 2, 2 * z).plot(ax=left)
    assert display.ax_ is left and display.figure_ is fig and len(right.get_lines()) == 0
    np.testing.assert_array_equal(display.lines_["derivative"].get_ydata(), 2 * z)


def test_activation_display_refuses_softmax_and_unknown_names():
    with pytest.raises(ValueError, match="'softmax' is not element-wise"):
        ActivationDisplay.from_name("softmax")
    with pytest.raises(ValueError, match=r"activation must be one of \[.*'relu'.*\], "
                                         r"got 'banana'"):
        ActivationDisplay.from_name("banana")
    with pytest.raises(ValueError, match="z must be 1-D"):
        ActivationDisplay.from_name("relu", z=np.zeros((2, 2)))


# --- shared behaviour -----------------------------------------------------------------


@pytest.mark.parametrize("display", [TrainingCurveDisplay, NetworkDiagramDisplay])
@pytest.mark.parametrize("estimator", [ANNClassifier(), ANNRegressor(), ANNAutoencoder()])
def test_unfitted_estimator(display, estimator):
    with pytest.raises(NotFittedError):
        display.from_estimator(estimator)


@pytest.mark.parametrize("display", [TrainingCurveDisplay, NetworkDiagramDisplay])
def test_not_a_network(display, iris):
    X, y = iris
    with pytest.raises(TypeError, match="needs a fitted neural network"):
        display.from_estimator(LogisticRegression().fit(X, y))


def test_every_display_renders_to_png(early_stopped, wide, tmp_path):
    displays = {
        "training_curve": TrainingCurveDisplay.from_estimator(early_stopped),
        "network_diagram": NetworkDiagramDisplay.from_estimator(wide, max_neurons=8),
        "activation_tanh": ActivationDisplay.from_name("tanh"),
    }
    for name, display in displays.items():
        path = tmp_path / f"{name}.png"
        display.figure_.savefig(path, dpi=80, bbox_inches="tight")
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_sk_ann_works_without_matplotlib():
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import sk_ann, sk_ann.plot\n"
        "try:\n"
        "    sk_ann.plot.ActivationDisplay.from_name('relu')\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "ActivationDisplay.plot needs matplotlib" in out
    assert 'pip install "sk_ann[plots]"' in out


def test_importing_sk_ann_does_not_import_matplotlib():
    code = "import sys, sk_ann; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("scoring, label", [
    ("loss", "validation score (minus the loss)"),
    ("balanced_accuracy", "validation balanced_accuracy"),
    (None, "validation accuracy"),
])
def test_training_curve_names_the_score_the_estimator_used(iris, scoring, label):
    X, y = iris
    clf = ANNClassifier(early_stopping=True, scoring=scoring, max_iter=5,
                        random_state=0).fit(X, y)
    display = TrainingCurveDisplay.from_estimator(clf)
    assert display.score_ax_.get_ylabel() == label


# --- ConvolutionDisplay ---------------------------------------------------------------


def test_convolution_display_filters_are_the_weights_and_maps_the_layer_outputs(conv2d, digits):
    X, _ = digits
    display = ConvolutionDisplay.from_estimator(conv2d, X[3])
    network = conv2d.network_
    outputs = network.layer_outputs(X[[3]])
    assert display.layer_names == ["layers[0] Conv2D", "layers[2] Conv2D"]
    np.testing.assert_array_equal(display.input_artists_[0].get_array(), X[3].reshape(8, 8))
    for i, k in enumerate([0, 2]):
        layer = network.layers[k]
        shown = display.shown_[i]
        np.testing.assert_array_equal(shown, np.arange(min(layer.filters, 8)))
        for j, image, feature_map in zip(shown, display.filter_artists_[i],
                                         display.feature_map_artists_[i]):
            weights = layer.neurons[j].weights
            # One input channel: the weights themselves; several: their mean over channels.
            expected = weights[..., 0] if weights.shape[-1] == 1 else weights.mean(axis=-1)
            np.testing.assert_allclose(image.get_array(), expected, rtol=1e-15)
            np.testing.assert_array_equal(feature_map.get_array(), outputs[k][0, ..., j])
            # A filter called on what its layer reads gives the same map.
            layer_input = X[[3]] if k == 0 else outputs[k - 1]
            np.testing.assert_allclose(feature_map.get_array(), layer.neurons[j](layer_input)[0])
    # A layer's filters share one colour scale, symmetric around 0, as do its maps.
    second = [image.get_array() for image in display.filter_artists_[1]]
    largest = max(np.abs(image).max() for image in second)
    assert {image.get_clim() for image in display.filter_artists_[1]} == {(-largest, largest)}
    maps = outputs[2][0]
    assert {image.get_clim() for image in display.feature_map_artists_[1]} == {
        (maps.min(), maps.max())}
    assert display.figure_.get_suptitle() == "ANNClassifier"


def test_convolution_display_layout(conv2d, digits):
    X, _ = digits
    display = ConvolutionDisplay.from_estimator(conv2d, X[0], layers="all", max_filters=4)
    # The digit; filters and maps of layer 0; the pooled maps; filters and maps of layer 2.
    assert display.axes_.shape == (6, 4)
    assert [len(s) for s in display.shown_] == [4, 4, 4]
    assert display.filter_artists_[1] is None and len(display.feature_map_artists_[1]) == 4
    labels = [ax.get_ylabel() for ax in display.axes_[:, 0]]
    assert labels == ["input", "layers[0] Conv2D\nfilters", "feature maps",
                      "layers[1] MaxPool2D\noutput", "layers[2] Conv2D\nfilters", "feature maps"]
    assert [ax.get_title() for ax in display.axes_[1]] == [f"filter {j}" for j in range(4)]
    # One channel in: the input row has one image, the other cells are switched off.
    assert [ax.axison for ax in display.axes_[0]] == [True, False, False, False]
    # The smallest max_filters: one filter and one map per layer, one column.
    single = ConvolutionDisplay.from_estimator(conv2d, X[0], layers="all", max_filters=1)
    assert single.axes_.shape == (6, 1) and [len(s) for s in single.shown_] == [1, 1, 1]
    assert display.feature_map_artists_[1][2].get_array().shape == (4, 4)
    assert display.filter_artists_[2][0].get_array().shape == (2, 3)
    assert display.figure_ is display.axes_[0, 0].figure


def test_convolution_display_conv2d_with_several_channels_shows_their_mean():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 6, 6, 3))
    clf = ANNClassifier([Conv2D(2, 3), Flatten()], input_shape=(6, 6, 3), max_iter=3,
                        random_state=0).fit(X, np.arange(40) % 2)
    display = ConvolutionDisplay.from_estimator(clf, X[0])
    weights = clf.coefs_[0]
    assert weights.shape == (3, 3, 3, 2)
    for j, image in enumerate(display.filter_artists_[0]):
        np.testing.assert_allclose(image.get_array(), weights[..., j].mean(axis=-1))
    # Every input channel is drawn, each titled.
    for c, image in enumerate(display.input_artists_):
        np.testing.assert_array_equal(image.get_array(), X[0, ..., c])
    assert [ax.get_title() for ax in display.axes_[0]] == ["channel 0", "channel 1", "channel 2"]


def test_convolution_display_of_sequences(conv1d):
    X, reg = conv1d
    display = ConvolutionDisplay.from_estimator(reg, X[5], layers="all")
    outputs = reg.network_.layer_outputs(X[[5]])
    assert display.layer_names == ["layers[0] Conv1D", "layers[1] AvgPool1D", "layers[2] Conv1D"]
    for c, line in enumerate(display.input_artists_):
        np.testing.assert_array_equal(line.get_ydata(), X[5, :, c])
        np.testing.assert_array_equal(line.get_xdata(), np.arange(30))
    for i, k in enumerate([0, 1, 2]):
        layer = reg.network_.layers[k]
        for j, line in enumerate(display.feature_map_artists_[i]):
            np.testing.assert_array_equal(line.get_ydata(), outputs[k][0, :, j])
        if display.filter_artists_[i] is None:
            continue
        for j, image in enumerate(display.filter_artists_[i]):
            # A row per input channel, a column per position of the kernel.
            np.testing.assert_array_equal(image.get_array(), layer.neurons[j].weights.T)
    assert display.filter_artists_[0][0].get_array().shape == (2, 5)
    assert display.filter_artists_[2][0].get_array().shape == (4, 3)
    # Feature maps of a row share their y-range.
    assert len({ax.get_ylim() for ax in display.axes_[2, :4]}) == 1


def test_convolution_display_through_a_pipeline(digits):
    X, y = digits
    pipe = make_pipeline(StandardScaler(), ANNClassifier([Conv2D(3, 3), 8], input_shape=(8, 8),
                                                         max_iter=3, random_state=0)).fit(X, y)
    display = ConvolutionDisplay.from_estimator(pipe, X[7])
    scaled = pipe[0].transform(X[[7]])
    np.testing.assert_allclose(display.sample[..., 0], scaled.reshape(8, 8))
    np.testing.assert_allclose(display.feature_map_artists_[0][1].get_array(),
                               pipe[-1].network_.layer_outputs(scaled)[0][0, ..., 1])
    batch = ConvolutionDisplay.from_estimator(pipe, X[[7]])
    np.testing.assert_array_equal(batch.sample, display.sample)
    frame = pd.DataFrame(X, columns=[f"pixel {i}" for i in range(64)])
    named = make_pipeline(StandardScaler(), ANNClassifier([Conv2D(3, 3), 8], input_shape=(8, 8),
                                                          max_iter=3, random_state=0)).fit(frame, y)
    for row in (frame.iloc[[7]], frame.iloc[7]):
        shown = ConvolutionDisplay.from_estimator(named, row)
        np.testing.assert_allclose(shown.sample, display.sample)
    with pytest.raises(ValueError, match="must be one sample"):
        ConvolutionDisplay.from_estimator(pipe, X[:2])


@pytest.mark.parametrize("shape", [(64,), (8, 8), (8, 8, 1), (1, 64), (1, 8, 8), (1, 8, 8, 1)])
def test_convolution_display_takes_one_sample_in_any_shape_the_estimator_takes(conv2d, digits,
                                                                                shape):
    X, _ = digits
    display = ConvolutionDisplay.from_estimator(conv2d, X[4].reshape(shape))
    np.testing.assert_array_equal(display.sample, X[4].reshape(8, 8, 1))
    np.testing.assert_array_equal(display.feature_maps[0],
                                  conv2d.network_.layer_outputs(X[[4]])[0][0])


@pytest.mark.parametrize("shape", [(2, 64), (63,), (1, 63), (8, 7), (2, 8, 8), (1, 1, 64)])
def test_convolution_display_refuses_a_sample_of_another_shape(conv2d, shape):
    with pytest.raises(ValueError, match=r"X_sample must be one sample, of shape .*\(8, 8\)"
                                         r".*; got an array of shape"):
        ConvolutionDisplay.from_estimator(conv2d, np.zeros(shape))


def test_convolution_display_refuses_a_sample_that_is_not_finite(conv2d):
    with pytest.raises(ValueError, match="NaN"):
        ConvolutionDisplay.from_estimator(conv2d, np.full(64, np.nan))


@pytest.mark.parametrize("layers", [[1, 3], [3], "first", [], [0, 7], [0.0], 2.5])
def test_convolution_display_refuses_layers_it_cannot_draw(conv2d, digits, layers):
    X, _ = digits
    # 3 is the Dense layer; 7 is past the end.
    with pytest.raises(ValueError, match=r"layers must be None, 'all' or a list of indices "
                                         r"into network_.layers .* among \[0, 1, 2\]"):
        ConvolutionDisplay.from_estimator(conv2d, X[0], layers=layers)


def test_convolution_display_layers_by_index(conv2d, digits, conv1d):
    X, _ = digits
    display = ConvolutionDisplay.from_estimator(conv2d, X[0], layers=[2, 1])
    assert display.layer_names == ["layers[2] Conv2D", "layers[1] MaxPool2D"]
    assert ConvolutionDisplay.from_estimator(conv2d, X[0], layers=2).layer_names == [
        "layers[2] Conv2D"]
    # GlobalAvgPool leaves no positions to draw.
    X1, reg = conv1d
    with pytest.raises(ValueError, match=r"among \[0, 1, 2\]"):
        ConvolutionDisplay.from_estimator(reg, X1[0], layers=[3])


@pytest.mark.parametrize("max_filters", [0, -1, 2.0, True, None])
def test_convolution_display_bad_max_filters(conv2d, digits, max_filters):
    X, _ = digits
    with pytest.raises(ValueError, match="max_filters must be an int >= 1"):
        ConvolutionDisplay.from_estimator(conv2d, X[0], max_filters=max_filters)


def test_convolution_display_unfitted_not_a_network_and_no_convolution(iris, digits):
    X, y = iris
    with pytest.raises(NotFittedError):
        ConvolutionDisplay.from_estimator(ANNClassifier([Conv2D(2, 2)], input_shape=(2, 2)),
                                          X[0])
    with pytest.raises(TypeError, match="needs a fitted neural network"):
        ConvolutionDisplay.from_estimator(LogisticRegression().fit(X, y), X[0])
    mlp = MLPClassifier((3,), max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(TypeError, match="needs an sk_ann estimator with convolution layers"):
        ConvolutionDisplay.from_estimator(mlp, X[0])
    dense = ANNClassifier((3,), max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="ANNClassifier has no convolution layers"):
        ConvolutionDisplay.from_estimator(dense, X[0])


def test_convolution_display_in_a_given_figure(conv2d, digits):
    X, _ = digits
    fig = plt.figure()
    left, right = fig.subfigures(1, 2)
    display = ConvolutionDisplay.from_estimator(conv2d, X[0], figure=right, max_filters=3)
    assert display.figure_ is right
    assert all(ax.figure is right for ax in display.axes_.ravel())
    assert not left.axes


def test_convolution_display_from_numbers():
    rng = np.random.RandomState(0)
    sample, maps, filters = rng.normal(size=(5, 5, 1)), rng.normal(size=(3, 3, 2)), \
        rng.normal(size=(3, 3, 1, 2))
    display = ConvolutionDisplay(sample, [maps], [filters], ["mine"]).plot(cmap="gray")
    assert display.axes_.shape == (3, 2)
    assert display.feature_map_artists_[0][1].get_cmap().name == "gray"
    assert display.figure_.get_suptitle() == ""
    with pytest.raises(ValueError, match="one entry per layer"):
        ConvolutionDisplay(sample, [maps], [filters, None], ["mine"]).plot()
    with pytest.raises(ValueError, match=r"filters\[0\] must have the shape"):
        ConvolutionDisplay(sample, [maps], [filters[..., :1]], ["mine"]).plot()
    with pytest.raises(ValueError, match=r"feature_maps\[0\] must have the shape"):
        ConvolutionDisplay(sample, [maps[0]], [filters], ["mine"]).plot()


def test_convolution_display_renders_to_png(conv2d, conv1d, digits, tmp_path):
    X1, reg = conv1d
    for name, display in {
        "images": ConvolutionDisplay.from_estimator(conv2d, digits[0][0], layers="all"),
        "sequences": ConvolutionDisplay.from_estimator(reg, X1[0], layers="all"),
    }.items():
        path = tmp_path / f"{name}.png"
        display.figure_.savefig(path, dpi=60)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
