"""Small ufunc buffers for small arrays.

A NumPy ufunc that broadcasts an operand, or reads and writes in different
memory layouts, runs through buffers of ``np.getbufsize()`` values (8192) per
buffered operand, allocated whole even when the array is smaller. On a small
array that is one or two more copies of it. ``small_buffers(size)`` lowers the
buffer size for the ``with`` block when ``size`` values would fit in the
default buffer: the same arithmetic and the same values, in smaller pieces.
"""

from __future__ import annotations

import numpy as np

__all__ = ["small_buffers"]

#: The buffer size (values) used for small arrays: a fraction of them, a few chunks per operation.
SMALL_BUFSIZE = 1024


class small_buffers:
    """``with small_buffers(size):`` NumPy's ufunc buffers at :data:`SMALL_BUFSIZE` values while
    ``size`` (the number of values of the arrays the block works on) is at most the default 8192;
    unchanged otherwise."""

    __slots__ = ("_on", "_old")

    def __init__(self, size: int):
        self._on = size <= 8192

    def __enter__(self):
        if self._on:
            self._old = np.setbufsize(SMALL_BUFSIZE)
        return self

    def __exit__(self, *exc):
        if self._on:
            np.setbufsize(self._old)
        return False
