"""Exports of an itinerary: GeoJSON (RFC 7946), GPX, KML, checkpoints, pandas."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import sys
import xml.etree.ElementTree as ET
from typing import Any
from zoneinfo import ZoneInfo

import networkx as nx
import pytest
from shapely.geometry import LineString, shape

from arcticroute.export import (
    DEFAULT_OVERDUE_FRACTION,
    DEFAULT_OVERDUE_MARGIN_H,
    checkpoint_table,
    checkpoints,
    itinerary_to_dataframe,
    itinerary_to_geojson,
    itinerary_to_gpx,
    itinerary_to_kml,
)
from arcticroute.itinerary import Itinerary, Leg, Refuel, Wait
from arcticroute.planning import plan

MARCH = "2027-03-10T08:00"
TZ = ZoneInfo("Asia/Anadyr")
KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture(scope="module")
def egvekinot(chukotka: nx.MultiDiGraph) -> Itinerary:
    """Two legs; the first crosses 180 degrees."""
    it = plan(chukotka, "Anadyr", "Egvekinot", "trekol", depart=MARCH)
    assert it.feasible
    return it


@pytest.fixture(scope="module")
def pevek(chukotka: nx.MultiDiGraph) -> Itinerary:
    """Ten legs, three waits, a refuel, a warning; crosses 180 twice."""
    it = plan(chukotka, "Anadyr", "Pevek", "gaz34039", depart=MARCH)
    assert it.feasible
    assert it.waits
    assert it.refuels
    assert it.warnings
    return it


@pytest.fixture(scope="module")
def infeasible(chukotka: nx.MultiDiGraph) -> Itinerary:
    it = plan(chukotka, "Anadyr", "Uelen", "buran", depart="2027-07-10T08:00")
    assert not it.feasible
    return it


def _t(day: int, hour: float) -> dt.datetime:
    return dt.datetime(2027, 3, day, tzinfo=TZ) + dt.timedelta(hours=hour)


@pytest.fixture(scope="module")
def zigzag() -> Itinerary:
    """Hand-made: a delayed start, a leg crossing 180 twice, a rest point, a likely depot."""
    first = Leg(
        origin="A",
        destination="B km 40",  # a rest point: not a network node
        terrain="sea_ice",
        distance_km=120.0,
        depart=_t(10, 10),
        arrive=_t(10, 14),
        fuel_before_l=100.0,
        fuel_after_l=70.0,
        link_id="A-B",
        assumed=True,
        risk=1.0,
        geometry=LineString([(179.2, 65.0), (-179.6, 65.2), (179.7, 65.5), (-179.9, 65.8)]),
    )
    second = Leg(
        origin="B km 40",
        destination="C",
        terrain="tundra",
        distance_km=30.0,
        depart=_t(10, 15),
        arrive=_t(10, 16),
        fuel_before_l=100.0,
        fuel_after_l=90.0,
        link_id="A-B",
        assumed=False,
        risk=0.5,
        geometry=LineString([(-179.9, 65.8), (-179.5, 66.0)]),
    )
    return Itinerary(
        feasible=True,
        origin="A",
        destination="C",
        vehicle="test",
        objective="time",
        depart=_t(10, 8),
        arrive=_t(10, 16),
        legs=(first, second),
        waits=(Wait("A", _t(10, 8), _t(10, 10), "storm over the bay: closed until 10:00"),),
        refuels=(Refuel("B km 40", _t(10, 14), _t(10, 15), 30.0, "likely"),),
        warnings=("refuel at B km 40 relies on a likely depot",),
        risk=1.5,
        fuel_start_l=100.0,
    )


# ---------------------------------------------------------------------------------------------
# GeoJSON


def _positions(geometry: dict[str, Any]) -> list[list[list[float]]]:
    """Lines of positions of a Point / LineString / MultiLineString."""
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        return [[coords]]
    if kind == "LineString":
        return [coords]
    assert kind == "MultiLineString"
    return list(coords)


def _check_rfc7946(document: dict[str, Any]) -> None:
    """A hand check of RFC 7946 sections 3 and 3.1.9 for what the exporter writes."""
    json.dumps(document, allow_nan=False)  # plain JSON: no NaN, no objects
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document  # removed in RFC 7946
    assert isinstance(document["features"], list)
    for feature in document["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["properties"], dict)
        assert isinstance(feature.get("id", ""), str | int)
        geometry = feature["geometry"]
        assert geometry["type"] in ("Point", "LineString", "MultiLineString")
        for line in _positions(geometry):
            if geometry["type"] != "Point":
                assert len(line) >= 2
            for position in line:
                assert len(position) == 2
                lon, lat = position
                assert -180.0 <= lon <= 180.0
                assert -90.0 <= lat <= 90.0
            for a, b in itertools.pairwise(line):
                assert abs(b[0] - a[0]) <= 180.0
        assert shape(geometry).is_valid or geometry["type"] != "Point"
        assert not shape(geometry).is_empty


@pytest.mark.parametrize("name", ["egvekinot", "pevek", "zigzag"])
def test_geojson_is_rfc7946_valid(name: str, request: pytest.FixtureRequest) -> None:
    it = request.getfixturevalue(name)
    _check_rfc7946(itinerary_to_geojson(it))


def test_geojson_splits_the_leg_crossing_180_into_a_multilinestring(
    egvekinot: Itinerary,
) -> None:
    document = itinerary_to_geojson(egvekinot)
    first = document["features"][0]["geometry"]
    assert first["type"] == "MultiLineString"
    (west, east) = first["coordinates"]
    assert west[0] == [177.5167, 64.7333]
    assert west[-1][0] == 180.0
    assert east[0][0] == -180.0
    assert west[-1][1] == east[0][1]
    assert 64.7333 < west[-1][1] < 65.5333
    assert east[-1] == [-179.2833, 65.5333]
    assert document["features"][1]["geometry"]["type"] == "LineString"


def test_geojson_cuts_a_leg_at_every_crossing(zigzag: Itinerary) -> None:
    geometry = itinerary_to_geojson(zigzag)["features"][0]["geometry"]
    assert geometry["type"] == "MultiLineString"
    assert len(geometry["coordinates"]) == 4  # three crossings


def test_geojson_properties_match_the_itinerary(pevek: Itinerary) -> None:
    document = itinerary_to_geojson(pevek)
    features = document["features"]
    legs = [f for f in features if f["properties"]["kind"] == "leg"]
    schema = pevek.to_dict()
    assert len(legs) == len(pevek.legs)
    for feature, expected in zip(legs, schema["legs"], strict=True):
        props = feature["properties"]
        for key in ("from", "to", "terrain", "distance_km", "depart", "arrive", "link"):
            assert props[key] == expected[key]
        assert props["fuel_before_l"] == expected["fuel_before_l"]
        assert props["fuel_after_l"] == expected["fuel_after_l"]
        assert props["assumed"] is expected["assumed"]
    kinds = [f["properties"]["kind"] for f in features if f["geometry"]["type"] == "Point"]
    assert kinds.count("origin") == kinds.count("destination") == 1
    assert kinds.count("via") == len(pevek.legs) - 1
    assert kinds.count("wait") == len(pevek.waits)
    assert kinds.count("refuel") == len(pevek.refuels)
    refuel = next(f for f in features if f["properties"]["kind"] == "refuel")
    assert refuel["properties"]["litres"] == round(pevek.refuels[0].litres, 3)
    assert refuel["properties"]["at"] == "Mys Shmidta"
    stop = next(f for f in features if f["properties"].get("at") == "Mys Shmidta")
    assert refuel["geometry"] == stop["geometry"]
    wait = next(f for f in features if f["properties"]["kind"] == "wait")
    assert wait["properties"]["reason"] == pevek.waits[0].reason
    summary = document["itinerary"]
    assert summary["feasible"] is True
    assert summary["vehicle"] == "gaz34039"
    assert summary["arrive"] == schema["arrive"]
    assert summary["warnings"] == list(pevek.warnings)
    assert "legs" not in summary


def test_geojson_stop_points_sit_at_the_leg_ends(pevek: Itinerary) -> None:
    features = itinerary_to_geojson(pevek)["features"]
    stops = [f for f in features if f["properties"]["kind"] in ("origin", "via", "destination")]
    assert stops[0]["properties"]["at"] == "Anadyr"
    assert stops[0]["properties"]["overdue_after"] is None
    for stop, leg in zip(stops[1:], pevek.legs, strict=True):
        assert stop["properties"]["at"] == leg.destination
        assert stop["properties"]["arrive"] == leg.arrive.isoformat()
        lon, lat = stop["geometry"]["coordinates"]
        end_lon, end_lat = leg.geometry.coords[-1]
        assert math.isclose(lat, end_lat)
        assert math.isclose((lon - end_lon) % 360.0, 0.0)
        assert stop["properties"]["overdue_after"] > stop["properties"]["expected"]


def test_geojson_names_network_places(chukotka: nx.MultiDiGraph, egvekinot: Itinerary) -> None:
    features = itinerary_to_geojson(egvekinot, chukotka)["features"]
    origin = next(f for f in features if f["properties"]["kind"] == "origin")
    assert origin["properties"]["name_ru"] == "Анадырь"


def test_infeasible_itinerary_gives_an_empty_collection_with_the_reason(
    infeasible: Itinerary,
) -> None:
    document = itinerary_to_geojson(infeasible)
    assert document["features"] == []
    assert document["itinerary"]["feasible"] is False
    assert document["itinerary"]["reason"] == infeasible.reason
    _check_rfc7946(document)


# ---------------------------------------------------------------------------------------------
# GPX


def _pieces_vertex_count(it: Itinerary) -> tuple[int, int]:
    """(segments, points) the GPX track should have: legs cut at each 180 crossing."""
    segments = points = 0
    for leg in it.legs:
        coords = list(leg.geometry.coords)
        crossings = sum(abs(b[0] - a[0]) > 180.0 for a, b in itertools.pairwise(coords))
        segments += crossings + 1
        points += len(coords) + 2 * crossings
    return segments, points


@pytest.mark.parametrize("name", ["egvekinot", "pevek", "zigzag"])
def test_gpx_parses_back_with_timed_track_and_waypoints(
    name: str, request: pytest.FixtureRequest
) -> None:
    gpxpy = pytest.importorskip("gpxpy")
    it = request.getfixturevalue(name)
    text = itinerary_to_gpx(it)
    assert 'version="1.1"' in text
    gpx = gpxpy.parse(text)
    assert len(gpx.tracks) == 1
    track = gpx.tracks[0]
    segments, points = _pieces_vertex_count(it)
    assert len(track.segments) == segments
    flat = [p for segment in track.segments for p in segment.points]
    assert len(flat) == points
    assert all(-180.0 <= p.longitude < 180.0 for p in flat)  # GPX: maxExclusive 180
    for segment in track.segments:
        for a, b in itertools.pairwise(segment.points):
            assert abs(b.longitude - a.longitude) <= 180.0
    times = [p.time for p in flat]
    assert all(t is not None for t in times)
    assert all(a <= b for a, b in itertools.pairwise(times))
    assert times[0] == it.legs[0].depart
    assert times[-1] == it.legs[-1].arrive
    start = it.legs[0].geometry.coords[0]
    end = it.legs[-1].geometry.coords[-1]
    assert (flat[0].longitude, flat[0].latitude) == pytest.approx(start)
    assert (flat[-1].longitude, flat[-1].latitude) == pytest.approx(end)
    assert [w.name for w in gpx.waypoints] == list(it.route)
    assert [w.time for w in gpx.waypoints] == [
        it.legs[0].depart,
        *(leg.arrive for leg in it.legs),
    ]
    assert gpx.waypoints[0].symbol == "Flag, Green"
    assert gpx.waypoints[-1].symbol == "Flag, Red"


def test_gpx_times_are_interpolated_by_distance(zigzag: Itinerary) -> None:
    gpxpy = pytest.importorskip("gpxpy")
    gpx = gpxpy.parse(itinerary_to_gpx(zigzag))
    leg = zigzag.legs[0]
    points = [p for s in gpx.tracks[0].segments[:4] for p in s.points]
    assert points[0].time == leg.depart
    assert points[-1].time == leg.arrive
    inner = [p.time for p in points[1:-1]]
    assert all(leg.depart < t < leg.arrive for t in inner)


def test_gpx_waypoint_describes_refuels_and_waits(pevek: Itinerary, zigzag: Itinerary) -> None:
    gpxpy = pytest.importorskip("gpxpy")
    gpx = gpxpy.parse(itinerary_to_gpx(pevek))
    shmidta = next(w for w in gpx.waypoints if w.name == "Mys Shmidta")
    assert "refuel +310 L" in shmidta.description
    assert "crew rest" in shmidta.description
    assert "overdue after" in shmidta.description
    assert shmidta.symbol == "Gas Station"
    delayed = gpxpy.parse(itinerary_to_gpx(zigzag)).waypoints[0]
    assert "storm over the bay" in delayed.description  # the wait at the origin


def test_gpx_of_an_infeasible_plan_has_only_the_reason(infeasible: Itinerary) -> None:
    gpxpy = pytest.importorskip("gpxpy")
    gpx = gpxpy.parse(itinerary_to_gpx(infeasible))
    assert not gpx.tracks
    assert not gpx.waypoints
    assert "NO FEASIBLE ROUTE" in gpx.description


# ---------------------------------------------------------------------------------------------
# KML


def _kml_lines(root: ET.Element) -> list[list[tuple[float, float]]]:
    lines = []
    for element in root.iter(f"{KML}LineString"):
        text = element.findtext(f"{KML}coordinates", "")
        lines.append([tuple(float(v) for v in c.split(",")[:2]) for c in text.split()])
    return lines  # type: ignore[return-value]


@pytest.mark.parametrize("name", ["egvekinot", "pevek", "zigzag"])
def test_kml_parses_back_with_lines_cut_at_180(name: str, request: pytest.FixtureRequest) -> None:
    pytest.importorskip("simplekml")
    it = request.getfixturevalue(name)
    root = ET.fromstring(itinerary_to_kml(it))
    lines = _kml_lines(root)
    segments, points = _pieces_vertex_count(it)
    assert len(lines) == segments
    assert sum(len(line) for line in lines) == points
    for line in lines:
        assert all(-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0 for lon, lat in line)
        assert all(abs(b[0] - a[0]) <= 180.0 for a, b in itertools.pairwise(line))
    assert lines[0][0] == pytest.approx(it.legs[0].geometry.coords[0])
    assert lines[-1][-1] == pytest.approx(it.legs[-1].geometry.coords[-1])
    folders = {f.findtext(f"{KML}name"): f for f in root.iter(f"{KML}Folder")}
    route = folders["Route"].findall(f"{KML}Placemark")
    assert len(route) == len(it.legs)
    assert route[0].find(f"{KML}TimeSpan/{KML}begin").text == it.legs[0].depart.isoformat()  # type: ignore[union-attr]
    marks = folders["Stops"].findall(f"{KML}Placemark")
    assert len(marks) == len(it.legs) + 1 + len(it.waits) + len(it.refuels)
    assert marks[0].findtext(f"{KML}name") == it.origin


def test_kml_is_the_same_text_every_time(pevek: Itinerary) -> None:
    pytest.importorskip("simplekml")
    assert itinerary_to_kml(pevek) == itinerary_to_kml(pevek)


def test_kml_of_an_infeasible_plan_carries_the_reason(infeasible: Itinerary) -> None:
    pytest.importorskip("simplekml")
    root = ET.fromstring(itinerary_to_kml(infeasible))
    assert not _kml_lines(root)
    description = root.find(f"{KML}Document/{KML}description")
    assert description is not None
    assert "NO FEASIBLE ROUTE" in (description.text or "")


# ---------------------------------------------------------------------------------------------
# checkpoints


def test_one_checkpoint_per_stop_each_overdue_after_its_expected_time(pevek: Itinerary) -> None:
    rows = checkpoints(pevek)
    assert [r["at"] for r in rows] == list(pevek.route)
    assert rows[0]["kind"] == "origin"
    assert rows[0]["overdue_after"] is None
    assert rows[0]["expected"] == pevek.legs[0].depart.isoformat()
    assert rows[-1]["kind"] == "destination"
    for row, leg in zip(rows[1:], pevek.legs, strict=True):
        expected = dt.datetime.fromisoformat(row["expected"])
        overdue = dt.datetime.fromisoformat(row["overdue_after"])
        assert expected == leg.arrive
        assert overdue > expected
        margin = DEFAULT_OVERDUE_MARGIN_H + DEFAULT_OVERDUE_FRACTION * leg.hours
        late = (overdue - expected).total_seconds() / 3600.0
        assert margin <= late < margin + 1 / 60  # rounded up to the minute
        assert row["margin_h"] == pytest.approx(margin, abs=1e-3)
    shmidta = next(r for r in rows if r["at"] == "Mys Shmidta")
    assert any(n.startswith("refuel +310 L") for n in shmidta["notes"])
    assert any("crew rest" in n for n in shmidta["notes"])


def test_a_flat_margin_applies_to_every_stop(egvekinot: Itinerary) -> None:
    rows = checkpoints(egvekinot, margin_h=2)
    for row in rows[1:]:
        late = dt.datetime.fromisoformat(row["overdue_after"]) - dt.datetime.fromisoformat(
            row["expected"]
        )
        assert dt.timedelta(hours=2) <= late < dt.timedelta(hours=2, minutes=1)
        assert row["margin_h"] == 2


def test_a_wait_at_the_origin_belongs_to_the_origin(zigzag: Itinerary) -> None:
    rows = checkpoints(zigzag)
    assert rows[0]["expected"] == zigzag.legs[0].depart.isoformat()
    assert any("storm" in n for n in rows[0]["notes"])
    assert rows[1]["at"] == "B km 40"
    assert rows[1]["notes"][0].startswith("refuel +30 L (likely depot)")


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf])
def test_a_bad_margin_is_refused(egvekinot: Itinerary, bad: float) -> None:
    with pytest.raises(ValueError, match="margin_h"):
        checkpoints(egvekinot, margin_h=bad)


def test_infeasible_plan_has_no_checkpoints(infeasible: Itinerary) -> None:
    assert checkpoints(infeasible) == []
    text = checkpoint_table(infeasible)
    assert "NO FEASIBLE ROUTE" in text
    assert all(len(line) <= 80 for line in text.splitlines())


def test_checkpoint_table_fits_80_columns_and_lists_every_stop(pevek: Itinerary) -> None:
    text = checkpoint_table(pevek)
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines)
    for place in pevek.route:
        assert any(line[4:].startswith(place) for line in lines)
    assert "13 Mar 15:42" in text  # arrival at Pevek
    assert "warning:" in text
    assert "3 h + 25%" in text
    assert "4 h after" in checkpoint_table(pevek, margin_h=4)


# ---------------------------------------------------------------------------------------------
# pandas


def test_dataframe_has_a_row_per_leg_wait_and_refuel_in_time_order(pevek: Itinerary) -> None:
    pytest.importorskip("pandas")
    frame = itinerary_to_dataframe(pevek)
    assert len(frame) == len(pevek.legs) + len(pevek.waits) + len(pevek.refuels)
    assert list(frame["kind"]).count("leg") == len(pevek.legs)
    assert frame["start"].is_monotonic_increasing
    assert frame["distance_km"].sum() == pytest.approx(pevek.distance_km)
    refuel = frame[frame["kind"] == "refuel"].iloc[0]
    assert refuel["litres"] == pytest.approx(pevek.refuels[0].litres)
    assert refuel["at"] == "Mys Shmidta"


def test_dataframe_without_pandas_says_how_to_install_it(
    egvekinot: Itinerary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        itinerary_to_dataframe(egvekinot)


def test_a_stop_is_never_overdue_before_the_one_ahead_of_it() -> None:
    # an 8 h leg, then a 6-minute one: by the rule the second stop would be overdue at
    # 16:06 + 3 h 2 min, before the first (16:00 + 5 h); it inherits the first stop's time
    tz = ZoneInfo("Asia/Anadyr")
    t0 = dt.datetime(2027, 3, 10, 8, 0, tzinfo=tz)

    def leg(a: str, b: str, start_h: float, end_h: float, x0: float, x1: float) -> Leg:
        return Leg(a, b, "tundra", 10.0 * (end_h - start_h), t0 + dt.timedelta(hours=start_h),
                   t0 + dt.timedelta(hours=end_h), 100.0, 90.0, f"{a}-{b}", False, 1.0,
                   LineString([(x0, 65.0), (x1, 65.0)]))  # fmt: skip

    legs = (leg("A", "B", 0.0, 8.0, 177.0, 177.5), leg("B", "C", 8.0, 8.1, 177.5, 177.52))
    it = Itinerary(True, "A", "C", "buran", "time", t0, legs[-1].arrive, legs)
    rows = checkpoints(it)
    overdue = [dt.datetime.fromisoformat(r["overdue_after"]) for r in rows[1:]]
    assert overdue[0] == t0 + dt.timedelta(hours=13)  # 16:00 + 3 h + 25 % of 8 h
    assert overdue[1] == overdue[0]
    assert rows[2]["margin_h"] == pytest.approx(13.0 - 8.1)
    assert checkpoint_table(it).splitlines()[-3].split()[-2] == "21:00"
    # a flat margin never needs stretching here
    flat = checkpoints(it, margin_h=2)
    assert [r["overdue_after"][11:16] for r in flat[1:]] == ["18:00", "18:06"]
