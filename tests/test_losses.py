"""Tests for sk_ann.core.losses: gradients, sample weights, stability, links.

Parametrized over the ``LOSSES`` registry; ``_targets`` must know how to draw
valid targets for every registered loss, so a new loss fails here until it
says what its targets look like.
"""

import numpy as np
import pytest
from gradcheck import numeric_gradient

from sk_ann.core.activations import OUTPUT_LINKS
from sk_ann.core.losses import LOSSES, get_loss

NAMES = sorted(LOSSES)


def _targets(name, n_samples, n_outputs, rng, dtype=np.float64):
    """Valid targets for each loss."""
    if name == "log_loss":
        Y = np.eye(n_outputs)[rng.integers(0, n_outputs, n_samples)]
    elif name == "binary_log_loss":
        Y = rng.integers(0, 2, (n_samples, n_outputs)).astype(float)
    elif name == "poisson":
        Y = rng.poisson(2.0, (n_samples, n_outputs)).astype(float)
        Y[0, 0] = 0.0  # y = 0 is valid and takes the xlogy(0, 0) = 0 branch
    elif name == "squared_error":
        Y = rng.normal(scale=2.0, size=(n_samples, n_outputs))
    else:
        raise AssertionError(f"test_losses does not know valid targets for loss {name!r}")
    return Y.astype(dtype)


def _problem(name, n_outputs, seed=0, n_samples=6, weighted=False):
    rng = np.random.default_rng(seed)
    Y = _targets(name, n_samples, n_outputs, rng)
    raw = rng.normal(size=(n_samples, n_outputs))
    sw = rng.uniform(0.2, 3.0, n_samples) if weighted else None
    return Y, raw, sw


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_gradient_matches_finite_differences(name, n_outputs, weighted):
    loss = LOSSES[name]()
    Y, raw, sw = _problem(name, n_outputs, weighted=weighted)
    raw_before = raw.copy()

    grad = loss.gradient(Y, raw, sw)
    np.testing.assert_array_equal(raw, raw_before)
    expected = numeric_gradient(lambda r: loss.loss(Y, r, sw), raw)

    assert grad.shape == raw.shape
    np.testing.assert_allclose(grad, expected, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_loss_gradient_agrees_with_loss_and_gradient(name, weighted):
    loss = LOSSES[name]()
    Y, raw, sw = _problem(name, 3, seed=1, weighted=weighted)
    value, grad = loss.loss_gradient(Y, raw, sw)
    assert isinstance(value, float)
    assert value == pytest.approx(loss.loss(Y, raw, sw), rel=1e-12)
    np.testing.assert_allclose(grad, loss.gradient(Y, raw, sw), rtol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_written_into_out(name):
    loss = LOSSES[name]()
    Y, raw, sw = _problem(name, 3, seed=2, weighted=True)
    out = np.full_like(raw, np.nan)
    value, grad = loss.loss_gradient(Y, raw, sw, out=out)
    assert np.shares_memory(grad, out)
    np.testing.assert_allclose(out, loss.gradient(Y, raw, sw), rtol=1e-12)
    assert value == pytest.approx(loss.loss(Y, raw, sw), rel=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_loss_is_the_weighted_mean_of_per_sample_losses(name):
    loss = LOSSES[name]()
    Y, raw, sw = _problem(name, 2, seed=3, weighted=True)
    per_sample = np.array([loss.loss(Y[[i]], raw[[i]]) for i in range(len(Y))])
    assert loss.loss(Y, raw, sw) == pytest.approx(np.sum(per_sample * sw) / np.sum(sw), rel=1e-12)
    assert loss.loss(Y, raw) == pytest.approx(per_sample.mean(), rel=1e-12)
    # Integer weights count as repeated samples.
    counts = np.array([1, 3, 1, 2, 1, 1])
    repeated = loss.loss(np.repeat(Y, counts, axis=0), np.repeat(raw, counts, axis=0))
    assert loss.loss(Y, raw, counts.astype(float)) == pytest.approx(repeated, rel=1e-12)


def _sklearn_losses():
    from sklearn.neural_network import _base

    return {
        "squared_error": (_base.squared_loss, "identity"),
        "log_loss": (_base.log_loss, "softmax"),
        "binary_log_loss": (_base.binary_log_loss, "logistic"),
        "poisson": (_base.poisson_loss, "exp"),
    }


# sklearn's log_loss reads a single column as a binary problem, which sk_ann
# leaves to binary_log_loss; log_loss is compared on 2 and 3 classes.
SKLEARN_CASES = [
    ("squared_error", 1), ("squared_error", 3), ("binary_log_loss", 1), ("binary_log_loss", 3),
    ("poisson", 1), ("poisson", 3), ("log_loss", 2), ("log_loss", 3),
]


@pytest.mark.parametrize("name, n_outputs", SKLEARN_CASES)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_loss_value_matches_scikit_learn_mlp(name, n_outputs, weighted):
    sk_loss, link = _sklearn_losses()[name]
    Y, raw, sw = _problem(name, n_outputs, seed=4, n_samples=8, weighted=weighted)
    prediction = OUTPUT_LINKS[link]().forward(raw)

    expected = sk_loss(Y, prediction, sample_weight=sw)
    if name == "squared_error":
        # sklearn averages the squared error over output columns; sk_ann sums them.
        expected *= n_outputs
    assert LOSSES[name]().loss(Y, raw, sw) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("name", NAMES)
def test_zero_weight_sample_changes_neither_loss_nor_other_gradients(name):
    loss = LOSSES[name]()
    Y, raw, sw = _problem(name, 3, seed=5, weighted=True)
    sw[2] = 0.0
    keep = np.arange(len(Y)) != 2

    value, grad = loss.loss_gradient(Y, raw, sw)
    value_without, grad_without = loss.loss_gradient(Y[keep], raw[keep], sw[keep])

    assert value == pytest.approx(value_without, rel=1e-12)
    np.testing.assert_allclose(grad[keep], grad_without, rtol=1e-12)
    np.testing.assert_array_equal(grad[2], 0.0)

    # Whatever the zero-weight sample predicts, nothing else moves.
    raw[2] += 5.0
    value_moved, grad_moved = loss.loss_gradient(Y, raw, sw)
    assert value_moved == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(grad_moved, grad, rtol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_all_weights_zero_gives_zero_loss_and_gradient(name):
    loss = LOSSES[name]()
    Y, raw, _ = _problem(name, 3, seed=6)
    sw = np.zeros(len(Y))
    with np.errstate(divide="raise", invalid="raise"):
        value, grad = loss.loss_gradient(Y, raw, sw)
        assert loss.loss(Y, raw, sw) == 0.0
        grad_only = loss.gradient(Y, raw, sw)
    assert value == 0.0
    np.testing.assert_array_equal(grad, 0.0)
    np.testing.assert_array_equal(grad_only, 0.0)


def _extreme_raw(name, magnitude, dtype):
    rng = np.random.default_rng(7)
    raw = magnitude * rng.choice([-1.0, 1.0], (6, 3))
    raw[0] = [magnitude, -magnitude, 0.0]  # one large, one tiny, one moderate
    Y = _targets(name, 6, 3, rng)
    return Y.astype(dtype), raw.astype(dtype)


def _assert_finite_loss_and_gradient(name, raw_magnitude, dtype):
    loss = LOSSES[name]()
    Y, raw = _extreme_raw(name, raw_magnitude, dtype)
    sw = np.linspace(0.5, 2.0, len(Y)).astype(dtype)
    for weights in (None, sw):
        value, grad = loss.loss_gradient(Y, raw, weights)
        assert np.isfinite(loss.loss(Y, raw, weights))
        assert np.isfinite(value)
        assert np.all(np.isfinite(grad))
        assert np.all(np.isfinite(loss.gradient(Y, raw, weights)))


@pytest.mark.parametrize("name", [n for n in NAMES if n != "poisson"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_loss_and_gradient_stay_finite_for_huge_raw(name, dtype):
    _assert_finite_loss_and_gradient(name, 1e4, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_poisson_stays_finite_for_raw_up_to_50(dtype):
    _assert_finite_loss_and_gradient("poisson", 50.0, dtype)


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="poisson's exp link overflows: exp(1e4) = inf, so the loss and gradient are inf",
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_poisson_stays_finite_for_raw_1e4(dtype):
    _assert_finite_loss_and_gradient("poisson", 1e4, dtype)


def test_log_losses_are_exact_where_the_link_saturates():
    # At raw = ±40 the link rounds to exactly 0 or 1 in float64; the loss must not.
    binary = LOSSES["binary_log_loss"]()
    assert binary.loss(np.array([[0.0]]), np.array([[40.0]])) == pytest.approx(40.0, rel=1e-12)
    assert binary.loss(np.array([[1.0]]), np.array([[-800.0]])) == pytest.approx(800.0, rel=1e-12)
    categorical = LOSSES["log_loss"]()
    value = categorical.loss(np.array([[0.0, 1.0]]), np.array([[800.0, 0.0]]))
    assert value == pytest.approx(800.0, rel=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_output_is_the_link(name):
    loss = LOSSES[name]()
    assert loss.link.name == loss.link_name
    assert loss.link_name in OUTPUT_LINKS
    _, raw, _ = _problem(name, 3, seed=8)
    expected = OUTPUT_LINKS[loss.link_name]().forward(raw)
    np.testing.assert_array_equal(loss.output(raw), expected)
    out = np.empty_like(raw)
    assert np.shares_memory(loss.output(raw, out=out), out)
    np.testing.assert_array_equal(out, expected)


def test_each_loss_has_its_canonical_link():
    links = {name: LOSSES[name]().link.name for name in NAMES}
    assert links == {
        "squared_error": "identity",
        "poisson": "exp",
        "binary_log_loss": "logistic",
        "log_loss": "softmax",
    }


@pytest.mark.parametrize("name", NAMES)
def test_gradient_is_prediction_minus_target_over_n(name):
    loss = LOSSES[name]()
    Y, raw, _ = _problem(name, 3, seed=9)
    np.testing.assert_allclose(
        loss.gradient(Y, raw), (loss.output(raw) - Y) / len(Y), rtol=1e-12, atol=1e-15
    )


def test_get_loss():
    for name, cls in LOSSES.items():
        assert type(get_loss(name)) is cls
    with pytest.raises(ValueError) as excinfo:
        get_loss("hinge")
    for name in LOSSES:
        assert repr(name) in str(excinfo.value)
    assert "'hinge'" in str(excinfo.value)
