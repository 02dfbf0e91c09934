"""Avoided areas: polygons read from GeoJSON, and the links of a network that cross them.

A planner draws an area to keep out of (thin ice in a bay, a closed military zone, a herd on
the move) in QGIS or geojson.io and passes the file to ``plan --avoid-area``; every link
whose geometry crosses the area is closed for that plan.

Chukotka straddles the 180th meridian, so nothing here compares longitudes. Each ring is
read the way the network reads its lines: consecutive vertices are joined the shorter way
round the globe (so ``[179, 65] -> [-179, 65]`` spans 2 degrees, not 358), densified, and
projected to EPSG:3571 (North Pole LAEA Bering Sea, centred on 180 degrees), where the
intersection tests run in kilometres. An RFC 7946 polygon split at the antimeridian into a
MultiPolygon gives the same area as the unsplit one.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union
from shapely.validation import explain_validity

from ._errors import ArcticRouteError
from .geodesy import PLANAR_CRS, to_planar_km, unwrap_lons

__all__ = ["AvoidArea", "AvoidAreaError", "read_avoid_area"]

_STEP_DEG = 0.1
"""Longest step (degrees) between vertices when densifying before projecting: a straight
segment in (lon, lat) curves in EPSG:3571, and 0.1 degree keeps the error below 100 m."""

_HINT = "give a GeoJSON FeatureCollection, Feature or geometry with Polygon or MultiPolygon"


class AvoidAreaError(ArcticRouteError, ValueError):
    """An avoided-area file or geometry is missing, malformed or holds no polygon."""


@dataclass(frozen=True, slots=True)
class AvoidArea:
    """Polygons to keep a plan out of, ready for intersection tests.

    Attributes
    ----------
    name : str
        Where the area came from (the file name, or ``"the given geometry"``), for messages.
    planar : shapely.geometry.base.BaseGeometry
        The union of the polygons in EPSG:3571, kilometres.
    n_polygons : int
        Number of polygons read (a MultiPolygon counts each part).
    """

    name: str
    planar: BaseGeometry = field(repr=False)
    n_polygons: int

    def crosses_line(self, line: LineString) -> bool:
        """Whether a (lon, lat) line touches or crosses the area.

        Parameters
        ----------
        line : shapely.LineString
            Vertices in degrees (east, north), consecutive ones joined the shorter way round.

        Returns
        -------
        bool
            True if the line intersects the area (boundary included).
        """
        return bool(self.planar.intersects(_planar_line(np.asarray(line.coords))))

    def covers_point(self, lon_deg: float, lat_deg: float) -> bool:
        """Whether a point lies inside the area or on its boundary.

        Parameters
        ----------
        lon_deg, lat_deg : float
            Degrees east and north.

        Returns
        -------
        bool
        """
        x, y = to_planar_km(lon_deg, lat_deg)
        return bool(self.planar.intersects(Point(float(x), float(y))))

    def crossed_links(self, network: nx.MultiDiGraph) -> tuple[tuple[str, str, Any], ...]:
        """The links of a network whose geometry crosses the area.

        Parameters
        ----------
        network : networkx.MultiDiGraph
            A network in the `arcticroute.network` model (each link has a ``geometry``).

        Returns
        -------
        tuple of (u, v, key)
            The crossing links, in the network's edge order.
        """
        return tuple(
            (u, v, key)
            for u, v, key, data in network.edges(keys=True, data=True)
            if self.crosses_line(data["geometry"])
        )


def read_avoid_area(source: str | Path | Mapping[str, Any] | BaseGeometry) -> AvoidArea:
    """Read polygons to avoid from a GeoJSON file, a GeoJSON mapping or a shapely geometry.

    Parameters
    ----------
    source : str, pathlib.Path, mapping or shapely geometry
        A path to a GeoJSON file; or a GeoJSON object (FeatureCollection, Feature, Polygon,
        MultiPolygon, GeometryCollection); or a shapely Polygon / MultiPolygon. Coordinates
        are (lon, lat) degrees on WGS 84, any longitude range; a ring's consecutive vertices
        are joined the shorter way round the globe, so an area may cross 180 degrees with or
        without being split there. Features that are not polygons (points, lines) are
        ignored.

    Returns
    -------
    AvoidArea

    Raises
    ------
    AvoidAreaError
        The file is missing or not JSON, holds no polygon, or a polygon is malformed or
        invalid (self-intersecting, encircling the pole); the message names the feature.

    Examples
    --------
    >>> area = read_avoid_area(
    ...     {"type": "Polygon", "coordinates": [[[179, 65], [-179, 65], [-179, 66], [179, 66],
    ...                                           [179, 65]]]})
    >>> area.covers_point(180.0, 65.5), area.covers_point(0.0, 65.5)
    (True, False)
    """
    name = "the given geometry"
    data: Any
    if isinstance(source, str | Path):
        path = Path(source)
        name = path.name
        data = _load_json(path)
    elif isinstance(source, BaseGeometry):
        data = shapely.geometry.mapping(source)
    elif isinstance(source, Mapping):
        data = source
    else:
        msg = f"avoid area {source!r} is neither a file path, a GeoJSON mapping nor a geometry"
        raise AvoidAreaError(msg)
    polygons = [
        _planar_polygon(coords, where, name) for where, coords in _polygon_coords(data, name)
    ]
    if not polygons:
        msg = f"{name} holds no Polygon or MultiPolygon; {_HINT}"
        raise AvoidAreaError(msg)
    planar = unary_union(polygons)
    shapely.prepare(planar)
    return AvoidArea(name=name, planar=planar, n_polygons=len(polygons))


def _load_json(path: Path) -> Any:
    if not path.exists():
        msg = f"avoid area file {str(path)!r} does not exist; {_HINT}"
        raise AvoidAreaError(msg)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        msg = f"cannot read avoid area file {str(path)!r}: {err}"
        raise AvoidAreaError(msg) from err
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        msg = (
            f"avoid area file {str(path)!r} is not JSON (line {err.lineno}, column "
            f"{err.colno}: {err.msg}); {_HINT}"
        )
        raise AvoidAreaError(msg) from None


def _polygon_coords(data: Any, name: str, where: str = "") -> Iterable[tuple[str, Any]]:
    """(where, polygon coordinates) for every polygon in a GeoJSON object."""
    if not isinstance(data, Mapping):
        msg = f"{name}{where}: expected a GeoJSON object, got {type(data).__name__}; {_HINT}"
        raise AvoidAreaError(msg)
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            msg = f"{name}: FeatureCollection has no 'features' list; {_HINT}"
            raise AvoidAreaError(msg)
        for number, feature in enumerate(features):
            yield from _polygon_coords(feature, name, f" feature {number}")
    elif kind == "Feature":
        geometry = data.get("geometry")
        if geometry is not None:
            yield from _polygon_coords(geometry, name, where)
    elif kind == "GeometryCollection":
        for number, geometry in enumerate(data.get("geometries") or ()):
            yield from _polygon_coords(geometry, name, f"{where} geometry {number}")
    elif kind == "Polygon":
        yield where, data.get("coordinates")
    elif kind == "MultiPolygon":
        parts = data.get("coordinates")
        if not isinstance(parts, list | tuple):
            msg = f"{name}{where}: MultiPolygon 'coordinates' must be a list of polygons"
            raise AvoidAreaError(msg)
        for number, part in enumerate(parts):
            yield f"{where} part {number}", part
    elif kind in ("Point", "MultiPoint", "LineString", "MultiLineString"):
        return
    else:
        msg = f"{name}{where}: unknown GeoJSON type {kind!r}; {_HINT}"
        raise AvoidAreaError(msg)


def _planar_polygon(coords: Any, where: str, name: str) -> Polygon:
    label = f"{name}{where}"
    # lists from JSON, tuples from shapely's __geo_interface__
    if not isinstance(coords, list | tuple) or not coords:
        msg = f"{label}: Polygon 'coordinates' must be a non-empty list of rings"
        raise AvoidAreaError(msg)
    rings = [_planar_ring(ring, label, number) for number, ring in enumerate(coords)]
    polygon = Polygon(rings[0], rings[1:])
    if not polygon.is_valid:
        msg = (
            f"{label}: the polygon is invalid ({_where_invalid(polygon)}); "
            "fix it, e.g. QGIS Vector > Geometry Tools > Fix Geometries"
        )
        raise AvoidAreaError(msg)
    return polygon


def _where_invalid(polygon: Polygon) -> str:
    """The validity message of shapely, with its EPSG:3571 point given in lon/lat degrees."""
    text = str(explain_validity(polygon))
    found = re.search(r"\[(\S+) (\S+)\]", text)
    if found is None:
        return text
    back = Transformer.from_crs(PLANAR_CRS, "EPSG:4326", always_xy=True)
    lon, lat = back.transform(float(found[1]) * 1000.0, float(found[2]) * 1000.0)
    return f"{text[: found.start()].strip()} near lon {lon:.3f}, lat {lat:.3f}"


def _planar_ring(ring: Any, label: str, number: int) -> NDArray[np.float64]:
    what = "outer ring" if number == 0 else f"hole {number}"
    try:
        points = np.asarray(ring, dtype=np.float64)
    except (TypeError, ValueError):
        msg = f"{label}: {what} must be a list of [lon, lat] positions"
        raise AvoidAreaError(msg) from None
    if points.ndim != 2 or points.shape[1] < 2 or points.shape[0] < 4:
        msg = f"{label}: {what} needs at least 4 [lon, lat] positions (first = last)"
        raise AvoidAreaError(msg)
    lon, lat = points[:, 0], points[:, 1]
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        msg = f"{label}: {what} has a coordinate that is not a finite number"
        raise AvoidAreaError(msg)
    if np.abs(lat).max() > 90.0:
        bad = float(lat[np.argmax(np.abs(lat))])
        msg = (
            f"{label}: {what} has latitude {bad:g} outside [-90, 90]; GeoJSON positions are "
            "[lon, lat], not [lat, lon]"
        )
        raise AvoidAreaError(msg)
    unwrapped = unwrap_lons(lon)
    lon_gap = float(unwrapped[-1] - unwrapped[0])
    if abs(lat[-1] - lat[0]) > 1e-9 or abs(lon_gap - 360.0 * round(lon_gap / 360.0)) > 1e-9:
        msg = f"{label}: {what} is not closed (its last position must equal its first)"
        raise AvoidAreaError(msg)
    if abs(lon_gap) > 1e-9:
        msg = f"{label}: {what} encircles the pole; draw the area without going round it"
        raise AvoidAreaError(msg)
    x, y = _densified_planar(np.column_stack([unwrapped, lat]))
    return np.column_stack([x, y])


def _densified_planar(
    lonlat: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Project continuous (lon, lat) vertices to EPSG:3571 km, adding a vertex every 0.1 deg."""
    parts_lon = [lonlat[:1, 0]]
    parts_lat = [lonlat[:1, 1]]
    for (lon0, lat0), (lon1, lat1) in itertools.pairwise(lonlat):
        n = max(1, math.ceil(max(abs(lon1 - lon0), abs(lat1 - lat0)) / _STEP_DEG))
        t = np.linspace(0.0, 1.0, n + 1)[1:]
        parts_lon.append(lon0 + (lon1 - lon0) * t)
        parts_lat.append(lat0 + (lat1 - lat0) * t)
    return to_planar_km(np.concatenate(parts_lon), np.concatenate(parts_lat))


def _planar_line(coords: Sequence[Sequence[float]] | NDArray[np.float64]) -> LineString:
    points = np.asarray(coords, dtype=np.float64)[:, :2]
    x, y = _densified_planar(np.column_stack([unwrap_lons(points[:, 0]), points[:, 1]]))
    return LineString(np.column_stack([x, y]))
