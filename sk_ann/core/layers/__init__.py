"""Layers of neurons, one kind per module, all following the protocol in ``base``.

``dense`` (neurons that read every input), ``convolution`` (neurons that slide
over positions), ``pooling`` (summaries of windows, no parameters) and
``flatten``; for transformers ``attention`` (multi-head self-attention and the
encoder block), ``layer_norm`` and ``tokens`` (positions, tables as tokens,
the ``[CLS]`` token), ``recurrent`` (neurons that read their own last output at
each step of a sequence) and ``bidirectional`` (a recurrent layer read both
ways). ``LAYERS`` maps each class name to its class, which is how a
pickled network rebuilds its layers from their configs.
"""

from .attention import MultiHeadSelfAttention, PositionWise, TransformerEncoder
from .base import Buffer, Layer, NeuronLayer, Parameter
from .bidirectional import Bidirectional
from .convolution import Conv1D, Conv2D, Filter
from .dense import Dense, Neuron
from .flatten import Flatten
from .layer_norm import LayerNorm
from .pooling import AvgPool1D, AvgPool2D, GlobalAvgPool, MaxPool1D, MaxPool2D
from .recurrent import GRU, LSTM, RecurrentUnit, SimpleRNN
from .tokens import ClsToken, FeatureTokenizer, PositionalEmbedding

LAYERS = {
    cls.__name__: cls
    for cls in (Dense, Conv1D, Conv2D, MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D,
                GlobalAvgPool, Flatten, SimpleRNN, LSTM, GRU, Bidirectional)
}
LAYERS.update({cls.__name__: cls for cls in (
    MultiHeadSelfAttention, PositionWise, TransformerEncoder, LayerNorm, PositionalEmbedding,
    FeatureTokenizer, ClsToken)})

__all__ = [
    "Layer", "NeuronLayer", "Parameter", "Buffer", "Dense", "Neuron", "Conv1D", "Conv2D",
    "Filter", "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D", "GlobalAvgPool", "Flatten",
    "LAYERS", "SimpleRNN", "LSTM", "GRU", "RecurrentUnit", "Bidirectional",
    "MultiHeadSelfAttention", "PositionWise", "TransformerEncoder", "LayerNorm",
    "PositionalEmbedding", "FeatureTokenizer", "ClsToken",
]
