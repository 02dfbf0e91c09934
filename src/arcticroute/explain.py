"""Explanations of infeasible trips, in terms a planner acts on.

The solver reports which constraint binds by relaxing them one at a time (``range``,
``weather``, ``duty``, ``deadline``, ``unreachable``). This module turns that into places,
links and figures: which links are closed and why (season, ice, terrain, a truck off the
winter road), which stretch without a depot is longer than the vehicle's range, which
stretch without shelter is longer than the crew may drive.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .compile import CompiledNetwork, CompiledWeather, link_unusable_reason
from .solver import RawPlan, SolveResult, solve

__all__ = ["explain_no_route"]


def explain_no_route(
    result: SolveResult,
    compiled: CompiledNetwork,
    source: str,
    target: str,
    stops: Sequence[str],
    start: dt.datetime,
    sampled: CompiledWeather | None = None,
    *,
    deadline_h: float = math.inf,
    fuel_start_l: float | None = None,
) -> tuple[str, dt.date | None]:
    """Say why no route exists, and on which day the seasons open the way if they close it.

    Parameters
    ----------
    result
        The infeasible solver result.
    compiled
        The compiled network the solver ran on.
    source, target
        Place ids of the trip's ends.
    stops
        Via places.
    start
        Departure time (timezone-aware).
    sampled
        The weather the solver ran with, if any.
    deadline_h
        Latest arrival, hours after ``start`` (``inf``: none).
    fuel_start_l
        Litres on board at departure (None: a full tank).

    Returns
    -------
    reason : str
        One or a few sentences naming the binding constraint and where it binds.
    opens_on : datetime.date or None
        When links closed for the season are what blocks the way: the first day (within a
        year) on which they open it; else None.
    """
    if result.binding == "unreachable":
        return _unreachable(compiled, source, target, stops)
    return _reason(
        result,
        _Trip(compiled, source, target, stops, start, sampled, deadline_h, fuel_start_l),
    ), None


def _reason(result: SolveResult, trip: _Trip) -> str:
    compiled = trip.compiled
    vehicle = compiled.vehicle
    source, target, stops = trip.source, trip.target, trip.stops
    if result.binding == "range":
        return _range(trip, result.reason)
    if result.binding == "duty" and math.isfinite(trip.deadline_h) and trip.earliest().feasible:
        return _deadline(trip)  # the limit is kept by resting, but the rests make it late
    if result.binding == "duty":
        limit = vehicle.max_drive_h_per_day
        return (
            f"the crew duty limit of {limit:g} h driving per day cannot be kept: "
            f"{_duty_stretch(compiled, source, target, stops)}"
        )
    if result.binding == "deadline":
        return _deadline(trip)
    if result.binding == "weather" and trip.sampled is not None:
        return _weather(trip, trip.sampled, result.reason)
    return _names(compiled, result.reason) or f"no feasible route ({result.binding})"


def _query(
    compiled: CompiledNetwork,
    source: str,
    target: str,
    stops: Sequence[str],
    sampled: CompiledWeather | None,
    **relaxed: float,
) -> SolveResult:
    vehicle = compiled.vehicle
    index = compiled.node_index
    drive = vehicle.max_drive_h_per_day
    options: dict[str, float] = {
        "capacity_l": vehicle.capacity_l,
        "reserve_l": vehicle.reserve_l,
        "refuel_h": vehicle.refuel_min / 60.0,
        "max_drive_h": math.inf if drive is None else drive,
    }
    options.update(relaxed)
    return solve(
        compiled.graph if sampled is None else sampled.graph,
        index[source],
        index[target],
        weather=None if sampled is None else sampled.sample.table,
        via=[index[s] for s in stops],
        **options,  # type: ignore[arg-type]
    )


def _when(start: dt.datetime, hours: float) -> str:
    return (start + dt.timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")


_NO_RANGE = {"capacity_l": math.inf, "reserve_l": 0.0, "max_drive_h": math.inf}
"""Solver options that lift the range (and crew duty) limits."""


@dataclass(frozen=True, slots=True)
class _Trip:
    """The infeasible trip being explained (see `explain_no_route`)."""

    compiled: CompiledNetwork
    source: str
    target: str
    stops: Sequence[str]
    start: dt.datetime
    sampled: CompiledWeather | None
    deadline_h: float
    fuel_start_l: float | None

    def query(self, **relaxed: float) -> SolveResult:
        """The trip in its weather without the deadline, with ``relaxed`` solver options."""
        return _query(self.compiled, self.source, self.target, self.stops, self.sampled, **relaxed)

    def without_weather(self) -> _Trip:
        """The same trip in calm weather."""
        return replace(self, sampled=None)

    def earliest(self) -> SolveResult:
        """The trip in its weather, with its fuel at departure, but without the deadline."""
        if self.fuel_start_l is None:
            return self.query()
        return self.query(start_fuel_l=self.fuel_start_l)


def _deadline(trip: _Trip) -> str:
    by = f" by {_when(trip.start, trip.deadline_h)}" if math.isfinite(trip.deadline_h) else ""
    best = trip.earliest()
    if not best.feasible:
        return f"no route arrives{by}"
    late = best.plans[0]
    text = f"no route arrives{by}: the earliest arrival is {_when(trip.start, late.arrive_h)}"
    calm = trip.without_weather().query()
    parts = _held_back(trip, calm.plans[0] if calm.feasible else None, late)
    return text + (": " + "; ".join(parts) if parts else "")


def _weather(trip: _Trip, sampled: CompiledWeather, solver_reason: str) -> str:
    # Waiting it out gets through but too late: say what held the vehicle back. Otherwise
    # name the first closure on the route the vehicle would drive in calm weather, from the
    # hour it would get there.
    compiled = trip.compiled
    calm = trip.without_weather().query()
    late = trip.earliest() if math.isfinite(trip.deadline_h) else None
    if (
        calm.feasible
        and late is not None
        and late.feasible
        and late.plans[0].arrive_h > trip.deadline_h
    ):
        return _too_late(trip, calm.plans[0], late.plans[0])
    # the calm route without range limits when range binds in calm weather too
    route = calm if calm.feasible else trip.without_weather().query(**_NO_RANGE)
    if not route.feasible:
        return "weather closes every route"
    closure = _closure_ahead(trip, sampled, route.plans[0])
    if closure:
        return (
            f"{closure}, and no other way or wait at a shelter gets the "
            f"{compiled.vehicle.id} through"
        )
    return _names(compiled, solver_reason)


def _closure_ahead(trip: _Trip, sampled: CompiledWeather, calm: RawPlan) -> str:
    # The first closure met while driving the calm plan on its own timing, or else the
    # first one after the hour the calm plan enters a stretch ("" if none).
    compiled = trip.compiled
    table = sampled.sample.table
    drives = [st for st in calm.steps if st.kind == "drive"]
    for during in (True, False):
        for st in drives:
            cell = int(sampled.graph.arc_cell[st.arc])
            first_h = max(math.floor(st.start_h), 0)
            last_h = math.ceil(st.end_h) if during else table.n_steps
            closed = np.flatnonzero(~table.open[cell, first_h:last_h])
            if closed.size == 0:
                continue
            first = first_h + int(closed[0])
            reopen = next((k for k in range(first, table.n_steps) if table.open[cell, k]), None)
            until = (
                f"until {_when(trip.start, reopen)}"
                if reopen is not None
                else "to the end of the forecast"
            )
            tail = compiled.node_ids[st.node]
            head = compiled.node_ids[int(compiled.graph.head[st.arc])]
            text = (
                f"{sampled.describe(cell, first)} closes {tail}-{head} from "
                f"{_when(trip.start, first)} {until}"
            )
            spell = _longest_open_spell(table.open[cell])
            drive_h = st.end_h - st.start_h
            if spell < drive_h:
                text += (
                    f"; it stays open at most {spell:g} h at a time in the forecast and the "
                    f"drive takes at least {drive_h:.1f} h"
                )
            return text
    return ""


def _longest_open_spell(open_steps: np.ndarray) -> float:
    # Hours of the longest run of open hourly steps; inf when the last step is open (the
    # last hour holds beyond the forecast).
    if open_steps[-1]:
        return math.inf
    longest = run = 0
    for is_open in open_steps:
        run = run + 1 if is_open else 0
        longest = max(longest, run)
    return float(longest)


def _too_late(trip: _Trip, calm: RawPlan, late: RawPlan) -> str:
    head = (
        f"in this weather the {trip.compiled.vehicle.id} arrives "
        f"{_when(trip.start, late.arrive_h)} at the earliest, past the deadline "
        f"{_when(trip.start, trip.deadline_h)} (in calm weather {_when(trip.start, calm.arrive_h)})"
    )
    parts = _held_back(trip, calm, late)
    return head + (": " + "; ".join(parts) if parts else "")


def _held_back(trip: _Trip, calm: RawPlan | None, late: RawPlan) -> list[str]:
    # What makes ``late`` (the trip's earliest plan) take longer than driving: its longest
    # weather wait, driving slower than ``calm`` (the plan in calm weather), crew rests.
    compiled = trip.compiled
    sampled = trip.sampled
    parts = []
    waits = [
        (st.end_h - st.start_h, i)
        for i, st in enumerate(late.steps)
        if st.kind == "wait" and st.cause == "weather"
    ]
    if waits and sampled is not None:
        hours, i = max(waits)
        wait = late.steps[i]
        drive = next(st for st in late.steps[i + 1 :] if st.kind == "drive")
        why = sampled.holds_back(drive.arc, wait.node, wait.start_h, wait.end_h)
        parts.append(
            f"{why or 'closed weather'} holds it {hours:.0f} h at "
            f"{compiled.node_ids[wait.node]} until {_when(trip.start, wait.end_h)}"
        )
    if calm is not None and late.driving_h > calm.driving_h + 0.05:
        parts.append(
            f"the weather slows the driving from {calm.driving_h:.1f} h to {late.driving_h:.1f} h"
        )
    rest_h = sum(
        st.end_h - st.start_h for st in late.steps if st.kind == "rest" or st.cause == "rest"
    )
    if rest_h > 0.0:
        limit = compiled.vehicle.max_drive_h_per_day
        parts.append(f"the crew rests {rest_h:.0f} h ({limit:g} h driving per day)")
    return parts


def _names(compiled: CompiledNetwork, text: str) -> str:
    # The solver speaks in node indices ("node 12"); say place names instead.
    out = text
    for index in sorted(range(len(compiled.node_ids)), reverse=True):
        out = out.replace(f"node {index}", compiled.node_ids[index])
    return out


def _reachable(compiled: CompiledNetwork, source: str) -> set[int]:
    graph = compiled.graph
    seen = {compiled.node_index[source]}
    frontier = list(seen)
    while frontier:
        node = frontier.pop()
        for arc in range(int(graph.indptr[node]), int(graph.indptr[node + 1])):
            head = int(graph.head[arc])
            if head not in seen:
                seen.add(head)
                frontier.append(head)
    return seen


def _unreachable(
    compiled: CompiledNetwork, source: str, target: str, stops: Sequence[str]
) -> tuple[str, dt.date | None]:
    vehicle = compiled.vehicle
    legs = [source, *stops, target]
    for a, b in itertools.pairwise(legs):
        reached = _reachable(compiled, a)
        if compiled.node_index[b] in reached:
            continue
        names = {compiled.node_ids[i] for i in reached}
        places = names & set(compiled.network.nodes)
        blocked = []
        for ref in compiled.links:
            if ref.usable:
                continue
            if (ref.u in names) != (ref.v in names):
                blocked.append(f"{ref.u}-{ref.v}: {ref.reason}")
        date = compiled.date.isoformat()
        if not blocked:
            return (
                f"no link leads from {a} towards {b} in this network "
                f"(the {vehicle.id} can reach {len(places) - 1} other places from {a})"
            ), None
        shown = "; ".join(blocked[:6]) + ("; ..." if len(blocked) > 6 else "")
        # what to do goes last, where a reader of a long reason looks first
        hint, opens_on = _season_hint(compiled, names, a, b)
        return (
            f"{b} cannot be reached from {a} by {vehicle.id} on {date}: every way out "
            f"of the {len(places)} places it can reach is closed ({shown})"
            + (f". {hint}" if hint else "")
        ), opens_on
    return "no route under the given constraints", None


def _season_hint(
    compiled: CompiledNetwork, reached: set[str], a: str, b: str
) -> tuple[str, dt.date | None]:
    # If seasons close the way, say on which day it opens (and return it): the first
    # season opening (within a year) from which b can be reached from a, or else the first
    # opening of a link that blocks it now.
    blocking = [
        link
        for link, ref in enumerate(compiled.links)
        if "closed for the season" in ref.reason and (ref.u in reached) != (ref.v in reached)
    ]
    if not blocking:
        return "", None
    day = compiled.date
    openings = sorted(
        {_next_opening(season, day) for link in range(len(compiled.links))
         if (season := compiled.link_data(link).get("season")) is not None}
    )  # fmt: skip
    for opening in openings:
        if _reachable_on(compiled, a, opening, b):
            return (
                f"Winter links are closed for the season: the way from {a} to {b} opens on "
                f"{opening.isoformat()}; depart on or after that day"
            ), opening
    first = min(_next_opening(compiled.link_data(link)["season"], day) for link in blocking)
    return (
        f"Winter links are closed for the season: the first of them opens on "
        f"{first.isoformat()}; try a later departure"
    ), None


def _next_opening(season: Any, day: dt.date) -> dt.date:
    opening = dt.date(day.year, season.open_month, season.open_day)
    return opening if opening >= day else dt.date(day.year + 1, season.open_month, season.open_day)


def _reachable_on(compiled: CompiledNetwork, a: str, day: dt.date, b: str) -> bool:
    # Whether b can be reached from a on another day: links closed now only by their season
    # are judged again for that day (season and seasonal ice); every other reason stands.
    neighbours: dict[str, list[str]] = {}
    for link, ref in enumerate(compiled.links):
        data = compiled.link_data(link)
        if not (ref.usable or "closed for the season" in ref.reason):
            continue
        if link_unusable_reason(data, compiled.vehicle, day):
            continue
        neighbours.setdefault(ref.u, []).append(ref.v)
        if not data.get("oneway"):
            neighbours.setdefault(ref.v, []).append(ref.u)
    seen = {a}
    frontier = [a]
    while frontier:
        for nxt in neighbours.get(frontier.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return b in seen


def _range(trip: _Trip, solver_reason: str) -> str:
    compiled = trip.compiled
    vehicle = compiled.vehicle
    if trip.sampled is not None and not trip.query(**_NO_RANGE).feasible:
        # no tank gets through this weather: range binds only together with the weather
        calm = _range(trip.without_weather(), solver_reason)
        return f"{_weather(trip, trip.sampled, solver_reason)}; in calm weather, {calm}"
    start_l = trip.fuel_start_l
    if start_l is not None and start_l < vehicle.capacity_l and trip.query().feasible:
        return _start_fuel(trip, start_l)
    usable = vehicle.capacity_l - vehicle.reserve_l
    head = (
        f"{vehicle.id} range is short: usable fuel {usable:.0f} L "
        f"({vehicle.capacity_l:g} L less the {vehicle.reserve:.0%} reserve)"
    )

    # The least usable fuel that makes the trip possible (bisection on the capacity, in the
    # trip's weather), and the longest depot-to-depot stretch of the plan that needs it:
    # that stretch is what binds.
    def attempt(litres: float) -> SolveResult:
        return trip.query(**{**_NO_RANGE, "capacity_l": litres})

    low, high = usable, max(2.0 * usable, 1.0)
    while not attempt(high).feasible:
        low, high = high, 2.0 * high
        if high > 1e7:
            return f"{head}; no refuelling plan covers the trip"
    while high - low > 0.5:
        middle = 0.5 * (low + high)
        low, high = (low, middle) if attempt(middle).feasible else (middle, high)
    km, litres, places = _longest_dry_stretch(compiled, attempt(high).plans[0])
    return (
        f"{head}, but the trip needs {high:.0f} L: the best route still has the "
        f"{km:.0f} km stretch {places} ({litres:.0f} L) with no depot in between"
    )


def _start_fuel(trip: _Trip, start_l: float) -> str:
    # A full tank would do: the fuel at departure binds. The least that does (bisection),
    # and the stretch from the start to the first refuelling stop of that plan.
    vehicle = trip.compiled.vehicle
    low, high = start_l, vehicle.capacity_l
    while high - low > 0.5:
        middle = 0.5 * (low + high)
        low, high = (low, middle) if trip.query(start_fuel_l=middle).feasible else (middle, high)
    plan = trip.query(start_fuel_l=high).plans[0]
    refuel = next((i for i, st in enumerate(plan.steps) if st.kind == "refuel"), len(plan.steps))
    first = RawPlan(plan.steps[:refuel], 0.0, 0.0, 0.0, 0.0, 0.0)
    km, litres, places = _longest_dry_stretch(trip.compiled, first)
    where = "before the first refuelling stop" if refuel < len(plan.steps) else "on the way"
    return (
        f"{vehicle.id} starts with {start_l:.0f} L, {start_l - vehicle.reserve_l:.0f} L above "
        f"its {vehicle.reserve_l:.0f} L reserve, but the {km:.0f} km stretch {places} "
        f"({litres:.0f} L) has no depot {where}: start with at least {high:.0f} L"
    )


def _longest_dry_stretch(compiled: CompiledNetwork, plan: RawPlan) -> tuple[float, float, str]:
    # litres as the plan burns them (weather included), per arc
    drives = [st for st in plan.steps if st.kind == "drive"]
    burnt = np.zeros(compiled.graph.n_arcs)
    for st in drives:
        burnt[st.arc] = st.fuel_before_l - st.fuel_after_l
    arcs = [st.arc for st in drives]
    litres, km, places = _longest_stretch(compiled, arcs, burnt, compiled.graph.node_depot)
    return km, litres, places


def _longest_stretch(
    compiled: CompiledNetwork,
    arcs: Sequence[int],
    cost: np.ndarray,
    resets: np.ndarray,
) -> tuple[float, float, str]:
    """The stretch of ``arcs`` with the most ``cost`` between nodes where ``resets`` holds.

    Returns (cost, km, "A - B - C") of that stretch.
    """
    graph = compiled.graph
    first = compiled.node_ids[int(np.searchsorted(graph.indptr, arcs[0], side="right") - 1)]
    worst, worst_km, worst_path = 0.0, 0.0, [first]
    total, km, path = 0.0, 0.0, [first]
    for arc in arcs:
        head_node = int(graph.head[arc])
        total += float(cost[arc])
        km += float(graph.arc_km[arc])
        path.append(compiled.node_ids[head_node])
        if total > worst:
            worst, worst_km, worst_path = total, km, list(path)
        if resets[head_node]:
            total, km, path = 0.0, 0.0, [compiled.node_ids[head_node]]
    return worst, worst_km, " - ".join(_main_places(compiled, worst_path))


def _main_places(compiled: CompiledNetwork, path: Sequence[str]) -> list[str]:
    kept = [p for p in path if p in compiled.network or p in (path[0], path[-1])]
    return kept


def _duty_stretch(compiled: CompiledNetwork, source: str, target: str, stops: Sequence[str]) -> str:
    relaxed = _query(
        compiled, source, target, stops, None, capacity_l=math.inf, max_drive_h=math.inf
    )
    if not relaxed.feasible:
        return "no route without a long stretch in the open"
    graph = compiled.graph
    hours, _, places = _longest_stretch(
        compiled, relaxed.plans[0].arcs, graph.arc_hours, graph.node_shelter
    )
    limit = compiled.vehicle.max_drive_h_per_day or np.inf
    if hours <= limit:
        return f"the fastest route needs more driving between rests than allowed ({places})"
    return f"{places} takes {hours:.1f} h with no shelter in between"
