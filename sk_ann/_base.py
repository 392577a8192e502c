"""BaseANN: the parameters, checks and the fit / partial_fit driver both estimators share."""

import copy
import inspect
import math
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import check_scoring
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from . import __version__
from ._advice import training_hint
from ._architecture import ArchitectureMixin
from ._callbacks import CallbackSupport
from ._validation import (
    Interval,
    OneOf,
    any_of,
    as_network_dtype,
    check_sample_weight,
    is_activation,
    is_batch_norm,
    is_bool,
    is_dropout,
    is_float_dtype_or_none,
    is_hidden_layer_sizes,
    is_infinity,
    is_input_shape,
    is_none,
    is_random_state,
    is_scoring,
    is_verbose,
    validate_params,
)
from .core import training
from .core.initializers import INITIALIZERS
from .core.losses import get_loss
from .core.optimizers import OPTIMIZERS
from .core.schedules import LearningRateSchedule

_STOCHASTIC_SOLVERS = tuple(OPTIMIZERS)
# Rows per forward pass at predict time: keeps memory bounded on very large X.
_PREDICT_CHUNK = 20_000


def in_chunks(X, fn):
    """``fn(X)``, computed on blocks of rows so that memory stays bounded on large ``X``."""
    if X.shape[0] <= _PREDICT_CHUNK:
        return fn(X)
    return np.concatenate([
        fn(X[start:start + _PREDICT_CHUNK]) for start in range(0, X.shape[0], _PREDICT_CHUNK)
    ])


class NonFiniteOutputError(ValueError):
    """The network's outputs overflowed to NaN or infinity on the X it was given.

    Raised by ``predict`` and its kin instead of returning NaN: ``X`` holds values
    far beyond the scale of the training data, or training made the weights too
    large. A ``ValueError``, so ``except ValueError`` catches it.

    Examples
    --------
    >>> import numpy as np
    >>> from sk_ann import ANNRegressor, NonFiniteOutputError
    >>> X = np.random.default_rng(0).normal(size=(50, 10))
    >>> model = ANNRegressor((16,), max_iter=5, random_state=0).fit(X, X[:, 0])
    >>> try:
    ...     model.predict(np.full((1, 10), 1e308))
    ... except NonFiniteOutputError as error:
    ...     print(str(error)[:45])
    The network's outputs overflowed to NaN or in
    """


def finite_outputs(X, fn):
    """``in_chunks(X, fn)`` for a fitted network, refused where it overflowed on ``X``.

    Finite parameters can still overflow on inputs far larger than the training
    data, or when the last training step made them huge; the error says so
    rather than returning NaN.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        out = in_chunks(X, fn)
    if not np.isfinite(out).all():
        raise NonFiniteOutputError(
            "The network's outputs overflowed to NaN or infinity on X. Either X has values "
            "far larger than the data the network was trained on (scale X as the training "
            "data was scaled, e.g. with the same StandardScaler in a Pipeline), or training "
            "made the weights too large (refit with a lower learning_rate_init, on scaled "
            "data)."
        )
    return out


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


def _validation_arguments(X_val, y_val, sample_weight_val):
    """``(X_val, y_val, sample_weight_val)``, or None when no validation data is given."""
    if X_val is None:
        if y_val is not None or sample_weight_val is not None:
            raise ValueError(
                "y_val and sample_weight_val need X_val: pass X_val and y_val together."
            )
        return None
    if y_val is None:
        raise ValueError("X_val needs y_val: pass the validation targets too.")
    return X_val, y_val, sample_weight_val


class BaseANN(ArchitectureMixin, CallbackSupport, BaseEstimator):
    """Shared machinery of ANNClassifier and ANNRegressor; not for direct use."""

    _parameter_constraints = {
        "hidden_layer_sizes": is_hidden_layer_sizes,
        "activation": is_activation,
        "solver": OneOf("lbfgs", *_STOCHASTIC_SOLVERS),
        "alpha": Interval(Real, 0, None, "left"),
        "batch_size": any_of(OneOf("auto"), Interval(Integral, 1, None, "left")),
        "learning_rate": OneOf(*LearningRateSchedule.KINDS),
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
        "dropout": is_dropout,
        "alpha_l1": Interval(Real, 0, None, "left"),
        "max_grad_norm": any_of(is_none, Interval(Real, 0, None, "neither")),
        "scoring": is_scoring,
        "batch_norm": is_batch_norm,
        "weight_init": OneOf("auto", *INITIALIZERS),
        "weight_decay": Interval(Real, 0, None, "left"),
        "warmup_epochs": Interval(Integral, 0, None, "left"),
        "input_shape": is_input_shape,
    }

    # --- fitted attributes derived from the network -------------------------------

    @property
    def coefs_(self):
        """Weight arrays, one per layer with weights: for dense layers as in MLP,
        ``coefs_[i][j, k]`` links neuron j of layer i to neuron k of layer i + 1; for a
        convolution, ``(*kernel_size, in_channels, filters)``; for a recurrent layer its
        input weights ``W`` (its recurrent weights are ``recurrent_weights`` of its layer in
        ``network_.layers``). Views of ``network_``'s parameters. Pooling and flattening
        layers have none; ``Bidirectional`` and attention layers hold several weight
        matrices and are left out too: read them from their layers in ``network_.layers``."""
        check_is_fitted(self)
        return [layer.weights for layer in self.network_.layers if hasattr(layer, "weights")]

    @property
    def intercepts_(self):
        """Bias vectors, one per layer with weights (one bias per neuron or filter); views
        of ``network_``'s parameters."""
        check_is_fitted(self)
        return [layer.bias for layer in self.network_.layers if hasattr(layer, "bias")]

    # --- fitting ------------------------------------------------------------------

    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None, X_val=None,
             y_val=None, sample_weight_val=None):
        validate_params(self, self._parameter_constraints)
        if incremental and self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True; set early_stopping=False "
                "or use fit."
            )
        validation = _validation_arguments(X_val, y_val, sample_weight_val)
        if validation is not None and self.solver == "lbfgs":
            raise ValueError(
                "X_val is scored after every epoch of a stochastic solver; solver='lbfgs' "
                "has no epochs. Use solver='adam', 'sgd', 'rmsprop' or 'adamw', or leave "
                "X_val out."
            )
        if self._option("dropout", 0.0) and self.solver == "lbfgs":
            raise ValueError(
                "dropout draws new masks for every minibatch, which needs a stochastic "
                "solver ('adam', 'sgd', 'rmsprop' or 'adamw'), not 'lbfgs'. Change the "
                "solver or set dropout=0."
            )
        first_pass = not hasattr(self, "network_") or (not self.warm_start and not incremental)
        # A fit is a transaction: the estimator changes only if the whole fit succeeds.
        before = dict(vars(self))
        try:
            # Callbacks are torn down before a rollback, which would drop their context.
            self._with_callback_teardown(self._fit_transaction, X, y, sample_weight,
                                         incremental, first_pass, classes, validation)
        except BaseException:
            vars(self).clear()
            vars(self).update(before)
            raise
        return self

    def _validate_training_data(self, X, y, first_pass):
        """Checked ``X`` (float32 or float64) and ``y`` with a lone column made 1-D."""
        X, y = validate_data(
            self, self._as_rows(X), y, accept_sparse=["csr", "csc"], multi_output=True,
            dtype=(np.float64, np.float32), reset=first_pass, **self._y_validation(),
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return self._densified(X), y

    def _option(self, name, default):
        """A parameter some estimators lack (the autoencoder has no class weights)."""
        return getattr(self, name, default)

    def _fit_transaction(self, X, y, sample_weight, incremental, first_pass, classes,
                         validation):
        X, y = self._validate_training_data(X, y, first_pass)
        if first_pass:
            encoder = self._new_target_encoder(y, classes)
            dtype = X.dtype if self.dtype is None else np.dtype(self.dtype)
        else:
            encoder = self._target_encoder
            self._check_target_compatible(encoder, y, incremental)
            dtype = self.network_.dtype
        X = as_network_dtype(X, dtype, "X")
        Y = encoder.transform(y, dtype)
        sample_weight = check_sample_weight(sample_weight, X.shape[0], dtype)
        sample_weight = self._with_class_weights(sample_weight, encoder, y, incremental, dtype)
        if validation is not None:
            validation = self._validation_set(encoder, *validation, dtype)
        rng = check_random_state(self.random_state)
        loss = self._loss(encoder)
        if first_pass:
            network = self._new_network(X.shape[1], Y.shape[1], loss, dtype, rng)
            state = training.TrainingState()
        else:
            self._check_same_network(Y.shape[1])
            network, state = copy.deepcopy((self.network_, self._state))
            self._update_dropout(network)
        def unchanged():
            # Said when training diverges: the likeliest cause in the data (a few thousand
            # rows read, only then), then that a failed warm_start or partial_fit keeps the
            # old model.
            return training_hint(self, X, Y) + (
                "" if first_pass else " The model fitted before this call is unchanged.")
        with self._callback_session(X, y, sample_weight, encoder, network, state,
                                    incremental=incremental) as callbacks:
            if self.solver == "lbfgs":
                self._run_lbfgs(network, loss, X, Y, sample_weight, state, unchanged)
            else:
                self._run_stochastic(network, loss, encoder, X, Y, y, sample_weight, state,
                                     rng, incremental, unchanged, callbacks, validation)
        if not np.isfinite(network.params).all():
            raise ValueError(self._diverged_message(state) + unchanged())
        self._commit(encoder, network, state)

    def _loss(self, encoder):
        return get_loss(encoder.loss, **encoder.loss_params)

    def _new_optimizer(self, network):
        n, lr, dtype = network.n_params, self.learning_rate_init, network.dtype
        adam = {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
        options = {
            "sgd": {"momentum": self.momentum, "nesterov": self.nesterovs_momentum},
            "adam": adam,
            "adamw": {**adam, "weight_decay": self._option("weight_decay", 0.01),
                      "n_decayed": network.n_weights},
            # RMSprop's decay of the squared gradients is MLP's beta_2.
            "rmsprop": {"rho": self.beta_2, "epsilon": self.epsilon},
        }[self.solver]
        optimizer = OPTIMIZERS[self.solver](n, lr, dtype=dtype, **options)
        # Unlike scikit-learn's MLP, whose Adam ignores learning_rate, every
        # stochastic solver follows the schedule; the default, 'constant', is
        # what MLP's Adam does.
        schedule = LearningRateSchedule(
            self.learning_rate, lr, self.power_t, max_epochs=self.max_iter,
            warmup_epochs=self._option("warmup_epochs", 0),
        )
        return optimizer, schedule

    def _run_lbfgs(self, network, loss, X, Y, sample_weight, state, unchanged):
        result = training.fit_lbfgs(
            network, loss, X, Y, sample_weight, alpha=self.alpha,
            l1=self._option("alpha_l1", 0.0), max_iter=self.max_iter,
            max_fun=self.max_fun, tol=self.tol, verbose=bool(self.verbose),
        )
        state.n_iter = min(result.n_iter, self.max_iter)
        state.loss = result.loss
        state.loss_curve = state.loss_curve + result.loss_curve
        state.best_loss = min(state.loss_curve, default=result.loss)
        if not math.isfinite(result.loss):
            raise ValueError(self._diverged_message(state) + unchanged())
        if not result.converged:
            warnings.warn(
                f"lbfgs failed to converge after {state.n_iter} iteration(s): "
                f"{result.message}. Increase the number of iterations (max_iter={self.max_iter}, "
                f"max_fun={self.max_fun}) or scale the data, e.g. with StandardScaler."
                f"{training_hint(self, X, Y, state)}",
                ConvergenceWarning,
            )

    def _run_stochastic(self, network, loss, encoder, X, Y, y, sample_weight, state, rng,
                        incremental, unchanged, callbacks=None, validation=None):
        if not incremental or state.optimizer is None:
            state.optimizer, state.schedule = self._new_optimizer(network)
        score = validation_loss = None
        if validation is None and self.early_stopping:
            train, validation = self._split_validation(X, Y, y, sample_weight, rng, encoder)
            X, Y, sample_weight = train
        if validation is not None:
            score, validation_loss = self._validation_monitor(network, loss, encoder, validation)
        trainer = training.StochasticTrainer(
            network, loss, batch_size=self._batch_size(X.shape[0]), max_iter=self.max_iter,
            shuffle=self.shuffle, tol=self.tol, n_iter_no_change=self.n_iter_no_change,
            alpha=self.alpha, l1=self._option("alpha_l1", 0.0),
            max_grad_norm=self._option("max_grad_norm", None), verbose=bool(self.verbose),
            corrupt_inputs=self._input_corruption(), callbacks=callbacks,
        )
        outcome = trainer.run(X, Y, sample_weight, state, rng, score, one_epoch=incremental,
                              validation_loss=validation_loss,
                              early_stopping=self.early_stopping and not incremental)
        if outcome == training.DIVERGED:
            raise ValueError(self._diverged_message(state) + unchanged())
        # Each epoch's loss is taken before its steps, so a last step that made the
        # weights huge goes unseen; one batch of outputs shows it at little cost.
        with np.errstate(over="ignore", invalid="ignore"):
            first_batch = network.predict(X[:trainer.batch_size])
        if np.isfinite(network.params).all() and not np.isfinite(first_batch).all():
            raise ValueError(
                "Training made the weights so large that the network's outputs on the "
                f"training data overflowed after epoch {state.n_iter} "
                f"(solver={self.solver!r}); {self._divergence_remedy()}{unchanged()}"
            )
        if outcome == training.DIVERGED_RESTORED:
            best = int(np.nanargmax(state.validation_scores)) + 1
            warnings.warn(
                f"The loss became non-finite at epoch {state.n_iter}; the parameters of epoch "
                f"{best}, the best validation score, were restored. Lower learning_rate_init "
                f"(now {self.learning_rate_init}) or scale X, e.g. with StandardScaler.",
                RuntimeWarning,
            )
        elif outcome == training.STOPPED and self.verbose:
            print("Training stopped by a callback.")
        elif outcome == training.INTERRUPTED:
            warnings.warn("Training interrupted by user.")
        elif outcome == training.MAX_ITER:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached and the "
                f"optimization hasn't converged yet.{training_hint(self, X, Y, state)}",
                ConvergenceWarning,
            )

    def _diverged_message(self, state):
        when = "iteration" if self.solver == "lbfgs" else "epoch"
        if state.loss is not None and math.isfinite(state.loss):
            # The loss is taken before each step: the last step overflowed.
            what = f"The parameters became non-finite at {when} {state.n_iter}"
        else:
            what = f"The loss became {state.loss} at {when} {state.n_iter}"
        return (
            "Solver produced non-finite parameter weights. The input data may contain large "
            f"values and need to be preprocessed. {what} (solver={self.solver!r}); "
            f"{self._divergence_remedy()}"
        )

    def _divergence_remedy(self):
        remedy = "scale X, e.g. with StandardScaler in a Pipeline."
        if self.solver != "lbfgs":  # L-BFGS has no learning rate: it picks its own steps
            remedy = f"lower learning_rate_init (now {self.learning_rate_init}) or " + remedy
        return remedy

    def _with_class_weights(self, sample_weight, encoder, y, incremental, dtype):
        """``sample_weight`` times the weights of the samples' classes (classifiers)."""
        return sample_weight

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

    def _split_validation(self, X, Y, y, sample_weight, rng, encoder):
        """Hold out ``validation_fraction`` of the data (stratified for classes).

        Returns ``(X, Y, sample_weight)`` to train on and ``(X, y, Y,
        sample_weight)`` held out; the sample weights stay with their rows.
        """
        n_samples = X.shape[0]
        # train_test_split's rounding, checked here so that the error names sk_ann's
        # parameter rather than train_test_split's test_size.
        n_val = math.ceil(self.validation_fraction * n_samples)
        if n_val < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or the size "
                f"of your dataset: early_stopping holds out validation_fraction="
                f"{self.validation_fraction} of {n_samples} samples, {n_val} of them, and needs "
                "at least 2. Or pass X_val and y_val."
            )
        if n_val == n_samples:
            raise ValueError(
                f"early_stopping holds out validation_fraction={self.validation_fraction} of "
                f"{n_samples} samples, which leaves none to train on. Lower "
                "'validation_fraction', pass more samples, or pass X_val and y_val."
            )
        stratify = self._stratify(y, encoder)
        if stratify is not None and min(n_val, n_samples - n_val) < len(np.unique(stratify)):
            stratify = None  # no room for every class on both sides: left to chance
        train, val = train_test_split(
            np.arange(n_samples), test_size=n_val, random_state=rng, stratify=stratify,
        )
        if sample_weight is not None:
            for part, rows in (("training", train), ("validation", val)):
                if not sample_weight[rows].any():
                    raise ValueError(
                        f"The {part} part of early_stopping's split holds only samples whose "
                        "sample_weight is 0, so there is nothing to learn or to score. Give "
                        "more samples a positive weight, change validation_fraction or "
                        "random_state, or pass X_val and y_val."
                    )
        sw_train = None if sample_weight is None else sample_weight[train]
        sw_val = None if sample_weight is None else sample_weight[val]
        return (X[train], Y[train], sw_train), (X[val], y[val], Y[val], sw_val)

    def _validation_set(self, encoder, X_val, y_val, sample_weight_val, dtype):
        """The user's ``X_val, y_val, sample_weight_val`` checked against the training data.

        The checks are those of the training data, whose messages speak of X, y and
        sample_weight: they are prefixed to say that the validation data is meant.
        """
        try:
            return self._checked_validation_set(encoder, X_val, y_val, sample_weight_val,
                                                dtype)
        except (ValueError, TypeError) as error:
            kind = ValueError if isinstance(error, ValueError) else TypeError
            raise kind(
                f"Invalid validation data (X_val, y_val, sample_weight_val): {error}"
            ) from error

    def _checked_validation_set(self, encoder, X_val, y_val, sample_weight_val, dtype):
        X_val, y_val = self._validate_training_data(X_val, y_val, first_pass=False)
        if X_val.shape[0] < 2:
            # R² is undefined on one sample: every epoch would score NaN (and warn).
            raise ValueError(
                f"X_val has {X_val.shape[0]} row; the validation score needs at least 2, as "
                "early_stopping's own split does. Pass more validation rows."
            )
        X_val = as_network_dtype(X_val, dtype, "X_val")
        if y_val.shape[0] != X_val.shape[0]:
            raise ValueError(
                f"X_val has {X_val.shape[0]} rows and y_val {y_val.shape[0]}; pass one target "
                "per row of X_val."
            )
        self._check_validation_target(encoder, y_val)
        Y_val = encoder.transform(y_val, dtype)
        if Y_val.shape[1] != encoder.n_outputs:
            raise ValueError(
                f"y_val has {Y_val.shape[1]} target columns where y has {encoder.n_outputs}; "
                "give the validation targets the shape of the training targets."
            )
        sw_val = check_sample_weight(sample_weight_val, X_val.shape[0], dtype)
        return X_val, y_val, Y_val, sw_val

    def _check_validation_target(self, encoder, y_val):
        """Refuse validation targets the network cannot score (unseen classes...)."""
        self._check_target_compatible(encoder, y_val, incremental=True)

    def _validation_monitor(self, network, loss, encoder, validation):
        """Closures giving the held-out score (higher is better) and loss after an epoch."""
        X_val, y_val, Y_val, sw_val = validation
        scoring = self._option("scoring", None)

        def validation_loss():
            raw = in_chunks(X_val, network.forward)
            return loss.loss(Y_val, raw, sw_val)

        if scoring == "loss":
            def score():
                return -validation_loss()
        elif scoring is None:
            def score():
                P = network.predict(X_val)
                if not np.isfinite(P).all():
                    return math.nan
                return self._score_function(y_val, encoder.inverse_transform(P),
                                            sample_weight=sw_val)
        else:
            scorer = check_scoring(self, scoring)
            state = training.TrainingState()

            def score():
                # The scorer calls predict on an estimator: a copy showing the
                # network as it is now, leaving this one untouched mid-fit.
                current = copy.copy(self)
                current._commit(encoder, network, state)
                kwargs = {} if sw_val is None else {"sample_weight": sw_val}
                try:
                    with warnings.catch_warnings():
                        # X_val, feature names included, was checked before training;
                        # the scorer gets it as an array, which would warn every epoch.
                        warnings.filterwarnings(
                            "ignore", message="X does not have valid feature names")
                        return float(scorer(current, X_val, y_val, **kwargs))
                except NonFiniteOutputError:
                    return math.nan  # diverged: the trainer says so
                except (ValueError, TypeError) as error:
                    kind = ValueError if isinstance(error, ValueError) else TypeError
                    raise kind(
                        f"scoring={scoring!r} failed on the validation data: {error}"
                    ) from error

        return score, validation_loss

    def _stratify(self, y, encoder):
        return None

    def _commit(self, encoder, network, state):
        """Publish the fitted model under the attribute names of scikit-learn's MLP."""
        self._target_encoder = encoder
        self.network_ = network
        self._state = state
        self.n_layers_ = len(network.layers) + 1
        self.n_outputs_ = network.output_shape[0]
        self.out_activation_ = network.output_activation
        self.n_iter_ = state.n_iter
        self.t_ = state.t
        self.loss_ = state.loss
        self.loss_curve_ = state.loss_curve
        early = self.solver in _STOCHASTIC_SOLVERS and self.early_stopping
        self.best_loss_ = None if early else state.best_loss
        self.validation_scores_ = state.validation_scores
        self.validation_loss_curve_ = state.validation_loss_curve
        self.best_validation_score_ = state.best_validation_score

    # --- prediction ---------------------------------------------------------------

    def _validated_input(self, X):
        """``X`` checked against the fit and cast to the network's dtype."""
        X = validate_data(self, self._as_rows(X, fitted=True), accept_sparse=["csr", "csc"],
                          reset=False, dtype=(np.float64, np.float32))
        return as_network_dtype(self._densified(X, fitted=True), self.network_.dtype, "X")

    def _network_output(self, X):
        """Validate ``X`` and return the network's outputs (after the output link)."""
        return finite_outputs(self._validated_input(X), self.network_.predict)

    def _check_solver(self):
        if self.solver not in _STOCHASTIC_SOLVERS:
            raise AttributeError(
                f"partial_fit is only available for stochastic optimizers. {self.solver} is "
                "not stochastic. Use solver='adam', 'sgd', 'rmsprop' or 'adamw'."
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
            # Parameters added since that version take their defaults, which
            # reproduce what the older version did.
            for name, param in inspect.signature(type(self)).parameters.items():
                state.setdefault(name, param.default)
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
