"""ANNRegressor: a neural-network regressor, a drop-in peer of MLPRegressor."""

from numbers import Real

from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ._base import BaseANN
from ._docstrings import EXTRA_PARAMETERS, SHARED_ATTRIBUTES, SHARED_PARAMETERS
from ._targets import ContinuousTarget
from ._validation import Interval, OneOf
from .core.losses import get_loss


class ANNRegressor(RegressorMixin, BaseANN):
    _parameter_constraints = {
        **BaseANN._parameter_constraints,
        "loss": OneOf("squared_error", "poisson", "absolute_error", "huber"),
        "huber_delta": Interval(Real, 0, None, "neither"),
    }
    _score_function = staticmethod(r2_score)

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        loss="squared_error",
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
        dropout=0.0,
        batch_norm=False,
        alpha_l1=0.0,
        max_grad_norm=None,
        weight_init="auto",
        weight_decay=0.01,
        warmup_epochs=0,
        scoring=None,
        input_shape=None,
        huber_delta=1.0,
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
        self.loss = loss
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
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.alpha_l1 = alpha_l1
        self.max_grad_norm = max_grad_norm
        self.weight_init = weight_init
        self.weight_decay = weight_decay
        self.warmup_epochs = warmup_epochs
        self.scoring = scoring
        self.input_shape = input_shape
        self.huber_delta = huber_delta

    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Fit the network to data ``X`` and targets ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. With ``dtype=None``, float32 data trains in float32,
            anything else in float64.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Real-valued targets (non-negative for ``loss='poisson'``).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the loss.
        X_val : {array-like, sparse matrix} of shape (n_val_samples, n_features), \
                default=None
            Validation data, scored after every epoch into ``validation_scores_``
            and ``validation_loss_curve_``; with ``early_stopping=True`` it
            replaces the ``validation_fraction`` split. Stochastic solvers only.
            In a Pipeline, route it with metadata routing and
            ``Pipeline(..., transform_input=["X_val"])`` so that it goes
            through the same preprocessing as ``X``.
        y_val : array-like of shape (n_val_samples,) or (n_val_samples, n_outputs), \
                default=None
            Validation targets, as many columns as ``y``.
        sample_weight_val : array-like of shape (n_val_samples,), default=None
            Weights of the validation samples in the score and the loss.

        Returns
        -------
        self : ANNRegressor
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, X_val=X_val, y_val=y_val,
                         sample_weight_val=sample_weight_val)

    @available_if(lambda est: est._check_solver())
    def partial_fit(self, X, y, sample_weight=None):
        """Train one epoch on the batch ``(X, y)``, keeping what was learnt before.

        Only with the stochastic solvers ``'sgd'``, ``'adam'``, ``'rmsprop'`` and
        ``'adamw'``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A batch of training data.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Its targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the loss.

        Returns
        -------
        self : ANNRegressor
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def _y_validation(self):
        return {"y_numeric": True}

    def _new_target_encoder(self, y, classes):
        return ContinuousTarget(self.loss).fit(y)

    def _loss(self, encoder):
        if encoder.loss == "huber":
            return get_loss("huber", delta=self.huber_delta)
        return super()._loss(encoder)

    def _check_target_compatible(self, encoder, y, incremental):
        if encoder.loss != self.loss:
            raise ValueError(
                f"warm_start and partial_fit continue training the fitted network, whose loss "
                f"is {encoder.loss!r}, not {self.loss!r}. Set warm_start=False (or call fit) "
                "to train a new network."
            )

    def predict(self, X):
        """Predict targets for ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
            The predictions.
        """
        check_is_fitted(self)
        return self._target_encoder.inverse_transform(self._network_output(X))


ANNRegressor.__doc__ = f"""A neural-network regressor, a drop-in peer of ``MLPRegressor``.

    A network of layers of neurons with one output neuron per target column,
    trained on the squared error, the absolute error or the Huber loss
    (identity output), or the Poisson deviance (exponential output, for
    counts and rates). Every parameter of scikit-learn's ``MLPRegressor`` is
    here with the same name, default and meaning, and so is every fitted
    attribute; the parameters after ``dtype`` are sk_ann's own.

    Parameters
    ----------{SHARED_PARAMETERS}

    loss : {{'squared_error', 'poisson', 'absolute_error', 'huber'}}, \
            default='squared_error'
        Half squared error with an identity output; half Poisson deviance
        with an exponential output (for non-negative targets); the absolute
        error, which fits the median rather than the mean and shrugs off
        outliers; or the Huber loss, squared for residuals up to
        ``huber_delta`` and absolute beyond.
{EXTRA_PARAMETERS}

    huber_delta : float, default=1.0
        Where the Huber loss turns from squared to absolute, in the units of
        ``y``. Used by ``loss='huber'`` only.

    Attributes
    ----------{SHARED_ATTRIBUTES}

    See Also
    --------
    ANNClassifier : The same network for class labels.
    sklearn.neural_network.MLPRegressor : The estimator this one can replace.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sk_ann import ANNRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(), ANNRegressor(
    ...     hidden_layer_sizes=(32,), solver="lbfgs", alpha=1.0, random_state=0))
    >>> model.fit(X, y).score(X, y) > 0.5
    True
    """
