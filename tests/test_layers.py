"""Tests for sk_ann.core.layers: Dense storage, forward, backward, buffers, Neuron views."""

import numpy as np
import pytest
import scipy.sparse as sp
from gradcheck import numeric_gradient
from scipy.special import expit

from sk_ann.core.activations import ACTIVATIONS, OUTPUT_LINKS, Activation
from sk_ann.core.layers import Dense, Neuron

ALL = {**ACTIVATIONS, **OUTPUT_LINKS}
ELEMENTWISE = sorted(name for name, cls in ALL.items() if cls.elementwise)


class _Softplus(Activation):
    """log(1 + e^z), whose derivative reads Z: it exercises the needs_input path."""

    name = "softplus_for_tests"
    needs_input = True

    def forward(self, Z, out=None):
        return np.logaddexp(0, Z, out=out)

    def backward(self, Z, A, dA, out=None):
        return np.multiply(dA, expit(Z), out=out)


# Where the tests' own reference computations look activations up.
REFERENCE = {**ALL, _Softplus.name: _Softplus}


def _dense(n_in, n_out, activation="relu", dtype=np.float64):
    """A Dense layer of ``n_out`` neurons built for ``n_in`` inputs."""
    layer = Dense(n_out, activation)
    layer.build((n_in,), dtype)
    return layer


def _bound_layer(n_in=4, n_out=3, activation="tanh", seed=0, dtype=np.float64):
    """A layer bound to fresh random parameters, with the vectors it is bound to."""
    layer = _dense(n_in, n_out, activation, dtype)
    params = np.random.default_rng(seed).normal(scale=0.5, size=layer.n_params).astype(dtype)
    grads = np.zeros_like(params)
    _bind_flat(layer, params, grads)
    return layer, params, grads


def _bind_flat(layer, params, grads):
    """Bind ``layer`` to flat vectors holding W (row-major) then b, as a network does."""
    n_w = layer.n_in * layer.n_out
    shape = (layer.n_in, layer.n_out)
    layer.bind({"W": params[:n_w].reshape(shape), "b": params[n_w:]},
               {"W": grads[:n_w].reshape(shape), "b": grads[n_w:]}, {})


def _inputs(n_samples=5, n_in=4, seed=1, sparse=None):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_in))
    X[rng.uniform(size=X.shape) < 0.4] = 0.0  # some zeros, so sparse input is sparse
    return X if sparse is None else sparse(X)


def _reference_forward(layer, X):
    """f(X @ W + b), computed from the layer's arrays without the layer's code path."""
    X = X.toarray() if sp.issparse(X) else X
    return REFERENCE[layer.activation]().forward(X @ layer.W + layer.b)


def test_n_params_counts_weights_and_biases():
    assert _dense(4, 3).n_params == 15
    assert _dense(1, 1).n_params == 2


def test_unknown_activation_is_rejected_with_the_allowed_names():
    with pytest.raises(ValueError) as excinfo:
        Dense(2, "banana")
    assert "'banana'" in str(excinfo.value)
    for name in ALL:
        assert repr(name) in str(excinfo.value)


def test_bind_gives_views_into_the_flat_vectors():
    layer = _dense(4, 3)
    params = np.arange(layer.n_params, dtype=float)
    grads = np.zeros(layer.n_params)
    _bind_flat(layer, params, grads)

    # W is the first n_in * n_out entries, row by row; b the rest.
    np.testing.assert_array_equal(layer.W, params[:12].reshape(4, 3))
    np.testing.assert_array_equal(layer.b, params[12:])
    assert layer.W.shape == (4, 3) and layer.b.shape == (3,)
    assert layer.dW.shape == (4, 3) and layer.db.shape == (3,)
    assert layer.weights is layer.W and layer.bias is layer.b
    for view, base in [(layer.W, params), (layer.b, params), (layer.dW, grads), (layer.db, grads)]:
        assert np.shares_memory(view, base)

    layer.W[1, 2] = -7.0
    assert params[1 * 3 + 2] == -7.0
    layer.b[0] = -9.0
    assert params[12] == -9.0
    params[0] = 100.0
    assert layer.W[0, 0] == 100.0
    layer.dW[3, 1] = 5.0
    assert grads[3 * 3 + 1] == 5.0


@pytest.mark.parametrize("activation", sorted(ALL))
@pytest.mark.parametrize("training", [False, True])
def test_forward_is_activation_of_affine(activation, training):
    layer, _, _ = _bound_layer(activation=activation)
    X = _inputs()
    A = layer.forward(X, training=training)
    assert A.shape == (5, 3)
    np.testing.assert_allclose(A, _reference_forward(layer, X), rtol=1e-13)
    np.testing.assert_allclose(layer.affine(X), X @ layer.W + layer.b, rtol=1e-13)


@pytest.mark.parametrize("sparse", [sp.csr_matrix, sp.csr_array])
def test_forward_accepts_sparse_csr_input(sparse):
    layer, _, _ = _bound_layer(activation="relu")
    X = _inputs()
    for training in (False, True):
        np.testing.assert_allclose(
            layer.forward(sparse(X), training=training), _reference_forward(layer, X), rtol=1e-13
        )


def _check_backward(activation, sparse):
    """dW, db and dX of s = sum(f(X W + b) * G) against finite differences."""
    layer, params, grads = _bound_layer(activation=activation, seed=2)
    X_dense = _inputs(seed=3)
    G = np.random.default_rng(4).normal(size=(5, 3))  # plays ∂s/∂A
    Z = X_dense @ layer.W + layer.b
    assert np.min(np.abs(Z)) > 1e-4, "pick another seed: a ReLU kink sits within ±eps"

    X = X_dense if sparse is None else sparse(X_dense)
    layer.forward(X, training=True)
    dX = layer.backward(G.copy())

    def s_of_params(_):
        return np.sum(layer.forward(X) * G)

    def s_of_inputs(x):
        return np.sum(_reference_forward(layer, x) * G)

    np.testing.assert_allclose(grads, numeric_gradient(s_of_params, params), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dX, numeric_gradient(s_of_inputs, X_dense.copy()), rtol=1e-6,
                               atol=1e-8)
    # dW and db are views of the gradient vector the layer was bound to.
    np.testing.assert_array_equal(layer.dW.ravel(), grads[:12])
    np.testing.assert_array_equal(layer.db, grads[12:])


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_backward_matches_finite_differences(activation):
    _check_backward(activation, sparse=None)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("sparse", [sp.csr_matrix, sp.csr_array])
def test_backward_matches_finite_differences_with_sparse_input(activation, sparse):
    _check_backward(activation, sparse)


@pytest.mark.parametrize("activation", sorted(set(OUTPUT_LINKS) - set(ACTIVATIONS)))
def test_backward_through_output_links(activation):
    _check_backward(activation, sparse=None)


def test_backward_of_an_identity_layer_is_that_of_the_affine_map():
    layer, _, _ = _bound_layer(activation="identity")
    X = _inputs()
    dZ = np.random.default_rng(5).normal(size=(5, 3))
    layer.forward(X, training=True)
    dX = layer.backward(dZ.copy())
    np.testing.assert_allclose(layer.dW, X.T @ dZ, rtol=1e-13)
    np.testing.assert_allclose(layer.db, dZ.sum(axis=0), rtol=1e-13)
    np.testing.assert_allclose(dX, dZ @ layer.W.T, rtol=1e-13)


def test_need_dx_false_returns_none_but_fills_the_gradients():
    layer, _, grads = _bound_layer(activation="relu")
    X = _inputs()
    G = np.ones((5, 3))
    layer.forward(X, training=True)
    expected = X.T @ (G * (X @ layer.W + layer.b > 0))
    assert layer.backward(G.copy(), need_dX=False) is None
    np.testing.assert_allclose(layer.dW, expected, rtol=1e-13)
    assert np.any(grads != 0)


@pytest.mark.parametrize("activation", ["tanh", "relu", "softmax"])
def test_buffers_are_reused_across_batch_sizes_without_wrong_results(activation):
    layer, params, grads = _bound_layer(activation=activation, seed=6)
    rng = np.random.default_rng(7)
    # Small, then large (the buffers grow), small (views of them), large again.
    for n_samples in (8, 20, 3, 20, 7):
        X = rng.normal(size=(n_samples, 4))
        G = rng.normal(size=(n_samples, 3))
        # A freshly bound layer with a copy of the parameters is the reference.
        fresh, _, fresh_grads = _bound_layer(activation=activation, seed=6)

        A = layer.forward(X, training=True)
        assert A.shape == (n_samples, 3)
        np.testing.assert_allclose(A, fresh.forward(X, training=True), rtol=1e-13)
        dX = layer.backward(G.copy())
        expected_dX = fresh.backward(G.copy())
        assert dX.shape == (n_samples, 4)
        np.testing.assert_allclose(dX, expected_dX, rtol=1e-13)
        np.testing.assert_allclose(grads, fresh_grads, rtol=1e-13)
    np.testing.assert_array_equal(params, _bound_layer(activation=activation, seed=6)[1])


def test_release_drops_the_work_arrays_and_forward_still_works():
    layer, _, _ = _bound_layer()
    X = _inputs()
    layer.forward(X, training=True)
    layer.release()
    np.testing.assert_allclose(layer.forward(X, training=True), _reference_forward(layer, X))


def test_forward_in_float32_layer_stays_float32():
    layer, _, _ = _bound_layer(dtype=np.float32)
    X = _inputs().astype(np.float32)
    assert layer.forward(X, training=True).dtype == np.float32
    assert layer.backward(np.ones((5, 3), np.float32)).dtype == np.float32


# --- Neuron views ------------------------------------------------------------


def test_neurons_are_one_per_output_column():
    layer, _, _ = _bound_layer(n_in=4, n_out=3)
    neurons = layer.neurons
    assert len(neurons) == 3
    assert len(list(neurons)) == 3
    for j, neuron in enumerate(neurons):
        assert isinstance(neuron, Neuron)
        assert neuron.index == j
        np.testing.assert_array_equal(neuron.weights, layer.W[:, j])
        assert neuron.weights.shape == (4,)
        assert neuron.bias == layer.b[j]
        assert type(neuron.bias) is float
        assert neuron.activation == layer.activation


def test_neuron_weights_are_read_only_and_the_layer_stays_writable():
    layer, params, _ = _bound_layer()
    weights = layer.neurons[1].weights
    with pytest.raises(ValueError):
        weights[0] = 123.0
    assert not np.any(params == 123.0)
    # The read-only flag belongs to the view, not to the layer's own arrays.
    layer.W[0, 1] = 5.0
    assert params[1] == 5.0
    assert layer.neurons[1].weights[0] == 5.0


def test_neuron_view_follows_later_changes_of_the_parameters():
    layer, params, _ = _bound_layer()
    neuron = layer.neurons[2]
    params[:] = 0.0
    layer.W[:, 2] = [1.0, 2.0, 3.0, 4.0]
    layer.b[2] = -0.5
    np.testing.assert_array_equal(neuron.weights, [1.0, 2.0, 3.0, 4.0])
    assert neuron.bias == -0.5


@pytest.mark.parametrize("activation", ELEMENTWISE + ["softmax"])
def test_calling_a_neuron_gives_its_column_of_the_layer_output(activation):
    layer, _, _ = _bound_layer(activation=activation, seed=8)
    X = _inputs(n_samples=6, seed=9)
    expected = layer.forward(X)
    for j in range(layer.n_out):
        out = layer.neurons[j](X)
        assert out.shape == (6,)
        np.testing.assert_allclose(out, expected[:, j], rtol=1e-13)


@pytest.mark.parametrize("activation", ["relu", "softmax"])
def test_calling_a_neuron_on_sparse_input(activation):
    layer, _, _ = _bound_layer(activation=activation, seed=8)
    X = _inputs(n_samples=6, seed=9)
    np.testing.assert_allclose(layer.neurons[1](sp.csr_matrix(X)), layer.forward(X)[:, 1],
                               rtol=1e-13)


def test_negative_neuron_index_counts_from_the_end():
    layer, _, _ = _bound_layer(n_out=3)
    last = layer.neurons[-1]
    assert last.index == 2
    np.testing.assert_array_equal(last.weights, layer.W[:, 2])
    assert layer.neurons[-3].index == 0


def test_neuron_index_out_of_range_raises_index_error():
    layer, _, _ = _bound_layer(n_out=3)
    with pytest.raises(IndexError):
        layer.neurons[3]
    with pytest.raises(IndexError):
        layer.neurons[-4]


def test_neuron_slices_give_lists_of_views():
    layer, _, _ = _bound_layer(n_out=3)
    assert [n.index for n in layer.neurons[1:]] == [1, 2]
    assert [n.index for n in layer.neurons[::-1]] == [2, 1, 0]


def test_neuron_repr_names_index_inputs_and_activation():
    layer, _, _ = _bound_layer(n_in=4, activation="logistic")
    text = repr(layer.neurons[2])
    assert "2" in text and "4" in text and "logistic" in text


def test_dense_repr_names_sizes_activation_and_options():
    text = repr(_dense(7, 5, "tanh"))
    assert "7" in text and "5" in text and "tanh" in text
    assert "dropout" not in text and "batch_norm" not in text
    layer = Dense(5, "tanh", dropout=0.25, batch_norm=True)
    layer.build((7,), np.float64)
    assert repr(layer).endswith("dropout=0.25, batch_norm=True)")


def test_activation_that_needs_z_gets_z_not_a(monkeypatch):
    # Dense overwrites Z with A unless the activation says it needs Z; a new
    # activation like GELU or SiLU relies on that promise.
    monkeypatch.setitem(ACTIVATIONS, _Softplus.name, _Softplus)
    _check_backward(_Softplus.name, sparse=None)
    layer, _, _ = _bound_layer(activation=_Softplus.name, seed=10)
    for n_samples in (9, 2, 9):
        X = _inputs(n_samples=n_samples, seed=n_samples)
        np.testing.assert_allclose(layer.forward(X, training=True), _Softplus().forward(
            X @ layer.W + layer.b), rtol=1e-13)
        dX = layer.backward(np.ones((n_samples, 3)))
        np.testing.assert_allclose(dX, expit(X @ layer.W + layer.b) @ layer.W.T, rtol=1e-13)
