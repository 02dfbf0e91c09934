"""Itineraries as files for other tools: GeoJSON, GPX, KML, a pandas table, a trip sheet.

Every function takes an `arcticroute.itinerary.Itinerary` and returns text or plain data; none
writes files (the caller chooses where). gpxpy, simplekml and pandas are imported only by the
function that needs them.

Stops
-----
A *stop* is the origin and each leg's destination, in travel order: ``kind`` is ``"origin"``,
``"via"`` (every intermediate place, rest points on a winter road included) or
``"destination"``. Waits and refuels happen at stops; the GeoJSON and KML outputs give each of
them a point of its own (kinds ``"wait"`` and ``"refuel"``) at the stop's position, GPX folds
them into the stop's waypoint description (a GPS unit shows one flag per place).

Positions come from the legs' geometries, never from the network, so rest points that are not
network nodes have a position too.

The antimeridian
----------------
Leg geometries hold longitudes in [-180, 180) with consecutive vertices joined the short way
round (179.5 -> -179.5 crosses 180). GeoJSON and KML cut each leg where it crosses 180 (at the
great-circle crossing latitude, as `arcticroute.geojson` does for networks) and write the
pieces as a MultiLineString / MultiGeometry whose parts end and start on the 180th meridian;
GPX starts a new track segment there. No written segment spans more than 180 degrees of
longitude, so QGIS, geojson.io, Google Earth and GPS units draw the short way.

Overdue times
-------------
`checkpoints` gives whoever stays behind the time after which each stop is *overdue*:
expected arrival plus a margin. The default margin is ``3 h + 25 %`` of the driving time of
the leg into the stop (`DEFAULT_OVERDUE_MARGIN_H`, `DEFAULT_OVERDUE_FRACTION`). The fixed
3 hours absorb the ordinary small delays of any leg, short or long: a late start, a thrown
track or a bogged sled dug out, a whiteout sat out for an hour. The proportional part scales
with exposure: speed over snow, tundra and ice varies by about a quarter with surface and
visibility, so a 12-hour leg can run 3 hours late without anything being wrong. A flat
``margin_h`` replaces the rule when the crew and the base agree on one. A stop is never
overdue before the stop ahead of it on the route: a crew that runs late on a long leg
reaches the next stop late too, and a short leg's own margin would raise the alarm there
before the long leg's had run out (its margin is then stretched to the earlier stop's time).
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .geodesy import geodesic_km, normalize_lon
from .itinerary import Itinerary, Leg, Refuel, Wait

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "DEFAULT_OVERDUE_FRACTION",
    "DEFAULT_OVERDUE_MARGIN_H",
    "checkpoint_table",
    "checkpoints",
    "itinerary_to_dataframe",
    "itinerary_to_geojson",
    "itinerary_to_gpx",
    "itinerary_to_kml",
]

DEFAULT_OVERDUE_MARGIN_H = 3.0
"""Fixed part of the default overdue margin, hours (see the module docstring)."""

DEFAULT_OVERDUE_FRACTION = 0.25
"""Part of the leg's driving time added to the default overdue margin (0.25 = 25 %)."""

_GPX_MAX_LON = 180.0 - 1e-7
"""GPX 1.1 longitudes are < 180 (``maxExclusive``); a crossing at 180 is written 5 mm west."""

Position = tuple[float, float]


# ---------------------------------------------------------------------------------------------
# stops shared by every output


@dataclass(frozen=True, slots=True)
class _Stop:
    """A place the route reaches, with what happens there."""

    index: int
    kind: str  # origin | via | destination
    at: str
    lon: float
    lat: float
    arrive: dt.datetime | None  # None at the origin
    depart: dt.datetime | None  # None at the destination
    leg_h: float  # driving hours of the leg into the stop (0 at the origin)
    km: float  # kilometres driven from the origin
    waits: tuple[Wait, ...]
    refuels: tuple[Refuel, ...]

    @property
    def expected(self) -> dt.datetime:
        """Arrival, or departure at the origin."""
        value = self.arrive if self.arrive is not None else self.depart
        assert value is not None
        return value

    @property
    def events(self) -> list[Wait | Refuel]:
        """The refuels and waits made here, in time order (a refuel first on a tie)."""
        both: list[Wait | Refuel] = [*self.refuels, *self.waits]
        return sorted(both, key=lambda e: e.start)


def _lon180(lon: float) -> float:
    # Values already in [-180, 180] stay bit-exact.
    return lon if -180.0 <= lon <= 180.0 else float(normalize_lon(lon))


def _stops(it: Itinerary) -> list[_Stop]:
    """The origin and every leg's destination, with the waits and refuels made there."""
    if not it.feasible or not it.legs:
        return []
    legs = it.legs
    starts = [legs[0].geometry.coords[0], *(leg.geometry.coords[-1] for leg in legs)]
    places = [legs[0].origin, *(leg.destination for leg in legs)]
    arrivals: list[dt.datetime | None] = [None, *(leg.arrive for leg in legs)]
    departures: list[dt.datetime | None] = [*(leg.depart for leg in legs), None]
    # The window each stop occupies: from arrival (the requested departure at the origin) to
    # departure (the end of the plan at the destination).
    opens = [it.depart, *(leg.arrive for leg in legs)]
    closes = [*(leg.depart for leg in legs), it.arrive or legs[-1].arrive]
    events: list[list[Wait | Refuel]] = [[] for _ in places]
    made: list[Wait | Refuel] = [*it.waits, *it.refuels]
    for event in made:
        events[_stop_of(event, places, opens, closes)].append(event)
    stops = []
    km = 0.0
    for index, place in enumerate(places):
        leg_h = legs[index - 1].hours if index else 0.0
        km += legs[index - 1].distance_km if index else 0.0
        kind = "origin" if index == 0 else "destination" if index == len(legs) else "via"
        here = sorted(events[index], key=lambda e: e.start)
        lon, lat = starts[index][:2]
        stops.append(
            _Stop(
                index=index,
                kind=kind,
                at=place,
                lon=_lon180(float(lon)),
                lat=float(lat),
                arrive=arrivals[index],
                depart=departures[index],
                leg_h=leg_h,
                km=km,
                waits=tuple(e for e in here if isinstance(e, Wait)),
                refuels=tuple(e for e in here if isinstance(e, Refuel)),
            )
        )
    return stops


def _stop_of(
    event: Wait | Refuel,
    places: Sequence[str],
    opens: Sequence[dt.datetime],
    closes: Sequence[dt.datetime],
) -> int:
    """Index of the stop where a wait or refuel happens (same place, time inside its window)."""
    candidates = [i for i, place in enumerate(places) if place == event.at]
    for i in candidates:
        if opens[i] <= event.start <= closes[i]:
            return i
    earlier = [i for i in candidates if opens[i] <= event.start]
    if earlier:
        return earlier[-1]
    if candidates:
        return candidates[0]
    # Not at any stop (should not happen): attach it to the last stop reached before it.
    reached = [i for i, opened in enumerate(opens) if opened <= event.start]
    return reached[-1] if reached else 0


def _overdue_margin_h(stop: _Stop, margin_h: float | None) -> float:
    if margin_h is not None:
        return float(margin_h)
    return DEFAULT_OVERDUE_MARGIN_H + DEFAULT_OVERDUE_FRACTION * stop.leg_h


def _overdue(stop: _Stop, margin_h: float | None) -> dt.datetime:
    """Expected arrival plus the margin, rounded up to the whole minute."""
    late = stop.expected + dt.timedelta(hours=_overdue_margin_h(stop, margin_h))
    floor = late.replace(second=0, microsecond=0)
    return floor if floor == late else floor + dt.timedelta(minutes=1)


def _overdue_times(stops: list[_Stop], margin_h: float | None) -> list[dt.datetime | None]:
    """Per stop, when it is overdue (None at the origin), never before the stop ahead's."""
    out: list[dt.datetime | None] = []
    floor: dt.datetime | None = None
    for stop in stops:
        if stop.kind == "origin":
            out.append(None)
            continue
        late = _overdue(stop, margin_h)
        if floor is not None and late < floor:
            late = floor
        floor = late
        out.append(late)
    return out


def _check_margin(margin_h: float | None) -> None:
    if margin_h is None:
        return
    if isinstance(margin_h, bool) or not isinstance(margin_h, int | float):
        msg = f"margin_h {margin_h!r} must be a number of hours >= 0, or None for the default"
        raise TypeError(msg)
    if not (math.isfinite(margin_h) and margin_h >= 0):
        msg = f"margin_h {margin_h!r} must be a finite number of hours >= 0, or None"
        raise ValueError(msg)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _short(value: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    return value.astimezone(tz).strftime("%d %b %H:%M") if tz else value.strftime("%d %b %H:%M")


def _hours(value: float) -> str:
    return f"{value:.1f} h" if value < 10 else f"{value:.0f} h"


def _stop_notes(stop: _Stop, tz: dt.tzinfo | None = None) -> list[str]:
    """What happens at a stop, one short line per refuel and wait."""
    notes = []
    for refuel in stop.refuels:
        mark = "" if refuel.confidence == "confirmed" else f" ({refuel.confidence} depot)"
        notes.append(f"refuel +{refuel.litres:.0f} L{mark}")
    for wait in stop.waits:
        notes.append(f"wait {_hours(wait.hours)} until {_short(wait.until, tz)}: {wait.reason}")
    return notes


def _summary(it: Itinerary) -> dict[str, Any]:
    summary = it.to_dict()
    for key in ("legs", "waits", "refuels"):
        del summary[key]
    return summary


def _title(it: Itinerary) -> str:
    return f"{it.origin} -> {it.destination} by {it.vehicle}"


# ---------------------------------------------------------------------------------------------
# geometry: antimeridian pieces, times along a leg


def _pieces(line_coords: Sequence[Sequence[float]]) -> list[list[Position]]:
    """A leg's vertices cut at every crossing of 180 (see `arcticroute.geojson`)."""
    from .geojson import _split_at_antimeridian

    coords = [(_lon180(float(c[0])), float(c[1])) for c in line_coords]
    return [[(p[0], p[1]) for p in part] for part in _split_at_antimeridian(coords)]


def _timed_pieces(leg: Leg) -> list[list[tuple[float, float, dt.datetime]]]:
    """A leg's antimeridian pieces with a time on every vertex, interpolated by distance.

    The time at a vertex is ``depart + (arrive - depart) * s / length`` where ``s`` is the
    geodesic distance (km) driven along the vertices so far; the crossing points on 180 get
    the time of the crossing. The first vertex is at ``depart``, the last at ``arrive``.
    """
    pieces = _pieces(leg.geometry.coords)
    along: list[list[float]] = []
    total = 0.0
    previous: Position | None = None
    for piece in pieces:
        distances = []
        for vertex in piece:
            if previous is not None and not _same_crossing(previous, vertex):
                total += geodesic_km(previous[0], previous[1], vertex[0], vertex[1])
            distances.append(total)
            previous = vertex
        along.append(distances)
    duration = leg.arrive - leg.depart
    timed = []
    for piece, distances in zip(pieces, along, strict=True):
        timed.append(
            [
                (
                    lon,
                    lat,
                    leg.depart + duration * (s / total) if total > 0 else leg.depart,
                )
                for (lon, lat), s in zip(piece, distances, strict=True)
            ]
        )
    timed[-1][-1] = (*timed[-1][-1][:2], leg.arrive)
    return timed


def _same_crossing(a: Position, b: Position) -> bool:
    return abs(a[0]) == 180.0 and abs(b[0]) == 180.0 and a[1] == b[1]


def _line_geometry(leg: Leg) -> dict[str, Any]:
    pieces = _pieces(leg.geometry.coords)
    if len(pieces) == 1:
        return {"type": "LineString", "coordinates": [list(p) for p in pieces[0]]}
    return {"type": "MultiLineString", "coordinates": [[list(p) for p in q] for q in pieces]}


# ---------------------------------------------------------------------------------------------
# checkpoints


def checkpoints(it: Itinerary, margin_h: float | None = None) -> list[dict[str, Any]]:
    """The trip sheet for whoever stays behind: when each stop is expected, when it is overdue.

    Parameters
    ----------
    it : Itinerary
        A planned trip. An infeasible one has no stops and gives ``[]``.
    margin_h : float or None
        Hours after the expected arrival at which a stop is overdue, the same for every stop.
        None (default) uses the documented rule: `DEFAULT_OVERDUE_MARGIN_H` (3 h) plus
        `DEFAULT_OVERDUE_FRACTION` (25 %) of the driving hours of the leg into the stop (see
        the module docstring for why).

    Returns
    -------
    list of dict
        One dict per stop, the origin first, then each leg's destination. Keys:

        ``index`` (int, 0 at the origin), ``kind`` (``origin``, ``via``, ``destination``),
        ``at`` (place id), ``lon``, ``lat`` (degrees), ``km`` (kilometres driven from the
        origin), ``leg_h`` (driving hours of the leg into the stop), ``expected`` (ISO 8601
        with offset: the arrival; at the origin the departure), ``depart`` (when the plan
        leaves the stop; None at the destination), ``overdue_after`` (ISO 8601: expected plus
        the margin, rounded up to the whole minute, and never before the previous stop's;
        None at the origin, where the departure is seen), ``margin_h`` (hours; 0 at the
        origin; stretched where the previous stop's overdue time is later), ``notes`` (list
        of str: refuels and waits at the stop).

    Raises
    ------
    ValueError
        If `margin_h` is negative, NaN or infinite.

    Notes
    -----
    Times are the plan's. If the crew reports in late at a stop, the later stops shift by the
    same delay: the sheet printed by `checkpoint_table` says so.

    Examples
    --------
    >>> from arcticroute.planning import plan
    >>> it = plan("chukotka", "Anadyr", "Egvekinot", "trekol", depart="2027-03-10T08:00")
    >>> [(c["at"], c["overdue_after"]) for c in checkpoints(it, margin_h=4)][1:]
    [('Uelkal', '2027-03-10T18:26:00+12:00'), ('Egvekinot', '2027-03-10T23:13:00+12:00')]
    """
    _check_margin(margin_h)
    rows = []
    stops = _stops(it)
    for stop, overdue in zip(stops, _overdue_times(stops, margin_h), strict=True):
        margin = _overdue_margin_h(stop, margin_h) if overdue is not None else 0.0
        if overdue is not None and overdue - stop.expected > dt.timedelta(hours=margin, minutes=1):
            margin = (overdue - stop.expected).total_seconds() / 3600.0  # stretched
        rows.append(
            {
                "index": stop.index,
                "kind": stop.kind,
                "at": stop.at,
                "lon": stop.lon,
                "lat": stop.lat,
                "km": round(stop.km, 3),
                "leg_h": round(stop.leg_h, 3),
                "expected": _iso(stop.expected),
                "depart": _iso(stop.depart),
                "overdue_after": _iso(overdue),
                "margin_h": round(margin, 3),
                "notes": _stop_notes(stop),
            }
        )
    return rows


def checkpoint_table(it: Itinerary, margin_h: float | None = None) -> str:
    """The trip sheet of `checkpoints` as text for an 80-column terminal or a printout.

    Parameters
    ----------
    it : Itinerary
        A planned trip; an infeasible one gives the reason instead of a table.
    margin_h : float or None
        Flat overdue margin in hours; None for the default rule (see `checkpoints`).

    Returns
    -------
    str
        Lines of at most 80 characters, times in the zone of the departure (Asia/Anadyr for
        plans made by `arcticroute.plan`).
    """
    _check_margin(margin_h)
    head = f"Trip sheet: {_title(it)}"
    if not it.feasible:
        return "\n".join([head, "NO FEASIBLE ROUTE", *textwrap.wrap(it.reason, 79)])
    tz = it.depart.tzinfo
    offset = it.depart.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else "local time"
    rule = (
        f"{margin_h:g} h after the expected time"
        if margin_h is not None
        else f"{DEFAULT_OVERDUE_MARGIN_H:g} h + {DEFAULT_OVERDUE_FRACTION:.0%} of the leg's "
        "driving time"
    )
    lines = [
        _clip(head, 79),
        f"Times {zone}. Overdue margin: {rule}.",
        "No word from the crew by 'overdue after': raise the alarm.",
        "",
        f"{'#':>2}  {'stop':24}  {'expected':12}  {'overdue after':13}  {'km':>6}",
        "-" * 79,
    ]
    stops = _stops(it)
    for stop, overdue in zip(stops, _overdue_times(stops, margin_h), strict=True):
        late = "(departure)" if overdue is None else _short(overdue, tz)
        lines.append(
            f"{stop.index:>2}  {_clip(stop.at, 24):24}  {_short(stop.expected, tz):12}  "
            f"{late:13}  {stop.km:6.0f}"
        )
        for note in _stop_notes(stop, tz):
            lines.extend(textwrap.wrap(note, 79, initial_indent=" " * 6, subsequent_indent=" " * 8))
    lines.append("-" * 79)
    lines.append("Crew reports in late at a stop? Shift every later time by the same delay.")
    for warning in it.warnings:
        lines.extend(textwrap.wrap(f"warning: {warning}", 79, subsequent_indent="  "))
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------------------------------------
# GeoJSON


def itinerary_to_geojson(it: Itinerary, network: nx.MultiDiGraph | None = None) -> dict[str, Any]:
    """The itinerary as an RFC 7946 GeoJSON FeatureCollection (loads in QGIS, geojson.io).

    Parameters
    ----------
    it : Itinerary
        A planned trip.
    network : networkx.MultiDiGraph, optional
        The network planned on; when given, stop points that are network nodes also carry the
        node's ``name`` (and ``name_ru`` where it has one).

    Returns
    -------
    dict
        A FeatureCollection (``json.dumps`` it to write a file), features in this order:

        - one per leg, ``id`` ``"leg-<i>"``: a LineString, or a MultiLineString cut at 180
          when the leg crosses the antimeridian; properties as the legs of
          `Itinerary.to_dict` (``from``, ``to``, ``terrain``, ``distance_km``, ``depart``,
          ``arrive``, ``fuel_before_l``, ``fuel_after_l``, ``link``, ``assumed``) plus
          ``kind`` ``"leg"``, ``index``, ``driving_h`` and ``risk``;
        - one Point per stop (``id`` ``"stop-<i>"``; ``kind`` ``origin``, ``via`` or
          ``destination``, ``at``, ``arrive``, ``depart``, ``expected``, ``overdue_after``
          as in `checkpoints` with the default margin, ``km``), each followed by a Point per
          refuel (``kind`` ``"refuel"``, ``at``, ``from``, ``until``, ``litres``,
          ``confidence``) and wait (``kind`` ``"wait"``, ``at``, ``from``, ``until``,
          ``hours``, ``reason``, ``shelter``) made there, in time order.

        The foreign member ``"itinerary"`` holds the summary: `Itinerary.to_dict` without the
        legs, waits and refuels (feasible, vehicle, depart, arrive, warnings, reason, ...).
        An infeasible itinerary gives no features and the reason in the summary.

    Notes
    -----
    Longitudes are within [-180, 180]; no segment spans more than 180 degrees of longitude.
    Times are ISO 8601 with offset; km, h and L are rounded to 3 decimals.
    """
    features: list[dict[str, Any]] = []
    props: dict[str, Any]
    legs = it.to_dict()["legs"]
    for index, (leg, schema) in enumerate(zip(it.legs, legs, strict=True)):
        features.append(
            {
                "type": "Feature",
                "id": f"leg-{index}",
                "properties": {
                    "kind": "leg",
                    "index": index,
                    **schema,
                    "driving_h": round(leg.hours, 3),
                    "risk": round(leg.risk, 3),
                },
                "geometry": _line_geometry(leg),
            }
        )
    for stop, row in zip(_stops(it), checkpoints(it), strict=True):
        point = {"type": "Point", "coordinates": [stop.lon, stop.lat]}
        props = {
            "kind": stop.kind,
            "at": stop.at,
            "arrive": _iso(stop.arrive),
            "depart": _iso(stop.depart),
            "expected": row["expected"],
            "overdue_after": row["overdue_after"],
            "km": row["km"],
        }
        node = network.nodes[stop.at] if network is not None and stop.at in network else None
        if node is not None:
            props["name"] = node.get("name", stop.at)
            if node.get("name_ru"):
                props["name_ru"] = node["name_ru"]
        features.append(
            {"type": "Feature", "id": f"stop-{stop.index}", "properties": props, "geometry": point}
        )
        for event in stop.events:
            if isinstance(event, Refuel):
                number = it.refuels.index(event)
                props = {
                    "kind": "refuel",
                    "at": event.at,
                    "from": _iso(event.start),
                    "until": _iso(event.until),
                    "litres": round(event.litres, 3),
                    "confidence": event.confidence,
                }
                ident = f"refuel-{number}"
            else:
                number = it.waits.index(event)
                props = {
                    "kind": "wait",
                    "at": event.at,
                    "from": _iso(event.start),
                    "until": _iso(event.until),
                    "hours": round(event.hours, 3),
                    "reason": event.reason,
                    "shelter": event.shelter,
                }
                ident = f"wait-{number}"
            features.append(
                {"type": "Feature", "id": ident, "properties": props, "geometry": dict(point)}
            )
    return {"type": "FeatureCollection", "itinerary": _summary(it), "features": features}


# ---------------------------------------------------------------------------------------------
# GPX


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(microsecond=0)


def itinerary_to_gpx(it: Itinerary) -> str:
    """The itinerary as GPX 1.1 (for GPS units, OsmAnd, Locus, QGIS), written with gpxpy.

    Parameters
    ----------
    it : Itinerary
        A planned trip.

    Returns
    -------
    str
        GPX 1.1 XML: ``metadata`` (name, summary, departure time), one ``trk`` for the route
        and one ``wpt`` per stop (origin, every leg's destination).

        The track has one ``trkseg`` per leg, or per piece of a leg cut where it crosses the
        antimeridian; each vertex has a ``time`` interpolated along the leg by geodesic
        distance (UTC, whole seconds, as GPX asks). A waypoint's ``time`` is the arrival
        (the departure at the origin), its ``desc`` the arrival, departure, overdue time and
        the refuels and waits made there, its ``type`` the stop kind and its ``sym`` a
        Garmin symbol (``Flag, Green`` origin, ``Flag, Red`` destination, ``Gas Station``
        refuel, ``Lodging`` wait, else ``Flag, Blue``). An infeasible itinerary gives only the
        metadata, with the reason.

    Raises
    ------
    ImportError
        If gpxpy is not installed.

    Notes
    -----
    GPX longitudes are below 180 (schema ``maxExclusive``); the end of a piece on the 180th
    meridian is written at 179.9999999 (5 mm west), the start of the next at -180.
    """
    try:
        import gpxpy.gpx
    except ImportError as err:  # pragma: no cover - depends on the environment
        msg = "itinerary_to_gpx needs gpxpy: pip install gpxpy"
        raise ImportError(msg) from err

    gpx = gpxpy.gpx.GPX()
    gpx.creator = "arcticroute"
    gpx.name = _title(it)
    gpx.description = _description(it)
    gpx.time = _utc(it.depart)
    if not it.feasible:
        return gpx.to_xml(version="1.1")
    rows = {row["index"]: row for row in checkpoints(it)}
    for stop in _stops(it):
        lines = []
        if stop.arrive is not None:
            lines.append(f"arrive {stop.arrive.isoformat()}")
        overdue = rows[stop.index]["overdue_after"]
        if overdue is not None:
            lines.append(f"overdue after {overdue}")
        lines.extend(_stop_notes(stop))
        if stop.depart is not None:
            lines.append(f"depart {stop.depart.isoformat()}")
        lines.append(f"{stop.km:.0f} km from {it.origin}")
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(
                latitude=stop.lat,
                longitude=min(stop.lon, _GPX_MAX_LON),
                time=_utc(stop.expected),
                name=stop.at,
                description="\n".join(lines),
                symbol=_gpx_symbol(stop),
                type=stop.kind,
            )
        )
    track = gpxpy.gpx.GPXTrack(name=_title(it), description=_description(it))
    track.type = it.vehicle  # type: ignore[assignment]  # gpxpy annotates it as None
    gpx.tracks.append(track)
    for leg in it.legs:
        for piece in _timed_pieces(leg):
            segment = gpxpy.gpx.GPXTrackSegment()
            segment.points.extend(
                gpxpy.gpx.GPXTrackPoint(
                    latitude=lat, longitude=min(lon, _GPX_MAX_LON), time=_utc(when)
                )
                for lon, lat, when in piece
            )
            track.segments.append(segment)
    return gpx.to_xml(version="1.1")


def _gpx_symbol(stop: _Stop) -> str:
    if stop.kind == "origin":
        return "Flag, Green"
    if stop.kind == "destination":
        return "Flag, Red"
    if stop.refuels:
        return "Gas Station"
    if stop.waits:
        return "Lodging"
    return "Flag, Blue"


def _description(it: Itinerary) -> str:
    if not it.feasible:
        return f"NO FEASIBLE ROUTE ({it.binding or 'no route'}): {it.reason}"
    assert it.arrive is not None
    lines = [
        f"depart {it.depart.isoformat()}, arrive {it.arrive.isoformat()} "
        f"({it.duration_h:.1f} h, {it.driving_h:.1f} h driving)",
        f"{it.distance_km:.0f} km, {it.fuel_used_l:.0f} L burnt, objective {it.objective}",
        *(f"warning: {w}" for w in it.warnings),
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# KML

_KML_ROUTE = "ff8a29e7"  # aabbggrr: magenta-red #e7298a, opaque
_KML_ASSUMED = "ff1c7fff"  # orange #ff7f1c: the route here is an assumption


def itinerary_to_kml(it: Itinerary) -> str:
    """The itinerary as KML 2.2 (Google Earth, QGIS), written with simplekml.

    Parameters
    ----------
    it : Itinerary
        A planned trip.

    Returns
    -------
    str
        A KML document named after the trip, its description the summary (or the reason when
        infeasible), with two folders:

        - ``Route``: one Placemark per leg with a ``TimeSpan`` (depart, arrive), a
          description of the leg, and a ``LineString`` (tessellated, clamped to the ground),
          or a ``MultiGeometry`` of LineStrings cut at 180 when the leg crosses the
          antimeridian (Google Earth would draw the long way round otherwise). Legs over an
          assumed route are orange, the others magenta.
        - ``Stops``: a Placemark per stop (``TimeStamp`` at the arrival, the departure at
          the origin) and one per refuel and wait (``TimeSpan``), in time order.

        Element ids are numbered from 1 in document order, so the same itinerary always gives
        the same text.

    Raises
    ------
    ImportError
        If simplekml is not installed.
    """
    try:
        simplekml = importlib.import_module("simplekml")
    except ImportError as err:  # pragma: no cover - depends on the environment
        msg = "itinerary_to_kml needs simplekml: pip install simplekml"
        raise ImportError(msg) from err

    kml = simplekml.Kml(name=_title(it))
    kml.document.description = _description(it)
    styles = {}
    for assumed, colour in ((False, _KML_ROUTE), (True, _KML_ASSUMED)):
        style = simplekml.Style()
        style.linestyle.color = colour
        style.linestyle.width = 4
        styles[assumed] = style
    route = kml.newfolder(name="Route")
    stops_folder = kml.newfolder(name="Stops")
    for index, leg in enumerate(it.legs):
        pieces = _pieces(leg.geometry.coords)
        name = f"{index + 1}. {leg.origin} - {leg.destination}"
        if len(pieces) == 1:
            mark = route.newlinestring(name=name, coords=pieces[0])
            lines = [mark]
        else:
            mark = route.newmultigeometry(name=name)
            lines = [mark.newlinestring(coords=piece) for piece in pieces]
        for line in lines:
            line.tessellate = 1
        mark.description = "\n".join(
            [
                f"{leg.terrain}, {leg.distance_km:.1f} km, {leg.hours:.1f} h driving",
                f"depart {leg.depart.isoformat()}",
                f"arrive {leg.arrive.isoformat()}",
                f"fuel {leg.fuel_before_l:.0f} L -> {leg.fuel_after_l:.0f} L",
                f"link {leg.link_id}" + (" (route assumed: check locally)" if leg.assumed else ""),
            ]
        )
        mark.timespan.begin = leg.depart.isoformat()
        mark.timespan.end = leg.arrive.isoformat()
        mark.style = styles[leg.assumed]
    rows = {row["index"]: row for row in checkpoints(it)}
    for stop in _stops(it):
        point = stops_folder.newpoint(name=stop.at, coords=[(stop.lon, stop.lat)])
        lines = [f"{stop.kind}, {stop.km:.0f} km from {it.origin}"]
        if stop.arrive is not None:
            lines.append(f"arrive {stop.arrive.isoformat()}")
        overdue = rows[stop.index]["overdue_after"]
        if overdue is not None:
            lines.append(f"overdue after {overdue}")
        if stop.depart is not None:
            lines.append(f"depart {stop.depart.isoformat()}")
        point.description = "\n".join(lines)
        point.timestamp.when = stop.expected.isoformat()
        for event in stop.events:
            if isinstance(event, Refuel):
                label = f"refuel at {event.at}: +{event.litres:.0f} L"
                text = f"{event.confidence} depot"
            else:
                label = f"wait at {event.at}: {_hours(event.hours)}"
                text = event.reason
            mark = stops_folder.newpoint(name=label, coords=[(stop.lon, stop.lat)])
            mark.description = (
                f"{text}\nfrom {event.start.isoformat()}\nuntil {event.until.isoformat()}"
            )
            mark.timespan.begin = event.start.isoformat()
            mark.timespan.end = event.until.isoformat()
    return _renumber_ids(str(kml.kml()))


def _renumber_ids(text: str) -> str:
    """Replace simplekml's process-wide id counter with ids numbered from 1 in this document."""
    mapping: dict[str, str] = {}

    def new_id(old: str) -> str:
        return mapping.setdefault(old, str(len(mapping) + 1))

    text = re.sub(r' id="(\d+)"', lambda m: f' id="{new_id(m.group(1))}"', text)
    return re.sub(
        r"<styleUrl>#(\d+)</styleUrl>",
        lambda m: f"<styleUrl>#{new_id(m.group(1))}</styleUrl>",
        text,
    )


# ---------------------------------------------------------------------------------------------
# pandas


def itinerary_to_dataframe(it: Itinerary) -> Any:
    """The legs, waits and refuels as one pandas DataFrame, a row per event in time order.

    Parameters
    ----------
    it : Itinerary
        A planned trip (an infeasible one gives an empty frame with the columns).

    Returns
    -------
    pandas.DataFrame
        Columns: ``kind`` (``leg``, ``wait``, ``refuel``), ``start``, ``end`` (timezone-aware
        timestamps), ``hours``, ``at`` (origin of a leg, place of a wait or refuel), ``to``
        (destination of a leg), ``terrain``, ``distance_km``, ``fuel_before_l``,
        ``fuel_after_l``, ``litres`` (taken on at a refuel), ``link``, ``assumed``,
        ``reason`` (of a wait), ``confidence`` (of a refuel's depot). Cells that do not
        apply to a row's kind are missing (None / NaN).

    Raises
    ------
    ImportError
        If pandas is not installed (``pip install pandas``).
    """
    try:
        pd = importlib.import_module("pandas")
    except ImportError as err:
        msg = "itinerary_to_dataframe needs pandas: pip install pandas"
        raise ImportError(msg) from err
    columns = [
        "kind",
        "start",
        "end",
        "hours",
        "at",
        "to",
        "terrain",
        "distance_km",
        "fuel_before_l",
        "fuel_after_l",
        "litres",
        "link",
        "assumed",
        "reason",
        "confidence",
    ]
    rows: list[tuple[dt.datetime, int, dict[str, Any]]] = []
    for leg in it.legs:
        row = {
            "kind": "leg",
            "start": leg.depart,
            "end": leg.arrive,
            "hours": leg.hours,
            "at": leg.origin,
            "to": leg.destination,
            "terrain": leg.terrain,
            "distance_km": leg.distance_km,
            "fuel_before_l": leg.fuel_before_l,
            "fuel_after_l": leg.fuel_after_l,
            "link": leg.link_id,
            "assumed": leg.assumed,
        }
        rows.append((leg.depart, 1, row))
    for wait in it.waits:
        row = {
            "kind": "wait",
            "start": wait.start,
            "end": wait.until,
            "hours": wait.hours,
            "at": wait.at,
            "reason": wait.reason,
        }
        rows.append((wait.start, 0, row))
    for refuel in it.refuels:
        row = {
            "kind": "refuel",
            "start": refuel.start,
            "end": refuel.until,
            "hours": (refuel.until - refuel.start).total_seconds() / 3600.0,
            "at": refuel.at,
            "litres": refuel.litres,
            "confidence": refuel.confidence,
        }
        rows.append((refuel.start, 0, row))
    ordered = [row for _, _, row in sorted(rows, key=lambda r: (r[0], r[1]))]
    frame = pd.DataFrame([{c: row.get(c) for c in columns} for row in ordered], columns=columns)
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column])
    return frame
