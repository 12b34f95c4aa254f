r"""
Reverse-mode gradients against finite differences
==================================================

:func:`mmlkit.autodiff.grad` differentiates a function through its computational graph. We compare
it with central differences of every step size: their error is truncation, ``O(h²)``, for large
steps and rounding, ``O(ε/h)``, for small ones, with a best step near ``ε^(1/3)``. The autodiff
gradient has neither error and sits at the floor:

.. math::

   \Big|\frac{f(x + h) - f(x - h)}{2h} - f'(x)\Big| \lesssim \frac{|f^{(3)}(x)|}{6} h^2
   + \frac{\varepsilon\, |f(x)|}{h}, \qquad h^\star \approx \varepsilon^{1/3} .
"""

import matplotlib.pyplot as plt
import numpy as np

import mmlkit.autodiff as ad
from mmlkit.calculus import gradient_fd


def f(x):
    return ad.sum(ad.tanh(x) * ad.exp(-x ** 2 / 4)) + ad.log(1 + ad.sum(x ** 2))


x = np.random.default_rng(0).normal(size=5)
g_ad = ad.grad(f)(x)
steps = np.logspace(-12, -1, 23)
errors = [np.max(np.abs(gradient_fd(lambda v: float(f(v).data), x, h=h) - g_ad)) for h in steps]
print("gradient by reverse mode:", np.round(g_ad, 6))
print("check_grad's largest relative error:", ad.check_grad(f, x))

# %%
# The error of central differences against the step.

fig, ax = plt.subplots(figsize=(6, 4))
ax.loglog(steps, errors, "o-", label="central difference")
ax.axvline(np.finfo(float).eps ** (1 / 3), color="k", ls=":", label="ε^(1/3)")
ax.set_xlabel("step h")
ax.set_ylabel("max |g_fd − g_autodiff|")
ax.legend()
ax.set_title("finite differences meet autodiff")
