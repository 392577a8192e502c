"""Export to ONNX through skl2onnx: ``import sk_ann.onnx``, then ``skl2onnx.to_onnx``.

Importing this module registers converters for ``ANNClassifier``,
``ANNRegressor`` and ``ANNAutoencoder`` (its ``transform``) with skl2onnx, so
that ``skl2onnx.to_onnx(model, X[:1])`` converts them alone and inside
pipelines and column transformers, as it converts ``MLPClassifier``. It needs
the ``onnx`` extra (``pip install "sk_ann[onnx]"``: skl2onnx, onnx and
onnxruntime); a plain ``import sk_ann`` never imports them.

What converts: every hidden activation (one per layer or one for all), batch
normalisation (its running statistics, folded into the weights), dropout
(nothing to write at prediction time), the layers ``Dense``, ``Conv1D``,
``Conv2D``, max and average pooling, ``GlobalAvgPool``, ``Flatten``, the
recurrent ``SimpleRNN``, ``LSTM``, ``GRU`` and ``Bidirectional``, the
transformer layers ``TransformerEncoder``, ``MultiHeadSelfAttention``,
``LayerNorm``, ``PositionWise``, ``PositionalEmbedding``, ``FeatureTokenizer``
and ``ClsToken``, every classification target (binary, multiclass,
multilabel, one-hot, several label columns) and every regression output link
(Poisson's capped exponential included), in float32 graphs (the default, from
float32 ``X``) and float64 ones (from float64 ``X``). Recurrent layers become
ONNX's ``RNN``, ``LSTM`` and ``GRU`` operators in float32 graphs; onnxruntime
has those for float32 only, so float64 graphs loop over the time steps with
``Scan`` (as does a ``SimpleRNN`` whose activation is not tanh, logistic or
relu, in either dtype). Transformer layers are written from elementary
operators (``MatMul``, ``Softmax``, ``Reshape``, ``Transpose``...), the same in
both dtypes. Anything else (a layer class from outside sk_ann) is refused when
converting, with an ``UnsupportedForOnnxError`` naming it, never written wrong.

Classifiers take skl2onnx's options for classifiers: ``zipmap`` (default
True: probabilities as a list of dicts; ``False``: one array), ``nocl`` and
``output_class_labels``. A classifier of several label columns gives labels
``(n_samples, n_columns)`` and a sequence of one probability array per column,
as skl2onnx does for ``MultiOutputClassifier``; ZipMap cannot apply to it, so
an explicit ``zipmap`` option other than False is refused.

Examples
--------
>>> import numpy as np
>>> import onnxruntime as ort
>>> from skl2onnx import to_onnx
>>> from sklearn.datasets import load_iris
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn.preprocessing import StandardScaler
>>> import sk_ann.onnx  # registers the converters
>>> from sk_ann import ANNClassifier
>>> X, y = load_iris(return_X_y=True)
>>> X = X.astype(np.float32)
>>> model = make_pipeline(StandardScaler(), ANNClassifier((16,), max_iter=300,
...                                                       random_state=0)).fit(X, y)
>>> onx = to_onnx(model, X[:1], options={"zipmap": False})
>>> session = ort.InferenceSession(onx.SerializeToString(),
...                                providers=["CPUExecutionProvider"])
>>> labels, proba = session.run(None, {"X": X})
>>> bool((labels == model.predict(X)).all())
True
>>> bool(np.allclose(proba, model.predict_proba(X), rtol=1e-5, atol=1e-6))
True
"""

try:
    import skl2onnx
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "sk_ann.onnx needs skl2onnx, onnx and onnxruntime: pip install 'sk_ann[onnx]'."
    ) from error

from ..autoencoder import ANNAutoencoder
from ..classifier import ANNClassifier
from ..regressor import ANNRegressor
from ._activations import CONVERTIBLE_ACTIVATIONS
from ._converters import (
    CLASSIFIER_OPTIONS,
    autoencoder_shape,
    classifier_shape,
    convert_autoencoder,
    convert_classifier,
    convert_regressor,
    parse_classifier,
    regressor_shape,
)
from ._graph import CONVERTIBLE_LAYERS
from ._writer import UnsupportedForOnnxError

skl2onnx.update_registered_converter(
    ANNClassifier, "SkAnnClassifier", classifier_shape, convert_classifier,
    parser=parse_classifier, options=CLASSIFIER_OPTIONS)
skl2onnx.update_registered_converter(
    ANNRegressor, "SkAnnRegressor", regressor_shape, convert_regressor)
skl2onnx.update_registered_converter(
    ANNAutoencoder, "SkAnnAutoencoder", autoencoder_shape, convert_autoencoder)

__all__ = ["CONVERTIBLE_ACTIVATIONS", "CONVERTIBLE_LAYERS", "UnsupportedForOnnxError"]
