"""The adding problem: which recurrent layers remember two numbers over a long sequence.

Hochreiter & Schmidhuber (1997) set it; Le, Jaitly & Hinton (2015) ran it as
here. Each step of a sequence of length T holds a random value in [0, 1] and a
marker; two steps are marked, one in each half of the sequence, and the target
is the sum of their two values. Predicting the mean, 1, gives a mean squared
error of 1/6 ≈ 0.167 (the variance of the sum of two uniform values); a
network has solved the task when its error on unseen sequences falls below
0.01, which takes remembering the first marked value for up to T steps.

For each cell (SimpleRNN, LSTM, GRU), each length and each seed, an
``ANNRegressor([cell(units)], input_shape=(T, 2))`` trains with Adam, one
epoch at a time (``partial_fit``), until its error on held-out sequences falls
below 0.01 or the epochs run out; the row gives that epoch, the error on a
separate test set, and the seconds spent training.

    python benchmarks/adding_problem.py                 # lengths 10 25 50 100, 3 seeds
    python benchmarks/adding_problem.py --lengths 50 --seeds 1 --cells LSTM

It writes ``results/adding_problem.json`` and prints a markdown table.
Not part of the test suite (tests/test_recurrent_learning.py runs the
length-50 case for LSTM and GRU).
"""

import argparse
import json
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sk_ann import ANNRegressor
from sk_ann.layers import GRU, LSTM, SimpleRNN

HERE = Path(__file__).resolve().parent
CELLS = {"SimpleRNN": SimpleRNN, "LSTM": LSTM, "GRU": GRU}
SOLVED = 0.01


def adding_problem(n_samples, length, rng):
    """``(X, y)``: X of shape (n_samples, length, 2), values then markers; y the marked sum."""
    values = rng.uniform(size=(n_samples, length))
    markers = np.zeros((n_samples, length))
    rows = np.arange(n_samples)
    half = length // 2
    markers[rows, rng.randint(0, half, n_samples)] = 1.0
    markers[rows, rng.randint(half, length, n_samples)] = 1.0
    X = np.stack([values, markers], axis=-1)
    return X, (values * markers).sum(axis=1)


def run(cell, length, seed, *, units, n_train, max_epochs, learning_rate, batch_size):
    """Train one network; return what the table reports."""
    rng = np.random.RandomState(seed)
    X, y = adding_problem(n_train, length, rng)
    X_val, y_val = adding_problem(1000, length, rng)
    X_test, y_test = adding_problem(2000, length, rng)
    model = ANNRegressor([CELLS[cell](units)], input_shape=(length, 2), solver="adam",
                         learning_rate_init=learning_rate, batch_size=batch_size,
                         max_grad_norm=1.0, dtype="float32", random_state=seed)
    seconds, solved_at, curve = 0.0, None, []
    for epoch in range(1, max_epochs + 1):
        start = time.perf_counter()
        model.partial_fit(X, y)
        seconds += time.perf_counter() - start
        curve.append(float(np.mean((model.predict(X_val) - y_val) ** 2)))
        if curve[-1] < SOLVED:
            solved_at = epoch
            break
    test_mse = float(np.mean((model.predict(X_test) - y_test) ** 2))
    return {"cell": cell, "length": length, "seed": seed, "units": units, "n_train": n_train,
            "epochs": epoch, "solved_at_epoch": solved_at, "test_mse": test_mse,
            "seconds": seconds, "validation_curve": curve}


def table(rows):
    """Markdown: one line per cell and length, over the seeds."""
    lines = ["| cell | length | solved (val MSE < 0.01) | test MSE per seed | epochs per seed "
             "| seconds per seed (median) |", "|---|---|---|---|---|---|"]
    keys = sorted({(r["cell"], r["length"]) for r in rows},
                  key=lambda k: (list(CELLS).index(k[0]), k[1]))
    for cell, length in keys:
        group = [r for r in rows if r["cell"] == cell and r["length"] == length]
        solved = sum(r["solved_at_epoch"] is not None for r in group)
        lines.append(
            f"| {cell} | {length} | {solved}/{len(group)} | "
            + ", ".join(f"{r['test_mse']:.4f}" for r in group) + " | "
            + ", ".join(str(r["solved_at_epoch"] or f">{r['epochs']}") for r in group) + " | "
            + ", ".join(f"{r['seconds']:.0f}" for r in group)
            + f" ({statistics.median(r['seconds'] for r in group):.0f}) |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", nargs="+", default=list(CELLS), choices=list(CELLS))
    parser.add_argument("--lengths", nargs="+", type=int, default=[10, 25, 50, 100])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--units", type=int, default=32)
    parser.add_argument("--n-train", type=int, default=5000)
    parser.add_argument("--max-epochs", type=int, default=30)
    parser.add_argument("--learning-rate", type=float, default=0.01)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--out", default=str(HERE / "results" / "adding_problem.json"))
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    rows = []
    for length in args.lengths:
        for cell in args.cells:
            for seed in range(args.seeds):
                row = run(cell, length, seed, units=args.units, n_train=args.n_train,
                          max_epochs=args.max_epochs, learning_rate=args.learning_rate,
                          batch_size=args.batch_size)
                rows.append(row)
                print(f"{cell:9} T={length:3} seed {seed}: test MSE {row['test_mse']:.4f}, "
                      f"solved at epoch {row['solved_at_epoch']}, {row['seconds']:.1f} s",
                      flush=True)
    settings = {k: v for k, v in vars(args).items() if k != "out"}
    out = Path(args.out)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), "settings": settings,
                               "rows": rows}, indent=1))
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
