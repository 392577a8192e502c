"""The layered neuron core: numpy (and scipy for L-BFGS), no scikit-learn.

Read it in this order: ``activations`` (what one neuron computes),
``initializers`` (where its weights start), ``layers`` (neurons side by side,
one kind of layer per module: dense, convolution, pooling), ``normalization``
(batch normalisation inside a layer), ``network`` (layers one after another), ``losses`` (how wrong the outputs are), ``optimizers`` (how the
weights move), ``schedules`` (how fast) and ``training`` (epochs, minibatches,
penalties, stopping rules).
"""

from .activations import ACTIVATIONS, OUTPUT_LINKS, Activation
from .initializers import INITIALIZERS
from .layers import (
    LAYERS,
    AvgPool1D,
    AvgPool2D,
    Conv1D,
    Conv2D,
    Dense,
    Flatten,
    GlobalAvgPool,
    Layer,
    MaxPool1D,
    MaxPool2D,
    Neuron,
)
from .losses import LOSSES, Loss
from .network import Network
from .normalization import BatchNorm
from .optimizers import OPTIMIZERS, SGD, Adam, AdamW, Optimizer, RMSprop
from .schedules import LearningRateSchedule

__all__ = [
    "ACTIVATIONS", "OUTPUT_LINKS", "Activation", "INITIALIZERS", "Layer", "LAYERS", "Dense",
    "Neuron", "Conv1D", "Conv2D", "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D",
    "GlobalAvgPool", "Flatten", "LOSSES",
    "Loss", "Network", "BatchNorm", "OPTIMIZERS", "SGD", "Adam", "AdamW", "RMSprop",
    "Optimizer", "LearningRateSchedule",
]
