"""Target encoders: the user's ``y`` to the network's 2-D float targets, and back.

Each encoder knows which loss (and so which output link) its targets call for:

======================  ===================  =====================  ==============
target                  network outputs      loss                   output link
======================  ===================  =====================  ==============
continuous (1-D, 2-D)   one per column       squared error/Poisson  identity/exp
binary                  one                  binary log loss        logistic
multiclass              one per class        log loss (one-hot)     softmax
one-hot indicator       one per column       log loss               softmax
multilabel indicator    one per label        binary log loss        logistic
multiclass-multioutput  one per class of     log loss summed over   softmax per
                        each column          the columns            column
======================  ===================  =====================  ==============

An encoder gives the loss as ``get_loss(encoder.loss, **encoder.loss_params)``
and the size of the output layer as ``encoder.n_outputs``.
"""

from collections.abc import Mapping
from numbers import Real

import numpy as np
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import type_of_target

from ._validation import as_network_dtype


class ContinuousTarget:
    """Real-valued targets, one network output per column of ``y``."""

    def __init__(self, loss="squared_error"):
        self.loss = loss

    def fit(self, y):
        self.n_outputs = 1 if y.ndim == 1 else y.shape[1]
        return self

    @property
    def loss_params(self):
        """Extra keyword arguments of ``get_loss``: none."""
        return {}

    def transform(self, y, dtype):
        y = np.asarray(y)
        if y.dtype.kind in "US":  # validate_data converts object arrays, not strings
            try:
                y = y.astype(np.float64)
            except ValueError:
                raise ValueError(
                    f"y must hold numbers for a regressor, got strings such as "
                    f"{str(y.flat[0])!r}. To predict class labels, use ANNClassifier."
                ) from None
        if self.loss == "poisson" and (y < 0).any():
            raise ValueError(
                f"loss='poisson' needs y >= 0, got a minimum of {y.min()}; "
                "use loss='squared_error' for targets that can be negative."
            )
        Y = as_network_dtype(y, dtype, "y")
        return Y.reshape(-1, 1) if Y.ndim == 1 else Y

    def inverse_transform(self, P):
        return P.ravel() if P.shape[1] == 1 else P


_CLASSIFICATION_TARGETS = ("binary", "multiclass", "multilabel-indicator")
_INDICATOR_TYPES = ("one-hot", "multilabel-indicator")


class ClassTarget:
    """Class labels in one column, or a 0/1 indicator matrix.

    A 1-D ``y`` is binary (one logistic output) or multiclass (a softmax over
    one output per class). A 2-D 0/1 ``y`` is either *one-hot*, exactly one 1
    per row and so one class per sample (a softmax over its columns), or
    *multilabel*, any number of labels per sample (one logistic output per
    column).

    Parameters
    ----------
    multilabel : {"auto", True, False}, default="auto"
        How a 2-D 0/1 ``y`` is read. ``"auto"``: one-hot if every row has
        exactly one 1, multilabel otherwise. ``True``: always multilabel, as
        scikit-learn's MLP does. ``False``: always one-hot; a row without
        exactly one 1 is an error. Other targets ignore it.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The sorted labels, or the column indices of an indicator ``y``.
    target_type : str
        ``"binary"``, ``"multiclass"``, ``"one-hot"`` or ``"multilabel-indicator"``.
    """

    def __init__(self, multilabel="auto"):
        self.multilabel = multilabel

    def fit(self, y, classes=None):
        """Learn the labels from ``y``, or from ``classes`` where given (``partial_fit``).

        Parameters
        ----------
        y : ndarray of shape (n_samples,) or (n_samples, n_columns)
            Class labels, or a 0/1 indicator matrix.
        classes : array-like of shape (n_classes,), default=None
            Every class of the whole data set; ``y`` may hold only some of
            them. Ignored for an indicator ``y``, whose classes are its columns.

        Returns
        -------
        self : ClassTarget
            The fitted encoder.
        """
        multilabel = _check_multilabel_option(self.multilabel)
        self.target_type = _classification_type(y)
        if self.target_type == "multilabel-indicator":
            self.target_type = _indicator_type(y, multilabel)
            self.classes_ = np.arange(y.shape[1])
            return self
        self.classes_ = np.unique(y if classes is None else np.asarray(classes))
        self.target_type = "multiclass" if len(self.classes_) > 2 else "binary"
        if classes is not None:
            self._check_known(np.unique(y))
        return self

    @property
    def loss(self):
        """Name of the loss in ``sk_ann.core.losses``: softmax or logistic log loss."""
        if self.target_type in ("multiclass", "one-hot"):
            return "log_loss"
        return "binary_log_loss"

    @property
    def loss_params(self):
        """Extra keyword arguments of ``get_loss``: none."""
        return {}

    @property
    def n_outputs(self):
        """Number of output neurons of the network."""
        return 1 if self.target_type == "binary" else len(self.classes_)

    def check_labels(self, y, same_classes):
        """Refuse a later ``y`` (``warm_start``, ``partial_fit``) this encoder cannot take.

        Parameters
        ----------
        y : ndarray of shape (n_samples,) or (n_samples, n_columns)
            The new labels.
        same_classes : bool
            Whether ``y`` must hold exactly the classes of the fit
            (``warm_start``) rather than any of them (``partial_fit``).

        Raises
        ------
        ValueError
            If ``y`` is another kind of target, has unseen labels, another
            number of columns or, for a one-hot model, rows that are not one-hot.
        """
        target_type = _label_type(y)
        if self.target_type in _INDICATOR_TYPES:
            self._check_indicator(y, target_type)
            return
        if target_type not in ("binary", "multiclass"):
            raise ValueError(
                f"The model was fitted on one column of class labels, y has {y.shape[1]} "
                "columns; use fit (not warm_start or partial_fit) to change the kind of target."
            )
        classes = np.unique(y)
        if same_classes:
            if set(classes) != set(self.classes_):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes as in the "
                    f"previous call to fit. Previously got {self.classes_}, `y` has {classes}. "
                    "Set warm_start=False to fit from scratch."
                )
        else:
            self._check_known(classes)

    def _check_known(self, classes):
        if np.setdiff1d(classes, self.classes_).size:
            raise ValueError(
                f"`y` has classes not in `self.classes_`. `self.classes_` has {self.classes_}. "
                f"'y' has {classes}. Pass every class to the first partial_fit call with "
                "classes=np.unique(y_all)."
            )

    def _check_indicator(self, y, target_type):
        if y.ndim != 2 or y.shape[1] != len(self.classes_):
            raise ValueError(
                f"y has {y.shape[1] if y.ndim == 2 else 1} label columns, the model was fitted "
                f"with {len(self.classes_)}; use fit (not warm_start or partial_fit) to change "
                "them."
            )
        if target_type != "multilabel-indicator":
            raise ValueError(
                f"The model was fitted on a 0/1 indicator y, this y is {target_type}; use fit "
                "(not warm_start or partial_fit) to change the kind of target."
            )
        bad = _rows_not_one_hot(y) if self.target_type == "one-hot" else ()
        if len(bad):
            raise ValueError(
                f"The model was fitted on one-hot y (exactly one 1 per row, one class per "
                f"sample), but {len(bad)} of the {len(y)} rows of this y are not one-hot (the "
                f"first is row {bad[0]}: {np.asarray(y)[bad[0]].tolist()}). Fit with "
                "multilabel=True to learn the columns as independent labels."
            )

    def transform(self, y, dtype):
        """The network's targets: indicator columns, as booleans whatever ``dtype``.

        Booleans take an eighth of the memory of float64, and numpy promotes
        them where they meet the network's floats.

        Parameters
        ----------
        y : ndarray of shape (n_samples,) or (n_samples, n_columns)
            Labels this encoder knows.
        dtype : numpy dtype
            The network's dtype (unused: the targets are booleans).

        Returns
        -------
        Y : ndarray of shape (n_samples, n_outputs), dtype bool
            One column per output neuron.
        """
        if self.target_type in _INDICATOR_TYPES:
            return np.asarray(y) != 0
        codes = np.searchsorted(self.classes_, y)
        if self.target_type == "binary":
            return (codes == 1).reshape(-1, 1)
        Y = np.zeros((len(codes), len(self.classes_)), dtype=bool)
        Y[np.arange(len(codes)), codes] = True
        return Y

    def inverse_transform(self, P):
        """Labels from network outputs: a probability above one half, or the likeliest class.

        Parameters
        ----------
        P : ndarray of shape (n_samples, n_outputs)
            The network's outputs, probabilities after the output link.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_columns)
            Labels of the type of ``classes_``; for an indicator ``y``, an int
            0/1 matrix (for one-hot, a single 1 per row).
        """
        if self.target_type == "multilabel-indicator":
            return (P > 0.5).astype(int)
        if self.target_type == "one-hot":
            Y = np.zeros(P.shape, dtype=int)
            Y[np.arange(len(P)), P.argmax(axis=1)] = 1
            return Y
        if self.target_type != "binary":
            return self.classes_[P.argmax(axis=1)]
        if len(self.classes_) == 1:
            # A single class seen in fit (allowed, as MLP allows it) answers every row.
            return np.repeat(self.classes_, len(P))
        return self.classes_[(P[:, 0] > 0.5).astype(int)]

    def probabilities(self, P):
        """``predict_proba``'s layout: one column per class, in ``classes_`` order.

        Parameters
        ----------
        P : ndarray of shape (n_samples, n_outputs)
            The network's outputs, probabilities after the output link.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            For a multilabel ``y``, the probability of each label on its own.
        """
        if self.target_type != "binary":
            return P
        if len(self.classes_) == 1:
            return np.ones((P.shape[0], 1), dtype=P.dtype)
        return np.hstack([1 - P, P])


class MultiOutputClassTarget:
    """Several columns of class labels (multiclass-multioutput), one softmax per column.

    Column ``k`` of ``y`` gets a block of ``len(classes_[k])`` output neurons
    with a softmax over them; the blocks stand side by side in the output
    layer, and the loss is the log loss summed over the blocks. Labels of any
    type, and a different type per column, are kept.

    Attributes
    ----------
    classes_ : list of ndarray
        The sorted labels of each column of ``y``.
    target_type : str
        ``"multiclass-multioutput"``.
    """

    target_type = "multiclass-multioutput"
    loss = "log_loss"

    def fit(self, y, classes=None):
        """Learn each column's labels from ``y``, or from ``classes`` where given.

        Parameters
        ----------
        y : array-like of shape (n_samples, n_columns)
            Class labels, one column per target.
        classes : list of array-like, default=None
            The labels of each column in the whole data set
            (``partial_fit``), e.g. ``[np.unique(column) for column in y_all.T]``;
            ``y`` may hold only some of them.

        Returns
        -------
        self : MultiOutputClassTarget
            The fitted encoder.
        """
        y = np.asarray(y)
        if y.ndim != 2:
            raise ValueError(f"A multi-output target is 2-D, one column per target; got "
                             f"y of shape {y.shape}.")
        _label_type(y)
        if classes is None:
            self.classes_ = [np.unique(column) for column in y.T]
            return self
        if not _is_per_column(classes, y.shape[1]):
            raise ValueError(
                f"classes must be a list of {y.shape[1]} arrays, the labels of each column "
                "of y, e.g. [np.unique(column) for column in y_all.T]."
            )
        self.classes_ = [np.unique(np.asarray(labels)) for labels in classes]
        self._check_known(y, same_classes=False)
        return self

    @property
    def loss_params(self):
        """Extra keyword arguments of ``get_loss``: the size of each softmax block."""
        return {"groups": self._sizes}

    @property
    def n_outputs(self):
        """Number of output neurons of the network: the classes of all columns."""
        return sum(self._sizes)

    @property
    def _sizes(self):
        return tuple(len(labels) for labels in self.classes_)

    def check_labels(self, y, same_classes):
        """Refuse a later ``y`` (``warm_start``, ``partial_fit``) this encoder cannot take.

        Parameters
        ----------
        y : array-like of shape (n_samples, n_columns)
            The new labels.
        same_classes : bool
            Whether each column of ``y`` must hold exactly the labels of the
            fit (``warm_start``) rather than any of them (``partial_fit``).

        Raises
        ------
        ValueError
            If ``y`` has another number of columns, or labels a column has not seen.
        """
        y = np.asarray(y)
        n_columns = y.shape[1] if y.ndim == 2 else 1
        if n_columns != len(self.classes_):
            raise ValueError(
                f"y has {n_columns} label column(s), the model was fitted with "
                f"{len(self.classes_)}; use fit (not warm_start or partial_fit) to change them."
            )
        _label_type(y)
        self._check_known(y, same_classes)

    def _check_known(self, y, same_classes):
        for k, (column, known) in enumerate(zip(y.T, self.classes_)):
            labels = np.unique(column)
            if same_classes and set(labels) != set(known):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes as in the "
                    f"previous call to fit. Column {k} had {known}, it has {labels} in `y`. "
                    "Set warm_start=False to fit from scratch."
                )
            unknown = np.setdiff1d(labels, known)
            if unknown.size:
                raise ValueError(
                    f"Column {k} of `y` has labels not in `classes_[{k}]`: {unknown}; "
                    f"`classes_[{k}]` has {known}. Pass every label of every column to the "
                    "first partial_fit call, classes=[np.unique(column) for column in y_all.T]."
                )

    def transform(self, y, dtype):
        """The network's targets: one block of one-hot columns per column of ``y``.

        Parameters
        ----------
        y : array-like of shape (n_samples, n_columns)
            Labels this encoder knows.
        dtype : numpy dtype
            The network's dtype (unused: the targets are booleans).

        Returns
        -------
        Y : ndarray of shape (n_samples, n_outputs), dtype bool
            The one-hot blocks of the columns, side by side.
        """
        y = np.asarray(y)
        Y = np.zeros((len(y), self.n_outputs), dtype=bool)
        rows = np.arange(len(y))
        for start, column, known in zip(self._starts(), y.T, self.classes_):
            Y[rows, start + np.searchsorted(known, column)] = True
        return Y

    def inverse_transform(self, P):
        """Labels from network outputs: the likeliest class of each column.

        Parameters
        ----------
        P : ndarray of shape (n_samples, n_outputs)
            The network's outputs, one probability block per column.

        Returns
        -------
        y : ndarray of shape (n_samples, n_columns)
            Of the labels' dtype where every column has the same, else object.
        """
        dtypes = {labels.dtype for labels in self.classes_}
        y = np.empty((len(P), len(self.classes_)),
                     dtype=dtypes.pop() if len(dtypes) == 1 else object)
        for k, (known, block) in enumerate(zip(self.classes_, self.probabilities(P))):
            y[:, k] = known[block.argmax(axis=1)]
        return y

    def probabilities(self, P):
        """``predict_proba``'s layout, as ``MultiOutputClassifier``'s: one array per column.

        Parameters
        ----------
        P : ndarray of shape (n_samples, n_outputs)
            The network's outputs, one probability block per column.

        Returns
        -------
        proba : list of ndarray of shape (n_samples, n_classes_k)
            Column ``k``'s class probabilities, in ``classes_[k]`` order.
        """
        return np.split(P, self._starts()[1:], axis=1)

    def _starts(self):
        """Index of each column's first output neuron."""
        return np.cumsum((0,) + self._sizes[:-1])


def class_target(y, classes=None, multilabel="auto"):
    """The fitted encoder for class labels ``y``: one column, indicator or several columns.

    Parameters
    ----------
    y : ndarray of shape (n_samples,) or (n_samples, n_columns)
        Class labels, a 0/1 indicator matrix, or several columns of labels.
    classes : array-like, default=None
        The classes of the whole data set (``partial_fit``): an array of
        labels for a 1-D ``y``; for a 2-D ``y``, a list of one array per
        column, which makes it multiclass-multioutput whatever the labels of
        this batch.
    multilabel : {"auto", True, False}, default="auto"
        How a 0/1 indicator ``y`` is read; see :class:`ClassTarget`.

    Returns
    -------
    encoder : ClassTarget or MultiOutputClassTarget
        Fitted on ``y``.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([["cat", "small"], ["dog", "large"], ["bird", "small"]])
    >>> encoder = class_target(y)
    >>> encoder.n_outputs, encoder.loss, encoder.loss_params
    (5, 'log_loss', {'groups': (3, 2)})
    >>> class_target(np.eye(3)[[0, 2, 1]]).target_type
    'one-hot'
    """
    if np.ndim(y) == 2 and (_is_per_column(classes, np.shape(y)[1])
                            or _label_type(y) == "multiclass-multioutput"):
        return MultiOutputClassTarget().fit(y, classes)
    return ClassTarget(multilabel).fit(y, classes)


def class_sample_weight(class_weight, y, encoder):
    """Per-sample weights that weigh each class as ``class_weight`` says.

    The weight of a sample is the product, over the label columns of ``y``, of
    the weight of its class in that column, as in scikit-learn's
    ``compute_sample_weight``. A class missing from ``class_weight`` weighs 1.

    Parameters
    ----------
    class_weight : dict, list, "balanced" or None
        For one column of labels and for one-hot ``y``, a dict
        ``{class: weight}`` (for one-hot ``y`` the classes are the column
        indices). For a multilabel ``y`` or several label columns, a list of
        one dict per column (the labels of a multilabel column are 0 and 1);
        an entry of the list may also be ``"balanced"``. ``"balanced"`` weighs
        each class of each column inversely to its frequency in ``y``:
        ``n_samples / (n_classes * count)``.
    y : ndarray of shape (n_samples,) or (n_samples, n_columns)
        Labels that ``encoder`` knows.
    encoder : ClassTarget or MultiOutputClassTarget
        The fitted encoder of the labels.

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,) or None
        The weights (float64), or None where ``class_weight`` is None.

    Raises
    ------
    ValueError
        If ``class_weight`` has the wrong form for ``y``, names labels that are
        not classes, or gives a negative or non-finite weight.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array(["cat", "dog", "dog", "dog"])
    >>> encoder = class_target(y)
    >>> class_sample_weight({"cat": 3.0}, y, encoder)
    array([3., 1., 1., 1.])
    >>> class_sample_weight("balanced", y, encoder)
    array([2.        , 0.66666667, 0.66666667, 0.66666667])
    """
    if class_weight is None:
        return None
    columns = _label_columns(y, encoder)
    single = encoder.target_type in ("binary", "multiclass", "one-hot")
    if isinstance(class_weight, str):
        if class_weight != "balanced":
            raise ValueError(
                f"class_weight must be None, 'balanced', a dict or a list of dicts, got "
                f"{class_weight!r}."
            )
        specs = ["balanced"] * len(columns)
    elif single:
        if not isinstance(class_weight, Mapping):
            what = "one-hot y" if encoder.target_type == "one-hot" else "one column of labels"
            raise ValueError(
                f"For {what}, class_weight must be 'balanced' or a dict {{class: weight}}, "
                f"got {class_weight!r}."
            )
        specs = [class_weight]
    else:
        if not isinstance(class_weight, (list, tuple)) or len(class_weight) != len(columns):
            raise ValueError(
                f"y has {len(columns)} label columns ({encoder.target_type}): class_weight "
                f"must be 'balanced' or a list of {len(columns)} dicts, one {{label: weight}} "
                f"per column; got {class_weight!r}."
            )
        specs = class_weight
    weight = np.ones(len(columns[0][0]))
    for k, (spec, (labels, classes)) in enumerate(zip(specs, columns)):
        where = "" if single else f" of column {k}"
        weight *= _column_weights(spec, labels, classes, where)
    return weight


def _label_columns(y, encoder):
    """``(labels, classes)`` of each label column of ``y`` a class weight applies to."""
    if encoder.target_type == "multiclass-multioutput":
        return list(zip(np.asarray(y).T, encoder.classes_))
    if encoder.target_type == "multilabel-indicator":
        return [(column, np.array([0, 1]))
                for column in encoder.transform(y, None).T.astype(int)]
    if encoder.target_type == "one-hot":
        return [(encoder.transform(y, None).argmax(axis=1), encoder.classes_)]
    return [(np.asarray(y), encoder.classes_)]


def _column_weights(spec, labels, classes, where):
    """The weight of each sample's class in one label column."""
    if isinstance(spec, str) and spec == "balanced":
        return compute_sample_weight("balanced", labels)
    if not isinstance(spec, Mapping):
        raise ValueError(f"class_weight{where} must be 'balanced' or a dict {{label: weight}}, "
                         f"got {spec!r}.")
    known = classes.tolist()
    unknown = [label for label in spec if label not in known]
    if unknown:
        raise ValueError(
            f"class_weight{where} has labels that are not classes{where}: {unknown}; the "
            f"classes{where} are {known}."
        )
    per_class = np.array([spec.get(label, 1.0) for label in known], dtype=float)
    if not (np.isfinite(per_class) & (per_class >= 0)).all():
        raise ValueError(f"class_weight{where} must give finite weights >= 0, got {spec!r}.")
    return per_class[np.searchsorted(classes, labels)]


def _is_per_column(classes, n_columns):
    """Whether ``classes`` is one array of labels for each of ``n_columns`` columns."""
    if classes is None or isinstance(classes, str):
        return False
    try:
        return len(classes) == n_columns and all(np.ndim(labels) == 1 for labels in classes)
    except TypeError:
        return False


def _classification_type(y):
    """``type_of_target(y)``, refusing what a classifier cannot learn with sklearn's words."""
    target_type = _label_type(y)
    if target_type == "multiclass-multioutput":
        raise ValueError(
            "ClassTarget encodes one label column, but y has several (multiclass-multioutput). "
            "Use MultiOutputClassTarget, one softmax per column, which ANNClassifier picks "
            "for such a y by itself (target_encoder does)."
        )
    return target_type


def _label_type(y):
    """``type_of_target(y)``, refusing targets that are not class labels."""
    try:
        target_type = type_of_target(y, input_name="y")
    except TypeError:
        # Raised where np.unique cannot sort labels of several types together.
        target_type = "unknown"
    if target_type == "unknown" and np.ndim(y) in (1, 2):
        y = np.asarray(y)
        target_type = _column_type(y) if y.ndim == 1 else _mixed_columns_type(y)
    if target_type == "unknown":
        raise ValueError(
            "Unknown label type: unknown. The labels in y mix types (such as numbers and "
            "strings) or are not labels (such as None); give labels of one type, e.g. "
            "y.astype(str)."
        )
    if target_type not in (*_CLASSIFICATION_TARGETS, "multiclass-multioutput"):
        raise ValueError(
            f"Unknown label type: {target_type}. Maybe you are trying to fit a classifier, "
            "which expects discrete classes on a regression target with continuous values."
        )
    return target_type


def _mixed_columns_type(y):
    """The type of an object ``y`` whose columns hold different types, e.g. numbers and strings.

    ``type_of_target`` sorts all of ``y`` at once, which fails across types, and
    calls an object array of numbers ``"unknown"``; here each column is typed
    on its own.
    """
    types = {_column_type(column) for column in y.T}
    if "unknown" in types:
        return "unknown"
    other = types - {"binary", "multiclass"}
    return other.pop() if other else "multiclass-multioutput"


def _column_type(column):
    """``type_of_target`` of one column of object labels: all strings, or all numbers
    (which ``type_of_target`` alone calls ``"unknown"``)."""
    if all(isinstance(label, str) for label in column):
        return type_of_target(column, input_name="y")
    if all(isinstance(label, Real) for label in column):
        return type_of_target(column.astype(float), input_name="y")
    return "unknown"


def _check_multilabel_option(multilabel):
    if isinstance(multilabel, (bool, np.bool_)):
        return bool(multilabel)
    if isinstance(multilabel, str) and multilabel == "auto":
        return multilabel
    raise ValueError(f"multilabel must be 'auto', True or False, got {multilabel!r}.")


def _indicator_type(y, multilabel):
    """``"one-hot"`` or ``"multilabel-indicator"`` for a 0/1 indicator ``y``."""
    if multilabel is True:
        return "multilabel-indicator"
    bad = _rows_not_one_hot(y)
    if not len(bad):
        return "one-hot"
    if multilabel == "auto":
        return "multilabel-indicator"
    raise ValueError(
        f"multilabel=False reads a 0/1 y as one-hot, one class per sample, but {len(bad)} "
        f"of its {len(y)} rows do not have exactly one 1 (the first is row {bad[0]}: "
        f"{np.asarray(y)[bad[0]].tolist()}). Pass multilabel=True to learn each column as "
        "an independent label."
    )


def _rows_not_one_hot(y):
    """Indices of the rows of ``y`` that are not a single 1 among 0s."""
    y = np.asarray(y)
    ones = y == 1
    return np.flatnonzero((ones.sum(axis=1) != 1) | ((y != 0) & ~ones).any(axis=1))
