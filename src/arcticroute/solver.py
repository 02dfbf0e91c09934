"""The solver's compiled input and its low-level entry point.

A `CompiledGraph` is the flat-array form of one (network, vehicle, date): CSR arcs with
calm travel time and fuel per arc, node flags for shelters and depots. A `WeatherTable`
adds time-dependent passability and factors per weather cell and time step. The kernels in
`arcticroute._kernels` see only these arrays.

Time inside the solver is float64 hours since an epoch the caller chooses (usually the
departure time).

`solve()` is the exact low-level query: one origin, one target, optional via points, fuel
with refuelling at depots, crew duty, weather windows and a deadline. It returns raw plans in
node and arc indices (`RawPlan`, `Step`); mapping them to place names is the caller's job.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from arcticroute import _kernels as kern
from arcticroute._errors import UnknownPlaceError, VehicleError, WeatherError

__all__ = [
    "Binding",
    "CompiledGraph",
    "Objective",
    "RawPlan",
    "SolveResult",
    "Step",
    "StepKind",
    "WaitCause",
    "WeatherTable",
    "solve",
]

Objective = Literal["time", "fuel", "risk", "pareto"]
"""What `solve` optimises: earliest arrival, least litres burnt, least risk, or all three."""

Binding = Literal["none", "unreachable", "range", "weather", "duty", "deadline"]
"""The constraint that makes a query infeasible (``"none"`` when it is feasible)."""

StepKind = Literal["drive", "wait", "refuel", "rest"]
"""What the vehicle does during one `Step`."""

WaitCause = Literal["", "weather", "rest", "cheaper"]
"""Why a ``"wait"`` step happens: the next arc is closed (``"weather"``), the crew needs the
stop to reset its duty clock (``"rest"``), or leaving later burns less fuel, carries less
risk or drives faster (``"cheaper"``). Empty for other steps."""

TOL = 1e-9
"""Tolerance used in every comparison of litres, hours and risk inside the solver."""

_MAX_VIA = 0xFFFF
"""Via stages are packed into 16 bits of a label's tags (`_kernels.LI_TAGS`)."""

_MAX_LABELS = 2**31 - 1
"""Labels are numbered in int32 (the trace-back table): the search never creates more."""

_IPAR_RESERVE = 9
"""Index of ``reserve_rows`` in the kernel's integer parameters."""

_LABEL_ROW_BYTES = 168
"""Bytes per reserved label row: label, link, departure, queue and pool rows."""

_PARALLEL_MIN_ARCS = 200_000
"""From this many arcs on, the fuel bounds are computed on a second thread."""

_EXACT_DEPOT_MAX_ARCS = _PARALLEL_MIN_ARCS
"""Below this many arcs the labels' least litres to a depot come from a reverse Dijkstra;
from here on from the straight-line km to the nearest depot times the least litres per km."""

_BANDS_PER_TANK = 16
"""Fuel-deficit bands per usable tank in `_kernels.band_bound`. Finer bands bound tighter
and cost more states per node (up to this many plus one). On the 1M benchmark lattice
(30 L) 4, 8 and 16 bands left the label search 525,715, 295,370 and 1,746 labels to settle;
with `_kernels.band_reach` steering it, the 16-band search settles 0.4 M states."""

_BANDS_PER_REACH_BAND = 4
"""Fine bands per band of `_kernels.band_reach` (whose table steers the fine search): 4
bands per tank there. On the 1M lattice (30 L): with 2 per tank `band_reach` was 3x cheaper
but its table looser, and the fine search had to go far past its fill (7.6-16 s in all);
with 8 per tank it cost 3.9 s against 2.1 s, and with 16 per tank 8.4 s."""

_BAND_SLACK = 0.003
"""The band search goes on past the origin's key by this fraction of the origin's time
bound, so that labels a little off the best route still see their own bands."""

_REACH_SLACK = 0.3
"""`_kernels.band_reach` goes on past the target's key by this many stop hours for each
stop the origin's label needs at least: its coarse bands are looser than the fine ones, and
the fine search needs exact potentials up to the optimum. The looseness grows with the
stops: on the 1M lattice the coarse table is 0.18 h short of the optimum with 3 stops
(60 L) and 0.42 h with 6 (30 L). A slack in proportion to the trip's hours (2 %, 0.44 h)
was twice what 60 L needs (its fine search settles the same 135,247 states from 1 % on)
and too little for 30 L (265,000 states settled past the reach table's fill); 0.3 stop
hours per stop gives 0.3 h and 0.6 h: 60 L reach 501,265 -> 380,999 states, 30 L fine
search 616,334 -> 420,955 (reach 1.05 M -> 1.13 M)."""

_PAST_BUDGET = 0.25
"""States (per node of the graph) the band search may settle past `_kernels.band_reach`'s
fill, where its potential is only that fill, before it gives up and both band searches run
again with wider slacks. On random pairs of the 250k and 1M lattices (30 L and 60 L) 0.25
took 12.1 s and 18.7 s in all, no limit 13.0 s and 18.8 s, 1.0 13.4 s and 17.7 s.

The label search has no such limit: it used to give up after expanding this many labels
past the band table's fill and have the bounds computed again, widened. On those pairs
that took 1.3-1.5x as long in all (19.9 s against 14.9 s; 28.4 s against 18.9 s), up to
3x on one query (9.7 s against 3.3 s): where the table is short of the optimum, it is
short because the bands ignore the litres a route burns beyond the least litres to the
target, and a wider slack does not change that."""

_CATCHMENT_ENTRIES = 12.0
"""Most (node, depot) entries per node of the graph that `_catchments` keeps (6 B each,
and 12 B each while they are built): beyond it the band searches bound the refuelling stops
instead, or blocks of nodes share entries (`_BLOCK_FILL`). The 1M benchmark lattice with
a 30 L tank has 9.4 per node (56 MB kept); with 60 L, 31.7 (190 MB: in blocks of about
four nodes, 7.9 per node)."""

_MAX_CATCHMENT_DEPOTS = 65535
"""A depot's index in the catchments is 16 bits (`_kernels.quantize_catchments`)."""

_LANDMARKS_PER_GRAPH = 8
"""Landmarks of the earliest-arrival A* (`_landmarks`): two 16-bit columns each, 32 bytes
a node (32 MB on the 1M lattice)."""

_LANDMARK_MIN_NODES = 20_000
"""Below this many nodes the straight-line bound is good enough (the search is quicker
than the landmarks' build would be worth)."""

_BLOCK_FILL = 0.6
"""Share of `_CATCHMENT_ENTRIES` per node that blocks of nodes are sized to fill: the first
depots' catchments only estimate the rest, and fewer entries leave more memory to the
labels (on the 1M lattice with a 60 L tank the first depots estimate 29 entries per node:
blocks of four nodes, 7.9 M entries)."""

_MAX_BLOCK_TRIES = 3
"""Tries at building the catchments with ever larger blocks before the band searches
bound the refuelling stops instead."""

_WIDEN = 2.0
"""Factor on both slacks each time the band search gave up."""

_MAX_WIDEN = 3
"""After this many widenings the band table is taken as it is."""

_LATE_LEVELS = 6
"""Deadlines of the late table under changing weather (`_late_table`); 0 turns it off."""

_LATE_STEP_H = 0.25
"""Spacing of the late table's deadlines, hours."""

_LATE_BANDS_PER_TANK = 8
"""Fuel-deficit bands of the late table per usable tank (`_kernels.band_earliest`)."""

_LATE_AFTER_LABELS = 100_000
"""Labels a search under changing weather creates before it starts again with the late
table (`_search_late`)."""


def _index32(name: str, values: NDArray[Any]) -> NDArray[np.int32]:
    """``values`` as a C-contiguous int32 array, or a clear error if they do not fit."""
    if not np.issubdtype(values.dtype, np.integer):
        raise TypeError(f"{name} must hold integers, got dtype {values.dtype}")
    info = np.iinfo(np.int32)
    if values.size:
        worst = int(values.max()) if int(values.max()) > info.max else int(values.min())
        if not info.min <= worst <= info.max:
            raise ValueError(
                f"{name} holds {worst}, beyond the 32-bit index range "
                f"({info.min:,} to {info.max:,}): graphs this large are not supported"
            )
    return np.ascontiguousarray(values, dtype=np.int32)


def _weight32(name: str, values: NDArray[Any]) -> NDArray[np.float32]:
    """``values`` as a C-contiguous float32 array, or a clear error if one overflows."""
    with np.errstate(over="ignore"):
        out = np.ascontiguousarray(values, dtype=np.float32)
    overflow = np.isinf(out) & np.isfinite(values)
    if overflow.any():
        bad = float(np.asarray(values)[overflow][0])
        raise ValueError(f"{name} holds {bad}, beyond float32 (3.4e38): not an exposure weight")
    return out


@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)
class CompiledGraph:
    """Flat arrays for one (network, vehicle, date), ready for the kernels.

    Attributes
    ----------
    indptr : ndarray of int64, shape (n_nodes + 1,)
        CSR row pointers: the arcs out of node ``i`` are ``indptr[i]:indptr[i + 1]``.
    head : ndarray of int32, shape (n_arcs,)
        Head node of each arc.
    arc_km : ndarray of float64, shape (n_arcs,)
        Arc length in kilometres.
    arc_hours : ndarray of float64, shape (n_arcs,)
        Travel time in calm weather, hours.
    arc_litres : ndarray of float64, shape (n_arcs,)
        Fuel burnt in calm weather, litres.
    arc_risk : ndarray of float32, shape (n_arcs,)
        Static exposure weight per hour driven (dimensionless, >= 0; 1 = ordinary
        country near shelter).
    arc_cell : ndarray of int32, shape (n_arcs,)
        Weather cell of each arc (index into `WeatherTable` rows; 0 when there is one cell).
    arc_link : ndarray of int32, shape (n_arcs,)
        Index of the user link the arc comes from (for tracing back), -1 for none.
    node_shelter : ndarray of bool, shape (n_nodes,)
        True where the vehicle may wait in any weather (settlement, hut, depot, rest point).
    node_depot : ndarray of bool, shape (n_nodes,)
        True where the vehicle may refuel.
    node_stock_l : ndarray of float64, shape (n_nodes,)
        Fuel a depot can sell this trip, litres (``inf`` = unlimited, 0 for non-depots).
    node_cell : ndarray of int64, shape (n_nodes,)
        Weather cell of each node.
    node_x_km, node_y_km : ndarray of float64, shape (n_nodes,)
        Planar coordinates in EPSG:3571, kilometres (for A* bounds).

    Notes
    -----
    The three per-arc index arrays are stored as int32 (other integer arrays given for them
    are converted once, here): half the memory of int64 (90 MB on a 1M-node lattice of
    7.8 M arcs) and half the cache lines a search reads per arc. Graphs of more than
    2,147,483,647 nodes, cells or links are therefore not supported. The exposure weight
    ``arc_risk`` is float32 for the same reason (30 MB there): a weight such as 1.5 needs
    no more than seven digits, and sums of it are taken in float64.
    """

    indptr: NDArray[np.int64]
    head: NDArray[np.int32]
    arc_km: NDArray[np.float64]
    arc_hours: NDArray[np.float64]
    arc_litres: NDArray[np.float64]
    arc_risk: NDArray[np.float32]
    arc_cell: NDArray[np.int32]
    arc_link: NDArray[np.int32]
    node_shelter: NDArray[np.bool_]
    node_depot: NDArray[np.bool_]
    node_stock_l: NDArray[np.float64]
    node_cell: NDArray[np.int64]
    node_x_km: NDArray[np.float64]
    node_y_km: NDArray[np.float64]

    def __post_init__(self) -> None:
        for name in ("head", "arc_cell", "arc_link"):
            values = np.asarray(getattr(self, name))
            if values.dtype != np.int32 or not values.flags.c_contiguous:
                object.__setattr__(self, name, _index32(f"CompiledGraph.{name}", values))
        risk = np.asarray(self.arc_risk)
        if risk.dtype != np.float32 or not risk.flags.c_contiguous:
            object.__setattr__(self, "arc_risk", _weight32("CompiledGraph.arc_risk", risk))

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.indptr.shape[0] - 1)

    @property
    def n_arcs(self) -> int:
        """Number of directed arcs."""
        return int(self.head.shape[0])


@dataclass(frozen=True, slots=True, eq=False)
class WeatherTable:
    """Time-dependent passability and factors per weather cell and time step.

    Step ``k`` covers hours ``[t0_h + k * step_h, t0_h + (k + 1) * step_h)``. Before the
    first step the first column holds; after the last step the last column holds.

    Attributes
    ----------
    t0_h : float
        Start of step 0, hours since the solver epoch.
    step_h : float
        Length of one step, hours (> 0).
    open : ndarray of bool, shape (n_cells, n_steps)
        False where the vehicle may not travel (storm, cold, darkness, ...).
    speed_factor : ndarray of float64, shape (n_cells, n_steps)
        Multiplies the calm speed (> 0; 1 in ordinary conditions).
    fuel_factor : ndarray of float64, shape (n_cells, n_steps)
        Multiplies the calm fuel burn (>= 1 in practice; 1 in ordinary conditions).
    risk_factor : ndarray of float64, shape (n_cells, n_steps)
        Multiplies exposure (>= 0; 1 in ordinary conditions).
    """

    t0_h: float
    step_h: float
    open: NDArray[np.bool_]
    speed_factor: NDArray[np.float64]
    fuel_factor: NDArray[np.float64]
    risk_factor: NDArray[np.float64]

    @property
    def n_cells(self) -> int:
        """Number of weather cells."""
        return int(self.open.shape[0])

    @property
    def n_steps(self) -> int:
        """Number of time steps."""
        return int(self.open.shape[1])


# ------------------------------------------------------------------------------------------
# Results
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a raw plan.

    Attributes
    ----------
    kind : {"drive", "wait", "refuel", "rest"}
        What the vehicle does.
    node : int
        Node where the step starts (for a drive, the tail of `arc`).
    arc : int
        Arc driven, -1 for stationary steps.
    start_h, end_h : float
        Start and end of the step, hours since the solver epoch.
    fuel_before_l, fuel_after_l : float
        Litres in the tank before and after the step.
    risk : float
        Risk accumulated during the step (charged driving hours x arc risk x risk factor,
        see `solve`, Notes; 0 when standing still).
    cause : {"", "weather", "rest", "cheaper"}
        For a wait, why it happens (see `WaitCause`); empty otherwise.
    """

    kind: StepKind
    node: int
    arc: int
    start_h: float
    end_h: float
    fuel_before_l: float
    fuel_after_l: float
    risk: float
    cause: WaitCause = ""


@dataclass(frozen=True, slots=True)
class RawPlan:
    """A complete plan in node and arc indices.

    Attributes
    ----------
    steps : tuple of Step
        Contiguous steps from the departure to the arrival.
    arrive_h : float
        Arrival time at the target, hours since the solver epoch.
    fuel_used_l : float
        Litres burnt (refuelled litres are not subtracted).
    refuelled_l : float
        Litres taken on at depots.
    risk : float
        Total risk (sum over drive steps).
    driving_h : float
        Hours spent driving.
    """

    steps: tuple[Step, ...]
    arrive_h: float
    fuel_used_l: float
    refuelled_l: float
    risk: float
    driving_h: float

    @property
    def arcs(self) -> tuple[int, ...]:
        """Arcs driven, in order."""
        return tuple(s.arc for s in self.steps if s.kind == "drive")


@dataclass(frozen=True, slots=True)
class SolveResult:
    """What `solve` returns.

    Attributes
    ----------
    feasible : bool
        Whether a plan exists.
    plans : tuple of RawPlan
        The optimal plan (one), or the Pareto set sorted by arrival for ``"pareto"``;
        empty when infeasible.
    labels_settled : int
        Labels the search expanded (a measure of work; about one per node on the A*
        corridor in the static case).
    reason : str
        Why the query is infeasible, in node-index terms; empty when feasible.
    binding : {"none", "unreachable", "range", "weather", "duty", "deadline"}
        The constraint found to bind by relaxing them one at a time.
    """

    feasible: bool
    plans: tuple[RawPlan, ...]
    labels_settled: int
    reason: str = ""
    binding: Binding = "none"


# ------------------------------------------------------------------------------------------
# Preparation
# ------------------------------------------------------------------------------------------

_OBJECTIVES: dict[str, int] = {
    "time": kern.OBJ_TIME,
    "fuel": kern.OBJ_FUEL,
    "risk": kern.OBJ_RISK,
    "pareto": kern.OBJ_PARETO,
}


@dataclass(frozen=True, slots=True, eq=False)
class _Epochs:
    """Weather as epochs: per cell, maximal runs of steps with identical values."""

    ptr: NDArray[np.int64]
    start: NDArray[np.float64]
    open: NDArray[np.bool_]
    speed: NDArray[np.float64]
    fuel: NDArray[np.float64]
    risk: NDArray[np.float64]
    stand: NDArray[np.float64]
    fuel_min: NDArray[np.float64]

    @property
    def n_cells(self) -> int:
        return int(self.ptr.shape[0] - 1)

    def cell_slice(self, c: int) -> slice:
        return slice(int(self.ptr[c]), int(self.ptr[c + 1]))


def _epochs(weather: WeatherTable | None) -> _Epochs:
    if weather is None:
        return _Epochs(
            ptr=np.array([0, 1], np.int64),
            start=np.array([-np.inf]),
            open=np.array([True]),
            speed=np.ones(1),
            fuel=np.ones(1),
            risk=np.ones(1),
            stand=np.array([np.inf]),
            fuel_min=np.ones(1),
        )
    opn = np.asarray(weather.open, dtype=np.bool_)
    spd = np.asarray(weather.speed_factor, dtype=np.float64)
    ful = np.asarray(weather.fuel_factor, dtype=np.float64)
    rsk = np.asarray(weather.risk_factor, dtype=np.float64)
    n_cells, n_steps = opn.shape
    change = np.ones((n_cells, n_steps), np.bool_)
    change[:, 1:] = (
        (opn[:, 1:] != opn[:, :-1])
        | (spd[:, 1:] != spd[:, :-1])
        | (ful[:, 1:] != ful[:, :-1])
        | (rsk[:, 1:] != rsk[:, :-1])
    )
    flat = np.flatnonzero(change.ravel())
    cell = flat // n_steps
    step = flat % n_steps
    ptr = np.zeros(n_cells + 1, np.int64)
    np.cumsum(np.bincount(cell, minlength=n_cells), out=ptr[1:])
    t0 = float(weather.t0_h)
    dt = float(weather.step_h)
    start = np.where(step == 0, -np.inf, t0 + step * dt)
    ep_open = opn.ravel()[flat].copy()
    ep_fuel = np.ascontiguousarray(ful.ravel()[flat])
    stand = np.full(flat.shape[0], np.inf)
    fuel_min = np.full(flat.shape[0], np.inf)
    for c in range(n_cells):
        nxt_closed = np.inf
        least = np.inf
        for j in range(int(ptr[c + 1]) - 1, int(ptr[c]) - 1, -1):
            if ep_open[j]:
                stand[j] = nxt_closed
                least = min(least, float(ep_fuel[j]))
            else:
                stand[j] = -np.inf
                nxt_closed = start[j]
            fuel_min[j] = least
    return _Epochs(
        ptr=ptr,
        start=np.ascontiguousarray(start, dtype=np.float64),
        open=np.ascontiguousarray(ep_open),
        speed=np.ascontiguousarray(spd.ravel()[flat]),
        fuel=ep_fuel,
        risk=np.ascontiguousarray(rsk.ravel()[flat]),
        stand=stand,
        fuel_min=fuel_min,
    )


@dataclass(frozen=True, slots=True)
class _Query:
    """Normalised scalar parameters of one search."""

    origin: int
    target: int
    via: tuple[int, ...]
    depart_h: float
    capacity_l: float
    start_fuel_l: float
    reserve_l: float
    refuel_h: float
    max_drive_h: float
    rest_h: float
    deadline_h: float
    objective: str
    max_labels: int
    stop_when_full: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class _Search:
    """Raw outcome of one label search, plus what is needed to read it."""

    status: int
    settled: int
    n_labels: int
    result: NDArray[np.int64]
    lab_f: NDArray[np.float64]
    link: NDArray[np.int32]
    dep: NDArray[np.float64]
    query: _Query
    weather: WeatherTable | None
    epochs: _Epochs
    arc_cell: NDArray[np.int32]
    node_cell: NDArray[np.int64]

    @property
    def lab_i(self) -> NDArray[np.int64]:
        """The integer columns of ``lab_f`` (`_kernels.LI_NODE`, `_kernels.LI_TAGS`)."""
        return self.lab_f.view(np.int64)


def _f8(a: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.require(a, dtype=np.float64, requirements=["C", "W"])


def _i8(a: NDArray[np.int64]) -> NDArray[np.int64]:
    return np.require(a, dtype=np.int64, requirements=["C", "W"])


def _i4(a: NDArray[np.int32]) -> NDArray[np.int32]:
    return np.require(a, dtype=np.int32, requirements=["C", "W"])


def _f4(a: NDArray[np.float32]) -> NDArray[np.float32]:
    return np.require(a, dtype=np.float32, requirements=["C", "W"])


@functools.cache
def _reserve_rows() -> int:
    """Label rows a search reserves up front: a quarter of the physical memory's worth.

    Reserved rows cost address space, not memory, until the search writes them.
    """
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return 0
    return max(0, int(physical) // (4 * _LABEL_ROW_BYTES))


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """Return glibc's ``malloc_trim``, or None without glibc (macOS, musl, Windows)."""
    import ctypes

    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # TypeError: Windows has no CDLL(None)
        return None
    return trim


def _return_freed_memory() -> None:
    """Give the memory the bound searches freed back to the system before the labels grow.

    glibc keeps freed blocks below its (adaptive, up to 32 MB) mmap threshold in the heap:
    on the 1M range30 query that was ~40-60 MB held through the label search, the peak.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _b1(a: NDArray[np.bool_]) -> NDArray[np.bool_]:
    return np.require(a, dtype=np.bool_, requirements=["C", "W"])


def _per_cell_bounds(
    ep: _Epochs, depart_h: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Per cell: max speed, min fuel factor, min risk factor over open epochs after departure.

    A cell with no open epoch left gets speed 0 (its arcs can never be entered).
    """
    n_cells = ep.n_cells
    maxsp = np.zeros(n_cells)
    minff = np.full(n_cells, np.inf)
    minrf = np.full(n_cells, np.inf)
    end = np.empty_like(ep.start)
    end[:-1] = ep.start[1:]
    end[ep.ptr[1:] - 1] = np.inf
    live = ep.open & (end > depart_h)
    cell_of = np.repeat(np.arange(n_cells), np.diff(ep.ptr))
    np.maximum.at(maxsp, cell_of[live], ep.speed[live])
    np.minimum.at(minff, cell_of[live], ep.fuel[live])
    np.minimum.at(minrf, cell_of[live], ep.risk[live])
    return maxsp, minff, minrf


def _kindest(
    per_arc: NDArray[np.float64],
    cell_factor: NDArray[np.float64],
    arc_cell: NDArray[np.int32],
    banned: NDArray[np.bool_] | None,
    scale: np.ufunc,
) -> NDArray[np.float64]:
    """Calm hours or litres per arc under each cell's kindest factor, ``inf`` where banned.

    ``scale`` is `numpy.multiply` (fuel factors) or `numpy.divide` (speed factors). In calm
    weather with no arc banned it is ``per_arc`` itself: no 64 MB temporary on the 1M
    lattice.
    """
    if banned is None and np.all(cell_factor == 1.0):
        return per_arc
    out = cell_factor[arc_cell]
    with np.errstate(divide="ignore", invalid="ignore"):
        scale(per_arc, out, out=out)
    if banned is not None:
        out[banned] = np.inf
    return out


def _is_static(weather: WeatherTable | None, depart_h: float) -> bool:
    """Whether no weather value changes after departure."""
    if weather is None:
        return True
    ep = _epochs(weather)
    n_ep = np.diff(ep.ptr)
    return not bool(np.any((n_ep > 1) & (ep.start[ep.ptr[1:] - 1] > depart_h)))


_LEAST_PER_KM: weakref.WeakKeyDictionary[CompiledGraph, dict[str, float]] = (
    weakref.WeakKeyDictionary()
)


def _least_per_km(graph: CompiledGraph, what: Literal["hours", "litres"]) -> float:
    """Calm hours or litres per straight-line km of the best arc (`_kernels.least_per_km`)."""
    found = _LEAST_PER_KM.setdefault(graph, {})
    if what not in found:
        found[what] = float(
            kern.least_per_km(
                _i8(graph.indptr),
                _i4(graph.head),
                _f8(graph.arc_hours if what == "hours" else graph.arc_litres),
                _f8(graph.node_x_km),
                _f8(graph.node_y_km),
            )
        )
    return found[what]


def _least_litres_per_km(graph: CompiledGraph, cell_fuel: NDArray[np.float64]) -> float:
    """Litres per straight-line km no path can beat under the kindest fuel factor.

    ``cell_fuel`` holds each cell's least fuel factor (`_per_cell_bounds`); 0 when no cell
    ever opens.
    """
    thriftiest = float(cell_fuel.min(initial=np.inf))
    return _least_per_km(graph, "litres") * thriftiest if math.isfinite(thriftiest) else 0.0


def _weather_cells(
    graph: CompiledGraph, weather: WeatherTable | None
) -> tuple[_Epochs, NDArray[np.int32], NDArray[np.int64]]:
    """Epochs and the weather cell of each arc and node they are read with.

    Without weather every arc and node is in the one calm cell of `_epochs(None)`.
    """
    if weather is None:
        # zero pages cost no memory, read or not
        cells = np.zeros(graph.n_arcs, np.int32), np.zeros(graph.n_nodes, np.int64)
        return _epochs(None), *cells
    return _epochs(weather), _i4(graph.arc_cell), _i8(graph.node_cell)


def _allowed_arcs(
    graph: CompiledGraph,
    banned_arcs: NDArray[np.bool_] | None,
    banned_nodes: NDArray[np.bool_] | None,
) -> NDArray[np.bool_] | None:
    """Arcs neither banned nor touching a banned node; None when nothing is banned."""
    if banned_arcs is None and banned_nodes is None:
        return None
    ok = np.ones(graph.n_arcs, np.bool_) if banned_arcs is None else ~banned_arcs
    if banned_nodes is not None:
        tail = np.repeat(np.arange(graph.n_nodes, dtype=np.int64), np.diff(graph.indptr))
        ok &= ~banned_nodes[graph.head] & ~banned_nodes[tail]
    return ok


def _open_arcs(
    graph: CompiledGraph,
    allowed: NDArray[np.bool_] | None,
    maxsp: NDArray[np.float64],
    arc_cell: NDArray[np.int32],
) -> NDArray[np.bool_]:
    """Arcs allowed (`_allowed_arcs`) whose weather cell opens again after departure."""
    ok = np.ones(graph.n_arcs, np.bool_) if allowed is None else allowed.copy()
    if not np.all(maxsp > 0.0):
        ok &= (maxsp > 0.0)[arc_cell]
    return np.ascontiguousarray(ok)


def _fastest(
    graph: CompiledGraph,
    q: _Query,
    weather: WeatherTable | None,
    banned_arcs: NDArray[np.bool_] | None,
    banned_nodes: NDArray[np.bool_] | None,
) -> tuple[SolveResult | None, float]:
    """The earliest-arrival path when it is provably the answer, and the relaxation's arrival.

    For the time objective without via points, `_kernels.earliest_arrival_path` finds the
    earliest arrival of a relaxation (no tank, no duty limit, waiting allowed anywhere; ties:
    fewer litres) with one label per node, at the cost of a fraction of one Dijkstra and
    without the reverse bounds the label search needs. No plan arrives earlier. Its path is
    replayed under the real rules; when it needs no refuelling stop, stands only where it
    may, and keeps the duty limit and the deadline as it is, it is optimal. Returns that
    plan (or None) and the relaxation's arrival, hours (``nan`` when not searched: another
    objective, via points, nothing ever open, or not enough fuel for the straight line).
    """
    if q.objective != "time" or q.via:
        return None, math.nan
    ep, arc_cell, node_cell = _weather_cells(graph, weather)
    _maxsp, minff, _minrf = _per_cell_bounds(ep, q.depart_h)
    # no path can burn less than this: when it exceeds the fuel, skip the search
    x_km = graph.node_x_km
    y_km = graph.node_y_km
    least_l = _least_litres_per_km(graph, minff) * math.hypot(
        x_km[q.target] - x_km[q.origin], y_km[q.target] - y_km[q.origin]
    )
    if least_l > q.start_fuel_l - q.reserve_l + TOL:
        return None, math.nan
    found = _relaxed_path(graph, q, weather, _allowed_arcs(graph, banned_arcs, banned_nodes))
    if found is None:
        return None, math.nan
    arrive, settled, arcs, departs = found
    if not math.isfinite(arrive):
        return None, arrive
    plan = _replay(graph, q, ep, arc_cell, node_cell, arcs.tolist(), departs.tolist())
    return (None if plan is None else SolveResult(True, (plan,), int(settled))), arrive


def _relaxed_path(
    graph: CompiledGraph,
    q: _Query,
    weather: WeatherTable | None,
    arc_ok: NDArray[np.bool_] | None,
) -> tuple[float, int, NDArray[np.int64], NDArray[np.float64]] | None:
    """`_kernels.earliest_arrival_path` for the query (the relaxation of `_fastest`).

    Returns the arrival (hours), the nodes settled, the arcs and their departures; None
    when no weather cell ever opens (the label search explains that).
    """
    ep, arc_cell, _node_cell = _weather_cells(graph, weather)
    maxsp, minff, _minrf = _per_cell_bounds(ep, q.depart_h)
    fastest = float(maxsp.max(initial=0.0))
    if not (fastest > 0.0 and math.isfinite(float(minff.min(initial=np.inf)))):
        return None
    x_km = _f8(graph.node_x_km)
    y_km = _f8(graph.node_y_km)
    landmarks = _landmarks(graph)
    arrive, _litres, settled, arcs, departs = kern.earliest_arrival_path(
        _i8(graph.indptr),
        _i4(graph.head),
        _f8(graph.arc_hours),
        _f8(graph.arc_litres),
        arc_cell,
        np.ones(0, np.bool_) if arc_ok is None else arc_ok,
        ep.ptr,
        ep.start,
        ep.open,
        ep.speed,
        ep.fuel,
        x_km,
        y_km,
        _least_per_km(graph, "hours") / fastest,
        _NO_LANDMARKS if landmarks is None else landmarks.codes,
        np.empty(0) if landmarks is None else landmarks.unit_h / fastest,
        q.origin,
        q.target,
        q.depart_h,
    )
    return float(arrive), int(settled), arcs, departs


_Late = tuple[NDArray[np.float32], NDArray[np.float64], NDArray[np.int32], float]
"""The late table: latest times per row, fuel-deficit state and deadline (float32), the
deadlines, each node's row (-1: none) and the width of a deficit band, litres
(`_late_table`)."""


def _late_applies(q: _Query, weather: WeatherTable | None) -> bool:
    """Whether `_late_table` can bound this query's labels (time, no via, weather changing)."""
    return (
        _LATE_LEVELS > 0
        and q.objective == "time"
        and not q.via
        and not _is_static(weather, q.depart_h)
    )


def _search_late(
    graph: CompiledGraph,
    q: _Query,
    weather: WeatherTable | None,
    banned_arcs: NDArray[np.bool_] | None,
    banned_nodes: NDArray[np.bool_] | None,
    late: Callable[[_Query], _Late | None],
    give_up: Callable[[], bool] | None = None,
    table_first: bool = False,
) -> _Search:
    """`_search`, and again with the late table if it takes `_LATE_AFTER_LABELS` labels.

    The table costs a forward and `_LATE_LEVELS` pairs of backward searches over (node,
    deficit band) states: 0.1 s and more on a 40k lattice whose weather query with a 60 L
    tank needs 0.01 s without it. Settled labels of both searches count. ``give_up``,
    asked when the first search runs out of labels: return that search (status
    `_kernels.STATUS_LABEL_LIMIT`) instead. ``table_first``: no first search.
    """
    if not _late_applies(q, weather) or q.max_labels <= _LATE_AFTER_LABELS:
        return _search(graph, q, weather, banned_arcs, banned_nodes)
    settled = 0
    if not table_first:
        budget = replace(q, max_labels=_LATE_AFTER_LABELS)
        first = _search(graph, budget, weather, banned_arcs, banned_nodes)
        if first.status != kern.STATUS_LABEL_LIMIT or (give_up is not None and give_up()):
            return first
        settled = first.settled
    again = _search(graph, q, weather, banned_arcs, banned_nodes, late(q))
    return replace(again, settled=again.settled + settled)


def _late_table(
    graph: CompiledGraph,
    q: _Query,
    weather: WeatherTable | None,
    allowed: NDArray[np.bool_] | None,
) -> _Late | None:
    """The label search's time bound under changing weather: a ladder of deadlines.

    The calm bounds know nothing of a purga that makes every route wait or go round: on
    the benchmark's 1M lattice the weather's relaxed optimum is 29.8 h against 21.9 h calm,
    and a finite tank then left the label search every label within those 8 hours. The
    bound is a relaxation that knows both (`_kernels.band_earliest`: waiting anywhere, the
    tank seen through fuel-deficit bands, `_LATE_BANDS_PER_TANK` to a tank). Its earliest
    arrival is the first deadline, and `_LATE_LEVELS` - 1 more follow `_LATE_STEP_H`
    apart. For each, the latest time at each node and deficit state from which the
    deadline can still be made in the relaxation (`_kernels.latest_departure` for labels
    without a deficit, `_kernels.latest_band_departure` for the bands), rounded up to
    float32: a label later than that arrives after the deadline. States that no label
    reaches by their latest time (the relaxation's earliest arrival there is later) are
    skipped, and so are nodes from which no label makes even the last deadline: they get
    no row. Columns: ``state * _LATE_LEVELS + deadline``. None for other objectives, via
    points, weather that no longer changes, or no relaxed route.
    """
    if not _late_applies(q, weather):
        return None
    n = graph.n_nodes
    ep, arc_cell, _node_cell = _weather_cells(graph, weather)
    maxsp, minff, _minrf = _per_cell_bounds(ep, q.depart_h)
    arc_ok = _open_arcs(graph, allowed, maxsp, arc_cell)
    rptr, rtail, rarc = _reversed(graph)
    depot_ok = _b1(graph.node_depot & (graph.node_stock_l > 0.0))
    usable = q.capacity_l - q.reserve_l
    banded = (
        math.isfinite(q.capacity_l)
        and usable > 0.0
        and q.refuel_h > 0.0
        and bool(depot_ok.any())
        and _LATE_BANDS_PER_TANK > 0
    )
    band_l = usable / _LATE_BANDS_PER_TANK if banded else 0.0
    banned = None if arc_ok.all() else ~arc_ok

    def to_target(
        per_arc: NDArray[np.float64], factor: NDArray[np.float64], scale: np.ufunc
    ) -> NDArray[np.float64]:
        # as `_search` computes its bounds, to the last bit: a label reads its deficit's
        # band from the litres
        rw = kern.gather(_kindest(per_arc, factor, arc_cell, banned, scale), rarc)
        target = np.array([q.target], np.int64)
        return kern.reverse_dijkstra(  # type: ignore[no-any-return]
            rptr, rtail, rw, np.empty(0), target, np.zeros(1), np.inf, q.origin
        )[0]

    h_time = to_target(_f8(graph.arc_hours), maxsp, np.divide)
    h_fuel = to_target(_f8(graph.arc_litres), minff, np.multiply) if banded else np.zeros(n)
    origin_col = 0
    if banded:
        deficit = h_fuel[q.origin] - (q.start_fuel_l - q.reserve_l)
        if deficit == math.inf:
            return None  # no route to the target (the label search explains)
        if deficit > TOL:
            lo = kern.band_lo(h_fuel[q.origin], usable, band_l)
            n_slots = kern.band_slots(h_fuel, h_fuel, usable, band_l)
            origin_col = 1 + min(max(int(deficit / band_l) - lo, 0), n_slots - 1)
    k = _LATE_LEVELS
    ok_or_all = np.ones(0, np.bool_) if arc_ok.all() else arc_ok
    arcs = (_f8(graph.arc_hours), arc_cell, ok_or_all, ep.ptr, ep.start, ep.open, ep.speed)
    earliest, arrival = kern.band_earliest(
        _i8(graph.indptr),
        _i4(graph.head),
        *arcs,
        h_time,
        h_fuel,
        depot_ok,
        usable if banded else math.inf,
        q.refuel_h,
        band_l,
        q.origin,
        origin_col,
        q.target,
        q.depart_h,
        _LATE_STEP_H * k,
    )
    if not math.isfinite(arrival):
        return None
    levels = arrival + _LATE_STEP_H * np.arange(k, dtype=np.float64)
    width = earliest.shape[1]
    args = (rptr, rtail, rarc, *arcs, earliest)

    def column(j: int) -> NDArray[np.float32]:
        # per node, the latest times of its states for deadline j
        by = np.array([levels[j]])
        free = kern.latest_departure(*args, np.array([q.target], np.int64), by, q.depart_h)
        out = np.empty((n, width), np.float32)
        rounded = out[:, 0]
        rounded[:] = free
        low = rounded < free
        rounded[low] = np.nextafter(rounded[low], np.float32(np.inf))
        if width > 1:
            kern.latest_band_departure(
                *args, h_fuel, depot_ok, free, usable, q.refuel_h, band_l, q.depart_h, out
            )
        return out

    # Rows only for nodes that some label can leave in time for the last deadline (its
    # earliest time there and its least hours from there make it, with 1e-6 h to spare
    # for rounding): half the 1M lattice with the benchmark's weather and a 60 L tank
    # (120 MB less). At the others every label misses every deadline.
    rows = np.flatnonzero(earliest[:, -1] + h_time <= levels[-1] + 1e-6)
    late_row = np.full(n, -1, np.int32)
    late_row[rows] = np.arange(rows.size, dtype=np.int32)
    table = np.empty((rows.size, width * k), np.float32)

    def place(j: int) -> None:
        table[:, j::k] = column(j)[rows]

    if graph.n_arcs >= _PARALLEL_MIN_ARCS:
        with ThreadPoolExecutor(max_workers=2) as pool:  # the kernels release the GIL
            list(pool.map(place, range(k)))
    else:
        for j in range(k):
            place(j)
    return table, levels, late_row, band_l


def _replay(
    graph: CompiledGraph,
    q: _Query,
    ep: _Epochs,
    arc_cell: NDArray[np.int32],
    node_cell: NDArray[np.int64],
    arcs: list[int],
    departs: list[float],
) -> RawPlan | None:
    """A path with given departures as a plan under the rules of the label search.

    None when it breaks one of them without a refuelling stop: fuel below the reserve, a
    wait where the vehicle may not stand, the duty limit (rests only where a weather wait
    at a shelter is long enough to count as one, as in the search), or the deadline.
    """
    duty_on = math.isfinite(q.max_drive_h)
    steps: list[Step] = []
    t = q.depart_h
    fuel = q.start_fuel_l
    burnt = 0.0
    risk = 0.0
    driving = 0.0
    on_duty = 0.0
    v = q.origin
    in_cell = -1
    for e, dep in zip(arcs, departs, strict=True):
        c = int(arc_cell[e])
        hours = float(graph.arc_hours[e])
        if dep > t:
            shelter = bool(graph.node_shelter[v])
            stand = kern.stand_limit(
                shelter, ep.ptr, ep.start, ep.open, ep.stand, int(node_cell[v]), in_cell, t
            )
            if dep > stand:
                return None
            if duty_on and shelter and dep - t >= q.rest_h - TOL:
                on_duty = 0.0
            steps.append(Step("wait", v, -1, t, dep, fuel, fuel, 0.0, "weather"))
        status, t2, drive, k = kern.traverse_arc(ep.ptr, ep.start, ep.open, ep.speed, c, dep, hours)
        charged = kern.charged_hours(ep.ptr, ep.start, ep.open, ep.speed, c, dep, hours, q.depart_h)
        litres = float(graph.arc_litres[e]) * float(ep.fuel[k])
        f2 = fuel - litres
        on_duty += charged
        if (
            status != kern.TRAV_OK
            or f2 < q.reserve_l - TOL
            or t2 > q.deadline_h + TOL
            or (duty_on and on_duty > q.max_drive_h + TOL)
        ):
            return None
        r = charged * float(graph.arc_risk[e]) * float(ep.risk[k])
        steps.append(Step("drive", v, e, dep, t2, fuel, f2, r))
        burnt += litres
        driving += drive
        risk += r
        t, fuel, v, in_cell = t2, f2, int(graph.head[e]), c
    if t > q.deadline_h + TOL:
        return None
    return RawPlan(
        steps=tuple(steps),
        arrive_h=t,
        fuel_used_l=burnt,
        refuelled_l=0.0,
        risk=risk,
        driving_h=driving,
    )


_REVERSED: weakref.WeakKeyDictionary[
    CompiledGraph, tuple[NDArray[np.int64], NDArray[np.int32], NDArray[np.int32]]
] = weakref.WeakKeyDictionary()


def _reversed(
    graph: CompiledGraph,
) -> tuple[NDArray[np.int64], NDArray[np.int32], NDArray[np.int32]]:
    """The reverse CSR of a graph (`_kernels.reverse_csr`), built once per graph object."""
    found = _REVERSED.get(graph)
    if found is None:
        if graph.n_arcs >= 2**31:
            msg = f"a graph may have at most 2**31 - 1 arcs, this one has {graph.n_arcs}"
            raise ValueError(msg)
        found = kern.reverse_csr(_i8(graph.indptr), _i4(graph.head))
        _REVERSED[graph] = found
    return found


@dataclass(frozen=True, slots=True, eq=False)
class _Catchments:
    """The depot catchments of one graph and usable tank (`_kernels.depot_catchments`).

    Attributes
    ----------
    depots : ndarray of int64
        The depots with fuel to sell, in the order the entries' depot indices refer to.
    block : ndarray of int32, shape (n_nodes,)
        Each node's block (one node per block unless entries per node would not fit).
    block_ptr : ndarray of int64, shape (n_blocks + 1,)
        Entries of block ``b``: ``block_ptr[b]:block_ptr[b + 1]``.
    depot, litres, hours : ndarrays of uint16
        Per entry: the depot's index and 16-bit codes of the least litres and fastest hours
        from any node of the block to it (65535 hours: none within a tank).
    litres_unit, hours_unit : float
        Litres and hours a code stands for.
    leg_ends : ndarray of int32, shape (n_legs, 2)
        Legs between depots: the index of the depot a leg starts from and of its end.
    leg_cost : ndarray of float64, shape (n_legs, 2)
        Their least litres and fastest hours over routes within a tank (exact).
    """

    depots: NDArray[np.int64]
    block: NDArray[np.int32]
    block_ptr: NDArray[np.int64]
    depot: NDArray[np.uint16]
    litres: NDArray[np.uint16]
    hours: NDArray[np.uint16]
    litres_unit: float
    hours_unit: float
    leg_ends: NDArray[np.int32]
    leg_cost: NDArray[np.float64]


_CATCHMENTS: weakref.WeakKeyDictionary[
    CompiledGraph, dict[tuple[float, float], _Catchments | float | None]
] = weakref.WeakKeyDictionary()
"""Per graph and (usable tank, `_CATCHMENT_ENTRIES`): the catchments, ``None`` (none to
build), the entries a first query found too many for one per node, or `_NOT_TRIED`."""

_NOT_TRIED = -1.0
"""`_CATCHMENTS`' mark of a large graph queried once: its catchments wait for a second query."""


_NO_LANDMARKS = np.zeros((0, 0), np.uint16)
_NO_LATE: _Late = (np.zeros((0, 0), np.float32), np.zeros(0), np.zeros(0, np.int32), 0.0)

_NO_CATCHMENTS = (
    np.empty(0, np.int32),
    np.zeros(1, np.int64),
    *(np.empty(0, np.uint16),) * 3,
    np.empty(0),
    np.zeros(kern.N_CPAR),
)
"""`_kernels.label_search`'s catchment arguments when its band table is complete."""


@dataclass(frozen=True, slots=True, eq=False)
class _Landmarks:
    """Calm hours to and from a few far-apart nodes (`_kernels.landmark_column`).

    Attributes
    ----------
    nodes : ndarray of int64
        The landmarks.
    codes : ndarray of uint16, shape (n_nodes, 2 * n_landmarks)
        Per node: hours to each landmark, then hours from each, as codes.
    unit_h : ndarray of float64, shape (2 * n_landmarks,)
        Hours a code of each column stands for.
    """

    nodes: NDArray[np.int64]
    codes: NDArray[np.uint16]
    unit_h: NDArray[np.float64]


_LANDMARKS: weakref.WeakKeyDictionary[CompiledGraph, _Landmarks | None] = (
    weakref.WeakKeyDictionary()
)
"""Per graph: its landmarks, or ``None`` after one earliest-arrival query (built at the
second: a graph queried once does not pay for them)."""


def _landmarks(graph: CompiledGraph) -> _Landmarks | None:
    """The graph's landmarks for the earliest-arrival A*, from its second query on.

    Chosen farthest first (each the node farthest, in calm hours there and back, from the
    landmarks so far, starting from the node farthest from a central one), with calm hours
    to and from each by a reverse and a forward search (on two threads on large graphs).
    ``None`` on small graphs and at a graph's first query.
    """
    n = graph.n_nodes
    if n < _LANDMARK_MIN_NODES or graph.n_arcs == 0:
        return None
    if graph not in _LANDMARKS:
        _LANDMARKS[graph] = None
        return None
    found = _LANDMARKS[graph]
    if found is not None:
        return found
    rptr, rtail, rarc = _reversed(graph)
    indptr = _i8(graph.indptr)
    head = _i4(graph.head)
    hours = _f8(graph.arc_hours)
    r_hours = kern.gather(hours, rarc)
    none = np.empty(0)

    def search(node: int, forward: bool) -> NDArray[np.float64]:
        src = np.array([node], np.int64)
        ptr, ends, w = (indptr, head, hours) if forward else (rptr, rtail, r_hours)
        d: NDArray[np.float64] = kern.reverse_dijkstra(
            ptr, ends, w, none, src, np.zeros(1), np.inf, -1
        )[0]
        return d

    x = _f8(graph.node_x_km)
    y = _f8(graph.node_y_km)
    central = 0
    if np.isfinite(x).all() and np.isfinite(y).all():
        central = int(np.argmin(np.hypot(x - x.mean(), y - y.mean())))

    def farthest(dist: NDArray[np.float64]) -> int:
        return int(np.argmax(np.where(np.isfinite(dist), dist, -1.0)))

    node = farthest(search(central, True))
    columns = np.empty((n, 2 * _LANDMARKS_PER_GRAPH), np.uint16)
    unit_h = np.empty(2 * _LANDMARKS_PER_GRAPH)
    nodes = []
    spread = np.full(n, np.inf)
    with ThreadPoolExecutor(max_workers=2) as pool:
        for i in range(_LANDMARKS_PER_GRAPH):
            nodes.append(node)
            to_l, from_l = pool.map(search, [node, node], [False, True])
            for c, dist in ((i, to_l), (_LANDMARKS_PER_GRAPH + i, from_l)):
                codes, unit = kern.landmark_column(dist)
                columns[:, c] = codes
                unit_h[c] = unit
            np.minimum(spread, to_l + from_l, out=spread)
            node = farthest(spread)
    found = _Landmarks(np.array(nodes, np.int64), columns, unit_h)
    _LANDMARKS[graph] = found
    return found


def _blocks(graph: CompiledGraph, nodes_per_block: float) -> tuple[NDArray[np.int32], int]:
    """Each node's block and how many blocks: squares of about ``nodes_per_block`` nodes.

    The squares' side follows from the nodes' planar km and the area they span; nodes
    without coordinates are grouped by index instead.
    """
    n = graph.n_nodes
    if nodes_per_block <= 1.0:
        return np.arange(n, dtype=np.int32), n
    x = _f8(graph.node_x_km)
    y = _f8(graph.node_y_km)
    area = float(np.ptp(x) * np.ptp(y)) if n else 0.0
    if not (math.isfinite(area) and area > 0.0):
        per = math.ceil(nodes_per_block)
        return (np.arange(n) // per).astype(np.int32), -(-n // per)
    side = math.sqrt(nodes_per_block * area / n)
    ix = ((x - x.min()) / side).astype(np.int64)
    iy = ((y - y.min()) / side).astype(np.int64)
    keys, block = np.unique(iy * (int(ix.max()) + 1) + ix, return_inverse=True)
    return block.astype(np.int32).reshape(n), int(keys.size)


def _catchments(graph: CompiledGraph, usable_l: float) -> _Catchments | None:
    """The depots with fuel and their catchments (`_kernels.depot_catchments`), or ``None``.

    Built once per graph and usable tank (calm arcs: the weather is applied as factors when
    they are read) and kept while the graph lives, with one entry per node if they fit
    `_CATCHMENT_ENTRIES` per node, else per block of neighbouring nodes, sized to fill
    `_BLOCK_FILL` of that (at most `_MAX_BLOCK_TRIES` tries; ``None`` after that). A graph
    queried once does not pay for the build (8-22 s on the 1M lattice, 10-40 queries): on
    large graphs (`_PARALLEL_MIN_ARCS`) it waits for the second query, which tries one
    entry per node and, when the first few depots (in a fixed random order) show they will
    not fit, builds the blocks. On smaller graphs the first query builds them when they fit
    one entry per node, else gives up after a few depots, and the next builds the blocks.
    On large graphs the depots are split between two threads.
    """
    found = _CATCHMENTS.setdefault(graph, {})
    key = (usable_l, _CATCHMENT_ENTRIES)
    first = key not in found
    known = found.get(key)
    if not first and (known is None or isinstance(known, _Catchments)):
        return known
    if first and graph.n_arcs >= _PARALLEL_MIN_ARCS:
        found[key] = _NOT_TRIED
        return None
    n = graph.n_nodes
    depots = np.flatnonzero(_b1(graph.node_depot) & (_f8(graph.node_stock_l) > 0.0))
    # in a fixed random order: the first few depots then tell how many entries the rest make
    depots = np.random.default_rng(0).permutation(depots).astype(np.int64)
    budget = min(int(_CATCHMENT_ENTRIES * n), 2**31 - 1)
    result: _Catchments | float | None = None
    if depots.size <= _MAX_CATCHMENT_DEPOTS and budget > 0:
        likely = known if isinstance(known, float) else _NOT_TRIED
        if likely == _NOT_TRIED:
            block = np.arange(n, dtype=np.int32)
            built, likely = _build_catchments(graph, depots, usable_l, block, n, budget)
            if built is not None:
                result = built
            elif first:
                result = likely  # a small graph's first query leaves the blocks to the next
        if result is None:
            nodes_per_block = 1.0
            for _ in range(_MAX_BLOCK_TRIES):
                # entries fall about as the nodes per block grow (catchments span many blocks)
                wanted = nodes_per_block * likely / (budget * _BLOCK_FILL)
                nodes_per_block = max(2.0 * nodes_per_block, wanted)
                block, n_blocks = _blocks(graph, nodes_per_block)
                result, likely = _build_catchments(graph, depots, usable_l, block, n_blocks, budget)
                if result is not None:
                    break
    found[key] = result
    return result if isinstance(result, _Catchments) else None


def _build_catchments(
    graph: CompiledGraph,
    depots: NDArray[np.int64],
    usable_l: float,
    block: NDArray[np.int32],
    n_blocks: int,
    budget: int,
) -> tuple[_Catchments | None, float]:
    """One try of `_catchments` with these blocks.

    Returns the catchments and their entries, or ``None`` and the entries the depots were
    likely to make.
    """
    n = graph.n_nodes
    rptr, rtail, rarc = _reversed(graph)
    litres = _f8(graph.arc_litres)
    hours = _f8(graph.arc_hours)
    depot_index = np.full(n, -1, np.int32)
    depot_index[depots] = np.arange(depots.size, dtype=np.int32)
    halves = np.array_split(depots, 2) if graph.n_arcs >= _PARALLEL_MIN_ARCS else [depots]

    # One set of arrays for both threads: the first writes from 0, the second from its
    # share on; pages never written are never committed, and nothing is copied.
    node = np.empty(budget, np.int32)
    litres_e = np.empty(budget, np.float32)
    hours_e = np.empty(budget, np.float32)
    starts = [0, int(budget * halves[0].size / max(depots.size, 1))][: len(halves)]
    rooms = [b - a for a, b in zip(starts, [*starts[1:], budget], strict=True)]

    def build(h: int) -> tuple[Any, ...]:
        return tuple(
            kern.depot_catchments(
                rptr,
                rtail,
                rarc,
                litres,
                hours,
                halves[h],
                usable_l,
                block,
                n_blocks,
                depot_index,
                node,
                litres_e,
                hours_e,
                starts[h],
                rooms[h],
            )
        )

    if len(halves) == 1:
        parts = [build(0)]
    else:
        with ThreadPoolExecutor(max_workers=2) as pool:
            parts = list(pool.map(build, range(2)))
    if not all(p[2] for p in parts):
        return None, float(sum(p[3] for p in parts))
    ptr = np.concatenate([parts[0][0], *(p[0][1:] for p in parts[1:])])
    used_b = parts[1][1] if len(parts) > 1 else 0
    gap_from = starts[1] if len(parts) > 1 else parts[0][1]
    block_ptr, depot = kern.catchments_by_node(
        ptr, node, litres_e, hours_e, parts[0][1], gap_from, used_b, n_blocks
    )
    total = depot.shape[0]
    d16, l16, h16, l_unit, h_unit = kern.quantize_catchments(
        depot, litres_e[:total], hours_e[:total], usable_l
    )
    return (
        _Catchments(
            depots=depots,
            block=block,
            block_ptr=block_ptr,
            depot=d16,
            litres=l16,
            hours=h16,
            litres_unit=float(l_unit),
            hours_unit=float(h_unit),
            leg_ends=np.concatenate([p[4] for p in parts]),
            leg_cost=np.concatenate([p[5] for p in parts]),
        ),
        float(total),
    )


def _catchment_args(
    catchments: _Catchments | None,
    depots: NDArray[np.int64],
    h_time: NDArray[np.float64],
    h_fuel: NDArray[np.float64],
    q: _Query,
    cell_fuel: NDArray[np.float64],
    cell_speed: NDArray[np.float64],
) -> tuple[Any, ...] | None:
    """`_kernels.label_search`'s catchment arguments, for it to write the band table's rows.

    The catchments by block, per depot the hours on after a stop there
    (`_kernels.depot_hours`), and ``cpar``. ``None`` without catchments, or when some
    weather to come burns less than calm (the catchments end at a calm tank) or never lets
    anything move: the band searches bound the stops then.
    """
    if catchments is None:
        return None
    open_fuel = cell_fuel[np.isfinite(cell_fuel)]
    fuel_factor = float(open_fuel.min()) if open_fuel.size else math.inf
    speed_factor = float(cell_speed.max(initial=0.0))
    if not (1.0 <= fuel_factor < math.inf and speed_factor > 0.0):
        return None
    cpar = np.zeros(kern.N_CPAR, np.float64)
    cpar[kern.C_LITRES_UNIT] = catchments.litres_unit
    cpar[kern.C_HOURS_UNIT] = catchments.hours_unit
    cpar[kern.C_FUEL_FACTOR] = fuel_factor
    cpar[kern.C_SPEED_FACTOR] = speed_factor
    all_depots = catchments.depots
    depot_h = kern.depot_hours(
        catchments.leg_ends,
        catchments.leg_cost,
        all_depots.size,
        np.isin(all_depots, depots),
        h_time[all_depots],
        h_fuel[all_depots],
        q.capacity_l - q.reserve_l,
        q.refuel_h,
        cpar,
    )
    return (
        catchments.block,
        catchments.block_ptr,
        catchments.depot,
        catchments.litres,
        catchments.hours,
        depot_h,
        cpar,
    )


def _band_table(
    forward: tuple[
        NDArray[np.int64],
        NDArray[np.int32],
        NDArray[np.float64],
        NDArray[np.int32],
        NDArray[np.float64],
        NDArray[np.bool_],
    ],
    backward: tuple[NDArray[np.int64], NDArray[np.int32], NDArray[np.float64]],
    h_time: NDArray[np.float64],
    h_fuel: NDArray[np.float64],
    depots: NDArray[np.int64],
    q: _Query,
    band_l: float,
    deficit_l: float,
) -> NDArray[np.float32]:
    """The band table of `_kernels.band_bound`, steered by `_kernels.band_reach`.

    Parameters
    ----------
    forward : tuple of arrays
        CSR ``(indptr, head)``, calm hours and weather cell per arc, the highest speed
        factor per cell and the usable arcs (see `_kernels.band_reach`).
    backward : tuple of arrays
        Reverse CSR ``(rptr, rtail, hours)``, hours being lower bounds per arc.
    h_time, h_fuel : arrays of float64
        Lower bounds on hours and litres to the target.
    depots : array of int64
        Depots with fuel to sell.
    q : _Query
        The query (origin, target, tank, stop hours).
    band_l : float
        Width of a fine deficit band, litres.
    deficit_l : float
        The origin label's deficit, litres.

    Returns
    -------
    table : array of float32
        The band table. When `_kernels.band_bound` gives up short of the origin, both
        searches run again with their slacks widened by `_WIDEN`, at most `_MAX_WIDEN`
        times.
    """
    usable = q.capacity_l - q.reserve_l
    h0 = float(h_time[q.origin])
    stops = max(1, math.ceil(deficit_l / usable - 1e-9))
    widen = 0
    while True:
        factor = _WIDEN**widen
        reach, reach_fill = kern.band_reach(
            *forward,
            h_time,
            h_fuel,
            depots,
            usable,
            q.refuel_h,
            band_l,
            _BANDS_PER_REACH_BAND,
            q.origin,
            deficit_l,
            q.target,
            _REACH_SLACK * q.refuel_h * stops * factor,
        )
        table: NDArray[np.float32]
        table, _fill, reached = kern.band_bound(
            *backward,
            h_time,
            h_fuel,
            reach,
            _BANDS_PER_REACH_BAND,
            reach_fill,
            int(_PAST_BUDGET * h_time.shape[0]),
            depots,
            usable,
            q.refuel_h,
            band_l,
            q.origin,
            deficit_l,
            _BAND_SLACK * h0 * factor,
        )
        del reach
        if reached or not math.isfinite(reach_fill) or widen >= _MAX_WIDEN:
            return table
        widen += 1


_NEAREST_DEPOT: weakref.WeakKeyDictionary[
    CompiledGraph, tuple[NDArray[np.int64], NDArray[np.float64]]
] = weakref.WeakKeyDictionary()
"""Per graph: the depots last asked for and the straight-line km to the nearest of them."""


def _km_to_nearest(
    graph: CompiledGraph, depots: NDArray[np.int64], target: int
) -> NDArray[np.float64]:
    """Straight-line km from every node to the nearest depot or the target (a new array).

    The depots' part (`_kernels.nearest_km`, 55 ms on the 1M lattice) is kept per graph
    for the same depots; the target's is added per query.
    """
    x_km = _f8(graph.node_x_km)
    y_km = _f8(graph.node_y_km)
    found = _NEAREST_DEPOT.get(graph)
    if found is None or not np.array_equal(found[0], depots):
        found = (depots.copy(), kern.nearest_km(x_km, y_km, depots))
        _NEAREST_DEPOT[graph] = found
    km: NDArray[np.float64] = kern.nearest_km(x_km, y_km, np.array([target], np.int64))
    return np.minimum(km, found[1], out=km)


def _search(
    graph: CompiledGraph,
    q: _Query,
    weather: WeatherTable | None,
    banned_arcs: NDArray[np.bool_] | None,
    banned_nodes: NDArray[np.bool_] | None,
    late: _Late | None = None,
) -> _Search:
    """Compute the bounds and run `_kernels.label_search`.

    ``late``: the late table (`_late_table`: per node, fuel-deficit state and deadline,
    the latest time to be there), or None.
    """
    n = graph.n_nodes
    m = graph.n_arcs
    objective = _OBJECTIVES[q.objective]
    finite_tank = math.isfinite(q.capacity_l)
    usable = q.capacity_l - q.reserve_l
    stops_cost_time = (
        objective in (kern.OBJ_TIME, kern.OBJ_PARETO)
        and finite_tank
        and q.refuel_h > 0.0
        and q.capacity_l > q.reserve_l
    )
    # the depot catchments (once per graph and tank) before this query's arrays exist:
    # their build's temporaries (about 250 MB on the 1M lattice at 30 L) would stack on
    # the reverse searches' (peak 1,078 MB when built later, 1,018-1,023 MB now)
    catchments = _catchments(graph, usable) if stops_cost_time and not q.via else None
    indptr = _i8(graph.indptr)
    head = _i4(graph.head)
    ep, arc_cell, node_cell = _weather_cells(graph, weather)
    arc_hours = _f8(graph.arc_hours)
    arc_litres = _f8(graph.arc_litres)
    arc_risk = _f4(graph.arc_risk)
    shelter = _b1(graph.node_shelter)
    depot = _b1(graph.node_depot)
    stock = _f8(graph.node_stock_l)

    maxsp, minff, minrf = _per_cell_bounds(ep, q.depart_h)
    arc_ok = _open_arcs(graph, _allowed_arcs(graph, banned_arcs, banned_nodes), maxsp, arc_cell)

    duty_on = math.isfinite(q.max_drive_h)
    n_ep = np.diff(ep.ptr)
    last_start = np.where(n_ep > 1, ep.start[ep.ptr[1:] - 1], -np.inf)
    t_last = float(last_start.max())
    static = t_last <= q.depart_h

    rptr, rtail, rarc = _reversed(graph)
    points = [*q.via, q.target]
    n_st = len(points)

    def stage_bounds(
        rw1: NDArray[np.float64], rw2: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        # per stage, distances to its via point or the target (weights in reverse-CSR
        # order); the second is `unused` without ``rw2``. Without via points the kernel's
        # arrays are returned as they are: each copy is 8 MB more at the peak on 1M nodes.
        second = rw2 is not no_w
        if n_st == 1:
            src = np.array([q.target], np.int64)
            d1, d2, _r = kern.reverse_dijkstra(
                rptr, rtail, rw1, rw2, src, np.zeros(1), np.inf, q.origin
            )
            return d1.reshape(1, n), d2.reshape(1, n) if second else unused
        d1s = np.empty((n_st, n))
        d2s = np.empty((n_st, n)) if second else unused
        c1 = 0.0
        c2 = 0.0
        for k in range(n_st - 1, -1, -1):
            stop = points[k - 1] if k > 0 else q.origin
            src = np.array([points[k]], np.int64)
            d1, d2, r = kern.reverse_dijkstra(rptr, rtail, rw1, rw2, src, np.zeros(1), np.inf, stop)
            np.add(d1, c1, out=d1s[k])
            if second:
                np.add(d2, c2, out=d2s[k])
                c2 += d2[stop] if math.isfinite(r) else np.inf
            c1 += r
        return d1s, d2s

    no_w = np.empty(0)
    unused = np.empty((0, 0))  # a bound not computed (`_kernels.node_table` writes 0)
    no_band = np.zeros((1, 1), np.float32)
    use_clamp = static and objective == kern.OBJ_TIME
    depots = np.flatnonzero(depot & (stock > 0.0)).astype(np.int64)
    if banned_nodes is not None:
        depots = depots[~banned_nodes[depots]]

    def litres_to_target(rw_litres: NDArray[np.float64]) -> NDArray[np.float64]:
        return stage_bounds(rw_litres, no_w)[0]

    def litres_to_depot(rw_litres: NDArray[np.float64] | None) -> NDArray[np.float64]:
        # litres to the nearest depot or the target, inf past one tank: the exact search
        # when given the litres per arc, else the straight-line bound
        if rw_litres is not None:
            sinks = np.unique(np.append(depots, q.target)).astype(np.int64)
            return kern.reverse_dijkstra(  # type: ignore[no-any-return]
                rptr, rtail, rw_litres, no_w, sinks, np.zeros(sinks.shape[0]), usable + TOL, -1
            )[0]
        per_km = _least_litres_per_km(graph, minff)
        if not per_km > 0.0:  # no straight-line bound (e.g. nodes without coordinates)
            return np.zeros(n)
        lb = _km_to_nearest(graph, depots, q.target)
        np.multiply(lb, per_km * (1.0 - 1e-12), out=lb)
        lb[lb > usable + TOL] = np.inf
        return lb

    # The fuel bounds do not depend on the time bounds: on a large graph they run on a
    # second thread (the kernels release the GIL) while this one computes the time bounds.
    # They are started before the time bound says whether they are needed; they nearly
    # always are when the tank is finite and a stop costs time.
    early_fuel = objective in (kern.OBJ_FUEL, kern.OBJ_PARETO) or (finite_tank and q.refuel_h > 0.0)
    pool = (
        ThreadPoolExecutor(max_workers=1)
        if early_fuel and graph.n_arcs >= _PARALLEL_MIN_ARCS
        else None
    )
    band_wanted = stops_cost_time and not q.via and depots.size > 0
    use_hr = objective in (kern.OBJ_RISK, kern.OBJ_PARETO)
    try:
        # Arc weights under the kindest weather, built in place: on a large lattice every
        # temporary of this size is ~60 MB. The reverse searches read them in reverse-CSR
        # order (the two gathers, ~30 ms each on the 1M lattice, on two threads); only the
        # hours are also needed in forward order (the band search's potential).
        banned = None if arc_ok.all() else ~arc_ok
        w_time = _kindest(arc_hours, maxsp, arc_cell, banned, np.divide)
        fut_rw_time = pool.submit(kern.gather, w_time, rarc) if pool is not None else None
        rw_litres = kern.gather(_kindest(arc_litres, minff, arc_cell, banned, np.multiply), rarc)
        del banned
        # The litres to the target come first: the band searches wait for them, while the
        # depot bound is read only by the label search (0.07 s at 1M, first, held them up).
        fut_h_fuel = pool.submit(litres_to_target, rw_litres) if pool is not None else None
        # (the depot bound holds the litres per arc only if it needs them: it may run while
        # the band searches take their memory)
        depot_litres = rw_litres if m < _EXACT_DEPOT_MAX_ARCS else None
        fut_lb_depot = (
            pool.submit(litres_to_depot, depot_litres) if pool is not None and finite_tank else None
        )
        rw_time = fut_rw_time.result() if fut_rw_time is not None else kern.gather(w_time, rarc)
        del fut_rw_time  # a finished future holds its result: 64 MB on the 1M lattice
        rw_risk = no_w
        if use_hr:
            with np.errstate(invalid="ignore"):
                w_risk = np.where(arc_ok, w_time * arc_risk * minrf[arc_cell], np.inf)
            rw_risk = kern.gather(_f8(np.where(np.isnan(w_risk), np.inf, w_risk)), rarc)
            del w_risk
        del w_time  # `_kernels.band_reach` computes its hours as it goes
        h_time, fast_l = stage_bounds(
            rw_time, rw_litres if static and objective == kern.OBJ_TIME else no_w
        )
        stg0 = 0
        while stg0 < len(q.via) and q.via[stg0] == q.origin:
            stg0 += 1
        # The fastest route is within range and duty: more fuel cannot help, nor can depots.
        trivially_in_range = (
            use_clamp
            and q.start_fuel_l - q.reserve_l >= fast_l[stg0, q.origin] - TOL
            and (not duty_on or h_time[stg0, q.origin] <= q.max_drive_h + TOL)
        )
        use_hf = objective in (kern.OBJ_FUEL, kern.OBJ_PARETO) or (
            finite_tank and q.refuel_h > 0.0 and not trivially_in_range
        )
        refuel_bound = stops_cost_time and use_hf
        use_band = band_wanted and refuel_bound
        h_fuel = unused
        if use_hf:
            h_fuel = fut_h_fuel.result() if fut_h_fuel else litres_to_target(rw_litres)
        h_risk = stage_bounds(rw_risk, no_w)[0] if use_hr else unused
        del rw_risk
        lb_depot = np.zeros(n)
        want_lb_depot = finite_tank and not trivially_in_range
        if want_lb_depot and fut_lb_depot is None:
            lb_depot = litres_to_depot(depot_litres)
        del (
            rw_litres,
            depot_litres,
        )  # before the band searches: 64 MB less at their peak on the 1M lattice
        h_band = no_band
        band_l = 0.0
        c_args: tuple[Any, ...] = _NO_CATCHMENTS
        if use_band:
            band_l = usable / _BANDS_PER_TANK
            deficit = h_fuel[0, q.origin] - (q.start_fuel_l - q.reserve_l)
            from_catchments = _catchment_args(
                catchments, depots, h_time[0], h_fuel[0], q, minff, maxsp
            )
            if from_catchments is not None:
                # rows written by the label search as it reads them (a few per cent of them)
                c_args = from_catchments
                n_slots = kern.band_slots(h_fuel[0], h_time[0], usable, band_l)
                h_band = np.empty((0, n_slots), np.float32)
            else:
                h_band = _band_table(
                    (indptr, head, arc_hours, arc_cell, _f8(maxsp), arc_ok),
                    (rptr, rtail, rw_time),
                    h_time[0],
                    h_fuel[0],
                    depots,
                    q,
                    band_l,
                    deficit if math.isfinite(deficit) else 0.0,
                )
        # the weighted arcs only fed the bounds: free them before the labels take memory
        del rw_time
        if want_lb_depot and fut_lb_depot is not None:
            lb_depot = fut_lb_depot.result()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)  # bounds not asked for are dropped
    del fut_h_fuel, fut_lb_depot  # (their results: 16 MB on the 1M lattice)

    if graph.n_arcs >= _PARALLEL_MIN_ARCS:
        _return_freed_memory()
    # The bounds are copied into the node table: free them before the labels take memory.
    # The fuel cap (time objective) and the risk bound (risk, pareto) share a column.
    node_tab = kern.node_table(
        h_time,
        h_fuel,
        fast_l if use_clamp else h_risk,
        _f8(lb_depot),
        stock,
        shelter,
        depot,
        node_cell,
    )
    del h_time, h_fuel, h_risk, fast_l, lb_depot

    fpar = np.array(
        [
            q.depart_h,
            q.capacity_l,
            q.start_fuel_l,
            q.reserve_l,
            q.refuel_h,
            q.max_drive_h,
            q.rest_h,
            q.deadline_h,
            t_last,
            TOL,
            band_l,
            (_NO_LATE if late is None else late)[3],
        ],
        np.float64,
    )
    ipar = np.array(
        [
            objective,
            int(use_clamp),
            int(use_hf),
            int(use_hr),
            int(refuel_bound),
            int(duty_on),
            q.max_labels,
            h_band.shape[1] if h_band is not no_band else 0,
            int(q.stop_when_full),
            min(q.max_labels, _reserve_rows()),
            int(c_args is not _NO_CATCHMENTS),
        ],
        np.int64,
    )
    args = (
        indptr,
        head,
        arc_hours,
        arc_litres,
        arc_risk,
        arc_cell,
        arc_ok,
        shelter,
        node_cell,
        node_tab,
        ep.ptr,
        ep.start,
        ep.open,
        ep.speed,
        ep.fuel,
        ep.risk,
        ep.stand,
        ep.fuel_min,
        q.origin,
        q.target,
        np.array(q.via, np.int64),
        *(_NO_LATE if late is None else late)[:3],
        h_band,
        *c_args,
        fpar,
        ipar,
    )
    try:
        status, settled, n_labels, result, lab_f, link, dep = kern.label_search(*args)
    except MemoryError:
        # the system refused the up-front reservation (strict overcommit): grow instead
        ipar[_IPAR_RESERVE] = 0
        status, settled, n_labels, result, lab_f, link, dep = kern.label_search(*args)
    return _Search(
        status=int(status),
        settled=int(settled),
        n_labels=int(n_labels),
        result=result,
        lab_f=lab_f,
        link=link,
        dep=dep,
        query=q,
        weather=weather,
        epochs=ep,
        arc_cell=arc_cell,
        node_cell=node_cell,
    )


# ------------------------------------------------------------------------------------------
# Reading the labels back
# ------------------------------------------------------------------------------------------


def _chain(s: _Search, lab: int) -> list[int]:
    out = []
    while lab >= 0:
        out.append(lab)
        lab = int(s.link[lab, kern.LK_PRED])
    out.reverse()
    return out


def _wait_cause(graph: CompiledGraph, s: _Search, pred: int, arc: int, dep: float) -> WaitCause:
    q = s.query
    ep = s.epochs
    t = float(s.lab_f[pred, kern.LF_T])
    cell = int(s.arc_cell[arc])
    hours = float(graph.arc_hours[arc])
    status, _arr, _drive, _k = kern.traverse_arc(
        ep.ptr, ep.start, ep.open, ep.speed, cell, t, hours
    )
    if status != kern.TRAV_OK:
        return "weather"
    dur = kern.charged_hours(ep.ptr, ep.start, ep.open, ep.speed, cell, t, hours, q.depart_h)
    v = int(s.lab_i[pred, kern.LI_NODE])
    if (
        math.isfinite(q.max_drive_h)
        and bool(graph.node_shelter[v])
        and dep - t >= q.rest_h - TOL
        and float(s.lab_f[pred, kern.LF_DRIVE]) + dur > q.max_drive_h + TOL
    ):
        return "rest"
    return "cheaper"


def _plan(graph: CompiledGraph, s: _Search, lab: int) -> RawPlan:
    """Turn the predecessor chain of a target label into a `RawPlan`.

    Fuel is re-simulated from the start: the search may cap a label's fuel at what the
    rest of the route needs, the plan reports the real tank content.
    """
    q = s.query
    lf = s.lab_f
    li = s.lab_i
    chain = _chain(s, lab)
    steps: list[Step] = []
    fuel = q.start_fuel_l
    refuelled = 0.0
    driving = 0.0
    for prev, cur in itertools.pairwise(chain):
        kind = int(li[cur, kern.LI_TAGS]) & kern.KIND_MASK
        v = int(li[prev, kern.LI_NODE])
        t0 = float(lf[prev, kern.LF_T])
        t1 = float(lf[cur, kern.LF_T])
        if kind == kern.KIND_DRIVE:
            arc = int(s.link[cur, kern.LK_ARC])
            dep = float(s.dep[cur])
            if dep > t0:
                cause = _wait_cause(graph, s, prev, arc, dep)
                steps.append(Step("wait", v, -1, t0, dep, fuel, fuel, 0.0, cause))
            burnt = float(lf[cur, kern.LF_BURN] - lf[prev, kern.LF_BURN])
            risk = float(lf[cur, kern.LF_RISK] - lf[prev, kern.LF_RISK])
            steps.append(Step("drive", v, arc, dep, t1, fuel, fuel - burnt, risk))
            fuel -= burnt
            driving += t1 - dep
        elif kind == kern.KIND_REFUEL:
            after = min(q.capacity_l, fuel + float(graph.node_stock_l[v]))
            steps.append(Step("refuel", v, -1, t0, t1, fuel, after, 0.0))
            refuelled += after - fuel
            fuel = after
        else:
            steps.append(Step("rest", v, -1, t0, t1, fuel, fuel, 0.0))
    return RawPlan(
        steps=tuple(steps),
        arrive_h=float(lf[lab, kern.LF_T]),
        fuel_used_l=float(lf[lab, kern.LF_BURN]),
        refuelled_l=refuelled,
        risk=float(lf[lab, kern.LF_RISK]),
        driving_h=driving,
    )


def _fits_tank(plan: RawPlan, q: _Query) -> bool:
    """Whether a plan found with an unlimited tank is legal with the real one."""
    for st in plan.steps:
        if st.fuel_after_l < q.reserve_l - TOL:
            return False
        if st.kind == "refuel" and not st.fuel_before_l < q.capacity_l - TOL:
            return False
    return True


def _better(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Lexicographic a < b with tolerance on every float but the last (an exact id)."""
    for x, y in zip(a[:-1], b[:-1], strict=True):
        if x < y - TOL:
            return True
        if x > y + TOL:
            return False
    return a[-1] < b[-1]


def _plans(graph: CompiledGraph, s: _Search) -> tuple[RawPlan, ...]:
    q = s.query
    ids = [int(x) for x in s.result]
    plans = {i: _plan(graph, s, i) for i in ids}

    def key(i: int) -> tuple[float, ...]:
        p = plans[i]
        n = float(len(p.steps))
        if q.objective == "fuel":
            return (p.fuel_used_l, p.arrive_h, n, float(i))
        if q.objective == "risk":
            return (p.risk, p.arrive_h, n, float(i))
        return (p.arrive_h, p.fuel_used_l, n, float(i))

    if q.objective == "pareto":
        order = sorted(
            ids, key=lambda i: (plans[i].arrive_h, plans[i].fuel_used_l, plans[i].risk, i)
        )
        return tuple(plans[i] for i in order)
    best = ids[0]
    for i in ids[1:]:
        if _better(key(i), key(best)):
            best = i
    return (plans[best],)


# ------------------------------------------------------------------------------------------
# Explaining infeasibility
# ------------------------------------------------------------------------------------------


def _fmt_h(t: float) -> str:
    if t == -math.inf:
        return "the start of the forecast"
    if t == math.inf:
        return "the end of the forecast (it stays closed)"
    return f"{t:.1f} h"


def _range_reason(
    graph: CompiledGraph,
    q: _Query,
    weather: WeatherTable | None,
    banned_arcs: NDArray[np.bool_] | None,
    banned_nodes: NDArray[np.bool_] | None,
) -> str:
    """Why the tank binds: the least range between refuelling points that any route needs.

    The fastest route's longest stretch without a depot is not the answer: on a raster it
    passes no depot at all, although depots lie within reach off it. `_kernels.range_reach`
    answers whether a tank gets through when time plays no part (each arc at its least
    litres under the weather); a bisection on the tank finds the least range that does,
    and the route it finds names the stretch that needs it.
    """
    usable = q.capacity_l - q.reserve_l
    start_l = q.start_fuel_l - q.reserve_l
    ep, arc_cell, _node_cell = _weather_cells(graph, weather)
    maxsp, minff, _minrf = _per_cell_bounds(ep, q.depart_h)
    arc_ok = _open_arcs(graph, _allowed_arcs(graph, banned_arcs, banned_nodes), maxsp, arc_cell)
    banned = None if arc_ok.all() else ~arc_ok
    litres = _kindest(_f8(graph.arc_litres), minff, arc_cell, banned, np.multiply)
    refuel = graph.node_depot & (graph.node_stock_l > 0.0)
    if banned_nodes is not None:
        refuel = refuel & ~banned_nodes
    refuel = _b1(refuel)
    stages = np.array([*q.via, q.target], np.int64)
    final = stages.shape[0] * graph.n_nodes + q.target
    indptr = _i8(graph.indptr)
    head = _i4(graph.head)

    def reach(first_l: float, leg_l: float) -> NDArray[np.int32] | None:
        # the arcs of a route that gets through, else None
        left, route = kern.range_reach(
            indptr, head, litres, refuel, stages, q.origin, first_l, leg_l, TOL
        )
        return route if left[final] > -math.inf else None

    def least(ok: Callable[[float], bool], lo: float) -> float:
        # the least litres in (lo, ...) for which ``ok`` holds, to 0.01 L (inf: none)
        hi = max(2.0 * lo, 1.0)
        while not ok(hi):
            lo, hi = hi, 2.0 * hi
            if hi > 1e9:
                return math.inf
        while hi - lo > 0.01:
            mid = 0.5 * (lo + hi)
            lo, hi = (lo, mid) if ok(mid) else (mid, hi)
        return hi

    def legs(first_l: float, leg_l: float) -> list[tuple[list[int], float, float]]:
        # the route `range_reach` finds, cut at refuelling points: (nodes, litres, km)
        route = reach(first_l, leg_l)
        assert route is not None
        out: list[tuple[list[int], float, float]] = []
        nodes, used, km = [q.origin], 0.0, 0.0
        for arc in route.tolist():
            w = int(graph.head[arc])
            nodes.append(w)
            used += float(litres[arc])
            km += float(graph.arc_km[arc])
            if refuel[w]:
                out.append((nodes, used, km))
                nodes, used, km = [w], 0.0, 0.0
        if len(nodes) > 1:
            out.append((nodes, used, km))
        return out

    def stretch(leg: tuple[list[int], float, float]) -> str:
        nodes, used, km = leg
        a, b = nodes[0], nodes[-1]
        what = f"arc {a}->{b}" if len(nodes) == 2 else f"the {len(nodes) - 1}-arc stretch {a}->{b}"
        return f"{what} ({km:.0f} km, {used:.0f} L)"

    if reach(start_l, usable) is not None:
        return (
            f"fuel runs short: with {usable:.0f} L usable the depots on the way cannot supply "
            "enough (limited stock per stop, or refuelling impossible in closed weather)"
        )
    if start_l < usable - TOL and reach(usable, usable) is not None:
        need = least(lambda x: reach(x, usable) is not None, start_l)
        first = legs(need, usable)[0]
        # (the first leg's own litres: the bisection's value is up to 0.01 L above them)
        at_least = math.ceil(10.0 * (first[1] + q.reserve_l) - 1e-9) / 10.0  # up: enough
        return (
            f"the vehicle starts with {start_l:.0f} L usable, but {stretch(first)} comes "
            f"before the first depot: start with at least {at_least:g} L"
        )
    need = least(lambda x: reach(x, x) is not None, usable)
    if not math.isfinite(need):
        return f"fuel runs short: no tank covers the trip with {usable:.0f} L usable"
    worst = max(legs(need, need), key=lambda leg: leg[1])
    have_km = usable * worst[2] / worst[1] if worst[1] > 0 else math.inf
    needed = math.floor(10.0 * worst[1] + 1e-9) / 10.0  # down: "or more" stays true
    return (
        f"usable range {usable:.0f} L = {have_km:.0f} km is short: every route needs "
        f"{needed:g} L or more between refuelling points, and the one that needs least has "
        f"{stretch(worst)} with no depot in between"
    )


def _weather_reason(graph: CompiledGraph, q: _Query, weather: WeatherTable, plan: RawPlan) -> str:
    ep = _epochs(weather)
    t = q.depart_h
    in_cell = -1
    waited: list[int] = []
    for st in plan.steps:
        if st.kind in ("rest", "refuel"):
            t += st.end_h - st.start_h
            continue
        if st.kind != "drive":
            continue
        u = st.node
        e = st.arc
        c = int(graph.arc_cell[e])
        sl = ep.cell_slice(c)
        stand = float(
            kern.stand_limit(
                bool(graph.node_shelter[u]),
                ep.ptr,
                ep.start,
                ep.open,
                ep.stand,
                int(graph.node_cell[u]),
                in_cell,
                t,
            )
        )
        cands = [t] + [float(x) for x in ep.start[sl] if t < x <= stand]
        for tau in cands:
            status, arr, _d, _k = kern.traverse_arc(
                ep.ptr, ep.start, ep.open, ep.speed, c, tau, float(graph.arc_hours[e])
            )
            if status == kern.TRAV_OK:
                if tau > t:
                    waited.append(u)
                t = arr
                in_cell = c
                break
        else:
            status, stop, _d, k = kern.traverse_arc(
                ep.ptr, ep.start, ep.open, ep.speed, c, t, float(graph.arc_hours[e])
            )
            if status == kern.TRAV_CLOSED_ON_WAY:
                k = int(kern._epoch_of(ep.ptr, ep.start, c, stop))
                since = stop
            else:
                since = float(ep.start[k])
            until = math.inf
            for j in range(k + 1, sl.stop):
                if ep.open[j]:
                    until = float(ep.start[j])
                    break
            w = int(graph.head[e])
            msg = (
                f"blocked at node {u}: arc {u}->{w} (weather cell {c}) is closed from "
                f"{_fmt_h(since)} until {_fmt_h(until)}"
            )
            if not graph.node_shelter[u]:
                msg += (
                    f"; node {u} is not a shelter and its weather is closed too, so the "
                    "vehicle cannot wait there"
                )
            return msg
    where = f" (waiting at nodes {sorted(set(waited))})" if waited else ""
    if math.isfinite(q.deadline_h) and t > q.deadline_h + TOL:
        return (
            f"weather closures delay the calm route to {t:.1f} h{where}, after the deadline "
            f"{_fmt_h(q.deadline_h)}, and no other route makes it"
        )
    # the calm route gets through in time, but not within the tank or the duty limit:
    # the weather slows its drives or raises its burn
    limits = [
        what
        for what, binds in (
            ("the tank's range", math.isfinite(q.capacity_l)),
            ("the duty limit", math.isfinite(q.max_drive_h)),
        )
        if binds
    ]
    return (
        f"in this weather the calm route arrives at {t:.1f} h{where}, but slower driving "
        f"or a higher fuel burn break {' or '.join(limits) or 'its limits'} on the way, "
        "and no other route keeps them"
    )


def _duty_reason(graph: CompiledGraph, q: _Query, plan: RawPlan) -> str:
    worst = 0.0
    span = (q.origin, q.origin)
    run = 0.0
    start = q.origin
    for st in plan.steps:
        stood = st.end_h - st.start_h
        if st.kind == "rest" or (
            st.kind in ("wait", "refuel")
            and graph.node_shelter[st.node]
            and stood >= q.rest_h - TOL
        ):
            run = 0.0
            start = st.node
        elif st.kind == "drive":
            if run == 0.0:
                start = st.node
            run += stood
            if run > worst:
                worst = run
                span = (start, int(graph.head[st.arc]))
    if worst > q.max_drive_h + TOL:
        return (
            f"driving {worst:.1f} h from node {span[0]} to node {span[1]} without a "
            f"shelter to rest at exceeds max_drive_h = {q.max_drive_h:.1f} h"
        )
    return (
        f"crew duty (max_drive_h = {q.max_drive_h:.1f} h, rest_h = {q.rest_h:.1f} h) "
        "cannot be met together with the other constraints"
    )


def _explain(
    graph: CompiledGraph,
    q: _Query,
    weather: WeatherTable | None,
    banned_arcs: NDArray[np.bool_] | None,
    banned_nodes: NDArray[np.bool_] | None,
) -> tuple[Binding, str]:
    relax: list[Binding] = []
    if math.isfinite(q.capacity_l) or math.isfinite(q.start_fuel_l) or q.reserve_l > 0:
        relax.append("range")
    if weather is not None:
        relax.append("weather")
    if math.isfinite(q.max_drive_h):
        relax.append("duty")
    if math.isfinite(q.deadline_h):
        relax.append("deadline")

    def attempt(names: Sequence[Binding]) -> _Search:
        r = replace(q, objective="time")
        w = weather
        if "range" in names:
            r = replace(r, capacity_l=math.inf, start_fuel_l=math.inf, reserve_l=0.0)
        if "weather" in names:
            w = None
        if "duty" in names:
            r = replace(r, max_drive_h=math.inf)
        if "deadline" in names:
            r = replace(r, deadline_h=math.inf)
        return _search(graph, r, w, banned_arcs, banned_nodes)

    for name in relax:
        s = attempt([name])
        if s.status != kern.STATUS_FOUND:
            continue
        plan = _plans(graph, s)[0]
        if name == "range":
            return name, _range_reason(graph, q, weather, banned_arcs, banned_nodes)
        if name == "weather":
            assert weather is not None
            return name, _weather_reason(graph, q, weather, plan)
        if name == "duty":
            return name, _duty_reason(graph, q, plan)
        return name, (
            f"the earliest feasible arrival is {plan.arrive_h:.1f} h, after the deadline "
            f"{q.deadline_h:.1f} h"
        )
    for k in range(2, len(relax) + 1):
        for combo in itertools.combinations(relax, k):
            if attempt(combo).status == kern.STATUS_FOUND:
                names = " and ".join(combo)
                return combo[0], (
                    f"no single constraint explains it; relaxing {names} together gives a plan"
                )
    through = f" through via nodes {list(q.via)}" if q.via else ""
    return "unreachable", (
        f"no route from node {q.origin} to node {q.target}{through} over the allowed arcs"
    )


# ------------------------------------------------------------------------------------------
# Public entry
# ------------------------------------------------------------------------------------------


def _check_node(name: str, node: int, n: int) -> int:
    if isinstance(node, bool) or not isinstance(node, int | np.integer) or not 0 <= node < n:
        msg = f"{name} must be a node index in [0, {n}), got {node!r}"
        raise UnknownPlaceError(msg)
    return int(node)


def _check_mask(name: str, mask: NDArray[np.bool_] | None, size: int) -> NDArray[np.bool_] | None:
    if mask is None:
        return None
    arr = np.asarray(mask)
    if arr.dtype != np.bool_ or arr.shape != (size,):
        msg = f"{name} must be a bool array of shape ({size},), got {arr.dtype} {arr.shape}"
        raise ValueError(msg)
    return np.ascontiguousarray(arr)


def _check_weather(graph: CompiledGraph, weather: WeatherTable) -> None:
    shape = weather.open.shape
    arrays = (weather.speed_factor, weather.fuel_factor, weather.risk_factor)
    if len(shape) != 2 or shape[1] < 1 or any(np.shape(a) != shape for a in arrays):
        msg = (
            "WeatherTable arrays must share one (n_cells, n_steps) shape with n_steps >= 1, "
            f"got open {shape} and factors {[np.shape(a) for a in arrays]}"
        )
        raise WeatherError(msg)
    if not (math.isfinite(weather.step_h) and weather.step_h > 0) or not math.isfinite(
        weather.t0_h
    ):
        msg = f"step_h must be > 0 and t0_h finite, got {weather.step_h!r}, {weather.t0_h!r}"
        raise WeatherError(msg)
    used = max(int(graph.arc_cell.max(initial=0)), int(graph.node_cell.max(initial=0)))
    if (
        used >= shape[0]
        or min(int(graph.arc_cell.min(initial=0)), int(graph.node_cell.min(initial=0))) < 0
    ):
        msg = f"the graph uses weather cells up to {used} but the table has {shape[0]} cells"
        raise WeatherError(msg)
    spd = np.asarray(weather.speed_factor, dtype=np.float64)
    ful = np.asarray(weather.fuel_factor, dtype=np.float64)
    rsk = np.asarray(weather.risk_factor, dtype=np.float64)
    if not (np.all(np.isfinite(spd)) and np.all(spd > 0)):
        msg = "speed_factor must be finite and > 0 everywhere"
        raise WeatherError(msg)
    if not (np.all(np.isfinite(ful)) and np.all(ful >= 0) and np.all(np.isfinite(rsk))):
        msg = "fuel_factor and risk_factor must be finite and >= 0 everywhere"
        raise WeatherError(msg)
    if not np.all(rsk >= 0):
        msg = "risk_factor must be >= 0 everywhere"
        raise WeatherError(msg)


def solve(
    graph: CompiledGraph,
    origin: int,
    target: int,
    *,
    weather: WeatherTable | None = None,
    depart_h: float = 0.0,
    capacity_l: float,
    start_fuel_l: float | None = None,
    reserve_l: float = 0.0,
    refuel_h: float = 0.0,
    max_drive_h: float = math.inf,
    rest_h: float | None = None,
    deadline_h: float = math.inf,
    via: Sequence[int] = (),
    objective: Objective = "time",
    banned_arcs: NDArray[np.bool_] | None = None,
    banned_nodes: NDArray[np.bool_] | None = None,
    max_labels: int = 50_000_000,
) -> SolveResult:
    """Find an exact optimal plan from ``origin`` to ``target``.

    Parameters
    ----------
    graph : CompiledGraph
        The compiled network (node and arc indices refer to it).
    origin, target : int
        Node indices.
    weather : WeatherTable or None
        Time-dependent passability and factors; None = calm and open everywhere, always.
    depart_h : float
        Departure time, hours since the solver epoch.
    capacity_l : float
        Tank capacity, litres (``inf`` = unlimited).
    start_fuel_l : float or None
        Litres in the tank at departure; None = full.
    reserve_l : float
        Litres that must always stay in the tank.
    refuel_h : float
        Duration of a refuelling stop, hours.
    max_drive_h : float
        Most hours of driving between two rests (``inf`` = no duty limit).
    rest_h : float or None
        Length of a rest, hours; None = ``24 - max_drive_h``.
    deadline_h : float
        Latest allowed arrival, hours since the solver epoch.
    via : sequence of int
        Nodes to visit in this order before the target.
    objective : {"time", "fuel", "risk", "pareto"}
        Earliest arrival (ties: fewer litres, then fewer steps); least litres burnt (ties:
        earliest); least risk (ties: earliest); or every plan not dominated in
        (arrival, litres burnt, risk).
    banned_arcs : bool array of shape (n_arcs,), optional
        Arcs that may not be used.
    banned_nodes : bool array of shape (n_nodes,), optional
        Nodes that may not be visited.
    max_labels : int
        Safety limit on the labels the search may create (memory: 80 to 170 bytes each,
        label, queue and dominance rows; at most 2**31 - 1).

    Returns
    -------
    SolveResult
        ``feasible``, the plan(s), the work done, and when infeasible the binding
        constraint and a reason in node-index terms.

    Raises
    ------
    UnknownPlaceError
        A node index is out of range.
    VehicleError
        Tank, reserve, duty or stop parameters are inconsistent.
    WeatherError
        The weather table is malformed or does not cover the graph's cells.
    ValueError
        Bad objective or mask.

    Notes
    -----
    Semantics (docs/architecture.md): travel time follows Ichoua, Gendreau & Potvin (2003)
    with ``speed_factor`` per (cell, step); an arc may be entered at t only if its cell
    stays open over the half-open traversal [t, arrival); fuel on an arc is calm litres x
    the fuel factor of the entry step, risk is charged hours x arc risk x the risk factor
    of the entry step. The vehicle may stand still at a shelter at any time and elsewhere
    while the node's cell is open. It leaves a node now or at a later epoch start of the
    arc's cell (an epoch is a maximal run of steps with identical values), provided it may
    stand until then. A depot sells up to its stock per visit (one refuelling stop per
    visit, filling to capacity or to what the stock allows). A rest is a stop of
    ``rest_h`` at a shelter; a weather wait or a refuelling stop at a shelter that lasts at
    least ``rest_h`` also resets the duty clock.

    One refinement of the halting rule: a vehicle that has just arrived over an arc may
    also halt at the end of that arc while the arc's cell is open (it stops short of the
    node, in the weather it drove through). With it, the departure rule above and the
    dominance rule of docs/architecture.md are exact together; without it, a label that
    reaches an open-country node earlier can be stuck where a later one is not.

    Crew duty and risk charge each arc the longest drive of any departure within the
    epoch in which it is entered (`arcticroute._kernels.charged_hours`): the actual drive
    when the speed factor does not change on the way, a little more when it rises during
    the traversal. Like fuel, they then depend on the entry epoch only.

    For the time objective without via points, a relaxation is solved first
    (`arcticroute._kernels.earliest_arrival_path`: no tank, no duty limit, waiting allowed
    anywhere; one label per node, since the speed model is FIFO). No plan arrives earlier,
    so when its path, replayed under the real rules, needs no refuelling stop, stands only
    where it may and keeps the duty limit and the deadline, it is the answer. On graphs of
    at least 20,000 nodes its A* bound also uses eight landmarks (calm hours to and from
    each), built at the graph's second query and kept while the graph lives.

    Otherwise the search is a multi-label A* (see `arcticroute._kernels.label_search`): a label
    dominates another at the same node and via stage when it is no later, has at least the
    fuel, no more duty hours (and no more litres burnt / risk for the objectives that
    count them), may stand still until the later time and may halt there under the same
    weather rights. This is exact: the earlier label can leave at the later one's time or
    at the start of its epoch, arrive no later and pay the same fuel, duty and risk.

    Its keys are lower bounds on the hours still needed: the calm (fastest-weather) hours
    to the target, from a reverse Dijkstra. A label short of fuel for the target (a
    deficit of ``d`` litres against the least litres to it) also pays the ``ceil(d /
    usable)`` stops the deficit forces and, without via points, the band bound
    (`arcticroute._kernels.band_bound`): its first stop must be at a depot at least ``d``
    litres from the target (it cannot burn less than the difference on the way), and each
    later stop within a tank of the one before in the same sense. That search runs over
    (node, deficit band) states, a sixteenth of a tank per band, as an A* towards the
    origin whose potential (`arcticroute._kernels.band_reach`, the same search forwards
    on bands four times as wide) counts the stops a vehicle needs to get anywhere. In
    place of those two searches, the depot catchments give the same kind of bound with
    the first leg exact in litres and the legs between depots exact: per graph and tank,
    every node within a tank of each depot with its least litres and fastest hours there
    (`arcticroute._kernels.depot_catchments`), with one entry per node when they fit,
    else per block of neighbouring nodes, built at a graph's second query (at its first
    on graphs under 200,000 arcs when they fit one per node) and kept while the graph
    lives; each bound's row is written the first time the label search reads it.
    """
    n = graph.n_nodes
    o = _check_node("origin", origin, n)
    t = _check_node("target", target, n)
    vias = tuple(_check_node("via", v, n) for v in via)
    if len(vias) > _MAX_VIA:
        msg = f"at most {_MAX_VIA} via points, got {len(vias)}; split the trip into legs"
        raise ValueError(msg)
    if objective not in _OBJECTIVES:
        msg = f"objective must be one of {sorted(_OBJECTIVES)}, got {objective!r}"
        raise ValueError(msg)
    cap = float(capacity_l)
    start = cap if start_fuel_l is None else float(start_fuel_l)
    if not cap > 0:
        msg = f"capacity_l must be > 0 litres, got {capacity_l!r}"
        raise VehicleError(msg)
    if not 0 <= reserve_l <= cap or math.isinf(reserve_l):
        msg = f"reserve_l must be in [0, capacity_l = {cap}], got {reserve_l!r}"
        raise VehicleError(msg)
    if not 0 <= start <= cap:
        msg = f"start_fuel_l must be in [0, capacity_l = {cap}], got {start_fuel_l!r}"
        raise VehicleError(msg)
    if not (0 <= refuel_h < math.inf):
        msg = f"refuel_h must be a finite number of hours >= 0, got {refuel_h!r}"
        raise VehicleError(msg)
    if not max_drive_h > 0:
        msg = f"max_drive_h must be > 0 hours, got {max_drive_h!r}"
        raise VehicleError(msg)
    rest = (24.0 - max_drive_h) if rest_h is None else float(rest_h)
    if math.isfinite(max_drive_h) and not (0 < rest < math.inf):
        msg = (
            f"rest_h must be a finite number of hours > 0 (got {rest!r}); pass rest_h "
            "explicitly when max_drive_h >= 24"
        )
        raise VehicleError(msg)
    if not math.isfinite(max_drive_h):
        rest = math.inf
    if not math.isfinite(depart_h) or math.isnan(deadline_h):
        msg = f"depart_h must be finite and deadline_h a number, got {depart_h!r}, {deadline_h!r}"
        raise ValueError(msg)
    if weather is not None:
        _check_weather(graph, weather)
    b_arcs = _check_mask("banned_arcs", banned_arcs, graph.n_arcs)
    b_nodes = _check_mask("banned_nodes", banned_nodes, n)
    q = _Query(
        origin=o,
        target=t,
        via=vias,
        depart_h=float(depart_h),
        capacity_l=cap,
        start_fuel_l=start,
        reserve_l=float(reserve_l),
        refuel_h=float(refuel_h),
        max_drive_h=float(max_drive_h),
        rest_h=rest,
        deadline_h=float(deadline_h),
        objective=objective,
        max_labels=min(int(max_labels), _MAX_LABELS),
    )
    if b_nodes is not None:
        for name, node in (("origin", o), ("target", t), *(("via", v) for v in vias)):
            if b_nodes[node]:
                return SolveResult(False, (), 0, f"the {name} node {node} is banned", "unreachable")
    fast, relaxed_h = _fastest(graph, q, weather, b_arcs, b_nodes)
    if fast is not None:
        return fast
    allowed = _allowed_arcs(graph, b_arcs, b_nodes)

    @functools.cache
    def late(query: _Query) -> _Late | None:  # built once per query, by its first search
        return _late_table(graph, query, weather, allowed)

    def tank_binds() -> bool:
        # the tank's own relaxation arrives later than the relaxation without one: the
        # relaxed optimum will not fit the tank, so a long relaxed search is given up
        table = late(q)
        if table is None:
            return False
        free_h = relaxed_h
        if math.isnan(free_h):  # (`_fastest` did not search: the tank is short of the line)
            found = _relaxed_path(graph, q, weather, allowed)
            free_h = math.nan if found is None else found[0]
        return bool(table[1][0] > free_h + TOL)

    hard = False

    if math.isfinite(q.capacity_l) and not (
        q.objective == "time" and not q.via and _is_static(weather, q.depart_h)
    ):
        # Relax the tank first: when the relaxed optimum (every plan of the Pareto set)
        # never dips below the reserve, it is the answer, and fuel never splits labels.
        # Refuelling stops stay allowed with the full tank: a stop may matter as a stop.
        relaxed = replace(
            q, capacity_l=math.inf, start_fuel_l=math.inf, reserve_l=0.0, stop_when_full=True
        )
        s = _search_late(graph, relaxed, weather, b_arcs, b_nodes, late, tank_binds)
        hard = s.status == kern.STATUS_LABEL_LIMIT
        if s.status == kern.STATUS_INFEASIBLE:
            binding, reason = _explain(graph, q, weather, b_arcs, b_nodes)
            return SolveResult(False, (), s.settled, reason, binding)
        if s.status == kern.STATUS_FOUND:
            plans = _plans(graph, replace(s, query=q))
            if all(_fits_tank(p, q) for p in plans):
                return SolveResult(True, plans, s.settled)
    s = _search_late(graph, q, weather, b_arcs, b_nodes, late, table_first=hard)
    if s.status == kern.STATUS_FOUND:
        return SolveResult(True, _plans(graph, s), s.settled)
    if s.status == kern.STATUS_LABEL_LIMIT:
        return SolveResult(
            False,
            (),
            s.settled,
            f"search stopped after creating max_labels = {q.max_labels} labels",
            "none",
        )
    binding, reason = _explain(graph, q, weather, b_arcs, b_nodes)
    return SolveResult(False, (), s.settled, reason, binding)
