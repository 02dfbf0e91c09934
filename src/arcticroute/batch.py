"""Many plans at once: weather ensembles for one trip.

`ensemble` plans one trip under N stochastic weather members (`arcticroute.weather`
climatology) and reports the distribution of arrival times and the share of members in
which no route exists: the "how sure are we?" of a plan. The network is compiled once for
the vehicle and date and reused by every member; only the weather is sampled per member.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from .itinerary import Itinerary
from .network import load_network
from .planning import localize, plan
from .vehicles import Vehicle, get_vehicle

__all__ = ["EnsembleResult", "ensemble"]


@dataclass(frozen=True, slots=True)
class EnsembleResult:
    """Plans of one trip under an ensemble of weather members.

    Attributes
    ----------
    itineraries : tuple of Itinerary
        One per member, in member order (infeasible ones included).
    seed : int
        The ensemble's seed (same seed, same members, same result).
    """

    itineraries: tuple[Itinerary, ...]
    seed: int

    @property
    def durations_h(self) -> np.ndarray:
        """Hours from departure to arrival for the members with a route."""
        return np.array([it.duration_h for it in self.itineraries if it.feasible], dtype=float)

    @property
    def share_no_route(self) -> float:
        """Fraction of members in which no feasible route exists (0..1)."""
        return sum(not it.feasible for it in self.itineraries) / len(self.itineraries)

    def quantile_h(self, q: float) -> float:
        """Quantile ``q`` (0..1) of the trip duration in hours over members with a route.

        Returns NaN when no member has a route.
        """
        durations = self.durations_h
        return float(np.quantile(durations, q)) if durations.size else float("nan")

    def summary(self) -> dict[str, Any]:
        """Median and 90th percentile of arrival (times and hours), share without route."""
        first = self.itineraries[0]
        median = self.quantile_h(0.5)
        p90 = self.quantile_h(0.9)

        def at(hours: float) -> str | None:
            if np.isnan(hours):
                return None
            return (first.depart + dt.timedelta(hours=hours)).isoformat(timespec="minutes")

        return {
            "members": len(self.itineraries),
            "seed": self.seed,
            "depart": first.depart.isoformat(),
            "median_duration_h": round(median, 2),
            "p90_duration_h": round(p90, 2),
            "median_arrival": at(median),
            "p90_arrival": at(p90),
            "share_no_route": round(self.share_no_route, 3),
        }

    def __str__(self) -> str:
        s = self.summary()
        first = self.itineraries[0]
        return (
            f"{first.origin} -> {first.destination} by {first.vehicle}, {s['members']} weather "
            f"members (seed {s['seed']}): median arrival {s['median_arrival']} "
            f"({s['median_duration_h']} h), 90th percentile {s['p90_arrival']} "
            f"({s['p90_duration_h']} h), no route in {s['share_no_route']:.0%} of members"
        )


def ensemble(
    network: nx.MultiDiGraph | str | Path,
    origin: str,
    destination: str,
    vehicle: Vehicle | str | Path,
    *,
    depart: dt.datetime | str,
    members: int = 50,
    seed: int = 0,
    days: float = 14.0,
    **options: Any,
) -> EnsembleResult:
    """Plan one trip under ``members`` stochastic weather members.

    Parameters
    ----------
    network, origin, destination, vehicle
        As for `arcticroute.plan`.
    depart
        Departure (naive = Chukotka local time).
    members
        Number of ensemble members (>= 1).
    seed
        Seed of the stochastic climatology (non-negative integer).
    days
        Length of each member's weather, days (the trip must end within it, else the last
        hour holds).
    **options
        Further keyword options of `arcticroute.plan` (objective, via, reserve, ...).

    Returns
    -------
    EnsembleResult
        Use ``.summary()`` for median / 90th percentile arrival and the share of members
        without a route.

    Examples
    --------
    >>> result = ensemble("chukotka", "Lavrentiya", "Uelen", "buran",
    ...                   depart="2027-03-10T08:00", members=5, seed=1)
    >>> 0.0 <= result.share_no_route <= 1.0
    True
    """
    from .weather import Climatology

    graph = network if isinstance(network, nx.MultiDiGraph) else load_network(network)
    car = get_vehicle(vehicle)
    start = localize(depart)
    fields: Sequence[Any] = Climatology(start=start, days=days).members(members, seed)
    itineraries = tuple(
        plan(graph, origin, destination, car, depart=start, weather=member, **options)
        for member in fields
    )
    return EnsembleResult(itineraries=itineraries, seed=seed)
