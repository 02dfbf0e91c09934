"""`plan`: the public entry point from names and datetimes to an `Itinerary`.

`plan` resolves places and the vehicle, compiles the network for the vehicle and date
(`arcticroute.compile`), samples the weather onto the compiled links (`arcticroute.weather`),
calls the solver (`arcticroute.solver.solve`) and turns its raw plan into an `Itinerary`. When
no route exists it says which constraint binds and where.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

import networkx as nx
import numpy as np

from ._errors import ArcticRouteError, UnknownPlaceError
from .areas import AvoidArea, read_avoid_area
from .compile import CompiledNetwork, CompiledWeather, compile_network, compile_weather
from .explain import explain_no_route
from .itinerary import Itinerary, Leg, Refuel, Wait, ice_warning
from .network import join_points, load_network, resolve_place
from .solver import RawPlan, solve
from .vehicles import Vehicle, get_vehicle

if TYPE_CHECKING:
    from collections.abc import Mapping

    from shapely.geometry.base import BaseGeometry


__all__ = [
    "CHUKOTKA_TZ",
    "Objective",
    "PlanInputError",
    "default_departure",
    "plan",
    "plan_pareto",
]

CHUKOTKA_TZ = ZoneInfo("Asia/Anadyr")
"""Chukotka's time zone (UTC+12, no daylight saving)."""

Objective = Literal["time", "fuel", "risk"]

_OBJECTIVES = ("time", "fuel", "risk")

MAX_LABELS = 400_000
"""Label budget of one plan: a network of settlements needs far fewer; weather that changes
every hour combined with a crew duty limit can need more (see docs/architecture.md)."""


class PlanInputError(ArcticRouteError, ValueError):
    """A plan request is malformed (bad time, objective, option)."""


def default_departure(now: dt.datetime | None = None) -> dt.datetime:
    """The next 08:00 in Chukotka local time.

    Parameters
    ----------
    now
        Reference time (timezone-aware); default the current time.

    Returns
    -------
    datetime.datetime
        08:00 Asia/Anadyr today if still ahead, else tomorrow.
    """
    local = (now or dt.datetime.now(CHUKOTKA_TZ)).astimezone(CHUKOTKA_TZ)
    candidate = local.replace(hour=8, minute=0, second=0, microsecond=0)
    return candidate if candidate > local else candidate + dt.timedelta(days=1)


def localize(value: dt.datetime | str, what: str = "departure") -> dt.datetime:
    """Make a time timezone-aware; a naive time means Chukotka local time.

    Parameters
    ----------
    value
        A datetime or ISO 8601 text (``2027-03-10T08:00``). Text with a date only
        (``2027-03-10``) means 08:00 local that day for a departure (the default hour of
        departure: midnight would start a trip in the dark at the day's coldest) and the
        end of that day for a deadline.
    what
        What the time is: ``departure`` or ``deadline`` (also named in error messages).

    Returns
    -------
    datetime.datetime
        Timezone-aware, in Asia/Anadyr.
    """
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            day = None
        if day is not None:
            start = dt.datetime.combine(day, dt.time(), tzinfo=CHUKOTKA_TZ)
            if what == "deadline":
                return start + dt.timedelta(days=1)
            return start.replace(hour=8)
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            msg = f"{what} {value!r} is not a time; expected ISO 8601 like 2027-03-10T08:00"
            raise PlanInputError(msg) from None
    if not isinstance(value, dt.datetime):
        msg = (
            f"{what} {value!r} must be a datetime, e.g. datetime(2027, 3, 10, 8, 0), or ISO "
            "8601 text like '2027-03-10T08:00'"
        )
        raise PlanInputError(msg)
    if value.tzinfo is None:
        value = value.replace(tzinfo=CHUKOTKA_TZ)
    return value.astimezone(CHUKOTKA_TZ)


def plan(
    network: nx.MultiDiGraph | str | Path,
    origin: str,
    destination: str,
    vehicle: Vehicle | str | Path,
    *,
    depart: dt.datetime | str | None = None,
    weather: Any = None,
    objective: Objective = "time",
    via: Sequence[str] = (),
    fuel_start_l: float | None = None,
    reserve: float | None = None,
    max_drive_h: float | None = None,
    deadline: dt.datetime | str | None = None,
    confirmed_depots_only: bool = False,
    no_assumed_links: bool = False,
    avoid: Iterable[str] = (),
    avoid_area: str | Path | Mapping[str, Any] | BaseGeometry | AvoidArea | None = None,
    daylight_only: bool = False,
) -> Itinerary:
    """Plan the best feasible trip from ``origin`` to ``destination``.

    Parameters
    ----------
    network
        A network graph, ``"chukotka"`` or a GeoJSON file path.
    origin, destination
        Place names (matched loosely: case, accents, transliteration, Russian names).
    vehicle
        A `Vehicle`, a catalogue id (``"trekol"``) or a TOML file.
    depart
        Departure time; naive means Chukotka local time (Asia/Anadyr). Default: the next
        08:00 local.
    weather
        None or ``"calm"`` (no weather), a built-in scenario name, a scenario ``.json`` or a
        gridded ``.nc`` file, or a weather field object.
    objective
        ``"time"`` (earliest arrival), ``"fuel"`` (fewest litres burnt) or ``"risk"``
        (least weighted exposure hours).
    via
        Places to pass through in this order (a single name is one place).
    fuel_start_l
        Litres on board at departure; default full (tank plus carried).
    reserve
        Fraction of capacity never planned away; overrides the vehicle's.
    max_drive_h
        Crew duty limit, driving hours per 24 h; overrides the vehicle's.
    deadline
        Latest acceptable arrival (naive = local time).
    confirmed_depots_only
        Refuel only at depots whose supply is confirmed.
    no_assumed_links
        Do not use links whose route is an assumption.
    avoid
        Places (``"Konergino"``) or links (``"Egvekinot-Konergino"``) to keep out of the plan.
    avoid_area
        Polygons to keep out of: every link whose geometry crosses one is closed for this
        plan. A GeoJSON file path, a GeoJSON mapping (FeatureCollection, Feature, Polygon,
        MultiPolygon), a shapely (Multi)Polygon in (lon, lat) degrees, or an `AvoidArea`
        (`arcticroute.areas.read_avoid_area`); rings may cross 180 degrees (see
        `arcticroute.areas`).
    daylight_only
        Travel only between civil dawn and dusk (needs weather support; see README).

    Returns
    -------
    Itinerary
        A feasible plan, or one with ``feasible=False`` and the reason.

    Raises
    ------
    UnknownPlaceError, VehicleError, NetworkError, WeatherError
        On bad input, with the closest matches or the expected form.
    AvoidAreaError
        The avoided area is missing, malformed or holds no polygon.
    PlanInputError
        Conflicting options, e.g. the origin inside the avoided area.

    Examples
    --------
    >>> it = plan("chukotka", "Lavrentiya", "Uelen", "buran", depart="2027-03-10T08:00")
    >>> it.feasible, round(it.distance_km)
    (True, 103)
    """
    if objective not in _OBJECTIVES:
        msg = f"objective {objective!r} must be one of {', '.join(_OBJECTIVES)}"
        raise PlanInputError(msg)
    return _plan_many(
        network,
        origin,
        destination,
        vehicle,
        objective=objective,
        depart=depart,
        weather=weather,
        via=via,
        fuel_start_l=fuel_start_l,
        reserve=reserve,
        max_drive_h=max_drive_h,
        deadline=deadline,
        confirmed_depots_only=confirmed_depots_only,
        no_assumed_links=no_assumed_links,
        avoid=avoid,
        avoid_area=avoid_area,
        daylight_only=daylight_only,
    )[0]


def plan_pareto(
    network: nx.MultiDiGraph | str | Path,
    origin: str,
    destination: str,
    vehicle: Vehicle | str | Path,
    **options: Any,
) -> tuple[Itinerary, ...]:
    """All trips that no other trip beats on arrival, fuel burnt and risk together.

    Parameters
    ----------
    network, origin, destination, vehicle
        As for `plan`.
    **options
        The keyword options of `plan` except ``objective``.

    Returns
    -------
    tuple of Itinerary
        Sorted by arrival; a single infeasible itinerary when no route exists.
    """
    if "objective" in options:
        msg = "plan_pareto takes no objective: it returns every non-dominated trip"
        raise PlanInputError(msg)
    return _plan_many(network, origin, destination, vehicle, objective="pareto", **options)


@dataclass(frozen=True, slots=True, eq=False)
class _Prepared:
    """Everything a plan needs except its places.

    The network compiled for the vehicle and date, the weather sampled onto it, and the
    resolved options. One `_Prepared` serves every (origin, destination[, via]) pair of a
    departure and weather (`_solve`); `plan` is `_prepare` then `_solve`, so a batch study
    that prepares once per (departure, weather member) gives exactly the plans of single
    calls. Read-only: the solver and `_itinerary` never modify it.

    Attributes
    ----------
    network : networkx.MultiDiGraph
        The network as given (place names resolve against it).
    vehicle : Vehicle
        The profile with ``reserve`` / ``max_drive_h`` overrides applied.
    start : datetime.datetime
        Departure, timezone-aware (Asia/Anadyr); hour 0 of the solver.
    objective : str
        ``"time"``, ``"fuel"``, ``"risk"`` or ``"pareto"``.
    compiled : CompiledNetwork
        The network compiled for the vehicle, date and options.
    sampled : CompiledWeather or None
        The weather sampled onto `compiled`; None when calm (and not daylight-only).
    deadline_h : float
        Latest arrival, hours after `start` (``inf`` = none).
    fuel_start_l : float or None
        Litres on board at departure; None = full.
    avoid_nodes : frozenset of str
        Place ids kept out of the plan.
    area : AvoidArea or None
        The avoided area, if any.
    area_links : tuple of (str, str, key)
        The open links `area` closes.
    """

    network: nx.MultiDiGraph
    vehicle: Vehicle
    start: dt.datetime
    objective: str
    compiled: CompiledNetwork
    sampled: CompiledWeather | None
    deadline_h: float
    fuel_start_l: float | None
    avoid_nodes: frozenset[str]
    area: AvoidArea | None
    area_links: tuple[tuple[str, str, Any], ...]


def via_places(via: Sequence[str] | str) -> tuple[str, ...]:
    """The via places as a tuple; a lone name is one place, not its letters."""
    return (via,) if isinstance(via, str) else tuple(via)


def _plan_many(
    network: nx.MultiDiGraph | str | Path,
    origin: str,
    destination: str,
    vehicle: Vehicle | str | Path,
    *,
    objective: str,
    via: Sequence[str] = (),
    **options: Any,
) -> tuple[Itinerary, ...]:
    stops = via_places(via)  # iterated twice below: once to check, once to plan
    prepared = _prepare(
        network, vehicle, objective=objective, ends=(origin, destination, *stops), **options
    )
    return _solve(prepared, origin, destination, stops)


def _prepare(
    network: nx.MultiDiGraph | str | Path,
    vehicle: Vehicle | str | Path,
    *,
    objective: str,
    depart: dt.datetime | str | None = None,
    weather: Any = None,
    fuel_start_l: float | None = None,
    reserve: float | None = None,
    max_drive_h: float | None = None,
    deadline: dt.datetime | str | None = None,
    confirmed_depots_only: bool = False,
    no_assumed_links: bool = False,
    avoid: Iterable[str] = (),
    avoid_area: str | Path | Mapping[str, Any] | BaseGeometry | AvoidArea | None = None,
    daylight_only: bool = False,
    ends: Sequence[str] = (),
) -> _Prepared:
    """Resolve the options, compile the network and sample the weather for one departure.

    Parameters
    ----------
    network, vehicle
        As for `plan`.
    objective
        ``"time"``, ``"fuel"``, ``"risk"`` or ``"pareto"`` (not checked here).
    depart, weather, fuel_start_l, reserve, max_drive_h, deadline
        As for `plan` (naive times are Chukotka local time; litres; hours).
    confirmed_depots_only, no_assumed_links, avoid, avoid_area, daylight_only
        As for `plan`.
    ends
        Place names the plan will start, pass or end at: resolved and checked against
        ``avoid`` / ``avoid_area`` here, before compiling, so that `plan` reports bad input
        in its usual order. `_solve` checks its own places again, so a batch may leave this
        empty.

    Returns
    -------
    _Prepared

    Raises
    ------
    UnknownPlaceError, VehicleError, NetworkError, WeatherError, AvoidAreaError
        As for `plan` (places only for those listed in ``ends``).
    PlanInputError
        As for `plan`.
    """
    graph = network if isinstance(network, nx.MultiDiGraph) else load_network(network)
    graph = join_points(graph, ends)  # places given as LAT,LON
    car = get_vehicle(vehicle)
    changes: dict[str, Any] = {}
    if reserve is not None:
        changes["reserve"] = reserve
    if max_drive_h is not None:
        changes["max_drive_h_per_day"] = max_drive_h
    if changes:
        car = car.replace(**changes)
    start = default_departure() if depart is None else localize(depart)
    places = [resolve_place(graph, name) for name in ends]
    avoid_nodes, avoid_links = _resolve_avoid(graph, avoid)
    _check_avoid(places, avoid_nodes)
    area_links: tuple[tuple[str, str, Any], ...] = ()
    area: AvoidArea | None = None
    solved_graph = graph
    if avoid_area is not None:
        area = avoid_area if isinstance(avoid_area, AvoidArea) else read_avoid_area(avoid_area)
        if places:
            _check_area(graph, area, places[0], places[1], places[2:])
        solved_graph, area_links = _apply_area(graph, area)
    capacity = car.capacity_l
    if fuel_start_l is not None and not 0 <= fuel_start_l <= capacity:
        msg = f"fuel_start_l {fuel_start_l!r} must be litres within [0, {capacity:g}]"
        raise PlanInputError(msg)

    compiled = compile_network(
        solved_graph,
        car,
        date=start.date(),
        confirmed_depots_only=confirmed_depots_only,
        exclude_assumed_links=no_assumed_links,
        avoid_nodes=avoid_nodes,
        avoid_links=avoid_links,
    )
    deadline_h = math.inf
    if deadline is not None:
        latest = localize(deadline, "deadline")
        deadline_h = (latest - start).total_seconds() / 3600.0
        if deadline_h <= 0.0:
            msg = (
                f"deadline {latest:%Y-%m-%d %H:%M} is not after the departure "
                f"{start:%Y-%m-%d %H:%M}; give a later deadline or an earlier departure"
            )
            raise PlanInputError(msg)
    sampled = _weather_for(weather, compiled, start, daylight_only=daylight_only)
    return _Prepared(
        network=graph,
        vehicle=car,
        start=start,
        objective=objective,
        compiled=compiled,
        sampled=sampled,
        deadline_h=deadline_h,
        fuel_start_l=fuel_start_l,
        avoid_nodes=avoid_nodes,
        area=area,
        area_links=area_links,
    )


def _solve(
    prepared: _Prepared,
    origin: str,
    destination: str,
    via: Sequence[str] = (),
) -> tuple[Itinerary, ...]:
    """Plan one trip against prepared state.

    Parameters
    ----------
    prepared
        From `_prepare`.
    origin, destination
        Place names (matched as in `plan`).
    via
        Places to pass through in this order.

    Returns
    -------
    tuple of Itinerary
        As `plan_pareto` (one itinerary for a single objective).

    Raises
    ------
    UnknownPlaceError
        For a place not in the network.
    PlanInputError
        A place is also avoided or lies inside the avoided area.
    """
    graph = prepared.network
    source = resolve_place(graph, origin)
    target = resolve_place(graph, destination)
    stops = [resolve_place(graph, name) for name in via]
    _check_avoid((source, target, *stops), prepared.avoid_nodes)
    area = prepared.area
    if area is not None:
        _check_area(graph, area, source, target, stops)
    compiled = prepared.compiled
    sampled = prepared.sampled
    car = prepared.vehicle
    start = prepared.start
    solver_graph = compiled.graph if sampled is None else sampled.graph
    weather_table = None if sampled is None else sampled.sample.table
    index = compiled.node_index
    drive_limit = car.max_drive_h_per_day
    result = solve(
        solver_graph,
        index[source],
        index[target],
        weather=weather_table,
        depart_h=0.0,
        capacity_l=car.capacity_l,
        start_fuel_l=prepared.fuel_start_l,
        reserve_l=car.reserve_l,
        refuel_h=car.refuel_min / 60.0,
        max_drive_h=math.inf if drive_limit is None else drive_limit,
        deadline_h=prepared.deadline_h,
        via=[index[s] for s in stops],
        objective=prepared.objective,  # type: ignore[arg-type]
        max_labels=MAX_LABELS,
    )
    common: dict[str, Any] = {
        "origin": source,
        "destination": target,
        "vehicle": car.id,
        "objective": prepared.objective,
        "depart": start,
    }
    area_links = prepared.area_links
    if not result.feasible:
        reason, opens_on = explain_no_route(
            result,
            compiled,
            source,
            target,
            stops,
            start,
            sampled,
            deadline_h=prepared.deadline_h,
            fuel_start_l=prepared.fuel_start_l,
        )
        if area is not None and area_links:
            reason = _mention_area(reason, area, area_links)
        infeasible = Itinerary(
            feasible=False, reason=reason, binding=result.binding, opens_on=opens_on, **common
        )
        return (infeasible,)
    plans = tuple(_itinerary(raw, compiled, start, sampled, common) for raw in result.plans)
    if area is not None and not area_links:
        note = (
            f"the avoided area ({area.name}) crosses no link of the network: check that its "
            "positions are [lon, lat] and where it lies"
        )
        plans = tuple(replace(p, warnings=(*p.warnings, note)) for p in plans)
    return plans


_AREA_CLOSED = "status closed (not open to traffic)"


def _check_avoid(places: Iterable[str], avoid_nodes: frozenset[str]) -> None:
    """Refuse a place that is both on the route and avoided."""
    for place in places:
        if place in avoid_nodes:
            msg = f"{place!r} is both on the route and in --avoid; drop one of them"
            raise PlanInputError(msg)


def _check_area(
    graph: nx.MultiDiGraph,
    area: AvoidArea,
    source: str,
    target: str,
    stops: Sequence[str],
) -> None:
    """Refuse an origin, destination or via place inside ``area``."""
    roles = [("origin", source), ("destination", target), *(("via place", s) for s in stops)]
    for role, place in roles:
        data = graph.nodes[place]
        if area.covers_point(float(data["lon"]), float(data["lat"])):
            msg = (
                f"the {role} {place} lies inside the avoided area ({area.name}), so no plan "
                f"can start, pass or end there; shrink the area or choose another {role}"
            )
            raise PlanInputError(msg)


def _apply_area(
    graph: nx.MultiDiGraph, area: AvoidArea
) -> tuple[nx.MultiDiGraph, tuple[tuple[str, str, Any], ...]]:
    """Close the open links that cross ``area`` (in a copy)."""
    crossed = tuple(
        (u, v, key)
        for u, v, key in area.crossed_links(graph)
        if graph.edges[u, v, key]["status"] == "open"
    )
    if not crossed:
        return graph, ()
    closed = graph.copy()
    for u, v, key in crossed:
        closed.edges[u, v, key]["status"] = "closed"
    return closed, crossed


def _mention_area(reason: str, area: AvoidArea, links: Sequence[tuple[str, str, Any]]) -> str:
    """Say which blocking links the avoided area closed."""
    said = False
    for u, v, _ in links:
        closed = f"{u}-{v}: {_AREA_CLOSED}"
        if closed in reason:
            reason = reason.replace(closed, f"{u}-{v}: crosses the avoided area ({area.name})")
            said = True
    if said:
        return reason
    names = ", ".join(f"{u}-{v}" for u, v, _ in links[:6]) + (", ..." if len(links) > 6 else "")
    return f"{reason} (the avoided area {area.name} also closes {names})"


def _resolve_avoid(
    graph: nx.MultiDiGraph, avoid: Iterable[str]
) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    nodes: set[str] = set()
    links: set[tuple[str, str]] = set()
    for item in avoid:
        try:
            nodes.add(resolve_place(graph, item))
            continue
        except UnknownPlaceError:
            if "-" not in item:
                raise
        pair = _split_link_name(graph, item)
        if pair is None:
            msg = (
                f"cannot read {item!r} as a place or a link 'Place-Place'; "
                "use names from `python -m arcticroute network`"
            )
            raise UnknownPlaceError(msg)
        if not (graph.has_edge(*pair) or graph.has_edge(pair[1], pair[0])):
            msg = f"there is no link between {pair[0]!r} and {pair[1]!r} to avoid"
            raise UnknownPlaceError(msg)
        links.add(pair)
    return frozenset(nodes), frozenset(links)


def _split_link_name(graph: nx.MultiDiGraph, text: str) -> tuple[str, str] | None:
    # Place names contain hyphens (Ust-Belaya): try every split point.
    for cut in range(len(text)):
        if text[cut] != "-":
            continue
        try:
            return resolve_place(graph, text[:cut].strip()), resolve_place(
                graph, text[cut + 1 :].strip()
            )
        except UnknownPlaceError:
            continue
    return None


def _weather_for(
    weather: Any,
    compiled: CompiledNetwork,
    start: dt.datetime,
    *,
    daylight_only: bool,
) -> CompiledWeather | None:
    if (weather is None or weather == "calm") and not daylight_only:
        return None
    from .weather import weather_from_spec

    field = weather_from_spec(weather, start=start)
    return compile_weather(compiled, field, start, daylight_only=daylight_only)


def _at(start: dt.datetime, hours: float) -> dt.datetime:
    # Round to the second so identical plans print identically.
    return start + dt.timedelta(seconds=round(hours * 3600.0))


def _itinerary(
    raw: RawPlan,
    compiled: CompiledNetwork,
    start: dt.datetime,
    sampled: CompiledWeather | None,
    common: dict[str, Any],
) -> Itinerary:
    names = compiled.node_ids
    graph = compiled.graph
    legs: list[Leg] = []
    waits: list[Wait] = []
    refuels: list[Refuel] = []
    warnings: list[str] = []
    estimated_km: dict[str, float] = {}  # links whose length is an estimate -> km driven
    network = compiled.network
    for position, step in enumerate(raw.steps):
        node = names[step.node]
        if step.kind == "drive":
            link = int(graph.arc_link[step.arc])
            data = compiled.link_data(link)
            ref = compiled.links[link]
            head = names[int(graph.head[step.arc])]
            a_km = float(compiled.arc_from_km[step.arc])
            b_km = float(compiled.arc_to_km[step.arc])
            if data.get("length_source") == "estimated":
                key = f"{ref.u}-{ref.v}" if a_km < b_km else f"{ref.v}-{ref.u}"  # as driven
                estimated_km[key] = estimated_km.get(key, 0.0) + float(graph.arc_km[step.arc])
            geometry = _slice(data["geometry"], float(data["length_km"]), a_km, b_km)
            previous = legs[-1] if legs else None
            if (
                previous is not None
                and previous.link_id == _link_id(ref, data)
                and previous.destination == node
                and node not in network
                and not (waits and waits[-1].at == node and waits[-1].until > previous.arrive)
            ):
                # Pass through a rest point without stopping: one leg for the whole link.
                legs[-1] = replace(
                    previous,
                    destination=head,
                    distance_km=previous.distance_km + float(graph.arc_km[step.arc]),
                    arrive=_at(start, step.end_h),
                    fuel_after_l=step.fuel_after_l,
                    risk=previous.risk + step.risk,
                    geometry=_join(previous.geometry, geometry),
                )
                continue
            legs.append(
                Leg(
                    origin=node,
                    destination=head,
                    terrain=data["terrain"],
                    distance_km=float(graph.arc_km[step.arc]),
                    depart=_at(start, step.start_h),
                    arrive=_at(start, step.end_h),
                    fuel_before_l=step.fuel_before_l,
                    fuel_after_l=step.fuel_after_l,
                    link_id=_link_id(ref, data),
                    assumed=bool(data["assumed"]),
                    risk=step.risk,
                    geometry=geometry,
                )
            )
        elif step.kind == "refuel":
            confidence = network.nodes[node].get("depot_confidence") or "confirmed"
            refuels.append(
                Refuel(
                    at=node,
                    start=_at(start, step.start_h),
                    until=_at(start, step.end_h),
                    litres=step.fuel_after_l - step.fuel_before_l,
                    confidence=confidence,
                )
            )
            if confidence != "confirmed":
                warnings.append(
                    f"refuel at {node} relies on a {confidence} depot "
                    f"({step.fuel_after_l - step.fuel_before_l:.0f} L): confirm by radio"
                )
        elif step.end_h > step.start_h:
            shelter = bool(graph.node_shelter[step.node])
            reason = _wait_reason(
                position,
                raw,
                compiled.vehicle,
                start,
                sampled,
                lambda arc: names[int(graph.head[arc])],
            )
            waits.append(
                Wait(
                    at=node,
                    start=_at(start, step.start_h),
                    until=_at(start, step.end_h),
                    reason=reason,
                    shelter=shelter,
                )
            )
            if not shelter:
                warnings.append(f"halt in the open at {node}: {reason}")
    for leg in legs:
        if leg.assumed:
            warnings.append(
                f"leg {leg.origin} - {leg.destination} follows a route that is an assumption "
                "(not documented as established): check locally"
            )
    if estimated_km:
        total_km = sum(leg.distance_km for leg in legs)
        shown = ", ".join(list(estimated_km)[:4]) + (", ..." if len(estimated_km) > 4 else "")
        warnings.append(
            f"lengths estimated, not measured: {sum(estimated_km.values()):.0f} of "
            f"{total_km:.0f} km ({shown}); times and fuel there are estimates too, so keep "
            "fuel beyond the reserve"
        )
    if sampled is not None:
        warnings.extend(f"weather: {note}" for note in sampled.notes)
    ice = ice_warning(legs, compiled.vehicle.gross_mass_kg)
    if ice:
        warnings.append(ice)
    fuel_start = raw.steps[0].fuel_before_l if raw.steps else 0.0
    return Itinerary(
        feasible=True,
        arrive=_at(start, raw.arrive_h),
        legs=tuple(legs),
        waits=tuple(waits),
        refuels=tuple(refuels),
        warnings=tuple(dict.fromkeys(warnings)),
        risk=raw.risk,
        fuel_start_l=fuel_start,
        **common,
    )


def _link_id(ref: Any, data: Any) -> str:
    return str(data.get("id") or f"{ref.u}-{ref.v}")


def _wait_reason(
    position: int,
    raw: RawPlan,
    vehicle: Vehicle,
    start: dt.datetime,
    sampled: CompiledWeather | None,
    toward: Callable[[int], str] | None = None,
) -> str:
    """Why the plan stands still at step ``position`` (``toward``: arc -> where it leads)."""
    step = raw.steps[position]
    if step.kind == "rest" or step.cause == "rest":
        return f"crew rest ({vehicle.max_drive_h_per_day:g} h driving per day)"
    next_drive = next((s for s in raw.steps[position + 1 :] if s.kind == "drive"), None)
    if sampled is not None and next_drive is not None:
        why = sampled.holds_back(next_drive.arc, step.node, step.start_h, step.end_h)
        if why:
            way = f" on the way to {toward(next_drive.arc)}" if toward is not None else ""
            until = _at(start, step.end_h).strftime("%d %b %H:%M")
            return f"{why}{way}; wait until {until}"
    if step.cause == "cheaper":
        return "leaving later is better (less fuel or exposure)"
    if position == 0:
        return "delayed start"
    return "waiting for the way ahead to open"


def _slice(line: Any, length_km: float, a_km: float, b_km: float) -> Any:
    from shapely.geometry import LineString
    from shapely.ops import substring

    if a_km == 0 and b_km == length_km:
        return line
    if b_km == 0 and a_km == length_km:
        return LineString(list(line.coords)[::-1])
    # Interpolate along the drawn geometry in proportion to the link's length; the line's
    # lon/lat vertices may cross 180, so cut in unwrapped longitudes and re-wrap.
    from .geodesy import normalize_lon, unwrap_lons

    coords = np.asarray(line.coords, dtype=np.float64)
    unwrapped = LineString(np.column_stack([unwrap_lons(coords[:, 0]), coords[:, 1]]))
    part = substring(unwrapped, a_km / length_km, b_km / length_km, normalized=True)
    pts = np.asarray(part.coords, dtype=np.float64)
    return LineString(np.column_stack([normalize_lon(pts[:, 0]), pts[:, 1]]))


def _join(first: Any, second: Any) -> Any:
    from shapely.geometry import LineString

    return LineString([*first.coords, *list(second.coords)[1:]])
