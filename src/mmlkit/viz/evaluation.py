"""Figures for model evaluation.

- :func:`roc_curve_plot` — ROC curves of one or more scorers, AUC in the legend.
- :func:`pr_curve_plot` — precision–recall curves with average precision and the
  no-skill baseline (the positive rate).
- :func:`confusion_matrix_plot` — the confusion matrix as an annotated heat map.
- :func:`learning_curve_plot` — training and validation scores against training
  set size: the gap is variance, a low plateau is bias.
"""

from __future__ import annotations

import numpy as np

from mmlkit.viz._style import PALETTE, new_figure

__all__ = ["confusion_matrix_plot", "learning_curve_plot", "pr_curve_plot", "roc_curve_plot"]


def _as_dict(scores):
    return dict(scores) if isinstance(scores, dict) else {"model": scores}


def roc_curve_plot(y_true, scores, *, pos_label=None, title="ROC curve"):
    """ROC curves: true against false positive rate as the threshold falls.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        Binary labels.
    scores : array_like of shape (n_samples,) or dict of str to array_like
        Scores of one model, or of several models by name.
    pos_label : int, float, bool or str, optional
        The positive class (inferred for {0, 1} and {−1, 1}).
    title : str, default="ROC curve"

    Returns
    -------
    matplotlib.figure.Figure
        One line per model (plus the chance diagonal), legend with the AUCs.
    """
    from mmlkit.evaluation import auc, roc_curve

    fig, ax = new_figure(width=4.6, height=4.2)
    ax.plot([0, 1], [0, 1], ls="--", color="0.6", lw=1, label="chance (AUC = 0.5)")
    for i, (name, s) in enumerate(_as_dict(scores).items()):
        fpr, tpr, _ = roc_curve(y_true, s, pos_label=pos_label)
        ax.plot(fpr, tpr, color=PALETTE[i % len(PALETTE)], label=f"{name} (AUC = {auc(fpr, tpr):.3f})",
                drawstyle="default")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", xlim=(-0.01, 1.01),
           ylim=(-0.01, 1.01), title=title)
    ax.set_aspect("equal")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def pr_curve_plot(y_true, scores, *, pos_label=None, title="Precision–recall curve"):
    """Precision against recall, with each model's average precision.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        Binary labels.
    scores : array_like of shape (n_samples,) or dict of str to array_like
        Scores of one or several models.
    pos_label : int, float, bool or str, optional
        The positive class.
    title : str, default="Precision–recall curve"

    Returns
    -------
    matplotlib.figure.Figure
        Step curves per model and the horizontal no-skill line at the positive rate.
    """
    from mmlkit.evaluation import precision_recall_curve

    fig, ax = new_figure(width=4.6, height=4.2)
    y = np.asarray(y_true)
    positive = (y == (1 if pos_label is None else pos_label)).mean()
    ax.axhline(positive, ls="--", color="0.6", lw=1, label=f"no skill ({positive:.2f})")
    for i, (name, s) in enumerate(_as_dict(scores).items()):
        p, r, _ = precision_recall_curve(y_true, s, pos_label=pos_label)
        ap = -np.sum(np.diff(r) * p[:-1])
        ax.step(r, p, where="post", color=PALETTE[i % len(PALETTE)], label=f"{name} (AP = {ap:.3f})")
    ax.set(xlabel="recall", ylabel="precision", xlim=(-0.01, 1.01), ylim=(0, 1.02), title=title)
    ax.legend(loc="lower left", fontsize=8)
    return fig


def confusion_matrix_plot(y_true, y_pred, *, labels=None, display_labels=None, normalize=None,
                          title="Confusion matrix"):
    """The confusion matrix as a heat map with the count (or rate) in each cell.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n_samples,)
        True and predicted labels.
    labels : array_like, optional
        Label order (see :func:`mmlkit.evaluation.confusion_matrix`).
    display_labels : list of str, optional
        Tick names; defaults to the labels.
    normalize : {"true", "pred", "all"} or None, default=None
        Show rates instead of counts.
    title : str, default="Confusion matrix"

    Returns
    -------
    matplotlib.figure.Figure
        An image (rows: true, columns: predicted) with one text annotation per cell.
    """
    from mmlkit.evaluation import confusion_matrix

    C = confusion_matrix(y_true, y_pred, labels=labels, normalize=normalize)
    names = display_labels if display_labels is not None else (
        labels if labels is not None else np.union1d(np.asarray(y_true), np.asarray(y_pred)))
    k = C.shape[0]
    longest = max(len(str(n)) for n in names)
    fig, ax = new_figure(width=max(4.2, 1.4 + 0.9 * k), height=max(3.6, 1.2 + 0.8 * k))
    im = ax.imshow(C, cmap="Blues")
    ax.grid(False)
    fig.colorbar(im, ax=ax, shrink=0.8)
    threshold = C.max() / 2 if C.size else 0
    for i in range(k):
        for j in range(k):
            text = f"{C[i, j]:.2f}" if normalize else f"{C[i, j]:g}"
            ax.text(j, i, text, ha="center", va="center", fontsize=9,
                    color="white" if C[i, j] > threshold else "black")
    ax.set_xticks(range(k), [str(n) for n in names], rotation=30 if k > 4 or longest > 6 else 0,
                  ha="right" if k > 4 or longest > 6 else "center")
    ax.set_yticks(range(k), [str(n) for n in names])
    ax.set(xlabel="predicted label", ylabel="true label", title=title)
    return fig


def learning_curve_plot(train_sizes, train_scores, test_scores, *, score_name="score",
                        title="Learning curve"):
    """Training and validation score (mean ± one standard deviation over folds) against training size.

    Parameters
    ----------
    train_sizes : array_like of shape (n_ticks,)
        Training set sizes (from :func:`mmlkit.evaluation.learning_curve`).
    train_scores, test_scores : array_like of shape (n_ticks, n_splits)
        Scores per size and fold.
    score_name : str, default="score"
        Label of the y axis.
    title : str, default="Learning curve"

    Returns
    -------
    matplotlib.figure.Figure
        Two lines with shaded bands; the gap between them is annotated as variance.
    """
    sizes = np.asarray(train_sizes, dtype=float)
    tr, te = np.asarray(train_scores, dtype=float), np.asarray(test_scores, dtype=float)
    fig, ax = new_figure(width=5.2, height=4.0)
    for scores, name, color in ((tr, "training", PALETTE[0]), (te, "cross-validation", PALETTE[1])):
        mean, std = np.nanmean(scores, axis=1), np.nanstd(scores, axis=1)
        ax.plot(sizes, mean, "o-", color=color, label=f"{name} {score_name}")
        ax.fill_between(sizes, mean - std, mean + std, color=color, alpha=0.2, lw=0)
    top, bottom = np.nanmean(tr[-1]), np.nanmean(te[-1])
    ax.annotate("", xy=(sizes[-1], top), xytext=(sizes[-1], bottom),
                arrowprops=dict(arrowstyle="<->", color="0.3", lw=1))
    ax.text(sizes[-1], (top + bottom) / 2, f"gap (variance) = {top - bottom:.3f}  ", ha="right",
            va="center", fontsize=8, color="0.2")
    ax.set(xlabel="training set size", ylabel=score_name, title=title)
    ax.legend(loc="lower right", fontsize=8)
    return fig
