"""Maps of an itinerary: a static matplotlib figure (PNG) and an interactive folium page (HTML).

Both draw the network by terrain class, the settlements, the route on top, and the stops
(origin, destination, waits, refuels), over a coastline taken from global-land-mask's 1-km
land/sea raster. Nothing is downloaded when a map is made: no tiles, no Natural Earth.

matplotlib, folium, global-land-mask and xstatic-leaflet (the ``maps`` extra) are imported
only when a map is made.

Offline HTML
------------
Planners in Chukotka are often offline, so the HTML page is self-contained: Leaflet's
JavaScript and CSS (1.9.3, the version folium's template is written for, BSD 2-Clause; shipped
by the ``xstatic-leaflet`` package) are written into the page, with its images as data URIs and
its licence in a comment. None of the other files folium's template names by default
(jQuery, Bootstrap, Font Awesome, awesome-markers, all from CDNs) are referenced: the map uses
none of them, and its popups are bound with Leaflet's own ``bindPopup`` instead of folium's
jQuery-based ``Popup``. There are no map tiles (they cannot be had offline): the coastline
layer and the sea-blue background stand in for them.

Chukotka and the antimeridian
-----------------------------
`plot_itinerary` draws in EPSG:3571 (North Pole LAEA Bering Sea, kilometres), a projection
centred on 180 degrees, so the peninsula is one piece. `folium_map` draws in Leaflet's Web
Mercator, which needs continuous longitudes: every longitude west of Greenwich (< 0) is shown
plus 360 (-179.3 is drawn at 180.7), so the route does not wrap round the world.

The coastline
-------------
global-land-mask ships the GLOBE 1-km mask as one compressed array (about 1 GB once loaded,
10 s to import). The maps read only the rows of the latitudes they show, streaming them from
the package's file, then contour the land/sea boundary: land filled, coast drawn. Results are
cached per extent for the life of the process.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import importlib.util
import itertools
import json
import math
import os
import re
import textwrap
import zipfile
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .export import _Stop, _stops
from .geodesy import PLANAR_CRS, to_planar_km
from .itinerary import Itinerary, Leg, Refuel, Wait

if TYPE_CHECKING:
    import folium
    import networkx as nx
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["TERRAIN_COLOURS", "folium_map", "plot_itinerary", "save_html"]

TERRAIN_COLOURS: dict[str, str] = {
    "road": "#1a1a1a",
    "winter_road": "#2166ac",
    "trail": "#bf812d",
    "tundra": "#4d9221",
    "river_ice": "#00a6d6",
    "lake_ice": "#66c2a5",
    "sea_ice": "#762a83",
}
"""Line colour of each link terrain class on both maps."""

_CLOSED = "#9e9e9e"
_ROUTE = "#e7298a"
_ORIGIN = "#1b9e77"
_DESTINATION = "#d7301f"
_WAIT = "#ff7f00"
_REFUEL = "#ffd92f"
_LAND = "#f4f0e2"
_SEA = "#c4dcef"
_COAST = "#8da9bd"
_LABEL_CLEARANCE_KM = 35.0
"""A lesser label is left out when its place lies this close (km) to one already labelled."""
_MARGIN_KM = 90.0
"""Space (km) left around the network and route on the static map."""

_IMPORTANT_KINDS = frozenset({"city", "town"})
_IMPORTANT_POPULATION = 700


# ---------------------------------------------------------------------------------------------
# land mask


_MASK_SHAPE = (21600, 43200)  # GLOBE 30 arc-second grid, row 0 at 90 N, column 0 at 180 W
_MASK_CHUNK_ROWS = 240


def _mask_file() -> Path:
    spec = importlib.util.find_spec("global_land_mask")  # finds without importing (1 GB)
    if spec is None or not spec.submodule_search_locations:
        msg = "the maps need global-land-mask: pip install 'arcticroute[maps]'"
        raise ImportError(msg)
    folder = Path(next(iter(spec.submodule_search_locations)))
    return folder / "globe_combined_mask_compressed.npz"


def _is_land(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Whether each (lon, lat) lies on land, from global-land-mask (lakes count as land).

    Streams only the rows needed from the package's ``.npz`` file; falls back on
    ``global_land_mask.globe.is_land`` (which loads the whole mask) if the file's layout is not
    the one expected.
    """
    lon = ((np.asarray(lon, dtype=np.float64) + 180.0) % 360.0) - 180.0
    lat = np.clip(np.asarray(lat, dtype=np.float64), -90.0, 90.0)
    n_rows, n_cols = _MASK_SHAPE
    rows = np.clip(((90.0 - lat) * (n_rows / 180.0)).astype(np.int64), 0, n_rows - 1)
    cols = np.clip(((lon + 180.0) * (n_cols / 360.0)).astype(np.int64), 0, n_cols - 1)
    try:
        ocean = _read_mask(rows, cols)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        globe = importlib.import_module("global_land_mask.globe")
        return np.asarray(globe.is_land(lat, lon), dtype=np.bool_)
    return ~ocean


def _read_mask(rows: NDArray[np.int64], cols: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Ocean flags at mask cells (rows, cols), decompressing the file up to the last row."""
    out = np.zeros(rows.shape, dtype=np.bool_)
    if rows.size == 0:
        return out
    first, last = int(rows.min()), int(rows.max())
    n_cols = _MASK_SHAPE[1]
    with zipfile.ZipFile(_mask_file()) as archive, archive.open("mask.npy") as member:
        version = np.lib.format.read_magic(member)
        if version != (1, 0):
            msg = f"unexpected .npy version {version}"
            raise ValueError(msg)
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(member)
        if tuple(shape) != _MASK_SHAPE or fortran or dtype != np.dtype(np.bool_):
            msg = f"unexpected mask layout {shape}, {dtype}, fortran={fortran}"
            raise ValueError(msg)
        row = 0
        while row <= last:
            count = min(_MASK_CHUNK_ROWS, _MASK_SHAPE[0] - row)
            data = member.read(count * n_cols)
            if len(data) != count * n_cols:
                msg = "the mask file ends early"
                raise ValueError(msg)
            if row + count > first:
                chunk = np.frombuffer(data, dtype=np.bool_).reshape(count, n_cols)
                inside = (rows >= row) & (rows < row + count)
                out[inside] = chunk[rows[inside] - row, cols[inside]]
            row += count
    return out


@lru_cache(maxsize=8)
def _planar_land(
    x0: float, x1: float, y0: float, y1: float, step_km: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Land (1) / sea (0) on a regular EPSG:3571 grid (km), for contouring."""
    from pyproj import Transformer

    xs = np.arange(x0, x1 + step_km, step_km)
    ys = np.arange(y0, y1 + step_km, step_km)
    gx, gy = np.meshgrid(xs, ys)
    back = Transformer.from_crs(PLANAR_CRS, "EPSG:4326", always_xy=True)
    lon, lat = back.transform(gx * 1000.0, gy * 1000.0)
    land = _is_land(np.asarray(lon), np.asarray(lat)).astype(np.float64)
    return xs, ys, land


@lru_cache(maxsize=8)
def _land_polygons(
    lon0: float, lon1: float, lat0: float, lat1: float, step_deg: float
) -> dict[str, Any]:
    """Land polygons over a lon/lat box (longitudes continuous, may pass 180) as GeoJSON."""
    import contourpy
    from shapely.geometry import MultiPolygon, Polygon, mapping

    lons = np.arange(lon0, lon1 + step_deg, step_deg)
    lats = np.arange(lat0, lat1 + step_deg / 2, step_deg / 2)
    glon, glat = np.meshgrid(lons, lats)
    land = _is_land(glon, glat).astype(np.float64)
    # A sea border so every land polygon closes inside the grid.
    land[0, :] = land[-1, :] = land[:, 0] = land[:, -1] = 0.0
    generator = contourpy.contour_generator(
        lons, lats, land, fill_type=contourpy.FillType.OuterOffset
    )
    filled = generator.filled(0.5, 1.5)
    points: list[Any] = list(filled[0])
    offsets: list[Any] = list(filled[1])
    polygons = []
    for pts, offs in zip(points, offsets, strict=True):
        rings = [pts[a:b] for a, b in itertools.pairwise(offs)]
        polygon = Polygon(rings[0], rings[1:]).simplify(step_deg / 2)
        if not polygon.is_empty and polygon.area > step_deg * step_deg:
            polygons.append(polygon)
    geometry = mapping(MultiPolygon(polygons)) if polygons else None
    rounded = json.loads(json.dumps(geometry), parse_float=lambda s: round(float(s), 4))
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"kind": "land"}, "geometry": rounded}]
        if rounded
        else [],
    }


# ---------------------------------------------------------------------------------------------
# shared helpers


def _node_position(network: nx.MultiDiGraph | None, place: str) -> tuple[float, float] | None:
    if network is None or place not in network:
        return None
    data = network.nodes[place]
    return float(data["lon"]), float(data["lat"])


def _endpoints(
    it: Itinerary, network: nx.MultiDiGraph | None
) -> list[tuple[str, str, float, float]]:
    """(kind, place, lon, lat) of origin and destination, from the legs or the network."""
    if it.legs:
        first = it.legs[0].geometry.coords[0]
        last = it.legs[-1].geometry.coords[-1]
        return [
            ("origin", it.origin, float(first[0]), float(first[1])),
            ("destination", it.destination, float(last[0]), float(last[1])),
        ]
    out = []
    for kind, place in (("origin", it.origin), ("destination", it.destination)):
        position = _node_position(network, place)
        if position is not None:
            out.append((kind, place, *position))
    return out


def _important(data: dict[str, Any]) -> bool:
    population = data.get("population") or 0
    return data.get("kind") in _IMPORTANT_KINDS or population >= _IMPORTANT_POPULATION


def _short_reason(reason: str, width: int = 28) -> str:
    text = reason.split(" (")[0].split(": ")[0].strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def _hours(value: float) -> str:
    return f"{value:.1f} h" if value < 10 else f"{value:.0f} h"


def _stop_label(stop: _Stop) -> str:
    parts = [f"+{r.litres:.0f} L" for r in stop.refuels]
    parts += [f"wait {_hours(w.hours)}: {_short_reason(w.reason)}" for w in stop.waits]
    return "\n".join([stop.at, *parts])


def _when(value: dt.datetime) -> str:
    return value.strftime("%d %b %H:%M")


def _zone(value: dt.datetime) -> str:
    offset = value.strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}" if offset else ""


def _title_lines(it: Itinerary) -> list[str]:
    head = f"{it.origin} → {it.destination} by {it.vehicle}"
    if not it.feasible:
        lines = textwrap.wrap(it.reason, 110)
        if len(lines) > 3:  # keep the last sentence too: it says what to do
            last = textwrap.shorten("... " + it.reason.rsplit(". ", 1)[-1], 140)
            lines = [*lines[:2], last]
        return [f"{head}: NO FEASIBLE ROUTE", *lines]
    assert it.arrive is not None
    return [
        head,
        f"depart {_when(it.depart)}, arrive {_when(it.arrive)} {_zone(it.depart)} · "
        f"{it.distance_km:.0f} km, {it.duration_h:.1f} h ({it.driving_h:.1f} h driving), "
        f"{it.fuel_used_l:.0f} L",
    ]


def _links(
    network: nx.MultiDiGraph | None,
) -> Iterable[tuple[str, str, dict[str, Any]]]:
    if network is None:
        return []
    return ((u, v, data) for u, v, data in network.edges(data=True))


# ---------------------------------------------------------------------------------------------
# matplotlib


def plot_itinerary(
    it: Itinerary,
    network: nx.MultiDiGraph | None,
    path: str | os.PathLike[str] | None = None,
    *,
    ax: Axes | None = None,
    dpi: int = 110,
) -> Figure:
    """Draw an itinerary on a map of Chukotka (matplotlib), optionally saved as a PNG.

    Parameters
    ----------
    it : Itinerary
        The trip. An infeasible one still draws the network, origin and destination, with the
        reason in the title.
    network : networkx.MultiDiGraph or None
        The network planned on, drawn underneath: links coloured by terrain
        (`TERRAIN_COLOURS`), dashed where the route is assumed, grey and dotted where closed;
        settlements as dots, the larger ones named. None draws the route alone.
    path : str or os.PathLike, optional
        Write the figure here (PNG, or any format matplotlib infers from the suffix).
    ax : matplotlib.axes.Axes, optional
        Draw into these axes instead of a new figure.
    dpi : int
        Resolution of the saved file, dots per inch.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (a new one is not registered with pyplot: nothing to close).

    Notes
    -----
    Coordinates are EPSG:3571 (North Pole LAEA Bering Sea) in kilometres, centred on 180
    degrees; a graticule every 10 degrees of longitude and 5 of latitude is drawn for
    orientation. The route is drawn thick on top; stops are annotated with the litres taken
    on and the waits (duration and short reason).
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patheffects import withStroke

    stops = _stops(it)
    nodes = list(network.nodes(data=True)) if network is not None else []
    xs: list[float] = []
    ys: list[float] = []
    if nodes:
        nx_km, ny_km = to_planar_km([d["lon"] for _, d in nodes], [d["lat"] for _, d in nodes])
        xs.extend(nx_km)
        ys.extend(ny_km)
    for leg in it.legs:
        lx, ly = _leg_xy(leg)
        xs.extend(lx)
        ys.extend(ly)
    ends = _endpoints(it, network)
    if ends:
        ex, ey = to_planar_km([e[2] for e in ends], [e[3] for e in ends])
        xs.extend(ex)
        ys.extend(ey)
    if not xs:  # nothing to place: an infeasible plan without a network
        xs, ys = [-600.0, 400.0], [-3100.0, -2200.0]
    x0, x1 = min(xs) - _MARGIN_KM, max(xs) + _MARGIN_KM
    y0, y1 = min(ys) - _MARGIN_KM, max(ys) + _MARGIN_KM * 1.3

    if ax is None:
        width = 11.0
        height = min(max(width * (y1 - y0) / (x1 - x0) + 1.1, 5.0), 14.0)
        figure = Figure(figsize=(width, height), layout="constrained")
        ax = figure.add_subplot()
    else:
        figure = ax.get_figure()  # type: ignore[assignment]
    ax.set_facecolor(_SEA)

    step = max(x1 - x0, y1 - y0) / 700.0
    gx, gy, land = _planar_land(
        round(x0, 3), round(x1, 3), round(y0, 3), round(y1, 3), round(step, 3)
    )
    if land.any() and not land.all():
        ax.contourf(gx, gy, land, levels=[0.5, 1.5], colors=[_LAND], zorder=0)
        ax.contour(gx, gy, land, levels=[0.5], colors=[_COAST], linewidths=0.6, zorder=1)
    elif land.all():
        ax.set_facecolor(_LAND)
    _graticule(ax, x0, x1, y0, y1)

    terrains_seen: set[str] = set()
    assumed_seen = closed_seen = False
    for _, _, data in _links(network):
        lx, ly = _line_xy(data["geometry"].coords)
        if data["status"] != "open":
            ax.plot(lx, ly, color=_CLOSED, lw=1.2, ls=":", zorder=2)
            closed_seen = True
            continue
        terrains_seen.add(data["terrain"])
        dashed = bool(data["assumed"])
        assumed_seen |= dashed
        ax.plot(
            lx,
            ly,
            color=TERRAIN_COLOURS.get(data["terrain"], "#555555"),
            lw=1.5,
            ls=(0, (5, 3)) if dashed else "-",
            zorder=3,
        )

    # Labels in order of priority; a lesser label is left out when it would sit on another.
    labels: list[tuple[float, float, str, dict[str, Any], bool]] = []
    style: dict[str, Any]
    stop_places = {s.at for s in stops} | {e[1] for e in ends}
    for kind, place, lon, lat in ends:
        stop = next((s for s in stops if s.kind == kind), None)
        lines = [place]
        if stop is not None:
            lines.extend(_stop_label(stop).split("\n")[1:])
            lines.append(("dep " if kind == "origin" else "arr ") + _when(stop.expected))
        style = {"xytext": (9, 7), "fontsize": 9, "fontweight": "bold", "stroke": 3.0}
        labels.append((lon, lat, "\n".join(lines), style, True))
    for stop in stops:
        if stop.kind == "via":
            busy = bool(stop.refuels or stop.waits)
            style = {
                "xytext": (7, -4),
                "va": "top",
                "fontsize": 8 if busy else 7.5,
                "fontweight": "bold" if busy else "normal",
            }
            labels.append((stop.lon, stop.lat, _stop_label(stop), style, busy))
    for node, data in nodes:
        if _important(data) and node not in stop_places:
            style = {"xytext": (4, 3), "fontsize": 7.5, "color": "#333333"}
            labels.append((data["lon"], data["lat"], str(data.get("name", node)), style, False))
    placed: list[tuple[float, float]] = []
    for lon, lat, label, options, always in labels:
        px, py = (float(v) for v in to_planar_km(lon, lat))
        if not always and any(math.hypot(px - a, py - b) < _LABEL_CLEARANCE_KM for a, b in placed):
            continue
        placed.append((px, py))
        stroke = float(options.pop("stroke", 2.5))
        ax.annotate(
            label,
            (px, py),
            textcoords="offset points",
            path_effects=[withStroke(linewidth=stroke, foreground="white")],
            zorder=12,
            **options,
        )

    for _, data in nodes:
        ax.plot(
            *to_planar_km(data["lon"], data["lat"]),
            marker="o",
            ms=4.5 if _important(data) else 2.8,
            color="#333333" if data["shelter"] else "#888888",
            zorder=4,
        )

    for leg in it.legs:
        lx, ly = _leg_xy(leg)
        ax.plot(lx, ly, color="white", lw=7.5, solid_capstyle="round", zorder=6)
        ax.plot(
            lx,
            ly,
            color=_ROUTE,
            lw=4.5,
            ls=(0, (3, 1.5)) if leg.assumed else "-",
            solid_capstyle="round",
            zorder=7,
        )

    for stop in stops:
        x, y = (float(v) for v in to_planar_km(stop.lon, stop.lat))
        if stop.kind == "via":
            ax.plot(x, y, "o", ms=6, mfc="white", mec=_ROUTE, mew=1.8, zorder=8)
        if stop.refuels:
            ax.plot(x + 14, y + 14, "s", ms=8, mfc=_REFUEL, mec="black", mew=0.8, zorder=9)
        if stop.waits:
            ax.plot(x - 14, y + 14, "h", ms=9, mfc=_WAIT, mec="black", mew=0.8, zorder=9)
    for kind, _, lon, lat in ends:
        x, y = (float(v) for v in to_planar_km(lon, lat))
        origin = kind == "origin"
        ax.plot(
            x,
            y,
            "o" if origin else "*",
            ms=12 if origin else 18,
            mfc=_ORIGIN if origin else _DESTINATION,
            mec="black",
            mew=1.0,
            zorder=11,
        )

    handles: list[Any] = [
        Line2D([], [], color=TERRAIN_COLOURS[t], lw=1.5, label=t.replace("_", " "))
        for t in TERRAIN_COLOURS
        if t in terrains_seen
    ]
    if assumed_seen:
        handles.append(Line2D([], [], color="#555555", lw=1.5, ls=(0, (5, 3)), label="assumed"))
    if closed_seen:
        handles.append(Line2D([], [], color=_CLOSED, lw=1.2, ls=":", label="closed"))
    if it.legs:
        handles.append(Line2D([], [], color=_ROUTE, lw=4.5, label="route"))
    handles += [
        Line2D([], [], ls="", marker="o", ms=9, mfc=_ORIGIN, mec="black", label="origin"),
        Line2D(
            [], [], ls="", marker="*", ms=13, mfc=_DESTINATION, mec="black", label="destination"
        ),
    ]
    if it.refuels:
        handles.append(
            Line2D([], [], ls="", marker="s", ms=7, mfc=_REFUEL, mec="black", label="refuel")
        )
    if it.waits:
        handles.append(
            Line2D([], [], ls="", marker="h", ms=8, mfc=_WAIT, mec="black", label="wait")
        )
    if nodes:
        handles.append(Line2D([], [], ls="", marker="o", ms=4, color="#333333", label="settlement"))
    ax.legend(handles=handles, loc="lower right", fontsize=8, framealpha=0.9, ncols=2)

    title = _title_lines(it)
    # above the lines below it (one for a trip, up to three for a reason), 9 pt each
    ax.set_title(title[0], fontsize=13, fontweight="bold", loc="left", pad=10 + 12 * len(title[1:]))
    ax.text(
        0.0,
        1.012,
        "\n".join(title[1:]),
        transform=ax.transAxes,
        fontsize=9,
        va="bottom",
        color="#b00020" if not it.feasible else "black",
    )
    if it.warnings:
        note = "\n".join(textwrap.shorten(f"⚠ {w}", 120) for w in it.warnings[:4])
        ax.text(
            0.01,
            0.01,
            note,
            transform=ax.transAxes,
            fontsize=7.5,
            va="bottom",
            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "#cccccc"},
            zorder=13,
        )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.tick_params(labelsize=7, colors="#666666")
    ax.set_xlabel("km east (EPSG:3571, centred on 180°)", fontsize=7, color="#666666")
    ax.set_ylabel("km north", fontsize=7, color="#666666")
    if path is not None:
        figure.savefig(os.fspath(path), dpi=dpi)
    return figure


def _line_xy(coords: Sequence[Sequence[float]]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Project a (lon, lat) line to EPSG:3571 km, densified so long segments follow the curve."""
    points = np.asarray(coords, dtype=np.float64)[:, :2]
    lon = np.unwrap(points[:, 0], period=360.0)
    dense_lon = [lon[:1]]
    dense_lat = [points[:1, 1]]
    for i in range(1, len(points)):
        n = max(1, math.ceil(abs(lon[i] - lon[i - 1]) / 0.5))
        t = np.linspace(0.0, 1.0, n + 1)[1:]
        dense_lon.append(lon[i - 1] + (lon[i] - lon[i - 1]) * t)
        dense_lat.append(points[i - 1, 1] + (points[i, 1] - points[i - 1, 1]) * t)
    return to_planar_km(np.concatenate(dense_lon), np.concatenate(dense_lat))


def _leg_xy(leg: Leg) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    return _line_xy(leg.geometry.coords)


def _graticule(ax: Axes, x0: float, x1: float, y0: float, y1: float) -> None:
    style: dict[str, Any] = {"color": "#9fb3c2", "lw": 0.5, "ls": (0, (1, 2)), "zorder": 1.5}
    text: dict[str, Any] = {"fontsize": 6.5, "color": "#6f8797", "zorder": 1.6, "clip_on": True}
    lats = np.linspace(50.0, 80.0, 301)
    for lon in range(140, 221, 10):
        x, y = to_planar_km(np.full_like(lats, lon), lats)
        ax.plot(x, y, **style)
        inside = (x > x0) & (x < x1) & (y > y0) & (y < y1)
        if inside.any():
            i = int(np.argmax(inside))  # lowest latitude inside the frame
            name = "180°" if lon == 180 else f"{lon}°E" if lon < 180 else f"{360 - lon}°W"
            ax.text(x[i], y[i], f" {name}", va="bottom", **text)
    lons = np.linspace(130.0, 230.0, 501)
    for lat in range(50, 81, 5):
        x, y = to_planar_km(lons, np.full_like(lons, lat))
        ax.plot(x, y, **style)
        inside = (x > x0) & (x < x1) & (y > y0) & (y < y1)
        if inside.any():
            i = int(np.argmax(inside))  # western end inside the frame
            ax.text(x[i], y[i], f"{lat}°N ", ha="left", va="bottom", **text)


# ---------------------------------------------------------------------------------------------
# folium

_LEAFLET_LICENSE = """Leaflet 1.9.3 (https://leafletjs.com), inlined for offline use.
BSD 2-Clause License

Copyright (c) 2010-2022, Vladimir Agafonkin
Copyright (c) 2010-2011, CloudMade
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE."""

_LEAFLET_VERSION = "1.9.3"
"""The Leaflet version folium 0.20's templates are written for; xstatic-leaflet must ship it."""


@lru_cache(maxsize=1)
def _leaflet_inline() -> str:
    """Leaflet's CSS and JavaScript as inline ``<style>`` and ``<script>`` elements."""
    try:
        leaflet: Any = importlib.import_module("xstatic.pkg.leaflet")
    except ImportError as err:
        msg = "offline HTML maps need xstatic-leaflet: pip install 'arcticroute[maps]'"
        raise ImportError(msg) from err
    if not str(leaflet.VERSION).startswith(_LEAFLET_VERSION.rsplit(".", 1)[0]):
        msg = (
            f"xstatic-leaflet ships Leaflet {leaflet.VERSION}, the maps need "
            f"{_LEAFLET_VERSION}: pip install 'xstatic-leaflet=={_LEAFLET_VERSION}.*'"
        )
        raise ImportError(msg)
    folder = Path(leaflet.BASE_DIR)
    # Without the source map comment: a browser's developer tools would look for the file.
    script = re.sub(
        r"^//# sourceMappingURL=.*$",
        "",
        (folder / "leaflet.js").read_text(encoding="utf-8"),
        flags=re.M,
    )
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(found: re.Match[str]) -> str:
        image = folder / "images" / found[2]
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    css = re.sub(r"url\((['\"]?)images/([\w.-]+\.png)\1\)", data_uri, css)
    if "</script" in script.lower() or "</style" in css.lower():  # pragma: no cover
        msg = "Leaflet's files cannot be inlined: they contain a closing script or style tag"
        raise ValueError(msg)
    return f"<!--\n{_LEAFLET_LICENSE}\n-->\n<style>\n{css}\n</style>\n<script>\n{script}\n</script>"


@lru_cache(maxsize=1)
def _popup_class() -> Any:
    """A popup bound with Leaflet's own ``bindPopup`` (folium's Popup needs jQuery)."""
    from branca.element import MacroElement
    from jinja2 import Template

    base: Any = MacroElement  # branca is untyped

    class LeafletPopup(base):  # type: ignore[misc]
        _template = Template(
            """
            {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindPopup({{ this.html|tojson }},
                {{ this.options|tojson }});
            {% endmacro %}
            """
        )

        def __init__(self, html_text: str, max_width: int) -> None:
            super().__init__()
            self._name = "LeafletPopup"
            self.html = html_text
            self.options = {"maxWidth": max_width}

    return LeafletPopup


def _with_popup(layer: Any, html_text: str, max_width: int = 380) -> Any:
    """Bind a popup (HTML text) to a folium layer; return the layer."""
    layer.add_child(_popup_class()(html_text, max_width))
    return layer


def _display_lon(lon: float) -> float:
    """Longitude for Leaflet: west of Greenwich shown plus 360 (continuous across 180)."""
    return round(lon + 360.0 if lon < 0 else lon, 6)


def _latlon(coords: Iterable[Sequence[float]]) -> list[list[float]]:
    return [[round(float(c[1]), 6), _display_lon(float(c[0]))] for c in coords]


def _table_html(rows: Sequence[tuple[str, object]]) -> str:
    cells = "".join(
        f"<tr><th style='text-align:left;padding-right:8px'>{html.escape(k)}</th>"
        f"<td>{html.escape(str(v))}</td></tr>"
        for k, v in rows
    )
    return f"<table style='font-size:12px'>{cells}</table>"


def _event_rows(event: Wait | Refuel) -> list[tuple[str, object]]:
    if isinstance(event, Refuel):
        return [
            ("refuel", f"+{event.litres:.0f} L at {event.at}"),
            ("depot", event.confidence),
            ("from", event.start.isoformat()),
            ("until", event.until.isoformat()),
        ]
    return [
        ("wait", f"{_hours(event.hours)} at {event.at}"),
        ("reason", event.reason),
        ("from", event.start.isoformat()),
        ("until", event.until.isoformat()),
        ("shelter", "yes" if event.shelter else "no (halt in the open)"),
    ]


def folium_map(it: Itinerary, network: nx.MultiDiGraph | None) -> folium.Map:
    """An interactive map of an itinerary (Leaflet via folium), usable without map tiles.

    Parameters
    ----------
    it : Itinerary
        The trip; an infeasible one shows the network, origin, destination and the reason.
    network : networkx.MultiDiGraph or None
        The network planned on, drawn underneath (as in `plot_itinerary`).

    Returns
    -------
    folium.Map
        Layers (switchable): coastline (land polygons from global-land-mask), network,
        settlements, route (a line per leg with a popup: places, terrain, km, times, fuel,
        link) and stops (a circle per stop, refuel and wait with a popup). A title box and a
        terrain legend are fixed on the page. No tile layer: the page needs no tile server;
        the sea is the page background. Western longitudes are shown plus 360 (see the module
        docstring).

    Notes
    -----
    The page is self-contained and opens offline: Leaflet's JavaScript and CSS are inlined
    (see the module docstring) and nothing else is referenced.
    """
    import folium

    poly_line: Any = folium.PolyLine  # its __init__ is not annotated
    points: list[list[float]] = []
    for _, _, data in _links(network):
        points.extend(_latlon(data["geometry"].coords))
    for leg in it.legs:
        points.extend(_latlon(leg.geometry.coords))
    ends = _endpoints(it, network)
    points.extend(_latlon([(e[2], e[3]) for e in ends]))
    if not points:
        points = [[62.0, 165.0], [70.0, 190.0]]
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    south, north = min(lats) - 0.7, max(lats) + 0.7
    west, east = min(lons) - 2.0, max(lons) + 2.0

    fmap = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=5,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,
    )
    # Self-contained: Leaflet inline, none of the CDN files folium's template names.
    fmap.default_js = []
    fmap.default_css = []
    page: Any = fmap.get_root()  # a branca Figure: has header and html
    page.header.add_child(folium.Element(_leaflet_inline()), name="leaflet_inline", index=0)
    page.header.add_child(
        folium.Element(f"<style>.leaflet-container {{ background: {_SEA}; }}</style>")
    )
    coast = folium.FeatureGroup(name="coastline")
    folium.GeoJson(
        _land_polygons(
            math.floor(west - 3),
            math.ceil(east + 3),
            max(-89.0, math.floor(south - 2)),
            min(89.0, math.ceil(north + 2)),
            0.05,
        ),
        style_function=lambda _: {
            "fillColor": _LAND,
            "color": _COAST,
            "weight": 0.8,
            "fillOpacity": 1.0,
        },
        interactive=False,
    ).add_to(coast)
    coast.add_to(fmap)

    links = folium.FeatureGroup(name="network")
    for u, v, data in _links(network):
        closed = data["status"] != "open"
        colour = _CLOSED if closed else TERRAIN_COLOURS.get(data["terrain"], "#555555")
        dash = "2 5" if closed else "8 6" if data["assumed"] else None
        label = (
            f"{u} – {v}: {data['terrain'].replace('_', ' ')}, {data['length_km']:.0f} km"
            + (", closed" if closed else "")
            + (", route assumed" if data["assumed"] else "")
        )
        poly_line(
            _latlon(data["geometry"].coords),
            color=colour,
            weight=2.5,
            opacity=0.9,
            dash_array=dash,
            tooltip=label,
        ).add_to(links)
    links.add_to(fmap)

    places = folium.FeatureGroup(name="settlements")
    for node, data in network.nodes(data=True) if network is not None else []:
        big = _important(data)
        folium.CircleMarker(
            [data["lat"], _display_lon(data["lon"])],
            radius=4 if big else 2.5,
            color="#333333",
            weight=1,
            fill=True,
            fill_color="#333333" if data["shelter"] else "#999999",
            fill_opacity=1.0,
            tooltip=folium.Tooltip(str(data.get("name", node)), permanent=big),
        ).add_to(places)
    places.add_to(fmap)

    route = folium.FeatureGroup(name="route")
    for index, leg in enumerate(it.legs):
        popup = _table_html(
            [
                ("leg", f"{index + 1}. {leg.origin} → {leg.destination}"),
                ("terrain", leg.terrain.replace("_", " ")),
                ("distance", f"{leg.distance_km:.1f} km"),
                ("depart", leg.depart.isoformat()),
                ("arrive", leg.arrive.isoformat()),
                ("driving", f"{leg.hours:.1f} h"),
                ("fuel", f"{leg.fuel_before_l:.0f} → {leg.fuel_after_l:.0f} L"),
                ("link", leg.link_id + (" (route assumed)" if leg.assumed else "")),
            ]
        )
        line = _latlon(leg.geometry.coords)
        poly_line(line, color="white", weight=9, opacity=0.9).add_to(route)
        _with_popup(
            poly_line(
                line,
                color=_ROUTE,
                weight=5.5,
                opacity=1.0,
                dash_array="10 6" if leg.assumed else None,
                tooltip=f"{leg.origin} → {leg.destination}",
            ),
            popup,
        ).add_to(route)
    route.add_to(fmap)

    stops_layer = folium.FeatureGroup(name="stops")
    stops = _stops(it)
    for stop in stops:
        rows: list[tuple[str, object]] = [("stop", f"{stop.at} ({stop.kind})")]
        if stop.arrive is not None:
            rows.append(("arrive", stop.arrive.isoformat()))
        if stop.depart is not None:
            rows.append(("depart", stop.depart.isoformat()))
        rows.append(("km from origin", f"{stop.km:.0f}"))
        colour = {"origin": _ORIGIN, "destination": _DESTINATION}.get(stop.kind, "white")
        marker: Any = folium.CircleMarker(
            [stop.lat, _display_lon(stop.lon)],
            radius=9 if stop.kind != "via" else 5,
            color="black" if stop.kind != "via" else _ROUTE,
            weight=2,
            fill=True,
            fill_color=colour,
            fill_opacity=1.0,
            tooltip=folium.Tooltip(stop.at, permanent=stop.kind != "via"),
        )
        _with_popup(marker, _table_html(rows)).add_to(stops_layer)
        for event in stop.events:
            refuel = isinstance(event, Refuel)
            event_marker: Any = folium.CircleMarker(
                [
                    stop.lat + 0.12,
                    _display_lon(stop.lon) + (0.3 if refuel else -0.3),
                ],
                radius=6,
                color="black",
                weight=1,
                fill=True,
                fill_color=_REFUEL if refuel else _WAIT,
                fill_opacity=1.0,
                tooltip=(
                    f"refuel +{event.litres:.0f} L"
                    if isinstance(event, Refuel)
                    else f"wait {_hours(event.hours)}: {_short_reason(event.reason)}"
                ),
            )
            _with_popup(event_marker, _table_html(_event_rows(event))).add_to(stops_layer)
    if not stops:
        for kind, place, lon, lat in ends:
            folium.CircleMarker(
                [lat, _display_lon(lon)],
                radius=9,
                color="black",
                weight=2,
                fill=True,
                fill_color=_ORIGIN if kind == "origin" else _DESTINATION,
                fill_opacity=1.0,
                tooltip=folium.Tooltip(f"{place} ({kind})", permanent=True),
            ).add_to(stops_layer)
    stops_layer.add_to(fmap)

    page.html.add_child(folium.Element(_title_box(it)))
    page.html.add_child(folium.Element(_legend_box(it)))
    folium.LayerControl(collapsed=True).add_to(fmap)
    fmap.fit_bounds([[south, west], [north, east]])
    return fmap


def _title_box(it: Itinerary) -> str:
    lines = _title_lines(it)
    body = "<br>".join(html.escape(line) for line in lines[1:])
    warnings = "".join(f"<div style='color:#8a4b00'>⚠ {html.escape(w)}</div>" for w in it.warnings)
    colour = "#b00020" if not it.feasible else "#222"
    return (
        "<div style='position:fixed;top:10px;left:50px;z-index:1000;background:white;"
        "padding:6px 10px;border:1px solid #aaa;border-radius:4px;max-width:60%;"
        f"font:13px sans-serif;color:{colour}'><b>{html.escape(lines[0])}</b><br>{body}"
        f"{warnings}</div>"
    )


def _legend_box(it: Itinerary) -> str:
    items = [
        f"<span style='display:inline-block;width:22px;border-top:3px solid {c}'></span> "
        f"{html.escape(t.replace('_', ' '))}"
        for t, c in TERRAIN_COLOURS.items()
    ]
    items.append(
        "<span style='display:inline-block;width:22px;border-top:3px dashed #555'></span> assumed"
    )
    items.append(
        f"<span style='display:inline-block;width:22px;border-top:3px dotted {_CLOSED}'></span> "
        "closed"
    )
    items.append(
        f"<span style='display:inline-block;width:22px;border-top:5px solid {_ROUTE}'></span> route"
    )
    for colour, label in ((_REFUEL, "refuel"), (_WAIT, "wait")):
        items.append(
            f"<span style='display:inline-block;width:10px;height:10px;border-radius:5px;"
            f"background:{colour};border:1px solid black'></span> {label}"
        )
    return (
        "<div style='position:fixed;bottom:24px;left:10px;z-index:1000;background:white;"
        "padding:6px 10px;border:1px solid #aaa;border-radius:4px;font:12px sans-serif'>"
        + "<br>".join(items)
        + "</div>"
    )


def save_html(it: Itinerary, network: nx.MultiDiGraph | None, path: str | os.PathLike[str]) -> Path:
    """Write `folium_map` as a standalone HTML page.

    Parameters
    ----------
    it : Itinerary
        The trip.
    network : networkx.MultiDiGraph or None
        The network planned on.
    path : str or os.PathLike
        Destination file (overwritten).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    target = Path(path)
    folium_map(it, network).save(os.fspath(target))
    return target
