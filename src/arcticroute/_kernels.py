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

import numba as nb
import numpy as np
from numba import types as nbt

__all__ = [
    "BIT_DEAD",
    "BIT_REFUELLED",
    "KIND_DRIVE",
    "KIND_MASK",
    "KIND_ORIGIN",
    "KIND_REFUEL",
    "KIND_REST",
    "LF_BURN",
    "LF_DEP",
    "LF_DRIVE",
    "LF_FUEL",
    "LF_RISK",
    "LF_STAND",
    "LF_T",
    "LI_ARC",
    "LI_BITS",
    "LI_INCELL",
    "LI_NODE",
    "LI_PRED",
    "LI_STAGE",
    "OBJ_FUEL",
    "OBJ_PARETO",
    "OBJ_RISK",
    "OBJ_TIME",
    "STATUS_FOUND",
    "STATUS_INFEASIBLE",
    "STATUS_LABEL_LIMIT",
    "TRAV_CLOSED_AT_ENTRY",
    "TRAV_CLOSED_ON_WAY",
    "TRAV_OK",
    "label_search",
    "reverse_csr",
    "reverse_dijkstra",
    "stand_limit",
    "traverse_arc",
]

# Columns of the float label table ``lab_f`` (one row per label).
LF_T = 0  # time at the node, hours
LF_FUEL = 1  # fuel in the tank, litres (may be capped, see `label_search`)
LF_DRIVE = 2  # driving hours since the last rest
LF_BURN = 3  # litres burnt since departure
LF_RISK = 4  # accumulated risk
LF_STAND = 5  # latest time until which the vehicle may stand still here, hours
LF_DEP = 6  # departure time of the arc that created a drive label, hours
_N_LF = 7

# Columns of the integer label table ``lab_i``.
LI_NODE = 0
LI_STAGE = 1  # number of via points already visited
LI_PRED = 2  # predecessor label, -1 for the origin label
LI_ARC = 3  # arc driven to create the label, -1 otherwise
LI_NEXT = 4  # next label in the same (node, stage) list, -1 at the end
LI_BITS = 5  # kind (low two bits) | BIT_REFUELLED | BIT_DEAD
LI_INCELL = 6  # weather cell of the arc the vehicle arrived by, -1 at the origin
_N_LI = 7

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

_i8 = nbt.int64
_f8 = nbt.float64
_ai8 = nbt.Array(nbt.int64, 1, "C")
_af8 = nbt.Array(nbt.float64, 1, "C")
_ab1 = nbt.Array(nbt.boolean, 1, "C")
_af8_2 = nbt.Array(nbt.float64, 2, "C")


# --------------------------------------------------------------------------------------
# Graph utilities
# --------------------------------------------------------------------------------------


@nb.njit(nbt.Tuple((_ai8, _ai8, _ai8))(_ai8, _ai8), cache=True, nogil=True)
def reverse_csr(indptr, head):  # type: ignore[no-untyped-def]
    """Reverse a CSR arc list by counting sort (stable in arc order).

    Parameters
    ----------
    indptr : array of int64, shape (n + 1,)
        Row pointers of the forward CSR.
    head : array of int64, shape (m,)
        Head node of each arc.

    Returns
    -------
    rptr : array of int64, shape (n + 1,)
        Row pointers of the reverse CSR: arcs *into* ``v`` are ``rptr[v]:rptr[v + 1]``.
    rtail : array of int64, shape (m,)
        Tail node of each reversed entry.
    rarc : array of int64, shape (m,)
        Forward arc index of each reversed entry.
    """
    n = indptr.shape[0] - 1
    m = head.shape[0]
    rptr = np.zeros(n + 1, np.int64)
    for e in range(m):
        rptr[head[e] + 1] += 1
    for v in range(n):
        rptr[v + 1] += rptr[v]
    pos = rptr[:n].copy()
    rtail = np.empty(m, np.int64)
    rarc = np.empty(m, np.int64)
    for u in range(n):
        for e in range(indptr[u], indptr[u + 1]):
            v = head[e]
            p = pos[v]
            rtail[p] = u
            rarc[p] = e
            pos[v] = p + 1
    return rptr, rtail, rarc


@nb.njit(cache=True, nogil=True)
def _dpush(hk1, hk2, hid, size, k1, k2, i):  # type: ignore[no-untyped-def]
    pos = size
    while pos > 0:
        par = (pos - 1) >> 1
        if hk1[par] < k1 or (
            hk1[par] == k1 and (hk2[par] < k2 or (hk2[par] == k2 and hid[par] < i))
        ):
            break
        hk1[pos] = hk1[par]
        hk2[pos] = hk2[par]
        hid[pos] = hid[par]
        pos = par
    hk1[pos] = k1
    hk2[pos] = k2
    hid[pos] = i
    return size + 1


@nb.njit(cache=True, nogil=True)
def _dpop(hk1, hk2, hid, size):  # type: ignore[no-untyped-def]
    k1 = hk1[0]
    k2 = hk2[0]
    i = hid[0]
    size -= 1
    if size > 0:
        x1 = hk1[size]
        x2 = hk2[size]
        xi = hid[size]
        pos = 0
        while True:
            c = 2 * pos + 1
            if c >= size:
                break
            r = c + 1
            if r < size and (
                hk1[r] < hk1[c]
                or (
                    hk1[r] == hk1[c] and (hk2[r] < hk2[c] or (hk2[r] == hk2[c] and hid[r] < hid[c]))
                )
            ):
                c = r
            if hk1[c] < x1 or (hk1[c] == x1 and (hk2[c] < x2 or (hk2[c] == x2 and hid[c] < xi))):
                hk1[pos] = hk1[c]
                hk2[pos] = hk2[c]
                hid[pos] = hid[c]
                pos = c
            else:
                break
        hk1[pos] = x1
        hk2[pos] = x2
        hid[pos] = xi
    return k1, k2, i, size


@nb.njit(
    nbt.Tuple((_af8, _af8, _f8))(_ai8, _ai8, _ai8, _af8, _af8, _ai8, _f8, _i8),
    cache=True,
    nogil=True,
)
def reverse_dijkstra(rptr, rtail, rarc, w1, w2, sources, radius, stop_node):  # type: ignore[no-untyped-def]
    """Lexicographic (w1, w2) Dijkstra towards ``sources`` over reversed arcs.

    Parameters
    ----------
    rptr, rtail, rarc : arrays of int64
        Reverse CSR from `reverse_csr`.
    w1 : array of float64, shape (m,)
        Primary arc weight (hours, litres or risk); ``inf`` hides the arc.
    w2 : array of float64, shape (m,)
        Secondary weight summed along the lexicographically shortest path (e.g. litres
        along the fastest path).
    sources : array of int64
        Nodes at distance 0 (the target, or several depots).
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
    d2 : array of float64, shape (n,)
        Sum of ``w2`` along that path (``inf`` where unsettled).
    stop_dist : float
        Distance of ``stop_node`` (``inf`` if unreachable or not requested).
    """
    n = rptr.shape[0] - 1
    m = rtail.shape[0]
    d1 = np.full(n, _INF)
    d2 = np.full(n, _INF)
    done = np.zeros(n, np.bool_)
    cap = m + sources.shape[0] + 1
    hk1 = np.empty(cap)
    hk2 = np.empty(cap)
    hid = np.empty(cap, np.int64)
    size = 0
    for s in sources:
        if 0.0 < d1[s] or d1[s] != d1[s]:
            d1[s] = 0.0
            d2[s] = 0.0
            size = _dpush(hk1, hk2, hid, size, 0.0, 0.0, s)
    stop_dist = _INF
    fill = _INF
    while size > 0:
        a, b, v, size = _dpop(hk1, hk2, hid, size)
        if done[v]:
            continue
        if a > d1[v] or (a == d1[v] and b > d2[v]):
            continue
        if a > radius:
            break
        done[v] = True
        if v == stop_node:
            stop_dist = a
            fill = a
            break
        for p in range(rptr[v], rptr[v + 1]):
            e = rarc[p]
            w = w1[e]
            if w == _INF:
                continue
            u = rtail[p]
            if done[u]:
                continue
            na = a + w
            nb_ = b + w2[e]
            if na < d1[u] or (na == d1[u] and nb_ < d2[u]):
                d1[u] = na
                d2[u] = nb_
                size = _dpush(hk1, hk2, hid, size, na, nb_, u)
    for v in range(n):
        if not done[v]:
            d1[v] = fill
            d2[v] = _INF
    return d1, d2, stop_dist


# --------------------------------------------------------------------------------------
# Weather helpers
# --------------------------------------------------------------------------------------


@nb.njit(cache=True, nogil=True)
def _epoch_of(ep_ptr, ep_start, c, t):  # type: ignore[no-untyped-def]
    lo = ep_ptr[c]
    hi = ep_ptr[c + 1] - 1
    while lo < hi:
        mid = (lo + hi + 1) >> 1
        if ep_start[mid] <= t:
            lo = mid
        else:
            hi = mid - 1
    return lo


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


@nb.njit(
    nbt.Tuple((_i8, _f8, _f8, _i8))(_ai8, _af8, _ab1, _af8, _i8, _f8, _f8),
    cache=True,
    nogil=True,
)
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


@nb.njit(_f8(nbt.boolean, _ai8, _af8, _ab1, _af8, _i8, _i8, _f8), cache=True, nogil=True)
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


# --------------------------------------------------------------------------------------
# Label search
# --------------------------------------------------------------------------------------


@nb.njit(cache=True, nogil=True)
def _grow_f(a, rows):  # type: ignore[no-untyped-def]
    b = np.empty((rows, a.shape[1]), np.float64)
    b[: a.shape[0]] = a
    return b


@nb.njit(cache=True, nogil=True)
def _grow_i(a, rows):  # type: ignore[no-untyped-def]
    b = np.empty((rows, a.shape[1]), np.int64)
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
def _dominates(  # type: ignore[no-untyped-def]
    lab_f,
    lab_i,
    a,
    tb,
    fb,
    db,
    bb,
    rb,
    bitsb,
    inb,
    open_cap,
    cmp_drive,
    cmp_burn,
    cmp_risk,
    refill_b,
    t_last,
    t_cross,
    tol,
):
    # Does label ``a`` dominate the (not yet stored) label b at the same node and stage?
    # ``open_cap``: b's standing rights are contained in a's whatever arc they came by.
    if not open_cap and inb != lab_i[a, LI_INCELL]:
        return False
    ta = lab_f[a, LF_T]
    if ta > tb:
        return False
    fa = lab_f[a, LF_FUEL]
    if fa < fb - tol:
        return False
    if cmp_drive and lab_f[a, LF_DRIVE] > db + tol:
        return False
    if cmp_burn and lab_f[a, LF_BURN] > bb + tol:
        return False
    if cmp_risk and lab_f[a, LF_RISK] > rb + tol:
        return False
    if (lab_i[a, LI_BITS] & BIT_REFUELLED) != 0 and (bitsb & BIT_REFUELLED) == 0:
        # b may still refuel here during this visit, a may not
        if fa < refill_b - tol:
            return False
    if ta == tb or ta >= t_last:
        return True
    return ta >= t_cross


@nb.njit(cache=True, nogil=True)
def _dominated_by_b(  # type: ignore[no-untyped-def]
    lab_f,
    lab_i,
    x,
    tb,
    fb,
    db,
    bb,
    rb,
    sb,
    bitsb,
    inb,
    node_cell_w,
    shelter_w,
    cmp_drive,
    cmp_burn,
    cmp_risk,
    refill_x,
    t_last,
    t_cross,
    tol,
):
    # Does the new label b dominate the stored label ``x``?
    inx = lab_i[x, LI_INCELL]
    if not (shelter_w or inx < 0 or inx == node_cell_w or inx == inb):
        return False
    tx = lab_f[x, LF_T]
    if tb > tx:
        return False
    if fb < lab_f[x, LF_FUEL] - tol:
        return False
    if cmp_drive and db > lab_f[x, LF_DRIVE] + tol:
        return False
    if cmp_burn and bb > lab_f[x, LF_BURN] + tol:
        return False
    if cmp_risk and rb > lab_f[x, LF_RISK] + tol:
        return False
    if (bitsb & BIT_REFUELLED) != 0 and (lab_i[x, LI_BITS] & BIT_REFUELLED) == 0:
        if fb < refill_x - tol:
            return False
    if tb == tx or tb >= t_last:
        return True
    return tb >= t_cross


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


@nb.njit(cache=True, nogil=True)
def _offer(  # type: ignore[no-untyped-def]
    lab_f,
    lab_i,
    lhead,
    hk1,
    hk2,
    hid,
    hsize,
    n_lab,
    res,
    n_res,
    found,
    best,
    pred,
    w,
    stg2,
    t2,
    f2,
    d2,
    b2,
    r2,
    s2,
    dep,
    arc,
    nbits,
    inb,
    terminal,
    h_time,
    h_fuel,
    h_risk,
    clamp_l,
    node_depot,
    node_stock,
    node_shelter,
    node_cell,
    n_via,
    objective,
    use_clamp,
    use_hf,
    use_hr,
    refuel_bound,
    duty_on,
    capacity,
    reserve,
    refuel_h,
    max_drive,
    deadline,
    t_last,
    t_cross,
    tol,
):
    # Offer a successor label: cap its fuel, prune it by bounds and dominance, store it
    # and queue it. Returns the new (n_lab, hsize).
    ht = h_time[stg2, w]
    if t2 + ht > deadline + tol:
        return n_lab, hsize
    if use_clamp and (not duty_on or d2 + ht <= max_drive + tol):
        cl = reserve + clamp_l[stg2, w]
        if f2 > cl:
            f2 = cl
    hf = h_fuel[stg2, w] if use_hf else 0.0
    hr = h_risk[stg2, w] if use_hr else 0.0
    if objective == OBJ_FUEL:
        q1 = b2 + hf
        q2 = t2 + ht
    elif objective == OBJ_RISK:
        q1 = r2 + hr
        q2 = t2 + ht
    else:
        q1 = t2 + ht
        if refuel_bound:
            deficit = hf - (f2 - reserve)
            if deficit > tol:
                q1 += refuel_h * np.ceil((deficit - tol) / (capacity - reserve))
        q2 = b2 + hf
    if found:
        if objective == OBJ_PARETO:
            if _pareto_pruned(lab_f, res, n_res, q1, b2 + hf, r2 + hr, tol):
                return n_lab, hsize
        elif q1 > best + tol:
            return n_lab, hsize
    li = w * (n_via + 1) + stg2
    cmp_burn = objective == OBJ_FUEL or objective == OBJ_PARETO
    cmp_risk = objective == OBJ_RISK or objective == OBJ_PARETO
    if not terminal:
        depot = node_depot[w]
        stock = node_stock[w]
        shelter_w = node_shelter[w]
        cell_w = node_cell[w]
        open_cap = shelter_w or inb < 0 or inb == cell_w
        refill = min(capacity, f2 + stock) if depot else f2
        x = lhead[li]
        prev = -1
        while x >= 0:
            nxt = lab_i[x, LI_NEXT]
            if (lab_i[x, LI_BITS] & BIT_DEAD) == 0:
                if _dominates(
                    lab_f,
                    lab_i,
                    x,
                    t2,
                    f2,
                    d2,
                    b2,
                    r2,
                    nbits,
                    inb,
                    open_cap,
                    duty_on,
                    cmp_burn,
                    cmp_risk,
                    refill,
                    t_last,
                    t_cross,
                    tol,
                ):
                    return n_lab, hsize
                refill_x = 0.0
                if depot:
                    refill_x = min(capacity, lab_f[x, LF_FUEL] + stock)
                if not _dominated_by_b(
                    lab_f,
                    lab_i,
                    x,
                    t2,
                    f2,
                    d2,
                    b2,
                    r2,
                    s2,
                    nbits,
                    inb,
                    cell_w,
                    shelter_w,
                    duty_on,
                    cmp_burn,
                    cmp_risk,
                    refill_x,
                    t_last,
                    t_cross,
                    tol,
                ):
                    prev = x
                    x = nxt
                    continue
                lab_i[x, LI_BITS] |= BIT_DEAD
            # unlink x (dead, or just dominated by the new label)
            if prev < 0:
                lhead[li] = nxt
            else:
                lab_i[prev, LI_NEXT] = nxt
            x = nxt
    nl = n_lab
    lab_f[nl, LF_T] = t2
    lab_f[nl, LF_FUEL] = f2
    lab_f[nl, LF_DRIVE] = d2
    lab_f[nl, LF_BURN] = b2
    lab_f[nl, LF_RISK] = r2
    lab_f[nl, LF_STAND] = s2
    lab_f[nl, LF_DEP] = dep
    lab_i[nl, LI_NODE] = w
    lab_i[nl, LI_STAGE] = stg2
    lab_i[nl, LI_PRED] = pred
    lab_i[nl, LI_ARC] = arc
    lab_i[nl, LI_BITS] = nbits
    lab_i[nl, LI_INCELL] = inb
    if terminal:
        lab_i[nl, LI_NEXT] = -1
    else:
        lab_i[nl, LI_NEXT] = lhead[li]
        lhead[li] = nl
    hsize = _dpush(hk1, hk2, hid, hsize, q1, q2, nl)
    return n_lab + 1, hsize


_SIG_SEARCH = nbt.Tuple((_i8, _i8, _i8, _ai8, _af8_2, nbt.Array(nbt.int64, 2, "C")))(
    _ai8,  # indptr
    _ai8,  # head
    _af8,  # arc_hours
    _af8,  # arc_litres
    _af8,  # arc_risk
    _ai8,  # arc_cell
    _ab1,  # arc_ok
    _ab1,  # node_shelter
    _ab1,  # node_depot
    _af8,  # node_stock
    _ai8,  # node_cell
    _ai8,  # ep_ptr
    _af8,  # ep_start
    _ab1,  # ep_open
    _af8,  # ep_speed
    _af8,  # ep_fuel
    _af8,  # ep_risk
    _af8,  # ep_stand
    _i8,  # origin
    _i8,  # target
    _ai8,  # via
    _af8_2,  # h_time
    _af8_2,  # h_fuel
    _af8_2,  # h_risk
    _af8_2,  # clamp_l
    _af8,  # lb_depot_l
    _af8,  # fpar
    _ai8,  # ipar
)


@nb.njit(_SIG_SEARCH, cache=True, nogil=True)
def label_search(  # type: ignore[no-untyped-def]  # noqa: C901
    indptr,
    head,
    arc_hours,
    arc_litres,
    arc_risk,
    arc_cell,
    arc_ok,
    node_shelter,
    node_depot,
    node_stock,
    node_cell,
    ep_ptr,
    ep_start,
    ep_open,
    ep_speed,
    ep_fuel,
    ep_risk,
    ep_stand,
    origin,
    target,
    via,
    h_time,
    h_fuel,
    h_risk,
    clamp_l,
    lb_depot_l,
    fpar,
    ipar,
):
    """Exact multi-label A* search with fuel, crew duty, weather windows and via points.

    Parameters
    ----------
    indptr, head : arrays of int64
        CSR arcs (see `arcticroute.solver.CompiledGraph`).
    arc_hours : array of float64
        Calm travel time per arc, hours.
    arc_litres : array of float64
        Calm fuel per arc, litres.
    arc_risk : array of float64
        Exposure weight per hour driven, per arc (dimensionless).
    arc_cell : array of int64
        Weather cell per arc.
    arc_ok : array of bool
        False for banned arcs (and arcs touching banned nodes).
    node_shelter, node_depot : arrays of bool
        Node flags.
    node_stock : array of float64
        Litres a depot can sell per stop.
    node_cell : array of int64
        Weather cell per node.
    ep_ptr, ep_start, ep_open, ep_speed, ep_fuel, ep_risk : arrays
        Epoch tables (module docstring); times in hours, factors dimensionless.
    ep_stand : array of float64
        Per open epoch, the start of the next closed epoch of its cell (hours, ``inf`` if
        none): how long a vehicle may stand in the open.
    origin, target : int
        Node indices.
    via : array of int64
        Nodes to visit in this order before the target.
    h_time : array of float64, shape (n_via + 1, n)
        Admissible, consistent lower bound on the hours still needed, per stage and node.
    h_fuel : array of float64, shape (n_via + 1, n) or (1, 1)
        Lower bound on litres still to burn (used when ``ipar[2]``).
    h_risk : array of float64, shape (n_via + 1, n) or (1, 1)
        Lower bound on risk still to accumulate (used when ``ipar[3]``).
    clamp_l : array of float64, shape (n_via + 1, n) or (1, 1)
        Litres along the fastest remaining route (used when ``ipar[1]``; exact only for
        static weather and the time objective).
    lb_depot_l : array of float64, shape (n,)
        Lower bound on litres from each node to the nearest depot or the target (labels
        that cannot reach one are pruned).
    fpar : array of float64
        ``[depart_h, capacity_l, start_fuel_l, reserve_l, refuel_h, max_drive_h, rest_h,
        deadline_h, t_last_h, t_cross_h, tol]``. ``t_last_h``: no weather changes after
        it; ``t_cross_h``: from then on a label may dominate a later one at the same node.
    ipar : array of int64
        ``[objective, use_clamp, use_h_fuel, use_h_risk, refuel_bound, duty_on,
        max_labels]``.

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
    lab_f : array of float64, shape (>= n_labels, 7)
        Float label table (columns `LF_*`).
    lab_i : array of int64, shape (>= n_labels, 6)
        Integer label table (columns `LI_*`).

    Notes
    -----
    Labels are expanded in order of an A* key (time + bound for "time" and "pareto",
    litres + bound for "fuel", risk + bound for "risk"); a label at a node is dropped when
    another label at the same node and stage dominates it (earlier, at least as much fuel,
    no more duty hours, plus litres / risk for the objectives that count them, and able to
    stand still until the later time). With ``use_clamp`` a label's fuel is capped at what
    the fastest remaining route needs when that route is within the duty limit: more fuel
    cannot make it arrive earlier, and the cap lets it dominate more labels.
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
    t_cross = fpar[9]
    tol = fpar[10]
    objective = ipar[0]
    use_clamp = ipar[1] != 0
    use_hf = ipar[2] != 0
    use_hr = ipar[3] != 0
    refuel_bound = ipar[4] != 0
    duty_on = ipar[5] != 0
    max_labels = ipar[6]
    rest_resets = duty_on and refuel_h >= rest_h - tol

    max_ep = 1
    for c in range(ep_ptr.shape[0] - 1):
        if ep_ptr[c + 1] - ep_ptr[c] > max_ep:
            max_ep = ep_ptr[c + 1] - ep_ptr[c]

    cap_l = 1024
    lab_f = np.empty((cap_l, _N_LF), np.float64)
    lab_i = np.empty((cap_l, _N_LI), np.int64)
    hk1 = np.empty(cap_l, np.float64)
    hk2 = np.empty(cap_l, np.float64)
    hid = np.empty(cap_l, np.int64)
    hsize = 0
    lhead = np.full(n * nst, -1, np.int64)
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
    lab_f[0, LF_T] = depart
    lab_f[0, LF_FUEL] = start_fuel
    lab_f[0, LF_DRIVE] = 0.0
    lab_f[0, LF_BURN] = 0.0
    lab_f[0, LF_RISK] = 0.0
    lab_f[0, LF_STAND] = _stand_limit(
        node_shelter[origin], ep_ptr, ep_start, ep_open, ep_stand, node_cell[origin], -1, depart
    )
    lab_f[0, LF_DEP] = depart
    lab_i[0, LI_NODE] = origin
    lab_i[0, LI_STAGE] = stg0
    lab_i[0, LI_PRED] = -1
    lab_i[0, LI_ARC] = -1
    lab_i[0, LI_NEXT] = -1
    lab_i[0, LI_BITS] = KIND_ORIGIN
    lab_i[0, LI_INCELL] = -1
    n_lab = 1
    if not (origin == target and stg0 == n_via):
        lhead[origin * nst + stg0] = 0
    if depart + h_time[stg0, origin] <= deadline + tol:
        hsize = _dpush(hk1, hk2, hid, hsize, 0.0, 0.0, 0)

    while hsize > 0:
        k1, k2, lab, hsize = _dpop(hk1, hk2, hid, hsize)
        bits = lab_i[lab, LI_BITS]
        if (bits & BIT_DEAD) != 0:
            continue
        if found and objective != OBJ_PARETO and k1 > best + tol:
            break
        v = lab_i[lab, LI_NODE]
        stg = lab_i[lab, LI_STAGE]
        t = lab_f[lab, LF_T]
        fuel = lab_f[lab, LF_FUEL]
        drive = lab_f[lab, LF_DRIVE]
        burn = lab_f[lab, LF_BURN]
        risk = lab_f[lab, LF_RISK]
        stand = lab_f[lab, LF_STAND]
        kind = bits & KIND_MASK
        in_cell = lab_i[lab, LI_INCELL]
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

        if objective == OBJ_PARETO and n_res > 0:
            ht = h_time[stg, v]
            hf = h_fuel[stg, v] if use_hf else 0.0
            hr = h_risk[stg, v] if use_hr else 0.0
            if _pareto_pruned(lab_f, res, n_res, t + ht, burn + hf, risk + hr, tol):
                continue

        # make room for every successor this label may create
        deg = indptr[v + 1] - indptr[v]
        need = n_lab + 2 + deg * max_ep
        if need > max_labels:
            status = STATUS_LABEL_LIMIT
            break
        if need > lab_f.shape[0]:
            new_cap = max(2 * lab_f.shape[0], need)
            lab_f = _grow_f(lab_f, new_cap)
            lab_i = _grow_i(lab_i, new_cap)
            hk1 = _grow_1f(hk1, new_cap)
            hk2 = _grow_1f(hk2, new_cap)
            hid = _grow_1i(hid, new_cap)

        shelter = node_shelter[v]
        # refuel: a stop of refuel_h, filling to capacity or what the stock allows
        if (
            node_depot[v]
            and node_stock[v] > 0.0
            and (bits & BIT_REFUELLED) == 0
            and fuel < capacity - tol
            and (shelter or t + refuel_h <= stand)
        ):
            t2 = t + refuel_h
            f2 = min(capacity, fuel + node_stock[v])
            d2 = drive
            if shelter and rest_resets:
                d2 = 0.0
            s2 = _stand_limit(
                shelter, ep_ptr, ep_start, ep_open, ep_stand, node_cell[v], in_cell, t2
            )
            nbits = KIND_REFUEL | BIT_REFUELLED
            n_lab, hsize = _offer(
                lab_f,
                lab_i,
                lhead,
                hk1,
                hk2,
                hid,
                hsize,
                n_lab,
                res,
                n_res,
                found,
                best,
                lab,
                v,
                stg,
                t2,
                f2,
                d2,
                burn,
                risk,
                s2,
                t2,
                -1,
                nbits,
                in_cell,
                False,
                h_time,
                h_fuel,
                h_risk,
                clamp_l,
                node_depot,
                node_stock,
                node_shelter,
                node_cell,
                n_via,
                objective,
                use_clamp,
                use_hf,
                use_hr,
                refuel_bound,
                duty_on,
                capacity,
                reserve,
                refuel_h,
                max_drive,
                deadline,
                t_last,
                t_cross,
                tol,
            )
        # rest: a stop of rest_h at a shelter resets the duty clock
        if duty_on and shelter and drive > tol and kind != KIND_REST:
            t2 = t + rest_h
            nbits = KIND_REST | (bits & BIT_REFUELLED)
            n_lab, hsize = _offer(
                lab_f,
                lab_i,
                lhead,
                hk1,
                hk2,
                hid,
                hsize,
                n_lab,
                res,
                n_res,
                found,
                best,
                lab,
                v,
                stg,
                t2,
                fuel,
                0.0,
                burn,
                risk,
                _INF,
                t2,
                -1,
                nbits,
                in_cell,
                False,
                h_time,
                h_fuel,
                h_risk,
                clamp_l,
                node_depot,
                node_stock,
                node_shelter,
                node_cell,
                n_via,
                objective,
                use_clamp,
                use_hf,
                use_hr,
                refuel_bound,
                duty_on,
                capacity,
                reserve,
                refuel_h,
                max_drive,
                deadline,
                t_last,
                t_cross,
                tol,
            )
        # drive each arc, leaving now or at a later epoch start of the arc's cell
        for e in range(indptr[v], indptr[v + 1]):
            if not arc_ok[e]:
                continue
            w = head[e]
            c = arc_cell[e]
            stg2 = stg
            while stg2 < n_via and via[stg2] == w:
                stg2 += 1
            terminal = w == target and stg2 == n_via
            ht = h_time[stg2, w]
            kk = _epoch_of(ep_ptr, ep_start, c, t)
            kend = ep_ptr[c + 1]
            tau = t
            while True:
                st, t2, dur = _traverse(
                    ep_ptr, ep_start, ep_open, ep_speed, c, kk, tau, arc_hours[e]
                )
                if st == TRAV_OK:
                    if t2 + ht > deadline + tol:
                        break  # leaving later only arrives later (FIFO)
                    if found and objective == OBJ_TIME and t2 + ht > best + tol:
                        break
                    litres = arc_litres[e] * ep_fuel[kk]
                    f2 = fuel - litres
                    ok = f2 >= reserve - tol and f2 - reserve >= lb_depot_l[w] - tol
                    d2 = drive
                    if ok and duty_on:
                        if shelter and tau - t >= rest_h - tol:
                            d2 = 0.0
                        d2 += dur
                        ok = d2 <= max_drive + tol
                    if ok:
                        if terminal:
                            s2 = t2
                        else:
                            s2 = _stand_limit(
                                node_shelter[w],
                                ep_ptr,
                                ep_start,
                                ep_open,
                                ep_stand,
                                node_cell[w],
                                c,
                                t2,
                            )
                        b2 = burn + litres
                        r2 = risk + dur * arc_risk[e] * ep_risk[kk]
                        n_lab, hsize = _offer(
                            lab_f,
                            lab_i,
                            lhead,
                            hk1,
                            hk2,
                            hid,
                            hsize,
                            n_lab,
                            res,
                            n_res,
                            found,
                            best,
                            lab,
                            w,
                            stg2,
                            t2,
                            f2,
                            d2,
                            b2,
                            r2,
                            s2,
                            tau,
                            e,
                            KIND_DRIVE,
                            c,
                            terminal,
                            h_time,
                            h_fuel,
                            h_risk,
                            clamp_l,
                            node_depot,
                            node_stock,
                            node_shelter,
                            node_cell,
                            n_via,
                            objective,
                            use_clamp,
                            use_hf,
                            use_hr,
                            refuel_bound,
                            duty_on,
                            capacity,
                            reserve,
                            refuel_h,
                            max_drive,
                            deadline,
                            t_last,
                            t_cross,
                            tol,
                        )
                kk += 1
                if kk >= kend:
                    break
                tau = ep_start[kk]
                if tau > stand:
                    break

    if status != STATUS_LABEL_LIMIT:
        status = STATUS_FOUND if found else STATUS_INFEASIBLE
    out = np.empty(n_res, np.int64)
    k = 0
    for j in range(n_res):
        if res[j] >= 0:
            out[k] = res[j]
            k += 1
    return status, settled, n_lab, out[:k].copy(), lab_f, lab_i
