r"""
Benchmarks: mmlkit beside the reference libraries
==================================================

The side-by-side benchmark table stored with the documentation (``docs/_data/benchmarks.csv``,
written by ``docs/_data/record_benchmarks.py``; nothing heavy runs while the site builds), drawn as
the ratio of mmlkit's time to its reference's, one bar per benchmark (left of 1: mmlkit faster).
Run ``mmlkit bench`` to measure on your own machine.

.. math::

   \text{ratio} = \frac{t_{\text{mmlkit}}}{t_{\text{reference}}}, \qquad
   t = \min_{r \le R} t^{(r)} \ \text{(the fastest of } R \text{ repeats)} .
"""

import csv
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

try:  # run by sphinx-gallery from docs/gallery, or as a script from anywhere in the checkout
    here = Path(__file__).resolve().parent
except NameError:
    here = Path.cwd()
table = next(p for p in (here.parent / "_data" / "benchmarks.csv", Path("docs/_data/benchmarks.csv"))
             if p.exists())
lines = table.read_text(encoding="utf-8").splitlines()
print(lines[0].lstrip("# "))
rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))

# %%
# The table, topic by topic: time of each side and the quality figure of each.

print(f"{'benchmark':44s} {'reference':18s} {'ratio':>7s}  quality (mmlkit / reference)")
for row in rows:
    quality = (f"{row['quality_name']}: {float(row['ours_quality']):.4g} / {float(row['ref_quality']):.4g}"
               if row["ours_quality"] else "")
    print(f"{row['topic'] + ': ' + row['name']:44.44s} {row['reference']:18.18s} "
          f"{float(row['ratio']):7.2f}  {quality}")

# %%
# The ratios on a logarithmic axis, coloured by topic.

topics = sorted({row["topic"] for row in rows})
colors = dict(zip(topics, plt.cm.tab20(np.linspace(0, 1, max(len(topics), 2)))))
ratios = np.array([float(row["ratio"]) for row in rows])
fig, ax = plt.subplots(figsize=(7, max(3.0, 0.16 * len(rows))))
ax.barh(np.arange(len(rows)), ratios, color=[colors[row["topic"]] for row in rows])
ax.set_xscale("log")
ax.axvline(1.0, color="k", lw=0.8)
ax.set_yticks(np.arange(len(rows)), [f"{row['topic']}: {row['name']}"[:48] for row in rows], fontsize=6)
ax.invert_yaxis()
ax.set_xlabel("time ratio mmlkit / reference (log scale; < 1: mmlkit faster)")
ax.set_title(f"median ratio {np.median(ratios):.2f} over {len(rows)} benchmarks")
fig.tight_layout()
