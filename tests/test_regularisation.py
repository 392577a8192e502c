"""Dropout, batch normalisation, the L1 penalty and gradient clipping inside the network."""

import pickle

import numpy as np
import pytest
from gradcheck import numeric_gradient

from sk_ann.core.losses import LOSSES
from sk_ann.core.network import Network
from sk_ann.core.training import clip_gradient_norm, objective


def _net(batch_norm=False, dropout=0.0, hidden="tanh", seed=0, sizes=(3, 5, 4, 2)):
    net = Network.from_sizes(sizes, hidden, "identity", dropout=dropout, batch_norm=batch_norm)
    return net.initialize(np.random.RandomState(seed))


def _data(n=7, seed=1):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 3)), rng.normal(size=(n, 2))


# --- gradients ---------------------------------------------------------------------


@pytest.mark.parametrize("batch_norm", [False, True, [True, False]])
@pytest.mark.parametrize("dropout", [0.0, 0.4, [0.5, 0.0]])
@pytest.mark.parametrize("hidden", ["tanh", "relu"])
def test_objective_gradient_with_dropout_batch_norm_and_penalties(batch_norm, dropout, hidden):
    net = _net(batch_norm, dropout, hidden)
    # Move γ and β off their starting values so that their gradients are tested
    # at a general point.
    net.params[net.n_weights:] += np.random.default_rng(5).normal(
        scale=0.3, size=net.n_params - net.n_weights)
    X, Y = _data()
    loss = LOSSES["squared_error"]()
    sw = np.random.default_rng(2).uniform(0.5, 2, X.shape[0])

    def J(_):
        # A fresh rng with the same seed draws the same dropout masks every call.
        return objective(net, loss, X, Y, sw, 0.2, l1=0.1, rng=np.random.RandomState(3))

    J(None)
    analytic = net.grads.copy()
    numeric = numeric_gradient(J, net.params)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def test_l1_penalty_adds_sign_of_weights_on_weights_only():
    net = _net()
    X, Y = _data()
    loss = LOSSES["squared_error"]()
    plain = objective(net, loss, X, Y)
    g_plain = net.grads.copy()
    penalised = objective(net, loss, X, Y, l1=0.7)
    weights = net.params[:net.n_weights]
    assert penalised == pytest.approx(plain + 0.7 / X.shape[0] * np.abs(weights).sum())
    expected = g_plain.copy()
    expected[:net.n_weights] += 0.7 / X.shape[0] * np.sign(weights)
    np.testing.assert_allclose(net.grads, expected, rtol=1e-12)


def test_clip_gradient_norm_caps_the_norm_and_keeps_the_direction():
    g = np.array([3.0, 4.0])
    assert clip_gradient_norm(g, 1.0) == pytest.approx(5.0)
    np.testing.assert_allclose(g, [0.6, 0.8])
    small = np.array([0.3, 0.4])
    clip_gradient_norm(small, 1.0)
    np.testing.assert_array_equal(small, [0.3, 0.4])


# --- dropout -------------------------------------------------------------------------


def test_dropout_zeroes_outputs_at_its_rate_and_scales_the_rest_in_training_only():
    net = _net(dropout=0.3, sizes=(3, 400, 2))
    X = np.random.default_rng(0).normal(size=(500, 3))
    layer = net.layers[0]
    plain = layer.forward(X)
    dropped = layer.forward(X, training=True, rng=np.random.RandomState(0))
    active = plain != 0
    zeroed = (dropped == 0) & active
    assert zeroed.sum() / active.sum() == pytest.approx(0.3, abs=0.01)
    kept = (dropped != 0)
    np.testing.assert_allclose(dropped[kept], plain[kept] / 0.7, rtol=1e-12)
    # Inverted dropout: the expected training output is the predict-time output.
    assert np.abs(dropped).mean() == pytest.approx(np.abs(plain).mean(), rel=0.02)
    np.testing.assert_array_equal(net.predict(X), net.predict(X))


def test_dropout_masks_come_from_the_rng():
    net = _net(dropout=0.5)
    X, _ = _data()
    a = net.forward(X, training=True, rng=np.random.RandomState(1)).copy()
    b = net.forward(X, training=True, rng=np.random.RandomState(1)).copy()
    c = net.forward(X, training=True, rng=np.random.RandomState(2)).copy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_dropout_without_an_rng_refuses_to_train():
    net = _net(dropout=0.5)
    X, _ = _data()
    with pytest.raises(ValueError, match="rng"):
        net.forward(X, training=True)


# --- batch normalisation ------------------------------------------------------------


def test_batch_norm_parameters_follow_the_biases_and_stats_live_in_buffers():
    net = _net(batch_norm=[True, False])
    n_plain = sum(layer.W.size + layer.b.size for layer in net.layers)
    assert net.n_params == n_plain + 2 * 5
    np.testing.assert_array_equal(net.params[n_plain:n_plain + 5], 1.0)  # γ
    np.testing.assert_array_equal(net.params[n_plain + 5:], 0.0)  # β
    assert net.buffers.shape == (10,)
    assert net.layers[1].norm is None


def test_batch_norm_trains_on_batch_stats_and_predicts_with_running_ones():
    net = _net(batch_norm=True, sizes=(3, 4, 1))
    X = np.random.default_rng(0).normal(loc=3.0, scale=2.0, size=(200, 3))
    before = net.buffers.copy()
    predicted = net.predict(X)
    np.testing.assert_array_equal(net.buffers, before)  # predict changes nothing
    for _ in range(250):  # 0.9 ** 250: the starting values are forgotten
        net.forward(X, training=True)
    norm = net.layers[0].norm
    Z = X @ net.layers[0].W + net.layers[0].b
    np.testing.assert_allclose(norm.running_mean, Z.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(norm.running_var, Z.var(axis=0, ddof=1), rtol=1e-6)
    # Out of training the layer normalises with the running statistics.
    expected = np.tanh((Z - norm.running_mean) / np.sqrt(norm.running_var + 1e-5))
    np.testing.assert_allclose(net.layer_outputs(X)[0], expected, rtol=1e-10)
    assert not np.allclose(predicted, net.predict(X))


def test_pickle_keeps_batch_norm_statistics_and_dropout():
    net = _net(batch_norm=True, dropout=[0.2, 0.1])
    X, _ = _data(50)
    for _ in range(5):
        net.forward(X, training=True, rng=np.random.RandomState(0))
    net.release()
    twin = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(twin.buffers, net.buffers)
    np.testing.assert_array_equal(twin.predict(X), net.predict(X))
    assert [layer.dropout for layer in twin.layers] == [0.2, 0.1, 0.0]
    # The views are rebuilt: moving a parameter moves the layer's numbers.
    twin.params[-1] += 1.0
    assert twin.layers[1].norm.beta[-1] == net.layers[1].norm.beta[-1] + 1.0


def test_neuron_view_of_a_normalised_layer_applies_the_normalisation():
    net = _net(batch_norm=True)
    X, _ = _data(30)
    for _ in range(3):
        net.forward(X, training=True)
    hidden = net.layer_outputs(X)[0]
    np.testing.assert_allclose(net.layers[0].neurons[2](X), hidden[:, 2], rtol=1e-12)
