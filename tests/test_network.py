"""Tests for sk_ann.core.network: the flat parameter vector, gradients, pickling, init."""

import copy
import inspect
import pickle

import numpy as np
import pytest
from gradcheck import numeric_gradient

from sk_ann.core.activations import ACTIVATIONS, OUTPUT_LINKS
from sk_ann.core.losses import LOSSES
from sk_ann.core.network import Network
from sk_ann.core.training import objective


def test_a_star_import_of_the_core_gives_its_public_names_only():
    # What the API reference documents as sk_ann.core; not its submodules.
    namespace = {}
    exec("from sk_ann.core import *", namespace)
    names = set(namespace) - {"__builtins__"}
    assert {"ACTIVATIONS", "OUTPUT_LINKS", "Activation", "INITIALIZERS", "Dense", "Neuron",
            "Conv1D", "Conv2D", "LOSSES", "Loss", "Network", "BatchNorm", "OPTIMIZERS", "SGD",
            "Adam", "AdamW", "RMSprop", "Optimizer", "LearningRateSchedule"} <= names
    assert not any(inspect.ismodule(namespace[name]) for name in names)


def test_a_star_import_of_the_core_layers_gives_every_kind_of_layer_and_no_modules():
    namespace = {}
    exec("from sk_ann.core.layers import *", namespace)
    names = set(namespace) - {"__builtins__"}
    from sk_ann.core.layers import LAYERS
    assert set(LAYERS) | {"Layer", "NeuronLayer", "Parameter", "Buffer", "LAYERS"} <= names
    assert not any(inspect.ismodule(namespace[name]) for name in names)


def _network(sizes=(3, 4, 3, 2), hidden="tanh", output="identity", seed=0, dtype=np.float64):
    net = Network.from_sizes(list(sizes), hidden, output, dtype=dtype)
    net.initialize(np.random.RandomState(seed))
    return net


def _targets(name, n_samples, n_outputs, rng):
    if name == "log_loss":
        return np.eye(n_outputs)[rng.integers(0, n_outputs, n_samples)]
    if name == "binary_log_loss":
        return rng.integers(0, 2, (n_samples, n_outputs)).astype(float)
    if name == "poisson":
        return rng.poisson(1.5, (n_samples, n_outputs)).astype(float)
    if name in ("squared_error", "absolute_error", "huber"):
        return rng.normal(size=(n_samples, n_outputs))
    raise AssertionError(f"test_network does not know valid targets for loss {name!r}")


def _manual_hidden_forward(net, X):
    """Hidden activations computed from the layers' W and b with plain numpy."""
    outputs = []
    A = X
    for layer in net.layers[:-1]:
        A = ACTIVATIONS[layer.activation]().forward(A @ layer.W + layer.b)
        outputs.append(A)
    return outputs


def test_n_params_counts_every_weight_and_bias():
    net = Network.from_sizes([3, 4, 3, 2])
    assert net.n_params == (3 + 1) * 4 + (4 + 1) * 3 + (3 + 1) * 2
    assert net.params.shape == net.grads.shape == (net.n_params,)
    assert len(net.layers) == 3
    assert [(layer.n_in, layer.n_out) for layer in net.layers] == [(3, 4), (4, 3), (3, 2)]


def test_layers_views_share_memory_with_the_flat_vectors_in_order():
    net = _network()
    for layer in net.layers:
        assert np.shares_memory(layer.W, net.params) and np.shares_memory(layer.b, net.params)
        assert np.shares_memory(layer.dW, net.grads) and np.shares_memory(layer.db, net.grads)
    # Every layer's W, then every layer's b, with nothing left over.
    laid_out = np.concatenate([layer.W.ravel() for layer in net.layers]
                              + [layer.b for layer in net.layers])
    np.testing.assert_array_equal(laid_out, net.params)
    net.params[:] = np.arange(net.n_params)
    assert net.layers[1].W[0, 0] == net.layers[0].W.size
    assert net.layers[0].b[0] == net.n_weights
    assert net.layers[2].b[-1] == net.n_params - 1
    weights, gradients = net.weights_and_gradients()
    assert weights.size == sum(layer.W.size for layer in net.layers)
    assert np.shares_memory(gradients, net.grads)


def test_predict_is_the_output_link_of_forward():
    net = _network(output="softmax")
    X = np.random.default_rng(1).normal(size=(5, 3))
    raw = net.forward(X).copy()
    np.testing.assert_allclose(net.predict(X), OUTPUT_LINKS["softmax"]().forward(raw), rtol=1e-14)
    np.testing.assert_allclose(net.predict(X).sum(axis=1), 1.0)
    assert net.output_activation == "softmax"


def _pre_activations(net, X):
    Zs, A = [], X
    for layer in net.layers[:-1]:
        Z = A @ layer.W + layer.b
        Zs.append(Z)
        A = ACTIVATIONS[layer.activation]().forward(Z)
    return Zs


CASES = [(hidden, loss) for hidden in sorted(ACTIVATIONS) for loss in sorted(LOSSES)]


@pytest.mark.parametrize("hidden, loss_name", CASES)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_objective_gradient_matches_finite_differences(hidden, loss_name, weighted):
    rng = np.random.default_rng(2)
    loss = LOSSES[loss_name]()
    net = _network(sizes=(3, 4, 3, 3), hidden=hidden, output=loss.link.name, seed=3)
    X = rng.normal(size=(5, 3))
    Y = _targets(loss_name, 5, 3, rng)
    sw = rng.uniform(0.5, 2.0, 5) if weighted else None
    alpha = 0.3
    for Z in _pre_activations(net, X):
        assert np.min(np.abs(Z)) > 1e-4, "pick another seed: a ReLU kink sits within ±eps"

    objective(net, loss, X, Y, sw, alpha)
    analytic = net.grads.copy()
    numeric = numeric_gradient(lambda _: objective(net, loss, X, Y, sw, alpha), net.params)

    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_objective_gradient_with_one_activation_per_hidden_layer():
    rng = np.random.default_rng(4)
    loss = LOSSES["log_loss"]()
    net = _network(sizes=(3, 4, 3, 4, 3), hidden=["tanh", "logistic", "identity"],
                   output="softmax", seed=5)
    X, Y = rng.normal(size=(6, 3)), _targets("log_loss", 6, 3, rng)
    objective(net, loss, X, Y, None, 0.1)
    analytic = net.grads.copy()
    numeric = numeric_gradient(lambda _: objective(net, loss, X, Y, None, 0.1), net.params)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_objective_without_hidden_layers():
    rng = np.random.default_rng(6)
    loss = LOSSES["squared_error"]()
    net = _network(sizes=(3, 2), seed=7)
    X, Y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    objective(net, loss, X, Y)
    analytic = net.grads.copy()
    numeric = numeric_gradient(lambda _: objective(net, loss, X, Y), net.params)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_l2_penalty_is_on_weights_only_divided_by_total_weight():
    rng = np.random.default_rng(8)
    loss = LOSSES["squared_error"]()
    net = _network(seed=9)
    X, Y, sw = rng.normal(size=(5, 3)), rng.normal(size=(5, 2)), rng.uniform(0.5, 2.0, 5)
    alpha = 0.7
    plain = objective(net, loss, X, Y, sw, 0.0)
    penalised = objective(net, loss, X, Y, sw, alpha)
    squared_weights = sum(np.sum(layer.W ** 2) for layer in net.layers)
    assert penalised - plain == pytest.approx(alpha * squared_weights / (2 * sw.sum()), rel=1e-10)


def test_layer_outputs_returns_every_layer_and_ends_with_predict():
    net = _network(sizes=(3, 5, 4, 2), hidden=["relu", "logistic"], output="logistic")
    X = np.random.default_rng(10).normal(size=(6, 3))
    outputs = net.layer_outputs(X)
    assert len(outputs) == 3
    assert [A.shape for A in outputs] == [(6, 5), (6, 4), (6, 2)]
    for A, expected in zip(outputs[:-1], _manual_hidden_forward(net, X)):
        np.testing.assert_allclose(A, expected, rtol=1e-13)
    np.testing.assert_allclose(outputs[-1], net.predict(X), rtol=1e-13)
    # The arrays are independent results, not one buffer overwritten layer after layer.
    assert not any(np.shares_memory(a, b) for a, b in zip(outputs, outputs[1:]))


def _assert_views_live(net):
    for layer in net.layers:
        assert np.shares_memory(layer.W, net.params) and np.shares_memory(layer.b, net.params)
        assert np.shares_memory(layer.dW, net.grads) and np.shares_memory(layer.db, net.grads)


@pytest.mark.parametrize(
    "clone", [lambda n: pickle.loads(pickle.dumps(n)), copy.deepcopy], ids=["pickle", "deepcopy"]
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clone_keeps_params_and_layer_views(clone, dtype):
    net = _network(sizes=(3, 4, 3, 2), hidden=["relu", "tanh"], output="softmax", dtype=dtype)
    X = np.random.default_rng(11).normal(size=(4, 3)).astype(dtype)
    twin = clone(net)

    np.testing.assert_array_equal(twin.params, net.params)
    assert twin.params.dtype == dtype
    assert not np.shares_memory(twin.params, net.params)
    assert [layer.activation for layer in twin.layers[:-1]] == ["relu", "tanh"]
    assert twin.output_activation == "softmax"
    _assert_views_live(twin)
    np.testing.assert_array_equal(twin.predict(X), net.predict(X))

    # The twin's layers read the twin's vector, and only it.
    twin.params *= 2.0
    assert not np.allclose(twin.predict(X), net.predict(X))
    np.testing.assert_array_equal(twin.layers[0].W, 2.0 * net.layers[0].W)


def test_clone_can_still_be_trained():
    rng = np.random.default_rng(12)
    loss = LOSSES["squared_error"]()
    net = _network()
    twin = pickle.loads(pickle.dumps(net))
    X, Y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    assert objective(twin, loss, X, Y) == pytest.approx(objective(net, loss, X, Y), rel=1e-14)
    np.testing.assert_array_equal(twin.grads, net.grads)


def test_initialize_with_same_seed_gives_identical_params():
    a = _network(seed=13)
    b = _network(seed=13)
    c = _network(seed=14)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.params, c.params)


def _glorot_like_sklearn(sizes, activation, seed):
    """scikit-learn's MLP initialisation written out: W then b, layer by layer, drawn in
    that order and packed as scikit-learn packs them: all weights, then all biases."""
    rs = np.random.RandomState(seed)
    factor = 2.0 if activation in ("logistic", "sigmoid") else 6.0
    weights, biases = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = np.sqrt(factor / (fan_in + fan_out))
        weights.append(rs.uniform(-bound, bound, (fan_in, fan_out)).ravel())
        biases.append(rs.uniform(-bound, bound, fan_out))
    return np.concatenate(weights + biases)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("output", ["identity", "softmax"])
def test_initialize_matches_scikit_learn_mlp_initial_weights(activation, output):
    sizes = [3, 5, 4, 2]
    net = Network.from_sizes(sizes, activation, output)
    net.initialize(np.random.RandomState(42))
    np.testing.assert_array_equal(net.params, _glorot_like_sklearn(sizes, activation, 42))


def test_initialize_explicit_activation_sets_the_scale_for_every_layer():
    sizes = [3, 4, 2]
    net = Network.from_sizes(sizes, "relu", "logistic")
    net.initialize(np.random.RandomState(0), activation="logistic")
    np.testing.assert_array_equal(net.params, _glorot_like_sklearn(sizes, "logistic", 0))


def test_initialize_in_float32_casts_the_float64_draws():
    sizes = [3, 4, 2]
    net = Network.from_sizes(sizes, "tanh", "identity", dtype=np.float32)
    net.initialize(np.random.RandomState(1))
    assert net.params.dtype == np.float32
    np.testing.assert_array_equal(
        net.params, _glorot_like_sklearn(sizes, "tanh", 1).astype(np.float32)
    )
    _assert_views_live(net)


def test_one_hidden_activation_per_layer():
    net = Network.from_sizes([3, 4, 5, 6, 2], ["relu", "logistic", "tanh"], "softmax")
    assert [layer.activation for layer in net.layers] == ["relu", "logistic", "tanh", "identity"]
    assert net.output_activation == "softmax"
    net = Network.from_sizes([3, 4, 5, 2], "tanh")
    assert [layer.activation for layer in net.layers] == ["tanh", "tanh", "identity"]


@pytest.mark.parametrize("sizes", [[], [3], [3, 0, 2], [3, 4, -1], [0, 2]])
def test_bad_layer_sizes_raise_value_error(sizes):
    with pytest.raises(ValueError, match="layer_sizes"):
        Network.from_sizes(sizes)


@pytest.mark.parametrize("activations", [["relu"], ["relu", "tanh", "tanh"], []])
def test_wrong_number_of_hidden_activations_raises_value_error(activations):
    with pytest.raises(ValueError, match="hidden"):
        Network.from_sizes([3, 4, 5, 2], activations)


@pytest.mark.parametrize("hidden", ["banana", ["relu", "banana"], "softmax"])
def test_unknown_hidden_activation_raises_value_error_listing_the_choices(hidden):
    with pytest.raises(ValueError) as excinfo:
        Network.from_sizes([3, 4, 5, 2], hidden)
    for name in ACTIVATIONS:
        assert repr(name) in str(excinfo.value)


def test_unknown_output_activation_raises_value_error():
    with pytest.raises(ValueError, match="banana"):
        Network.from_sizes([3, 4, 2], "relu", "banana")


def test_repr_mentions_every_layer():
    net = Network.from_sizes([7, 5, 3, 2], ["relu", "tanh"], "softmax")
    text = repr(net)
    assert str(net.n_params) in text
    lines = text.splitlines()
    shown = [layer.activation for layer in net.layers[:-1]] + [net.output_activation]
    for activation, size in zip(shown, [5, 3, 2]):
        assert any(str(size) in line and activation in line for line in lines)
    assert "7" in text


# --- gradients of the predictions themselves (frozen) ------------------------------


@pytest.mark.parametrize("batch_norm", [False, True])
def test_frozen_forward_is_predict_and_its_input_gradient_matches_finite_differences(batch_norm):
    rng = np.random.default_rng(11)
    net = Network.from_sizes([4, 5, 3, 2], "tanh", "softmax", dropout=0.5, batch_norm=batch_norm)
    net.initialize(np.random.RandomState(0))
    net.buffers[:] = rng.uniform(0.5, 2.0, net.buffers.size)  # running statistics in use
    X = rng.normal(size=(6, 4))
    weights = rng.normal(size=(6, 2))
    buffers, params = net.buffers.copy(), net.params.copy()
    with net.frozen():
        raw = net.forward(X, training=True)
        np.testing.assert_allclose(raw, net.forward(X), rtol=1e-13)
        dX = net.backward(weights.copy(), input_gradient=True).copy()
    assert not any(layer.frozen for layer in net.layers)
    np.testing.assert_array_equal(net.buffers, buffers)  # running statistics untouched
    np.testing.assert_array_equal(net.params, params)
    expected = numeric_gradient(lambda x: float((net.forward(x) * weights).sum()), X)
    np.testing.assert_allclose(dX, expected, rtol=1e-6, atol=1e-9)
