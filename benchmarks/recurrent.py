"""Benchmark row (h): an LSTM against scikit-learn's MLP of similar size on flat sequences.

10,000 generated sequences of 100 steps with 8 features; the target is what a
fixed random recurrent "teacher" network ends in after reading the sequence,
so that it depends on the whole sequence and its order. sk_ann trains
``ANNRegressor([LSTM(64), 32], input_shape=(100, 8))``; scikit-learn trains an
``MLPRegressor`` with about as many parameters on the same sequences flattened
to 800 features. Both use adam, the same learning rate and batch size (64), a
fixed number of epochs with the stopping rule off, and the same dtype; they
run in one process, interleaved, several times. The row reports, as
``run.py`` does, seconds per epoch (median, min-max), their ratio, R² on a
test set, each time as a multiple of the FLOP limit, peak memory and predict
latency.

The LSTM's training FLOPs per epoch: the forward pass is
2·n·T·(F+U)·4U (a product of each step's input and last state,
``(F + U)`` numbers, with the four gates' ``4U`` columns), the backward pass
about twice that (the gradients of the weights and of the inputs and states),
plus the dense head's, counted as in ``run.py``. The FLOP limit is that count
over the rate of a 1024³ matrix product measured in the same run.

    python benchmarks/recurrent.py              # full: 3 epochs, 5 repeats
    python benchmarks/recurrent.py --quick      # 2,000 sequences, 1 epoch, 3 repeats
    python benchmarks/recurrent.py --profile    # where one epoch's time goes, float32
    python benchmarks/recurrent.py --blas-threads 1   # everything, rate included, on one thread

Writes ``results/recurrent.json`` (``recurrent-quick.json``) and prints the rows
in the table format of benchmarks/README.md.
"""

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor
from threadpoolctl import threadpool_limits

from run import (_timed, dense_products, interleaved_fits, machine, matmul_rate,
                 training_flops)
from sk_ann import ANNRegressor
from sk_ann.layers import LSTM

HERE = Path(__file__).resolve().parent
N, T, F, UNITS, HEAD, BATCH = 10_000, 100, 8, 64, 32, 64
#: The MLP's hidden layers: about the LSTM network's 20,800 parameters.
MLP_HIDDEN = (25, 32)
DESCRIPTION = (f"{N:,} sequences x {T} steps x {F} features, LSTM({UNITS}) + ({HEAD},) vs MLP "
               f"{MLP_HIDDEN} on the flattened sequences, batch {BATCH}")


def make_data(n_samples=N, seed=0):
    """Sequences and the final output of a random recurrent teacher; standardised target."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, T, F))
    A = rng.normal(scale=1 / np.sqrt(F), size=(F, 16))
    B = rng.normal(size=(16, 16))
    B *= 0.9 / np.max(np.abs(np.linalg.eigvals(B)))  # a memory that fades over tens of steps
    h = np.zeros((n_samples, 16))
    for t in range(T):
        h = np.tanh(X[:, t] @ A + h @ B)
    y = h @ rng.normal(size=16)
    y = (y - y.mean()) / y.std()
    return train_test_split(X, y, test_size=0.2, random_state=0)


def estimators(epochs):
    """The (sk_ann LSTM, scikit-learn MLP) pair with identical training settings."""
    common = dict(solver="adam", learning_rate_init=1e-3, batch_size=BATCH, max_iter=epochs,
                  tol=0.0, n_iter_no_change=epochs + 1, shuffle=True, random_state=0)
    return (ANNRegressor([LSTM(UNITS), HEAD], input_shape=(T, F), **common),
            MLPRegressor(hidden_layer_sizes=MLP_HIDDEN, **common))


def lstm_flops(n_samples):
    """Training FLOPs of one epoch of the LSTM network: forward, then about twice backwards."""
    forward = 2 * n_samples * T * (F + UNITS) * 4 * UNITS
    return 3 * forward + training_flops(n_samples, dense_products([UNITS, HEAD, 1])) + 2 * n_samples * UNITS * HEAD


def n_params(est):
    if hasattr(est, "network_"):
        return est.network_.n_params
    return sum(W.size for W in est.coefs_) + sum(b.size for b in est.intercepts_)


def _fit(est, X, y):
    return est.fit(X if isinstance(est, ANNRegressor) else X.reshape(len(X), -1), y)


def _predict(est, X):
    return est.predict(X if isinstance(est, ANNRegressor) else X.reshape(len(X), -1))


def peak_memory(est, X, y):
    est.set_params(max_iter=1, n_iter_no_change=2)
    tracemalloc.start()
    _fit(est, X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def run(quick, repeats, rates):
    X_train, X_test, y_train, y_test = make_data()
    epochs = 1 if quick else 3
    if quick:
        X_train, y_train = X_train[:2_000], y_train[:2_000]
    rows = []
    for dtype in (np.float64, np.float32):
        Xtr, Xte = X_train.astype(dtype), X_test.astype(dtype)
        times, fitted = interleaved_fits(lambda: estimators(epochs),
                                         lambda est: _fit(est, Xtr, y_train), repeats, epochs)
        name = np.dtype(dtype).name
        mlp_sizes = [T * F, *MLP_HIDDEN, 1]
        row = {"workload": "h", "description": DESCRIPTION, "dtype": name, "epochs": epochs,
               "repeats": repeats, "n_train": len(Xtr),
               "flop_limit_s": lstm_flops(len(Xtr)) / rates[name],
               "sklearn_flop_limit_s": training_flops(len(Xtr), dense_products(mlp_sizes)) / rates[name]}
        for index, label in enumerate(times):
            ts, est = times[label], fitted[label]
            row[label] = {
                "s_per_epoch": {"median": statistics.median(ts), "min": min(ts), "max": max(ts)},
                "score": float(est.score(Xte if label == "sk_ann" else Xte.reshape(len(Xte), -1),
                                         y_test)),
                "n_params": int(n_params(est)),
                "peak_mib": peak_memory(estimators(epochs)[index], Xtr, y_train) / 2**20,
                "predict_1_row_s": statistics.median(
                    _timed(lambda: _predict(est, Xte[:1])) for _ in range(100)),
                "predict_2000_rows_s": statistics.median(
                    _timed(lambda: _predict(est, Xte)) for _ in range(3)),
            }
            limit = row["flop_limit_s"] if label == "sk_ann" else row["sklearn_flop_limit_s"]
            row[label]["x_flop_limit"] = row[label]["s_per_epoch"]["median"] / limit
        row["ratio"] = (row["sk_ann"]["s_per_epoch"]["median"]
                        / row["sklearn"]["s_per_epoch"]["median"])
        if dtype is np.float32:
            row["ratio_sk_ann_f32_vs_sklearn_f64"] = (
                row["sk_ann"]["s_per_epoch"]["median"]
                / rows[0]["sklearn"]["s_per_epoch"]["median"])
        rows.append(row)
        print(format_row(row), flush=True)
    return rows


def format_row(r):
    a, s = r["sk_ann"], r["sklearn"]

    def cell(d):
        e = d["s_per_epoch"]
        return f"{e['median']:.3f} [{e['min']:.3f}-{e['max']:.3f}]"

    f32 = r.get("ratio_sk_ann_f32_vs_sklearn_f64")
    return (f"| (h) {r['description']} | {r['dtype']} | {cell(a)} | {cell(s)} | "
            f"**{r['ratio']:.2f}** | {'' if f32 is None else f'{f32:.2f}'} | "
            f"{a['score']:.3f} / {s['score']:.3f} | "
            f"{a['x_flop_limit']:.1f} / {s['x_flop_limit']:.1f} | "
            f"{a['peak_mib']:.1f} / {s['peak_mib']:.1f} | "
            f"{a['predict_1_row_s'] * 1e6:.0f} / {s['predict_1_row_s'] * 1e6:.0f} | "
            f"{a['predict_2000_rows_s'] * 1e3:.0f} / {s['predict_2000_rows_s'] * 1e3:.0f} |")


def profile(rates):
    """One float32 epoch under cProfile: where the LSTM layer's time goes, and the rest."""
    X_train, _, y_train, _ = make_data()
    est = estimators(1)[0].set_params(dtype="float32")
    X32 = X_train.astype(np.float32)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.runcall(est.fit, X32, y_train)
    total = time.perf_counter() - start
    # Cumulative seconds of the recurrent layer's functions, by name.
    cum = {name: stat[3] for (path, _, name), stat in pstats.Stats(profiler).stats.items()
           if path.endswith("recurrent.py")}
    parts = [
        ("forward: input projection, every step's x_t W + b in one product",
         cum["forward"] - cum["_scan"]),
        ("forward: the steps, h_{t-1} U and the gates", cum["_scan"]),
        ("backward: the steps, each beside its forward step", cum["_scan_backward"]),
        ("backward: dW, db and dU (and dX, but for the first layer), batched products",
         cum["backward"] - cum["_scan_backward"]),
    ]
    parts.append(("the rest: dense head, loss, optimizer, batches",
                  total - cum["forward"] - cum["backward"]))
    print(f"one float32 epoch: {total:.2f} s under the profiler; FLOP limit "
          f"{lstm_flops(len(X32)) / rates['float32']:.2f} s")
    for text, seconds in parts:
        print(f"  {seconds:6.2f} s  {100 * seconds / total:3.0f} %  {text}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 sequences, one epoch")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--profile", action="store_true", help="where one epoch's time goes")
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="BLAS threads for everything, the FLOP rate included (default: "
                             "the library's own); 1 is steadier on a machine shared with other "
                             "jobs")
    args = parser.parse_args(argv)
    with threadpool_limits(limits=args.blas_threads, user_api="blas"):
        return _main(args)


def _main(args):
    warnings.simplefilter("ignore", ConvergenceWarning)
    rates = {np.dtype(d).name: matmul_rate(d) for d in (np.float64, np.float32)}
    print("matrix-multiply rate: "
          + ", ".join(f"{k} {v / 1e9:.1f} GFLOP/s" for k, v in rates.items()))
    if args.profile:
        profile(rates)
        return 0
    repeats = args.repeats or (3 if args.quick else 5)
    rows = run(args.quick, repeats, rates)
    result = {"date": time.strftime("%Y-%m-%d"), "mode": "quick" if args.quick else "full",
              "blas_threads": args.blas_threads, "machine": machine(), "matmul_flops": rates,
              "rows": rows}
    out = HERE / "results" / ("recurrent-quick.json" if args.quick else "recurrent.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    print(f"saved {out.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
