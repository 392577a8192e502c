"""Layers of neurons, one kind per module, all following the protocol in ``base``.

``dense`` (neurons that read every input), ``convolution`` (neurons that slide
over positions), ``pooling`` (summaries of windows, no parameters) and
``flatten``; for transformers ``attention`` (multi-head self-attention and the
encoder block), ``layer_norm`` and ``tokens`` (positions, tables as tokens,
the ``[CLS]`` token). ``LAYERS`` maps each class name to its class, which is how a
pickled network rebuilds its layers from their configs.
"""

from .base import Buffer, Layer, NeuronLayer, Parameter
from .convolution import Conv1D, Conv2D, Filter
from .dense import Dense, Neuron
from .flatten import Flatten
from .attention import MultiHeadSelfAttention, PositionWise, TransformerEncoder
from .layer_norm import LayerNorm
from .tokens import ClsToken, FeatureTokenizer, PositionalEmbedding
from .pooling import AvgPool1D, AvgPool2D, GlobalAvgPool, MaxPool1D, MaxPool2D

LAYERS = {
    cls.__name__: cls
    for cls in (Dense, Conv1D, Conv2D, MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D,
                GlobalAvgPool, Flatten)
}
LAYERS.update({cls.__name__: cls for cls in (
    MultiHeadSelfAttention, PositionWise, TransformerEncoder, LayerNorm, PositionalEmbedding,
    FeatureTokenizer, ClsToken)})

__all__ = [
    "Layer", "NeuronLayer", "Parameter", "Buffer", "Dense", "Neuron", "Conv1D", "Conv2D",
    "Filter", "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D", "GlobalAvgPool", "Flatten",
    "LAYERS", "MultiHeadSelfAttention", "PositionWise", "TransformerEncoder", "LayerNorm",
    "PositionalEmbedding", "FeatureTokenizer", "ClsToken",
]
