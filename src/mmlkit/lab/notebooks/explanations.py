import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="mmlkit lab · explanations")


@app.cell
def _():
    import marimo as mo
    import numpy as np

    from mmlkit.datasets import load_wine
    from mmlkit.explain import KernelShap, shapley_values
    from mmlkit.models import LogisticRegression
    from mmlkit.viz import shap_bar, shap_waterfall
    return KernelShap, LogisticRegression, load_wine, mo, np, shap_bar, shap_waterfall, shapley_values


@app.cell
def _(mo):
    mo.md(r"""
    # Explanations: who gets the credit for one prediction?

    A model's output for one input $x$ is shared out among its features by the **Shapley value**, the
    average marginal contribution of feature $i$ over every order in which the features could be revealed:

    $$\phi_i = \sum_{S \subseteq F \setminus \{i\}} \frac{|S|!\,(d - |S| - 1)!}{d!}
    \big[v(S \cup \{i\}) - v(S)\big], \qquad v(S) = \mathbb{E}\big[f(x_S, X_{\bar S})\big].$$

    The values add up (**efficiency**): $f(x) = \mathbb{E}[f(X)] + \sum_i \phi_i$. A waterfall shows exactly
    that sum, one signed step per feature. Below: a logistic regression on the wine data (class 0 against the
    rest), explained on its log-odds with `mmlkit.explain`.
    """)
    return


@app.cell
def _(LogisticRegression, load_wine, np):
    wine = load_wine()
    X = (wine.data - wine.data.mean(0)) / wine.data.std(0)
    y = (wine.target == 0).astype(int)
    model = LogisticRegression(C=1.0).fit(X, y)
    background = X[np.random.default_rng(0).choice(len(X), 40, replace=False)]
    return X, background, model, wine


@app.cell
def _(X, mo):
    row = mo.ui.slider(0, len(X) - 1, step=1, value=5, label="which wine (row)", show_value=True)
    row
    return (row,)


@app.cell
def _(X, background, mo, model, row, shap_waterfall, shapley_values, wine):
    exact = shapley_values(model.decision_function, X[row.value:row.value + 1], background,
                           feature_names=list(wine.feature_names))
    _fig = shap_waterfall(exact, x=X[row.value], max_display=8,
                          title=f"wine {row.value}: log-odds of class 0")
    mo.vstack([_fig, mo.md(
        f"E[f(X)] = {float(exact.base_values[0]):.3f}, Σφ = {exact.values.sum():+.3f}, so f(x) = "
        f"**{_fig.prediction:.3f}**; the model says {model.decision_function(X[row.value:row.value + 1])[0]:.3f}."
    )])
    return (exact,)


@app.cell
def _(mo):
    mo.md(r"""
    ## Exact against sampled: Kernel SHAP

    Exact Shapley values need $2^d$ coalitions. **Kernel SHAP** samples coalitions and solves a weighted
    least-squares problem whose solution is the Shapley value in the limit; move the number of samples and
    watch the estimate close in on the exact values (the error shrinks roughly like $1/\sqrt{n}$).
    """)
    return


@app.cell
def _(mo):
    nsamples = mo.ui.slider(32, 2048, step=32, value=128, label="coalitions sampled", show_value=True)
    nsamples
    return (nsamples,)


@app.cell
def _(KernelShap, X, background, exact, mo, model, np, nsamples, row, shap_bar, wine):
    _est = KernelShap(model.decision_function, background, feature_names=list(wine.feature_names)).explain(
        X[row.value:row.value + 1], nsamples=nsamples.value, random_state=0)
    _err = float(np.abs(_est.values - exact.values).max())
    mo.vstack([shap_bar(_est.values[0], feature_names=list(wine.feature_names), max_display=8,
                        title=f"Kernel SHAP, {nsamples.value} coalitions"),
               mo.md(f"largest error against the exact values: **{_err:.2e}**")])
    return


if __name__ == "__main__":
    app.run()
