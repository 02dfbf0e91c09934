"""Hypothesis strategies, a brute-force oracle and a plan checker for the exact solver.

Everything here re-implements the plan semantics of docs/architecture.md plainly, step by
step over the raw `WeatherTable`, without calling the solver's kernels, so the tests compare
two independent readings of the rules.

All random numbers are dyadic (multiples of 1/4, speed factors 1/2, 1, 2), so both sides
compute exactly and ties are real ties.

Profiles: ``ci`` (default, bounded), ``dev`` (more examples) and ``stress`` (for a long
run); pick one with the ``HYPOTHESIS_PROFILE`` environment variable.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from arcticroute.solver import CompiledGraph, RawPlan, WeatherTable

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "stress",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TOL = 1e-9
INF = math.inf


# ------------------------------------------------------------------------------------------
# Strategies
# ------------------------------------------------------------------------------------------


def make_graph(
    n: int,
    arcs: Sequence[tuple[int, int, float, float, float, int]],
    *,
    shelter: Sequence[bool] | None = None,
    depot_stock: dict[int, float] | None = None,
    node_cell: Sequence[int] | None = None,
    xy_km: Sequence[tuple[float, float]] | None = None,
) -> CompiledGraph:
    """Build a CompiledGraph from ``(tail, head, hours, litres, risk, cell)`` tuples.

    Nodes sit at ``xy_km`` (all at the origin by default): the straight-line bounds scale
    by the least hours or litres per km of any arc, so any placement keeps them valid.
    """
    order = sorted(range(len(arcs)), key=lambda i: (arcs[i][0], i))
    tails = np.array([arcs[i][0] for i in order], np.int64)
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(tails, minlength=n), out=indptr[1:])
    hours = np.array([arcs[i][2] for i in order], np.float64)
    stock = np.zeros(n)
    depot = np.zeros(n, np.bool_)
    for v, s in (depot_stock or {}).items():
        depot[v] = True
        stock[v] = s
    return CompiledGraph(
        indptr=indptr,
        head=np.array([arcs[i][1] for i in order], np.int64),
        arc_km=hours * 20.0,
        arc_hours=hours,
        arc_litres=np.array([arcs[i][3] for i in order], np.float64),
        arc_risk=np.array([arcs[i][4] for i in order], np.float64),
        arc_cell=np.array([arcs[i][5] for i in order], np.int64),
        arc_link=np.arange(len(arcs), dtype=np.int64),
        node_shelter=np.array(shelter if shelter is not None else [False] * n, np.bool_),
        node_depot=depot,
        node_stock_l=stock,
        node_cell=np.array(node_cell if node_cell is not None else [0] * n, np.int64),
        node_x_km=np.array([p[0] for p in xy_km], np.float64) if xy_km else np.zeros(n),
        node_y_km=np.array([p[1] for p in xy_km], np.float64) if xy_km else np.zeros(n),
    )


def placements(n: int) -> st.SearchStrategy[list[tuple[float, float]] | None]:
    """Node coordinates (km) on a coarse grid, or none (all nodes at the origin)."""
    at = st.tuples(st.integers(-3, 3), st.integers(-3, 3)).map(lambda p: (10.0 * p[0], 10.0 * p[1]))
    return st.one_of(st.none(), st.lists(at, min_size=n, max_size=n))


@st.composite
def compiled_graphs(
    draw: st.DrawFn,
    *,
    min_nodes: int = 3,
    max_nodes: int = 7,
    n_cells: int = 1,
    max_out: int = 3,
    shelters: bool = True,
    depots: bool = True,
    zero_hours: bool = True,
) -> CompiledGraph:
    """Small random graphs: a few arcs per node, dyadic hours / litres, shelters, depots."""
    n = draw(st.integers(min_nodes, max_nodes))
    hours_s = st.sampled_from([0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0])
    if zero_hours:
        hours_s = st.one_of(hours_s, st.just(0.0))
    arcs: list[tuple[int, int, float, float, float, int]] = []
    for u in range(n):
        heads = draw(st.lists(st.integers(0, n - 1), max_size=max_out))
        for v in heads:
            if v == u:
                continue
            arcs.append(
                (
                    u,
                    v,
                    draw(hours_s),
                    draw(st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0, 4.0])),
                    draw(st.sampled_from([0.0, 0.5, 1.0, 2.0])),
                    draw(st.integers(0, n_cells - 1)),
                )
            )
    shelter = draw(st.lists(st.booleans(), min_size=n, max_size=n)) if shelters else [False] * n
    stock: dict[int, float] = {}
    if depots:
        for v in range(n):
            if draw(st.integers(0, 3)) == 0:
                stock[v] = draw(st.sampled_from([INF, INF, 1.0, 2.0, 4.0]))
    cells = draw(st.lists(st.integers(0, n_cells - 1), min_size=n, max_size=n))
    return make_graph(
        n, arcs, shelter=shelter, depot_stock=stock, node_cell=cells, xy_km=draw(placements(n))
    )


@st.composite
def weather_tables(
    draw: st.DrawFn, n_cells: int, *, max_steps: int = 3, closures: bool = True
) -> WeatherTable:
    """Random tables: a few steps, random closures and dyadic factors."""
    n_steps = draw(st.integers(1, max_steps))
    shape = (n_cells, n_steps)

    def grid(elements: st.SearchStrategy[float]) -> np.ndarray:
        return np.array(
            draw(st.lists(elements, min_size=n_cells * n_steps, max_size=n_cells * n_steps)),
            np.float64,
        ).reshape(shape)

    if closures:
        opn = np.array(
            draw(
                st.lists(
                    st.sampled_from([True, True, False]),
                    min_size=n_cells * n_steps,
                    max_size=n_cells * n_steps,
                )
            ),
            np.bool_,
        ).reshape(shape)
    else:
        opn = np.ones(shape, np.bool_)
    return WeatherTable(
        t0_h=draw(st.sampled_from([-1.0, 0.0, 0.5, 1.0, 2.0])),
        step_h=draw(st.sampled_from([0.5, 1.0, 2.0])),
        open=opn,
        speed_factor=grid(st.sampled_from([0.5, 1.0, 2.0])),
        fuel_factor=grid(st.sampled_from([1.0, 1.5, 2.0])),
        risk_factor=grid(st.sampled_from([0.5, 1.0, 2.0])),
    )


@dataclass(frozen=True)
class Query:
    """Parameters of one `solve` call (graph and weather aside)."""

    origin: int
    target: int
    via: tuple[int, ...] = ()
    depart_h: float = 0.0
    capacity_l: float = INF
    start_fuel_l: float | None = None
    reserve_l: float = 0.0
    refuel_h: float = 0.0
    max_drive_h: float = INF
    rest_h: float | None = None
    deadline_h: float = INF

    def kwargs(self) -> dict[str, object]:
        """Keyword arguments for `solve` (without origin and target)."""
        return {
            "via": self.via,
            "depart_h": self.depart_h,
            "capacity_l": self.capacity_l,
            "start_fuel_l": self.start_fuel_l,
            "reserve_l": self.reserve_l,
            "refuel_h": self.refuel_h,
            "max_drive_h": self.max_drive_h,
            "rest_h": self.rest_h,
            "deadline_h": self.deadline_h,
        }

    @property
    def start(self) -> float:
        return self.capacity_l if self.start_fuel_l is None else self.start_fuel_l

    @property
    def rest(self) -> float:
        if not math.isfinite(self.max_drive_h):
            return INF
        return 24.0 - self.max_drive_h if self.rest_h is None else self.rest_h


@st.composite
def corridor_graphs(draw: st.DrawFn, *, min_nodes: int = 5, max_nodes: int = 9) -> CompiledGraph:
    """A line of nodes driven both ways, a few shortcuts, depots along it.

    Litres per arc are large against the tanks `queries` draws, so that plans from one end
    to the other need chains of refuelling stops (rare in `compiled_graphs`).
    """
    n = draw(st.integers(min_nodes, max_nodes))
    hours_s = st.sampled_from([0.25, 0.5, 1.0, 1.5, 2.0])
    litres_s = st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0])
    arcs: list[tuple[int, int, float, float, float, int]] = []
    for u in range(n - 1):
        for a, b in ((u, u + 1), (u + 1, u)):
            arcs.append((a, b, draw(hours_s), draw(litres_s), 1.0, 0))
    for _ in range(draw(st.integers(0, 3))):
        a = draw(st.integers(0, n - 1))
        b = draw(st.integers(0, n - 1))
        if a != b:
            arcs.append((a, b, draw(hours_s), draw(litres_s), 1.0, 0))
    stock = {
        v: draw(st.sampled_from([INF, INF, INF, 2.0]))
        for v in range(n)
        if draw(st.integers(0, 2)) > 0
    }
    shelter = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return make_graph(n, arcs, shelter=shelter, depot_stock=stock, xy_km=draw(placements(n)))


@st.composite
def queries(
    draw: st.DrawFn,
    n: int,
    *,
    fuel: bool = True,
    duty: bool = True,
    deadline: bool = True,
    via: bool = True,
) -> Query:
    """Random query parameters for a graph of ``n`` nodes."""
    origin = draw(st.integers(0, n - 1))
    target = draw(st.integers(0, n - 1))
    vias: tuple[int, ...] = ()
    if via and draw(st.integers(0, 3)) == 0:
        vias = (draw(st.integers(0, n - 1)),)
    cap = INF
    start = None
    reserve = 0.0
    refuel = 0.0
    if fuel:
        cap = draw(st.sampled_from([2.0, 3.0, 4.0, 6.0, 8.0, INF]))
        if math.isfinite(cap):
            reserve = draw(st.sampled_from([0.0, 0.0, 0.5, 1.0]))
            start = draw(st.sampled_from([None, None, cap / 2, cap / 4]))
        refuel = draw(st.sampled_from([0.0, 0.25, 0.5, 1.0]))
    max_drive = INF
    rest = None
    if duty and draw(st.booleans()):
        max_drive = draw(st.sampled_from([1.0, 2.0, 3.0, 4.0]))
        rest = draw(st.sampled_from([0.5, 1.0, 2.0]))
    dl = INF
    if deadline and draw(st.integers(0, 3)) == 0:
        dl = draw(st.sampled_from([2.0, 4.0, 6.0]))
    return Query(
        origin=origin,
        target=target,
        via=vias,
        depart_h=draw(st.sampled_from([0.0, 0.0, 0.5, 1.0])),
        capacity_l=cap,
        start_fuel_l=start,
        reserve_l=reserve,
        refuel_h=refuel,
        max_drive_h=max_drive,
        rest_h=rest,
        deadline_h=dl,
    )


# ------------------------------------------------------------------------------------------
# Weather, read straight from the table, one step at a time
# ------------------------------------------------------------------------------------------


class Wx:
    """Plain step-by-step reading of a `WeatherTable` (None = calm and open forever)."""

    def __init__(self, weather: WeatherTable | None) -> None:
        self.w = weather
        self.n_steps = 1 if weather is None else weather.open.shape[1]

    def step(self, t: float) -> int:
        if self.w is None:
            return 0
        k = math.floor((t - self.w.t0_h) / self.w.step_h)
        return min(max(k, 0), self.n_steps - 1)

    def step_end(self, k: int) -> float:
        if self.w is None or k >= self.n_steps - 1:
            return INF
        return self.w.t0_h + (k + 1) * self.w.step_h

    def is_open(self, c: int, k: int) -> bool:
        return True if self.w is None else bool(self.w.open[c, k])

    def speed(self, c: int, k: int) -> float:
        return 1.0 if self.w is None else float(self.w.speed_factor[c, k])

    def fuel(self, c: int, k: int) -> float:
        return 1.0 if self.w is None else float(self.w.fuel_factor[c, k])

    def risk(self, c: int, k: int) -> float:
        return 1.0 if self.w is None else float(self.w.risk_factor[c, k])

    def epoch_starts(self, c: int) -> list[float]:
        """Times at which any value of cell ``c`` changes."""
        if self.w is None:
            return []
        w = self.w
        out = []
        for k in range(1, self.n_steps):
            if (
                w.open[c, k] != w.open[c, k - 1]
                or w.speed_factor[c, k] != w.speed_factor[c, k - 1]
                or w.fuel_factor[c, k] != w.fuel_factor[c, k - 1]
                or w.risk_factor[c, k] != w.risk_factor[c, k - 1]
            ):
                out.append(w.t0_h + k * w.step_h)
        return out

    def pieces(self, a: float, b: float) -> Iterator[int]:
        """Steps overlapping the half-open interval [a, b)."""
        if b <= a:
            return
        k = self.step(a)
        while True:
            yield k
            if self.step_end(k) >= b:
                return
            k += 1

    def can_stand(self, shelter: bool, cell: int, in_cell: int, a: float, b: float) -> bool:
        """Standing still over [a, b): at a shelter, or while the node's cell or the cell of
        the arc the vehicle arrived by (-1: none) is open at every instant."""
        if shelter or b <= a:
            return True
        return all(
            self.is_open(cell, k) or (in_cell >= 0 and self.is_open(in_cell, k))
            for k in self.pieces(a, b)
        )

    def traverse(self, c: int, t: float, hours: float) -> tuple[float, float, int] | None:
        """Enter an arc of ``hours`` calm hours in cell ``c`` at ``t``.

        Returns (arrival, hours driven, entry step) or None if the cell is closed at some
        instant of [t, arrival) (or at t itself).
        """
        k = self.step(t)
        if not self.is_open(c, k):
            return None
        if hours == 0:
            return t, 0.0, k
        entry = k
        tt = t
        rem = hours
        while True:
            f = self.speed(c, k)
            end = self.step_end(k)
            if (end - tt) * f >= rem:
                arr = tt + rem / f
                return arr, arr - t, entry
            rem -= (end - tt) * f
            tt = end
            k += 1
            if not self.is_open(c, k):
                return None

    def charged(self, c: int, t: float, hours: float, t_min: float) -> float:
        """Hours charged to duty and risk for entering an arc at ``t``: the longest drive of
        any departure from the start of the epoch around ``t`` (``t_min`` if later) to ``t``.

        Found by bisection on the departure time (independently of the kernel's inverse
        traversal): the drive is piecewise linear in the departure, with kinks where the
        arrival crosses an epoch start, so its maximum is at an end or a kink.
        """
        lo = max([s for s in self.epoch_starts(c) if s <= t], default=-INF)
        lo = max(lo, t_min)

        def arrival(tau: float) -> float:
            trav = self.traverse(c, tau, hours)
            assert trav is not None, "departures before a feasible one in its epoch get through"
            return trav[0]

        a_lo = arrival(lo)
        a_t = arrival(t)
        cands = [lo, t]
        for s in self.epoch_starts(c):
            if a_lo < s < a_t:
                a, b = lo, t
                for _ in range(200):
                    mid = (a + b) / 2
                    if arrival(mid) < s:
                        a = mid
                    else:
                        b = mid
                cands.append(a)
        return max(arrival(tau) - tau for tau in cands)


# ------------------------------------------------------------------------------------------
# Brute-force oracle
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One complete plan found by the oracle."""

    arrive_h: float
    burned_l: float
    risk: float
    n_arcs: int


def oracle(
    graph: CompiledGraph,
    weather: WeatherTable | None,
    q: Query,
    *,
    max_arcs: int = 5,
    max_states: int = 200_000,
) -> list[Outcome] | None:
    """Every distinct outcome of every plan with at most ``max_arcs`` arcs.

    Enumerates, breadth first by arcs driven, all decisions at every node: refuel or not
    (once per visit, at a depot), rest or not (at a shelter, after driving, when duty
    applies), which arc, and when to leave (now, or at each later epoch start of the arc's
    cell until which the vehicle may stand). Identical states are merged. Returns None if
    the state budget is exhausted (the caller then skips the example).
    """
    wx = Wx(weather)
    n_via = len(q.via)
    duty = math.isfinite(q.max_drive_h)
    rest_h = q.rest
    indptr = graph.indptr
    cells_of_arc = graph.arc_cell if weather is not None else np.zeros(graph.n_arcs, np.int32)
    cells_of_node = graph.node_cell if weather is not None else np.zeros(graph.n_nodes, np.int64)

    def advance(v: int, k: int) -> int:
        while k < n_via and q.via[k] == v:
            k += 1
        return k

    # state: (node, stage, t, fuel, drive, burned, risk, refuelled, last, in_cell)
    start = (q.origin, advance(q.origin, 0), q.depart_h, q.start, 0.0, 0.0, 0.0, False, "", -1)
    outcomes: set[Outcome] = set()
    seen: set[tuple[object, ...]] = set()
    frontier = [start]
    n_states = 0
    for depth in range(max_arcs + 1):
        nxt: list[tuple[object, ...]] = []
        stack = list(frontier)
        while stack:
            s = stack.pop()
            if s in seen:
                continue
            seen.add(s)
            n_states += 1
            if n_states > max_states:
                return None
            v, k, t, fuel, drive, burned, risk, refuelled, last, in_cell = s
            assert isinstance(v, int)
            assert isinstance(t, float)
            if v == q.target and k == n_via:
                outcomes.add(Outcome(t, burned, risk, depth))  # type: ignore[arg-type]
                continue
            shelter = bool(graph.node_shelter[v])
            cell = int(cells_of_node[v])
            # refuel
            if (
                graph.node_depot[v]
                and graph.node_stock_l[v] > 0
                and not refuelled
                and fuel < q.capacity_l
                and wx.can_stand(shelter, cell, in_cell, t, t + q.refuel_h)  # type: ignore[arg-type]
            ):
                d2 = 0.0 if (duty and shelter and q.refuel_h >= rest_h) else drive
                f2 = min(q.capacity_l, fuel + float(graph.node_stock_l[v]))  # type: ignore[operator]
                stack.append((v, k, t + q.refuel_h, f2, d2, burned, risk, True, "refuel", in_cell))
            # rest
            if duty and shelter and drive > 0 and last != "rest":  # type: ignore[operator]
                stack.append(
                    (v, k, t + rest_h, fuel, 0.0, burned, risk, refuelled, "rest", in_cell)
                )
            if depth == max_arcs:
                continue
            for e in range(int(indptr[v]), int(indptr[v + 1])):
                w = int(graph.head[e])
                c = int(cells_of_arc[e])
                cands = [t] + [
                    s_
                    for s_ in wx.epoch_starts(c)
                    if s_ > t and wx.can_stand(shelter, cell, in_cell, t, s_)  # type: ignore[arg-type]
                ]
                for tau in cands:
                    trav = wx.traverse(c, tau, float(graph.arc_hours[e]))
                    if trav is None:
                        continue
                    arr, _dur, k_in = trav
                    if arr > q.deadline_h:
                        continue
                    litres = float(graph.arc_litres[e]) * wx.fuel(c, k_in)
                    f2 = fuel - litres  # type: ignore[operator]
                    if f2 < q.reserve_l:
                        continue
                    charged = wx.charged(c, tau, float(graph.arc_hours[e]), q.depart_h)
                    d2 = 0.0
                    if duty:
                        base = 0.0 if (shelter and tau - t >= rest_h) else drive
                        d2 = base + charged  # type: ignore[operator]
                        if d2 > q.max_drive_h + 1e-9:
                            continue
                    r2 = risk + charged * float(graph.arc_risk[e]) * wx.risk(c, k_in)  # type: ignore[operator]
                    nxt.append(
                        (w, advance(w, k), arr, f2, d2, burned + litres, r2, False, "drive", c)  # type: ignore[operator]
                    )
        frontier = nxt
    return sorted(outcomes, key=lambda o: (o.arrive_h, o.burned_l, o.risk, o.n_arcs))


# ------------------------------------------------------------------------------------------
# Plan checker
# ------------------------------------------------------------------------------------------


def assert_plan_valid(
    graph: CompiledGraph,
    weather: WeatherTable | None,
    plan: RawPlan,
    q: Query,
) -> None:
    """Check every rule of the plan semantics on ``plan``; raise AssertionError if broken.

    Steps are contiguous and non-decreasing in time; drives follow arcs out of the current
    node, take the time-dependent travel time, never meet a closure and burn the weather's
    fuel; standing still (waits, refuels, rests) happens only at shelters or in open
    weather (the node's cell, or the arc the vehicle arrived by); fuel never drops below the
    reserve; refuels happen at depots (once per visit) within stock and capacity; duty
    hours stay within the limit; via points are visited in order; the plan ends at the
    target by the deadline; and the totals add up.
    """
    wx = Wx(weather)
    arc_cell = graph.arc_cell if weather is not None else np.zeros(graph.n_arcs, np.int32)
    node_cell = graph.node_cell if weather is not None else np.zeros(graph.n_nodes, np.int64)
    duty = math.isfinite(q.max_drive_h)
    v = q.origin
    t = q.depart_h
    fuel = q.start
    in_cell = -1
    drive = 0.0
    refuelled_here = False
    stage = 0
    while stage < len(q.via) and q.via[stage] == v:
        stage += 1
    burned = refuelled = risk = driving = 0.0
    for i, s in enumerate(plan.steps):
        where = f"step {i} ({s})"
        assert s.start_h == t or abs(s.start_h - t) <= 1e-9, (
            f"{where}: starts at {s.start_h}, not {t}"
        )
        assert s.end_h >= s.start_h, f"{where}: ends before it starts"
        assert abs(s.fuel_before_l - fuel) <= 1e-9 or s.fuel_before_l == fuel, (
            f"{where}: fuel {s.fuel_before_l} != {fuel}"
        )
        assert s.node == v, f"{where}: at node {s.node}, vehicle is at {v}"
        shelter = bool(graph.node_shelter[v])
        if s.kind == "drive":
            assert graph.indptr[v] <= s.arc < graph.indptr[v + 1], f"{where}: arc not out of {v}"
            c = int(arc_cell[s.arc])
            trav = wx.traverse(c, s.start_h, float(graph.arc_hours[s.arc]))
            assert trav is not None, f"{where}: drives into a closure"
            arr, dur, k_in = trav
            assert abs(arr - s.end_h) <= 1e-9, f"{where}: arrives {s.end_h}, expected {arr}"
            litres = float(graph.arc_litres[s.arc]) * wx.fuel(c, k_in)
            assert abs(s.fuel_before_l - s.fuel_after_l - litres) <= 1e-9 or (
                math.isinf(fuel) and math.isinf(s.fuel_after_l)
            ), f"{where}: burns {s.fuel_before_l - s.fuel_after_l}, expected {litres}"
            assert s.fuel_after_l >= q.reserve_l - 1e-9, f"{where}: below the reserve"
            charged = wx.charged(c, s.start_h, float(graph.arc_hours[s.arc]), q.depart_h)
            assert charged >= dur - 1e-9, f"{where}: charged {charged} h < driven {dur} h"
            exp_risk = charged * float(graph.arc_risk[s.arc]) * wx.risk(c, k_in)
            assert abs(s.risk - exp_risk) <= 1e-7, f"{where}: risk {s.risk} != {exp_risk}"
            drive += charged
            assert not duty or drive <= q.max_drive_h + 1e-9, f"{where}: duty exceeded"
            burned += litres
            risk += s.risk
            driving += dur
            v = int(graph.head[s.arc])
            in_cell = c
            refuelled_here = False
            while stage < len(q.via) and q.via[stage] == v:
                stage += 1
        else:
            assert s.arc == -1, f"{where}: a stop carries an arc"
            assert s.risk == 0.0, f"{where}: standing still carries risk"
            assert wx.can_stand(shelter, int(node_cell[v]), in_cell, s.start_h, s.end_h), (
                f"{where}: stands still in closed weather away from a shelter"
            )
            stood = s.end_h - s.start_h
            if s.kind == "wait":
                assert s.fuel_after_l == s.fuel_before_l, f"{where}: fuel changes in a wait"
                assert s.cause in ("weather", "rest", "cheaper"), f"{where}: no cause"
            elif s.kind == "refuel":
                assert graph.node_depot[v], f"{where}: no depot"
                assert graph.node_stock_l[v] > 0, f"{where}: depot without stock"
                assert not refuelled_here, f"{where}: second refuel in one visit"
                refuelled_here = True
                assert abs(stood - q.refuel_h) <= 1e-9, f"{where}: refuel takes {stood} h"
                gain = s.fuel_after_l - s.fuel_before_l
                assert gain >= -1e-9, f"{where}: refuel loses fuel"
                assert gain <= float(graph.node_stock_l[v]) + 1e-9, f"{where}: beyond stock"
                assert s.fuel_after_l <= q.capacity_l + 1e-9, f"{where}: beyond capacity"
                refuelled += gain
            elif s.kind == "rest":
                assert shelter, f"{where}: rest away from a shelter"
                assert abs(stood - q.rest) <= 1e-9, f"{where}: rest takes {stood} h"
            else:
                raise AssertionError(f"{where}: unknown kind")
            if s.kind == "rest" or (shelter and stood >= q.rest - 1e-9):
                drive = 0.0
        fuel = s.fuel_after_l
        t = s.end_h
    assert v == q.target, f"plan ends at {v}, not at the target {q.target}"
    assert stage == len(q.via), "via points not visited in order"
    assert abs(plan.arrive_h - t) <= 1e-9, "arrive_h is not the end of the last step"
    assert t <= q.deadline_h + 1e-9, "arrives after the deadline"
    assert abs(plan.fuel_used_l - burned) <= 1e-6, "fuel_used_l does not add up"
    assert abs(plan.refuelled_l - refuelled) <= 1e-6 or math.isinf(q.capacity_l), (
        "refuelled_l does not add up"
    )
    assert abs(plan.risk - risk) <= 1e-6, "risk does not add up"
    assert abs(plan.driving_h - driving) <= 1e-6, "driving_h does not add up"
