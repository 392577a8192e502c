"""sk_ann: scikit-learn-compatible neural networks on a numpy core."""

# Set before the imports below: _base stores it in every pickled estimator.
__version__ = "0.2.0"

from ._base import InconsistentVersionWarning, NonFiniteOutputError
from ._trusted import trusted_types
from ._validation import InvalidParameterError
from .autoencoder import ANNAutoencoder
from .classifier import ANNClassifier
from .gan import ANNGAN
from .regressor import ANNRegressor

__all__ = ["ANNAutoencoder", "ANNClassifier", "ANNGAN", "ANNRegressor",
           "InconsistentVersionWarning", "InvalidParameterError", "NonFiniteOutputError",
           "__version__", "trusted_types"]
