"""Recurrent layers (``SimpleRNN``, ``LSTM``, ``GRU``, ``Bidirectional``) as ONNX operators.

float32 graphs use ONNX's ``RNN``, ``LSTM`` and ``GRU`` operators, one per
layer (a ``Bidirectional`` layer's two directions in one operator). onnxruntime
has these for float32 only, so float64 graphs loop over the steps with ONNX's
``Scan``, whose body is one step written with elementary operators as sk_ann
computes it: the input's share of every step, ``x_t W + b``, is one ``MatMul``
over the whole sequence before the loop, and each step adds ``h_{t-1} U`` and
applies the gates. Either way the graph's size does not depend on the number
of time steps. A ``SimpleRNN`` gets ONNX's ``RNN`` operator for tanh, the
logistic sigmoid and relu; with another activation it is looped by ``Scan`` in
float32 graphs too.

Both ways read the sequence time-major, ``(timesteps, n, features)``, and give
every step's output time-major, ``(timesteps, n, units)``, or the last one,
``(n, units)``; a ``Bidirectional`` layer's forward units come first, then the
backward ones, whose output at step ``t`` is their state after reading the
sequence from its end back to ``t`` (ONNX's convention and sk_ann's).
"""

import numpy as np

from ..core.layers.recurrent import gate_columns
from ._activations import activation_nodes
from ._writer import SubgraphWriter

#: Layer kinds this module writes.
RECURRENT_LAYERS = ("SimpleRNN", "LSTM", "GRU", "Bidirectional")

#: SimpleRNN activations ONNX's RNN operator computes as sk_ann does, by their ONNX names.
_NATIVE_RNN_ACTIVATIONS = {"tanh": "Tanh", "logistic": "Sigmoid", "sigmoid": "Sigmoid",
                           "relu": "Relu"}

#: sk_ann's blocks of columns (input, forget, candidate, output for the LSTM;
#: update, reset, candidate for the GRU) in the order of ONNX's operators.
_ONNX_GATE_ORDER = {"SimpleRNN": [0], "LSTM": [0, 3, 1, 2], "GRU": [0, 1, 2]}


def recurrent_nodes(graph, layer, A, channels_first):
    """Write the recurrent ``layer`` on the sequences ``A``; return its output.

    ``A`` holds samples with one position axis, channels first, ``(n,
    features, timesteps)``, or last, ``(n, timesteps, features)``, as
    ``channels_first`` says. The output has the same layout with
    ``return_sequences=True``, and is ``(n, directions * units)`` otherwise.
    """
    directions = getattr(layer, "directions", (layer,))
    time_major = graph.node("Transpose", [A], "time_major",
                            perm=[2, 0, 1] if channels_first else [1, 0, 2])
    if graph.dtype == np.float32 and _has_native_operator(directions[0]):
        out = _native_nodes(graph, directions, time_major)
    else:
        out = _scanned_nodes(graph, directions, time_major)
    if not layer.return_sequences:
        return out
    return graph.node("Transpose", [out], "sequences",
                      perm=[1, 2, 0] if channels_first else [1, 0, 2])


def _has_native_operator(layer):
    return type(layer).__name__ != "SimpleRNN" or layer.activation in _NATIVE_RNN_ACTIVATIONS


# --- float32: ONNX's operators -----------------------------------------------------------


def _native_nodes(graph, directions, X):
    """One ONNX ``RNN``, ``LSTM`` or ``GRU`` operator for every direction of the layer."""
    first = directions[0]
    kind = type(first).__name__
    weights = [_onnx_weights(layer) for layer in directions]
    W, R, B = (graph.constant(name, np.stack(arrays))
               for name, arrays in zip(("W", "R", "B"), zip(*weights)))
    n_directions, units = len(directions), first.units
    attributes = {"hidden_size": units,
                  "direction": "bidirectional" if n_directions == 2 else "forward"}
    if kind == "SimpleRNN":
        attributes["activations"] = [_NATIVE_RNN_ACTIVATIONS[first.activation]] * n_directions
    if kind == "GRU":
        # The reset gate scales h_{t-1} U rather than h_{t-1}: sk_ann's form.
        attributes["linear_before_reset"] = 1
    op_type = "RNN" if kind == "SimpleRNN" else kind
    width = n_directions * units
    if first.return_sequences:
        # Y: (timesteps, directions, n, units) -> (timesteps, n, directions * units).
        Y = graph.node(op_type, [X, W, R, B], "states", **attributes)
        Y = graph.node("Transpose", [Y], "states", perm=[0, 2, 1, 3])
        return graph.node("Reshape", [Y, graph.constant("shape", [first.timesteps, -1, width],
                                                        np.int64)], "states")
    # The second output, Y_h: (directions, n, units) -> (n, directions * units).
    last = graph.scope.get_unique_variable_name("last_states")
    graph.node(op_type, [X, W, R, B], output=[graph.scope.get_unique_variable_name("states"),
                                             last], **attributes)
    last = graph.node("Transpose", [last], "last_states", perm=[1, 0, 2])
    return graph.node("Reshape", [last, graph.constant("shape", [-1, width], np.int64)],
                      "last_states")


def _onnx_weights(layer):
    """``W``, ``R`` and ``B`` of one direction as ONNX's operators read them.

    ONNX multiplies ``x_t W^T``, so its ``W`` is sk_ann's transposed, with
    the gates' blocks reordered. Its ``B`` holds the input's biases, then the
    recurrent ones, which sk_ann does not have (zero; for the GRU, whose
    recurrent candidate bias sits inside the reset, zero is sk_ann's form).
    """
    columns = gate_columns(layer.units, _ONNX_GATE_ORDER[type(layer).__name__])
    b = np.asarray(layer.b, np.float64)[columns]
    return (np.asarray(layer.W, np.float64)[:, columns].T,
            np.asarray(layer.U, np.float64)[:, columns].T,
            np.concatenate([b, np.zeros_like(b)]))


# --- float64 (and SimpleRNN's other activations): one step, looped by Scan ------------------


def _scanned_nodes(graph, directions, X):
    """Every direction's steps in a ``Scan``; outputs side by side, forward units first."""
    outputs = [_scan_direction(graph, layer, X, reverse=k == 1)
               for k, layer in enumerate(directions)]
    if len(outputs) == 1:
        return outputs[0]
    return graph.node("Concat", outputs, "bidirectional", axis=-1)


def _scan_direction(graph, layer, X, reverse):
    """One direction: every step's state, time-major, or the last one.

    The input's share of every step, ``x_t W + b``, is one product over the
    whole sequence, outside the loop; the loop's body is one step, reading
    that share and the last state (and cell), writing the new ones.
    """
    kind = type(layer).__name__
    u = layer.units
    W, U, b = (np.asarray(array, np.float64) for array in (layer.W, layer.U, layer.b))
    if kind == "LSTM":
        # Blocks reordered to (input, forget, output, candidate): one Sigmoid for the gates.
        columns = gate_columns(u, (0, 1, 3, 2))
        W, U, b = W[:, columns], U[:, columns], b[columns]
    P = graph.node("Add", [graph.node("MatMul", [X, graph.constant("W", W)]),
                           graph.constant("b", b)], "input_share")
    body = SubgraphWriter(graph)
    h = body.input("h", u)
    c = body.input("c", u) if kind == "LSTM" else None
    p = body.input("p", W.shape[1])
    hU = body.node("MatMul", [h, body.constant("U", U)], "hU")
    step = {"SimpleRNN": _simple_step, "LSTM": _lstm_step, "GRU": _gru_step}[kind]
    h_next, c_next = step(body, layer, p, hU, h, c)
    # A body's outputs are distinct names: the new state, and a copy of it for the sequence.
    states = [h_next] if c is None else [h_next, c_next]
    outputs = [*states, body.node("Identity", [h_next], "h_t")]
    initial = [_zero_state(graph, P, u)] * len(states)
    last = [graph.scope.get_unique_variable_name(name) for name in ("last_h", "last_c")[
        :len(states)]]
    sequence = graph.scope.get_unique_variable_name("states")
    # Reversed, Scan reads the steps from the last and writes each step's state at
    # its step: sk_ann's backward direction.
    graph.node("Scan", [*initial, P], output=[*last, sequence],
               body=body.graph(outputs, u), num_scan_inputs=1,
               scan_input_directions=[int(reverse)], scan_output_directions=[int(reverse)])
    return sequence if layer.return_sequences else last[0]


def _zero_state(graph, P, units):
    """Zeros ``(n, units)``, ``n`` the number of samples of ``P``, ``(timesteps, n, width)``."""
    return graph.per_sample("zero", np.zeros((1, units)), P, sample_axis=1)


def _simple_step(graph, layer, p, hU, h, c):
    """``h_t = f(x_t W + b + h_{t-1} U)``."""
    return activation_nodes(graph, layer.activation, graph.node("Add", [p, hU], "z")), None


def _lstm_step(graph, layer, p, hU, h, c):
    """The gates, then ``c_t = f c_{t-1} + i g`` and ``h_t = o tanh(c_t)`` (blocks i, f, o, g)."""
    u = layer.units
    z = graph.node("Add", [p, hU], "z")
    gates = graph.node("Sigmoid", [_columns(graph, z, 0, 3 * u)], "gates")
    i, f, o = (_columns(graph, gates, k * u, (k + 1) * u) for k in range(3))
    g = graph.node("Tanh", [_columns(graph, z, 3 * u, 4 * u)], "candidate")
    c = graph.node("Add", [graph.node("Mul", [f, c]), graph.node("Mul", [i, g])], "cell")
    return graph.node("Mul", [o, graph.node("Tanh", [c])], "h"), c


def _gru_step(graph, layer, p, hU, h, c):
    """``n = tanh(p^n + r q^n)`` and ``h_t = n + u (h_{t-1} - n)``, as sk_ann computes it."""
    u = layer.units
    gates = graph.node("Sigmoid", [graph.node("Add", [_columns(graph, p, 0, 2 * u),
                                                      _columns(graph, hU, 0, 2 * u)])], "gates")
    update, reset = _columns(graph, gates, 0, u), _columns(graph, gates, u, 2 * u)
    reset_share = graph.node("Mul", [reset, _columns(graph, hU, 2 * u, 3 * u)])
    n = graph.node("Tanh", [graph.node("Add", [_columns(graph, p, 2 * u, 3 * u), reset_share])],
                   "candidate")
    blend = graph.node("Mul", [update, graph.node("Sub", [h, n])])
    return graph.node("Add", [n, blend], "h"), None


def _columns(graph, A, start, stop):
    """Columns ``start:stop`` of the last axis of ``A``."""
    return graph.node("Slice", [A, graph.constant("start", [start], np.int64),
                                graph.constant("stop", [stop], np.int64),
                                graph.constant("axis", [-1], np.int64)], "block")
