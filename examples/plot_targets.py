"""
Categorical and multi-output targets
====================================

The target decides the output layer and the loss. This example trains the same
kind of network on several kinds of targets: class labels given as strings, a
pandas categorical column, the same classes written one-hot, a multilabel
indicator matrix (several yes/no answers per sample), several label columns
with classes of their own, and several continuous columns at once.
"""

# %%
# Class labels of any type
# ------------------------
# Multiclass labels get one output neuron per class and a softmax over them,
# trained on the categorical log loss. The labels can be strings: ``classes_``
# keeps them (sorted), ``predict`` returns them, and the columns of
# ``predict_proba`` follow their order.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_digits, load_iris
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier, ANNRegressor

iris = load_iris()
species = iris.target_names[iris.target]          # 'setosa', 'versicolor', 'virginica'
model = make_pipeline(
    StandardScaler(),
    ANNClassifier(hidden_layer_sizes=(8,), solver="lbfgs", alpha=1.0, random_state=0),
).fit(iris.data, species)
print("classes_:", model[-1].classes_)
print("output link:", model[-1].out_activation_, "over", model[-1].n_outputs_, "neurons")
print("predict:", model.predict(iris.data[[0, 60, 120]]))
print("predict_proba:")
print(model.predict_proba(iris.data[[0, 60, 120]]).round(3))

# %%
# A pandas categorical column works the same way. The categories the column
# declares but that never occur in ``y`` are not classes: the network has one
# output per label present in the training data.
y_categorical = pd.Series(pd.Categorical(species, categories=["setosa", "versicolor",
                                                               "virginica", "unseen"]))
model.fit(iris.data, y_categorical)
print("classes_:", model[-1].classes_)

# %%
# The same classes can come one-hot: a 0/1 matrix with a single 1 per row, in
# the column of the sample's class. sk_ann reads it as the categorical target it
# is (a softmax over the columns), and ``predict`` answers in the same form.
# ``multilabel=True`` would read it as three independent yes/no labels instead,
# as scikit-learn's MLP does.
one_hot = pd.get_dummies(species).to_numpy(dtype=int)
model.fit(iris.data, one_hot)
print("one-hot: output link", model[-1].out_activation_, "- classes_", model[-1].classes_)
print(model.predict(iris.data[[0, 60, 120]]))

# %%
# Several labels per sample
# -------------------------
# A 0/1 matrix with one column per label is a *multilabel* target: each sample
# may have any number of labels. Each column gets its own logistic output
# neuron and binary log loss, so the probabilities of a row need not sum to
# one. Here, for images of digits: is the digit even, is it greater than 4,
# is it prime?
X_digits, d = load_digits(return_X_y=True)
labels = ["even", "greater than 4", "prime"]
Y = np.column_stack([d % 2 == 0, d > 4, np.isin(d, [2, 3, 5, 7])]).astype(int)
X_train, X_test, Y_train, Y_test, d_train, d_test = train_test_split(
    X_digits, Y, d, random_state=0
)
multilabel = make_pipeline(
    StandardScaler(),
    ANNClassifier(hidden_layer_sizes=(32,), alpha=1.0, max_iter=500, random_state=0),
).fit(X_train, Y_train)
print("output link:", multilabel[-1].out_activation_, "over", multilabel[-1].n_outputs_,
      "neurons")
for k, label in enumerate(labels):
    accuracy = (multilabel.predict(X_test)[:, k] == Y_test[:, k]).mean()
    print(f"  {label:15} test accuracy {accuracy:.3f}")
# score is the share of samples with every label right.
print(f"all three right: {multilabel.score(X_test, Y_test):.3f}")

# %%
# The predicted probability of each label for the first test images.
proba = multilabel.predict_proba(X_test[:8])
fig, axes = plt.subplots(2, 8, figsize=(11, 3.6), layout="constrained",
                         gridspec_kw={"height_ratios": [2, 1]})
for i in range(8):
    axes[0, i].imshow(X_test[i].reshape(8, 8), cmap="gray_r")
    axes[0, i].set_axis_off()
    axes[0, i].set_title(f"digit {d_test[i]}")
    axes[1, i].bar(range(3), proba[i], color=["C0", "C1", "C2"])
    axes[1, i].set(ylim=(0, 1), xticks=range(3), yticks=[0, 1] if i == 0 else [])
    axes[1, i].set_xticklabels(["even", "> 4", "prime"], rotation=90, fontsize=8)
fig.suptitle("Probability of each label")

# %%
# Several label columns, each with its own classes
# ------------------------------------------------
# A target with several columns of class labels (*multiclass-multioutput*),
# here the species of each flower and whether its sepals are long or short,
# trains one network with one softmax per column. The output layer has one
# neuron per class of every column (3 + 2 here); each column's block of
# neurons gets its own softmax and log loss, and the hidden layer is shared.
# ``classes_`` holds one array per column, ``predict`` a label per column,
# ``predict_proba`` one array per column, and ``score`` counts the flowers
# right in both columns.
two_columns = pd.DataFrame({
    "species": species,
    "sepals": np.where(iris.data[:, 0] > 5.8, "long", "short"),
})
X_train, X_test, Y_train, Y_test = train_test_split(iris.data, two_columns, random_state=0)
both = make_pipeline(
    StandardScaler(),
    ANNClassifier(hidden_layer_sizes=(8,), solver="lbfgs", alpha=1.0, random_state=0),
).fit(X_train, Y_train)
print("classes_:", both[-1].classes_)
print("output neurons:", both[-1].n_outputs_, "-", both[-1].out_activation_, "per column")
print("predict:")
print(both.predict(X_test[:3]))
print("predict_proba:", [proba.shape for proba in both.predict_proba(X_test[:3])])
for k, column in enumerate(two_columns):
    accuracy = (both.predict(X_test)[:, k] == Y_test[column].to_numpy()).mean()
    print(f"  {column:8} test accuracy {accuracy:.3f}")
print(f"both right: {both.score(X_test, Y_test):.3f}")

# %%
# Several continuous targets
# --------------------------
# A 2-D continuous ``y`` gets one identity output neuron per column, all trained
# together on the squared error summed over the columns: the hidden layer is
# shared by the targets. Here the two petal measurements of an iris flower are
# predicted from its two sepal measurements. ``TransformedTargetRegressor``
# standardises every target column for training and turns the predictions back
# into centimetres.
X_sepals, Y_petals = iris.data[:, :2], iris.data[:, 2:]
X_train, X_test, Y_train, Y_test = train_test_split(X_sepals, Y_petals, random_state=0)
regressor = TransformedTargetRegressor(
    make_pipeline(StandardScaler(),
                  ANNRegressor(hidden_layer_sizes=(16,), solver="lbfgs", alpha=1.0,
                               random_state=0)),
    transformer=StandardScaler(),
).fit(X_train, Y_train)
print("output neurons:", regressor.regressor_[-1].n_outputs_)
Y_pred = regressor.predict(X_test)
print("prediction shape:", Y_pred.shape)
for k, name in enumerate(iris.feature_names[2:]):
    print(f"  {name:18} test R² {r2_score(Y_test[:, k], Y_pred[:, k]):.3f}")
plt.show()
