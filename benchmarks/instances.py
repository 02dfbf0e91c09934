"""Seeded benchmark instances: terrain lattices, long queries, a 10-day weather table.

Everything here is deterministic: the same size and seed give the same arrays, so each
worker process of ``run.py`` rebuilds its instance instead of receiving it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from arcticroute.solver import CompiledGraph, WeatherTable
from arcticroute.terrain import CLASS_CODES, lattice_graph, node_id, synthetic_terrain

CELL_KM = 0.5
"""Raster resolution of every benchmark lattice, km (1,000,000 nodes = 500 km x 500 km)."""

WEATHER_CELL_KM = 50.0
"""Side of a weather cell, km."""

DEPOT_SPACING_KM = 50.0
"""Depot grid of the binding-range family, km."""

HUT_SPACING_KM = 35.0
"""Hut grid (shelters without fuel), km."""

SEED = 20240117

# A Buran SB-640 with a loaded sled (seeds/vehicles/buran.toml), burning 30 L/100 km on tundra.
SPEED_KMH: dict[str, float] = {
    "road": 40.0,
    "winter_road": 35.0,
    "trail": 35.0,
    "tundra": 22.0,
    "river_ice": 38.0,
    "lake_ice": 38.0,
    "sea_ice": 20.0,
    "deep_snow": 15.0,
}
FUEL_L_PER_100KM: dict[str, float] = {
    "road": 25.0,
    "winter_road": 28.0,
    "trail": 28.0,
    "tundra": 30.0,
    "river_ice": 28.0,
    "lake_ice": 28.0,
    "sea_ice": 34.0,
    "deep_snow": 42.0,
}

HUGE_TANK_L = 1.0e9
"""Capacity of the non-binding family, litres."""


@dataclass(frozen=True)
class Lattice:
    """A terrain raster, its lattice graph and one long query."""

    n_rows: int
    n_cols: int
    classes: NDArray[np.int8]
    graph: CompiledGraph
    origin: int
    target: int


def side_for(n_nodes: int) -> int:
    """Side of the square raster with about ``n_nodes`` cells."""
    return max(2, round(math.sqrt(n_nodes)))


def _interior(classes: NDArray[np.int8], speed_kmh: dict[str, float]) -> NDArray[np.bool_]:
    """Cells that the vehicle can cross together with all 8 of their neighbours."""
    ok = np.isin(classes, [CLASS_CODES[c] for c in speed_kmh])
    inner = np.zeros_like(ok)
    inner[1:-1, 1:-1] = ok[1:-1, 1:-1]
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            inner[1:-1, 1:-1] &= ok[1 + dr : ok.shape[0] - 1 + dr, 1 + dc : ok.shape[1] - 1 + dc]
    return inner


def _nearest(mask: NDArray[np.bool_], row: int, col: int) -> int:
    """Node id of the True cell of ``mask`` nearest to (row, col)."""
    rows, cols = np.nonzero(mask)
    if rows.size == 0:
        msg = "no interior cell in the raster"
        raise ValueError(msg)
    k = int(np.argmin((rows - row) ** 2 + (cols - col) ** 2))
    return int(node_id(rows[k], cols[k], n_cols=mask.shape[1]))


def build_lattice(
    n_nodes: int,
    *,
    depots: bool = True,
    seed: int = SEED,
    cell_km: float = CELL_KM,
) -> Lattice:
    """Square terrain lattice of about ``n_nodes`` nodes and a long diagonal query.

    The query runs from near the south-west corner to near the north-east corner, just
    south of the sea-ice band, so it crosses most of the raster. Its two ends are
    settlements (shelters); there is a depot grid (every `DEPOT_SPACING_KM`) when
    ``depots`` and a hut grid (every `HUT_SPACING_KM`) always.
    """
    side = side_for(n_nodes)
    classes = synthetic_terrain(side, side, seed=seed, cell_km=cell_km)
    inner = _interior(classes, SPEED_KMH)
    origin = _nearest(inner, int(0.95 * side), int(0.04 * side))
    target = _nearest(inner, int(0.22 * side), int(0.96 * side))
    graph = lattice_graph(
        classes,
        cell_km=cell_km,
        speed_kmh=SPEED_KMH,
        fuel_l_per_100km=FUEL_L_PER_100KM,
        depot_spacing_km=DEPOT_SPACING_KM if depots else None,
        hut_spacing_km=HUT_SPACING_KM,
        shelters=[origin, target],
        weather_cell_km=WEATHER_CELL_KM,
    )
    return Lattice(side, side, classes, graph, origin, target)


def random_pairs(lat: Lattice, count: int, *, seed: int = SEED) -> list[tuple[int, int]]:
    """``count`` seeded (origin, target) pairs for the many-queries family.

    Both ends are interior cells (passable with all 8 neighbours); the straight line
    between them is at least a quarter and at most three quarters of the raster's
    diagonal, so on every lattice size a pair needs a few refuelling stops at 30 L but
    none is a corner-to-corner crossing like the main query.
    """
    inner = _interior(lat.classes, SPEED_KMH).ravel()
    cells = np.flatnonzero(inner)
    x = lat.graph.node_x_km
    y = lat.graph.node_y_km
    diagonal = math.hypot(float(x.max() - x.min()), float(y.max() - y.min()))
    rng = np.random.default_rng(seed)
    pairs: list[tuple[int, int]] = []
    while len(pairs) < count:
        o, t = (int(c) for c in rng.choice(cells, 2, replace=False))
        km = math.hypot(float(x[o] - x[t]), float(y[o] - y[t]))
        if 0.25 * diagonal <= km <= 0.75 * diagonal:
            pairs.append((o, t))
    return pairs


def weather_table(
    graph: CompiledGraph,
    origin: int,
    target: int,
    *,
    days: int = 10,
    step_h: float = 1.0,
    seed: int = SEED,
) -> WeatherTable:
    """A 10-day hourly weather table over the coarse cells of ``graph``.

    Times are hours since departure. Calm-weather progress along the query is estimated at
    20 km/h straight-line. The table holds:

    * a purga band across the route, half-way, closed while the route would cross it and
      for as long again; it leaves the third of the band farthest from the straight route
      open, so a route may wait at a shelter or detour round its end;
    * a storm 60 km across drifting west to east at 8 km/h: closed inside, speed x 0.7
      and fuel x 1.25 in a 60 km ring round it;
    * a cold snap on days 3 to 6: fuel x 1.15 everywhere;
    * patches of drifting snow: speed x 0.8-1.0 in a random quarter of (cell, 6-hour) slots.
    """
    rng = np.random.default_rng(seed)
    n_cells = int(graph.node_cell.max()) + 1
    n_steps = round(days * 24 / step_h)
    count = np.bincount(graph.node_cell, minlength=n_cells).astype(np.float64)
    cx = np.bincount(graph.node_cell, weights=graph.node_x_km, minlength=n_cells) / count
    cy = np.bincount(graph.node_cell, weights=graph.node_y_km, minlength=n_cells) / count
    t = (np.arange(n_steps) + 0.5) * step_h  # step mid-points, hours

    ox, oy = graph.node_x_km[origin], graph.node_y_km[origin]
    tx, ty = graph.node_x_km[target], graph.node_y_km[target]
    length = math.hypot(tx - ox, ty - oy)
    ux, uy = (tx - ox) / length, (ty - oy) / length
    along = ((cx - ox) * ux + (cy - oy) * uy) / length  # 0 at origin, 1 at target
    across = (cx - ox) * -uy + (cy - oy) * ux  # km left of the straight route
    span = np.ptp(across) if n_cells > 1 else 0.0

    open_ = np.ones((n_cells, n_steps), dtype=np.bool_)
    speed = np.ones((n_cells, n_steps))
    fuel = np.ones((n_cells, n_steps))
    risk = np.ones((n_cells, n_steps))

    # Purga band across the route half-way; open at the end of the band farthest left.
    calm_h = length / 20.0
    band = (np.abs(along - 0.5) < 0.12) & (across < across.min() + 0.67 * span + 1e-9)
    shut = (t > 0.3 * calm_h) & (t < 0.3 * calm_h + 0.5 * calm_h)
    open_[np.ix_(band, shut)] = False
    risk[np.ix_(band, shut)] = 3.0

    # A drifting storm.
    x_min = float(graph.node_x_km.min())
    y_mid = 0.5 * (float(graph.node_y_km.min()) + float(graph.node_y_km.max()))
    sx = x_min - 60.0 + 8.0 * t
    dist = np.hypot(cx[:, None] - sx[None, :], cy[:, None] - (y_mid - 40.0))
    core, ring = dist < 30.0, (dist >= 30.0) & (dist < 90.0)
    open_[core] = False
    speed[ring] = 0.7
    fuel[ring] = 1.25
    risk[core | ring] = 2.0

    # Cold snap.
    fuel[:, (t >= 72.0) & (t < 144.0)] *= 1.15

    # Drifting-snow patches in 6-hour slots.
    n_slots = -(-n_steps // 6)
    patch = rng.random((n_cells, n_slots)) < 0.25
    factor = np.where(patch, rng.uniform(0.8, 1.0, (n_cells, n_slots)), 1.0)
    speed *= np.repeat(factor, 6, axis=1)[:, :n_steps]

    return WeatherTable(
        t0_h=0.0,
        step_h=step_h,
        open=open_,
        speed_factor=speed,
        fuel_factor=fuel,
        risk_factor=risk,
    )


def _path_litres(graph: CompiledGraph, pred: NDArray[np.int32], origin: int, target: int) -> float:
    """Fuel along the predecessor path from ``origin`` to ``target``, litres."""
    litres = 0.0
    v = target
    while v != origin:
        u = int(pred[v])
        lo, hi = int(graph.indptr[u]), int(graph.indptr[u + 1])
        litres += float(graph.arc_litres[lo + int(np.searchsorted(graph.head[lo:hi], v))])
        v = u
    return litres


def fuel_limited_grid(
    side: int, *, seed: int = SEED, extent_km: float = 40.0
) -> tuple[CompiledGraph, int, int, float]:
    """A small lattice without depots and a tank that binds: for the cspy comparison.

    The raster is ``side`` x ``side`` cells covering ``extent_km`` x ``extent_km`` (so the
    terrain features keep their size whatever ``side``). Returns the graph, origin
    (south-west corner), target (north-east corner) and a capacity (litres) half-way
    between the least fuel any route needs and the fuel of the fastest route, so the
    fastest route is out of range but a slower one is not. Seeds from ``seed`` upwards are
    tried until the two differ by at least 1 %.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    cell_km = extent_km / side
    for attempt in range(seed, seed + 100):
        classes = synthetic_terrain(side, side, seed=attempt, cell_km=cell_km, sea_edge=None)
        graph = lattice_graph(
            classes, cell_km=cell_km, speed_kmh=SPEED_KMH, fuel_l_per_100km=FUEL_L_PER_100KM
        )
        inner = _interior(classes, SPEED_KMH)
        origin = _nearest(inner, side - 2, 1)
        target = _nearest(inner, 1, side - 2)
        n = graph.n_nodes
        head = graph.head.astype(np.int32)
        hours = csr_matrix((graph.arc_hours, head, graph.indptr), shape=(n, n))
        litres = csr_matrix((graph.arc_litres, head, graph.indptr), shape=(n, n))
        _, pred = dijkstra(hours, indices=origin, return_predecessors=True)
        least = float(dijkstra(litres, indices=origin)[target])
        fastest = _path_litres(graph, pred, origin, target)
        if fastest > 1.01 * least:
            return graph, origin, target, 0.5 * (least + fastest)
    msg = f"no seed in {seed}..{seed + 99} gives a binding tank on a {side} x {side} grid"
    raise ValueError(msg)
