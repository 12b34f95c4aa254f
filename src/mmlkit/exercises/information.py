"""Exercises · information theory: entropy, KL divergence, softmax, cross-entropy, mutual information."""

from __future__ import annotations

from functools import partial

import numpy as np

from mmlkit.exercises._core import Exercise, Fail, against, as_array, close

E = partial(Exercise, "information")


def _info():
    import mmlkit.information as info

    return info


def _judge_softmax(got, args):
    (z,) = args
    p = as_array("softmax(z)", got, z.shape)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    ref = e / e.sum(axis=-1, keepdims=True)
    if np.isnan(p).any():
        raise Fail("softmax is finite for large z (subtract the max before exp)", "got NaN", expected=ref, got=got)
    s = p.sum(axis=-1)
    if np.abs(s - 1).max() > 1e-9:
        raise Fail("each row (the last axis) sums to 1", f"row sums {s}", expected=ref, got=got)
    close("p_i = exp(z_i) / Σ_j exp(z_j) over the last axis", p, ref, rtol=1e-9, atol=1e-15)


def _two_probs(g):
    return g.with_n(lambda n: g.st.tuples(g.prob(n), g.prob(n)), 1, 6)


EXERCISES = [
    E(name="entropy", title="Shannon entropy",
      task="Return the entropy of the probability vector p in the given base (bits by default); terms with "
           "p_i = 0 contribute 0.",
      formula="H(p) = −Σ_i p_i log_b p_i,  with 0 log 0 = 0",
      returns="float",
      args=lambda g: g.st.tuples(g.prob(g.sizes(1, 6)), g.st.sampled_from([2, np.e, 10])),
      cases=[("the example", (np.array([0.5, 0.25, 0.25]), 2)),
             ("zeros in p", (np.array([0.0, 0.5, 0.0, 0.5]), 2)),
             ("natural log", (np.array([0.1, 0.9]), np.e))],
      judge=against(lambda p, base: _info().entropy(p, base=base), "equals mmlkit.information.entropy(p, base)",
                    rtol=1e-9, atol=1e-12),
      hints=("Entropy is the expected surprise −log p_i; mind the minus sign.",
             "0 · log 0 is NaN in floating point but 0 by continuity: keep only the p_i > 0.",
             "Change of base: log_b(x) = ln(x) / ln(b)."),
      tolerance="rtol 1e-9"),
    E(name="kl_divergence", title="Kullback–Leibler divergence",
      task="Return KL(p ‖ q) in nats for probability vectors p and q: terms with p_i = 0 contribute 0, and the "
           "divergence is inf if some q_i = 0 < p_i.",
      formula="KL(p ‖ q) = Σ_i p_i log(p_i / q_i)",
      returns="float (possibly inf)",
      args=_two_probs,
      cases=[("the example", (np.array([0.5, 0.5]), np.array([0.25, 0.75]))),
             ("zeros in p", (np.array([0.0, 1.0]), np.array([0.5, 0.5]))),
             ("q = 0 where p > 0", (np.array([0.5, 0.5]), np.array([1.0, 0.0])))],
      judge=against(lambda p, q: _info().kl_divergence(p, q), "equals mmlkit.information.kl_divergence(p, q) "
                    "(nats; inf where q = 0 < p)", rtol=1e-9, atol=1e-12),
      hints=("KL is an expectation under p: each term is weighted by p_i (KL is not symmetric).",
             "Skip the terms with p_i = 0 (they would be 0 · log 0 = NaN); if some q_i = 0 while p_i > 0, "
             "return np.inf.",
             "Nats: use the natural log np.log, not np.log2."),
      tolerance="rtol 1e-9; inf exactly"),
    E(name="softmax", title="A numerically stable softmax",
      task="Return softmax(z) over the last axis of z (a vector, or a matrix of rows), without overflow for "
           "large z (entries of 1000 and more).",
      formula="softmax(z)_i = exp(z_i − max z) / Σ_j exp(z_j − max z)   (shifting z changes nothing)",
      returns="ndarray of z's shape",
      args=lambda g: g.st.one_of(g.vec(g.sizes(1, 5), -20, 20),
                                 g.st.tuples(g.sizes(1, 3), g.sizes(1, 4)).flatmap(lambda s: g.mat(s, -20, 20))
                                 ).map(lambda z: (z,)),
      cases=[("the example", (np.array([1.0, 2.0, 3.0]),)),
             ("large logits", (np.array([1000.0, 1001.0, 999.0]),)),
             ("a matrix of rows", (np.array([[1.0, 1.0, 1.0], [0.0, 10.0, -10.0]]),))],
      judge=_judge_softmax,
      hints=("Exponentiate and normalise so that the entries sum to 1 along the last axis.",
             "exp(1000) overflows to inf and inf/inf is NaN: subtract max(z) first (softmax(z − c) = softmax(z)).",
             "Use axis=-1 and keepdims=True for both the max and the sum, so a matrix is handled row by row."),
      tolerance="rtol 1e-9"),
    E(name="cross_entropy", title="Cross-entropy",
      task="Return the cross-entropy H(p, q) in nats of the model distribution q relative to the true "
           "distribution p: 0 for terms with p_i = 0, inf if some q_i = 0 < p_i.",
      formula="H(p, q) = −Σ_i p_i log q_i = H(p) + KL(p ‖ q)",
      returns="float (possibly inf)",
      args=_two_probs,
      cases=[("the example", (np.array([1.0, 0.0]), np.array([0.5, 0.5]))),
             ("zeros in p", (np.array([0.0, 0.3, 0.7]), np.array([0.0, 0.5, 0.5]))),
             ("p ≠ q", (np.array([0.2, 0.8]), np.array([0.6, 0.4])))],
      judge=against(lambda p, q: _info().cross_entropy(p, q), "equals mmlkit.information.cross_entropy(p, q) "
                    "(weights p, log of q)", rtol=1e-9, atol=1e-12),
      hints=("The true distribution p weights the terms; the model q goes inside the log.",
             "Skip terms with p_i = 0 (0 · log 0 would be NaN).",
             "return -np.sum(p[p > 0] * np.log(q[p > 0]))"),
      tolerance="rtol 1e-9"),
    E(name="mutual_information", title="Mutual information from a joint table",
      task="joint[i, j] = P(X = i, Y = j) (a non-negative (a, b) table summing to 1, zeros allowed). Return "
           "the mutual information I(X; Y) in nats.",
      formula="I(X; Y) = Σ_ij p(i, j) log( p(i, j) / (p(i) p(j)) ),  p(i) = Σ_j p(i, j),  p(j) = Σ_i p(i, j)",
      returns="float ≥ 0",
      args=lambda g: g.st.tuples(g.sizes(1, 4), g.sizes(1, 4)).flatmap(lambda s: g.mat(s, 0.0, 1.0)).filter(
          lambda J: J.sum() > 0.05).map(lambda J: (J / J.sum(),)),
      cases=[("the example", (np.array([[0.5, 0.0], [0.0, 0.5]]),)),
             ("independent variables", (np.outer([0.2, 0.8], [0.5, 0.25, 0.25]),)),
             ("a non-square table", (np.array([[0.1, 0.2, 0.0], [0.3, 0.05, 0.35]]),))],
      judge=against(lambda J: _info().mutual_information(J), "equals mmlkit.information.mutual_information(joint)",
                    rtol=1e-9, atol=1e-12),
      hints=("The marginals are the row sums (for X) and the column sums (for Y).",
             "Compare each cell with the product of its row's and its column's marginal: "
             "px[:, None] * py[None, :] — mind the axes on a non-square table.",
             "Skip the cells where joint == 0 (0 · log 0 = 0)."),
      tolerance="rtol 1e-9, atol 1e-12"),
]
