"""The ONNX graph a converter writes into, and the error for what it cannot write.

``GraphWriter`` wraps the scope and container skl2onnx hands a converter:
``constant`` adds an initializer, ``node`` an operator, each under a fresh
name. ``SubgraphWriter`` takes the same calls to write the body of a loop
(``Scan``), a graph of its own.
"""

import numpy as np
from onnx import TensorProto, numpy_helper
from onnx.helper import (
    make_graph,
    make_node,
    make_tensor_value_info,
    np_dtype_to_tensor_dtype,
)


class UnsupportedForOnnxError(ValueError):
    """An estimator holds something the ONNX export cannot write (a layer kind, a target)."""


class GraphWriter:
    """Adds initializers and operators to a converter's container under fresh names.

    Parameters
    ----------
    scope, container : skl2onnx Scope and ModelComponentContainer
        What skl2onnx passes a converter.
    dtype : numpy dtype
        ``np.float32`` or ``np.float64``: the dtype of every real-valued
        tensor of the graph.
    """

    def __init__(self, scope, container, dtype):
        self.scope = scope
        self.container = container
        self.dtype = np.dtype(dtype)
        self.proto_dtype = np_dtype_to_tensor_dtype(self.dtype)

    def constant(self, hint, values, dtype=None):
        """Name of a new initializer holding ``values`` (real ones in the graph's dtype)."""
        values = np.asarray(values)
        if values.dtype.kind in "US" or values.dtype == object:
            proto, content = TensorProto.STRING, [str(v).encode("utf-8") for v in values.ravel()]
        else:
            values = values.astype(dtype or self.dtype)
            proto, content = np_dtype_to_tensor_dtype(values.dtype), values.ravel()
        name = self.scope.get_unique_variable_name(hint)
        self.container.add_initializer(name, proto, list(values.shape), content)
        return name

    def node(self, op_type, inputs, hint=None, output=None, domain="", **attributes):
        """Add an ``op_type`` operator; return the name of its output."""
        output = output or self.scope.get_unique_variable_name(hint or op_type.lower())
        self.container.add_node(op_type, list(inputs), output, op_domain=domain,
                                name=self.scope.get_unique_operator_name(op_type), **attributes)
        return output

    def cast(self, name, to=None):
        """``name`` cast to the graph's dtype (or the ONNX type ``to``)."""
        return self.node("Cast", [name], "cast", to=self.proto_dtype if to is None else to)

    def per_sample(self, hint, values, like, sample_axis):
        """``values`` (a leading axis of 1) repeated once per sample of ``like``.

        The number of samples is read when the graph runs, from axis
        ``sample_axis`` of ``like``'s shape.
        """
        values = np.asarray(values)
        n = self.node("Slice", [self.node("Shape", [like]),
                                self.constant("start", [sample_axis], np.int64),
                                self.constant("stop", [sample_axis + 1], np.int64)], "n")
        shape = self.node("Concat", [n, self.constant("shape", list(values.shape[1:]), np.int64)],
                          "shape", axis=0)
        return self.node("Expand", [self.constant(hint, values), shape], f"{hint}_per_sample")

    def channels_last(self, A, d):
        """Samples with ``d`` position axes, channels first, as channels last."""
        return self.node("Transpose", [A], "channels_last", perm=[0, *range(2, d + 2), 1])

    def channels_first(self, A, d):
        """Samples with ``d`` position axes, channels last, as channels first."""
        return self.node("Transpose", [A], "channels_first", perm=[0, d + 1, *range(1, d + 1)])


class SubgraphWriter(GraphWriter):
    """Writes a graph of its own, such as a ``Scan``'s body, with ``GraphWriter``'s calls.

    Its names come from the same scope, so they never clash with the main
    graph's; its constants are ``Constant`` operators inside it.

    Parameters
    ----------
    parent : GraphWriter
        The writer of the graph the subgraph belongs to; it gives the scope
        and the dtype.
    """

    def __init__(self, parent):
        super().__init__(parent.scope, None, parent.dtype)
        self.nodes = []
        self.inputs = []

    def constant(self, hint, values, dtype=None):
        values = np.asarray(values).astype(dtype or self.dtype)
        name = self.scope.get_unique_variable_name(hint)
        self.nodes.append(make_node("Constant", [], [name],
                                    value=numpy_helper.from_array(values, name)))
        return name

    def node(self, op_type, inputs, hint=None, output=None, domain="", **attributes):
        output = output or self.scope.get_unique_variable_name(hint or op_type.lower())
        self.nodes.append(make_node(op_type, list(inputs), [output], domain=domain,
                                    name=self.scope.get_unique_operator_name(op_type),
                                    **attributes))
        return output

    def input(self, hint, width):
        """Name of a new input of the subgraph: rows of ``width`` numbers in its dtype."""
        name = self.scope.get_unique_variable_name(hint)
        self.inputs.append(make_tensor_value_info(name, self.proto_dtype, [None, width]))
        return name

    def graph(self, outputs, width):
        """The subgraph, its ``outputs`` being rows of ``width`` numbers each."""
        name = self.scope.get_unique_variable_name("body")
        values = [make_tensor_value_info(output, self.proto_dtype, [None, width])
                  for output in outputs]
        return make_graph(self.nodes, name, self.inputs, values)
