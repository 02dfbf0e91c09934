"""Numba kernels of the exact route solver (flat arrays in, flat arrays out).

Nothing here imports networkx or builds Python objects: `arcticroute.solver` prepares the
arrays, calls these kernels and turns their raw output into plans. Kernels never raise; they
return sentinels (``-1`` ids, ``inf`` distances, status codes).

Weather is seen as *epochs*: per weather cell, maximal runs of time steps with identical
(open, speed, fuel, risk) values. Cell ``c`` owns epochs ``ep_ptr[c]:ep_ptr[c + 1]``; epoch
``k`` starts at ``ep_start[k]`` (the first epoch of a cell starts at ``-inf``) and lasts until
the next epoch of the same cell starts (the last one lasts forever).

References
----------
Ichoua, Gendreau & Potvin (2003), "Vehicle dispatching with time-dependent travel times",
EJOR 144(2): the time-dependent speed model behind `traverse_arc`.
Desrochers & Soumis (1988), "A generalized permanent labelling algorithm for the shortest
path problem with time windows": multi-label setting with dominance, used by `label_search`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import numba as nb
import numpy as np
from numba import literal_unroll

from arcticroute._memory import huge_pages, prefetch

__all__ = [
    "BIT_DEAD",
    "BIT_REFUELLED",
    "C_FUEL_FACTOR",
    "C_HOURS_UNIT",
    "C_LITRES_UNIT",
    "C_SPEED_FACTOR",
    "KIND_DRIVE",
    "KIND_MASK",
    "KIND_ORIGIN",
    "KIND_REFUEL",
    "KIND_REST",
    "LANDMARK_NONE",
    "LF_BURN",
    "LF_DRIVE",
    "LF_FUEL",
    "LF_RISK",
    "LF_STAND",
    "LF_T",
    "LI_NODE",
    "LI_TAGS",
    "LK_ARC",
    "LK_PRED",
    "N_CPAR",
    "OBJ_FUEL",
    "OBJ_PARETO",
    "OBJ_RISK",
    "OBJ_TIME",
    "STATUS_FOUND",
    "STATUS_INFEASIBLE",
    "STATUS_LABEL_LIMIT",
    "TAG_BITS",
    "TRAV_CLOSED_AT_ENTRY",
    "TRAV_CLOSED_ON_WAY",
    "TRAV_OK",
    "band_bound",
    "band_earliest",
    "band_lo",
    "band_reach",
    "band_slots",
    "catchment_row",
    "catchment_table",
    "catchments_by_node",
    "charged_hours",
    "depot_catchments",
    "depot_hours",
    "earliest_arrival_path",
    "f32_below",
    "gather",
    "label_search",
    "landmark_column",
    "latest_band_departure",
    "latest_departure",
    "least_per_km",
    "node_table",
    "quantize_catchments",
    "range_reach",
    "reverse_csr",
    "reverse_dijkstra",
    "stand_limit",
    "traverse_arc",
]

# The label table ``lab`` holds one 64-byte row (a cache line) per label: what the search
# reads when it takes a label from the queue. Columns 0-5 are floats; columns 6-7 are
# integers, read and written through ``lab.view(np.int64)``.
LF_T = 0  # time at the node, hours
LF_FUEL = 1  # fuel in the tank, litres (may be capped, see `label_search`)
LF_DRIVE = 2  # driving hours since the last rest
LF_BURN = 3  # litres burnt since departure
LF_RISK = 4  # accumulated risk
LF_STAND = 5  # latest time until which the vehicle may stand still here, hours
LI_NODE = 6
LI_TAGS = 7  # bits | via stage << 8 | (weather cell arrived by + 1) << 24, see `_tags`
_N_LAB = 8

# Columns of the link table (what only the trace-back reads).
LK_PRED = 0  # predecessor label, -1 for the origin label
LK_ARC = 1  # arc driven to create the label, -1 otherwise
_N_LK = 2

TAG_BITS = 0xFF  # kind (low two bits) | BIT_REFUELLED | BIT_DEAD

KIND_ORIGIN = 0
KIND_DRIVE = 1
KIND_REFUEL = 2
KIND_REST = 3
KIND_MASK = 3
BIT_REFUELLED = 4  # already refuelled during this visit of the node
BIT_DEAD = 8  # dominated: not expanded any more, still a valid predecessor

OBJ_TIME = 0
OBJ_FUEL = 1
OBJ_RISK = 2
OBJ_PARETO = 3

STATUS_FOUND = 0
STATUS_INFEASIBLE = 1
STATUS_LABEL_LIMIT = 2

TRAV_OK = 0
TRAV_CLOSED_AT_ENTRY = 1
TRAV_CLOSED_ON_WAY = 2

_INF = np.inf

# Numba type names for the eager signatures (C-contiguous arrays).
_i8 = "int64"
_f8 = "float64"
_ai8 = "int64[::1]"
_ai4 = "int32[::1]"
_af8 = "float64[::1]"
_ab1 = "boolean[::1]"
_af8_2 = "float64[:, ::1]"
_ai8_2 = "int64[:, ::1]"


def _sig(ret: tuple[str, ...] | str, *args: str) -> str:
    """Numba signature string: a tuple return type (or a scalar one) and argument types."""
    out = ret if isinstance(ret, str) else f"Tuple(({', '.join(ret)}))"
    return f"{out}({', '.join(args)})"


_LOG = logging.getLogger("arcticroute")

_COMPILE_NOTICE_S = 2.0
"""A kernel still compiling after this many seconds logs, once per process, that it does
(INFO on the ``arcticroute`` logger, which the command line prints): loading it from the
cache takes milliseconds, compiling it up to half a minute."""

_compile_noticed = threading.Event()


def _notice_compiling() -> None:
    if not _compile_noticed.is_set():
        _compile_noticed.set()
        _LOG.info(
            "compiling the route solver for this machine (once: numba keeps it in its cache; "
            "this can take a minute)"
        )


class _Kernel:
    """A kernel with explicit signatures, compiled (or loaded from the cache) at first call.

    Compiling every kernel at import took 60-73 s from an empty cache before a first plan
    that calls a few of them (the band searches and the catchments' build only run for
    some range queries, the landmarks only on large graphs). Called from Python only:
    kernels that other kernels call are plain ``nb.njit`` functions.
    """

    def __init__(self, signatures: str | list[str], py_func: Any) -> None:
        self.signatures = signatures if isinstance(signatures, list) else [signatures]
        self.py_func = py_func
        self.__name__ = py_func.__name__
        self.__qualname__ = py_func.__qualname__
        self.__doc__ = py_func.__doc__
        self.__module__ = py_func.__module__
        self.__wrapped__ = py_func
        self._compiled: Any = None
        self._lock = threading.Lock()

    def __call__(self, *args: Any) -> Any:
        compiled = self._compiled
        if compiled is None:
            with self._lock:  # two threads may call a kernel first at once
                if self._compiled is None:
                    notice = threading.Timer(_COMPILE_NOTICE_S, _notice_compiling)
                    notice.daemon = True
                    notice.start()
                    try:
                        jit = nb.njit(self.signatures, cache=True, nogil=True)
                        self._compiled = jit(self.py_func)
                    finally:
                        notice.cancel()
                compiled = self._compiled
        return compiled(*args)


def _kernel(signatures: str | list[str]) -> Callable[[Any], _Kernel]:
    """Decorator: `_Kernel` with these signatures (``cache=True``, ``nogil=True``)."""

    def wrap(py_func: Any) -> _Kernel:
        return _Kernel(signatures, py_func)

    return wrap


# --------------------------------------------------------------------------------------
# Graph utilities
# --------------------------------------------------------------------------------------


@_kernel(_sig((_ai8, _ai4, _ai4), _ai8, _ai4))
def reverse_csr(indptr, head):  # type: ignore[no-untyped-def]
    """Reverse a CSR arc list by counting sort (stable in arc order).

    Parameters
    ----------
    indptr : array of int64, shape (n + 1,)
        Row pointers of the forward CSR.
    head : array of int32, shape (m,)
        Head node of each arc.

    Returns
    -------
    rptr : array of int64, shape (n + 1,)
        Row pointers of the reverse CSR: arcs *into* ``v`` are ``rptr[v]:rptr[v + 1]``.
    rtail : array of int32, shape (m,)
        Tail node of each reversed entry.
    rarc : array of int32, shape (m,)
        Forward arc index of each reversed entry (graphs have fewer than 2**31 arcs).
    """
    n = indptr.shape[0] - 1
    m = head.shape[0]
    rptr = np.zeros(n + 1, np.int64)
    for e in range(m):
        rptr[head[e] + 1] += 1
    for v in range(n):
        rptr[v + 1] += rptr[v]
    pos = rptr[:n].copy()
    rtail = np.empty(m, np.int32)
    rarc = np.empty(m, np.int32)
    for u in range(n):
        for e in range(indptr[u], indptr[u + 1]):
            v = head[e]
            p = pos[v]
            rtail[p] = u
            rarc[p] = e
            pos[v] = p + 1
    return rptr, rtail, rarc


# The label queue is a binary heap of rows (key 1, key 2, label id), one array so that a
# heap slot is one memory access; the id is read through an int64 view (``heap_i``).
_H_K1 = 0
_H_K2 = 1
_H_ID = 2
_N_H = 3


@nb.njit(cache=True, nogil=True)
def _before(heap, heap_i, a, k1, k2, i):  # type: ignore[no-untyped-def]
    # Whether heap slot a orders strictly before the entry (k1, k2, i).
    x = heap[a, _H_K1]
    if x != k1:
        return x < k1
    x = heap[a, _H_K2]
    if x != k2:
        return x < k2
    return heap_i[a, _H_ID] < i


@nb.njit(cache=True, nogil=True)
def _hput(heap, heap_i, pos, k1, k2, i):  # type: ignore[no-untyped-def]
    heap[pos, _H_K1] = k1
    heap[pos, _H_K2] = k2
    heap_i[pos, _H_ID] = i


@nb.njit(cache=True, nogil=True)
def _dpush(heap, heap_i, size, k1, k2, i):  # type: ignore[no-untyped-def]
    pos = size
    while pos > 0:
        par = (pos - 1) >> 1
        if _before(heap, heap_i, par, k1, k2, i):
            break
        _hput(heap, heap_i, pos, heap[par, _H_K1], heap[par, _H_K2], heap_i[par, _H_ID])
        pos = par
    _hput(heap, heap_i, pos, k1, k2, i)
    return size + 1


@nb.njit(cache=True, nogil=True)
def _dpop(heap, heap_i, size):  # type: ignore[no-untyped-def]
    k1 = heap[0, _H_K1]
    k2 = heap[0, _H_K2]
    i = heap_i[0, _H_ID]
    size -= 1
    if size > 0:
        x1 = heap[size, _H_K1]
        x2 = heap[size, _H_K2]
        xi = heap_i[size, _H_ID]
        pos = 0
        while True:
            c = 2 * pos + 1
            if c >= size:
                break
            r = c + 1
            if r < size and _before(
                heap, heap_i, r, heap[c, _H_K1], heap[c, _H_K2], heap_i[c, _H_ID]
            ):
                c = r
            if not _before(heap, heap_i, c, x1, x2, xi):
                break
            _hput(heap, heap_i, pos, heap[c, _H_K1], heap[c, _H_K2], heap_i[c, _H_ID])
            pos = c
        _hput(heap, heap_i, pos, x1, x2, xi)
    return k1, k2, i, size


# The node queues of the Dijkstra searches are 4-ary heaps with decrease-key (``pos`` holds
# each node's slot): half the levels of a binary heap, and the four children of a slot
# share a cache line of keys. Slots and node ids are int32.


@nb.njit(cache=True, nogil=True)
def _sift_up(hk, hv, pos, i, key, v, hval, a):  # type: ignore[no-untyped-def]
    # Place node v with key at slot i or above (decrease-key / insert). ``hval`` (None:
    # none) carries a float32 payload per slot, v's being ``a``.
    while i > 0:
        par = (i - 1) >> 2
        if hk[par] <= key:
            break
        hk[i] = hk[par]
        hv[i] = hv[par]
        if hval is not None:
            hval[i] = hval[par]
        pos[hv[i]] = i
        i = par
    hk[i] = key
    hv[i] = v
    if hval is not None:
        hval[i] = a
    pos[v] = i


@nb.njit(cache=True, nogil=True)
def _sift_down(hk, hv, pos, i, key, v, size, hval, a):  # type: ignore[no-untyped-def]
    # Place node v with key at slot i or below (after removing the root); see `_sift_up`.
    while True:
        first = 4 * i + 1
        if first >= size:
            break
        c = first
        ck = hk[first]
        for j in range(first + 1, min(first + 4, size)):
            if hk[j] < ck:
                c = j
                ck = hk[j]
        if ck >= key:
            break
        hk[i] = ck
        hv[i] = hv[c]
        if hval is not None:
            hval[i] = hval[c]
        pos[hv[i]] = i
        i = c
    hk[i] = key
    hv[i] = v
    if hval is not None:
        hval[i] = a
    pos[v] = i


# The large per-node and per-state arrays of one search are written whole: on 2 MB pages
# (`_memory.huge_pages`) that costs a few hundred page faults instead of tens of thousands
# (a 1M-lattice range query faulted 63,000 times, 0.19 s of system time), and the
# searches' random reads miss the address-translation cache less.


@nb.njit(cache=True, nogil=True)
def _huge_full(n, value, dtype):  # type: ignore[no-untyped-def]
    a = np.empty(n, dtype)
    huge_pages(a)
    a[:] = value
    return a


# The searches prefetch what they will read for the state they pop next (see `_memory`):
# its node's rows when it reaches the top of the queue, and, once the current state's moves
# are queued (the top is then the next pop), its arcs and its neighbours' rows. On the 1M
# lattice this made `band_reach` 0.58-0.65x as long and `band_bound` 0.74-0.88x.


@nb.njit(cache=True, nogil=True)
def _warm_node(v, node_rows, state_rows, n_slots):  # type: ignore[no-untyped-def]
    # Node v's entry of each per-node array and its first state's of each per-state one.
    for a in literal_unroll(node_rows):
        prefetch(a, v)
    for a in literal_unroll(state_rows):
        prefetch(a, v * n_slots)


@nb.njit(cache=True, nogil=True)
def _warm_next(v, ptr, ends, arc_rows, node_rows, state_rows, n_slots):  # type: ignore[no-untyped-def]
    # Node v's arcs (CSR ``ptr``, far ends ``ends``) and the rows of the nodes they lead to.
    e0 = ptr[v]
    e1 = ptr[v + 1]
    for a in literal_unroll(arc_rows):
        prefetch(a, e0)
        prefetch(a, e1 - 1)
    for e in range(e0, e1):
        _warm_node(ends[e], node_rows, state_rows, n_slots)


@_kernel(_sig(_af8, _af8, _ai4))
def gather(values, index):  # type: ignore[no-untyped-def]
    """``values[index]`` without numpy's int64 copy of an int32 ``index``.

    (On the 1M lattice that copy is 64 MB per gather of arc weights into reverse-CSR
    order, two at once when the two bound searches gather theirs on two threads.)
    """
    out = np.empty(index.shape[0], np.float64)
    for p in range(index.shape[0]):
        out[p] = values[index[p]]
    return out


@_kernel(
    [
        _sig((_af8, _af8, _f8), _ai8, _ai4, _af8, _af8, _ai8, _af8, _f8, _i8)
    ]  # a reverse CSR's tails or a forward CSR's heads (`CompiledGraph.head` is int32)
)
def reverse_dijkstra(rptr, rtail, rw1, rw2, sources, source_d, radius, stop_node):  # type: ignore[no-untyped-def]
    """Lexicographic (w1, w2) Dijkstra towards ``sources`` over reversed arcs.

    Parameters
    ----------
    rptr : array of int64
        Reverse CSR row pointers from `reverse_csr`.
    rtail : array of int32
        Reverse CSR tails from `reverse_csr` (or a forward CSR's heads, for distances from
        the sources).
    rw1 : array of float64, shape (m,)
        Primary arc weight (hours, litres or risk) in reverse-CSR order (``w1[rarc]``);
        ``inf`` hides the arc.
    rw2 : array of float64, shape (m,) or (0,)
        Secondary weight in reverse-CSR order, summed along the lexicographically
        shortest path (e.g. litres along the fastest path); empty to skip it (``d2`` is
        then empty too, 8 MB less per search on 1M nodes, unless there are no arcs).
    sources : array of int64
        Nodes the distances are measured to (the target, or several depots).
    source_d : array of float64
        Distance already counted at each source (0 for plain distances; ``inf`` skips
        the source).
    radius : float
        Stop once the smallest tentative distance exceeds this (same unit as ``w1``);
        nodes left unsettled then get ``inf``.
    stop_node : int
        Stop as soon as this node is settled (-1: never). Nodes left unsettled then get
        the distance of ``stop_node`` (a valid lower bound, which keeps A* consistent).

    Returns
    -------
    d1 : array of float64, shape (n,)
        Distance to the nearest source (or the fill value described above).
    d2 : array of float64, shape (n,) or (0,)
        Sum of ``w2`` along that path (``inf`` where unsettled); empty without ``rw2``.
    stop_dist : float
        Distance of ``stop_node`` (``inf`` if unreachable or not requested).
    """
    n = rptr.shape[0] - 1
    second = rw2.shape[0] > 0 or rw1.shape[0] == 0  # (no arcs: both empty, d2 computed)
    d1 = _huge_full(n, _INF, np.float64)
    d2 = _huge_full(n if second else 0, _INF, np.float64)
    pos = _huge_full(n, -1, np.int32)  # heap slot, -1 never queued, -2 settled
    hk = np.empty(n, np.float64)
    hv = np.empty(n, np.int32)
    size = 0
    for j in range(sources.shape[0]):
        s = sources[j]
        a = source_d[j]
        if a < d1[s]:
            d1[s] = a
            if second:
                d2[s] = 0.0
            if pos[s] < 0:
                pos[s] = size
                size += 1
            _sift_up(hk, hv, pos, pos[s], a, s, None, 0.0)
    stop_dist = _INF
    fill = _INF
    while size > 0:
        a = hk[0]
        v = hv[0]
        size -= 1
        if size > 0:
            _sift_down(hk, hv, pos, 0, hk[size], hv[size], size, None, 0.0)
            _warm_node(hv[0], (rptr,), (d2 if second else d1,), 1)
        pos[v] = -2
        if a > radius:
            pos[v] = -1
            break
        if v == stop_node:
            stop_dist = a
            fill = a
            break
        b = d2[v] if second else 0.0
        for p in range(rptr[v], rptr[v + 1]):
            w = rw1[p]
            if w == _INF:
                continue
            u = rtail[p]
            pu = pos[u]
            if pu == -2:
                continue
            na = a + w
            nb_ = b + rw2[p] if second else 0.0
            if na < d1[u] or (second and na == d1[u] and nb_ < d2[u]):
                d1[u] = na
                if second:
                    d2[u] = nb_
                if pu < 0:
                    pu = size
                    size += 1
                _sift_up(hk, hv, pos, pu, na, u, None, 0.0)
        if size > 0:
            if second:
                _warm_next(hv[0], rptr, rtail, (rtail, rw1, rw2), (pos,), (d1, d2), 1)
            else:
                _warm_next(hv[0], rptr, rtail, (rtail, rw1), (pos,), (d1,), 1)
    for v in range(n):
        if pos[v] != -2:
            d1[v] = fill
            if second:
                d2[v] = _INF
    return d1, d2, stop_dist


@_kernel(_sig((_af8, _ai4), _ai8, _ai4, _af8, _ab1, _ai8, _i8, _f8, _f8, _f8))
def range_reach(indptr, head, litres, refuel, stage_node, origin, first_l, leg_l, tol):  # type: ignore[no-untyped-def]
    """Whether a tank of ``leg_l`` usable litres gets through, ignoring time: most fuel left.

    A search over (via stage, node) states that keeps, per state, the most usable litres
    the vehicle can have there: it starts with ``first_l`` (``leg_l`` at a refuelling
    point), each arc burns its ``litres`` and may not take it below ``-tol``, and every
    refuelling point fills it to ``leg_l``. Refuelling is free and unlimited, and time
    plays no part: with each arc's least litres it is a relaxation of the solver's range
    rules, and the least ``leg_l`` that reaches the target is the least range any route
    needs between refuelling points (`solver._range_reason` bisects on it).

    Most fuel first, as in a Dijkstra; but a refuelling point found late (from a state
    with little fuel left) fills the tank again, and its wave may then leave more fuel at
    states already taken: they are taken again (label-correcting). Each time a state
    improves it gets a new label that points to the label it came from, so the route read
    back is a walk, which may pass a node twice (out to a depot and back).

    Parameters
    ----------
    indptr : array of int64
        CSR row pointers.
    head : array of int32
        Head node of each arc.
    litres : array of float64, shape (m,)
        Litres to drive each arc (``inf`` hides the arc).
    refuel : array of bool, shape (n,)
        Refuelling points (depots with fuel).
    stage_node : array of int64, shape (k,)
        The via points in order, then the target: reaching ``stage_node[j]`` in stage j
        moves on to stage j + 1.
    origin : int
        Start node.
    first_l : float
        Usable litres at the start (before any refuelling), litres.
    leg_l : float
        Usable litres after a refuelling stop (a full tank less the reserve), litres.
    tol : float
        Litres an arc may overdraw, for rounding.

    Returns
    -------
    left : array of float64, shape ((k + 1) * n,)
        Most usable litres at each state (state ``stage * n + node``; stage k is the
        target reached), ``-inf`` where not reached; final only up to the target's.
    route : array of int32
        The arcs of a walk that reaches the target, in order (empty if none does).
    """
    n = indptr.shape[0] - 1
    k = stage_node.shape[0]
    n_states = (k + 1) * n
    left = np.full(n_states, -_INF)
    label = np.full(n_states, -1, np.int64)  # each state's current label
    pos = np.full(n_states, -1, np.int32)  # heap slot, -1 not queued
    hk = np.empty(n_states, np.float64)  # keys: minus the litres left
    hv = np.empty(n_states, np.int32)
    lab_pred = np.empty(max(n, 16), np.int64)
    lab_arc = np.empty(max(n, 16), np.int32)
    n_lab = 0
    stage = 0
    while stage < k and stage_node[stage] == origin:
        stage += 1
    start = stage * n + origin
    left[start] = leg_l if refuel[origin] else first_l
    lab_pred[0] = -1
    lab_arc[0] = -1
    label[start] = 0
    n_lab = 1
    pos[start] = 0
    size = 1
    _sift_up(hk, hv, pos, 0, -left[start], start, None, 0.0)
    final = -1
    while size > 0:
        s = hv[0]
        size -= 1
        if size > 0:
            _sift_down(hk, hv, pos, 0, hk[size], hv[size], size, None, 0.0)
        pos[s] = -1
        stage = s // n
        if stage == k:
            final = s
            break
        v = s - stage * n
        have = left[s]
        for e in range(indptr[v], indptr[v + 1]):
            c = litres[e]
            if c == _INF or have - c < -tol:
                continue
            w = head[e]
            r = max(have - c, 0.0)
            if refuel[w] and r < leg_l:
                r = leg_l
            st = stage
            while st < k and stage_node[st] == w:
                st += 1
            t = st * n + w
            if r <= left[t]:
                continue
            left[t] = r
            if n_lab == lab_pred.shape[0]:
                lab_pred = np.concatenate((lab_pred, np.empty(n_lab, np.int64)))
                lab_arc = np.concatenate((lab_arc, np.empty(n_lab, np.int32)))
            lab_pred[n_lab] = label[s]
            lab_arc[n_lab] = e
            label[t] = n_lab
            n_lab += 1
            if pos[t] < 0:
                pos[t] = size
                size += 1
            _sift_up(hk, hv, pos, pos[t], -r, t, None, 0.0)
    if final < 0:
        return left, np.empty(0, np.int32)
    count = 0
    lab = label[final]
    while lab_pred[lab] >= 0:
        count += 1
        lab = lab_pred[lab]
    route = np.empty(count, np.int32)
    lab = label[final]
    for i in range(count - 1, -1, -1):
        route[i] = lab_arc[lab]
        lab = lab_pred[lab]
    return left, route


# ---- the refuelling-band bound -------------------------------------------------------------
#
# A label short of fuel for the target (deficit = litres still to burn - usable litres > 0)
# must refuel first at a depot d with h_fuel[d] >= deficit (it cannot burn less than
# h_fuel[v] - h_fuel[d] on the way). After a full refill at d its deficit is at least
# h_fuel[d] - usable, and a deficit never shrinks while driving. `band_bound` turns this
# into a Dijkstra over (node, deficit band) states, so the bound knows which depots a
# label can still reach and that consecutive stops lie within one tank of each other.

_BAND_EPS = 1e-6  # litres: bands are rounded so that float noise only ever loosens the bound


@nb.njit(cache=True, nogil=True)
def band_lo(h_fuel_l, usable_l, band_l):  # type: ignore[no-untyped-def]
    """The lowest deficit band of a label at a node with ``h_fuel_l`` litres to burn."""
    x = np.floor((h_fuel_l - usable_l - _BAND_EPS) / band_l)
    return int(x) if x > 0.0 else 0


@nb.njit(cache=True, nogil=True)
def _band_hi(h_fuel_l, band_l):  # type: ignore[no-untyped-def]
    return int(np.floor((h_fuel_l + _BAND_EPS) / band_l))


@nb.njit(cache=True, nogil=True)
def _offer(val, hk, hv, pos, size, s, a, key):  # type: ignore[no-untyped-def]
    # Give unsettled state s the value a (queued by key) if that improves it; new size.
    if pos[s] != -2 and a < val[s]:
        val[s] = a
        if pos[s] < 0:
            pos[s] = size
            size += 1
        _sift_up(hk, hv, pos, pos[s], key, s, None, 0.0)
    return size


@nb.njit(_sig("float32", _f8), cache=True, nogil=True)
def f32_below(x):  # type: ignore[no-untyped-def]
    """The largest float32 not above ``x``: a lower bound stays one in half the memory."""
    y = np.float32(x)
    if np.float64(y) > x:
        y = np.nextafter(y, np.float32(-_INF))
    return y


@nb.njit(cache=True, nogil=True)
def _offer_f32(slot, done, hk, hv, hval, size, s, a, pot):  # type: ignore[no-untyped-def]
    # Give unsettled state s the float32 value a (queued by a + pot) if that improves it.
    # The key is computed from the stored value, so the A* stays consistent after rounding.
    # A queued state's value lives in its heap entry, its heap position in slot[s].
    if done[s] or pot == _INF:
        return hk, hv, hval, size
    i = slot[s]
    if i >= 0:
        if a < hval[i]:
            _sift_up(hk, hv, slot, i, np.float64(a) + pot, s, hval, a)
        return hk, hv, hval, size
    if size == hk.shape[0]:
        hk2 = np.empty(2 * size, np.float64)
        hv2 = np.empty(2 * size, np.int32)
        hval2 = np.empty(2 * size, np.float32)
        hk2[:size] = hk
        hv2[:size] = hv
        hval2[:size] = hval
        hk = hk2
        hv = hv2
        hval = hval2
    _sift_up(hk, hv, slot, size, np.float64(a) + pot, s, hval, a)
    return hk, hv, hval, size + 1


@nb.njit(cache=True, nogil=True)
def _band_range(h_fuel, h_time, usable_l, band_l, per):  # type: ignore[no-untyped-def]
    # Per node: its lowest band and how many more it has (-1: no state, the node cannot
    # reach the target), in bands of ``per * band_l`` litres; and the most states a node has.
    n = h_fuel.shape[0]
    node_lo = _huge_full(n, 0, np.int32)
    node_top = _huge_full(n, -1, np.int32)
    n_slots = 1
    for v in range(n):
        if h_fuel[v] < _INF and h_time[v] < _INF:
            lo = band_lo(h_fuel[v], usable_l, band_l) // per
            node_lo[v] = lo
            node_top[v] = _band_hi(h_fuel[v], band_l) // per - lo
            n_slots = max(n_slots, node_top[v] + 1)
    return node_lo, node_top, n_slots


@_kernel(
    _sig(
        (_af8_2, _f8),
        _ai8,
        _ai4,
        _af8,
        _ai4,
        _af8,
        _ab1,
        _af8,
        _af8,
        _ai8,
        _f8,
        _f8,
        _f8,
        _i8,
        _i8,
        _f8,
        _i8,
        _f8,
    )
)
def band_reach(  # type: ignore[no-untyped-def]
    indptr,
    head,
    arc_hours,
    arc_cell,
    cell_speed,
    arc_ok,
    h_time,
    h_fuel,
    depots,
    usable_l,
    refuel_h,
    band_l,
    per,
    origin,
    origin_deficit_l,
    target,
    slack_h,
):
    """Hours from the origin to each (node, coarse deficit band), stops included.

    The forward twin of `band_bound` on bands ``per`` times as wide: its table is the A*
    potential that steers `band_bound` towards the origin. Unlike the plain hours from the
    origin it counts the refuelling stops a vehicle needs before it gets anywhere, so the
    band search stays near the routes a vehicle can drive.

    Parameters
    ----------
    indptr, head : arrays of int64 and int32
        Forward CSR.
    arc_hours, arc_cell, cell_speed, arc_ok : arrays
        Calm hours and weather cell per arc, the highest speed factor per cell and the
        usable arcs: ``arc_hours / cell_speed[arc_cell]`` is a lower bound on an arc's
        hours (computed here rather than stored: 64 MB on the 1M lattice).
    h_time, h_fuel : arrays of float64, shape (n,)
        Lower bounds on the hours and litres from each node to the target.
    depots : array of int64
        Nodes where a vehicle may refuel.
    usable_l, refuel_h, band_l : float
        Tank capacity less the reserve (litres, > 0), hours a stop costs, and the width of
        a fine deficit band (litres, > 0) as in `band_bound`.
    per : int
        Fine bands per coarse band (>= 1).
    origin, target : int
        Node indices.
    origin_deficit_l : float
        The origin label's deficit, litres.
    slack_h : float
        Hours the search goes on past the key of the target, so that the band search
        finds exact potentials where it looks.

    Returns
    -------
    table : array of float64, shape (n, 1 + n_bands)
        Column ``1 + j`` of row ``v``: a lower bound on the hours from departure to a label
        at ``v`` whose deficit lies in coarse band ``lo(v) + j`` (``lo(v)`` is
        ``band_lo(h_fuel[v], ...) // per``), the least over that band, the bands below it
        and no deficit, for a deficit may grow; column 0: with no deficit; ``inf`` where
        no label can be. It is consistent with every move of `band_bound`'s states (an
        abstraction of them), so it is an A* potential for that search.
    fill : float
        Least key left in the queue when the search stopped (``inf`` if it ran out);
        states beyond it got ``fill`` less their potential.

    Notes
    -----
    State (v, B): at v with a deficit in coarse band B, or with no deficit (only there may
    a label drive on to the target without a stop). Driving v -> w leads to
    (w, max(B, lo(w))) if w has that band (no deficit stays none where w allows it); a
    stop at a depot leads to (d, lo(d)), or to no deficit where a full tank covers
    ``h_fuel[d]``. A larger deficit is never worse to have reached, so the table takes,
    per node, the least value over no deficit and the bands up to each one. States are
    settled in order of hours plus a potential: ``h_time`` and ``refuel_h`` for each stop
    a deficit of B coarse bands needs at least (one, and ``B / k`` with ``k`` coarse bands
    at least a tank and at least any node's span of bands). That count never falls while
    driving and falls by at most one at a stop, so the A* is consistent.
    """
    n = indptr.shape[0] - 1
    node_lo, node_top, n_bands = _band_range(h_fuel, h_time, usable_l, band_l, per)
    is_depot = np.zeros(n, np.bool_)
    for j in range(depots.shape[0]):
        is_depot[depots[j]] = True
    # slot 0 of a node: no deficit (the tank covers the litres to the target), which only
    # nodes within one tank of the target have; slot 1 + k: band lo + k
    free_ok = np.zeros(n, np.bool_)
    for v in range(n):
        free_ok[v] = node_top[v] >= 0 and h_fuel[v] <= usable_l + _BAND_EPS
    n_slots = n_bands + 1
    n_states = n * n_slots
    val = _huge_full(n_states, _INF, np.float64)
    pos = _huge_full(n_states, -1, np.int32)  # heap slot, -1 never queued, -2 settled
    hk = np.empty(n_states, np.float64)
    hv = np.empty(n_states, np.int32)
    size = 0
    # The A* potential adds to h_time the stops a deficit still needs: at least one, and
    # B / k for band B, where k coarse bands hold a tank (so the count is admissible) and
    # span any node's bands (so a stop lowers it by one at most: consistent).
    k_tank = max(n_bands - 1, int(np.ceil(usable_l / (per * band_l) - 1e-9)), 1)
    stop_h = np.empty(n_bands + node_lo.max() + 1)
    for b in range(stop_h.shape[0]):
        stop_h[b] = refuel_h * max(1.0, np.ceil(b / k_tank))
    if node_top[origin] >= 0:
        if origin_deficit_l <= 0.0 and free_ok[origin]:
            size = _offer(val, hk, hv, pos, size, origin * n_slots, 0.0, h_time[origin])
        else:
            b_o = int(np.floor(max(origin_deficit_l, 0.0) / band_l)) // per - node_lo[origin]
            j0 = min(max(b_o, 0), node_top[origin])
            p0 = h_time[origin] + stop_h[node_lo[origin] + j0]
            size = _offer(val, hk, hv, pos, size, origin * n_slots + 1 + j0, 0.0, p0)
    stop = target * n_slots
    fill = _INF
    limit = _INF
    calm = cell_speed.shape[0] == 1 and cell_speed[0] == 1.0  # no weather: no cell look-up
    warm_arcs = (head, arc_hours, arc_ok)
    warm_nodes = (indptr, h_time, node_lo, node_top, free_ok)
    warm_states = (val, pos)
    while size > 0:
        key = hk[0]
        s = hv[0]
        if key > limit:
            fill = key
            break
        size -= 1
        if size > 0:
            _sift_down(hk, hv, pos, 0, hk[size], hv[size], size, None, 0.0)
            _warm_node(hv[0] // n_slots, warm_nodes, warm_states, n_slots)
        pos[s] = -2
        if s == stop:
            limit = key + slack_h
        a = val[s]
        v = s // n_slots
        j = s - v * n_slots
        bv = node_lo[v] + j - 1  # -1: no deficit
        # a smaller deficit reached no later does all this state does: skip its moves
        dominated = False
        for j2 in range(v * n_slots, s):
            if pos[j2] == -2 and val[j2] <= a:
                dominated = True
                break
        if dominated:
            continue
        if j > 0 and is_depot[v]:
            a2 = a + refuel_h
            if free_ok[v]:
                size = _offer(val, hk, hv, pos, size, v * n_slots, a2, a2 + h_time[v])
            elif j > 1:
                p2 = h_time[v] + stop_h[node_lo[v]]
                size = _offer(val, hk, hv, pos, size, v * n_slots + 1, a2, a2 + p2)
        for e in range(indptr[v], indptr[v + 1]):
            w = head[e]
            if not arc_ok[e] or node_top[w] < 0:
                continue
            a2 = a + (arc_hours[e] if calm else arc_hours[e] / cell_speed[arc_cell[e]])
            if j == 0 and free_ok[w]:
                size = _offer(val, hk, hv, pos, size, w * n_slots, a2, a2 + h_time[w])
                continue
            jw = max(bv - node_lo[w], 0)
            if jw > node_top[w]:
                continue
            p2 = h_time[w] + stop_h[node_lo[w] + jw]
            size = _offer(val, hk, hv, pos, size, w * n_slots + 1 + jw, a2, a2 + p2)
        if size > 0:
            nx = hv[0] // n_slots
            _warm_next(nx, indptr, head, warm_arcs, warm_nodes, warm_states, n_slots)
    table = val.reshape(n, n_slots)  # in place: 40 MB less at the peak on the 1M lattice
    for v in range(n):
        s = v * n_slots
        if not free_ok[v]:
            least = _INF
        elif pos[s] == -2:
            least = val[s]
        else:
            least = max(fill - h_time[v], 0.0)
        table[v, 0] = least
        for j in range(n_bands):
            s += 1
            if j > node_top[v]:
                x = _INF
            elif pos[s] == -2:
                x = val[s]
            else:
                x = max(fill - h_time[v] - stop_h[node_lo[v] + j], 0.0)
            least = min(least, x)
            table[v, 1 + j] = least
    return table, fill


@_kernel(
    _sig(
        ("float32[:, ::1]", _f8, "boolean"),
        _ai8,
        _ai4,
        _af8,
        _af8,
        _af8,
        _af8_2,
        _i8,
        _f8,
        _i8,
        _ai8,
        _f8,
        _f8,
        _f8,
        _i8,
        _f8,
        _f8,
    )
)
def band_bound(  # type: ignore[no-untyped-def]
    rptr,
    rtail,
    rw_time,
    h_time,
    h_fuel,
    reach,
    per,
    reach_fill,
    max_past,
    depots,
    usable_l,
    refuel_h,
    band_l,
    origin,
    origin_deficit_l,
    slack_h,
):
    """Hours to the target for a label that must refuel first, per fuel-deficit band.

    Parameters
    ----------
    rptr, rtail : arrays
        Reverse CSR from `reverse_csr`.
    rw_time : array of float64
        Lower bound on the hours of each arc, in reverse-CSR order (``inf`` hides it).
    h_time : array of float64, shape (n,)
        Lower bound on the hours from each node to the target (no stop).
    h_fuel : array of float64, shape (n,)
        Lower bound on the litres from each node to the target.
    reach : array of float64, shape (n, 1 + n_coarse)
        `band_reach`'s table for the same bands (``per`` of them to a coarse band): the
        search is an A* towards the origin with it as the potential.
    per : int
        Fine bands per coarse band of ``reach``.
    reach_fill : float
        `band_reach`'s fill: past that key the potential is only its fill.
    max_past : int
        States the search may settle past ``reach_fill`` before the origin's band; it
        then gives up (``reached`` False): a wider `band_reach` is cheaper.
    depots : array of int64
        Nodes where a vehicle may refuel.
    usable_l : float
        Tank capacity less the reserve, litres (> 0).
    refuel_h : float
        Hours a refuelling stop costs.
    band_l : float
        Width of a deficit band, litres (> 0).
    origin : int
        The search stops once the origin's band is settled, with key K, and the states
        within ``slack_h`` after it; a state (v, b) left unsettled then gets
        ``fill - reach(v, b)``, a lower bound on its value.
    origin_deficit_l : float
        The origin label's deficit, litres.
    slack_h : float
        Hours the search goes on past the key of the origin's band, so that states a
        little off the best route get their own values rather than the fill.

    Returns
    -------
    table : array of float32, shape (n, n_slots)
        Column ``j`` of row ``v``: a lower bound on the hours from ``v`` to the target for
        a label whose deficit lies in band ``band_lo(h_fuel[v], ...) + j``, i.e. is at
        least ``(band_lo + j) * band_l`` litres (columns past the node's top band repeat
        it). Values are float32, rounded down at every step (`f32_below`), so they stay
        lower bounds in half the memory.
    fill : float
        Least key left in the queue when the search stopped: a label whose bound came
        from an unsettled state has at least this key (hours).
    reached : bool
        Whether the origin's band was settled before the potential ran out.

    Notes
    -----
    State (v, b): at v, first refuelling at a depot d with ``h_fuel[d] >= b * band_l``.
    Driving an arc v -> w moves (v, b) to (w, max(b, lo(w))); refuelling at d costs
    ``refuel_h`` and leads to (d, lo(d)), or to the plain bound ``h_time[d]`` when a full
    tank covers ``h_fuel[d]``. The search runs backwards from those depots.
    """
    n = rptr.shape[0] - 1
    node_lo, node_top, n_slots = _band_range(h_fuel, h_time, usable_l, band_l, 1)
    n_states = n * n_slots
    # The coarse column of ``reach`` for fine band j of node v: col_of[node_r[v] + j]
    # (table look-ups: a division per offer cost more than the offer's other work).
    node_r = np.empty(n, np.int32)
    for v in range(n):
        node_r[v] = node_lo[v] % per
    col_of = np.empty(n_slots + per, np.int64)
    for k in range(col_of.shape[0]):
        col_of[k] = 1 + k // per
    # Per state 4 bytes: its heap position while queued (-1 before), then, once settled
    # (``done``), its value as float32 bits: the table is written in place. The queue
    # holds the values of queued states. (A value array beside a position array cost
    # 68 MB more on the 1M lattice; a heap without decrease-key was 1.5x slower.)
    slot = _huge_full(n_states, -1, np.int32)
    settled_h = slot.view(np.float32)
    done = _huge_full(n_states, False, np.bool_)
    hk = np.empty(max(n, 1024), np.float64)
    hv = np.empty(max(n, 1024), np.int32)
    hval = np.empty(max(n, 1024), np.float32)
    is_depot = np.zeros(n, np.bool_)
    for j in range(depots.shape[0]):
        is_depot[depots[j]] = True
    size = 0
    for j in range(depots.shape[0]):
        d = depots[j]
        if node_top[d] >= 0 and h_fuel[d] <= usable_l + _BAND_EPS:
            # a full tank reaches the target from here: every band may stop here
            a0 = f32_below(h_time[d] + refuel_h)
            for jj in range(node_top[d] + 1):
                pot = reach[d, col_of[node_r[d] + jj]]
                sj = d * n_slots + jj
                hk, hv, hval, size = _offer_f32(slot, done, hk, hv, hval, size, sj, a0, pot)
    stop = -1
    if node_top[origin] >= 0:
        b_o = int(np.floor(max(origin_deficit_l, 0.0) / band_l)) - node_lo[origin]
        stop = origin * n_slots + min(max(b_o, 0), node_top[origin])
    # a node's row of the reach table is its entry in the (strided) first column
    warm_nodes = (rptr, node_lo, node_top, node_r, reach[:, 0])
    warm_states = (slot, done)
    fill = _INF  # the least key left in the queue when the search stopped
    limit = _INF
    reached = False
    past = 0  # states settled past reach_fill, where the potential is only a fill
    while size > 0:
        key = hk[0]
        s = hv[0]
        a = np.float64(hval[0])
        if key > limit or (past >= max_past and not reached):
            fill = key
            break
        size -= 1
        if size > 0:
            _sift_down(hk, hv, slot, 0, hk[size], hv[size], size, hval, hval[size])
            _warm_node(hv[0] // n_slots, warm_nodes, warm_states, n_slots)
        done[s] = True
        settled_h[s] = a
        if key > reach_fill:
            past += 1
        if s == stop:
            reached = True
            limit = key + slack_h
        w = s // n_slots
        jw = s - w * n_slots
        bw = node_lo[w] + jw
        if jw == 0 and is_depot[w] and h_fuel[w] > usable_l + _BAND_EPS:
            # refuelled here, w's lowest band is reached: every band of w may stop here
            a2 = f32_below(a + refuel_h)
            for j2 in range(1, node_top[w] + 1):
                pot = reach[w, col_of[node_r[w] + j2]]
                sj = s + j2
                hk, hv, hval, size = _offer_f32(slot, done, hk, hv, hval, size, sj, a2, pot)
        for p in range(rptr[w], rptr[w + 1]):
            tau = rw_time[p]
            v = rtail[p]
            top_v = node_top[v]
            if tau == _INF or top_v < 0:
                continue
            lo_v = node_lo[v]
            # the bands of v that driving to w turns into bw: bw itself, and below it too
            # when bw is w's lowest band
            j_first = max(bw - lo_v, 0) if jw > 0 else 0
            j_last = min(bw - lo_v, top_v)
            a2 = f32_below(a + tau)
            for j2 in range(j_first, j_last + 1):
                pot = reach[v, col_of[node_r[v] + j2]]
                sj = v * n_slots + j2
                hk, hv, hval, size = _offer_f32(slot, done, hk, hv, hval, size, sj, a2, pot)
        if size > 0:
            nx = hv[0] // n_slots
            _warm_next(nx, rptr, rtail, (rtail, rw_time), warm_nodes, warm_states, n_slots)
    # States left unsettled get the fill less their potential, one value per coarse band.
    table = settled_h.reshape(n, n_slots)
    for v in range(n):
        top = node_top[v]
        if top < 0:
            table[v, :] = 0.0
            continue
        s0 = v * n_slots
        c_prev = -1
        fv = np.float32(0.0)
        for j in range(top + 1):
            if not done[s0 + j]:
                c = col_of[node_r[v] + j]
                if c != c_prev:
                    c_prev = c
                    pot = reach[v, c]
                    fv = f32_below(max(fill - pot, 0.0)) if pot < _INF else np.float32(0.0)
                table[v, j] = fv
        table[v, top + 1 :] = table[v, top]
    return table, fill, reached


# ---- depot catchments: the exact first leg -------------------------------------------------
#
# The bands above admit a leg between two stops when the least litres to the target drop by
# at most a tank; a leg really burns what its own route burns, and on random pairs the band
# table ended 0.5-1 h short of the optimum (hundreds of thousands of labels). The catchment
# of a depot is every node within a tank of it, with the least litres and the fastest hours
# from the node to the depot over routes within a tank. With them a label's first stop is
# exact in litres, and the legs between depots make a small graph whose distances to the
# target bound the rest. Entries may be kept per block of neighbouring nodes (the least
# over the block, still a lower bound for each) where one per node would not fit.


@nb.njit(cache=True, nogil=True)
def _grow_f(a, rows):  # type: ignore[no-untyped-def]
    b = np.empty((rows, a.shape[1]), np.float64)
    b[: a.shape[0]] = a
    return b


@nb.njit(cache=True, nogil=True)
def _grow_i4(a, rows):  # type: ignore[no-untyped-def]
    b = np.empty((rows, a.shape[1]), np.int32)
    b[: a.shape[0]] = a
    return b


@nb.njit(cache=True, nogil=True)
def _grow_1f(a, size):  # type: ignore[no-untyped-def]
    b = np.empty(size, np.float64)
    b[: a.shape[0]] = a
    return b


@nb.njit(cache=True, nogil=True)
def _grow_1i(a, size):  # type: ignore[no-untyped-def]
    b = np.empty(size, np.int64)
    b[: a.shape[0]] = a
    return b


@nb.njit(cache=True, nogil=True)
def _bounded_reverse(  # type: ignore[no-untyped-def]
    rptr, rtail, rarc, weight, source, radius, within, dist, pos, hk, hv, seen
):
    # Reverse Dijkstra to ``source`` over ``weight[rarc[p]]``: settles nodes up to ``radius``,
    # and with a non-empty ``within`` only nodes flagged there. Returns the settled nodes in
    # order (``dist`` holds their distances; the caller resets them) and how many nodes
    # ``seen`` lists (touched: the caller resets ``dist`` and ``pos`` there).
    # Not `reverse_dijkstra`: one search per depot reuses the caller's arrays and resets
    # only the ``seen`` nodes (that one allocates and fills arrays of n per call), and reads
    # forward-order weights through ``rarc`` (no 64 MB reverse-order copy on 1M nodes).
    restrict = within.shape[0] > 0
    n_seen = 0
    dist[source] = 0.0
    pos[source] = 0
    hk[0] = 0.0
    hv[0] = source
    seen[n_seen] = source
    n_seen += 1
    size = 1
    order = np.empty(64, np.int32)
    n_order = 0
    while size > 0:
        a = hk[0]
        v = hv[0]
        if a > radius:
            break
        size -= 1
        if size > 0:
            _sift_down(hk, hv, pos, 0, hk[size], hv[size], size, None, 0.0)
        pos[v] = -2
        if n_order == order.shape[0]:
            bigger = np.empty(2 * n_order, np.int32)
            bigger[:n_order] = order
            order = bigger
        order[n_order] = v
        n_order += 1
        for p in range(rptr[v], rptr[v + 1]):
            w = weight[rarc[p]]
            if w == _INF:
                continue
            u = rtail[p]
            if pos[u] == -2 or (restrict and not within[u]):
                continue
            na = a + w
            if na < dist[u]:
                if dist[u] == _INF:
                    seen[n_seen] = u
                    n_seen += 1
                dist[u] = na
                if pos[u] < 0:
                    pos[u] = size
                    size += 1
                _sift_up(hk, hv, pos, pos[u], na, u, None, 0.0)
    return order[:n_order], n_seen


@nb.njit(cache=True, nogil=True)
def _reset(seen, n_seen, dist, pos):  # type: ignore[no-untyped-def]
    for j in range(n_seen):
        v = seen[j]
        dist[v] = _INF
        pos[v] = -1


@_kernel(
    _sig(
        (_ai8, _i8, "boolean", _f8, "int32[:, ::1]", _af8_2),
        _ai8,
        _ai4,
        _ai4,
        _af8,
        _af8,
        _ai8,
        _f8,
        _ai4,
        _i8,
        _ai4,
        _ai4,
        "float32[::1]",
        "float32[::1]",
        _i8,
        _i8,
    )
)
def depot_catchments(  # type: ignore[no-untyped-def]
    rptr,
    rtail,
    rarc,
    arc_litres,
    arc_hours,
    depots,
    usable_l,
    block,
    n_blocks,
    depot_index,
    node,
    litres,
    hours,
    start,
    room,
):
    """Every block within a tank of each depot, with its least litres and hours there.

    Parameters
    ----------
    rptr, rtail, rarc : arrays
        Reverse CSR from `reverse_csr`.
    arc_litres, arc_hours : arrays of float64, shape (m,)
        Litres and hours per arc in forward order (``inf`` hides an arc).
    depots : array of int64
        The depots.
    usable_l : float
        Litres a full tank holds above the reserve.
    block, n_blocks : array of int32, shape (n,), and int
        The block of each node (``arange(n)``: one entry per node).
    depot_index : array of int32, shape (n,)
        Each depot's index among all the depots of the catchments (-1 for other nodes): the
        legs between depots are given by these.
    node, litres, hours : arrays of int32, float32, float32
        Written from ``start`` on, one entry per (depot, block with a node within a tank of
        it): the block, and the least over its nodes of the least litres and of the fastest
        hours to the depot over routes that burn at most a tank (a route that burns more
        cannot reach the depot without a stop first), rounded down: lower bounds for every
        node of the block.
    start, room : int
        Where the entries begin, and how many fit: beyond that, or as soon as the depots
        done so far make more than 1.25 times that many likely, the search gives up.

    Returns
    -------
    ptr : array of int64, shape (n_depots + 1,)
        Entries of depot ``i``: ``ptr[i]:ptr[i + 1]`` (absolute positions).
    used : int
        Entries written.
    complete : bool
        False when it gave up (the entries are then incomplete).
    likely : float
        The entries all the depots would make, from those done (exact when complete).
    leg_ends : array of int32, shape (n_legs, 2)
        The legs between depots: indices (``depot_index``) of the depot a leg starts from
        and of the depot of this search it leads to.
    leg_cost : array of float64, shape (n_legs, 2)
        Their least litres and fastest hours (routes within a tank), exact per pair.
    """
    n = rptr.shape[0] - 1
    k = depots.shape[0]
    dist = np.full(n, _INF)
    pos = np.full(n, -1, np.int32)
    hk = np.empty(n, np.float64)
    hv = np.empty(n, np.int32)
    seen = np.empty(n, np.int32)
    member = np.zeros(n, np.bool_)
    slot = np.full(n_blocks, -1, np.int64)
    unbounded = np.zeros(0, np.bool_)
    ptr = np.full(k + 1, start, np.int64)
    leg_ends = np.empty((16, 2), np.int32)
    leg_cost = np.empty((16, 2), np.float64)
    leg_node = np.empty(16, np.int64)
    n_legs = 0
    used = 0
    for i in range(k):
        d = depots[i]
        members, n_seen = _bounded_reverse(
            rptr, rtail, rarc, arc_litres, d, usable_l + 1e-9, unbounded, dist, pos, hk, hv, seen
        )
        m = members.shape[0]
        at = start + used
        fresh = 0
        first_leg = n_legs  # this depot's legs, whose hours the second search gives
        fits = True
        for j in range(m):
            v = members[j]
            member[v] = True
            b = block[v]
            if slot[b] < 0:
                if used + fresh >= room:
                    fits = False
                    break
                s = at + fresh
                slot[b] = s
                node[s] = b
                litres[s] = np.float32(_INF)
                hours[s] = np.float32(_INF)  # unless the hours search reaches it
                fresh += 1
            s = slot[b]
            x = f32_below(dist[v])
            if x < litres[s]:
                litres[s] = x
            if depot_index[v] >= 0 and v != d:
                if n_legs == leg_node.shape[0]:
                    leg_ends = _grow_i4(leg_ends, 2 * n_legs)
                    leg_cost = _grow_f(leg_cost, 2 * n_legs)
                    leg_node = _grow_1i(leg_node, 2 * n_legs)
                leg_ends[n_legs, 0] = depot_index[v]
                leg_ends[n_legs, 1] = depot_index[d]
                leg_cost[n_legs, 0] = dist[v]
                leg_cost[n_legs, 1] = _INF
                leg_node[n_legs] = v
                n_legs += 1
        likely = (used + fresh) * k / (i + 1)
        if not fits or (i > 0 and likely > 1.25 * room):
            return ptr, used, False, likely, leg_ends[:0], leg_cost[:0]
        _reset(seen, n_seen, dist, pos)
        timed, n_seen = _bounded_reverse(
            rptr, rtail, rarc, arc_hours, d, _INF, member, dist, pos, hk, hv, seen
        )
        for j in range(timed.shape[0]):
            v = timed[j]
            s = slot[block[v]]
            x = f32_below(dist[v])
            if x < hours[s]:
                hours[s] = x
        for p in range(first_leg, n_legs):
            leg_cost[p, 1] = dist[leg_node[p]]
        _reset(seen, n_seen, dist, pos)
        for j in range(m):
            v = members[j]
            member[v] = False
            slot[block[v]] = -1
        used += fresh
        ptr[i + 1] = start + used
    return ptr, used, True, np.float64(used), leg_ends[:n_legs], leg_cost[:n_legs]


@_kernel(_sig((_ai8, _ai4), _ai8, _ai4, "float32[::1]", "float32[::1]", _i8, _i8, _i8, _i8))
def catchments_by_node(ptr, node, litres, hours, used_a, gap_from, used_b, n):  # type: ignore[no-untyped-def]
    """Regroup `depot_catchments`' entries by block, in place (a counting sort).

    The entries of two searches share the arrays: ``used_a`` from 0, ``used_b`` from
    ``gap_from`` (``ptr`` gives every depot's range, the second search's after the
    first's). The second block of entries is moved down first, then the entries are
    permuted so that block ``b``'s come at ``node_ptr[b]:node_ptr[b + 1]`` (``n`` blocks),
    and ``node`` then holds each entry's depot (its index in ``ptr``).

    Returns
    -------
    node_ptr : array of int64, shape (n + 1,)
    depot : array of int32
        ``node`` itself, rewritten (the first ``used_a + used_b`` entries).
    """
    shift = gap_from - used_a
    for e in range(used_b):  # forwards: the block only moves down
        node[used_a + e] = node[gap_from + e]
        litres[used_a + e] = litres[gap_from + e]
        hours[used_a + e] = hours[gap_from + e]
    total = used_a + used_b
    k = ptr.shape[0] - 1
    node_ptr = np.zeros(n + 1, np.int64)
    for e in range(total):
        node_ptr[node[e] + 1] += 1
    for v in range(n):
        node_ptr[v + 1] += node_ptr[v]
    fill = node_ptr[:-1].copy()
    target = np.empty(total, np.int32)  # the solver's budget keeps entries below 2**31
    for e in range(total):
        f = fill[node[e]]
        fill[node[e]] = f + 1
        target[e] = f
    for i in range(k):
        # the second search's positions moved down with its block
        lo = ptr[i] - shift if ptr[i] >= gap_from else ptr[i]
        hi = ptr[i + 1] - shift if ptr[i + 1] >= gap_from else ptr[i + 1]
        for e in range(lo, hi):
            node[e] = i
    for e0 in range(total):
        while target[e0] != e0:
            t = target[e0]
            node[e0], node[t] = node[t], node[e0]
            litres[e0], litres[t] = litres[t], litres[e0]
            hours[e0], hours[t] = hours[t], hours[e0]
            target[e0] = target[t]
            target[t] = t
    return node_ptr, node[:total]


_U16 = "uint16[::1]"
_Q_TOP = 65534  # largest code of a finite value; 65535 marks an unreachable entry


@_kernel(_sig((_U16, _U16, _U16, _f8, _f8), _ai4, "float32[::1]", "float32[::1]", _f8))
def quantize_catchments(depot, litres, hours, usable_l):  # type: ignore[no-untyped-def]
    """The catchments in 6 bytes an entry: depot index, litres and hours as 16-bit codes.

    A code times its unit is never above the value it stands for (still a lower bound):
    litres in units of ``usable_l / 65534``, hours in units of the longest hours / 65534
    (at 30 L about 0.0005 L and 0.0002 h). Depot indices must fit 16 bits.

    Returns
    -------
    depot, litres, hours : arrays of uint16
    litres_unit, hours_unit : float
    """
    total = depot.shape[0]
    longest = 0.0
    for e in range(total):
        if hours[e] < _INF and hours[e] > longest:
            longest = np.float64(hours[e])
    l_unit = usable_l / _Q_TOP
    h_unit = max(longest, 1e-9) / _Q_TOP
    d16 = np.empty(total, np.uint16)
    l16 = np.empty(total, np.uint16)
    h16 = np.empty(total, np.uint16)
    for e in range(total):
        d16[e] = depot[e]
        c = min(int(np.float64(litres[e]) / l_unit), _Q_TOP)
        while c > 0 and c * l_unit > litres[e]:
            c -= 1
        l16[e] = c
        if hours[e] == _INF:
            h16[e] = _Q_TOP + 1
        else:
            c = min(int(np.float64(hours[e]) / h_unit), _Q_TOP)
            while c > 0 and c * h_unit > hours[e]:
                c -= 1
            h16[e] = c
    return d16, l16, h16, l_unit, h_unit


# What a catchment entry's codes stand for, and the weather's bounds on them (`cpar`).
C_LITRES_UNIT = 0
C_HOURS_UNIT = 1
C_FUEL_FACTOR = 2  # least fuel factor of any weather to come (>= 1): litres times it
C_SPEED_FACTOR = 3  # highest speed factor of any weather to come: hours over it
N_CPAR = 4  # length of ``cpar``


@_kernel(_sig(_af8, "int32[:, ::1]", _af8_2, _i8, _ab1, _af8, _af8, _f8, _f8, _af8))
def depot_hours(leg_ends, leg_cost, k, depot_ok, to_h, to_l, usable_l, refuel_h, cpar):  # type: ignore[no-untyped-def]
    """Per depot, a lower bound on the hours from it to the target after a stop there.

    A Dijkstra back from the target over the graph of the ``k`` depots: the legs of
    `depot_catchments` whose litres times the least fuel factor fit a tank (hours over the
    highest speed factor, a stop of ``refuel_h`` at each depot), a depot whose lower bound
    ``to_l`` on the litres to the target fits a tank ending there with its bound ``to_h``
    on the hours. Depots with ``depot_ok`` false are left out; ``inf``: no route of legs.
    """
    fuel_factor = cpar[C_FUEL_FACTOR]
    speed_factor = cpar[C_SPEED_FACTOR]
    n_legs = leg_ends.shape[0]
    leg_ptr = np.zeros(k + 1, np.int64)
    for p in range(n_legs):
        leg_ptr[leg_ends[p, 1] + 1] += 1
    for j in range(k):
        leg_ptr[j + 1] += leg_ptr[j]
    fill = leg_ptr[:-1].copy()
    leg_from = np.empty(n_legs, np.int32)
    leg_h = np.empty(n_legs, np.float64)
    for p in range(n_legs):
        to = leg_ends[p, 1]
        leg_from[fill[to]] = leg_ends[p, 0]
        ok = leg_cost[p, 0] * fuel_factor <= usable_l + _BAND_EPS
        leg_h[fill[to]] = leg_cost[p, 1] / speed_factor if ok else _INF
        fill[to] += 1
    depot_h = np.full(k, _INF)
    pos = np.full(k, -1, np.int32)  # heap slot, -2 settled
    hk = np.empty(k, np.float64)
    hv = np.empty(k, np.int32)
    size = 0
    for i in range(k):
        if depot_ok[i] and to_l[i] <= usable_l + _BAND_EPS and to_h[i] < _INF:
            depot_h[i] = to_h[i]
            pos[i] = size
            size += 1
            _sift_up(hk, hv, pos, pos[i], depot_h[i], i, None, 0.0)
    while size > 0:
        j = hv[0]
        size -= 1
        if size > 0:
            _sift_down(hk, hv, pos, 0, hk[size], hv[size], size, None, 0.0)
        pos[j] = -2
        base = depot_h[j] + refuel_h
        for p in range(leg_ptr[j], leg_ptr[j + 1]):
            i = leg_from[p]
            x = leg_h[p] + base
            if depot_ok[i] and pos[i] != -2 and x < depot_h[i]:
                depot_h[i] = x
                if pos[i] < 0:
                    pos[i] = size
                    size += 1
                _sift_up(hk, hv, pos, pos[i], x, i, None, 0.0)
    return depot_h


@nb.njit(cache=True, nogil=True)
def catchment_row(  # type: ignore[no-untyped-def]
    row, hf, lo, e_lo, e_hi, depot, litres, hours, depot_h, usable_l, band_l, refuel_h, cpar
):
    """Write one node's row of `catchment_table` (entries ``e_lo:e_hi`` of its block).

    Column ``j`` serves deficit band ``lo + j``: a label there has at most ``hf - (lo + j) *
    band_l`` usable litres, so an entry serves the bands up to the last whose fuel covers
    it. Each entry is written to that band, then the row takes the least from the right.
    """
    n_cols = row.shape[0]
    fuel_factor = cpar[C_FUEL_FACTOR]
    litres_unit = cpar[C_LITRES_UNIT] * fuel_factor
    hours_unit = cpar[C_HOURS_UNIT] / cpar[C_SPEED_FACTOR]
    for j in range(n_cols):
        row[j] = np.float32(_INF)
    for e in range(e_lo, e_hi):
        i = depot[e]
        if depot_h[i] == _INF or hours[e] > _Q_TOP:
            continue
        need = litres[e] * litres_unit
        last = np.floor((hf - need + _BAND_EPS) / band_l) - lo
        if last < 0.0:
            continue
        j = n_cols - 1 if last >= n_cols - 1 else int(last)
        x = f32_below(hours[e] * hours_unit + depot_h[i] + refuel_h)
        if x < row[j]:
            row[j] = x
    for j in range(n_cols - 2, -1, -1):
        if row[j + 1] < row[j]:
            row[j] = row[j + 1]


@nb.njit(cache=True, nogil=True)
def band_slots(h_fuel, h_time, usable_l, band_l):  # type: ignore[no-untyped-def]
    """Columns of a band table: the most deficit bands of any node that reaches the target."""
    n_slots = 1
    for v in range(h_fuel.shape[0]):
        if h_fuel[v] < _INF and h_time[v] < _INF:
            top = _band_hi(h_fuel[v], band_l) - band_lo(h_fuel[v], usable_l, band_l)
            n_slots = max(n_slots, top + 1)
    return n_slots


@_kernel(
    _sig(
        "float32[:, ::1]",
        _ai8,
        _ai4,
        _U16,
        _U16,
        _U16,
        _af8,
        _af8,
        _af8,
        _f8,
        _f8,
        _f8,
        _af8,
    )
)
def catchment_table(  # type: ignore[no-untyped-def]
    node_ptr,
    block,
    depot,
    litres,
    hours,
    depot_h,
    h_time,
    h_fuel,
    usable_l,
    band_l,
    refuel_h,
    cpar,
):
    """`band_bound`'s table from the depot catchments, every row.

    `label_search` writes the rows it reads as it goes; this is the whole table, for tests
    and inspection.

    Parameters
    ----------
    node_ptr, block, depot, litres, hours : arrays
        The catchments by block (`catchments_by_node`, calm arcs), each node's block, and
        the entries' depots, litres and hours as 16-bit codes (`quantize_catchments`).
    depot_h : array of float64
        Per depot, hours from it to the target after a stop (`depot_hours`).
    h_time, h_fuel : arrays of float64, shape (n,)
        Lower bounds on the hours and litres from each node to the target.
    usable_l, band_l, refuel_h : float
        A full tank above the reserve (litres), a deficit band's width (litres), the hours
        a stop costs.
    cpar : array of float64
        The codes' units and the weather's factors (``C_*``).

    Returns
    -------
    table : array of float32, shape (n, n_slots)
        As `band_bound`'s: column ``j`` of row ``v`` bounds the hours from ``v`` to the
        target of a label whose deficit is at least ``(band_lo + j) * band_l`` litres, hence
        whose usable fuel is at most ``h_fuel[v]`` less that: the least over the depots
        within that fuel of the hours there, a stop, and the depot's value (``inf``: no
        depot within reach leads on to the target).
    """
    n = h_time.shape[0]
    n_cols = band_slots(h_fuel, h_time, usable_l, band_l)
    table = np.full((n, n_cols), np.float32(_INF), np.float32)
    for v in range(n):
        if h_fuel[v] < _INF and h_time[v] < _INF:
            b = block[v]
            lo = band_lo(h_fuel[v], usable_l, band_l)
            catchment_row(
                table[v],
                h_fuel[v],
                lo,
                node_ptr[b],
                node_ptr[b + 1],
                depot,
                litres,
                hours,
                depot_h,
                usable_l,
                band_l,
                refuel_h,
                cpar,
            )
    return table


@nb.njit(cache=True, nogil=True)
def _last_at_most(a, lo, hi, x):  # type: ignore[no-untyped-def]
    # The last index i in [lo, hi] with a[i] <= x (lo if none): a is sorted.
    while lo < hi:
        mid = (lo + hi + 1) >> 1
        if a[mid] <= x:
            lo = mid
        else:
            hi = mid - 1
    return lo


@nb.njit(cache=True, nogil=True)
def _tail_of(indptr, e):  # type: ignore[no-untyped-def]
    # Tail node of arc e.
    return _last_at_most(indptr, 0, indptr.shape[0] - 2, e)


@_kernel(_sig(_f8, _ai8, _ai4, _af8, _af8, _af8))
def least_per_km(indptr, head, weight, x_km, y_km):  # type: ignore[no-untyped-def]
    """The least weight per straight-line km of any usable arc, 0 if unbounded.

    Straight-line km between two nodes times this is a consistent lower bound on the
    weight (hours or litres) of any path between them: the factor of an A* bound.

    Parameters
    ----------
    indptr, head : arrays of int64 and int32
        CSR arcs.
    weight : array of float64
        Per-arc weight; ``inf`` hides the arc.
    x_km, y_km : arrays of float64
        Planar node coordinates, km.

    Returns
    -------
    float
        Weight per km (e.g. h/km, the inverse of the fastest straight-line speed).
    """
    n = indptr.shape[0] - 1
    r2max = 0.0  # squared most straight-line km per unit of weight
    for u in range(n):
        xu = x_km[u]
        yu = y_km[u]
        for e in range(indptr[u], indptr[u + 1]):
            w = weight[e]
            if w < _INF:
                dx = x_km[head[e]] - xu
                dy = y_km[head[e]] - yu
                d2_ = dx * dx + dy * dy
                if d2_ > 0.0 or d2_ != d2_:
                    if w <= 0.0 or d2_ != d2_:
                        r2max = _INF
                    elif d2_ > r2max * w * w:
                        r2max = d2_ / (w * w)
    rmax = np.sqrt(r2max)
    if rmax > 0.0 and rmax < _INF:
        return 1.0 / rmax
    return 0.0


@_kernel(_sig(_af8, _af8, _af8, _ai8))
def nearest_km(x_km, y_km, sinks):  # type: ignore[no-untyped-def]
    """Straight-line km from every node to the nearest of ``sinks``.

    Parameters
    ----------
    x_km, y_km : arrays of float64, shape (n,)
        Planar node coordinates, km.
    sinks : array of int64
        Node indices (``inf`` everywhere when empty).

    Returns
    -------
    array of float64, shape (n,)
        Km to the nearest sink.

    Notes
    -----
    The sinks are sorted by x; each node scans outwards from its x until the x gap alone
    exceeds the nearest sink found, a few sinks per node when they are spread out.
    """
    n = x_km.shape[0]
    k = sinks.shape[0]
    out = np.full(n, _INF)
    if k == 0:
        return out
    order = np.argsort(x_km[sinks], kind="mergesort")
    sx = x_km[sinks[order]]
    sy = y_km[sinks[order]]
    for v in range(n):
        xv = x_km[v]
        yv = y_km[v]
        best2 = _INF
        right = np.searchsorted(sx, xv)
        left = right - 1
        while left >= 0 or right < k:
            if right < k:
                dx = sx[right] - xv
                if dx * dx >= best2:
                    right = k
                else:
                    dy = sy[right] - yv
                    best2 = min(best2, dx * dx + dy * dy)
                    right += 1
            if left >= 0:
                dx = xv - sx[left]
                if dx * dx >= best2:
                    left = -1
                else:
                    dy = sy[left] - yv
                    best2 = min(best2, dx * dx + dy * dy)
                    left -= 1
        out[v] = np.sqrt(best2)
    return out


# --------------------------------------------------------------------------------------
# Weather helpers
# --------------------------------------------------------------------------------------


@nb.njit(cache=True, nogil=True)
def _epoch_of(ep_ptr, ep_start, c, t):  # type: ignore[no-untyped-def]
    # The epoch of cell c in force at time t.
    return _last_at_most(ep_start, ep_ptr[c], ep_ptr[c + 1] - 1, t)


@nb.njit(cache=True, nogil=True)
def _traverse(ep_ptr, ep_start, ep_open, ep_speed, c, k, t, h):  # type: ignore[no-untyped-def]
    # Time-dependent traversal of ``h`` calm hours entered at ``t`` in epoch ``k`` of cell
    # ``c``. Returns (status, arrival, driving hours).
    if not ep_open[k]:
        return TRAV_CLOSED_AT_ENTRY, t, 0.0
    if h <= 0.0:
        return TRAV_OK, t, 0.0
    kend = ep_ptr[c + 1]
    tt = t
    rem = h
    dur = 0.0
    while True:
        f = ep_speed[k]
        nxt = ep_start[k + 1] if k + 1 < kend else _INF
        span = nxt - tt
        if span * f >= rem:
            step = rem / f
            return TRAV_OK, tt + step, dur + step
        rem -= span * f
        dur += span
        tt = nxt
        k += 1
        if not ep_open[k]:
            return TRAV_CLOSED_ON_WAY, tt, dur


@nb.njit(cache=True, nogil=True)
def _depart_for(ep_ptr, ep_start, ep_speed, c, b, h):  # type: ignore[no-untyped-def]
    # Departure time from which ``h`` calm hours in cell ``c`` end exactly at ``b``
    # (the inverse of `_traverse`; every epoch crossed is open and has speed > 0).
    j = _epoch_of(ep_ptr, ep_start, c, b)
    if ep_start[j] >= b and j > ep_ptr[c]:
        j -= 1  # the time just before b belongs to the previous epoch
    cur = b
    rem = h
    while True:
        f = ep_speed[j]
        avail = (cur - ep_start[j]) * f
        if avail >= rem:
            return cur - rem / f
        rem -= avail
        cur = ep_start[j]
        j -= 1


@nb.njit(cache=True, nogil=True)
def _charged(ep_ptr, ep_start, ep_open, ep_speed, c, k, a, d, h, t_min):  # type: ignore[no-untyped-def]
    # Driving hours charged for entering an arc of ``h`` calm hours in epoch ``k`` of cell
    # ``c`` by a traversal that gets through, arriving at ``a`` after ``d`` hours: the
    # longest drive of any departure from max(start of k, t_min) to that one. See
    # `charged_hours`.
    if h <= 0.0:
        return 0.0
    f = ep_speed[k]
    kend = ep_ptr[c + 1]
    # fast path: one speed over every traversal that starts in the window
    j = k + 1
    while j < kend and ep_start[j] < a and ep_speed[j] == f:
        j += 1
    if j >= kend or ep_start[j] >= a:
        return d
    s = ep_start[k]
    if s < t_min:
        s = t_min
    _st, a_s, best = _traverse(ep_ptr, ep_start, ep_open, ep_speed, c, k, s, h)
    if d > best:
        best = d
    # the drive is piecewise linear in the departure time, with kinks where the arrival
    # crosses an epoch start: its maximum over the window is at an end or at a kink
    j = _epoch_of(ep_ptr, ep_start, c, a_s) + 1
    while j < kend and ep_start[j] < a:
        b = ep_start[j]
        if b > a_s:
            x = b - _depart_for(ep_ptr, ep_start, ep_speed, c, b, h)
            if x > best:
                best = x
        j += 1
    return best


@_kernel(_sig(_f8, _ai8, _af8, _ab1, _af8, _i8, _f8, _f8, _f8))
def charged_hours(ep_ptr, ep_start, ep_open, ep_speed, c, t, h, t_min):  # type: ignore[no-untyped-def]
    """Driving hours charged to crew duty and risk for entering an arc at ``t``.

    Parameters
    ----------
    ep_ptr, ep_start, ep_open, ep_speed : arrays
        Epoch tables (module docstring).
    c : int
        Weather cell of the arc.
    t : float
        Entry time, hours.
    h : float
        Calm travel time of the arc, hours.
    t_min : float
        Earliest possible departure (the trip's departure), hours.

    Returns
    -------
    float
        The longest time-dependent drive (`traverse_arc`) of any departure from the start
        of the epoch that contains ``t`` (or ``t_min`` if later) up to ``t``, hours; ``inf``
        if the traversal entered at ``t`` does not get through. It equals the drive entered
        at ``t`` unless the speed rises during the traversal: the charge then stays at the
        slower drive of an earlier departure in the same epoch.

    Notes
    -----
    Within an epoch the charge never decreases with the departure time. An earlier label
    that may stand still until a later label's time can therefore leave at the later
    label's epoch start (or at once) and arrive no later paying no more duty or risk,
    which keeps dominance across times exact. Charging the exact drive would let an
    earlier departure drive longer into a speed-up and make labels at different times
    incomparable: their number then explodes under weather whose speed changes often.
    """
    k = _epoch_of(ep_ptr, ep_start, c, t)
    st, a, d = _traverse(ep_ptr, ep_start, ep_open, ep_speed, c, k, t, h)
    if st != TRAV_OK:
        return _INF
    return _charged(ep_ptr, ep_start, ep_open, ep_speed, c, k, a, d, h, t_min)


@_kernel(_sig((_i8, _f8, _f8, _i8), _ai8, _af8, _ab1, _af8, _i8, _f8, _f8))
def traverse_arc(ep_ptr, ep_start, ep_open, ep_speed, c, t, h):  # type: ignore[no-untyped-def]
    """Traverse an arc under the time-dependent speed model (Ichoua et al. 2003).

    Parameters
    ----------
    ep_ptr, ep_start, ep_open, ep_speed : arrays
        Epoch tables (see the module docstring); speed factors are dimensionless.
    c : int
        Weather cell of the arc.
    t : float
        Entry time, hours.
    h : float
        Calm travel time of the arc, hours.

    Returns
    -------
    status : int
        `TRAV_OK`, `TRAV_CLOSED_AT_ENTRY` or `TRAV_CLOSED_ON_WAY` (the cell closes before
        arrival; the traversal interval is half-open, so arriving exactly when a closure
        starts is allowed).
    arrival : float
        Arrival time, hours (for a closure on the way: when it starts).
    driving_h : float
        Hours spent driving.
    entry_epoch : int
        Epoch in which the arc is entered (its fuel and risk factors apply).
    """
    k = _epoch_of(ep_ptr, ep_start, c, t)
    s, a, d = _traverse(ep_ptr, ep_start, ep_open, ep_speed, c, k, t, h)
    return s, a, d, k


@nb.njit(cache=True, nogil=True)
def _latest_entry(ep_ptr, ep_start, ep_open, ep_speed, c, h, b):  # type: ignore[no-untyped-def]
    # The latest time to enter an arc of ``h`` calm hours in cell ``c`` and arrive by
    # ``b`` with every epoch crossed open: the supremum, where an epoch that closes at the
    # entry time makes it unattained; -inf if there is none. (`_traverse` run backwards.)
    if b == -_INF:
        return -_INF
    first = ep_ptr[c]
    j = _epoch_of(ep_ptr, ep_start, c, b)
    if h <= 0.0:
        # no time on the arc: entered at b itself if b's epoch is open, else just before
        # the last closure up to b began
        k = j
        while not ep_open[k]:
            if k == first:
                return -_INF
            k -= 1
        return b if k == j else ep_start[k + 1]
    if ep_start[j] >= b and j > first:
        j -= 1  # the time just before b belongs to the previous epoch
    cur = b
    rem = h
    while True:
        if not ep_open[j]:
            if j == first:
                return -_INF
            # a traversal that drives in this closed epoch is void: arrive by its start
            cur = ep_start[j]
            rem = h
            j -= 1
            continue
        f = ep_speed[j]
        if f > 0.0:
            avail = (cur - ep_start[j]) * f
            if avail >= rem:
                return cur - rem / f
            rem -= avail
        if j == first:
            return -_INF
        cur = ep_start[j]
        j -= 1


# The leading arguments of the backward searches over the weather (`latest_departure`,
# `latest_band_departure`): reverse CSR, calm hours, cell and usability per arc, the
# epoch tables and `band_earliest`'s table.
_BACKWARD_ARGS = (_ai8, _ai4, _ai4, _af8, _ai4, _ab1, _ai8, _af8, _ab1, _af8, "float32[:, ::1]")


@_kernel(_sig(_af8, *_BACKWARD_ARGS, _ai8, _af8, _f8))
def latest_departure(  # type: ignore[no-untyped-def]
    rptr,
    rtail,
    rarc,
    arc_hours,
    arc_cell,
    arc_ok,
    ep_ptr,
    ep_start,
    ep_open,
    ep_speed,
    earliest,
    sources,
    source_t,
    t_floor,
):
    """Latest time at each node from which a source can still be reached by its deadline.

    In the relaxation of `earliest_arrival_path` (no tank, no duty limit, waiting allowed
    anywhere): a label at node v later than the result at v cannot reach any source by
    that source's time, under any plan. With the target as the one source, a label later
    than that arrives after the deadline; with the depots as sources, each at its own
    latest time less a refuelling stop, it cannot make the deadline with one stop more
    (`solver._late_table`). A Dijkstra backwards in time, latest first: the latest entry
    into an arc that arrives by a given time never decreases with that time and is never
    after it (the speed model is FIFO), so a node's value is final when it is taken from
    the queue.

    Parameters
    ----------
    rptr, rtail, rarc : arrays of int64, int32, int32
        Reverse CSR from `reverse_csr`.
    arc_hours, arc_cell, arc_ok : arrays
        Calm hours, weather cell and usability per arc, in forward order (``arc_ok`` may
        be empty: every arc usable).
    ep_ptr, ep_start, ep_open, ep_speed : arrays
        Epoch tables (module docstring).
    earliest : array of float32, shape (n, 1 + n_slots) or (0, 0)
        `band_earliest`'s table: column 0 is the earliest a label without a fuel deficit
        can be at each node. A node that no such label reaches by its latest time passes
        nothing on: any label through it would be late there (shape (0, 0): no corridor).
    sources : array of int64
        Nodes to be reached (the target, or depots).
    source_t : array of float64
        The latest time at each source, hours (``-inf``: none).
    t_floor : float
        When the labels start at the origin (the departure, hours): no label is earlier.
        The search stops once every node left is later than its latest time, which then
        stays below ``t_floor``.

    Returns
    -------
    latest : array of float64, shape (n,)
        Latest time at each node, hours (the supremum of the times that make it); ``-inf``
        where no source can be reached in time. Never earlier than the truth, and equal to it
        unless an arc of no hours meets a closure as it starts (the supremum of one arc is
        then passed on where no departure attains it). A value below the earliest a label
        can be at the node (``earliest``) may be lower: labels there are late either way.
    """
    n = rptr.shape[0] - 1
    latest = _huge_full(n, -_INF, np.float64)
    pos = _huge_full(n, -1, np.int32)  # heap slot, -1 never queued, -2 settled
    hk = np.empty(n, np.float64)
    hv = np.empty(n, np.int32)
    use_ok = arc_ok.shape[0] > 0
    use_corridor = earliest.shape[0] == n
    size = 0
    for j in range(sources.shape[0]):
        s = sources[j]
        if source_t[j] > latest[s]:
            latest[s] = source_t[j]
            if pos[s] < 0:
                pos[s] = size
                size += 1
            _sift_up(hk, hv, pos, pos[s], -source_t[j], s, None, 0.0)
    while size > 0:
        b = -hk[0]
        v = hv[0]
        size -= 1
        if size > 0:
            _sift_down(hk, hv, pos, 0, hk[size], hv[size], size, None, 0.0)
        pos[v] = -2
        if b < t_floor:
            break  # every node left is later than its latest time: below t_floor too
        if use_corridor and earliest[v, 0] > b:
            continue  # no label gets here in time, so none passes through in time
        for p in range(rptr[v], rptr[v + 1]):
            e = rarc[p]
            if use_ok and not arc_ok[e]:
                continue
            u = rtail[p]
            if pos[u] == -2:
                continue
            tau = _latest_entry(ep_ptr, ep_start, ep_open, ep_speed, arc_cell[e], arc_hours[e], b)
            if tau > latest[u]:
                latest[u] = tau
                pu = pos[u]
                if pu < 0:
                    pu = size
                    size += 1
                _sift_up(hk, hv, pos, pu, -tau, u, None, 0.0)
    return latest


@nb.njit(cache=True, nogil=True)
def _queue(hk, hv, pos, size, s, key):  # type: ignore[no-untyped-def]
    # Queue state s by ``key`` (or move it up); the arrays grow by doubling. New arrays, size.
    if pos[s] < 0:
        if size == hk.shape[0]:
            hk = _grow_1f(hk, 2 * size)
            hv = _grow_1i(hv, 2 * size)
        pos[s] = size
        size += 1
    _sift_up(hk, hv, pos, pos[s], key, s, None, 0.0)
    return hk, hv, size


@nb.njit(cache=True, nogil=True)
def _late_bands(h_fuel, usable_l, band_l):  # type: ignore[no-untyped-def]
    # `_band_range` for the late tables; without a tank limit no node has a band.
    n = h_fuel.shape[0]
    if usable_l < _INF and band_l > 0.0:
        return _band_range(h_fuel, h_fuel, usable_l, band_l, 1)
    return np.zeros(n, np.int32), _huge_full(n, -1, np.int32), 0


@_kernel(
    _sig(
        ("float32[:, ::1]", _f8),
        _ai8,
        _ai4,
        _af8,
        _ai4,
        _ab1,
        _ai8,
        _af8,
        _ab1,
        _af8,
        _af8,
        _af8,
        _ab1,
        _f8,
        _f8,
        _f8,
        _i8,
        _i8,
        _i8,
        _f8,
        _f8,
    )
)
def band_earliest(  # type: ignore[no-untyped-def]
    indptr,
    head,
    arc_hours,
    arc_cell,
    arc_ok,
    ep_ptr,
    ep_start,
    ep_open,
    ep_speed,
    h_time,
    h_fuel,
    depot_ok,
    usable_l,
    refuel_h,
    band_l,
    origin,
    origin_col,
    target,
    depart,
    span_h,
):
    """Earliest arrival at each (node, fuel-deficit band) in the late tables' relaxation.

    The relaxation of `label_search` that the late tables (`latest_band_departure`) bound
    labels with: waiting allowed anywhere, no duty limit, the weather's speeds and
    closures as they are, and the tank seen through fuel-deficit bands as in `band_bound`.
    A label's deficit is the litres to the target (``h_fuel``) less its usable fuel. State
    0 of a node ("free"): no deficit, no stop needed; state ``1 + j``: deficit band
    ``band_lo + j``, i.e. the label must refuel first, at a depot d with
    ``h_fuel[d] >= (band_lo + j) * band_l`` (it cannot get to any other with fuel left).
    Driving keeps the band or raises it to the next node's lowest; refuelling at a depot
    (``refuel_h``) leads to the free state, or to the depot's lowest band when a full
    tank does not cover ``h_fuel[d]``. Time-dependent and FIFO per state, so a Dijkstra
    over states is exact for it.

    Parameters
    ----------
    indptr, head : arrays of int64 and int32
        Forward CSR.
    arc_hours, arc_cell, arc_ok : arrays
        Calm hours, weather cell and usability per arc (``arc_ok`` may be empty: all).
    ep_ptr, ep_start, ep_open, ep_speed : arrays
        Epoch tables (module docstring).
    h_time : array of float64, shape (n,)
        Lower bound on the hours from each node to the target, consistent (a reverse
        Dijkstra's): the search is an A* towards the target with it.
    h_fuel : array of float64, shape (n,)
        Lower bound on the litres from each node to the target (the label search's).
    depot_ok : array of bool, shape (n,)
        Depots with fuel to sell.
    usable_l, refuel_h, band_l : float
        Tank capacity less the reserve (litres; ``inf``: no bands, only the free state),
        hours a refuelling stop costs, width of a band (litres).
    origin, origin_col : int
        The origin and its state (0 free, ``1 + j`` band j).
    target : int
        Reached in the free state: the relaxation's earliest arrival.
    depart : float
        Departure time, hours.
    span_h : float
        The search stops once its key (time plus ``h_time``) passes the target's arrival
        by ``span_h`` hours (the deadlines' span); a state left then gets that key less its
        ``h_time``, a lower bound on its time.

    Returns
    -------
    earliest : array of float32, shape (n, 1 + n_slots)
        Per node, the earliest a label can be there in each state or a lower one (free
        first): a label later than a state's latest time (`latest_band_departure`) is
        late for its deadline, and a state no label reaches by then needs no value.
        Rounded down; ``inf`` where no label gets, or where ``h_time`` says that none
        gets from there to the target.
    arrival : float
        Earliest arrival at the target, hours (``inf``: none): no plan arrives earlier.
    """
    n = indptr.shape[0] - 1
    node_lo, node_top, n_slots = _late_bands(h_fuel, usable_l, band_l)
    width = 1 + n_slots
    best = _huge_full(n * width, _INF, np.float64)
    pos = _huge_full(n * width, -1, np.int32)  # heap slot, -1 never queued, -2 settled
    hk = np.empty(1 << 12, np.float64)
    hv = np.empty(1 << 12, np.int64)
    all_ok = arc_ok.shape[0] == 0
    s0 = origin * width + origin_col
    best[s0] = depart
    size = 0
    if h_time[origin] < _INF:
        hk, hv, size = _queue(hk, hv, pos, 0, s0, depart + h_time[origin])
    arrival = _INF
    stop = _INF
    while size > 0:
        key = hk[0]
        if key > stop:
            break
        s = hv[0]
        size -= 1
        if size > 0:
            _sift_down(hk, hv, pos, 0, hk[size], hv[size], size, None, 0.0)
        pos[s] = -2
        v = s // width
        col = s - v * width
        t = best[s]
        if col == 0 and v == target and arrival == _INF:
            arrival = t
            stop = key + span_h
        b = node_lo[v] + col - 1
        if col > 0 and depot_ok[v]:
            s2 = v * width if h_fuel[v] <= usable_l + _BAND_EPS else v * width + 1
            if pos[s2] != -2 and t + refuel_h < best[s2]:
                best[s2] = t + refuel_h
                hk, hv, size = _queue(hk, hv, pos, size, s2, t + refuel_h + h_time[v])
        for e in range(indptr[v], indptr[v + 1]):
            if not all_ok and not arc_ok[e]:
                continue
            u = head[e]
            if col == 0:
                s2 = u * width
            else:
                if node_top[u] < 0:
                    continue
                bu = max(b, node_lo[u])
                if bu > node_lo[u] + node_top[u]:
                    continue  # a deficit past the litres left to burn: below the reserve
                s2 = u * width + 1 + bu - node_lo[u]
            if pos[s2] == -2 or h_time[u] == _INF:
                continue  # (no route from u to the target)
            c = arc_cell[e]
            k = _epoch_of(ep_ptr, ep_start, c, t)
            kend = ep_ptr[c + 1]
            tau = t
            while True:
                st, na, _drv = _traverse(
                    ep_ptr, ep_start, ep_open, ep_speed, c, k, tau, arc_hours[e]
                )
                if st == TRAV_OK:
                    break
                k += 1
                if k >= kend:
                    break
                tau = ep_start[k]
            if st != TRAV_OK or not na < best[s2]:
                continue
            best[s2] = na
            hk, hv, size = _queue(hk, hv, pos, size, s2, na + h_time[u])
    # A state not settled has a key no earlier than the stop's. Values are lowered by
    # _LATE_TOL before rounding: an A* whose potential rounds a hair inconsistently must
    # not leave a state later than a label can be there.
    left = stop if size > 0 else _INF
    earliest = np.empty((n, width), np.float32)
    for v in range(n):
        m = _INF
        for col in range(width):
            s = v * width + col
            if pos[s] == -2:
                x = best[s]
            elif h_time[v] < _INF:
                x = left - h_time[v]
            else:  # no route to the target from here: any time (none if nothing is left)
                x = left if left == _INF else -_INF
            m = min(m, x)
            earliest[v, col] = f32_below(m - _LATE_TOL)
    return earliest, arrival


@_kernel(_sig("void", *_BACKWARD_ARGS, _af8, _ab1, _af8, _f8, _f8, _f8, _f8, "float32[:, ::1]"))
def latest_band_departure(  # type: ignore[no-untyped-def]
    rptr,
    rtail,
    rarc,
    arc_hours,
    arc_cell,
    arc_ok,
    ep_ptr,
    ep_start,
    ep_open,
    ep_speed,
    earliest,
    h_fuel,
    depot_ok,
    latest_free,
    usable_l,
    refuel_h,
    band_l,
    t_floor,
    latest,
):
    """Latest time at each (node, fuel-deficit band) from which the deadline can be made.

    `latest_departure` over `band_earliest`'s states: a label in band j at node v later
    than the result there cannot reach the target by the deadline, even in that
    relaxation. The sources are the depots: a label that refuels there (``refuel_h``) goes
    on free, by ``latest_free`` (`latest_departure` for the same deadline), or in the
    depot's lowest band. A Dijkstra backwards in time over states, latest first.

    Parameters
    ----------
    rptr, rtail, rarc : arrays of int64, int32, int32
        Reverse CSR from `reverse_csr`.
    arc_hours, arc_cell, arc_ok : arrays
        Calm hours, weather cell and usability per arc, in forward order (``arc_ok`` may
        be empty: all).
    ep_ptr, ep_start, ep_open, ep_speed : arrays
        Epoch tables (module docstring).
    earliest : array of float32, shape (n, 1 + n_slots)
        `band_earliest`'s table for the same bands: a state no label reaches by its latest
        time is not queued (its value stays ``-inf``: labels there are late either way).
    h_fuel, depot_ok : arrays
        As for `band_earliest`.
    latest_free : array of float64, shape (n,)
        `latest_departure`'s result for the deadline.
    usable_l, refuel_h, band_l : float
        As for `band_earliest` (``usable_l`` finite).
    t_floor : float
        When the labels start (the departure, hours): the search stops below it.
    latest : array of float32, shape (n, 1 + n_slots)
        Output, beside column 0 (left as it is): column ``1 + j`` of row v is the latest
        time for band ``band_lo + j`` at v (columns past the node's top band repeat it),
        rounded up; ``-inf`` where the deadline cannot be made.
    """
    n = rptr.shape[0] - 1
    node_lo, node_top, n_slots = _late_bands(h_fuel, usable_l, band_l)
    best = _huge_full(n * n_slots, -_INF, np.float64)
    pos = _huge_full(n * n_slots, -1, np.int32)  # heap slot, -1 never queued, -2 settled
    hk = np.empty(1 << 12, np.float64)
    hv = np.empty(1 << 12, np.int64)
    use_ok = arc_ok.shape[0] > 0
    size = 0
    for d in range(n):
        if not depot_ok[d] or node_top[d] < 0 or h_fuel[d] > usable_l + _BAND_EPS:
            continue
        a = latest_free[d] - refuel_h
        for j in range(node_top[d] + 1):
            s = d * n_slots + j
            if a > best[s] and earliest[d, 1 + j] <= a:
                best[s] = a
                hk, hv, size = _queue(hk, hv, pos, size, s, -a)
    while size > 0:
        b = -hk[0]
        s = hv[0]
        size -= 1
        if size > 0:
            _sift_down(hk, hv, pos, 0, hk[size], hv[size], size, None, 0.0)
        pos[s] = -2
        if b < t_floor:
            break  # every state left is later than its latest time: below t_floor too
        w = s // n_slots
        jw = s - w * n_slots
        if jw == 0 and depot_ok[w] and h_fuel[w] > usable_l + _BAND_EPS:
            # a full tank here still leaves a deficit in this band: any band may refuel
            a = b - refuel_h
            for j in range(1, node_top[w] + 1):
                s2 = w * n_slots + j
                if pos[s2] != -2 and a > best[s2] and earliest[w, 1 + j] <= a:
                    best[s2] = a
                    hk, hv, size = _queue(hk, hv, pos, size, s2, -a)
        bw = node_lo[w] + jw
        for p in range(rptr[w], rptr[w + 1]):
            e = rarc[p]
            if use_ok and not arc_ok[e]:
                continue
            u = rtail[p]
            if node_top[u] < 0:
                continue
            tau = _latest_entry(ep_ptr, ep_start, ep_open, ep_speed, arc_cell[e], arc_hours[e], b)
            if tau == -_INF:
                continue
            lo_u = node_lo[u]
            # bands of u that driving u -> w takes to bw: bw itself, or any up to it
            # when bw is w's lowest
            first = lo_u if jw == 0 else max(bw, lo_u)
            for bu in range(first, min(bw, lo_u + node_top[u]) + 1):
                s2 = u * n_slots + bu - lo_u
                if pos[s2] != -2 and tau > best[s2] and earliest[u, 1 + bu - lo_u] <= tau:
                    best[s2] = tau
                    hk, hv, size = _queue(hk, hv, pos, size, s2, -tau)
    for v in range(n):
        top = node_top[v]
        for j in range(n_slots):
            x = best[v * n_slots + min(j, top)] if top >= 0 else -_INF
            y = np.float32(x)
            if np.float64(y) < x:
                y = np.nextafter(y, np.float32(_INF))
            latest[v, 1 + j] = y


@nb.njit(cache=True, nogil=True)
def _stand_limit(shelter, ep_ptr, ep_start, ep_open, ep_stand, cell, in_cell, t):  # type: ignore[no-untyped-def]
    # First time >= t at which the vehicle may no longer stand still: never at a shelter;
    # elsewhere once neither the node's cell nor the cell of the arc it arrived by is open.
    if shelter:
        return _INF
    x = t
    while x < _INF:
        k = _epoch_of(ep_ptr, ep_start, cell, x)
        y = ep_stand[k] if ep_open[k] else x
        if in_cell >= 0:
            k = _epoch_of(ep_ptr, ep_start, in_cell, x)
            if ep_open[k] and ep_stand[k] > y:
                y = ep_stand[k]
        if y <= x:
            return x
        x = y
    return x


@nb.njit(cache=True, nogil=True)
def _calm_from(ep_ptr, ep_start, ep_open):  # type: ignore[no-untyped-def]
    # Per cell, the time from which it stays open for good (-inf: always open, inf: it
    # ends closed). A node whose cell is calm from t on may stand still for ever.
    n_cells = ep_ptr.shape[0] - 1
    out = np.empty(n_cells, np.float64)
    for c in range(n_cells):
        k = ep_ptr[c + 1] - 1
        if not ep_open[k]:
            out[c] = _INF
            continue
        while k > ep_ptr[c] and ep_open[k - 1]:
            k -= 1
        out[c] = ep_start[k] if k > ep_ptr[c] else -_INF
    return out


@nb.njit(cache=True, nogil=True)
def _stand_at(calm_from, shelter, ep_ptr, ep_start, ep_open, ep_stand, cell, in_cell, t):  # type: ignore[no-untyped-def]
    # `_stand_limit`, answered at once where the node's cell is calm for good.
    if shelter or t >= calm_from[cell]:
        return _INF
    return _stand_limit(shelter, ep_ptr, ep_start, ep_open, ep_stand, cell, in_cell, t)


@_kernel(_sig(_f8, "boolean", _ai8, _af8, _ab1, _af8, _i8, _i8, _f8))
def stand_limit(shelter, ep_ptr, ep_start, ep_open, ep_stand, cell, in_cell, t):  # type: ignore[no-untyped-def]
    """How long a vehicle may stand still at a node from time ``t``.

    Parameters
    ----------
    shelter : bool
        Whether the node is a shelter (standing is then always allowed).
    ep_ptr, ep_start, ep_open, ep_stand : arrays
        Epoch tables (module docstring).
    cell : int
        Weather cell of the node.
    in_cell : int
        Weather cell of the arc the vehicle arrived by (it may halt at the end of that arc
        while its cell is open), -1 for none.
    t : float
        Start of the stop, hours.

    Returns
    -------
    float
        The first time >= ``t`` at which standing is no longer allowed, hours (``t`` if it
        is not allowed at ``t``, ``inf`` if never).
    """
    return _stand_limit(shelter, ep_ptr, ep_start, ep_open, ep_stand, cell, in_cell, t)


# ---- landmarks (ALT) ------------------------------------------------------------------
#
# A landmark L bounds the hours from v to t from below by the triangle inequality, both
# ways: d(v, t) >= d(v, L) - d(t, L) and d(v, t) >= d(L, t) - d(L, v). Columns of
# `landmark_columns` hold d(., L) ("to") or d(L, .) ("from") as 16-bit codes c with
# c * unit <= d < (c + 1) * unit, 65535 for unreachable.

LANDMARK_NONE = 65535


@nb.njit(cache=True, nogil=True)
def _landmark_bound(landmarks, landmark_h, v, t):  # type: ignore[no-untyped-def]
    # Columns 0 .. k-1 are "to", k .. 2k-1 "from" (k = half the columns).
    k = landmarks.shape[1] // 2
    best = 0.0
    for c in range(2 * k):
        cv = np.int64(landmarks[v, c])
        ct = np.int64(landmarks[t, c])
        if c < k:  # d(v, L) - d(t, L)
            near, far = ct, cv
        else:  # d(L, t) - d(L, v)
            near, far = cv, ct
        if near == LANDMARK_NONE:
            continue
        if far == LANDMARK_NONE:
            return _INF  # reaches L (or is reached from it) but the other cannot: no path
        x = (far - near - 1) * landmark_h[c]
        if x > best:
            best = x
    return best


@_kernel(_sig(("uint16[::1]", _f8), _af8))
def landmark_column(dist):  # type: ignore[no-untyped-def]
    """Hours to or from a landmark as 16-bit codes, and the hours a code stands for.

    Each code times the unit is never above the distance and one unit more is above it;
    ``inf`` becomes `LANDMARK_NONE`.
    """
    longest = 0.0
    for v in range(dist.shape[0]):
        if dist[v] < _INF and dist[v] > longest:
            longest = dist[v]
    unit = max(longest, 1e-9) / (LANDMARK_NONE - 2)
    codes = np.empty(dist.shape[0], np.uint16)
    for v in range(dist.shape[0]):
        if dist[v] == _INF:
            codes[v] = LANDMARK_NONE
        else:
            c = min(int(dist[v] / unit), LANDMARK_NONE - 2)
            while c > 0 and c * unit > dist[v]:
                c -= 1
            while (c + 1) * unit <= dist[v]:
                c += 1
            codes[v] = c
    return codes, unit


@_kernel(
    _sig(
        (_f8, _f8, _i8, _ai8, _af8),
        _ai8,  # indptr
        _ai4,  # head
        _af8,  # arc_hours
        _af8,  # arc_litres
        _ai4,  # arc_cell
        _ab1,  # arc_ok
        _ai8,  # ep_ptr
        _af8,  # ep_start
        _ab1,  # ep_open
        _af8,  # ep_speed
        _af8,  # ep_fuel
        _af8,  # x_km
        _af8,  # y_km
        _f8,  # h_per_km
        "uint16[:, ::1]",  # landmarks
        _af8,  # landmark_h
        _i8,  # origin
        _i8,  # target
        _f8,  # depart
    )
)
def earliest_arrival_path(  # type: ignore[no-untyped-def]
    indptr,
    head,
    arc_hours,
    arc_litres,
    arc_cell,
    arc_ok,
    ep_ptr,
    ep_start,
    ep_open,
    ep_speed,
    ep_fuel,
    x_km,
    y_km,
    h_per_km,
    landmarks,
    landmark_h,
    origin,
    target,
    depart,
):
    """Time-dependent point-to-point A* that may wait anywhere; ties: fewer litres.

    A relaxation of `label_search` without fuel, duty or halting rules: the vehicle leaves
    each node on an arc as soon as the arc's cell lets it through (now, or at a later epoch
    start of that cell). The Ichoua model is FIFO (leaving later never arrives earlier), so
    one label per node is exact for this relaxation (Dreyfus 1969) and its arrival is a
    lower bound on every plan's; a path that keeps the real rules is therefore optimal.

    Parameters
    ----------
    indptr, head : arrays of int64 and int32
        CSR arcs.
    arc_hours, arc_litres : arrays of float64
        Calm hours and litres per arc.
    arc_cell : array of int32
        Weather cell per arc.
    arc_ok : array of bool
        False for arcs that may not be used; empty = all may.
    ep_ptr, ep_start, ep_open, ep_speed, ep_fuel : arrays
        Epoch tables (module docstring).
    x_km, y_km : arrays of float64
        Planar node coordinates, km.
    h_per_km : float
        Least hours per straight-line km of any arc in any weather still to come (the A*
        bound's factor, `least_per_km` over the fastest speed factor); 0 = no bound.
    landmarks : array of uint16, shape (n, n_columns) or (0, 0)
        Calm hours to and from landmarks as codes (`landmark_columns`); empty: none. The
        A* bound is then the larger of the straight-line one and theirs (ALT: Goldberg &
        Harrelson 2005), and a node is settled again if a later arc reaches it earlier
        (the codes' rounding may make the bound inconsistent by a code or two; admissible
        is enough with re-opening).
    landmark_h : array of float64, shape (n_columns,)
        Hours a code of each column stands for, over the fastest speed factor of any
        weather still to come.
    origin, target : int
        Node indices.
    depart : float
        Departure time, hours.

    Returns
    -------
    arrival : float
        Earliest arrival at the target, hours (``inf`` if unreachable).
    litres : float
        Litres along the returned path.
    settled : int
        Nodes settled.
    arcs : array of int64
        Arcs of the path, in order (empty if unreachable or origin == target).
    departs : array of float64
        Departure time of each arc of the path, hours.
    """
    n = indptr.shape[0] - 1
    all_ok = arc_ok.shape[0] == 0
    scale = h_per_km
    tx = x_km[target]
    ty = y_km[target]
    if not (np.isfinite(tx) and np.isfinite(ty)):
        scale = 0.0
    # One cell with one epoch (no weather): every arc is entered at once at the same speed,
    # so the epoch look-up is skipped (a fifth of the search's time on the 250k lattice).
    one_epoch = ep_ptr.shape[0] == 2 and ep_ptr[1] - ep_ptr[0] == 1
    use_lm = landmarks.shape[0] == n and landmarks.shape[1] > 0
    # re-opening: an arc into a settled node is looked at when it could arrive earlier
    fastest = 0.0
    for k in range(ep_speed.shape[0]):
        if ep_open[k] and ep_speed[k] > fastest:
            fastest = ep_speed[k]
    inv_fast = 1.0 / fastest if fastest > 0.0 else _INF
    d1 = np.full(n, _INF)
    d2 = np.full(n, _INF)
    hh = np.full(n, -1.0)  # cached bound, -1 = not computed yet
    pred = np.full(n, -1, np.int64)
    pdep = np.empty(n, np.float64)
    pos = np.full(n, -1, np.int32)  # heap slot, -1 never queued, -2 settled
    hk = np.empty(n, np.float64)
    hv = np.empty(n, np.int32)
    d1[origin] = depart
    d2[origin] = 0.0
    _sift_up(hk, hv, pos, 0, depart, origin, None, 0.0)
    size = 1
    settled = 0
    while size > 0:
        v = hv[0]
        size -= 1
        if size > 0:
            _sift_down(hk, hv, pos, 0, hk[size], hv[size], size, None, 0.0)
        pos[v] = -2
        settled += 1
        if v == target:
            break
        t = d1[v]
        b = d2[v]
        for e in range(indptr[v], indptr[v + 1]):
            if not all_ok and not arc_ok[e]:
                continue
            u = head[e]
            pu = pos[u]
            if pu == -2 and (not use_lm or t + arc_hours[e] * inv_fast >= d1[u]):
                continue
            tau = t
            if one_epoch:
                k = ep_ptr[0]
                if not (ep_open[k] and ep_speed[k] > 0.0):
                    continue
                h_e = arc_hours[e]
                na = t + h_e / ep_speed[k] if h_e > 0.0 else t  # as `_traverse` computes it
                if na > d1[u]:
                    continue
            else:
                c = arc_cell[e]
                k = _epoch_of(ep_ptr, ep_start, c, t)
                kend = ep_ptr[c + 1]
                while True:
                    st, na, _drv = _traverse(
                        ep_ptr, ep_start, ep_open, ep_speed, c, k, tau, arc_hours[e]
                    )
                    if st == TRAV_OK:
                        break
                    k += 1
                    if k >= kend:
                        break
                    tau = ep_start[k]
                if st != TRAV_OK or na > d1[u]:
                    continue
            nb_ = b + arc_litres[e] * ep_fuel[k]
            if pu == -2:
                if not na < d1[u]:
                    continue
                pu = -1  # settled too early: the bound was not consistent there
            if na < d1[u] or nb_ < d2[u]:
                d1[u] = na
                d2[u] = nb_
                pred[u] = e
                pdep[u] = tau
                h = hh[u]
                if h < 0.0:
                    h = 0.0
                    if scale > 0.0:
                        dx = x_km[u] - tx
                        dy = y_km[u] - ty
                        h = np.sqrt(dx * dx + dy * dy) * scale
                        if not np.isfinite(h):
                            h = 0.0
                    if use_lm:
                        h = max(h, _landmark_bound(landmarks, landmark_h, u, target))
                    hh[u] = h
                if h == _INF:
                    continue  # the landmarks show that u cannot reach the target
                if pu < 0:
                    pu = size
                    size += 1
                _sift_up(hk, hv, pos, pu, na + h, u, None, 0.0)
    if pos[target] != -2:
        return _INF, _INF, settled, np.empty(0, np.int64), np.empty(0, np.float64)
    n_arcs = 0
    v = target
    while v != origin:
        n_arcs += 1
        v = _tail_of(indptr, pred[v])
    arcs = np.empty(n_arcs, np.int64)
    departs = np.empty(n_arcs, np.float64)
    v = target
    while v != origin:
        n_arcs -= 1
        arcs[n_arcs] = pred[v]
        departs[n_arcs] = pdep[v]
        v = _tail_of(indptr, pred[v])
    return d1[target], d2[target], settled, arcs, departs


# --------------------------------------------------------------------------------------
# Label search
# --------------------------------------------------------------------------------------


@nb.njit(cache=True, nogil=True)
def _size_class(rows):  # type: ignore[no-untyped-def]
    # Index of a pool block size (4, 8, 16, ... rows) in the free lists.
    k = 0
    while (4 << k) < rows:
        k += 1
    return k


@nb.njit(cache=True, nogil=True)
def _tags(bits, stage, in_cell):  # type: ignore[no-untyped-def]
    # Column `LI_TAGS` of a label (read back by `_tag_bits`, `_tag_stage`, `_tag_in_cell`).
    return bits | (stage << 8) | ((in_cell + 1) << 24)


@nb.njit(cache=True, nogil=True)
def _tag_bits(tags):  # type: ignore[no-untyped-def]
    # Kind and flag bits of a label's `LI_TAGS` value.
    return tags & TAG_BITS


@nb.njit(cache=True, nogil=True)
def _tag_stage(tags):  # type: ignore[no-untyped-def]
    # Via stage (number of via points visited) of a label's `LI_TAGS` value.
    return (tags >> 8) & 0xFFFF


@nb.njit(cache=True, nogil=True)
def _tag_in_cell(tags):  # type: ignore[no-untyped-def]
    # Weather cell of the arc a label arrived by (-1 at the origin), from `LI_TAGS`.
    return (tags >> 24) - 1


@nb.njit(cache=True, nogil=True)
def _pareto_pruned(lab_f, tset, nt, ta, ba, ra, tol):  # type: ignore[no-untyped-def]
    for j in range(nt):
        s = tset[j]
        if s < 0:
            continue
        if (
            lab_f[s, LF_T] <= ta + tol
            and lab_f[s, LF_BURN] <= ba + tol
            and lab_f[s, LF_RISK] <= ra + tol
        ):
            return True
    return False


# Hours past a node's latest time (`latest_departure`) before a label there counts as
# late: rounding in the backward search must never raise a label's bound past the truth.
_LATE_TOL = 1e-7

# Columns of the dominance pool: each (node, stage) owns a contiguous bucket of entries
# (its live labels), so dominance checks scan contiguous memory. An entry is one 64-byte
# row (a cache line); the label id and its tags (the label's `LI_TAGS`) are integers, read
# and written through the int64 view ``pool_i``. A search that compares labels by time
# and fuel alone (no duty limit, no fuel or risk objective) keeps only the first
# `_N_PF_TIME` columns: 40 bytes an entry instead of 64 (on a 1M-lattice query of 1.17 M
# labels the pool's rows held 73 MB), and fewer cache lines for a bucket's scan.
_PF_T = 0
_PF_FUEL = 1
_PF_STAND = 2
_PF_ID = 3
_PF_TAG = 4
_N_PF_TIME = 5
_PF_DRIVE = 5
_PF_BURN = 6
_PF_RISK = 7
_N_PF = 8

# Columns of the node table: one 64-byte row per (node, via stage) holding what an offer
# at that node reads (bounds, flags, its dominance bucket), so an offer costs one cache
# line instead of one per array. Columns 5-7 are integers (through the int64 view).
_NT_H_TIME = 0
_NT_H_FUEL = 1
_NT_H_AUX = 2  # the fuel cap (``use_clamp``) or the risk bound (``use_h_risk``)
_NT_LB_DEPOT = 3
_NT_STOCK = 4
_NT_NODE = 5  # shelter | depot << 1 | band row written << 2 | weather cell << 3
_NT_ROW_WRITTEN = 4
_NT_B_START = 6  # first pool row of the bucket
_NT_B_SIZE = 7  # live entries | capacity << 32
_N_NT = 8
_B_LEN_MASK = 0xFFFFFFFF


# Columns of the per-expansion scratch table of successors.
_SF_T = 0
_SF_FUEL = 1
_SF_DRIVE = 2
_SF_BURN = 3
_SF_RISK = 4
_SF_STAND = 5
_SF_DEP = 6
_N_SF = 7
_SI_NODE = 0
_SI_STAGE = 1
_SI_ARC = 2
_SI_BITS = 3
_SI_INCELL = 4
_N_SI = 5


@_kernel(_sig(_af8_2, _af8_2, _af8_2, _af8_2, _af8, _af8, _ab1, _ab1, _ai8))
def node_table(h_time, h_fuel, h_aux, lb_depot_l, node_stock, node_shelter, node_depot, node_cell):  # type: ignore[no-untyped-def]
    """The per-(node, via stage) rows `label_search` reads when it offers a label there.

    Built apart from the search so that the caller can free the bounds before the labels
    take memory.

    Parameters
    ----------
    h_time : array of float64, shape (n_via + 1, n)
        Admissible, consistent lower bound on the hours still needed, per stage and node.
    h_fuel : array of float64, shape (n_via + 1, n) or (0, 0)
        Lower bound on litres still to burn (empty: not used, 0).
    h_aux : array of float64, shape (n_via + 1, n) or (0, 0)
        The fuel cap (litres along the fastest remaining route, ``use_clamp``) or the lower
        bound on risk still to accumulate (``use_h_risk``): the two share a column (empty:
        neither, 0).
    lb_depot_l : array of float64, shape (n,)
        Lower bound on litres from each node to the nearest depot or the target (labels
        that cannot reach one are pruned).
    node_stock : array of float64, shape (n,)
        Litres a depot can sell per visit.
    node_shelter, node_depot : arrays of bool, shape (n,)
        Node flags.
    node_cell : array of int64, shape (n,)
        Weather cell per node.

    Returns
    -------
    array of float64, shape (n * (n_via + 1), 8)
        Row ``node * (n_via + 1) + stage``; columns ``_NT_*`` (integers through an int64
        view), dominance buckets empty.
    """
    nst = h_time.shape[0]
    n = h_time.shape[1]
    use_hf = h_fuel.shape[0] > 0
    use_aux = h_aux.shape[0] > 0
    node_tab = np.empty((n * nst, _N_NT), np.float64)
    huge_pages(node_tab)
    node_ti = node_tab.view(np.int64)
    for u in range(n):
        flags = (1 if node_shelter[u] else 0) | (2 if node_depot[u] else 0) | (node_cell[u] << 3)
        for sg in range(nst):
            r = u * nst + sg
            node_tab[r, _NT_H_TIME] = h_time[sg, u]
            node_tab[r, _NT_H_FUEL] = h_fuel[sg, u] if use_hf else 0.0
            node_tab[r, _NT_H_AUX] = h_aux[sg, u] if use_aux else 0.0
            node_tab[r, _NT_LB_DEPOT] = lb_depot_l[u]
            node_tab[r, _NT_STOCK] = node_stock[u]
            node_ti[r, _NT_NODE] = flags
            node_ti[r, _NT_B_START] = 0
            node_ti[r, _NT_B_SIZE] = 0
    return node_tab


_SIG_SEARCH = _sig(
    (_i8, _i8, _i8, _ai8, _af8_2, "int32[:, ::1]", _af8),
    _ai8,  # indptr
    _ai4,  # head
    _af8,  # arc_hours
    _af8,  # arc_litres
    "float32[::1]",  # arc_risk
    _ai4,  # arc_cell
    _ab1,  # arc_ok
    _ab1,  # node_shelter
    _ai8,  # node_cell
    _af8_2,  # node_tab
    _ai8,  # ep_ptr
    _af8,  # ep_start
    _ab1,  # ep_open
    _af8,  # ep_speed
    _af8,  # ep_fuel
    _af8,  # ep_risk
    _af8,  # ep_stand
    _af8,  # ep_fuel_min
    _i8,  # origin
    _i8,  # target
    _ai8,  # via
    "float32[:, ::1]",  # late
    _af8,  # late_t
    _ai4,  # late_row
    "float32[:, ::1]",  # h_band
    _ai4,  # block
    _ai8,  # c_ptr
    _U16,  # c_depot
    _U16,  # c_litres
    _U16,  # c_hours
    _af8,  # depot_h
    _af8,  # cpar
    _af8,  # fpar
    _ai8,  # ipar
)


@_kernel(_SIG_SEARCH)
def label_search(  # type: ignore[no-untyped-def]
    indptr,
    head,
    arc_hours,
    arc_litres,
    arc_risk,
    arc_cell,
    arc_ok,
    node_shelter,
    node_cell,
    node_tab,
    ep_ptr,
    ep_start,
    ep_open,
    ep_speed,
    ep_fuel,
    ep_risk,
    ep_stand,
    ep_fuel_min,
    origin,
    target,
    via,
    late,
    late_t,
    late_row,
    h_band,
    block,
    c_ptr,
    c_depot,
    c_litres,
    c_hours,
    depot_h,
    cpar,
    fpar,
    ipar,
):
    """Exact multi-label A* search with fuel, crew duty, weather windows and via points.

    Parameters
    ----------
    indptr, head : arrays of int64 and int32
        CSR arcs (see `arcticroute.solver.CompiledGraph`).
    arc_hours : array of float64
        Calm travel time per arc, hours.
    arc_litres : array of float64
        Calm fuel per arc, litres.
    arc_risk : array of float32
        Exposure weight per hour driven, per arc (dimensionless).
    arc_cell : array of int32
        Weather cell per arc.
    arc_ok : array of bool
        False for banned arcs (and arcs touching banned nodes).
    node_shelter : array of bool
        Whether each node is a shelter.
    node_cell : array of int64
        Weather cell per node.
    node_tab : array of float64, shape (n * (n_via + 1), 8)
        Bounds and flags per node and via stage, from `node_table` (the search also keeps
        its dominance buckets in it: it is written to).
    ep_ptr, ep_start, ep_open, ep_speed, ep_fuel, ep_risk : arrays
        Epoch tables (module docstring); times in hours, factors dimensionless.
    ep_stand : array of float64
        Per open epoch, the start of the next closed epoch of its cell (hours, ``inf`` if
        none).
    ep_fuel_min : array of float64
        Per epoch, the least fuel factor of the open epochs of its cell from it on (``inf``
        if none).
    origin, target : int
        Node indices.
    via : array of int64
        Nodes to visit in this order before the target.
    late, late_t, late_row : arrays of float32, shape (rows, (1 + n_slots) * k), float64,
            shape (k,), and int32, shape (n,)
        Without via points: per node (its row ``late_row[v]``), fuel-deficit state
        (`band_earliest`: 0 free, then the bands of ``late_band_l``) and deadline
        ``late_t[j]`` (increasing, hours), the latest time from which the target can
        still be reached by it in that relaxation, rounded up (`solver._late_table`). A
        label later than ``late[late_row[v], s * k + j]``, s the state of its deficit,
        arrives after ``late_t[j]``, which bounds its key from below; a node without a
        row (-1) makes none of them. ``late_row`` of shape (0,): unused.
    h_band : array of float32, shape (n, n_band_slots) or (1, 1)
        Lower bound on the hours to the target of a label that must refuel first, per
        deficit band (`band_bound`); used with ``refuel_bound`` when ``n_band_slots > 0``
        (no via points). With ``lazy_band`` it is empty, shape (0, n_band_slots): the
        search writes each node's row the first time it reads it (`catchment_row`), from
        the next seven arguments.
    block, c_ptr, c_depot, c_litres, c_hours : arrays
        Each node's block and the depot catchments by block (`catchment_table`); empty
        without ``lazy_band``.
    depot_h : array of float64
        Per depot, hours from it to the target after a stop (`depot_hours`).
    cpar : array of float64
        The catchments' units and the weather's factors (``C_*``).
    fpar : array of float64
        ``[depart_h, capacity_l, start_fuel_l, reserve_l, refuel_h, max_drive_h, rest_h,
        deadline_h, t_last_h, tol, band_l, late_band_l]``. ``t_last_h``: no weather changes
        after it; ``band_l`` and ``late_band_l``: width of a deficit band of ``h_band`` and
        of ``late``, litres (``late_band_l`` 0: ``late`` has only the free state).
    ipar : array of int64
        ``[objective, use_clamp, use_h_fuel, use_h_risk, refuel_bound, duty_on,
        max_labels, n_band_slots, stop_when_full, reserve_rows, lazy_band]``;
        ``stop_when_full`` allows refuelling stops with a full tank (for the relaxed search
        with an unlimited tank, where a refuelling stop may still matter as a stop);
        ``reserve_rows``: rows the label tables start with. They are allocated untouched,
        so the operating system commits only the rows written, and a search that stays
        within them never copies its tables to grow them (a copy would briefly hold both).

    Returns
    -------
    status : int
        `STATUS_FOUND`, `STATUS_INFEASIBLE` or `STATUS_LABEL_LIMIT`.
    settled : int
        Labels taken from the queue and expanded.
    n_labels : int
        Rows used in the label tables.
    result : array of int64
        Target labels: the tie candidates of the optimum, or the Pareto set.
    lab : array of float64, shape (>= n_labels, 8)
        Label table: columns `LF_*` are floats, columns `LI_NODE` and `LI_TAGS` integers
        (read them through ``lab.view(np.int64)``; the kind of a label is
        ``tags & KIND_MASK``).
    link : array of int32, shape (>= n_labels, 2)
        Predecessor label and arc driven per label (columns `LK_*`).
    dep : array of float64, shape (>= n_labels,)
        Departure time of the arc that created each drive label, hours.

    Notes
    -----
    Labels are expanded in order of an A* key (time + bound for "time" and "pareto",
    litres + bound for "fuel", risk + bound for "risk"). A new label is dropped when a live
    label at the same node and via stage dominates it, and it retires the live labels it
    dominates (see `arcticroute.solver.solve`, Notes, for the rule). With ``use_clamp`` a
    label's fuel is capped at what the fastest remaining route needs when that route is
    within the duty limit: more fuel cannot make it arrive earlier, and the cap lets it
    dominate more labels.
    """
    n = indptr.shape[0] - 1
    n_via = via.shape[0]
    nst = n_via + 1
    depart = fpar[0]
    capacity = fpar[1]
    start_fuel = fpar[2]
    reserve = fpar[3]
    refuel_h = fpar[4]
    max_drive = fpar[5]
    rest_h = fpar[6]
    deadline = fpar[7]
    t_last = fpar[8]
    tol = fpar[9]
    band_l = fpar[10]
    late_band_l = fpar[11]
    objective = ipar[0]
    use_clamp = ipar[1] != 0
    use_hr = ipar[3] != 0  # ipar[2] (use_h_fuel) shaped the node table only
    refuel_bound = ipar[4] != 0
    duty_on = ipar[5] != 0
    max_labels = ipar[6]
    n_band_slots = ipar[7]
    stop_when_full = ipar[8] != 0
    reserve_rows = ipar[9]
    lazy_band = ipar[10] != 0
    n_late = late_t.shape[0] if late_row.shape[0] > 0 else 0
    n_late_states = late.shape[1] // n_late if n_late > 0 else 0
    q1_is_time = objective in (OBJ_TIME, OBJ_PARETO)  # the key's first part is a time
    # With ``lazy_band`` the rows are kept in the order they are written (``band_row[w]``:
    # node w's, valid once its node-table flag says so), so that only the pages of the rows
    # written are committed (a table indexed by node had its pages committed by scattered
    # writes: 50 MB at the 1M 60 L query's peak). Reserved whole: never copied to grow.
    band = h_band
    band_row = np.empty(n if lazy_band else 0, np.int32)
    n_band_rows = 0
    if lazy_band:
        band = np.empty((n, n_band_slots), np.float32)
    usable = capacity - reserve
    cmp_burn = objective in (OBJ_FUEL, OBJ_PARETO)
    cmp_risk = objective in (OBJ_RISK, OBJ_PARETO)
    fuel_only = not duty_on and not cmp_risk  # departures differ only in time and fuel
    # an unlimited tank (the relaxed search): fuel never tells two departures apart
    fuel_free = start_fuel == _INF and not cmp_burn
    rest_resets = duty_on and refuel_h >= rest_h - tol

    max_ep = 1
    for c in range(ep_ptr.shape[0] - 1):
        if ep_ptr[c + 1] - ep_ptr[c] > max_ep:
            max_ep = ep_ptr[c + 1] - ep_ptr[c]
    max_deg = 0
    for u in range(n):
        if indptr[u + 1] - indptr[u] > max_deg:
            max_deg = indptr[u + 1] - indptr[u]
    sc_f = np.empty((2 + max_deg * max_ep, _N_SF), np.float64)
    sc_i = np.empty((2 + max_deg * max_ep, _N_SI), np.int64)

    cap_l = max(4096, reserve_rows)
    lab_f = np.empty((cap_l, _N_LAB), np.float64)
    lab_i = lab_f.view(np.int64)
    link = np.empty((cap_l, _N_LK), np.int32)
    dep = np.empty(cap_l, np.float64)
    heap = np.empty((cap_l, _N_H), np.float64)
    heap_i = heap.view(np.int64)
    hsize = 0
    node_ti = node_tab.view(np.int64)
    # time and fuel are all a dominance test reads without duty, fuel or risk to compare
    n_pf = _N_PF_TIME if not (duty_on or cmp_burn or cmp_risk) else _N_PF
    pool_f = np.empty((cap_l, n_pf), np.float64)
    pool_i = pool_f.view(np.int64)
    pool_used = 0
    free_block = np.full(64, -1, np.int64)  # per size class: a freed block (a linked list)
    res = np.empty(16, np.int64)
    n_res = 0
    found = False
    best = _INF
    settled = 0
    status = STATUS_INFEASIBLE

    # ---- origin label
    stg0 = 0
    while stg0 < n_via and via[stg0] == origin:
        stg0 += 1
    calm_from = _calm_from(ep_ptr, ep_start, ep_open)
    s0 = _stand_at(
        calm_from,
        node_shelter[origin],
        ep_ptr,
        ep_start,
        ep_open,
        ep_stand,
        node_cell[origin],
        -1,
        depart,
    )
    lab_f[0, LF_T] = depart
    lab_f[0, LF_FUEL] = start_fuel
    lab_f[0, LF_DRIVE] = 0.0
    lab_f[0, LF_BURN] = 0.0
    lab_f[0, LF_RISK] = 0.0
    lab_f[0, LF_STAND] = s0
    lab_i[0, LI_NODE] = origin
    lab_i[0, LI_TAGS] = _tags(KIND_ORIGIN, stg0, -1)
    link[0, LK_PRED] = -1
    link[0, LK_ARC] = -1
    dep[0] = depart
    n_lab = 1
    if not (origin == target and stg0 == n_via):
        bi = origin * nst + stg0
        node_ti[bi, _NT_B_START] = 0
        node_ti[bi, _NT_B_SIZE] = 1 | (4 << 32)
        pool_used = 4
        pool_f[0, _PF_T] = depart
        pool_f[0, _PF_FUEL] = start_fuel
        if n_pf > _N_PF_TIME:
            pool_f[0, _PF_DRIVE] = 0.0
            pool_f[0, _PF_BURN] = 0.0
            pool_f[0, _PF_RISK] = 0.0
        pool_f[0, _PF_STAND] = s0
        pool_i[0, _PF_ID] = 0
        pool_i[0, _PF_TAG] = lab_i[0, LI_TAGS]
    if depart + node_tab[origin * nst + stg0, _NT_H_TIME] <= deadline + tol:
        hsize = _dpush(heap, heap_i, hsize, 0.0, 0.0, 0)

    while hsize > 0:
        k1, _k2, lab, hsize = _dpop(heap, heap_i, hsize)
        if hsize > 0:
            prefetch(lab_f[heap_i[0, _H_ID]], 0)  # the next pop's row, one label ahead
        tags = lab_i[lab, LI_TAGS]
        bits = _tag_bits(tags)
        if (bits & BIT_DEAD) != 0:
            continue
        if found and objective != OBJ_PARETO and k1 > best + tol:
            break
        v = lab_i[lab, LI_NODE]
        stg = _tag_stage(tags)
        # the rows every arc's offer reads: the head's bounds and flags, and its bands
        for e in range(indptr[v], indptr[v + 1]):
            prefetch(node_tab[head[e] * nst + stg], 0)
            if n_late > 0 and late_row[head[e]] >= 0:
                prefetch(late[late_row[head[e]]], 0)
            if lazy_band:
                prefetch(band_row, head[e])
            elif n_band_slots > 0:
                prefetch(h_band[head[e]], 0)
        t = lab_f[lab, LF_T]
        fuel = lab_f[lab, LF_FUEL]
        drive = lab_f[lab, LF_DRIVE]
        burn = lab_f[lab, LF_BURN]
        risk = lab_f[lab, LF_RISK]
        stand = lab_f[lab, LF_STAND]
        kind = bits & KIND_MASK
        in_cell = _tag_in_cell(tags)
        settled += 1

        if v == target and stg == n_via:
            # a complete plan
            if objective == OBJ_PARETO:
                if _pareto_pruned(lab_f, res, n_res, t, burn, risk, tol):
                    continue
                for j in range(n_res):
                    s = res[j]
                    if s >= 0 and (
                        lab_f[s, LF_T] >= t - tol
                        and lab_f[s, LF_BURN] >= burn - tol
                        and lab_f[s, LF_RISK] >= risk - tol
                    ):
                        res[j] = -1
            if not found:
                found = True
                best = k1
            if n_res == res.shape[0]:
                res = _grow_1i(res, 2 * n_res)
            res[n_res] = lab
            n_res += 1
            continue

        row_v = v * nst + stg
        if objective == OBJ_PARETO and n_res > 0:
            ht = node_tab[row_v, _NT_H_TIME]
            hf = node_tab[row_v, _NT_H_FUEL]
            hr = node_tab[row_v, _NT_H_AUX] if use_hr else 0.0
            if _pareto_pruned(lab_f, res, n_res, t + ht, burn + hf, risk + hr, tol):
                continue

        # make room for every successor this label may create
        deg = indptr[v + 1] - indptr[v]
        need = n_lab + 2 + deg * max_ep
        if need > max_labels:
            status = STATUS_LABEL_LIMIT
            break
        if need > lab_f.shape[0]:
            new_cap = max(lab_f.shape[0] + (lab_f.shape[0] >> 1), need)  # 1.5x: less slack
            lab_f = _grow_f(lab_f, new_cap)
            lab_i = lab_f.view(np.int64)
            link = _grow_i4(link, new_cap)
            dep = _grow_1f(dep, new_cap)

        node_v = node_ti[row_v, _NT_NODE]
        shelter = (node_v & 1) != 0
        stock_v = node_tab[row_v, _NT_STOCK]
        # ---- 1. collect the successors: refuel, rest, and each arc driven now or at a
        # later epoch start of its cell
        ns = 0
        if (
            (node_v & 2) != 0
            and stock_v > 0.0
            and (bits & BIT_REFUELLED) == 0
            and (fuel < capacity - tol or stop_when_full)
            and (shelter or t + refuel_h <= stand)
        ):
            t2 = t + refuel_h
            sc_f[ns, _SF_T] = t2
            sc_f[ns, _SF_FUEL] = min(capacity, fuel + stock_v)
            sc_f[ns, _SF_DRIVE] = 0.0 if (shelter and rest_resets) else drive
            sc_f[ns, _SF_BURN] = burn
            sc_f[ns, _SF_RISK] = risk
            sc_f[ns, _SF_STAND] = _stand_at(
                calm_from, shelter, ep_ptr, ep_start, ep_open, ep_stand, node_v >> 3, in_cell, t2
            )
            sc_f[ns, _SF_DEP] = t2
            sc_i[ns, _SI_NODE] = v
            sc_i[ns, _SI_STAGE] = stg
            sc_i[ns, _SI_ARC] = -1
            sc_i[ns, _SI_BITS] = KIND_REFUEL | BIT_REFUELLED
            sc_i[ns, _SI_INCELL] = in_cell
            ns += 1
        if duty_on and shelter and drive > tol and kind != KIND_REST:
            t2 = t + rest_h
            sc_f[ns, _SF_T] = t2
            sc_f[ns, _SF_FUEL] = fuel
            sc_f[ns, _SF_DRIVE] = 0.0
            sc_f[ns, _SF_BURN] = burn
            sc_f[ns, _SF_RISK] = risk
            sc_f[ns, _SF_STAND] = _INF
            sc_f[ns, _SF_DEP] = t2
            sc_i[ns, _SI_NODE] = v
            sc_i[ns, _SI_STAGE] = stg
            sc_i[ns, _SI_ARC] = -1
            sc_i[ns, _SI_BITS] = KIND_REST | (bits & BIT_REFUELLED)
            sc_i[ns, _SI_INCELL] = in_cell
            ns += 1
        hint_cell = -1  # the epoch in force at t, for the last cell looked up
        hint_epoch = 0
        for e in range(indptr[v], indptr[v + 1]):
            if not arc_ok[e]:
                continue
            w = head[e]
            c = arc_cell[e]
            stg2 = stg
            while stg2 < n_via and via[stg2] == w:
                stg2 += 1
            row_w = w * nst + stg2
            ht = node_tab[row_w, _NT_H_TIME]
            litres0 = arc_litres[e]
            lb_w = node_tab[row_w, _NT_LB_DEPOT]
            if c != hint_cell:
                hint_cell = c
                hint_epoch = _epoch_of(ep_ptr, ep_start, c, t)
            kk = hint_epoch
            kend = ep_ptr[c + 1]
            tau = t
            # The last departure kept on this arc: a later one that it dominates at w is
            # skipped here, before its stand limit and the dominance scan are paid for.
            has_ref = False
            ref_t2 = 0.0
            ref_s2 = 0.0
            ref_f2 = 0.0
            ref_d2 = 0.0
            ref_b2 = 0.0
            ref_r2 = 0.0
            ref_ff = 0.0
            while True:
                st = TRAV_CLOSED_AT_ENTRY
                t2 = tau
                drv = 0.0
                if has_ref and fuel_only and (ref_s2 == _INF or ref_t2 >= t_last):
                    # only a lower fuel factor can make a later departure worth it
                    if fuel_free or ep_fuel_min[kk] >= ref_ff:
                        break
                    if ep_fuel[kk] < ref_ff:
                        st, t2, drv = _traverse(
                            ep_ptr, ep_start, ep_open, ep_speed, c, kk, tau, arc_hours[e]
                        )
                else:
                    st, t2, drv = _traverse(
                        ep_ptr, ep_start, ep_open, ep_speed, c, kk, tau, arc_hours[e]
                    )
                if st == TRAV_OK:
                    if t2 + ht > deadline + tol:
                        break  # leaving later only arrives later (FIFO)
                    if found and objective == OBJ_TIME and t2 + ht > best + tol:
                        break
                    litres = litres0 * ep_fuel[kk]
                    f2 = fuel - litres
                    ok = f2 >= reserve - tol and f2 - reserve >= lb_w - tol
                    d2 = drive
                    dur = 0.0
                    if ok:
                        dur = _charged(
                            ep_ptr,
                            ep_start,
                            ep_open,
                            ep_speed,
                            c,
                            kk,
                            t2,
                            drv,
                            arc_hours[e],
                            depart,
                        )
                    if ok and duty_on:
                        if shelter and tau - t >= rest_h - tol:
                            d2 = 0.0
                        d2 += dur
                        ok = d2 <= max_drive + tol
                    b2 = burn + litres
                    r2 = risk + dur * arc_risk[e] * ep_risk[kk]
                    if (
                        ok
                        and has_ref
                        and (ref_t2 >= t_last or t2 <= ref_s2)
                        and ref_f2 >= f2 - tol
                        and (not duty_on or ref_d2 <= d2 + tol)
                        and (not cmp_burn or ref_b2 <= b2 + tol)
                        and (not cmp_risk or ref_r2 <= r2 + tol)
                    ):
                        ok = False
                    if ok:
                        node_w = node_ti[row_w, _NT_NODE]
                        s2 = _stand_at(
                            calm_from,
                            (node_w & 1) != 0,
                            ep_ptr,
                            ep_start,
                            ep_open,
                            ep_stand,
                            node_w >> 3,
                            c,
                            t2,
                        )
                        sc_f[ns, _SF_T] = t2
                        sc_f[ns, _SF_FUEL] = f2
                        sc_f[ns, _SF_DRIVE] = d2
                        sc_f[ns, _SF_BURN] = b2
                        sc_f[ns, _SF_RISK] = r2
                        sc_f[ns, _SF_STAND] = s2
                        sc_f[ns, _SF_DEP] = tau
                        sc_i[ns, _SI_NODE] = w
                        sc_i[ns, _SI_STAGE] = stg2
                        sc_i[ns, _SI_ARC] = e
                        sc_i[ns, _SI_BITS] = KIND_DRIVE
                        sc_i[ns, _SI_INCELL] = c
                        ns += 1
                        has_ref = True
                        ref_t2 = t2
                        ref_s2 = s2
                        ref_f2 = f2
                        ref_d2 = d2
                        ref_b2 = b2
                        ref_r2 = r2
                        ref_ff = ep_fuel[kk]
                kk += 1
                if kk >= kend:
                    break
                tau = ep_start[kk]
                if tau > stand:
                    break

        # ---- 2. offer each successor: cap its fuel, prune it by bounds and dominance,
        # store and queue it
        for si in range(ns):
            # the dominance bucket each offer scans (its start is in the row warmed above)
            bi = sc_i[si, _SI_NODE] * nst + sc_i[si, _SI_STAGE]
            prefetch(pool_f[node_ti[bi, _NT_B_START]], 0)
        for si in range(ns):
            w = sc_i[si, _SI_NODE]
            stg2 = sc_i[si, _SI_STAGE]
            t2 = sc_f[si, _SF_T]
            f2 = sc_f[si, _SF_FUEL]
            d2 = sc_f[si, _SF_DRIVE]
            b2 = sc_f[si, _SF_BURN]
            r2 = sc_f[si, _SF_RISK]
            s2 = sc_f[si, _SF_STAND]
            nbits = sc_i[si, _SI_BITS]
            inb = sc_i[si, _SI_INCELL]
            terminal = w == target and stg2 == n_via
            bi = w * nst + stg2
            ht = node_tab[bi, _NT_H_TIME]
            # the earliest arrival the bound allows: with a duty limit, the driving hours
            # since the last rest and the least still to drive force ceil(../limit) - 1 more
            # stops of a rest's length (a rest, or a wait as long)
            rest_time = 0.0
            if duty_on and ht < _INF:
                rests = np.ceil((d2 + ht - tol) / max_drive) - 1.0
                if rests > 0.0:
                    rest_time = rests * rest_h
            if t2 + ht + rest_time > deadline + tol:
                continue
            # (not with an unlimited tank: every label there holds inf, and a cap would let
            # a cycle of no hours through a depot add fuel without end at one key)
            if use_clamp and not fuel_free and (not duty_on or d2 + ht <= max_drive + tol):
                cl = reserve + node_tab[bi, _NT_H_AUX]
                if f2 > cl:
                    f2 = cl
            hf = node_tab[bi, _NT_H_FUEL]
            hr = node_tab[bi, _NT_H_AUX] if use_hr else 0.0
            if objective == OBJ_FUEL:
                q1 = b2 + hf
                q2 = t2 + ht
            elif objective == OBJ_RISK:
                q1 = r2 + hr
                q2 = t2 + ht
            else:
                q1 = t2 + ht
                if refuel_bound:
                    # the fuel deficit forces at least k more refuelling stops, at depots
                    # the label can still reach (`band_bound`)
                    deficit = hf - (f2 - reserve)
                    if deficit > tol:
                        k = np.ceil((deficit - tol) / (capacity - reserve))
                        q1 += refuel_h * k
                        if n_band_slots > 0 and deficit < _INF:
                            lo = band_lo(hf, usable, band_l)
                            r = w
                            if lazy_band:
                                if (node_ti[bi, _NT_NODE] & _NT_ROW_WRITTEN) == 0:
                                    band_row[w] = n_band_rows
                                    n_band_rows += 1
                                    b = block[w]
                                    catchment_row(
                                        band[band_row[w]],
                                        hf,
                                        lo,
                                        c_ptr[b],
                                        c_ptr[b + 1],
                                        c_depot,
                                        c_litres,
                                        c_hours,
                                        depot_h,
                                        usable,
                                        band_l,
                                        refuel_h,
                                        cpar,
                                    )
                                    node_ti[bi, _NT_NODE] |= _NT_ROW_WRITTEN
                                r = band_row[w]
                            j = min(max(int(deficit / band_l) - lo, 0), n_band_slots - 1)
                            q1 = max(q1, t2 + band[r, j])
                if rest_time > 0.0:
                    # the bounds above count driving and refuelling stops in calm weather;
                    # rests come on top, unless a stop is long enough to be one
                    q1 = q1 + rest_time if refuel_h < rest_h else max(q1, t2 + ht + rest_time)
                q2 = b2 + hf
            if n_late > 0 and q1_is_time and late_row[w] < 0:
                q1 = max(q1, late_t[n_late - 1])  # (no row: late for every deadline)
            elif n_late > 0 and q1_is_time:
                # the state of its fuel deficit (`band_earliest`): free, or a band
                lr = late_row[w]
                base = 0
                if n_late_states > 1:
                    deficit_l = hf - (f2 - reserve)
                    if deficit_l > tol:
                        lo_b = band_lo(hf, capacity - reserve, late_band_l)
                        j = int(deficit_l / late_band_l) - lo_b
                        base = (1 + min(max(j, 0), n_late_states - 2)) * n_late
                if t2 > late[lr, base] + _LATE_TOL:
                    # too late for the first deadline: the last one it misses bounds it
                    lv = 1
                    while lv < n_late and t2 > late[lr, base + lv] + _LATE_TOL:
                        lv += 1
                    q1 = max(q1, late_t[lv - 1])
            if q1 == _INF:
                continue  # no depot in reach leads on to the target (`catchment_table`)
            if found:
                if objective == OBJ_PARETO:
                    if _pareto_pruned(lab_f, res, n_res, q1, b2 + hf, r2 + hr, tol):
                        continue
                elif q1 > best + tol:
                    continue
            refuelled = (nbits & BIT_REFUELLED) != 0
            tag_new = _tags(nbits, stg2, inb)
            if not terminal:
                node_w = node_ti[bi, _NT_NODE]
                depot = (node_w & 2) != 0
                stock = node_tab[bi, _NT_STOCK]
                cell_w = node_w >> 3
                shelter_w = (node_w & 1) != 0
                # From t2 on every label here may stand for ever: the arc a label came by
                # no longer matters, and ties break as without weather.
                stand_free = shelter_w or t2 >= calm_from[cell_w]
                # the new label's halting rights are contained in any other label's
                open_cap = stand_free or inb < 0 or inb == cell_w
                refill = min(capacity, f2 + stock) if depot else f2
                start = node_ti[bi, _NT_B_START]
                b_size = node_ti[bi, _NT_B_SIZE]
                b_cap = b_size >> 32
                j = start
                end = start + (b_size & _B_LEN_MASK)
                dominated = False
                while j < end:
                    tx = pool_f[j, _PF_T]
                    fx = pool_f[j, _PF_FUEL]
                    # does live label x dominate the new one?
                    dom = tx <= t2 and fx >= f2 - tol
                    if dom and duty_on:
                        dom = pool_f[j, _PF_DRIVE] <= d2 + tol
                    if dom and cmp_burn:
                        dom = pool_f[j, _PF_BURN] <= b2 + tol
                    if dom and cmp_risk:
                        dom = pool_f[j, _PF_RISK] <= r2 + tol
                    tag_x = pool_i[j, _PF_TAG]
                    if dom and not open_cap:
                        dom = _tag_in_cell(tag_x) == inb  # same cell arrived by
                    if dom and (tag_x & BIT_REFUELLED) != 0 and not refuelled:
                        dom = fx >= refill - tol  # the new one may still refuel here
                    if dom and not (tx == t2 or tx >= t_last):
                        dom = t2 <= pool_f[j, _PF_STAND]
                    if dom:
                        dominated = True
                        if j > start:
                            # move the dominating label to the front: it is likely to
                            # dominate the next offers at this node too
                            for col in range(n_pf):
                                x = pool_f[j, col]
                                pool_f[j, col] = pool_f[start, col]
                                pool_f[start, col] = x
                        break
                    # does the new label dominate x?
                    kill = t2 <= tx and f2 >= fx - tol
                    if kill and duty_on:
                        kill = d2 <= pool_f[j, _PF_DRIVE] + tol
                    if kill and cmp_burn:
                        kill = b2 <= pool_f[j, _PF_BURN] + tol
                    if kill and cmp_risk:
                        kill = r2 <= pool_f[j, _PF_RISK] + tol
                    if kill:
                        inx = _tag_in_cell(tag_x)
                        kill = stand_free or inx < 0 or inx in (cell_w, inb)
                    if kill and refuelled and (tag_x & BIT_REFUELLED) == 0:
                        kill = f2 >= (min(capacity, fx + stock) if depot else fx) - tol
                    if kill and not (t2 == tx or t2 >= t_last):
                        kill = tx <= s2
                    if kill:
                        lab_i[pool_i[j, _PF_ID], LI_TAGS] |= BIT_DEAD
                        end -= 1
                        for col in range(n_pf):
                            pool_f[j, col] = pool_f[end, col]
                        continue
                    j += 1
                if dominated:
                    node_ti[bi, _NT_B_SIZE] = (end - start) | (b_cap << 32)
                    continue
                n_live = end - start
                if n_live == b_cap:
                    # move the bucket to a block with twice the room: a freed block of
                    # that size if there is one, else the end of the pool
                    old_cap = b_cap
                    new_cap = max(4, 2 * old_cap)
                    size_class = _size_class(new_cap)
                    new_start = free_block[size_class]
                    if new_start >= 0:
                        free_block[size_class] = pool_i[new_start, 0]
                    else:
                        if pool_used + new_cap > pool_f.shape[0]:
                            grown = pool_f.shape[0] + (pool_f.shape[0] >> 1)
                            pool_f = _grow_f(pool_f, max(grown, pool_used + new_cap))
                            pool_i = pool_f.view(np.int64)
                        new_start = pool_used
                        pool_used += new_cap
                    for k in range(n_live):
                        for col in range(n_pf):
                            pool_f[new_start + k, col] = pool_f[start + k, col]
                    if old_cap > 0:
                        # the old block heads the free list of its size
                        old_class = _size_class(old_cap)
                        pool_i[start, 0] = free_block[old_class]
                        free_block[old_class] = start
                    node_ti[bi, _NT_B_START] = new_start
                    b_cap = new_cap
                    start = new_start
                j = start + n_live
                pool_f[j, _PF_T] = t2
                pool_f[j, _PF_FUEL] = f2
                if n_pf > _N_PF_TIME:
                    pool_f[j, _PF_DRIVE] = d2
                    pool_f[j, _PF_BURN] = b2
                    pool_f[j, _PF_RISK] = r2
                pool_f[j, _PF_STAND] = s2
                pool_i[j, _PF_ID] = n_lab
                pool_i[j, _PF_TAG] = tag_new
                node_ti[bi, _NT_B_SIZE] = (n_live + 1) | (b_cap << 32)
            nl = n_lab
            n_lab += 1
            lab_f[nl, LF_T] = t2
            lab_f[nl, LF_FUEL] = f2
            lab_f[nl, LF_DRIVE] = d2
            lab_f[nl, LF_BURN] = b2
            lab_f[nl, LF_RISK] = r2
            lab_f[nl, LF_STAND] = s2
            lab_i[nl, LI_NODE] = w
            lab_i[nl, LI_TAGS] = tag_new
            link[nl, LK_PRED] = lab
            link[nl, LK_ARC] = sc_i[si, _SI_ARC]
            dep[nl] = sc_f[si, _SF_DEP]
            if hsize == heap.shape[0]:
                heap = _grow_f(heap, hsize + (hsize >> 1))
                heap_i = heap.view(np.int64)
            hsize = _dpush(heap, heap_i, hsize, q1, q2, nl)

    if status == STATUS_INFEASIBLE and found:
        status = STATUS_FOUND
    out = np.empty(n_res, np.int64)
    k = 0
    for j in range(n_res):
        if res[j] >= 0:
            out[k] = res[j]
            k += 1
    return status, settled, n_lab, out[:k].copy(), lab_f, link, dep
