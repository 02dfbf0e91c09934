"""Tests of arcticroute.terrain: class rasters and 8-neighbour lattice graphs."""

from __future__ import annotations

import importlib
import math
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from arcticroute import network
from arcticroute._errors import NetworkError, VehicleError
from arcticroute.solver import CompiledGraph, SolveResult, solve
from arcticroute.terrain import (
    CLASS_CODES,
    IMPASSABLE_CLASSES,
    LINK_CLASSES,
    RASTER_CLASSES,
    lattice_graph,
    node_id,
    node_row_col,
    synthetic_terrain,
)

SPEED = {"trail": 40.0, "tundra": 20.0, "deep_snow": 10.0, "river_ice": 32.0, "sea_ice": 16.0}
FUEL = {"trail": 20.0, "tundra": 30.0, "deep_snow": 50.0, "river_ice": 25.0, "sea_ice": 40.0}
NEIGHBOURS = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if dr or dc]

C = CLASS_CODES


def _build(grid: NDArray[np.int8], cell_km: float = 1.0, **kw: Any) -> CompiledGraph:
    return lattice_graph(grid, cell_km=cell_km, speed_kmh=SPEED, fuel_l_per_100km=FUEL, **kw)


def _tails(g: CompiledGraph) -> NDArray[np.int64]:
    return np.repeat(np.arange(g.n_nodes), np.diff(g.indptr))


def _arc(g: CompiledGraph, u: int, v: int) -> int:
    lo, hi = int(g.indptr[u]), int(g.indptr[u + 1])
    hits = np.flatnonzero(g.head[lo:hi] == v)
    assert hits.size == 1, f"expected one arc {u} -> {v}, found {hits.size}"
    return lo + int(hits[0])


def _scipy(g: CompiledGraph, weight: NDArray[np.float64]) -> csr_matrix:
    n = g.n_nodes
    return csr_matrix((weight, g.head, g.indptr), shape=(n, n))


def _oracle_graph(grid: NDArray[np.int8], cell_km: float) -> nx.DiGraph:
    """The lattice rebuilt cell by cell from the definition (independent of the numpy code)."""
    g = nx.DiGraph()
    n_rows, n_cols = grid.shape
    g.add_nodes_from(range(n_rows * n_cols))
    names = {code: name for name, code in CLASS_CODES.items()}
    for r in range(n_rows):
        for c in range(n_cols):
            a = names[int(grid[r, c])]
            for dr, dc in NEIGHBOURS:
                rr, cc = r + dr, c + dc
                if not (0 <= rr < n_rows and 0 <= cc < n_cols):
                    continue
                b = names[int(grid[rr, cc])]
                if a not in SPEED or b not in SPEED:
                    continue
                km = cell_km * (math.sqrt(2) if dr and dc else 1.0)
                hours = km / 2 / SPEED[a] + km / 2 / SPEED[b]
                g.add_edge(r * n_cols + c, rr * n_cols + cc, weight=hours)
    return g


# --------------------------------------------------------------------------------------------
# Class table
# --------------------------------------------------------------------------------------------


def test_link_classes_are_the_network_terrains_in_order() -> None:
    assert network.TERRAINS == LINK_CLASSES
    assert [CLASS_CODES[c] for c in LINK_CLASSES] == list(range(2, 9))


def test_class_codes_index_raster_classes() -> None:
    assert [CLASS_CODES[c] for c in RASTER_CLASSES] == list(range(len(RASTER_CLASSES)))
    assert CLASS_CODES["water"] == 0
    assert CLASS_CODES["rock"] == 1
    assert CLASS_CODES["deep_snow"] == 9
    assert sorted(IMPASSABLE_CLASSES) == ["rock", "water"]


def test_node_id_and_row_col_are_inverse() -> None:
    rows, cols = np.array([0, 3, 7]), np.array([5, 0, 9])
    ids = node_id(rows, cols, n_cols=10)
    assert ids.tolist() == [5, 30, 79]
    r, c = node_row_col(ids, n_cols=10)
    assert r.tolist() == rows.tolist()
    assert c.tolist() == cols.tolist()


# --------------------------------------------------------------------------------------------
# Synthetic terrain
# --------------------------------------------------------------------------------------------


def test_synthetic_terrain_is_reproducible_from_its_seed() -> None:
    a = synthetic_terrain(120, 150, seed=3)
    b = synthetic_terrain(120, 150, seed=3)
    c = synthetic_terrain(120, 150, seed=4)
    assert a.dtype == np.int8
    assert a.shape == (120, 150)
    np.testing.assert_array_equal(a, b)
    assert (a != c).any()


def test_synthetic_terrain_holds_every_class_with_tundra_dominant() -> None:
    grid = synthetic_terrain(400, 400, seed=11, cell_km=0.5)
    share = np.bincount(grid.ravel(), minlength=len(RASTER_CLASSES)) / grid.size
    assert (share > 0).all(), dict(zip(RASTER_CLASSES, share, strict=True))
    assert share[C["tundra"]] > 0.5
    assert share[C["water"]] + share[C["rock"]] < 0.05


@pytest.mark.parametrize(
    ("edge", "where"),
    [
        ("north", (0, slice(None))),
        ("south", (-1, slice(None))),
        ("west", (slice(None), 0)),
        ("east", (slice(None), -1)),
    ],
)
def test_sea_ice_lines_the_chosen_edge(edge: str, where: tuple[object, object]) -> None:
    grid = synthetic_terrain(200, 200, seed=5, sea_edge=edge)  # type: ignore[arg-type]
    strip = grid[where]  # type: ignore[index]
    sea = np.isin(strip, [C["sea_ice"], C["water"]])
    assert sea.mean() > 0.9
    opposite = {"north": grid[-1], "south": grid[0], "west": grid[:, -1], "east": grid[:, 0]}
    assert not (opposite[edge] == C["sea_ice"]).any()


def test_synthetic_terrain_without_sea_has_no_sea_ice() -> None:
    grid = synthetic_terrain(150, 150, seed=2, sea_edge=None)
    assert not (grid == C["sea_ice"]).any()


def test_synthetic_terrain_handles_a_single_row() -> None:
    grid = synthetic_terrain(1, 30, seed=0)
    assert grid.shape == (1, 30)


@pytest.mark.parametrize(("rows", "cols", "cell"), [(0, 5, 1.0), (5, -1, 1.0), (5, 5, 0.0)])
def test_synthetic_terrain_rejects_bad_sizes(rows: int, cols: int, cell: float) -> None:
    with pytest.raises(NetworkError):
        synthetic_terrain(rows, cols, seed=0, cell_km=cell)


# --------------------------------------------------------------------------------------------
# Lattice graph: structure
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rows", "cols"), [(1, 1), (1, 5), (2, 2), (3, 4), (7, 5)])
def test_uniform_grid_has_every_8_neighbour_arc(rows: int, cols: int) -> None:
    g = _build(np.full((rows, cols), C["tundra"], np.int8))
    sides = rows * (cols - 1) + cols * (rows - 1)
    corners = 2 * max(rows - 1, 0) * max(cols - 1, 0)
    assert g.n_nodes == rows * cols
    assert g.n_arcs == 2 * (sides + corners)


def test_csr_arrays_are_valid() -> None:
    g = _build(synthetic_terrain(60, 70, seed=1), cell_km=0.5, depot_spacing_km=10.0)
    n, m = g.n_nodes, g.n_arcs
    assert g.indptr.dtype == np.int64
    assert g.head.dtype == np.int32
    assert g.indptr[0] == 0
    assert g.indptr[-1] == m
    assert (np.diff(g.indptr) >= 0).all()
    assert (np.diff(g.indptr) <= 8).all()
    assert ((g.head >= 0) & (g.head < n)).all()
    tails = _tails(g)
    assert (tails != g.head).all()
    # heads strictly increase within each node's arcs (canonical CSR, no parallel arcs)
    same_tail = tails[1:] == tails[:-1]
    assert (g.head[1:][same_tail] > g.head[:-1][same_tail]).all()
    for name in ("arc_km", "arc_hours", "arc_litres", "arc_risk", "arc_cell", "arc_link"):
        arr = getattr(g, name)
        assert arr.shape == (m,), name
        assert arr.flags.c_contiguous, name
    for name in ("node_shelter", "node_depot", "node_stock_l", "node_cell", "node_x_km"):
        assert getattr(g, name).shape == (n,), name
    assert (g.arc_link == -1).all()
    assert np.isfinite(g.arc_hours).all()
    assert (g.arc_hours > 0).all()
    assert (g.arc_litres > 0).all()


def test_arcs_come_in_symmetric_pairs_with_equal_costs() -> None:
    g = _build(synthetic_terrain(50, 40, seed=9), cell_km=0.5)
    tails = _tails(g)
    forward = {(int(u), int(v)): k for k, (u, v) in enumerate(zip(tails, g.head, strict=True))}
    for (u, v), k in forward.items():
        back = forward[(v, u)]
        assert g.arc_hours[back] == g.arc_hours[k]
        assert g.arc_litres[back] == g.arc_litres[k]
        assert g.arc_km[back] == g.arc_km[k]


def test_arcs_join_only_neighbouring_cells() -> None:
    n_cols = 13
    g = _build(np.full((9, n_cols), C["tundra"], np.int8), cell_km=2.0)
    (tr, tc), (hr, hc) = node_row_col(_tails(g), n_cols=n_cols), node_row_col(g.head, n_cols=n_cols)
    dr, dc = hr - tr, hc - tc
    assert (np.maximum(abs(dr), abs(dc)) == 1).all()
    diagonal = (dr != 0) & (dc != 0)
    np.testing.assert_allclose(g.arc_km[diagonal], 2.0 * math.sqrt(2))
    np.testing.assert_allclose(g.arc_km[~diagonal], 2.0)


@pytest.mark.parametrize("blocked", ["water", "rock", "lake_ice", "road"])
def test_impassable_or_unlisted_cells_have_no_arcs(blocked: str) -> None:
    grid = synthetic_terrain(40, 40, seed=6, sea_edge=None)
    grid[10:14, 5:30] = C[blocked]  # lake_ice and road are not in SPEED: impassable too
    g = _build(grid)
    bad = np.flatnonzero(np.isin(grid.ravel(), [C[blocked], C["water"], C["rock"]]))
    assert bad.size > 0
    assert (np.diff(g.indptr)[bad] == 0).all()
    assert not np.isin(g.head, bad).any()


def test_impassable_wall_cuts_the_lattice() -> None:
    grid = np.full((6, 6), C["tundra"], np.int8)
    grid[:, 3] = C["rock"]
    g = _build(grid)
    dist = dijkstra(_scipy(g, g.arc_hours), indices=0)
    assert math.isinf(dist[5])
    assert math.isfinite(dist[2 * 6 + 2])


# --------------------------------------------------------------------------------------------
# Lattice graph: costs
# --------------------------------------------------------------------------------------------


def test_costs_are_split_half_in_each_cell() -> None:
    # trail | tundra
    # deep  | river_ice
    grid = np.array([[C["trail"], C["tundra"]], [C["deep_snow"], C["river_ice"]]], np.int8)
    g = _build(grid, cell_km=2.0)
    k = _arc(g, 0, 1)  # trail -> tundra, 2 km
    assert g.arc_km[k] == pytest.approx(2.0)
    assert g.arc_hours[k] == pytest.approx(1.0 / 40 + 1.0 / 20)
    assert g.arc_litres[k] == pytest.approx(1.0 * 20 / 100 + 1.0 * 30 / 100)
    k = _arc(g, 0, 3)  # trail -> river ice, diagonal 2 sqrt(2) km
    half = math.sqrt(2)
    assert g.arc_km[k] == pytest.approx(2 * half)
    assert g.arc_hours[k] == pytest.approx(half / 40 + half / 32)
    assert g.arc_litres[k] == pytest.approx(half * 0.20 + half * 0.25)
    k = _arc(g, 2, 1)  # deep snow -> tundra, diagonal
    assert g.arc_hours[k] == pytest.approx(half / 10 + half / 20)
    assert g.arc_litres[k] == pytest.approx(half * 0.50 + half * 0.30)


def test_risk_table_averages_the_two_cells_and_defaults_to_one() -> None:
    grid = np.array([[C["tundra"], C["sea_ice"], C["trail"]]], np.int8)
    g = _build(grid, risk={"sea_ice": 3.0})
    assert g.arc_risk[_arc(g, 0, 1)] == pytest.approx(2.0)
    assert g.arc_risk[_arc(g, 1, 2)] == pytest.approx(2.0)
    g = _build(grid)
    assert (g.arc_risk == 1.0).all()


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    st.integers(2, 7),
    st.integers(2, 7),
    st.lists(st.sampled_from([*SPEED, "rock", "water", "lake_ice"]), min_size=49, max_size=49),
    st.sampled_from([0.25, 0.5, 1.0, 3.0]),
)
def test_fastest_paths_match_a_cell_by_cell_oracle(
    rows: int, cols: int, names: list[str], cell_km: float
) -> None:
    grid = np.array([C[x] for x in names[: rows * cols]], np.int8).reshape(rows, cols)
    g = _build(grid, cell_km=cell_km)
    oracle = _oracle_graph(grid, cell_km)
    assert g.n_arcs == oracle.number_of_edges()
    dist = dijkstra(_scipy(g, g.arc_hours), indices=0)
    want = nx.single_source_dijkstra_path_length(oracle, 0)
    for v in range(g.n_nodes):
        if v in want:
            assert dist[v] == pytest.approx(want[v], rel=1e-12)
        else:
            assert math.isinf(dist[v])


def test_scipy_fastest_path_on_a_synthetic_lattice_matches_networkx() -> None:
    grid = synthetic_terrain(30, 30, seed=21, cell_km=1.0)
    g = _build(grid)
    src = int(np.flatnonzero(np.diff(g.indptr) == 8)[0])
    dist = dijkstra(_scipy(g, g.arc_hours), indices=src)
    want = nx.single_source_dijkstra_path_length(_oracle_graph(grid, 1.0), src)
    assert len(want) == int(np.isfinite(dist).sum())
    for v, d in want.items():
        assert dist[v] == pytest.approx(d, rel=1e-12)


# --------------------------------------------------------------------------------------------
# Lattice graph: depots, shelters, weather cells, coordinates
# --------------------------------------------------------------------------------------------


def test_depot_grid_puts_unlimited_depots_on_usable_cells() -> None:
    grid = synthetic_terrain(200, 200, seed=4, cell_km=0.5)
    g = _build(grid, cell_km=0.5, depot_spacing_km=20.0, hut_spacing_km=15.0)
    depots = np.flatnonzero(g.node_depot)
    assert 20 <= depots.size <= 25  # 5 x 5 sites; a few may be dropped on blocked ground
    assert (np.diff(g.indptr)[depots] > 0).all()
    assert np.isinf(g.node_stock_l[depots]).all()
    assert (g.node_stock_l[~g.node_depot] == 0).all()
    assert g.node_shelter[depots].all()
    assert g.node_shelter.sum() > depots.size  # huts
    rows, cols = node_row_col(depots, n_cols=200)
    # each depot within a quarter spacing (10 cells) of its grid site 20, 60, 100, ...
    assert (np.abs(rows % 40 - 20) <= 10).all()
    assert (np.abs(cols % 40 - 20) <= 10).all()


def test_explicit_depots_and_shelters_are_marked() -> None:
    g = _build(np.full((4, 4), C["tundra"], np.int8), depots=[5], shelters=[0, 15])
    assert np.flatnonzero(g.node_depot).tolist() == [5]
    assert np.flatnonzero(g.node_shelter).tolist() == [0, 5, 15]
    assert math.isinf(g.node_stock_l[5])


def test_weather_cells_are_square_blocks_and_arcs_take_their_tails_cell() -> None:
    g = _build(np.full((10, 7), C["tundra"], np.int8), cell_km=10.0, weather_cell_km=30.0)
    rows, cols = node_row_col(np.arange(g.n_nodes), n_cols=7)
    np.testing.assert_array_equal(g.node_cell, (rows // 3) * 3 + cols // 3)
    np.testing.assert_array_equal(g.arc_cell, g.node_cell[_tails(g)])


def test_cell_of_node_overrides_the_blocks() -> None:
    cells = np.arange(12).reshape(3, 4) % 5
    g = _build(np.full((3, 4), C["tundra"], np.int8), cell_of_node=cells)
    np.testing.assert_array_equal(g.node_cell, cells.ravel())
    with pytest.raises(NetworkError):
        _build(np.full((3, 4), C["tundra"], np.int8), cell_of_node=np.zeros(5, np.int64))
    # arcs hold their cell as int32: a larger number is refused, not wrapped round
    with pytest.raises(NetworkError, match="2\\*\\*31"):
        _build(np.full((3, 4), C["tundra"], np.int8), cell_of_node=np.full(12, 2**31))


def test_planar_coordinates_follow_rows_and_columns() -> None:
    g = _build(np.full((3, 4), C["tundra"], np.int8), cell_km=0.5, top_left_km=(100.0, 50.0))
    assert g.node_x_km.reshape(3, 4)[:, 2].tolist() == [101.0] * 3
    assert g.node_y_km.reshape(3, 4)[2, :].tolist() == [49.0] * 4


# --------------------------------------------------------------------------------------------
# Lattice graph: validation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("speed", "fuel"),
    [
        ({"tundra": 20.0, "zimnik": 30.0}, {"tundra": 30.0, "zimnik": 30.0}),
        ({"tundra": 20.0, "water": 5.0}, {"tundra": 30.0, "water": 5.0}),
        ({"tundra": 0.0}, {"tundra": 30.0}),
        ({"tundra": math.nan}, {"tundra": 30.0}),
        ({"tundra": 20.0}, {"tundra": -1.0}),
        ({"tundra": 20.0, "trail": 30.0}, {"tundra": 30.0}),
    ],
)
def test_bad_vehicle_tables_raise_vehicle_error(
    speed: dict[str, float], fuel: dict[str, float]
) -> None:
    with pytest.raises(VehicleError):
        lattice_graph(
            np.full((2, 2), C["tundra"], np.int8),
            cell_km=1.0,
            speed_kmh=speed,
            fuel_l_per_100km=fuel,
        )


@pytest.mark.parametrize(
    "grid",
    [
        np.zeros(5, np.int8),
        np.zeros((0, 3), np.int8),
        np.full((2, 2), 10, np.int8),
        np.full((2, 2), -1, np.int8),
        np.full((2, 2), 1.5),
    ],
)
def test_bad_rasters_raise_network_error(grid: NDArray[np.generic]) -> None:
    with pytest.raises(NetworkError):
        _build(grid)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kw",
    [
        {"cell_km": 0.0},
        {"cell_km": math.inf},
        {"weather_cell_km": -1.0},
        {"depot_spacing_km": 0.0},
        {"hut_spacing_km": math.nan},
        {"depots": [16]},
        {"shelters": [-1]},
    ],
)
def test_bad_options_raise_network_error(kw: dict[str, object]) -> None:
    args: dict[str, object] = {"cell_km": 1.0, **kw}
    with pytest.raises(NetworkError):
        lattice_graph(
            np.full((4, 4), C["tundra"], np.int8),
            speed_kmh=SPEED,
            fuel_l_per_100km=FUEL,
            **args,  # type: ignore[arg-type]
        )


# --------------------------------------------------------------------------------------------
# The benchmark's instances, end to end (quick size)
# --------------------------------------------------------------------------------------------

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def bench_run(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    pytest.importorskip("cspy")
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    for name in ("run", "instances", "baselines"):
        sys.modules.pop(name, None)
    module = importlib.import_module("run")
    yield module
    for name in ("run", "instances", "baselines"):
        sys.modules.pop(name, None)


def test_benchmark_quick_instance_agrees_with_scipy_and_cspy(bench_run: ModuleType) -> None:
    instances = importlib.import_module("instances")
    baselines = importlib.import_module("baselines")
    lat = instances.build_lattice(bench_run.QUICK_SIZES[0])
    calm = baselines.scipy_query(baselines.scipy_graph(lat.graph), lat.origin)[lat.target]
    assert math.isfinite(calm)
    answers = {}
    for family in ("static", "range60", "range30", "weather-inf"):
        call, _ = bench_run.solve_family(lat, family)
        result = call()
        assert result.feasible, (family, result.reason)
        answers[family] = result.plans[0].arrive_h
    assert answers["static"] == pytest.approx(calm, rel=1e-9)
    for family in ("range60", "range30", "weather-inf"):
        assert answers[family] >= calm - 1e-9
    ours, theirs, _ = bench_run.cspy_pair(bench_run.QUICK_CSPY_SIDES[0])
    result = ours()
    cost, _ = theirs()
    assert result.feasible
    assert result.plans[0].arrive_h == pytest.approx(cost, rel=1e-7)


def test_benchmark_tank_under_weather_gets_the_same_plan_from_fewer_labels(
    bench_run: ModuleType,
) -> None:
    # a 30 L tank under the benchmark's weather (its 40k lattice): the late table
    # (`solver._late_table`) bounds the labels by the relaxation's arrivals, from the
    # first label on here
    instances = importlib.import_module("instances")
    lat = instances.build_lattice(bench_run.QUICK_SIZES[1])
    weather = instances.weather_table(lat.graph, lat.origin, lat.target)

    def call(capacity_l: float) -> SolveResult:
        return solve(
            lat.graph,
            lat.origin,
            lat.target,
            capacity_l=capacity_l,
            refuel_h=bench_run.REFUEL_H,
            weather=weather,
        )

    with mock.patch("arcticroute.solver._LATE_LEVELS", 0):
        plain = call(30.0)
    with mock.patch("arcticroute.solver._LATE_AFTER_LABELS", 0):
        late = call(30.0)
    relaxed = call(math.inf)
    assert plain.feasible
    assert late.feasible
    assert relaxed.feasible
    assert late.plans[0].arrive_h == pytest.approx(plain.plans[0].arrive_h, abs=1e-9)
    assert late.plans[0].arrive_h > relaxed.plans[0].arrive_h + 0.25  # the tank costs time
    assert late.labels_settled < 0.8 * plain.labels_settled


def test_benchmark_random_pairs_are_seeded_and_answered(bench_run: ModuleType) -> None:
    instances = importlib.import_module("instances")
    lat = instances.build_lattice(bench_run.QUICK_SIZES[0])
    pairs = instances.random_pairs(lat, 4)
    assert pairs == instances.random_pairs(lat, 4)  # the same pairs in every worker
    assert len(set(pairs)) == 4
    x, y = lat.graph.node_x_km, lat.graph.node_y_km
    diagonal = math.hypot(float(np.ptp(x)), float(np.ptp(y)))
    for origin, target in pairs:
        km = math.hypot(float(x[origin] - x[target]), float(y[origin] - y[target]))
        assert 0.25 * diagonal <= km <= 0.75 * diagonal
    row = bench_run.worker_pairs(bench_run.QUICK_SIZES[0], "range30", 4)
    assert len(row["seconds_each"]) == 4
    assert row["max_seconds"] >= row["p90_seconds"] >= row["seconds"] > 0.0
    for answer, floor in zip(row["answers_h"], row["floors_h"], strict=True):
        assert math.isfinite(answer)
        assert answer >= floor - 1e-9


@pytest.fixture
def quick_weather_query(bench_run: ModuleType) -> Callable[[], SolveResult]:
    """The benchmark's weather query on its quick lattice (over 4096 labels)."""
    instances = importlib.import_module("instances")
    lat = instances.build_lattice(bench_run.QUICK_SIZES[0])
    call: Callable[[], SolveResult] = bench_run.solve_family(lat, "weather")[0]
    return call


def test_label_tables_grow_from_no_reservation_to_the_same_plan(
    quick_weather_query: Callable[[], SolveResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    from arcticroute import solver

    reserved = quick_weather_query()
    # more labels than the 4096 rows the tables start with when nothing is reserved
    assert reserved.labels_settled > 4096
    monkeypatch.setattr(solver, "_reserve_rows", lambda: 0)
    grown = quick_weather_query()
    assert grown.labels_settled == reserved.labels_settled
    assert grown.plans == reserved.plans


def test_a_refused_reservation_falls_back_to_growing(
    quick_weather_query: Callable[[], SolveResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    from arcticroute import _kernels
    from arcticroute.solver import _IPAR_RESERVE

    expected = quick_weather_query()
    real = _kernels.label_search
    reserved_rows: list[int] = []

    def strict_overcommit(*args: object) -> object:
        ipar = args[-1]
        reserved_rows.append(int(ipar[_IPAR_RESERVE]))  # type: ignore[index]
        if reserved_rows[-1] > 0:
            raise MemoryError("Allocation failed (probably too large).")
        return real(*args)

    monkeypatch.setattr(_kernels, "label_search", strict_overcommit)
    result = quick_weather_query()
    assert reserved_rows[0] > 0
    assert 0 in reserved_rows
    assert result.plans == expected.plans


# --------------------------------------------------------------------------------------------
# Raster files
# --------------------------------------------------------------------------------------------


def _write_tif(path: Path, values: NDArray[Any], crs: str, transform: Any, nodata: Any) -> Path:
    rasterio = pytest.importorskip("rasterio")
    with (
        warnings.catch_warnings(),
        rasterio.open(
            path,
            "w",
            driver="GTiff",
            height=values.shape[0],
            width=values.shape[1],
            count=1,
            dtype=values.dtype,
            crs=crs,
            transform=transform,
            nodata=nodata,
        ) as dst,
    ):
        warnings.filterwarnings("ignore", "Use `@` matmul", PendingDeprecationWarning)
        dst.write(values, 1)
    return path


def _lonlat_tif(tmp_path: Path) -> Path:
    # 0.01 degree cells over 176.5-178.5 E, 64.2-65.2 N (round Anadyr): land cover codes 10
    # (tundra) west of 177.5 E, 20 (sea ice) east of it, and a nodata corner
    from affine import Affine

    values = np.full((100, 200), 10, np.uint8)
    values[:, 100:] = 20
    values[:10, :10] = 255
    return _write_tif(
        tmp_path / "cover.tif", values, "EPSG:4326", Affine(0.01, 0, 176.5, 0, -0.01, 65.2), 255
    )


def test_read_raster_places_the_classes_where_the_file_has_them(tmp_path: Path) -> None:
    from arcticroute.terrain import read_raster

    raster = read_raster(_lonlat_tif(tmp_path), {10: "tundra", 20: "sea_ice"}, cell_km=1.0)
    assert raster.cell_km == 1.0
    codes = raster.classes
    assert codes.dtype == np.int8
    for lon, lat, name in (
        (177.0, 64.7, "tundra"),
        (178.0, 64.7, "sea_ice"),
        (177.45, 64.5, "tundra"),
        (177.55, 64.5, "sea_ice"),
        (176.55, 65.17, "rock"),  # the file's nodata corner
    ):
        row, col = raster.cell_at(lon, lat)
        assert RASTER_CLASSES[codes[row, col]] == name, (lon, lat)
        back_lon, back_lat = raster.lonlat(row, col)
        assert abs(back_lon - lon) < 0.02
        assert abs(back_lat - lat) < 0.01
    # outside the footprint (the reprojected box's corners): no data
    assert RASTER_CLASSES[codes[0, 0]] == "rock"
    # about 2 x 1 degree at 64.7 N: 95 km x 111 km of 1 km cells, each class about half
    share = np.bincount(codes.ravel(), minlength=len(RASTER_CLASSES)) / codes.size
    assert 0.3 < share[CLASS_CODES["tundra"]] < 0.55
    assert 0.3 < share[CLASS_CODES["sea_ice"]] < 0.55
    with pytest.raises(NetworkError, match=r"point \(170 E, 64\.7 N\) is outside the raster"):
        raster.cell_at(170.0, 64.7)


def test_a_raster_read_in_plans_like_any_other(tmp_path: Path) -> None:
    from arcticroute.offnetwork import plan_raster
    from arcticroute.planning import PlanInputError
    from arcticroute.terrain import read_raster

    raster = read_raster(_lonlat_tif(tmp_path), {10: "tundra", 20: "sea_ice"}, cell_km=1.0)
    start, end = raster.cell_at(177.0, 64.6), raster.cell_at(178.2, 64.8)
    it = plan_raster(raster, start, end, "buran", depart="2027-03-10T08:00")
    assert it.feasible
    lon, lat = it.legs[0].geometry.coords[0]
    assert (lon, lat) == pytest.approx(raster.lonlat(*start))
    assert {leg.terrain for leg in it.legs} == {"tundra", "sea_ice"}
    with pytest.raises(PlanInputError, match="needs cell_km and top_left_km"):
        plan_raster(raster.classes, start, end, "buran", depart="2027-03-10T08:00")


def test_read_raster_in_the_planar_crs_keeps_its_cells(tmp_path: Path) -> None:
    from affine import Affine

    from arcticroute.terrain import read_raster

    values = (np.arange(12 * 16).reshape(12, 16) % 3).astype(np.int16)
    tif = _write_tif(
        tmp_path / "planar.tif",
        values,
        "EPSG:3571",
        Affine(500, 0, -200_000, 0, -500, -2_700_000),
        None,
    )
    raster = read_raster(tif, {0: "tundra", 1: "trail", 2: "deep_snow"})
    assert raster.cell_km == 0.5
    assert raster.top_left_km == pytest.approx((-199.75, -2700.25))
    expected = np.array([CLASS_CODES[n] for n in ("tundra", "trail", "deep_snow")])[values]
    np.testing.assert_array_equal(raster.classes, expected)


def test_read_raster_refuses_what_it_cannot_map(tmp_path: Path) -> None:
    from arcticroute.terrain import read_raster

    tif = _lonlat_tif(tmp_path)
    with pytest.raises(NetworkError, match=r"does not map: 20 \(10,000 cells\)"):
        read_raster(tif, {10: "tundra"}, cell_km=1.0)
    with pytest.raises(NetworkError, match=r"class_map\[20\] is 'ice'; expected one of water"):
        read_raster(tif, {10: "tundra", 20: "ice"})
    with pytest.raises(NetworkError, match="cell_km must be a positive number"):
        read_raster(tif, {10: "tundra", 20: "sea_ice"}, cell_km=0.0)
    with pytest.raises(NetworkError, match="raster file '.*missing.tif' not found"):
        read_raster(tmp_path / "missing.tif", {10: "tundra"})
    (tmp_path / "junk.tif").write_text("not a raster")
    with pytest.raises(NetworkError, match="cannot read raster"):
        read_raster(tmp_path / "junk.tif", {10: "tundra"})
