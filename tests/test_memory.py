"""The kernels' memory hints: they compile into the kernels and never change a value."""

from __future__ import annotations

import sys

import numba as nb
import numpy as np
import pytest

from arcticroute import _kernels as kern
from arcticroute._memory import huge_pages, prefetch


@nb.njit(cache=False)
def _sum_with_hints(a, order):  # type: ignore[no-untyped-def]
    total = 0.0
    for k in range(order.shape[0]):
        prefetch(a, order[(k + 3) % order.shape[0]])
        prefetch(a, -1)  # out of bounds: a hint, never a read
        prefetch(a, a.shape[0] + 1000)
        total += a[order[k]]
    return total


@nb.njit(cache=False)
def _advised(n, value):  # type: ignore[no-untyped-def]
    a = np.empty(n, np.float64)
    huge_pages(a)
    a[:] = value
    b = np.empty((3, 5), np.int32)  # smaller than a 2 MB page: nothing to advise
    huge_pages(b)
    b[:] = 7
    return a, b


def test_prefetch_reads_nothing_and_changes_nothing() -> None:
    rng = np.random.default_rng(3)
    a = rng.random(10_000)
    order = rng.permutation(a.shape[0])
    assert _sum_with_hints(a, order) == pytest.approx(a.sum(), rel=1e-12)


def test_huge_pages_leave_the_array_as_written() -> None:
    n = 3 * (2 << 20) // 8 + 123  # three 2 MB pages and a ragged end
    a, b = _advised(n, 2.5)
    assert a.shape == (n,)
    assert np.all(a == 2.5)
    assert np.all(b == 7)


def test_huge_pages_refuse_what_is_not_one_contiguous_block() -> None:
    @nb.njit(cache=False)
    def advise_a_column(a):  # type: ignore[no-untyped-def]
        huge_pages(a[:, 0])

    with pytest.raises(nb.core.errors.TypingError):
        advise_a_column(np.zeros((4, 4)))


def test_the_searches_carry_their_hints() -> None:
    # The hints live in the compiled code: a refactor that drops them loses a third of the
    # band searches' speed on large graphs without failing any other test. (The cached
    # kernels cannot be inspected: compile a fresh copy.)
    for kernel in (kern.band_reach, kern.reverse_dijkstra, kern.label_search):
        fresh = nb.njit(kernel.signatures[0], cache=False, nogil=True)(kernel.py_func)
        llvm = "\n".join(fresh.inspect_llvm().values())
        assert "llvm.prefetch" in llvm, kernel.__name__
        if sys.platform.startswith("linux") and kernel is not kern.label_search:
            assert "@madvise" in llvm, kernel.__name__
