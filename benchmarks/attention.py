"""Attention: a task that needs it, and how fast a transformer epoch runs.

1. Lookup. Each sample is a sequence: a query token first, then 6 (key, value)
   pairs, one token each (a one-hot key out of 8, a one-hot value out of 4, a
   query flag). The target is the value stored under the query's key. Chance
   is 25 %. A transformer (a width-32 ``Conv1D(32, 1)`` embedding, one
   ``TransformerEncoder(4)``, the query token's output, 32 neurons) against an
   MLP of about the same number of parameters on the flattened sequence
   (hidden (64, 64)), and a larger MLP (hidden (256, 256)); 3,000 training
   sequences, 1,000 test ones.

2. Row (i): the FT-Transformer of the docs (``FeatureTokenizer(32)``, two
   ``TransformerEncoder(4)``, ``ClsToken()``, 64 neurons) on
   ``make_classification`` 20,000 × 20, batch 256: seconds per epoch (median
   of 3 epochs), in float32 and float64, and that time as a multiple of the
   FLOP limit: the epoch's matrix-product FLOPs (counted below) divided by the
   machine's best n×n×n product rate in that dtype, measured in the same run.

    OPENBLAS_NUM_THREADS=1 python benchmarks/attention.py [--quick]

Writes benchmarks/results/attention.json. Not part of the test suite.
"""

import argparse
import json
import os
import platform
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from sk_ann import ANNClassifier
from sk_ann.layers import ClsToken, Conv1D, FeatureTokenizer, TransformerEncoder

HERE = Path(__file__).resolve().parent


def lookup(n, n_pairs=6, n_keys=8, n_values=4, seed=0):
    """``(X, y)``: X of shape (n, 1 + n_pairs, n_keys + n_values + 1), y the looked-up value."""
    rng = np.random.RandomState(seed)
    X = np.zeros((n, n_pairs + 1, n_keys + n_values + 1))
    keys = np.argsort(rng.random_sample((n, n_keys)), axis=1)[:, :n_pairs]  # distinct keys
    values = rng.randint(n_values, size=(n, n_pairs))
    rows, positions = np.arange(n)[:, None], np.arange(1, n_pairs + 1)[None, :]
    X[rows, positions, keys] = 1
    X[rows, positions, n_keys + values] = 1
    asked = rng.randint(n_pairs, size=n)
    X[np.arange(n), 0, keys[np.arange(n), asked]] = 1
    X[:, 0, -1] = 1  # the query flag
    return X, values[np.arange(n), asked]


def lookup_scores(n_train=3000, epochs=60):
    X, y = lookup(n_train)
    X_test, y_test = lookup(1000, seed=1)
    flat = X.reshape(len(X), -1)
    flat_test = X_test.reshape(len(X_test), -1)
    models = {
        "transformer": (ANNClassifier([Conv1D(32, 1), TransformerEncoder(4), ClsToken(), 32],
                                      input_shape=X.shape[1:], max_iter=epochs, batch_size=64,
                                      learning_rate_init=3e-3, random_state=0), X, X_test),
        "mlp (64, 64)": (ANNClassifier([64, 64], max_iter=200, random_state=0), flat, flat_test),
        "mlp (256, 256)": (ANNClassifier([256, 256], max_iter=200, random_state=0), flat,
                           flat_test),
    }
    out = {}
    for name, (model, train, test) in models.items():
        start = time.perf_counter()
        model.fit(train, y)
        out[name] = {"test_accuracy": float(model.score(test, y_test)),
                     "train_accuracy": float(model.score(train, y)),
                     "n_params": int(model.network_.n_params),
                     "fit_seconds": time.perf_counter() - start}
        print(name, out[name], flush=True)
    return out


def matmul_rate(dtype, n=1024, repeats=5):
    """Best FLOP/s of an n x n x n matrix product in this dtype, measured now."""
    rng = np.random.default_rng(0)
    A, B = rng.random((n, n)).astype(dtype), rng.random((n, n)).astype(dtype)
    A @ B
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        A @ B
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best


def ft_training_flops(n, n_features, d, n_blocks, ff, head, n_classes):
    """Matrix-product FLOPs of one training epoch of the FT-Transformer.

    Per sample and block, with T = n_features + 1 tokens: the Q, K, V
    projections 2·T·d·3d, the scores Q Kᵀ and the weighted values P V 2·T²·d
    each (all heads together), the output projection 2·T·d², the feed-forward
    2·T·d·ff twice. Each product costs about 3 times its forward FLOPs in
    training (forward, gradient of the weights, gradient of the input).
    The tokenizer, norms and softmax are element-wise and not counted.
    """
    T = n_features + 1
    block = 2 * T * d * 3 * d + 2 * 2 * T * T * d + 2 * T * d * d + 2 * 2 * T * d * ff
    forward = n_blocks * block + 2 * d * head + 2 * head * n_classes
    return 3 * n * forward


def epoch_speed(dtype, n_rows=20_000, epochs=3):
    X, y = make_classification(n_rows, 20, n_informative=10, n_classes=2, random_state=0)
    X = X.astype(dtype)
    model = ANNClassifier([FeatureTokenizer(32), TransformerEncoder(4), TransformerEncoder(4),
                           ClsToken(), 64], batch_size=256, max_iter=1, random_state=0,
                          warm_start=True)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        model.fit(X, y)
        times.append(time.perf_counter() - start)
    flops = ft_training_flops(n_rows, 20, 32, 2, 64, 64, 1)
    limit = flops / matmul_rate(dtype)
    median = statistics.median(times)
    return {"s_per_epoch": median, "flops_per_epoch": flops, "flop_limit_s": limit,
            "x_flop_limit": median / limit, "dtype": np.dtype(dtype).name,
            "network_dtype": model.network_.dtype.name}


def main(quick=False):
    warnings.simplefilter("ignore", ConvergenceWarning)
    # Timings on a shared machine mean little without how busy it was.
    result = {"machine": platform.platform(), "load_average_start": os.getloadavg()}
    result["speed"] = {}
    for dtype in (np.float32, np.float64):
        row = epoch_speed(dtype, n_rows=2_000 if quick else 20_000, epochs=1 if quick else 3)
        result["speed"][row["dtype"]] = row
        print("row (i)", row, flush=True)
    result["lookup"] = lookup_scores(500, 5) if quick else lookup_scores()
    result["load_average_end"] = os.getloadavg()
    path = HERE / "results" / ("attention_quick.json" if quick else "attention.json")
    path.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data, few epochs")
    main(parser.parse_args().quick)
