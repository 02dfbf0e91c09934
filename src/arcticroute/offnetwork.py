"""Off-network trips: a vehicle across a terrain raster, from cells and times to an Itinerary.

`plan_raster` is `arcticroute.plan` where there are no links: it builds the vehicle's
lattice over the raster (`arcticroute.terrain.lattice_graph`), samples the weather onto it
(`arcticroute.compile.compile_lattice_weather`), solves (`arcticroute.solver.solve`) and
writes the plan as an `Itinerary`, so that the table, JSON, GeoJSON, GPX and KML outputs
work as for a network. A leg is a run of one terrain class between two stops; runs
shorter than ``min_leg_km`` join a neighbouring one (the class with the most kilometres
names the leg), so that a track along the edge of a snow field does not make a leg per
cell. Places have no names on a raster: a cell is named by its position (``"64.731N
177.512E"``, ``"depot 64.950N 177.310E"``) unless ``names`` gives it one.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from shapely.geometry import LineString

from ._errors import UnknownPlaceError
from .compile import OPEN_CAB_RISK, TERRAIN_RISK, CompiledWeather, compile_lattice_weather
from .geodesy import from_planar_km, unwrap_lons
from .itinerary import Itinerary, Leg, Refuel, Wait, ice_warning
from .network import ICE_TERRAINS
from .planning import PlanInputError, _at, _wait_reason, default_departure, localize
from .solver import CompiledGraph, RawPlan, Step, solve
from .terrain import IMPASSABLE_CLASSES, RASTER_CLASSES, ClassRaster, lattice_graph, node_id
from .vehicles import Vehicle, get_vehicle

__all__ = ["DEEP_SNOW_RISK", "RASTER_MAX_LABELS", "plan_raster"]

DEEP_SNOW_RISK = 1.5
"""Exposure weight per hour driven in deep snow (dimensionless, design choice: as sea ice,
the highest of `arcticroute.compile.TERRAIN_RISK`; a vehicle stuck there is far from help)."""

RASTER_MAX_LABELS = 8_000_000
"""Labels the search may create on a raster before it gives up (80-170 bytes each, so at
most about 1.4 GB); the benchmark's 1M-cell lattice needs 1.6 M under its weather with a
60 L tank, and `arcticroute.plan` allows 400,000 on a network."""

Cell = tuple[int, int]


def plan_raster(
    classes: ClassRaster | ArrayLike,
    origin: Cell,
    destination: Cell,
    vehicle: Vehicle | str | Path,
    *,
    cell_km: float | None = None,
    top_left_km: tuple[float, float] | None = None,
    depart: dt.datetime | str | None = None,
    weather: Any = None,
    objective: Literal["time", "fuel", "risk"] = "time",
    depots: Sequence[Cell] = (),
    shelters: Sequence[Cell] = (),
    depot_spacing_km: float | None = None,
    hut_spacing_km: float | None = None,
    weather_cell_km: float = 25.0,
    deadline: dt.datetime | str | None = None,
    daylight_only: bool = False,
    names: Mapping[Cell, str] | None = None,
    min_leg_km: float = 2.0,
) -> Itinerary:
    """Plan the best feasible trip across a terrain raster.

    Parameters
    ----------
    classes
        A `arcticroute.terrain.ClassRaster` (e.g. from `arcticroute.terrain.read_raster`),
        or terrain class codes, shape (n_rows, n_cols), row 0 north (see
        `arcticroute.terrain`), with ``cell_km`` and ``top_left_km``.
    origin, destination
        Cells as (row, column).
    vehicle
        A `Vehicle`, a catalogue id (``"buran"``) or a TOML file; its speed and burn per
        class cost the lattice, and its tank, reserve, refuelling stop and duty limit bind.
    cell_km
        Side of a raster cell, kilometres (a `ClassRaster` brings its own).
    top_left_km
        EPSG:3571 position of the centre of cell (0, 0), kilometres (x east, y north; see
        `arcticroute.geodesy.to_planar_km`; a `ClassRaster` brings its own).
    depart
        Departure; naive means Chukotka local time. Default: the next 08:00 local.
    weather
        As for `arcticroute.plan`: None or ``"calm"``, a scenario name or file, a gridded
        file, ``"climatology[:SEED]"`` or a weather field.
    objective
        ``"time"``, ``"fuel"`` or ``"risk"``.
    depots, shelters
        Cells with fuel (unlimited, also shelters) and cells where the crew may wait out
        weather.
    depot_spacing_km, hut_spacing_km
        Also sprinkle depots / huts on a square grid this many kilometres apart (see
        `arcticroute.terrain.lattice_graph`).
    weather_cell_km
        Side of the square weather cells, kilometres.
    deadline
        Latest acceptable arrival (naive = local time).
    daylight_only
        Travel only between civil dawn and dusk.
    names
        Names for cells, e.g. ``{(40, 15): "Camp 3"}``; others are named by position.
    min_leg_km
        Runs of one terrain class shorter than this, kilometres, join a neighbouring run.

    Returns
    -------
    Itinerary
        The plan, or one with ``feasible=False``, the binding constraint and the reason.

    Raises
    ------
    UnknownPlaceError
        A cell outside the raster.
    PlanInputError
        A cell the vehicle cannot be on, a bad objective, deadline or ``min_leg_km``.
    NetworkError, VehicleError, WeatherError
        A malformed raster, vehicle or weather, as for `arcticroute.terrain.lattice_graph`
        and `arcticroute.plan`.

    Examples
    --------
    >>> from arcticroute.terrain import synthetic_terrain
    >>> grid = synthetic_terrain(60, 80, seed=3, sea_edge=None)
    >>> it = plan_raster(grid, (5, 5), (50, 70), "buran", cell_km=0.5,
    ...                  top_left_km=(-120.0, -2770.0), depart="2027-03-10T08:00")
    >>> it.feasible, round(it.distance_km)
    (True, 42)
    """
    if objective not in ("time", "fuel", "risk"):
        msg = f"objective {objective!r} must be one of time, fuel, risk"
        raise PlanInputError(msg)
    if not (math.isfinite(min_leg_km) and min_leg_km >= 0.0):
        msg = f"min_leg_km must be a number of kilometres >= 0, got {min_leg_km!r}"
        raise PlanInputError(msg)
    if isinstance(classes, ClassRaster):
        cell_km = classes.cell_km if cell_km is None else cell_km
        top_left_km = classes.top_left_km if top_left_km is None else top_left_km
        classes = classes.classes
    if cell_km is None or top_left_km is None:
        msg = "a grid of class codes needs cell_km and top_left_km (a ClassRaster has them)"
        raise PlanInputError(msg)
    car = get_vehicle(vehicle)
    grid = np.asarray(classes)
    risk = {c: TERRAIN_RISK.get(c, DEEP_SNOW_RISK) for c in car.speed_kmh}
    if car.open_cab:
        risk = {c: r * OPEN_CAB_RISK for c, r in risk.items()}
    shape = grid.shape if grid.ndim == 2 else (0, 0)
    ends = [
        _cell_node(cell, what, shape)
        for cell, what in ((origin, "origin"), (destination, "destination"))
    ]
    graph = lattice_graph(
        grid,
        cell_km=cell_km,
        speed_kmh=car.speed_kmh,
        fuel_l_per_100km=car.fuel_l_per_100km,
        risk=risk,
        depot_spacing_km=depot_spacing_km,
        depots=np.array([_cell_node(c, "depot", shape) for c in depots], np.int64),
        hut_spacing_km=hut_spacing_km,
        shelters=np.array([_cell_node(c, "shelter", shape) for c in shelters], np.int64),
        weather_cell_km=weather_cell_km,
        top_left_km=top_left_km,
    )
    for node, (cell, what) in zip(
        ends, ((origin, "origin"), (destination, "destination")), strict=True
    ):
        if graph.indptr[node + 1] == graph.indptr[node]:
            name = RASTER_CLASSES[int(grid.flat[node])]
            why = "impassable" if name in IMPASSABLE_CLASSES else f"not in {car.id}'s speed table"
            msg = (
                f"{what} cell {tuple(cell)} is {name} ({why}) or cut off by such cells: the "
                f"{car.id} cannot drive from it; pick a cell of "
                f"{', '.join(sorted(car.speed_kmh))}"
            )
            raise PlanInputError(msg)
    start = default_departure() if depart is None else localize(depart)
    deadline_h = math.inf
    if deadline is not None:
        deadline_h = (localize(deadline, "deadline") - start).total_seconds() / 3600.0
        if deadline_h <= 0.0:
            msg = f"deadline {deadline} is not after the departure {start:%Y-%m-%d %H:%M}"
            raise PlanInputError(msg)
    sampled: CompiledWeather | None = None
    if not (weather is None or weather == "calm") or daylight_only:
        from .weather import weather_from_spec

        field = weather_from_spec(weather, start=start)
        sampled = compile_lattice_weather(
            graph, grid, field, car, start, daylight_only=daylight_only
        )
        graph = sampled.graph
    drive = car.max_drive_h_per_day
    result = solve(
        graph,
        ends[0],
        ends[1],
        weather=None if sampled is None else sampled.sample.table,
        capacity_l=car.capacity_l,
        reserve_l=car.reserve_l,
        refuel_h=car.refuel_min / 60.0,
        max_drive_h=math.inf if drive is None else drive,
        deadline_h=deadline_h,
        objective=objective,
        max_labels=RASTER_MAX_LABELS,
    )
    namer = _Namer(graph, grid.shape[1], names or {})
    common: dict[str, Any] = {
        "origin": namer(ends[0]),
        "destination": namer(ends[1]),
        "vehicle": car.id,
        "objective": objective,
        "depart": start,
    }
    if not result.feasible:
        reason = re.sub(
            r"\b(\d+)->(\d+)\b",
            lambda m: f"{namer(int(m[1]))} -> {namer(int(m[2]))}",
            result.reason,
        )
        reason = re.sub(r"\bnodes? \[?(\d+)\]?", lambda m: namer(int(m[1])), reason)
        if result.binding == "none":  # the search gave up: no answer, not "no route"
            reason += "; plan on coarser cells (cell_km) or a smaller part of the raster"
        return Itinerary(feasible=False, reason=reason, binding=result.binding, **common)
    return _itinerary(
        result.plans[0], graph, grid, car, start, sampled, namer, cell_km, min_leg_km, common
    )


def _cell_node(cell: Cell, what: str, shape: tuple[int, ...]) -> int:
    n_rows, n_cols = shape
    try:
        row, col = (int(x) for x in cell)
    except (TypeError, ValueError):
        msg = f"{what} {cell!r} must be a cell as (row, column)"
        raise UnknownPlaceError(msg) from None
    if not (0 <= row < n_rows and 0 <= col < n_cols):
        msg = (
            f"{what} cell ({row}, {col}) is outside the {n_rows} x {n_cols} raster "
            f"(rows 0-{n_rows - 1}, columns 0-{n_cols - 1})"
        )
        raise UnknownPlaceError(msg)
    return int(node_id(row, col, n_cols=n_cols))


class _Namer:
    """Names of lattice nodes: the user's, else the kind of place and its position."""

    def __init__(self, graph: CompiledGraph, n_cols: int, names: Mapping[Cell, str]) -> None:
        self.graph = graph
        self.names = {int(node_id(r, c, n_cols=n_cols)): str(v) for (r, c), v in names.items()}

    def lonlat(self, nodes: NDArray[np.int64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        return from_planar_km(self.graph.node_x_km[nodes], self.graph.node_y_km[nodes])

    def __call__(self, node: int, km: float | None = None) -> str:
        """The node's name; on a route, ``km`` along it names an unnamed node shortly."""
        if node in self.names:
            return self.names[node]
        if km is None:
            lon, lat = (float(v[0]) for v in self.lonlat(np.array([node])))
            where = f"{abs(lat):.3f}{'N' if lat >= 0 else 'S'} "
            where += f"{abs(lon):.3f}{'E' if lon >= 0 else 'W'}"
        else:
            where = f"km {km:.0f}"
        if self.graph.node_depot[node]:
            return f"depot {where}"
        if self.graph.node_shelter[node]:
            return f"hut {where}"
        return where


def _runs(terrain: list[str], km: list[float], min_km: float) -> list[list[int]]:
    """Consecutive drives (their terrain and km) grouped by terrain, short runs joined."""
    runs: list[list[int]] = []
    for i in range(len(terrain)):
        if runs and terrain[runs[-1][-1]] == terrain[i]:
            runs[-1].append(i)
        else:
            runs.append([i])

    # (a run on ice stays a leg of its own however short, and takes nothing in: a river
    # crossing is where the ice rules apply)
    def on_ice(run: list[int]) -> bool:
        return terrain[run[0]] in ICE_TERRAINS

    def short(run: list[int]) -> bool:
        return sum(km[i] for i in run) < min_km

    def lead(run: list[int]) -> str:
        return _leading(run, terrain, km)

    merged: list[list[int]] = []
    for run in runs:
        if (
            merged
            and not on_ice(run)
            and not on_ice(merged[-1])
            and (short(run) or short(merged[-1]))
        ):
            merged[-1].extend(run)
        else:
            merged.append(run)
    joined: list[list[int]] = []
    for run in merged:
        if joined and not on_ice(run) and not on_ice(joined[-1]) and lead(run) == lead(joined[-1]):
            joined[-1].extend(run)
        else:
            joined.append(run)
    return joined


def _leading(run: list[int], terrain: list[str], km: list[float]) -> str:
    """The terrain class with the most kilometres in a run."""
    by_class: dict[str, float] = {}
    for i in run:
        by_class[terrain[i]] = by_class.get(terrain[i], 0.0) + km[i]
    return max(by_class, key=lambda c: by_class[c])


def _itinerary(
    raw: RawPlan,
    graph: CompiledGraph,
    grid: NDArray[Any],
    car: Vehicle,
    start: dt.datetime,
    sampled: CompiledWeather | None,
    namer: _Namer,
    cell_km: float,
    min_leg_km: float,
    common: dict[str, Any],
) -> Itinerary:
    legs: list[Leg] = []
    waits: list[Wait] = []
    refuels: list[Refuel] = []
    pending: list[Step] = []
    done_km = 0.0  # driven before the pending drives
    total_km = sum(float(graph.arc_km[s.arc]) for s in raw.steps if s.kind == "drive")
    first_node = raw.steps[0].node if raw.steps else -1

    def name(node: int, km: float) -> str:
        # the trip's ends by position (or the user's name), other places by km driven
        if (km == 0.0 and node == first_node) or abs(km - total_km) < 1e-9:
            return namer(node)
        return namer(node, km)

    def flush() -> None:
        # the drives since the last stop, as legs of one terrain class each
        nonlocal done_km
        if not pending:
            return
        heads = [int(graph.head[s.arc]) for s in pending]
        terrain = [RASTER_CLASSES[int(grid.flat[h])] for h in heads]
        km = [float(graph.arc_km[s.arc]) for s in pending]
        for run in _runs(terrain, km, min_leg_km):
            first, last = pending[run[0]], pending[run[-1]]
            leg_km = sum(km[i] for i in run)
            nodes = np.array([first.node, *(heads[i] for i in run)], np.int64)
            lon, lat = namer.lonlat(nodes)
            legs.append(
                Leg(
                    origin=name(first.node, done_km),
                    destination=name(heads[run[-1]], done_km + leg_km),
                    terrain=_leading(run, terrain, km),
                    distance_km=leg_km,
                    depart=_at(start, first.start_h),
                    arrive=_at(start, last.end_h),
                    fuel_before_l=first.fuel_before_l,
                    fuel_after_l=last.fuel_after_l,
                    link_id="raster",
                    assumed=False,
                    risk=sum(pending[i].risk for i in run),
                    geometry=LineString(zip(unwrap_lons(lon), lat, strict=True)),
                )
            )
            done_km += leg_km
        pending.clear()

    for position, step in enumerate(raw.steps):
        if step.kind == "drive":
            pending.append(step)
            continue
        flush()
        where = name(step.node, done_km)
        if step.kind == "refuel":
            litres = step.fuel_after_l - step.fuel_before_l
            refuels.append(
                Refuel(where, _at(start, step.start_h), _at(start, step.end_h), litres, "confirmed")
            )
        elif step.end_h > step.start_h:
            waits.append(
                Wait(
                    at=where,
                    start=_at(start, step.start_h),
                    until=_at(start, step.end_h),
                    reason=_wait_reason(position, raw, car, start, sampled),
                    shelter=bool(graph.node_shelter[step.node]),
                )
            )
    flush()
    warnings = [
        f"off-network route over a raster of {cell_km:g} km cells: the track joins cell "
        "centres and knows the ground only as well as the raster does; scout it"
    ]
    warnings += [f"halt in the open at {w.at}: {w.reason}" for w in waits if not w.shelter]
    if sampled is not None:
        warnings += [f"weather: {note}" for note in sampled.notes]
    ice = ice_warning(legs, car.gross_mass_kg)
    if ice:
        warnings.append(ice)
    return Itinerary(
        feasible=True,
        arrive=_at(start, raw.arrive_h),
        legs=tuple(legs),
        waits=tuple(waits),
        refuels=tuple(refuels),
        warnings=tuple(dict.fromkeys(warnings)),
        risk=raw.risk,
        fuel_start_l=raw.steps[0].fuel_before_l if raw.steps else car.capacity_l,
        **common,
    )
