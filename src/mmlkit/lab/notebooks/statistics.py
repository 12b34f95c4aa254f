import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="mmlkit lab · statistics")


@app.cell
def _():
    import marimo as mo
    import numpy as np

    import mmlkit.stats as st
    from mmlkit.viz import ci_coverage, permutation_null
    return ci_coverage, mo, np, permutation_null, st


@app.cell
def _(mo):
    mo.md(r"""
    # Statistics: what the data can and cannot say

    ## 1. What "95 % confidence" means

    From a sample $x_1,\dots,x_n$ the $t$ interval for the mean is

    $$\bar x \;\pm\; t_{n-1,\,1-\alpha/2}\,\frac{s}{\sqrt n}, \qquad
    s^2 = \frac{1}{n-1}\sum_i (x_i - \bar x)^2 .$$

    The confidence is a property of the *procedure*: over many repeated samples about 95 % of the intervals
    cover the true mean. Each line below is one sample's interval (`mmlkit.stats.confidence_interval`);
    red ones miss. Larger samples give narrower intervals with the same coverage — unless you use the
    normal ($z$) quantile with the sample standard deviation, which under-covers for small $n$.
    """)
    return


@app.cell
def _(mo):
    sample_size = mo.ui.slider(2, 100, step=1, value=10, label="sample size n", show_value=True)
    level = mo.ui.slider(0.5, 0.99, step=0.01, value=0.95, label="confidence level", show_value=True)
    method = mo.ui.dropdown(["t", "z"], value="t", label="interval")
    mo.hstack([sample_size, level, method], justify="start")
    return level, method, sample_size


@app.cell
def _(ci_coverage, level, method, mo, sample_size, st):
    _fig = ci_coverage(n_intervals=100, sample_size=sample_size.value, level=level.value, method=method.value,
                       random_state=1)
    _many = ci_coverage(n_intervals=1000, sample_size=sample_size.value, level=level.value,
                        method=method.value, random_state=2)
    _ci = st.confidence_interval([0.3, -1.2, 0.8, 1.9, 0.1], level.value, method=method.value)
    mo.vstack([
        _fig,
        mo.md(f"Coverage over 1 000 simulated samples of size {sample_size.value}: **{_many.coverage:.3f}** "
              f"(nominal {level.value:.2f}). For the sample [0.3, −1.2, 0.8, 1.9, 0.1]: "
              f"`confidence_interval(x, {level.value:.2f}, method='{method.value}')` = "
              f"[{_ci[0]:.3f}, {_ci[1]:.3f}]"),
    ])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## 2. A test without formulas: permutation

    Two groups differ in mean by some amount. If they came from one distribution (the null hypothesis $H_0$),
    the group labels would be exchangeable, so shuffling them shows the distribution of the difference under
    $H_0$. The p-value is the share of shuffles at least as extreme as what was observed:

    $$p = \frac{1 + \#\{\pi : |T(\pi)| \ge |T_{\text{obs}}|\}}{1 + N_{\text{perm}}} .$$

    Change the true effect size and the sample size, and compare with Welch's $t$ test
    (`mmlkit.stats.permutation_test`, `ttest_ind`).
    """)
    return


@app.cell
def _(mo):
    effect = mo.ui.slider(0.0, 1.5, step=0.05, value=0.4, label="true effect (in SDs)", show_value=True)
    n_group = mo.ui.slider(5, 100, step=5, value=30, label="per group", show_value=True)
    mo.hstack([effect, n_group], justify="start")
    return effect, n_group


@app.cell
def _(effect, mo, n_group, np, permutation_null, st):
    _rng = np.random.default_rng(3)
    _x = _rng.normal(effect.value, 1.0, n_group.value)
    _y = _rng.normal(0.0, 1.0, n_group.value)

    def _diff(a, b, axis=-1):
        return np.mean(a, axis=axis) - np.mean(b, axis=axis)

    _res = st.permutation_test((_x, _y), _diff, n_resamples=2000, random_state=0)
    _t = st.ttest_ind(_x, _y, equal_var=False)
    mo.vstack([
        permutation_null(_res.null_distribution, _res.statistic, _res.pvalue, xlabel="difference in means"),
        mo.md(f"Observed difference {_res.statistic:.3f}: permutation p = **{_res.pvalue:.4f}**, "
              f"Welch t = {_t.statistic:.3f} (df {_t.df:.1f}), p = **{_t.pvalue:.4f}**"),
    ])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## Your turn: `welch_t`

    Write Welch's $t$ statistic and its degrees of freedom, as `(t, df)`:

    $$t = \frac{\bar a - \bar b}{\sqrt{s_a^2/n_a + s_b^2/n_b}}, \qquad
    \nu = \frac{(s_a^2/n_a + s_b^2/n_b)^2}{\frac{(s_a^2/n_a)^2}{n_a - 1} + \frac{(s_b^2/n_b)^2}{n_b - 1}}$$

    Replace `raise NotImplementedError` in the cell below with your code: the cell grades your function on
    generated inputs, awkward ones included, and shows the first property that fails, on the smallest input
    that breaks it. In a terminal, `mmlkit exercises start statistics` gives you the other exercises of this
    module, and `mmlkit exercises hint statistics.welch_t` a hint.
    """)
    return


@app.cell
def _(np):
    from mmlkit.exercises import check as _check

    def _welch_t(a, b):
        # Your turn (the leading underscore keeps the name local to this cell). NumPy is `np`.
        raise NotImplementedError

    _check(_welch_t, "statistics.welch_t")
    return


if __name__ == "__main__":
    app.run()
