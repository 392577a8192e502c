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
the network's flat parameter and gradient vectors.
"""

from collections.abc import Sequence

import numpy as np

from .activations import ACTIVATIONS, OUTPUT_LINKS


class Dense:
    """A fully connected layer of ``n_out`` neurons reading ``n_in`` inputs."""

    def __init__(self, n_in, n_out, activation="relu"):
        known = {**ACTIVATIONS, **OUTPUT_LINKS}
        if activation not in known:
            raise ValueError(f"activation must be one of {sorted(known)}, got {activation!r}.")
        self.n_in = int(n_in)
        self.n_out = int(n_out)
        self.activation = activation
        self._f = known[activation]()
        self._buffers = {}
        self._cache = None

    @property
    def n_params(self):
        """Number of weights and biases: ``(n_in + 1) * n_out``."""
        return (self.n_in + 1) * self.n_out

    def bind(self, W, b, dW, db):
        """Use the given views of the network's vectors as ``W``, ``b`` and their gradients."""
        self.W, self.b, self.dW, self.db = W, b, dW, db
        self._buffers = {}

    @property
    def weights(self):
        """The weight matrix, shape ``(n_in, n_out)``; column ``j`` feeds neuron ``j``."""
        return self.W

    @property
    def bias(self):
        """The biases, shape ``(n_out,)``."""
        return self.b

    @property
    def neurons(self):
        """The layer's neurons as read-only views, built on demand."""
        return NeuronList(self)

    def affine(self, X, training=False):
        """``Z = X @ W + b``; while training, into a reused buffer, keeping ``X``."""
        if not training:
            Z = X @ self.W
            Z += self.b
            return Z
        Z = self._buffer("Z", X.shape[0])
        if isinstance(X, np.ndarray):
            np.matmul(X, self.W, out=Z)
        else:
            Z[...] = X @ self.W  # sparse X
        Z += self.b
        self._cache = [X, Z, None]
        return Z

    def forward(self, X, training=False):
        """The layer's output ``A = f(X @ W + b)``, shape ``(n_samples, n_out)``."""
        Z = self.affine(X, training)
        if not training:
            return self._f.forward(Z, out=Z)
        # Where the derivative reads only A, A overwrites Z and spares a buffer.
        A = self._f.forward(Z, out=self._buffer("A", X.shape[0]) if self._f.needs_input else Z)
        self._cache[2] = A
        return A

    def backward(self, dA, need_dX=True):
        """Fill this layer's gradients from ∂loss/∂A and return ∂loss/∂X.

        ``dA`` is overwritten. With ``need_dX=False`` (the first layer) no
        ∂loss/∂X is computed and ``None`` is returned.
        """
        _, Z, A = self._cache
        dZ = self._f.backward(Z, A, dA, out=dA)
        return self.backward_affine(dZ, need_dX)

    def backward_affine(self, dZ, need_dX=True):
        """Fill this layer's gradients from ∂loss/∂Z and return ∂loss/∂X."""
        X = self._cache[0]
        if isinstance(X, np.ndarray):
            np.matmul(X.T, dZ, out=self.dW)
        else:
            self.dW[...] = X.T @ dZ  # sparse X
        # A matrix-vector product sums the columns faster than a reduction.
        np.matmul(self._ones(dZ.shape[0]), dZ, out=self.db)
        if not need_dX:
            return None
        return np.matmul(dZ, self.W.T, out=self._buffer("dX", dZ.shape[0], self.n_in))

    def _ones(self, n_rows):
        ones = self._buffers.get("ones")
        if ones is None or ones.shape[0] < n_rows:
            ones = self._buffers["ones"] = np.ones(n_rows, dtype=self.W.dtype)
        return ones[:n_rows]

    def _buffer(self, name, n_rows, n_cols=None):
        """A reusable ``(n_rows, n_cols)`` work array; grown when a batch is larger."""
        n_cols = self.n_out if n_cols is None else n_cols
        buf = self._buffers.get(name)
        if buf is None or buf.shape[0] < n_rows:
            buf = np.empty((n_rows, n_cols), dtype=self.W.dtype)
            self._buffers[name] = buf
        return buf[:n_rows]

    def release(self):
        """Drop the work arrays and the cached batch (after training)."""
        self._buffers = {}
        self._cache = None

    def __repr__(self):
        return f"Dense({self.n_in} -> {self.n_out}, activation={self.activation!r})"


class Neuron:
    """Read-only view of one neuron: its weights, bias and activation.

    Calling it on ``X`` (shape ``(n_samples, n_in)``) gives the neuron's output,
    ``f(X @ weights + bias)``, shape ``(n_samples,)``.
    """

    def __init__(self, layer, index):
        self._layer = layer
        self.index = index

    @property
    def weights(self):
        """The neuron's input weights, shape ``(n_in,)``; read-only."""
        view = self._layer.W[:, self.index]
        view.flags.writeable = False
        return view

    @property
    def bias(self):
        """The neuron's bias, a float."""
        return self._layer.b[self.index].item()

    @property
    def activation(self):
        """Name of the neuron's activation function."""
        return self._layer.activation

    def __call__(self, X):
        f = self._layer._f
        if not f.elementwise:
            # A softmax neuron's output depends on its neighbours' inputs too.
            return self._layer.forward(X)[:, self.index]
        z = X @ self.weights + self.bias
        return f.forward(np.asarray(z, dtype=self._layer.W.dtype).reshape(-1, 1))[:, 0]

    def __repr__(self):
        return (
            f"Neuron({self.index}, n_inputs={self._layer.n_in}, "
            f"bias={self.bias:.4g}, activation={self.activation!r})"
        )


class NeuronList(Sequence):
    """The ``n_out`` neurons of a layer, as a sequence of ``Neuron`` views."""

    def __init__(self, layer):
        self._layer = layer

    def __len__(self):
        return self._layer.n_out

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"layer has {n} neurons, no neuron {index}")
        return Neuron(self._layer, index % n)
