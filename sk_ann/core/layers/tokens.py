"""Tokens: what turns samples into sequences of vectors for attention, and back.

Attention compares tokens with each other and does not know where a token sits
in the sequence. ``PositionalEmbedding`` adds one learned vector per position,
so that "third step" can be told from "fifth step". ``FeatureTokenizer`` makes
a row of a table into tokens, one per feature, the way the FT-Transformer
(Gorishniy et al., 2021) does: feature ``j`` with value ``x_j`` becomes

.. math:: t_j = x_j\\, w_j + b_j \\in \\mathbb{R}^{d}

(a neuron of ``d`` outputs reading one number), and a learned ``[CLS]`` token
goes first: it reads nothing, and attention lets it gather from the features
what the prediction needs. ``ClsToken`` hands that token's output on to the
head. All their arrays are "other" parameters, not penalised: they are
embeddings, places in the token space, rather than weights of a sum.
"""

import numpy as np

from .base import Layer, Parameter


def _check_tokens(layer, input_shape):
    if len(input_shape) != 2:
        raise ValueError(
            f"{type(layer).__name__} reads sequences of tokens, samples of shape (tokens, "
            f"width), but receives samples of shape {input_shape}. Give input_shape="
            "(timesteps, features), or put FeatureTokenizer first for flat rows."
        )


class PositionalEmbedding(Layer):
    """Add a learned vector to each position of a ``(tokens, width)`` sequence.

    .. math:: Y_{t} = X_{t} + P_{t}, \\qquad
              \\frac{\\partial L}{\\partial P_t} = \\sum_{\\text{samples}}
              \\frac{\\partial L}{\\partial Y_t}

    The vectors start small (normal, standard deviation 0.02, as in BERT), so
    that they mark positions without drowning the content.

    Examples
    --------
    >>> import numpy as np
    >>> layer = PositionalEmbedding()
    >>> layer.build((5, 8))
    (5, 8)
    >>> [(p.name, p.shape, p.role) for p in layer.parameters()]
    [('P', (5, 8), 'other')]
    """

    def __init__(self):
        self._trained = False

    def _output_shape(self, input_shape):
        _check_tokens(self, input_shape)
        return input_shape

    def parameters(self):
        return [Parameter("P", self.input_shape, "other")]

    def bind(self, params, grads, buffers):
        self.P, self.dP = params["P"], grads["P"]

    def initialize(self, rng, initializer, activation):
        self.P[...] = rng.normal(0.0, 0.02, self.P.shape)

    def forward(self, X, training=False, rng=None):
        self._trained = self._trained or training
        return X + self.P

    def backward(self, dA, need_dX=True):
        if not self._trained:
            raise RuntimeError("PositionalEmbedding.backward needs a training forward first.")
        np.sum(dA, axis=0, out=self.dP)
        return dA.copy() if need_dX else None

    def get_config(self):
        return {}


class FeatureTokenizer(Layer):
    """Each of ``n_features`` numbers as a token of width ``d_token``, after a ``[CLS]`` token.

    A flat sample ``x`` of ``n_features`` becomes ``n_features + 1`` tokens:
    token 0 is the learned ``[CLS]`` vector, token ``j + 1`` is
    ``x_j * W[j] + b[j]``. Scale the features first (``StandardScaler``): a
    token grows with its feature's value.

    Parameters
    ----------
    d_token : int
        Width of every token (the model's width, ``d_model``).

    Examples
    --------
    >>> import numpy as np
    >>> tok = FeatureTokenizer(4)
    >>> tok.build((3,))
    (4, 4)
    >>> [(p.name, p.shape) for p in tok.parameters()]
    [('W', (3, 4)), ('b', (3, 4)), ('cls', (4,))]
    """

    def __init__(self, d_token):
        if isinstance(d_token, bool) or not isinstance(d_token, (int, np.integer)) or d_token < 1:
            raise ValueError(f"FeatureTokenizer d_token must be a positive int, got {d_token!r}.")
        self.d_token = int(d_token)
        self._X = None

    def _output_shape(self, input_shape):
        if len(input_shape) != 1:
            raise ValueError(
                f"FeatureTokenizer reads flat rows of features, but receives samples of shape "
                f"{input_shape}. Put it first, on a table (input_shape=None)."
            )
        return (input_shape[0] + 1, self.d_token)

    @property
    def n_features(self):
        return self.input_shape[0]

    def parameters(self):
        shape = (self.n_features, self.d_token)
        return [Parameter("W", shape, "other"), Parameter("b", shape, "other"),
                Parameter("cls", (self.d_token,), "other")]

    def bind(self, params, grads, buffers):
        self.W, self.b, self.cls = params["W"], params["b"], params["cls"]
        self.dW, self.db, self.dcls = grads["W"], grads["b"], grads["cls"]
        self._X = None

    def initialize(self, rng, initializer, activation):
        # As the FT-Transformer: uniform in ±1/sqrt(d_token), for every part.
        bound = 1.0 / np.sqrt(self.d_token)
        for array in (self.W, self.b, self.cls):
            array[...] = rng.uniform(-bound, bound, array.shape)

    def forward(self, X, training=False, rng=None):
        n = X.shape[0]
        tokens = np.empty((n, *self.output_shape), dtype=self.dtype)
        tokens[:, 0] = self.cls
        np.multiply(X[:, :, None], self.W, out=tokens[:, 1:])
        tokens[:, 1:] += self.b
        if training:
            self._X = X
        return tokens

    def backward(self, dA, need_dX=True):
        X = self._X
        if X is None:
            raise RuntimeError("FeatureTokenizer.backward needs a training forward first.")
        d_features = dA[:, 1:]
        # dW[j, k] = sum over samples of x_j * dA[j + 1, k]: one product per feature.
        self.dW[...] = np.einsum("nf,nfk->fk", X, d_features)
        np.sum(d_features, axis=0, out=self.db)
        np.sum(dA[:, 0], axis=0, out=self.dcls)
        if not need_dX:
            return None
        return np.einsum("nfk,fk->nf", d_features, self.W)

    def release(self):
        self._X = None

    def get_config(self):
        return {"d_token": self.d_token}

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_X"] = None
        return state


class ClsToken(Layer):
    """The output of token 0 (the ``[CLS]`` token): ``(tokens, width)`` -> ``(width,)``.

    Examples
    --------
    >>> import numpy as np
    >>> layer = ClsToken()
    >>> layer.build((3, 2))
    (2,)
    >>> layer.forward(np.arange(6.0).reshape(1, 3, 2))
    array([[0., 1.]])
    """

    def _output_shape(self, input_shape):
        _check_tokens(self, input_shape)
        return input_shape[-1:]

    def forward(self, X, training=False, rng=None):
        return X[:, 0].copy()

    def backward(self, dA, need_dX=True):
        if not need_dX:
            return None
        dX = np.zeros((dA.shape[0], *self.input_shape), dtype=dA.dtype)
        dX[:, 0] = dA
        return dX

    def get_config(self):
        return {}
