"""Many plans at once: weather ensembles, accessibility matrices, local and Dask executors.

`ensemble` plans one trip under N stochastic weather members (`arcticroute.weather`
climatology) and reports the distribution of arrival times and the share of members in
which no route exists: the "how sure are we?" of a plan. `accessibility` plans every
(origin, destination, departure[, member]) of a study and reports, per cell, whether a route
exists, when it arrives and, if not, why: who can reach whom, on which days of the season.

A plan is `arcticroute.plan` in two steps (`arcticroute.planning._prepare`: options,
network compiled for the vehicle and date, weather sampled onto it; `_solve`: one origin /
destination pair against that). A study prepares once per (departure, weather member) and
solves every pair of it against the same prepared state, so a cell of a study is exactly
the plan that a single call gives, at a fraction of the cost (sampling the weather is most
of a single weather plan). The plans run on an *executor*:

* ``"local"`` (default): one after the other in this process. A thread pool does not pay:
  most of a plan's time is Python holding the GIL (measured: 2 threads 1.05-1.25x *slower*).
* ``"dask"``: `dask.distributed` (the ``dask`` extra), on a `LocalCluster` of worker
  processes by default, or on the cluster at ``scheduler="tcp://host:port"``, or through a
  `distributed.Client` passed as ``scheduler``. The network, the vehicle and the study's
  settings are scattered to every worker once; a task carries only a block of small index
  tuples, all of one (departure, member). Each worker prepares a (departure, member) the
  first time one of its blocks needs it and keeps the last few (a prepared state is
  megabytes of weather table, cheaper to rebuild than to ship), and loads the numba kernels
  from their on-disk cache.

Results are collected in the study's order, never in completion order, and every plan is
deterministic, so both executors give identical results (tested).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import importlib
import inspect
import json
import math
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import numpy as np

from ._errors import ArcticRouteError
from .itinerary import Itinerary
from .network import join_points, load_network, parse_point, point_id, resolve_place
from .planning import (
    _OBJECTIVES,
    PlanInputError,
    _prepare,
    _Prepared,
    _solve,
    localize,
    plan,
    via_places,
)
from .vehicles import Vehicle, get_vehicle

__all__ = [
    "EXECUTORS",
    "AccessCell",
    "AccessibilityResult",
    "BatchInputError",
    "EnsembleResult",
    "MissingExtraError",
    "accessibility",
    "ensemble",
]

Executor = Literal["local", "dask"]
EXECUTORS: tuple[str, ...] = ("local", "dask")
"""Names accepted by ``executor=``."""

ProgressCallback = Callable[[int, int], None]
"""``progress(done, total)``: plans finished so far and plans in the study."""

_PREPARED_PER_PROCESS = 4
"""Prepared (departure, member) states a process keeps (one is in use per worker thread)."""

_TASKS_PER_THREAD = 4
"""Dask: aim for this many tasks per worker thread (load balance vs per-task overhead)."""

_MAX_BLOCK = 64
"""Dask: at most this many plans in one task."""


class BatchInputError(ArcticRouteError, ValueError):
    """A batch request is malformed (executor, scheduler, departures, options)."""


class MissingExtraError(ArcticRouteError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


# --------------------------------------------------------------------------- results


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

    @property
    def no_route_by(self) -> dict[str, int]:
        """Members without a route per binding constraint (``weather``, ``deadline``, ...)."""
        counts: dict[str, int] = {}
        for it in self.itineraries:
            if not it.feasible:
                counts[it.binding] = counts.get(it.binding, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def summary(self) -> dict[str, Any]:
        """Median and 90th percentile of arrival, the share without a route and why."""
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
            "no_route_by": self.no_route_by,
        }

    def __str__(self) -> str:
        s = self.summary()
        first = self.itineraries[0]
        why = ", ".join(f"{binding} {n}" for binding, n in s["no_route_by"].items())
        return (
            f"{first.origin} -> {first.destination} by {first.vehicle}, {s['members']} weather "
            f"members (seed {s['seed']}): median arrival {s['median_arrival']} "
            f"({s['median_duration_h']} h), 90th percentile {s['p90_arrival']} "
            f"({s['p90_duration_h']} h), no route in {s['share_no_route']:.0%} of members"
        ) + (f" ({why})" if why else "")


@dataclass(frozen=True, slots=True)
class AccessCell:
    """One plan of an accessibility study: can the vehicle get there, when, or why not.

    Attributes
    ----------
    origin, destination : str
        Place ids.
    depart : datetime.datetime
        Departure, timezone-aware (Asia/Anadyr).
    member : int or None
        Weather ensemble member (0-based), None when the study has no ensemble.
    feasible : bool
        Whether a route exists under every constraint.
    arrive : datetime.datetime or None
        Arrival, timezone-aware; None when infeasible.
    duration_h : float or None
        Hours from departure to arrival (waits included); None when infeasible.
    distance_km : float or None
        Kilometres driven; None when infeasible.
    fuel_used_l : float or None
        Litres burnt; None when infeasible.
    binding : str
        The constraint that binds when infeasible (``range``, ``weather``, ``season``, ...);
        "" when feasible.
    reason : str
        Why no route exists, in words a planner acts on; "" when feasible.
    """

    origin: str
    destination: str
    depart: dt.datetime
    member: int | None
    feasible: bool
    arrive: dt.datetime | None
    duration_h: float | None
    distance_km: float | None
    fuel_used_l: float | None
    binding: str
    reason: str

    @classmethod
    def from_itinerary(cls, itinerary: Itinerary, member: int | None = None) -> AccessCell:
        """Summarise an itinerary as one cell.

        Parameters
        ----------
        itinerary
            A planned trip (feasible or not).
        member
            Its weather ensemble member (0-based), or None.

        Returns
        -------
        AccessCell
        """
        ok = itinerary.feasible
        return cls(
            origin=itinerary.origin,
            destination=itinerary.destination,
            depart=itinerary.depart,
            member=member,
            feasible=ok,
            arrive=itinerary.arrive,
            duration_h=itinerary.duration_h if ok else None,
            distance_km=itinerary.distance_km if ok else None,
            fuel_used_l=itinerary.fuel_used_l if ok else None,
            binding=itinerary.binding,
            reason=itinerary.reason,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: times ISO 8601 with offset, figures rounded to 3 decimals."""

        def number(value: float | None) -> float | None:
            return None if value is None else round(value, 3)

        return {
            "origin": self.origin,
            "destination": self.destination,
            "depart": self.depart.isoformat(),
            "member": self.member,
            "feasible": self.feasible,
            "arrive": None if self.arrive is None else self.arrive.isoformat(),
            "duration_h": number(self.duration_h),
            "distance_km": number(self.distance_km),
            "fuel_used_l": number(self.fuel_used_l),
            "binding": self.binding,
            "reason": self.reason,
        }


_CELL_COLUMNS = tuple(f.name for f in dataclasses.fields(AccessCell))


@dataclass(frozen=True, slots=True)
class AccessibilityResult:
    """An accessibility study: every origin x destination x departure (x member).

    Attributes
    ----------
    vehicle : str
        Vehicle id.
    origins, destinations : tuple of str
        Place ids, in the order asked.
    departures : tuple of datetime.datetime
        Departures, timezone-aware (Asia/Anadyr), in the order asked.
    members : int or None
        Number of weather ensemble members, None without an ensemble.
    seed : int or None
        The ensemble's seed, None without an ensemble.
    weather : str
        The weather of the study in words (``calm``, a scenario name, ``climatology``).
    cells : tuple of AccessCell
        In matrix order: origin, then destination, then departure, then member.
    """

    vehicle: str
    origins: tuple[str, ...]
    destinations: tuple[str, ...]
    departures: tuple[dt.datetime, ...]
    members: int | None
    seed: int | None
    weather: str
    cells: tuple[AccessCell, ...]

    @property
    def shape(self) -> tuple[int, int, int, int]:
        """(origins, destinations, departures, members); members is 1 without an ensemble."""
        return (
            len(self.origins),
            len(self.destinations),
            len(self.departures),
            self.members or 1,
        )

    @property
    def durations_h(self) -> np.ndarray:
        """Trip hours as a float64 array of `shape`; NaN where no route exists."""
        hours = [math.nan if c.duration_h is None else c.duration_h for c in self.cells]
        return np.array(hours, dtype=np.float64).reshape(self.shape)

    @property
    def feasible(self) -> np.ndarray:
        """Whether a route exists, as a bool array of `shape`."""
        return np.array([c.feasible for c in self.cells], dtype=np.bool_).reshape(self.shape)

    @property
    def share_feasible(self) -> float:
        """Fraction of all cells with a route (0..1)."""
        return float(self.feasible.mean())

    def cell(
        self,
        origin: str,
        destination: str,
        depart: dt.datetime | str | int = 0,
        member: int | None = None,
    ) -> AccessCell:
        """One cell of the study.

        Parameters
        ----------
        origin, destination
            Place ids of the study (exactly as in `origins` / `destinations`).
        depart
            A departure of the study (datetime, ISO text; naive = Chukotka local time) or
            its position in `departures`.
        member
            Ensemble member (0-based); None or 0 without an ensemble.

        Returns
        -------
        AccessCell
        """
        # places given as coordinates are in the study under their point ids
        origin, destination = (
            point_id(*p) if (p := parse_point(name)) is not None else name
            for name in (origin, destination)
        )
        if not (origin in self.origins and destination in self.destinations):
            msg = (
                f"({origin!r}, {destination!r}) is not in the study; origins are "
                f"{list(self.origins)}, destinations {list(self.destinations)}"
            )
            raise BatchInputError(msg)
        if isinstance(depart, int):
            t = depart
        else:
            wanted = localize(depart)
            if wanted not in self.departures:
                msg = f"departure {wanted.isoformat()} is not in the study"
                raise BatchInputError(msg)
            t = self.departures.index(wanted)
        o = self.origins.index(origin)
        d = self.destinations.index(destination)
        m = member or 0
        _, n_d, n_t, n_m = self.shape
        if not (0 <= t < n_t and 0 <= m < n_m):
            msg = f"departure {t} / member {m} out of range for a study of shape {self.shape}"
            raise BatchInputError(msg)
        return self.cells[((o * n_d + d) * n_t + t) * n_m + m]

    def to_dict(self) -> dict[str, Any]:
        """The study as a JSON-ready dict (stable keys; cells as in `AccessCell.to_dict`)."""
        return {
            "vehicle": self.vehicle,
            "weather": self.weather,
            "members": self.members,
            "seed": self.seed,
            "origins": list(self.origins),
            "destinations": list(self.destinations),
            "departures": [d.isoformat() for d in self.departures],
            "shape": list(self.shape),
            "cells": [c.to_dict() for c in self.cells],
        }

    def to_json(self, *, indent: int | None = 1) -> str:
        """`to_dict` as JSON text (UTF-8 safe, deterministic)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_dataframe(self) -> Any:
        """A pandas DataFrame, one row per cell in matrix order (needs pandas).

        Columns: origin, destination, depart, member, feasible, arrive (timezone-aware
        datetimes, NaT when infeasible), duration_h (h), distance_km (km), fuel_used_l (L)
        (float64, NaN when infeasible), binding, reason.
        """
        try:
            pd = importlib.import_module("pandas")
        except ImportError:
            msg = "to_dataframe needs pandas: pip install pandas"
            raise MissingExtraError(msg) from None
        rows = [[getattr(c, name) for name in _CELL_COLUMNS] for c in self.cells]
        frame = pd.DataFrame(rows, columns=list(_CELL_COLUMNS))
        for name in ("duration_h", "distance_km", "fuel_used_l"):
            frame[name] = frame[name].astype("float64")
        frame["depart"] = pd.to_datetime(frame["depart"])
        frame["arrive"] = pd.to_datetime(frame["arrive"])
        frame["member"] = frame["member"].astype("Int64")
        return frame

    def __str__(self) -> str:
        n_o, n_d, n_t, n_m = self.shape
        ensemble_part = f" x {n_m} members (seed {self.seed})" if self.members else ""
        return (
            f"accessibility by {self.vehicle}: {n_o} origins x {n_d} destinations x {n_t} "
            f"departures{ensemble_part}, weather {self.weather}: route in "
            f"{self.share_feasible:.0%} of {len(self.cells)} plans"
        )


# --------------------------------------------------------------------------- public API


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
    executor: Executor = "local",
    scheduler: Any = None,
    workers: int | None = None,
    progress: bool | ProgressCallback = False,
    **options: Any,
) -> EnsembleResult:
    """Plan one trip under ``members`` stochastic weather members.

    Parameters
    ----------
    network
        A network graph, ``"chukotka"`` or a GeoJSON file path.
    origin, destination : str
        Place names (matched loosely, as for `arcticroute.plan`).
    vehicle
        A `Vehicle`, a catalogue id or a TOML file.
    depart : datetime.datetime or str
        Departure (naive = Chukotka local time, Asia/Anadyr).
    members : int
        Number of ensemble members (>= 1).
    seed : int
        Seed of the stochastic climatology (non-negative integer).
    days : float
        Length of each member's weather, days (the trip must end within it, else the last
        hour holds).
    executor : {"local", "dask"}
        Where the plans run (see the module docstring and docs/batch.md).
    scheduler : str or distributed.Client, optional
        With ``executor="dask"``: a scheduler address (``"tcp://host:8786"``) or a client;
        default a new `LocalCluster` for this call.
    workers : int, optional
        With ``executor="dask"`` and no ``scheduler``: worker processes of the new
        `LocalCluster` (default one per core).
    progress : bool or callable
        True: a progress bar on stderr (tqdm or rich when installed, else a line of text);
        a callable: called as ``progress(done, total)`` with counts of plans.
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
    study = _study(
        network,
        [origin],
        [destination],
        vehicle,
        departures=[depart],
        weather=None,
        members=members,
        seed=seed,
        days=days,
        options=options,
        full=True,
    )
    items = _items(study)
    outputs = _execute(study, items, executor, scheduler, workers, progress, "ensemble")
    return EnsembleResult(itineraries=tuple(outputs), seed=seed)


def accessibility(
    network: nx.MultiDiGraph | str | Path,
    origins: Sequence[str],
    destinations: Sequence[str],
    vehicle: Vehicle | str | Path,
    *,
    departures: Sequence[dt.datetime | str],
    weather: Any = None,
    members: int | None = None,
    seed: int = 0,
    days: float = 14.0,
    executor: Executor = "local",
    scheduler: Any = None,
    workers: int | None = None,
    progress: bool | ProgressCallback = False,
    **options: Any,
) -> AccessibilityResult:
    """Plan every origin x destination x departure (x weather member) of a study.

    Parameters
    ----------
    network
        A network graph, ``"chukotka"`` or a GeoJSON file path.
    origins, destinations : sequence of str
        Place names (matched loosely, as for `arcticroute.plan`); each at most once. A
        place that is both an origin and a destination gives a zero-hour cell.
    vehicle
        A `Vehicle`, a catalogue id or a TOML file.
    departures : sequence of datetime.datetime or str
        Departure times (naive = Chukotka local time, Asia/Anadyr), e.g. 08:00 on every
        Monday of the season; each at most once.
    weather
        As for `arcticroute.plan` (None or ``"calm"``, a scenario name or file, a gridded
        file, a weather field object); relative scenario times count from each departure.
        With the Dask executor a file path must be readable on every worker.
    members : int, optional
        Instead of ``weather``: plan every cell under this many stochastic climatology
        members, member ``k`` of departure ``t`` being member ``k`` of
        ``ensemble(..., depart=t, seed=seed, days=days)``.
    seed : int
        Seed of the ensemble (non-negative integer); used only with ``members``.
    days : float
        Length of each member's weather from its departure, days; used only with
        ``members``.
    executor : {"local", "dask"}
        Where the plans run (see the module docstring and docs/batch.md).
    scheduler : str or distributed.Client, optional
        With ``executor="dask"``: a scheduler address (``"tcp://host:8786"``) or a client;
        default a new `LocalCluster` for this call.
    workers : int, optional
        With ``executor="dask"`` and no ``scheduler``: worker processes of the new
        `LocalCluster` (default one per core).
    progress : bool or callable
        True: a progress bar on stderr (tqdm or rich when installed, else a line of text);
        a callable: called as ``progress(done, total)`` with counts of plans.
    **options
        Further keyword options of `arcticroute.plan` (objective, reserve, max_drive_h,
        confirmed_depots_only, no_assumed_links, avoid, daylight_only, ...).

    Returns
    -------
    AccessibilityResult
        Cells in matrix order; ``.durations_h`` / ``.feasible`` as arrays,
        ``.to_dataframe()``, ``.to_json()``.

    Raises
    ------
    UnknownPlaceError
        For a place not in the network, with the closest names.
    BatchInputError
        For an unknown executor, empty or repeated places or departures, an unknown option.
    MissingExtraError
        For ``executor="dask"`` without the ``dask`` extra.

    Examples
    --------
    >>> study = accessibility("chukotka", ["Lavrentiya", "Uelen"], ["Lorino", "Uelen"],
    ...                       "buran", departures=["2027-03-10T08:00"])
    >>> study.shape
    (2, 2, 1, 1)
    >>> study.cell("Lavrentiya", "Uelen").feasible
    True
    """
    study = _study(
        network,
        origins,
        destinations,
        vehicle,
        departures=departures,
        weather=weather,
        members=members,
        seed=seed,
        days=days,
        options=options,
        full=False,
    )
    items = _items(study)
    outputs = _execute(study, items, executor, scheduler, workers, progress, "accessibility")
    cells: list[AccessCell | None] = [None] * len(items)
    for (t, m, o, d), cell in zip(items, outputs, strict=True):
        cells[_matrix_position(study, t, m, o, d)] = cell
    return AccessibilityResult(
        vehicle=study.vehicle.id,
        origins=study.origins,
        destinations=study.destinations,
        departures=study.departures,
        members=study.members,
        seed=seed if study.members is not None else None,
        weather=_describe_weather(weather, study.members),
        cells=tuple(c for c in cells if c is not None),
    )


# --------------------------------------------------------------------------- the study


class _PreparedCache:
    """Prepared states of a study's recent (departure, member) pairs, per process.

    Thread-safe; entries are `arcticroute.planning._Prepared`. It pickles as an empty
    cache, so each worker prepares for itself: a prepared state holds the compiled network
    and the weather sampled onto it (megabytes), cheaper to rebuild on a worker (~60 ms)
    than to ship.
    """

    def __init__(self, size: int = _PREPARED_PER_PROCESS) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.entries: OrderedDict[tuple[int, int], _Prepared] = OrderedDict()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_PreparedCache, (self.size,))

    def get(self, key: tuple[int, int], make: Callable[[], _Prepared]) -> _Prepared:
        """The entry for ``key``, made by ``make()`` on a miss (the oldest entry goes)."""
        with self.lock:
            prepared = self.entries.get(key)
            if prepared is None:
                prepared = make()
                self.entries[key] = prepared
                while len(self.entries) > self.size:
                    self.entries.popitem(last=False)
            else:
                self.entries.move_to_end(key)
            return prepared


@dataclass(frozen=True, slots=True, eq=False)
class _Study:
    """Everything a worker needs, shipped once per worker (it pickles)."""

    graph: nx.MultiDiGraph
    vehicle: Vehicle
    origins: tuple[str, ...]
    destinations: tuple[str, ...]
    departures: tuple[dt.datetime, ...]
    weather: Any
    members: int | None
    seed: int
    days: float
    options: dict[str, Any]
    full: bool
    cache: _PreparedCache = field(default_factory=_PreparedCache, repr=False)

    def weather_for(self, t: int, m: int) -> Any:
        """The weather argument of `plan` for departure ``t`` and member ``m``."""
        if self.members is None:
            return self.weather
        return _climatology_members(self.departures[t], self.days, self.members, self.seed)[m]

    def prepared(self, t: int, m: int) -> _Prepared:
        """The network compiled and the weather sampled for departure ``t``, member ``m``.

        Made once per process and (departure, member), then shared by every
        (origin, destination) pair of it: exactly what `plan` prepares for each of them.
        """

        def make() -> _Prepared:
            options = {k: v for k, v in self.options.items() if k not in ("objective", "via")}
            return _prepare(
                self.graph,
                self.vehicle,
                objective=self.options.get("objective", "time"),
                depart=self.departures[t],
                weather=self.weather_for(t, m),
                **options,
            )

        return self.cache.get((t, m), make)


@functools.lru_cache(maxsize=4)
def _climatology_members(start: dt.datetime, days: float, n: int, seed: int) -> tuple[Any, ...]:
    # Per process: a worker draws a departure's members once and reuses them for every
    # (origin, destination) of that departure.
    from .weather import Climatology

    return tuple(Climatology(start=start, days=days).members(n, seed))


_PLAN_OPTIONS = frozenset(inspect.signature(plan).parameters) - {
    "network",
    "origin",
    "destination",
    "vehicle",
    "depart",
    "weather",
}


def _study(
    network: nx.MultiDiGraph | str | Path,
    origins: Sequence[str],
    destinations: Sequence[str],
    vehicle: Vehicle | str | Path,
    *,
    departures: Sequence[dt.datetime | str],
    weather: Any,
    members: int | None,
    seed: int,
    days: float,
    options: dict[str, Any],
    full: bool,
) -> _Study:
    """Validate a batch request at the edge, before any plan runs or any worker starts."""
    graph = network if isinstance(network, nx.MultiDiGraph) else load_network(network)
    car = get_vehicle(vehicle)
    if "depart" in options:
        msg = "a batch study takes departures=[...] (a list of times), not depart="
        raise BatchInputError(msg)
    unknown = sorted(set(options) - _PLAN_OPTIONS)
    if unknown:
        hint = difflib.get_close_matches(unknown[0], sorted(_PLAN_OPTIONS), n=1)
        extra = f"; did you mean {hint[0]!r}?" if hint else ""
        known = ", ".join(sorted(_PLAN_OPTIONS))
        msg = f"unknown plan option {unknown[0]!r}{extra} (options: {known})"
        raise BatchInputError(msg)
    objective = options.get("objective", "time")
    if objective not in _OBJECTIVES:
        msg = f"objective {objective!r} must be one of {', '.join(_OBJECTIVES)}"
        raise PlanInputError(msg)
    for kind, names in (("origins", origins), ("destinations", destinations)):
        if isinstance(names, str):
            msg = f"{kind} must be a list of place names, not the single string {names!r}"
            raise BatchInputError(msg)
    starts = tuple(localize(d) for d in departures)
    graph = join_points(graph, (*origins, *destinations))
    places = (
        _unique("origins", tuple(resolve_place(graph, name) for name in origins)),
        _unique("destinations", tuple(resolve_place(graph, name) for name in destinations)),
        _unique("departures", starts),
    )
    if members is not None:
        if isinstance(members, bool) or not isinstance(members, int) or members < 1:
            msg = f"members {members!r} must be a positive integer (or None for no ensemble)"
            raise BatchInputError(msg)
        if not _is_calm(weather):
            msg = "give either weather= or members= (a climatology ensemble), not both"
            raise BatchInputError(msg)
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            msg = f"seed {seed!r} must be a non-negative integer"
            raise BatchInputError(msg)
        from .weather import Climatology

        Climatology(start=starts[0], days=days)  # a bad length fails here, not on a worker
    elif not _is_calm(weather):
        from .weather import weather_from_spec

        weather_from_spec(weather, start=starts[0])  # an unknown name or file fails here
    return _Study(
        graph=graph,
        vehicle=car,
        origins=places[0],
        destinations=places[1],
        departures=places[2],
        weather=weather,
        members=members,
        seed=seed,
        days=float(days),
        options=dict(options),
        full=full,
    )


def _is_calm(weather: Any) -> bool:
    return weather is None or (isinstance(weather, str) and weather.strip().lower() == "calm")


def _unique(kind: str, values: tuple[Any, ...]) -> tuple[Any, ...]:
    if not values:
        msg = f"{kind} is empty; give at least one"
        raise BatchInputError(msg)
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            shown = value.isoformat() if isinstance(value, dt.datetime) else value
            msg = f"{kind} lists {shown!r} twice (after matching names); give each once"
            raise BatchInputError(msg)
        seen.add(value)
    return values


Item = tuple[int, int, int, int]
"""(departure, member, origin, destination) indices of one plan."""


def _items(study: _Study) -> list[Item]:
    # Departure-major: consecutive plans share a compiled network (same date) and weather.
    return [
        (t, m, o, d)
        for t in range(len(study.departures))
        for m in range(study.members or 1)
        for o in range(len(study.origins))
        for d in range(len(study.destinations))
    ]


def _matrix_position(study: _Study, t: int, m: int, o: int, d: int) -> int:
    n_d, n_t, n_m = len(study.destinations), len(study.departures), study.members or 1
    return ((o * n_d + d) * n_t + t) * n_m + m


def _run_block(study: _Study, block: Sequence[Item]) -> list[Any]:
    """Plan a block of items; the unit of work of every executor (runs on workers)."""
    out: list[Any] = []
    via = via_places(study.options.get("via", ()))
    for t, m, o, d in block:
        prepared = study.prepared(t, m)
        (itinerary,) = _solve(prepared, study.origins[o], study.destinations[d], via)
        member = m if study.members is not None else None
        out.append(itinerary if study.full else AccessCell.from_itinerary(itinerary, member))
    return out


def _describe_weather(weather: Any, members: int | None) -> str:
    if members is not None:
        return "climatology"
    if weather is None:
        return "calm"
    if isinstance(weather, str | Path):
        return str(weather)
    return str(getattr(weather, "name", type(weather).__name__))


# --------------------------------------------------------------------------- executors


def _execute(
    study: _Study,
    items: list[Item],
    executor: str,
    scheduler: Any,
    workers: int | None,
    progress: bool | ProgressCallback,
    label: str,
) -> list[Any]:
    """Run every item on the chosen executor; outputs in item order."""
    if executor not in EXECUTORS:
        hint = difflib.get_close_matches(str(executor), EXECUTORS, n=1)
        extra = f"; did you mean {hint[0]!r}?" if hint else ""
        msg = f"executor {executor!r} must be one of {', '.join(map(repr, EXECUTORS))}{extra}"
        raise BatchInputError(msg)
    if executor == "local" and (scheduler is not None or workers is not None):
        msg = "scheduler= and workers= need executor='dask'; the local executor is one process"
        raise BatchInputError(msg)
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        msg = f"workers {workers!r} must be a positive integer"
        raise BatchInputError(msg)
    if workers is not None and scheduler is not None:
        msg = "workers= sizes a new LocalCluster; a scheduler= cluster is already sized"
        raise BatchInputError(msg)
    report = _Progress(progress, len(items), label)
    try:
        if executor == "local":
            outputs: list[Any] = []
            for item in items:
                outputs.extend(_run_block(study, [item]))
                report.advance(1)
            return outputs
        return _run_dask(study, items, scheduler, workers, report)
    finally:
        report.close()


def _import_distributed() -> Any:
    try:
        return importlib.import_module("distributed")
    except ImportError:
        msg = (
            "executor='dask' needs dask.distributed, which is not installed: "
            "pip install 'arcticroute[dask]'"
        )
        raise MissingExtraError(msg) from None


def _run_dask(
    study: _Study,
    items: list[Item],
    scheduler: Any,
    workers: int | None,
    report: _Progress,
) -> list[Any]:
    distributed = _import_distributed()
    cluster = None
    if scheduler is None:
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
        )
        client = distributed.Client(cluster)
    elif isinstance(scheduler, str):
        client = distributed.Client(scheduler)
    elif isinstance(scheduler, distributed.Client):
        client = scheduler
    else:
        msg = (
            f"scheduler {scheduler!r} must be an address like 'tcp://host:8786' or a "
            "distributed.Client"
        )
        raise BatchInputError(msg)
    futures: list[Any] = []
    try:
        threads = max(1, sum(client.nthreads().values()))
        size = min(_MAX_BLOCK, max(1, math.ceil(len(items) / (threads * _TASKS_PER_THREAD))))
        # A block never spans two (departure, member) groups: a worker prepares each group's
        # network and weather once and solves all of the group's pairs it gets against it.
        groups: dict[tuple[int, int], list[Item]] = {}
        for item in items:
            groups.setdefault(item[:2], []).append(item)
        blocks = [
            group[i : i + size] for group in groups.values() for i in range(0, len(group), size)
        ]
        # One copy of the network, vehicle and settings per worker, not one per task.
        shared = client.scatter(study, broadcast=True, hash=False)
        futures = [client.submit(_run_block, shared, block, pure=False) for block in blocks]
        position = {future.key: i for i, future in enumerate(futures)}
        results: list[list[Any]] = [[] for _ in blocks]
        for future in distributed.as_completed(futures):
            i = position[future.key]
            results[i] = future.result()
            report.advance(len(blocks[i]))
        return [output for block in results for output in block]
    finally:
        if futures:
            client.cancel(futures)
        if scheduler is not client:
            client.close()
        if cluster is not None:
            cluster.close()


class _Progress:
    """Reports plans done: to a callback, a tqdm or rich bar, or a line of text on stderr."""

    def __init__(self, progress: bool | ProgressCallback, total: int, label: str) -> None:
        self.total = total
        self.done = 0
        self.callback: ProgressCallback | None = None
        self.bar: Any = None
        self.rich: Any = None
        self.task: Any = None
        self.text = False
        self.shown = 0.0
        self.label = label
        if callable(progress):
            self.callback = progress
        elif progress:
            self._open_bar(label)

    def _open_bar(self, label: str) -> None:
        try:
            tqdm = importlib.import_module("tqdm")
            self.bar = tqdm.tqdm(total=self.total, desc=label, unit="plan")
            return
        except ImportError:
            pass
        try:
            rich_progress = importlib.import_module("rich.progress")
            self.rich = rich_progress.Progress(transient=False)
            self.rich.start()
            self.task = self.rich.add_task(label, total=self.total)
            return
        except ImportError:
            pass
        self.text = True

    def advance(self, n: int) -> None:
        """Count ``n`` more plans as done."""
        self.done += n
        if self.callback is not None:
            self.callback(self.done, self.total)
        elif self.bar is not None:
            self.bar.update(n)
        elif self.rich is not None:
            self.rich.update(self.task, advance=n)
        elif self.text:
            now = time.monotonic()
            if now - self.shown >= 0.5 or self.done == self.total:
                self.shown = now
                sys.stderr.write(f"\r{self.label}: {self.done}/{self.total} plans")
                sys.stderr.flush()

    def close(self) -> None:
        """Finish the bar (a no-op for callbacks)."""
        if self.bar is not None:
            self.bar.close()
        elif self.rich is not None:
            self.rich.stop()
        elif self.text and self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()
