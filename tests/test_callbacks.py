"""scikit-learn's callback API (scikit-learn >= 1.9): set_callbacks on every estimator."""

import pickle
import re
import uuid
import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from sk_ann import ANNAutoencoder, ANNClassifier, ANNRegressor

# These tests train for a few epochs on purpose; that a ConvergenceWarning comes
# when training stops short, and only then, is checked in test_messages.py.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

try:
    import sklearn.callback  # noqa: F401

    HAS_CALLBACK_API = True
except ImportError:
    HAS_CALLBACK_API = False


@pytest.fixture
def callback_api():
    return pytest.importorskip("sklearn.callback")


# Training always runs every epoch it is given, unless a callback stops it.
KEEP_TRAINING = dict(tol=0.0, n_iter_no_change=1000)


@pytest.fixture(params=["classifier", "regressor", "autoencoder"])
def problem(request, iris, regression):
    """``(make_estimator, X, y)``; ``make_estimator(**params)`` gives a small seeded network."""
    if request.param == "classifier":
        X, y = iris
        cls = ANNClassifier
    elif request.param == "regressor":
        X, y = regression
        cls = ANNRegressor
    else:
        X, y = regression[0], None
        cls = ANNAutoencoder

    def make(**params):
        params = dict(dict(hidden_layer_sizes=(6,), random_state=0), **params)
        return cls(**params)

    return make, X, y


class Recorder:
    """A FitCallback writing down every hook call and the task it was called on."""

    def __init__(self):
        self.calls = []
        self.snapshots = []

    def setup(self, estimator, context):
        self.calls.append(("setup", context.task_name))

    def teardown(self, estimator, context):
        self.calls.append(("teardown", context.task_name))

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None, metadata=None):
        self.calls.append(("begin", context.task_name, context.task_id,
                           context.max_subtasks, _parent_name(context)))

    def on_fit_task_end(self, estimator, context, *, X=None, y=None, metadata=None,
                        fitted_estimator=None):
        self.calls.append(("end", context.task_name, context.task_id))
        if context.task_name == "epoch":
            self.snapshots.append(fitted_estimator)
        return self.stop(context)

    def stop(self, context):
        return False

    def epochs(self):
        return [call[2] for call in self.calls if call[:2] == ("end", "epoch")]

    def count(self, hook):
        return sum(call[0] == hook for call in self.calls)


def _parent_name(context):
    return None if context.parent is None else context.parent.task_name


class StopAfter(Recorder):
    """Asks to stop training at the end of epoch ``n_epochs``."""

    def __init__(self, n_epochs):
        super().__init__()
        self.n_epochs = n_epochs

    def stop(self, context):
        return context.task_name == "epoch" and context.task_id == self.n_epochs - 1


class FailAt(Recorder):
    """Raises at the end of epoch ``epoch`` (counted from 1)."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def stop(self, context):
        if context.task_name == "epoch" and context.task_id == self.epoch - 1:
            raise RuntimeError("callback failed")
        return False


#: How many times each CountingCallback, found by name, was set up: survives pickling.
SETUPS = Counter()


class CountingCallback:
    """Counts its setups in SETUPS under its name, so that a pickled copy still reports."""

    def __init__(self):
        self.name = uuid.uuid4().hex

    def setup(self, estimator, context):
        SETUPS[self.name] += 1

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        pass


def _score(estimator, X, y, **kw):
    return estimator.score(X, **kw) if y is None else estimator.score(X, y, **kw)


# --- the task tree ----------------------------------------------------------------------


def test_fit_is_one_task_with_one_subtask_per_epoch(callback_api, problem):
    make, X, y = problem
    recorder = Recorder()
    est = make(max_iter=7, **KEEP_TRAINING).set_callbacks(recorder)
    est.fit(X, y)

    assert est.n_iter_ == 7
    assert recorder.calls[0] == ("setup", "fit")
    assert recorder.calls[1] == ("begin", "fit", 0, 7, None)
    epoch_calls = recorder.calls[2:-2]
    assert epoch_calls == [
        call for k in range(7)
        for call in (("begin", "epoch", k, 0, "fit"), ("end", "epoch", k))
    ]
    assert recorder.calls[-2:] == [("end", "fit", 0), ("teardown", "fit")]


def test_training_that_converges_ends_its_task_early(callback_api, regression):
    X, y = regression
    recorder = Recorder()
    est = ANNRegressor(max_iter=500, tol=1e-2, random_state=0).set_callbacks(recorder)
    est.fit(X, y)

    assert est.n_iter_ < 500
    assert recorder.epochs() == list(range(est.n_iter_))
    assert recorder.calls[-2:] == [("end", "fit", 0), ("teardown", "fit")]


def test_every_fit_is_a_new_run(callback_api, problem):
    make, X, y = problem
    recorder = Recorder()
    est = make(max_iter=3, **KEEP_TRAINING).set_callbacks(recorder)
    est.fit(X, y)
    est.fit(X, y)
    assert recorder.count("setup") == recorder.count("teardown") == 2
    assert recorder.epochs() == [0, 1, 2, 0, 1, 2]


def test_partial_fit_is_one_task_with_one_epoch(callback_api, problem):
    make, X, y = problem
    recorder = Recorder()
    est = make().set_callbacks(recorder)
    kwargs = {"classes": np.unique(y)} if isinstance(est, ANNClassifier) else {}
    est.partial_fit(X, y, **kwargs)
    est.partial_fit(X, y)

    one_call = [
        ("setup", "partial_fit"),
        ("begin", "partial_fit", 0, 1, None),
        ("begin", "epoch", 0, 0, "partial_fit"),
        ("end", "epoch", 0),
        ("end", "partial_fit", 0),
        ("teardown", "partial_fit"),
    ]
    assert recorder.calls == one_call + one_call
    assert est.n_iter_ == 1


def test_lbfgs_fit_is_a_single_task(callback_api, iris):
    X, y = iris
    recorder = Recorder()
    monitor = callback_api.ScoringMonitor(scoring="accuracy")
    est = ANNClassifier(solver="lbfgs", max_iter=20, random_state=0)
    est.set_callbacks(recorder, monitor).fit(X, y)

    assert recorder.calls == [
        ("setup", "fit"), ("begin", "fit", 0, 0, None), ("end", "fit", 0), ("teardown", "fit"),
    ]
    [row] = monitor.get_logs().data
    assert row["accuracy"] == est.score(X, y)


# --- what the callbacks receive ----------------------------------------------------------


def test_fitted_estimator_is_the_model_after_each_epoch(callback_api, problem):
    make, X, y = problem
    recorder = Recorder()
    est = make(max_iter=4, **KEEP_TRAINING).set_callbacks(recorder)
    est.fit(X, y)

    for n_epochs, snapshot in enumerate(recorder.snapshots, start=1):
        trained_that_long = make(max_iter=n_epochs, **KEEP_TRAINING).fit(X, y)
        assert snapshot.n_iter_ == n_epochs
        assert_array_equal(snapshot.network_.params, trained_that_long.network_.params)
    # Watching the training does not change it.
    assert_array_equal(est.network_.params, make(max_iter=4, **KEEP_TRAINING).fit(X, y)
                       .network_.params)


class DataRecorder(Recorder):
    """Keeps what each epoch's end received."""

    def on_fit_task_end(self, estimator, context, *, X=None, y=None, metadata=None,
                        fitted_estimator=None):
        self.calls.append((context.task_name, X, y, metadata))


def test_hooks_receive_the_training_data_and_weights(callback_api, iris):
    X, y = iris
    sample_weight = np.linspace(0.5, 1.5, X.shape[0])
    recorder = DataRecorder()
    ANNClassifier(max_iter=2, random_state=0).set_callbacks(recorder).fit(
        X.tolist(), y, sample_weight=sample_weight)

    ends = [call for call in recorder.calls if call[0] in ("epoch", "fit")]
    assert [call[0] for call in ends] == ["epoch", "epoch", "fit"]
    for _, X_seen, y_seen, metadata in ends:
        assert_array_equal(X_seen, X)
        assert_array_equal(y_seen, y)
        assert_array_equal(metadata["sample_weight"], sample_weight)


def test_scoring_monitor_scores_every_epoch(callback_api, problem):
    make, X, y = problem
    # For ANNAutoencoder, y is what it reconstructs: X, which its score ignores.
    monitor = callback_api.ScoringMonitor(
        scoring={"score": lambda estimator, X, y: estimator.score(X, y)})
    est = make(max_iter=5, **KEEP_TRAINING).set_callbacks(monitor)
    est.fit(X, y)

    rows = monitor.get_logs().data
    epoch_scores = [row["score"] for row in rows if row["task_name"] == "epoch"]
    expected = [_score(make(max_iter=n, **KEEP_TRAINING).fit(X, y), X, y)
                for n in range(1, 6)]
    assert_allclose(epoch_scores, expected, rtol=1e-12)
    [fit_row] = [row for row in rows if row["task_name"] == "fit"]
    assert fit_row["score"] == pytest.approx(_score(est, X, y))


def test_scoring_monitor_weighs_samples_like_the_fit(callback_api, regression):
    X, y = regression
    sample_weight = np.random.RandomState(0).uniform(0.1, 2.0, X.shape[0])
    monitor = callback_api.ScoringMonitor(scoring="r2")
    est = ANNRegressor(max_iter=3, random_state=0).set_callbacks(monitor)
    est.fit(X, y, sample_weight=sample_weight)

    [fit_row] = [row for row in monitor.get_logs().data if row["task_name"] == "fit"]
    assert fit_row["r2"] == pytest.approx(est.score(X, y, sample_weight=sample_weight))
    assert fit_row["r2"] != pytest.approx(est.score(X, y))


def test_scoring_monitor_logs_each_partial_fit(callback_api, regression):
    X, y = regression
    monitor = callback_api.ScoringMonitor(scoring="r2")
    est = ANNRegressor(random_state=0).set_callbacks(monitor)
    scores = [est.partial_fit(X, y).score(X, y) for _ in range(3)]

    logs = monitor.get_logs(select="all")
    assert [log.data[0]["task_name"] for log in logs] == ["partial_fit"] * 3
    epoch_scores = [row["r2"] for log in logs for row in log.data
                    if row["task_name"] == "epoch"]
    assert_allclose(epoch_scores, scores, rtol=1e-12)


def test_progress_bar_shows_the_fit(callback_api, capsys, iris):
    pytest.importorskip("rich")
    X, y = iris
    est = ANNClassifier(max_iter=5, random_state=0).set_callbacks(callback_api.ProgressBar())
    est.fit(X, y)
    out = capsys.readouterr().out
    assert re.search(r"ANNClassifier - fit", out)
    assert re.search(r"100%", out)


# --- stopping -----------------------------------------------------------------------------


@pytest.mark.parametrize("early_stopping", [False, True])
def test_a_callback_stops_training_after_an_epoch(callback_api, iris, early_stopping):
    X, y = iris
    params = dict(max_iter=50, random_state=0, early_stopping=early_stopping, **KEEP_TRAINING)
    stopper = StopAfter(4)
    est = ANNClassifier(**params).set_callbacks(stopper)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est.fit(X, y)

    assert est.n_iter_ == 4
    assert len(est.loss_curve_) == 4
    assert stopper.epochs() == [0, 1, 2, 3]
    assert stopper.calls[-2:] == [("end", "fit", 0), ("teardown", "fit")]
    # The model is the one trained so far: the same as asking for 4 epochs.
    trained_4_epochs = ANNClassifier(**dict(params, max_iter=4)).fit(X, y)
    assert_array_equal(est.predict_proba(X), trained_4_epochs.predict_proba(X))
    if early_stopping:
        assert len(est.validation_scores_) == 4


def test_early_stopping_with_callbacks(callback_api, iris):
    X, y = iris
    recorder = Recorder()
    monitor = callback_api.ScoringMonitor(scoring="accuracy")
    est = ANNClassifier(max_iter=300, early_stopping=True, n_iter_no_change=3,
                        random_state=0).set_callbacks(recorder, monitor)
    est.fit(X, y)

    assert est.n_iter_ < 300
    assert recorder.epochs() == list(range(est.n_iter_))
    assert len(est.validation_scores_) == est.n_iter_
    rows = monitor.get_logs().data
    assert sum(row["task_name"] == "epoch" for row in rows) == est.n_iter_
    # The fit's own score is that of the model kept: the best epoch's.
    [fit_row] = [row for row in rows if row["task_name"] == "fit"]
    assert fit_row["accuracy"] == est.score(X, y)


def test_a_stop_request_in_partial_fit_keeps_the_epoch(callback_api, regression):
    X, y = regression
    est = ANNRegressor(random_state=0).set_callbacks(StopAfter(1))
    est.partial_fit(X, y)
    expected = ANNRegressor(random_state=0).partial_fit(X, y)
    assert_array_equal(est.predict(X), expected.predict(X))


def test_an_interrupted_fit_ends_every_task_it_began(callback_api, regression):
    X, y = regression

    class CtrlCAtEpoch3(Recorder):
        def on_fit_task_begin(self, estimator, context, **kwargs):
            super().on_fit_task_begin(estimator, context, **kwargs)
            if context.task_name == "epoch" and context.task_id == 2:
                raise KeyboardInterrupt

    recorder = CtrlCAtEpoch3()
    est = ANNRegressor(max_iter=10, random_state=0).set_callbacks(recorder)
    with pytest.warns(UserWarning, match="interrupted"):
        est.fit(X, y)
    assert est.n_iter_ == 2
    assert recorder.count("begin") == recorder.count("end") == 4
    assert recorder.calls[-2:] == [("end", "fit", 0), ("teardown", "fit")]


# --- failures -------------------------------------------------------------------------


def test_a_failing_callback_leaves_a_new_estimator_unfitted(callback_api, problem):
    make, X, y = problem
    failing = FailAt(epoch=2)
    est = make(max_iter=5).set_callbacks(failing)
    params = est.get_params()

    with pytest.raises(RuntimeError, match="callback failed"):
        est.fit(X, y)

    with pytest.raises(NotFittedError):
        check_is_fitted(est)
    assert not hasattr(est, "n_features_in_")
    assert est.get_params() == params
    assert failing.calls[-1] == ("teardown", "fit")
    # Nothing is left behind: the next fit works and reports to the callback again.
    est.set_callbacks(failing.__class__(epoch=100)).fit(X, y)
    check_is_fitted(est)


@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_a_failing_callback_leaves_a_fitted_estimator_unchanged(callback_api, problem, how):
    make, X, y = problem
    est = make(max_iter=3, warm_start=how == "warm_start").fit(X, y)
    before = est.transform(X) if y is None else est.predict(X)
    n_iter, loss_curve = est.n_iter_, list(est.loss_curve_)

    failing = FailAt(epoch=1)
    est.set_callbacks(failing)
    with pytest.raises(RuntimeError, match="callback failed"):
        if how == "warm_start":
            est.fit(X, y)
        else:
            est.partial_fit(X, y)

    after = est.transform(X) if y is None else est.predict(X)
    assert_array_equal(after, before)
    assert est.n_iter_ == n_iter
    assert est.loss_curve_ == loss_curve
    assert failing.calls[-1][0] == "teardown"
    assert failing.count("setup") == 1


def test_callbacks_are_torn_down_when_training_diverges(callback_api, regression):
    X, y = regression
    recorder = Recorder()
    est = ANNRegressor(solver="sgd", learning_rate_init=1e3, momentum=0.0, max_iter=20,
                       random_state=0).set_callbacks(recorder)
    with pytest.raises(ValueError, match="non-finite"):
        est.fit(X, y * 1e6)
    assert recorder.count("setup") == recorder.count("teardown") == 1
    with pytest.raises(NotFittedError):
        check_is_fitted(est)


# --- cloning and pickling, as for scikit-learn's LogisticRegression ------------------------


REFERENCE_AND_OURS = [
    pytest.param(LogisticRegression(max_iter=5), id="LogisticRegression"),
    pytest.param(ANNClassifier(max_iter=5, random_state=0), id="ANNClassifier"),
]


@pytest.mark.parametrize("estimator", REFERENCE_AND_OURS)
def test_clones_report_to_the_same_callbacks(callback_api, iris, estimator):
    X, y = iris
    monitor = callback_api.ScoringMonitor(scoring="accuracy")
    estimator = clone(estimator).set_callbacks(monitor)
    cross_validate(estimator, X, y, cv=3)
    assert len(monitor.get_logs(select="all")) == 3
    clone(estimator).fit(X, y)
    assert len(monitor.get_logs(select="all")) == 4


@pytest.mark.parametrize("estimator", REFERENCE_AND_OURS)
@pytest.mark.parametrize("fitted", [False, True])
def test_pickled_estimators_keep_their_callbacks(callback_api, iris, estimator, fitted):
    X, y = iris
    counter = CountingCallback()
    estimator = clone(estimator).set_callbacks(counter, callback_api.ScoringMonitor(
        scoring="accuracy"))
    if fitted:
        estimator.fit(X, y)
    restored = pickle.loads(pickle.dumps(estimator))
    if fitted:
        assert_array_equal(restored.predict(X), estimator.predict(X))
    restored.fit(X, y)
    assert SETUPS[counter.name] == 1 + fitted


def test_callbacks_leave_no_trace_on_the_model(callback_api, iris):
    X, y = iris
    plain = ANNClassifier(max_iter=3, random_state=0).fit(X, y)
    watched = ANNClassifier(max_iter=3, random_state=0).set_callbacks(Recorder()).fit(X, y)
    assert_array_equal(watched.predict_proba(X), plain.predict_proba(X))
    # Once its callbacks are removed, the model is like one fitted without them.
    watched.set_callbacks()
    assert set(vars(watched)) == set(vars(plain))


def test_callbacks_set_on_a_pipeline_see_the_epochs(callback_api, iris):
    X, y = iris

    class PropagatedRecorder(Recorder):
        max_propagation_depth = None

    recorder = PropagatedRecorder()
    pipe = make_pipeline(StandardScaler(), ANNClassifier(max_iter=3, random_state=0))
    pipe.set_callbacks(recorder).fit(X, y)

    network_fit = [call for call in recorder.calls if call[:2] == ("begin", "fit")][-1]
    assert network_fit[3] == 3  # ANNClassifier's fit, with its 3 epochs
    assert recorder.epochs() == [0, 1, 2]
    assert recorder.count("setup") == recorder.count("teardown") == 1


# --- scikit-learn without the callback API -------------------------------------------------


@pytest.mark.skipif(HAS_CALLBACK_API, reason="scikit-learn has the callback API")
def test_without_the_callback_api_estimators_train_as_usual(iris):
    X, y = iris
    est = ANNClassifier(max_iter=3, random_state=0)
    assert not hasattr(est, "set_callbacks")
    assert est.fit(X, y).predict(X).shape == y.shape
    assert est.partial_fit(X, y).n_iter_ == 1


def test_scoring_monitor_after_a_dataframe_fit_does_not_warn_every_epoch(callback_api, iris):
    X, _ = iris
    df = pd.DataFrame(X, columns=["sl", "sw", "pl", "pw"])
    est = ANNRegressor(max_iter=4, random_state=0)
    est.set_callbacks(callback_api.ScoringMonitor(scoring="r2"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(df, X[:, 0])
