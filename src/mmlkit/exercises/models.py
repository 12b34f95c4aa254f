"""Exercises · classical models: k-means, logistic regression, ridge, least squares, mixtures."""

from __future__ import annotations

from functools import partial

import numpy as np

from mmlkit.exercises._core import Exercise, Fail, against, as_array, close, unpack

E = partial(Exercise, "models")


def _kmeans_args(g):
    return g.st.tuples(g.sizes(1, 8), g.sizes(1, 4), g.sizes(1, 2)).flatmap(
        lambda s: g.st.tuples(g.mat((s[0], s[2])), g.mat((s[1], s[2]))))


def _judge_kmeans(got, args):
    X, C = args
    new, labels = unpack(got, ("new_centers", "labels"))
    lab = as_array("labels", labels, (X.shape[0],))
    if not np.all((lab == np.round(lab)) & (lab >= 0) & (lab < len(C))):
        raise Fail("labels are integers in 0 … k−1", f"got {labels}", got=labels)
    lab = lab.astype(int)
    d2 = ((X[:, None, :] - C[None]) ** 2).sum(axis=2)
    best = d2.min(axis=1)
    mine = d2[np.arange(len(X)), lab]
    scale = 1e-9 * (1 + d2.max())
    if (mine > best + scale).any():
        i = int(np.argmax(mine - best))
        raise Fail("each point is assigned to its nearest centre",
                   f"point {i} has label {lab[i]} at squared distance {mine[i]:.4g}; the nearest centre "
                   f"({int(np.argmin(d2[i]))}) is at {best[i]:.4g}", expected=np.argmin(d2, axis=1), got=labels)
    expected = C.astype(float).copy()
    for j in range(len(C)):
        if np.any(lab == j):
            expected[j] = X[lab == j].mean(axis=0)
    got_c = as_array("new_centers", new, C.shape)
    for j in range(len(C)):
        prop = ("an empty cluster keeps its centre" if not np.any(lab == j)
                else "each new centre is the mean of the points assigned to it")
        close(f"{prop} (centre {j})", got_c[j], expected[j], rtol=1e-9, atol=1e-12)


def _logistic_args(g):
    return g.st.tuples(g.sizes(1, 6), g.sizes(1, 3)).flatmap(lambda s: g.st.tuples(
        g.vec(s[1], -3, 3), g.floats(-2, 2), g.mat(s, -3, 3), g.labels(s[0], 2).map(lambda y: y.astype(float))))


def _logistic_oracle(w, b, X, y):
    z = X @ w + b
    p = 0.5 * (1 + np.tanh(z / 2))
    return np.mean(np.logaddexp(0.0, z) - y * z), X.T @ (p - y) / len(y), np.mean(p - y)


def _ridge_args(g):
    return g.st.tuples(g.sizes(2, 8), g.sizes(1, 3)).flatmap(lambda s: g.st.tuples(
        g.mat(s), g.vec(s[0]), g.st.sampled_from([0.1, 1.0, 10.0])))


def _ridge_oracle(X, y, alpha):
    from mmlkit.models import Ridge

    m = Ridge(alpha=alpha).fit(X, y)
    return m.coef_, m.intercept_


def _ols_args(g):
    def ok(t):
        X, _ = t
        return np.linalg.cond(np.column_stack([X, np.ones(len(X))])) < 1e4

    return g.st.tuples(g.sizes(3, 8), g.sizes(1, 2)).filter(lambda s: s[0] >= s[1] + 2).flatmap(
        lambda s: g.st.tuples(g.mat(s), g.vec(s[0]))).filter(ok)


def _ols_oracle(X, y):
    from mmlkit.models import LinearRegression

    m = LinearRegression().fit(X, y)
    return m.coef_, m.intercept_


def _gmm_args(g):
    return g.sizes(1, 3).flatmap(lambda k: g.st.tuples(
        g.vec(g.sizes(1, 6), -20, 20), g.prob(k, zeros=False), g.vec(k, -5, 5), g.vec(k, 0.2, 3)))


def _gmm_oracle(x, weights, means, sigmas):
    import mmlkit.probability as prob

    log_p = np.log(weights) + np.column_stack([prob.Normal(m, s).logpdf(x) for m, s in zip(means, sigmas)])
    log_p -= log_p.max(axis=1, keepdims=True)
    p = np.exp(log_p)
    return p / p.sum(axis=1, keepdims=True)


def _judge_gmm(got, args):
    x, w = args[0], args[1]
    r = as_array("the responsibilities", got, (len(x), len(w)))
    ref = _gmm_oracle(*args)
    if np.isnan(r).any():
        raise Fail("responsibilities are numbers far from every component (work in log space)", "got NaN",
                   expected=ref, got=got)
    s = r.sum(axis=1)
    if np.abs(s - 1).max() > 1e-9:
        raise Fail("each row of responsibilities sums to 1", f"row sums {s}", expected=ref, got=got)
    close("r_ik ∝ π_k N(x_i | μ_k, σ_k²)", r, ref, rtol=1e-8, atol=1e-12)


def _linkage_args(g):
    def unambiguous(t):
        X, k = t
        ref = _linkage_heights(X)
        # The cut between k and k − 1 clusters must not be a tie (else two partitions are right).
        return k == len(X) or ref[len(X) - k] - ref[len(X) - k - 1] > 1e-6

    return g.st.tuples(g.sizes(2, 7), g.sizes(1, 2)).flatmap(lambda s: g.st.tuples(
        g.mat(s), g.st.integers(1, s[0]))).filter(unambiguous)


def _linkage_heights(X):
    """The merge heights of single linkage (the minimum spanning tree's edge lengths, sorted), then +inf."""
    n = len(X)
    D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    inside, dist, heights = np.zeros(n, bool), D[0].copy(), []
    inside[0] = True
    for _ in range(n - 1):  # Prim
        j = int(np.argmin(np.where(inside, np.inf, dist)))
        heights.append(dist[j])
        inside[j] = True
        dist = np.minimum(dist, D[j])
    return np.append(np.sort(heights), np.inf)


def _judge_linkage(got, args):
    X, k = args
    from mmlkit.exercises._solutions.models import single_linkage

    lab = as_array("labels", got, (len(X),))
    ref = single_linkage(X, k)
    if len(np.unique(lab)) != k:
        raise Fail("there are exactly k clusters", f"got {len(np.unique(lab))} distinct labels", expected=ref,
                   got=got)
    same, same_ref = lab[:, None] == lab[None, :], ref[:, None] == ref[None, :]
    if (same != same_ref).any():
        i, j = np.argwhere(same != same_ref)[0]
        raise Fail("the partition is single linkage's (labels may be numbered in any order)",
                   f"points {i} and {j} are {'together' if same[i, j] else 'apart'} in yours, "
                   f"{'together' if same_ref[i, j] else 'apart'} in single linkage's", expected=ref, got=got)


EXERCISES = [
    E(name="kmeans_step", title="One step of k-means (Lloyd's algorithm)",
      task="Given points X (n, d) and k centres (k, d), assign each point to its nearest centre (labels, "
           "shape (n,), integers 0 … k−1), then move each centre to the mean of its points. A centre with no "
           "points (an empty cluster) stays where it is. Return (new_centers, labels).",
      formula="label_i = argmin_j ‖x_i − c_j‖²;  c_j ← mean{x_i : label_i = j} (unchanged if empty)",
      returns="tuple (ndarray (k, d), ndarray (n,) of ints)",
      args=_kmeans_args,
      cases=[("the example", (np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 5.0]]), np.array([[0.0, 0.5], [4.0, 4.0]]))),
             ("an empty cluster", (np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([[0.5, 0.0], [100.0, 100.0]]))),
             ("one-dimensional data", (np.array([[1.0], [2.0], [10.0], [11.0]]), np.array([[0.0], [20.0]])))],
      judge=_judge_kmeans,
      hints=("Compute all squared distances at once with broadcasting: X[:, None, :] − centers[None, :, :].",
             "The label is the argmin over the centres (axis=1), not the argmax.",
             "The mean of an empty set is NaN: keep the old centre when no point has label j."),
      tolerance="ties within 1e-9 accepted; centres to rtol 1e-9"),
    E(name="logistic_loss_grad", title="Logistic regression: loss and gradient",
      task="For weights w (d,), bias b, data X (n, d) and labels y in {0, 1}, return (loss, dw, db) of the "
           "mean log-loss. It must stay finite for large margins (|Xw + b| ≈ 1000).",
      formula="z = Xw + b, σ(z) = 1/(1 + e⁻ᶻ);  L = −(1/n) Σ [y log σ(z) + (1 − y) log(1 − σ(z))] "
              "= (1/n) Σ [log(1 + eᶻ) − y z];  dw = Xᵀ(σ(z) − y)/n,  db = mean(σ(z) − y)",
      returns="tuple (float, ndarray (d,), float)",
      args=_logistic_args,
      cases=[("the example", (np.array([1.0, -1.0]), 0.0, np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1.0, 0.0]))),
             ("large margins", (np.array([100.0]), 0.0, np.array([[10.0], [-10.0], [12.0]]),
                                np.array([0.0, 1.0, 1.0])))],
      judge=against(_logistic_oracle, "is correct", rtol=1e-9, atol=1e-12, names=("loss", "dw", "db"),
                    props=("loss is the mean log-loss (stable: log(1 + eᶻ) = np.logaddexp(0, z))",
                           "dw = Xᵀ(σ(z) − y)/n", "db = mean(σ(z) − y)")),
      hints=("Write the loss in terms of z: log σ(z) = −log(1 + e⁻ᶻ) and log(1 − σ(z)) = −log(1 + eᶻ).",
             "np.log(sigmoid(z)) is log(0) = −inf when z = −1000: use np.logaddexp(0, z) − y·z instead.",
             "The gradient is (σ(z) − y), averaged: divide by n (the mean, not the sum)."),
      tolerance="rtol 1e-9"),
    E(name="ridge_fit", title="Ridge regression with an unpenalised intercept",
      task="Return (w, b) minimising ‖y − Xw − b‖² + α‖w‖² for X (n, d), y (n,), α > 0. The intercept b is "
           "not penalised.",
      formula="centre X and y;  w = (X_cᵀX_c + αI)⁻¹ X_cᵀ y_c;  b = ȳ − x̄·w",
      returns="tuple (ndarray (d,), float)",
      args=_ridge_args,
      cases=[("the example", (np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0]), 1.0)),
             ("data far from the origin", (np.array([[100.0, 1.0], [101.0, 0.0], [102.0, 2.0], [103.0, 1.0]]),
                                           np.array([50.0, 52.0, 53.0, 56.0]), 0.5)),
             ("collinear features", (np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]]), np.array([1.0, 2.0, 2.0]), 1.0))],
      judge=against(_ridge_oracle, "is correct", rtol=1e-7, atol=1e-9, names=("w", "b"),
                    props=("w equals mmlkit.models.Ridge(alpha).coef_ (intercept not penalised)",
                           "b equals mmlkit.models.Ridge(alpha).intercept_")),
      hints=("Adding a column of ones and penalising every coefficient would shrink the intercept too.",
             "Centre X and y: then the intercept drops out, and b = mean(y) − mean(X)·w afterwards.",
             "w = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(d), Xc.T @ yc) — α is not divided by n."),
      tolerance="rtol 1e-7 against mmlkit.models.Ridge"),
    E(name="linear_regression", title="Ordinary least squares with an intercept",
      task="Return (w, b) minimising ‖y − Xw − b‖² for X (n, d) of full column rank (after adding the "
           "intercept column), y (n,).",
      formula="[w; b] = argmin ‖y − [X 1][w; b]‖²  (solve by lstsq / QR rather than inverting XᵀX)",
      returns="tuple (ndarray (d,), float)",
      args=_ols_args,
      cases=[("the example", (np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0]))),
             ("two features", (np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0]]),
                               np.array([1.0, 2.0, 2.5, 4.0])))],
      judge=against(_ols_oracle, "is correct", rtol=1e-7, atol=1e-9, names=("w", "b"),
                    props=("w equals mmlkit.models.LinearRegression().coef_",
                           "b equals mmlkit.models.LinearRegression().intercept_")),
      hints=("Without an intercept the line is forced through the origin.",
             "Append a column of ones to X; its coefficient is b.",
             "A = np.column_stack([X, np.ones(len(X))]); coef = np.linalg.lstsq(A, y, rcond=None)[0]"),
      tolerance="rtol 1e-7 against mmlkit.models.LinearRegression"),
    E(name="gmm_responsibilities", title="The E-step of a one-dimensional Gaussian mixture",
      task="For points x (n,), mixture weights (k,), means (k,) and standard deviations sigmas (k,), return the "
           "(n, k) responsibilities r[i, j] = P(component j | x_i). Points far from every component (|x| = 50 "
           "σ away) must still get proper responsibilities: work in log space.",
      formula="r_ij = π_j N(x_i | μ_j, σ_j²) / Σ_l π_l N(x_i | μ_l, σ_l²)",
      returns="ndarray of shape (n, k)",
      args=_gmm_args,
      cases=[("the example", (np.array([0.0, 2.0]), np.array([0.5, 0.5]), np.array([0.0, 2.0]), np.array([1.0, 1.0]))),
             ("far from every component", (np.array([60.0, -80.0]), np.array([0.3, 0.7]), np.array([0.0, 1.0]),
                                           np.array([0.5, 1.0]))),
             ("different widths", (np.array([0.5, 3.0]), np.array([0.2, 0.8]), np.array([0.0, 0.0]),
                                   np.array([0.5, 3.0])))],
      judge=_judge_gmm,
      hints=("Each responsibility is a weighted density divided by the sum over components (Bayes' rule).",
             "sigmas are standard deviations: the density has 1/σ in front and (x − μ)²/σ² in the exponent.",
             "Far away every density underflows to 0 and 0/0 = NaN: compute log π_j + log N, subtract the row "
             "maximum, then exponentiate and normalise."),
      tolerance="rtol 1e-8"),
    E(name="single_linkage", title="Single-linkage clustering",
      task="Cluster the rows of X (n, d) into k groups by single linkage: start with every point alone and "
           "repeatedly merge the two clusters whose closest points are nearest, until k clusters are left. "
           "Return labels (n,) of ints; any numbering of the clusters is accepted.",
      formula="d(A, B) = min_{a ∈ A, b ∈ B} ‖a − b‖;  merge argmin d(A, B) until k clusters remain "
              "(= cut the k − 1 longest edges of the minimum spanning tree)",
      returns="ndarray of shape (n,), integer labels",
      args=_linkage_args,
      cases=[("the example", (np.array([[0.0], [1.0], [5.0], [6.5]]), 2)),
             ("a chain (single linkage follows it)", (np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [3.0, 0.0],
                                                              [1.5, 2.4]]), 2)),
             ("k = n", (np.array([[0.0], [1.0], [3.0]]), 3)),
             ("k = 1", (np.array([[0.0], [10.0]]), 1))],
      judge=_judge_linkage,
      hints=("Keep a label per point; merging two clusters relabels all the points of one of them.",
             "The distance between clusters is the *smallest* distance between their points (max would be "
             "complete linkage). Stop when exactly k clusters are left.",
             "Equivalently: sort all pairs by distance and join their clusters (union-find) unless already "
             "joined, until k clusters remain."),
      tolerance="exact partition; labels compared up to a permutation"),
]
