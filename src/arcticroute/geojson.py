"""The GeoJSON network format: `read_geojson`, `network_to_geojson`, `write_geojson`.

A network file is an RFC 7946 GeoJSON ``FeatureCollection`` (UTF-8). Point features are
nodes, LineString / MultiLineString features are links (see `arcticroute.network` for the
graph they become). Writing then reading a valid network gives back an equal graph: the same
nodes and links in the same order, the same edge keys, attributes and graph attributes.

Nodes (Point features, coordinates ``[lon, lat]`` in degrees)
--------------------------------------------------------------
id : str
    Unique node id (required).
name : str
    Display name (default: the id).
shelter : bool
    People live or a hut stands here (default true).
depot : bool
    Fuel can be bought here (default false).
depot_confidence : {"confirmed", "likely"}
    Only on depots (default "confirmed").
fuel_stock_l : number or null
    Litres the depot can sell to one trip; null (or absent) = unlimited. Only on depots.

Links (LineString features; MultiLineString when split at the antimeridian)
---------------------------------------------------------------------------
from, to : str
    Node ids. The geometry is drawn from ``from`` to ``to``: its first and last vertices must
    lie within `ENDPOINT_TOLERANCE_KM` (1 km) of those nodes and are snapped onto them.
terrain : str
    One of `arcticroute.network.TERRAINS`.
length_km : number > 0, optional
    Kilometres. Absent: geodesic on WGS 84 along the geometry, and ``length_source`` is
    "geodesic". Given: ``length_source`` is "sourced" unless the property says otherwise.
length_source : {"sourced", "geodesic"}, optional
    Where ``length_km`` comes from.
oneway : bool
    Usable only from ``from`` to ``to`` (default false).
season : {"open": "MM-DD", "close": "MM-DD"} or null
    Yearly window, inclusive, may wrap over the new year (default null = all year).
ice_thickness_cm : number >= 0 or null
    Measured ice thickness in centimetres (default null).
source : str
    Where the link comes from (default "").
assumed : bool
    The route is an assumption (default false).
status : {"open", "closed"}
    Default "open".
maintained : bool
    Default true for terrain "road" and "winter_road", else false.
rest_stops_km : list of number
    Kilometres from the ``from`` end of heated rest points, each inside (0, length_km)
    (default []; a tuple in the graph).
key : int or str, optional
    The networkx edge key; written only where it differs from the key networkx would assign
    when the links are added in file order.
id : any, optional
    A link id, kept as is.

Every other property of a node or link is kept as a graph attribute and written back
unchanged; JSON arrays become tuples in the graph (e.g. ``aliases``). Node properties may not
be called ``lon`` or ``lat`` (these come from the coordinates), link properties not
``geometry``. The graph attributes (``graph.graph``: name, source, ...) are the foreign member
``"network": {...}`` of the FeatureCollection.

Geometry and the antimeridian
-----------------------------
In the graph, longitudes lie in [-180, 180) and consecutive vertices are joined the shorter
way round (179.5 -> -179.5 crosses 180). On writing, each segment that crosses the
antimeridian is cut there (``antimeridian.fix_line_string`` with ``great_circle=True``: the
crossing latitude is where the great circle through the two vertices meets the 180th
meridian on a sphere, rounded to 1e-7 degree; a vertex lying on +-180 gives its own latitude),
and the link is written as a MultiLineString whose consecutive parts end and start at the
crossing point (lon 180 and -180, same latitude). On reading, a MultiLineString is joined
back: where one part ends and the next starts on +-180 at the same latitude, both inserted
points are dropped; parts that share an end vertex are joined at it; anything else is an
error. Vertices are never merged or moved otherwise, so write -> read is exact.

Validation
----------
`read_geojson` rejects, with a `NetworkError` naming the feature (``features[i]`` and its id or
from/to) and the problem: a document that is not a FeatureCollection; missing, duplicate or
non-string node ids; link ends that are not node ids (with a did-you-mean); unknown terrain;
NaN, Infinity or out-of-range coordinates and numbers; non-boolean flags; non-positive
lengths; unknown geometry types; bad seasons; depot fields on a non-depot; geometry ends
farther than 1 km from their nodes. It then runs `arcticroute.network.validate_network`.
"""

from __future__ import annotations

import difflib
import itertools
import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import antimeridian
import networkx as nx
import numpy as np
from shapely.geometry import LineString

from ._errors import NetworkError
from .geodesy import geodesic_km, line_length_km
from .network import DEPOT_CONFIDENCES, TERRAINS, Season, validate_network

__all__ = ["ENDPOINT_TOLERANCE_KM", "network_to_geojson", "read_geojson", "write_geojson"]

ENDPOINT_TOLERANCE_KM = 1.0
"""How far (km) a link geometry's first/last vertex may lie from its from/to node."""

_JOIN_TOLERANCE_DEG = 1e-6
"""Latitude difference (degrees) accepted between the two points of an antimeridian join."""

_NODE_CORE = ("name", "lon", "lat", "shelter", "depot", "depot_confidence", "fuel_stock_l")
_LINK_CORE = (
    "terrain",
    "length_km",
    "length_source",
    "geometry",
    "oneway",
    "season",
    "ice_thickness_cm",
    "source",
    "assumed",
    "status",
    "maintained",
    "rest_stops_km",
)
_MAINTAINED_TERRAINS = frozenset({"road", "winter_road"})
_LENGTH_SOURCES = ("sourced", "estimated", "geodesic")
_MISSING: Any = object()

Position = tuple[float, float]


# ---------------------------------------------------------------------------------------------
# reading


def read_geojson(source: str | os.PathLike[str] | Mapping[str, Any]) -> nx.MultiDiGraph:
    """Read a network from a GeoJSON file or an already-parsed GeoJSON object.

    Parameters
    ----------
    source
        Path of a UTF-8 GeoJSON network file, or the parsed FeatureCollection (a mapping, as
        returned by `json.load`; it is not modified). The format is described in this module's
        docstring.

    Returns
    -------
    networkx.MultiDiGraph
        The validated network (attributes as in `arcticroute.network`).

    Raises
    ------
    NetworkError
        If the document is not valid JSON or not a valid network file; the message names the
        feature (``features[i]`` with its id or from/to) and the problem.
    FileNotFoundError
        If the path does not exist.

    Examples
    --------
    >>> G = read_geojson({"type": "FeatureCollection", "features": [
    ...     {"type": "Feature", "properties": {"id": "Anadyr"},
    ...      "geometry": {"type": "Point", "coordinates": [177.5167, 64.7333]}},
    ...     {"type": "Feature", "properties": {"id": "Uelen"},
    ...      "geometry": {"type": "Point", "coordinates": [-169.8092, 66.1594]}},
    ...     {"type": "Feature", "properties": {"from": "Anadyr", "to": "Uelen",
    ...      "terrain": "tundra"}, "geometry": {"type": "LineString",
    ...      "coordinates": [[177.5167, 64.7333], [-169.8092, 66.1594]]}}]})
    >>> round(G.edges["Anadyr", "Uelen", 0]["length_km"])
    608

    """
    if isinstance(source, Mapping):
        return _build_network(source)
    path = Path(os.fspath(source))
    if not path.exists():
        msg = f"network file {str(path)!r} does not exist"
        raise FileNotFoundError(msg)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        msg = f"{path}: not UTF-8 text ({err}); save the network file as UTF-8"
        raise NetworkError(msg) from err
    try:
        document = json.loads(text, parse_constant=_parse_constant)
    except json.JSONDecodeError as err:
        msg = f"{path}: not valid JSON: {err}"
        raise NetworkError(msg) from err
    try:
        return _build_network(document)
    except NetworkError as err:
        msg = f"{path}: {err}"
        raise NetworkError(msg) from err


def _parse_constant(name: str) -> float:
    # Python's json accepts NaN / Infinity / -Infinity although JSON has no such values; they
    # are kept as floats here and rejected by `_check_finite`, which names the feature.
    return float(name.replace("Infinity", "inf"))


def _build_network(document: Any) -> nx.MultiDiGraph:
    if not isinstance(document, Mapping) or document.get("type") != "FeatureCollection":
        kind = document.get("type") if isinstance(document, Mapping) else type(document).__name__
        msg = (
            f"a network must be a GeoJSON FeatureCollection, got {kind!r}; "
            'expected {"type": "FeatureCollection", "features": [...]}'
        )
        raise NetworkError(msg)
    features = document.get("features")
    if not isinstance(features, list | tuple):
        msg = f"the FeatureCollection's 'features' must be a list, got {type(features).__name__}"
        raise NetworkError(msg)
    network = document.get("network", {})
    if not isinstance(network, Mapping):
        msg = f"the 'network' member must be an object of graph attributes, got {network!r}"
        raise NetworkError(msg)
    _check_finite(network, "the 'network' member", "network")

    graph = nx.MultiDiGraph()
    graph.graph.update(_from_json(network))
    node_index: dict[str, int] = {}
    links: list[tuple[int, Mapping[str, Any]]] = []
    for index, feature in enumerate(features):
        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            msg = f"features[{index}]: expected a GeoJSON Feature object, got {feature!r:.80}"
            raise NetworkError(msg)
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, Mapping) else None
        if kind == "Point":
            _add_node(graph, node_index, index, feature)
        elif kind in ("LineString", "MultiLineString"):
            links.append((index, feature))
        else:
            msg = (
                f"features[{index}] ({_describe(feature)}): unknown geometry type {kind!r}; "
                "expected Point (a node) or LineString / MultiLineString (a link)"
            )
            raise NetworkError(msg)
    for index, feature in links:
        _add_link(graph, node_index, index, feature)
    validate_network(graph)
    return graph


def _describe(feature: Mapping[str, Any]) -> str:
    props = feature.get("properties")
    if isinstance(props, Mapping):
        if "from" in props or "to" in props:
            return f"link {props.get('from')!r}->{props.get('to')!r}"
        if "id" in props:
            return f"id {props['id']!r}"
    if "id" in feature:
        return f"id {feature['id']!r}"
    return "no id"


def _properties(feature: Mapping[str, Any], where: str) -> dict[str, Any]:
    props = feature.get("properties")
    if props is None:
        return {}
    if not isinstance(props, Mapping):
        msg = f"{where}: 'properties' must be an object, got {props!r:.80}"
        raise NetworkError(msg)
    return dict(props)


def _add_node(
    graph: nx.MultiDiGraph, node_index: dict[str, int], index: int, feature: Mapping[str, Any]
) -> None:
    props = _properties(feature, f"features[{index}] (node)")
    # RFC 7946 puts a feature's identifier in the Feature object; ours is a property
    node = props.pop("id", feature.get("id", _MISSING))
    if node is _MISSING:
        hint = "; links need a LineString geometry" if "from" in props or "to" in props else ""
        msg = (
            f"features[{index}] (node): missing property 'id' (a unique non-empty string, or "
            f"the Feature's own 'id'){hint}"
        )
        raise NetworkError(msg)
    if not isinstance(node, str) or not node:
        msg = f"features[{index}] (node): id {node!r} must be a non-empty string"
        raise NetworkError(msg)
    where = f"features[{index}] (node {node!r})"
    if node in node_index:
        msg = f"{where}: duplicate node id {node!r} (first used at features[{node_index[node]}])"
        raise NetworkError(msg)
    _check_finite(feature, where, "feature")
    for reserved in ("lon", "lat"):
        if reserved in props:
            msg = f"{where}: property {reserved!r} is not allowed; the position is the geometry"
            raise NetworkError(msg)
    lon, lat = _position(feature["geometry"].get("coordinates"), where, "coordinates")

    name = props.pop("name", node)
    if not isinstance(name, str):
        msg = f"{where}: name {name!r} must be a string"
        raise NetworkError(msg)
    shelter = _flag(props.pop("shelter", True), "shelter", where)
    depot = _flag(props.pop("depot", False), "depot", where)
    confidence = props.pop("depot_confidence", _MISSING)
    stock = props.pop("fuel_stock_l", None)
    if depot:
        if confidence is _MISSING:
            confidence = "confirmed"
        elif confidence not in DEPOT_CONFIDENCES:
            msg = (
                f"{where}: depot_confidence {confidence!r} must be one of "
                f"{', '.join(map(repr, DEPOT_CONFIDENCES))}"
            )
            raise NetworkError(msg)
        stock = _number(stock, "fuel_stock_l", where, minimum=0.0, nullable=True)
    else:
        if confidence is not _MISSING and confidence is not None:
            msg = f"{where}: depot_confidence {confidence!r} is set but depot is false"
            raise NetworkError(msg)
        if stock is not None:
            msg = (
                f"{where}: fuel_stock_l {stock!r} is set but depot is false; "
                "set depot true or drop fuel_stock_l"
            )
            raise NetworkError(msg)
        confidence = None

    graph.add_node(node)
    graph.nodes[node].update(
        name=name,
        lon=lon,
        lat=lat,
        shelter=shelter,
        depot=depot,
        depot_confidence=confidence,
        fuel_stock_l=stock,
    )
    graph.nodes[node].update(_from_json(props))
    node_index[node] = index


def _add_link(
    graph: nx.MultiDiGraph, node_index: dict[str, int], index: int, feature: Mapping[str, Any]
) -> None:
    props = _properties(feature, f"features[{index}] (link)")
    ends = []
    for end in ("from", "to"):
        value = props.pop(end, _MISSING)
        where = f"features[{index}] ({_describe(feature)})"
        if value is _MISSING:
            msg = f"{where}: missing property {end!r} (a node id)"
            raise NetworkError(msg)
        if not isinstance(value, str):
            msg = f"{where}: {end} {value!r} must be a node id string"
            raise NetworkError(msg)
        ends.append(value)
    u, v = ends
    label = f", id {props['id']!r}" if "id" in props else ""
    where = f"features[{index}] (link {u!r}->{v!r}{label})"
    for end, node in (("from", u), ("to", v)):
        if node not in node_index:
            hint = difflib.get_close_matches(node, list(node_index), n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            msg = f"{where}: {end} {node!r} is not the id of any node (Point feature){extra}"
            raise NetworkError(msg)
    if u == v:
        msg = f"{where}: from and to are both {u!r}; a link must join two different nodes"
        raise NetworkError(msg)
    _check_finite(feature, where, "feature")
    if "geometry" in props:
        msg = f"{where}: property 'geometry' is not allowed; the geometry is the feature's own"
        raise NetworkError(msg)

    key = props.pop("key", None)
    if key is not None and (isinstance(key, bool) or not isinstance(key, int | str)):
        msg = f"{where}: key {key!r} must be an integer or a string"
        raise NetworkError(msg)
    if key is not None and graph.has_edge(u, v, key):
        msg = f"{where}: duplicate key {key!r} for a second link {u!r}->{v!r}"
        raise NetworkError(msg)

    terrain = props.pop("terrain", _MISSING)
    if terrain not in TERRAINS:
        hint = difflib.get_close_matches(str(terrain), TERRAINS, n=1)
        extra = f"; did you mean {hint[0]!r}?" if hint else ""
        shown = "missing" if terrain is _MISSING else repr(terrain)
        msg = f"{where}: terrain {shown} is unknown; expected one of {', '.join(TERRAINS)}{extra}"
        raise NetworkError(msg)

    geometry = _read_line(feature["geometry"], where)
    geometry = _snap_ends(geometry, graph.nodes[u], graph.nodes[v], u, v, where)

    length = props.pop("length_km", None)
    length_source = props.pop("length_source", None)
    if length_source is not None and length_source not in _LENGTH_SOURCES:
        msg = (
            f"{where}: length_source {length_source!r} must be one of {', '.join(_LENGTH_SOURCES)}"
        )
        raise NetworkError(msg)
    if length is None:
        if length_source == "sourced":
            msg = f"{where}: length_source is 'sourced' but length_km is missing"
            raise NetworkError(msg)
        length = line_length_km(geometry)
        length_source = "geodesic"
        if length <= 0.0:
            msg = f"{where}: the geometry has zero length; give length_km or fix the geometry"
            raise NetworkError(msg)
    else:
        length = _number(length, "length_km", where, positive=True)
        length_source = length_source or "sourced"

    season = props.pop("season", None)
    if season is not None:
        try:
            season = Season.parse(season)
        except NetworkError as err:
            msg = f"{where}: {err}"
            raise NetworkError(msg) from err

    source = props.pop("source", "")
    if not isinstance(source, str):
        msg = f"{where}: source {source!r} must be a string"
        raise NetworkError(msg)
    status = props.pop("status", "open")
    if status not in ("open", "closed"):
        msg = f"{where}: status {status!r} must be 'open' or 'closed'"
        raise NetworkError(msg)
    stops = props.pop("rest_stops_km", [])
    if not isinstance(stops, list | tuple):
        msg = f"{where}: rest_stops_km {stops!r} must be a list of kilometres"
        raise NetworkError(msg)
    rest_stops = tuple(_number(s, "rest_stops_km", where, positive=True) for s in stops)
    if any(s >= length for s in rest_stops):
        msg = f"{where}: rest_stops_km {list(stops)!r} must lie inside (0, {length}) km"
        raise NetworkError(msg)

    attrs = {
        "terrain": terrain,
        "length_km": length,
        "length_source": length_source,
        "geometry": geometry,
        "oneway": _flag(props.pop("oneway", False), "oneway", where),
        "season": season,
        "ice_thickness_cm": _number(
            props.pop("ice_thickness_cm", None),
            "ice_thickness_cm",
            where,
            minimum=0.0,
            nullable=True,
        ),
        "source": source,
        "assumed": _flag(props.pop("assumed", False), "assumed", where),
        "status": status,
        "maintained": _flag(
            props.pop("maintained", terrain in _MAINTAINED_TERRAINS), "maintained", where
        ),
        "rest_stops_km": rest_stops,
    }
    attrs.update(_from_json(props))
    new_key = graph.add_edge(u, v, key=key)
    graph.edges[u, v, new_key].update(attrs)


def _flag(value: Any, name: str, where: str) -> bool:
    if not isinstance(value, bool):
        msg = f"{where}: {name} {value!r} must be true or false"
        raise NetworkError(msg)
    return value


def _number(
    value: Any,
    name: str,
    where: str,
    *,
    minimum: float | None = None,
    positive: bool = False,
    nullable: bool = False,
) -> Any:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        expected = "a finite number" + (" or null" if nullable else "")
        msg = f"{where}: {name} {value!r} must be {expected}"
        raise NetworkError(msg)
    if positive and value <= 0:
        msg = f"{where}: {name} {value!r} must be positive"
        raise NetworkError(msg)
    if minimum is not None and value < minimum:
        msg = f"{where}: {name} {value!r} must be >= {minimum:g}"
        raise NetworkError(msg)
    return float(value)


def _position(value: Any, where: str, what: str) -> Position:
    if not isinstance(value, list | tuple) or len(value) != 2:
        msg = (
            f"{where}: {what} {value!r:.80} must be a [lon, lat] pair of degrees "
            "(altitudes are not supported)"
        )
        raise NetworkError(msg)
    lon, lat = value
    for axis, number, bound in (("lon", lon, 180.0), ("lat", lat, 90.0)):
        ok = isinstance(number, int | float) and not isinstance(number, bool)
        if not ok or not math.isfinite(number) or not -bound <= number <= bound:
            msg = (
                f"{where}: {what} {axis} {number!r} is out of range; expected a finite "
                f"number of degrees in [{-bound:g}, {bound:g}] (GeoJSON order is [lon, lat])"
            )
            raise NetworkError(msg)
    lon = float(lon)
    return (-180.0 if lon == 180.0 else lon, float(lat))


def _positions(value: Any, where: str, what: str) -> list[Position]:
    if not isinstance(value, list | tuple) or len(value) < 2:
        msg = f"{where}: {what} must be a list of at least two [lon, lat] positions"
        raise NetworkError(msg)
    return [_position(p, where, f"{what}[{i}]") for i, p in enumerate(value)]


def _read_line(geometry: Mapping[str, Any], where: str) -> LineString:
    coordinates = geometry.get("coordinates")
    if geometry["type"] == "LineString":
        return LineString(_positions(coordinates, where, "coordinates"))
    if not isinstance(coordinates, list | tuple) or not coordinates:
        msg = f"{where}: MultiLineString coordinates must be a non-empty list of lines"
        raise NetworkError(msg)
    parts = [
        (_positions(part, where, f"coordinates[{i}]"), list(part))
        for i, part in enumerate(coordinates)
    ]
    joined = list(parts[0][0])
    raw_last = parts[0][1][-1]
    for i, (part, raw) in enumerate(parts[1:], start=1):
        last, first = joined[-1], part[0]
        at_meridian = abs(raw_last[0]) == 180 and abs(raw[0][0]) == 180
        if at_meridian and abs(last[1] - first[1]) <= _JOIN_TOLERANCE_DEG:
            joined.pop()  # the crossing point inserted at the antimeridian, on both sides
        elif last != first:
            msg = (
                f"{where}: MultiLineString part {i} starts at {list(first)} but part {i - 1} "
                "ends at " + str(list(last)) + "; parts must join at the antimeridian "
                "(lon 180 / -180 at the same latitude) or at a shared vertex"
            )
            raise NetworkError(msg)
        joined.extend(part[1:])
        raw_last = raw[-1]
    if len(joined) < 2:
        msg = f"{where}: the joined MultiLineString has fewer than two vertices"
        raise NetworkError(msg)
    return LineString(joined)


def _snap_ends(
    line: LineString,
    start: Mapping[str, Any],
    end: Mapping[str, Any],
    u: str,
    v: str,
    where: str,
) -> LineString:
    coords = [(float(x), float(y)) for x, y in line.coords]
    off = [
        geodesic_km(*coords[0], start["lon"], start["lat"]),
        geodesic_km(*coords[-1], end["lon"], end["lat"]),
    ]
    if max(off) > ENDPOINT_TOLERANCE_KM:
        reversed_off = max(
            geodesic_km(*coords[-1], start["lon"], start["lat"]),
            geodesic_km(*coords[0], end["lon"], end["lat"]),
        )
        hint = (
            "; the geometry seems drawn from 'to' to 'from': reverse it or swap from/to"
            if reversed_off <= ENDPOINT_TOLERANCE_KM
            else ""
        )
        msg = (
            f"{where}: the geometry starts {off[0]:.1f} km from {u!r} and ends {off[1]:.1f} km "
            f"from {v!r}; its first/last vertex must lie within {ENDPOINT_TOLERANCE_KM:g} km "
            f"of the from/to node{hint}"
        )
        raise NetworkError(msg)
    coords[0] = (start["lon"], start["lat"])
    coords[-1] = (end["lon"], end["lat"])
    return LineString(coords)


def _check_finite(value: Any, where: str, path: str) -> None:
    bad = _find_nonfinite(value, path)
    if bad is not None:
        msg = (
            f"{where}: {bad} is not a finite number (JSON has no NaN or Infinity); "
            "use a number or null"
        )
        raise NetworkError(msg)


def _find_nonfinite(value: Any, path: str) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return f"{path} = {value!r}"
    if isinstance(value, Mapping):
        items: Any = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        sub = f"{path}.{key}" if isinstance(value, Mapping) else f"{path}[{key}]"
        found = _find_nonfinite(item, sub)
        if found is not None:
            return found
    return None


def _from_json(value: Any) -> Any:
    """Turn parsed JSON into graph attribute values: arrays become tuples, recursively."""
    if isinstance(value, Mapping):
        return {key: _from_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return tuple(_from_json(item) for item in value)
    return value


# ---------------------------------------------------------------------------------------------
# writing


def network_to_geojson(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Convert a network to a GeoJSON FeatureCollection (RFC 7946).

    Parameters
    ----------
    graph
        A network as described in `arcticroute.network`; it is validated first.

    Returns
    -------
    dict
        The FeatureCollection: node Point features in graph node order, then link features in
        graph edge order (LineString, or MultiLineString where a link crosses the
        antimeridian), and the graph attributes as the foreign member ``"network"``.
        `read_geojson` turns it back into an equal graph.

    Raises
    ------
    NetworkError
        If the graph is not a valid network, a link geometry does not start/end within
        `ENDPOINT_TOLERANCE_KM` of its nodes, an attribute has no JSON form (e.g. a datetime or
        NaN), an attribute name clashes with the format (``id`` on a node; ``from``, ``to``,
        ``key`` on a link), or an edge key is neither an int nor a str.

    """
    validate_network(graph)
    document: dict[str, Any] = {"type": "FeatureCollection"}
    if graph.graph:
        document["network"] = _to_json(dict(graph.graph), "graph attributes")
    features: list[dict[str, Any]] = []
    for node, data in graph.nodes(data=True):
        features.append(_node_feature(node, data))
    shadow = nx.MultiDiGraph()  # replays the edge insertions to know networkx's default keys
    for u, v, key, data in graph.edges(keys=True, data=True):
        where = f"link {u!r}->{v!r} key {key!r}"
        if isinstance(key, bool) or not isinstance(key, int | str):
            msg = f"{where}: edge keys must be int or str to be written to GeoJSON"
            raise NetworkError(msg)
        default = shadow.new_edge_key(u, v)
        shadow.add_edge(u, v, key=key)
        explicit_key = not (isinstance(key, int) and key == default)
        features.append(_link_feature(graph, u, v, key if explicit_key else None, data, where))
    document["features"] = features
    return document


def _node_feature(node: str, data: Mapping[str, Any]) -> dict[str, Any]:
    where = f"node {node!r}"
    props: dict[str, Any] = {"id": node}
    if "name" in data:
        props["name"] = _to_json(data["name"], f"{where} attribute 'name'")
    props["shelter"] = data["shelter"]
    props["depot"] = data["depot"]
    if data["depot"]:
        props["depot_confidence"] = data["depot_confidence"]
        props["fuel_stock_l"] = _to_json(data.get("fuel_stock_l"), f"{where} fuel_stock_l")
    props.update(_extras(data, _NODE_CORE, ("id",), where))
    lon = _write_lon(float(data["lon"]))
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Point", "coordinates": [lon, float(data["lat"])]},
    }


def _link_feature(
    graph: nx.MultiDiGraph,
    u: str,
    v: str,
    key: int | str | None,
    data: Mapping[str, Any],
    where: str,
) -> dict[str, Any]:
    props: dict[str, Any] = {}
    if "id" in data:
        props["id"] = _to_json(data["id"], f"{where} attribute 'id'")
    props["from"] = u
    props["to"] = v
    if key is not None:
        props["key"] = key
    terrain = data["terrain"]
    props["terrain"] = terrain
    props["length_km"] = data["length_km"]
    if "length_source" in data:
        props["length_source"] = _to_json(data["length_source"], f"{where} length_source")
    if data["oneway"]:
        props["oneway"] = True
    if data.get("season") is not None:
        props["season"] = data["season"].to_dict()
    if data.get("ice_thickness_cm") is not None:
        props["ice_thickness_cm"] = data["ice_thickness_cm"]
    if data.get("source", "") != "":
        props["source"] = _to_json(data["source"], f"{where} source")
    if data["assumed"]:
        props["assumed"] = True
    if data["status"] != "open":
        props["status"] = data["status"]
    if data["maintained"] != (terrain in _MAINTAINED_TERRAINS):
        props["maintained"] = data["maintained"]
    if data.get("rest_stops_km"):
        props["rest_stops_km"] = _to_json(data["rest_stops_km"], f"{where} rest_stops_km")
    props.update(_extras(data, (*_LINK_CORE, "id"), ("from", "to", "key"), where))
    return {
        "type": "Feature",
        "properties": props,
        "geometry": _line_geometry(graph, u, v, data["geometry"], where),
    }


def _extras(
    data: Mapping[str, Any], core: Sequence[str], reserved: Sequence[str], where: str
) -> dict[str, Any]:
    names = [name for name in data if name not in core]
    for name in names:
        if not isinstance(name, str):
            msg = f"{where}: attribute name {name!r} must be a string to be written to GeoJSON"
            raise NetworkError(msg)
        if name in reserved:
            msg = (
                f"{where}: attribute {name!r} clashes with the GeoJSON format's own property; "
                "rename it"
            )
            raise NetworkError(msg)
    return {name: _to_json(data[name], f"{where} attribute {name!r}") for name in sorted(names)}


def _to_json(value: Any, where: str) -> Any:
    """Turn a graph attribute value into JSON data: tuples become lists, keys are sorted."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            msg = f"{where}: {value!r} has no JSON form; use None or a finite number"
            raise NetworkError(msg)
        return value
    if isinstance(value, list | tuple):
        return [_to_json(item, where) for item in value]
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            msg = f"{where}: mapping keys must be strings to be written to JSON"
            raise NetworkError(msg)
        return {k: _to_json(value[k], f"{where}[{k!r}]") for k in sorted(value)}
    msg = (
        f"{where}: {type(value).__name__} value {value!r:.60} has no JSON form; "
        "use str, numbers, bools, None, lists/tuples or dicts"
    )
    raise NetworkError(msg)


def _write_lon(lon: float) -> float:
    # Values already in [-180, 180) are written untouched (bit-exact round trip).
    return lon if -180.0 <= lon < 180.0 else float((lon + 180.0) % 360.0 - 180.0)


def _line_geometry(
    graph: nx.MultiDiGraph, u: str, v: str, line: LineString, where: str
) -> dict[str, Any]:
    coords: list[Position] = []
    for x, y in line.coords:
        if not (math.isfinite(x) and math.isfinite(y) and -90.0 <= y <= 90.0):
            msg = f"{where}: geometry vertex ({x!r}, {y!r}) is not a finite (lon, lat) position"
            raise NetworkError(msg)
        coords.append((_write_lon(float(x)), float(y)))
    for vertex, node, name in ((coords[0], u, "first"), (coords[-1], v, "last")):
        data = graph.nodes[node]
        off = geodesic_km(*vertex, data["lon"], data["lat"])
        if off > ENDPOINT_TOLERANCE_KM:
            msg = (
                f"{where}: the geometry's {name} vertex lies {off:.1f} km from node {node!r}; "
                f"it must be within {ENDPOINT_TOLERANCE_KM:g} km"
            )
            raise NetworkError(msg)
    parts = _split_at_antimeridian(coords)
    if len(parts) == 1:
        return {"type": "LineString", "coordinates": parts[0]}
    return {"type": "MultiLineString", "coordinates": parts}


def _split_at_antimeridian(coords: Sequence[Position]) -> list[list[list[float]]]:
    """Cut a line at every segment crossing lon 180, as RFC 7946 section 3.1.9 asks.

    ``antimeridian.fix_line_string`` is applied one segment at a time: on a whole line it would
    also drop consecutive near-duplicate vertices and join the last part to the first when the
    line is closed, both of which would lose vertices.
    """
    parts: list[list[list[float]]] = [[list(coords[0])]]
    for start, end in itertools.pairwise(coords):
        if abs(end[0] - start[0]) > 180.0:
            exit_point, entry_point = _crossing(start, end)
            parts[-1].append(exit_point)
            parts.append([entry_point])
        parts[-1].append(list(end))
    return parts


def _crossing(start: Position, end: Position) -> tuple[list[float], list[float]]:
    """Where the segment start -> end leaves and re-enters [-180, 180] at the antimeridian."""
    if not (abs(start[1]) == 90.0 and start[1] == end[1]):
        fixed = antimeridian.fix_line_string(LineString([start, end]), great_circle=True)
        if fixed.geom_type == "MultiLineString":
            first, second = fixed.geoms
            return [float(c) for c in first.coords[-1]], [float(c) for c in second.coords[0]]
    # antimeridian leaves the segment whole when both vertices are the same pole (no great
    # circle) or when lon2 - lon1 rounds to +-360 (179.99999999999997 -> -180): the crossing is
    # then at a vertex.
    lat = end[1] if abs(end[0]) >= abs(start[0]) else start[1]
    leave, enter = (180.0, -180.0) if start[0] > end[0] else (-180.0, 180.0)
    return [leave, lat], [enter, lat]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


def write_geojson(
    graph: nx.MultiDiGraph, path: str | os.PathLike[str], *, overwrite: bool = False
) -> Path:
    """Write a network to a GeoJSON file (RFC 7946, UTF-8, one feature per line).

    Parameters
    ----------
    graph
        A network as described in `arcticroute.network`.
    path
        Destination file.
    overwrite
        Replace an existing file (default false).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    FileExistsError
        If the file exists and `overwrite` is false.
    NetworkError
        As `network_to_geojson`; nothing is written then.

    Notes
    -----
    The output depends only on the graph: the same graph gives the same bytes, and writing
    what `read_geojson` returns gives the same bytes again.

    """
    path = Path(path)
    if path.exists() and not overwrite:
        msg = (
            f"{str(path)!r} already exists; pass overwrite=True "
            "(or --force on the command line) to replace it"
        )
        raise FileExistsError(msg)
    document = network_to_geojson(graph)
    lines = ["{", '"type": "FeatureCollection",']
    if "network" in document:
        lines.append(f'"network": {_dumps(document["network"])},')
    features = document["features"]
    if features:
        lines.append('"features": [')
        lines.append(",\n".join(_dumps(feature) for feature in features))
        lines.append("]")
    else:
        lines.append('"features": []')
    lines.append("}")
    text = "\n".join(lines) + "\n"
    with path.open("w" if overwrite else "x", encoding="utf-8", newline="\n") as file:
        file.write(text)
    return path
