"""Target encoders: the user's ``y`` to the network's 2-D float targets, and back.

Each encoder knows which loss (and so which output link) its targets call for:

======================  ===================  =====================  ==============
target                  network outputs      loss                   output link
======================  ===================  =====================  ==============
continuous (1-D, 2-D)   one per column       squared error/Poisson  identity/exp
binary                  one                  binary log loss        logistic
multiclass              one per class        log loss (one-hot)     softmax
multilabel indicator    one per label        binary log loss        logistic
======================  ===================  =====================  ==============
"""

import numpy as np
from sklearn.utils.multiclass import type_of_target


class ContinuousTarget:
    """Real-valued targets, one network output per column of ``y``."""

    def __init__(self, loss="squared_error"):
        self.loss = loss

    def fit(self, y):
        self.n_outputs = 1 if y.ndim == 1 else y.shape[1]
        return self

    def transform(self, y, dtype):
        if self.loss == "poisson" and (y < 0).any():
            raise ValueError(
                f"loss='poisson' needs y >= 0, got a minimum of {y.min()}; "
                "use loss='squared_error' for targets that can be negative."
            )
        Y = np.asarray(y, dtype=dtype)
        return Y.reshape(-1, 1) if Y.ndim == 1 else Y

    def inverse_transform(self, P):
        return P.ravel() if P.shape[1] == 1 else P


_CLASSIFICATION_TARGETS = ("binary", "multiclass", "multilabel-indicator")


class ClassTarget:
    """Class labels of any type: binary, multiclass or a multilabel indicator matrix."""

    def fit(self, y, classes=None):
        """Learn the labels from ``y``, or from ``classes`` where given (``partial_fit``)."""
        self.target_type = _classification_type(y)
        if self.target_type == "multilabel-indicator":
            self.classes_ = np.arange(y.shape[1])
            return self
        self.classes_ = np.unique(y if classes is None else np.asarray(classes))
        self.target_type = "multiclass" if len(self.classes_) > 2 else "binary"
        return self

    @property
    def loss(self):
        return "log_loss" if self.target_type == "multiclass" else "binary_log_loss"

    @property
    def n_outputs(self):
        return 1 if self.target_type == "binary" else len(self.classes_)

    def check_labels(self, y, same_classes):
        """Refuse labels this encoder has not seen (or, with ``same_classes``, other sets)."""
        _classification_type(y)
        if self.target_type == "multilabel-indicator":
            if y.ndim != 2 or y.shape[1] != len(self.classes_):
                raise ValueError(
                    f"y has {y.shape[1] if y.ndim == 2 else 1} label columns, the model was fitted "
                    f"with {len(self.classes_)}; use fit (not warm_start or partial_fit) to change them."
                )
            return
        classes = np.unique(y)
        if same_classes:
            if set(classes) != set(self.classes_):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes as in the "
                    f"previous call to fit. Previously got {self.classes_}, `y` has {classes}. "
                    "Set warm_start=False to fit from scratch."
                )
        elif np.setdiff1d(classes, self.classes_).size:
            raise ValueError(
                f"`y` has classes not in `self.classes_`. `self.classes_` has {self.classes_}. "
                f"'y' has {classes}. Pass every class to the first partial_fit call with "
                "classes=np.unique(y_all)."
            )

    def transform(self, y, dtype):
        """The network's targets: indicator columns, as booleans whatever ``dtype``.

        Booleans take an eighth of the memory of float64, and numpy promotes
        them where they meet the network's floats.
        """
        if self.target_type == "multilabel-indicator":
            return np.asarray(y) != 0
        codes = np.searchsorted(self.classes_, y)
        if self.target_type == "binary":
            return (codes == 1).reshape(-1, 1)
        Y = np.zeros((len(codes), len(self.classes_)), dtype=bool)
        Y[np.arange(len(codes)), codes] = True
        return Y

    def inverse_transform(self, P):
        """Labels from network outputs: a probability above one half, or the likeliest class."""
        if self.target_type == "multilabel-indicator":
            return (P > 0.5).astype(int)
        if self.target_type != "binary":
            return self.classes_[P.argmax(axis=1)]
        if len(self.classes_) == 1:
            # A single class seen in fit (allowed, as MLP allows it) answers every row.
            return np.repeat(self.classes_, len(P))
        return self.classes_[(P[:, 0] > 0.5).astype(int)]

    def probabilities(self, P):
        """``predict_proba``'s layout: one column per class, in ``classes_`` order."""
        if self.target_type != "binary":
            return P
        if len(self.classes_) == 1:
            return np.ones((P.shape[0], 1), dtype=P.dtype)
        return np.hstack([1 - P, P])


def _classification_type(y):
    """``type_of_target(y)``, refusing what a classifier cannot learn with sklearn's words."""
    target_type = type_of_target(y, input_name="y")
    if target_type == "multiclass-multioutput":
        raise ValueError(
            "ANNClassifier got a 2-D y with several label columns (multiclass-multioutput), "
            "which it does not support yet; fit one classifier per column, e.g. with "
            "sklearn.multioutput.MultiOutputClassifier(ANNClassifier())."
        )
    if target_type not in _CLASSIFICATION_TARGETS:
        raise ValueError(
            f"Unknown label type: {target_type}. Maybe you are trying to fit a classifier, "
            "which expects discrete classes on a regression target with continuous values."
        )
    return target_type
