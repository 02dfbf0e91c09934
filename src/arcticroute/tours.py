"""Multi-stop supply runs: the best order in which to visit several places.

`plan_tour` finds the order of the stops that makes the trip earliest (or least fuel) under
everything `arcticroute.plan` honours (tank and depots, weather, duty, seasons), exactly:
each order it considers is planned by the exact solver with the stops as via points, and
an order is skipped only when a lower bound proves it no better than the best found. The
bound of an order is the sum, over its legs, of the least calm-weather hours (or litres)
between the two places with an unlimited tank, which no real leg beats (weather only slows
a vehicle and makes it burn more, waits and refuelling stops only add), plus for time the
rests a crew with a duty limit must take to drive that long. Orders are tried in increasing
bound; the first whose bound is no better than the best plan ends the search.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from .itinerary import Itinerary
from .network import resolve_place
from .planning import PlanInputError, _prepare, _solve
from .solver import solve
from .vehicles import Vehicle

__all__ = ["MAX_TOUR_STOPS", "Tour", "plan_tour"]

MAX_TOUR_STOPS = 8
"""Most stops a tour orders (8! = 40,320 orders to bound; the solver plans few of them)."""

_SECOND_H = 1.0 / 3600.0


@dataclass(frozen=True, slots=True)
class Tour:
    """The best order of a supply run and its plan.

    Attributes
    ----------
    order : tuple of str
        The stops (place ids) in the order visited; empty when no order is feasible.
    itinerary : Itinerary
        The plan of that order (start, the stops as via places, end), or, when no order is
        feasible, the infeasible plan of the order with the best bound, with its reason.
    orders_planned : int
        Orders the exact solver planned before the bound ended the search.
    orders_total : int
        Orders there are (the factorial of the number of stops).
    """

    order: tuple[str, ...]
    itinerary: Itinerary
    orders_planned: int
    orders_total: int

    @property
    def feasible(self) -> bool:
        """Whether some order of the stops can be driven."""
        return self.itinerary.feasible

    @property
    def summary(self) -> str:
        """One line: the order found and how many orders the solver planned."""
        if not self.feasible:
            return f"no order of the stops is feasible ({self.orders_planned} planned)"
        return (
            f"best order of {len(self.order)} stops: {' -> '.join(self.order)} "
            f"({self.orders_planned} of {self.orders_total} orders planned)"
        )

    def __str__(self) -> str:
        return f"{self.summary}\n{self.itinerary.to_table()}"


def plan_tour(
    network: nx.MultiDiGraph | str | Path,
    start: str,
    stops: Sequence[str],
    vehicle: Vehicle | str | Path,
    *,
    end: str | None = None,
    depart: dt.datetime | str | None = None,
    weather: Any = None,
    objective: Literal["time", "fuel"] = "time",
    **options: Any,
) -> Tour:
    """Plan a supply run: visit every stop once, in the best order.

    Parameters
    ----------
    network
        As for `arcticroute.plan`.
    start
        Where the run starts (a place, or ``"LAT,LON"``).
    stops
        Places to visit, each once, in any order (at most `MAX_TOUR_STOPS`).
    vehicle
        As for `arcticroute.plan`.
    end
        Where the run ends; default back at ``start``.
    depart, weather
        As for `arcticroute.plan`.
    objective
        ``"time"`` (earliest arrival at the end) or ``"fuel"`` (least litres burnt).
    **options
        Any other keyword option of `arcticroute.plan` (``deadline``, ``max_drive_h``,
        ``avoid``, ...), except ``via``.

    Returns
    -------
    Tour
        The best order and its plan, or an infeasible plan with the reason.

    Raises
    ------
    UnknownPlaceError
        An unknown place (with the closest names).
    PlanInputError
        No stops, a stop given twice or equal to the start or end, too many stops, an
        objective other than time or fuel, or ``via`` among the options.
    VehicleError, NetworkError, WeatherError
        As for `arcticroute.plan`.

    Examples
    --------
    >>> tour = plan_tour("chukotka", "Anadyr", ["Uelkal", "Kanchalan"], "trekol",
    ...                  depart="2027-03-10T08:00")
    >>> tour.order, tour.orders_total
    (('Kanchalan', 'Uelkal'), 2)
    """
    if objective not in ("time", "fuel"):
        msg = f"a tour's objective {objective!r} must be 'time' or 'fuel'"
        raise PlanInputError(msg)
    if "via" in options:
        msg = "a tour orders its stops itself: give them as stops=[...], not via="
        raise PlanInputError(msg)
    stops = (stops,) if isinstance(stops, str) else tuple(stops)
    if not 1 <= len(stops) <= MAX_TOUR_STOPS:
        msg = (
            f"a tour takes 1 to {MAX_TOUR_STOPS} stops, got {len(stops)}; split a longer run "
            "into tours of nearby places"
        )
        raise PlanInputError(msg)
    last = start if end is None else end
    prepared = _prepare(
        network,
        vehicle,
        objective=objective,
        depart=depart,
        weather=weather,
        ends=(start, last, *stops),
        **options,
    )
    graph = prepared.network
    places = [resolve_place(graph, name) for name in stops]
    ends = {resolve_place(graph, start), resolve_place(graph, last)}
    for name, place in zip(stops, places, strict=True):
        if place in ends:
            msg = f"stop {name!r} is where the tour starts or ends; leave it out of the stops"
            raise PlanInputError(msg)
    if len(set(places)) < len(places):
        twice = next(p for p in places if places.count(p) > 1)
        msg = f"stop {twice!r} is given twice; a tour visits each stop once"
        raise PlanInputError(msg)

    bound = _leg_bounds(
        prepared, [resolve_place(graph, start), *places, resolve_place(graph, last)]
    )
    first, final = 0, len(places) + 1
    rested = _with_rests(prepared) if objective == "time" else _same
    orders = sorted(
        (
            rested(sum(bound[a][b] for a, b in itertools.pairwise((first, *perm, final)))),
            tuple(places[i - 1] for i in perm),
        )
        for perm in itertools.permutations(range(1, len(places) + 1))
    )
    best: Itinerary | None = None
    best_value = math.inf
    best_order: tuple[str, ...] = ()
    first_failure: Itinerary | None = None
    planned = 0
    for lower, order in orders:
        # (itineraries give times to the second: a bound must clear the best by more)
        if lower > best_value + _SECOND_H or not math.isfinite(lower):
            break  # no order from here on can beat the best plan
        (it,) = _solve(prepared, start, last, order)
        planned += 1
        if not it.feasible:
            first_failure = first_failure or it
            continue
        value = it.duration_h if objective == "time" else it.fuel_used_l
        if value < best_value - 1e-9:
            best, best_value, best_order = it, value, order
    if best is None:
        if first_failure is None:  # every bound infinite: some stop is out of reach
            (first_failure,) = _solve(prepared, start, last, orders[0][1])
            planned += 1
        return Tour((), first_failure, planned, len(orders))
    return Tour(best_order, best, planned, len(orders))


def _same(value: float) -> float:
    return value


def _with_rests(prepared: Any) -> Callable[[float], float]:
    """The least hours a trip of ``driving`` calm hours takes with the crew's rests.

    A crew that drives ``h`` hours needs at least ``ceil(h / limit) - 1`` stops of a rest's
    length (a rest, or a wait as long), whatever else delays it.
    """
    drive: float | None = prepared.vehicle.max_drive_h_per_day
    if drive is None:
        return _same
    limit = float(drive)
    rest = 24.0 - limit

    def hours(driving: float) -> float:
        if not math.isfinite(driving):
            return driving
        return driving + max(math.ceil(driving / limit - 1e-9) - 1, 0) * rest

    return hours


def _leg_bounds(prepared: Any, places: list[str]) -> list[list[float]]:
    """Least calm hours (or litres) between every two places, unlimited tank: a bound per leg."""
    compiled = prepared.compiled
    index = compiled.node_index
    fuel = prepared.objective == "fuel"
    out = [[0.0] * len(places) for _ in places]
    for i, a in enumerate(places):
        for j, b in enumerate(places):
            if i == j:
                continue
            res = solve(
                compiled.graph,
                index[a],
                index[b],
                capacity_l=math.inf,
                objective="fuel" if fuel else "time",
            )
            if not res.feasible:
                out[i][j] = math.inf
            else:
                plan = res.plans[0]
                out[i][j] = plan.fuel_used_l if fuel else plan.arrive_h
    return out
