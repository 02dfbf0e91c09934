"""Compile (network, vehicle, date) into the solver's flat arrays.

The user-facing network is a networkx graph; the solver never walks it. `compile_network`
turns it once into a `CompiledNetwork`: a `solver.CompiledGraph` (CSR arcs with calm hours,
litres and exposure per arc, node flags) plus the tables that map solver indices back to
places and links, and the reason each excluded link is unusable (for explanations).

Exposure weight per arc (``arc_risk``, used by the least-risk objective): terrain weight
(road 0.5, winter road 0.75, trail 1.0, tundra / river ice / lake ice 1.25, sea ice 1.5)
x 1.25 on an assumed route x 1.5 for an open cab. Risk of a plan = sum over legs of
hours driven x that weight x the weather's risk factor (1 in ordinary weather), i.e.
"weighted hours exposed in the open"; under changing weather the hours are those charged
to crew duty (the drive, or an earlier departure's longer drive into a speed-up in the
same weather epoch: `arcticroute.solver.solve`, Notes).
"""

from __future__ import annotations

import datetime as dt
import math
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import networkx as nx
import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._errors import NetworkError
from .geodesy import from_planar_km, to_planar_km
from .network import ICE_TERRAINS, validate_network
from .physics import (
    GOLD_A_KG_PER_CM2,
    default_ice_thickness_cm,
    gold_required_thickness_cm,
    ice_speed_cap_kmh,
)
from .solver import CompiledGraph
from .vehicles import Vehicle

__all__ = [
    "TERRAIN_RISK",
    "CompiledNetwork",
    "CompiledWeather",
    "LinkRef",
    "compile_lattice_weather",
    "compile_network",
    "compile_weather",
]

TERRAIN_RISK: Mapping[str, float] = {
    "road": 0.5,
    "winter_road": 0.75,
    "trail": 1.0,
    "tundra": 1.25,
    "river_ice": 1.25,
    "lake_ice": 1.25,
    "sea_ice": 1.5,
}
"""Exposure weight per hour driven, by terrain (dimensionless, design choice)."""

ASSUMED_RISK = 1.25
OPEN_CAB_RISK = 1.5


@dataclass(frozen=True, slots=True)
class LinkRef:
    """One user link as the compiled graph knows it.

    Attributes
    ----------
    u, v, key
        The networkx edge (drawn from ``u`` to ``v``).
    usable : bool
        Whether the vehicle may use it on the compiled date.
    reason : str
        Why it is unusable ("" when usable), in words a planner acts on.
    """

    u: str
    v: str
    key: Any
    usable: bool
    reason: str


@dataclass(frozen=True, slots=True, eq=False)
class CompiledNetwork:
    """A network compiled for one vehicle and date.

    Attributes
    ----------
    graph : CompiledGraph
        The solver's arrays.
    node_ids : tuple of str
        Node index -> place id; rest points on links get ids like ``"Pevek-Bilibino km 169"``.
    node_index : Mapping[str, int]
        Place id -> node index.
    links : tuple of LinkRef
        Link index (``graph.arc_link``) -> the user link and whether it is usable.
    arc_from_km, arc_to_km : ndarray of float64
        Where each arc starts and ends along its link, km from the link's ``u`` end (an arc
        that runs ``v`` -> ``u`` has from > to).
    node_lon, node_lat : ndarray of float64
        Node positions in degrees (rest points included).
    vehicle : Vehicle
        The profile compiled for.
    date : datetime.date
        The local date compiled for (seasons, ice).
    """

    graph: CompiledGraph
    node_ids: tuple[str, ...]
    node_index: Mapping[str, int]
    links: tuple[LinkRef, ...]
    arc_from_km: np.ndarray
    arc_to_km: np.ndarray
    node_lon: np.ndarray
    node_lat: np.ndarray
    network: nx.MultiDiGraph
    vehicle: Vehicle
    date: dt.date

    def link_data(self, link: int) -> Mapping[str, Any]:
        """Attributes of user link ``link``.

        Parameters
        ----------
        link
            Link index.

        Returns
        -------
        Mapping
            The networkx edge data.
        """
        ref = self.links[link]
        data: Mapping[str, Any] = self.network.edges[ref.u, ref.v, ref.key]
        return data


def link_unusable_reason(data: Mapping[str, Any], vehicle: Vehicle, day: dt.date) -> str:
    """Why a vehicle cannot use a link on a day, or "" if it can.

    Parameters
    ----------
    data
        Link attributes.
    vehicle
        The vehicle.
    day
        Local calendar date.

    Returns
    -------
    str
        A reason a planner acts on, e.g. "sea ice 30 cm < 47 cm needed for 6.5 t".
    """
    terrain = data["terrain"]
    if data["status"] != "open":
        return f"status {data['status']} (not open to traffic)"
    if terrain not in vehicle.speed_kmh:
        return f"{vehicle.id} cannot travel on {terrain.replace('_', ' ')}"
    if vehicle.maintained_only and not data["maintained"]:
        return f"{vehicle.id} keeps to maintained winter roads and official ice crossings"
    season = data.get("season")
    if season is not None and not season.contains(day):
        return f"closed for the season on {day.isoformat()} (open {season})"
    if terrain in ICE_TERRAINS:
        measured = data.get("ice_thickness_cm")
        thickness = measured if measured is not None else default_ice_thickness_cm(terrain, day)
        needed = gold_required_thickness_cm(vehicle.gross_mass_kg, GOLD_A_KG_PER_CM2[terrain])
        if thickness < needed:
            kind = "measured" if measured is not None else "seasonal default"
            return (
                f"{terrain.replace('_', ' ')} {thickness:.0f} cm ({kind}) < {needed:.0f} cm "
                f"needed for {vehicle.gross_mass_kg / 1000:.1f} t"
            )
    return ""


def compile_network(
    network: nx.MultiDiGraph,
    vehicle: Vehicle,
    *,
    date: dt.date,
    confirmed_depots_only: bool = False,
    exclude_assumed_links: bool = False,
    avoid_nodes: Iterable[str] = (),
    avoid_links: Iterable[tuple[str, str]] = (),
) -> CompiledNetwork:
    """Turn a network and a vehicle into solver arrays for one date.

    Parameters
    ----------
    network
        The network (validated here).
    vehicle
        The vehicle profile.
    date
        Local calendar date of the trip (seasons and ice thickness).
    confirmed_depots_only
        Treat ``likely`` depots as no depot.
    exclude_assumed_links
        Drop links whose route is an assumption.
    avoid_nodes
        Place ids not to pass through.
    avoid_links
        (place, place) pairs whose links are not to be used, either direction.

    Returns
    -------
    CompiledNetwork

    Notes
    -----
    Results are cached per (network object, its content, vehicle, date and options); a
    network edited in place is recompiled because the cache key includes a fingerprint
    of its attributes.
    """
    avoided_nodes = frozenset(avoid_nodes)
    avoided_links = frozenset(frozenset(p) for p in avoid_links)
    key = (
        _fingerprint(network),
        vehicle,
        date,
        confirmed_depots_only,
        exclude_assumed_links,
        avoided_nodes,
        avoided_links,
    )
    per_graph = _CACHE.setdefault(network, {})
    if key not in per_graph:
        if len(per_graph) > 32:
            per_graph.clear()
        validate_network(network)
        per_graph[key] = _compile(
            network,
            vehicle,
            date,
            confirmed_depots_only=confirmed_depots_only,
            exclude_assumed_links=exclude_assumed_links,
            avoided_nodes=avoided_nodes,
            avoided_links=avoided_links,
        )
    return per_graph[key]


_CACHE: weakref.WeakKeyDictionary[nx.MultiDiGraph, dict[Any, CompiledNetwork]] = (
    weakref.WeakKeyDictionary()
)


def _fingerprint(network: nx.MultiDiGraph) -> int:
    nodes = tuple((n, tuple(sorted(map(repr, d.items())))) for n, d in network.nodes(data=True))
    edges = tuple(
        (u, v, k, tuple(sorted(map(repr, d.items()))))
        for u, v, k, d in network.edges(keys=True, data=True)
    )
    return hash((nodes, edges))


def _compile(
    network: nx.MultiDiGraph,
    vehicle: Vehicle,
    day: dt.date,
    *,
    confirmed_depots_only: bool,
    exclude_assumed_links: bool,
    avoided_nodes: frozenset[str],
    avoided_links: frozenset[frozenset[str]],
) -> CompiledNetwork:
    node_ids: list[str] = list(network.nodes)
    index = {n: i for i, n in enumerate(node_ids)}
    lons = [network.nodes[n]["lon"] for n in node_ids]
    lats = [network.nodes[n]["lat"] for n in node_ids]
    shelter = [bool(network.nodes[n]["shelter"]) for n in node_ids]
    depot = []
    stock = []
    for n in node_ids:
        data = network.nodes[n]
        is_depot = bool(data["depot"]) and not (
            confirmed_depots_only and data["depot_confidence"] != "confirmed"
        )
        depot.append(is_depot)
        limit = data.get("fuel_stock_l")
        stock.append((math.inf if limit is None else float(limit)) if is_depot else 0.0)

    tails: list[int] = []
    heads: list[int] = []
    km: list[float] = []
    hours: list[float] = []
    litres: list[float] = []
    risk: list[float] = []
    arc_link: list[int] = []
    from_km: list[float] = []
    to_km: list[float] = []
    links: list[LinkRef] = []
    for link_index, (u, v, key, data) in enumerate(network.edges(keys=True, data=True)):
        link = int(link_index)
        reason = link_unusable_reason(data, vehicle, day)
        if not reason and exclude_assumed_links and data["assumed"]:
            reason = "route is an assumption (excluded by request)"
        if not reason and (u in avoided_nodes or v in avoided_nodes):
            reason = f"avoids {u if u in avoided_nodes else v} (by request)"
        if not reason and frozenset((u, v)) in avoided_links:
            reason = "avoided (by request)"
        links.append(LinkRef(u, v, key, not reason, reason))
        if reason:
            continue
        length = float(data["length_km"])
        terrain = data["terrain"]
        speed = float(vehicle.speed_kmh[terrain])
        if terrain in ICE_TERRAINS:
            # Rules of the ice: heavy loads slow down (resonant flexural waves break ice).
            speed = min(speed, float(ice_speed_cap_kmh(vehicle.gross_mass_kg)))
        burn = vehicle.fuel_l_per_100km[terrain] / 100.0
        weight = TERRAIN_RISK[terrain] * (ASSUMED_RISK if data["assumed"] else 1.0)
        weight *= OPEN_CAB_RISK if vehicle.open_cab else 1.0
        # Heated rest points split the link into sub-arcs through virtual shelter nodes.
        cuts = [0.0, *sorted(data.get("rest_stops_km", ())), length]
        chain = [index[u]]
        for stop in cuts[1:-1]:
            name = f"{data.get('id') or f'{u}-{v}'} km {stop:g}"
            stop_lon, stop_lat = _point_at(data, stop)  # unwrapped across 180 degrees
            index[name] = len(node_ids)
            node_ids.append(name)
            lons.append(stop_lon)
            lats.append(stop_lat)
            shelter.append(True)
            depot.append(False)
            stock.append(0.0)
            chain.append(index[name])
        chain.append(index[v])
        directions = [(0, 1)] if data["oneway"] else [(0, 1), (1, 0)]
        for a, b in zip(range(len(chain) - 1), range(1, len(chain)), strict=True):
            part = cuts[b] - cuts[a]
            for forward, _ in directions:
                tail, head = (chain[a], chain[b]) if forward == 0 else (chain[b], chain[a])
                start, end = (cuts[a], cuts[b]) if forward == 0 else (cuts[b], cuts[a])
                tails.append(tail)
                heads.append(head)
                km.append(part)
                hours.append(part / speed)
                litres.append(part * burn)
                risk.append(weight)
                arc_link.append(link)
                from_km.append(start)
                to_km.append(end)

    n_nodes = len(node_ids)
    tail_arr = np.asarray(tails, dtype=np.int64)
    # Stable sort by tail keeps the link order inside each row: deterministic plans.
    order = np.argsort(tail_arr, kind="stable")
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail_arr, minlength=n_nodes), out=indptr[1:])
    x_km, y_km = to_planar_km(lons, lats)

    def arr(values: list[float]) -> np.ndarray:
        return np.ascontiguousarray(np.asarray(values, dtype=np.float64)[order])

    graph = CompiledGraph(
        indptr=indptr,
        head=np.ascontiguousarray(np.asarray(heads, dtype=np.int32)[order]),
        arc_km=arr(km),
        arc_hours=arr(hours),
        arc_litres=arr(litres),
        arc_risk=arr(risk),
        arc_cell=np.zeros(len(tails), dtype=np.int32),
        arc_link=np.ascontiguousarray(np.asarray(arc_link, dtype=np.int32)[order]),
        node_shelter=np.asarray(shelter, dtype=np.bool_),
        node_depot=np.asarray(depot, dtype=np.bool_),
        node_stock_l=np.asarray(stock, dtype=np.float64),
        node_cell=np.zeros(n_nodes, dtype=np.int64),
        node_x_km=np.ascontiguousarray(x_km),
        node_y_km=np.ascontiguousarray(y_km),
    )
    return CompiledNetwork(
        graph=graph,
        node_ids=tuple(node_ids),
        node_index=dict(index),
        links=tuple(links),
        arc_from_km=arr(from_km),
        arc_to_km=arr(to_km),
        node_lon=np.asarray(lons, dtype=np.float64),
        node_lat=np.asarray(lats, dtype=np.float64),
        network=network,
        vehicle=vehicle,
        date=day,
    )


WEATHER_SAMPLE_SPACING_KM = 25.0
"""Links are sampled for weather at least every 25 km along their geometry."""

WEATHER_HORIZON_H = 14 * 24
"""Hours of weather sampled after departure (hourly steps); later, the last hour holds."""


@dataclass(frozen=True, slots=True, eq=False)
class CompiledWeather:
    """Weather sampled onto a compiled network for one departure.

    Attributes
    ----------
    graph : CompiledGraph
        The compiled graph with ``arc_cell`` / ``node_cell`` pointing at the cells below.
    sample : arcticroute.weather.WeatherSample
        The table the solver consumes and what closed each (cell, step).
    start : datetime.datetime
        Hour 0 of the table (the departure).
    notes : tuple of str
        Fallbacks and assumptions to report (e.g. weather held beyond the file's end).
    """

    graph: CompiledGraph
    sample: Any
    start: dt.datetime
    notes: tuple[str, ...]

    def describe(self, cell: int, hour: float) -> str:
        """What closes ``cell`` at ``hour`` hours after the start ("" when open)."""
        steps = int(self.sample.table.n_steps)
        step = min(max(math.floor(hour), 0), steps - 1)
        if self.sample.table.open[cell, step]:
            return ""
        return str(self.sample.describe(cell, step))

    def holds_back(self, arc: int, node: int, start_h: float, end_h: float) -> str:
        """What keeps a vehicle waiting at ``node`` to drive ``arc`` ("" if nothing does).

        The first closure of the arc's cell, or else of the node's own cell, between
        ``start_h`` and ``end_h`` (hours after the start, checked hour by hour).
        """
        cell = int(self.graph.arc_cell[arc])
        node_cell = int(self.graph.node_cell[node])
        hour = start_h
        while hour < end_h:
            why = self.describe(cell, hour) or self.describe(node_cell, hour)
            if why:
                return why
            hour += 1.0
        return ""


def compile_weather(
    compiled: CompiledNetwork,
    field: Any,
    start: dt.datetime,
    *,
    daylight_only: bool = False,
    horizon_h: int = WEATHER_HORIZON_H,
) -> CompiledWeather:
    """Sample a weather field onto the links and places of a compiled network.

    Each place is a weather cell of one point; each arc (both directions of one stretch of a
    link) is a cell of points every `WEATHER_SAMPLE_SPACING_KM` along its geometry, so a link
    is closed when weather closes any point of it.

    Parameters
    ----------
    compiled
        The compiled network.
    field
        An `arcticroute.weather.WeatherField`.
    start
        Departure (timezone-aware): hour 0 of the table.
    daylight_only
        Close every step when the sun is below civil twilight (-6 degrees).
    horizon_h
        Hours sampled (hourly steps); a field that ends earlier is sampled to its end and its
        last hour holds after that (reported in ``notes``).

    Returns
    -------
    CompiledWeather
    """
    graph = compiled.graph
    n_nodes = graph.n_nodes
    steps, notes = _weather_steps(field, start, horizon_h)
    sample_lon = compiled.node_lon.tolist()
    sample_lat = compiled.node_lat.tolist()
    sample_cell = list(range(n_nodes))
    cell_is_ice = [False] * n_nodes
    arc_cell = np.empty(graph.n_arcs, dtype=np.int32)
    stretch_cell: dict[tuple[int, float, float], int] = {}
    n_cells = n_nodes
    for arc in range(graph.n_arcs):
        link = int(graph.arc_link[arc])
        a_km, b_km = float(compiled.arc_from_km[arc]), float(compiled.arc_to_km[arc])
        key = (link, min(a_km, b_km), max(a_km, b_km))
        if key not in stretch_cell:
            stretch_cell[key] = n_cells
            data = compiled.link_data(link)
            for lon, lat in _stretch_points(data, key[1], key[2]):
                sample_lon.append(lon)
                sample_lat.append(lat)
                sample_cell.append(n_cells)
            cell_is_ice.append(data["terrain"] in ICE_TERRAINS)
            n_cells += 1
        arc_cell[arc] = stretch_cell[key]
    return _sampled(
        field,
        compiled.vehicle,
        replace(graph, arc_cell=arc_cell, node_cell=np.arange(n_nodes, dtype=np.int64)),
        (
            np.asarray(sample_lon, dtype=np.float64),
            np.asarray(sample_lat, dtype=np.float64),
            np.asarray(sample_cell, dtype=np.int64),
        ),
        np.asarray(cell_is_ice, dtype=np.bool_),
        start,
        steps,
        daylight_only=daylight_only,
        notes=notes,
    )


def _sampled(
    field: Any,
    vehicle: Vehicle,
    weathered: CompiledGraph,
    points: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]],
    cell_is_ice: NDArray[np.bool_],
    start: dt.datetime,
    steps: int,
    *,
    daylight_only: bool,
    notes: list[str],
) -> CompiledWeather:
    """Sample ``field`` at (lon, lat, cell) ``points`` onto the cells of ``weathered``."""
    from .weather import build_weather_table

    lon, lat, cell = points
    sample = build_weather_table(
        field,
        vehicle,
        sample_lon=lon,
        sample_lat=lat,
        sample_cell=cell,
        n_cells=cell_is_ice.shape[0],
        cell_is_ice=cell_is_ice,
        start=start,
        step_h=1.0,
        n_steps=steps,
        daylight_only=daylight_only,
    )
    notes.extend(getattr(sample, "notes", ()) or ())
    sample = replace(sample, table=_quantized(sample.table))
    return CompiledWeather(
        graph=weathered, sample=sample, start=start, notes=tuple(dict.fromkeys(notes))
    )


def _weather_steps(field: Any, start: dt.datetime, horizon_h: int) -> tuple[int, list[str]]:
    """Hourly steps to sample from ``start`` (the field's end may cut them) and the notes."""
    first, last = field.time_range
    notes: list[str] = list(getattr(field, "notes", ()) or ())
    if first is not None and first > start:
        from ._errors import WeatherError

        msg = (
            f"weather {field.name!r} starts at {first.isoformat()}, after the departure "
            f"{start.isoformat()}; give a file that covers the trip"
        )
        raise WeatherError(msg)
    steps = horizon_h
    if last is not None:
        steps = max(1, min(horizon_h, math.ceil((last - start).total_seconds() / 3600.0)))
        if steps < horizon_h:
            notes.append(
                f"weather {field.name!r} ends {last.isoformat()}: its last hour is assumed "
                "to hold after that"
            )
    return steps, notes


def compile_lattice_weather(
    graph: CompiledGraph,
    classes: ArrayLike,
    field: Any,
    vehicle: Vehicle,
    start: dt.datetime,
    *,
    daylight_only: bool = False,
    horizon_h: int = WEATHER_HORIZON_H,
    points_per_cell: int = 64,
) -> CompiledWeather:
    """Sample a weather field onto a raster lattice (`arcticroute.terrain.lattice_graph`).

    Each of the lattice's weather cells splits in two: its ice nodes (river, lake and sea
    ice) and the others, so that what closes ice alone (poor visibility on the ice) closes
    only arcs that leave an ice node. As in the lattice, an arc takes the cell of its tail
    node. A cell is sampled at up to ``points_per_cell`` of its nodes, spread evenly over
    them in raster order, at their (lon, lat) from the lattice's EPSG:3571 positions (give
    `lattice_graph` the raster's real ``top_left_km``); a cell is closed when the weather
    closes any of its points, and takes their worst factors.

    Parameters
    ----------
    graph
        A lattice from `arcticroute.terrain.lattice_graph`.
    classes
        The raster it was built from: class codes, shape (n_rows, n_cols), one per node.
    field
        An `arcticroute.weather.WeatherField` (scenario, ensemble member, gridded file).
    vehicle
        The vehicle (its weather limits, open cab, speeds).
    start
        Departure (timezone-aware): hour 0 of the table and of the solver.
    daylight_only
        Close every step when the sun is below civil twilight (-6 degrees).
    horizon_h
        Hours sampled (hourly steps); a field that ends earlier is sampled to its end and its
        last hour holds after that (reported in ``notes``).
    points_per_cell
        Most sample points per cell (>= 1): the cost of a gridded field grows with them.

    Returns
    -------
    CompiledWeather
        The lattice with its new cells (``graph``) and the sampled table; pass
        ``weather=result.sample.table`` with ``result.graph`` to `arcticroute.solver.solve`.

    Raises
    ------
    NetworkError
        If ``classes`` does not have one code per node, or ``points_per_cell`` < 1.
    WeatherError
        If the field starts after ``start``.
    """
    from .terrain import CLASS_CODES

    codes = np.asarray(classes)
    n = graph.n_nodes
    if codes.ndim != 2 or codes.size != n:
        msg = (
            f"classes must be the raster the lattice was built from, {n:,} cells as "
            f"(n_rows, n_cols); got shape {codes.shape}"
        )
        raise NetworkError(msg)
    if not (isinstance(points_per_cell, int) and points_per_cell >= 1):
        msg = f"points_per_cell must be an integer >= 1, got {points_per_cell!r}"
        raise NetworkError(msg)
    steps, notes = _weather_steps(field, start, horizon_h)
    ice_codes = [CLASS_CODES[c] for c in ICE_TERRAINS if c in CLASS_CODES]
    on_ice = np.isin(codes.ravel(), ice_codes)
    node_cell = 2 * np.asarray(graph.node_cell, dtype=np.int64) + on_ice
    n_cells = int(node_cell.max()) + 1 if n else 0
    tails = np.repeat(np.arange(n, dtype=np.int64), np.diff(graph.indptr))
    arc_cell = node_cell[tails].astype(np.int32)

    # up to points_per_cell nodes per cell, evenly spaced in raster order
    order = np.argsort(node_cell, kind="stable")
    count = np.bincount(node_cell, minlength=n_cells)
    first = np.concatenate(([0], np.cumsum(count)[:-1]))
    take = np.minimum(count, points_per_cell)
    cell_of_point = np.repeat(np.arange(n_cells, dtype=np.int64), take)
    rank = np.arange(cell_of_point.size) - np.repeat(np.cumsum(take) - take, take)
    picked = order[first[cell_of_point] + (rank * count[cell_of_point]) // take[cell_of_point]]
    lon, lat = from_planar_km(graph.node_x_km[picked], graph.node_y_km[picked])
    return _sampled(
        field,
        vehicle,
        replace(graph, arc_cell=arc_cell, node_cell=node_cell),
        (lon, lat, cell_of_point),
        np.arange(n_cells) % 2 == 1,
        start,
        steps,
        daylight_only=daylight_only,
        notes=notes,
    )


FACTOR_STEP = 0.1
"""Speed and fuel factors are applied in steps of 0.1 (speed rounded down, fuel up)."""

RISK_STEP = 0.5
"""Risk factors are applied in steps of 0.5 (rounded up)."""


def _quantized(table: Any) -> Any:
    # Weather factors drift hour by hour; the solver branches on every change of a cell's
    # state, so continuous factors multiply its labels. Rounding conservatively (slower,
    # thirstier, riskier) keeps a plan explainable and the search small.
    speed = np.maximum(np.floor(table.speed_factor / FACTOR_STEP + 1e-9) * FACTOR_STEP, 0.05)
    speed = np.where(table.speed_factor >= 1.0, table.speed_factor, speed)
    fuel = np.where(
        table.fuel_factor <= 1.0,
        table.fuel_factor,
        np.ceil(table.fuel_factor / FACTOR_STEP - 1e-9) * FACTOR_STEP,
    )
    risk = np.where(
        table.risk_factor <= 1.0,
        table.risk_factor,
        np.ceil(table.risk_factor / RISK_STEP - 1e-9) * RISK_STEP,
    )
    return replace(table, speed_factor=speed, fuel_factor=fuel, risk_factor=risk)


def _point_at(data: Mapping[str, Any], km: float) -> tuple[float, float]:
    from shapely.geometry import LineString

    from .geodesy import normalize_lon, unwrap_lons

    coords = np.asarray(data["geometry"].coords, dtype=np.float64)
    line = LineString(np.column_stack([unwrap_lons(coords[:, 0]), coords[:, 1]]))
    point = line.interpolate(km / float(data["length_km"]), normalized=True)
    return float(normalize_lon(point.x)), float(point.y)


def _stretch_points(data: Mapping[str, Any], a_km: float, b_km: float) -> list[tuple[float, float]]:
    count = max(2, math.ceil((b_km - a_km) / WEATHER_SAMPLE_SPACING_KM) + 1)
    return [_point_at(data, km) for km in np.linspace(a_km, b_km, count)]
