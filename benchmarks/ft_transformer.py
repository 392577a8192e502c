"""An FT-Transformer against MLPs on real tables that ship with installed packages.

For each data set, 5-fold cross-validation (stratified for classification) of

- ``mlp default``: ``ANNClassifier()`` / ``ANNRegressor()`` with every default
  (scikit-learn's MLP defaults: hidden (100,), adam, 200 epochs);
- ``mlp grid best``: the best of a small grid (hidden (100,) or (256, 128),
  alpha 1e-4 or 1e-2), picked by the same 5-fold scores it reports, which
  flatters the MLP a little;
- ``ft-transformer``: ``FeatureTokenizer(16)``, two ``TransformerEncoder(2,
  dropout=0.1)``, ``ClsToken()``, a hidden layer of 64, AdamW (weight decay
  1e-5) with 5 warm-up epochs and cosine decay over at most 40 epochs, early
  stopping after 5 epochs without improvement, batches of 32 rows below 2,000
  rows and of 128 above;

each in a pipeline after a ``StandardScaler``. Scores are accuracy or R²,
mean ± standard deviation over the folds; fit time is the mean seconds per fold.

Data: scikit-learn's wine, breast cancer, digits and diabetes; statsmodels'
``fair`` (6,366 rows: whether a respondent reported an affair) and ``anes96``
(944 rows: the 1996 American National Election Study, vote Clinton / Dole).
No download: the statsmodels sets ship inside the package (``pip install
statsmodels``; skipped when it is missing).

    OPENBLAS_NUM_THREADS=1 python benchmarks/ft_transformer.py [--quick]

writes benchmarks/results/ft_transformer.json and prints a reST table. Not
part of the test suite: timings depend on the machine.
"""

import argparse
import json
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier, ANNRegressor
from sk_ann.layers import ClsToken, FeatureTokenizer, TransformerEncoder

HERE = Path(__file__).resolve().parent


def datasets():
    """name -> (X, y, is_classification)."""
    out = {}
    for name, loader in [("wine", load_wine), ("breast cancer", load_breast_cancer)]:
        X, y = loader(return_X_y=True)
        out[name] = (X, y, True)
    X, y = load_diabetes(return_X_y=True)
    out["diabetes"] = (X, (y - y.mean()) / y.std(), False)
    # Digits last: 65 tokens make it the slowest for attention, whose cost grows as tokens².
    out["digits"] = (*load_digits(return_X_y=True), True)
    return out


def more_datasets(out):
    try:
        from statsmodels.datasets import anes96, fair
    except ImportError:
        print("statsmodels is not installed: fair and anes96 skipped", file=sys.stderr)
        return out
    data = fair.load_pandas().data
    out["fair (statsmodels)"] = (data.drop(columns="affairs").to_numpy(float),
                                 (data["affairs"] > 0).to_numpy(int), True)
    data = anes96.load_pandas().data
    out["anes96 (statsmodels)"] = (data.drop(columns=["vote", "logpopul"]).to_numpy(float),
                                   data["vote"].to_numpy(int), True)
    return out


def ft_transformer(classification, max_iter, n_rows):
    cls = ANNClassifier if classification else ANNRegressor
    # Small tables get small batches: 40 epochs of 2 batches are too few steps to learn.
    return cls([FeatureTokenizer(16), TransformerEncoder(2, dropout=0.1),
                TransformerEncoder(2, dropout=0.1), ClsToken(), 64],
               solver="adamw", weight_decay=1e-5, learning_rate_init=1e-3, warmup_epochs=5,
               learning_rate="cosine", max_iter=max_iter, early_stopping=True,
               n_iter_no_change=5, batch_size=32 if n_rows < 2000 else 128,
               random_state=0)


def evaluate(model, X, y, cv):
    result = cross_validate(make_pipeline(StandardScaler(), model), X, y, cv=cv)
    scores = result["test_score"]
    return {"mean": float(scores.mean()), "std": float(scores.std()),
            "fit_seconds": float(result["fit_time"].mean())}


def main(quick=False):
    warnings.simplefilter("ignore", ConvergenceWarning)
    rows = {}
    data = datasets()
    more_datasets(data)
    # The tables of statsmodels before digits, the slowest.
    order = [n for n in data if n != "digits"] + ["digits"]
    for name in order:
        X, y, classification = data[name]
        if quick:
            keep = np.random.RandomState(0).permutation(len(y))[:300]
            X, y = X[keep], y[keep]
        cv = (StratifiedKFold(5, shuffle=True, random_state=0) if classification
              else KFold(5, shuffle=True, random_state=0))
        cls = ANNClassifier if classification else ANNRegressor
        row = {"rows": int(X.shape[0]), "features": int(X.shape[1])}
        row["mlp default"] = evaluate(cls(random_state=0, max_iter=20 if quick else 200),
                                      X, y, cv)
        grid = []
        for hidden in [(100,), (256, 128)]:
            for alpha in [1e-4, 1e-2]:
                r = evaluate(cls(hidden, alpha=alpha, random_state=0,
                                 max_iter=20 if quick else 200), X, y, cv)
                grid.append({**r, "params": f"hidden={hidden}, alpha={alpha}"})
        row["mlp grid best"] = max(grid, key=lambda r: r["mean"])
        row["ft-transformer"] = evaluate(ft_transformer(classification, 8 if quick else 40, len(y)),
                                         X, y, cv)
        rows[name] = row
        print(name, json.dumps(row), flush=True)
        path = HERE / "results" / ("ft_transformer_quick.json" if quick else
                                   "ft_transformer.json")
        path.write_text(json.dumps({"machine": platform.platform(), "rows": rows}, indent=1))
    print(table(rows))


def table(rows):
    models = ["mlp default", "mlp grid best", "ft-transformer"]
    lines = ["data set (rows × features) | " + " | ".join(models)]
    for name, row in rows.items():
        cells = [f"{row[m]['mean']:.3f} ± {row[m]['std']:.3f} ({row[m]['fit_seconds']:.1f} s)"
                 for m in models]
        lines.append(f"{name} ({row['rows']} × {row['features']}) | " + " | ".join(cells))
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="300 rows, few epochs: a smoke run")
    main(parser.parse_args().quick)
