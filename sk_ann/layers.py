"""Layer specifications: what ``hidden_layer_sizes`` takes besides ints.

Each spec is a plain holder of parameters, named and laid out as in Keras
(channels last), which the estimators turn into layers of the core when they
fit. An int ``n`` in ``hidden_layer_sizes`` means ``Dense(n)``, as in
scikit-learn's MLP. ``activation=None`` means the estimator's ``activation``
for that layer.

>>> from sk_ann import ANNClassifier
>>> from sk_ann.layers import Conv2D, MaxPool2D
>>> model = ANNClassifier([Conv2D(16, 3, padding="same"), MaxPool2D(2), 64], input_shape=(8, 8))
>>> model.hidden_layer_sizes
[Conv2D(16, 3, padding='same'), MaxPool2D(2), 64]
"""

import inspect
from numbers import Integral

from .core import layers as core
from .core.layers.base import constructor_call

__all__ = ["Dense", "Conv1D", "Conv2D", "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D",
           "GlobalAvgPool", "Flatten", "LayerSpec", "SimpleRNN", "LSTM", "GRU", "Bidirectional"]


class LayerSpec:
    """Base of the layer specifications: parameters stored as given, compared by value.

    ``repr`` reads as the constructor call (required arguments by position,
    others by name when they differ from the default), so grid-search results
    print readably; two specs with the same parameters are equal, so
    ``warm_start`` sees an unchanged architecture as unchanged.
    """

    _core = None
    #: Whether the layer has neurons, and so takes an activation, dropout and batch_norm.
    has_neurons = False
    #: Whether the layer reads flat rows (and so sparse ones) rather than positions.
    reads_flat = False

    def __init__(self, **params):
        for name, value in params.items():
            setattr(self, name, value)
        # Checked now, so that a wrong kernel size fails where it is written.
        self.to_core("relu")

    @classmethod
    def _param_names(cls):
        return [name for name in inspect.signature(cls.__init__).parameters if name != "self"]

    def get_params(self, deep=False):
        """The constructor's arguments, as given."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        """Change constructor arguments (``GridSearchCV`` over nested parameters)."""
        for name, value in params.items():
            if name not in self._param_names():
                raise ValueError(f"{type(self).__name__} has no parameter {name!r}; it has "
                                 f"{self._param_names()}.")
            setattr(self, name, value)
        self.to_core("relu")
        return self

    @property
    def takes_activation(self):
        """Whether the estimator's ``activation`` reaches this layer (it has none of its own)."""
        params = self.get_params()
        return self.has_neurons and "activation" in params and params["activation"] is None

    def to_core(self, activation, dropout=0.0, batch_norm=False):
        """A new core layer for this spec; ``activation`` fills in ``activation=None``."""
        params = self.get_params()
        if self.takes_activation:
            params["activation"] = activation
        if self.has_neurons:
            params.update(dropout=dropout, batch_norm=batch_norm)
        return self._core(**params)

    def __eq__(self, other):
        return type(self) is type(other) and self.get_params() == other.get_params()

    def __hash__(self):
        return hash((type(self).__name__, repr(self)))

    def __repr__(self):
        return constructor_call(self, self.get_params())


class Dense(LayerSpec):
    """A layer of ``units`` neurons, each reading every number of the sample.

    After a convolution or pooling layer it reads the sample flattened.

    Parameters
    ----------
    units : int
        Number of neurons.
    activation : str, default=None
        Their activation; None means the estimator's ``activation``.

    Examples
    --------
    >>> Dense(32, activation="tanh")
    Dense(32, activation='tanh')
    """

    _core = core.Dense
    has_neurons = True
    reads_flat = True

    def __init__(self, units, activation=None):
        super().__init__(units=units, activation=activation)

    def to_core(self, activation, dropout=0.0, batch_norm=False):
        units = self.units
        if not isinstance(units, Integral) or isinstance(units, bool) or units < 1:
            raise ValueError(f"Dense units must be a positive int, got {units!r}.")
        return super().to_core(activation, dropout, batch_norm)


class Conv1D(LayerSpec):
    """A 1-D convolution: ``filters`` neurons sliding along ``(length, channels)`` sequences.

    Parameters
    ----------
    filters : int
        Number of filters (neurons), the channels of the output.
    kernel_size : int
        Positions each filter reads at once.
    strides : int, default=1
        Positions the filter moves by.
    padding : {"valid", "same"}, default="valid"
        ``"same"`` pads with zeros so that the output keeps
        ``ceil(length / strides)`` positions; ``"valid"`` does not pad.
    activation : str, default=None
        None means the estimator's ``activation``.

    Examples
    --------
    >>> Conv1D(32, 5, padding="same")
    Conv1D(32, 5, padding='same')
    """

    _core = core.Conv1D
    has_neurons = True

    def __init__(self, filters, kernel_size, strides=1, padding="valid", activation=None):
        super().__init__(filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, activation=activation)


class Conv2D(LayerSpec):
    """A 2-D convolution: ``filters`` neurons sliding over ``(height, width, channels)`` images.

    Parameters are those of `Conv1D`, with ``kernel_size`` and ``strides`` an
    int or a pair ``(rows, columns)``.

    Examples
    --------
    >>> Conv2D(16, (3, 3), strides=2)
    Conv2D(16, (3, 3), strides=2)
    """

    _core = core.Conv2D
    has_neurons = True

    def __init__(self, filters, kernel_size, strides=1, padding="valid", activation=None):
        super().__init__(filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, activation=activation)


class _PoolSpec(LayerSpec):
    def __init__(self, pool_size, strides=None):
        super().__init__(pool_size=pool_size, strides=strides)


class MaxPool1D(_PoolSpec):
    """Largest value of each window of ``pool_size`` positions, per channel.

    Parameters
    ----------
    pool_size : int
        Positions per window.
    strides : int, default=None
        Positions the window moves by; None means ``pool_size``.
    """

    _core = core.MaxPool1D


class MaxPool2D(_PoolSpec):
    """Largest value of each window of ``pool_size`` positions of an image, per channel.

    Parameters are those of `MaxPool1D`, each an int or a pair.
    """

    _core = core.MaxPool2D


class AvgPool1D(_PoolSpec):
    """Mean of each window of ``pool_size`` positions, per channel.

    Parameters are those of `MaxPool1D`.
    """

    _core = core.AvgPool1D


class AvgPool2D(_PoolSpec):
    """Mean of each window of ``pool_size`` positions of an image, per channel.

    Parameters are those of `MaxPool2D`.
    """

    _core = core.AvgPool2D


class GlobalAvgPool(LayerSpec):
    """Mean over every position of a sequence or image: one number per channel.

    Examples
    --------
    >>> GlobalAvgPool()
    GlobalAvgPool()
    """

    _core = core.GlobalAvgPool

    def __init__(self):
        super().__init__()


class Flatten(LayerSpec):
    """Each sample's positions and channels as one row of numbers.

    A ``Dense`` layer already reads its input flattened; ``Flatten`` makes the
    step explicit.
    """

    _core = core.Flatten
    reads_flat = True

    def __init__(self):
        super().__init__()


def hidden_specs(hidden_layer_sizes):
    """``hidden_layer_sizes`` as a list of specs, an int ``n`` becoming ``Dense(n)``."""
    entries = hidden_layer_sizes
    if isinstance(entries, (Integral, LayerSpec)):
        entries = [entries]
    return [Dense(int(e)) if isinstance(e, Integral) else e for e in entries]


def resolve_input_shape(input_shape, n_features, specs):
    """The shape of one sample, channels last, for a network of ``specs`` on ``n_features``.

    ``None`` means flat rows of ``n_features``. A shape one axis short of what
    the first layer reads, ``(8, 8)`` before a ``Conv2D``, has one channel.
    """
    if input_shape is None:
        return (n_features,)
    shape = (int(input_shape),) if isinstance(input_shape, Integral) else tuple(
        int(n) for n in input_shape)
    size = 1
    for n in shape:
        size *= n
    if size != n_features:
        raise ValueError(
            f"input_shape={tuple(input_shape) if not isinstance(input_shape, Integral) else input_shape} "
            f"holds {size} numbers per sample, but X has {n_features} features. Give the "
            "shape of one sample of X (channels last), or reshape X."
        )
    d = getattr(specs[0]._core, "d", None) if specs else None
    if d is not None and len(shape) == d:
        shape += (1,)
    return shape


# --- Attention (transformers) -------------------------------------------------------------
# None of these has neurons in the estimator's sense: the estimator's ``activation``,
# ``dropout`` and ``batch_norm`` do not reach them; TransformerEncoder takes its own dropout.

__all__ += ["TransformerEncoder", "MultiHeadSelfAttention", "LayerNorm", "PositionalEmbedding",
            "FeatureTokenizer", "ClsToken"]


class TransformerEncoder(LayerSpec):
    """One pre-norm transformer block on ``(tokens, d_model)`` samples.

    ``X + Attention(LayerNorm(X))`` then ``+ FeedForward(LayerNorm(.))``;
    ``d_model`` is the width of the tokens that reach it (``d_token`` of a
    `FeatureTokenizer`, the ``filters`` of a `Conv1D`), and must be a multiple
    of ``n_heads``. The estimator's ``dropout`` does not apply here: give the
    block its own.

    Parameters
    ----------
    n_heads : int
        Attention heads.
    ff_units : int, default=None
        Hidden neurons of the position-wise feed-forward; None means
        ``2 * d_model`` (the FT-Transformer's range is 4/3× to 2×; 4×, the
        original transformer's, doubles the block's cost for little on tables).
    dropout : float, default=0.0
        Dropout on the attention weights and on both residual branches while
        training.
    ff_activation : str, default="gelu"
        Activation of the feed-forward's hidden neurons (not the estimator's
        ``activation``, which applies to layers of neurons).

    Examples
    --------
    >>> TransformerEncoder(4, dropout=0.1)
    TransformerEncoder(4, dropout=0.1)
    """

    _core = core.TransformerEncoder

    def __init__(self, n_heads, ff_units=None, dropout=0.0, ff_activation="gelu"):
        super().__init__(n_heads=n_heads, ff_units=ff_units, dropout=dropout,
                         ff_activation=ff_activation)


class MultiHeadSelfAttention(LayerSpec):
    """Multi-head self-attention alone, without norm, residual or feed-forward.

    Parameters
    ----------
    n_heads : int
        Attention heads; must divide the width of the tokens.
    dropout : float, default=0.0
        Dropout on the attention weights while training.

    Examples
    --------
    >>> MultiHeadSelfAttention(2)
    MultiHeadSelfAttention(2)
    """

    _core = core.MultiHeadSelfAttention

    def __init__(self, n_heads, dropout=0.0):
        super().__init__(n_heads=n_heads, dropout=dropout)


class LayerNorm(LayerSpec):
    """Normalise the last axis of each sample (each token) to mean 0, variance 1, then
    scale and shift by learned ``gamma`` and ``beta``.

    Parameters
    ----------
    epsilon : float, default=1e-5
        Added to the variance, so that a constant vector does not divide by 0.

    Examples
    --------
    >>> LayerNorm()
    LayerNorm()
    >>> LayerNorm(epsilon=1e-6)
    LayerNorm(epsilon=1e-06)
    """

    _core = core.LayerNorm
    #: What a specification pickled before ``epsilon`` was a parameter reads.
    epsilon = 1e-5

    def __init__(self, epsilon=1e-5):
        super().__init__(epsilon=epsilon)


class PositionalEmbedding(LayerSpec):
    """Add a learned vector to each position of a ``(tokens, width)`` sequence.

    Attention alone does not see the order of the tokens; this layer lets it.

    Examples
    --------
    >>> PositionalEmbedding()
    PositionalEmbedding()
    """

    _core = core.PositionalEmbedding

    def __init__(self):
        super().__init__()


class FeatureTokenizer(LayerSpec):
    """A table's row of ``n_features`` numbers as ``n_features + 1`` tokens of width ``d_token``.

    Feature ``j`` becomes ``x_j * w_j + b_j``; a learned ``[CLS]`` token goes
    first (the FT-Transformer of Gorishniy et al., 2021). Put it first in
    ``hidden_layer_sizes``, on scaled features.

    Parameters
    ----------
    d_token : int
        Width of every token.

    Examples
    --------
    >>> FeatureTokenizer(32)
    FeatureTokenizer(32)
    """

    _core = core.FeatureTokenizer

    def __init__(self, d_token):
        super().__init__(d_token=d_token)


class ClsToken(LayerSpec):
    """The output of the ``[CLS]`` token (token 0): what a table transformer's head reads.

    Examples
    --------
    >>> ClsToken()
    ClsToken()
    """

    _core = core.ClsToken

    def __init__(self):
        super().__init__()


class _RecurrentSpec(LayerSpec):
    """A recurrent layer: it takes dropout on its outputs, and refuses batch normalisation."""

    has_neurons = True

    def to_core(self, activation, dropout=0.0, batch_norm=False):
        name = type(self).__name__
        units = self.units
        if not isinstance(units, Integral) or isinstance(units, bool) or units < 1:
            raise ValueError(f"{name} units must be a positive int, got {units!r}.")
        if batch_norm:
            raise ValueError(
                f"batch_norm normalises a layer's pre-activations with statistics of the "
                f"batch, which recurrent layers do not support ({self!r}): the statistics "
                "would change from step to step. Give batch_norm one entry per hidden layer, "
                "False at the recurrent layers' positions, e.g. batch_norm=[False, True]."
            )
        params = self.get_params()
        if self.takes_activation:
            params["activation"] = activation
        return self._core(**params, dropout=dropout)


class SimpleRNN(_RecurrentSpec):
    """A recurrent layer of ``units`` neurons, each reading the step and every unit's last output.

    It reads sequences, ``(timesteps, features)`` per sample: give the
    estimator ``input_shape``. At each step ``t`` it computes
    ``h_t = activation(x_t W + h_{t-1} U + b)``. Its memory fades quickly
    (gradients vanish over long spans): `LSTM` and `GRU` remember longer.

    Parameters
    ----------
    units : int
        Number of units, the size of the state.
    activation : str, default="tanh"
        Their activation; None means the estimator's ``activation``.
    return_sequences : bool, default=False
        Pass on every step's state, ``(timesteps, units)``, for another
        recurrent or convolutional layer; otherwise the last state, ``(units,)``.

    Examples
    --------
    >>> SimpleRNN(16, return_sequences=True)
    SimpleRNN(16, return_sequences=True)
    """

    _core = core.SimpleRNN

    def __init__(self, units, activation="tanh", return_sequences=False):
        super().__init__(units=units, activation=activation, return_sequences=return_sequences)


class LSTM(_RecurrentSpec):
    """Long short-term memory: ``units`` cells whose gates decide what to keep, write and show.

    It reads sequences, ``(timesteps, features)`` per sample: give the
    estimator ``input_shape``. The gates use the logistic sigmoid, the cell
    and the output tanh, whatever the estimator's ``activation``.

    Parameters
    ----------
    units : int
        Number of units (cells), the size of the output.
    return_sequences : bool, default=False
        Pass on every step's output, ``(timesteps, units)``, for another
        recurrent or convolutional layer; otherwise the last one, ``(units,)``.

    Examples
    --------
    >>> from sk_ann import ANNRegressor
    >>> ANNRegressor(hidden_layer_sizes=[LSTM(32), 16], input_shape=(50, 2)).hidden_layer_sizes
    [LSTM(32), 16]
    """

    _core = core.LSTM

    def __init__(self, units, return_sequences=False):
        super().__init__(units=units, return_sequences=return_sequences)


class GRU(_RecurrentSpec):
    """Gated recurrent unit: ``units`` neurons blending their last state with a new one.

    It reads sequences, ``(timesteps, features)`` per sample: give the
    estimator ``input_shape``. Like `LSTM`, with two gates and no separate cell.

    Parameters
    ----------
    units : int
        Number of units, the size of the state.
    return_sequences : bool, default=False
        Pass on every step's state, ``(timesteps, units)``; otherwise the last.

    Examples
    --------
    >>> GRU(8)
    GRU(8)
    """

    _core = core.GRU

    def __init__(self, units, return_sequences=False):
        super().__init__(units=units, return_sequences=return_sequences)


class Bidirectional(LayerSpec):
    """A recurrent layer read from the first step to the last, and a twin read backwards.

    The two outputs stand side by side on the last axis: ``2 * units`` numbers
    per step with ``return_sequences=True``, or the two last states.

    Parameters
    ----------
    layer : SimpleRNN, LSTM or GRU
        The recurrent layer; the backward one is a copy with its own weights.

    Examples
    --------
    >>> Bidirectional(GRU(8, return_sequences=True))
    Bidirectional(GRU(8, return_sequences=True))
    """

    _core = core.Bidirectional
    has_neurons = True

    def __init__(self, layer):
        super().__init__(layer=layer)

    @property
    def takes_activation(self):
        return isinstance(self.layer, LayerSpec) and self.layer.takes_activation

    def to_core(self, activation, dropout=0.0, batch_norm=False):
        if not isinstance(self.layer, _RecurrentSpec):
            raise ValueError(
                f"Bidirectional wraps a recurrent layer (SimpleRNN, LSTM or GRU from "
                f"sk_ann.layers), got {self.layer!r}."
            )
        return core.Bidirectional(self.layer.to_core(activation, dropout, batch_norm))
