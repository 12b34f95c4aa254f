"""Small ufunc buffers for small arrays.

A NumPy ufunc that broadcasts an operand, or reads and writes in different
memory layouts, runs through buffers of ``np.getbufsize()`` values (8192) per
buffered operand, allocated whole even when the array is smaller. On a small
array that is one or two more copies of it. :func:`with_small_buffers` runs a
function with a smaller buffer size when its arrays would fit in the default
buffer: the same arithmetic and the same values, in smaller pieces.
"""

from __future__ import annotations

import contextvars

import numpy as np

__all__ = ["with_small_buffers"]

#: The buffer size (values) used for small arrays: a fraction of them, a few chunks per operation.
SMALL_BUFFER = 1024


def _run(fn, args):
    np.setbufsize(SMALL_BUFFER)
    return fn(*args)


def with_small_buffers(size, fn, *args):
    """``fn(*args)``, with NumPy's ufunc buffers at :data:`SMALL_BUFFER` values when ``size`` (the
    number of values of the arrays ``fn`` works on) is at most the default 8192.

    The buffer size is set in a copy of the current context, which is then dropped: the caller's
    context is never written (NumPy's ufuncs take a slower path for the rest of a context once its
    buffer size has been set, even back to the default).
    """
    if size > 8192:
        return fn(*args)
    return contextvars.copy_context().run(_run, fn, args)
