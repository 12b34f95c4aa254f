import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="mmlkit lab · evaluation, trust and robustness")


@app.cell
def _():
    import warnings

    import marimo as mo
    import numpy as np

    from mmlkit.datasets import load_digits
    from mmlkit.evaluation import accuracy_score, roc_auc_score
    from mmlkit.exceptions import ConvergenceWarning
    from mmlkit.explain import fgsm
    from mmlkit.models import LogisticRegression
    from mmlkit.viz import adversarial_example, roc_curve_plot
    return (ConvergenceWarning, LogisticRegression, accuracy_score, adversarial_example, fgsm, load_digits, mo, np,
            roc_auc_score, roc_curve_plot, warnings)


@app.cell
def _(mo):
    mo.md(r"""
    # Evaluation, trust and robustness

    ## 1. The ROC curve and what AUC means

    A classifier that outputs a score $s(x)$ becomes a decision rule once a threshold $t$ is chosen. Sweeping
    $t$ traces the ROC curve of true against false positive rate,

    $$\mathrm{TPR}(t) = P(s > t \mid y = 1), \qquad \mathrm{FPR}(t) = P(s > t \mid y = 0),$$

    and the area under it is the probability that a random positive outscores a random negative,
    $\mathrm{AUC} = P(s^+ > s^-)$. For two Gaussian score distributions a distance $\Delta$ apart (in standard
    deviations), $\mathrm{AUC} = \Phi(\Delta/\sqrt 2)$. Move the classes apart
    (`mmlkit.evaluation.roc_curve`, `roc_auc_score`).
    """)
    return


@app.cell
def _(mo):
    separation = mo.ui.slider(0.0, 4.0, step=0.1, value=1.0, label="class separation Δ", show_value=True)
    n_samples = mo.ui.slider(20, 2000, step=20, value=200, label="samples per class", show_value=True)
    mo.hstack([separation, n_samples], justify="start")
    return n_samples, separation


@app.cell
def _(mo, n_samples, np, roc_auc_score, roc_curve_plot, separation):
    from scipy.special import ndtr

    _rng = np.random.default_rng(0)
    _y = np.r_[np.zeros(n_samples.value), np.ones(n_samples.value)]
    _s = _rng.standard_normal(_y.size) + separation.value * _y
    _auc = roc_auc_score(_y, _s)
    mo.vstack([
        roc_curve_plot(_y, {f"Δ = {separation.value:.1f}": _s}, title=f"ROC curve, Δ = {separation.value:.1f}"),
        mo.md(f"empirical AUC **{_auc:.3f}**; theory Φ(Δ/√2) = **{ndtr(separation.value / np.sqrt(2)):.3f}** "
              f"(the gap shrinks as the sample grows)"),
    ])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## 2. Adversarial examples: FGSM

    A model can be accurate and still fragile. The fast gradient sign method moves every input coordinate by
    $\varepsilon$ in the direction that increases the loss most to first order,

    $$x' = \operatorname{clip}\big(x + \varepsilon\,\operatorname{sign}\nabla_x L(f(x), y)\big),$$

    the worst case under $\lVert x' - x\rVert_\infty \le \varepsilon$ for a linear model. Below, a softmax
    regression on the 8×8 digits (pixels scaled to $[0, 1]$) and `mmlkit.explain.fgsm`: increase
    $\varepsilon$ and watch the prediction flip while the digit barely changes.
    """)
    return


@app.cell
def _(ConvergenceWarning, LogisticRegression, load_digits, np, warnings):
    _digits = load_digits()
    _perm = np.random.default_rng(0).permutation(len(_digits.target))
    _train, _test = _perm[:600], _perm[1400:]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = LogisticRegression(C=1.0, max_iter=100).fit(_digits.data[_train] / 16, _digits.target[_train])
    X_digits, y_digits = _digits.data[_test] / 16, _digits.target[_test]
    return X_digits, clf, y_digits


@app.cell
def _(mo):
    epsilon = mo.ui.slider(0.0, 0.3, step=0.01, value=0.08, label="ε (per pixel)", show_value=True)
    which = mo.ui.slider(0, 19, step=1, value=0, label="which test digit", show_value=True)
    mo.hstack([epsilon, which], justify="start")
    return epsilon, which


@app.cell
def _(X_digits, accuracy_score, adversarial_example, clf, epsilon, fgsm, mo, which, y_digits):
    _adv = fgsm(clf, X_digits, y_digits, epsilon.value, clip=(0.0, 1.0))
    _i = which.value
    _p, _p_adv = clf.predict_proba(X_digits[_i:_i + 1])[0], clf.predict_proba(_adv[_i:_i + 1])[0]
    mo.vstack([
        adversarial_example(X_digits[_i], _adv[_i], label=int(_p.argmax()), label_adv=int(_p_adv.argmax()),
                            confidence=float(_p.max()), confidence_adv=float(_p_adv.max()),
                            title=f"FGSM, ε = {epsilon.value:.2f} (true label {y_digits[_i]})"),
        mo.md(f"Accuracy on {len(y_digits)} held-out digits: clean "
              f"**{accuracy_score(y_digits, clf.predict(X_digits)):.3f}**, under FGSM with ε = {epsilon.value:.2f} "
              f"**{accuracy_score(y_digits, clf.predict(_adv)):.3f}**"),
    ])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## Your turn: `roc_auc`

    Write the area under the ROC curve, ties counting ½:

    $$\mathrm{AUC} = \frac{1}{n_+ n_-} \sum_{i \in +} \sum_{j \in -} \big([s_i > s_j] + \tfrac12 [s_i = s_j]\big)$$

    Replace `raise NotImplementedError` in the cell below with your code: the cell grades your function on
    generated inputs, awkward ones included, and shows the first property that fails, on the smallest input
    that breaks it. In a terminal, `mmlkit exercises start evaluation` gives you the other exercises of this
    module, and `mmlkit exercises hint evaluation.roc_auc` a hint.
    """)
    return


@app.cell
def _(np):
    from mmlkit.exercises import check as _check

    def _roc_auc(y_true, scores):
        # Your turn (the leading underscore keeps the name local to this cell). NumPy is `np`.
        raise NotImplementedError

    _check(_roc_auc, "evaluation.roc_auc")
    return


if __name__ == "__main__":
    app.run()
