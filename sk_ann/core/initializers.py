"""Weight initialisers. Each draws a layer's weights and biases from an injected ``rng``.

Every initialiser has the signature ``f(n_in, n_out, rng, activation, dtype,
shape=None)`` and returns ``(W, b)``: ``W`` of ``shape`` (by default
``(n_in, n_out)``) and ``b`` of ``(shape[-1],)``, one bias per neuron. ``n_in``
and ``n_out`` are the fan-in and fan-out the scale is taken from: for a
convolution, the kernel's positions times the input channels, and times the
filters. ``rng`` is a ``numpy.random.RandomState``; nothing else is random.

``glorot_uniform`` is the scheme of Glorot & Bengio (2010) exactly as
scikit-learn's MLP applies it: weights *and* biases uniform in
:math:`\\pm\\sqrt{c / (n_{in} + n_{out})}` with :math:`c = 2` for the logistic
activation and :math:`c = 6` otherwise, drawn weights first, then biases, layer by
layer. Drawn in that order from the same seed, a network starts from the very
numbers an ``MLPClassifier`` with that seed starts from.

The other schemes draw the weights only, with the variance their names give,
and start every bias at zero:

============== ================================ ==========================================
scheme         weight variance                  distribution
============== ================================ ==========================================
glorot_normal  :math:`2 / (n_{in} + n_{out})`   normal
he_uniform     :math:`2 / n_{in}`               uniform in :math:`\\pm\\sqrt{6 / n_{in}}`
he_normal      :math:`2 / n_{in}`               normal
lecun_uniform  :math:`1 / n_{in}`               uniform in :math:`\\pm\\sqrt{3 / n_{in}}`
lecun_normal   :math:`1 / n_{in}`               normal
============== ================================ ==========================================

He et al. (2015) keep the variance of ReLU-like activations from layer to
layer; LeCun's scale is the one SELU's self-normalisation assumes.
"""

import numpy as np


def glorot_uniform(n_in, n_out, rng, activation="relu", dtype=np.float64, shape=None):
    """Return ``(W, b)`` of shapes ``shape`` (default ``(n_in, n_out)``) and ``(shape[-1],)``.

    ``activation`` is the name of the activation of the *hidden* layers: the
    output layer uses the same factor, as in scikit-learn.
    """
    factor = 2.0 if activation in ("logistic", "sigmoid") else 6.0
    bound = np.sqrt(factor / (n_in + n_out))
    shape = (n_in, n_out) if shape is None else tuple(shape)
    W = rng.uniform(-bound, bound, shape).astype(dtype, copy=False)
    b = rng.uniform(-bound, bound, shape[-1]).astype(dtype, copy=False)
    return W, b


def _uniform(n_in, n_out, rng, variance, dtype, shape):
    # A uniform law on [-r, r] has variance r^2 / 3.
    bound = np.sqrt(3.0 * variance)
    shape = (n_in, n_out) if shape is None else tuple(shape)
    W = rng.uniform(-bound, bound, shape).astype(dtype, copy=False)
    return W, np.zeros(shape[-1], dtype=dtype)


def _normal(n_in, n_out, rng, variance, dtype, shape):
    shape = (n_in, n_out) if shape is None else tuple(shape)
    W = rng.normal(0.0, np.sqrt(variance), shape).astype(dtype, copy=False)
    return W, np.zeros(shape[-1], dtype=dtype)


def glorot_normal(n_in, n_out, rng, activation=None, dtype=np.float64, shape=None):
    """Weights normal with variance ``2 / (n_in + n_out)``, biases zero.

    Parameters
    ----------
    n_in, n_out : int
        Number of inputs and of neurons of the layer.
    rng : numpy.random.RandomState
        Where the weights are drawn from.
    activation : str, default=None
        Unused; accepted so that every initialiser is called the same way.
    dtype : numpy dtype, default=np.float64
        Dtype of the returned arrays (the draws are made in float64).
    shape : tuple of int, default=None
        Shape of ``W``; ``None`` means ``(n_in, n_out)``.

    Returns
    -------
    W : ndarray of shape ``shape``
    b : ndarray of shape (shape[-1],)

    Examples
    --------
    >>> import numpy as np
    >>> W, b = glorot_normal(300, 100, np.random.RandomState(0))
    >>> round(float(W.var() * (300 + 100) / 2), 1), bool(b.any())
    (1.0, False)
    """
    return _normal(n_in, n_out, rng, 2.0 / (n_in + n_out), dtype, shape)


def he_uniform(n_in, n_out, rng, activation=None, dtype=np.float64, shape=None):
    """Weights uniform in ``±sqrt(6 / n_in)`` (variance ``2 / n_in``), biases zero.

    Parameters and returns as in `glorot_normal`.
    """
    return _uniform(n_in, n_out, rng, 2.0 / n_in, dtype, shape)


def he_normal(n_in, n_out, rng, activation=None, dtype=np.float64, shape=None):
    """Weights normal with variance ``2 / n_in``, biases zero.

    Parameters and returns as in `glorot_normal`.
    """
    return _normal(n_in, n_out, rng, 2.0 / n_in, dtype, shape)


def lecun_uniform(n_in, n_out, rng, activation=None, dtype=np.float64, shape=None):
    """Weights uniform in ``±sqrt(3 / n_in)`` (variance ``1 / n_in``), biases zero.

    Parameters and returns as in `glorot_normal`.
    """
    return _uniform(n_in, n_out, rng, 1.0 / n_in, dtype, shape)


def lecun_normal(n_in, n_out, rng, activation=None, dtype=np.float64, shape=None):
    """Weights normal with variance ``1 / n_in``, biases zero.

    Parameters and returns as in `glorot_normal`.
    """
    return _normal(n_in, n_out, rng, 1.0 / n_in, dtype, shape)


INITIALIZERS = {
    f.__name__: f
    for f in (glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal)
}

#: The scheme ``init="auto"`` picks for each hidden activation: scikit-learn's
#: for its four activations, so that defaults reproduce its MLP; He's for the
#: ReLU-like ones; LeCun's normal for SELU, which needs it to self-normalise.
AUTO_INITIALIZER = {
    "identity": "glorot_uniform",
    "logistic": "glorot_uniform",
    "sigmoid": "glorot_uniform",
    "tanh": "glorot_uniform",
    "relu": "glorot_uniform",
    "leaky_relu": "he_uniform",
    "elu": "he_uniform",
    "gelu": "he_uniform",
    "silu": "he_uniform",
    "softplus": "he_uniform",
    "selu": "lecun_normal",
}


def default_initializer(activation):
    """Name of the initialiser ``init="auto"`` uses for the hidden ``activation``.

    Raises ``ValueError`` listing the known activations when ``activation`` is unknown.

    Examples
    --------
    >>> default_initializer("relu"), default_initializer("selu")
    ('glorot_uniform', 'lecun_normal')
    """
    try:
        return AUTO_INITIALIZER[activation]
    except (KeyError, TypeError):
        raise ValueError(
            f"activation must be one of {sorted(AUTO_INITIALIZER)}, got {activation!r}."
        ) from None
