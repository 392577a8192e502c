"""
Where a transformer looks: attention maps
=========================================

Attention lets each token of a sequence choose which other tokens to read.
This example trains two small transformers and draws their attention weights:
an FT-Transformer on a table (the wine data set, each feature a token, plus a
``[CLS]`` token that gathers what the prediction needs), and a transformer on a
lookup task, where the first token holds a key and the answer is the value
stored under that key further along the sequence.
"""

# %%
# A table as tokens
# -----------------
# ``FeatureTokenizer(16)`` turns each of the 13 measurements into a token of
# width 16 and puts a learned ``[CLS]`` token first; ``ClsToken()`` passes that
# token's output to the dense layer after the block.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier
from sk_ann.layers import ClsToken, Conv1D, FeatureTokenizer, TransformerEncoder
from sk_ann.plot import AttentionDisplay

X, y = load_wine(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
model = make_pipeline(
    StandardScaler().set_output(transform="pandas"),
    ANNClassifier([FeatureTokenizer(16), TransformerEncoder(2), ClsToken(), 32],
                  solver="adamw", warmup_epochs=3, learning_rate="cosine", max_iter=30,
                  batch_size=32, random_state=0),
).fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")

# %%
# Row ``[CLS]`` of the map is what the prediction reads: how the ``[CLS]``
# token shares its attention among the features, averaged over the test
# samples, for each of the two heads.
fig, axes = plt.subplots(1, 2, figsize=(12, 5.5), layout="constrained")
for head, ax in enumerate(axes):
    AttentionDisplay.from_estimator(model, X_test, head=head, ax=ax, colorbar=head == 1)

# %%
# A lookup: attention finds the key
# ---------------------------------
# Each sequence starts with a query token (a one-hot key and a flag), then
# holds 4 (key, value) tokens. The target is the value stored under the
# query's key: to answer, the query token must find the token with the same
# key, wherever it is, which is what a query scoring keys does.


def lookup(n, seed, n_pairs=4, n_keys=6, n_values=3):
    rng = np.random.RandomState(seed)
    X = np.zeros((n, n_pairs + 1, n_keys + n_values + 1))
    keys = np.argsort(rng.random_sample((n, n_keys)), axis=1)[:, :n_pairs]
    values = rng.randint(n_values, size=(n, n_pairs))
    rows, positions = np.arange(n)[:, None], np.arange(1, n_pairs + 1)[None, :]
    X[rows, positions, keys] = 1
    X[rows, positions, n_keys + values] = 1
    asked = rng.randint(n_pairs, size=n)
    X[np.arange(n), 0, keys[np.arange(n), asked]] = 1
    X[:, 0, -1] = 1
    return X, values[np.arange(n), asked], asked + 1


X_seq, y_seq, _ = lookup(600, 0)
X_new, y_new, where = lookup(200, 1)
transformer = ANNClassifier([Conv1D(16, 1), TransformerEncoder(2), ClsToken(), 16],
                            input_shape=X_seq.shape[1:], max_iter=15, batch_size=32,
                            learning_rate_init=3e-3, random_state=0).fit(X_seq, y_seq)
mlp = ANNClassifier([48, 48], max_iter=100, random_state=0).fit(X_seq.reshape(600, -1), y_seq)
print(f"transformer: {transformer.score(X_new, y_new):.3f}, "
      f"MLP on the flattened sequence: {mlp.score(X_new.reshape(200, -1), y_new):.3f} "
      "(chance: 0.333)")

# %%
# How often does the query token (row 0) look hardest at the position holding
# its key? And one sequence's map, heads averaged, with that position marked
# by a red square.
from sk_ann.core.layers.attention import attention_weights

weights = attention_weights(transformer.network_, X_new).mean(axis=1)
print(f"query looks hardest at its key in {np.mean(weights[:, 0].argmax(axis=1) == where):.0%} "
      "of the new sequences")
sample = 0
display = AttentionDisplay.from_estimator(transformer, X_new, sample=sample)
display.ax_.add_patch(plt.Rectangle((where[sample] - 0.5, -0.5), 1, 1, fill=False,
                                    edgecolor="red", linewidth=2))
plt.show()
