"""Tests for sk_ann.core.activations: forward/backward pairs, in-place use, stability.

Every test that is not about one named function runs over the union of the
``ACTIVATIONS`` and ``OUTPUT_LINKS`` registries, so a newly registered
activation is gradient-checked without touching this file.
"""

import math
import pickle

import numpy as np
import pytest
from gradcheck import numeric_gradient
from scipy.integrate import quad

from sk_ann.core.activations import (
    ACTIVATIONS,
    OUTPUT_LINKS,
    Activation,
    Softmax,
    get_activation,
)

ALL = {**ACTIVATIONS, **OUTPUT_LINKS}
NAMES = sorted(ALL)
ALIASES = {"sigmoid": "logistic"}


def _pre_activations(seed=0, shape=(6, 4)):
    """Z away from 0 by at least 0.05, so ReLU's kink never sits inside ±eps."""
    rng = np.random.default_rng(seed)
    Z = rng.uniform(0.05, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    return Z


def test_registries_are_keyed_by_the_class_name():
    for registry in (ACTIVATIONS, OUTPUT_LINKS):
        for name, cls in registry.items():
            assert cls.name == ALIASES.get(name, name)


def test_sigmoid_is_another_name_for_logistic():
    assert ACTIVATIONS["sigmoid"] is ACTIVATIONS["logistic"]
    assert type(get_activation("sigmoid")) is ACTIVATIONS["logistic"]


@pytest.mark.parametrize("name", NAMES)
def test_backward_matches_finite_differences(name):
    act = ALL[name]()
    Z = _pre_activations(seed=1)
    dA = np.random.default_rng(2).normal(size=Z.shape)

    A = act.forward(Z.copy())
    dZ = act.backward(Z.copy(), A.copy(), dA.copy())
    expected = numeric_gradient(lambda z: np.sum(act.forward(z.copy()) * dA), Z)

    np.testing.assert_allclose(dZ, expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", NAMES)
def test_forward_does_not_modify_its_input(name):
    Z = _pre_activations()
    Z_before = Z.copy()
    ALL[name]().forward(Z)
    np.testing.assert_array_equal(Z, Z_before)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward_into_z_itself_gives_the_same_result(name, dtype):
    act = ALL[name]()
    Z = _pre_activations().astype(dtype)
    expected = act.forward(Z.copy())

    buffer = Z.copy()
    result = act.forward(buffer, out=buffer)

    assert np.shares_memory(result, buffer)
    np.testing.assert_array_equal(buffer, expected)


@pytest.mark.parametrize("name", NAMES)
def test_forward_into_a_separate_buffer(name):
    act = ALL[name]()
    Z = _pre_activations()
    out = np.full_like(Z, np.nan)
    result = act.forward(Z, out=out)
    assert np.shares_memory(result, out)
    np.testing.assert_array_equal(out, act.forward(Z))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_backward_into_da_itself_gives_the_same_result(name, dtype):
    act = ALL[name]()
    Z = _pre_activations().astype(dtype)
    A = act.forward(Z)
    dA = np.random.default_rng(3).normal(size=Z.shape).astype(dtype)
    expected = act.backward(Z, A, dA.copy())

    buffer = dA.copy()
    result = act.backward(Z, A, buffer, out=buffer)

    assert np.shares_memory(result, buffer)
    np.testing.assert_allclose(buffer, expected, rtol=1e-15, atol=0)


@pytest.mark.parametrize("name", [n for n in NAMES if not ALL[n].needs_input])
def test_backward_ignores_z_when_it_says_it_does_not_need_it(name):
    # Dense overwrites Z with A for these activations and then passes A as Z.
    act = ALL[name]()
    Z = _pre_activations()
    A = act.forward(Z)
    dA = np.random.default_rng(4).normal(size=Z.shape)
    expected = act.backward(Z, A, dA.copy())
    np.testing.assert_array_equal(act.backward(A.copy(), A, dA.copy()), expected)


@pytest.mark.parametrize("name", [n for n in NAMES if ALL[n].elementwise])
def test_elementwise_activations_act_on_each_entry_alone(name):
    act = ALL[name]()
    Z = _pre_activations(shape=(3, 5))
    whole = act.forward(Z)
    for j in range(Z.shape[1]):
        np.testing.assert_allclose(whole[:, j], act.forward(Z[:, [j]])[:, 0], rtol=1e-15)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward_and_backward_keep_the_dtype(name, dtype):
    act = ALL[name]()
    Z = _pre_activations().astype(dtype)
    A = act.forward(Z)
    assert A.dtype == dtype
    assert act.backward(Z, A, np.ones_like(Z)).dtype == dtype


def test_known_values():
    z = np.array([[-1.0, 0.0, 2.0]])
    np.testing.assert_array_equal(ALL["relu"]().forward(z), [[0.0, 0.0, 2.0]])
    np.testing.assert_array_equal(ALL["identity"]().forward(z), z)
    assert ALL["logistic"]().forward(np.zeros((1, 1)))[0, 0] == 0.5
    np.testing.assert_allclose(ALL["logistic"]().forward(np.array([[np.log(3.0)]])), [[0.75]])
    np.testing.assert_allclose(ALL["tanh"]().forward(z), np.tanh(z))
    np.testing.assert_allclose(ALL["exp"]().forward(z), np.exp(z))


def test_softmax_known_values_and_rows_sum_to_one():
    softmax = OUTPUT_LINKS["softmax"]()
    np.testing.assert_allclose(softmax.forward(np.array([[0.0, np.log(3.0)]])), [[0.25, 0.75]])
    # Adding a constant to a row leaves its softmax unchanged.
    np.testing.assert_allclose(
        softmax.forward(np.array([[100.0, 100.0 + np.log(3.0)]])), [[0.25, 0.75]]
    )
    Z = np.random.default_rng(5).normal(scale=3.0, size=(7, 4))
    A = softmax.forward(Z)
    np.testing.assert_allclose(A.sum(axis=1), 1.0, rtol=1e-14)
    assert np.all(A > 0)


def test_relu_derivative_is_zero_for_negative_inputs_and_one_for_positive():
    relu = ACTIVATIONS["relu"]()
    Z = np.array([[-3.0, -0.5, 0.5, 3.0]])
    A = relu.forward(Z)
    np.testing.assert_array_equal(relu.backward(Z, A, np.full_like(Z, 2.0)), [[0, 0, 2.0, 2.0]])


def _normal_cdf(z):
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def _logistic(z):
    return 1.0 / (1.0 + math.exp(-z))


# Klambauer et al. (2017), eq. 14 and the values printed below it.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

# f(z) and f'(z) written out with the math module, one scalar at a time.
CLOSED_FORMS = {
    "leaky_relu": (lambda z: z if z > 0 else 0.01 * z, lambda z: 1.0 if z > 0 else 0.01),
    "elu": (lambda z: z if z > 0 else math.exp(z) - 1.0, lambda z: 1.0 if z > 0 else math.exp(z)),
    "selu": (
        lambda z: SELU_SCALE * (z if z > 0 else SELU_ALPHA * (math.exp(z) - 1.0)),
        lambda z: SELU_SCALE * (1.0 if z > 0 else SELU_ALPHA * math.exp(z)),
    ),
    "gelu": (
        lambda z: z * _normal_cdf(z),
        lambda z: _normal_cdf(z) + z * math.exp(-z * z / 2) / math.sqrt(2 * math.pi),
    ),
    "softplus": (lambda z: math.log(1.0 + math.exp(z)), _logistic),
    "silu": (
        lambda z: z / (1.0 + math.exp(-z)),
        lambda z: _logistic(z) + z * _logistic(z) * (1.0 - _logistic(z)),
    ),
}


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_new_activations_match_their_closed_forms(name):
    f, derivative = CLOSED_FORMS[name]
    points = [-3.0, -0.7, 0.4, 2.5]
    act = ACTIVATIONS[name]()
    Z = np.array([points])
    A = act.forward(Z)
    np.testing.assert_allclose(A[0], [f(z) for z in points], rtol=1e-12)
    dZ = act.backward(Z, A, np.ones_like(Z))
    np.testing.assert_allclose(dZ[0], [derivative(z) for z in points], rtol=1e-12)


def test_selu_constants_make_a_standard_normal_input_keep_mean_0_and_variance_1():
    # The defining property of SELU's alpha and scale.
    selu = ACTIVATIONS["selu"]()

    def moment(power):
        def integrand(z):
            a = selu.forward(np.array([[z]]))[0, 0]
            return a ** power * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
        return quad(integrand, -np.inf, 0)[0] + quad(integrand, 0, np.inf)[0]

    assert moment(1) == pytest.approx(0.0, abs=1e-10)
    assert moment(2) == pytest.approx(1.0, rel=1e-10)


# f(-1e4), f(1e4), f'(-1e4), f'(1e4): the limits of each closed form.
LIMITS = {
    "leaky_relu": (-100.0, 1e4, 0.01, 1.0),
    "elu": (-1.0, 1e4, 0.0, 1.0),
    "selu": (-SELU_SCALE * SELU_ALPHA, SELU_SCALE * 1e4, 0.0, SELU_SCALE),
    "gelu": (0.0, 1e4, 0.0, 1.0),
    "softplus": (0.0, 1e4, 0.0, 1.0),
    "silu": (0.0, 1e4, 0.0, 1.0),
}


@pytest.mark.parametrize("name", sorted(LIMITS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_new_activations_reach_their_limits_at_1e4(name, dtype):
    act = ACTIVATIONS[name]()
    Z = np.array([[-1e4, 1e4]], dtype=dtype)
    A = act.forward(Z.copy())
    dZ = act.backward(Z, A, np.ones_like(Z))
    f_low, f_high, d_low, d_high = LIMITS[name]
    np.testing.assert_allclose(A[0], [f_low, f_high], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(dZ[0], [d_low, d_high], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.filterwarnings("error")
def test_every_activation_stays_finite_at_1e4(name, dtype):
    act = ALL[name]()
    Z = np.array([[1e4, -1e4, 0.0, 1.5], [-1e4, -1e4, -1e4, -1e4], [1e4, 1e4, 1e4, 1e4]],
                 dtype=dtype)
    dA = np.array([[1.0, -2.0, 0.5, 3.0]] * 3, dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        A = act.forward(Z.copy())
        dZ = act.backward(Z, A, dA)
    assert A.dtype == dtype and dZ.dtype == dtype
    assert np.all(np.isfinite(A)) and np.all(np.isfinite(dZ))


@pytest.mark.parametrize("name", ["softmax", "logistic"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_saturating_links_stay_finite_and_in_unit_interval(name, dtype):
    act = ALL[name]()
    Z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, -1e4]], dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        A = act.forward(Z)
        dZ = act.backward(Z, A, np.ones_like(Z))
    assert np.all(np.isfinite(A)) and np.all(np.isfinite(dZ))
    assert np.all((A >= 0) & (A <= 1))
    if name == "softmax":
        np.testing.assert_allclose(A.sum(axis=1), 1.0, rtol=1e-6)
        np.testing.assert_allclose(A[0], [1.0, 0.0, 0.0])
    else:
        np.testing.assert_array_equal(A[0], [1.0, 0.0, 0.5])


@pytest.mark.parametrize("registry", [ACTIVATIONS, OUTPUT_LINKS])
def test_get_activation_returns_a_fresh_instance_of_the_registered_class(registry):
    for name, cls in registry.items():
        act = get_activation(name, registry)
        assert type(act) is cls
        assert act is not get_activation(name, registry)


def test_get_activation_defaults_to_the_hidden_registry():
    assert type(get_activation("tanh")) is ACTIVATIONS["tanh"]
    # softmax is an output link only.
    with pytest.raises(ValueError):
        get_activation("softmax")


@pytest.mark.parametrize("registry", [None, ACTIVATIONS, OUTPUT_LINKS])
@pytest.mark.parametrize("bad", ["banana", None, 3])
def test_unknown_activation_lists_the_allowed_names(registry, bad):
    with pytest.raises(ValueError) as excinfo:
        get_activation(bad, registry)
    message = str(excinfo.value)
    for name in ACTIVATIONS if registry is None else registry:
        assert repr(name) in message
    assert repr(bad) in message


def _grouped_pre_activations(seed=0, n_samples=6):
    return np.random.default_rng(seed).normal(scale=2.0, size=(n_samples, 6))


GROUPS = (3, 1, 2)


def test_grouped_softmax_is_a_softmax_within_each_block():
    Z = _grouped_pre_activations()
    A = Softmax(GROUPS).forward(Z)
    expected = np.hstack([Softmax().forward(Z[:, :3]), np.ones((6, 1)),
                          Softmax().forward(Z[:, 4:])])
    np.testing.assert_allclose(A, expected, rtol=1e-15)
    for block in (slice(0, 3), slice(3, 4), slice(4, 6)):
        np.testing.assert_allclose(A[:, block].sum(axis=1), 1.0, rtol=1e-15)


def test_softmax_with_one_group_is_the_plain_softmax():
    Z = _grouped_pre_activations(seed=1)
    dA = np.random.default_rng(2).normal(size=Z.shape)
    plain = Softmax()
    A = plain.forward(Z)
    for groups in [None, (6,)]:
        act = Softmax(groups)
        np.testing.assert_array_equal(act.forward(Z), A)
        np.testing.assert_array_equal(act.backward(Z, A, dA), plain.backward(Z, A, dA))


def test_grouped_softmax_backward_matches_finite_differences():
    act = Softmax(GROUPS)
    Z = _grouped_pre_activations(seed=3)
    dA = np.random.default_rng(4).normal(size=Z.shape)
    dZ = act.backward(Z, act.forward(Z), dA.copy())
    expected = numeric_gradient(lambda z: np.sum(act.forward(z) * dA), Z)
    np.testing.assert_allclose(dZ, expected, rtol=1e-6, atol=1e-8)
    # A block of one column is the constant 1: nothing flows back through it.
    np.testing.assert_array_equal(dZ[:, 3], 0.0)


def test_grouped_softmax_in_place():
    act = Softmax(GROUPS)
    Z = _grouped_pre_activations(seed=5)
    A = act.forward(Z)
    buffer = Z.copy()
    assert np.shares_memory(act.forward(buffer, out=buffer), buffer)
    np.testing.assert_array_equal(buffer, A)

    dA = np.random.default_rng(6).normal(size=Z.shape)
    expected = act.backward(Z, A, dA.copy())
    assert np.shares_memory(act.backward(Z, A, dA, out=dA), dA)
    np.testing.assert_array_equal(dA, expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.filterwarnings("error")
def test_grouped_softmax_stays_finite_at_1e4(dtype):
    act = Softmax((2, 3))
    Z = np.array([[1e4, -1e4, -1e4, 0.0, 1e4], [-1e4, -1e4, 1e4, 1e4, -1e4]], dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        A = act.forward(Z)
        dZ = act.backward(Z, A, np.ones_like(Z))
    assert A.dtype == dtype and dZ.dtype == dtype
    assert np.all(np.isfinite(dZ))
    assert np.all((A >= 0) & (A <= 1))
    np.testing.assert_allclose(A[0], [1.0, 0.0, 0.0, 0.0, 1.0])
    np.testing.assert_allclose(A[1], [0.5, 0.5, 0.5, 0.5, 0.0])


def test_grouped_softmax_pickles_with_its_groups():
    act = pickle.loads(pickle.dumps(Softmax((2, 3))))
    assert act.name == "softmax" and act.groups == (2, 3)
    assert repr(act) == "Softmax(groups=(2, 3))"
    assert repr(Softmax()) == "Softmax()"


@pytest.mark.parametrize("groups", [(), (2, 0), (2, -1), (2.5, 3), "ab", 3])
def test_bad_groups_raise_value_error(groups):
    with pytest.raises(ValueError, match="groups"):
        Softmax(groups)


def test_groups_that_do_not_cover_the_columns_raise_value_error():
    with pytest.raises(ValueError, match="cover 5 columns, got 6"):
        Softmax((2, 3)).forward(np.zeros((1, 6)))


def test_an_activation_that_defines_no_function_refuses_to_compute():
    # What someone adding an activation gets until they write forward and backward.
    class Unfinished(Activation):
        name = "unfinished"

    Z = np.zeros((2, 3))
    with pytest.raises(NotImplementedError):
        Unfinished().forward(Z)
    with pytest.raises(NotImplementedError):
        Unfinished().backward(Z, Z, Z)
