"""Tests for the recurrent layers of the core: SimpleRNN, LSTM, GRU and Bidirectional.

Forward passes are checked against a plain loop over the steps written from
the textbook equations; every gradient (each parameter and the input, each
cell alone, stacked, bidirectional, after a convolution, and the whole
objective with penalties and sample weights) against central finite
differences in float64, over random sequence lengths, batch sizes and unit
counts.
"""

import copy
import pickle

import numpy as np
import pytest
from gradcheck import numeric_gradient
from scipy.special import expit

from sk_ann.core.activations import ACTIVATIONS
from sk_ann.core.initializers import glorot_uniform, he_uniform
from sk_ann.core.layers import (GRU, LAYERS, LSTM, Bidirectional, Conv1D, Dense, Flatten,
                                GlobalAvgPool, RecurrentUnit, SimpleRNN)
from sk_ann.core.layers import recurrent
from sk_ann.core.losses import LOSSES
from sk_ann.core.network import Network
from sk_ann.core.training import objective

CELLS = [SimpleRNN, LSTM, GRU]


def _bound(layer, input_shape, seed=0, dtype=np.float64, scale=0.5):
    """``layer`` built and bound to random parameters in one flat vector, as a network does."""
    layer.build(input_shape, dtype)
    declared = layer.parameters()
    params = np.random.default_rng(seed).normal(
        scale=scale, size=sum(p.size for p in declared)).astype(dtype)
    grads = np.zeros_like(params)
    views, gviews, start = {}, {}, 0
    for p in declared:
        views[p.name] = params[start:start + p.size].reshape(p.shape)
        gviews[p.name] = grads[start:start + p.size].reshape(p.shape)
        start += p.size
    layer.bind(views, gviews, {})
    return params, grads


# --- reference forward passes, one sample step by step --------------------------------


def _reference(layer, X):
    """Every state ``(n, T, units)``, from the textbook equations, step by step."""
    n, T, _ = X.shape
    u = layer.units
    W, U, b = layer.W, layer.U, layer.b
    h = np.zeros((n, u))
    c = np.zeros((n, u))
    states = []
    for t in range(T):
        x = X[:, t]
        if isinstance(layer, SimpleRNN):
            h = ACTIVATIONS[layer.activation]().forward(x @ W + h @ U + b)
        elif isinstance(layer, LSTM):
            z = x @ W + h @ U + b
            i, f = expit(z[:, :u]), expit(z[:, u:2 * u])
            g, o = np.tanh(z[:, 2 * u:3 * u]), expit(z[:, 3 * u:])
            c = f * c + i * g
            h = o * np.tanh(c)
        else:
            p, q = x @ W + b, h @ U
            update = expit(p[:, :u] + q[:, :u])
            reset = expit(p[:, u:2 * u] + q[:, u:2 * u])
            cand = np.tanh(p[:, 2 * u:] + reset * q[:, 2 * u:])
            h = update * h + (1 - update) * cand
        states.append(h)
    return np.stack(states, axis=1)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("training", [False, True])
def test_forward_follows_the_equations_step_by_step(cell, return_sequences, training):
    layer = cell(4, return_sequences=return_sequences)
    _bound(layer, (7, 3), seed=1)
    X = np.random.default_rng(2).normal(size=(5, 7, 3))
    expected = _reference(layer, X)
    out = layer.forward(X, training=training)
    assert out.shape == ((5, 7, 4) if return_sequences else (5, 4))
    np.testing.assert_allclose(out, expected if return_sequences else expected[:, -1],
                               rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(layer.sequence(X), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_simple_rnn_forward_with_every_activation(activation):
    layer = SimpleRNN(3, activation, return_sequences=True)
    _bound(layer, (4, 2), seed=3)
    X = np.random.default_rng(4).normal(size=(3, 4, 2))
    np.testing.assert_allclose(layer.forward(X), _reference(layer, X), rtol=1e-12, atol=1e-14)


def test_bidirectional_is_the_layer_forwards_beside_a_twin_on_the_reversed_sequence():
    layer = Bidirectional(GRU(3, return_sequences=True))
    _bound(layer, (6, 2), seed=5)
    X = np.random.default_rng(6).normal(size=(4, 6, 2))
    out = layer.forward(X)
    assert out.shape == (4, 6, 6)
    ahead = _reference(layer.forward_layer, X)
    back = _reference(layer.backward_layer, X[:, ::-1])[:, ::-1]
    np.testing.assert_allclose(out, np.concatenate([ahead, back], axis=-1), rtol=1e-12)
    last = Bidirectional(LSTM(3))
    _bound(last, (6, 2), seed=5)
    expected = np.concatenate([_reference(last.forward_layer, X)[:, -1],
                               _reference(last.backward_layer, X[:, ::-1])[:, -1]], axis=1)
    np.testing.assert_allclose(last.forward(X), expected, rtol=1e-12)
    np.testing.assert_allclose(last.sequence(X)[:, -1, :3], expected[:, :3], rtol=1e-12)
    np.testing.assert_allclose(last.sequence(X)[:, 0, 3:], expected[:, 3:], rtol=1e-12)


# --- gradients of each layer alone ------------------------------------------------------


def _random_case(seed):
    rng = np.random.default_rng(seed)
    return dict(T=int(rng.integers(1, 7)), F=int(rng.integers(1, 4)),
                n=int(rng.integers(1, 5)), units=int(rng.integers(1, 5)))


def _check_layer_gradients(layer, T, F, n, seed):
    """dW, dU, db and dX of s = sum(forward(X) * G) against finite differences."""
    params, grads = _bound(layer, (T, F), seed=seed)
    rng = np.random.default_rng(seed + 100)
    X = rng.normal(size=(n, T, F))
    out = layer.forward(X, training=True)
    G = rng.normal(size=out.shape)  # plays ∂s/∂output
    dX = layer.backward(G.copy())
    assert dX.shape == X.shape

    numeric = numeric_gradient(lambda _: np.sum(layer.forward(X) * G), params)
    np.testing.assert_allclose(grads, numeric, rtol=1e-6, atol=1e-8)
    numeric_dX = numeric_gradient(lambda x: np.sum(layer.forward(x) * G), X.copy())
    np.testing.assert_allclose(dX, numeric_dX, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_cell_gradients_match_finite_differences(cell, return_sequences, seed):
    case = _random_case(seed)
    _check_layer_gradients(cell(case["units"], return_sequences=return_sequences),
                           case["T"], case["F"], case["n"], seed)


@pytest.mark.parametrize("activation", sorted(set(ACTIVATIONS) - {"relu", "leaky_relu"}))
def test_simple_rnn_gradients_with_every_smooth_activation(activation):
    _check_layer_gradients(SimpleRNN(3, activation, return_sequences=True), 4, 2, 3, seed=7)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_gradients_match_finite_differences(cell, return_sequences):
    case = _random_case(11)
    _check_layer_gradients(Bidirectional(cell(case["units"], return_sequences=return_sequences)),
                           case["T"], case["F"], case["n"], seed=11)


@pytest.mark.parametrize("cell", CELLS)
def test_gradients_over_a_long_sequence(cell):
    # Long enough that the gradient of the first steps passes through many products.
    _check_layer_gradients(cell(3), 30, 2, 2, seed=12)


@pytest.mark.parametrize("cell", [LSTM, GRU])
@pytest.mark.parametrize("steps_per_block", [1, 3, 7])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_gated_gradients_when_the_backward_works_in_blocks_of_steps(
        cell, steps_per_block, return_sequences, monkeypatch):
    # The factors a gated layer's backward computes ahead of its steps, a block
    # of steps at a time: blocks of one step, blocks that do not divide the
    # sequence, and one block for the whole sequence.
    n, units = 2, 3
    monkeypatch.setattr(recurrent, "_BACKWARD_BLOCK_NUMBERS",
                        steps_per_block * n * len(cell.gates) * units)
    layer = cell(units, return_sequences=return_sequences)
    _check_layer_gradients(layer, 6, 2, n, seed=13)
    assert len(layer._blocks_backwards(n)) == -(-6 // steps_per_block)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("steps_per_chunk", [1, 2])
def test_gradients_when_the_weight_gradients_are_summed_in_chunks_of_steps(
        cell, steps_per_chunk, monkeypatch):
    # Chunks of one step, and of two over five steps (the last chunk of one).
    F, units = 2, 3
    per_step = len(cell.gates or ("",)) * units * (F + 1 + units)
    monkeypatch.setattr(recurrent, "_GRADIENT_NUMBERS", steps_per_chunk * per_step)
    _check_layer_gradients(cell(units, return_sequences=True), 5, F, 2, seed=14)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_backward_twice_gives_the_same_gradients(cell, bidirectional, monkeypatch):
    # Blocks of 2 steps, so that the LSTM's backward works on several blocks.
    monkeypatch.setattr(recurrent, "_BACKWARD_BLOCK_NUMBERS", 2 * 5 * 4 * 4)
    first = cell(4, return_sequences=True)
    layers = [Bidirectional(first) if bidirectional else first, cell(3), Dense(1, "identity")]
    net = Network(layers, (6, 2)).initialize(np.random.RandomState(0))
    X = np.random.RandomState(1).normal(size=(5, 6, 2))
    d = np.random.RandomState(2).normal(size=net.forward(X, training=True).shape)
    dX = net.backward(d.copy(), input_gradient=True).copy()
    grads = net.grads.copy()
    np.testing.assert_array_equal(net.backward(d.copy()), grads)
    np.testing.assert_array_equal(net.backward(d.copy(), input_gradient=True), dX)


@pytest.mark.parametrize("cell", CELLS)
def test_need_dx_false_returns_none_and_fills_the_same_gradients(cell):
    layer = cell(3, return_sequences=True)
    _, grads = _bound(layer, (5, 2), seed=13)
    X = np.random.default_rng(14).normal(size=(4, 5, 2))
    G = np.random.default_rng(15).normal(size=(4, 5, 3))
    layer.forward(X, training=True)
    layer.backward(G.copy())
    expected = grads.copy()
    grads[:] = np.nan  # backward assigns, never accumulates
    layer.forward(X, training=True)
    assert layer.backward(G.copy(), need_dX=False) is None
    np.testing.assert_allclose(grads, expected, rtol=1e-13)


# --- networks and the objective -----------------------------------------------------------


def _targets(name, n, k, rng):
    if name == "log_loss":
        return np.eye(k)[rng.integers(0, k, n)]
    if name == "binary_log_loss":
        return rng.integers(0, 2, (n, k)).astype(float)
    if name == "poisson":
        return rng.poisson(1.5, (n, k)).astype(float)
    return rng.normal(size=(n, k))


NETWORKS = {
    "lstm": lambda u: [LSTM(u), Dense(3, "identity")],
    "gru-sequence-flatten": lambda u: [GRU(u, return_sequences=True), Flatten(),
                                       Dense(3, "identity")],
    "stacked": lambda u: [LSTM(u, return_sequences=True), GRU(u, return_sequences=True),
                          SimpleRNN(u), Dense(3, "identity")],
    "bidirectional-stacked": lambda u: [Bidirectional(GRU(u, return_sequences=True)),
                                        Bidirectional(LSTM(u)), Dense(3, "identity")],
    "conv1d-gru": lambda u: [Conv1D(2, 2, padding="same", activation="tanh"), GRU(u),
                             Dense(3, "identity")],
    "gru-conv1d-pool": lambda u: [GRU(u, return_sequences=True), Conv1D(2, 2, activation="tanh"),
                                  GlobalAvgPool(), Dense(3, "identity")],
    "lstm-dense-tanh": lambda u: [SimpleRNN(u, "tanh"), Dense(2, "tanh"), Dense(3, "identity")],
}


@pytest.mark.parametrize("kind", sorted(NETWORKS))
@pytest.mark.parametrize("loss_name, weighted", [("squared_error", False), ("log_loss", True)],
                         ids=["squared_error", "log_loss-weighted"])
def test_objective_gradient_through_recurrent_networks(kind, loss_name, weighted):
    """The whole objective (loss, L2 and L1 penalties, sample weights) and ∂J/∂X."""
    seed = sorted(NETWORKS).index(kind)
    case = _random_case(seed + 20)
    if kind.startswith("bidirectional"):
        case["units"] = min(case["units"], 2)  # four layers' worth of parameters
    T, F, n = max(case["T"], 3), case["F"], case["n"] + 1
    loss = LOSSES[loss_name]()
    net = Network(NETWORKS[kind](case["units"]), (T, F), loss.link)
    net.initialize(np.random.RandomState(seed))
    net.params[:] += np.random.default_rng(seed).normal(scale=0.3, size=net.n_params)
    rng = np.random.default_rng(seed + 40)
    X = rng.normal(size=(n, T * F))
    Y = _targets(loss_name, n, 3, rng)
    sw = rng.uniform(0.5, 2.0, n) if weighted else None

    def J(_):
        return objective(net, loss, X, Y, sw, alpha=0.3, l1=0.05)

    J(None)
    analytic = net.grads.copy()
    np.testing.assert_allclose(analytic, numeric_gradient(J, net.params), rtol=1e-6, atol=1e-8)

    raw = net.forward(X, training=True)
    _, d_raw = loss.loss_gradient(Y, raw, sw)
    dX = net.backward(d_raw, input_gradient=True)
    assert dX.shape == (n, T, F)

    def loss_of_X(x):
        return loss.loss(Y, net.forward(x.reshape(n, T * F)), sw)

    np.testing.assert_allclose(dX, numeric_gradient(loss_of_X, X.reshape(n, T, F).copy()),
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("cell", CELLS)
def test_objective_gradient_with_dropout_under_a_fixed_mask(cell):
    # Each evaluation draws the dropout mask from a fresh rng with the same seed.
    loss = LOSSES["squared_error"]()
    layer = Bidirectional(cell(3, return_sequences=True), dropout=0.4)
    net = Network([layer, cell(2, dropout=0.3), Dense(2, "identity")], (4, 2))
    net.initialize(np.random.RandomState(0))
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(5, 8)), rng.normal(size=(5, 2))

    def J(_):
        return objective(net, loss, X, Y, rng=np.random.RandomState(3))

    J(None)
    analytic = net.grads.copy()
    np.testing.assert_allclose(analytic, numeric_gradient(J, net.params), rtol=1e-6, atol=1e-8)
    # Dropout is on while training only.
    np.testing.assert_array_equal(net.forward(X), net.forward(X))
    assert not np.allclose(net.forward(X, training=True, rng=np.random.RandomState(3)),
                           net.forward(X))


def test_dropout_zeroes_outputs_and_scales_the_others():
    layer = LSTM(50, return_sequences=True, dropout=0.5)
    _bound(layer, (4, 2), seed=2)
    X = np.random.default_rng(3).normal(size=(20, 4, 2))
    plain = layer.forward(X)
    dropped = layer.forward(X, training=True, rng=np.random.RandomState(0))
    zeroed = dropped == 0
    assert 0.4 < zeroed.mean() < 0.6
    np.testing.assert_allclose(dropped[~zeroed], 2 * plain[~zeroed], rtol=1e-12)
    with pytest.raises(ValueError, match="needs an rng"):
        layer.forward(X, training=True)


# --- dtype, determinism, memory -----------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_float32_stays_float32_and_agrees_with_float64(cell, return_sequences):
    results = {}
    for dtype in (np.float32, np.float64):
        layer = Bidirectional(cell(4, return_sequences=return_sequences), dropout=0.2)
        params, grads = _bound(layer, (6, 3), seed=4, dtype=dtype)
        X = np.random.default_rng(5).normal(size=(5, 6, 3)).astype(dtype)
        out = layer.forward(X, training=True, rng=np.random.RandomState(0))
        G = np.random.default_rng(6).normal(size=out.shape).astype(dtype)
        dX = layer.backward(G)
        predicted = layer.forward(X)
        states = layer.sequence(X)
        for array in (out, dX, predicted, states, grads, params):
            assert array.dtype == dtype
        results[dtype] = (out, dX, grads.copy())
    for single, double in zip(results[np.float32], results[np.float64]):
        np.testing.assert_allclose(single, double, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("cell", CELLS)
def test_work_arrays_are_reused_across_batch_sizes(cell):
    layer = cell(3, return_sequences=True)
    _, grads = _bound(layer, (5, 2), seed=8)
    rng = np.random.default_rng(9)
    for n in (6, 2, 6, 4, 1, 6):
        X = rng.normal(size=(n, 5, 2))
        G = rng.normal(size=(n, 5, 3))
        fresh = cell(3, return_sequences=True)
        _, fresh_grads = _bound(fresh, (5, 2), seed=8)
        np.testing.assert_allclose(layer.forward(X, training=True),
                                   fresh.forward(X, training=True), rtol=1e-13)
        np.testing.assert_allclose(layer.backward(G.copy()), fresh.backward(G.copy()),
                                   rtol=1e-13)
        np.testing.assert_allclose(grads, fresh_grads, rtol=1e-13)
    assert len(layer._works) <= 2


@pytest.mark.parametrize("cell", CELLS)
def test_the_per_sample_budget_bounds_what_a_forward_pass_keeps(cell):
    # Many features and few units and steps, where each term of the bound counts.
    layer = cell(2, return_sequences=True)
    _bound(layer, (3, 20), seed=12)
    n = 7
    layer.forward(np.zeros((n, 3, 20)), training=True)
    per_layer = ("Wb", "U_steps")  # the weights' copies: the same for any number of samples
    kept = sum(a.size for name, a in layer._work._arrays.items() if name not in per_layer)
    assert kept <= n * layer._numbers_per_sample()


@pytest.mark.parametrize("cell", CELLS)
def test_prediction_in_chunks_equals_one_batch(cell, monkeypatch):
    layer = cell(3, return_sequences=True)
    _bound(layer, (5, 2), seed=10)
    X = np.random.default_rng(11).normal(size=(23, 5, 2))
    whole = layer.forward(X)
    # A budget of two samples per chunk: 12 chunks, the last one of a single sample.
    monkeypatch.setattr(recurrent, "_MAX_NUMBERS", 2 * layer._numbers_per_sample())
    chunks = []
    run = type(layer)._run
    monkeypatch.setattr(type(layer), "_run",
                        lambda self, X, work: chunks.append(len(X)) or run(self, X, work))
    np.testing.assert_allclose(layer.forward(X), whole, rtol=1e-13)
    assert chunks == [2] * 11 + [1]
    np.testing.assert_allclose(layer.sequence(X), whole, rtol=1e-13)


def test_backward_before_a_training_forward_is_refused():
    layer = LSTM(2)
    _bound(layer, (3, 1))
    layer.forward(np.zeros((2, 3, 1)))  # predicting keeps nothing
    with pytest.raises(RuntimeError, match="training=True"):
        layer.backward(np.ones((2, 2)))
    layer.forward(np.zeros((2, 3, 1)), training=True)
    layer.release()
    with pytest.raises(RuntimeError, match="training=True"):
        layer.backward(np.ones((2, 2)))


# --- initialisation -----------------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_initialisation_follows_the_literature(cell):
    layer = cell(5)
    _bound(layer, (7, 3))
    layer.initialize(np.random.RandomState(0), glorot_uniform, "tanh")
    blocks = layer.n_blocks
    # Input weights: Glorot uniform over the whole (features, gates * units) matrix.
    bound = np.sqrt(6 / (3 + 5 * blocks))
    assert np.abs(layer.W).max() <= bound and np.abs(layer.W).max() > 0.5 * bound
    # Each gate's block of recurrent weights is orthogonal.
    for k in range(blocks):
        block = layer.U[:, 5 * k:5 * (k + 1)]
        np.testing.assert_allclose(block.T @ block, np.eye(5), atol=1e-12)
    # Biases zero, except the LSTM's forget gate: 1.
    expected = np.zeros(5 * blocks)
    if cell is LSTM:
        expected[5:10] = 1.0
    np.testing.assert_array_equal(layer.b, expected)


def test_initialisation_uses_the_given_initializer_and_rng_only():
    first, second = LSTM(4), LSTM(4)
    _bound(first, (6, 2))
    _bound(second, (6, 2), seed=1)
    first.initialize(np.random.RandomState(3), he_uniform, "relu")
    second.initialize(np.random.RandomState(3), he_uniform, "relu")
    np.testing.assert_array_equal(first.W, second.W)
    np.testing.assert_array_equal(first.U, second.U)
    assert np.abs(first.W).max() <= np.sqrt(6 / 2)


def test_orthogonal_draws_are_orthogonal_in_float32_too():
    Q = recurrent.orthogonal(6, np.random.RandomState(0), np.float32)
    assert Q.dtype == np.float32
    np.testing.assert_allclose(Q.T @ Q, np.eye(6), atol=1e-6)
    assert not np.allclose(Q, recurrent.orthogonal(6, np.random.RandomState(1)))


def test_network_initialises_bidirectional_directions_differently():
    net = Network([Bidirectional(LSTM(3)), Dense(1, "identity")], (4, 2))
    net.initialize(np.random.RandomState(0))
    layer = net.layers[0]
    assert not np.allclose(layer.forward_layer.W, layer.backward_layer.W)
    np.testing.assert_array_equal(layer.forward_layer.b, layer.backward_layer.b)


# --- shapes and errors --------------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_output_shapes_and_parameter_counts(cell):
    blocks = {SimpleRNN: 1, LSTM: 4, GRU: 3}[cell]
    layer = cell(5)
    assert layer.build((7, 3)) == (5,)
    assert cell(5, return_sequences=True).build((7, 3)) == (7, 5)
    assert layer.n_params == blocks * 5 * (3 + 5 + 1)
    assert Bidirectional(cell(5, return_sequences=True)).build((7, 3)) == (7, 10)
    assert Bidirectional(cell(5)).build((7, 3)) == (10,)


@pytest.mark.parametrize("cell", CELLS)
def test_flat_or_image_input_is_refused_with_what_to_do(cell):
    with pytest.raises(ValueError, match=r"reads sequences of shape \(timesteps, features\)"
                       r".*flat samples of shape \(8,\).*input_shape=\(timesteps, features\)"):
        cell(3).build((8,))
    with pytest.raises(ValueError, match=r"\(4, 4, 2\), with more than one position axis"):
        cell(3).build((4, 4, 2))
    with pytest.raises(ValueError, match=r"layer 2 \(.*\).*return_sequences=True"):
        Network([cell(3), cell(3), Dense(1, "identity")], (5, 2))
    with pytest.raises(ValueError, match="layer 2"):
        Network([Dense(4), cell(3), Dense(1, "identity")], (5, 2))


def test_a_network_cannot_end_on_a_sequence():
    with pytest.raises(ValueError, match="one vector per sample"):
        Network([LSTM(3, return_sequences=True)], (5, 2))


@pytest.mark.parametrize("units", [0, -1, 2.5, "3", True, None])
def test_bad_units_are_refused(units):
    with pytest.raises(ValueError, match="units must be a positive int"):
        LSTM(units)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\)"):
        GRU(3, dropout=1.0)
    with pytest.raises(ValueError, match="activation must be one of"):
        SimpleRNN(3, "softmax")
    with pytest.raises(ValueError, match="wraps a recurrent layer"):
        Bidirectional(Dense(3))


# --- persistence and looking inside ---------------------------------------------------


def _trained_net(dtype=np.float64):
    net = Network([Bidirectional(LSTM(3, return_sequences=True), dropout=0.1),
                   GRU(2, return_sequences=True), SimpleRNN(2, "relu"), Dense(2, "identity")],
                  (5, 2), dtype=dtype)
    net.initialize(np.random.RandomState(0))
    return net


@pytest.mark.parametrize("clone", [pickle.loads.__name__, copy.deepcopy.__name__])
def test_networks_pickle_and_copy_from_their_configs(clone):
    net = _trained_net()
    X = np.random.default_rng(0).normal(size=(4, 10))
    twin = pickle.loads(pickle.dumps(net)) if clone == "loads" else copy.deepcopy(net)
    np.testing.assert_array_equal(twin.params, net.params)
    np.testing.assert_array_equal(twin.predict(X), net.predict(X))
    assert repr(twin.layers) == repr(net.layers)
    assert twin.layers[0].dropout == 0.1
    # The views belong to the copy's own vector.
    assert np.shares_memory(twin.layers[0].forward_layer.W, twin.params)
    assert not np.shares_memory(twin.layers[0].forward_layer.W, net.params)


def test_layers_rebuild_from_their_configs():
    for layer in _trained_net().layers[:-1]:
        name, config = type(layer).__name__, layer.get_config()
        rebuilt = LAYERS[name](**config)
        assert rebuilt.get_config() == config
        assert repr(rebuilt) == repr(layer)


def test_reprs_read_as_constructor_calls():
    assert repr(LSTM(32)) == "LSTM(32)"
    assert repr(GRU(8, return_sequences=True, dropout=0.2)) == (
        "GRU(8, return_sequences=True, dropout=0.2)")
    assert repr(SimpleRNN(4, "relu")) == "SimpleRNN(4, activation='relu')"
    assert repr(Bidirectional(LSTM(3))) == "Bidirectional(LSTM(3))"
    text = repr(_trained_net())
    assert "Bidirectional(LSTM(3, return_sequences=True, dropout=0.1)) -> (5, 6)" in text
    assert "LSTM" in text and "GRU(2, return_sequences=True) -> (5, 2), tanh" in text


@pytest.mark.parametrize("cell", [LSTM, GRU])
def test_units_show_their_weights_per_gate(cell):
    layer = cell(3, return_sequences=True)
    params, _ = _bound(layer, (4, 2), seed=6)
    units = layer.neurons
    assert len(units) == 3
    for j, unit in enumerate(units):
        assert isinstance(unit, RecurrentUnit) and unit.index == j
        assert set(unit.weights) == set(cell.gates) == set(unit.recurrent_weights)
        for k, gate in enumerate(cell.gates):
            np.testing.assert_array_equal(unit.weights[gate], layer.W[:, 3 * k + j])
            np.testing.assert_array_equal(unit.recurrent_weights[gate], layer.U[:, 3 * k + j])
            assert unit.bias[gate] == layer.b[3 * k + j]
            assert type(unit.bias[gate]) is float
        assert unit.activation == "tanh"
    with pytest.raises(ValueError):
        units[1].weights[cell.gates[0]][0] = 5.0
    assert not np.any(params == 5.0)
    layer.b[3:6] = 7.0  # a later change of the parameters shows
    assert units[2].bias[cell.gates[1]] == 7.0
    X = np.random.default_rng(7).normal(size=(5, 4, 2))
    np.testing.assert_allclose(units[1](X), layer.forward(X)[..., 1])
    np.testing.assert_allclose(units[1](X.reshape(5, 8)), layer.forward(X)[..., 1])
    assert "RecurrentUnit(1, " + cell.__name__ in repr(units[1])


def test_lstm_forget_gate_is_named():
    layer = LSTM(2)
    _bound(layer, (3, 1))
    layer.initialize(np.random.RandomState(0), glorot_uniform, "tanh")
    unit = layer.neurons[0]
    assert unit.gates == ("input", "forget", "candidate", "output")
    assert unit.bias == {"input": 0.0, "forget": 1.0, "candidate": 0.0, "output": 0.0}
    assert unit.weights["forget"].shape == (1,) and unit.recurrent_weights["forget"].shape == (2,)


def test_simple_rnn_units_are_plain_arrays():
    layer = SimpleRNN(3)
    _bound(layer, (4, 2), seed=8)
    unit = layer.neurons[-1]
    assert unit.gates == ()
    np.testing.assert_array_equal(unit.weights, layer.W[:, 2])
    np.testing.assert_array_equal(unit.recurrent_weights, layer.U[:, 2])
    assert unit.bias == layer.b[2]
    X = np.random.default_rng(9).normal(size=(3, 4, 2))
    np.testing.assert_allclose(unit(X), layer.forward(X)[:, 2])


@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_units_are_the_output_columns(return_sequences):
    layer = Bidirectional(GRU(2, return_sequences=return_sequences))
    _bound(layer, (5, 3), seed=10)
    X = np.random.default_rng(11).normal(size=(4, 5, 3))
    out = layer.forward(X)
    units = layer.neurons
    assert len(units) == 4
    assert [unit.reverse for unit in units] == [False, False, True, True]
    for j, unit in enumerate(units):
        np.testing.assert_allclose(unit(X), out[..., j], rtol=1e-13)
    assert "backward" in repr(units[3])


def test_layer_outputs_give_each_state_sequence_or_last_state():
    net = _trained_net()
    X = np.random.default_rng(12).normal(size=(3, 5, 2))
    outputs = net.layer_outputs(X)
    assert [A.shape for A in outputs] == [(3, 5, 6), (3, 5, 2), (3, 2), (3, 2)]
    np.testing.assert_allclose(outputs[2], net.layers[2].sequence(outputs[1])[:, -1])


# --- BLAS threads for the steps ---------------------------------------------------------


def _blas_threads():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    return [info["num_threads"] for info in threadpoolctl.threadpool_info()
            if info["user_api"] == "blas"]


def test_one_blas_thread_nests_and_restores_the_setting():
    from threadpoolctl import threadpool_limits

    from sk_ann.core.threads import one_blas_thread

    # Two threads to start from, whatever an earlier test left: a block that
    # failed to restore the setting would otherwise go unseen.
    with threadpool_limits(limits=2, user_api="blas"):
        before = _blas_threads()
        assert set(before) == {2}
        with one_blas_thread():
            assert set(_blas_threads()) == {1}
            with one_blas_thread():
                assert set(_blas_threads()) == {1}
            assert set(_blas_threads()) == {1}
        assert _blas_threads() == before
        with one_blas_thread():  # and again, after the first blocks have ended
            assert set(_blas_threads()) == {1}
        assert _blas_threads() == before


def test_concurrent_blocks_restore_the_setting_the_first_one_found():
    import threading

    from sk_ann.core.threads import one_blas_thread

    before = _blas_threads()
    entered, leave = threading.Barrier(2), threading.Event()

    def hold():
        with one_blas_thread():
            entered.wait()
            leave.wait()

    worker = threading.Thread(target=hold, daemon=True)
    worker.start()
    try:
        with one_blas_thread():
            entered.wait(timeout=10)
        # The worker is still inside its block: one thread still.
        assert set(_blas_threads()) == {1}
    finally:
        leave.set()
        worker.join(timeout=10)
    assert _blas_threads() == before


def test_steps_run_on_one_blas_thread(monkeypatch):
    seen = []
    original = LSTM._scan

    def spy(self, P, H, work):
        seen.append(set(_blas_threads()))
        return original(self, P, H, work)

    monkeypatch.setattr(LSTM, "_scan", spy)
    layer = LSTM(3)
    _bound(layer, (4, 2))
    before = _blas_threads()
    layer.forward(np.zeros((2, 4, 2)))
    assert seen == [{1}] and _blas_threads() == before
