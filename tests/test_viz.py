"""Maps: the matplotlib PNG and the folium HTML page, offline."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("folium")
pytest.importorskip("contourpy")
if importlib.util.find_spec("global_land_mask") is None:
    pytest.skip("global-land-mask is not installed", allow_module_level=True)

import matplotlib

matplotlib.use("Agg")

from arcticroute.itinerary import Itinerary
from arcticroute.planning import plan
from arcticroute.viz import _is_land, folium_map, plot_itinerary, save_html

MARCH = "2027-03-10T08:00"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def egvekinot(chukotka: nx.MultiDiGraph) -> Itinerary:
    return plan(chukotka, "Anadyr", "Egvekinot", "trekol", depart=MARCH)


@pytest.fixture(scope="module")
def pevek(chukotka: nx.MultiDiGraph) -> Itinerary:
    return plan(chukotka, "Anadyr", "Pevek", "gaz34039", depart=MARCH)


@pytest.fixture(scope="module")
def infeasible(chukotka: nx.MultiDiGraph) -> Itinerary:
    it = plan(chukotka, "Anadyr", "Uelen", "buran", depart="2027-07-10T08:00")
    assert not it.feasible
    return it


def test_land_mask_is_read_for_known_places() -> None:
    # Anadyr and Bilibino are on land; the Gulf of Anadyr and the Bering Strait are sea.
    lon = np.array([177.5167, 166.4417, 179.0, -169.0])
    lat = np.array([64.7333, 68.0583, 63.5, 65.8])
    assert _is_land(lon, lat).tolist() == [True, True, False, False]


def test_png_is_written_for_a_route_across_180(
    chukotka: nx.MultiDiGraph, egvekinot: Itinerary, tmp_path: Path
) -> None:
    path = tmp_path / "egvekinot.png"
    figure = plot_itinerary(egvekinot, chukotka, path)
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC
    assert len(data) > 20_000
    ax = figure.axes[0]
    assert "trekol" in ax.get_title(loc="left")
    # The route is drawn continuously in EPSG:3571: no jump of thousands of km at 180.
    route = [line for line in ax.get_lines() if line.get_linewidth() == 4.5]
    assert route
    for line in route:
        x = np.asarray(line.get_xdata(), dtype=float)
        assert np.abs(np.diff(x)).max() < 50.0


def test_png_annotates_refuels_and_waits(
    chukotka: nx.MultiDiGraph, pevek: Itinerary, tmp_path: Path
) -> None:
    path = tmp_path / "pevek.png"
    figure = plot_itinerary(pevek, chukotka, path)
    assert path.read_bytes()[:8] == PNG_MAGIC
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert any("+310 L" in t and "crew rest" in t for t in texts)
    legend = figure.axes[0].get_legend()
    assert legend is not None
    labels = [t.get_text() for t in legend.get_texts()]
    assert {"route", "refuel", "wait", "sea ice", "assumed"} <= set(labels)


def test_infeasible_plot_shows_places_and_the_reason(
    chukotka: nx.MultiDiGraph, infeasible: Itinerary
) -> None:
    figure = plot_itinerary(infeasible, chukotka)
    ax = figure.axes[0]
    assert "NO FEASIBLE ROUTE" in ax.get_title(loc="left")
    texts = [t.get_text() for t in ax.texts]
    assert any("closed for the season" in t for t in texts)
    assert any(t.startswith("Uelen") for t in texts)


def test_plot_draws_into_given_axes(chukotka: nx.MultiDiGraph, egvekinot: Itinerary) -> None:
    from matplotlib.figure import Figure

    figure = Figure()
    ax = figure.add_subplot()
    assert plot_itinerary(egvekinot, chukotka, ax=ax) is figure


def test_html_is_written_with_the_route_and_no_tiles(
    chukotka: nx.MultiDiGraph, pevek: Itinerary, tmp_path: Path
) -> None:
    path = save_html(pevek, chukotka, tmp_path / "pevek.html")
    text = path.read_text(encoding="utf-8")
    assert "tileLayer" not in text
    # Every vertex of the route, western longitudes shown plus 360 (continuous across 180).
    for leg in pevek.legs:
        for lon, lat in leg.geometry.coords:
            shown = round(lon + 360.0 if lon < 0 else lon, 6)
            assert f"[{round(lat, 6)!r}, {shown!r}]" in text
    assert "-179.2833" not in text
    assert "Mys Shmidta" in text
    assert "+310 L" in text
    assert '"kind": "land"' in text  # the coastline layer
    longitudes = [float(m) for m in re.findall(r"\[6\d\.\d+, (-?\d+\.\d+)\]", text)]
    assert longitudes
    assert min(longitudes) > 0


def test_folium_map_of_an_infeasible_plan_has_the_reason(
    chukotka: nx.MultiDiGraph, infeasible: Itinerary
) -> None:
    text = folium_map(infeasible, chukotka).get_root().render()
    assert "NO FEASIBLE ROUTE" in text
    assert "Uelen (destination)" in text
