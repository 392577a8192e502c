"""BaseANN: the parameters, checks and the fit / partial_fit driver both estimators share."""

import copy
import math
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from . import __version__
from ._callbacks import CallbackSupport
from ._validation import (
    Interval,
    OneOf,
    any_of,
    check_sample_weight,
    is_bool,
    is_float_dtype_or_none,
    is_hidden_layer_sizes,
    is_infinity,
    is_random_state,
    is_verbose,
    validate_params,
)
from .core import training
from .core.activations import ACTIVATIONS
from .core.initializers import glorot_uniform
from .core.losses import get_loss
from .core.network import Network
from .core.optimizers import SGD, Adam

_STOCHASTIC_SOLVERS = ("sgd", "adam")
# Rows per forward pass at predict time: keeps memory bounded on very large X.
_PREDICT_CHUNK = 20_000


def in_chunks(X, fn):
    """``fn(X)``, computed on blocks of rows so that memory stays bounded on large ``X``."""
    if X.shape[0] <= _PREDICT_CHUNK:
        return fn(X)
    return np.concatenate([
        fn(X[start:start + _PREDICT_CHUNK]) for start in range(0, X.shape[0], _PREDICT_CHUNK)
    ])


class InconsistentVersionWarning(UserWarning):
    """Warned when an estimator saved by one sk_ann version is loaded by another.

    A fitted estimator's internals may change between versions; one loaded
    into a different version may fail or predict differently. Refit it, or
    load it with the version that saved it.

    Parameters
    ----------
    estimator_name : str
        Class name of the loaded estimator.
    current_version : str
        The sk_ann version loading it.
    original_version : str
        The sk_ann version that saved it (``"unknown"`` for estimators saved
        before sk_ann recorded its version).

    Examples
    --------
    To refuse models saved by another version, turn the warning into an error:

    >>> import pickle, warnings
    >>> from sk_ann import ANNRegressor, InconsistentVersionWarning
    >>> saved = pickle.dumps(ANNRegressor())
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", InconsistentVersionWarning)
    ...     model = pickle.loads(saved)   # saved by this version: loads
    """

    def __init__(self, *, estimator_name, current_version, original_version):
        self.estimator_name = estimator_name
        self.current_version = current_version
        self.original_version = original_version
        super().__init__(str(self))

    def __str__(self):
        return (
            f"{self.estimator_name} was saved with sk_ann {self.original_version} and is "
            f"loaded with sk_ann {self.current_version}; it may fail or give different "
            f"results. Refit it with sk_ann {self.current_version}, or load it with sk_ann "
            f"{self.original_version}."
        )


class BaseANN(CallbackSupport, BaseEstimator):
    """Shared machinery of ANNClassifier and ANNRegressor; not for direct use."""

    _parameter_constraints = {
        "hidden_layer_sizes": is_hidden_layer_sizes,
        "activation": OneOf(*ACTIVATIONS),
        "solver": OneOf("lbfgs", "sgd", "adam"),
        "alpha": Interval(Real, 0, None, "left"),
        "batch_size": any_of(OneOf("auto"), Interval(Integral, 1, None, "left")),
        "learning_rate": OneOf("constant", "invscaling", "adaptive"),
        "learning_rate_init": Interval(Real, 0, None, "neither"),
        "power_t": Interval(Real, 0, None, "left"),
        "max_iter": Interval(Integral, 1, None, "left"),
        "shuffle": is_bool,
        "random_state": is_random_state,
        "tol": Interval(Real, 0, None, "left"),
        "verbose": is_verbose,
        "warm_start": is_bool,
        "momentum": Interval(Real, 0, 1, "both"),
        "nesterovs_momentum": is_bool,
        "early_stopping": is_bool,
        "validation_fraction": Interval(Real, 0, 1, "left"),
        "beta_1": Interval(Real, 0, 1, "left"),
        "beta_2": Interval(Real, 0, 1, "left"),
        "epsilon": Interval(Real, 0, None, "neither"),
        "n_iter_no_change": any_of(Interval(Integral, 1, None, "left"), is_infinity),
        "max_fun": Interval(Integral, 1, None, "left"),
        "dtype": is_float_dtype_or_none,
    }

    # --- fitted attributes derived from the network -------------------------------

    @property
    def coefs_(self):
        """Weight matrices, one per layer: ``coefs_[i][j, k]`` links neuron j of layer i
        to neuron k of layer i + 1. Views of ``network_``'s parameters."""
        check_is_fitted(self)
        return [layer.weights for layer in self.network_.layers]

    @property
    def intercepts_(self):
        """Bias vectors, one per layer after the input; views of ``network_``'s parameters."""
        check_is_fitted(self)
        return [layer.bias for layer in self.network_.layers]

    # --- fitting ------------------------------------------------------------------

    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None):
        validate_params(self, self._parameter_constraints)
        if incremental and self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True; set early_stopping=False "
                "or use fit."
            )
        first_pass = not hasattr(self, "network_") or (not self.warm_start and not incremental)
        # A fit is a transaction: the estimator changes only if the whole fit succeeds.
        before = dict(vars(self))
        try:
            # Callbacks are torn down before a rollback, which would drop their context.
            self._with_callback_teardown(self._fit_transaction, X, y, sample_weight,
                                         incremental, first_pass, classes)
        except BaseException:
            vars(self).clear()
            vars(self).update(before)
            raise
        return self

    def _validate_training_data(self, X, y, first_pass):
        """Checked ``X`` (float32 or float64) and ``y`` with a lone column made 1-D."""
        X, y = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
            dtype=(np.float64, np.float32), reset=first_pass, **self._y_validation(),
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, y

    def _fit_transaction(self, X, y, sample_weight, incremental, first_pass, classes):
        X, y = self._validate_training_data(X, y, first_pass)
        if first_pass:
            encoder = self._new_target_encoder(y, classes)
            dtype = X.dtype if self.dtype is None else np.dtype(self.dtype)
        else:
            encoder = self._target_encoder
            self._check_target_compatible(encoder, y, incremental)
            dtype = self.network_.dtype
        X = X.astype(dtype, copy=False)
        Y = encoder.transform(y, dtype)
        sample_weight = check_sample_weight(sample_weight, X.shape[0], dtype)
        rng = check_random_state(self.random_state)
        loss = get_loss(encoder.loss)
        if first_pass:
            network = self._new_network(X.shape[1], Y.shape[1], loss, dtype, rng)
            state = training.TrainingState()
        else:
            self._check_same_network(Y.shape[1])
            network, state = copy.deepcopy((self.network_, self._state))
        # Said when training diverges: a failed warm_start or partial_fit keeps the old model.
        unchanged = "" if first_pass else " The model fitted before this call is unchanged."
        with self._callback_session(X, y, sample_weight, encoder, network, state,
                                    incremental=incremental) as callbacks:
            if self.solver == "lbfgs":
                self._run_lbfgs(network, loss, X, Y, sample_weight, state, unchanged)
            else:
                self._run_stochastic(network, loss, encoder, X, Y, y, sample_weight, state,
                                     rng, incremental, unchanged, callbacks)
        if not np.isfinite(network.params).all():
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data may contain "
                "large values and need to be preprocessed, e.g. with StandardScaler."
            )
        self._commit(encoder, network, state)

    def _check_same_network(self, n_outputs):
        """warm_start and partial_fit go on training the fitted network: refuse changes."""
        net = self.network_
        changes = []
        if net.layer_sizes[1:-1] != self._hidden_sizes():
            changes.append(f"hidden_layer_sizes {tuple(net.layer_sizes[1:-1])} -> "
                           f"{tuple(self._hidden_sizes())}")
        if any(layer.activation != self.activation for layer in net.layers[:-1]):
            changes.append(f"activation {net.layers[0].activation!r} -> {self.activation!r}")
        if n_outputs != net.layer_sizes[-1]:
            changes.append(f"{net.layer_sizes[-1]} outputs -> {n_outputs}")
        if changes:
            raise ValueError(
                "warm_start and partial_fit continue training the fitted network, which "
                f"cannot change: {'; '.join(changes)}. Set warm_start=False (or call fit) "
                "to train a new network."
            )

    def _new_network(self, n_features, n_outputs, loss, dtype, rng):
        sizes = [n_features, *self._hidden_sizes(), n_outputs]
        network = Network(sizes, self.activation, loss.link.name, dtype)
        return network.initialize(rng, glorot_uniform, activation=self.activation)

    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        return [int(sizes)] if isinstance(sizes, Integral) else [int(n) for n in sizes]

    def _new_optimizer(self, network):
        if self.solver == "sgd":
            optimizer = SGD(network.n_params, self.learning_rate_init, self.momentum,
                            self.nesterovs_momentum, network.dtype)
            schedule = training.LearningRateSchedule(
                self.learning_rate, self.learning_rate_init, self.power_t)
        else:
            optimizer = Adam(network.n_params, self.learning_rate_init, self.beta_1,
                             self.beta_2, self.epsilon, network.dtype)
            # As in scikit-learn's MLP, Adam keeps its learning rate constant.
            schedule = training.LearningRateSchedule("constant", self.learning_rate_init)
        return optimizer, schedule

    def _run_lbfgs(self, network, loss, X, Y, sample_weight, state, unchanged):
        result = training.fit_lbfgs(
            network, loss, X, Y, sample_weight, alpha=self.alpha, max_iter=self.max_iter,
            max_fun=self.max_fun, tol=self.tol, verbose=bool(self.verbose),
        )
        state.n_iter = min(result.n_iter, self.max_iter)
        state.loss = result.loss
        state.loss_curve = state.loss_curve + result.loss_curve
        state.best_loss = min(state.loss_curve, default=result.loss)
        if not math.isfinite(result.loss):
            raise ValueError(self._diverged_message(state) + unchanged)
        if not result.converged:
            warnings.warn(
                f"lbfgs failed to converge after {state.n_iter} iteration(s): "
                f"{result.message}. Increase the number of iterations (max_iter={self.max_iter}, "
                f"max_fun={self.max_fun}) or scale the data, e.g. with StandardScaler.",
                ConvergenceWarning,
            )

    def _run_stochastic(self, network, loss, encoder, X, Y, y, sample_weight, state, rng,
                        incremental, unchanged, callbacks=None):
        if not incremental or state.optimizer is None:
            state.optimizer, state.schedule = self._new_optimizer(network)
        validation_score = None
        if self.early_stopping:
            X, Y, sample_weight, validation_score = self._split_validation(
                network, encoder, X, Y, y, sample_weight, rng)
        trainer = training.StochasticTrainer(
            network, loss, batch_size=self._batch_size(X.shape[0]), max_iter=self.max_iter,
            shuffle=self.shuffle, tol=self.tol, n_iter_no_change=self.n_iter_no_change,
            alpha=self.alpha, verbose=bool(self.verbose), corrupt_inputs=self._input_corruption(),
            callbacks=callbacks,
        )
        outcome = trainer.run(X, Y, sample_weight, state, rng, validation_score,
                              one_epoch=incremental)
        if outcome == training.DIVERGED:
            raise ValueError(self._diverged_message(state) + unchanged)
        if outcome == training.DIVERGED_RESTORED:
            best = int(np.nanargmax(state.validation_scores)) + 1
            warnings.warn(
                f"The loss became non-finite at epoch {state.n_iter}; the parameters of epoch "
                f"{best}, the best validation score, were restored. Lower learning_rate_init "
                f"(now {self.learning_rate_init}) or scale X, e.g. with StandardScaler.",
                RuntimeWarning,
            )
        elif outcome == training.INTERRUPTED:
            warnings.warn("Training interrupted by user.")
        elif outcome == training.MAX_ITER:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
            )

    def _diverged_message(self, state):
        return (
            "Solver produced non-finite parameter weights. The input data may contain large "
            f"values and need to be preprocessed. The loss became {state.loss} at epoch "
            f"{state.n_iter} (solver={self.solver!r}); lower learning_rate_init (now "
            f"{self.learning_rate_init}) or scale X, e.g. with StandardScaler in a Pipeline."
        )

    def _input_corruption(self):
        """``f(X_batch, rng)`` corrupting training inputs (not targets), or None."""
        return None

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"Got `batch_size` less than 1 or larger than sample size. It is going to be "
                f"clipped to {n_samples}."
            )
        return max(1, min(self.batch_size, n_samples))

    def _split_validation(self, network, encoder, X, Y, y, sample_weight, rng):
        """Hold out ``validation_fraction`` of the data; return it as a scoring closure."""
        stratify = self._stratify(y)
        train, val = train_test_split(
            np.arange(X.shape[0]), test_size=self.validation_fraction, random_state=rng,
            stratify=stratify,
        )
        if val.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or the size "
                "of your dataset."
            )
        sw_train = None if sample_weight is None else sample_weight[train]
        sw_val = None if sample_weight is None else sample_weight[val]
        X_val, y_val = X[val], y[val]

        def validation_score():
            P = network.predict(X_val)
            if not np.isfinite(P).all():
                return math.nan
            return self._score_function(y_val, encoder.inverse_transform(P), sample_weight=sw_val)

        return X[train], Y[train], sw_train, validation_score

    def _stratify(self, y):
        return None

    def _commit(self, encoder, network, state):
        """Publish the fitted model under the attribute names of scikit-learn's MLP."""
        self._target_encoder = encoder
        self.network_ = network
        self._state = state
        self.n_layers_ = len(network.layer_sizes)
        self.n_outputs_ = network.layer_sizes[-1]
        self.out_activation_ = network.output_activation
        self.n_iter_ = state.n_iter
        self.t_ = state.t
        self.loss_ = state.loss
        self.loss_curve_ = state.loss_curve
        early = self.solver in _STOCHASTIC_SOLVERS and self.early_stopping
        self.best_loss_ = None if early else state.best_loss
        self.validation_scores_ = state.validation_scores
        self.best_validation_score_ = state.best_validation_score

    # --- prediction ---------------------------------------------------------------

    def _validated_input(self, X):
        """``X`` checked against the fit and cast to the network's dtype."""
        X = validate_data(self, X, accept_sparse=["csr", "csc"], reset=False,
                          dtype=(np.float64, np.float32))
        return X.astype(self.network_.dtype, copy=False)

    def _network_output(self, X):
        """Validate ``X`` and return the network's outputs (after the output link)."""
        return in_chunks(self._validated_input(X), self.network_.predict)

    def _check_solver(self):
        if self.solver not in _STOCHASTIC_SOLVERS:
            raise AttributeError(
                f"partial_fit is only available for stochastic optimizers. {self.solver} is "
                "not stochastic. Use solver='adam' or 'sgd'."
            )
        return True

    # --- persistence ----------------------------------------------------------------

    def __getstate__(self):
        # scikit-learn records its own version for its estimators only.
        return dict(super().__getstate__(), _sk_ann_version=__version__)

    def __setstate__(self, state):
        state = dict(state)
        saved_with = state.pop("_sk_ann_version", "unknown")
        if saved_with != __version__:
            warnings.warn(InconsistentVersionWarning(
                estimator_name=type(self).__name__, current_version=__version__,
                original_version=saved_with,
            ))
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
