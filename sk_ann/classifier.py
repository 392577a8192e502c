"""ANNClassifier: a neural-network classifier, a drop-in peer of MLPClassifier."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from ._base import BaseANN
from ._docstrings import EXTRA_PARAMETERS, SHARED_ATTRIBUTES, SHARED_PARAMETERS
from ._targets import class_sample_weight, class_target
from ._validation import as_network_dtype, is_bool


def _is_class_weight(value):
    return value is None or value == "balanced" or isinstance(value, (dict, list))


_is_class_weight.description = (
    "None, 'balanced', a dict {class label: weight}, or for several outputs a list of them"
)


def _is_multilabel_option(value):
    return value == "auto" or is_bool(value)


_is_multilabel_option.description = "'auto', True or False"


def _accuracy(y_true, y_pred, sample_weight=None):
    """``accuracy_score``, and for several label columns the share of rows right in every
    column, as ``MultiOutputClassifier.score``."""
    y_true = np.asarray(y_true)
    kind = type_of_target(y_true)
    # accuracy_score refuses both several label columns and labels that are numbers in an
    # object array (type "unknown"), which the classifier learns.
    if kind == "multiclass-multioutput" or (kind == "unknown" and y_true.ndim in (1, 2)):
        check_consistent_length(y_true, y_pred, sample_weight)
        right = y_true == np.asarray(y_pred)
        return float(np.average(right if right.ndim == 1 else right.all(axis=1),
                                weights=sample_weight))
    return accuracy_score(y_true, y_pred, sample_weight=sample_weight)


class ANNClassifier(ClassifierMixin, BaseANN):
    _parameter_constraints = {
        **BaseANN._parameter_constraints,
        "class_weight": _is_class_weight,
        "multilabel": _is_multilabel_option,
    }
    _score_function = staticmethod(_accuracy)

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
        class_weight=None,
        multilabel="auto",
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
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.alpha_l1 = alpha_l1
        self.max_grad_norm = max_grad_norm
        self.weight_init = weight_init
        self.weight_decay = weight_decay
        self.warmup_epochs = warmup_epochs
        self.scoring = scoring
        self.input_shape = input_shape
        self.class_weight = class_weight
        self.multilabel = multilabel

    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Fit the network to data ``X`` and class labels ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. With ``dtype=None``, float32 data trains in float32,
            anything else in float64.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels of any type, or a multilabel indicator matrix.
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
            Validation labels, of the training labels' kind; classes not seen in
            training are refused.
        sample_weight_val : array-like of shape (n_val_samples,), default=None
            Weights of the validation samples in the score and the loss.

        Returns
        -------
        self : ANNClassifier
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, X_val=X_val, y_val=y_val,
                         sample_weight_val=sample_weight_val)

    @available_if(lambda est: est._check_solver())
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Train one epoch on the batch ``(X, y)``, keeping what was learnt before.

        Only with the stochastic solvers ``'sgd'``, ``'adam'``, ``'rmsprop'`` and
        ``'adamw'``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A batch of training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Its class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the loss.
        classes : array-like of shape (n_classes,), default=None
            Every class of the whole data set, e.g. ``np.unique(y_all)``.
            Required on the first call; on later calls it may be passed again
            (unchanged) or left out. Not needed for multilabel targets.

        Returns
        -------
        self : ANNClassifier
            The updated estimator.
        """
        fitted = hasattr(self, "network_")
        if classes is None and not fitted and not _is_indicator(y):
            raise ValueError(
                "classes must be passed on the first call to partial_fit, e.g. "
                "classes=np.unique(y_all) with every label of the whole data set (for "
                "several label columns, a list of one such array per column)."
            )
        if classes is not None and fitted and not _same_classes(classes, self.classes_):
            raise ValueError(
                f"`classes={classes!r}` is not the same as on last call to "
                f"partial_fit, was: {self.classes_!r}. Pass the same classes on every call."
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _y_validation(self):
        return {}

    def _new_target_encoder(self, y, classes):
        return class_target(y, classes, multilabel=self.multilabel)

    def _check_target_compatible(self, encoder, y, incremental):
        encoder.check_labels(y, same_classes=not incremental)

    def _with_class_weights(self, sample_weight, encoder, y, incremental, dtype):
        if self.class_weight is None:
            return sample_weight
        if incremental and isinstance(self.class_weight, str):
            raise ValueError(
                "class_weight='balanced' needs every label at once, which partial_fit does "
                "not see. Pass a dict instead, e.g. dict(zip(classes, "
                "sklearn.utils.class_weight.compute_class_weight('balanced', classes=classes, "
                "y=y_all)))."
            )
        weights = as_network_dtype(class_sample_weight(self.class_weight, y, encoder), dtype,
                                   "class_weight")
        return weights if sample_weight is None else sample_weight * weights

    def _commit(self, encoder, network, state):
        super()._commit(encoder, network, state)
        self.classes_ = encoder.classes_

    def _stratify(self, y, encoder):
        if encoder.target_type == "one-hot":
            y = y.argmax(axis=1)
        if y.ndim != 1:
            return None
        _, counts = np.unique(y, return_counts=True)
        # Stratifying needs two samples of every class; a class with fewer is
        # left to chance rather than refused.
        return y if len(counts) > 1 and counts.min() >= 2 else None

    def score(self, X, y, sample_weight=None):
        """Accuracy of ``predict(X)`` against ``y``.

        For several label columns, the share of samples whose every column is
        right, as ``sklearn.multioutput.MultiOutputClassifier`` scores.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample.

        Returns
        -------
        score : float
            The accuracy.
        """
        return _accuracy(y, self.predict(X), sample_weight=sample_weight)

    def predict(self, X):
        """Predict class labels for ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            The predicted labels, of the type of the training labels.
        """
        check_is_fitted(self)
        return self._target_encoder.inverse_transform(self._network_output(X))

    def predict_proba(self, X):
        """Probability of each class for each sample of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``; for multilabel targets, the
            probability of each label independently.
        """
        check_is_fitted(self)
        return self._target_encoder.probabilities(self._network_output(X))

    def predict_log_proba(self, X):
        """Logarithm of ``predict_proba(X)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        check_is_fitted(self)
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            if isinstance(proba, list):
                return [np.log(p) for p in proba]
            return np.log(proba, out=proba)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


def _is_indicator(y):
    """Whether ``y`` is a 0/1 indicator matrix, whose classes are its columns."""
    if np.ndim(y) != 2 or np.shape(y)[1] < 2:
        return False
    try:
        return type_of_target(y) == "multilabel-indicator"
    except ValueError:
        return False


def _same_classes(a, b):
    if isinstance(b, list):
        return (isinstance(a, (list, tuple)) and len(a) == len(b)
                and all(_same_classes(x, y) for x, y in zip(a, b)))
    a = np.asarray(a)
    return a.shape == b.shape and bool(np.all(np.sort(a) == b))


ANNClassifier.__doc__ = f"""A neural-network classifier, a drop-in peer of ``MLPClassifier``.

    A network of layers of neurons trained on the log loss: one logistic output
    neuron for binary labels, a softmax over one neuron per class for multiclass
    labels and for one-hot rows, one logistic neuron per label for multilabel
    indicator matrices, and one softmax per column for several label columns
    (multiclass-multioutput), all in one network. Every parameter of
    scikit-learn's ``MLPClassifier`` is here with the same name, default and
    meaning, and so is every fitted attribute; the parameters after ``dtype``
    are sk_ann's own.

    Parameters
    ----------{SHARED_PARAMETERS}
{EXTRA_PARAMETERS}

    class_weight : dict, list of dict, 'balanced' or None, default=None
        Weight of each class in the loss, multiplied into ``sample_weight``:
        a dict ``{{label: weight}}`` (classes left out weigh 1), or
        ``'balanced'``, ``n_samples / (n_classes * np.bincount(y))``. For
        several label columns (multilabel, multiclass-multioutput), a list of
        one such dict per column, or ``'balanced'`` for all; multilabel
        columns have the labels 0 and 1. The early-stopping split keeps the
        weights of its samples. ``partial_fit`` takes a dict, not
        ``'balanced'``.

    multilabel : {{'auto', True, False}}, default='auto'
        How a 0/1 indicator matrix ``y`` is read. ``'auto'``: when every row
        has exactly one 1 it is one categorical target in one-hot form
        (softmax; ``predict`` returns one-hot rows), otherwise a multilabel
        target (one logistic output per column). True: always multilabel, as
        scikit-learn's MLP reads it. False: always one-hot, refusing rows
        that are not.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,) or list of ndarray
        Class labels, in the order of ``predict_proba``'s columns (column
        indices for indicator targets); for several label columns, a list of
        one such array per column.
{SHARED_ATTRIBUTES}

    See Also
    --------
    ANNRegressor : The same network for continuous targets.
    sklearn.neural_network.MLPClassifier : The estimator this one can replace.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sk_ann import ANNClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(),
    ...                       ANNClassifier(solver="lbfgs", random_state=0)).fit(X, y)
    >>> model.score(X, y) > 0.95
    True
    >>> net = model[-1].network_
    >>> net.layers[0].neurons[0].weights.shape
    (4,)
    """
