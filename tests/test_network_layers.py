"""Networks of convolution, pooling, Flatten and Dense layers: the objective's gradients,
the input gradient, float32, determinism, pickling, work arrays and shape errors.

The networks are drawn at random from a fixed seed (tiny shapes, so that finite
differences over every parameter stay fast); the objective carries the L2 and
L1 penalties, sample weights, batch normalisation and dropout with masks drawn
from an rng re-seeded identically on every call.
"""

import copy
import math
import pickle

import numpy as np
import pytest
from gradcheck import numeric_gradient

from sk_ann.core.layers import (
    AvgPool1D,
    AvgPool2D,
    Conv1D,
    Conv2D,
    Dense,
    Flatten,
    GlobalAvgPool,
    MaxPool1D,
    MaxPool2D,
)
from sk_ann.core.losses import LOSSES
from sk_ann.core.network import Network
from sk_ann.core.optimizers import Adam
from sk_ann.core.schedules import LearningRateSchedule
from sk_ann.core.training import StochasticTrainer, TrainingState, objective

KINDS = {"Conv1D": Conv1D, "Conv2D": Conv2D, "MaxPool1D": MaxPool1D, "MaxPool2D": MaxPool2D,
         "AvgPool1D": AvgPool1D, "AvgPool2D": AvgPool2D, "GlobalAvgPool": GlobalAvgPool,
         "Flatten": Flatten, "Dense": Dense}


def _sizes(rng, low, high, d):
    return tuple(int(v) for v in rng.integers(low, high, d))


def _draw_network(rng, d):
    """Specs ``(kind, kwargs)`` of a small random network over ``d`` position axes."""
    input_shape = (*_sizes(rng, 3, 7, d), int(rng.integers(1, 3)))
    specs = [(f"Conv{d}D", dict(
        filters=int(rng.integers(1, 4)), kernel_size=_sizes(rng, 1, 4, d),
        strides=_sizes(rng, 1, 3, d), padding=("valid", "same")[int(rng.integers(2))],
        activation="tanh", batch_norm=bool(rng.random() < 0.4),
        dropout=0.3 if rng.random() < 0.3 else 0.0))]
    pool = int(rng.integers(3))
    if pool:
        # Smooth activations before max pooling: no ties at relu's zeros.
        specs.append((("MaxPool", "AvgPool")[pool - 1] + f"{d}D", dict(
            pool_size=_sizes(rng, 1, 3, d), strides=None if rng.random() < 0.5 else 1)))
    if rng.random() < 0.5:
        specs.append((f"Conv{d}D", dict(filters=2, kernel_size=2, padding="same",
                                         activation="softplus")))
    end = int(rng.integers(3))
    if end == 0:
        specs.append(("Flatten", {}))
    elif end == 1:
        specs.append(("GlobalAvgPool", {}))
    # (end == 2: the Dense layer reads the feature maps flattened.)
    if rng.random() < 0.5:
        specs.append(("Dense", dict(units=3, activation="tanh",
                                    batch_norm=bool(rng.random() < 0.3),
                                    dropout=0.2 if rng.random() < 0.3 else 0.0)))
    specs.append(("Dense", dict(units=2, activation="identity")))
    return input_shape, specs


def _build(config, dtype=np.float64, seed=0):
    input_shape, specs = config
    layers = [KINDS[kind](**kwargs) for kind, kwargs in specs]
    return Network(layers, input_shape, "identity", dtype).initialize(np.random.RandomState(seed))


def _network_configs(n, seed):
    rng = np.random.default_rng(seed)
    configs = []
    while len(configs) < n:
        config = _draw_network(rng, 1 + len(configs) % 2)
        try:
            _build(config)
        except ValueError:  # a kernel or a pool larger than what reaches it: draw again
            continue
        configs.append(config)
    return configs


CONFIGS = _network_configs(12, seed=31)


def _config_id(config):
    input_shape, specs = config
    short = {"Conv1D": "C", "Conv2D": "C", "MaxPool1D": "M", "MaxPool2D": "M", "AvgPool1D": "A",
             "AvgPool2D": "A", "GlobalAvgPool": "G", "Flatten": "F", "Dense": "D"}
    parts = []
    for kind, kwargs in specs:
        part = short[kind]
        if kwargs.get("batch_norm"):
            part += "bn"
        if kwargs.get("dropout"):
            part += "do"
        if kwargs.get("padding") == "same":
            part += "s"
        parts.append(part)
    return "x".join(map(str, input_shape)) + "-" + "".join(parts)


def _data(network, n_samples=3, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, *network.input_shape))
    Y = rng.normal(size=(n_samples, network.output_shape[0]))
    sw = rng.uniform(0.5, 2.0, n_samples)
    return X, Y, sw


def _move_off_start(network, seed=5):
    """Biases, γ and β off their starting values, so that their gradients are general."""
    network.params[network.n_weights:] += np.random.default_rng(seed).normal(
        scale=0.3, size=network.n_params - network.n_weights)


# --- gradients of the whole objective ----------------------------------------------


@pytest.mark.parametrize("config", CONFIGS, ids=_config_id)
def test_objective_gradient_matches_finite_differences(config):
    net = _build(config)
    _move_off_start(net)
    X, Y, sw = _data(net)
    loss = LOSSES["squared_error"]()

    def J(_):
        # A fresh rng with the same seed draws the same dropout masks every call.
        return objective(net, loss, X, Y, sw, 0.3, l1=0.05, rng=np.random.RandomState(3))

    J(None)
    analytic = net.grads.copy()
    numeric = numeric_gradient(J, net.params)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("config", CONFIGS, ids=_config_id)
def test_input_gradient_matches_finite_differences(config):
    net = _build(config)
    _move_off_start(net)
    X, Y, sw = _data(net, seed=2)
    loss = LOSSES["squared_error"]()

    def J(_):
        return objective(net, loss, X, Y, sw, 0.3, rng=np.random.RandomState(4))

    def input_gradient(X_given):
        raw = net.forward(X_given, training=True, rng=np.random.RandomState(4))
        _, d_raw = loss.loss_gradient(Y, raw, sw)
        return net.backward(d_raw, input_gradient=True).copy()

    dX = input_gradient(X)
    assert dX.shape == X.shape
    np.testing.assert_allclose(dX, numeric_gradient(J, X), rtol=1e-6, atol=1e-9)
    # Flat rows of the same samples give the same gradient, shaped as samples.
    np.testing.assert_array_equal(input_gradient(X.reshape(X.shape[0], -1)), dX)


@pytest.mark.parametrize("config", CONFIGS, ids=_config_id)
def test_input_gradient_then_parameter_gradients_from_one_forward(config):
    # An adversarial network's discriminator: one forward pass on generated
    # samples, ∂loss/∂X for the generator, then its own gradients for another loss.
    net = _build(config)
    X, _, _ = _data(net, n_samples=4)
    D1, D2 = np.random.default_rng(7).normal(size=(2, 4, *net.output_shape))
    net.forward(X, training=True, rng=np.random.RandomState(0))
    net.backward(D1.copy(), input_gradient=True)
    after_input_gradient = net.backward(D2.copy()).copy()
    net.forward(X, training=True, rng=np.random.RandomState(0))
    np.testing.assert_array_equal(after_input_gradient, net.backward(D2.copy()))


@pytest.mark.parametrize("first", [
    lambda: [MaxPool2D((2, 1), 1), Conv2D(2, 2, activation="tanh"), GlobalAvgPool()],
    lambda: [AvgPool2D(2), Flatten()],
    lambda: [GlobalAvgPool()],
    lambda: [Flatten()],
], ids=["maxpool", "avgpool", "global", "flatten"])
def test_gradients_of_a_network_that_starts_without_parameters(first):
    net = Network([*first(), Dense(2, "identity")], (4, 3, 2)).initialize(
        np.random.RandomState(8))
    X = _distinct_samples((3, 4, 3, 2))
    Y = np.random.default_rng(9).normal(size=(3, 2))
    loss = LOSSES["squared_error"]()

    def J(_):
        return objective(net, loss, X, Y, alpha=0.2)

    J(None)
    analytic = net.grads.copy()
    np.testing.assert_allclose(analytic, numeric_gradient(J, net.params), rtol=1e-6,
                               atol=1e-9)
    raw = net.forward(X, training=True)
    dX = net.backward(loss.gradient(Y, raw), input_gradient=True).copy()
    assert dX.shape == X.shape
    np.testing.assert_allclose(dX, numeric_gradient(J, X), rtol=1e-6, atol=1e-9)


def _distinct_samples(shape, seed=10):
    """Values at least 0.05 apart, so that max pooling has no ties to break."""
    n = math.prod(shape)
    return (np.random.default_rng(seed).permutation(n) - n / 2).reshape(shape) * 0.05


def test_objective_gradient_of_a_classifier_with_softmax_and_log_loss():
    loss = LOSSES["log_loss"]()
    net = Network([Conv2D(3, (2, 3), padding="same", activation="tanh", batch_norm=True),
                   MaxPool2D(2), Flatten(), Dense(3, "identity")],
                  (4, 5, 2), loss.link).initialize(np.random.RandomState(1))
    _move_off_start(net)
    rng = np.random.default_rng(6)
    X = rng.normal(size=(4, 4, 5, 2))
    Y = np.eye(3)[rng.integers(0, 3, 4)]

    def J(_):
        return objective(net, loss, X, Y, None, 0.1)

    J(None)
    analytic = net.grads.copy()
    np.testing.assert_allclose(analytic, numeric_gradient(J, net.params), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(net.predict(X).sum(axis=1), 1.0)


def test_penalties_see_every_kernel_and_dense_weight_and_no_bias():
    net = Network([Conv1D(2, 3, batch_norm=True), MaxPool1D(2), Conv1D(3, 2, activation="tanh"),
                   Dense(4, "tanh", batch_norm=True), Dense(1, "identity")], (9, 2))
    net.initialize(np.random.RandomState(2))
    _move_off_start(net)
    X, Y, _ = _data(net, n_samples=5)
    loss = LOSSES["squared_error"]()
    plain = objective(net, loss, X, Y)
    g_plain = net.grads.copy()
    penalised = objective(net, loss, X, Y, alpha=0.4, l1=0.3)
    kernels = [layer.W for layer in net.layers if hasattr(layer, "W")]
    squares = sum(float(np.sum(W ** 2)) for W in kernels)
    absolutes = sum(float(np.sum(np.abs(W))) for W in kernels)
    assert penalised == pytest.approx(plain + 0.4 / 10 * squares + 0.3 / 5 * absolutes,
                                      rel=1e-12)
    for layer in net.layers:
        if not hasattr(layer, "W"):
            continue
        dW = g_plain[_offset(net.params, layer.W):][:layer.W.size].reshape(layer.W.shape)
        np.testing.assert_allclose(layer.dW, dW + 0.4 / 5 * layer.W + 0.3 / 5 * np.sign(layer.W),
                                   rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(layer.db, g_plain[_offset(net.params, layer.b):][
            :layer.b.size])


# --- layout of the flat vectors ----------------------------------------------------


def _offset(vector, view):
    """Position of ``view``'s first number in the 1-D ``vector`` it is a view of."""
    assert np.shares_memory(vector, view)
    return (view.__array_interface__["data"][0]
            - vector.__array_interface__["data"][0]) // vector.itemsize


def test_weights_first_then_biases_then_normalisation_and_views_share_memory():
    net = Network([Conv2D(2, (2, 3), batch_norm=True), AvgPool2D(2), Flatten(),
                   Dense(3, batch_norm=True), Dense(1, "identity")], (5, 6, 2))
    conv, _, _, hidden, out = net.layers
    # Every weight, layer by layer, then every bias, then every γ and β.
    order = [(conv, "W", 2 * 3 * 2 * 2), (hidden, "W", 2 * 2 * 2 * 3), (out, "W", 3),
             (conv, "b", 2), (hidden, "b", 3), (out, "b", 1),
             (conv.norm, "gamma", 2), (conv.norm, "beta", 2),
             (hidden.norm, "gamma", 3), (hidden.norm, "beta", 3)]
    start = 0
    for owner, name, size in order:
        view = getattr(owner, name)
        assert view.size == size and _offset(net.params, view) == start
        assert _offset(net.grads, getattr(owner, "d" + name)) == start
        start += size
    assert net.n_weights == 24 + 24 + 3
    assert net.n_params == start
    assert net.buffers.size == 2 * 2 + 2 * 3
    for layer in (conv, hidden):
        assert np.shares_memory(layer.norm.running_mean, net.buffers)
        assert np.shares_memory(layer.norm.running_var, net.buffers)


def test_initialize_draws_each_kernel_within_its_glorot_bound():
    net = Network([Conv2D(4, (3, 2), activation="tanh"), MaxPool2D(2), Conv2D(5, 2), Flatten(),
                   Dense(2, "identity")], (8, 7, 3)).initialize(np.random.RandomState(3))
    for layer in (net.layers[0], net.layers[2]):
        positions = math.prod(layer.kernel_size)
        bound = math.sqrt(6.0 / (positions * layer.in_channels + positions * layer.filters))
        assert np.abs(layer.W).max() <= bound and np.abs(layer.b).max() <= bound
        assert np.abs(layer.W).max() > 0.8 * bound  # drawn over the whole range
    pooled_first = Network([MaxPool1D(2), Flatten(), Dense(2)], (6, 1))
    pooled_first.initialize(np.random.RandomState(0))
    assert np.all(pooled_first.params != 0)


# --- forward at the network level --------------------------------------------------


def test_dense_after_a_convolution_reads_its_maps_flattened():
    conv = dict(filters=3, kernel_size=2, strides=(1, 2), padding="same", activation="tanh")
    direct = Network([Conv2D(**conv), Dense(2, "identity")], (3, 4, 2))
    flat = Network([Conv2D(**conv), Flatten(), Dense(2, "identity")], (3, 4, 2))
    direct.initialize(np.random.RandomState(4))
    flat.params[...] = direct.params
    X, Y, _ = _data(direct, n_samples=4)
    np.testing.assert_array_equal(direct.predict(X), flat.predict(X))
    loss = LOSSES["squared_error"]()
    assert objective(direct, loss, X, Y) == objective(flat, loss, X, Y)
    np.testing.assert_array_equal(direct.grads, flat.grads)
    # Its neurons read the maps flattened too.
    maps = direct.layer_outputs(X)[0]
    for j in range(2):
        np.testing.assert_allclose(direct.layers[1].neurons[j](maps),
                                   flat.layer_outputs(X)[2][:, j], rtol=1e-14)


@pytest.mark.parametrize("config", CONFIGS[:4], ids=_config_id)
def test_layer_outputs_have_each_layers_shape_and_end_with_predict(config):
    net = _build(config)
    X, _, _ = _data(net, n_samples=4)
    outputs = net.layer_outputs(X)
    assert len(outputs) == len(net.layers)
    for layer, output in zip(net.layers, outputs):
        assert output.shape == (4, *layer.output_shape)
    np.testing.assert_array_equal(outputs[-1], net.predict(X))
    # Flat rows of the same samples give the same outputs.
    for a, b in zip(net.layer_outputs(X.reshape(4, -1)), outputs):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("config", CONFIGS, ids=_config_id)
def test_training_forward_without_dropout_or_batch_norm_equals_predict(config):
    input_shape, specs = config
    plain = [(kind, {**kwargs, **({"dropout": 0.0, "batch_norm": False}
                                  if "dropout" in kwargs else {})}) for kind, kwargs in specs]
    net = _build((input_shape, plain))
    X, _, _ = _data(net, n_samples=5)
    np.testing.assert_allclose(net.forward(X, training=True), net.forward(X),
                               rtol=1e-13, atol=1e-15)


def test_repr_describes_every_layer_and_its_output_shape():
    net = Network([Conv2D(4, 3, padding="same", batch_norm=True), MaxPool2D(2),
                   GlobalAvgPool(), Dense(2, "identity")], (6, 6, 1), "softmax")
    text = repr(net)
    for part in ("input: (6, 6, 1)", "Conv2D(4, (3, 3)", "-> (6, 6, 4)", "batch norm",
                 "MaxPool2D((2, 2)) -> (3, 3, 4)", "GlobalAvgPool() -> (4,)",
                 "output: 2 neurons, softmax"):
        assert part in text


# --- work arrays reused from batch to batch ----------------------------------------


@pytest.mark.parametrize("config", CONFIGS[:6], ids=_config_id)
def test_batches_of_changing_sizes_give_the_results_of_a_fresh_network(config):
    net = _build(config)
    _move_off_start(net)
    loss = LOSSES["squared_error"]()
    for n_samples in (5, 2, 5, 1, 6):
        X, Y, sw = _data(net, n_samples=n_samples, seed=n_samples)
        # A copy keeps the parameters and statistics but none of the work arrays.
        fresh = copy.deepcopy(net)
        value = objective(net, loss, X, Y, sw, 0.1, rng=np.random.RandomState(n_samples))
        expected = objective(fresh, loss, X, Y, sw, 0.1, rng=np.random.RandomState(n_samples))
        assert value == pytest.approx(expected, rel=1e-12)
        np.testing.assert_allclose(net.grads, fresh.grads, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(net.buffers, fresh.buffers, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(net.predict(X), fresh.predict(X), rtol=1e-12, atol=1e-14)


# --- float32 -----------------------------------------------------------------------


@pytest.mark.parametrize("config", CONFIGS[:6], ids=_config_id)
def test_float32_network_stays_float32_and_agrees_with_float64(config):
    nets = {dtype: _build(config, dtype) for dtype in (np.float64, np.float32)}
    n64, n32 = nets[np.float64], nets[np.float32]
    # The float32 network starts from the same draws, rounded.
    np.testing.assert_array_equal(n32.params, n64.params.astype(np.float32))
    X, Y, sw = _data(n64, n_samples=4)
    loss = LOSSES["squared_error"]()
    results = {}
    for dtype, net in nets.items():
        X_, Y_, sw_ = X.astype(dtype), Y.astype(dtype), sw.astype(dtype)
        value = objective(net, loss, X_, Y_, sw_, 0.1, l1=0.01, rng=np.random.RandomState(0))
        grads = net.grads.copy()
        raw = net.forward(X_, training=True, rng=np.random.RandomState(0))
        dX = net.backward(loss.gradient(Y_, raw, sw_), input_gradient=True).copy()
        outputs = net.layer_outputs(X_)
        predicted = net.predict(X_)
        for array in (net.params, net.grads, net.buffers, grads, raw, dX, predicted, *outputs):
            assert array.dtype == dtype
        results[dtype] = [np.array([value]), grads, dX, predicted, net.buffers.copy(), *outputs]
    for r32, r64 in zip(results[np.float32], results[np.float64]):
        scale = float(np.abs(r64).max(initial=1.0))
        np.testing.assert_allclose(r32, r64, rtol=1e-3, atol=1e-4 * scale)


# --- determinism -------------------------------------------------------------------


def _train(seed, data_seed=0):
    net = Network([Conv2D(3, (2, 3), padding="same", activation="relu", batch_norm=True,
                          dropout=0.2), MaxPool2D(2, 1), Conv2D(2, 2, strides=2), Flatten(),
                   Dense(4, "tanh", dropout=0.1), Dense(2, "identity")], (4, 5, 2))
    net.initialize(np.random.RandomState(seed))
    rng = np.random.default_rng(data_seed)
    X, Y = rng.normal(size=(10, 4 * 5 * 2)), rng.normal(size=(10, 2))
    state = TrainingState(optimizer=Adam(net.n_params, learning_rate=0.01),
                          schedule=LearningRateSchedule("constant", 0.01))
    trainer = StochasticTrainer(net, LOSSES["squared_error"](), batch_size=4, max_iter=3,
                                tol=0.0, n_iter_no_change=100, alpha=1e-3, l1=1e-4)
    trainer.run(X, Y, None, state, np.random.RandomState(seed))
    return net, state


def test_same_seed_and_data_give_bit_identical_training():
    a, state_a = _train(seed=0)
    b, state_b = _train(seed=0)
    np.testing.assert_array_equal(a.params, b.params)
    np.testing.assert_array_equal(a.buffers, b.buffers)
    assert state_a.loss_curve == state_b.loss_curve and len(state_a.loss_curve) == 3
    # The seed matters: another one draws other weights, batches and masks.
    c, _ = _train(seed=1)
    assert not np.array_equal(a.params, c.params)


# --- pickling and copies -----------------------------------------------------------


def _trained_network():
    net = Network([Conv2D(3, (2, 3), padding="same", activation="tanh", batch_norm=True,
                          dropout=0.3), MaxPool2D(2), Conv2D(2, 1, activation="tanh"),
                   AvgPool2D((1, 2)), Flatten(), Dense(3, "tanh", batch_norm=True),
                   Dense(2, "identity")], (4, 5, 1), "softmax")
    net.initialize(np.random.RandomState(7))
    initial_buffers = net.buffers.copy()
    rng = np.random.default_rng(8)
    X, Y = rng.normal(size=(6, 4, 5, 1)), np.eye(2)[rng.integers(0, 2, 6)]
    optimizer = Adam(net.n_params, learning_rate=0.05)
    for step in range(3):
        objective(net, LOSSES["log_loss"](), X, Y, rng=np.random.RandomState(step))
        optimizer.step(net.params, net.grads)
    return net, X, Y, initial_buffers


@pytest.mark.parametrize(
    "clone", [lambda n: pickle.loads(pickle.dumps(n)), copy.deepcopy], ids=["pickle", "deepcopy"])
def test_clone_keeps_predictions_views_and_batch_statistics(clone):
    net, X, Y, initial_buffers = _trained_network()
    assert not np.array_equal(net.buffers, initial_buffers)  # statistics were gathered
    twin = clone(net)
    np.testing.assert_array_equal(twin.params, net.params)
    np.testing.assert_array_equal(twin.buffers, net.buffers)
    assert not np.shares_memory(twin.params, net.params)
    np.testing.assert_array_equal(twin.predict(X), net.predict(X))
    for a, b in zip(twin.layer_outputs(X), net.layer_outputs(X)):
        np.testing.assert_array_equal(a, b)
    assert [layer.get_config() for layer in twin.layers] == [
        layer.get_config() for layer in net.layers]
    assert [layer.output_shape for layer in twin.layers] == [
        layer.output_shape for layer in net.layers]
    for layer in twin.layers:
        for name in ("W", "b"):
            if hasattr(layer, name):
                assert np.shares_memory(getattr(layer, name), twin.params)
                assert np.shares_memory(getattr(layer, "d" + name), twin.grads)
        if getattr(layer, "norm", None) is not None:
            assert np.shares_memory(layer.norm.gamma, twin.params)
            assert np.shares_memory(layer.norm.running_mean, twin.buffers)
            assert np.shares_memory(layer.norm.running_var, twin.buffers)
    # Filters of the copy read the copy's kernel.
    twin.layers[0].W[...] *= 2.0
    np.testing.assert_array_equal(twin.layers[0].neurons[1].weights,
                                  2.0 * net.layers[0].neurons[1].weights)
    twin.layers[0].W[...] /= 2.0
    # And it trains on as the original does.
    loss = LOSSES["log_loss"]()
    value = objective(twin, loss, X, Y, rng=np.random.RandomState(9))
    assert value == objective(net, loss, X, Y, rng=np.random.RandomState(9))
    np.testing.assert_array_equal(twin.grads, net.grads)
    np.testing.assert_array_equal(twin.buffers, net.buffers)


def test_clone_taken_between_forward_and_backward_is_usable():
    net, X, Y, _ = _trained_network()
    net.forward(X, training=True, rng=np.random.RandomState(0))
    twin = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(twin.predict(X), net.predict(X))
    loss = LOSSES["log_loss"]()
    assert objective(twin, loss, X, Y, rng=np.random.RandomState(1)) == objective(
        net, loss, X, Y, rng=np.random.RandomState(1))


# --- errors ------------------------------------------------------------------------


@pytest.mark.parametrize("layers, input_shape, message", [
    (lambda: [Conv2D(2, 3)], (5, 5, 1),
     r"the last layer gives samples of shape \(3, 3, 2\); a network's output is one vector"),
    (lambda: [Conv1D(2, 2), MaxPool1D(2)], (6, 1), r"End with a Dense layer, or put Flatten"),
    (lambda: [Conv1D(2, 6), Flatten(), Dense(1)], (5, 1),
     r"layer 1 \(Conv1D\): Conv1D's kernel_size \(6,\) is larger than the \(5,\) positions"),
    (lambda: [Conv2D(2, 2), MaxPool2D(2), Conv2D(2, 3), Flatten(), Dense(1)], (5, 5, 1),
     r"layer 3 \(Conv2D\): .*kernel_size \(3, 3\) is larger than the \(2, 2\) positions"),
    (lambda: [Conv1D(2, 2), MaxPool1D(4), Flatten(), Dense(1)], (4, 1),
     r"layer 2 \(MaxPool1D\): .*pool_size \(4,\) is larger than the \(3,\) positions"),
    (lambda: [Conv2D(2, 2), Flatten(), Dense(1)], (5, 1),
     r"layer 1 \(Conv2D\): Conv2D reads samples of shape \(height, width, channels\), but it "
     r"receives samples of shape \(5, 1\)"),
    (lambda: [Conv1D(2, 2), Flatten(), Conv1D(2, 2), Dense(1)], (5, 1),
     r"layer 3 \(Conv1D\): .*receives flat features"),
    (lambda: [Dense(4), Conv2D(2, 2), Dense(1)], (5, 5, 1),
     r"layer 2 \(Conv2D\): .*receives flat features"),
    (lambda: [GlobalAvgPool(), MaxPool2D(2), Dense(1)], (4, 4, 1),
     r"layer 2 \(MaxPool2D\): .*receives flat features"),
    (lambda: [Conv1D(2, 2), Dense(1)], 10, r"layer 1 \(Conv1D\): .*receives flat features"),
    (lambda: [GlobalAvgPool(), Dense(1)], 4,
     r"layer 1 \(GlobalAvgPool\): GlobalAvgPool averages over positions, but it receives "
     r"flat samples"),
    (lambda: [Conv1D(2, 2), Flatten(), GlobalAvgPool(), Dense(1)], (4, 1),
     r"layer 3 \(GlobalAvgPool\): .*flat samples"),
    (lambda: [], (4, 1), r"a network needs at least one layer"),
    (lambda: [Flatten(), Dense(1)], (4, 0), r"input_shape must be a positive int"),
])
def test_shapes_that_do_not_fit_are_refused_naming_the_layer(layers, input_shape, message):
    with pytest.raises(ValueError, match=message):
        Network(layers(), input_shape)


def test_a_float32_network_computes_in_float32_whatever_the_dtype_of_x():
    net = Network([MaxPool1D(2), Flatten(), Dense(2, "identity")], (6, 3), dtype=np.float32)
    net.initialize(np.random.RandomState(0))
    X = np.random.default_rng(0).normal(size=(4, 18))  # float64
    assert all(out.dtype == np.float32 for out in net.layer_outputs(X))
    assert net.forward(X, training=True).dtype == np.float32
