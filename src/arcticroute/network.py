"""The terrain network: nodes (settlements, huts, waypoints) and links, as a networkx graph.

A network is a `networkx.MultiDiGraph`. Each link is stored once, as an edge drawn from its
``u`` to its ``v`` end (the direction of its geometry); it is usable both ways unless its
``oneway`` attribute is true. Parallel links are separate edge keys.

Node attributes
---------------
name : str
    Display name.
lon, lat : float
    Position in degrees (east in [-180, 180), north).
shelter : bool
    People live or a hut stands here: a vehicle may wait out weather and rest (default true).
depot : bool
    Fuel can be bought here (default false).
depot_confidence : {"confirmed", "likely"} or None
    How sure the data is that the depot sells fuel; None where there is no depot.
fuel_stock_l : float or None
    Litres the depot can sell to one trip; None = unlimited. Only on depots.
Optional: ``name_ru``, ``aliases`` (tuple of str), ``kind``, ``population``, ``airport``,
``district``, ``coastal``, ``source``, ``notes``; any further attribute is kept as is.

Link attributes
---------------
terrain : str
    One of `TERRAINS`.
length_km : float
    Length in kilometres: the sourced figure where one exists, else geodesic on WGS 84 along
    the geometry.
length_source : {"sourced", "estimated", "geodesic"}
    Where ``length_km`` comes from: a source's figure; an estimate (great circle times a
    stated tortuosity factor); or the geodesic length of the geometry.
geometry : shapely.LineString
    (lon, lat) vertices from the ``u`` end to the ``v`` end, longitudes in [-180, 180);
    consecutive vertices are joined the shorter way round (so 179.5 -> -179.5 crosses 180).
oneway : bool
    Usable only from ``u`` to ``v`` (default false).
season : Season or None
    Window of the year when the link exists (winter roads, ice); None = all year.
ice_thickness_cm : float or None
    Measured effective ice thickness in centimetres; None = use the seasonal default.
status : {"open", "closed"}
    "closed" links (a planned road) are never routed.
maintained : bool
    An official, maintained winter road or road (trucks stay on these); default true for
    ``road`` and ``winter_road``, false otherwise.
assumed : bool
    The route itself is an assumption, not a documented route (default false).
source : str
    Where the link and its figures come from.
rest_stops_km : tuple of float
    Distances from ``u`` (km) of heated rest points along the link where crews may shelter.
Optional: ``id``, ``mode`` (the source's wording), ``notes``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
from shapely.geometry import LineString

from ._errors import NetworkError, UnknownPlaceError

__all__ = [
    "DEPOT_CONFIDENCES",
    "ICE_TERRAINS",
    "POINT_LINKS",
    "POINT_MAX_KM",
    "POINT_TORTUOSITY",
    "TERRAINS",
    "Season",
    "filter_network",
    "join_points",
    "load_network",
    "parse_point",
    "point_id",
    "resolve_place",
    "validate_network",
]

TERRAINS: tuple[str, ...] = (
    "road",
    "winter_road",
    "trail",
    "tundra",
    "river_ice",
    "lake_ice",
    "sea_ice",
)
"""Terrain classes a link may have."""

ICE_TERRAINS: frozenset[str] = frozenset({"river_ice", "lake_ice", "sea_ice"})
"""Terrain classes whose ice must bear the vehicle."""

DEPOT_CONFIDENCES: tuple[str, ...] = ("confirmed", "likely")
"""How sure the data is that a depot sells fuel."""

_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class Season:
    """A yearly window, inclusive at both ends, that may wrap over the new year.

    Attributes
    ----------
    open_month, open_day : int
        First day the link is usable.
    close_month, close_day : int
        Last day the link is usable.
    """

    open_month: int
    open_day: int
    close_month: int
    close_day: int

    def __post_init__(self) -> None:
        for month, day in ((self.open_month, self.open_day), (self.close_month, self.close_day)):
            try:
                dt.date(2024, month, day)  # a leap year accepts 02-29
            except (TypeError, ValueError) as err:
                msg = f"invalid season day {month:02d}-{day:02d}; expected a real MM-DD date"
                raise NetworkError(msg) from err

    @classmethod
    def parse(cls, value: Mapping[str, Any]) -> Season:
        """Read ``{"open": "MM-DD", "close": "MM-DD"}``.

        Parameters
        ----------
        value
            Mapping with ``open`` and ``close`` as "MM-DD" strings.

        Returns
        -------
        Season
        """
        if not isinstance(value, Mapping) or set(value) != {"open", "close"}:
            msg = f'season {value!r} must be {{"open": "MM-DD", "close": "MM-DD"}}'
            raise NetworkError(msg)
        parts: list[int] = []
        for key in ("open", "close"):
            match = _MONTH_DAY.match(str(value[key]))
            if match is None:
                msg = f"season {key} {value[key]!r} is not MM-DD (e.g. '01-20')"
                raise NetworkError(msg)
            parts.extend(int(g) for g in match.groups())
        return cls(*parts)

    def to_dict(self) -> dict[str, str]:
        """Return ``{"open": "MM-DD", "close": "MM-DD"}``."""
        return {
            "open": f"{self.open_month:02d}-{self.open_day:02d}",
            "close": f"{self.close_month:02d}-{self.close_day:02d}",
        }

    def contains(self, day: dt.date) -> bool:
        """Whether the link is usable on this calendar day.

        Parameters
        ----------
        day
            The date (a datetime is reduced to its date).

        Returns
        -------
        bool
        """
        key = (day.month, day.day)
        start = (self.open_month, self.open_day)
        end = (self.close_month, self.close_day)
        if start <= end:
            return start <= key <= end
        return key >= start or key <= end

    def __str__(self) -> str:
        span = self.to_dict()
        return f"{span['open']}..{span['close']}"


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def validate_network(graph: nx.MultiDiGraph) -> None:
    """Check every node and link attribute; raise on the first problem.

    Parameters
    ----------
    graph
        A network as described in this module's docstring.

    Raises
    ------
    NetworkError
        Naming the node or link, the bad value, and what was expected.
    """
    if not isinstance(graph, nx.MultiDiGraph):
        msg = (
            f"a network must be a networkx.MultiDiGraph, got {type(graph).__name__}; "
            "build it with nx.MultiDiGraph() or load_network()"
        )
        raise NetworkError(msg)
    for node, data in graph.nodes(data=True):
        _validate_node(node, data)
    for u, v, key, data in graph.edges(keys=True, data=True):
        _validate_link(graph, u, v, key, data)


def _validate_node(node: Any, data: Mapping[str, Any]) -> None:
    where = f"node {node!r}"
    if not isinstance(node, str) or not node:
        msg = f"{where}: node ids must be non-empty strings"
        raise NetworkError(msg)
    lon, lat = data.get("lon"), data.get("lat")
    if not _finite(lon) or not -180.0 <= float(lon) <= 180.0:  # type: ignore[arg-type]
        msg = f"{where}: lon {lon!r} must be a finite number of degrees in [-180, 180]"
        raise NetworkError(msg)
    if not _finite(lat) or not -90.0 <= float(lat) <= 90.0:  # type: ignore[arg-type]
        msg = f"{where}: lat {lat!r} must be a finite number of degrees in [-90, 90]"
        raise NetworkError(msg)
    for flag in ("shelter", "depot"):
        if not _is_bool(data.get(flag)):
            msg = f"{where}: {flag} {data.get(flag)!r} must be true or false"
            raise NetworkError(msg)
    confidence = data.get("depot_confidence")
    stock = data.get("fuel_stock_l")
    if data["depot"]:
        if confidence not in DEPOT_CONFIDENCES:
            msg = f"{where}: depot_confidence {confidence!r} must be one of {DEPOT_CONFIDENCES}"
            raise NetworkError(msg)
        if stock is not None and (not _finite(stock) or stock < 0):
            msg = f"{where}: fuel_stock_l {stock!r} must be litres >= 0, or null for unlimited"
            raise NetworkError(msg)
    elif confidence is not None or stock is not None:
        msg = (
            f"{where}: depot_confidence/fuel_stock_l are set but depot is false; "
            "set depot true or drop them"
        )
        raise NetworkError(msg)


def _validate_link(
    graph: nx.MultiDiGraph, u: Any, v: Any, key: Any, data: Mapping[str, Any]
) -> None:
    where = f"link {u!r}-{v!r}" + (f" #{key}" if key else "")
    if u == v:
        msg = f"{where}: a link must join two different nodes"
        raise NetworkError(msg)
    terrain = data.get("terrain")
    if terrain not in TERRAINS:
        hint = difflib.get_close_matches(str(terrain), TERRAINS, n=1)
        extra = f"; did you mean {hint[0]!r}?" if hint else ""
        msg = f"{where}: unknown terrain {terrain!r}; expected one of {', '.join(TERRAINS)}{extra}"
        raise NetworkError(msg)
    length: Any = data.get("length_km")
    if not _finite(length) or float(length) <= 0:
        msg = f"{where}: length_km {length!r} must be a positive number of kilometres"
        raise NetworkError(msg)
    geometry = data.get("geometry")
    if not isinstance(geometry, LineString) or len(geometry.coords) < 2:
        msg = f"{where}: geometry must be a shapely LineString with at least two vertices"
        raise NetworkError(msg)
    for flag in ("oneway", "assumed", "maintained"):
        if not _is_bool(data.get(flag)):
            msg = f"{where}: {flag} {data.get(flag)!r} must be true or false"
            raise NetworkError(msg)
    season = data.get("season")
    if season is not None and not isinstance(season, Season):
        msg = f"{where}: season {season!r} must be a Season or None"
        raise NetworkError(msg)
    ice = data.get("ice_thickness_cm")
    if ice is not None and (not _finite(ice) or ice < 0):
        msg = f"{where}: ice_thickness_cm {ice!r} must be centimetres >= 0, or null"
        raise NetworkError(msg)
    if data.get("status") not in ("open", "closed"):
        msg = f"{where}: status {data.get('status')!r} must be 'open' or 'closed'"
        raise NetworkError(msg)
    stops = data.get("rest_stops_km", ())
    if not all(_finite(s) and 0 < float(s) < float(length) for s in stops):
        msg = f"{where}: rest_stops_km {stops!r} must be distances inside (0, {length}) km"
        raise NetworkError(msg)


def load_network(source: str | Path = "chukotka") -> nx.MultiDiGraph:
    """Load the bundled Chukotka network, or a network from a GeoJSON file.

    Parameters
    ----------
    source
        ``"chukotka"`` for the bundled network, or the path of a GeoJSON network file (see the
        README for the format).

    Returns
    -------
    networkx.MultiDiGraph
        Validated network; see this module's docstring for the attributes.

    Raises
    ------
    NetworkError
        If the file is malformed (the message names the feature and the problem).
    FileNotFoundError
        If the path does not exist.

    Examples
    --------
    >>> G = load_network()
    >>> G.nodes["Anadyr"]["depot_confidence"]
    'confirmed'
    """
    from .geojson import read_geojson

    if str(source) == "chukotka":
        resource = resources.files("arcticroute.data").joinpath("chukotka.geojson")
        with resources.as_file(resource) as path:
            return read_geojson(path)
    path = Path(source)
    if not path.exists():
        msg = f"network file {str(path)!r} does not exist; pass 'chukotka' or a GeoJSON path"
        raise FileNotFoundError(msg)
    return read_geojson(path)


def filter_network(
    graph: nx.MultiDiGraph,
    *,
    date: dt.date | None = None,
    terrains: Iterable[str] | None = None,
    include_closed: bool = False,
) -> nx.MultiDiGraph:
    """Keep the links usable on a date and/or of some terrain classes.

    Parameters
    ----------
    graph
        The network.
    date
        Calendar day (local, Asia/Anadyr); links whose season excludes it are dropped.
        None keeps every season.
    terrains
        Terrain classes to keep; None keeps all.
    include_closed
        Keep links whose status is "closed" (a planned road); default false.

    Returns
    -------
    networkx.MultiDiGraph
        A new graph with every node and the kept links (attributes shared, not copied).
    """
    wanted = None if terrains is None else set(terrains)
    if wanted is not None and not wanted <= set(TERRAINS):
        bad = sorted(wanted - set(TERRAINS))
        msg = f"unknown terrain {bad[0]!r}; expected one of {', '.join(TERRAINS)}"
        raise NetworkError(msg)
    day = date.date() if isinstance(date, dt.datetime) else date
    out = nx.MultiDiGraph(**graph.graph)
    out.add_nodes_from(graph.nodes(data=True))
    for u, v, key, data in graph.edges(keys=True, data=True):
        if not include_closed and data["status"] != "open":
            continue
        if wanted is not None and data["terrain"] not in wanted:
            continue
        season = data.get("season")
        if day is not None and season is not None and not season.contains(day):
            continue
        out.add_edge(u, v, key=key, **data)
    return out


_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o",
            "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e",
            "yu", "ya",
        ],
        strict=True,
    )
)  # fmt: skip


def place_key(name: str) -> str:
    """Reduce a place name to a key that ignores case, accents and transliteration.

    ``Uel'en`` and ``Uelen``, ``Novoe Chaplino`` and ``Novoye Chaplino``, ``Анадырь`` and
    ``Anadyr`` give the same key.

    Parameters
    ----------
    name
        A place name in Latin or Cyrillic script.

    Returns
    -------
    str
        The comparison key (lower-case ASCII letters and digits).
    """
    text = "".join(_CYRILLIC.get(ch, ch) for ch in name.lower())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if ch.isascii() and ch.isalnum())
    for old, new in (("yo", "e"), ("ye", "e"), ("iy", "i"), ("yy", "i"), ("j", "i"), ("y", "i")):
        text = text.replace(old, new)
    return text


POINT_LINKS = 3
"""Links that join a point given as coordinates to the nearest places of the network."""

POINT_MAX_KM = 60.0
"""Farthest place (great circle, km) a point is joined to."""

POINT_TORTUOSITY = 1.25
"""A point's link is the great circle times this: a track across country is not straight."""

_POINT = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*,\s*([+-]?\d+(?:\.\d+)?)\s*$")


def parse_point(text: str) -> tuple[float, float] | None:
    """Read ``"LAT,LON"`` (degrees north, east; e.g. ``"64.95,176.3"``).

    Parameters
    ----------
    text
        What the user typed for a place.

    Returns
    -------
    tuple of float or None
        (lat, lon) with lon in [-180, 180), or None when ``text`` is not two numbers.

    Raises
    ------
    UnknownPlaceError
        Two numbers that are not a position (latitude beyond 90 degrees).
    """
    match = _POINT.match(text)
    if match is None:
        return None
    lat, lon = float(match[1]), float(match[2])
    if not (-90.0 <= lat <= 90.0 and -360.0 <= lon <= 360.0):
        msg = (
            f"point {text!r} is not a position: expected LAT,LON in degrees north and east, "
            "e.g. 64.95,176.3"
        )
        raise UnknownPlaceError(msg)
    return lat, ((lon + 180.0) % 360.0) - 180.0


def point_id(lat: float, lon: float) -> str:
    """The node id of a point given as coordinates, e.g. ``"point 64.9500N 176.3000E"``.

    Parameters
    ----------
    lat, lon
        Degrees north and east.

    Returns
    -------
    str
    """
    return (
        f"point {abs(lat):.4f}{'N' if lat >= 0 else 'S'} {abs(lon):.4f}{'E' if lon >= 0 else 'W'}"
    )


def join_points(graph: nx.MultiDiGraph, names: Iterable[str]) -> nx.MultiDiGraph:
    """The network with every point among ``names`` joined to its nearest places.

    A place given as ``"LAT,LON"`` (`parse_point`) becomes a node (``"point 64.9500N
    176.3000E"``, not a shelter, no depot) with a link to each of the `POINT_LINKS` nearest
    places within `POINT_MAX_KM`: tundra, the great circle times `POINT_TORTUOSITY` long,
    an assumed route (the plan's warnings say so). Other names are left alone; the graph is
    copied only when there is a point to add.

    Parameters
    ----------
    graph
        The network.
    names
        Places as the user typed them.

    Returns
    -------
    networkx.MultiDiGraph
        ``graph`` itself, or a copy with the points joined.

    Raises
    ------
    UnknownPlaceError
        A point farther than `POINT_MAX_KM` from every place, naming the nearest.
    """
    from .geodesy import geodesic_km

    points = [p for p in (parse_point(name) for name in names) if p is not None]
    if not points:
        return graph
    joined = graph.copy()
    places = [(n, float(d["lon"]), float(d["lat"])) for n, d in graph.nodes(data=True)]
    for lat, lon in points:
        node = point_id(lat, lon)
        if node in joined:
            continue
        near = sorted((geodesic_km(lon, lat, x, y), n, x, y) for n, x, y in places)
        if not near or near[0][0] > POINT_MAX_KM:
            nearest = f" (the nearest, {near[0][1]}, is {near[0][0]:.0f} km away)" if near else ""
            msg = (
                f"point {lat:g},{lon:g} is more than {POINT_MAX_KM:g} km from every place of "
                f"the network{nearest}; give a point nearer the network, or plan across a "
                "terrain raster (arcticroute.offnetwork)"
            )
            raise UnknownPlaceError(msg)
        joined.add_node(node, name=node, lon=lon, lat=lat, shelter=False, depot=False,
                        depot_confidence=None, fuel_stock_l=None, kind="point")  # fmt: skip
        for km, place, x, y in near[:POINT_LINKS]:
            if km > POINT_MAX_KM:
                break
            joined.add_edge(
                node,
                place,
                terrain="tundra",
                length_km=max(km * POINT_TORTUOSITY, 0.01),
                length_source="estimated",
                geometry=LineString([(lon, lat), (x, y)]),
                oneway=False,
                season=None,
                ice_thickness_cm=None,
                status="open",
                maintained=False,
                assumed=True,
                source=(
                    f"straight line from a point given as coordinates, great circle x "
                    f"{POINT_TORTUOSITY:g} (arcticroute)"
                ),
                rest_stops_km=(),
            )
    return joined


def resolve_place(graph: nx.MultiDiGraph, name: str) -> str:
    """Find the node a user means by a name, id, Russian name or alias.

    Parameters
    ----------
    graph
        The network.
    name
        What the user typed; matched case-, accent- and transliteration-insensitively.

    Returns
    -------
    str
        The node id.

    Raises
    ------
    UnknownPlaceError
        With the closest matches, e.g. ``unknown place 'Anadry'; did you mean 'Anadyr'?``.
    """
    if name in graph:
        return name
    point = parse_point(name)
    if point is not None:
        node = point_id(*point)
        if node in graph:
            return node
        msg = f"point {name!r} is not joined to this network (see join_points)"
        raise UnknownPlaceError(msg)
    wanted = place_key(name)
    index: dict[str, str] = {}
    for node, data in graph.nodes(data=True):
        labels = [node, data.get("name", ""), data.get("name_ru", ""), *data.get("aliases", ())]
        for label in labels:
            if label:
                index.setdefault(place_key(str(label)), node)
    if wanted in index:
        return index[wanted]
    close = difflib.get_close_matches(wanted, list(index), n=3, cutoff=0.6)
    names = list(dict.fromkeys(index[c] for c in close))
    hint = f"; did you mean {' or '.join(repr(n) for n in names)}?" if names else ""
    msg = f"unknown place {name!r}{hint} (`python -m arcticroute network` lists them)"
    raise UnknownPlaceError(msg)
