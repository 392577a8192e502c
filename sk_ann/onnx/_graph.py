"""A fitted core network written as ONNX operators, layer by layer.

``network_nodes`` emits the layers of a network from its input to its raw
outputs (before the output link, which the estimator's converter adds), into a
``GraphWriter``.

Two layouts meet here. sk_ann keeps samples channels last, ``(n, *positions,
channels)``; ONNX's Conv and pooling operators read channels first, ``(n,
channels, *positions)``. The graph therefore transposes once when positions
begin, and transposes back before anything reads a sample flattened, since a
Dense layer after a convolution reads it flattened in channels-last order.
Recurrent and token layers read channels last; they transpose what they read
and what they give back (see ``_recurrent`` and ``_attention``).
"""

import math

import numpy as np

from ..core.layers.windows import offsets
from ._activations import CONVERTIBLE_ACTIVATIONS, activation_nodes
from ._attention import ATTENTION_LAYERS, attention_nodes
from ._recurrent import RECURRENT_LAYERS, recurrent_nodes
from ._writer import UnsupportedForOnnxError

#: Layer kinds the export writes; any other is refused, named, at conversion.
CONVERTIBLE_LAYERS = ("Dense", "Conv1D", "Conv2D", "MaxPool1D", "MaxPool2D", "AvgPool1D",
                      "AvgPool2D", "GlobalAvgPool", "Flatten", *RECURRENT_LAYERS,
                      *ATTENTION_LAYERS)


def check_network(network, owner, layers=None):
    """Refuse, naming it, the first layer or activation the export cannot write."""
    layers = network.layers if layers is None else layers
    for k, layer in enumerate(layers, start=1):
        kind = type(layer).__name__
        if kind not in CONVERTIBLE_LAYERS:
            raise UnsupportedForOnnxError(
                f"{owner}: layer {k} ({kind}) cannot be exported to ONNX; sk_ann.onnx "
                f"converts the layer kinds {list(CONVERTIBLE_LAYERS)}. Export a model "
                f"without {kind} layers, or keep this one in Python (pickle or skops)."
            )
        for activation in _activations(layer):
            if activation not in CONVERTIBLE_ACTIVATIONS:
                raise UnsupportedForOnnxError(
                    f"{owner}: layer {k} ({kind}) has the activation {activation!r}, which "
                    f"sk_ann.onnx cannot write; it converts {list(CONVERTIBLE_ACTIVATIONS)}."
                )


def _activations(layer):
    """The activations a layer applies: its own, or a transformer block's feed-forward's."""
    if type(layer).__name__ == "TransformerEncoder":
        return [layer.ff1.activation, layer.ff2.activation]
    return [] if layer.activation is None else [layer.activation]


def network_nodes(graph, network, X, layers=None):
    """Write ``layers`` (by default all) of ``network`` from flat rows ``X``; return the output.

    The output is what the last written layer gives, one row per sample; a
    layer sequence that ends with positions is flattened channels last, as
    sk_ann's ``transform`` would return it.
    """
    layers = network.layers if layers is None else layers
    # onnxruntime has Conv and pooling operators for float32 only: float64 graphs
    # keep sk_ann's channels-last layout and slide windows with Slice, as sk_ann does.
    channels_first = graph.dtype == np.float32
    A, positions = X, None
    if len(network.input_shape) > 1:
        d = len(network.input_shape) - 1
        A = graph.node("Reshape", [A, graph.constant("shape", [-1, *network.input_shape],
                                                       np.int64)], "samples")
        if channels_first:
            A = graph.channels_first(A, d)
        positions = d
    for layer in layers:
        kind = type(layer).__name__
        if kind in ("Dense", "Flatten") and positions:
            A, positions = _flat(graph, A, positions, channels_first), None
        if kind == "Dense":
            W, b = _folded(layer)
            A = graph.node("MatMul", [A, graph.constant("W", W)], "matmul")
            A = graph.node("Add", [A, graph.constant("b", b)], "z")
            A = activation_nodes(graph, layer.activation, A)
        elif kind in ("Conv1D", "Conv2D"):
            A = _convolution(graph, layer, A, channels_first)
            A = activation_nodes(graph, layer.activation, A)
        elif kind.startswith(("MaxPool", "AvgPool")):
            A = _pooling(graph, layer, A, channels_first)
        elif kind == "GlobalAvgPool":
            A, positions = _global_average(graph, layer, A, channels_first), None
        elif kind in RECURRENT_LAYERS:
            A = recurrent_nodes(graph, layer, A, channels_first)
            positions = positions if layer.return_sequences else None
        elif kind in ATTENTION_LAYERS:
            A, positions = attention_nodes(graph, layer, A, positions, channels_first)
    if positions:
        A = _flat(graph, A, positions, channels_first)
    return A


def _flat(graph, A, d, channels_first):
    """Samples with positions to rows flattened in sk_ann's channels-last order."""
    if channels_first:
        A = graph.channels_last(A, d)
    return graph.node("Flatten", [A], "flat", axis=1)


def _convolution(graph, layer, A, channels_first):
    W, b = _folded(layer)
    d = layer.d
    pads = [before for before, _ in layer._pads] + [after for _, after in layer._pads]
    if channels_first:
        # (*kernel, in, out) -> (out, in, *kernel), ONNX's weight layout.
        W = np.transpose(W, (d + 1, d, *range(d)))
        return graph.node("Conv", [A, graph.constant("W", W), graph.constant("b", b)], "conv",
                          kernel_shape=list(layer.kernel_size), strides=list(layer.strides),
                          pads=pads)
    if any(pads):
        pads = [0, *pads[:d], 0, 0, *pads[d:], 0]  # no padding on samples and channels
        A = graph.node("Pad", [A, graph.constant("pads", pads, np.int64)], "padded")
    # Every window as one row, offsets first and channels within: W's row order.
    cols = graph.node("Concat", _window_picks(graph, layer, A, layer.kernel_size), "cols",
                      axis=-1)
    Z = graph.node("MatMul", [cols, graph.constant("W", W.reshape(-1, layer.units))])
    return graph.node("Add", [Z, graph.constant("b", b)], "z")


def _pooling(graph, layer, A, channels_first):
    maximum = type(layer).__name__.startswith("Max")
    if channels_first:
        # No padding: windows that do not fit are dropped, as in sk_ann.
        return graph.node("MaxPool" if maximum else "AveragePool", [A], "pool",
                          kernel_shape=list(layer.pool_size), strides=list(layer.strides))
    picks = _window_picks(graph, layer, A, layer.pool_size)
    if maximum:
        return graph.node("Max", picks, "pool")
    # Sum times 1 / size, as sk_ann averages (onnxruntime has no float64 Mean).
    total = graph.node("Sum", picks, "window_sum")
    return graph.node("Mul", [total, graph.constant("share", 1.0 / len(picks))], "pool")


def _window_picks(graph, layer, A, size):
    """For each offset of the window, what it covers at every output position (channels last)."""
    out = layer.output_shape[:-1]
    axes = graph.constant("axes", list(range(1, len(size) + 1)), np.int64)
    steps = graph.constant("steps", list(layer.strides), np.int64)
    picks = []
    for offset in offsets(size):
        stops = [o + s * (m - 1) + 1 for o, s, m in zip(offset, layer.strides, out)]
        picks.append(graph.node("Slice", [A, graph.constant("starts", list(offset), np.int64),
                                          graph.constant("stops", stops, np.int64), axes, steps],
                                "window"))
    return picks


def _global_average(graph, layer, A, channels_first):
    if channels_first:
        return graph.node("Flatten", [graph.node("GlobalAveragePool", [A])], "pooled", axis=1)
    n_positions, channels = math.prod(layer.input_shape[:-1]), layer.input_shape[-1]
    A = graph.node("Reshape", [A, graph.constant("shape", [-1, n_positions, channels],
                                                   np.int64)])
    # A row of 1/P times (P, C), per sample: the mean over positions.
    mean = graph.constant("mean", np.full((1, n_positions), 1.0 / n_positions))
    A = graph.node("MatMul", [mean, A])
    return graph.node("Reshape", [A, graph.constant("shape", [-1, channels], np.int64)],
                      "pooled")


def _folded(layer):
    """The layer's weights and biases with its batch normalisation (running statistics) folded in.

    Out of training, ``norm(Z) = scale * Z + shift`` per neuron, so
    ``norm(X W + b) = X (W * scale) + (b * scale + shift)``.
    """
    W = np.asarray(layer.W, dtype=np.float64)
    b = np.asarray(layer.b, dtype=np.float64)
    norm = layer.norm
    if norm is None:
        return W, b
    scale = np.asarray(norm.gamma, np.float64) / np.sqrt(
        np.asarray(norm.running_var, np.float64) + norm.epsilon)
    shift = np.asarray(norm.beta, np.float64) - np.asarray(norm.running_mean, np.float64) * scale
    return W * scale, b * scale + shift
