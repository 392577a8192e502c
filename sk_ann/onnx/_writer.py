"""The ONNX graph a converter writes into, and the error for what it cannot write.

``GraphWriter`` wraps the scope and container skl2onnx hands a converter:
``constant`` adds an initializer, ``node`` an operator, each under a fresh
name.
"""

import numpy as np
from onnx import TensorProto
from onnx.helper import np_dtype_to_tensor_dtype


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
