"""Itineraries: legs, waits, refuels, warnings, and their renderings (table, JSON).

An `Itinerary` is what `arcticroute.plan` returns: either a feasible plan (legs with depart and
arrive times and fuel, waits with their reason, refuels) or ``feasible=False`` with the reason
in words a planner acts on. Times are timezone-aware datetimes (Asia/Anadyr by default).
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import LineString

from .network import ICE_TERRAINS
from .physics import ice_speed_cap_kmh

__all__ = ["Itinerary", "Leg", "Refuel", "Wait", "ice_warning"]


@dataclass(frozen=True, slots=True)
class Leg:
    """One drive between two consecutive stops.

    Attributes
    ----------
    origin, destination : str
        Place ids (a rest point on a zimnik is named like ``"Pevek-Bilibino km 169"``).
    terrain : str
        Terrain class of the link.
    distance_km : float
        Kilometres driven.
    depart, arrive : datetime.datetime
        Timezone-aware times.
    fuel_before_l, fuel_after_l : float
        Litres on board at departure and arrival.
    link_id : str
        The link travelled (``"Lavrentiya-Uelen"``).
    assumed : bool
        The link's route is an assumption.
    risk : float
        Weighted exposure hours of this leg (see `arcticroute.compile`).
    geometry : shapely.LineString
        (lon, lat) from ``origin`` to ``destination``.
    """

    origin: str
    destination: str
    terrain: str
    distance_km: float
    depart: dt.datetime
    arrive: dt.datetime
    fuel_before_l: float
    fuel_after_l: float
    link_id: str
    assumed: bool
    risk: float
    geometry: LineString = field(repr=False, compare=False)

    @property
    def hours(self) -> float:
        """Driving time of the leg, hours."""
        return (self.arrive - self.depart).total_seconds() / 3600.0


@dataclass(frozen=True, slots=True)
class Wait:
    """Standing still at a place.

    Attributes
    ----------
    at : str
        Place id.
    start, until : datetime.datetime
        Timezone-aware times.
    reason : str
        Why: a weather closure (which, until when), crew rest, or a halt in fair weather.
    shelter : bool
        Whether the place is a shelter (false only for halts in the open in fair weather).
    """

    at: str
    start: dt.datetime
    until: dt.datetime
    reason: str
    shelter: bool = True

    @property
    def hours(self) -> float:
        """Duration, hours."""
        return (self.until - self.start).total_seconds() / 3600.0


@dataclass(frozen=True, slots=True)
class Refuel:
    """A refuelling stop.

    Attributes
    ----------
    at : str
        Place id of the depot.
    start, until : datetime.datetime
        When the stop begins and ends.
    litres : float
        Litres taken on.
    confidence : str
        ``confirmed`` or ``likely`` (a likely depot may have no fuel: confirm by radio).
    """

    at: str
    start: dt.datetime
    until: dt.datetime
    litres: float
    confidence: str


@dataclass(frozen=True, slots=True)
class Itinerary:
    """A planned trip, or the reason there is none.

    Attributes
    ----------
    feasible : bool
        Whether a route exists under every constraint.
    origin, destination : str
        Place ids.
    vehicle : str
        Vehicle id.
    objective : str
        ``time``, ``fuel`` or ``risk``.
    depart : datetime.datetime
        Requested departure (timezone-aware).
    arrive : datetime.datetime or None
        Arrival, None when infeasible.
    legs, waits, refuels : tuple
        The plan, in time order.
    warnings : tuple of str
        What the plan rests on: refuels at likely depots, assumed routes, halts in the open.
    reason : str
        Why no route exists ("" when feasible).
    binding : str
        The constraint that binds when infeasible (``range``, ``weather``, ``season``, ...).
    risk : float
        Weighted exposure hours of the whole plan.
    fuel_start_l : float
        Litres on board at departure.
    opens_on : datetime.date or None
        When infeasible because links are closed for the season: the first day (within a
        year, local date) on which the seasons open the way; else None.
    """

    feasible: bool
    origin: str
    destination: str
    vehicle: str
    objective: str
    depart: dt.datetime
    arrive: dt.datetime | None = None
    legs: tuple[Leg, ...] = ()
    waits: tuple[Wait, ...] = ()
    refuels: tuple[Refuel, ...] = ()
    warnings: tuple[str, ...] = ()
    reason: str = ""
    binding: str = ""
    risk: float = 0.0
    fuel_start_l: float = 0.0
    opens_on: dt.date | None = None

    @property
    def distance_km(self) -> float:
        """Total kilometres driven."""
        return sum(leg.distance_km for leg in self.legs)

    @property
    def driving_h(self) -> float:
        """Total hours driving."""
        return sum(leg.hours for leg in self.legs)

    @property
    def duration_h(self) -> float:
        """Hours from departure to arrival (0 when infeasible)."""
        if self.arrive is None:
            return 0.0
        return (self.arrive - self.depart).total_seconds() / 3600.0

    @property
    def fuel_used_l(self) -> float:
        """Litres burnt."""
        return sum(leg.fuel_before_l - leg.fuel_after_l for leg in self.legs)

    @property
    def route(self) -> tuple[str, ...]:
        """Places passed, origin to destination (rest points included)."""
        if not self.legs:
            return (self.origin,) if self.feasible else ()
        return (self.legs[0].origin, *(leg.destination for leg in self.legs))

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON schema as a dict (stable keys).

        Returns
        -------
        dict
            Keys: feasible, origin, destination, vehicle, objective, depart, arrive,
            duration_h, driving_h, distance_km, fuel_used_l, risk, legs, waits, refuels,
            reason, binding, opens_on, warnings. Times are ISO 8601 with offset (opens_on:
            a local date, or null); km, h, L rounded to 3 decimals.
        """

        def iso(value: dt.datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        return {
            "feasible": self.feasible,
            "origin": self.origin,
            "destination": self.destination,
            "vehicle": self.vehicle,
            "objective": self.objective,
            "depart": iso(self.depart),
            "arrive": iso(self.arrive),
            "duration_h": round(self.duration_h, 3),
            "driving_h": round(self.driving_h, 3),
            "distance_km": round(self.distance_km, 3),
            "fuel_used_l": round(self.fuel_used_l, 3),
            "risk": round(self.risk, 3),
            "legs": [
                {
                    "from": leg.origin,
                    "to": leg.destination,
                    "terrain": leg.terrain,
                    "distance_km": round(leg.distance_km, 3),
                    "depart": iso(leg.depart),
                    "arrive": iso(leg.arrive),
                    "fuel_before_l": round(leg.fuel_before_l, 3),
                    "fuel_after_l": round(leg.fuel_after_l, 3),
                    "link": leg.link_id,
                    "assumed": leg.assumed,
                }
                for leg in self.legs
            ],
            "waits": [
                {
                    "at": w.at,
                    "from": iso(w.start),
                    "until": iso(w.until),
                    "reason": w.reason,
                    "shelter": w.shelter,
                }
                for w in self.waits
            ],
            "refuels": [
                {
                    "at": r.at,
                    "litres": round(r.litres, 3),
                    "from": iso(r.start),
                    "until": iso(r.until),
                    "confidence": r.confidence,
                }
                for r in self.refuels
            ],
            "checkpoints": [
                {"at": c["at"], "expected": c["expected"], "overdue_after": c["overdue_after"]}
                for c in (self.checkpoints() if self.feasible else [])
            ],
            "reason": self.reason,
            "binding": self.binding,
            "opens_on": None if self.opens_on is None else self.opens_on.isoformat(),
            "warnings": list(self.warnings),
        }

    def checkpoints(self, margin_h: float | None = None) -> list[dict[str, Any]]:
        """The trip sheet: each stop's expected arrival and when it is overdue.

        Parameters
        ----------
        margin_h
            Hours after the expected arrival before a stop counts as overdue; None uses
            the documented default (3 h + 25 % of the leg's driving time, see
            `arcticroute.export.checkpoints`).

        Returns
        -------
        list of dict
            ``at``, ``expected``, ``overdue_after`` (ISO 8601 with offset), and more.
        """
        from .export import checkpoints

        return checkpoints(self, margin_h)

    def to_geojson(self, network: Any = None) -> dict[str, Any]:
        """The route as an RFC 7946 FeatureCollection (split at the antimeridian)."""
        from .export import itinerary_to_geojson

        return itinerary_to_geojson(self, network)

    def to_gpx(self) -> str:
        """GPX 1.1 text: the route as a timed track with a waypoint per stop."""
        from .export import itinerary_to_gpx

        return itinerary_to_gpx(self)

    def to_kml(self) -> str:
        """KML text for Google Earth: legs split at 180 degrees, placemarks for stops."""
        from .export import itinerary_to_kml

        return itinerary_to_kml(self)

    def to_dataframe(self) -> Any:
        """A pandas DataFrame of legs, waits and refuels in time order (needs pandas)."""
        from .export import itinerary_to_dataframe

        return itinerary_to_dataframe(self)

    def plot(self, network: Any, path: Any = None) -> Any:
        """A static map (matplotlib Figure, saved as PNG when ``path`` is given).

        Needs the ``maps`` extra.
        """
        from .viz import plot_itinerary

        return plot_itinerary(self, network, path)

    def to_json(self, *, indent: int | None = 1) -> str:
        """Serialise `to_dict` as JSON text (UTF-8 safe, deterministic)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_table(self) -> str:
        """A table readable in an 80-column terminal: legs, waits and refuels in time order.

        Returns
        -------
        str
        """
        head = f"{self.origin} -> {self.destination} by {self.vehicle}"
        if not self.feasible:
            return "\n".join([f"{head}: NO FEASIBLE ROUTE", *textwrap.wrap(self.reason, 79)])

        def hm(value: dt.datetime) -> str:
            return value.strftime("%d %b %H:%M")

        events: list[tuple[dt.datetime, int, str]] = []
        for leg in self.legs:
            mark = "*" if leg.assumed else " "
            events.append(
                (
                    leg.depart,
                    1,
                    f"{hm(leg.depart)} {hm(leg.arrive)} {_clip(leg.origin, 12):12} "
                    f"{_clip(leg.destination, 12):12} {leg.terrain:11} {leg.distance_km:4.0f}"
                    f"{mark}{leg.fuel_before_l:4.0f}>{leg.fuel_after_l:<4.0f}",
                )
            )
        for wait in self.waits:
            events.append(
                (
                    wait.start,
                    0,
                    "\n".join(
                        textwrap.wrap(
                            f"{hm(wait.start)} {hm(wait.until)} wait {wait.hours:.0f} h at "
                            f"{wait.at}{'' if wait.shelter else ' (in the open)'}: {wait.reason}",
                            width=78,
                            subsequent_indent=" " * 26,
                        )
                    ),
                )
            )
        for refuel in self.refuels:
            mark = "*" if refuel.confidence != "confirmed" else ""
            events.append(
                (
                    refuel.start,
                    0,
                    f"{hm(refuel.start)} {hm(refuel.until)} refuel at {refuel.at}: "
                    f"+{refuel.litres:.0f} L{mark}",
                )
            )
        events.sort(key=lambda e: (e[0], e[1]))
        lines = [
            head,
            f"{'depart':12} {'arrive':12} {'from':12} {'to':12} {'terrain':11} {'km':>4}  fuel L",
            "-" * 78,
            *(text.rstrip() for _, _, text in events),
            "-" * 78,
            f"{self.distance_km:.0f} km, {self.driving_h:.1f} h driving, {self.duration_h:.1f} h "
            f"elapsed, {self.fuel_used_l:.0f} L burnt, risk {self.risk:.1f}",
        ]
        if self.arrive is not None:
            lines.append(f"depart {self.depart.isoformat()}  arrive {self.arrive.isoformat()}")
        for warning in self.warnings:
            lines.extend(textwrap.wrap(f"warning: {warning}", width=79, subsequent_indent="  "))
        if any(leg.assumed for leg in self.legs) or any(
            r.confidence != "confirmed" for r in self.refuels
        ):
            lines.append("* rests on an assumption (see warnings)")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_table()

    def __repr__(self) -> str:
        if not self.feasible:
            return (
                f"<Itinerary {self.origin} -> {self.destination} by {self.vehicle}: "
                f"infeasible ({self.binding}): {self.reason}>"
            )
        assert self.arrive is not None
        return (
            f"<Itinerary {self.origin} -> {self.destination} by {self.vehicle}: "
            f"{len(self.legs)} legs, {self.distance_km:.0f} km, arrive "
            f"{self.arrive.isoformat()} ({self.duration_h:.1f} h), {len(self.refuels)} refuels, "
            f"{len(self.waits)} waits, {len(self.warnings)} warnings>"
        )


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def ice_warning(legs: Sequence[Leg], gross_mass_kg: float) -> str:
    """The rules of ice travel, naming the legs on ice ("" when there are none).

    Parameters
    ----------
    legs
        The plan's legs.
    gross_mass_kg
        The vehicle's gross mass, kg (it sets the speed cap on ice).

    Returns
    -------
    str
        The warning, or "".
    """
    ice_legs = [leg for leg in legs if leg.terrain in ICE_TERRAINS]
    if not ice_legs:
        return ""
    cap = ice_speed_cap_kmh(gross_mass_kg)
    return (
        f"on ice ({', '.join(f'{leg.origin}-{leg.destination}' for leg in ice_legs)}): "
        f"at most {cap:g} km/h for {gross_mass_kg / 1000:g} t, one vehicle at a time, "
        "100 m apart; no ice travel below 0.3 km visibility"
    )
