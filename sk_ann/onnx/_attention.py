"""Transformer layers (attention, layer normalisation, tokens) as ONNX operators.

Every layer is written from elementary operators of the standard domain
(``MatMul``, ``Add``, ``Mul``, ``Softmax``, ``Reshape``, ``Transpose``...), the
same for float32 and float64 graphs, doing what sk_ann does in the order it
does it: means over the last axis are products with a column of ``1 / d``, as
``LayerNorm`` computes them, rather than ONNX's ``LayerNormalization``. Only
the number of samples is left open: the numbers of tokens and of heads are
fixed by the fitted layers, so the graph's size depends on neither the number
of samples nor the number of tokens.

Token layers read samples channels last, ``(n, tokens, width)``; in float32
graphs, where samples with positions travel channels first for ONNX's Conv
and pooling, each layer transposes them to channels last and back.
"""

import math

import numpy as np

from ._activations import activation_nodes

#: Layer kinds this module writes.
ATTENTION_LAYERS = ("FeatureTokenizer", "PositionalEmbedding", "LayerNorm", "PositionWise",
                    "MultiHeadSelfAttention", "TransformerEncoder", "ClsToken")


def attention_nodes(graph, layer, A, positions, channels_first):
    """Write ``layer`` on ``A``; return its output and the number of position axes after it.

    ``A`` holds flat rows (``positions`` None) or samples with ``positions``
    position axes, channels first when ``channels_first`` is set and last
    otherwise; the output keeps that convention.
    """
    kind = type(layer).__name__
    if positions and channels_first:
        A = graph.channels_last(A, positions)
    if kind == "FeatureTokenizer":
        A, positions = _feature_tokens(graph, layer, A), 1
    elif kind == "ClsToken":
        A, positions = _cls_token(graph, A), None
    else:
        A = _LAYER_WRITERS[kind](graph, layer, A)
    if positions and channels_first:
        A = graph.channels_first(A, positions)
    return A, positions


def _layer_norm(graph, layer, X):
    """``(x - mean) / sqrt(var + epsilon) * gamma + beta`` over the last axis (biased variance)."""
    width = layer.input_shape[-1]
    share = graph.constant("mean_weights", np.full((width, 1), 1.0 / width))
    centred = graph.node("Sub", [X, graph.node("MatMul", [X, share], "mean")], "centred")
    var = graph.node("MatMul", [graph.node("Mul", [centred, centred]), share], "var")
    std = graph.node("Sqrt", [graph.node("Add", [var, graph.constant("epsilon",
                                                                     layer.epsilon)])])
    inv_std = graph.node("Div", [graph.constant("one", 1.0), std], "inv_std")
    X_hat = graph.node("Mul", [centred, inv_std], "normalised")
    X_hat = graph.node("Mul", [X_hat, graph.constant("gamma", layer.gamma)])
    return graph.node("Add", [X_hat, graph.constant("beta", layer.beta)], "layer_norm")


def _position_wise(graph, layer, X):
    """``f(X W + b)``, the same neurons for every token."""
    Z = graph.node("MatMul", [X, graph.constant("W", layer.W)])
    Z = graph.node("Add", [Z, graph.constant("b", layer.b)], "z")
    return activation_nodes(graph, layer.activation, Z)


def _self_attention(graph, layer, X):
    """``softmax(Q K^T / sqrt(d_h)) V`` per head, heads side by side, then ``W_o``, ``b_o``."""
    tokens, d = layer.input_shape
    heads, d_head = layer.n_heads, layer.d_head
    W_qkv, b_qkv = np.asarray(layer.W_qkv), np.asarray(layer.b_qkv)
    split = graph.constant("heads_shape", [-1, tokens, heads, d_head], np.int64)

    def projection(k, perm):
        # Columns k*d:(k+1)*d of W_qkv are the queries', keys' or values' (sk_ann's order).
        P = graph.node("MatMul", [X, graph.constant("W", W_qkv[:, k * d:(k + 1) * d])])
        P = graph.node("Add", [P, graph.constant("b", b_qkv[k * d:(k + 1) * d])])
        return graph.node("Transpose", [graph.node("Reshape", [P, split])], perm=perm)

    Q = projection(0, [0, 2, 1, 3])    # (n, heads, tokens, d_head)
    K_t = projection(1, [0, 2, 3, 1])  # (n, heads, d_head, tokens)
    V = projection(2, [0, 2, 1, 3])
    S = graph.node("MatMul", [Q, K_t], "scores")
    S = graph.node("Mul", [S, graph.constant("scale", 1.0 / math.sqrt(d_head))], "scores")
    P = graph.node("Softmax", [S], "attention_weights", axis=-1)
    O = graph.node("Transpose", [graph.node("MatMul", [P, V])], perm=[0, 2, 1, 3])
    O = graph.node("Reshape", [O, graph.constant("shape", [-1, tokens, d], np.int64)],
                   "heads_side_by_side")
    Y = graph.node("MatMul", [O, graph.constant("W_o", layer.W_o)])
    return graph.node("Add", [Y, graph.constant("b_o", layer.b_o)], "attention")


def _encoder_block(graph, layer, X):
    """``X' = X + Attention(LN1(X))``, then ``X' + FF(LN2(X'))`` (pre-norm, dropout off)."""
    attended = _self_attention(graph, layer.attention, _layer_norm(graph, layer.norm1, X))
    X2 = graph.node("Add", [X, attended], "residual")
    F = _position_wise(graph, layer.ff1, _layer_norm(graph, layer.norm2, X2))
    F = _position_wise(graph, layer.ff2, F)
    return graph.node("Add", [X2, F], "encoded")


def _positional_embedding(graph, layer, X):
    return graph.node("Add", [X, graph.constant("P", layer.P)], "positioned")


def _feature_tokens(graph, layer, X):
    """The ``[CLS]`` token, then ``x_j W[j] + b[j]`` for each feature ``j``: ``(n, 1 + F, d)``."""
    n_features, d = layer.n_features, layer.d_token
    column = graph.node("Reshape", [X, graph.constant("shape", [-1, n_features, 1], np.int64)])
    features = graph.node("Mul", [column, graph.constant("W", layer.W)])
    features = graph.node("Add", [features, graph.constant("b", layer.b)], "feature_tokens")
    # One copy of the [CLS] vector per sample: (1, 1, d) expanded to (n, 1, d).
    cls = graph.per_sample("cls", np.reshape(layer.cls, (1, 1, d)), X, sample_axis=0)
    return graph.node("Concat", [cls, features], "tokens", axis=1)


def _cls_token(graph, X):
    """Token 0 of every sample, ``(n, width)``."""
    return graph.node("Gather", [X, graph.constant("first", 0, np.int64)], "cls", axis=1)


_LAYER_WRITERS = {"LayerNorm": _layer_norm, "PositionWise": _position_wise,
                  "MultiHeadSelfAttention": _self_attention, "TransformerEncoder": _encoder_block,
                  "PositionalEmbedding": _positional_embedding}
