"""BLAS on one thread for loops of many small matrix products (a recurrence's steps).

A BLAS library splits a matrix product over its threads when the product is
large enough, and each product then ends by waiting for every thread. For the
few large products of a dense layer that costs nothing worth counting; for the
hundreds of small ones of a recurrent layer's steps (``(batch, units)`` times
``(units, gates * units)``, one per step, each a few microseconds of work) the
waiting can cost more than the work, and on a machine whose cores are busy
with other processes a product waits until the other thread gets a core: in
one measurement on a loaded two-core machine an LSTM epoch took 20 times as
long with two BLAS threads as with one. ``one_blas_thread()`` runs a block
with BLAS on one thread and restores the previous setting afterwards.

It uses threadpoolctl (a dependency of scikit-learn) when it is installed and
does nothing otherwise. The setting is process-wide: nested and concurrent
blocks (several models trained in threads) share one counter, so that the
last block to leave restores the setting the first one found.
"""

import threading
from contextlib import contextmanager

try:
    from threadpoolctl import ThreadpoolController
except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
    ThreadpoolController = None

_lock = threading.Lock()
_state = {"depth": 0, "limiter": None, "controller": None}


@contextmanager
def one_blas_thread():
    """Run the block with BLAS limited to one thread (when threadpoolctl is installed)."""
    if ThreadpoolController is None:
        yield
        return
    with _lock:
        if _state["depth"] == 0:
            if _state["controller"] is None:
                # Built once: it looks up the BLAS libraries loaded in the process.
                _state["controller"] = ThreadpoolController()
            _state["limiter"] = _state["controller"].limit(limits=1, user_api="blas")
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0:
                _state["limiter"].restore_original_limits()
                _state["limiter"] = None
