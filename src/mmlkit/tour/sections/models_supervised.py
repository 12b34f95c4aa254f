"""Tour: Bayesian polynomial regression with its band, classifier probability surfaces, a lasso path."""

from __future__ import annotations

import numpy as np

from mmlkit.tour._api import Showcase

TITLE = "Classical models: supervised"
ORDER = 80
LAB = ("models",)
API = ("mmlkit.models",)
FORMULA = (r"\text{Bayesian regression: } w \mid y \sim \mathcal{N}(m, \Sigma), \quad \Sigma = (\lambda I + \alpha \Phi^\top \Phi)^{-1}, \quad m = \alpha \Sigma \Phi^\top y, \quad \mathrm{Var}[y_* \mid x_*] = \frac{1}{\alpha} + \phi(x_*)^\top \Sigma\, \phi(x_*)" "\n"
           r"\text{logistic: } P(y = k \mid x) = \mathrm{softmax}(W x + b)_k; \qquad \text{naive Bayes: } \log P(y = k \mid x) = \log \pi_k + \sum_j \log p(x_j \mid k) - \log Z" "\n"
           r"\text{lasso: } \min_w \frac{1}{2n} \|y - X w\|^2 + \alpha \|w\|_1 \quad \text{(coordinate descent: } w_j \leftarrow S(c_j + G_{jj} w_j,\, n\alpha) / G_{jj})")
SUMMARY = ("A model that knows what it does not know: Bayesian linear regression on polynomial features "
           "puts a Gaussian posterior on the weights, so its predictive band is narrow where the data are and "
           "widens where they are not (α and λ chosen by maximising the evidence). Logistic regression and "
           "Gaussian naive Bayes turn the same 2-D data into class probabilities — one a linear boundary in "
           "log-odds of whatever features it is given, the other quadratic from per-class variances. "
           "The lasso's L1 penalty switches "
           "coefficients off one by one as α grows.")


class _Featurised:
    """Transformers followed by a classifier (what a scikit-learn Pipeline does, kept local)."""

    def __init__(self, transformers, model):
        self.transformers, self.model = transformers, model

    def _features(self, X, fit=False):
        for t in self.transformers:
            X = t.fit_transform(X) if fit else t.transform(X)
        return X

    def fit(self, X, y):
        self.model.fit(self._features(X, fit=True), y)
        self.classes_ = self.model.classes_
        return self

    def predict_proba(self, X):
        return self.model.predict_proba(self._features(X))

    def score(self, X, y):
        return self.model.score(self._features(X), y)


def run(quick: bool) -> Showcase:
    from mmlkit.datasets import load_breast_cancer, load_wine, make_moons
    from mmlkit.models import BayesianLinearRegression, GaussianNB, Lasso, LinearRegression, LogisticRegression
    from mmlkit.preprocessing import PolynomialFeatures, StandardScaler, train_test_split
    from mmlkit.viz._style import new_figure
    from mmlkit.viz.regression import coefficient_paths, probability_surface, regression_band

    rng = np.random.default_rng(0)

    # 1. Bayesian regression on degree-7 polynomial features of a noisy sine, with a gap in the data.
    def truth(x):
        return np.sin(2.0 * x) + 0.3 * x

    x = np.concatenate([rng.uniform(-3.0, -0.7, 25), rng.uniform(1.0, 3.0, 20)])
    y = truth(x) + 0.25 * rng.normal(size=x.size)
    poly = PolynomialFeatures(7, include_bias=False)
    scale = StandardScaler()
    Phi = scale.fit_transform(poly.fit_transform(x[:, None]))
    grid = np.linspace(-3.6, 3.6, 300)
    Phi_grid = scale.transform(poly.transform(grid[:, None]))
    blr = BayesianLinearRegression().fit(Phi, y)
    mean, std = blr.predict(Phi_grid, return_std=True)
    ols = LinearRegression().fit(Phi, y)
    band = regression_band(x, y, grid, mean, std, truth=truth,
                           title="Bayesian linear regression, degree-7 features")
    band.axes[0].plot(grid, np.clip(ols.predict(Phi_grid), -4, 4), ":", color="0.45", lw=1.2,
                      label="least squares (same features)")
    band.axes[0].set_ylim(-3.5, 3.5)
    band.axes[0].legend(fontsize=8, loc="lower right")
    gap = (grid > -0.7) & (grid < 1.0)
    width_ratio = float(std[gap].mean() / std[~gap & (np.abs(grid) < 3)].mean())

    # 2. Class probabilities on the moons: logistic regression on cubic features vs Gaussian naive Bayes.
    X, labels = make_moons(300 if quick else 600, noise=0.25, random_state=1)
    X_train, X_test, y_train, y_test = train_test_split(X, labels, test_size=0.3, random_state=0, stratify=labels)
    logistic = _Featurised([PolynomialFeatures(3), StandardScaler()], LogisticRegression(C=10.0, max_iter=500))
    logistic.fit(X_train, y_train)
    nb = GaussianNB().fit(X_train, y_train)
    surfaces, axes = new_figure(1, 2, width=5.2, height=4.3)
    probability_surface(logistic, X_test, y_test, ax=axes[0],
                        title=f"logistic (cubic features): test accuracy {logistic.score(X_test, y_test):.2f}")
    probability_surface(nb, X_test, y_test, ax=axes[1],
                        title=f"Gaussian naive Bayes: test accuracy {nb.score(X_test, y_test):.2f}")

    # 3. A lasso path on the standardised wine data (predicting alcohol from the other 12 features).
    wine = load_wine()
    Xw = StandardScaler().fit_transform(wine.data[:, 1:])
    yw = wine.data[:, 0]
    alphas = np.geomspace(1.0, 1e-3, 12 if quick else 40)
    lasso = Lasso(warm_start=True, tol=1e-6)
    coefs = [lasso.set_params(alpha=a).fit(Xw, yw).coef_.copy() for a in alphas]
    path = coefficient_paths(alphas, coefs, feature_names=wine.feature_names[1:],
                             title="lasso path: predicting alcohol in wine")

    # Key number: test accuracy of logistic regression on the breast-cancer data.
    Xc, yc = load_breast_cancer()
    Xc_train, Xc_test, yc_train, yc_test = train_test_split(Xc, yc, test_size=0.3, random_state=0, stratify=yc)
    scaler = StandardScaler().fit(Xc_train)
    clf = LogisticRegression(C=1.0, max_iter=500).fit(scaler.transform(Xc_train), yc_train)
    accuracy = clf.score(scaler.transform(Xc_test), yc_test)

    return Showcase(
        figures=[
            (f"Bayesian linear regression on degree-7 polynomial features: the 95% predictive band is "
             f"{width_ratio:.1f}× wider in the gap without data than among the data, and opens up beyond the "
             "ends, where the polynomial is unconstrained.", band),
            ("Class probabilities on held-out moons: logistic regression on cubic features bends its boundary "
             "with the data; Gaussian naive Bayes's boundary is quadratic in principle but nearly straight "
             "here, because the two classes have similar per-feature variances.", surfaces),
            ("Lasso regularisation path: as α falls, coordinates leave zero one at a time.", path),
        ],
        key_number=("logistic regression test accuracy (breast cancer)", f"{accuracy:.3f}"),
        notes=[
            f"Evidence-maximised precisions: noise α = {blr.alpha_:.3g}, weights λ = {blr.lambda_:.3g}; the band "
            f"is {width_ratio:.1f}× wider in the data gap than among the data.",
            f"Moons test accuracy — logistic: {logistic.score(X_test, y_test):.3f}, "
            f"Gaussian naive Bayes: {nb.score(X_test, y_test):.3f}.",
        ],
    )
