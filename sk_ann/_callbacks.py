"""scikit-learn's callback API (``sklearn.callback``, scikit-learn >= 1.9) for the estimators.

The trainer knows nothing of scikit-learn: it calls ``on_epoch_begin(epoch)``
before every epoch and ``on_epoch_end(state)`` after it, and stops when the
latter returns True. ``CallbackSupport._callback_session`` opens the
estimator's callback context around a fit and yields such an object, or None
when no callback is set (or scikit-learn has no callback API).
"""

from contextlib import contextmanager


class CallbackSupport:
    """Mixin giving the estimators ``set_callbacks`` where scikit-learn supports it."""

    @contextmanager
    def _callback_session(self, X, y, max_epochs):
        yield None
