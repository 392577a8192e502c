"""Bidirectional: a recurrent layer read forwards and a twin of it read backwards.

A recurrent layer's state at step ``t`` knows only the steps up to ``t``. A
bidirectional layer runs two layers of the same kind and size over the
sequence, one from the first step to the last and one from the last to the
first, and puts their outputs side by side on the last axis: with
``return_sequences=True`` the output at step ``t`` holds what the forward layer
saw up to ``t`` and what the backward layer saw from the end back to ``t``,
``(timesteps, 2 * units)``; otherwise the two final states, ``(2 * units,)``
(Schuster & Paliwal, 1997). Backwards, each direction gets its half of the
gradient, and their gradients with respect to the input add up.
"""

import numpy as np

from .base import Layer, Parameter
from .recurrent import GRU, LSTM, RecurrentUnit, SimpleRNN, _Recurrent

_CELLS = {cls.__name__: cls for cls in (SimpleRNN, LSTM, GRU)}


class Bidirectional(Layer):
    """The outputs of ``layer`` over the sequence and of its twin over the reversed sequence.

    Parameters
    ----------
    layer : SimpleRNN, LSTM or GRU, or (name, config)
        The forward layer, unbuilt; the backward layer is a new layer with the
        same configuration and weights of its own. A pair ``(class name,
        get_config())`` is accepted too, which is how a pickled network
        rebuilds it.
    dropout : float, default=None
        Dropout rate of both directions' outputs; None keeps ``layer``'s.

    Examples
    --------
    >>> layer = Bidirectional(LSTM(3, return_sequences=True))
    >>> layer.build((10, 2))
    (10, 6)
    >>> [p.name for p in layer.parameters()]
    ['forward_W', 'forward_U', 'forward_b', 'backward_W', 'backward_U', 'backward_b']
    """

    d = 1

    def __init__(self, layer, dropout=None):
        if isinstance(layer, (tuple, list)) and len(layer) == 2 and layer[0] in _CELLS:
            layer = _CELLS[layer[0]](**layer[1])
        if not isinstance(layer, _Recurrent):
            raise ValueError(
                f"Bidirectional wraps a recurrent layer (SimpleRNN, LSTM or GRU), got "
                f"{layer!r}."
            )
        config = layer.get_config()
        if dropout is not None:
            config["dropout"] = dropout
        #: The layer reading the sequence from the first step to the last.
        self.forward_layer = type(layer)(**config)
        #: Its twin, reading from the last step to the first.
        self.backward_layer = type(layer)(**config)

    @property
    def directions(self):
        return (self.forward_layer, self.backward_layer)

    @property
    def units(self):
        """Units of each direction; the output has twice as many."""
        return self.forward_layer.units

    @property
    def n_out(self):
        return 2 * self.units

    @property
    def return_sequences(self):
        return self.forward_layer.return_sequences

    @property
    def activation(self):
        return self.forward_layer.activation

    @property
    def dropout(self):
        """Dropout rate of both directions' outputs."""
        return self.forward_layer.dropout

    @dropout.setter
    def dropout(self, rate):
        for layer in self.directions:
            layer.dropout = rate

    def _output_shape(self, input_shape):
        for layer in self.directions:
            shape = layer.build(input_shape, self.dtype)
        return (*shape[:-1], 2 * self.units)

    def parameters(self):
        return [Parameter(f"{prefix}_{p.name}", p.shape, p.role, p.fan_in, p.fan_out)
                for prefix, layer in zip(("forward", "backward"), self.directions)
                for p in layer.parameters()]

    def bind(self, params, grads, buffers):
        for prefix, layer in zip(("forward", "backward"), self.directions):
            own = {p.name: f"{prefix}_{p.name}" for p in layer.parameters()}
            layer.bind({k: params[v] for k, v in own.items()},
                       {k: grads[v] for k, v in own.items()}, {})

    def initialize(self, rng, initializer, activation):
        """The forward layer's parameters first, then the backward layer's."""
        for layer in self.directions:
            layer.initialize(rng, initializer, activation)

    def forward(self, X, training=False, rng=None):
        """``(n, [timesteps,] 2 * units)``: the forward outputs, then the backward ones."""
        ahead = self.forward_layer.forward(X, training, rng)
        back = self.backward_layer.forward(X[:, ::-1], training, rng)
        if self.return_sequences:
            back = back[:, ::-1]  # step t of the output is step t of the input
        return np.concatenate([ahead, back], axis=-1)

    def backward(self, dA, need_dX=True):
        u = self.units
        d_back = dA[..., u:]
        if self.return_sequences:
            d_back = d_back[:, ::-1]
        dX = self.forward_layer.backward(dA[..., :u], need_dX)
        dX_back = self.backward_layer.backward(d_back, need_dX)
        if not need_dX:
            return None
        return dX + dX_back[:, ::-1]

    def sequence(self, X):
        """Both directions' states at every step, ``(n, timesteps, 2 * units)``."""
        back = self.backward_layer.sequence(np.asarray(X)[:, ::-1])
        return np.concatenate([self.forward_layer.sequence(X), back[:, ::-1]], axis=-1)

    def release(self):
        for layer in self.directions:
            layer.release()

    def get_config(self):
        config = self.forward_layer.get_config()
        dropout = config.pop("dropout")
        return {"layer": (type(self.forward_layer).__name__, config), "dropout": dropout}

    @property
    def neurons(self):
        """The forward layer's units, then the backward layer's, as the output's columns."""
        u = self.units
        return [RecurrentUnit(self.forward_layer, j) for j in range(u)] + [
            RecurrentUnit(self.backward_layer, j, reverse=True) for j in range(u)]

    def __repr__(self):
        return f"Bidirectional({self.forward_layer!r})"
