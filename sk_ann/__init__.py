"""sk_ann: scikit-learn-compatible neural networks on a numpy core."""

from ._validation import InvalidParameterError
from .autoencoder import ANNAutoencoder
from .classifier import ANNClassifier
from .regressor import ANNRegressor

__version__ = "0.1.0"

__all__ = ["ANNAutoencoder", "ANNClassifier", "ANNRegressor", "InvalidParameterError",
           "__version__"]
