"""scikit-learn's callback API (``sklearn.callback``, scikit-learn >= 1.9) for the estimators.

With it, ``est.set_callbacks(ProgressBar(), ScoringMonitor(scoring="r2"))``
follows a fit epoch by epoch. A fit is one task whose subtasks are the epochs:

- ``fit`` with a stochastic solver: a root task ``"fit"`` with up to
  ``max_iter`` subtasks ``"epoch"``; fewer when training converges or a
  callback stops it;
- ``partial_fit``: a root task ``"partial_fit"`` with a single ``"epoch"``;
- ``solver='lbfgs'``: a root task ``"fit"`` and no subtask. The iterations run
  inside scipy's optimizer, whose progress the core does not report.

Every hook receives the training data ``X`` (validated, in the network's
dtype), the targets ``y`` (for ``ANNAutoencoder``, the data it reconstructs)
and ``metadata={"sample_weight": ...}`` when weights were given. A callback
asking for ``fitted_estimator`` gets a copy of the estimator holding a copy of
the network as it stands at that moment: the one the epoch just trained, even
with ``early_stopping=True`` (which keeps the best epoch's network only at the
end of the fit). The estimator itself is not touched before the fit succeeds,
so a fit that fails, a callback's error included, leaves it as it was.

``on_fit_task_end`` returning True for an epoch stops training after that
epoch: the fit ends normally, with the network trained so far and without a
convergence warning.

With an older scikit-learn the estimators have no ``set_callbacks`` and train
as before.

The trainer knows nothing of scikit-learn: it calls ``on_epoch_begin(epoch)``
before every epoch and ``on_epoch_end(state)`` after it, and stops when the
latter returns True. ``CallbackSupport._callback_session`` opens the root task
around the solver and yields such an object.
"""

import copy
import functools
import warnings
from contextlib import contextmanager

try:
    from sklearn.callback import CallbackSupportMixin, with_callbacks
except ImportError:  # scikit-learn < 1.9
    CallbackSupportMixin = with_callbacks = None

_UNSET = object()


@contextmanager
def _checked_array_x():
    """Hooks get the validated X, an array: a callback scoring on it after a fit on a
    DataFrame would otherwise be warned about feature names at every epoch."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="X does not have valid feature names")
        yield


class _NoCallbackSupport:
    """Stand-in for scikit-learn < 1.9: no ``set_callbacks``, training as usual."""

    def _with_callback_teardown(self, function, *args):
        return function(*args)

    @contextmanager
    def _callback_session(self, X, y, sample_weight, encoder, network, state, *,
                          incremental):
        yield None


if CallbackSupportMixin is None:
    CallbackSupport = _NoCallbackSupport
else:

    @with_callbacks
    def _call_with_teardown(estimator, function, *args):
        return function(*args)

    class CallbackSupport(CallbackSupportMixin):
        """Mixin giving the estimators ``set_callbacks`` and a task tree per fit."""

        def _with_callback_teardown(self, function, *args):
            """``function(*args)``, then the callbacks' teardown, even if it raised."""
            return _call_with_teardown(self, function, *args)

        @contextmanager
        def _callback_session(self, X, y, sample_weight, encoder, network, state, *,
                              incremental):
            """The root fit task around the solver; yields the trainer's epoch hooks."""
            if self.solver == "lbfgs":
                max_subtasks = 0
            else:
                max_subtasks = 1 if incremental else self.max_iter
            root = self._init_callback_context(
                task_name="partial_fit" if incremental else "fit", max_subtasks=max_subtasks)
            metadata = None if sample_weight is None else {"sample_weight": sample_weight}
            snapshot = functools.partial(self._fitted_attributes, encoder, network, state)
            root.call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)
            epochs = _EpochTasks(self, root, X, y, metadata, snapshot)
            yield epochs
            epochs.close()
            with _checked_array_x():
                root.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=metadata,
                                          reconstruction_attributes=snapshot)

        def _fitted_attributes(self, encoder, network, state):
            """The attributes a fit ending now would publish, on copies of the network."""
            scratch = copy.copy(self)
            scratch._commit(encoder, *copy.deepcopy((network, state)))
            current = vars(self)
            return {name: value for name, value in vars(scratch).items()
                    if current.get(name, _UNSET) is not value}


class _EpochTasks:
    """The trainer's epoch hooks, turned into one subtask of the fit per epoch."""

    def __init__(self, estimator, root, X, y, metadata, snapshot):
        self.estimator, self.root = estimator, root
        self.X, self.y, self.metadata, self.snapshot = X, y, metadata, snapshot
        self.task = None

    def _data(self):
        return dict(estimator=self.estimator, X=self.X, y=self.y, metadata=self.metadata,
                    reconstruction_attributes=self.snapshot)

    def on_epoch_begin(self, epoch):
        self.task = self.root.subcontext(task_name="epoch")
        self.task.call_on_fit_task_begin(**self._data())

    def on_epoch_end(self, state):
        """End the epoch's task; True when a callback asks to stop training."""
        task, self.task = self.task, None
        with _checked_array_x():
            return task.call_on_fit_task_end(**self._data())

    def close(self):
        """End, as an empty task, an epoch the trainer left open (divergence, Ctrl-C)."""
        if self.task is not None:
            self.task.call_on_fit_task_end(estimator=self.estimator)
            self.task = None
