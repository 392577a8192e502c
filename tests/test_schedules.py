"""Tests for sk_ann.core.schedules: each kind against its closed form, with and without warm-up.

The schedules are driven as the trainer drives them: ``epoch_begin`` before an
epoch, ``epoch_end`` after it with the samples seen so far, and ``should_stop``
when the no-improvement rule fires. The expected rates are written out here.
"""

import contextlib
import io
import math
import pickle

import numpy as np
import pytest

from sk_ann.core.optimizers import SGD
from sk_ann.core.schedules import LearningRateSchedule

N_SAMPLES = 7  # per epoch


def _simulate(schedule, optimizer, n_epochs, fire_after=(), verbose=False, first_epoch=1):
    """Run epochs ``first_epoch, ...``; return the rate of each and the stopping decisions.

    The no-improvement rule fires after each epoch listed in ``fire_after``.
    """
    rates, decisions = [], []
    for epoch in range(first_epoch, first_epoch + n_epochs):
        schedule.epoch_begin(optimizer)
        rates.append(optimizer.learning_rate)
        schedule.epoch_end(optimizer, t=epoch * N_SAMPLES)
        if epoch in fire_after:
            decisions.append(schedule.should_stop(optimizer, "No improvement.", verbose))
    return rates, decisions


def _warm(epoch, warmup):
    """The warm-up fraction, written out: e / (W + 1) for epochs 1..W, then 1."""
    return epoch / (warmup + 1) if epoch <= warmup else 1.0


# --- each kind, without warm-up ------------------------------------------------


def test_constant_keeps_the_rate_and_stops_when_the_rule_fires():
    opt = SGD(2, learning_rate=0.01)
    schedule = LearningRateSchedule("constant", 0.01)
    rates, decisions = _simulate(schedule, opt, 20, fire_after={12})
    assert rates == [0.01] * 20
    assert decisions == [True]


def test_invscaling_follows_its_formula_in_samples_seen():
    lr0, p = 0.5, 0.25
    schedule = LearningRateSchedule("invscaling", lr0, power_t=p)
    rates, decisions = _simulate(schedule, SGD(2, learning_rate=lr0), 15, fire_after={15})
    # Epoch 1 runs at lr0; epoch e > 1 at lr0 / (t + 1)^p with t = (e - 1) * N_SAMPLES.
    expected = [lr0] + [lr0 / ((e - 1) * N_SAMPLES + 1) ** p for e in range(2, 16)]
    np.testing.assert_allclose(rates, expected, rtol=1e-14)
    assert decisions == [True]


def test_adaptive_divides_by_five_until_the_rate_is_at_most_1e_minus_6():
    opt = SGD(2, learning_rate=1e-3)
    schedule = LearningRateSchedule("adaptive", 1e-3)
    rates, decisions = _simulate(schedule, opt, 12, fire_after={2, 4, 6, 8, 10, 12})
    # 1e-3 / 5**5 = 3.2e-7 is the first rate at or below 1e-6.
    assert decisions == [False] * 5 + [True]
    expected = [1e-3 / 5 ** ((e - 1) // 2) for e in range(1, 13)]
    np.testing.assert_allclose(rates, expected, rtol=1e-12)
    assert opt.learning_rate == pytest.approx(3.2e-7, rel=1e-12)


def test_adaptive_stops_at_exactly_1e_minus_6():
    opt = SGD(2, learning_rate=1e-6)
    assert LearningRateSchedule("adaptive", 1e-6).should_stop(opt, "Stuck.") is True
    assert opt.learning_rate == 1e-6


@pytest.mark.parametrize("max_epochs", [1, 4, 10])
def test_cosine_follows_half_a_cosine_then_keeps_its_last_value(max_epochs):
    lr0 = 0.2
    schedule = LearningRateSchedule("cosine", lr0, max_epochs=max_epochs)
    rates, decisions = _simulate(schedule, SGD(2, learning_rate=lr0), max_epochs + 5,
                                 fire_after={max_epochs})
    last = lr0 * (1 + math.cos(math.pi * (max_epochs - 1) / max_epochs)) / 2
    expected = [lr0 * (1 + math.cos(math.pi * (e - 1) / max_epochs)) / 2
                for e in range(1, max_epochs + 1)] + [last] * 5
    np.testing.assert_allclose(rates, expected, rtol=1e-13)
    assert rates[0] == lr0
    assert all(rate > 0 for rate in rates)
    assert decisions == [True]


# --- warm-up ---------------------------------------------------------------------


def test_constant_with_warmup_ramps_linearly_to_the_base_rate():
    opt = SGD(2, learning_rate=0.04)
    rates, _ = _simulate(LearningRateSchedule("constant", 0.04, warmup_epochs=3), opt, 8)
    np.testing.assert_allclose(rates, [0.01, 0.02, 0.03, 0.04, 0.04, 0.04, 0.04, 0.04],
                               rtol=1e-15)
    assert rates[3] == 0.04  # epoch W + 1 runs at the full rate, exactly


def test_invscaling_with_warmup_scales_its_own_rate():
    lr0, p, warmup = 0.3, 0.5, 2
    schedule = LearningRateSchedule("invscaling", lr0, power_t=p, warmup_epochs=warmup)
    rates, _ = _simulate(schedule, SGD(2, learning_rate=lr0), 9)
    base = [lr0] + [lr0 / ((e - 1) * N_SAMPLES + 1) ** p for e in range(2, 10)]
    expected = [base[e - 1] * _warm(e, warmup) for e in range(1, 10)]
    np.testing.assert_allclose(rates, expected, rtol=1e-14)


def test_adaptive_with_warmup_scales_the_rate_it_has_reached():
    lr0, warmup = 0.1, 3
    opt = SGD(2, learning_rate=lr0)
    schedule = LearningRateSchedule("adaptive", lr0, warmup_epochs=warmup)
    # The rule fires in warm-up (after epoch 2) and after it (after epoch 5).
    rates, decisions = _simulate(schedule, opt, 8, fire_after={2, 5})
    base = [lr0, lr0, lr0 / 5, lr0 / 5, lr0 / 5, lr0 / 25, lr0 / 25, lr0 / 25]
    expected = [base[e - 1] * _warm(e, warmup) for e in range(1, 9)]
    np.testing.assert_allclose(rates, expected, rtol=1e-14)
    assert decisions == [False, False]


def test_adaptive_floor_applies_to_the_base_rate_not_the_warmed_up_one():
    # Epoch 1 runs at 4e-6 / 6 < 1e-6, but the base rate 4e-6 can still be divided.
    opt = SGD(2, learning_rate=4e-6)
    schedule = LearningRateSchedule("adaptive", 4e-6, warmup_epochs=5)
    _, decisions = _simulate(schedule, opt, 2, fire_after={1, 2})
    assert decisions == [False, True]
    # The first division set 8e-7 as the base; epoch 2 ran at 2/6 of it.
    assert opt.learning_rate == pytest.approx(4e-6 / 5 * 2 / 6, rel=1e-14)


@pytest.mark.parametrize("warmup, max_epochs", [(1, 2), (2, 7), (5, 9)])
def test_cosine_with_warmup_decays_over_the_remaining_epochs(warmup, max_epochs):
    lr0 = 0.05
    schedule = LearningRateSchedule("cosine", lr0, max_epochs=max_epochs, warmup_epochs=warmup)
    rates, _ = _simulate(schedule, SGD(2, learning_rate=lr0), max_epochs + 4)
    decay = max_epochs - warmup
    expected = []
    for e in range(1, max_epochs + 5):
        if e <= warmup:
            expected.append(lr0 * e / (warmup + 1))
        else:
            k = min(e - warmup - 1, decay - 1)
            expected.append(lr0 * (1 + math.cos(math.pi * k / decay)) / 2)
    np.testing.assert_allclose(rates, expected, rtol=1e-13)
    assert rates[warmup] == lr0


def test_warmup_sets_the_first_epochs_rate_before_it_runs():
    opt = SGD(2, learning_rate=0.3)
    schedule = LearningRateSchedule("constant", 0.3, warmup_epochs=2)
    schedule.epoch_begin(opt)
    assert opt.learning_rate == pytest.approx(0.1, rel=1e-15)
    assert schedule.epoch == 1


def test_verbose_messages_say_what_the_schedule_does(capsys):
    opt = SGD(2, learning_rate=1e-3)
    schedule = LearningRateSchedule("adaptive", 1e-3)
    schedule.should_stop(opt, "Stuck.", verbose=True)
    assert capsys.readouterr().out == "Stuck. Setting learning rate to 0.000200\n"
    LearningRateSchedule("cosine", 0.1, max_epochs=3).should_stop(opt, "Stuck.", verbose=True)
    assert capsys.readouterr().out == "Stuck. Stopping.\n"
    LearningRateSchedule("adaptive", 1e-7).should_stop(SGD(2, learning_rate=1e-7), "Stuck.",
                                                       verbose=True)
    assert capsys.readouterr().out == "Stuck. Learning rate too small. Stopping.\n"
    schedule.should_stop(opt, "Quiet.")
    assert capsys.readouterr().out == ""


# --- persistence ---------------------------------------------------------------


SCHEDULES = [
    dict(kind="constant", warmup_epochs=2),
    dict(kind="invscaling", power_t=0.3, warmup_epochs=1),
    dict(kind="adaptive", warmup_epochs=3),
    dict(kind="cosine", max_epochs=12, warmup_epochs=2),
]


@pytest.mark.parametrize("params", SCHEDULES, ids=[p["kind"] for p in SCHEDULES])
def test_pickled_schedule_carries_on_where_it_was(params):
    # Stopping and going on is what partial_fit does, one epoch per call.
    fire = {2, 6, 9}
    whole, _ = _simulate(LearningRateSchedule(learning_rate_init=0.1, **params),
                         SGD(2, learning_rate=0.1), 16, fire_after=fire)
    schedule, opt = LearningRateSchedule(learning_rate_init=0.1, **params), SGD(2, 0.1)
    first, _ = _simulate(schedule, opt, 5, fire_after=fire)
    schedule, opt = pickle.loads(pickle.dumps((schedule, opt)))
    assert schedule.epoch == 5
    rest, _ = _simulate(schedule, opt, 11, fire_after=fire, first_epoch=6)
    assert first + rest == whole


@pytest.mark.parametrize("params", SCHEDULES, ids=[p["kind"] for p in SCHEDULES])
def test_schedule_holds_only_plain_python_values(params):
    schedule = LearningRateSchedule(learning_rate_init=np.float32(0.1), **params)
    _simulate(schedule, SGD(2, learning_rate=0.1), 4, fire_after={3})
    assert all(type(v) in (int, float, str, type(None)) for v in vars(schedule).values())
    sio = pytest.importorskip("skops.io")
    saved = sio.dumps(schedule)
    assert sio.get_untrusted_types(data=saved) == ["sk_ann.core.schedules.LearningRateSchedule"]
    loaded = sio.loads(saved, trusted=["sk_ann.core.schedules.LearningRateSchedule"])
    assert vars(loaded) == vars(schedule)


# --- parameter errors ----------------------------------------------------------


def test_unknown_kind_raises_value_error_listing_the_kinds():
    with pytest.raises(ValueError) as excinfo:
        LearningRateSchedule("banana")
    for kind in ("constant", "invscaling", "adaptive", "cosine"):
        assert f"'{kind}'" in str(excinfo.value)
    assert "'banana'" in str(excinfo.value)


def test_cosine_needs_max_epochs():
    with pytest.raises(ValueError, match="'cosine' schedule needs max_epochs"):
        LearningRateSchedule("cosine", 0.1)


def test_cosine_needs_epochs_left_after_warmup():
    with pytest.raises(ValueError, match="max_epochs must be greater than warmup_epochs"):
        LearningRateSchedule("cosine", 0.1, max_epochs=3, warmup_epochs=3)


@pytest.mark.parametrize("name, value", [("warmup_epochs", -1), ("warmup_epochs", 2.5),
                                         ("max_epochs", 0), ("max_epochs", "10")])
def test_epoch_counts_must_be_whole_numbers(name, value):
    with pytest.raises(ValueError, match=f"{name} must be an integer"):
        LearningRateSchedule("constant", **{name: value})


def test_numpy_integers_are_stored_as_python_ints():
    schedule = LearningRateSchedule("cosine", max_epochs=np.int64(10), warmup_epochs=np.int32(2))
    assert type(schedule.max_epochs) is int and type(schedule.warmup_epochs) is int
