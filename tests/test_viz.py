"""Maps: the matplotlib PNG and the folium HTML page, offline."""

from __future__ import annotations

import html
import importlib.util
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
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
    assert "L.tileLayer(" not in parse_page(text).scripts[-1]  # no tile layer: offline
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


# --- the HTML page offline ---------------------------------------------------------------------


class _Page(HTMLParser):
    """Scripts, external references and element ids of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.refs: list[tuple[str, str, str]] = []
        self.ids: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        for attr in ("src", "href", "data"):
            if attr in found and tag in ("script", "link", "img", "iframe", "embed", "object"):
                self.refs.append((tag, attr, found[attr]))
        if tag == "div" and "id" in found:
            self.ids.append(found["id"])
        if tag in ("script", "style"):
            self._in = tag
            (self.scripts if tag == "script" else self.styles).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "style":
            self.styles[-1] += data


def parse_page(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


@pytest.fixture(scope="module")
def pevek_html(
    chukotka: nx.MultiDiGraph, pevek: Itinerary, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    return save_html(pevek, chukotka, tmp_path_factory.mktemp("html") / "pevek.html")


def test_html_is_self_contained_with_leaflet_inline(pevek_html: Path) -> None:
    text = pevek_html.read_text(encoding="utf-8")
    page = parse_page(text)
    # Nothing is loaded from elsewhere: no script, stylesheet, image or frame by URL.
    assert page.refs == []
    for css in page.styles:
        assert "@import" not in css
        for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", css):
            assert url.startswith(("data:", "#")), url
    for cdn in ("cdn.jsdelivr.net", "code.jquery.com", "cdnjs.cloudflare.com", "bootstrapcdn"):
        assert cdn not in text
    # Leaflet itself is in the page, with its licence; folium's jQuery popups are not used.
    assert any("Leaflet 1.9.3" in s and "L.map" not in s for s in page.scripts)
    assert "BSD 2-Clause License" in text
    assert "Vladimir Agafonkin" in text
    assert "$(" not in page.scripts[-1]
    assert "bindPopup(" in page.scripts[-1]


def test_html_scripts_build_the_map_in_v8_with_a_fake_dom(
    pevek_html: Path, pevek: Itinerary
) -> None:
    # The strongest check without a browser: run every script of the page, in order, in V8
    # against a minimal fake DOM (tests/js/fake_dom.js); Leaflet builds its map, panes, layer
    # control and permanent tooltips, and a popup opened on the route shows the leg's table.
    mini_racer = pytest.importorskip("py_mini_racer")
    page = parse_page(pevek_html.read_text(encoding="utf-8"))
    v8 = mini_racer.MiniRacer()
    v8.eval((Path(__file__).parent / "js" / "fake_dom.js").read_text(encoding="utf-8"))
    for element_id in page.ids:
        v8.eval(
            f"(function(){{var e=document.createElement('div'); e.id={json.dumps(element_id)};"
            "document.body.appendChild(e);})()"
        )
    for script in page.scripts:
        v8.eval(script)  # raises JSEvalException on any uncaught error
    assert v8.eval("L.version") == "1.9.3"
    opened = v8.eval(
        """(function () {
            var map = Object.keys(globalThis).map(function (k) { return globalThis[k]; })
                .filter(function (v) { return v instanceof L.Map; })[0];
            var n = 0;
            map.eachLayer(function (layer) {
                if (layer.getPopup && layer.getPopup() && layer.getLatLngs && n === 0) {
                    layer.openPopup(); n++;
                }
            });
            return n;
        })()"""
    )
    assert opened == 1
    v8.eval("__flush(20)")
    built = json.loads(v8.eval("__report()"))
    classes = built["classes"]
    assert classes["leaflet-container"] == 1
    assert classes["leaflet-control-layers"] == 1
    assert (
        classes["leaflet-control-layers-selector"] == 5
    )  # coastline, network, places, route, stops
    assert classes["leaflet-popup-content"] == 1
    texts = " ".join(built["texts"])
    assert "terrain" in texts  # the leg popup's table
    assert "fuel" in texts
    for stop in ("Anadyr", "Pevek", "Mys Shmidta"):
        assert stop in texts  # permanent tooltips


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.skipif(_chromium() is None, reason="no headless Chromium (apt-get install chromium)")
def test_html_renders_offline_in_headless_chromium(pevek_html: Path, tmp_path: Path) -> None:
    # A real browser, with every host name unresolvable (offline): the page must still build
    # its map, and no script may throw.
    text = pevek_html.read_text(encoding="utf-8")
    catcher = (
        "<script>window.__errors=[];window.addEventListener('error',"
        "function(e){window.__errors.push(String(e.message))});</script>"
    )
    report = (
        "<script>window.addEventListener('load',function(){setTimeout(function(){"
        "var d=document.createElement('pre');d.id='report';d.textContent=JSON.stringify({"
        "errors:window.__errors,canvas:document.querySelectorAll('canvas').length,"
        "tooltips:Array.from(document.querySelectorAll('.leaflet-tooltip')).map(function(t)"
        "{return t.textContent.trim()})});document.body.appendChild(d)},500)});</script>"
    )
    page = tmp_path / "page.html"
    page.write_text(
        text.replace("<head>", "<head>" + catcher, 1).replace("</body>", report + "</body>"),
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            str(_chromium()),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--window-size=1200,900",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    found = re.search(r'<pre id="report">(.*?)</pre>', result.stdout, re.S)
    assert found, result.stdout[-2000:]
    built = json.loads(html.unescape(found[1]))
    assert built["errors"] == []
    assert built["canvas"] >= 1
    assert {"Anadyr", "Pevek", "Mys Shmidta"} <= set(built["tooltips"])
    assert "leaflet-container" in result.stdout
