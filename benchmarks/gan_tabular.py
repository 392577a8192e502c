"""Synthetic tables, judged: ANNGAN against GaussianMixture.sample on three real tables.

For each table the real rows are split 70/30 into train and test; ANNGAN (its
defaults; its samples with and without rejection sampling, from the same fit)
and a GaussianMixture (full covariances, number of components by BIC among 1,
2, 4, 8, on one-hot categories and standardised numbers; categories decoded by
the largest one-hot entry, integers rounded) are fitted on the train rows, and
each generates as many rows. Times are CPU seconds. Reported:

- detection: cross-validated (5-fold) ROC AUC of a HistGradientBoostingClassifier
  telling the train rows from the generated ones; 0.5 = indistinguishable;
- MMD: the maximum mean discrepancy (RBF kernel, median-distance bandwidth) between
  train and generated rows, one-hot and standardised as for the mixture;
- TSTR: accuracy on the real test rows of a HistGradientBoostingClassifier trained
  on generated rows only, to predict the table's class column; "real" trains it
  on the real train rows instead, the ceiling.

Tables: scikit-learn's wine (178 rows, 13 numeric columns + class) and breast
cancer (569 rows, 30 numeric + class), and the 1996 American National Election
Study extract that statsmodels ships as a file (``statsmodels.datasets.anes96``,
944 rows: 7 integer columns (population, TV news days, three 1-7 scales, age, income bracket), party
identification and education as categories, vote as the class).
Needs ``pip install statsmodels`` for the third. Nothing is downloaded.

    python benchmarks/gan_tabular.py [--seeds 1]

Writes benchmarks/results/gan_tabular.json and prints a markdown table.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import cross_val_score, train_test_split

from sk_ann import ANNGAN


def wine():
    data = load_wine(as_frame=True)
    frame = data.frame.copy()
    frame["target"] = pd.Categorical(data.target_names[data.target])
    return frame, "target"


def breast_cancer():
    data = load_breast_cancer(as_frame=True)
    frame = data.frame.copy()
    frame["target"] = pd.Categorical(data.target_names[data.target])
    return frame, "target"


def anes96():
    from statsmodels.datasets import anes96 as source

    frame = source.load_pandas().data.drop(columns="logpopul")
    # Every column but the log holds whole numbers (days, a 1-7 scale, years,
    # an income bracket, a population count): integers, so that they are generated as such.
    for column in ("popul", "TVnews", "selfLR", "ClinLR", "DoleLR", "age", "income"):
        frame[column] = frame[column].astype("int64")
    party = ["strong Dem", "weak Dem", "indep Dem", "indep", "indep Rep", "weak Rep",
             "strong Rep"]
    frame["PID"] = pd.Categorical([party[int(k)] for k in frame["PID"]], categories=party)
    frame["educ"] = pd.Categorical(frame["educ"].astype(int).astype(str))
    frame["vote"] = pd.Categorical(np.where(frame["vote"] == 1, "Dole", "Clinton"))
    return frame, "vote"


class OneHot:
    """A table as numbers: categories one-hot, everything standardised, and back."""

    def fit(self, frame):
        self.columns = list(frame.columns)
        self.dtypes = frame.dtypes
        self.categories = {c: list(frame[c].cat.categories) for c in frame.columns
                           if isinstance(frame[c].dtype, pd.CategoricalDtype)}
        A = self._raw(frame)
        self.mean, self.scale = A.mean(axis=0), A.std(axis=0) + 1e-12
        return self

    def _raw(self, frame):
        parts = []
        for c in self.columns:
            if c in self.categories:
                parts.append((frame[c].to_numpy()[:, None]
                              == np.array(self.categories[c], dtype=object)).astype(float))
            else:
                parts.append(frame[c].to_numpy(dtype=float)[:, None])
        return np.hstack(parts)

    def transform(self, frame):
        return (self._raw(frame) - self.mean) / self.scale

    def inverse(self, A):
        A = A * self.scale + self.mean
        data, start = {}, 0
        for c in self.columns:
            if c in self.categories:
                k = len(self.categories[c])
                codes = A[:, start:start + k].argmax(axis=1)
                data[c] = pd.Categorical(np.array(self.categories[c], dtype=object)[codes],
                                         categories=self.categories[c])
                start += k
            else:
                values = A[:, start]
                if self.dtypes[c].kind in "iu":
                    values = np.round(values).astype(self.dtypes[c])
                data[c] = values
                start += 1
        return pd.DataFrame(data)


def gaussian_mixture_sample(train, n, seed):
    encoder = OneHot().fit(train)
    A = encoder.transform(train)
    models = [GaussianMixture(k, random_state=seed, reg_covar=1e-3).fit(A) for k in (1, 2, 4, 8)
              if k < len(A) // 10]
    best = min(models, key=lambda m: m.bic(A))
    return encoder.inverse(best.sample(n)[0])


def detection_auc(real, fake, seed):
    both = pd.concat([real, fake], ignore_index=True)
    label = np.r_[np.ones(len(real)), np.zeros(len(fake))]
    clf = HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=seed)
    return float(cross_val_score(clf, both, label, cv=5, scoring="roc_auc").mean())


def mmd(real, fake, encoder, seed, n=500):
    rng = np.random.RandomState(seed)
    A = encoder.transform(real.iloc[rng.permutation(len(real))[:n]])
    B = encoder.transform(fake.iloc[rng.permutation(len(fake))[:n]])
    both = np.vstack([A, B])
    squared = ((both[:, None, :] - both[None, :, :]) ** 2).sum(axis=2)
    K = np.exp(-squared / np.median(squared[squared > 0]))
    a = len(A)
    return float(K[:a, :a].mean() + K[a:, a:].mean() - 2 * K[:a, a:].mean())


def tstr(train, test, target, seed):
    clf = HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=seed)
    clf.fit(train.drop(columns=target), train[target])
    return float(accuracy_score(test[target], clf.predict(test.drop(columns=target))))


def evaluate(name, load, seed):
    frame, target = load()
    train, test = train_test_split(frame, test_size=0.3, random_state=seed,
                                   stratify=frame[target])
    encoder = OneHot().fit(train)
    rows = [dict(table=name, model="real (train rows)", seed=seed, seconds=0.0,
                 tstr=tstr(train, test, target, seed))]
    start = time.process_time()
    gan = ANNGAN(random_state=seed).fit(train)
    fit_seconds = time.process_time() - start
    samples = {}
    for rejection_sampling in (True, False):
        start = time.process_time()
        samples[rejection_sampling] = gan.sample(len(train), random_state=seed,
                                                 rejection_sampling=rejection_sampling)
        samples[rejection_sampling, "seconds"] = fit_seconds + time.process_time() - start
    rows.append(dict(table=name, model="ANNGAN", seed=seed, seconds=samples[True, "seconds"]))
    rows.append(dict(table=name, model="ANNGAN, no rejection sampling", seed=seed,
                     seconds=samples[False, "seconds"]))
    start = time.process_time()
    mixture = gaussian_mixture_sample(train, len(train), seed)
    rows.append(dict(table=name, model="GaussianMixture", seed=seed,
                     seconds=time.process_time() - start))
    for row, synthetic in zip(rows[1:], (samples[True], samples[False], mixture)):
        synthetic = synthetic.reset_index(drop=True)
        row.update(detection=detection_auc(train.reset_index(drop=True), synthetic, seed),
                   mmd=mmd(train, synthetic, encoder, seed),
                   tstr=tstr(synthetic, test, target, seed))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--tables", nargs="*", default=["wine", "breast_cancer", "anes96"])
    parser.add_argument("--out", default="gan_tabular.json")
    args = parser.parse_args(argv)
    rows = []
    for name in args.tables:
        load = globals()[name]
        name = name.replace("_", " ")
        for seed in range(args.seeds):
            for row in evaluate(name, load, seed):
                rows.append(row)
                print(row, file=sys.stderr, flush=True)
    out = Path(__file__).parent / "results" / args.out
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=1))
    print("| table | model | detection ROC AUC (0.5 best) | MMD (0 best) | "
          "TSTR accuracy | fit + sample CPU s |")
    print("|---|---|---|---|---|---|")
    for table in dict.fromkeys(r["table"] for r in rows):
        for model in dict.fromkeys(r["model"] for r in rows):
            runs = [r for r in rows if r["table"] == table and r["model"] == model]

            def cell(key, fmt):
                values = [r[key] for r in runs if key in r]
                return format(np.mean(values), fmt) if values else "-"

            print(f"| {table} | {model} | {cell('detection', '.3f')} | {cell('mmd', '.4f')} | "
                  f"{cell('tstr', '.3f')} | {cell('seconds', '.1f')} |")


if __name__ == "__main__":
    main()
