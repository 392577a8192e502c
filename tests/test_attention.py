"""Attention layers: gradients by finite differences, weights that sum to one, dtypes, reuse."""

import pickle

import numpy as np
import pytest
from gradcheck import numeric_gradient

from sk_ann.core.layers import (
    ClsToken, Dense, FeatureTokenizer, Flatten, GlobalAvgPool, LayerNorm, MultiHeadSelfAttention,
    PositionalEmbedding, PositionWise, TransformerEncoder,
)
from sk_ann.core.layers.attention import attention_weights
from sk_ann.core.network import Network

SEEDS = range(4)


def _shapes(seed):
    """Random sample count, token count, head count and width for one case."""
    rng = np.random.RandomState(seed)
    n, tokens, heads, d_head = rng.randint(1, 4), rng.randint(1, 6), rng.randint(1, 4), \
        rng.randint(1, 3)
    return n, tokens, heads, heads * d_head


def _sequence_cases(seed):
    n, tokens, heads, d = _shapes(seed)
    return n, (tokens, d), {
        "layer_norm": LayerNorm(),
        "attention": MultiHeadSelfAttention(heads),
        "attention_dropout": MultiHeadSelfAttention(heads, dropout=0.3),
        "position_wise": PositionWise(3, "gelu"),
        "positional": PositionalEmbedding(),
        "cls": ClsToken(),
        "encoder": TransformerEncoder(heads, ff_units=3),
        "encoder_relu_dropout": TransformerEncoder(heads, dropout=0.25, ff_activation="relu"),
    }


def _check_network(net, X, seed):
    """Parameter and input gradients of ``sum(R * raw)`` against central differences."""
    rng = np.random.RandomState(seed)
    net.initialize(rng)
    # Random parameters, not the starting ones (LayerNorm's gamma = 1, zero biases).
    net.params[...] = rng.normal(0, 0.5, net.n_params)
    R = rng.normal(size=(X.shape[0], *net.output_shape))

    def loss(_):
        # One fixed seed: every evaluation draws the same dropout masks.
        return float(np.sum(R * net.forward(X, training=True, rng=np.random.RandomState(3))))

    loss(None)
    grads = net.backward(R.copy()).copy()
    if net.n_params:
        np.testing.assert_allclose(grads, numeric_gradient(loss, net.params), rtol=1e-5,
                                   atol=1e-7)
    loss(None)
    dX = net.backward(R.copy(), input_gradient=True)
    np.testing.assert_allclose(dX, numeric_gradient(loss, X), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", list(_sequence_cases(0)[2]))
def test_sequence_layer_gradients(kind, seed):
    n, shape, layers = _sequence_cases(seed)
    layer = layers[kind]
    tail = [] if kind == "cls" else [Flatten()]
    net = Network([layer, *tail], shape)
    X = np.random.RandomState(seed + 100).normal(size=(n, *shape))
    _check_network(net, X, seed)


@pytest.mark.parametrize("seed", range(2))
def test_whole_ft_transformer_gradients(seed):
    n, tokens, heads, d = _shapes(seed)
    net = Network([FeatureTokenizer(d), TransformerEncoder(heads, dropout=0.2),
                   TransformerEncoder(heads), ClsToken(), Dense(2, "tanh"),
                   Dense(3, "identity")], tokens, "softmax")
    X = np.random.RandomState(seed).normal(size=(n, tokens))
    _check_network(net, X, seed)


def test_sequence_model_gradients():
    from sk_ann.core.layers import Conv1D
    net = Network([Conv1D(4, 1, activation="tanh"), PositionalEmbedding(), TransformerEncoder(2),
                   GlobalAvgPool(), Dense(2, "identity")], (5, 3))
    X = np.random.RandomState(0).normal(size=(3, 5, 3))
    _check_network(net, X, 0)


@pytest.mark.parametrize("seed", SEEDS)
def test_attention_weights_are_distributions_over_keys(seed):
    n, tokens, heads, d = _shapes(seed)
    layer = TransformerEncoder(heads)
    net = Network([layer, Flatten()], (tokens, d)).initialize(np.random.RandomState(seed))
    # Large inputs: the softmax must subtract each row's maximum to stay finite.
    X = np.random.RandomState(seed).normal(size=(n, tokens, d)) * 1e4
    net.params[...] = np.random.RandomState(1).normal(0, 3, net.n_params)
    P = layer.attention_weights(X)
    assert P.shape == (n, heads, tokens, tokens)
    assert np.all(P >= 0)
    np.testing.assert_allclose(P.sum(axis=-1), 1.0)
    np.testing.assert_array_equal(P, attention_weights(net, X))
    np.testing.assert_array_equal(P, attention_weights(net, X, layer=-2))
    with pytest.raises(ValueError, match="layer 1 is not an attention layer; those are at"):
        attention_weights(net, X, layer=1)


def test_attention_looks_by_content():
    """A query that matches one key only puts (nearly) all its weight on it."""
    layer = MultiHeadSelfAttention(1)
    layer.build((3, 2))
    net = Network([layer, Flatten()], (3, 2))
    layer.W_qkv[...] = 0.0
    layer.W_qkv[:, :2] = 10 * np.eye(2)  # queries = 10 x
    layer.W_qkv[:, 2:4] = 10 * np.eye(2)  # keys = 10 x
    X = np.array([[[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]]])
    P = layer.attention_weights(X)[0, 0]
    assert P.argmax(axis=1).tolist() == [0, 1, 1] or P[0, 0] > 0.99
    assert P[0, 0] > 0.99 and P[1, 1] > 0.99
    assert net.n_params == 2 * 6 + 6 + 2 * 2 + 2


def test_heads_must_divide_width():
    with pytest.raises(ValueError, match=r"d_model=6 .* not a multiple of n_heads=4.*\[1, 2, 3, 6\]"):
        Network([TransformerEncoder(4), Flatten()], (3, 6))
    with pytest.raises(ValueError, match="reads sequences of tokens"):
        Network([TransformerEncoder(1), Flatten()], 6)
    with pytest.raises(ValueError, match="n_heads must be a positive int"):
        TransformerEncoder(0)
    with pytest.raises(ValueError, match="activation must be one of"):
        TransformerEncoder(2, ff_activation="banana")


def _ft(dtype=np.float64, dropout=0.1):
    return Network([FeatureTokenizer(8), TransformerEncoder(2, dropout=dropout), ClsToken(),
                    Dense(3, "identity")], 5, "softmax", dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_end_to_end(dtype):
    net = _ft(dtype).initialize(np.random.RandomState(0))
    X = np.random.RandomState(1).normal(size=(6, 5))
    raw = net.forward(X, training=True, rng=np.random.RandomState(0))
    assert raw.dtype == dtype
    dX = net.backward(np.ones_like(raw), input_gradient=True)
    assert dX.dtype == dtype and net.grads.dtype == dtype
    for out in net.layer_outputs(X):
        assert out.dtype == dtype


def test_backward_twice_gives_the_same_gradients():
    net = _ft().initialize(np.random.RandomState(0))
    X = np.random.RandomState(1).normal(size=(6, 5))
    raw = net.forward(X, training=True, rng=np.random.RandomState(0))
    d = np.random.RandomState(2).normal(size=raw.shape)
    dX = net.backward(d.copy(), input_gradient=True).copy()
    first = net.grads.copy()
    grads = net.backward(d.copy()).copy()
    np.testing.assert_array_equal(first, grads)
    np.testing.assert_array_equal(dX, net.backward(d.copy(), input_gradient=True))


def test_frozen_training_forward_computes_the_prediction():
    net = _ft(dropout=0.5).initialize(np.random.RandomState(0))
    X = np.random.RandomState(1).normal(size=(6, 5))
    rng = np.random.RandomState(0)
    assert not np.allclose(net.forward(X, training=True, rng=rng), net.forward(X))
    with net.frozen():
        raw = net.forward(X, training=True, rng=rng)
        net.backward(np.ones_like(raw), input_gradient=True)
    np.testing.assert_allclose(raw, net.forward(X))
    assert not net.layers[1].frozen and not net.layers[1].attention.frozen


def test_dropout_needs_rng_and_is_inverted():
    net = _ft(dropout=0.5).initialize(np.random.RandomState(0))
    with pytest.raises(ValueError, match="needs an rng"):
        net.forward(np.ones((2, 5)), training=True)


def test_network_pickles_with_attention_layers():
    net = Network([FeatureTokenizer(4), LayerNorm(), TransformerEncoder(2, ff_units=5),
                   MultiHeadSelfAttention(1), PositionalEmbedding(), ClsToken(),
                   Dense(1, "identity")], 3).initialize(np.random.RandomState(0))
    X = np.random.RandomState(1).normal(size=(4, 3))
    twin = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(twin.predict(X), net.predict(X))
    assert repr(twin) == repr(net)


def test_parameter_roles():
    """Embeddings and norm scales are not penalised; projections are."""
    net = _ft()
    roles = {}
    for layer in net.layers:
        for p in layer.parameters():
            roles[(type(layer).__name__, p.name)] = p.role
    assert roles[("FeatureTokenizer", "W")] == "other"
    assert roles[("TransformerEncoder", "norm1.gamma")] == "other"
    assert roles[("TransformerEncoder", "attention.W_qkv")] == "weight"
    assert roles[("TransformerEncoder", "ff1.W")] == "weight"
    assert roles[("TransformerEncoder", "ff2.b")] == "bias"


def test_initialize_zeroes_the_attention_biases_even_of_a_trained_network():
    net = Network([FeatureTokenizer(4), TransformerEncoder(2, ff_units=5),
                   MultiHeadSelfAttention(2), ClsToken(), Dense(1, "identity")], 3)
    net.initialize(np.random.RandomState(0))
    net.params[...] = np.random.RandomState(1).normal(size=net.n_params)  # as after training
    net.initialize(np.random.RandomState(0))
    # The parameter vector holds every weight, then every bias, layer by layer:
    # the attention layers' come first. (The Dense layer draws its bias, as MLP does.)
    n_biases = sum(p.size for layer in net.layers[:-1] for p in layer.parameters()
                   if p.role == "bias")
    biases = net.params[net.n_weights:net.n_weights + n_biases]
    assert n_biases == 2 * (3 * 4 + 4) + 5 + 4 and np.all(biases == 0)


@pytest.mark.parametrize("kind", ["attention", "encoder", "layer_norm", "position_wise"])
def test_backward_gives_the_input_gradient_unless_told_not_to(kind):
    n, shape, layers = _sequence_cases(0)
    net = Network([layers[kind], GlobalAvgPool(), Dense(1, "identity")], shape)
    net.initialize(np.random.RandomState(0))
    X = np.random.RandomState(1).normal(size=(n, *shape))
    layer = net.layers[0]
    dA = np.ones_like(layer.forward(X, training=True, rng=np.random.RandomState(2)))
    assert layer.backward(dA.copy()).shape == X.shape
    layer.forward(X, training=True, rng=np.random.RandomState(2))
    assert layer.backward(dA.copy(), need_dX=False) is None
