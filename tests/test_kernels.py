"""The numba kernels on their own: parity with scipy, the speed model, standing rules."""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass, replace
from typing import Any
from unittest import mock

import numba as nb
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from arcticroute import _kernels as kern
from arcticroute import solver as solver_module
from arcticroute.solver import (
    CompiledGraph,
    WeatherTable,
    _epochs,
    _per_cell_bounds,
    solve,
)
from arcticroute.terrain import lattice_graph, synthetic_terrain
from strategies import compiled_graphs, corridor_graphs, make_graph, weather_tables


def random_graph(seed: int, n: int = 200, m: int = 900) -> CompiledGraph:
    rng = np.random.default_rng(seed)
    pairs = sorted(
        {
            (int(a), int(b))
            for a, b in zip(rng.integers(0, n, m), rng.integers(0, n, m), strict=True)
            if a != b
        }
    )
    arcs = [
        (a, b, float(rng.uniform(0.1, 3.0)), float(rng.uniform(0.5, 9.0)), 1.0, 0) for a, b in pairs
    ]
    graph = make_graph(n, arcs)
    xy = rng.uniform(-500.0, 500.0, (2, n))  # coordinates unrelated to the arc times
    return replace(graph, node_x_km=xy[0], node_y_km=xy[1])


def matrix(graph: CompiledGraph, weight: np.ndarray) -> csr_matrix:
    n = graph.n_nodes
    return csr_matrix((weight, graph.head, graph.indptr), shape=(n, n))


@pytest.mark.parametrize("seed", range(3))
def test_reverse_csr_lists_every_arc_once_under_its_head(seed: int) -> None:
    g = random_graph(seed)
    rptr, rtail, rarc = kern.reverse_csr(g.indptr, g.head)
    assert sorted(rarc.tolist()) == list(range(g.n_arcs))
    tails = np.repeat(np.arange(g.n_nodes), np.diff(g.indptr))
    for v in range(g.n_nodes):
        arcs = rarc[rptr[v] : rptr[v + 1]]
        assert np.all(g.head[arcs] == v)
        assert np.array_equal(tails[arcs], rtail[rptr[v] : rptr[v + 1]])


@pytest.mark.parametrize("seed", range(3))
def test_reverse_dijkstra_matches_scipy(seed: int) -> None:
    g = random_graph(seed)
    rptr, rtail, rarc = kern.reverse_csr(g.indptr, g.head)
    target = 7
    full = dijkstra(matrix(g, g.arc_hours).T, indices=target)
    d1, d2, stop = kern.reverse_dijkstra(
        rptr,
        rtail,
        g.arc_hours[rarc],
        g.arc_litres[rarc],
        np.array([target]),
        np.zeros(1),
        np.inf,
        -1,
    )
    np.testing.assert_allclose(d1, full, rtol=1e-12)
    assert math.isinf(stop)
    # litres along the tree: each finite node's litres equal an arc plus its successor's
    assert d2[target] == 0.0
    # stopping at a node leaves unsettled nodes at its distance (a lower bound)
    origin = int(np.argsort(full)[len(full) // 2])
    d1, _, stop = kern.reverse_dijkstra(
        rptr,
        rtail,
        g.arc_hours[rarc],
        np.empty(0),
        np.array([target]),
        np.zeros(1),
        np.inf,
        origin,
    )
    assert stop == pytest.approx(full[origin], rel=1e-12)
    assert np.all(d1 <= full + 1e-12)
    assert np.all((d1 == full) | (d1 == stop))
    # a radius leaves everything beyond it at inf; offsets shift the sources
    d1, _, _ = kern.reverse_dijkstra(
        rptr,
        rtail,
        g.arc_hours[rarc],
        np.empty(0),
        np.array([target, 3]),
        np.array([0.5, 0.0]),
        2.0,
        -1,
    )
    both = np.minimum(full + 0.5, dijkstra(matrix(g, g.arc_hours).T, indices=3))
    np.testing.assert_allclose(d1[both <= 2.0], both[both <= 2.0], rtol=1e-12)
    assert np.all(np.isinf(d1[both > 2.0 + 1e-9]))


@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 12),
    st.sampled_from(["spread", "column", "same"]),
)
def test_nearest_km_matches_brute_force_and_bounds_the_litres_to_a_sink(
    seed: int, n_sinks: int, layout: str
) -> None:
    g = random_graph(seed, n=60, m=300)
    rng = np.random.default_rng(seed)
    x, y = g.node_x_km.copy(), g.node_y_km.copy()
    sinks = rng.choice(g.n_nodes, n_sinks, replace=False).astype(np.int64)
    if layout != "spread":  # sinks sharing an x (or a place): the scan must not stop early
        x[sinks] = x[sinks[0]]
        if layout == "same":
            y[sinks] = y[sinks[0]]
    g = replace(g, node_x_km=x, node_y_km=y)
    got = kern.nearest_km(x, y, sinks)
    brute = np.hypot(x[:, None] - x[sinks], y[:, None] - y[sinks]).min(axis=1)
    np.testing.assert_allclose(got, brute, rtol=1e-12, atol=1e-12)
    # times the least litres per km, it never exceeds the least litres to a sink (what the
    # solver's labels may assume on large graphs)
    per_km = kern.least_per_km(g.indptr, g.head, g.arc_litres, x, y)
    litres = dijkstra(matrix(g, g.arc_litres).T, indices=sinks, min_only=True)
    assert np.all(got * per_km * (1.0 - 1e-12) <= litres)


@given(st.integers(0, 2**32 - 1), st.integers(0, 8))
def test_km_to_nearest_adds_the_target_to_the_depots_kept_per_graph(
    seed: int, n_depots: int
) -> None:
    g = random_graph(seed, n=60, m=300)
    rng = np.random.default_rng(seed)
    x, y = g.node_x_km, g.node_y_km
    for _ in range(2):  # other depots the second time: the kept distances are not reused
        depots = np.sort(rng.choice(g.n_nodes, n_depots, replace=False)).astype(np.int64)
        target = int(rng.integers(g.n_nodes))
        for _ in range(2):  # the second call reads the kept distances
            got = solver_module._km_to_nearest(g, depots, target)
            sinks = np.append(depots, target)
            np.testing.assert_array_equal(got, kern.nearest_km(x, y, sinks))


@given(st.integers(0, 2**32 - 1))
def test_gather_reads_the_values_at_the_index(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.random(int(rng.integers(1, 50)))
    index = rng.integers(0, values.size, int(rng.integers(0, 80))).astype(np.int32)
    np.testing.assert_array_equal(kern.gather(values, index), values[index])


def test_nearest_km_without_sinks_is_inf() -> None:
    got = kern.nearest_km(np.zeros(3), np.zeros(3), np.empty(0, np.int64))
    assert np.all(np.isinf(got))


def earliest_path(
    g: CompiledGraph,
    weather: WeatherTable | None,
    origin: int,
    target: int,
    depart: float,
    marks: solver_module._Landmarks | None = None,
) -> tuple[float, float, int, np.ndarray, np.ndarray]:
    # with ``marks`` (`solver._landmarks`) the landmarks alone bound the search
    ep = _epochs(weather)
    cells = g.arc_cell if weather is not None else np.zeros(g.n_arcs, np.int32)
    fastest = float(_per_cell_bounds(ep, depart)[0].max())
    h_per_km = kern.least_per_km(g.indptr, g.head, g.arc_hours, g.node_x_km, g.node_y_km)
    if marks is not None:
        h_per_km = 0.0
    return kern.earliest_arrival_path(  # type: ignore[no-any-return]
        g.indptr,
        g.head,
        g.arc_hours,
        g.arc_litres,
        cells,
        np.ones(0, np.bool_),
        ep.ptr,
        ep.start,
        ep.open,
        ep.speed,
        ep.fuel,
        g.node_x_km,
        g.node_y_km,
        h_per_km / fastest if fastest > 0 else 0.0,
        np.zeros((0, 0), np.uint16) if marks is None else marks.codes,
        np.empty(0) if marks is None else marks.unit_h / fastest,
        origin,
        target,
        depart,
    )


def check_path(g: CompiledGraph, arcs: np.ndarray, origin: int, target: int) -> None:
    nodes = [origin] + [int(g.head[a]) for a in arcs]
    for a, u in zip(arcs, nodes[:-1], strict=True):
        assert g.indptr[u] <= a < g.indptr[u + 1]
    assert nodes[-1] == target


@pytest.mark.parametrize("seed", range(4))
def test_earliest_arrival_path_matches_scipy_whatever_the_coordinates(seed: int) -> None:
    g = random_graph(seed)
    dist = dijkstra(matrix(g, g.arc_hours), indices=0)
    for target in range(1, g.n_nodes, 11):
        hours, litres, settled, arcs, departs = earliest_path(g, None, 0, target, 0.0)
        if math.isinf(dist[target]):
            assert math.isinf(hours)
            assert arcs.size == 0
            continue
        assert hours == pytest.approx(dist[target], rel=1e-12)
        assert settled >= 1
        assert litres == pytest.approx(float(g.arc_litres[arcs].sum()))
        assert float(g.arc_hours[arcs].sum()) == pytest.approx(hours, rel=1e-12)
        np.testing.assert_allclose(departs, np.cumsum(np.r_[0.0, g.arc_hours[arcs]])[:-1])
        check_path(g, arcs, 0, target)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(
    ("opn", "speed", "fuel"),
    [(True, 1.0, 1.0), (True, 0.6, 1.3), (True, 2.0, 0.8), (False, 1.0, 1.0)],
)
def test_earliest_arrival_path_without_epochs_matches_the_epoch_walk(
    seed: int, opn: bool, speed: float, fuel: float
) -> None:
    # One cell with one epoch takes a short cut past the epoch look-up; the same weather
    # split over two identical cells walks the epochs. Same answer, bit for bit.
    g = random_graph(seed)
    one, two = (
        WeatherTable(0.0, 1.0, *(np.full((cells, 1), x) for x in (opn, speed, fuel, 1.0)))
        for cells in (1, 2)
    )
    g1 = replace(g, arc_cell=np.zeros(g.n_arcs, np.int64))
    g2 = replace(g, arc_cell=np.arange(g.n_arcs, dtype=np.int64) % 2)
    reached = 0
    for target in range(1, g.n_nodes, 7):
        a = earliest_path(g1, one, 0, target, 0.5)
        b = earliest_path(g2, two, 0, target, 0.5)
        assert a[:3] == b[:3]
        np.testing.assert_array_equal(a[3], b[3])
        np.testing.assert_array_equal(a[4], b[4])
        reached += math.isfinite(a[0])
    assert reached > 0 if opn else reached == 0


def earliest_arrivals_by_relaxation(
    g: CompiledGraph, weather: WeatherTable, origin: int, depart: float
) -> np.ndarray:
    """Bellman-Ford over time-dependent arcs, leaving at once or at any later step start."""
    ep = _epochs(weather)
    starts = [weather.t0_h + k * weather.step_h for k in range(weather.n_steps)]
    best = np.full(g.n_nodes, math.inf)
    best[origin] = depart
    tails = np.repeat(np.arange(g.n_nodes), np.diff(g.indptr))
    for _ in range(g.n_nodes):
        for e in range(g.n_arcs):
            t = best[tails[e]]
            if math.isinf(t):
                continue
            for tau in [t, *sorted(x for x in starts if x > t)]:
                status, arrive, _d, _k = kern.traverse_arc(
                    ep.ptr, ep.start, ep.open, ep.speed, int(g.arc_cell[e]), tau, g.arc_hours[e]
                )
                if status == kern.TRAV_OK:
                    best[g.head[e]] = min(best[g.head[e]], arrive)
                    break
    return best


@given(st.data())
def test_earliest_arrival_path_matches_a_relaxation_oracle(data: st.DataObject) -> None:
    g = data.draw(compiled_graphs(n_cells=2, max_nodes=8))
    weather = data.draw(weather_tables(2, max_steps=4))
    depart = data.draw(st.sampled_from([0.0, 0.25, 1.0, 2.5]))
    xy = data.draw(st.lists(st.floats(-3.0, 3.0), min_size=2 * g.n_nodes, max_size=2 * g.n_nodes))
    g = replace(g, node_x_km=np.array(xy[::2]), node_y_km=np.array(xy[1::2]))
    best = earliest_arrivals_by_relaxation(g, weather, 0, depart)
    ep = _epochs(weather)
    for target in range(g.n_nodes):
        arrive, litres, _settled, arcs, departs = earliest_path(g, weather, 0, target, depart)
        if math.isinf(best[target]):
            assert math.isinf(arrive)
            continue
        assert arrive == pytest.approx(best[target], abs=1e-9)
        check_path(g, arcs, 0, target)
        t = depart
        burnt = 0.0
        for e, tau in zip(arcs, departs, strict=True):
            assert tau >= t - 1e-12
            status, t, _d, k = kern.traverse_arc(
                ep.ptr, ep.start, ep.open, ep.speed, int(g.arc_cell[e]), tau, g.arc_hours[e]
            )
            assert status == kern.TRAV_OK
            burnt += g.arc_litres[e] * ep.fuel[k]
        assert t == pytest.approx(arrive, abs=1e-12)
        assert burnt == pytest.approx(litres)


NO_CORRIDOR = np.zeros((0, 0), np.float32)


def backward_args(g: CompiledGraph, weather: WeatherTable, earliest: np.ndarray) -> tuple[Any, ...]:
    # the leading arguments of the backward searches, every arc usable
    ep = _epochs(weather)
    rptr, rtail, rarc = kern.reverse_csr(g.indptr, g.head)
    ok = np.ones(0, np.bool_)
    arcs = (g.arc_hours, g.arc_cell, ok, ep.ptr, ep.start, ep.open, ep.speed)
    return (rptr, rtail, rarc, *arcs, earliest)


def latest_times(
    g: CompiledGraph,
    weather: WeatherTable,
    earliest: np.ndarray,
    target: int | list[int],
    arrive_by: float | list[float],
    t_floor: float,
) -> np.ndarray:
    # `latest_departure` on every arc; ``earliest``: `band_earliest`'s table, or none
    return kern.latest_departure(  # type: ignore[no-any-return]
        *backward_args(g, weather, earliest),
        np.array(target, np.int64).reshape(-1),
        np.array(arrive_by, np.float64).reshape(-1),
        t_floor,
    )


@dataclass(frozen=True)
class Bands:
    """A tank seen through fuel-deficit bands, as the late tables see it."""

    h_fuel: np.ndarray
    depot_ok: np.ndarray
    usable_l: float
    refuel_h: float
    band_l: float

    def lo(self, v: int) -> int:
        return int(kern.band_lo(self.h_fuel[v], self.usable_l, self.band_l))

    def top(self, v: int) -> int:
        # the node's bands past its lowest (-1: none)
        if not math.isfinite(self.usable_l) or math.isinf(self.h_fuel[v]):
            return -1
        return int(kern._band_hi(self.h_fuel[v], self.band_l)) - self.lo(v)

    @property
    def width(self) -> int:
        tops = [self.top(v) for v in range(self.h_fuel.shape[0])]
        return 1 + (max(1, max(tops) + 1) if math.isfinite(self.usable_l) else 0)


NO_TANK = Bands(np.zeros(1), np.zeros(1, np.bool_), math.inf, 0.0, 0.0)


def bands_for(
    g: CompiledGraph, target: int, usable_l: float, refuel_h: float, per_tank: int
) -> Bands:
    # calm litres to the target, as the solver computes them without weather
    rptr, rtail, rarc = kern.reverse_csr(g.indptr, g.head)
    h_fuel = kern.reverse_dijkstra(
        rptr, rtail, g.arc_litres[rarc], np.empty(0), np.array([target]), np.zeros(1), np.inf, -1
    )[0]
    depot_ok = g.node_depot & (g.node_stock_l > 0.0)
    return Bands(h_fuel, depot_ok, usable_l, refuel_h, usable_l / per_tank)


def band_moves(g: CompiledGraph, bands: Bands, v: int, col: int) -> list[tuple[int, int, int]]:
    # (arc or -1 for a refuelling stop, next node, next state) from state ``col`` at v:
    # 0 free, 1 + j band ``lo + j``
    width = bands.width
    out: list[tuple[int, int, int]] = []
    if col > 0 and bands.depot_ok[v]:
        full = bands.h_fuel[v] <= bands.usable_l + 1e-6
        out.append((-1, v, 0 if full else 1))
    for e in range(g.indptr[v], g.indptr[v + 1]):
        u = int(g.head[e])
        if col == 0:
            out.append((e, u, 0))
            continue
        if bands.top(u) < 0:
            continue
        b = max(bands.lo(v) + col - 1, bands.lo(u))
        if b <= bands.lo(u) + bands.top(u):
            assert 1 + b - bands.lo(u) < width
            out.append((e, u, 1 + b - bands.lo(u)))
    return out


def band_arrivals_by_relaxation(
    g: CompiledGraph, weather: WeatherTable, bands: Bands, start: tuple[int, int], depart: float
) -> np.ndarray:
    """Bellman-Ford over (node, deficit state): waiting anywhere, stops at depots."""
    ep = _epochs(weather)
    starts = [weather.t0_h + k * weather.step_h for k in range(weather.n_steps)]
    best = np.full((g.n_nodes, bands.width), math.inf)
    best[start] = depart
    for _ in range(g.n_nodes * bands.width + 1):
        changed = False
        for v in range(g.n_nodes):
            for col in range(bands.width):
                t = best[v, col]
                if math.isinf(t):
                    continue
                for e, u, nxt in band_moves(g, bands, v, col):
                    arrive = math.inf
                    if e < 0:
                        arrive = t + bands.refuel_h
                    else:
                        for tau in [t, *sorted(x for x in starts if x > t)]:
                            status, a, _d, _k = kern.traverse_arc(
                                ep.ptr,
                                ep.start,
                                ep.open,
                                ep.speed,
                                int(g.arc_cell[e]),
                                tau,
                                g.arc_hours[e],
                            )
                            if status == kern.TRAV_OK:
                                arrive = a
                                break
                    if arrive < best[u, nxt]:
                        best[u, nxt] = arrive
                        changed = True
        if not changed:
            break
    return best


def band_table(
    g: CompiledGraph,
    weather: WeatherTable,
    bands: Bands,
    h_time: np.ndarray,
    start: tuple[int, int],
    target: int,
    depart: float,
    span_h: float,
) -> tuple[np.ndarray, float]:
    ep = _epochs(weather)
    return kern.band_earliest(  # type: ignore[no-any-return]
        g.indptr,
        g.head,
        g.arc_hours,
        g.arc_cell,
        np.ones(0, np.bool_),
        ep.ptr,
        ep.start,
        ep.open,
        ep.speed,
        h_time,
        bands.h_fuel if math.isfinite(bands.usable_l) else np.zeros(g.n_nodes),
        bands.depot_ok if math.isfinite(bands.usable_l) else np.zeros(g.n_nodes, np.bool_),
        bands.usable_l,
        bands.refuel_h,
        bands.band_l,
        start[0],
        start[1],
        target,
        depart,
        span_h,
    )


def hours_bound(g: CompiledGraph, weather: WeatherTable, target: int) -> np.ndarray:
    # calm hours to the target at the weather's fastest: a consistent A* potential
    fastest = float(weather.speed_factor[weather.open].max(initial=1.0))
    rptr, rtail, rarc = kern.reverse_csr(g.indptr, g.head)
    rw = g.arc_hours[rarc] / fastest
    src = np.array([target])
    hours: np.ndarray = kern.reverse_dijkstra(
        rptr, rtail, rw, np.empty(0), src, np.zeros(1), np.inf, -1
    )[0]
    return hours


@st.composite
def banded_cases(draw: st.DrawFn) -> tuple[CompiledGraph, WeatherTable, Bands, int]:
    g = draw(compiled_graphs(n_cells=2, max_nodes=7))
    weather = draw(weather_tables(2, max_steps=4))
    target = draw(st.integers(0, g.n_nodes - 1))
    usable = draw(st.sampled_from([1.0, 2.0, 3.0, 5.0]))
    refuel = draw(st.sampled_from([0.25, 1.0]))
    per_tank = draw(st.sampled_from([1, 2, 4]))
    return g, weather, bands_for(g, target, usable, refuel, per_tank), target


@given(banded_cases(), st.data())
def test_band_earliest_matches_a_relaxation_oracle(
    case: tuple[CompiledGraph, WeatherTable, Bands, int], data: st.DataObject
) -> None:
    g, weather, bands, target = case
    origin = data.draw(st.integers(0, g.n_nodes - 1))
    cols = [0] + [1 + j for j in range(bands.top(origin) + 1)]
    col = data.draw(st.sampled_from(cols))
    depart = data.draw(st.sampled_from([0.0, 0.5, 2.0]))
    truth = band_arrivals_by_relaxation(g, weather, bands, (origin, col), depart)
    lower = np.minimum.accumulate(truth, axis=1)  # a state or a lower one
    for h_time in (np.zeros(g.n_nodes), hours_bound(g, weather, target)):
        got, arrival = band_table(
            g, weather, bands, h_time, (origin, col), target, depart, math.inf
        )
        assert arrival == truth[target, 0] or (math.isinf(arrival) and math.isinf(truth[target, 0]))
        assert got.shape == truth.shape
        if math.isinf(h_time[origin]):
            assert np.all(np.isinf(got))  # no search: the target cannot be reached
            continue
        # nodes that cannot reach the target are not searched
        lower[np.isinf(h_time)] = math.inf
        assert np.all(got <= lower)
        finite = np.isfinite(lower)
        np.testing.assert_array_equal(np.isfinite(got), finite)
        np.testing.assert_allclose(got[finite], lower[finite], atol=1e-5)
        # stopped early, every state keeps a lower bound, and the arrival is exact
        span = data.draw(st.sampled_from([0.0, 0.5]))
        early, arrival = band_table(g, weather, bands, h_time, (origin, col), target, depart, span)
        assert arrival == truth[target, 0] or (math.isinf(arrival) and math.isinf(truth[target, 0]))
        assert np.all(early <= lower)


def latest_bands(
    g: CompiledGraph,
    weather: WeatherTable,
    bands: Bands,
    earliest: np.ndarray,
    free: np.ndarray,
    t_floor: float,
) -> np.ndarray:
    out = np.full((g.n_nodes, bands.width), np.nan, np.float32)
    kern.latest_band_departure(
        *backward_args(g, weather, earliest),
        bands.h_fuel,
        bands.depot_ok,
        free,
        bands.usable_l,
        bands.refuel_h,
        bands.band_l,
        t_floor,
        out,
    )
    assert np.all(np.isnan(out[:, 0]))  # (column 0 is the caller's)
    return out[:, 1:]


@given(banded_cases(), st.data())
def test_latest_band_departure_is_the_last_moment_to_arrive_in_time(
    case: tuple[CompiledGraph, WeatherTable, Bands, int], data: st.DataObject
) -> None:
    g, weather, bands, target = case
    arrive_by = data.draw(st.sampled_from([0.5, 1.5, 3.0, 6.0]))
    every, free = check_latest_bands(g, weather, bands, target, arrive_by)
    # labels that cannot be at a state by its latest time need no value there
    origin = data.draw(st.integers(0, g.n_nodes - 1))
    depart = data.draw(st.sampled_from([0.0, 1.0, 2.5]))
    col = data.draw(st.sampled_from([0] + [1 + j for j in range(bands.top(origin) + 1)]))
    earliest, _arrival = band_table(
        g, weather, bands, np.zeros(g.n_nodes), (origin, col), target, depart, math.inf
    )
    free_c = latest_times(g, weather, earliest, target, arrive_by, depart)
    check_corridor(free, free_c, earliest[:, 0], depart)
    got = latest_bands(g, weather, bands, earliest, free_c, depart)
    check_corridor(every, got, earliest[:, 1:], depart)


def test_late_bands_follow_a_label_into_a_node_whose_lowest_band_is_higher() -> None:
    # U -> T is short in litres but slow; the fast way goes out to W, whose litres to the
    # target (3) put its lowest band above U's, then refuels at D. A label at U in band 0
    # or 1 enters W in W's lowest band (2): every band of U up to it leads there.
    u, w, d, t = range(4)
    arcs = [(u, t, 10.0, 1.0, 0.0, 0), (u, w, 0.5, 0.5, 0.0, 0)]
    arcs += [(w, d, 0.25, 1.5, 0.0, 0), (d, t, 0.25, 1.5, 0.0, 0)]
    g = make_graph(4, arcs, depot_stock={d: math.inf})
    calm = WeatherTable(0.0, 1.0, np.ones((1, 1), np.bool_), *np.ones((3, 1, 1)))
    bands = bands_for(g, t, 1.5, 0.25, 3)
    assert (bands.lo(u), bands.lo(w)) == (0, 2)
    every, _free = check_latest_bands(g, calm, bands, t, 5.0)
    np.testing.assert_allclose(every[u, :2], 5.0 - 1.25, atol=1e-6)


def check_latest_bands(
    g: CompiledGraph, weather: WeatherTable, bands: Bands, target: int, arrive_by: float
) -> tuple[np.ndarray, np.ndarray]:
    # `latest_band_departure` (no corridor) against the oracle, state by state; returns it
    # and `latest_departure`'s result
    anywhere = np.full((g.n_nodes, bands.width), -np.inf, np.float32)
    free = latest_times(g, weather, NO_CORRIDOR, target, arrive_by, -50.0)
    every = latest_bands(g, weather, bands, anywhere, free, -50.0)
    assert every.shape == (g.n_nodes, bands.width - 1)

    def arrival(v: int, col: int, t: float) -> float:
        return float(band_arrivals_by_relaxation(g, weather, bands, (v, col), t)[target, 0])

    for v in range(g.n_nodes):
        top = bands.top(v)
        for j in range(bands.width - 1):
            latest = float(every[v, j])
            if top < 0:
                assert latest == -math.inf
                continue
            if j > top:  # columns past the top repeat it
                assert latest == every[v, top]
                continue
            if latest == -math.inf:
                assert arrival(v, 1 + j, -50.0) > arrive_by
                continue
            # too late from just after; in time from just before, where no arc of no hours
            # meets a closure as it starts (a supremum passed on that no departure attains)
            assert arrival(v, 1 + j, latest + 1e-4) > arrive_by
            if np.all(g.arc_hours > 0.0):
                assert arrival(v, 1 + j, latest - 1e-5) <= arrive_by + 1e-9
    return every, free


def check_corridor(
    every: np.ndarray, got: np.ndarray, earliest: np.ndarray, t_floor: float
) -> np.ndarray:
    # the same where a label can be by the latest time (and after ``t_floor``), no later
    # elsewhere; returns where it is the same
    reachable: np.ndarray = (every > earliest + 1e-6) & (every >= t_floor)
    np.testing.assert_array_equal(got[reachable], every[reachable])
    assert np.all(got <= every)
    return reachable


@given(st.data())
def test_latest_departure_is_the_last_moment_to_arrive_in_time(data: st.DataObject) -> None:
    g = data.draw(compiled_graphs(n_cells=2, max_nodes=7))
    weather = data.draw(weather_tables(2, max_steps=4))
    target = data.draw(st.integers(0, g.n_nodes - 1))
    arrive_by = data.draw(st.sampled_from([0.5, 1.5, 3.0, 6.0]))
    every = latest_times(g, weather, NO_CORRIDOR, target, arrive_by, -50.0)
    for u in range(g.n_nodes):
        if every[u] == -math.inf:
            assert earliest_arrivals_by_relaxation(g, weather, u, -50.0)[target] > arrive_by
            continue
        # too late from just after; in time from just before, unless an arc of no hours
        # meets a closure as it starts (a supremum passed on that no departure attains)
        assert earliest_arrivals_by_relaxation(g, weather, u, every[u] + 1e-4)[target] > arrive_by
        if np.all(g.arc_hours > 0.0):
            just_before = earliest_arrivals_by_relaxation(g, weather, u, every[u] - 1e-6)
            assert just_before[target] <= arrive_by + 1e-9
    # several sources, each by its own time: reaching any one will do
    other = data.draw(st.integers(0, g.n_nodes - 1))
    other_by = data.draw(st.sampled_from([0.0, 2.0, 4.5]))
    either = latest_times(g, weather, NO_CORRIDOR, [target, other], [arrive_by, other_by], -50.0)
    alone = latest_times(g, weather, NO_CORRIDOR, other, other_by, -50.0)
    np.testing.assert_array_equal(either, np.maximum(every, alone))
    depart = data.draw(st.sampled_from([0.0, 1.0, 2.5]))
    origin = data.draw(st.integers(0, g.n_nodes - 1))
    earliest, _arrival = band_table(
        g, weather, NO_TANK, np.zeros(g.n_nodes), (origin, 0), target, depart, math.inf
    )
    reach = earliest_arrivals_by_relaxation(g, weather, origin, depart)
    np.testing.assert_allclose(earliest[:, 0], reach, atol=1e-5)
    got = latest_times(g, weather, earliest, target, arrive_by, depart)
    check_corridor(every, got, earliest[:, 0], depart)


def test_latest_departure_passes_nothing_on_from_nodes_reached_too_late() -> None:
    # on terrain the earliest arrivals from the origin leave out whole regions that no
    # label reaches in time; nothing changes where one does
    classes = synthetic_terrain(30, 30, seed=5, cell_km=2.5)
    speed = {"trail": 35.0, "tundra": 22.0, "river_ice": 38.0, "sea_ice": 20.0, "deep_snow": 15.0}
    burn = dict.fromkeys(speed, 30.0)
    g = lattice_graph(
        classes,
        cell_km=2.5,
        speed_kmh=speed,
        fuel_l_per_100km=burn,
        cell_of_node=np.zeros(classes.size, np.int64),
    )
    # closed from 1 h to 3 h, slower from 3 h to 4 h
    weather = WeatherTable(
        0.0,
        1.0,
        np.array([[True, False, False, True, True]]),
        np.array([[1.0, 1.0, 1.0, 0.5, 1.0]]),
        np.ones((1, 5)),
        np.ones((1, 5)),
    )
    passable = np.flatnonzero(np.diff(g.indptr) > 0)
    origin, target = int(passable[0]), int(passable[-1])
    arrive_by = earliest_path(g, weather, origin, target, 0.0)[0] + 0.25
    every = latest_times(g, weather, NO_CORRIDOR, target, arrive_by, -50.0)
    earliest, arrival = band_table(
        g, weather, NO_TANK, hours_bound(g, weather, target), (origin, 0), target, 0.0, 0.25
    )
    assert arrival == pytest.approx(arrive_by - 0.25, abs=1e-9)
    got = latest_times(g, weather, earliest, target, arrive_by, 0.0)
    reachable = check_corridor(every, got, earliest[:, 0], 0.0)
    assert every[origin] >= 0.0  # the trip can be made in time
    assert 0 < reachable.sum() < 0.9 * g.n_nodes
    assert np.any(got[~reachable] < every[~reachable])  # the corridor cut something


def one_cell(opn: list[bool], speed: list[float], step_h: float = 1.0) -> WeatherTable:
    k = len(opn)
    return WeatherTable(
        0.0, step_h, np.array([opn]), np.array([speed]), np.ones((1, k)), np.ones((1, k))
    )


def traverse(w: WeatherTable, t: float, h: float) -> tuple[int, float, float, int]:
    ep = _epochs(w)
    s, a, d, k = kern.traverse_arc(ep.ptr, ep.start, ep.open, ep.speed, 0, t, h)
    return int(s), float(a), float(d), int(k)


def test_speed_changes_at_step_boundaries() -> None:
    w = one_cell([True, True, True], [1.0, 0.5, 2.0])
    assert traverse(w, 0.0, 0.5) == (kern.TRAV_OK, 0.5, 0.5, 0)
    # 1 h at full speed, then 0.5 calm hours need 1 h at half speed
    assert traverse(w, 0.0, 1.5)[:3] == (kern.TRAV_OK, 2.0, 2.0)
    # 0.5 calm hours left after 2 h are done in 0.25 h at double speed
    assert traverse(w, 0.0, 2.0)[:3] == (kern.TRAV_OK, 2.25, 2.25)
    # before the table the first column holds, after it the last
    assert traverse(w, -4.0, 1.0)[:2] == (kern.TRAV_OK, -3.0)
    assert traverse(w, 10.0, 4.0)[:2] == (kern.TRAV_OK, 12.0)


def test_closure_on_the_way_blocks_but_arriving_as_it_starts_does_not() -> None:
    w = one_cell([True, True, False, True], [1.0] * 4)
    assert traverse(w, 0.0, 2.0)[:2] == (kern.TRAV_OK, 2.0)
    assert traverse(w, 0.5, 2.0)[0] == kern.TRAV_CLOSED_ON_WAY
    assert traverse(w, 2.5, 0.1)[0] == kern.TRAV_CLOSED_AT_ENTRY
    assert traverse(w, 3.0, 5.0)[:2] == (kern.TRAV_OK, 8.0)


@given(
    st.lists(st.sampled_from([0.25, 0.5, 1.0, 2.0, 3.0]), min_size=1, max_size=6),
    st.floats(-2.0, 8.0),
    st.floats(0.0, 3.0),
    st.floats(0.0, 5.0),
)
def test_traversal_is_fifo(speeds: list[float], t: float, gap: float, h: float) -> None:
    w = one_cell([True] * len(speeds), speeds)
    a1 = traverse(w, t, h)[1]
    a2 = traverse(w, t + gap, h)[1]
    assert a2 >= a1 - 1e-12


def test_standing_rules() -> None:
    # cell 0 open in steps 0-1, cell 1 open in steps 1-3
    opn = np.array([[True, True, False, False], [False, True, True, True]])
    ones = np.ones((2, 4))
    ep = _epochs(WeatherTable(0.0, 1.0, opn, ones, ones, ones))
    args = (ep.ptr, ep.start, ep.open, ep.stand)
    assert math.isinf(kern.stand_limit(True, *args, 0, -1, 0.0))  # a shelter
    assert kern.stand_limit(False, *args, 0, -1, 0.5) == 2.0  # open country, cell closes at 2 h
    assert kern.stand_limit(False, *args, 1, -1, 0.5) == 0.5  # closed now: no standing
    # at the end of an arc in cell 1 the vehicle may stay on after cell 0 closes
    assert math.isinf(kern.stand_limit(False, *args, 0, 1, 0.5))
    assert kern.stand_limit(False, *args, 1, 0, 0.5) == math.inf


def test_label_limit_is_reported_not_raised() -> None:
    arcs = [(a, b, 1.0, 1.0, 1.0, 0) for a in range(6) for b in range(6) if a != b]
    g = make_graph(6, arcs, depot_stock={2: 1.0, 3: 1.0})
    res = solve(g, 0, 5, capacity_l=3.0, refuel_h=0.5, objective="pareto", max_labels=3)
    assert not res.feasible
    assert res.binding == "none"
    assert "max_labels" in res.reason


@given(st.lists(st.floats(0.0, 1e7) | st.just(math.inf), min_size=1, max_size=40))
def test_bounds_stored_as_float32_are_the_largest_float32_below(values: list[float]) -> None:
    exact = np.array(values)
    stored = np.array([kern.f32_below(x) for x in values], np.float32)
    assert np.all(stored.astype(np.float64) <= exact)
    assert np.all(np.nextafter(stored, np.float32(np.inf)).astype(np.float64) >= exact)


def hours_and_litres_to(graph: CompiledGraph, target: int) -> tuple[np.ndarray, np.ndarray]:
    # least calm hours and least litres from every node to the target
    rptr, rtail, rarc = kern.reverse_csr(graph.indptr, graph.head)
    to_target = np.array([target], np.int64)
    return tuple(  # type: ignore[return-value]
        kern.reverse_dijkstra(
            rptr, rtail, w[rarc], np.empty(0), to_target, np.zeros(1), math.inf, -1
        )[0]
        for w in (graph.arc_hours, graph.arc_litres)
    )


def calm_reach(
    graph: CompiledGraph,
    h_time: np.ndarray,
    h_fuel: np.ndarray,
    depots: np.ndarray,
    tank: tuple[float, float, float, int],
    origin: int,
    deficit: float,
    target: int,
    slack: float,
) -> tuple[np.ndarray, float]:
    # `band_reach` without weather (one calm cell, every arc usable); tank is
    # (usable litres, stop hours, band litres, fine bands per coarse band)
    usable, refuel_h, band, per = tank
    return kern.band_reach(  # type: ignore[no-any-return]
        graph.indptr,
        graph.head,
        graph.arc_hours,
        np.zeros(graph.n_arcs, np.int32),
        np.ones(1),
        np.ones(graph.n_arcs, np.bool_),
        h_time,
        h_fuel,
        depots,
        usable,
        refuel_h,
        band,
        per,
        origin,
        deficit,
        target,
        slack,
    )


def check_reach_consistent(
    graph: CompiledGraph,
    reach: np.ndarray,
    h_fuel: np.ndarray,
    depots: np.ndarray,
    usable: float,
    refuel_h: float,
    band: float,
    per: int,
) -> None:
    # The reach table is an A* potential for the band search: across every move of the
    # coarse states (drive an arc, stop at a depot) it may rise by at most the move's hours.
    eps = 1e-6
    n = graph.n_nodes
    lo = np.zeros(n, np.int64)
    top = np.full(n, -1, np.int64)
    free = np.zeros(n, bool)
    for v in range(n):
        if math.isfinite(h_fuel[v]):
            lo[v] = kern.band_lo(h_fuel[v], usable, band) // per
            top[v] = math.floor((h_fuel[v] + eps) / band) // per - lo[v]
            free[v] = h_fuel[v] <= usable + eps
    is_depot = np.zeros(n, bool)
    is_depot[depots] = True

    def column(w: int, deficit_band: int) -> int | None:
        # the column of w a label lands in (-1: no deficit), None: no such state
        if deficit_band < 0 and free[w]:
            return 0
        jw = max(deficit_band - lo[w], 0)
        return 1 + jw if jw <= top[w] else None

    for v in range(n):
        if top[v] < 0:
            continue
        for c in range(top[v] + 2):
            if c == 0 and not free[v]:
                continue
            q = reach[v, c]
            if not math.isfinite(q):
                continue
            b = lo[v] + c - 1 if c > 0 else -1
            if c > 0 and is_depot[v]:
                after = column(v, -1) if free[v] else 1
                assert reach[v, after] <= q + refuel_h + 1e-9, (v, c, "stop")
            for e in range(graph.indptr[v], graph.indptr[v + 1]):
                w = int(graph.head[e])
                if top[w] < 0:
                    continue
                cw = column(w, b)
                if cw is not None:
                    assert reach[w, cw] <= q + graph.arc_hours[e] + 1e-9, (v, c, w, cw)


@given(st.data())
def test_band_bounds_never_exceed_the_optimum(data: st.DataObject) -> None:
    # Every (node, fuel) state: the band table's hours for its deficit are at most what
    # the exact solver needs from there, and the reach table's hours at most what it
    # needs to get there, whatever the slacks and where the searches stopped.
    graph = data.draw(st.one_of(compiled_graphs(), corridor_graphs()))
    n = graph.n_nodes
    depots = np.flatnonzero(graph.node_depot & (graph.node_stock_l > 0.0)).astype(np.int64)
    assume(depots.size > 0)
    origin = data.draw(st.integers(0, n - 1))
    target = data.draw(st.integers(0, n - 1))
    # small tanks: chains of stops
    capacity = data.draw(st.sampled_from([2.0, 3.0, 4.0, 6.0]))
    reserve = data.draw(st.sampled_from([0.0, 0.5]))
    refuel_h = data.draw(st.sampled_from([0.25, 0.5, 1.0]))
    slack = data.draw(st.sampled_from([0.0, 0.5, math.inf]))
    reach_slack = data.draw(st.sampled_from([0.0, 0.5, math.inf]))
    bands = data.draw(st.sampled_from([4, 8, 16]))
    per = data.draw(st.sampled_from([1, 2, 4]))
    max_past = data.draw(st.sampled_from([0, 5, n * 20]))
    usable = capacity - reserve
    band = usable / bands
    rptr, rtail, rarc = kern.reverse_csr(graph.indptr, graph.head)
    h_time, h_fuel = hours_and_litres_to(graph, target)
    start_fuel = data.draw(st.sampled_from([reserve + usable * k / 4 for k in range(1, 5)]))
    origin_deficit = h_fuel[origin] - (start_fuel - reserve)
    assume(math.isfinite(origin_deficit))
    reach, reach_fill = calm_reach(
        graph,
        h_time,
        h_fuel,
        depots,
        (usable, refuel_h, band, per),
        origin,
        origin_deficit,
        target,
        reach_slack,
    )
    table, _fill, _reached = kern.band_bound(
        rptr,
        rtail,
        graph.arc_hours[rarc],
        h_time,
        h_fuel,
        reach,
        per,
        reach_fill,
        max_past,
        depots,
        usable,
        refuel_h,
        band,
        origin,
        origin_deficit,
        slack,
    )
    assert table.shape[0] == n
    assert reach.shape[0] == n
    check_reach_consistent(graph, reach, h_fuel, depots, usable, refuel_h, band, per)
    # the same bound from the depot catchments (exact first leg, then the depot graph),
    # one entry per node and per block of three nodes
    tables = []
    for per_block in (1, 3):
        block = (np.arange(n) // per_block).astype(np.int32)
        built = catchments(rptr, rtail, rarc, graph, depots, usable, depots.size // 2, block)
        node_ptr, depot, litres, hours, leg_ends, leg_cost = built
        d16, l16, h16, l_unit, h_unit = kern.quantize_catchments(depot, litres, hours, usable)
        cpar = np.array([l_unit, h_unit, 1.0, 1.0])
        depot_h = kern.depot_hours(
            leg_ends,
            leg_cost,
            depots.size,
            np.ones(depots.size, np.bool_),
            h_time[depots],
            h_fuel[depots],
            usable,
            refuel_h,
            cpar,
        )
        tables.append(
            kern.catchment_table(
                node_ptr,
                block,
                d16,
                l16,
                h16,
                depot_h,
                h_time,
                h_fuel,
                usable,
                band,
                refuel_h,
                cpar,
            )
        )
    vehicle = {"capacity_l": capacity, "reserve_l": reserve, "refuel_h": refuel_h}
    for v in range(n):
        if not math.isfinite(h_fuel[v]):
            continue
        there = solve(graph, origin, v, start_fuel_l=start_fuel, **vehicle)
        if there.feasible and reach.shape[1] > 0:
            # the most permissive band of v: any label that gets there is in it or below
            assert reach[v, -1] <= there.plans[0].arrive_h + 1e-9, (v, reach[v])
        if v == target:
            continue
        for quarters in range(5):
            fuel = reserve + usable * quarters / 4
            deficit = h_fuel[v] - (fuel - reserve)
            if deficit <= 1e-9:
                continue
            j = int(deficit / band) - kern.band_lo(h_fuel[v], usable, band)
            j = min(max(j, 0), table.shape[1] - 1)
            res = solve(graph, v, target, start_fuel_l=fuel, **vehicle)
            if res.feasible:
                assert table[v, j] <= res.plans[0].arrive_h + 1e-9, (v, fuel, j)
                for catchment in tables:
                    jc = min(j, catchment.shape[1] - 1)
                    assert catchment[v, jc] <= res.plans[0].arrive_h + 1e-9, (v, fuel, jc)


def catchments(
    rptr: np.ndarray,
    rtail: np.ndarray,
    rarc: np.ndarray,
    graph: CompiledGraph,
    depots: np.ndarray,
    tank: float,
    split: int,
    block: np.ndarray | None = None,
) -> tuple[np.ndarray, ...]:
    # `depot_catchments` as the solver runs it, in two parts (depots[:split] from 0 and the
    # rest from a gap on, as two threads do), then regrouped by block
    n = graph.n_nodes
    block = np.arange(n, dtype=np.int32) if block is None else block
    n_blocks = int(block.max()) + 1
    depot_index = np.full(n, -1, np.int32)
    depot_index[depots] = np.arange(depots.size, dtype=np.int32)
    room = 20 * n
    node = np.empty(2 * room, np.int32)
    litres = np.empty(2 * room, np.float32)
    hours = np.empty(2 * room, np.float32)
    a, b = (
        kern.depot_catchments(
            rptr,
            rtail,
            rarc,
            graph.arc_litres,
            graph.arc_hours,
            part,
            tank,
            block,
            n_blocks,
            depot_index,
            node,
            litres,
            hours,
            start,
            room,
        )
        for part, start in ((depots[:split], 0), (depots[split:], room))
    )
    for part in (a, b):
        assert part[2]  # complete
        assert part[3] == part[1]  # its estimate is then the entries
    ptr = np.concatenate([a[0], b[0][1:]])
    node_ptr, depot = kern.catchments_by_node(ptr, node, litres, hours, a[1], room, b[1], n_blocks)
    total = a[1] + b[1]
    return (
        node_ptr,
        depot,
        litres[:total],
        hours[:total],
        np.concatenate([a[4], b[4]]),
        np.concatenate([a[5], b[5]]),
    )


def within_tank(g: CompiledGraph, to_l: np.ndarray, tank: float, depots: np.ndarray) -> np.ndarray:
    # per depot row, the fastest hours to it over routes that stay within a tank of it:
    # scipy with the arcs that leave its catchment at infinite hours
    hours = np.full(to_l.shape, np.inf)
    tails = np.repeat(np.arange(g.n_nodes), np.diff(g.indptr))
    for i, d in enumerate(depots):
        inside = to_l[i] <= tank
        w = np.where(inside[tails] & inside[g.head], g.arc_hours, np.inf)
        hours[i] = dijkstra(matrix(g, w).T, indices=int(d))
    return hours


@pytest.mark.parametrize("seed", range(4))
def test_depot_catchments_match_scipy(seed: int) -> None:
    # every node within a tank of each depot, no other, with its least litres and fastest
    # hours to the depot over routes within a tank (float32, never above the exact value),
    # grouped by node; per block, the least over the block's nodes; the legs between
    # depots exact
    g = random_graph(seed, n=120, m=700)
    rptr, rtail, rarc = kern.reverse_csr(g.indptr, g.head)
    depots = np.sort(np.random.default_rng(seed).choice(120, 9, replace=False)).astype(np.int64)
    tank = 12.0
    to_l = dijkstra(matrix(g, g.arc_litres).T, indices=depots)  # reversed arcs: to a depot
    to_h = within_tank(g, to_l, tank, depots)
    for split in (0, 4, 9):
        for per_block in (1, 4):
            block = (np.arange(120) // per_block).astype(np.int32)
            built = catchments(rptr, rtail, rarc, g, depots, tank, split, block)
            node_ptr, depot, litres, hours, leg_ends, leg_cost = built
            assert node_ptr[-1] == depot.shape[0]
            for b in range(block.max() + 1):
                rows = slice(node_ptr[b], node_ptr[b + 1])
                nodes = np.flatnonzero(block == b)
                expect = {i for i in range(depots.size) if (to_l[i, nodes] <= tank).any()}
                assert set(depot[rows].tolist()) == expect
                for i, l_, h_ in zip(depot[rows], litres[rows], hours[rows], strict=True):
                    least_l = to_l[i, nodes][to_l[i, nodes] <= tank].min()
                    least_h = to_h[i, nodes].min()
                    assert least_l - 1e-5 <= l_ <= least_l
                    assert least_h - 1e-5 <= h_ <= least_h or h_ == least_h == np.inf
            legs = {(int(i), int(j)): c for (i, j), c in zip(leg_ends, leg_cost, strict=True)}
            expect_legs = {
                (i, j): (to_l[j, depots[i]], to_h[j, depots[i]])
                for i in range(depots.size)
                for j in range(depots.size)
                if i != j and to_l[j, depots[i]] <= tank
            }
            assert legs.keys() == expect_legs.keys()
            for ij, (l_, h_) in expect_legs.items():
                assert legs[ij] == pytest.approx((l_, h_), abs=1e-9)
        # in 16-bit codes: never above, at most a unit below
        node_ptr, depot, litres, hours, *_ = catchments(rptr, rtail, rarc, g, depots, tank, split)
        d16, l16, h16, l_unit, h_unit = kern.quantize_catchments(depot, litres, hours, tank)
        assert (d16 == depot).all()
        assert (l16.astype(float) * l_unit <= litres).all()
        assert (l16.astype(float) * l_unit >= litres - l_unit - 1e-5).all()
        finite = np.isfinite(hours)
        assert (h16[~finite] == 65535).all()
        assert (h16[finite].astype(float) * h_unit <= hours[finite]).all()
        assert (h16[finite].astype(float) * h_unit >= hours[finite] - h_unit - 1e-5).all()
    # over the room: says so, and how many entries it expected
    tiny = np.empty(5, np.int32), np.empty(5, np.float32), np.empty(5, np.float32)
    weights = (g.arc_litres, g.arc_hours)
    block = np.arange(120, dtype=np.int32)
    depot_index = np.full(120, -1, np.int32)
    depot_index[depots] = np.arange(depots.size, dtype=np.int32)
    over = kern.depot_catchments(
        rptr, rtail, rarc, *weights, depots, tank, block, 120, depot_index, *tiny, 0, 5
    )
    assert not over[2]
    assert over[3] > 5


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("capacity", [6.0, 9.0])
def test_reach_table_is_consistent_on_terrain_lattices(seed: int, capacity: float) -> None:
    # On terrain (fast trails, slow deep snow) a larger deficit is often reached sooner,
    # which random graphs rarely show: the reach table must stay a consistent potential
    # there too, and the solver must agree with itself with and without the band bound.
    classes = synthetic_terrain(40, 40, seed=seed, cell_km=2.5)
    speed = {"trail": 35.0, "tundra": 22.0, "river_ice": 38.0, "sea_ice": 20.0, "deep_snow": 15.0}
    burn = {"trail": 28.0, "tundra": 30.0, "river_ice": 28.0, "sea_ice": 34.0, "deep_snow": 42.0}
    graph = lattice_graph(
        classes, cell_km=2.5, speed_kmh=speed, fuel_l_per_100km=burn, depot_spacing_km=12.5
    )
    reachable = np.flatnonzero(np.diff(graph.indptr) > 0)
    origin, target = int(reachable[0]), int(reachable[-1])
    depots = np.flatnonzero(graph.node_depot).astype(np.int64)
    reserve, refuel_h = 1.0, 0.25
    usable = capacity - reserve
    h_time, h_fuel = hours_and_litres_to(graph, target)
    assert math.isfinite(h_fuel[origin])
    band = usable / 16
    for per, slack in ((4, 0.5), (2, math.inf), (4, 0.0)):
        deficit = h_fuel[origin] - usable
        reach, _fill = calm_reach(
            graph,
            h_time,
            h_fuel,
            depots,
            (usable, refuel_h, band, per),
            origin,
            deficit,
            target,
            slack,
        )
        check_reach_consistent(graph, reach, h_fuel, depots, usable, refuel_h, band, per)
    kw = {"capacity_l": capacity, "reserve_l": reserve, "refuel_h": refuel_h}
    res = solve(graph, origin, target, **kw)
    with mock.patch("arcticroute.solver._BANDS_PER_TANK", 4):
        coarse = solve(graph, origin, target, **kw)
    assert res.feasible == coarse.feasible
    if res.feasible:
        assert res.plans[0].arrive_h == pytest.approx(coarse.plans[0].arrive_h, abs=1e-9)


def test_catchments_per_block_from_the_second_query() -> None:
    # A tank whose catchments would not fit one entry per node: the first query gives up
    # on them (band searches) and notes how many entries there would be; the second builds
    # them per block of neighbouring nodes. Same answers all along; the blocks are squares
    # that cover every node. On large graphs the first query does not try.

    classes = synthetic_terrain(40, 40, seed=4, cell_km=2.5)
    speed = {"trail": 35.0, "tundra": 22.0, "river_ice": 38.0, "sea_ice": 20.0, "deep_snow": 15.0}
    burn = {"trail": 28.0, "tundra": 30.0, "river_ice": 28.0, "sea_ice": 34.0, "deep_snow": 42.0}
    graph = lattice_graph(
        classes, cell_km=2.5, speed_kmh=speed, fuel_l_per_100km=burn, depot_spacing_km=12.5
    )
    reachable = np.flatnonzero(np.diff(graph.indptr) > 0)
    pairs = [(int(reachable[0]), int(reachable[-1])), (int(reachable[45]), int(reachable[-70]))]
    kw = {"capacity_l": 9.0, "reserve_l": 1.0, "refuel_h": 0.25}
    expect = []
    with mock.patch("arcticroute.solver._CATCHMENT_ENTRIES", 0.0):
        for o, t in pairs:
            expect.append(solve(graph, o, t, **kw))
    with mock.patch("arcticroute.solver._CATCHMENT_ENTRIES", 2.0):
        got = [solve(graph, *pairs[0], **kw)]
        assert isinstance(solver_module._CATCHMENTS[graph][(8.0, 2.0)], float)
        got.append(solve(graph, *pairs[1], **kw))
        kept = solver_module._CATCHMENTS[graph][(8.0, 2.0)]
    assert isinstance(kept, solver_module._Catchments)
    n_blocks = kept.block_ptr.shape[0] - 1
    assert kept.block.shape == (graph.n_nodes,)
    assert set(np.unique(kept.block).tolist()) == set(range(n_blocks))
    assert 2.0 <= graph.n_nodes / n_blocks <= 40.0
    assert kept.block_ptr[-1] <= 2.0 * graph.n_nodes
    for a, b in zip(expect, got, strict=True):
        assert a.feasible
        assert b.feasible
        assert b.plans[0].arrive_h == pytest.approx(a.plans[0].arrive_h, abs=1e-9)
    # on a large graph the first query builds nothing; the second builds them, per node
    # when they fit, else per block straight away
    for entries, per_node in ((1000.0, True), (2.0, False)):
        large = replace(graph)  # a graph object of its own: nothing kept for it yet
        with (
            mock.patch("arcticroute.solver._PARALLEL_MIN_ARCS", 0),
            mock.patch("arcticroute.solver._CATCHMENT_ENTRIES", entries),
        ):
            first = solve(large, *pairs[0], **kw)
            assert solver_module._CATCHMENTS[large][(8.0, entries)] == solver_module._NOT_TRIED
            second = solve(large, *pairs[1], **kw)
            kept = solver_module._CATCHMENTS[large][(8.0, entries)]
        assert isinstance(kept, solver_module._Catchments)
        assert (kept.block_ptr.shape[0] - 1 == graph.n_nodes) == per_node
        for a, b in zip(expect, (first, second), strict=True):
            assert b.plans[0].arrive_h == pytest.approx(a.plans[0].arrive_h, abs=1e-9)
    # nodes without coordinates: blocks of consecutive nodes
    bare = replace(graph, node_x_km=np.full(graph.n_nodes, np.nan))
    block, n_blocks = solver_module._blocks(bare, 4.0)
    assert n_blocks == -(-graph.n_nodes // 4)
    assert (block == np.arange(graph.n_nodes) // 4).all()


@pytest.mark.parametrize("seed", range(3))
def test_landmark_bound_never_exceeds_the_hours(seed: int) -> None:
    # From every node to every target: the landmarks' bound is at most the least hours,
    # inf exactly where the target cannot be reached (when the landmarks show it), and
    # the earliest-arrival search with them finds the same hours as scipy.

    g = random_graph(seed, n=150, m=500)
    exact = dijkstra(matrix(g, g.arc_hours), indices=np.arange(150))
    with mock.patch("arcticroute.solver._LANDMARK_MIN_NODES", 0):
        assert solver_module._landmarks(g) is None  # the first query: not yet
        marks = solver_module._landmarks(g)
    assert marks is not None
    assert len(set(marks.nodes.tolist())) == marks.nodes.size
    for target in range(0, 150, 7):
        for v in range(150):
            bound = kern._landmark_bound(marks.codes, marks.unit_h, v, target)
            assert bound <= exact[v, target] + 1e-12, (v, target)
    for origin, target in [(0, 149), (3, 77), (140, 12), (5, 5)]:
        got = earliest_path(g, None, origin, target, 0.0, marks)
        assert got[0] == pytest.approx(exact[origin, target], rel=1e-12)
        if np.isfinite(got[0]):
            check_path(g, got[3], origin, target)
            assert g.arc_hours[got[3]].sum() == pytest.approx(got[0], rel=1e-12)
    # codes: never above the hours, one unit more is above them
    dist = exact[0]
    codes, unit = kern.landmark_column(dist)
    finite = np.isfinite(dist)
    assert (codes[~finite] == kern.LANDMARK_NONE).all()
    assert (codes[finite] * unit <= dist[finite]).all()
    assert ((codes[finite] + 1.0) * unit > dist[finite]).all()


def test_a_kernel_compiles_at_first_call_and_a_slow_compile_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # compiled at the first call (not at import), under its explicit signature
    def double(x):  # type: ignore[no-untyped-def]
        return 2.0 * x

    kernel = kern._Kernel("float64(float64)", double)
    assert kernel._compiled is None
    assert kernel(1.5) == 3.0
    assert kernel(2) == 4.0  # an int converts to the signature's float
    assert kernel._compiled.signatures == [(nb.float64,)]
    assert kernel.__name__ == "double"
    # the notice a slow compile gives (on a timer): once per process
    with (
        mock.patch.object(kern, "_compile_noticed", threading.Event()),
        caplog.at_level(logging.INFO, logger="arcticroute"),
    ):
        kern._notice_compiling()
        kern._notice_compiling()
    notices = [r for r in caplog.records if "compiling the route solver" in r.getMessage()]
    assert len(notices) == 1
