"""Central finite differences in float64: the one helper every gradient test uses.

The test modules import it as ``from gradcheck import numeric_gradient``; pytest
puts ``tests/`` on ``sys.path`` because the folder has no ``__init__.py``.
"""

import numpy as np


def numeric_gradient(f, x, eps=1e-6):
    """Return ∂f/∂x by central differences, perturbing ``x`` in place.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a scalar. It may ignore its argument and read ``x``
        through a closure or a view (a network's parameter vector, say).
    x : ndarray of float64
        Contiguous; each entry is moved by ``±eps`` in turn and then put back
        bit for bit, so ``x`` is unchanged on return.
    eps : float
        Step of the central difference; the error is O(eps²) plus round-off.

    Returns
    -------
    grad : ndarray of float64, shape of ``x``

    Examples
    --------
    >>> x = np.array([1.0, -2.0])
    >>> np.round(numeric_gradient(lambda v: float(np.sum(v ** 3)), x), 6)
    array([ 3., 12.])
    >>> x
    array([ 1., -2.])
    """
    if x.dtype != np.float64:
        raise TypeError(f"finite differences need float64, got {x.dtype}")
    flat = x.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("x must be contiguous, so that its flat view writes into it")
    grad = np.empty(flat.size)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        f_plus = float(f(x))
        flat[i] = original - eps
        f_minus = float(f(x))
        flat[i] = original
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad.reshape(x.shape)
