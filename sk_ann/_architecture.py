"""The network an estimator's parameters describe: its layers, its input shape, its X.

``hidden_layer_sizes`` (ints and layer specs), ``activation``, ``dropout``,
``batch_norm``, ``weight_init`` and ``input_shape`` together say which network
to build; ``warm_start`` and ``partial_fit`` must find the fitted one unchanged;
and X, given as flat rows or as samples with positions, must reach it as rows.
"""

import math
from numbers import Integral

import numpy as np
import scipy.sparse as sp

from .core.initializers import INITIALIZERS, default_initializer
from .core.layers import Dense as CoreDense
from .core.network import Network, per_hidden_layer
from .layers import hidden_specs, resolve_input_shape


def _architecture(layer):
    """What of a layer warm_start cannot change: its kind and size, activation, batch norm."""
    config = {k: v for k, v in layer.get_config().items()
              if k not in ("activation", "dropout", "batch_norm")}
    return ((type(layer).__name__, tuple(sorted(config.items()))), layer.activation,
            getattr(layer, "norm", None) is not None)


def _describe_sizes(layers):
    """Hidden layers as ``hidden_layer_sizes`` would write them: ints for dense layers."""
    entries = []
    for layer in layers:
        if type(layer).__name__ == "Dense":
            entries.append(int(layer.units))
        else:
            entries.append(layer)
    if all(isinstance(e, int) for e in entries):
        return tuple(entries)
    return entries


class ArchitectureMixin:
    """Builds, checks and feeds the network of an estimator with BaseANN's parameters."""

    def _as_rows(self, X, fitted=False):
        """``X`` of samples with positions, ``(n_samples, *input_shape)``, as flat rows.

        Everything else (2-D arrays, DataFrames, sparse matrices) is left for
        ``validate_data``; the network reshapes flat rows to ``input_shape``.
        ``fitted`` checks the samples against the fitted network's shape (for
        predicting) rather than against the ``input_shape`` parameter.
        """
        # Array-likes that are not arrays may refuse numpy's functions: ask for ndim.
        ndim = getattr(X, "ndim", None)
        if ndim is None and isinstance(X, (list, tuple)):
            ndim = np.ndim(X)
        if sp.issparse(X) or hasattr(X, "iloc") or ndim is None or ndim <= 2:
            return X
        X = np.asarray(X)
        shape = self._option("input_shape", None)
        if fitted:
            shape = self.network_.input_shape
            if len(shape) == 1:
                shape = None  # flat features
        if shape is None:
            raise ValueError(
                f"X has {X.ndim} dimensions, shape {X.shape}, but input_shape is None: the "
                f"network reads flat rows. Pass input_shape={X.shape[1:]} (the shape of one "
                "sample) with convolutional layers in hidden_layer_sizes, or reshape X to "
                "(n_samples, n_features)."
            )
        given = (shape,) if isinstance(shape, Integral) else tuple(shape)
        n_features = math.prod(given)
        if fitted:
            # As input_shape may, a sample may leave out a single channel.
            accepted = {given, given[:-1] if given[-1] == 1 else given}
        else:
            accepted = {given, resolve_input_shape(given, n_features, self._hidden_specs())}
        if X.shape[1:] not in accepted:
            raise ValueError(
                f"X has samples of shape {X.shape[1:]}, but input_shape={given}. Pass X of "
                f"shape (n_samples, *input_shape) or (n_samples, {n_features}), or change "
                "input_shape."
            )
        # n_features rather than -1: numpy cannot infer -1 for zero samples.
        return X.reshape(X.shape[0], n_features)

    def _densified(self, X, fitted=False):
        """Sparse ``X`` as a dense array when the first layer is not dense (a convolution)."""
        if not sp.issparse(X):
            return X
        if fitted:
            reads_flat = type(self.network_.layers[0]).__name__ in ("Dense", "Flatten")
        else:
            specs = self._hidden_specs()
            reads_flat = not specs or specs[0].reads_flat
        if not reads_flat:
            return X.toarray()
        return X

    def _check_same_network(self, n_outputs):
        """warm_start and partial_fit go on training the fitted network: refuse changes."""
        net = self.network_
        changes = []
        fitted = [_architecture(layer) for layer in net.layers[:-1]]
        wanted = [_architecture(layer) for layer in self._hidden_layers()]
        if [kind for kind, _, _ in fitted] != [kind for kind, _, _ in wanted]:
            changes.append(f"hidden_layer_sizes {_describe_sizes(net.layers[:-1])} -> "
                           f"{_describe_sizes(self._hidden_specs())}")
        if [act for _, act, _ in fitted] != [act for _, act, _ in wanted]:
            was = [act for _, act, _ in fitted if act is not None]
            was = was[0] if len(set(was)) == 1 else was
            changes.append(f"activation {was!r} -> {self.activation!r}")
        if [norm for _, _, norm in fitted] != [norm for _, _, norm in wanted]:
            changes.append(f"batch_norm {[norm for _, _, norm in fitted]} -> "
                           f"{[norm for _, _, norm in wanted]}")
        wanted_shape = self._input_shape(net.n_features)
        if wanted_shape != net.input_shape:
            changes.append(f"input_shape {net.input_shape} -> {wanted_shape}")
        if n_outputs != net.output_shape[0]:
            changes.append(f"{net.output_shape[0]} outputs -> {n_outputs}")
        if changes:
            raise ValueError(
                "warm_start and partial_fit continue training the fitted network, which "
                f"cannot change: {'; '.join(changes)}. Set warm_start=False (or call fit) "
                "to train a new network."
            )

    def _per_hidden_layer(self, name, value):
        """A parameter given once or per hidden layer, as one value per hidden layer."""
        return per_hidden_layer(value, len(self._hidden_specs()), name)

    def _hidden_specs(self):
        """``hidden_layer_sizes`` as layer specifications (an int ``n`` is ``Dense(n)``)."""
        return hidden_specs(self.hidden_layer_sizes)

    def _hidden_layers(self):
        """New core layers for ``hidden_layer_sizes``, with the per-layer options applied."""
        specs = self._hidden_specs()
        activations = self._per_hidden_layer("activation", self.activation)
        for k, (spec, act) in enumerate(zip(specs, activations)):
            if act is None and spec.takes_activation:
                raise ValueError(
                    f"activation is None for hidden layer {k + 1}, {spec!r}, whose neurons "
                    "take the estimator's activation. Give a name at its position in the "
                    "list (None only stands for layers that take none: pooling, Flatten, "
                    "LSTM, GRU, attention, a layer given its own activation)."
                )
        options = {}
        for name in ("dropout", "batch_norm"):
            value = self._option(name, False)
            options[name] = self._per_hidden_layer(name, value)
            given_per_layer = np.ndim(value) > 0
            for k, (spec, entry) in enumerate(zip(specs, options[name])):
                if not spec.has_neurons and entry and given_per_layer:
                    raise ValueError(
                        f"{name} applies to layers of neurons; hidden layer {k + 1}, {spec!r}, "
                        f"has none. Give {name} 0 / False at its position in the list."
                    )
        return [
            spec.to_core(act, rate, bool(norm)) if spec.has_neurons else spec.to_core(act)
            for spec, act, rate, norm in zip(specs, activations, options["dropout"],
                                             options["batch_norm"])
        ]

    def _input_shape(self, n_features):
        """The shape of one sample the network reads, channels last."""
        return resolve_input_shape(self._option("input_shape", None), n_features,
                                   self._hidden_specs())

    def _new_network(self, n_features, n_outputs, loss, dtype, rng):
        hidden = self._hidden_layers()
        network = Network([*hidden, CoreDense(n_outputs, "identity")],
                          self._input_shape(n_features), loss.link, dtype)
        # As scikit-learn's MLP, the output layer is initialised like the hidden
        # layers (like the last one when they differ).
        activations = [layer.activation for layer in hidden]
        with_neurons = [act for act in activations if act is not None]
        if with_neurons:
            last = with_neurons[-1]
        else:
            last = self.activation if isinstance(self.activation, str) else "identity"
        scale_of = [act or last for act in activations] + [last]
        scheme = self._option("weight_init", "auto")
        if scheme == "auto":
            initializers = [INITIALIZERS[default_initializer(name)] for name in scale_of]
        else:
            initializers = [INITIALIZERS[scheme]] * len(scale_of)
        return network.initialize(rng, initializers, activation=scale_of)

    def _update_dropout(self, network):
        """warm_start and partial_fit may change the dropout rates, which hold no weights."""
        for old, new in zip(network.layers[:-1], self._hidden_layers()):
            if hasattr(old, "dropout"):
                old.dropout = new.dropout
