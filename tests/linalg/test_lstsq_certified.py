"""lstsq on certified least-squares problems: correct digits against high-precision references.

The references are the exact least-squares solutions of the float64 data we
pass, computed with mpmath at 120 significant digits from the normal
equations (exact at that precision: κ(XᵀX) ≲ 1e30 here). Filip is NIST
StRD's degree-10 polynomial (public-domain data; its certified values agree
with our reference to 7.9 digits, the rounding of the decimal data to float64
accounting for the rest).
"""

import sys
import warnings

import mpmath
import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

from mmlkit.linalg import lstsq
from mmlkit.linalg.qr import householder_qr_textbook

_lstsq_module = sys.modules["mmlkit.linalg.lstsq"]  # the package re-exports the function under the same name
_pivoted_qr, _downdate_norms = _lstsq_module._pivoted_qr, _lstsq_module._downdate_norms

# (y, x) pairs, 82 observations (NIST StRD Filip)
FILIP = """
0.8116 -6.860120914 0.9072 -4.324130045 0.9052 -4.358625055 0.9039 -4.358426747 0.8053 -6.955852379 0.8377 -6.661145254
0.8667 -6.355462942 0.8809 -6.118102026 0.7975 -7.115148017 0.8162 -6.815308569 0.8515 -6.519993057 0.8766 -6.204119983
0.8885 -5.853871964 0.8859 -6.109523091 0.8959 -5.79832982 0.8913 -5.482672118 0.8959 -5.171791386 0.8971 -4.851705903
0.9021 -4.517126416 0.909 -4.143573228 0.9139 -3.709075441 0.9199 -3.499489089 0.8692 -6.300769497 0.8872 -5.953504836
0.89 -5.642065153 0.891 -5.031376979 0.8977 -4.680685696 0.9035 -4.329846955 0.9078 -3.928486195 0.7675 -8.56735134
0.7705 -8.363211311 0.7713 -8.107682739 0.7736 -7.823908741 0.7775 -7.522878745 0.7841 -7.218819279 0.7971 -6.920818754
0.8329 -6.628932138 0.8641 -6.323946875 0.8804 -5.991399828 0.7668 -8.781464495 0.7633 -8.663140179 0.7678 -8.473531488
0.7697 -8.247337057 0.77 -7.971428747 0.7749 -7.676129393 0.7796 -7.352812702 0.7897 -7.072065318 0.8131 -6.774174009
0.8498 -6.478861916 0.8741 -6.159517513 0.8061 -6.835647144 0.846 -6.53165267 0.8751 -6.224098421 0.8856 -5.910094889
0.8919 -5.598599459 0.8934 -5.290645224 0.894 -4.974284616 0.8957 -4.64454848 0.9047 -4.290560426 0.9129 -3.885055584
0.9209 -3.408378962 0.9219 -3.13200249 0.7739 -8.726767166 0.7681 -8.66695597 0.7665 -8.511026475 0.7703 -8.165388579
0.7702 -7.886056648 0.7761 -7.588043762 0.7809 -7.283412422 0.7961 -6.995678626 0.8253 -6.691862621 0.8602 -6.392544977
0.8809 -6.067374056 0.8301 -6.684029655 0.8664 -6.378719832 0.8834 -6.065855188 0.8898 -5.752272167 0.8964 -5.132414673
0.8963 -4.811352704 0.9074 -4.098269308 0.9119 -3.66174277 0.9228 -3.2644011"""

FILIP_CERTIFIED = np.array([
    -1467.48961422980, -2772.17959193342, -2316.37108160893, -1127.97394098372, -354.478233703349,
    -75.1242017393757, -10.8753180355343, -1.06221498588947, -0.670191154593408e-01,
    -0.246781078275479e-02, -0.402962525080404e-04])


def _reference(X, y, dps=120):
    """The exact least-squares solution of the float64 problem, by mpmath's normal equations."""
    with mpmath.workdps(dps):
        A = mpmath.matrix([[mpmath.mpf(float(e)) for e in row] for row in X])
        b = mpmath.matrix([mpmath.mpf(float(e)) for e in y])
        return np.array([float(t) for t in mpmath.lu_solve(A.T * A, A.T * b)])


def _digits(x, ref):
    return float(-np.log10(np.max(np.abs(x - ref) / np.abs(ref))))


def _filip():
    v = np.array(FILIP.split(), dtype=float).reshape(-1, 2)
    return np.vander(v[:, 1], 11, increasing=True), v[:, 0]


@pytest.fixture(scope="module")
def filip():
    X, y = _filip()
    return X, y, _reference(X, y)


def test_filip_reference_agrees_with_nist(filip):
    assert _digits(filip[2], FILIP_CERTIFIED) > 7.5


@pytest.mark.parametrize("method", ["qr", "svd"])
def test_filip_degree_10_polynomial_keeps_7_digits(filip, method):
    """Issue 20: qr raised "rank deficient" and svd dropped a direction (intercept 9.35 for −1467.49)."""
    X, y, ref = filip
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no direction may be dropped on this full-rank problem
        x, _, rank, s = lstsq(X, y, method=method)
    assert rank == 11
    assert _digits(x, ref) >= 7.0
    s_ref = np.linalg.svd(X, compute_uv=False)
    # a backward-stable SVD fixes each σᵢ to within ~ε σ₁ (Weyl), not to ε σᵢ
    np.testing.assert_allclose(s, s_ref, rtol=0, atol=64 * np.finfo(float).eps * s_ref[0])


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("method", ["qr", "svd"])
def test_quadratic_with_columns_up_to_9e12_keeps_its_digits(seed, method):
    """A Pontius-like load–deflection quadratic: columns 1, x ≤ 3e6, x² ≤ 9e12 (svd kept 5 digits)."""
    rng = np.random.default_rng(seed)
    load = np.sort(rng.uniform(1.5e5, 3e6, size=40))
    X = np.c_[np.ones(40), load, load**2]
    y = 6.7e-4 + 7.3e-7 * load - 3.2e-15 * load**2 + rng.normal(scale=2e-4, size=40)
    ref = _reference(X, y)
    # κ of the equilibrated design is ~1e3: backward-stable solvers keep ≥ 12 digits
    assert _digits(lstsq(X, y, method=method)[0], ref) >= 11.0


@pytest.mark.parametrize("scale", [1e-200, 1e-8, 1e8, 1e200])
def test_column_units_do_not_change_the_rank_or_the_answer(scale):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(30, 4))
    y = rng.normal(size=30)
    Xs = X * np.array([1.0, scale, 1.0, 1.0 / scale])
    for method in ("qr", "svd"):
        xs, _, rank, _ = lstsq(Xs, y, method=method)
        assert rank == 4
        np.testing.assert_allclose(xs * np.array([1.0, scale, 1.0, 1.0 / scale]), lstsq(X, y)[0], rtol=1e-12)


def test_a_dropped_direction_is_announced():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10, 3))
    X = np.c_[X, X[:, 0] + X[:, 1]]
    with pytest.warns(np.exceptions.RankWarning, match="1 direction"):
        x, _, rank, _ = lstsq(X, rng.normal(size=10))
    assert rank == 3


def test_qr_still_refuses_a_rank_deficient_problem():
    X = np.c_[np.ones(5), np.arange(5.0), 2 * np.arange(5.0)]
    with pytest.raises(np.linalg.LinAlgError, match="rank deficient"):
        lstsq(X, np.ones(5), method="qr")


# --- the blocked column-pivoted QR behind method="qr" (LAPACK's dgeqp3 algorithm) ---

def _nearly_parallel(m, n, seed):
    """Columns u + 1e-9·noise: after the first step every remaining norm falls by 1e9, so each
    downdate cancels and the norms must be recomputed (the path LAPACK guards with √ε)."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, 1)) + 1e-9 * rng.normal(size=(m, n)) * rng.uniform(0.5, 2.0, size=n)


PIVOT_CASES = [("random", lambda s: np.random.default_rng(s).normal(size=(120, 70)) * np.geomspace(1, 1e3, 70)),
               ("square", lambda s: np.random.default_rng(s).normal(size=(45, 45))),
               ("nearly parallel", lambda s: _nearly_parallel(60, 12, s))]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name, make", PIVOT_CASES)
@pytest.mark.parametrize("nb", [1, 3, 32])
def test_blocked_pivoted_qr_equals_lapack_geqp3_and_the_textbook(seed, name, make, nb):
    A = make(seed)
    m, n = A.shape
    B = np.random.default_rng(seed + 10).normal(size=(m, 2))
    R, QtB, perm, apply_qt = _pivoted_qr(A, B, nb=nb)
    # the oracle: LAPACK's dgeqp3 picks the same pivots and so the same R (its signs included)
    Q0, R0, perm0 = scipy.linalg.qr(A, pivoting=True)
    np.testing.assert_array_equal(perm, perm0)
    scale = np.abs(A).max()
    np.testing.assert_allclose(R, R0[:n], atol=1e-12 * scale * m)
    np.testing.assert_allclose(apply_qt(B), QtB, atol=1e-12 * m)  # the reflectors kept are those applied
    np.testing.assert_allclose(apply_qt(A[:, perm])[:n], R, atol=1e-12 * scale * m)
    if name != "nearly parallel":  # there Q's later columns are fixed only to ~κ·ε = 1e-7 (any two QRs differ)
        np.testing.assert_allclose(QtB, Q0.T @ B, atol=1e-12 * m)
    # the textbook algorithm (all norms recomputed, every reflector applied at once) agrees
    T = np.array(A)
    _, perm1 = householder_qr_textbook(T, pivoting=True)
    np.testing.assert_array_equal(perm, perm1)
    np.testing.assert_allclose(R, np.triu(T[:n]), atol=1e-12 * scale * m)


def test_nearly_parallel_columns_force_norm_recomputation():
    A = _nearly_parallel(60, 12, 0)
    norms = np.linalg.norm(A, axis=0)
    r = (A[:, 0] / norms[0]) @ A[:, 1:] * np.sign(-A[0, 0])  # the first row of R beyond the pivot, roughly
    vn1, vn2 = norms[1:].copy(), norms[1:].copy()
    assert _downdate_norms(r, vn1, vn2)  # the downdate cancels: flagged, not trusted
    assert np.all(vn2 == -1.0)


@settings(deadline=None)
@given(m=st.integers(1, 80), n=st.integers(1, 80), rank=st.integers(0, 80), seed=st.integers(0, 2**32 - 1),
       nb=st.sampled_from([1, 2, 7, 32]))
def test_pivoted_qr_properties(m, n, rank, seed, nb):
    m = max(m, n)
    rng = np.random.default_rng(seed)
    rank = min(rank, n)
    A = rng.normal(size=(m, rank)) @ rng.normal(size=(rank, n)) if rank < n else rng.normal(size=(m, n))
    B = rng.normal(size=(m, 1))
    R, QtB, perm, apply_qt = _pivoted_qr(A, B, nb=nb)
    assert sorted(perm) == list(range(n))
    np.testing.assert_array_equal(R, np.triu(R))
    d = np.abs(np.diag(R))
    scale = max(np.abs(A).max(), 1.0) * m
    assert np.all(d[:-1] >= d[1:] - 1e-12 * scale)  # pivoting orders R's diagonal
    # Q R = A P: Qᵀ(A P) = R, and Q is orthogonal (Qᵀ preserves norms)
    np.testing.assert_allclose(apply_qt(A[:, perm])[:n], R, atol=1e-12 * scale)
    np.testing.assert_allclose(np.linalg.norm(QtB), np.linalg.norm(B), rtol=1e-12)


@settings(deadline=None)
@given(seed=st.integers(0, 2**32 - 1), m=st.integers(1, 30), n=st.integers(1, 8),
       scales=st.lists(st.sampled_from([0.0, 1e-310, 1e-200, 1e-150, 1.0, 1e150, 1e200, 1e300]), min_size=8,
                       max_size=8))
def test_column_norms_never_under_or_overflow(seed, m, n, scales):
    from mmlkit._scaling import column_norms

    A = np.random.default_rng(seed).uniform(0.5, 1.0, size=(m, n)) * np.array(scales[:n])
    ref = [float(mpmath.sqrt(mpmath.fsum(mpmath.mpf(float(a)) ** 2 for a in A[:, j]))) for j in range(n)]
    np.testing.assert_allclose(column_norms(A), ref, rtol=1e-14, atol=0)
