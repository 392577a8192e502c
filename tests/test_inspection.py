"""Neurons you can look at: the fitted network, layer by layer and neuron by neuron."""

import numpy as np
import pytest
from scipy.special import expit

from sk_ann import ANNClassifier, ANNRegressor
from sk_ann.core import Network

# These tests train for a few epochs on purpose; that a ConvergenceWarning comes
# when training stops short, and only then, is checked in test_messages.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def fitted(iris):
    X, y = iris
    return ANNClassifier(hidden_layer_sizes=(6, 4), activation="tanh", max_iter=30,
                         random_state=0).fit(X, y), X


def test_network_layers_match_coefs_and_intercepts(fitted):
    est, _ = fitted
    net = est.network_
    assert isinstance(net, Network)
    assert [layer.n_out for layer in net.layers] == [6, 4, 3]
    for layer, W, b in zip(net.layers, est.coefs_, est.intercepts_):
        assert np.shares_memory(layer.weights, net.params)
        np.testing.assert_array_equal(layer.weights, W)
        np.testing.assert_array_equal(layer.bias, b)
    assert [layer.activation for layer in net.layers] == ["tanh", "tanh", "identity"]
    assert net.output_activation == "softmax"
    assert net.layers[0].weights.shape == (4, 6)


def test_neuron_views(fitted):
    est, X = fitted
    layer = est.network_.layers[0]
    assert len(layer.neurons) == 6
    neuron = layer.neurons[2]
    np.testing.assert_array_equal(neuron.weights, est.coefs_[0][:, 2])
    assert neuron.bias == est.intercepts_[0][2]
    assert neuron.activation == "tanh"
    np.testing.assert_allclose(neuron(X), np.tanh(X @ est.coefs_[0][:, 2] + est.intercepts_[0][2]))
    assert neuron(X).shape == (150,)
    with pytest.raises(ValueError):
        neuron.weights[0] = 1.0
    assert layer.neurons[-1].index == 5
    with pytest.raises(IndexError):
        layer.neurons[6]


def test_layer_outputs_walk_the_network(fitted):
    est, X = fitted
    outputs = est.network_.layer_outputs(X)
    assert [o.shape for o in outputs] == [(150, 6), (150, 4), (150, 3)]
    h1 = np.tanh(X @ est.coefs_[0] + est.intercepts_[0])
    np.testing.assert_allclose(outputs[0], h1)
    np.testing.assert_allclose(outputs[1], np.tanh(h1 @ est.coefs_[1] + est.intercepts_[1]))
    np.testing.assert_allclose(outputs[-1], est.predict_proba(X))
    # Each neuron of a layer reproduces its column of the layer's output.
    hidden2 = est.network_.layers[1]
    for j, neuron in enumerate(hidden2.neurons):
        np.testing.assert_allclose(neuron(outputs[0]), outputs[1][:, j])
    # The output neurons give the raw outputs; the output link turns them into
    # the prediction, a softmax over the layer.
    raw = np.column_stack([neuron(outputs[1]) for neuron in est.network_.layers[2].neurons])
    np.testing.assert_allclose(est.network_.output_link.forward(raw), outputs[2])


def test_binary_output_is_the_logistic_of_one_output_neuron(iris):
    X, y = iris
    est = ANNClassifier(hidden_layer_sizes=(3,), max_iter=10, random_state=0).fit(X, y == 1)
    out = est.network_.layers[-1]
    assert est.network_.output_activation == "logistic" and len(out.neurons) == 1
    hidden = est.network_.layer_outputs(X)[0]
    np.testing.assert_allclose(out.neurons[0](hidden), hidden @ out.weights[:, 0] + out.bias)
    np.testing.assert_allclose(expit(out.neurons[0](hidden)), est.predict_proba(X)[:, 1])


def test_editing_layer_weights_changes_predictions(regression):
    X, y = regression
    est = ANNRegressor(hidden_layer_sizes=(4,), max_iter=5, random_state=0).fit(X, y)
    before = est.predict(X)
    est.network_.layers[-1].bias[0] += 1.0
    np.testing.assert_allclose(est.predict(X), before + 1.0)
    assert est.intercepts_[-1][0] == est.network_.layers[-1].bias[0]


def test_network_repr_lists_every_layer(fitted):
    text = repr(fitted[0].network_)
    assert "input: 4 features" in text
    assert "hidden 1: 6 neurons, tanh" in text and "output: 3 neurons, softmax" in text
