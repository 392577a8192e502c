"""BLAS on one thread for loops of many small matrix products (a recurrence's steps).

A BLAS library splits a matrix product over its threads when the product is
large enough, and each product then ends by waiting for every thread. For the
few large products of a dense layer that costs nothing worth counting; for the
hundreds of small ones of a recurrent layer's steps (``(gates * units, units)``
times ``(units, batch)``, one per step, each a few microseconds of work) the
waiting can cost more than the work, and on a machine whose cores are busy
with other processes a product waits until the other thread gets a core: in
one measurement on a loaded two-core machine an LSTM epoch took 20 times as
long with two BLAS threads as with one. ``one_blas_thread()`` runs a block
with BLAS on one thread and restores the previous setting afterwards.

It uses threadpoolctl (a dependency of scikit-learn) when it is installed and
does nothing otherwise. The setting is process-wide: nested and concurrent
blocks (several models trained in threads) share one counter, so that the
last block to leave restores the setting the first one found. threadpoolctl
lets one Python thread at a time set OpenBLAS's threads, the first to try; a
thread leaving a block gives that control back, so that whichever thread
leaves last can restore the setting.
"""

import threading
from contextlib import contextmanager

try:
    from threadpoolctl import ThreadpoolController
except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
    ThreadpoolController = None

_lock = threading.Lock()
_state = {"depth": 0, "libraries": None, "saved": []}


def _blas_libraries():
    """threadpoolctl's handles on the BLAS libraries loaded in the process (found once)."""
    if _state["libraries"] is None:
        _state["libraries"] = ThreadpoolController().select(user_api="blas").lib_controllers
    return _state["libraries"]


def _set_threads(settings):
    for library, n_threads in settings:
        library.set_num_threads(n_threads)


def _give_back_control():
    """Let another Python thread set the libraries' threads (threadpoolctl >= 3.8)."""
    for library in _blas_libraries():
        clear = getattr(type(library), "clear_controlling_thread", None)
        if clear is not None:
            clear()  # only clears if this thread holds the control


@contextmanager
def one_blas_thread():
    """Run the block with BLAS limited to one thread (when threadpoolctl is installed)."""
    if ThreadpoolController is None:
        yield
        return
    with _lock:
        if _state["depth"] == 0:
            # Direct calls into each library: a few microseconds, where building
            # threadpoolctl's limiter each time would look the libraries up again.
            _state["saved"] = [(library, library.num_threads) for library in _blas_libraries()]
            _set_threads([(library, 1) for library, _ in _state["saved"]])
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0:
                _set_threads(_state["saved"])
                _state["saved"] = []
            _give_back_control()
