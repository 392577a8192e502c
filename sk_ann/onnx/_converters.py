"""skl2onnx's three hooks for each estimator: parser, shape calculator, converter.

The parser declares the estimator's outputs (for a classifier, the labels and
probabilities, then skl2onnx's ZipMap when asked), the shape calculator gives
each output its type and shape, and the converter writes the operators. The
network itself is written by ``_graph``; here are the heads on top of it: the
output link and, for a classifier, labels from probabilities, for every kind of
target sk_ann trains.
"""

import numpy as np
from onnx import TensorProto
from skl2onnx._parse import _parse_sklearn_classifier
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    SequenceType,
    StringTensorType,
)
from skl2onnx.common.utils_classifier import get_label_classes

from ._activations import capped_exp_nodes
from ._graph import check_network, network_nodes
from ._writer import GraphWriter, UnsupportedForOnnxError

#: skl2onnx's options for classifiers, as it registers them for MLPClassifier.
CLASSIFIER_OPTIONS = {"zipmap": [True, False, "columns"], "output_class_labels": [False, True],
                      "nocl": [True, False]}


def _graph_dtype(operator):
    """float64 graphs for double inputs, float32 otherwise (as skl2onnx's MLP converter)."""
    return np.float64 if isinstance(operator.inputs[0].type, DoubleTensorType) else np.float32


def _tensor_type(operator):
    return DoubleTensorType if _graph_dtype(operator) == np.float64 else FloatTensorType


def _network_input(graph, operator):
    return graph.cast(operator.inputs[0].full_name)


# --- regressor --------------------------------------------------------------------------


def regressor_shape(operator):
    model = operator.raw_operator
    check_network(model.network_, type(model).__name__)
    n = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = _tensor_type(operator)([n, model.network_.output_shape[0]])


def convert_regressor(scope, operator, container):
    model = operator.raw_operator
    graph = GraphWriter(scope, container, _graph_dtype(operator))
    raw = network_nodes(graph, model.network_, _network_input(graph, operator))
    link = model.network_.output_link.name
    if link == "exp":
        raw = capped_exp_nodes(graph, raw)  # Poisson
    elif link != "identity":
        raise UnsupportedForOnnxError(f"ANNRegressor's output link {link!r} cannot be exported.")
    graph.node("Identity", [raw], output=operator.outputs[0].full_name)


# --- autoencoder ------------------------------------------------------------------------


def _encoder_layers(model):
    layers = model.network_.layers
    return layers[:len(layers) // 2]


def autoencoder_shape(operator):
    model = operator.raw_operator
    check_network(model.network_, type(model).__name__, _encoder_layers(model))
    n = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = _tensor_type(operator)([n, model._n_features_out])


def convert_autoencoder(scope, operator, container):
    """``transform``: the encoder half of the network, up to the code."""
    model = operator.raw_operator
    graph = GraphWriter(scope, container, _graph_dtype(operator))
    code = network_nodes(graph, model.network_, _network_input(graph, operator),
                         _encoder_layers(model))
    graph.node("Identity", [code], output=operator.outputs[0].full_name)


# --- classifier -------------------------------------------------------------------------


def _is_multioutput(model):
    return isinstance(model.classes_, list)


def _target_type(model):
    return model._target_encoder.target_type


def _label_tensor_type(classes, owner):
    """Int64 labels for integer (or integer-valued) classes, strings for text; else refused."""
    classes = np.asarray(classes)
    if classes.dtype.kind in "biu":
        return Int64TensorType
    if classes.dtype.kind == "f":
        if np.all(classes == np.round(classes)):
            return Int64TensorType
        raise UnsupportedForOnnxError(
            f"{owner}: the class labels {classes.tolist()} are not integers; ONNX labels are "
            "int64 or strings. Fit on integer or string labels (e.g. LabelEncoder), or pass "
            "options={'nocl': True} to export class indices."
        )
    if all(isinstance(c, str) for c in classes.ravel()):
        return StringTensorType
    raise UnsupportedForOnnxError(
        f"{owner}: class labels of dtype {classes.dtype} cannot be ONNX labels (int64 or "
        "strings)."
    )


def _label_values(classes, tensor_type):
    classes = np.asarray(classes)
    if tensor_type is StringTensorType:
        return classes.astype(object)
    return classes.astype(np.int64)


def parse_classifier(scope, model, inputs, custom_parsers=None):
    """Single-target classifiers as skl2onnx parses MLPClassifier; several label columns
    as it parses MultiOutputClassifier: labels and a sequence of probability arrays."""
    if not _is_multioutput(model):
        return _parse_sklearn_classifier(scope, model, inputs, custom_parsers=custom_parsers)
    given = scope.get_options(model)
    owner = type(model).__name__
    if given.get("zipmap", False) is not False:
        raise UnsupportedForOnnxError(
            f"{owner} with several label columns (multiclass-multioutput) gives one "
            "probability array per column, which ZipMap cannot map; drop the zipmap option "
            "(or set it to False). The graph's probabilities are a sequence of arrays, one "
            "per label column, as for MultiOutputClassifier."
        )
    for option in ("output_class_labels", "nocl"):
        if given.get(option, False):
            raise UnsupportedForOnnxError(
                f"{owner} with several label columns: the option {option!r} is not supported."
            )
    operator = scope.declare_local_operator("SkAnnClassifier", model)
    operator.inputs = inputs
    label_type = _multioutput_label_type(model)
    label = scope.declare_local_variable("label", label_type())
    proba = scope.declare_local_variable(
        "probabilities", SequenceType(_tensor_type(operator)()))
    operator.outputs.extend([label, proba])
    return operator.outputs


def _multioutput_label_type(model):
    owner = type(model).__name__
    types = {_label_tensor_type(classes, owner) for classes in model.classes_}
    if len(types) > 1:
        raise UnsupportedForOnnxError(
            f"{owner}: some label columns hold integers and others strings; an ONNX label "
            "tensor has one type. Encode every column the same way."
        )
    return types.pop()


def classifier_shape(operator):
    model = operator.raw_operator
    owner = type(model).__name__
    check_network(model.network_, owner)
    n = operator.inputs[0].get_first_dimension()
    if _is_multioutput(model):
        operator.outputs[0].type = _multioutput_label_type(model)([n, len(model.classes_)])
        operator.outputs[1].type = SequenceType(_tensor_type(operator)())
        return
    if len(model.classes_) < 2:
        raise UnsupportedForOnnxError(
            f"{owner} was fitted on a single class ({model.classes_[0]!r}); such a model "
            "answers it for every sample, which needs no ONNX graph."
        )
    classes = get_label_classes(operator.scope_inst, model)
    wide = _target_type(model) in ("multilabel-indicator", "one-hot")
    label_type = Int64TensorType if wide else _label_tensor_type(classes, owner)
    operator.outputs[0].type = label_type([n, len(classes)] if wide else [n])
    operator.outputs[1].type = _tensor_type(operator)([n, len(classes)])


def convert_classifier(scope, operator, container):
    model = operator.raw_operator
    graph = GraphWriter(scope, container, _graph_dtype(operator))
    raw = network_nodes(graph, model.network_, _network_input(graph, operator))
    label, proba = operator.outputs[0].full_name, operator.outputs[1].full_name
    if _is_multioutput(model):
        _multioutput_head(graph, model, raw, label, proba)
        return
    kind = _target_type(model)
    if kind == "binary":
        p = graph.node("Sigmoid", [raw], "p")
        graph.node("Concat", [graph.node("Sub", [graph.constant("one", [1.0]), p]), p],
                   output=proba, axis=1)
        # The positive class where p > 0.5, strictly, as predict decides.
        index = graph.node("Cast", [graph.node("Greater", [p, graph.constant("half", [0.5])])],
                           to=TensorProto.INT64)
        index = graph.node("Reshape", [index, graph.constant("rows", [-1], np.int64)])
        _gather_labels(graph, operator, model, index, label)
    elif kind == "multilabel-indicator":
        graph.node("Sigmoid", [raw], output=proba)
        graph.node("Cast", [graph.node("Greater", [proba, graph.constant("half", [0.5])])],
                   output=label, to=TensorProto.INT64)
    else:  # multiclass, one-hot: one softmax
        graph.node("Softmax", [raw], output=proba, axis=1)
        index = graph.node("ArgMax", [proba], "argmax", axis=1, keepdims=0)
        if kind == "one-hot":
            graph.node("OneHot", [index, graph.constant("depth", [len(model.classes_)], np.int64),
                                  graph.constant("values", [0, 1], np.int64)],
                       output=label, axis=-1)
        else:
            _gather_labels(graph, operator, model, index, label)


def _gather_labels(graph, operator, model, index, label):
    """``classes[index]``, the labels (class indices with the option ``nocl``)."""
    classes = get_label_classes(operator.scope_inst, model)
    values = _label_values(classes, _label_tensor_type(classes, type(model).__name__))
    graph.node("Gather", [graph.constant("classes", values, values.dtype), index],
               output=label, axis=0)


def _multioutput_head(graph, model, raw, label, proba):
    """One softmax per label column; labels side by side, probabilities as a sequence."""
    label_type = _multioutput_label_type(model)
    probas, labels, start = [], [], 0
    for classes in model.classes_:
        stop = start + len(classes)
        block = graph.node("Slice", [raw, graph.constant("start", [start], np.int64),
                                     graph.constant("stop", [stop], np.int64),
                                     graph.constant("axis", [1], np.int64)], "block")
        p = graph.node("Softmax", [block], "proba", axis=1)
        probas.append(p)
        index = graph.node("ArgMax", [p], "argmax", axis=1, keepdims=1)
        values = _label_values(classes, label_type)
        labels.append(graph.node("Gather", [graph.constant(
            "classes", values, values.dtype), index],
            "column_label", axis=0))
        start = stop
    graph.node("Concat", labels, output=label, axis=1)
    graph.node("SequenceConstruct", probas, output=proba)
