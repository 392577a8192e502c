"""Tests for sk_ann.core.layers.pooling and flatten: MaxPool, AvgPool, GlobalAvgPool, Flatten.

Forward passes are compared with pooling written here as a loop over output
positions; backward passes with central finite differences, on inputs whose
values are far apart so that no step of the differences changes which value a
max-pooling window keeps. Ties are tested on their own.
"""

import math

import numpy as np
import pytest
from gradcheck import numeric_gradient

from sk_ann.core.layers import (
    LAYERS,
    AvgPool1D,
    AvgPool2D,
    Flatten,
    GlobalAvgPool,
    MaxPool1D,
    MaxPool2D,
)

POOLS = {("max", 1): MaxPool1D, ("max", 2): MaxPool2D, ("avg", 1): AvgPool1D,
         ("avg", 2): AvgPool2D}


def _naive_pool(X, pool_size, strides, kind):
    """Max or mean of every window that fits, one output position at a time."""
    reduce = np.max if kind == "max" else np.mean
    d = X.ndim - 2
    out_shape = [(n - p) // s + 1 for n, p, s in zip(X.shape[1:-1], pool_size, strides)]
    Y = np.empty((X.shape[0], *out_shape, X.shape[-1]))
    for position in np.ndindex(*out_shape):
        window = X[(slice(None), *(slice(q * s, q * s + p)
                                   for q, s, p in zip(position, strides, pool_size)))]
        Y[(slice(None), *position)] = reduce(window, axis=tuple(range(1, d + 1)))
    return Y


def _distinct(shape, seed):
    """Values at least 0.1 apart (no ties), in random order."""
    n = math.prod(shape)
    return (np.random.default_rng(seed).permutation(n) - n / 2).reshape(shape) * 0.1


def _configs(n, seed):
    rng = np.random.default_rng(seed)
    configs = []
    for i in range(n):
        d = 1 + i % 2
        pool = tuple(int(p) for p in rng.integers(1, 4, d))
        choice = int(rng.integers(3))
        # None (tiling windows), overlapping windows, or gaps between windows.
        strides = (None if choice == 0
                   else tuple(int(s) for s in rng.integers(1, 4, d)))
        lengths = tuple(p + int(rng.integers(0, 5)) for p in pool)
        configs.append(dict(kind=("max", "avg")[i // 2 % 2], d=d, pool=pool, strides=strides,
                            lengths=lengths, channels=int(rng.integers(1, 4)),
                            n_samples=int(rng.integers(1, 4))))
    return configs


CONFIGS = _configs(20, seed=7)


def _config_id(c):
    return f"{c['kind']}{c['d']}d-L{c['lengths']}-p{c['pool']}-s{c['strides']}-c{c['channels']}"


def _layer_for(c):
    layer = POOLS[c["kind"], c["d"]](c["pool"], c["strides"])
    layer.build((*c["lengths"], c["channels"]))
    return layer


def _gradient_check(layer, X, seed=3):
    G = np.random.default_rng(seed).normal(size=(X.shape[0], *layer.output_shape))

    def f(_):
        return np.sum(G * layer.forward(X, training=True))

    f(None)
    dX = layer.backward(G.copy())
    assert dX.shape == X.shape
    np.testing.assert_allclose(dX, numeric_gradient(f, X), rtol=1e-7, atol=1e-9)


# --- window pooling: forward -------------------------------------------------------


@pytest.mark.parametrize("cls, shape, pool, strides, expected", [
    (MaxPool1D, (7, 2), 2, None, (3, 2)),  # the 7th position is dropped
    (MaxPool1D, (6, 2), 3, 1, (4, 2)),
    (AvgPool1D, (7, 1), 3, 2, (3, 1)),
    (AvgPool1D, (8, 1), 2, 3, (3, 1)),  # gaps between windows
    (MaxPool2D, (5, 7, 3), (2, 3), None, (2, 2, 3)),
    (AvgPool2D, (5, 7, 3), (2, 3), (1, 2), (4, 3, 3)),
    (MaxPool2D, (4, 4, 1), 4, None, (1, 1, 1)),
])
def test_output_shape(cls, shape, pool, strides, expected):
    layer = cls(pool, strides)
    assert layer.build(shape) == expected
    assert layer.output_shape == expected


def test_strides_default_to_the_pool_size():
    assert MaxPool2D((2, 3)).strides == (2, 3)
    assert AvgPool1D(4).strides == (4,)
    assert MaxPool2D(2, strides=(1, 2)).strides == (1, 2)


@pytest.mark.parametrize("c", CONFIGS, ids=_config_id)
def test_forward_matches_a_loop_over_windows(c):
    layer = _layer_for(c)
    X = np.random.default_rng(1).normal(size=(c["n_samples"], *c["lengths"], c["channels"]))
    expected = _naive_pool(X, c["pool"], layer.strides, c["kind"])
    assert layer.output_shape == expected.shape[1:]
    for training in (False, True):
        out = layer.forward(X, training=training)
        np.testing.assert_allclose(out, expected, rtol=1e-14)
    # The input is left as it was.
    np.testing.assert_array_equal(
        X, np.random.default_rng(1).normal(size=(c["n_samples"], *c["lengths"], c["channels"])))


def test_small_examples_worked_by_hand():
    X = np.array([1.0, 5.0, 2.0, 4.0, 3.0]).reshape(1, 5, 1)
    assert MaxPool1D(2).build((5, 1)) == (2, 1)
    pool = MaxPool1D(2)
    pool.build((5, 1))
    np.testing.assert_array_equal(pool.forward(X)[0, :, 0], [5.0, 4.0])
    pool = AvgPool1D(2, 1)
    pool.build((5, 1))
    np.testing.assert_array_equal(pool.forward(X)[0, :, 0], [3.0, 3.5, 3.0, 3.5])
    image = np.arange(12.0).reshape(1, 3, 4, 1)
    pool = MaxPool2D((1, 2))
    pool.build((3, 4, 1))
    np.testing.assert_array_equal(pool.forward(image)[0, :, :, 0], [[1, 3], [5, 7], [9, 11]])
    pool = AvgPool2D((2, 2), (1, 2))
    pool.build((3, 4, 1))
    np.testing.assert_array_equal(pool.forward(image)[0, :, :, 0], [[2.5, 4.5], [6.5, 8.5]])


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_positions_no_window_reaches_are_ignored(kind):
    layer = POOLS[kind, 1](2)
    layer.build((7, 2))
    X = np.random.default_rng(2).normal(size=(3, 7, 2))
    out = layer.forward(X, training=True).copy()
    X[:, 6] = 1e6
    np.testing.assert_array_equal(layer.forward(X, training=True), out)
    dX = layer.backward(np.ones((3, 3, 2)))
    assert np.all(dX[:, 6] == 0)


# --- window pooling: backward ------------------------------------------------------


@pytest.mark.parametrize("c", CONFIGS, ids=_config_id)
def test_backward_matches_finite_differences(c):
    layer = _layer_for(c)
    _gradient_check(layer, _distinct((c["n_samples"], *c["lengths"], c["channels"]), seed=4))


def test_max_pool_gradient_accumulates_where_one_position_wins_overlapping_windows():
    layer = MaxPool1D(2, strides=1)
    layer.build((4, 1))
    X = np.array([0.0, 5.0, 1.0, 2.0]).reshape(1, 4, 1)
    np.testing.assert_array_equal(layer.forward(X, training=True)[0, :, 0], [5.0, 5.0, 2.0])
    dX = layer.backward(np.array([1.0, 2.0, 4.0]).reshape(1, 3, 1))
    np.testing.assert_array_equal(dX[0, :, 0], [0.0, 3.0, 0.0, 4.0])


def test_avg_pool_gradient_shares_each_window_equally():
    layer = AvgPool2D(2, strides=1)
    layer.build((3, 3, 1))
    layer.forward(np.zeros((1, 3, 3, 1)), training=True)
    dX = layer.backward(np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1))
    np.testing.assert_allclose(dX[0, :, :, 0], [[0.25, 0.75, 0.5],
                                                [1.0, 2.5, 1.5],
                                                [0.75, 1.75, 1.0]])


@pytest.mark.parametrize("strides", [None, 1])
@pytest.mark.parametrize("d", [1, 2])
def test_max_pool_ties_send_each_window_gradient_to_exactly_one_maximum(d, strides):
    layer = POOLS["max", d](2, strides)
    shape = (5, 4, 2)[-(d + 1):]
    layer.build(shape)
    rng = np.random.default_rng(5)
    # Few distinct values: most windows hold ties, many of them at the maximum.
    X = rng.integers(0, 2, size=(3, *shape)).astype(float)
    X[0] = 1.0  # a sample with every value equal
    out = layer.forward(X, training=True).copy()
    positions = layer.output_shape[:-1]
    for i in range(3):
        for position in np.ndindex(*positions):
            for c in range(shape[-1]):
                # The gradient of this one output alone.
                dA = np.zeros((3, *layer.output_shape))
                dA[(i, *position, c)] = 1.5
                dX = layer.backward(dA)
                nonzero = np.argwhere(dX != 0)
                assert len(nonzero) == 1
                where = tuple(nonzero[0])
                assert dX[where] == 1.5
                # It went to a position of this window holding the window's maximum.
                assert where[0] == i and where[-1] == c
                assert all(q * s <= w < q * s + 2
                           for q, s, w in zip(position, layer.strides, where[1:-1]))
                assert X[where] == out[(i, *position, c)]


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_backward_before_a_training_forward_raises(kind):
    layer = POOLS[kind, 1](2)
    layer.build((4, 1))
    layer.forward(np.ones((2, 4, 1)))  # predicting keeps nothing for backward
    with pytest.raises(RuntimeError, match="training forward"):
        layer.backward(np.ones((2, 2, 1)))
    layer.forward(np.ones((2, 4, 1)), training=True)
    layer.release()
    with pytest.raises(RuntimeError, match="training forward"):
        layer.backward(np.ones((2, 2, 1)))


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_need_dx_false_returns_none(kind):
    layer = POOLS[kind, 2](2)
    layer.build((4, 4, 1))
    layer.forward(np.ones((2, 4, 4, 1)), training=True)
    assert layer.backward(np.ones((2, 2, 2, 1)), need_dX=False) is None


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_batches_of_changing_sizes(kind):
    layer = POOLS[kind, 2]((2, 1), (1, 1))
    layer.build((3, 2, 2))
    rng = np.random.default_rng(6)
    for n_samples in (4, 1, 4, 2):
        X = _distinct((n_samples, 3, 2, 2), seed=n_samples)
        G = rng.normal(size=(n_samples, 2, 2, 2))
        fresh = POOLS[kind, 2]((2, 1), (1, 1))
        fresh.build((3, 2, 2))
        np.testing.assert_array_equal(layer.forward(X, training=True),
                                      fresh.forward(X, training=True))
        np.testing.assert_array_equal(layer.backward(G.copy()), fresh.backward(G.copy()))


# --- GlobalAvgPool -----------------------------------------------------------------


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2), (1, 1), (2, 3, 2, 4)])
def test_global_avg_pool_is_the_mean_over_positions(shape):
    layer = GlobalAvgPool()
    assert layer.build(shape) == (shape[-1],)
    X = np.random.default_rng(7).normal(size=(3, *shape))
    expected = np.array([[X[i, ..., c].sum() / math.prod(shape[:-1]) for c in range(shape[-1])]
                         for i in range(3)])
    for training in (False, True):
        np.testing.assert_allclose(layer.forward(X, training=training), expected, rtol=1e-13)
    _gradient_check(layer, X)
    dX = layer.backward(np.ones((3, shape[-1])))
    np.testing.assert_allclose(dX, np.full(X.shape, 1 / math.prod(shape[:-1])))


@pytest.mark.parametrize("shape", [(4,), (1,)])
def test_global_avg_pool_refuses_flat_samples(shape):
    with pytest.raises(ValueError, match=r"GlobalAvgPool averages over positions, but it "
                                         r"receives flat samples"):
        GlobalAvgPool().build(shape)


# --- Flatten -----------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(3, 4, 2), (5, 3), (6,)])
def test_flatten_lays_samples_out_row_major_and_reshapes_gradients_back(shape):
    layer = Flatten()
    assert layer.build(shape) == (math.prod(shape),)
    X = np.random.default_rng(8).normal(size=(2, *shape))
    out = layer.forward(X, training=True)
    assert out.shape == (2, math.prod(shape))
    for i in range(2):
        for k, index in enumerate(np.ndindex(*shape)):  # row-major: last axis fastest
            assert out[i, k] == X[(i, *index)]
    _gradient_check(layer, X)
    assert layer.backward(np.ones((2, math.prod(shape))), need_dX=False) is None


# --- dtypes, configs, no parameters ------------------------------------------------


POOL_LAYERS = [MaxPool1D(2), AvgPool1D(2, 1), GlobalAvgPool(), Flatten()]
POOL_LAYERS_2D = [MaxPool2D((2, 1)), AvgPool2D(2, (1, 2)), GlobalAvgPool(), Flatten()]


@pytest.mark.parametrize("layer", POOL_LAYERS + POOL_LAYERS_2D, ids=repr)
def test_float32_stays_float32(layer):
    shape = (4, 3) if layer in POOL_LAYERS else (4, 4, 3)
    layer.build(shape, np.float32)
    X = np.random.default_rng(9).normal(size=(2, *shape)).astype(np.float32)
    for training in (False, True):
        out = layer.forward(X, training=training)
        assert out.dtype == np.float32
    dX = layer.backward(np.ones(out.shape, np.float32))
    assert dX.dtype == np.float32 and dX.shape == X.shape


@pytest.mark.parametrize("layer", POOL_LAYERS + POOL_LAYERS_2D, ids=repr)
def test_no_parameters_and_a_config_that_rebuilds_the_layer(layer):
    assert layer.parameters() == [] and layer.buffers() == [] and layer.n_params == 0
    assert len(layer.neurons) == 0
    config = layer.get_config()
    twin = LAYERS[type(layer).__name__](**config)
    assert twin.get_config() == config
    assert repr(twin) == repr(layer)


def test_pool_repr_shows_pool_size_and_strides():
    assert repr(MaxPool2D((2, 3))) == "MaxPool2D((2, 3))"  # strides: the pool size
    # One position axis: sizes as a user writes them, ints.
    assert repr(AvgPool1D(3, 1)) == "AvgPool1D(3, strides=1)"


# --- errors ------------------------------------------------------------------------


@pytest.mark.parametrize("cls, shape, pool, message", [
    (MaxPool1D, (3, 2), 4, r"MaxPool1D's pool_size \(4,\) is larger than the \(3,\) positions"),
    (AvgPool2D, (5, 2, 1), 3, r"AvgPool2D's pool_size \(3, 3\) is larger than the \(5, 2\)"),
    (MaxPool2D, (5, 5, 1), (1, 6), r"pool_size \(1, 6\) is larger"),
])
def test_pool_larger_than_its_input_is_refused(cls, shape, pool, message):
    with pytest.raises(ValueError, match=message):
        cls(pool).build(shape)


@pytest.mark.parametrize("cls, shape, message", [
    (MaxPool2D, (8, 3), r"MaxPool2D reads samples of shape \(height, width, channels\), but "
                        r"it receives samples of shape \(8, 3\)"),
    (AvgPool1D, (4, 4, 2), r"AvgPool1D reads samples of shape \(length, channels\)"),
    (MaxPool1D, (12,), r"MaxPool1D reads .* receives flat features"),
    (AvgPool2D, (12,), r"AvgPool2D reads .* receives flat features"),
])
def test_input_of_the_wrong_number_of_axes_is_refused(cls, shape, message):
    with pytest.raises(ValueError, match=message):
        cls(1).build(shape)


BAD_SIZES = [0, -2, 1.5, "2", True, (2, 0), (2, 2, 2), []]


@pytest.mark.parametrize("value", BAD_SIZES, ids=repr)
@pytest.mark.parametrize("cls", [MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D])
def test_bad_pool_size_and_strides_are_refused(cls, value):
    pair = "an int or a pair of ints" if cls.d == 2 else "an int"
    with pytest.raises(ValueError, match=f"{cls.__name__} pool_size must be {pair}"):
        cls(value)
    with pytest.raises(ValueError, match=f"{cls.__name__} strides must be {pair}"):
        cls(2, value)
