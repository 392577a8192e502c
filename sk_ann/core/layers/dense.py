"""Layers of neurons. A ``Dense`` layer of ``n_out`` neurons is one weight matrix.

Column ``j`` of ``W`` (shape ``(n_in, n_out)``) and ``b[j]`` *are* neuron ``j``:
its output is ``f(x · W[:, j] + b[j])``. The layer computes all of them at once,

.. math:: Z = X W + b, \\qquad A = f(Z)

and on the way back, from ∂loss/∂A,

.. math:: \\frac{\\partial L}{\\partial Z} = f'(Z) \\odot \\frac{\\partial L}{\\partial A}, \\quad
          \\frac{\\partial L}{\\partial W} = X^\\top \\frac{\\partial L}{\\partial Z}, \\quad
          \\frac{\\partial L}{\\partial b} = \\mathbf{1}^\\top \\frac{\\partial L}{\\partial Z}, \\quad
          \\frac{\\partial L}{\\partial X} = \\frac{\\partial L}{\\partial Z} W^\\top

A layer owns no memory of its own for parameters: ``bind`` hands it views of
the network's flat parameter and gradient vectors (see ``base``).
"""

import math

import numpy as np

from .base import NeuronLayer, NeuronList, UnitView


class Dense(NeuronLayer):
    """A fully connected layer of ``units`` neurons, each reading every input.

    An input with more than one axis per sample (a convolution's feature maps)
    is read flattened, row-major, as MLP users expect.

    Parameters
    ----------
    units : int
        Number of neurons.
    activation : str or Activation, default="relu"
        Their activation function.
    dropout : float, default=0.0
        Probability that each output is zeroed during a training step.
    batch_norm : bool, default=False
        Whether the pre-activations are batch-normalised before the activation.

    Examples
    --------
    >>> layer = Dense(3, "tanh")
    >>> layer.build((4,))
    (3,)
    >>> [(p.name, p.shape, p.role) for p in layer.parameters()]
    [('W', (4, 3), 'weight'), ('b', (3,), 'bias')]
    """

    def __init__(self, units, activation="relu", dropout=0.0, batch_norm=False):
        super().__init__(units, activation, dropout, batch_norm)
        self._activation_arg = activation if isinstance(activation, str) else self._f

    @property
    def n_in(self):
        """Number of inputs each neuron reads (the flattened input sample)."""
        return math.prod(self.input_shape)

    def _output_shape(self, input_shape):
        return (self.units,)

    def _weight_shape(self):
        return (self.n_in, self.units)

    def _fan_in_out(self):
        return self.n_in, self.units

    def _flat(self, X):
        """``X`` as rows of ``n_in`` numbers (a view of a contiguous n-D batch)."""
        return X.reshape(X.shape[0], self.n_in) if X.ndim > 2 else X

    def affine(self, X, training=False):
        """``Z = X @ W + b`` for a batch, neurons on the columns."""
        Z = np.empty((X.shape[0], self.units), dtype=self.dtype)
        self._affine(X, Z, training)
        return Z

    def _affine(self, X, Z, training):
        X = self._flat(X)
        if isinstance(X, np.ndarray):
            np.matmul(X, self.W, out=Z)
        else:
            Z[...] = X @ self.W  # sparse X
        Z += self.b
        if training:
            self._work.X = X

    def _affine_backward(self, dZ, need_dX=True):
        work = self._work
        if isinstance(work.X, np.ndarray):
            np.matmul(work.X.T, dZ, out=self.dW)
        else:
            self.dW[...] = work.X.T @ dZ  # sparse X
        # A matrix-vector product sums the columns faster than a reduction.
        np.matmul(work.ones, dZ, out=self.db)
        if not need_dX:
            return None
        dX = np.matmul(dZ, self.W.T, out=work.dX((self.n_in,)))
        return dX.reshape(dX.shape[0], *self.input_shape)

    def get_config(self):
        return {"units": self.units, "activation": self._activation_arg,
                "dropout": self.dropout, "batch_norm": self.norm is not None}

    @property
    def neurons(self):
        """The layer's neurons as read-only views, built on demand."""
        return NeuronList(self, Neuron)

    def __repr__(self):
        extra = f", dropout={self.dropout}" if self.dropout else ""
        if self.norm is not None:
            extra += ", batch_norm=True"
        n_in = self.n_in if hasattr(self, "input_shape") else "?"
        return f"Dense({n_in} -> {self.units}, activation={self.activation!r}{extra})"


class Neuron(UnitView):
    """Read-only view of one neuron: its weights, bias and activation.

    Its ``weights`` have the shape ``(n_in,)``. Calling it on ``X`` (shape
    ``(n_samples, n_in)``) gives the neuron's output, ``f(X @ weights + bias)``,
    shape ``(n_samples,)``.
    """

    def __call__(self, X):
        f = self._layer._f
        if not f.elementwise or self._layer.norm is not None:
            # A softmax neuron's output depends on its neighbours' inputs too;
            # a normalised one's, on the layer's normalisation.
            return self._layer.forward(X)[:, self.index]
        z = self._layer._flat(X) @ self.weights + self.bias
        return f.forward(np.asarray(z, dtype=self._layer.W.dtype).reshape(-1, 1))[:, 0]

    def __repr__(self):
        return (
            f"Neuron({self.index}, n_inputs={self._layer.n_in}, "
            f"bias={self.bias:.4g}, activation={self.activation!r})"
        )
