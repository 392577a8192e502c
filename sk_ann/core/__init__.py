"""The layered neuron core: numpy (and scipy for L-BFGS), no scikit-learn.

Read it in this order: ``activations`` (what one neuron computes), ``layers``
(neurons side by side), ``network`` (layers one after another), ``losses`` (how
wrong the outputs are), ``optimizers`` (how the weights move) and ``training``
(epochs, minibatches, stopping rules).
"""

from .activations import ACTIVATIONS, OUTPUT_LINKS, Activation
from .layers import Dense, Neuron
from .losses import LOSSES, Loss
from .network import Network
from .optimizers import OPTIMIZERS, SGD, Adam, Optimizer

__all__ = [
    "ACTIVATIONS", "OUTPUT_LINKS", "Activation", "Dense", "Neuron", "LOSSES", "Loss",
    "Network", "OPTIMIZERS", "SGD", "Adam", "Optimizer",
]
