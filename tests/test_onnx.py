"""ONNX export: onnxruntime, run on the exported graph, predicts what sk_ann predicts.

Every test converts with skl2onnx and compares onnxruntime's outputs with
``predict``, ``predict_proba`` or ``transform`` on rows like the training data
and on rows far from it. float32 graphs (from float32 data, so float32
networks) agree within 1e-5 relative; float64 graphs within 1e-10. Recurrent
layers are written two ways (ONNX's RNN, LSTM and GRU operators in float32
graphs, one step looped by Scan in float64 graphs), and both are checked.
Transformer layers are written from elementary operators in both dtypes.
"""

import numpy as np
import pytest

# These tests train for a few epochs on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

pytest.importorskip("skl2onnx")
ort = pytest.importorskip("onnxruntime")

from skl2onnx import to_onnx  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import sk_ann.onnx  # noqa: E402
from sk_ann import ANNAutoencoder, ANNClassifier, ANNRegressor  # noqa: E402
from sk_ann.core.activations import ACTIVATIONS, Exp  # noqa: E402
from sk_ann.core.layers import Dense as CoreDense  # noqa: E402
from sk_ann.layers import (  # noqa: E402
    GRU,
    LSTM,
    AvgPool1D,
    AvgPool2D,
    Bidirectional,
    ClsToken,
    Conv1D,
    Conv2D,
    Dense,
    FeatureTokenizer,
    Flatten,
    GlobalAvgPool,
    LayerNorm,
    MaxPool1D,
    MaxPool2D,
    MultiHeadSelfAttention,
    PositionalEmbedding,
    SimpleRNN,
    TransformerEncoder,
)
from sk_ann.onnx import UnsupportedForOnnxError  # noqa: E402

TOLERANCE = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-10, atol=1e-12)}
DTYPES = [np.float32, np.float64]


def data(dtype, n=60, n_features=6, seed=0):
    """Training rows, and test rows: some like them, some 20 times farther out."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    far = 20 * rng.normal(size=(10, n_features))
    return X.astype(dtype), np.vstack([X[:10], far]).astype(dtype)


def run(model, X_test, dtype, options=None):
    """onnxruntime's outputs for ``X_test`` from ``model`` converted with skl2onnx."""
    onx = to_onnx(model, X_test[:1].astype(dtype), options=options)
    session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: X_test.astype(dtype)})


def assert_close(actual, expected, dtype):
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), **TOLERANCE[dtype])


def check_classifier(model, X_test, dtype):
    labels, proba = run(model, X_test, dtype, options={"zipmap": False})
    np.testing.assert_array_equal(labels, model.predict(X_test))
    assert_close(proba, model.predict_proba(X_test), dtype)


def check_classifier_and_regressor(layers, input_shape, X, X_test, dtype, max_iter,
                                   classifier_params=None):
    """A classifier and a two-output regressor on ``layers``, each against onnxruntime."""
    y = np.digitize(X[:, 0] + X[:, -1], [-0.5, 0.5])
    model = ANNClassifier(layers, input_shape=input_shape, max_iter=max_iter, random_state=0,
                          **(classifier_params or {})).fit(X, y)
    check_classifier(model, X_test, dtype)
    regressor = ANNRegressor(layers, input_shape=input_shape, max_iter=max_iter,
                             random_state=0).fit(X, X[:, :2])
    (predicted,) = run(regressor, X_test, dtype)
    assert_close(predicted, regressor.predict(X_test), dtype)


def fit_classifier(y_kind, dtype, **params):
    X, X_test = data(dtype)
    y = {
        "binary": (X[:, 0] > 0).astype(int),
        "binary-strings": np.where(X[:, 0] > 0, "yes", "no"),
        "multiclass": np.digitize(X[:, 0], [-0.5, 0.5]),
        "multiclass-strings": np.array(["a", "b", "c"])[np.digitize(X[:, 0], [-0.5, 0.5])],
        "multilabel": np.column_stack([X[:, 0] > 0, X[:, 1] > 0, X[:, 2] > 0.5]).astype(int),
        "one-hot": np.eye(3, dtype=int)[np.digitize(X[:, 0], [-0.5, 0.5])],
    }[y_kind]
    params = {"hidden_layer_sizes": (8, 5), "max_iter": 30, "random_state": 0, **params}
    return ANNClassifier(**params).fit(X, y), X_test


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_every_activation_converts(activation, dtype):
    model, X_test = fit_classifier("multiclass", dtype, activation=activation)
    check_classifier(model, X_test, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_one_activation_per_layer_batch_norm_and_dropout(dtype):
    model, X_test = fit_classifier("multiclass", dtype, activation=["gelu", "selu"],
                                   batch_norm=True, dropout=0.2, max_iter=40)
    # Trained running statistics, so the folded normalisation is not the identity.
    assert not np.allclose(model.network_.layers[0].norm.running_var, 1.0)
    check_classifier(model, X_test, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("y_kind", ["binary", "binary-strings", "multiclass",
                                    "multiclass-strings", "multilabel", "one-hot"])
def test_every_single_target_kind_converts(y_kind, dtype):
    model, X_test = fit_classifier(y_kind, dtype, activation="tanh")
    check_classifier(model, X_test, dtype)


@pytest.mark.parametrize("zipmap", [True, "columns"])
def test_zipmap_gives_probabilities_by_class_as_for_mlp(zipmap):
    model, X_test = fit_classifier("multiclass-strings", np.float32)
    outputs = run(model, X_test, np.float32, options={"zipmap": zipmap})
    np.testing.assert_array_equal(outputs[0], model.predict(X_test))
    expected = model.predict_proba(X_test)
    if zipmap is True:
        proba = [[row[c] for c in model.classes_] for row in outputs[1]]
    else:
        proba = np.column_stack(outputs[1:])
    assert_close(proba, expected, np.float32)


def test_nocl_labels_are_class_indices():
    model, X_test = fit_classifier("multiclass-strings", np.float32)
    labels, _ = run(model, X_test, np.float32, options={"zipmap": False, "nocl": True})
    np.testing.assert_array_equal(model.classes_[labels], model.predict(X_test))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("strings", [False, True])
def test_several_label_columns_give_labels_and_a_sequence_of_probabilities(strings, dtype):
    X, X_test = data(dtype)
    y = np.column_stack([np.digitize(X[:, 0], [-0.5, 0.5]), X[:, 1] > 0]).astype(int)
    if strings:
        y = np.array(["p", "q", "r"])[y]
    model = ANNClassifier((8,), max_iter=30, random_state=0).fit(X, y)
    labels, probas = run(model, X_test, dtype)  # zipmap left to its default
    np.testing.assert_array_equal(labels, model.predict(X_test))
    assert len(probas) == 2
    for actual, expected in zip(probas, model.predict_proba(X_test)):
        assert_close(actual, expected, dtype)


def test_several_label_columns_refuse_zipmap_by_name():
    X, _ = data(np.float32)
    y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0]).astype(int) + [0, 2]
    model = ANNClassifier((4,), max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(UnsupportedForOnnxError, match="zipmap"):
        to_onnx(model, X[:1], options={"zipmap": True})


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("loss, n_targets", [("squared_error", 1), ("squared_error", 3),
                                             ("poisson", 1), ("huber", 2)])
def test_regressor_outputs_and_links(loss, n_targets, dtype):
    X, X_test = data(dtype)
    Y = X[:, :n_targets] + 0.1 * X[:, 1:n_targets + 1] ** 2
    if loss == "poisson":
        Y = np.exp(Y)
    model = ANNRegressor((8,), loss=loss, activation="softplus", max_iter=30,
                         random_state=0).fit(X, Y.ravel() if n_targets == 1 else Y)
    (predicted,) = run(model, X_test, dtype)
    assert_close(predicted.reshape(model.predict(X_test).shape), model.predict(X_test), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_poisson_link_is_capped_where_sk_ann_caps_it(dtype):
    X, _ = data(dtype)
    model = ANNRegressor((4,), loss="poisson", max_iter=5, random_state=0).fit(X, np.exp(X[:, 0]))
    out = model.network_.layers[-1]
    out.W[...] = 1.0  # raw outputs far beyond the cap for these rows
    X_huge = np.full((2, X.shape[1]), 1e3, dtype=dtype)
    expected = model.predict(X_huge)
    (predicted,) = run(model, X_huge, dtype)
    assert np.isfinite(predicted).all()
    assert_close(expected, np.exp(Exp.upper_bound(dtype)), dtype)  # at the cap
    assert_close(predicted.ravel(), expected, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_autoencoder_transform(dtype):
    X, X_test = data(dtype)
    model = ANNAutoencoder((5, 2), activation=["elu", "selu", "elu"], noise=0.1, max_iter=30,
                           random_state=0).fit(X)
    (code,) = run(model, X_test, dtype)
    assert_close(code, model.transform(X_test), dtype)


def test_inside_pipelines_and_column_transformers():
    X, X_test = data(np.float32)
    y = (X[:, 0] + X[:, 3] > 0).astype(int)
    features = ColumnTransformer([
        ("scaled", StandardScaler(), [0, 1, 2]),
        ("code", ANNAutoencoder((3,), max_iter=20, random_state=0), [3, 4, 5]),
    ])
    model = make_pipeline(features, ANNClassifier((6,), max_iter=30, random_state=0)).fit(X, y)
    check_classifier(model, X_test, np.float32)
    regressor = make_pipeline(StandardScaler(), ANNRegressor((6,), max_iter=30, random_state=0))
    regressor.fit(X, X[:, 0])
    (predicted,) = run(regressor, X_test, np.float32)
    assert_close(predicted.ravel(), regressor.predict(X_test), np.float32)


CONV_1D = [Conv1D(3, 3, padding="same", activation="gelu"), MaxPool1D(2),
           Conv1D(4, 2, strides=2, activation="silu"), AvgPool1D(2, strides=1), Dense(5)]
CONV_2D = [Conv2D(3, 3, strides=2, padding="same"), AvgPool2D(2, strides=1),
           Conv2D(2, (2, 1), activation="leaky_relu"), MaxPool2D(2), Flatten(), 6]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layers, input_shape", [
    (CONV_1D, (12, 2)),
    (CONV_2D, (9, 8, 2)),
    ([Conv1D(4, 5, activation="tanh"), GlobalAvgPool()], (12, 2)),
], ids=["conv1d", "conv2d", "global-pool"])
def test_convolutional_networks(layers, input_shape, dtype):
    X, X_test = data(dtype, n=40, n_features=int(np.prod(input_shape)))
    check_classifier_and_regressor(layers, input_shape, X, X_test, dtype, max_iter=10,
                                   classifier_params=dict(batch_norm=True))


class ScaledDense(CoreDense):
    """A layer kind written outside sk_ann, whose computation the export cannot know."""


def test_layers_it_cannot_write_are_refused_by_name():
    X, _ = data(np.float32, n=30)
    model = ANNRegressor((4, 3), max_iter=2, random_state=0).fit(X, X[:, 0])
    model.network_.layers[1].__class__ = ScaledDense
    with pytest.raises(UnsupportedForOnnxError, match=r"layer 2 \(ScaledDense\)"):
        to_onnx(model, X[:1])


def _recurrent_cases():
    """Each cell, with and without return_sequences, alone and inside Bidirectional."""
    cases = []
    for cell in (SimpleRNN, LSTM, GRU):
        for sequences in (False, True):
            for wrap in (lambda layer: layer, Bidirectional):
                layer = wrap(cell(3, return_sequences=sequences))
                cases.append([layer, GlobalAvgPool(), 4] if sequences else [layer, 4])
    return cases


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layers", [
    *_recurrent_cases(),
    [LSTM(3, return_sequences=True), GRU(2)],
    [Bidirectional(GRU(2, return_sequences=True)), SimpleRNN(3, return_sequences=True),
     Flatten()],
    [Conv1D(4, 2, padding="same"), GRU(3)],
    [LSTM(3, return_sequences=True), Conv1D(2, 2), MaxPool1D(2), Dense(3)],
], ids=repr)
def test_recurrent_networks(layers, dtype):
    """A classifier from flat rows, a regressor from ``(n, timesteps, features)`` samples."""
    X, X_test = data(dtype, n=40, n_features=15)
    model = ANNClassifier(layers, input_shape=(5, 3), max_iter=5,
                          random_state=0).fit(X, (X[:, 0] + X[:, -1] > 0).astype(int))
    check_classifier(model, X_test, dtype)
    X, X_test = X.reshape(-1, 5, 3), X_test.reshape(-1, 5, 3)
    regressor = ANNRegressor(layers, input_shape=(5, 3), max_iter=5,
                             random_state=0).fit(X, X[:, -1, :2])
    (predicted,) = run(regressor, X_test, dtype)
    assert_close(predicted, regressor.predict(X_test), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_simple_rnn_every_activation(activation, dtype):
    # float32 graphs use ONNX's RNN operator for some activations, the steps for the others.
    X, X_test = data(dtype, n=40, n_features=15)
    layers = [Bidirectional(SimpleRNN(2, activation=activation, return_sequences=True)), 3]
    model = ANNRegressor(layers, input_shape=(5, 3), max_iter=5, random_state=0).fit(
        X, X[:, -1])
    (predicted,) = run(model, X_test, dtype)
    assert_close(predicted.ravel(), model.predict(X_test), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_a_recurrent_graph_does_not_grow_with_the_sequence(dtype):
    sizes = []
    for timesteps in (4, 40):
        X, X_test = data(dtype, n=20, n_features=2 * timesteps)
        model = ANNRegressor([Bidirectional(GRU(2, return_sequences=True)), LSTM(2)],
                             input_shape=(timesteps, 2), max_iter=2, random_state=0).fit(
            X, X[:, 0])
        onx = to_onnx(model, X[:1])
        sizes.append(len(onx.graph.node))
        (predicted,) = run(model, X_test, dtype)
        assert_close(predicted.ravel(), model.predict(X_test), dtype)
    assert sizes[0] == sizes[1]


def test_a_single_class_is_refused():
    X, _ = data(np.float32)
    model = ANNClassifier((4,), max_iter=5, random_state=0).fit(X, np.zeros(len(X), int))
    with pytest.raises(UnsupportedForOnnxError, match="single class"):
        to_onnx(model, X[:1])


def test_plain_import_does_not_import_onnx():
    import subprocess
    import sys
    code = "import sys, sk_ann; print(any(m.split('.')[0] in ('onnx', 'skl2onnx', " \
           "'onnxruntime') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_samples_given_with_their_positions():
    X, X_test = data(np.float32, n=40, n_features=24)
    X, X_test = X.reshape(-1, 12, 2), X_test.reshape(-1, 12, 2)
    model = ANNClassifier([Conv1D(3, 3), GlobalAvgPool()], input_shape=(12, 2), max_iter=5,
                          random_state=0).fit(X, (X[:, 0, 0] > 0).astype(int))
    check_classifier(model, X_test, np.float32)


FT_TRANSFORMER = [FeatureTokenizer(8), TransformerEncoder(2), ClsToken(), 6]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layers, input_shape", [
    (FT_TRANSFORMER, None),
    ([FeatureTokenizer(4), LayerNorm(), MultiHeadSelfAttention(1), GlobalAvgPool()], None),
    ([PositionalEmbedding(), MultiHeadSelfAttention(3),
      TransformerEncoder(3, ff_units=4, ff_activation="silu"), GlobalAvgPool()], (5, 6)),
    ([Conv1D(4, 2, padding="same"), PositionalEmbedding(), LayerNorm(), TransformerEncoder(2),
      Flatten(), 3], (5, 6)),
    ([LSTM(4, return_sequences=True), TransformerEncoder(4, ff_activation="relu"), ClsToken()],
     (5, 6)),
    ([8, LayerNorm(), 4], None),
], ids=["ft-transformer", "tokens-attention-pool", "sequence-3-heads", "conv1d-encoder-flatten",
        "lstm-encoder-cls", "dense-layer-norm"])
def test_transformer_networks(layers, input_shape, dtype):
    """Token layers on flat rows and on sequences, after a Conv1D or an LSTM, in either layout."""
    X, X_test = data(dtype, n=40, n_features=30 if input_shape else 6)
    check_classifier_and_regressor(layers, input_shape, X, X_test, dtype, max_iter=5)


def test_ft_transformer_in_a_pipeline():
    X, X_test = data(np.float32)
    model = make_pipeline(StandardScaler(), ANNClassifier(
        FT_TRANSFORMER, max_iter=5, random_state=0)).fit(X, (X[:, 0] > 0).astype(int))
    check_classifier(model, X_test, np.float32)


@pytest.mark.parametrize("dtype", DTYPES)
def test_an_attention_graph_does_not_grow_with_the_sequence(dtype):
    sizes = []
    for timesteps in (4, 12):
        X, X_test = data(dtype, n=20, n_features=2 * timesteps)
        model = ANNRegressor([PositionalEmbedding(), TransformerEncoder(2), GlobalAvgPool()],
                             input_shape=(timesteps, 2), max_iter=2, random_state=0).fit(
            X, X[:, 0])
        sizes.append(len(to_onnx(model, X[:1]).graph.node))
        (predicted,) = run(model, X_test, dtype)
        assert_close(predicted.ravel(), model.predict(X_test), dtype)
    assert sizes[0] == sizes[1]
