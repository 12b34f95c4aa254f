"""Exercises · statistics: t-tests, correlation, standard errors, ranks, standardisation."""

from __future__ import annotations

from functools import partial

import numpy as np

from mmlkit.exercises._core import Exercise, Fail, against, as_array, close, unpack

E = partial(Exercise, "statistics")


def _spread(a, rel=1e-3):
    return np.ptp(a) > rel * (np.abs(a).max() + 1)


def _welch_args(g):
    return g.st.tuples(g.vec(g.sizes(2, 7)), g.vec(g.sizes(2, 7))).filter(
        lambda t: _spread(t[0]) and _spread(t[1]))


def _judge_welch(got, args):
    import mmlkit.stats as S

    a, b = args
    res = S.ttest_ind(a, b, equal_var=False)
    t, df = unpack(got, ("t", "df"))
    close("t = (mean(a) − mean(b)) / sqrt(s_a²/n_a + s_b²/n_b), sample variances (ddof=1)", t, res.statistic,
          rtol=1e-9, atol=1e-12)
    close("df is the Welch–Satterthwaite degrees of freedom", df, res.df, rtol=1e-9, atol=1e-12)


def _judge_pearson(got, args):
    import mmlkit.stats as S

    r = as_array("r", got, ())
    if abs(r) > 1 + 1e-12:
        raise Fail("r lies in [−1, 1]", f"got {float(r):.6g}", got=got)
    close("equals mmlkit.stats.pearsonr(x, y).statistic", r, S.pearsonr(*args).statistic, rtol=1e-9, atol=1e-12)


def _judge_ranks(got, args):
    import mmlkit.stats as S

    (x,) = args
    ranks = as_array("the ranks", got, x.shape)
    n = len(x)
    if abs(ranks.sum() - n * (n + 1) / 2) > 1e-9:
        raise Fail("ranks run from 1 to n (they sum to n(n+1)/2)", f"sum {ranks.sum():g}, expected {n * (n + 1) / 2:g}",
                   expected=S.rankdata(x), got=got)
    close("tied values share the average of their ranks (equals mmlkit.stats.rankdata)", ranks, S.rankdata(x),
          rtol=0, atol=1e-12)


def _zscore_args(g):
    return g.st.tuples(g.sizes(2, 6), g.sizes(1, 4)).flatmap(lambda s: g.mat(s)).filter(
        lambda X: all(_spread(c) for c in X.T)).map(lambda X: (X,))


def _sem_oracle(x):
    import mmlkit.stats as S

    return S.sem(x)


def _zscore_oracle(X):
    import mmlkit.stats as S

    return S.zscore(X, axis=0)


EXERCISES = [
    E(name="welch_t", title="Welch's t statistic",
      task="Return (t, df) of Welch's two-sample t-test (unequal variances) for samples a and b.",
      formula="t = (ā − b̄) / sqrt(s_a²/n_a + s_b²/n_b), s² with ddof = 1;  "
              "df = (s_a²/n_a + s_b²/n_b)² / [(s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1)]",
      returns="tuple (float, float)",
      args=_welch_args,
      cases=[("the example", (np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 4.0, 6.0]))),
             ("very different variances", (np.array([0.1, 0.2, 0.15]), np.array([10.0, -30.0, 25.0, 5.0, -7.0])))],
      judge=_judge_welch,
      hints=("Each sample contributes its own variance of the mean, s²/n; do not pool them.",
             "Use the unbiased sample variance: np.var(a, ddof=1) (NumPy's default is ddof=0).",
             "df is not n_a + n_b − 2: use the Welch–Satterthwaite formula with v = s²/n for each sample."),
      tolerance="rtol 1e-9 against mmlkit.stats.ttest_ind(a, b, equal_var=False)"),
    E(name="pearson_r", title="Pearson's correlation coefficient",
      task="Return Pearson's correlation r between two equally long samples x and y (neither constant).",
      formula="r = Σ (x_i − x̄)(y_i − ȳ) / sqrt(Σ (x_i − x̄)² · Σ (y_i − ȳ)²)",
      returns="float in [−1, 1]",
      args=lambda g: g.with_n(lambda n: g.st.tuples(g.vec(n), g.vec(n)), 2, 8).filter(
          lambda t: _spread(t[0]) and _spread(t[1])),
      cases=[("the example", (np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 5.0]))),
             ("data far from the origin", (np.array([1000.0, 1001.0, 1003.0]), np.array([5.0, 3.0, 4.0])))],
      judge=_judge_pearson,
      hints=("Centre both samples first; r is the cosine of the angle between the centred vectors.",
             "Use the same normalisation above and below: a covariance with ddof=1 over standard deviations "
             "with ddof=0 is off by n/(n − 1).",
             "xc, yc = x - x.mean(), y - y.mean(); return xc @ yc / np.sqrt((xc @ xc) * (yc @ yc))"),
      tolerance="rtol 1e-9"),
    E(name="standard_error", title="The standard error of the mean",
      task="Return the standard error of the sample mean of x (n ≥ 2), using the unbiased variance.",
      formula="SE = s / √n,  s² = Σ (x_i − x̄)² / (n − 1)",
      returns="float",
      args=lambda g: g.vec(g.sizes(2, 8)).map(lambda x: (x,)),
      cases=[("the example", (np.array([1.0, 2.0, 3.0, 4.0]),)),
             ("two points", (np.array([0.0, 2.0]),))],
      judge=against(_sem_oracle, "equals std(x, ddof=1)/√n (mmlkit.stats.sem)", rtol=1e-9, atol=1e-12),
      hints=("The variance of a mean of n independent draws is σ²/n.",
             "Estimate σ with ddof = 1 (divide by n − 1), then divide by √n, not by n.",
             "return np.std(x, ddof=1) / np.sqrt(len(x))"),
      tolerance="rtol 1e-9"),
    E(name="rankdata", title="Ranks with ties",
      task="Return the ranks of x, from 1 (smallest) to n, as floats; tied values share the average of the "
           "ranks they occupy.",
      formula="rank(x_i) = 1 + #{j : x_j < x_i} + (#{j : x_j = x_i} − 1)/2",
      returns="ndarray of shape (n,)",
      args=lambda g: g.hnp.arrays(np.float64, g.sizes(1, 8), elements=g.st.integers(-3, 3).map(float)).map(
          lambda x: (x,)),
      cases=[("the example", (np.array([10.0, 30.0, 20.0]),)),
             ("ties", (np.array([2.0, 1.0, 2.0, 2.0, 0.0]),))],
      judge=_judge_ranks,
      hints=("np.argsort gives the order, not the ranks: the rank of x_i is the position of i in that order.",
             "Ranks start at 1, not 0. Then give each group of equal values the mean of its ranks.",
             "rank = 1 + (number of smaller values) + (number of other equal values) / 2."),
      tolerance="exact (atol 1e-12)"),
    E(name="zscore", title="Standardising the columns of a data matrix",
      task="X has shape (n, d), rows are observations. Return the matrix with each column (feature) centred "
           "and scaled to unit standard deviation (ddof = 0). No column is constant.",
      formula="Z_ij = (X_ij − mean_j) / std_j,  mean and std over the rows (axis 0)",
      returns="ndarray of shape (n, d)",
      args=_zscore_args,
      cases=[("the example", (np.array([[1.0, 10.0], [3.0, 30.0]]),)),
             ("a tall matrix", (np.array([[1.0, 2.0, 0.0], [2.0, 0.0, 1.0], [4.0, 1.0, 1.0], [5.0, 5.0, 3.0]]),))],
      judge=against(_zscore_oracle, "equals mmlkit.stats.zscore(X, axis=0): each column has mean 0 and std 1",
                    rtol=1e-9, atol=1e-12),
      hints=("Each feature is a column: reduce over the rows, axis=0 (axis=1 standardises each observation).",
             "Keep the dimensions for broadcasting: X.mean(axis=0) has shape (d,), which broadcasts over rows.",
             "return (X - X.mean(axis=0)) / X.std(axis=0)"),
      tolerance="rtol 1e-9"),
]
