"""Tests for sk_ann.core.optimizers: each step against its formula and against sklearn.

The formulas are written out here independently of the library, over several
steps so that the state (velocity, moments, step count) is exercised too.
"""

import pickle

import numpy as np
import pytest

from sk_ann.core.optimizers import OPTIMIZERS, SGD, Adam, AdamW, RMSprop


def _gradients(n_steps, size, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=size) for _ in range(n_steps)]


@pytest.mark.parametrize("nesterov", [False, True], ids=["classical", "nesterov"])
def test_sgd_momentum_matches_its_formula(nesterov):
    lr, mu = 0.05, 0.8
    params = np.random.default_rng(1).normal(size=6)
    expected = params.copy()
    velocity = np.zeros(6)
    opt = SGD(6, learning_rate=lr, momentum=mu, nesterov=nesterov)

    for grad in _gradients(5, 6):
        velocity = mu * velocity - lr * grad
        expected = expected + (mu * velocity - lr * grad if nesterov else velocity)
        opt.step(params, grad)
        np.testing.assert_allclose(params, expected, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(opt.velocity, velocity, rtol=1e-13, atol=1e-15)


def test_sgd_without_momentum_is_plain_gradient_descent():
    params = np.array([1.0, -2.0, 3.0])
    grad = np.array([0.5, 0.5, -1.0])
    for nesterov in (False, True):
        p = params.copy()
        SGD(3, learning_rate=0.1, momentum=0.0, nesterov=nesterov).step(p, grad)
        np.testing.assert_allclose(p, params - 0.1 * grad, rtol=1e-15)


def test_adam_matches_its_formula():
    lr, b1, b2, eps = 0.01, 0.8, 0.95, 1e-7
    params = np.random.default_rng(2).normal(size=6)
    expected = params.copy()
    m = np.zeros(6)
    v = np.zeros(6)
    opt = Adam(6, learning_rate=lr, beta_1=b1, beta_2=b2, epsilon=eps)

    for t, grad in enumerate(_gradients(5, 6, seed=3), start=1):
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad ** 2
        lr_t = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        expected = expected - lr_t * m / (np.sqrt(v) + eps)
        opt.step(params, grad)
        np.testing.assert_allclose(params, expected, rtol=1e-12, atol=1e-15)
        # The documented moments, as in the formula, whatever the optimizer stores.
        np.testing.assert_allclose(opt.m, m, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(opt.v, v, rtol=1e-12, atol=1e-15)
        assert opt.t == t
    # The base learning rate is kept; the bias correction lives in the step.
    assert opt.learning_rate == lr


def test_adam_first_step_moves_each_parameter_by_about_the_learning_rate():
    params = np.zeros(3)
    Adam(3, learning_rate=0.01).step(params, np.array([0.1, -5.0, 200.0]))
    np.testing.assert_allclose(params, [-0.01, 0.01, -0.01], rtol=1e-4)


def test_rmsprop_matches_its_formula():
    lr, rho, eps = 0.01, 0.8, 1e-6
    params = np.random.default_rng(9).normal(size=6)
    expected = params.copy()
    v = np.zeros(6)
    opt = RMSprop(6, learning_rate=lr, rho=rho, epsilon=eps)

    for grad in _gradients(5, 6, seed=10):
        v = rho * v + (1 - rho) * grad ** 2
        expected = expected - lr * grad / (np.sqrt(v) + eps)
        opt.step(params, grad)
        np.testing.assert_allclose(params, expected, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(opt.v, v, rtol=1e-12, atol=1e-15)
    assert opt.learning_rate == lr


def test_rmsprop_first_step_is_the_learning_rate_over_the_root_of_one_minus_rho():
    # From v = 0, v becomes (1 - rho) g^2, so |step| = lr / sqrt(1 - rho) for every g.
    params = np.zeros(3)
    RMSprop(3, learning_rate=0.01, rho=0.9).step(params, np.array([0.1, -5.0, 200.0]))
    np.testing.assert_allclose(params, np.array([-1.0, 1.0, -1.0]) * 0.01 / np.sqrt(0.1),
                               rtol=1e-6)


@pytest.mark.parametrize("rho", [-0.1, 1.0, 1.5])
def test_rmsprop_rejects_rho_outside_zero_one(rho):
    with pytest.raises(ValueError, match=r"rho must be in \[0, 1\)"):
        RMSprop(3, rho=rho)


def test_adamw_matches_its_formula():
    lr, b1, b2, eps, wd, n_decayed = 0.01, 0.8, 0.95, 1e-7, 0.3, 4
    params = np.random.default_rng(11).normal(size=6)
    expected = params.copy()
    m = np.zeros(6)
    v = np.zeros(6)
    opt = AdamW(6, learning_rate=lr, beta_1=b1, beta_2=b2, epsilon=eps, weight_decay=wd,
                n_decayed=n_decayed)

    for t, grad in enumerate(_gradients(5, 6, seed=12), start=1):
        # Decoupled decay of the weights, from the parameters before the step.
        decay = np.zeros(6)
        decay[:n_decayed] = lr * wd * expected[:n_decayed]
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad ** 2
        # Adam's bias correction as scikit-learn writes it (epsilon not corrected).
        lr_t = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        expected = expected - decay - lr_t * m / (np.sqrt(v) + eps)
        opt.step(params, grad)
        np.testing.assert_allclose(params, expected, rtol=1e-12, atol=1e-15)
        # The documented moments, as in the formula, whatever the optimizer stores.
        np.testing.assert_allclose(opt.m, m, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(opt.v, v, rtol=1e-12, atol=1e-15)
        assert opt.t == t


def test_adamw_without_decay_is_adam_exactly():
    grads = _gradients(6, 7, seed=13)
    start = np.random.default_rng(14).normal(size=7)
    for adamw in (AdamW(7, learning_rate=0.02, weight_decay=0.0),
                  AdamW(7, learning_rate=0.02, weight_decay=0.5, n_decayed=0)):
        ours, theirs = start.copy(), start.copy()
        adam = Adam(7, learning_rate=0.02)
        for i, g in enumerate(grads):
            if i == 3:  # as a schedule would between epochs
                adamw.learning_rate = adam.learning_rate = 0.005
            adamw.step(ours, g)
            adam.step(theirs, g)
        np.testing.assert_array_equal(ours, theirs)
        np.testing.assert_array_equal(adamw.m_scaled, adam.m_scaled)
        np.testing.assert_array_equal(adamw.v_scaled, adam.v_scaled)


def test_adamw_decays_only_the_leading_n_decayed_parameters():
    grads = _gradients(4, 8, seed=15)
    start = np.random.default_rng(16).normal(size=8)
    decayed, plain = start.copy(), start.copy()
    adamw = AdamW(8, learning_rate=0.05, weight_decay=0.2, n_decayed=5)
    adam = Adam(8, learning_rate=0.05)
    for g in grads:
        adamw.step(decayed, g)
        adam.step(plain, g)
    np.testing.assert_array_equal(decayed[5:], plain[5:])
    assert np.all(np.abs(decayed[:5] - plain[:5]) > 1e-4)


def test_adamw_with_zero_gradient_only_shrinks_the_weights():
    lr, wd = 0.1, 0.5
    params = np.array([1.0, -2.0, 4.0, 3.0])
    opt = AdamW(4, learning_rate=lr, weight_decay=wd, n_decayed=3)
    for _ in range(3):
        opt.step(params, np.zeros(4))
    np.testing.assert_allclose(params, [1.0 * 0.95 ** 3, -2.0 * 0.95 ** 3, 4.0 * 0.95 ** 3, 3.0],
                               rtol=1e-14)


def test_adamw_decays_every_parameter_by_default():
    params = np.array([1.0, -2.0, 4.0])
    opt = AdamW(3, learning_rate=0.1, weight_decay=0.5)
    assert opt.n_decayed == 3
    opt.step(params, np.zeros(3))
    np.testing.assert_allclose(params, [0.95, -1.9, 3.8], rtol=1e-14)


@pytest.mark.parametrize("n_decayed", [-1, 4])
def test_adamw_rejects_n_decayed_outside_the_parameters(n_decayed):
    with pytest.raises(ValueError, match="n_decayed must be between 0 and n_params=3"):
        AdamW(3, n_decayed=n_decayed)


def _split(flat, shapes):
    out, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        out.append(flat[start:start + size].reshape(shape))
        start += size
    return out


@pytest.mark.parametrize("nesterov", [False, True], ids=["classical", "nesterov"])
def test_sgd_agrees_with_scikit_learn(nesterov):
    from sklearn.neural_network._stochastic_optimizers import SGDOptimizer

    shapes = [(3, 4), (4,), (4, 2), (2,)]
    n = sum(int(np.prod(s)) for s in shapes)
    flat = np.random.default_rng(4).normal(size=n)
    theirs = [p.copy() for p in _split(flat.copy(), shapes)]
    sk_opt = SGDOptimizer(theirs, learning_rate_init=0.03, momentum=0.7, nesterov=nesterov)
    opt = SGD(n, learning_rate=0.03, momentum=0.7, nesterov=nesterov)

    for grad in _gradients(6, n, seed=5):
        opt.step(flat, grad)
        sk_opt.update_params(theirs, _split(grad, shapes))
    np.testing.assert_allclose(flat, np.concatenate([p.ravel() for p in theirs]), rtol=1e-12)


def test_adam_agrees_with_scikit_learn():
    from sklearn.neural_network._stochastic_optimizers import AdamOptimizer

    shapes = [(3, 4), (4,), (4, 2), (2,)]
    n = sum(int(np.prod(s)) for s in shapes)
    flat = np.random.default_rng(6).normal(size=n)
    theirs = [p.copy() for p in _split(flat.copy(), shapes)]
    sk_opt = AdamOptimizer(theirs, learning_rate_init=0.02, beta_1=0.85, beta_2=0.99,
                           epsilon=1e-6)
    opt = Adam(n, learning_rate=0.02, beta_1=0.85, beta_2=0.99, epsilon=1e-6)

    for grad in _gradients(6, n, seed=7):
        opt.step(flat, grad)
        sk_opt.update_params(theirs, _split(grad, shapes))
    np.testing.assert_allclose(flat, np.concatenate([p.ravel() for p in theirs]), rtol=1e-12)


def test_default_hyperparameters_are_scikit_learns():
    sgd = SGD(2)
    assert (sgd.momentum, sgd.nesterov) == (0.9, True)
    adam = Adam(2)
    assert (adam.learning_rate, adam.beta_1, adam.beta_2, adam.epsilon) == (
        0.001, 0.9, 0.999, 1e-8
    )


def test_default_hyperparameters_of_rmsprop_and_adamw():
    rmsprop = RMSprop(2)
    assert (rmsprop.learning_rate, rmsprop.rho, rmsprop.epsilon) == (0.001, 0.9, 1e-8)
    adamw = AdamW(2)
    assert (adamw.learning_rate, adamw.beta_1, adamw.beta_2, adamw.epsilon) == (
        0.001, 0.9, 0.999, 1e-8
    )
    assert (adamw.weight_decay, adamw.n_decayed) == (0.01, 2)


NAMES = sorted(OPTIMIZERS)
# Weight decay moves parameters whatever the gradient; the tests of how a step
# follows the gradient switch it off.
NO_DECAY = {"adamw": {"weight_decay": 0.0}}


@pytest.mark.parametrize("name", NAMES)
def test_step_updates_params_in_place_through_a_view(name):
    # The network hands the optimizer its one flat vector; layers hold views into
    # it, so a step that rebinds instead of writing in place would be lost.
    storage = np.ones(10)
    params = storage[2:8]
    grads = np.linspace(-1.0, 1.0, 6) + 0.1
    opt = OPTIMIZERS[name](6, learning_rate=0.1)
    result = opt.step(params, grads)
    assert result is None or result is params
    assert np.all(storage[2:8] != 1.0)
    np.testing.assert_array_equal(storage[:2], 1.0)
    np.testing.assert_array_equal(storage[8:], 1.0)


@pytest.mark.parametrize("name", NAMES)
def test_first_step_moves_against_the_gradient(name):
    params = np.zeros(4)
    grads = np.array([2.0, -1.0, 0.5, -3.0])
    OPTIMIZERS[name](4, learning_rate=0.1).step(params, grads)
    np.testing.assert_array_equal(np.sign(params), -np.sign(grads))


@pytest.mark.parametrize("name", NAMES)
def test_float32_params_stay_float32(name):
    grads = _gradients(4, 5, seed=8)
    p32 = np.linspace(-1, 1, 5).astype(np.float32)
    p64 = p32.astype(np.float64)
    opt32 = OPTIMIZERS[name](5, learning_rate=0.1, dtype=np.float32)
    opt64 = OPTIMIZERS[name](5, learning_rate=0.1)
    for g in grads:
        opt32.step(p32, g.astype(np.float32))
        opt64.step(p64, g)
    assert p32.dtype == np.float32
    np.testing.assert_allclose(p32, p64, rtol=1e-5, atol=1e-6)
    assert opt32.dtype == np.float32
    state = [value for value in vars(opt32).values() if isinstance(value, np.ndarray)]
    assert state and all(value.dtype == np.float32 for value in state)


@pytest.mark.parametrize("name", NAMES)
def test_zero_gradient_from_zero_state_moves_nothing(name):
    params = np.array([0.5, -1.5, 2.0])
    before = params.copy()
    opt = OPTIMIZERS[name](3, learning_rate=0.1, **NO_DECAY.get(name, {}))
    for _ in range(3):
        opt.step(params, np.zeros(3))
    np.testing.assert_array_equal(params, before)


@pytest.mark.parametrize("name", NAMES)
def test_step_reads_the_current_learning_rate(name):
    # A learning-rate schedule sets optimizer.learning_rate between epochs; from
    # a zero state the first step is proportional to it.
    grads = np.array([1.0, -2.0, 0.5])
    base, changed = np.zeros(3), np.zeros(3)
    OPTIMIZERS[name](3, learning_rate=0.1).step(base, grads)
    opt = OPTIMIZERS[name](3, learning_rate=0.1)
    opt.learning_rate = 0.3
    opt.step(changed, grads)
    np.testing.assert_allclose(changed, 3.0 * base, rtol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_zero_learning_rate_ignores_the_new_gradient(name):
    first = np.array([1.0, -2.0, 0.5])
    a, b = np.zeros(3), np.zeros(3)
    opt_a = OPTIMIZERS[name](3, learning_rate=0.1)
    opt_b = OPTIMIZERS[name](3, learning_rate=0.1)
    opt_a.step(a, first)
    opt_b.step(b, first)
    opt_a.learning_rate = opt_b.learning_rate = 0.0
    opt_a.step(a, np.array([5.0, 5.0, -5.0]))
    opt_b.step(b, np.zeros(3))
    # Momentum may still carry the parameters on, but identically for both.
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", NAMES)
def test_pickled_optimizer_continues_exactly_where_it_was(name):
    grads = _gradients(6, 5, seed=17)
    params = np.linspace(-1, 1, 5)
    opt = OPTIMIZERS[name](5, learning_rate=0.05)
    for g in grads[:3]:
        opt.step(params, g)
    copy, copy_params = pickle.loads(pickle.dumps(opt)), params.copy()
    for g in grads[3:]:
        opt.step(params, g)
        copy.step(copy_params, g)
    np.testing.assert_array_equal(copy_params, params)


@pytest.mark.parametrize("name", NAMES)
def test_skops_asks_to_trust_only_the_optimizer_class(name):
    sio = pytest.importorskip("skops.io")
    opt = OPTIMIZERS[name](4, learning_rate=0.05, dtype=np.float32)
    opt.step(np.ones(4, dtype=np.float32), np.arange(4, dtype=np.float32))
    saved = sio.dumps(opt)
    cls = type(opt)
    assert sio.get_untrusted_types(data=saved) == [f"{cls.__module__}.{cls.__name__}"]
    loaded = sio.loads(saved, trusted=[f"{cls.__module__}.{cls.__name__}"])
    assert loaded.dtype == np.float32
    for key, value in vars(opt).items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(getattr(loaded, key), value)
        else:
            assert getattr(loaded, key) == value
