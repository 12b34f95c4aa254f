"""Small data: one fit (and predict) of every estimator on each shipped dataset, beside scikit-learn.

Per-call time and a quality figure for both sides, and the peak NumPy
allocation of the same call (tracemalloc, in this process, in units of X's
size) beside scikit-learn's, for every estimator whose scikit-learn memory
tracemalloc can see (not SVC and TSNE: :data:`MALLOC_REFERENCES`); a last group
of rows gives each named fit's peak memory on a 3,000×20 problem, the size the
memory goal is stated at, with SVC's also as resident memory.

Timing follows :func:`mmlkit._bench.compare`: the two sides take turns and each
side's fastest run is its time. The number of turns adapts: a row stops once
it has had :data:`MIN_TURNS` turns and :data:`BUDGET_S` seconds, and at
:data:`MAX_TURNS` turns at the latest, so a 1 ms call still gets 25 turns and a
1 s call gets 3 (the size column says how many). Each estimator is warmed up
once, on the first dataset (iris); later datasets need no untimed call, since a
first-call cost there is outlasted by the minimum over the turns.

``mmlkit bench small --only SVC,KMeans`` (``run(only=...)``) runs a subset of
:data:`ESTIMATORS`.
"""

from __future__ import annotations

import warnings

import numpy as np

from mmlkit._bench import compare

#: The estimators, in table order: the names ``mmlkit bench small --only`` accepts.
ESTIMATORS = (
    "LinearRegression", "Ridge", "Lasso", "ElasticNet", "BayesianLinearRegression", "KernelRidge",
    "LogisticRegression", "GaussianNB", "MultinomialNB", "BernoulliNB", "SVC", "MLPClassifier", "MLPRegressor",
    "KMeans", "GaussianMixture", "SpectralClustering", "PCA", "KernelPCA", "TSNE", "StandardScaler",
    "MinMaxScaler", "RobustScaler",
)
#: Turns per row: at least MIN_TURNS, then more until the row has taken BUDGET_S seconds (wall, both sides), at
#: most MAX_TURNS.
MIN_TURNS, MAX_TURNS, BUDGET_S = 3, 25, 1.0
#: scikit-learn estimators with much of their working memory ``malloc``ed by compiled code, which tracemalloc
#: cannot see (libsvm's kernel cache and its copy of the data; the Barnes-Hut quad tree of TSNE): no peak-memory
#: figure is given for their rows, since scikit-learn's would read low. (KMeans' Cython buffers are malloc'd
#: too, but they are a few chunk × k blocks, negligible against X.)
MALLOC_REFERENCES = frozenset({"SVC", "TSNE"})


def _accuracy(y):
    return lambda pred: float(np.mean(pred == y))


def _r2(y):
    y = np.asarray(y, dtype=float)
    return lambda pred: float(1.0 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2))


def _ari(y):
    from sklearn.metrics import adjusted_rand_score
    return lambda labels: float(adjusted_rand_score(y, labels))


def _abs_sum(out):
    return float(np.abs(out).sum())


def _cases():
    """(name, mmlkit class, sklearn class, params, task) for each of :data:`ESTIMATORS`."""
    from sklearn import (
        cluster,
        decomposition,
        kernel_ridge,
        linear_model,
        manifold,
        mixture,
        naive_bayes,
        neural_network,
        svm,
    )
    from sklearn import preprocessing as skp

    from mmlkit import models as m
    from mmlkit import preprocessing as p

    return [
        ("LinearRegression", m.LinearRegression, linear_model.LinearRegression, {}, "reg"),
        ("Ridge", m.Ridge, linear_model.Ridge, {"alpha": 1.0}, "reg"),
        ("Lasso", m.Lasso, linear_model.Lasso, {"alpha": 0.1}, "reg"),
        ("ElasticNet", m.ElasticNet, linear_model.ElasticNet, {"alpha": 0.1, "l1_ratio": 0.5}, "reg"),
        ("BayesianLinearRegression", m.BayesianLinearRegression, linear_model.BayesianRidge, {}, "reg"),
        ("KernelRidge", m.KernelRidge, kernel_ridge.KernelRidge, {"alpha": 1.0, "kernel": "rbf"}, "reg"),
        ("LogisticRegression", m.LogisticRegression, linear_model.LogisticRegression, {"max_iter": 100}, "clf"),
        ("GaussianNB", m.GaussianNB, naive_bayes.GaussianNB, {}, "clf"),
        ("MultinomialNB", m.MultinomialNB, naive_bayes.MultinomialNB, {}, "clf"),
        ("BernoulliNB", m.BernoulliNB, naive_bayes.BernoulliNB, {}, "clf"),
        ("SVC", m.SVC, svm.SVC, {}, "clf"),
        ("MLPClassifier", m.MLPClassifier, neural_network.MLPClassifier,
         {"hidden_layer_sizes": (32,), "max_iter": 50, "random_state": 0}, "clf"),
        ("MLPRegressor", m.MLPRegressor, neural_network.MLPRegressor,
         {"hidden_layer_sizes": (32,), "max_iter": 50, "random_state": 0}, "reg"),
        ("KMeans", m.KMeans, cluster.KMeans, {"n_clusters": 3, "n_init": 1, "random_state": 0}, "cluster"),
        ("GaussianMixture", m.GaussianMixture, mixture.GaussianMixture, {"n_components": 3, "random_state": 0},
         "cluster"),
        # The k-NN graph: with the default rbf affinity (γ = 1) the unscaled features make the graph all but
        # disconnected, and scikit-learn's ARPACK then takes minutes per fit on digits.
        ("SpectralClustering", m.SpectralClustering, cluster.SpectralClustering,
         {"n_clusters": 3, "affinity": "nearest_neighbors", "n_neighbors": 10, "random_state": 0}, "cluster"),
        ("PCA", m.PCA, decomposition.PCA, {"n_components": 2}, "transform"),
        ("KernelPCA", m.KernelPCA, decomposition.KernelPCA, {"n_components": 2, "kernel": "rbf"}, "transform"),
        ("TSNE", m.TSNE, manifold.TSNE, {"n_components": 2, "random_state": 0, "max_iter": 250}, "embed"),
        ("StandardScaler", p.StandardScaler, skp.StandardScaler, {}, "transform"),
        ("MinMaxScaler", p.MinMaxScaler, skp.MinMaxScaler, {}, "transform"),
        ("RobustScaler", p.RobustScaler, skp.RobustScaler, {}, "transform"),
    ]


def _call(cls, params, task, X, y):
    """The work timed: fit, then predict / transform on the training data."""
    if task == "reg":
        yf = y.astype(float)
        return lambda: cls(**params).fit(X, yf).predict(X)
    if task == "clf":
        return lambda: cls(**params).fit(X, y).predict(X)
    if task == "cluster":
        return lambda: cls(**params).fit_predict(X)
    return lambda: cls(**params).fit_transform(X)


def _trustworthiness(X):
    """TSNE's quality: how well each embedding keeps X's 5 nearest neighbours (1 = all kept), scored by
    scikit-learn's ``trustworthiness`` for both sides (the same ruler; neither library's own KL, which
    scikit-learn leaves unset at max_iter=250 and which each side measures against its own P)."""
    from sklearn.manifold import trustworthiness
    return lambda out: float(trustworthiness(X, out, n_neighbors=5))


def _quality(task, y, X=None):
    return {"reg": (_r2(y), "training R²"), "clf": (_accuracy(y), "training accuracy"),
            "cluster": (_ari(y), "ARI"), "transform": (_abs_sum, "Σ|output|"),
            "embed": (_trustworthiness(X), "trustworthiness(5)")}[task]


def _memory_data(n):
    from mmlkit.datasets import make_classification

    X, y = make_classification(n, 20, n_informative=10, n_classes=2, random_state=0)
    return X, y, y.astype(float)


def _memory_cases(X, y, yf):
    """(name, our fit, scikit-learn's fit) for the memory rows."""
    from sklearn import kernel_ridge, linear_model, mixture, naive_bayes, svm

    from mmlkit import models as m

    return [
        ("SVC", lambda: m.SVC().fit(X, y), lambda: svm.SVC().fit(X, y)),
        ("KernelRidge", lambda: m.KernelRidge(kernel="rbf").fit(X, yf),
         lambda: kernel_ridge.KernelRidge(kernel="rbf").fit(X, yf)),
        ("GaussianMixture", lambda: m.GaussianMixture(3, random_state=0).fit(X),
         lambda: mixture.GaussianMixture(3, random_state=0).fit(X)),
        ("LinearRegression", lambda: m.LinearRegression().fit(X, yf),
         lambda: linear_model.LinearRegression().fit(X, yf)),
        ("GaussianNB", lambda: m.GaussianNB().fit(X, y), lambda: naive_bayes.GaussianNB().fit(X, y)),
    ]


def _memory_rows(smoke, names):
    """Peak allocation of one fit on 3,000×20, in units of X.nbytes, for the estimators the issue names.

    Two measures. tracemalloc, in this process, sees every NumPy array (and
    Python object) either side allocates, and that is all the working memory
    of these fits but one: scikit-learn's SVC keeps libsvm's kernel cache and
    its own copy of the data in memory that compiled code takes from
    ``malloc``, which tracemalloc cannot see, so it looks almost free by it.
    For SVC alone (outside smoke runs) a second row measures what the process
    really holds: the growth of its peak resident set during the fit (Linux:
    the high-water mark reset through ``/proc/self/clear_refs``, freed heap
    handed back first), each side in a fresh interpreter, after one warm-up
    fit. Resident sets are coarse (pages, allocator arenas) and a fresh
    interpreter costs seconds, so no other row takes this route.
    """
    n = 300 if smoke else 3_000
    X, y, yf = _memory_data(n)
    rows = []
    for index, (name, ours, ref) in enumerate(_memory_cases(X, y, yf)):
        if name not in names:
            continue
        row = compare(f"{name} fit, peak memory", ours, ref, reference_name=f"sklearn {name}", size=f"{n}x20",
                      repeat=1, memory=True, memory_unit=X.nbytes, memory_unit_name="× X")
        rows.append(row)
        if name in _RSS_ROWS and not smoke:
            rows.append(_rss_row(row, index, n))
    return [row for row in rows if row is not None]


#: The memory rows that also get a resident-set row (see :func:`_memory_rows`).
_RSS_ROWS = frozenset({"SVC"})


def _rss_row(row, index, n):
    """The tracemalloc row ``row`` measured again as peak resident-set growth (None off Linux)."""
    import dataclasses

    peaks = [_rss_peak_in_child(index, side, n) for side in (0, 1)]
    if None in peaks:
        return None
    return dataclasses.replace(row, name=row.name.replace("peak memory", "peak RSS"), ours_peak=peaks[0],
                               ref_peak=peaks[1], memory_unit="× X (resident, malloc included)")


def _rss_peak_in_child(index, side, n):
    import subprocess
    import sys

    code = f"from mmlkit.benchmarks.bench_small import _rss_child; _rss_child({index}, {side}, {n})"
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=True)
        return float(out.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError):
        return None


def _proc_status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise ValueError(field)


def _rss_child(index, side, n):
    """In a fresh interpreter: one warm-up fit, then the peak RSS growth of a second, in units of X."""
    import ctypes
    import gc

    warnings.simplefilter("ignore")
    X, y, yf = _memory_data(n)
    fit = _memory_cases(X, y, yf)[index][1 + side]
    fit()
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)            # freed heap back to the system: reuse counts again
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")                                    # VmHWM := VmRSS
    base = _proc_status_kib("VmRSS")
    fit()
    print((_proc_status_kib("VmHWM") - base) * 1024 / X.nbytes)


def selected(only=None) -> tuple[str, ...]:
    """The estimators to run: ``only`` (names or one comma-separated string), checked, in table order.

    Raises ``ValueError`` naming any unknown estimator and listing :data:`ESTIMATORS`.
    """
    if only is None:
        return ESTIMATORS
    parts = [only] if isinstance(only, str) else list(only)
    names = [n.strip() for part in parts for n in part.split(",") if n.strip()]
    unknown = [n for n in names if n not in ESTIMATORS]
    if unknown or not names:
        raise ValueError(f"unknown estimator(s) {', '.join(unknown) or '(none given)'}; "
                         f"choose from: {', '.join(ESTIMATORS)}")
    return tuple(n for n in ESTIMATORS if n in names)


def run(smoke: bool = False, only=None):
    """The rows: each selected estimator on each shipped dataset (iris only when ``smoke``), then memory."""
    from mmlkit.datasets import load_breast_cancer, load_digits, load_iris, load_wine

    names = selected(only)
    datasets = {"iris": load_iris, "wine": load_wine, "breast_cancer": load_breast_cancer, "digits": load_digits}
    if smoke:
        datasets = {"iris": load_iris}
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # convergence warnings of the references on unscaled data
        for first, (data_name, load) in zip([True] + [False] * len(datasets), datasets.items()):
            ds = load()
            X, y = np.ascontiguousarray(ds.data, dtype=float), np.asarray(ds.target)
            for name, ours, ref, params, task in _cases():
                if name in names:
                    rows.append(_row(name, ours, ref, params, task, X, y, f"{data_name} {X.shape[0]}x{X.shape[1]}",
                                     smoke, first))
        rows.extend(_memory_rows(smoke, names))
    return rows


def _row(name, ours, ref, params, task, X, y, size, smoke, warmup):
    """One estimator on one dataset: adaptive alternating turns, then one traced call each for the peak."""
    import dataclasses

    quality, quality_name = _quality(task, y, X)
    row = compare(name, _call(ours, params, task, X, y), _call(ref, params, task, X, y),
                  reference_name=f"sklearn {ref.__name__}", size=size, quality=quality, quality_name=quality_name,
                  repeat=1 if smoke else MAX_TURNS, budget_s=None if smoke else BUDGET_S, min_repeat=MIN_TURNS,
                  warmup=warmup, target=1.0, memory=name not in MALLOC_REFERENCES, memory_unit=X.nbytes,
                  memory_unit_name="× X")
    return dataclasses.replace(row, size=f"{size}, {row.runs} turn{'s' if row.runs > 1 else ''}")


if __name__ == "__main__":
    for row in run():
        mem = f"  peak {row.ours_peak:.3g} vs {row.ref_peak:.3g} {row.memory_unit}" if row.memory_unit else ""
        print(f"{row.name:28s} {row.size:32s} ours {row.ours_s * 1e3:9.3f}ms  ref {row.ref_s * 1e3:9.3f}ms  "
              f"ratio {row.ratio:5.2f}{mem}")
