"""Attention: every token looks at every other and takes a weighted mean of what it finds.

Seen as neurons: each token ``x_t`` asks a question, its query
``q_t = x_t W_Q``; every token offers a key ``k_s = x_s W_K`` (what it is
about) and a value ``v_s = x_s W_V`` (what it passes on). The score of token
``s`` for token ``t`` is a neuron's weighted sum, ``q_t · k_s / sqrt(d_h)``
(``d_h`` the width of a head, see below); a softmax over ``s`` turns the
scores into weights that sum to one (where to look), and the output is the
weighted sum of the values:

.. math:: S = \\frac{Q K^\\top}{\\sqrt{d_h}}, \\qquad P = \\operatorname{softmax}(S), \\qquad
          O = P V, \\qquad Y = O\\, W_O + b_O

With ``h`` heads the width ``d`` is split into ``h`` slices of ``d_h = d / h``,
each head attending on its own; their outputs are laid side by side and mixed
by ``W_O``. Every product runs over all samples and heads at once, on arrays
``(n, heads, tokens, d_h)``. On the way back, with ``G = ∂L/∂P``, the softmax
gives ``∂L/∂S = P ⊙ (G - rowsum(G ⊙ P))``.

``TransformerEncoder`` is one pre-norm block of a transformer, two residual
branches, each read through a ``LayerNorm``:

.. math:: X' = X + \\operatorname{Attention}(\\operatorname{LN}_1(X)), \\qquad
          Y = X' + \\operatorname{FF}(\\operatorname{LN}_2(X'))

where ``FF`` is the same two-layer network of neurons applied to every token.
"""

import math

import numpy as np

from ..activations import get_activation
from .base import Layer, Parameter
from .layer_norm import LayerNorm


def _check_tokens(layer, input_shape):
    if len(input_shape) != 2:
        raise ValueError(
            f"{type(layer).__name__} reads sequences of tokens, samples of shape (tokens, "
            f"d_model), but receives samples of shape {input_shape}. Give input_shape="
            "(timesteps, features), or put FeatureTokenizer(d_token) first for flat rows."
        )


def _dropout_mask(rate, shape, rng, dtype):
    """Inverted dropout: kept entries scaled by ``1 / (1 - rate)``, the others 0."""
    if rng is None:
        raise ValueError("a layer with dropout needs an rng to train.")
    keep = rng.random_sample(shape) >= rate
    return keep.astype(dtype) * (1.0 / (1.0 - rate))


class PositionWise(Layer):
    """A dense layer of ``units`` neurons applied to every token alike.

    ``(tokens, d_in) -> (tokens, units)``: ``f(X W + b)`` with ``W`` of shape
    ``(d_in, units)`` shared by the positions (a convolution of kernel 1).
    """

    def __init__(self, units, activation="identity"):
        self.units = int(units)
        self.activation = activation
        self._f = get_activation(activation)
        self._cache = None

    def _output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def parameters(self):
        d_in = self.input_shape[-1]
        return [Parameter("W", (d_in, self.units), "weight", d_in, self.units),
                Parameter("b", (self.units,), "bias")]

    def bind(self, params, grads, buffers):
        self.W, self.b = params["W"], params["b"]
        self.dW, self.db = grads["W"], grads["b"]
        self._cache = None

    def initialize(self, rng, initializer, activation):
        d_in = self.input_shape[-1]
        W, _ = initializer(d_in, self.units, rng, self.activation, self.dtype,
                           shape=(d_in, self.units))
        self.W[...] = W
        # Zero biases: a residual branch starts as a plain linear map of its input.
        self.b[...] = 0.0

    def forward(self, X, training=False, rng=None):
        Z = np.matmul(X, self.W)
        Z += self.b
        A = self._f.forward(Z, out=np.empty_like(Z) if self._f.needs_input else Z)
        if training:
            self._cache = (X, Z, A)
        return A

    def backward(self, dA, need_dX=True):
        if self._cache is None:
            raise RuntimeError("backward needs a forward pass with training=True first.")
        X, Z, A = self._cache
        dZ = self._f.backward(Z, A, dA)
        d_in = X.shape[-1]
        np.matmul(X.reshape(-1, d_in).T, dZ.reshape(-1, self.units), out=self.dW)
        # Summing rows by a matrix-vector product: faster than numpy's reduction.
        np.matmul(np.ones(dZ.size // self.units, dtype=dZ.dtype), dZ.reshape(-1, self.units),
                  out=self.db)
        return np.matmul(dZ, self.W.T) if need_dX else None

    def release(self):
        self._cache = None

    def get_config(self):
        return {"units": self.units, "activation": self.activation}


class MultiHeadSelfAttention(Layer):
    """Multi-head self-attention over ``(tokens, d_model)`` samples; see the module docstring.

    Parameters
    ----------
    n_heads : int
        Number of heads; ``d_model`` (the width of the tokens that reach the
        layer) must be a multiple of it.
    dropout : float, default=0.0
        Probability that each attention weight is zeroed during a training
        step (the others are divided by ``1 - dropout``).

    Examples
    --------
    >>> import numpy as np
    >>> attn = MultiHeadSelfAttention(2)
    >>> attn.build((5, 8))
    (5, 8)
    >>> [(p.name, p.shape) for p in attn.parameters()]
    [('W_qkv', (8, 24)), ('W_o', (8, 8)), ('b_qkv', (24,)), ('b_o', (8,))]
    """

    def __init__(self, n_heads, dropout=0.0):
        if isinstance(n_heads, bool) or not isinstance(n_heads, (int, np.integer)) or n_heads < 1:
            raise ValueError(f"n_heads must be a positive int, got {n_heads!r}.")
        dropout = float(dropout)
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
        self.n_heads = int(n_heads)
        self.dropout = dropout
        self._cache = None

    def _output_shape(self, input_shape):
        _check_tokens(self, input_shape)
        d = input_shape[-1]
        if d % self.n_heads:
            divisors = [h for h in range(1, d + 1) if d % h == 0]
            raise ValueError(
                f"d_model={d} (the width of the tokens reaching attention) is not a multiple "
                f"of n_heads={self.n_heads}: each head takes d_model / n_heads numbers. Use "
                f"n_heads in {divisors}, or change the width before it (d_token, filters)."
            )
        return input_shape

    @property
    def d_model(self):
        return self.input_shape[-1]

    @property
    def d_head(self):
        return self.d_model // self.n_heads

    def parameters(self):
        d = self.d_model
        return [Parameter("W_qkv", (d, 3 * d), "weight", d, d),
                Parameter("W_o", (d, d), "weight", d, d),
                Parameter("b_qkv", (3 * d,), "bias"), Parameter("b_o", (d,), "bias")]

    def bind(self, params, grads, buffers):
        self.W_qkv, self.b_qkv = params["W_qkv"], params["b_qkv"]
        self.W_o, self.b_o = params["W_o"], params["b_o"]
        self.dW_qkv, self.db_qkv = grads["W_qkv"], grads["b_qkv"]
        self.dW_o, self.db_o = grads["W_o"], grads["b_o"]
        self._cache = None

    def initialize(self, rng, initializer, activation):
        # The projections are linear maps: scaled as for the identity, zero biases.
        d = self.d_model
        for W in (self.W_qkv, self.W_o):
            W[...] = initializer(d, d, rng, "identity", self.dtype, shape=W.shape)[0]
        self.b_qkv[...] = 0.0
        self.b_o[...] = 0.0

    def _heads(self, X):
        """Queries, keys and values, each ``(n, heads, tokens, d_head)``."""
        n, t, d = X.shape
        QKV = np.matmul(X, self.W_qkv)
        QKV += self.b_qkv
        QKV = QKV.reshape(n, t, 3, self.n_heads, self.d_head).transpose(2, 0, 3, 1, 4)
        return QKV[0], QKV[1], QKV[2]

    def _weights(self, Q, K):
        """Softmax of the scaled scores over the keys, ``(n, heads, tokens, tokens)``."""
        S = np.matmul(Q, K.swapaxes(-1, -2))
        S *= 1.0 / math.sqrt(self.d_head)
        # Subtracting each row's largest score changes no weight and keeps exp finite.
        S -= S.max(axis=-1, keepdims=True)
        np.exp(S, out=S)
        S /= S.sum(axis=-1, keepdims=True)
        return S

    def attention_weights(self, X):
        """The attention weights for tokens ``X``, shape ``(n, heads, tokens, tokens)``.

        Row ``t`` of head ``h`` holds where token ``t`` looks: weights over the
        tokens, summing to one.
        """
        Q, K, _ = self._heads(X)
        return self._weights(Q, K)

    def forward(self, X, training=False, rng=None):
        n, t, d = X.shape
        Q, K, V = self._heads(X)
        P = self._weights(Q, K)
        mask = None
        if training and self.dropout and not self.frozen:
            mask = _dropout_mask(self.dropout, P.shape, rng, self.dtype)
            P_used = P * mask
        else:
            P_used = P
        O = np.matmul(P_used, V).transpose(0, 2, 1, 3).reshape(n, t, d)
        Y = np.matmul(O, self.W_o)
        Y += self.b_o
        if training:
            self._cache = (X, Q, K, V, P, mask, P_used, O)
        return Y

    def backward(self, dA, need_dX=True):
        if self._cache is None:
            raise RuntimeError("backward needs a forward pass with training=True first.")
        X, Q, K, V, P, mask, P_used, O = self._cache
        n, t, d = X.shape
        h, dh = self.n_heads, self.d_head
        rows = dA.reshape(-1, d)
        np.matmul(O.reshape(-1, d).T, rows, out=self.dW_o)
        ones = np.ones(rows.shape[0], dtype=dA.dtype)
        np.matmul(ones, rows, out=self.db_o)
        dO = np.matmul(dA, self.W_o.T).reshape(n, t, h, dh).transpose(0, 2, 1, 3)
        dQKV = np.empty((3, n, h, t, dh), dtype=dA.dtype)
        np.matmul(P_used.swapaxes(-1, -2), dO, out=dQKV[2])
        dP = np.matmul(dO, V.swapaxes(-1, -2))
        if mask is not None:
            dP *= mask
        # Softmax backward, row by row: dS = P * (dP - sum(dP * P)).
        dS = dP - np.sum(dP * P, axis=-1, keepdims=True)
        dS *= P
        dS *= 1.0 / math.sqrt(dh)
        np.matmul(dS, K, out=dQKV[0])
        np.matmul(dS.swapaxes(-1, -2), Q, out=dQKV[1])
        dQKV = dQKV.transpose(1, 3, 0, 2, 4).reshape(n, t, 3 * d)
        flat = dQKV.reshape(-1, 3 * d)
        np.matmul(X.reshape(-1, d).T, flat, out=self.dW_qkv)
        np.matmul(ones, flat, out=self.db_qkv)
        return np.matmul(dQKV, self.W_qkv.T) if need_dX else None

    def release(self):
        self._cache = None

    def get_config(self):
        return {"n_heads": self.n_heads, "dropout": self.dropout}

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_cache"] = None
        return state


class TransformerEncoder(Layer):
    """One pre-norm transformer encoder block on ``(tokens, d_model)`` samples.

    ``X + Attention(LayerNorm(X))``, then ``+ FF(LayerNorm(.))``, where the
    feed-forward ``FF`` is ``ff_units`` GELU neurons and ``d_model`` linear
    ones, applied to every token. ``d_model`` is the width of what reaches the
    block; the output has the input's shape.

    Parameters
    ----------
    n_heads : int
        Number of attention heads; must divide ``d_model``.
    ff_units : int, default=None
        Neurons of the feed-forward's hidden layer; None means ``2 * d_model``.
        The original transformer used 4×; the FT-Transformer found 4/3× to 2×
        enough on tables, where it halves the block's largest cost.
    dropout : float, default=0.0
        Dropout rate on the attention weights and on both residual branches,
        while training (inverted: nothing changes at predict time).
    ff_activation : str, default="gelu"
        Activation of the feed-forward's hidden neurons ("gelu", as in BERT;
        "relu" is a little faster).

    Examples
    --------
    >>> import numpy as np
    >>> block = TransformerEncoder(2)
    >>> block.build((5, 8))
    (5, 8)
    >>> block.n_params  # ln1 16 + attention 288 + ln2 16 + feed-forward 280
    600
    """

    def __init__(self, n_heads, ff_units=None, dropout=0.0, ff_activation="gelu"):
        self.attention = MultiHeadSelfAttention(n_heads, dropout)
        if ff_units is not None and (isinstance(ff_units, bool) or not isinstance(
                ff_units, (int, np.integer)) or ff_units < 1):
            raise ValueError(f"ff_units must be a positive int or None, got {ff_units!r}.")
        get_activation(ff_activation)  # fails now, listing the names, if unknown
        self.n_heads = int(n_heads)
        self.ff_units = None if ff_units is None else int(ff_units)
        self.dropout = float(dropout)
        self.ff_activation = ff_activation
        self.norm1 = LayerNorm()
        self.norm2 = LayerNorm()
        self._cache = None

    @property
    def dropout(self):
        return self._dropout

    @dropout.setter
    def dropout(self, rate):
        # warm_start may change the rate; the attention weights follow it.
        self._dropout = float(rate)
        self.attention.dropout = self._dropout

    def _output_shape(self, input_shape):
        _check_tokens(self, input_shape)
        d = input_shape[-1]
        units = self.ff_units or 2 * d
        self.ff1 = PositionWise(units, self.ff_activation)
        self.ff2 = PositionWise(d, "identity")
        shape = input_shape
        for part in self._parts().values():
            shape = part.build(shape, self.dtype)
        return input_shape

    def _parts(self):
        return {"norm1": self.norm1, "attention": self.attention, "norm2": self.norm2,
                "ff1": self.ff1, "ff2": self.ff2}

    @property
    def d_model(self):
        return self.input_shape[-1]

    @property
    def frozen(self):
        return self.__dict__.get("_frozen", False)

    @frozen.setter
    def frozen(self, value):
        self._frozen = value
        self.attention.frozen = value

    def parameters(self):
        return [Parameter(f"{name}.{p.name}", p.shape, p.role, p.fan_in, p.fan_out)
                for name, part in self._parts().items() for p in part.parameters()]

    def bind(self, params, grads, buffers):
        for name, part in self._parts().items():
            prefix = name + "."
            part.bind({k[len(prefix):]: v for k, v in params.items() if k.startswith(prefix)},
                      {k[len(prefix):]: v for k, v in grads.items() if k.startswith(prefix)},
                      {})
        self._cache = None

    def initialize(self, rng, initializer, activation):
        for part in self._parts().values():
            part.initialize(rng, initializer, activation)

    def attention_weights(self, X):
        """Where each token looks, per head, for tokens ``X`` reaching this block.

        Returns an array ``(n, heads, tokens, tokens)`` whose rows sum to one.
        """
        return self.attention.attention_weights(self.norm1.forward(X))

    def forward(self, X, training=False, rng=None):
        dropping = training and self.dropout > 0 and not self.frozen
        A = self.attention.forward(self.norm1.forward(X, training), training, rng)
        mask1 = mask2 = None
        if dropping:
            mask1 = _dropout_mask(self.dropout, A.shape, rng, self.dtype)
            A = A * mask1
        X2 = X + A
        F = self.ff2.forward(self.ff1.forward(self.norm2.forward(X2, training), training),
                             training)
        if dropping:
            # A new array: F is also what the feed-forward kept for its backward.
            mask2 = _dropout_mask(self.dropout, F.shape, rng, self.dtype)
            F = F * mask2
        if training:
            self._cache = (mask1, mask2)
        return X2 + F

    def backward(self, dA, need_dX=True):
        if self._cache is None:
            raise RuntimeError("TransformerEncoder.backward needs a training forward first.")
        mask1, mask2 = self._cache
        dF = dA if mask2 is None else dA * mask2
        dX2 = dA + self.norm2.backward(self.ff1.backward(self.ff2.backward(dF)))
        dAttn = dX2 if mask1 is None else dX2 * mask1
        dX1 = self.norm1.backward(self.attention.backward(dAttn))
        return dX2 + dX1 if need_dX else None

    def release(self):
        self._cache = None
        for part in self._parts().values():
            part.release()

    def get_config(self):
        return {"n_heads": self.n_heads, "ff_units": self.ff_units, "dropout": self.dropout,
                "ff_activation": self.ff_activation}

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_cache"] = None
        return state


def attention_weights(network, X, layer=None):
    """Attention weights of a network's encoder block for inputs ``X``.

    Parameters
    ----------
    network : Network
    X : ndarray
        Samples the network reads.
    layer : int, default=None
        Index in ``network.layers`` of a ``TransformerEncoder`` (or
        ``MultiHeadSelfAttention``); None means the first one.

    Returns
    -------
    weights : ndarray of shape (n_samples, n_heads, tokens, tokens)
    """
    kinds = (TransformerEncoder, MultiHeadSelfAttention)
    found = [k for k, lay in enumerate(network.layers) if isinstance(lay, kinds)]
    if not found:
        raise ValueError("the network has no attention layer (TransformerEncoder).")
    n_layers = len(network.layers)
    if layer is None:
        layer = found[0]
    if not -n_layers <= layer < n_layers or layer % n_layers not in found:
        raise ValueError(f"layer {layer} is not an attention layer; those are at {found}.")
    layer = layer % n_layers
    A = network._as_samples(X)
    for previous in network.layers[:layer]:
        A = previous.forward(A)
    return network.layers[layer].attention_weights(A)
