"""Tests for sk_ann.core.activations: forward/backward pairs, in-place use, stability.

Every test that is not about one named function runs over the union of the
``ACTIVATIONS`` and ``OUTPUT_LINKS`` registries, so a newly registered
activation is gradient-checked without touching this file.
"""

import numpy as np
import pytest
from gradcheck import numeric_gradient

from sk_ann.core.activations import ACTIVATIONS, OUTPUT_LINKS, get_activation

ALL = {**ACTIVATIONS, **OUTPUT_LINKS}
NAMES = sorted(ALL)


def _pre_activations(seed=0, shape=(6, 4)):
    """Z away from 0 by at least 0.05, so ReLU's kink never sits inside ±eps."""
    rng = np.random.default_rng(seed)
    Z = rng.uniform(0.05, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    return Z


def test_registries_are_keyed_by_the_class_name():
    for registry in (ACTIVATIONS, OUTPUT_LINKS):
        for name, cls in registry.items():
            assert cls.name == name


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
def test_forward_into_z_itself_gives_the_same_result(name):
    act = ALL[name]()
    Z = _pre_activations()
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
def test_backward_into_da_itself_gives_the_same_result(name):
    act = ALL[name]()
    Z = _pre_activations()
    A = act.forward(Z)
    dA = np.random.default_rng(3).normal(size=Z.shape)
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
