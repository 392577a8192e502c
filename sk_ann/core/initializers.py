"""Weight initialisers. Each draws a layer's weights and biases from an injected ``rng``.

``glorot_uniform`` is the scheme of Glorot & Bengio (2010) exactly as
scikit-learn's MLP applies it: weights *and* biases uniform in
:math:`\\pm\\sqrt{c / (n_{in} + n_{out})}` with :math:`c = 2` for the logistic
activation and :math:`c = 6` otherwise, drawn weights first, then biases, layer by
layer. Drawn in that order from the same seed, a network starts from the very
numbers an ``MLPClassifier`` with that seed starts from.
"""

import numpy as np


def glorot_uniform(n_in, n_out, rng, activation="relu", dtype=np.float64):
    """Return ``(W, b)`` of shapes ``(n_in, n_out)`` and ``(n_out,)``.

    ``activation`` is the name of the activation of the *hidden* layers: the
    output layer uses the same factor, as in scikit-learn.
    """
    factor = 2.0 if activation == "logistic" else 6.0
    bound = np.sqrt(factor / (n_in + n_out))
    W = rng.uniform(-bound, bound, (n_in, n_out)).astype(dtype, copy=False)
    b = rng.uniform(-bound, bound, n_out).astype(dtype, copy=False)
    return W, b


INITIALIZERS = {"glorot_uniform": glorot_uniform}
