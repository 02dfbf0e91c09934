"""Geodesy: WGS 84 lengths, longitude normalisation and EPSG:3571 planar coordinates.

Chukotka straddles the 180th meridian, so every function here is antimeridian-safe:
longitudes are normalised to [-180, 180) and consecutive vertices of a line are joined along
the shorter way round the globe.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import Geod, Transformer
from shapely.geometry import LineString

__all__ = [
    "PLANAR_CRS",
    "from_planar_km",
    "geodesic_km",
    "line_length_km",
    "normalize_lon",
    "straight_line",
    "to_planar_km",
    "unwrap_lons",
]

PLANAR_CRS = "EPSG:3571"
"""WGS 84 / North Pole LAEA Bering Sea: equal-area, centred on 180 degrees."""

_GEOD = Geod(ellps="WGS84")


def normalize_lon(lon_deg: ArrayLike) -> NDArray[np.float64]:
    """Wrap longitudes into [-180, 180).

    Parameters
    ----------
    lon_deg
        Longitude(s) in degrees east, any range.

    Returns
    -------
    ndarray of float64
        The same meridians, in degrees east within [-180, 180).
    """
    lon = np.asarray(lon_deg, dtype=np.float64)
    return ((lon + 180.0) % 360.0) - 180.0


def unwrap_lons(lon_deg: ArrayLike) -> NDArray[np.float64]:
    """Make a sequence of longitudes continuous (no jump larger than 180 degrees).

    Parameters
    ----------
    lon_deg
        Longitudes of consecutive vertices, degrees east.

    Returns
    -------
    ndarray of float64
        Longitudes in degrees east that may leave [-180, 180) (e.g. 181.2) so that each step
        takes the shorter way round; the first value is kept as given.
    """
    lon = np.asarray(lon_deg, dtype=np.float64)
    if lon.size < 2:
        return lon.copy()
    steps = normalize_lon(np.diff(lon))
    return np.concatenate(([lon[0]], lon[0] + np.cumsum(steps)))


def geodesic_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-ellipse (geodesic) distance on WGS 84.

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        Endpoints in degrees (east, north).

    Returns
    -------
    float
        Distance in kilometres along the WGS 84 geodesic.

    Examples
    --------
    >>> round(geodesic_km(177.5167, 64.7333, -169.8092, 66.1594))  # Anadyr - Uelen
    608
    """
    _, _, dist_m = _GEOD.inv(lon1, lat1, lon2, lat2)
    return float(dist_m) / 1000.0


def line_length_km(line: LineString) -> float:
    """Length of a (lon, lat) line along WGS 84 geodesics between its vertices.

    Parameters
    ----------
    line
        Vertices in degrees (east, north); each segment is taken the shorter way round.

    Returns
    -------
    float
        Length in kilometres.
    """
    coords = np.asarray(line.coords, dtype=np.float64)
    _, _, dist_m = _GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    return float(np.sum(dist_m)) / 1000.0


def straight_line(
    start: tuple[float, float],
    end: tuple[float, float],
    via: Sequence[tuple[float, float]] = (),
) -> LineString:
    """Build a link geometry from endpoints and optional intermediate points.

    Parameters
    ----------
    start, end
        (lon, lat) in degrees of the two ends.
    via
        Intermediate (lon, lat) points in degrees, in travel order.

    Returns
    -------
    shapely.LineString
        Vertices with longitudes normalised to [-180, 180).
    """
    points = [start, *via, end]
    lons = normalize_lon([p[0] for p in points])
    return LineString([(float(x), float(p[1])) for x, p in zip(lons, points, strict=True)])


@lru_cache(maxsize=1)
def _planar_transformer() -> Transformer:
    return Transformer.from_crs("EPSG:4326", PLANAR_CRS, always_xy=True)


def to_planar_km(
    lon_deg: ArrayLike, lat_deg: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Project (lon, lat) to EPSG:3571 (North Pole LAEA Bering Sea).

    Parameters
    ----------
    lon_deg, lat_deg
        Coordinates in degrees (east, north); any longitude range.

    Returns
    -------
    (x_km, y_km) : tuple of ndarray of float64
        Planar coordinates in kilometres. The projection is centred on 180 degrees, so
        Chukotka is continuous across the antimeridian.
    """
    x_m, y_m = _planar_transformer().transform(
        np.asarray(lon_deg, dtype=np.float64), np.asarray(lat_deg, dtype=np.float64)
    )
    return np.asarray(x_m, dtype=np.float64) / 1000.0, np.asarray(y_m, dtype=np.float64) / 1000.0


@lru_cache(maxsize=1)
def _geographic_transformer() -> Transformer:
    return Transformer.from_crs(PLANAR_CRS, "EPSG:4326", always_xy=True)


def from_planar_km(
    x_km: ArrayLike, y_km: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Back from EPSG:3571 kilometres to (lon, lat): the inverse of `to_planar_km`.

    Parameters
    ----------
    x_km, y_km
        Planar coordinates in kilometres.

    Returns
    -------
    (lon_deg, lat_deg) : tuple of ndarray of float64
        Degrees east (normalised to [-180, 180)) and north.
    """
    lon, lat = _geographic_transformer().transform(
        np.asarray(x_km, dtype=np.float64) * 1000.0, np.asarray(y_km, dtype=np.float64) * 1000.0
    )
    return normalize_lon(lon), np.asarray(lat, dtype=np.float64)
