"""Tour: how good is a model, why does it predict what it does, and how easily is it fooled?"""

from __future__ import annotations

import numpy as np

from mmlkit.tour._api import Showcase

TITLE = "Evaluation, trust and robustness"
ORDER = 100
LAB = ("evaluation", "explanations")
API = ("mmlkit.evaluation", "mmlkit.explain")
FORMULA = (r"\mathrm{AUC} = P(s^+ > s^-) \qquad \mathrm{CV} = \frac{1}{K} \sum_k \mathrm{score}(f_{-k}, D_k) \qquad t = \frac{\bar d}{\sqrt{(1/J + n_{\text{test}}/n_{\text{train}})\, s^2}}" "\n"
           r"\phi_i = \sum_{S \subseteq F \setminus \{i\}} \frac{|S|!\,(d - |S| - 1)!}{d!} \left[v(S \cup \{i\}) - v(S)\right] \qquad x' = x + \varepsilon \, \mathrm{sign}(\nabla_x L(f(x), y))")
SUMMARY = ("A score means little without the curve behind it, the folds it was averaged over and the "
           "luck it might owe. Logistic regression on the breast-cancer data is measured by ROC and "
           "precision–recall curves, a confusion matrix and a learning curve; Kernel SHAP then splits "
           "each prediction into additive feature contributions, and FGSM shows how a perturbation "
           "too small to notice flips a digit classifier's answer.")


def _split(n, test_fraction, rng):
    perm = rng.permutation(n)
    n_test = int(round(test_fraction * n))
    return perm[n_test:], perm[:n_test]


def run(quick: bool) -> Showcase:
    from mmlkit.datasets import load_breast_cancer, load_digits
    from mmlkit.evaluation import (
        StratifiedKFold,
        accuracy_score,
        compare_models,
        learning_curve,
        metric_confidence_interval,
        roc_auc_score,
    )
    from mmlkit.explain import KernelShap, fgsm
    from mmlkit.models import GaussianNB, LogisticRegression
    from mmlkit.viz.evaluation import (
        confusion_matrix_plot,
        learning_curve_plot,
        pr_curve_plot,
        roc_curve_plot,
    )
    from mmlkit.viz.explain import adversarial_example, shap_bar, shap_beeswarm, shap_waterfall

    rng = np.random.default_rng(0)
    data = load_breast_cancer()
    X, y = data.data, data.target
    train, test = _split(len(y), 0.3, rng)
    mu, sd = X[train].mean(axis=0), X[train].std(axis=0)
    Z = (X - mu) / sd  # standardised with training statistics only
    lr = LogisticRegression(C=0.5, max_iter=200).fit(Z[train], y[train])
    nb = GaussianNB().fit(Z[train], y[train])
    s_lr, s_nb = lr.decision_function(Z[test]), nb.predict_proba(Z[test])[:, 1]
    auc = roc_auc_score(y[test], s_lr)
    names = [str(n) for n in data.target_names]
    roc = roc_curve_plot(y[test], {"logistic regression": s_lr, "Gaussian naive Bayes": s_nb})
    pr = pr_curve_plot(y[test], {"logistic regression": s_lr, "Gaussian naive Bayes": s_nb})
    cm = confusion_matrix_plot(y[test], lr.predict(Z[test]), display_labels=names)

    sizes = np.linspace(0.05, 1.0, 5 if quick else 8)
    lc_sizes, lc_train, lc_test = learning_curve(
        LogisticRegression(C=10.0, max_iter=200), Z, y, train_sizes=sizes,
        cv=StratifiedKFold(3 if quick else 5, shuffle=True, random_state=0), scoring="accuracy")
    lc = learning_curve_plot(lc_sizes, lc_train, lc_test, score_name="accuracy",
                             title="Learning curve: logistic regression, breast cancer")

    # Kernel SHAP of the log-odds for 30 features; for a linear model the exact interventional
    # values are wⱼ(xⱼ − mean of the background), a check on the estimate.
    background = Z[train][rng.choice(len(train), 40 if quick else 100, replace=False)]
    rows = Z[test][: 60 if quick else 171]
    explanation = KernelShap(lr.decision_function, background, feature_names=data.feature_names).explain(
        rows, nsamples=512 if quick else 2048, random_state=0)
    exact = lr.coef_[0] * (rows - background.mean(axis=0))
    shap_err = float(np.mean(np.abs(explanation.values - exact)))
    bar = shap_bar(explanation, max_display=10, title="Breast cancer: mean |SHAP value| (log-odds)")
    patient = int(np.argmax(np.abs(explanation.values).sum(1)))   # the patient with the most decided score
    waterfall = shap_waterfall(explanation, row=patient, max_display=8,
                               title=f"One patient's prediction (log-odds), test row {patient}")
    swarm = shap_beeswarm(explanation, data=X[test][: rows.shape[0]], max_display=10,
                          title="Breast cancer: SHAP values per patient")

    # An adversarial digit: FGSM on a softmax regression of the 8×8 digits (pixels 0–16).
    digits = load_digits()
    Xd, yd = digits.data, digits.target
    d_train, d_test = _split(len(yd), 0.25, rng)
    n_fit = 600 if quick else len(d_train)
    clf = LogisticRegression(C=1.0, max_iter=100 if quick else 300).fit(Xd[d_train[:n_fit]] / 16,
                                                                          yd[d_train[:n_fit]])
    Xt, yt = Xd[d_test] / 16, yd[d_test]
    clean_acc = accuracy_score(yt, clf.predict(Xt))
    eps = 0.1
    adv = fgsm(clf, Xt, yt, eps, clip=(0.0, 1.0))
    adv_acc = accuracy_score(yt, clf.predict(adv))
    p_clean, p_adv = clf.predict_proba(Xt), clf.predict_proba(adv)
    fooled = np.flatnonzero((clf.predict(Xt) == yt) & (clf.predict(adv) != yt))
    i = int(fooled[np.argmax(p_clean[fooled, yt[fooled]])]) if fooled.size else 0
    digit_fig = adversarial_example(
        Xt[i], adv[i], label=int(clf.predict(Xt[i:i + 1])[0]), label_adv=int(clf.predict(adv[i:i + 1])[0]),
        confidence=float(p_clean[i].max()), confidence_adv=float(p_adv[i].max()),
        title=f"FGSM, ε = {eps} (pixels in [0, 1])")

    cmp = compare_models(LogisticRegression(C=0.5, max_iter=200), GaussianNB(), Z, y,
                         cv=5, n_repeats=1 if quick else 3, random_state=0)
    ci = metric_confidence_interval(roc_auc_score, y[test], s_lr, n_resamples=300 if quick else 2000,
                                    random_state=0)
    notes = [
        f"Test ROC AUC of logistic regression {auc:.4f}, 95% bootstrap interval [{ci.low:.4f}, {ci.high:.4f}].",
        f"Logistic regression vs Gaussian naive Bayes, corrected resampled t-test over "
        f"{cmp.scores_a.size} folds: mean accuracy difference {cmp.mean_difference:+.4f}, p = {cmp.pvalue:.3g}.",
        f"Kernel SHAP on 30 features: mean |φ − exact| = {shap_err:.1e} (exact for a linear log-odds "
        "model is wⱼ(xⱼ − E xⱼ)); efficiency Σφ = f(x) − E f holds to "
        f"{np.abs(explanation.values.sum(1) + explanation.base_values - lr.decision_function(rows)).max():.0e}.",
        f"Digits, softmax regression: clean accuracy {clean_acc:.3f}; under FGSM with ε = {eps} "
        f"per pixel, {adv_acc:.3f}.",
    ]
    return Showcase(
        figures=[
            ("ROC curves on held-out patients: the whole trade-off between catching malignant tumours and "
             "false alarms", roc),
            ("Precision–recall curves: what fraction of positive calls are right as recall rises", pr),
            ("Confusion matrix of logistic regression at the 0.5 threshold", cm),
            ("Learning curve: the training–validation gap (variance) closes as data grows; the plateau "
             "is the model's bias", lc),
            ("Global importance from local attributions: mean |φ| per feature (Kernel SHAP); the 20 remaining "
             "features are summed into the grey bar", bar),
            ("Each patient's attributions, coloured by the feature's value: high texture and area push "
             "towards malignant", swarm),
            ("Explaining one prediction: from the average log-odds E[f(X)] to this patient's f(x), one signed "
             "step per feature (red raises, blue lowers; standardised feature values beside the names)",
             waterfall),
            ("An adversarial digit: a perturbation of ε per pixel along $\\mathrm{sign}(\\nabla_x L)$ changes the "
             "answer (the colour bar gives δ's scale)", digit_fig),
        ],
        key_number=("test ROC AUC (logistic regression)", f"{auc:.4f}"),
        notes=notes,
    )
