"""ANNAutoencoder: a neural-network transformer that learns a compact code of its input."""

import math
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.metrics import r2_score
from sklearn.utils import check_array
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from ._base import _STOCHASTIC_SOLVERS, BaseANN, finite_outputs
from ._docstrings import SHARED_ATTRIBUTES, SHARED_PARAMETERS
from ._targets import ContinuousTarget
from ._validation import Interval, as_network_dtype, is_dense_sizes


def _is_encoder_sizes(value):
    if not is_dense_sizes(value):
        return False
    return isinstance(value, Integral) or len(list(value)) > 0


_is_encoder_sizes.description = (
    "an int >= 1 or a non-empty sequence of ints >= 1, the encoder's layers from the input "
    "to the code, e.g. (64, 2) (ANNAutoencoder builds dense encoders and decoders: layer "
    "specifications such as Conv2D are for ANNClassifier and ANNRegressor)"
)

_NON_NEGATIVE = Interval(Real, 0, None, "left")


def _is_noise(value):
    return _NON_NEGATIVE(value) and math.isfinite(value)


_is_noise.description = str(_NON_NEGATIVE)


def _reconstruction_r2(X, X_hat, sample_weight=None):
    """Share of the variance of ``X`` the reconstruction explains, all columns pooled."""
    # Pooled rather than averaged per column: a column that is constant on the
    # validation split (a blank pixel) would otherwise count as a score of 0 or 1.
    return r2_score(X, X_hat, sample_weight=sample_weight, multioutput="variance_weighted")


def _run(layers, A):
    for layer in layers:
        A = layer.forward(A)
    return A


class ANNAutoencoder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseANN):
    _parameter_constraints = {
        **BaseANN._parameter_constraints,
        "hidden_layer_sizes": _is_encoder_sizes,
        "noise": _is_noise,
    }
    _score_function = staticmethod(_reconstruction_r2)

    def __init__(
        self,
        hidden_layer_sizes=(64, 2),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dtype=None,
        noise=0.0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dtype = dtype
        self.noise = noise

    # --- fitting ------------------------------------------------------------------

    def fit(self, X, y=None, sample_weight=None):
        """Train the network to reproduce ``X`` through its bottleneck.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. With ``dtype=None``, float32 data trains in float32,
            anything else in float64.
        y : None
            Ignored; present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the loss.

        Returns
        -------
        self : ANNAutoencoder
            The fitted estimator.
        """
        return self._fit(X, None, sample_weight)

    @available_if(lambda est: est._check_solver())
    def partial_fit(self, X, y=None, sample_weight=None):
        """Train one epoch on the batch ``X``, keeping what was learnt before.

        Only with the stochastic solvers ``'sgd'``, ``'adam'``, ``'rmsprop'`` and
        ``'adamw'``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A batch of training data.
        y : None
            Ignored; present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the loss.

        Returns
        -------
        self : ANNAutoencoder
            The updated estimator.
        """
        return self._fit(X, None, sample_weight, incremental=True)

    def _validate_training_data(self, X, y, first_pass):
        if self.noise and self.solver not in _STOCHASTIC_SOLVERS:
            raise ValueError(
                f"noise={self.noise} draws new noise for every minibatch, which needs a "
                f"stochastic solver ('adam', 'sgd', 'rmsprop' or 'adamw'), not "
                f"{self.solver!r}. Change the solver or set noise=0."
            )
        X = validate_data(self, X, accept_sparse=["csr", "csc"], reset=first_pass,
                          dtype=(np.float64, np.float32))
        # The network's targets are its inputs; the loss needs them dense.
        return X, X.toarray() if sp.issparse(X) else X

    def _new_target_encoder(self, y, classes):
        return ContinuousTarget("squared_error").fit(y)

    def _check_target_compatible(self, encoder, y, incremental):
        # The targets are X, whose width validate_data has already checked.
        pass

    def _hidden_specs(self):
        encoder = super()._hidden_specs()
        return encoder + encoder[-2::-1]

    def _input_corruption(self):
        if not self.noise:
            return None
        std = float(self.noise)

        def add_gaussian_noise(X_batch, rng):
            if sp.issparse(X_batch):
                X_batch = X_batch.toarray()
            # A new array: the batch may be a view of X, which is also the target.
            noisy = rng.normal(0.0, std, X_batch.shape).astype(X_batch.dtype, copy=False)
            noisy += X_batch
            return noisy

        return add_gaussian_noise

    def _commit(self, encoder, network, state):
        super()._commit(encoder, network, state)
        self._n_features_out = network.layer_sizes[len(network.layers) // 2]  # the code

    # --- transforming -------------------------------------------------------------

    def _encoder_decoder(self):
        """The fitted network's encoder and decoder layers (the decoder mirrors the encoder)."""
        layers = self.network_.layers
        return layers[:len(layers) // 2], layers[len(layers) // 2:]

    def transform(self, X):
        """Encode ``X``: the activations of the bottleneck layer.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_components)
            The code of each sample, ``n_components = hidden_layer_sizes[-1]``,
            in the dtype of the network (see the ``dtype`` parameter).
        """
        check_is_fitted(self)
        encoder, _ = self._encoder_decoder()
        return finite_outputs(self._validated_input(X), lambda A: _run(encoder, A))

    def inverse_transform(self, X):
        """Decode codes back to the input space: the network's reconstruction.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Codes, as returned by ``transform``.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            The decoded data, in the dtype of the network.
        """
        check_is_fitted(self)
        Z = check_array(X, dtype=(np.float64, np.float32), input_name="X")
        if Z.shape[1] != self._n_features_out:
            raise ValueError(
                f"X has {Z.shape[1]} columns, but ANNAutoencoder decodes codes of "
                f"{self._n_features_out} (the width of its bottleneck); pass the output of "
                "transform."
            )
        _, decoder = self._encoder_decoder()
        Z = as_network_dtype(Z, self.network_.dtype, "X")
        return finite_outputs(Z, lambda A: _run(decoder, A))

    def score_samples(self, X):
        """Minus the mean squared reconstruction error of each sample.

        For row ``x`` with reconstruction ``x̂ = inverse_transform(transform(x))``
        the score is ``-mean_j (x_j - x̂_j) ** 2``, the mean over the
        ``n_features`` columns. Higher is better: samples unlike the training
        data score low, so the score serves as an anomaly score.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            The score of each sample, in the dtype of the network.
        """
        check_is_fitted(self)
        layers = self.network_.layers

        def scores(A):
            diff = _run(layers, A)
            diff -= A.toarray() if sp.issparse(A) else A
            return -np.square(diff, out=diff).mean(axis=1)

        return finite_outputs(self._validated_input(X), scores)

    def score(self, X, y=None):
        """Minus the mean squared reconstruction error over all samples and features.

        The mean of ``score_samples(X)``; higher is better, so that
        ``GridSearchCV`` on an autoencoder alone picks the best reconstruction.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        score : float
            ``-mean((X - reconstruction) ** 2)``.
        """
        check_is_fitted(self)
        return float(np.mean(self.score_samples(X), dtype=np.float64))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


# hidden_layer_sizes means the encoder here, with another default: replace its entry.
_SHARED_AFTER_SIZES = SHARED_PARAMETERS[SHARED_PARAMETERS.index("\n    activation :"):]

ANNAutoencoder.__doc__ = f"""A neural-network autoencoder: a transformer that learns a compact code.

    The network learns to reproduce its input through a narrow hidden layer,
    the bottleneck; ``transform`` returns the bottleneck's activations (the
    code), ``inverse_transform`` decodes codes back to the input space, and
    ``score_samples`` is minus each sample's reconstruction error, usable as an
    anomaly score. Use it to compress data, to learn features for another
    estimator in a ``Pipeline``, or to look at data in two dimensions.

    The layers are the encoder ``hidden_layer_sizes``, then a decoder that
    mirrors it, then an output layer as wide as the input: ``(64, 2)`` on 30
    features gives ``30 -> 64 -> 2 -> 64 -> 30``. Every hidden layer, the
    bottleneck included, uses ``activation``; the output layer is linear and
    the loss is the squared error between the input and its reconstruction.
    With ``activation='identity'`` it is a linear autoencoder, whose best code
    spans the same subspace as PCA with as many components. The training parameters
    are those of ``ANNRegressor``, with the same defaults.

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default=(64, 2)
        Number of neurons in each layer of the encoder, from the input to the
        bottleneck; the last entry is the width of the code. The decoder
        mirrors the others: ``(64, 2)`` is three hidden layers, ``64, 2, 64``.
        The default makes a two-dimensional code, for plots.
{_SHARED_AFTER_SIZES}

    noise : float, default=0.0
        Standard deviation of Gaussian noise added to the training inputs (never
        to the targets), drawn afresh for every minibatch from ``random_state``:
        a denoising autoencoder, which must learn to undo the noise and so
        learns sturdier features. 0 trains a plain autoencoder. Needs a
        stochastic solver (``'adam'``, ``'sgd'``, ``'rmsprop'`` or ``'adamw'``).

    Attributes
    ----------{SHARED_ATTRIBUTES}

    See Also
    --------
    sklearn.decomposition.PCA : The linear, closed-form counterpart.
    ANNRegressor : The same network mapping inputs to other targets.

    Notes
    -----
    With ``early_stopping=True`` the validation score is the share of the
    variance of the held-out inputs that their reconstruction explains, pooled
    over the columns (``r2_score`` with ``multioutput='variance_weighted'``).
    ``loss_`` and ``loss_curve_`` are half the squared reconstruction error
    summed over the features, averaged over the samples, plus the L2 penalty.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sk_ann import ANNAutoencoder
    >>> X, _ = load_iris(return_X_y=True)
    >>> autoencoder = ANNAutoencoder(hidden_layer_sizes=(8, 2), activation="tanh",
    ...                              learning_rate_init=0.01, max_iter=500, random_state=0)
    >>> codes = make_pipeline(StandardScaler(), autoencoder).fit_transform(X)
    >>> codes.shape
    (150, 2)
    >>> autoencoder.inverse_transform(codes).shape
    (150, 4)
    >>> autoencoder.get_feature_names_out()
    array(['annautoencoder0', 'annautoencoder1'], dtype=object)
    >>> print(autoencoder.network_)
    Network(118 parameters, dtype=float64)
      input: 4 features
      hidden 1: 8 neurons, tanh
      hidden 2: 2 neurons, tanh
      hidden 3: 8 neurons, tanh
      output: 4 neurons, identity
    """
