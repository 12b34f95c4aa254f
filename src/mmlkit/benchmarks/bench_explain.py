"""W13: explaining a 12-feature logistic model — exact Shapley and Kernel SHAP vs shap; LIME vs lime.

Quality is the mean |φ − φ_exact| over the explained rows and features (for
exact Shapley it is against shap's own exact values, so it measures agreement).
shap.KernelExplainer runs with ``l1_reg=False`` (plain constrained least
squares, the same estimator as ours) at the same ``nsamples`` budget.
"""

from __future__ import annotations

import warnings

import numpy as np

from mmlkit._bench import compare
from mmlkit.explain import KernelShap, lime_tabular, permutation_importance, shapley_values


def _problem(n_explain, n_background, d=12, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_explain + n_background + 200, d))
    w = rng.normal(size=d)
    b = 0.3

    def model(Z):  # a fitted logistic model's probability of class 1
        return 1.0 / (1.0 + np.exp(-(Z @ w + b)))

    return model, X[:n_explain], X[n_explain:n_explain + n_background], X


def run(smoke: bool = False):
    repeat = 1 if smoke else 3
    n_explain, n_bg = (3, 10) if smoke else (50, 100)
    model, X, bg, data = _problem(n_explain, n_bg, d=8 if smoke else 12)
    return [*_shapley_rows(model, X, bg, smoke, repeat), _lime_row(model, X, data, smoke, repeat),
            _permutation_row(model, data, smoke, repeat)]


def _shapley_rows(model, X, bg, smoke, repeat):
    """Exact Shapley values and KernelShap against shap."""
    import shap

    n_bg = len(bg)
    size = f"n={len(X)}, d={X.shape[1]}, B={n_bg}"
    rows = []

    def shap_exact():
        explainer = shap.explainers.Exact(model, shap.maskers.Independent(bg, max_samples=n_bg))
        return explainer(X, silent=True).values

    def shap_kernel_all():  # every coalition: Kernel SHAP is then exact, and needs no numba JIT
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return shap.KernelExplainer(model, bg).shap_values(X, nsamples=2 ** X.shape[1] - 2,
                                                               l1_reg=False, silent=True)

    exact = shapley_values(model, X, bg).values
    # smoke runs avoid shap.explainers.Exact, whose numba compilation alone takes ~30 s
    reference, reference_name = ((shap_kernel_all, "shap.KernelExplainer (all coalitions)") if smoke
                                 else (shap_exact, "shap.explainers.Exact"))
    rows.append(compare("exact Shapley values", lambda: shapley_values(model, X, bg).values,
                        reference, reference_name=reference_name, size=size,
                        quality=lambda phi: float(np.mean(np.abs(phi - exact))),
                        quality_name="mean |φ − exact|", higher_is_better=False, repeat=repeat,
                        target=0.5))

    nsamples = 256 if smoke else 2048

    def shap_kernel():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            np.random.seed(1)  # noqa: NPY002 (shap's KernelExplainer samples from the global state)
            ex = shap.KernelExplainer(model, bg)
            return ex.shap_values(X, nsamples=nsamples, l1_reg=False, silent=True)

    ks = KernelShap(model, bg)
    rows.append(compare("KernelShap", lambda: ks.shap_values(X, nsamples=nsamples, random_state=1),
                        shap_kernel, reference_name="shap.KernelExplainer", size=f"{size}, nsamples={nsamples}",
                        quality=lambda phi: float(np.mean(np.abs(phi - exact))),
                        quality_name="mean |φ − exact|", higher_is_better=False, repeat=repeat,
                        target=0.5))
    return rows


def _lime_row(model, X, data, smoke, repeat):
    """LIME: one row, the same sampling scheme; quality = |coef − lime's coef| averaged."""
    from lime.lime_tabular import LimeTabularExplainer

    n_lime = 500 if smoke else 5000
    x0 = X[0]

    def proba(Z):
        p = model(Z)
        return np.column_stack([1 - p, p])

    def ours_lime():
        return lime_tabular(proba, data, x0, num_samples=n_lime, random_state=0).coef

    def ref_lime():
        explainer = LimeTabularExplainer(data, discretize_continuous=True, random_state=0)
        exp = explainer.explain_instance(x0, proba, num_features=X.shape[1], num_samples=n_lime)
        coef = np.zeros(X.shape[1])
        for j, c in exp.local_exp[1]:
            coef[j] = c
        return coef

    ref_coef = ref_lime()
    return compare("lime_tabular", ours_lime, ref_lime, reference_name="lime LimeTabularExplainer",
                   size=f"d={X.shape[1]}, num_samples={n_lime}",
                   quality=lambda c: float(np.mean(np.abs(c - ref_coef))),
                   quality_name="mean |coef − lime's (seed 0)|", higher_is_better=False,
                   repeat=repeat)


def _permutation_row(model, data, smoke, repeat):
    """Permutation importance of a fitted model vs scikit-learn's."""
    from sklearn.inspection import permutation_importance as sk_pi
    from sklearn.linear_model import LogisticRegression

    y = (model(data) > 0.5).astype(int)
    clf = LogisticRegression().fit(data, y)
    n_rep = 2 if smoke else 10
    return compare(
        "permutation_importance", lambda: permutation_importance(clf, data, y, n_repeats=n_rep, random_state=0),
        lambda: sk_pi(clf, data, y, n_repeats=n_rep, random_state=0),
        reference_name="sklearn.inspection.permutation_importance", size=f"n={data.shape[0]}, d={data.shape[1]}",
        quality=lambda r: float(np.sum(r.importances_mean)), quality_name="Σ importance",
        repeat=repeat)
