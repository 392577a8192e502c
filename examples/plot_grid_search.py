"""
Tuning a network with GridSearchCV
==================================

How many hidden neurons, and how strong an L2 penalty? Cross-validation
answers both: ``GridSearchCV`` fits the pipeline for every combination on
part of the training data and scores it on the rest. The data are the breast
tumours shipped with scikit-learn.
"""

# %%
# A quarter of the tumours is kept out of the search altogether, for a last
# check of the chosen model.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

# %%
# The scaler sits inside the pipeline, so each cross-validation split scales
# with statistics of its own training part only. A parameter of a pipeline step
# is named ``<step>__<parameter>``; ``make_pipeline`` names the steps after
# their classes, in lower case. A larger first step than the default
# ``learning_rate_init=0.001`` makes every candidate converge in a few hundred
# epochs.
pipeline = make_pipeline(
    StandardScaler(),
    ANNClassifier(learning_rate_init=0.01, max_iter=1000, random_state=0),
)
param_grid = {
    "annclassifier__hidden_layer_sizes": [(2,), (8,), (32,), (32, 32)],
    "annclassifier__alpha": [1e-4, 0.1, 3.0, 30.0],
}
search = GridSearchCV(pipeline, param_grid, cv=StratifiedKFold(4, shuffle=True, random_state=0))
search.fit(X_train, y_train)
print("best parameters:", search.best_params_)
print(f"cross-validated accuracy {search.best_score_:.3f}, "
      f"test accuracy {search.score(X_test, y_test):.3f}")

# %%
# ``cv_results_`` holds every candidate's scores; a pandas table makes it easy
# to read. ``refit=True`` (the default) has already trained the best candidate
# on the whole training set: ``search.best_estimator_`` is that pipeline, and
# ``search.predict`` uses it.
results = pd.DataFrame(search.cv_results_)
table = results.pivot_table(
    index="param_annclassifier__hidden_layer_sizes",
    columns="param_annclassifier__alpha",
    values="mean_test_score",
)
print(table.round(3))

# %%
# The same table as a picture. The strongest penalty (``alpha=30``) pulls the
# weights so close to zero that the network underfits; a moderate one helps
# every size. Two hidden neurons already do well: on this data set a nearly
# linear boundary separates the classes, and the differences between the
# larger networks are within the noise of 4-fold cross-validation.
fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
image = ax.imshow(table.to_numpy(), cmap="viridis")
ax.set_xticks(range(table.shape[1]), [f"{a:g}" for a in table.columns])
ax.set_yticks(range(table.shape[0]), [str(s) for s in table.index])
ax.set(xlabel="alpha", ylabel="hidden_layer_sizes", title="Mean cross-validated accuracy")
for (i, j), score in np.ndenumerate(table.to_numpy()):
    ax.text(j, i, f"{score:.3f}", ha="center", va="center", color="white")
fig.colorbar(image, ax=ax)
plt.show()
