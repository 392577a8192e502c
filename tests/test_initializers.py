"""Tests for sk_ann.core.initializers: shapes, scales, laws, determinism, auto choice.

Parametrized over the ``INITIALIZERS`` registry; ``SCHEMES`` must say what each
registered scheme draws, so a new initialiser fails here until it does.
"""

import math

import numpy as np
import pytest

from sk_ann.core.activations import ACTIVATIONS
from sk_ann.core.initializers import (
    AUTO_INITIALIZER,
    INITIALIZERS,
    default_initializer,
    glorot_uniform,
)

NAMES = sorted(INITIALIZERS)


def _scheme(name, n_in, n_out, activation="relu"):
    """(law, weight variance, whether biases are drawn) for each scheme, from its definition."""
    if name == "glorot_uniform":
        factor = 2.0 if activation in ("logistic", "sigmoid") else 6.0
        return "uniform", factor / (n_in + n_out) / 3.0, True
    schemes = {
        "glorot_normal": ("normal", 2.0 / (n_in + n_out)),
        "he_uniform": ("uniform", 2.0 / n_in),
        "he_normal": ("normal", 2.0 / n_in),
        "lecun_uniform": ("uniform", 1.0 / n_in),
        "lecun_normal": ("normal", 1.0 / n_in),
    }
    if name not in schemes:
        raise AssertionError(f"test_initializers does not know what {name!r} draws")
    return (*schemes[name], False)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_shapes_and_dtype(name, dtype):
    W, b = INITIALIZERS[name](7, 3, np.random.RandomState(0), "relu", dtype)
    assert W.shape == (7, 3) and b.shape == (3,)
    assert W.dtype == dtype and b.dtype == dtype


@pytest.mark.parametrize("name", NAMES)
def test_float32_draws_are_the_float64_draws_rounded(name):
    W64, b64 = INITIALIZERS[name](6, 4, np.random.RandomState(3), "tanh", np.float64)
    W32, b32 = INITIALIZERS[name](6, 4, np.random.RandomState(3), "tanh", np.float32)
    np.testing.assert_array_equal(W32, W64.astype(np.float32))
    np.testing.assert_array_equal(b32, b64.astype(np.float32))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n_in, n_out", [(600, 400), (200, 1200)])
def test_weight_variance_and_law(name, n_in, n_out):
    law, variance, _ = _scheme(name, n_in, n_out)
    W, _ = INITIALIZERS[name](n_in, n_out, np.random.RandomState(1), "relu", np.float64)
    w = W.ravel()
    # 240,000 draws: the sample variance has a relative standard error under
    # 0.3%, so 2% is a loose bound that still tells a factor 2 or 3 apart.
    assert w.var() == pytest.approx(variance, rel=0.02)
    assert abs(w.mean()) < 5 * math.sqrt(variance / w.size)
    # Excess kurtosis: 0 for a normal law, -1.2 for a uniform one.
    kurtosis = np.mean((w - w.mean()) ** 4) / w.var() ** 2 - 3.0
    if law == "normal":
        assert kurtosis == pytest.approx(0.0, abs=0.05)
        assert np.max(np.abs(w)) > 4 * math.sqrt(variance)
    else:
        assert kurtosis == pytest.approx(-1.2, abs=0.05)
        bound = math.sqrt(3.0 * variance)
        assert np.max(np.abs(w)) <= bound
        assert np.max(np.abs(w)) > 0.999 * bound


@pytest.mark.parametrize("name", NAMES)
def test_biases_are_zero_except_for_glorot_uniform(name):
    _, variance, drawn = _scheme(name, 50, 400)
    _, b = INITIALIZERS[name](50, 400, np.random.RandomState(2), "relu", np.float64)
    if drawn:
        bound = math.sqrt(3.0 * variance)
        assert np.all(np.abs(b) <= bound)
        assert b.var() == pytest.approx(variance, rel=0.25)
    else:
        np.testing.assert_array_equal(b, 0.0)


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_draws_and_only_the_given_rng_is_used(name):
    init = INITIALIZERS[name]
    global_state = np.random.get_state()[1].copy()
    first = init(5, 4, np.random.RandomState(7), "relu", np.float64)
    second = init(5, 4, np.random.RandomState(7), "relu", np.float64)
    other = init(5, 4, np.random.RandomState(8), "relu", np.float64)
    np.testing.assert_array_equal(np.random.get_state()[1], global_state)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])
    # Successive layers drawn from one rng differ.
    rng = np.random.RandomState(7)
    assert not np.array_equal(init(5, 4, rng, "relu")[0], init(5, 4, rng, "relu")[0])


@pytest.mark.parametrize("activation, factor", [
    ("relu", 6.0), ("tanh", 6.0), ("identity", 6.0), ("logistic", 2.0), ("sigmoid", 2.0),
])
def test_glorot_uniform_draws_weights_then_biases_as_scikit_learn_does(activation, factor):
    n_in, n_out = 5, 3
    rs = np.random.RandomState(11)
    bound = math.sqrt(factor / (n_in + n_out))
    expected_W = rs.uniform(-bound, bound, (n_in, n_out))
    expected_b = rs.uniform(-bound, bound, n_out)
    W, b = glorot_uniform(n_in, n_out, np.random.RandomState(11), activation)
    np.testing.assert_array_equal(W, expected_W)
    np.testing.assert_array_equal(b, expected_b)


def test_every_activation_has_an_auto_scheme_that_is_registered():
    assert set(AUTO_INITIALIZER) == set(ACTIVATIONS)
    for activation in ACTIVATIONS:
        assert default_initializer(activation) in INITIALIZERS


def test_auto_scheme_keeps_scikit_learn_initialisation_for_its_activations():
    for activation in ("identity", "logistic", "tanh", "relu"):
        assert default_initializer(activation) == "glorot_uniform"
    assert default_initializer("sigmoid") == "glorot_uniform"
    assert default_initializer("selu") == "lecun_normal"
    for activation in ("leaky_relu", "elu", "gelu", "silu", "softplus"):
        assert default_initializer(activation) == "he_uniform"


@pytest.mark.parametrize("bad", ["banana", None, "softmax"])
def test_default_initializer_of_an_unknown_activation_lists_the_choices(bad):
    with pytest.raises(ValueError) as excinfo:
        default_initializer(bad)
    for name in ACTIVATIONS:
        assert repr(name) in str(excinfo.value)
    assert repr(bad) in str(excinfo.value)


def _deep_pre_activations(activation, initializer, n_layers=12, width=400, seed=0):
    """Pre-activations of every layer of a deep stack fed standard normal inputs."""
    rng = np.random.RandomState(seed)
    f = ACTIVATIONS[activation]()
    A = rng.normal(size=(2000, width))
    stats = []
    for _ in range(n_layers):
        W, b = INITIALIZERS[initializer](width, width, rng, activation)
        Z = A @ W + b
        stats.append(Z)
        A = f.forward(Z)
    return stats


def test_he_initialisation_keeps_the_scale_of_relu_layers():
    # With var(W) = 2 / n_in, E[z^2] is on average the same in every ReLU layer;
    # one layer's gain fluctuates with its finite width, the mean gain barely.
    moments = np.array([np.mean(Z ** 2) for Z in _deep_pre_activations("relu", "he_normal")])
    gains = moments[1:] / moments[:-1]
    assert math.exp(np.mean(np.log(gains))) == pytest.approx(1.0, abs=0.1)
    assert np.all((gains > 0.6) & (gains < 1.6))


def test_lecun_normal_makes_selu_layers_self_normalising():
    for Z in _deep_pre_activations("selu", "lecun_normal")[1:]:
        A = ACTIVATIONS["selu"]().forward(Z)
        assert abs(A.mean()) < 0.1
        assert A.var() == pytest.approx(1.0, abs=0.1)
