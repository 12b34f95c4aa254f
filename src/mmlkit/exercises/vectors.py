"""Exercises · vectors and matrices: projections, similarity, norms, angles, distances."""

from __future__ import annotations

from functools import partial

import numpy as np

from mmlkit.exercises._core import Exercise, Fail, as_array, close

E = partial(Exercise, "vectors")


def _linalg():
    import mmlkit.linalg as la

    return la


def _nonzero(a, eps=1e-3):
    return np.linalg.norm(a) > eps


def _pair(g, lo=1, hi=6):
    return g.with_n(lambda n: g.st.tuples(g.vec(n), g.vec(n)), lo, hi).filter(
        lambda t: _nonzero(t[0]) and _nonzero(t[1]))


def _judge_project(got, args):
    u, v = args
    p = as_array("the projection", got, u.shape)
    expected = _linalg().project(u, v)
    scale = np.linalg.norm(u) + 1e-300
    r = (u - p) @ v / np.linalg.norm(v)
    if abs(r) > 1e-9 * scale:
        raise Fail("the residual u − p is orthogonal to v", f"(u − p)·v/‖v‖ = {r:.3g}", expected=expected, got=got)
    close("p equals mmlkit.linalg.project(u, v), a multiple of v", p, expected, rtol=1e-9, atol=1e-12 * scale)


def _judge_cos(got, args):
    u, v = args
    expected = u @ v / (np.linalg.norm(u) * np.linalg.norm(v))
    c = as_array("the similarity", got, ())
    if abs(c) > 1 + 1e-12:
        raise Fail("the cosine similarity lies in [−1, 1]", f"got {float(c):.6g}", expected=expected, got=got)
    close("equals u·v / (‖u‖ ‖v‖)", c, expected, rtol=1e-9, atol=1e-12)


def _judge_pnorm(got, args):
    x, p = args
    close("equals mmlkit.linalg.norm(x, p)", got, _linalg().norm(x, p), rtol=1e-9, atol=1e-300)


def _judge_angle(got, args):
    u, v = args
    a = as_array("the angle", got, ())
    if np.isnan(a):
        raise Fail("the angle is a number (clip the cosine into [−1, 1] before arccos)", "got NaN", got=got)
    close("equals mmlkit.linalg.angle(u, v), in radians", a, _linalg().angle(u, v), rtol=1e-7, atol=1e-7)


def _judge_dist(got, args):
    X, Y = args
    from mmlkit._pairwise import euclidean_distances

    D = as_array("the distance matrix", got, (X.shape[0], Y.shape[0]))
    if np.isnan(D).any():
        raise Fail("distances are numbers (clip tiny negative squared distances to 0)", "got NaN", got=got)
    if (D < 0).any():
        raise Fail("distances are non-negative", f"min {D.min():.3g}", got=got)
    scale = max(np.abs(X).max(initial=0), np.abs(Y).max(initial=0), 1.0)
    close("D[i, j] = ‖X[i] − Y[j]‖", D, euclidean_distances(X, Y), rtol=1e-6, atol=1e-6 * scale)


EXERCISES = [
    E(name="project", title="Projection of u onto v",
      task="Return the orthogonal projection of the vector u onto the line spanned by the non-zero vector v.",
      formula="proj_v(u) = (u·v / v·v) v;  the residual u − proj_v(u) is orthogonal to v",
      returns="ndarray of shape (n,)",
      args=_pair,
      cases=[("the example", (np.array([3.0, 4.0]), np.array([1.0, 0.0]))),
             ("v not of unit length", (np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.0, 5.0]))),
             ("u orthogonal to v", (np.array([1.0, -1.0]), np.array([1.0, 1.0]))),
             ("a tiny v", (np.array([1.0, 2.0]), np.array([1e-8, 3e-8])))],
      judge=_judge_project,
      hints=("The projection is a multiple c·v of v; find c from the condition that u − c·v is orthogonal to v.",
             "(u − c v)·v = 0 gives c = u·v / v·v. Note: divide by v·v = ‖v‖², not by ‖v‖.",
             "return (u @ v) / (v @ v) * v"),
      tolerance="rtol 1e-9; residual orthogonal to v within 1e-9·‖u‖"),
    E(name="cosine_similarity", title="Cosine similarity",
      task="Return the cosine of the angle between two non-zero vectors u and v, as a float.",
      formula="cos θ = u·v / (‖u‖ ‖v‖), in [−1, 1]",
      returns="float",
      args=_pair,
      cases=[("the example", (np.array([1.0, 0.0]), np.array([1.0, 1.0]))),
             ("vectors of very different lengths", (np.array([1e3, 2e3]), np.array([3e-3, -1e-3]))),
             ("opposite vectors", (np.array([2.0, 4.0, -6.0]), np.array([-1.0, -2.0, 3.0])))],
      judge=_judge_cos,
      hints=("Cosine similarity is the dot product of the two vectors after scaling each to unit length.",
             "Divide u·v by the product of both norms, ‖u‖ = sqrt(u·u).",
             "return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))"),
      tolerance="rtol 1e-9, atol 1e-12"),
    E(name="p_norm", title="The p-norm of a vector",
      task="Return the p-norm of x for p ≥ 1, including p = np.inf (the largest absolute entry). "
           "It must not overflow for entries near 1e200.",
      formula="‖x‖_p = (Σ_i |x_i|^p)^(1/p);  ‖x‖_∞ = max_i |x_i|",
      returns="float",
      args=lambda g: g.st.tuples(g.vec(g.sizes(1, 6)), g.st.sampled_from([1.0, 2.0, 3.0, 1.5, np.inf])),
      cases=[("the example", (np.array([3.0, -4.0]), 2.0)),
             ("negative entries, odd p", (np.array([-1.0, -2.0, 2.0]), 3.0)),
             ("p = inf", (np.array([1.0, -7.0, 3.0]), np.inf)),
             ("huge entries", (np.array([3e200, 4e200]), 2.0)),
             ("the zero vector", (np.zeros(3), 2.0))],
      judge=_judge_pnorm,
      hints=("Take absolute values first: (−2)³ is negative, |−2|³ is not.",
             "For p = inf return the largest absolute value; otherwise sum |x_i|^p and take the 1/p-th power.",
             "To avoid overflow, divide by s = max|x_i| first: ‖x‖_p = s·‖x/s‖_p (and return 0 when s = 0)."),
      tolerance="rtol 1e-9"),
    E(name="angle", title="The angle between two vectors",
      task="Return the angle in radians (in [0, π]) between two non-zero vectors. Parallel vectors give 0, "
           "never NaN, even when rounding pushes the cosine slightly above 1.",
      formula="θ = arccos( u·v / (‖u‖ ‖v‖) )",
      returns="float",
      args=_pair,
      cases=[("the example", (np.array([1.0, 0.0]), np.array([0.0, 2.0]))),
             ("parallel vectors (cosine rounds above 1)",
              (np.array([0.9, 0.6, -1.0]), np.array([0.9, 0.6, -1.0]) * 1.1)),
             ("opposite vectors", (np.array([1.0, 1.0]), np.array([-3.0, -3.0])))],
      judge=_judge_angle,
      hints=("The cosine of the angle is the cosine similarity; the angle is its arccos.",
             "Rounding can make the cosine 1.0000000000000002, where arccos is NaN: clip it into [−1, 1].",
             "return float(np.arccos(np.clip(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)), -1, 1)))"),
      tolerance="atol 1e-7 (arccos is ill-conditioned near 0 and π)"),
    E(name="pairwise_distances", title="All pairwise Euclidean distances",
      task="Given X of shape (n, d) and Y of shape (m, d), return the (n, m) matrix of Euclidean distances "
           "D[i, j] = ‖X[i] − Y[j]‖, vectorised (no Python loop over pairs), never NaN.",
      formula="‖x − y‖² = ‖x‖² + ‖y‖² − 2 x·y",
      returns="ndarray of shape (n, m)",
      args=lambda g: g.st.tuples(g.sizes(1, 4), g.sizes(1, 4), g.sizes(1, 3)).flatmap(
          lambda s: g.st.tuples(g.mat((s[0], s[2])), g.mat((s[1], s[2])))),
      cases=[("the example", (np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[3.0, 4.0]]))),
             ("identical points (squared distance rounds below 0)",
              (np.array([[-0.02, 0.18, 1.71]]), np.array([[-0.02, 0.18, 1.71], [1.0, 2.0, 2.0]]))),
             ("n ≠ m", (np.array([[1.0], [2.0], [4.0]]), np.array([[0.0], [1.0]])))],
      judge=_judge_dist,
      hints=("Expand ‖x − y‖² = ‖x‖² + ‖y‖² − 2x·y: the last term for all pairs at once is X @ Y.T.",
             "Add a column of ‖X[i]‖² and a row of ‖Y[j]‖² by broadcasting ([:, None] and [None, :]).",
             "Rounding can make a squared distance −1e-16: clip with np.maximum(sq, 0) before the square root."),
      tolerance="rtol 1e-6, atol 1e-6·max|entry| (the expansion loses digits for nearby points)"),
]
