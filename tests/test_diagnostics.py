"""Training diagnostics: failures made on purpose are found and named, healthy fits are not."""

import warnings

import numpy as np
import pytest
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_breast_cancer, load_diabetes, load_linnerud, load_wine
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ann import ANNClassifier, ANNRegressor
from sk_ann._advice import curve_findings
from sk_ann.inspection import diagnose


def quiet_fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, y)


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return X, y, StandardScaler().fit_transform(X)


def test_unscaled_targets_are_named_in_the_warning_and_by_diagnose():
    X, y = load_linnerud(return_X_y=True)
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations .* Likely cause: the "
                                                r"targets are far from unit scale.*"
                                                r"TransformedTargetRegressor"):
        model = ANNRegressor(random_state=0).fit(X, y)
    assert model.score(X, y) < 0
    diagnosis = diagnose(model, X, y)
    assert diagnosis.kinds[0] == "unscaled_target"
    assert "TransformedTargetRegressor(regressor=..., transformer=StandardScaler())" in \
        diagnosis.findings[0].advice
    assert "unscaled_input" in diagnosis.kinds
    # The fix the advice names: no finding left, and the fit is good.
    fixed = quiet_fit(TransformedTargetRegressor(
        regressor=make_pipeline(StandardScaler(), ANNRegressor(max_iter=2000, random_state=0)),
        transformer=StandardScaler()), X, y)
    assert fixed.score(X, y) > 0.5
    assert diagnose(fixed, X, y).findings == []


def test_unscaled_x_gets_advice_to_scale_it(cancer):
    X, y, _ = cancer
    model = quiet_fit(ANNClassifier(max_iter=20, random_state=0), X, y)
    diagnosis = diagnose(model, X, y)
    finding = diagnosis.findings[diagnosis.kinds.index("unscaled_input")]
    assert "StandardScaler" in finding.advice and "Pipeline" in finding.advice
    area = list(load_breast_cancer().feature_names).index("mean area")
    assert area in finding.where
    assert "unscaled_target" not in diagnosis.kinds  # class labels have no scale


def test_divergence_error_names_the_unscaled_data():
    X, y = load_linnerud(return_X_y=True)
    with pytest.raises(ValueError, match=r"non-finite.*Likely cause: the targets are far from "
                                         r"unit scale"):
        ANNRegressor(activation="identity", solver="sgd", learning_rate_init=1.0, max_iter=50,
                     random_state=0).fit(X * 10, y)


def test_dead_relu_units_are_counted_as_layer_outputs_show_them(cancer):
    _, y, X = cancer
    model = quiet_fit(ANNClassifier((20,), learning_rate_init=1.0, max_iter=30,
                                    random_state=0), X, y)
    diagnosis = diagnose(model, X, y)
    hidden = model.network_.layer_outputs(X)[0]
    never_active = np.flatnonzero((hidden <= 0).all(axis=0))
    np.testing.assert_array_equal(diagnosis.layers[0].dead_units, never_active)
    if len(never_active) >= 10:
        assert "dead_units" in diagnosis.kinds
        assert "leaky_relu" in diagnosis.findings[diagnosis.kinds.index("dead_units")].advice
    assert diagnosis.layers[0].saturated_units is None


def test_dead_units_from_a_huge_learning_rate_are_a_finding():
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    y = (y - y.mean()) / y.std()
    # Gradient clipping keeps the huge steps from diverging; they kill units instead.
    model = quiet_fit(ANNRegressor((20,), solver="sgd", learning_rate_init=2.0,
                                   max_grad_norm=5.0, max_iter=20, random_state=0), X, y)
    diagnosis = diagnose(model, X, y)
    dead = np.flatnonzero((model.network_.layer_outputs(X)[0] <= 0).all(axis=0))
    assert len(dead) >= 10
    np.testing.assert_array_equal(diagnosis.layers[0].dead_units, dead)
    assert "dead_units" in diagnosis.kinds


def test_saturated_tanh_units_are_reported(cancer):
    _, y, X = cancer
    model = quiet_fit(ANNClassifier((8, 8), activation="tanh", max_iter=50, random_state=0),
                      X, y)
    model.network_.layers[0].W[...] *= 100  # drive every first-layer unit to ±1
    diagnosis = diagnose(model, X, y)
    assert len(diagnosis.layers[0].saturated_units) == 8
    assert diagnosis.layers[0].dead_units is None
    assert "saturated_units" in diagnosis.kinds
    assert diagnosis.findings[diagnosis.kinds.index("saturated_units")].where == [0]
    assert "saturated" in repr(diagnosis)


def test_a_healthy_network_on_standardised_data_has_no_findings(cancer):
    X, y, _ = cancer
    model = quiet_fit(make_pipeline(StandardScaler(), ANNClassifier((32,), max_iter=500,
                                                                    random_state=0)), X, y)
    diagnosis = diagnose(model, X, y)
    assert diagnosis.findings == [], diagnosis
    assert repr(diagnosis).startswith("Diagnosis on 569 rows: no findings")
    assert all(report.gradient_norm is not None for report in diagnosis.layers)


def test_gallery_settings_raise_no_false_alarms():
    # examples/plot_classification_quickstart.py
    X, y = load_wine(return_X_y=True)
    wine = quiet_fit(make_pipeline(StandardScaler(), ANNClassifier(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, random_state=0)), X, y)
    assert diagnose(wine, X, y).findings == []
    # examples/plot_regression_quickstart.py
    X, y = load_diabetes(return_X_y=True, scaled=False)
    diabetes = quiet_fit(TransformedTargetRegressor(
        regressor=make_pipeline(StandardScaler(), ANNRegressor(
            hidden_layer_sizes=(16,), solver="lbfgs", alpha=10.0, max_iter=3000,
            random_state=0)),
        transformer=StandardScaler()), X, y)
    assert diagnose(diabetes, X, y).findings == []


@pytest.mark.parametrize("curve, kind", [
    (np.linspace(2.0, 1.0, 50), "still_improving"),
    (np.r_[np.linspace(1.0, 0.5, 20), 0.5 + 0.2 * (np.arange(20) % 2)], "oscillating_loss"),
    (np.r_[np.linspace(1.0, 0.2, 20), np.linspace(0.3, 3.0, 10)], "diverging_loss"),
    (np.r_[np.linspace(1.0, 0.5, 20), np.full(30, 0.5)], None),
])
def test_loss_curves(curve, kind):
    findings = curve_findings(curve, n_iter=len(curve), max_iter=len(curve), tol=1e-4,
                              params={"learning_rate_init": 0.001})
    assert [f.kind for f in findings] == ([kind] if kind else [])


@pytest.mark.parametrize("last, flagged", [(0.994, True), (0.996, False)])
def test_still_improving_means_a_fall_of_over_half_a_percent_in_the_last_iterations(
        last, flagged):
    # A plateau, a sudden drop, then a slow fall over the last 10 iterations:
    # the fall is measured from where those iterations start (1.0), not from the plateau.
    curve = np.r_[np.full(39, 1.5), np.linspace(1.0, last, 11)]
    findings = curve_findings(curve, n_iter=50, max_iter=50, tol=1e-4)
    assert [f.kind for f in findings] == (["still_improving"] if flagged else [])
    if flagged:
        assert "by 0.6% over the last 10 iterations" in findings[0].message


def test_non_finite_losses_are_left_out_of_the_curve():
    # An epoch whose loss overflowed says nothing about the trend of the others.
    curve = np.r_[np.linspace(2.0, 1.0, 50), np.nan, np.inf]
    findings = curve_findings(curve, n_iter=52, max_iter=52, tol=1e-4)
    assert [f.kind for f in findings] == ["still_improving"]
    assert "nan" not in findings[0].message and "inf" not in findings[0].message


def test_diagnose_refuses_an_unfitted_estimator_as_not_fitted():
    X, y = load_wine(return_X_y=True)
    with pytest.raises(NotFittedError):
        diagnose(ANNClassifier(), X, y)
    # Also at the end of a pipeline whose earlier steps are fitted.
    with pytest.raises(NotFittedError):
        diagnose(make_pipeline(StandardScaler().fit(X), ANNClassifier()), X, y)


def test_overfitting_is_a_validation_score_falling_while_the_loss_falls():
    loss = np.linspace(1.0, 0.1, 30)
    scores = np.r_[np.linspace(0.5, 0.9, 10), np.linspace(0.9, 0.7, 20)]
    findings = curve_findings(loss, n_iter=30, max_iter=100, validation_scores=scores,
                              params={"alpha": 0.0001})
    assert [f.kind for f in findings] == ["overfitting"]
    assert "alpha" in findings[0].advice and "early_stopping=True" in findings[0].advice
    steady = curve_findings(loss, n_iter=30, max_iter=100, validation_scores=np.full(30, 0.9))
    assert steady == []


def test_diagnostics_display_draws_every_layer(cancer):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sk_ann.plot import DiagnosticsDisplay

    _, y, X = cancer
    model = quiet_fit(ANNClassifier((8, 8), activation="tanh", max_iter=50, random_state=0),
                      X, y)
    model.network_.layers[0].W[...] *= 100
    display = DiagnosticsDisplay.from_estimator(model, X, y)
    assert len(display.violins_["bodies"]) == 3
    assert np.all(display.lines_["gradient"].get_ydata() > 0)
    assert "saturated_units" in display.figure_.get_suptitle()
    # A pipeline is titled by the network at its end.
    piped = DiagnosticsDisplay.from_estimator(make_pipeline(StandardScaler().fit(X), model), X, y)
    assert piped.figure_.get_suptitle().startswith("ANNClassifier: ")
    assert any("8/8 saturated" in text.get_text() for text in display.axes_[0].texts)
    plt.close("all")


def test_images_are_checked_as_a_whole_blank_borders_are_no_fault():
    from sklearn.datasets import load_digits

    from sk_ann.layers import Conv2D, MaxPool2D

    X, y = load_digits(return_X_y=True)
    X, y = X[:150].reshape(-1, 8, 8, 1), y[:150]
    spec = dict(hidden_layer_sizes=[Conv2D(2, 3), MaxPool2D(2)], input_shape=(8, 8, 1),
                max_iter=3, random_state=0)
    scaled = quiet_fit(ANNClassifier(**spec), X / 16, y)
    assert not {"unscaled_input", "constant_input"} & set(diagnose(scaled, X / 16, y).kinds)
    raw = quiet_fit(ANNClassifier(**spec), X * 16, y)
    finding = diagnose(raw, X * 16, y).findings[0]
    assert finding.kind == "unscaled_input" and "X / X.max()" in finding.advice
    with pytest.warns(ConvergenceWarning, match="Likely cause: the values of X are far from"):
        ANNClassifier(**spec).fit(X * 16, y)
