"""Tests for sk_ann.core.normalization: BatchNorm forward, backward, running statistics, buffers."""

import pickle
import warnings

import numpy as np
import pytest
from gradcheck import numeric_gradient

from sk_ann.core.normalization import BatchNorm

EPSILON = 1e-5


def _bound(n_features=3, seed=0, dtype=np.float64, momentum=0.1):
    """A BatchNorm bound to flat vectors as a network binds it, with random γ and β.

    Returns the layer and its parameter (γ then β), gradient and state
    (running mean then running variance) vectors.
    """
    bn = BatchNorm(n_features, momentum=momentum, epsilon=EPSILON)
    params = np.empty(bn.n_params, dtype=dtype)
    grads = np.zeros(bn.n_params, dtype=dtype)
    state = np.empty(bn.n_state, dtype=dtype)
    n = n_features
    bn.bind(params[:n], params[n:], grads[:n], grads[n:], state[:n], state[n:])
    bn.reset()
    rng = np.random.default_rng(seed)
    params[:n] = rng.uniform(0.5, 2.0, size=n) * rng.choice([-1, 1], size=n)
    params[n:] = rng.normal(size=n)
    return bn, params, grads, state


def _batch(n_samples, n_features=3, seed=1):
    """Pre-activations whose columns have different centres and spreads."""
    rng = np.random.default_rng(seed)
    return rng.normal(loc=np.linspace(2.0, -1.0, n_features),
                      scale=np.linspace(3.0, 0.5, n_features), size=(n_samples, n_features))


def _reference(Z, gamma, beta):
    """γ (Z − μ_B) / √(σ²_B + ε) + β, with the biased batch variance as in the paper."""
    return gamma * (Z - Z.mean(axis=0)) / np.sqrt(Z.var(axis=0) + EPSILON) + beta


def test_counts_of_parameters_and_state():
    bn = BatchNorm(5)
    assert bn.n_params == 10
    assert bn.n_state == 10


@pytest.mark.parametrize("kwargs, word", [
    ({"n_features": 0}, "n_features"),
    ({"n_features": 2, "momentum": -0.1}, "momentum"),
    ({"n_features": 2, "momentum": 1.5}, "momentum"),
    ({"n_features": 2, "epsilon": 0.0}, "epsilon"),
])
def test_bad_constructor_arguments_are_rejected_by_name(kwargs, word):
    with pytest.raises(ValueError, match=word):
        BatchNorm(**kwargs)


def test_bind_keeps_the_values_and_reset_sets_the_starting_ones():
    bn = BatchNorm(2)
    params = np.arange(4.0)
    grads = np.zeros(4)
    state = np.arange(4.0) + 10
    bn.bind(params[:2], params[2:], grads[:2], grads[2:], state[:2], state[2:])
    np.testing.assert_array_equal(params, [0.0, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(state, [10.0, 11.0, 12.0, 13.0])

    bn.reset()
    np.testing.assert_array_equal(params, [1.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(state, [0.0, 0.0, 1.0, 1.0])
    for view, base in [(bn.gamma, params), (bn.beta, params), (bn.dgamma, grads),
                       (bn.dbeta, grads), (bn.running_mean, state), (bn.running_var, state)]:
        assert np.shares_memory(view, base)


@pytest.mark.parametrize("n_samples", [2, 3, 8, 33])
def test_training_forward_is_the_reference_formula(n_samples):
    bn, _, _, _ = _bound()
    Z = _batch(n_samples)
    Z_before = Z.copy()
    out = bn.forward(Z, training=True)
    np.testing.assert_allclose(out, _reference(Z, bn.gamma, bn.beta), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(Z, Z_before)


def test_training_output_columns_have_mean_beta_and_std_gamma():
    bn, _, _, _ = _bound(seed=3)
    Z = _batch(50, seed=4)
    out = bn.forward(Z, training=True)
    np.testing.assert_allclose(out.mean(axis=0), bn.beta, atol=1e-12)
    # ε shrinks the spread by √(σ² / (σ² + ε)), a factor within 1e-4 of 1 for these columns.
    shrink = np.sqrt(Z.var(axis=0) / (Z.var(axis=0) + EPSILON))
    np.testing.assert_allclose(out.std(axis=0), np.abs(bn.gamma) * shrink, rtol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), np.abs(bn.gamma), rtol=1e-4)


@pytest.mark.parametrize("n_samples", [1, 2, 3, 7, 16])
def test_backward_matches_finite_differences(n_samples):
    """dZ, dγ and dβ of s = Σ C ⊙ Z' in training mode against central differences."""
    bn, params, grads, _ = _bound(seed=5)
    Z = _batch(n_samples, seed=6)
    C = np.random.default_rng(7).normal(size=Z.shape)  # plays ∂s/∂Z'

    bn.forward(Z, training=True)
    dZ = bn.backward(C)

    def s_of_params(_):
        return np.sum(bn.forward(Z, training=True) * C)

    def s_of_inputs(z):
        return np.sum(_reference(z, bn.gamma, bn.beta) * C)

    np.testing.assert_allclose(grads, numeric_gradient(s_of_params, params), rtol=1e-6,
                               atol=1e-8)
    np.testing.assert_allclose(dZ, numeric_gradient(s_of_inputs, Z.copy()), rtol=1e-6,
                               atol=1e-8)
    np.testing.assert_array_equal(bn.dgamma, grads[:3])
    np.testing.assert_array_equal(bn.dbeta, grads[3:])


def test_backward_leaves_its_input_alone_by_default():
    bn, _, _, _ = _bound()
    Z = _batch(6)
    G = np.random.default_rng(8).normal(size=Z.shape)
    G_before = G.copy()
    bn.forward(Z, training=True)
    bn.backward(G)
    np.testing.assert_array_equal(G, G_before)


@pytest.mark.parametrize("n_samples", [1, 5])
def test_out_may_be_the_input_in_forward_and_backward(n_samples):
    bn, _, grads, state = _bound(seed=9)
    other, _, other_grads, other_state = _bound(seed=9)
    Z = _batch(n_samples, seed=10)
    G = np.random.default_rng(11).normal(size=Z.shape)

    expected = other.forward(Z, training=True)
    expected_dZ = other.backward(G)

    Z_work = Z.copy()
    assert bn.forward(Z_work, training=True, out=Z_work) is Z_work
    np.testing.assert_allclose(Z_work, expected, rtol=1e-13, atol=1e-15)
    G_work = G.copy()
    assert bn.backward(G_work, out=G_work) is G_work
    np.testing.assert_allclose(G_work, expected_dZ, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(grads, other_grads, rtol=1e-13, atol=1e-15)
    np.testing.assert_array_equal(state, other_state)

    Z_work = Z.copy()
    assert bn.forward(Z_work, out=Z_work) is Z_work
    np.testing.assert_allclose(Z_work, other.forward(Z), rtol=1e-13)


@pytest.mark.parametrize("momentum", [0.1, 0.35, 1.0])
def test_running_statistics_are_the_exponential_average(momentum):
    bn, _, _, state = _bound(momentum=momentum)
    mean, var = np.zeros(3), np.ones(3)
    for k, n_samples in enumerate([5, 12, 2, 7]):
        Z = _batch(n_samples, seed=20 + k)
        bn.forward(Z, training=True)
        mean = (1 - momentum) * mean + momentum * Z.mean(axis=0)
        var = (1 - momentum) * var + momentum * Z.var(axis=0, ddof=1)
    np.testing.assert_allclose(bn.running_mean, mean, rtol=1e-13)
    np.testing.assert_allclose(bn.running_var, var, rtol=1e-13)


def test_inference_uses_the_running_statistics_and_changes_nothing():
    bn, params, grads, state = _bound(seed=12)
    for k in range(4):
        bn.forward(_batch(9, seed=30 + k), training=True)
    Z_last = _batch(6, seed=40)
    G = np.random.default_rng(41).normal(size=Z_last.shape)
    bn.forward(Z_last, training=True)
    saved = params.copy(), state.copy()

    Z = _batch(11, seed=42)
    out = bn.forward(Z)
    expected = (bn.gamma * (Z - bn.running_mean) / np.sqrt(bn.running_var + EPSILON)
                + bn.beta)
    np.testing.assert_allclose(out, expected, rtol=1e-13)
    np.testing.assert_array_equal(params, saved[0])
    np.testing.assert_array_equal(state, saved[1])

    # The pending backward still belongs to the last training batch.
    dZ = bn.backward(G)
    reference, _, reference_grads, _ = _bound(seed=12)
    reference.forward(Z_last, training=True)
    np.testing.assert_allclose(dZ, reference.backward(G), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grads, reference_grads, rtol=1e-12, atol=1e-14)


def test_fresh_statistics_leave_inference_close_to_the_affine_map():
    bn, _, _, _ = _bound(seed=13)
    Z = _batch(4)
    np.testing.assert_allclose(bn.forward(Z), bn.gamma * Z / np.sqrt(1 + EPSILON) + bn.beta,
                               rtol=1e-13)


def test_n_features_is_a_python_int():
    # Layer sizes often come from numpy (an array's shape, np.arange): the sizes
    # BatchNorm reports, its repr and a saved model hold plain ints all the same.
    bn = BatchNorm(np.int64(3))
    assert type(bn.n_features) is int and type(bn.n_params) is int
    assert repr(bn).startswith("BatchNorm(3, ")
    assert BatchNorm(3.0).n_params == 6 and type(BatchNorm(3.0).n_state) is int


def test_float32_stays_float32():
    # numpy scalars would turn float32 arrays into float64 under NEP 50.
    bn = BatchNorm(3, momentum=np.float64(0.1), epsilon=np.float64(EPSILON))
    assert type(bn.momentum) is float and type(bn.epsilon) is float
    params, grads, state = (np.zeros(6, np.float32) for _ in range(3))
    bn.bind(params[:3], params[3:], grads[:3], grads[3:], state[:3], state[3:])
    bn.reset()
    params[:] = [1.5, -0.5, 2.0, 0.1, -0.3, 0.0]
    Z = _batch(10).astype(np.float32)
    G = np.random.default_rng(14).normal(size=Z.shape).astype(np.float32)

    out = bn.forward(Z, training=True)
    dZ = bn.backward(G)
    assert out.dtype == dZ.dtype == np.float32
    assert params.dtype == grads.dtype == state.dtype == np.float32
    assert bn.forward(Z).dtype == np.float32

    reference, _, reference_grads, reference_state = _bound()
    reference.gamma[...], reference.beta[...] = params[:3], params[3:]
    Z64, G64 = Z.astype(np.float64), G.astype(np.float64)
    np.testing.assert_allclose(out, reference.forward(Z64, training=True), rtol=1e-5,
                               atol=1e-5)
    np.testing.assert_allclose(dZ, reference.backward(G64), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(grads, reference_grads, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(state, reference_state, rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_one_row_batch_gives_beta_and_finite_gradients(dtype):
    bn, _, _, state = _bound(seed=15, dtype=dtype)
    state[:3] = [0.5, -1.0, 2.0]
    state[3:] = [2.0, 3.0, 4.0]
    z = np.array([[4.0, -2.0, 7.0]], dtype=dtype)
    g = np.array([[0.3, -1.2, 2.5]], dtype=dtype)

    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        out = bn.forward(z, training=True)
        dz = bn.backward(g)

    np.testing.assert_array_equal(out, bn.beta[None, :])
    # The output is β whatever Z is, so nothing flows back to Z or γ.
    np.testing.assert_array_equal(dz, np.zeros_like(z))
    np.testing.assert_array_equal(bn.dgamma, np.zeros(3))
    np.testing.assert_array_equal(bn.dbeta, g[0])
    np.testing.assert_allclose(bn.running_mean, 0.9 * np.array([0.5, -1.0, 2.0]) + 0.1 * z[0],
                               rtol=1e-6)
    np.testing.assert_array_equal(bn.running_var, np.array([2.0, 3.0, 4.0], dtype=dtype))


def test_buffers_are_reused_across_batch_sizes_without_wrong_results():
    bn, _, grads, state = _bound(seed=16)
    rng = np.random.default_rng(17)
    # Large (the buffers grow), small (their leading rows), large again, one row.
    for n_samples in (20, 3, 20, 7, 1, 20, 2):
        Z = rng.normal(size=(n_samples, 3))
        G = rng.normal(size=(n_samples, 3))
        fresh, _, fresh_grads, fresh_state = _bound(seed=16)
        fresh_state[...] = state

        out = bn.forward(Z, training=True)
        assert out.shape == (n_samples, 3)
        np.testing.assert_allclose(out, fresh.forward(Z, training=True), rtol=1e-13,
                                   atol=1e-15)
        dZ = bn.backward(G)
        assert dZ.shape == (n_samples, 3)
        np.testing.assert_allclose(dZ, fresh.backward(G), rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(grads, fresh_grads, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(state, fresh_state, rtol=1e-13)


def test_release_drops_the_work_arrays_and_backward_needs_a_new_forward():
    bn, _, _, _ = _bound()
    Z = _batch(5)
    G = np.ones((5, 3))
    bn.forward(Z, training=True)
    bn.release()
    with pytest.raises(RuntimeError, match="training=True"):
        bn.backward(G)
    np.testing.assert_allclose(bn.forward(Z, training=True), _reference(Z, bn.gamma, bn.beta),
                               rtol=1e-12)
    assert bn.backward(G).shape == (5, 3)


def test_pickle_keeps_the_numbers_and_not_the_work_arrays():
    bn, _, _, _ = _bound(n_features=8, seed=18)
    big = np.random.default_rng(19).normal(size=(10_000, 8))  # 640 kB per work array
    bn.forward(big, training=True)
    data = pickle.dumps(bn)
    assert len(data) < 10_000

    restored = pickle.loads(data)
    for name in ("gamma", "beta", "running_mean", "running_var"):
        np.testing.assert_array_equal(getattr(restored, name), getattr(bn, name))
    Z = big[:4]
    np.testing.assert_array_equal(restored.forward(Z), bn.forward(Z))
    with pytest.raises(RuntimeError):
        restored.backward(np.ones((4, 8)))
    # The original keeps its batch.
    assert bn.backward(np.ones((10_000, 8))).shape == (10_000, 8)


def test_repr_names_the_size_and_settings():
    text = repr(BatchNorm(7, momentum=0.2, epsilon=1e-3))
    assert "7" in text and "0.2" in text and "0.001" in text
