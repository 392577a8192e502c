"""Tests for sk_ann.core.losses: gradients, sample weights, stability, links.

Parametrized over the ``LOSSES`` registry; ``_targets`` must know how to draw
valid targets for every registered loss, so a new loss fails here until it
says what its targets look like.
"""

import math
import pickle

import numpy as np
import pytest
import scipy.special
from gradcheck import numeric_gradient

from sk_ann.core.activations import OUTPUT_LINKS, Exp
from sk_ann.core.losses import LOSSES, get_loss

NAMES = sorted(LOSSES)
CANONICAL = ["binary_log_loss", "log_loss", "poisson", "squared_error"]


def _targets(name, n_samples, n_outputs, rng, dtype=np.float64):
    """Valid targets for each loss."""
    if name == "log_loss":
        Y = np.eye(n_outputs)[rng.integers(0, n_outputs, n_samples)]
    elif name == "binary_log_loss":
        Y = rng.integers(0, 2, (n_samples, n_outputs)).astype(float)
    elif name == "poisson":
        Y = rng.poisson(2.0, (n_samples, n_outputs)).astype(float)
        Y[0, 0] = 0.0  # y = 0 is valid and takes the xlogy(0, 0) = 0 branch
    elif name in ("squared_error", "absolute_error", "huber"):
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


def _extreme_raw(name, magnitude, dtype, n_outputs=3, groups=None):
    rng = np.random.default_rng(7)
    raw = magnitude * rng.choice([-1.0, 1.0], (6, n_outputs))
    raw[0, :3] = [magnitude, -magnitude, 0.0]  # one large, one tiny, one moderate
    Y = _grouped_targets(groups, 6, rng) if groups else _targets(name, 6, n_outputs, rng)
    return Y.astype(dtype), raw.astype(dtype)


# (loss name, parameters, number of outputs): every loss, and the parameters that
# change how it computes.
EXTREME_CASES = [(name, {}, 3) for name in NAMES] + [
    ("huber", {"delta": 0.1}, 3),
    ("log_loss", {"groups": (3, 2)}, 5),
    ("log_loss", {"groups": (1, 2, 2)}, 5),
]


@pytest.mark.parametrize("name, params, n_outputs", EXTREME_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.filterwarnings("error")
def test_loss_gradient_and_prediction_stay_finite_for_raw_1e4(name, params, n_outputs, dtype):
    loss = get_loss(name, **params)
    Y, raw = _extreme_raw(name, 1e4, dtype, n_outputs, params.get("groups"))
    sw = np.linspace(0.5, 2.0, len(Y)).astype(dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for weights in (None, sw):
            value, grad = loss.loss_gradient(Y, raw, weights)
            assert np.isfinite(value)
            assert np.isfinite(loss.loss(Y, raw, weights))
            assert np.all(np.isfinite(grad))
            assert np.all(np.isfinite(loss.gradient(Y, raw, weights)))
        prediction = loss.output(raw)
    assert np.all(np.isfinite(prediction))
    assert prediction.dtype == dtype and grad.dtype == dtype
    if loss.link.name in ("logistic", "softmax"):
        assert np.all((prediction >= 0) & (prediction <= 1))
    if loss.link.name == "softmax":
        for block in loss.link.blocks(n_outputs):
            np.testing.assert_allclose(prediction[:, block].sum(axis=1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.filterwarnings("error")
def test_poisson_is_unchanged_below_the_exp_bound(dtype):
    bound = Exp.upper_bound(dtype)
    rng = np.random.default_rng(10)
    raw = rng.uniform(-30.0, bound, (40, 3)).astype(dtype)
    raw[0] = [bound, -1e4, 0.0]
    Y = rng.poisson(3.0, raw.shape).astype(dtype)
    raw64, Y64 = raw.astype(np.float64), Y.astype(np.float64)
    # The half Poisson deviance in float64, with y log y = 0 at y = 0.
    expected = np.mean(np.sum(
        np.exp(raw64) - Y64 * raw64 + scipy.special.xlogy(Y64, Y64) - Y64, axis=1))
    loss = LOSSES["poisson"]()
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert loss.loss(Y, raw) == pytest.approx(expected, rel=rtol)
    np.testing.assert_allclose(loss.output(raw), np.exp(raw64), rtol=rtol)
    np.testing.assert_allclose(loss.gradient(Y, raw), (np.exp(raw64) - Y64) / len(Y), rtol=rtol)


def test_poisson_beyond_the_exp_bound_follows_its_tangent():
    bound = Exp.upper_bound(np.float64)
    loss = LOSSES["poisson"]()
    Y = np.array([[0.0, 2.0, 5.0]])
    at_bound = loss.loss(Y, np.full((1, 3), bound))
    slope = math.exp(bound) * 3 - 7.0
    for step in (0.5, 3.0, 1e3):
        raw = np.full((1, 3), bound + step)
        assert loss.loss(Y, raw) == pytest.approx(at_bound + slope * step, rel=1e-12)
        np.testing.assert_allclose(loss.gradient(Y, raw), math.exp(bound) - Y, rtol=1e-12)
    # The loss is continuously differentiable across the bound. One entry at a
    # time: beside a loss of 1e298, a small entry's difference would be round-off.
    for offset in (-2.0, -0.3, -1e-3, 1e-3, 0.2, 4.0):
        raw = np.array([[bound + offset]])
        numeric = numeric_gradient(lambda r: loss.loss(np.array([[3.0]]), r), raw, eps=1e-4)
        np.testing.assert_allclose(loss.gradient(np.array([[3.0]]), raw), numeric, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_exp_bound_leaves_room_below_the_largest_float(dtype):
    cap = np.exp(np.array(Exp.upper_bound(dtype), dtype=dtype))
    assert np.isfinite(cap)
    # A sum of 2**31 capped predictions still fits in the dtype.
    assert float(cap) * 2.0 ** 31 < float(np.finfo(dtype).max)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_poisson_stays_finite_for_raw_up_to_50(dtype):
    loss = LOSSES["poisson"]()
    Y, raw = _extreme_raw("poisson", 50.0, dtype)
    value, grad = loss.loss_gradient(Y, raw)
    assert np.isfinite(value) and np.all(np.isfinite(grad))


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


def test_each_loss_has_its_link():
    links = {name: LOSSES[name]().link.name for name in NAMES}
    assert links == {
        "squared_error": "identity",
        "poisson": "exp",
        "binary_log_loss": "logistic",
        "log_loss": "softmax",
        "absolute_error": "identity",
        "huber": "identity",
    }


@pytest.mark.parametrize("name", CANONICAL)
def test_gradient_is_prediction_minus_target_over_n(name):
    loss = LOSSES[name]()
    Y, raw, _ = _problem(name, 3, seed=9)
    np.testing.assert_allclose(
        loss.gradient(Y, raw), (loss.output(raw) - Y) / len(Y), rtol=1e-12, atol=1e-15
    )


def test_get_loss():
    for name, cls in LOSSES.items():
        assert type(get_loss(name)) is cls
    assert get_loss("huber", delta=0.25).delta == 0.25
    assert get_loss("log_loss", groups=[3, 2]).groups == (3, 2)
    with pytest.raises(TypeError, match="delta"):
        get_loss("squared_error", delta=1.0)
    with pytest.raises(ValueError) as excinfo:
        get_loss("hinge")
    for name in LOSSES:
        assert repr(name) in str(excinfo.value)
    assert "'hinge'" in str(excinfo.value)


# --- robust regression losses -------------------------------------------------


def _regression_problem(seed=11, n_samples=30, n_outputs=3):
    rng = np.random.default_rng(seed)
    Y = rng.normal(scale=2.0, size=(n_samples, n_outputs))
    raw = rng.normal(scale=2.0, size=(n_samples, n_outputs))
    sw = rng.uniform(0.2, 3.0, n_samples)
    return Y, raw, sw


def test_absolute_error_values_and_gradient():
    Y, raw, sw = _regression_problem()
    loss = LOSSES["absolute_error"]()
    per_sample = np.abs(raw - Y).sum(axis=1)
    assert loss.loss(Y, raw) == pytest.approx(per_sample.mean(), rel=1e-12)
    assert loss.loss(Y, raw, sw) == pytest.approx(np.average(per_sample, weights=sw), rel=1e-12)
    np.testing.assert_allclose(loss.gradient(Y, raw), np.sign(raw - Y) / len(Y), rtol=1e-12)
    np.testing.assert_allclose(
        loss.gradient(Y, raw, sw), np.sign(raw - Y) * sw[:, None] / sw.sum(), rtol=1e-12
    )


@pytest.mark.parametrize("delta", [0.3, 1.0, 4.0])
def test_huber_matches_scipy_huber(delta):
    Y, raw, sw = _regression_problem(seed=12)
    loss = get_loss("huber", delta=delta)
    per_sample = scipy.special.huber(delta, raw - Y).sum(axis=1)
    assert loss.loss(Y, raw) == pytest.approx(per_sample.mean(), rel=1e-12)
    assert loss.loss(Y, raw, sw) == pytest.approx(np.average(per_sample, weights=sw), rel=1e-12)
    np.testing.assert_allclose(
        loss.gradient(Y, raw, sw), np.clip(raw - Y, -delta, delta) * sw[:, None] / sw.sum(),
        rtol=1e-12,
    )


@pytest.mark.parametrize("delta", [0.3, 4.0])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_huber_gradient_matches_finite_differences_for_any_delta(delta, weighted):
    Y, raw, sw = _regression_problem(seed=13, n_samples=8)
    sw = sw if weighted else None
    loss = get_loss("huber", delta=delta)
    residual = np.abs(raw - Y)
    assert np.min(np.abs(residual - delta)) > 1e-4, "a kink of the second derivative is too near"
    numeric = numeric_gradient(lambda r: loss.loss(Y, r, sw), raw)
    np.testing.assert_allclose(loss.gradient(Y, raw, sw), numeric, rtol=1e-6, atol=1e-9)


def test_huber_tends_to_squared_and_absolute_error():
    Y, raw, _ = _regression_problem(seed=14)
    # Every residual is below a huge delta: half squared error.
    assert get_loss("huber", delta=1e6).loss(Y, raw) == pytest.approx(
        LOSSES["squared_error"]().loss(Y, raw), rel=1e-12)
    # delta (|r| - delta / 2) / delta tends to |r|.
    delta = 1e-6
    assert get_loss("huber", delta=delta).loss(Y, raw) / delta == pytest.approx(
        LOSSES["absolute_error"]().loss(Y, raw), rel=1e-5)


@pytest.mark.parametrize("delta", [0.0, -1.0, float("nan"), "big", None])
def test_huber_rejects_a_delta_that_is_not_positive(delta):
    with pytest.raises(ValueError, match="delta must be a positive number"):
        get_loss("huber", delta=delta)


def test_huber_pickles_with_its_delta():
    loss = pickle.loads(pickle.dumps(get_loss("huber", delta=2.5)))
    assert loss.name == "huber" and loss.delta == 2.5
    assert repr(loss) == "Huber(delta=2.5)"


# --- categorical loss over blocks of columns ----------------------------------

GROUPS = (3, 2)


def _grouped_targets(groups, n_samples, rng):
    """One one-hot block per categorical output."""
    return np.hstack([np.eye(size)[rng.integers(0, size, n_samples)] for size in groups])


def _grouped_problem(seed=0, n_samples=7, groups=GROUPS):
    rng = np.random.default_rng(seed)
    Y = _grouped_targets(groups, n_samples, rng)
    raw = rng.normal(scale=2.0, size=Y.shape)
    sw = rng.uniform(0.2, 3.0, n_samples)
    return Y, raw, sw


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_grouped_log_loss_gradient_matches_finite_differences(weighted):
    Y, raw, sw = _grouped_problem(seed=1)
    sw = sw if weighted else None
    loss = get_loss("log_loss", groups=GROUPS)
    numeric = numeric_gradient(lambda r: loss.loss(Y, r, sw), raw)
    np.testing.assert_allclose(loss.gradient(Y, raw, sw), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_grouped_log_loss_is_the_sum_of_one_log_loss_per_block(weighted):
    Y, raw, sw = _grouped_problem(seed=2)
    sw = sw if weighted else None
    value, grad = get_loss("log_loss", groups=GROUPS).loss_gradient(Y, raw, sw)
    plain = LOSSES["log_loss"]()
    first, second = slice(0, 3), slice(3, 5)
    value_1, grad_1 = plain.loss_gradient(Y[:, first], raw[:, first], sw)
    value_2, grad_2 = plain.loss_gradient(Y[:, second], raw[:, second], sw)
    assert value == pytest.approx(value_1 + value_2, rel=1e-12)
    np.testing.assert_allclose(grad, np.hstack([grad_1, grad_2]), rtol=1e-12)


def test_grouped_log_loss_predicts_one_distribution_per_block():
    Y, raw, sw = _grouped_problem(seed=3)
    loss = get_loss("log_loss", groups=GROUPS)
    prediction = loss.output(raw)
    np.testing.assert_allclose(prediction[:, :3].sum(axis=1), 1.0, rtol=1e-14)
    np.testing.assert_allclose(prediction[:, 3:].sum(axis=1), 1.0, rtol=1e-14)
    # Still a canonical pair: the gradient is prediction - target.
    np.testing.assert_allclose(
        loss.gradient(Y, raw, sw), (prediction - Y) * sw[:, None] / sw.sum(), rtol=1e-12
    )
    value, grad = loss.loss_gradient(Y, raw, sw)
    assert value == pytest.approx(loss.loss(Y, raw, sw), rel=1e-12)
    out = np.full_like(raw, np.nan)
    loss.loss_gradient(Y, raw, sw, out=out)
    np.testing.assert_array_equal(out, grad)


def test_log_loss_with_one_group_is_the_plain_log_loss():
    Y, raw, sw = _grouped_problem(seed=4, groups=(5,))
    plain = LOSSES["log_loss"]()
    for loss in (get_loss("log_loss", groups=None), get_loss("log_loss", groups=(5,))):
        value, grad = loss.loss_gradient(Y, raw, sw)
        expected_value, expected_grad = plain.loss_gradient(Y, raw, sw)
        assert value == expected_value
        np.testing.assert_array_equal(grad, expected_grad)


def test_grouped_log_loss_pickles_and_keeps_its_names():
    Y, raw, _ = _grouped_problem(seed=5)
    loss = get_loss("log_loss", groups=GROUPS)
    copy = pickle.loads(pickle.dumps(loss))
    assert copy.name == "log_loss" and copy.link.name == "softmax"
    assert copy.groups == GROUPS and copy.link.groups == GROUPS
    assert copy.loss(Y, raw) == loss.loss(Y, raw)
    assert repr(copy) == "LogLoss(groups=(3, 2))"


def test_grouped_log_loss_rejects_targets_of_another_width():
    Y, raw, _ = _grouped_problem(seed=6, groups=(3, 3))
    with pytest.raises(ValueError, match="groups"):
        get_loss("log_loss", groups=GROUPS).loss(Y, raw)
