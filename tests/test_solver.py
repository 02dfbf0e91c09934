"""The exact solver against a brute-force oracle, invariants, parity and explanations."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from unittest import mock

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from arcticroute import _kernels as kern
from arcticroute._errors import UnknownPlaceError, VehicleError, WeatherError
from arcticroute.solver import CompiledGraph, SolveResult, WeatherTable, _epochs, solve
from strategies import (
    INF,
    Outcome,
    Query,
    assert_plan_valid,
    compiled_graphs,
    corridor_graphs,
    make_graph,
    oracle,
    queries,
    weather_tables,
)

MAX_ARCS = 5


def run(
    graph: CompiledGraph,
    weather: WeatherTable | None,
    q: Query,
    objective: str = "time",
    **extra: object,
) -> SolveResult:
    res = solve(
        graph,
        q.origin,
        q.target,
        weather=weather,
        objective=objective,  # type: ignore[arg-type]
        **q.kwargs(),
        **extra,  # type: ignore[arg-type]
    )
    for plan in res.plans:
        assert_plan_valid(graph, weather, plan, q)
    if res.feasible:
        assert res.binding == "none"
        assert res.reason == ""
        assert res.plans
    else:
        assert res.plans == ()
        assert res.binding in ("unreachable", "range", "weather", "duty", "deadline")
        assert res.reason
    return res


def value(objective: str, arrive: float, burned: float, risk: float) -> float:
    return {"time": arrive, "fuel": burned, "risk": risk}[objective]


def check_objectives(graph: CompiledGraph, weather: WeatherTable | None, q: Query) -> None:
    outcomes = oracle(graph, weather, q, max_arcs=MAX_ARCS)
    assume(outcomes is not None)
    assert outcomes is not None
    for objective in ("time", "fuel", "risk"):
        res = run(graph, weather, q, objective)
        if not res.feasible:
            assert outcomes == [], f"{objective}: solver infeasible, oracle found {outcomes[0]}"
            continue
        plan = res.plans[0]
        got = value(objective, plan.arrive_h, plan.fuel_used_l, plan.risk)
        if not outcomes:
            assert len(plan.arcs) > MAX_ARCS, f"{objective}: oracle found nothing, solver did"
            continue
        best = min(value(objective, o.arrive_h, o.burned_l, o.risk) for o in outcomes)
        if len(plan.arcs) <= MAX_ARCS:
            assert got == pytest.approx(best, abs=1e-9), f"{objective}: {got} != oracle {best}"
        else:
            assert got <= best + 1e-9, f"{objective}: {got} worse than oracle {best}"
    # the label search alone, without the earliest-arrival shortcut that answers most
    # time queries above
    with mock.patch("arcticroute.solver._fastest", return_value=(None, math.nan)):
        slow = run(graph, weather, q)
        # and with the bounds on two threads, as on large graphs
        # (and the labels' litres to a depot from straight-line km, as there)
        with (
            mock.patch("arcticroute.solver._PARALLEL_MIN_ARCS", 0),
            mock.patch("arcticroute.solver._EXACT_DEPOT_MAX_ARCS", 0),
        ):
            threaded = run(graph, weather, q)
        # and with the band searches instead of the depot catchments, stopping at once:
        # they give up and the solver widens them, or they leave the label search short
        # of bounds and it searches on
        with (
            mock.patch("arcticroute.solver._CATCHMENT_ENTRIES", 0.0),
            mock.patch("arcticroute.solver._BAND_SLACK", 0.0),
            mock.patch("arcticroute.solver._REACH_SLACK", 0.0),
        ):
            tight = run(graph, weather, q)
        # and with the catchments per block of nodes (a first query finds too many
        # entries for one per node, a second builds them per block)
        with mock.patch("arcticroute.solver._CATCHMENT_ENTRIES", 0.7):
            run(graph, weather, q)
            blocked = run(graph, weather, q)
        # and with the late table under changing weather from the first label on (small
        # searches never reach `_LATE_AFTER_LABELS`), its deadlines as they are or dense
        # (and its fuel-deficit bands a whole tank wide)
        with mock.patch("arcticroute.solver._LATE_AFTER_LABELS", 0):
            late = run(graph, weather, q)
            with mock.patch("arcticroute.solver._LATE_STEP_H", 0.01):
                dense = run(graph, weather, q)
            with mock.patch("arcticroute.solver._LATE_BANDS_PER_TANK", 1):
                wide = run(graph, weather, q)
    # and with landmarks for the earliest-arrival search (built at a graph's second query)
    with mock.patch("arcticroute.solver._LANDMARK_MIN_NODES", 0):
        run(graph, weather, q)
        marked = run(graph, weather, q)
    fast = run(graph, weather, q)
    for other in (slow, threaded, tight, blocked, late, dense, wide, marked):
        assert other.feasible == fast.feasible
        if fast.feasible:
            assert other.plans[0].arrive_h == pytest.approx(fast.plans[0].arrive_h, abs=1e-9)


def check_pareto(graph: CompiledGraph, weather: WeatherTable | None, q: Query) -> None:
    outcomes = oracle(graph, weather, q, max_arcs=MAX_ARCS)
    assume(outcomes is not None)
    assert outcomes is not None
    res = run(graph, weather, q, "pareto")
    points = [(p.arrive_h, p.fuel_used_l, p.risk) for p in res.plans]
    assert points == sorted(points)
    for i, a in enumerate(points):
        for j, b in enumerate(points):
            if i != j:
                assert not all(x <= y + 1e-9 for x, y in zip(a, b, strict=True)), (a, b)
    # complete: every plan the oracle knows is matched or beaten
    for o in outcomes:
        assert any(
            a <= o.arrive_h + 1e-9 and b <= o.burned_l + 1e-9 and r <= o.risk + 1e-9
            for a, b, r in points
        ), f"oracle plan {o} not covered by {points}"
    # sound: each short solver plan is a real plan
    known = {(o.arrive_h, o.burned_l, o.risk) for o in outcomes}
    for plan, pt in zip(res.plans, points, strict=True):
        if len(plan.arcs) <= MAX_ARCS:
            assert any(
                all(abs(x - y) <= 1e-9 for x, y in zip(pt, k, strict=True)) for k in known
            ), f"solver point {pt} unknown to the oracle"


# ------------------------------------------------------------------------------------------
# Against the oracle
# ------------------------------------------------------------------------------------------


@given(st.data())
def test_static_optimum_matches_oracle(data: st.DataObject) -> None:
    graph = data.draw(compiled_graphs())
    q = data.draw(queries(graph.n_nodes))
    check_objectives(graph, None, q)


@given(st.data())
def test_chains_of_stops_match_oracle(data: st.DataObject) -> None:
    graph = data.draw(corridor_graphs(min_nodes=4, max_nodes=MAX_ARCS + 1))
    q = data.draw(queries(graph.n_nodes, duty=False))
    check_objectives(graph, None, q)


@given(st.data())
def test_weather_optimum_matches_oracle(data: st.DataObject) -> None:
    n_cells = data.draw(st.integers(1, 3))
    graph = data.draw(compiled_graphs(max_nodes=5, n_cells=n_cells))
    weather = data.draw(weather_tables(n_cells))
    q = data.draw(queries(graph.n_nodes, duty=False))
    check_objectives(graph, weather, q)


@given(st.data())
def test_weather_with_duty_matches_oracle(data: st.DataObject) -> None:
    n_cells = data.draw(st.integers(1, 2))
    graph = data.draw(compiled_graphs(max_nodes=5, n_cells=n_cells))
    weather = data.draw(weather_tables(n_cells))
    q = data.draw(queries(graph.n_nodes, via=False))
    check_objectives(graph, weather, q)


@given(st.data())
def test_chains_of_rests_match_oracle(data: st.DataObject) -> None:
    # a duty limit shorter than the trip, shelters everywhere: the plans rest on the way,
    # and the label search's bound counts the rests still to take
    graph = data.draw(corridor_graphs(min_nodes=4, max_nodes=MAX_ARCS + 1))
    graph = replace(graph, node_shelter=np.ones(graph.n_nodes, np.bool_))
    n_cells = 1
    weather = data.draw(st.one_of(st.none(), weather_tables(n_cells)))
    q = data.draw(queries(graph.n_nodes, duty=False, via=False))
    q = replace(
        q,
        max_drive_h=data.draw(st.sampled_from([0.5, 1.0, 1.5, 2.0])),
        rest_h=data.draw(st.sampled_from([0.5, 1.0, 3.0])),
    )
    check_objectives(graph, weather, q)


@settings(max_examples=40)
@given(st.data())
def test_pareto_set_matches_oracle(data: st.DataObject) -> None:
    n_cells = data.draw(st.integers(1, 2))
    graph = data.draw(compiled_graphs(max_nodes=5, n_cells=n_cells))
    weather = data.draw(st.one_of(st.none(), weather_tables(n_cells)))
    q = data.draw(queries(graph.n_nodes, via=False))
    check_pareto(graph, weather, q)


def test_oracle_sees_a_wait_for_a_storm() -> None:
    # the oracle itself: 0 (shelter) -> 1, arc closed until 2 h
    g = make_graph(2, [(0, 1, 1.0, 1.0, 1.0, 0)], shelter=[True, False])
    w = WeatherTable(
        0.0,
        1.0,
        np.array([[False, False, True]]),
        np.ones((1, 3)),
        np.ones((1, 3)),
        np.ones((1, 3)),
    )
    assert oracle(g, w, Query(0, 1)) == [Outcome(3.0, 1.0, 1.0, 1)]


# ------------------------------------------------------------------------------------------
# Properties
# ------------------------------------------------------------------------------------------


@given(st.data())
def test_bigger_tank_never_arrives_later(data: st.DataObject) -> None:
    n_cells = data.draw(st.integers(1, 2))
    graph = data.draw(compiled_graphs(n_cells=n_cells))
    weather = data.draw(st.one_of(st.none(), weather_tables(n_cells)))
    q = data.draw(queries(graph.n_nodes))
    assume(math.isfinite(q.capacity_l))
    q = replace(q, start_fuel_l=None)
    small = run(graph, weather, q)
    big = run(graph, weather, replace(q, capacity_l=q.capacity_l * 2))
    if small.feasible:
        assert big.feasible
        assert big.plans[0].arrive_h <= small.plans[0].arrive_h + 1e-9


@given(st.data())
def test_added_closure_never_arrives_earlier(data: st.DataObject) -> None:
    # With shelters everywhere (and no duty) the vehicle may always wait, so the set of
    # feasible plans can only shrink when a step closes.
    n_cells = data.draw(st.integers(1, 2))
    graph = data.draw(compiled_graphs(n_cells=n_cells))
    graph = replace(graph, node_shelter=np.ones(graph.n_nodes, np.bool_))
    weather = data.draw(weather_tables(n_cells))
    q = data.draw(queries(graph.n_nodes, duty=False))
    c = data.draw(st.integers(0, n_cells - 1))
    k = data.draw(st.integers(0, weather.n_steps - 1))
    closed = weather.open.copy()
    closed[c, k] = False
    before = run(graph, weather, q)
    after = run(graph, replace(weather, open=closed), q)
    if after.feasible:
        assert before.feasible
        assert after.plans[0].arrive_h >= before.plans[0].arrive_h - 1e-9


@given(st.data())
def test_calm_open_table_gives_the_static_plan(data: st.DataObject) -> None:
    n_cells = data.draw(st.integers(1, 3))
    graph = data.draw(compiled_graphs(n_cells=n_cells))
    q = data.draw(queries(graph.n_nodes))
    n_steps = data.draw(st.integers(1, 4))
    calm = WeatherTable(
        t0_h=data.draw(st.sampled_from([-3.0, 0.0, 1.5])),
        step_h=0.75,
        open=np.ones((n_cells, n_steps), np.bool_),
        speed_factor=np.ones((n_cells, n_steps)),
        fuel_factor=np.ones((n_cells, n_steps)),
        risk_factor=np.ones((n_cells, n_steps)),
    )
    for objective in ("time", "fuel", "pareto"):
        static = run(graph, None, q, objective)
        weathered = run(graph, calm, q, objective)
        assert static.feasible == weathered.feasible
        assert static.plans == weathered.plans
        assert static.binding == weathered.binding


def test_calm_table_breaks_ties_between_parallel_arcs_as_without_weather() -> None:
    # Two equal arcs 0 -> 1 in different weather cells. A label that came by an arc may
    # halt while that arc's cell is open, so labels that came by different cells were kept
    # apart, and the later one (with the rights of both cells) won the tie; where the
    # node's own cell is open for good, every label may stand for ever and the first wins,
    # as without weather. (The via point makes the label search, not the shortcut, answer.)
    arcs = [
        (0, 1, 0.0, 0.5, 0.0, 1),
        (0, 1, 0.25, 0.5, 0.0, 0),
        (0, 1, 0.0, 0.5, 0.0, 0),
        (1, 2, 0.25, 0.5, 0.0, 0),
    ]
    g = make_graph(3, arcs, depot_stock={0: INF}, node_cell=[0, 1, 0])
    calm = WeatherTable(
        t0_h=-3.0,
        step_h=0.75,
        open=np.ones((2, 1), np.bool_),
        speed_factor=np.ones((2, 1)),
        fuel_factor=np.ones((2, 1)),
        risk_factor=np.ones((2, 1)),
    )
    for objective in ("time", "fuel", "pareto"):
        kw = {"via": (0,), "capacity_l": 2.0, "objective": objective, "deadline_h": 2.0}
        static = solve(g, 0, 2, **kw)  # type: ignore[arg-type]
        weathered = solve(g, 0, 2, weather=calm, **kw)  # type: ignore[arg-type]
        assert [s.arc for s in static.plans[0].steps] == [0, 3]
        assert static.plans == weathered.plans


@given(st.data())
def test_same_query_gives_the_same_plan(data: st.DataObject) -> None:
    n_cells = data.draw(st.integers(1, 2))
    graph = data.draw(compiled_graphs(n_cells=n_cells))
    weather = data.draw(st.one_of(st.none(), weather_tables(n_cells)))
    q = data.draw(queries(graph.n_nodes))
    assert run(graph, weather, q) == run(graph, weather, q)


@pytest.mark.parametrize("seed", range(6))
def test_static_unlimited_tank_equals_scipy_dijkstra(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 300
    m = 1500
    pairs = {
        (int(a), int(b))
        for a, b in zip(rng.integers(0, n, m), rng.integers(0, n, m), strict=True)
        if a != b
    }
    arcs = [(a, b, float(rng.uniform(0.05, 5.0)), 1.0, 1.0, 0) for a, b in sorted(pairs)]
    graph = make_graph(n, arcs)
    matrix = csr_matrix((graph.arc_hours, graph.head, graph.indptr), shape=(n, n))
    dist = dijkstra(matrix, indices=0)
    for target in range(1, n, 7):
        res = solve(graph, 0, target, capacity_l=INF)
        if math.isfinite(dist[target]):
            assert res.feasible
            assert res.plans[0].arrive_h == pytest.approx(dist[target], rel=1e-12)
        else:
            assert not res.feasible
            assert res.binding == "unreachable"


# ------------------------------------------------------------------------------------------
# Behaviours
# ------------------------------------------------------------------------------------------


def storm(n_cells: int, closed: dict[int, list[int]], n_steps: int = 6) -> WeatherTable:
    opn = np.ones((n_cells, n_steps), np.bool_)
    for c, steps in closed.items():
        opn[c, steps] = False
    ones = np.ones((n_cells, n_steps))
    return WeatherTable(0.0, 1.0, opn, ones.copy(), ones.copy(), ones.copy())


def test_compiled_graph_stores_arc_indices_as_int32_and_risk_as_float32() -> None:
    arcs = [(0, 1, 1.0, 2.0, 1.0, 0), (1, 2, 1.5, 1.0, 1.0, 0), (0, 2, 3.0, 1.0, 1.0, 0)]
    g = make_graph(3, arcs)  # given as int64
    wide = replace(
        g,
        head=g.head.astype(np.int64),
        arc_cell=g.arc_cell.astype(np.int64),
        arc_link=g.arc_link.astype(np.uint16),
    )
    for name in ("head", "arc_cell", "arc_link"):
        assert getattr(wide, name).dtype == np.int32, name
        np.testing.assert_array_equal(getattr(wide, name), getattr(g, name))
    assert solve(wide, 0, 2, capacity_l=10.0).plans == solve(g, 0, 2, capacity_l=10.0).plans
    too_far = g.head.astype(np.int64)
    too_far[0] = 2**31
    with pytest.raises(ValueError, match=r"CompiledGraph\.head holds 2147483648"):
        replace(g, head=too_far)
    with pytest.raises(TypeError, match=r"CompiledGraph\.arc_cell must hold integers"):
        replace(g, arc_cell=g.arc_cell.astype(np.float64))
    # the exposure weight is float32: converted once, an overflow refused
    assert replace(g, arc_risk=np.array([1.5, 2.0, 0.1])).arc_risk.dtype == np.float32
    with pytest.raises(ValueError, match=r"CompiledGraph\.arc_risk holds 1e\+300"):
        replace(g, arc_risk=np.array([1.0, 1e300, 1.0]))


def test_unlimited_tank_ends_despite_a_cycle_of_no_hours_through_a_depot() -> None:
    # 0 -> 5 -> 0 takes no time and a stop at depot 0 adds 4 L: with a fuel cap on the
    # labels (what the fastest route still needs) each lap gave a label with more fuel at
    # the optimum's key, for ever (found by the stress profile: a tank-relaxed via query)
    arcs = [
        (0, 2, 0.75, 1.0, 2.0, 1),
        (0, 5, 0.0, 0.5, 0.5, 1),
        (1, 6, 0.0, 1.5, 0.0, 1),
        (2, 6, 3.0, 0.5, 2.0, 0),
        (2, 5, 0.0, 1.0, 0.5, 1),
        (3, 4, 0.0, 1.5, 2.0, 0),
        (3, 4, 0.5, 4.0, 2.0, 1),
        (4, 2, 0.0, 1.0, 1.0, 0),
        (4, 6, 0.0, 4.0, 0.0, 1),
        (4, 5, 0.0, 1.0, 2.0, 0),
        (5, 3, 0.0, 3.0, 0.0, 1),
        (5, 0, 0.0, 1.0, 2.0, 1),
        (5, 0, 0.75, 2.0, 0.5, 1),
        (6, 0, 0.0, 4.0, 0.5, 0),
        (6, 2, 1.5, 4.0, 0.5, 0),
    ]
    shelter = [False, False, True, True, True, False, False]
    g = make_graph(7, arcs, shelter=shelter, depot_stock={0: 4.0})
    res = solve(g, 2, 6, via=[3], depart_h=0.5, capacity_l=INF, max_labels=100_000)
    assert res.feasible
    assert res.labels_settled < 100
    assert res.plans[0].arrive_h == 0.5


def test_storm_forces_wait_at_shelter() -> None:
    g = make_graph(
        3,
        [(0, 1, 1.0, 1.0, 1.0, 0), (1, 2, 1.0, 1.0, 1.0, 1)],
        shelter=[True, True, False],
        node_cell=[0, 0, 1],
    )
    w = storm(2, {1: [0, 1, 2]})
    res = run(g, w, Query(0, 2))
    kinds = [(s.kind, s.cause) for s in res.plans[0].steps]
    assert kinds == [("drive", ""), ("wait", "weather"), ("drive", "")]
    assert res.plans[0].arrive_h == 4.0


def test_no_wait_in_the_open_during_a_storm() -> None:
    # node 1 is open country in the storm cell, and so is the arc that reaches it
    g = make_graph(
        3,
        [(0, 1, 1.0, 1.0, 1.0, 1), (1, 2, 1.0, 1.0, 1.0, 0)],
        shelter=[True, False, True],
        node_cell=[0, 1, 0],
    )
    w = storm(2, {1: [2, 3]})
    res = run(g, w, Query(0, 2, deadline_h=10.0))
    assert res.feasible
    assert res.plans[0].arrive_h == 2.0
    # leaving 0 at 1.5 h would arrive at 1 at 2.5 h, inside the storm: not possible; the
    # next departure is after the storm
    res = run(g, w, Query(0, 2, depart_h=1.5))
    assert [s.kind for s in res.plans[0].steps] == ["wait", "drive", "drive"]
    assert res.plans[0].steps[1].start_h == 4.0


def test_halt_at_the_end_of_an_open_arc() -> None:
    # node 1 is in the storm cell, the arc into it is not: the vehicle may stop short of
    # node 1 and wait there until its outgoing arc opens
    g = make_graph(
        3,
        [(0, 1, 1.0, 1.0, 1.0, 0), (1, 2, 1.0, 1.0, 1.0, 1)],
        shelter=[False, False, True],
        node_cell=[0, 1, 0],
    )
    w = storm(2, {1: [0, 1, 2]})
    res = run(g, w, Query(0, 2))
    assert res.feasible
    assert res.plans[0].arrive_h == 4.0
    assert [s.kind for s in res.plans[0].steps] == ["drive", "wait", "drive"]


def test_crew_rests_at_a_shelter() -> None:
    g = make_graph(
        3, [(0, 1, 3.0, 1.0, 1.0, 0), (1, 2, 3.0, 1.0, 1.0, 0)], shelter=[True, True, True]
    )
    res = run(g, None, Query(0, 2, max_drive_h=4.0, rest_h=8.0))
    assert [s.kind for s in res.plans[0].steps] == ["drive", "rest", "drive"]
    assert res.plans[0].arrive_h == 14.0
    assert res.plans[0].driving_h == 6.0


def test_refuels_at_a_depot_when_needed() -> None:
    g = make_graph(
        3,
        [(0, 1, 1.0, 5.0, 1.0, 0), (1, 2, 1.0, 5.0, 1.0, 0), (0, 2, 5.0, 6.0, 1.0, 0)],
        shelter=[True, True, True],
        depot_stock={1: INF},
    )
    res = run(g, None, Query(0, 2, capacity_l=8.0, refuel_h=0.5))
    plan = res.plans[0]
    assert [s.kind for s in plan.steps] == ["drive", "refuel", "drive"]
    assert plan.arrive_h == 2.5
    assert plan.fuel_used_l == 10.0
    assert plan.refuelled_l == 5.0
    res = run(g, None, Query(0, 2, capacity_l=8.0, refuel_h=10.0))
    assert res.plans[0].arcs == (2,) or [s.kind for s in res.plans[0].steps] == ["drive"]


def test_late_table_reads_the_band_of_a_labels_deficit() -> None:
    # The fast way drives through V to the depot D (3.75 L from the target), the slow one
    # refuels at X. At V a label has 4.75 - 1.25 = 3.5 L of deficit: the band of depots at
    # least 3.5 L from the target, D among them. A band read one too high (4 L) leaves no
    # depot it can reach, so the label would look late for every deadline and the slow
    # way would come first.
    o, v, d, x, t = range(5)
    arcs = [(o, v, 0.25, 1.0, 1.0, 0), (v, d, 0.25, 1.0, 1.0, 0), (d, t, 0.25, 3.75, 1.0, 0)]
    arcs += [(o, x, 0.5, 2.0, 1.0, 0), (x, t, 1.25, 4.0, 1.0, 0)]
    g = make_graph(5, arcs, shelter=[True] * 5, depot_stock={d: INF, x: INF})
    # a closure at 50 h: the weather changes, so the late table applies
    weather = WeatherTable(0.0, 50.0, np.array([[True, False]]), *np.ones((3, 1, 2)))
    q = Query(o, t, capacity_l=4.0, start_fuel_l=2.25, refuel_h=0.25)
    with mock.patch("arcticroute.solver._LATE_AFTER_LABELS", 0):
        res = run(g, weather, q)
    assert res.plans[0].arrive_h == pytest.approx(1.0)
    assert res.plans[0].arcs == (0, 2, 3)  # o-v, v-d, d-t (arcs numbered by tail)


def test_fuel_objective_takes_the_frugal_route() -> None:
    g = make_graph(
        3, [(0, 1, 1.0, 5.0, 1.0, 0), (1, 2, 1.0, 5.0, 1.0, 0), (0, 2, 5.0, 6.0, 3.0, 0)]
    )
    assert run(g, None, Query(0, 2), "time").plans[0].arrive_h == 2.0
    assert run(g, None, Query(0, 2), "fuel").plans[0].fuel_used_l == 6.0
    assert run(g, None, Query(0, 2), "risk").plans[0].risk == 2.0
    pareto = run(g, None, Query(0, 2), "pareto").plans
    assert [(p.arrive_h, p.fuel_used_l) for p in pareto] == [(2.0, 10.0), (5.0, 6.0)]


def test_via_points_are_visited_in_order() -> None:
    arcs = [(a, b, 1.0, 1.0, 1.0, 0) for a in range(4) for b in range(4) if a != b]
    g = make_graph(4, arcs)
    res = run(g, None, Query(0, 3, via=(2, 1)))
    heads = [int(g.head[a]) for a in res.plans[0].arcs]
    assert heads == [2, 1, 3]


def test_banned_arcs_and_nodes_are_avoided() -> None:
    g = make_graph(
        3, [(0, 1, 1.0, 1.0, 1.0, 0), (1, 2, 1.0, 1.0, 1.0, 0), (0, 2, 5.0, 1.0, 1.0, 0)]
    )
    assert solve(g, 0, 2, capacity_l=INF).plans[0].arrive_h == 2.0
    banned = np.zeros(3, np.bool_)
    banned[1] = True
    assert solve(g, 0, 2, capacity_l=INF, banned_nodes=banned).plans[0].arrive_h == 5.0
    arcs = np.zeros(g.n_arcs, np.bool_)
    arcs[[i for i in range(g.n_arcs) if g.head[i] == 2]] = True
    res = solve(g, 0, 2, capacity_l=INF, banned_arcs=arcs)
    assert not res.feasible
    assert res.binding == "unreachable"
    res = solve(g, 0, 1, capacity_l=INF, banned_nodes=banned)
    assert res.binding == "unreachable"
    assert "banned" in res.reason


def test_origin_is_target() -> None:
    g = make_graph(2, [(0, 1, 1.0, 1.0, 1.0, 0)])
    res = run(g, None, Query(1, 1, depart_h=3.0))
    assert res.plans[0].steps == ()
    assert res.plans[0].arrive_h == 3.0


# ------------------------------------------------------------------------------------------
# Explanations
# ------------------------------------------------------------------------------------------


def test_explains_range() -> None:
    g = make_graph(
        4,
        [(0, 1, 1.0, 40.0, 1.0, 0), (1, 2, 6.0, 96.0, 1.0, 0), (2, 3, 1.0, 10.0, 1.0, 0)],
        depot_stock={1: INF, 2: INF},
    )
    res = solve(g, 0, 3, capacity_l=100.0, reserve_l=12.0)
    assert not res.feasible
    assert res.binding == "range"
    assert "usable range 88 L" in res.reason
    assert "arc 1->2 (120 km, 96 L)" in res.reason


def test_explains_range_by_the_stretch_every_route_needs() -> None:
    # The fastest route 0 -> 1 -> 2 -> 3 passes no depot (30 L); the slow one round by the
    # depots 4 and 5 needs 12 L between stops. A 10 L tank is short of that 12 L leg, not
    # of the fastest route's 30 L (as on a raster, where no fast route meets a depot).
    arcs = [(0, 1, 1.0, 10.0, 1.0, 0), (1, 2, 1.0, 10.0, 1.0, 0), (2, 3, 1.0, 10.0, 1.0, 0)]
    arcs += [(0, 4, 2.0, 8.0, 1.0, 0), (4, 5, 3.0, 12.0, 1.0, 0), (5, 3, 2.0, 8.0, 1.0, 0)]
    g = make_graph(6, arcs, depot_stock={4: INF, 5: INF})
    res = solve(g, 0, 3, capacity_l=10.0)
    assert res.binding == "range"
    assert "every route needs 12 L or more between refuelling points" in res.reason
    assert "arc 4->5 (60 km, 12 L) with no depot in between" in res.reason
    assert solve(g, 0, 3, capacity_l=12.0).feasible
    # with a full tank it would do: the fuel at the start binds, up to the first depot
    res = solve(g, 0, 3, capacity_l=14.0, start_fuel_l=5.0, reserve_l=2.0)
    assert res.binding == "range"
    assert "starts with 3 L usable, but arc 0->4 (40 km, 8 L)" in res.reason
    assert "start with at least 10 L" in res.reason
    assert solve(g, 0, 3, capacity_l=14.0, start_fuel_l=10.0, reserve_l=2.0).feasible
    assert not solve(g, 0, 3, capacity_l=14.0, start_fuel_l=9.9, reserve_l=2.0).feasible


def unlimited_stock(graph: CompiledGraph) -> CompiledGraph:
    return replace(graph, node_stock_l=np.where(graph.node_depot, INF, 0.0))


@given(st.data())
def test_range_reach_agrees_with_the_solver(data: st.DataObject) -> None:
    # Without weather, duty or deadline the solver finds a plan exactly when a tank of
    # that size gets through with free, unlimited refuelling (`range_reach`).
    graph = unlimited_stock(data.draw(st.one_of(compiled_graphs(), corridor_graphs())))
    q = data.draw(queries(graph.n_nodes, duty=False, deadline=False))
    assume(math.isfinite(q.capacity_l))
    res = run(graph, None, q)
    stages = np.array([*q.via, q.target], np.int64)
    left, route = kern.range_reach(
        graph.indptr,
        graph.head,
        graph.arc_litres,
        graph.node_depot.copy(),
        stages,
        q.origin,
        q.start - q.reserve_l,
        q.capacity_l - q.reserve_l,
        1e-9,
    )
    final = stages.shape[0] * graph.n_nodes + q.target
    assert (left[final] > -INF) == res.feasible
    if not res.feasible:
        assert route.size == 0
    if res.feasible:
        # the walk it found drives real arcs from the origin, through the via points in
        # order to the target, and never runs the tank dry
        node, fuel = q.origin, q.start - q.reserve_l
        stage = 0
        fuel = q.capacity_l - q.reserve_l if graph.node_depot[node] else fuel
        while stage < stages.shape[0] and stages[stage] == node:
            stage += 1
        for arc in route.tolist():
            assert graph.indptr[node] <= arc < graph.indptr[node + 1]
            node = int(graph.head[arc])
            fuel -= float(graph.arc_litres[arc])
            assert fuel >= -1e-9
            if graph.node_depot[node]:
                fuel = q.capacity_l - q.reserve_l
            while stage < stages.shape[0] and stages[stage] == node:
                stage += 1
        assert node == q.target
        assert stage == stages.shape[0]


@given(st.data())
def test_range_reason_states_what_the_tank_must_hold(data: st.DataObject) -> None:
    # The litres a range reason names are the least that work: a tank that much smaller
    # fails, one that much bigger (or that much fuel at the start) gets through.
    graph = unlimited_stock(data.draw(st.one_of(compiled_graphs(), corridor_graphs())))
    q = data.draw(queries(graph.n_nodes, duty=False, deadline=False))
    res = run(graph, None, q)
    if res.binding != "range":
        return  # (one in six to ten draws binds by range: filtering them out trips a health check)
    needs = re.search(r"every route needs ([0-9.]+) L or more", res.reason)
    start = re.search(r"start with at least ([0-9.]+) L", res.reason)
    assert needs or start, res.reason
    if needs:
        usable = float(needs.group(1))
        small = replace(q, capacity_l=q.reserve_l + usable - 0.01, start_fuel_l=None)
        assert not run(graph, None, small).feasible
        big = replace(q, capacity_l=q.reserve_l + usable + 0.11, start_fuel_l=None)
        assert run(graph, None, big).feasible
    if start:
        litres = float(start.group(1))
        assert run(graph, None, replace(q, start_fuel_l=litres)).feasible
        assert not run(graph, None, replace(q, start_fuel_l=litres - 0.11)).feasible


def test_explains_weather() -> None:
    g = make_graph(2, [(0, 1, 1.0, 1.0, 1.0, 0)], shelter=[False, True])
    w = storm(1, {0: [0, 1, 2, 3, 4, 5]})
    res = solve(g, 0, 1, capacity_l=INF, weather=w)
    assert res.binding == "weather"
    assert "blocked at node 0" in res.reason
    assert "closed from" in res.reason
    w = storm(1, {0: [2, 3, 4]})
    res = solve(g, 0, 1, capacity_l=INF, weather=w, depart_h=2.5, deadline_h=4.0)
    assert res.binding == "weather"
    assert "until 5.0 h" in res.reason


def test_explains_weather_that_makes_the_calm_route_late_or_too_long() -> None:
    # a closure to wait out at the start, and a deadline the wait breaks
    g = make_graph(2, [(0, 1, 1.0, 1.0, 1.0, 0)], shelter=[True, False])
    res = solve(g, 0, 1, capacity_l=INF, weather=storm(1, {0: [0, 1, 2]}), deadline_h=2.0)
    assert res.binding == "weather"
    assert "delay the calm route to 4.0 h (waiting at nodes [0]), after the deadline 2.0 h" in (
        res.reason
    )
    # no closure, but drifting snow halves the speed on the second arc, where the crew
    # cannot rest: 2.5 h of driving against a 2 h limit (1.75 h in calm weather)
    arcs = [(0, 1, 1.0, 1.0, 1.0, 0), (1, 2, 0.75, 1.0, 1.0, 1)]
    g = make_graph(3, arcs, shelter=[True, False, True], node_cell=[0, 0, 1])
    slow = storm(2, {})
    slow.speed_factor[1, :] = 0.5
    res = solve(g, 0, 2, capacity_l=INF, weather=slow, max_drive_h=2.0, rest_h=1.0)
    assert res.binding == "weather"
    assert "slower driving or a higher fuel burn break the duty limit on the way" in res.reason


def test_a_deadline_at_the_optimum_with_rests_is_kept() -> None:
    # three 1 h arcs, 1.5 h of driving between 3 h rests: 1 + 3 + 1 + 3 + 1 = 9 h. The
    # bound that counts the rests still to take must not exceed a plan that arrives exactly
    # at the deadline, in the label search as in the relaxation's shortcut.
    arcs = [(0, 1, 1.0, 1.0, 1.0, 0), (1, 2, 1.0, 1.0, 1.0, 0), (2, 3, 1.0, 1.0, 1.0, 0)]
    g = make_graph(4, arcs, shelter=[True] * 4)
    duty = {"capacity_l": INF, "max_drive_h": 1.5, "rest_h": 3.0}

    def check() -> None:
        assert solve(g, 0, 3, **duty).plans[0].arrive_h == pytest.approx(9.0)
        assert solve(g, 0, 3, deadline_h=9.0, **duty).feasible
        late = solve(g, 0, 3, deadline_h=8.99, **duty)
        assert not late.feasible
        assert late.binding == "duty"  # (without the limit 3 h would do)

    check()
    with mock.patch("arcticroute.solver._fastest", return_value=(None, math.nan)):
        check()


def test_explains_duty() -> None:
    g = make_graph(
        3, [(0, 1, 3.0, 1.0, 1.0, 0), (1, 2, 3.0, 1.0, 1.0, 0)], shelter=[True, False, True]
    )
    res = solve(g, 0, 2, capacity_l=INF, max_drive_h=4.0, rest_h=8.0)
    assert res.binding == "duty"
    assert "6.0 h" in res.reason


def test_explains_deadline() -> None:
    g = make_graph(2, [(0, 1, 3.0, 1.0, 1.0, 0)])
    res = solve(g, 0, 1, capacity_l=INF, deadline_h=2.0)
    assert res.binding == "deadline"
    assert "3.0 h" in res.reason


def test_explains_unreachable() -> None:
    g = make_graph(3, [(0, 1, 3.0, 1.0, 1.0, 0)])
    res = solve(g, 0, 2, capacity_l=10.0, max_drive_h=2.0, rest_h=1.0)
    assert res.binding == "unreachable"
    assert "node 0 to node 2" in res.reason


@given(st.data())
def test_binding_constraint_is_the_one_that_relaxes(data: st.DataObject) -> None:
    n_cells = data.draw(st.integers(1, 2))
    graph = data.draw(compiled_graphs(n_cells=n_cells))
    weather = data.draw(st.one_of(st.none(), weather_tables(n_cells)))
    q = data.draw(queries(graph.n_nodes))
    res = run(graph, weather, q)
    assume(not res.feasible)
    everything = replace(
        q, capacity_l=INF, start_fuel_l=None, reserve_l=0.0, max_drive_h=INF, deadline_h=INF
    )
    if res.binding == "unreachable":
        assert not run(graph, None, everything).feasible
    elif res.reason.startswith("no single constraint"):
        assert run(graph, None, everything).feasible
    elif res.binding == "range":
        relaxed = replace(q, capacity_l=INF, start_fuel_l=None, reserve_l=0.0)
        assert run(graph, weather, relaxed).feasible
    elif res.binding == "weather":
        assert run(graph, None, q).feasible
    elif res.binding == "duty":
        assert run(graph, weather, replace(q, max_drive_h=INF)).feasible
    elif res.binding == "deadline":
        assert run(graph, weather, replace(q, deadline_h=INF)).feasible


# ------------------------------------------------------------------------------------------
# Input validation
# ------------------------------------------------------------------------------------------


def test_rejects_bad_input() -> None:
    g = make_graph(2, [(0, 1, 1.0, 1.0, 1.0, 0)])
    with pytest.raises(UnknownPlaceError, match="origin"):
        solve(g, 5, 1, capacity_l=1.0)
    with pytest.raises(UnknownPlaceError, match="via"):
        solve(g, 0, 1, capacity_l=1.0, via=[-1])
    with pytest.raises(ValueError, match="65535 via points"):
        solve(g, 0, 1, capacity_l=1.0, via=[0, 1] * 40_000)
    with pytest.raises(VehicleError, match="capacity_l"):
        solve(g, 0, 1, capacity_l=0.0)
    with pytest.raises(VehicleError, match="reserve_l"):
        solve(g, 0, 1, capacity_l=1.0, reserve_l=2.0)
    with pytest.raises(VehicleError, match="rest_h"):
        solve(g, 0, 1, capacity_l=1.0, max_drive_h=30.0)
    with pytest.raises(ValueError, match="objective"):
        solve(g, 0, 1, capacity_l=1.0, objective="speed")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="banned_nodes"):
        solve(g, 0, 1, capacity_l=1.0, banned_nodes=np.zeros(3, np.bool_))
    bad = storm(1, {})
    with pytest.raises(WeatherError, match="cells"):
        solve(replace(g, arc_cell=np.array([1])), 0, 1, capacity_l=1.0, weather=bad)
    with pytest.raises(WeatherError, match="speed_factor"):
        solve(g, 0, 1, capacity_l=1.0, weather=replace(bad, speed_factor=np.zeros((1, 6))))


# ------------------------------------------------------------------------------------------
# Dominance corner cases (each fails if the matching guard in the kernel is removed)
# ------------------------------------------------------------------------------------------


def test_early_label_stuck_in_storm_does_not_shadow_a_later_one() -> None:
    # Fast arc 0->1 reaches open-country node 1 at 1 h, just as a storm closes cell 1 (the
    # node, its outgoing arc and the fast arc): stuck. The slow arc (cell 0, open) arrives at
    # 2 h with less fuel, may halt at its end and leaves when the storm ends at 3 h.
    g = make_graph(
        3,
        [(0, 1, 1.0, 1.0, 1.0, 1), (0, 1, 2.0, 2.0, 1.0, 0), (1, 2, 1.0, 1.0, 1.0, 1)],
        shelter=[True, False, True],
        node_cell=[0, 1, 1],
    )
    w = WeatherTable(
        0.0,
        1.0,
        np.array([[True] * 4, [True, False, False, True]]),
        np.ones((2, 4)),
        np.ones((2, 4)),
        np.ones((2, 4)),
    )
    res = run(g, w, Query(0, 2))
    assert res.plans[0].arrive_h == 4.0
    assert oracle(g, w, Query(0, 2))[0].arrive_h == 4.0


def test_early_label_that_cannot_stand_does_not_shadow_a_later_one() -> None:
    # Both labels reach open-country node 1 over the same arc (cell 2). The one leaving at
    # 0 h arrives at 1 h as cells 1 and 2 both close: it can neither wait nor go on. The
    # one that waits at the shelter until cell 2 reopens at 2 h arrives at 3 h, may halt at
    # the end of its arc, and leaves when cell 1 opens at 4 h.
    g = make_graph(
        3,
        [(0, 1, 1.0, 1.0, 1.0, 2), (1, 2, 1.0, 1.0, 1.0, 1)],
        shelter=[True, False, True],
        node_cell=[0, 1, 1],
    )
    opn = np.ones((3, 5), np.bool_)
    opn[1, :4] = False
    opn[2, 1] = False
    w = WeatherTable(0.0, 1.0, opn, np.ones((3, 5)), np.ones((3, 5)), np.ones((3, 5)))
    res = run(g, w, Query(0, 2))
    assert res.feasible
    assert res.plans[0].arrive_h == 5.0
    assert oracle(g, w, Query(0, 2))[0].arrive_h == 5.0


def test_halting_rights_depend_on_the_arrival_arc() -> None:
    # Node 1 sits in a storm until 4 h. Label A arrives at 1 h over an arc whose cell
    # closes at 2.5 h: it may halt only until then. Label B arrives at 2 h over an arc in
    # calm cell 3 and may halt until the storm ends, so A must not replace B.
    g = make_graph(
        3,
        [(0, 1, 1.0, 1.0, 1.0, 2), (0, 1, 2.0, 2.0, 1.0, 3), (1, 2, 1.0, 1.0, 1.0, 1)],
        shelter=[True, False, True],
        node_cell=[0, 1, 1],
    )
    opn = np.ones((4, 10), np.bool_)
    opn[1, :8] = False
    opn[2, 5:] = False
    w = WeatherTable(0.0, 0.5, opn, np.ones((4, 10)), np.ones((4, 10)), np.ones((4, 10)))
    res = run(g, w, Query(0, 2))
    assert res.feasible
    assert res.plans[0].arrive_h == 5.0
    assert oracle(g, w, Query(0, 2))[0].arrive_h == 5.0


def test_duty_charges_an_earlier_departures_longer_drive_into_a_speed_up() -> None:
    # Arc 1->2 (2 calm hours) speeds up from x0.5 to x2 at 2 h. Entered at 0 h it takes
    # 2.5 h, at 0.5 h 2.125 h, at 1.0 h 1.75 h: duty charges an entry before 2 h the
    # longest drive of any start in that epoch since the trip began (0 h), 2.5 h (the
    # charge never falls within an epoch, which keeps dominance exact), more than the
    # 2.2 h limit. The plan waits for the speed-up (2 h) and arrives at 3 h.
    g = make_graph(
        3,
        [(0, 1, 0.5, 1.0, 1.0, 0), (0, 1, 0.5, 1.0, 1.0, 2), (1, 2, 2.0, 1.0, 1.0, 1)],
        shelter=[True, False, True],
        node_cell=[0, 0, 0],
    )
    # half-hour steps from 0 h; cell 1 speeds up at 2 h, cell 2 burns x1.5 from 0.5 h
    speed = np.ones((3, 5))
    speed[1] = [0.5, 0.5, 0.5, 0.5, 2.0]
    fuel = np.ones((3, 5))
    fuel[2, 1:] = 1.5
    w = WeatherTable(0.0, 0.5, np.ones((3, 5), np.bool_), speed, fuel, np.ones((3, 5)))
    ep = _epochs(w)

    def charged(t: float, t_min: float) -> float:
        return float(kern.charged_hours(ep.ptr, ep.start, ep.open, ep.speed, 1, t, 2.0, t_min))

    assert charged(1.0, 0.0) == 2.5
    assert charged(1.0, 0.5) == 2.125
    assert charged(1.0, 1.0) == 1.75
    assert charged(2.0, 0.0) == 1.0
    q = Query(0, 2, max_drive_h=2.2, rest_h=5.0)
    assert oracle(g, w, q)[0].arrive_h == 3.0
    res = run(g, w, q)
    assert res.plans[0].arrive_h == 3.0
    assert run(g, w, Query(0, 2)).plans[0].arrive_h == 2.625  # leaves node 1 at 0.5 h


def test_duty_charges_a_slowdown_on_the_way_exactly() -> None:
    # A slowdown ahead makes later departures drive longer: the charge is the drive itself.
    speed = np.array([[1.0, 1.0, 1.0, 0.5]])
    w = WeatherTable(0.0, 1.0, np.ones((1, 4), np.bool_), speed, np.ones((1, 4)), np.ones((1, 4)))
    ep = _epochs(w)
    for t, drive in ((0.0, 2.0), (1.5, 2.5), (2.5, 3.5), (3.0, 4.0)):
        got = kern.charged_hours(ep.ptr, ep.start, ep.open, ep.speed, 0, t, 2.0, 0.0)
        assert got == drive


def test_refuelling_stop_also_times_the_next_departure() -> None:
    # Found by a random search when risk charged the exact drive: the least-risk plan
    # refuelled at depot 2 with fuel to spare, to enter arc 2->0 later and drive it faster.
    # Risk now charges the entry epoch's longest drive, the same for any entry within it,
    # so the stop no longer pays; the shortcut that first solves with an unlimited tank
    # (which keeps such stops possible) must still agree with the oracle.
    g = make_graph(
        5,
        [
            (0, 1, 0.5, 0.5, 0.0, 0),
            (0, 1, 0.25, 3.0, 2.0, 0),
            (0, 4, 2.0, 3.0, 0.5, 0),
            (1, 2, 0.75, 0.5, 2.0, 0),
            (1, 4, 1.0, 1.0, 0.5, 0),
            (2, 0, 2.0, 1.0, 2.0, 0),
            (3, 2, 0.5, 2.0, 1.0, 0),
        ],
        shelter=[False, False, False, True, True],
        depot_stock={2: INF, 4: INF},
    )
    w = WeatherTable(
        -0.5,
        1.0,
        np.array([[False, True, True, True, False]]),
        np.array([[2.0, 0.5, 0.5, 2.0, 0.5]]),
        np.array([[2.0, 1.0, 1.5, 1.5, 1.5]]),
        np.array([[0.5, 0.5, 0.5, 2.0, 1.0]]),
    )
    q = Query(3, 0, depart_h=0.25, capacity_l=8.0, refuel_h=0.5)
    res = run(g, w, q, "risk")
    assert res.plans[0].risk == 2.25
    assert [s.kind for s in res.plans[0].steps] == ["wait", "drive", "drive"]
    assert min(o.risk for o in oracle(g, w, q)) == 2.25
