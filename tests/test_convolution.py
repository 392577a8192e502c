"""Tests for sk_ann.core.layers.convolution: Conv1D and Conv2D on their own.

Forward passes are compared with a convolution written here as plain loops over
samples, output positions and filters (and with ``scipy.signal.correlate``),
with the zero padding computed here from TensorFlow's 'SAME' rule; backward
passes with central finite differences. Every layer is bound to parameter
arrays the test owns (no ``Network``), so a failure points at the layer.
"""

import math

import numpy as np
import pytest
import scipy.signal
from gradcheck import numeric_gradient

from sk_ann.core.activations import ACTIVATIONS
from sk_ann.core.layers import LAYERS, Conv1D, Conv2D, Filter
from sk_ann.core.layers import convolution as convolution_module

# Activations smooth enough for finite differences anywhere (no kink at 0).
SMOOTH = ["tanh", "logistic", "identity", "softplus", "gelu", "silu"]


# --- references written independently of the layer ---------------------------------


def _same_padding(length, size, stride):
    """TensorFlow's 'SAME': ceil(length / stride) outputs, the odd padding after."""
    n_out = -(-length // stride)
    total = max((n_out - 1) * stride + size - length, 0)
    return total // 2, total - total // 2


def _naive_conv(X, W, b, strides, padding):
    """Pre-activations of a channels-last convolution, one window at a time."""
    d = X.ndim - 2
    kernel = W.shape[:d]
    if padding == "same":
        pads = [_same_padding(n, k, s) for n, k, s in zip(X.shape[1:-1], kernel, strides)]
        X = np.pad(X, [(0, 0), *pads, (0, 0)])
    out_shape = [(n - k) // s + 1 for n, k, s in zip(X.shape[1:-1], kernel, strides)]
    Z = np.empty((X.shape[0], *out_shape, W.shape[-1]))
    for i in range(X.shape[0]):
        for position in np.ndindex(*out_shape):
            window = X[(i, *(slice(p * s, p * s + k)
                             for p, s, k in zip(position, strides, kernel)))]
            for j in range(W.shape[-1]):
                Z[(i, *position, j)] = np.sum(window * W[..., j]) + b[j]
    return Z


def _expected_positions(lengths, kernel, strides, padding):
    if padding == "same":
        return tuple(math.ceil(n / s) for n, s in zip(lengths, strides))
    return tuple((n - k) // s + 1 for n, k, s in zip(lengths, kernel, strides))


# --- binding a layer to arrays the test owns ---------------------------------------


def _bind(layer, input_shape, seed=0, dtype=np.float64):
    """Build ``layer`` and bind it to random parameters; return (params, grads, buffers).

    The gradient arrays start as NaN, so that a gradient the layer forgets to
    write shows up.
    """
    layer.build(input_shape, dtype)
    rng = np.random.default_rng(seed)
    params = {p.name: rng.normal(scale=0.5, size=p.shape) for p in layer.parameters()}
    if "gamma" in params:
        # Off the starting values (1 and 0), so that their gradients are general.
        params["gamma"] = 1.0 + 0.3 * params["gamma"]
    params = {name: value.astype(dtype) for name, value in params.items()}
    grads = {p.name: np.full(p.shape, np.nan, dtype) for p in layer.parameters()}
    buffers = {b.name: np.zeros(b.shape, dtype) for b in layer.buffers()}
    if "running_var" in buffers:
        buffers["running_var"][...] = 1.0
    layer.bind(params, grads, buffers)
    return params, grads, buffers


def _conv(d, *args, **kwargs):
    return (Conv1D if d == 1 else Conv2D)(*args, **kwargs)


def _configs(n, seed):
    """``n`` random convolutions with inputs that suit them, drawn from a fixed seed."""
    rng = np.random.default_rng(seed)
    configs = []
    for i in range(n):
        d = 1 + i % 2
        padding = ["valid", "same"][int(rng.integers(2))]
        kernel = tuple(int(k) for k in rng.integers(1, 5, d))
        strides = tuple(int(s) for s in rng.integers(1, 4, d))
        # Some sizes given as one int: Conv1D's usual form, a square for Conv2D.
        int_kernel, int_strides = i % 4 == 0 or i % 8 == 3, i % 4 == 2 or i % 8 == 7
        if int_kernel:
            kernel = (kernel[0],) * d
        if int_strides:
            strides = (strides[0],) * d
        if padding == "valid":
            lengths = tuple(k + int(rng.integers(0, 4)) for k in kernel)
        else:  # the kernel may be larger than the input: 'same' pads up to it
            lengths = tuple(int(rng.integers(1, 7)) for _ in kernel)
        configs.append(dict(
            d=d, padding=padding, lengths=lengths, channels=int(rng.integers(1, 4)),
            filters=int(rng.integers(1, 4)), n_samples=int(rng.integers(1, 4)),
            kernel=kernel[0] if int_kernel else kernel,
            strides=strides[0] if int_strides else strides,
            activation=SMOOTH[int(rng.integers(len(SMOOTH)))],
            batch_norm=bool(rng.random() < 0.3),
            dropout=0.3 if rng.random() < 0.3 else 0.0,
        ))
    # Cases the random draw may miss: non-square kernels and strides, odd and even
    # total 'same' padding, strides larger than the kernel.
    base = dict(d=2, channels=2, filters=2, n_samples=2, activation="tanh", batch_norm=False,
                dropout=0.0)
    configs += [
        {**base, "padding": "same", "lengths": (5, 6), "kernel": (2, 3), "strides": (1, 2)},
        {**base, "padding": "same", "lengths": (4, 7), "kernel": (4, 1), "strides": (3, 2)},
        {**base, "padding": "valid", "lengths": (6, 5), "kernel": (3, 2), "strides": (2, 3)},
        {**base, "padding": "valid", "lengths": (7, 4), "kernel": (1, 2), "strides": (4, 1)},
        {**base, "d": 1, "padding": "same", "lengths": (8,), "kernel": 4, "strides": 3},
    ]
    return configs


CONFIGS = _configs(20, seed=20240611)


def _config_id(c):
    return (f"{c['d']}d-{c['padding']}-L{c['lengths']}-k{c['kernel']}-s{c['strides']}"
            f"-c{c['channels']}-f{c['filters']}{'-bn' if c['batch_norm'] else ''}"
            f"{'-drop' if c['dropout'] else ''}")


def _layer_for(c, **overrides):
    options = dict(strides=c["strides"], padding=c["padding"], activation=c["activation"],
                   dropout=c["dropout"], batch_norm=c["batch_norm"])
    options.update(overrides)
    return _conv(c["d"], c["filters"], c["kernel"], **options)


def _inputs(c, seed=1):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(c["n_samples"], *c["lengths"], c["channels"]))


def _kernel_tuple(c, name="kernel"):
    value = c[name]
    return (value,) * c["d"] if isinstance(value, int) else value


# --- shapes and declarations -------------------------------------------------------


@pytest.mark.parametrize("length, size, stride, padding, expected", [
    (7, 3, 1, "valid", 5),
    (7, 3, 2, "valid", 3),
    (8, 3, 3, "valid", 2),
    (5, 5, 1, "valid", 1),
    (7, 1, 3, "valid", 3),
    (7, 3, 1, "same", 7),
    (7, 3, 2, "same", 4),
    (8, 4, 3, "same", 3),
    (2, 4, 1, "same", 2),
    (1, 3, 2, "same", 1),
])
def test_output_length_of_one_axis(length, size, stride, padding, expected):
    assert Conv1D(2, size, stride, padding).build((length, 3)) == (expected, 2)


def test_output_shape_of_non_square_kernels_and_strides():
    assert Conv2D(4, (2, 3), (1, 2)).build((5, 7, 3)) == (4, 3, 4)
    assert Conv2D(4, (2, 3), (3, 2), "same").build((5, 7, 3)) == (2, 4, 4)


@pytest.mark.parametrize("batch_norm", [False, True])
def test_parameters_are_kernels_biases_and_normalisation(batch_norm):
    layer = Conv2D(5, (2, 3), activation="tanh", batch_norm=batch_norm)
    layer.build((6, 7, 4))
    declared = {p.name: p for p in layer.parameters()}
    W = declared["W"]
    assert (W.shape, W.role, W.fan_in, W.fan_out) == ((2, 3, 4, 5), "weight", 24, 30)
    assert (declared["b"].shape, declared["b"].role) == ((5,), "bias")
    if batch_norm:
        assert [(declared[k].shape, declared[k].role) for k in ("gamma", "beta")] == [
            ((5,), "other"), ((5,), "other")]
        assert [(b.name, b.shape) for b in layer.buffers()] == [
            ("running_mean", (5,)), ("running_var", (5,))]
        assert layer.n_params == 2 * 3 * 4 * 5 + 3 * 5
    else:
        assert set(declared) == {"W", "b"}
        assert layer.buffers() == []
        assert layer.n_params == 2 * 3 * 4 * 5 + 5
    assert layer.filters == 5 and layer.in_channels == 4


# --- forward against the references ------------------------------------------------


@pytest.mark.parametrize("c", CONFIGS, ids=_config_id)
def test_forward_matches_a_loop_over_windows(c):
    layer = _layer_for(c, dropout=0.0, batch_norm=False)
    params, _, _ = _bind(layer, (*c["lengths"], c["channels"]))
    X = _inputs(c)
    strides = _kernel_tuple(c, "strides")
    expected = ACTIVATIONS[c["activation"]]().forward(
        _naive_conv(X, params["W"], params["b"], strides, c["padding"]))
    positions = _expected_positions(c["lengths"], _kernel_tuple(c), strides, c["padding"])
    assert layer.output_shape == (*positions, c["filters"])
    assert expected.shape == (c["n_samples"], *layer.output_shape)
    for training in (False, True):
        out = layer.forward(X.copy(), training=training)
        assert out.shape == expected.shape
        np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv2d_matches_scipy_correlate_summed_over_channels(stride, padding):
    layer = Conv2D(3, (3, 2), strides=stride, padding=padding, activation="identity")
    params, _, _ = _bind(layer, (7, 6, 2), seed=4)
    X = np.random.default_rng(5).normal(size=(2, 7, 6, 2))
    W, b = params["W"], params["b"]
    if padding == "same":
        # Worked out by hand: ceil(7/s), ceil(6/s) outputs and TF's split of the rest.
        pads = {1: [(1, 1), (0, 1)], 2: [(1, 1), (0, 0)], 3: [(1, 1), (0, 0)]}[stride]
        X_padded = np.pad(X, [(0, 0), *pads, (0, 0)])
    else:
        X_padded = X
    expected = np.stack([
        np.stack([sum(scipy.signal.correlate(X_padded[i, :, :, c], W[:, :, c, j], "valid")
                      for c in range(2)) + b[j]
                  for j in range(3)], axis=-1)[::stride, ::stride]
        for i in range(2)])
    out = layer.forward(X)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("length, size, stride, before", [
    (5, 4, 1, 1),  # total 3: one before, two after
    (6, 3, 2, 0),  # total 1: none before, one after
    (7, 3, 2, 1),  # total 2: one on each side
    (4, 2, 1, 0),  # total 1
    (5, 5, 1, 2),  # total 4
    (6, 2, 3, 0),  # total 0: the windows fit without padding
])
def test_same_padding_puts_the_smaller_half_before(length, size, stride, before):
    # A filter that copies the input at the first offset of its window shows
    # where each window starts: output i reads input i * stride - before.
    layer = Conv1D(1, size, stride, "same", activation="identity")
    params, _, _ = _bind(layer, (length, 1))
    params["W"][...] = 0.0
    params["W"][0, 0, 0] = 1.0
    params["b"][...] = 0.0
    X = np.arange(1.0, length + 1).reshape(1, length, 1)
    starts = np.arange(math.ceil(length / stride)) * stride - before
    expected = np.where(starts >= 0, starts + 1.0, 0.0)
    for training in (False, True):
        np.testing.assert_array_equal(layer.forward(X, training=training)[0, :, 0], expected)


@pytest.mark.parametrize("c", CONFIGS[:6], ids=_config_id)
def test_predicting_in_chunks_of_samples_gives_the_same_output(c, monkeypatch):
    layer = _layer_for(c, dropout=0.0)
    _bind(layer, (*c["lengths"], c["channels"]))
    X = np.random.default_rng(2).normal(size=(5, *c["lengths"], c["channels"]))
    monkeypatch.setattr(convolution_module, "_MAX_WINDOW_NUMBERS", 1 << 40)
    whole = layer.forward(X)
    per_sample = (math.prod(layer.output_shape[:-1]) * math.prod(layer.kernel_size)
                  * layer.in_channels)
    # Chunks of one sample, then of two (the last chunk, of one, reuses part of
    # the buffers the others filled: its padding must still be zero).
    for samples in (1, 2):
        monkeypatch.setattr(convolution_module, "_MAX_WINDOW_NUMBERS", samples * per_sample)
        np.testing.assert_allclose(layer.forward(X), whole, rtol=1e-13, atol=1e-15)


def test_batch_norm_normalises_each_filter_over_samples_and_positions():
    layer = Conv2D(3, 2, activation="identity", batch_norm=True)
    params, _, buffers = _bind(layer, (5, 4, 2))
    params["gamma"][...] = 1.0
    params["beta"][...] = 0.0
    X = np.random.default_rng(3).normal(loc=2.0, size=(4, 5, 4, 2))
    Z = _naive_conv(X, params["W"], params["b"], (1, 1), "valid").reshape(-1, 3)
    expected = (Z - Z.mean(axis=0)) / np.sqrt(Z.var(axis=0) + 1e-5)
    out = layer.forward(X, training=True)
    np.testing.assert_allclose(out.reshape(-1, 3), expected, rtol=1e-10, atol=1e-12)
    # Running statistics: momentum 0.1 from (0, 1), the variance unbiased over
    # every sample and position of the batch.
    mean, var = 0.1 * Z.mean(axis=0), 0.9 + 0.1 * Z.var(axis=0, ddof=1)
    np.testing.assert_allclose(buffers["running_mean"], mean, rtol=1e-12)
    np.testing.assert_allclose(buffers["running_var"], var, rtol=1e-12)
    # Predicting normalises with them.
    params["gamma"][...] = [0.5, 1.0, 2.0]
    params["beta"][...] = [0.0, -1.0, 1.0]
    expected = params["gamma"] * (Z - mean) / np.sqrt(var + 1e-5) + params["beta"]
    np.testing.assert_allclose(layer.forward(X).reshape(-1, 3), expected, rtol=1e-10,
                               atol=1e-12)


def test_dropout_zeroes_outputs_at_its_rate_and_only_while_training():
    layer = Conv1D(4, 3, padding="same", activation="identity", dropout=0.25)
    _bind(layer, (50, 2))
    X = np.random.default_rng(4).normal(size=(20, 50, 2))
    plain = layer.forward(X)
    dropped = layer.forward(X, training=True, rng=np.random.RandomState(0))
    zeroed = dropped == 0
    assert 0.2 < zeroed.mean() < 0.3
    np.testing.assert_allclose(dropped[~zeroed], plain[~zeroed] / 0.75, rtol=1e-12)
    with pytest.raises(ValueError, match="rng"):
        layer.forward(X, training=True)


# --- backward against finite differences -------------------------------------------


def _check_layer_gradients(layer, params, grads, X, rtol=1e-6, atol=1e-8):
    """∂(Σ G ⊙ A)/∂X and ∂/∂each parameter, from backward and from finite differences."""
    G = np.random.default_rng(9).normal(size=(X.shape[0], *layer.output_shape))

    def f(_):
        # A fresh rng with the same seed draws the same dropout mask every call.
        return np.sum(G * layer.forward(X, training=True, rng=np.random.RandomState(3)))

    f(None)
    dX = layer.backward(G.copy()).copy()
    analytic = {name: g.copy() for name, g in grads.items()}
    assert dX.shape == X.shape
    np.testing.assert_allclose(dX, numeric_gradient(f, X), rtol=rtol, atol=atol)
    for name, value in params.items():
        np.testing.assert_allclose(analytic[name], numeric_gradient(f, value), rtol=rtol,
                                   atol=atol, err_msg=name)


@pytest.mark.parametrize("c", CONFIGS, ids=_config_id)
def test_backward_matches_finite_differences(c):
    layer = _layer_for(c)
    params, grads, _ = _bind(layer, (*c["lengths"], c["channels"]), seed=7)
    _check_layer_gradients(layer, params, grads, _inputs(c, seed=8))


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("d", [1, 2])
def test_backward_through_every_activation(activation, d):
    # 'same' padding, a stride and a non-square kernel, so each activation's
    # backward meets every path of the affine map's.
    layer = _conv(d, 2, (3, 2)[:d], strides=(2, 1)[:d], padding="same", activation=activation)
    shape = (5, 4, 2)[-(d + 1):]
    params, grads, _ = _bind(layer, shape, seed=10)
    X = np.random.default_rng(11).normal(size=(2, *shape))
    _check_layer_gradients(layer, params, grads, X)


def test_need_dx_false_returns_none_and_still_fills_the_gradients():
    layer = Conv2D(2, 2, padding="same", activation="tanh")
    _, grads, _ = _bind(layer, (4, 3, 2))
    X = np.random.default_rng(12).normal(size=(3, 4, 3, 2))
    G = np.random.default_rng(13).normal(size=(3, *layer.output_shape))
    layer.forward(X, training=True)
    layer.backward(G.copy())
    expected = {name: g.copy() for name, g in grads.items()}
    for g in grads.values():
        g[...] = np.nan
    layer.forward(X, training=True)
    assert layer.backward(G.copy(), need_dX=False) is None
    for name, g in grads.items():
        np.testing.assert_array_equal(g, expected[name])


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_backward_can_be_repeated_for_one_forward(padding):
    # Two gradients from one forward pass (an adversarial network's discriminator
    # backs up the generator's loss and its own): the second must not see what
    # the first left behind.
    layer = Conv2D(3, (2, 3), strides=(1, 2), padding=padding, activation="tanh")
    _, grads, _ = _bind(layer, (4, 5, 2))
    X = np.random.default_rng(22).normal(size=(3, 4, 5, 2))
    G1, G2 = np.random.default_rng(23).normal(size=(2, 3, *layer.output_shape))
    layer.forward(X, training=True)
    layer.backward(G1.copy())
    dX = layer.backward(G2.copy()).copy()
    twice = {name: g.copy() for name, g in grads.items()}
    layer.forward(X, training=True)
    np.testing.assert_array_equal(layer.backward(G2.copy()), dX)
    for name, g in grads.items():
        np.testing.assert_array_equal(twice[name], g, err_msg=name)


def test_backward_before_a_training_forward_raises():
    layer = Conv1D(2, 2)
    _bind(layer, (4, 1))
    layer.forward(np.ones((2, 4, 1)))  # predicting keeps nothing for backward
    with pytest.raises(RuntimeError, match="training=True"):
        layer.backward(np.ones((2, 3, 2)))


# --- work arrays reused from batch to batch ----------------------------------------


@pytest.mark.parametrize("batch_norm, dropout", [(False, 0.0), (True, 0.3)])
@pytest.mark.parametrize("d", [1, 2])
def test_work_arrays_reused_across_batch_sizes_give_the_results_of_a_fresh_layer(
        d, batch_norm, dropout):
    # 'same' padding: the zero border of the reused padded input must stay zero
    # while its interior is overwritten by batches of changing sizes.
    shape = (5, 4, 2)[-(d + 1):]

    def make():
        layer = _conv(d, 3, (3, 2)[:d], padding="same", activation="tanh",
                      batch_norm=batch_norm, dropout=dropout)
        params, grads, _ = _bind(layer, shape, seed=14)
        return layer, grads

    layer, grads = make()
    rng = np.random.default_rng(15)
    for n_samples in (4, 2, 4, 1, 6, 3):
        # Large values, so that any of them left behind in the border would show.
        X = 100.0 * rng.normal(size=(n_samples, *shape))
        G = rng.normal(size=(n_samples, *layer.output_shape))
        fresh, fresh_grads = make()
        A = layer.forward(X, training=True, rng=np.random.RandomState(n_samples)).copy()
        expected_A = fresh.forward(X, training=True, rng=np.random.RandomState(n_samples))
        np.testing.assert_allclose(A, expected_A, rtol=1e-12, atol=1e-14)
        dX = layer.backward(G.copy())
        np.testing.assert_allclose(dX, fresh.backward(G.copy()), rtol=1e-12, atol=1e-14)
        for name in grads:
            np.testing.assert_allclose(grads[name], fresh_grads[name], rtol=1e-12, atol=1e-14)


# --- float32 -----------------------------------------------------------------------


@pytest.mark.parametrize("c", CONFIGS[:8], ids=_config_id)
def test_float32_layer_stays_float32_and_agrees_with_float64(c):
    layers, results = {}, {}
    X64 = _inputs(c, seed=16)
    G64 = None
    for dtype in (np.float64, np.float32):
        layer = layers[dtype] = _layer_for(c)
        params, grads, buffers = _bind(layer, (*c["lengths"], c["channels"]), seed=17,
                                       dtype=dtype)
        X = X64.astype(dtype)
        if G64 is None:
            G64 = np.random.default_rng(18).normal(size=(c["n_samples"], *layer.output_shape))
        predicted = layer.forward(X)
        A = layer.forward(X, training=True, rng=np.random.RandomState(0))
        dX = layer.backward(G64.astype(dtype))
        for array in (predicted, A, dX, *params.values(), *grads.values(), *buffers.values()):
            assert array.dtype == dtype
        results[dtype] = [predicted, A.copy(), dX.copy(), *(g.copy() for g in grads.values())]
    for r32, r64 in zip(results[np.float32], results[np.float64]):
        scale = max(np.abs(r64).max(), 1.0)
        np.testing.assert_allclose(r32, r64, rtol=2e-4, atol=2e-5 * scale)


# --- filters as neurons ------------------------------------------------------------


@pytest.mark.parametrize("d", [1, 2])
def test_filters_are_views_of_the_kernel(d):
    kernel = (3, 2)[:d]
    layer = _conv(d, 4, kernel, activation="elu")
    params, _, _ = _bind(layer, (6, 5, 3)[-(d + 1):])
    neurons = layer.neurons
    assert len(neurons) == 4 == len(list(neurons))
    for j, neuron in enumerate(neurons):
        assert isinstance(neuron, Filter) and neuron.index == j
        assert neuron.weights.shape == (*kernel, 3)
        np.testing.assert_array_equal(neuron.weights, params["W"][..., j])
        assert np.shares_memory(neuron.weights, params["W"])
        assert type(neuron.bias) is float and neuron.bias == params["b"][j]
        assert neuron.activation == "elu"
    assert layer.neurons[-1].index == 3 and layer.neurons[-4].index == 0
    assert [n.index for n in layer.neurons[1:3]] == [1, 2]
    for index in (4, -5):
        with pytest.raises(IndexError):
            layer.neurons[index]


def test_filter_weights_are_read_only_and_follow_the_kernel():
    layer = Conv2D(2, 2)
    params, _, _ = _bind(layer, (3, 3, 1))
    neuron = layer.neurons[1]
    with pytest.raises(ValueError):
        neuron.weights[0, 0, 0] = 123.0
    assert not np.any(params["W"] == 123.0)
    # The flag belongs to the view: the layer's kernel stays writable.
    layer.W[1, 0, 0, 1] = 5.0
    layer.b[1] = -0.25
    assert neuron.weights[1, 0, 0] == 5.0 and neuron.bias == -0.25
    assert params["W"].flags.writeable


@pytest.mark.parametrize("c", CONFIGS[:6], ids=_config_id)
def test_calling_a_filter_gives_its_feature_map(c):
    layer = _layer_for(c, dropout=0.0, batch_norm=False)
    params, _, _ = _bind(layer, (*c["lengths"], c["channels"]), seed=19)
    X = _inputs(c, seed=20)
    strides = _kernel_tuple(c, "strides")
    f = ACTIVATIONS[c["activation"]]()
    for j in range(c["filters"]):
        # The filter alone, through the reference: its own one-filter convolution.
        alone = f.forward(_naive_conv(X, params["W"][..., j:j + 1], params["b"][j:j + 1],
                                      strides, c["padding"]))[..., 0]
        out = layer.neurons[j](X)
        assert out.shape == (c["n_samples"], *layer.output_shape[:-1])
        np.testing.assert_allclose(out, alone, rtol=1e-12, atol=1e-12)
        # Flat rows of the same samples give the same maps.
        np.testing.assert_allclose(layer.neurons[j](X.reshape(X.shape[0], -1)), out,
                                   rtol=1e-15)


def test_calling_a_filter_of_a_normalised_layer_applies_the_running_statistics():
    layer = Conv1D(3, 2, activation="tanh", batch_norm=True)
    _, _, buffers = _bind(layer, (6, 2))
    buffers["running_mean"][...] = [0.5, -1.0, 2.0]
    buffers["running_var"][...] = [4.0, 0.25, 1.0]
    X = np.random.default_rng(21).normal(size=(3, 6, 2))
    expected = layer.forward(X)
    for j in range(3):
        np.testing.assert_allclose(layer.neurons[j](X), expected[..., j], rtol=1e-14)


def test_filter_repr_names_its_index_kernel_and_activation():
    layer = Conv2D(3, (2, 3), activation="tanh")
    _bind(layer, (4, 4, 5))
    text = repr(layer.neurons[2])
    assert "Filter(2" in text and "(2, 3)" in text and "5" in text and "'tanh'" in text


# --- configs, pickling of single layers --------------------------------------------


@pytest.mark.parametrize("c", CONFIGS[:4], ids=_config_id)
def test_config_rebuilds_an_equal_layer(c):
    layer = _layer_for(c)
    layer.build((*c["lengths"], c["channels"]))
    config = layer.get_config()
    twin = LAYERS[type(layer).__name__](**config)
    assert twin.get_config() == config
    assert twin.build((*c["lengths"], c["channels"])) == layer.output_shape
    assert [(p.name, p.shape) for p in twin.parameters()] == [
        (p.name, p.shape) for p in layer.parameters()]
    assert repr(twin) == repr(layer)


def test_repr_is_the_constructor_call_with_the_arguments_that_differ_from_defaults():
    layer = Conv2D(8, (3, 1), strides=2, padding="same", activation="tanh", dropout=0.5)
    assert repr(layer) == ("Conv2D(8, (3, 1), strides=(2, 2), padding='same', "
                           "activation='tanh', dropout=0.5)")
    # One position axis: sizes as a user writes them, ints.
    assert repr(Conv1D(4, 3)) == "Conv1D(4, 3)"
    assert repr(Conv1D(4, (3,), strides=2)) == "Conv1D(4, 3, strides=2)"


# --- errors ------------------------------------------------------------------------


@pytest.mark.parametrize("cls, shape, kernel, message", [
    (Conv1D, (4, 2), 5, r"kernel_size \(5,\) is larger than the \(4,\) positions"),
    (Conv2D, (6, 2, 1), 3, r"kernel_size \(3, 3\) is larger than the \(6, 2\) positions"),
    (Conv2D, (6, 6, 1), (2, 7), r"kernel_size \(2, 7\) is larger"),
])
def test_kernel_larger_than_its_input_is_refused(cls, shape, kernel, message):
    with pytest.raises(ValueError, match=message):
        cls(2, kernel).build(shape)
    # 'same' pads the input up to the kernel.
    cls(2, kernel, padding="same").build(shape)


@pytest.mark.parametrize("cls, shape, message", [
    (Conv2D, (8, 3), r"Conv2D reads samples of shape \(height, width, channels\), but it "
                     r"receives samples of shape \(8, 3\)"),
    (Conv1D, (8, 8, 3), r"Conv1D reads samples of shape \(length, channels\), but it "
                        r"receives samples of shape \(8, 8, 3\)"),
    (Conv1D, (12,), r"Conv1D reads .* but it receives flat features"),
    (Conv2D, (12,), r"Conv2D reads .* receives flat features .* Dense or Flatten"),
])
def test_input_of_the_wrong_number_of_axes_is_refused(cls, shape, message):
    with pytest.raises(ValueError, match=message):
        cls(2, 1).build(shape)


BAD_SIZES = [0, -1, 2.5, "3", None, True, (2, 0), (2, 2, 2), [], (2.0, 2)]


@pytest.mark.parametrize("value", BAD_SIZES, ids=repr)
@pytest.mark.parametrize("cls", [Conv1D, Conv2D])
def test_bad_kernel_size_is_refused(cls, value):
    pair = "an int or a pair of ints" if cls is Conv2D else "an int"
    with pytest.raises(ValueError, match=f"{cls.__name__} kernel_size must be {pair}"):
        cls(2, value)


@pytest.mark.parametrize("value", BAD_SIZES, ids=repr)
@pytest.mark.parametrize("cls", [Conv1D, Conv2D])
def test_bad_strides_are_refused(cls, value):
    with pytest.raises(ValueError, match=f"{cls.__name__} strides must be"):
        cls(2, 1, strides=value)


def test_a_pair_is_refused_for_conv1d_and_accepted_for_conv2d():
    with pytest.raises(ValueError, match="Conv1D kernel_size must be an int"):
        Conv1D(2, (2, 2))
    assert Conv1D(2, (3,)).kernel_size == (3,)
    assert Conv2D(2, [2, 3], strides=np.int64(2)).kernel_size == (2, 3)
    assert Conv2D(2, 3, strides=(1, 2)).strides == (1, 2)


@pytest.mark.parametrize("padding", ["full", "SAME", "Valid", None, 1])
def test_bad_padding_is_refused(padding):
    with pytest.raises(ValueError, match="padding must be 'valid' or 'same'"):
        Conv2D(2, 3, padding=padding)


@pytest.mark.parametrize("filters", [0, -3, 2.5, "4", None, True])
def test_bad_filters_are_refused(filters):
    with pytest.raises(ValueError, match="Conv1D filters must be a positive int"):
        Conv1D(filters, 3)


def test_bad_activation_and_dropout_are_refused():
    with pytest.raises(ValueError, match="activation must be one of"):
        Conv2D(2, 3, activation="banana")
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\)"):
        Conv2D(2, 3, dropout=1.0)
