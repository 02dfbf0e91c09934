"""The bundled Chukotka network and the network model."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import numpy as np
import pytest
from shapely.geometry import LineString

import arcticroute as ar
from arcticroute.geodesy import (
    from_planar_km,
    geodesic_km,
    line_length_km,
    to_planar_km,
    unwrap_lons,
)
from arcticroute.network import TERRAINS, Season, place_key, validate_network

MID_MARCH = dt.date(2027, 3, 15)


def test_every_settlement_lies_within_chukotka(chukotka: nx.MultiDiGraph) -> None:
    # Chukotka spans roughly 61-71.5 N and 158 E - 168 W (across the antimeridian).
    for node, data in chukotka.nodes(data=True):
        assert 61.0 <= data["lat"] <= 71.5, node
        lon = data["lon"]
        assert lon >= 158.0 or lon <= -168.0, node


def test_settlements_beyond_the_antimeridian_have_negative_longitudes(
    chukotka: nx.MultiDiGraph,
) -> None:
    # The data README says 15; counting its own rows gives 21 (all of Iultinsky east of
    # 180, Chukotsky and Providensky districts).
    west = {n for n, d in chukotka.nodes(data=True) if d["lon"] < 0}
    assert len(west) == 21
    assert {"Uelen", "Egvekinot", "Provideniya"} <= west


def test_every_place_reaches_anadyr_by_links_open_in_mid_march(
    chukotka: nx.MultiDiGraph,
) -> None:
    open_links = ar.filter_network(chukotka, date=MID_MARCH)
    component = nx.node_connected_component(open_links.to_undirected(), "Anadyr")
    assert set(chukotka.nodes) == component


def test_planned_kolyma_anadyr_road_is_present_but_closed(chukotka: nx.MultiDiGraph) -> None:
    data = chukotka.edges["Omolon", "Anadyr", 0]
    assert data["status"] == "closed"
    assert not ar.filter_network(chukotka).has_edge("Omolon", "Anadyr")
    assert not ar.filter_network(chukotka, date=MID_MARCH).has_edge("Omolon", "Anadyr")


def test_anadyr_uelen_great_circle_is_about_609_km(chukotka: nx.MultiDiGraph) -> None:
    a, u = chukotka.nodes["Anadyr"], chukotka.nodes["Uelen"]
    assert geodesic_km(a["lon"], a["lat"], u["lon"], u["lat"]) == pytest.approx(609, abs=3)


@pytest.mark.parametrize(
    ("u", "v", "km"),
    [
        # Sourced lengths (shared/data/chukotka/README.md, links.csv).
        ("Pevek", "Bilibino", 338),
        ("Lavrentiya", "Uelen", 103),
        ("Uelen", "Inchoun", 30),
        ("Egvekinot", "Amguema", 91),
        ("Amguema", "Iultin", 116),
        ("Anadyr", "Uelkal", 180),
        ("Lamutskoye", "Chuvanskoye", 90),
    ],
)
def test_sourced_link_lengths_are_reproduced(
    chukotka: nx.MultiDiGraph, u: str, v: str, km: float
) -> None:
    data = chukotka.edges[u, v, 0]
    assert data["length_km"] == km
    assert data["length_source"] == "sourced"


def test_link_geometry_runs_between_its_ends_and_is_not_longer_than_the_road(
    chukotka: nx.MultiDiGraph,
) -> None:
    for u, v, data in chukotka.edges(data=True):
        line: LineString = data["geometry"]
        start, end = line.coords[0], line.coords[-1]
        assert start == (chukotka.nodes[u]["lon"], chukotka.nodes[u]["lat"])
        assert end == (chukotka.nodes[v]["lon"], chukotka.nodes[v]["lat"])
        # A road is never shorter than the geodesic between its ends (5 % + 3 km slack: a
        # village's coordinates mark its centre, not where the road enters it).
        assert data["length_km"] >= 0.95 * line_length_km(line) - 3.0, (u, v)


def test_antimeridian_link_is_measured_the_short_way(chukotka: nx.MultiDiGraph) -> None:
    # Anadyr (177.5 E) - Uelkal (179.3 W) crosses 180: about 165 km, not 15,000.
    line = chukotka.edges["Anadyr", "Uelkal", 0]["geometry"]
    assert 140 < line_length_km(line) < 190
    assert abs(unwrap_lons([c[0] for c in line.coords])[-1] - 180.7) < 0.1


def test_planar_coordinates_are_continuous_across_180() -> None:
    x, y = to_planar_km([179.9, -179.9], [66.0, 66.0])
    planar = ((x[1] - x[0]) ** 2 + (y[1] - y[0]) ** 2) ** 0.5
    # Equal-area, not conformal: a few per cent of scale error, never a jump across the map.
    assert planar == pytest.approx(geodesic_km(179.9, 66.0, -179.9, 66.0), rel=0.05)


def test_provenance_is_kept_on_every_row(chukotka: nx.MultiDiGraph) -> None:
    assert all(d["source"] for _, d in chukotka.nodes(data=True))
    assert all(d["source"] for _, _, d in chukotka.edges(data=True))
    assumed = {(u, v) for u, v, d in chukotka.edges(data=True) if d["assumed"]}
    assert ("Vankarem", "Ryrkaipiy") in assumed
    assert ("Lavrentiya", "Uelen") not in assumed
    assert chukotka.nodes["Lorino"]["depot_confidence"] == "likely"
    assert chukotka.nodes["Lorino"]["fuel_stock_l"] == 200
    assert chukotka.nodes["Anadyr"]["depot_confidence"] == "confirmed"
    assert chukotka.nodes["Anadyr"]["fuel_stock_l"] is None


def test_abandoned_places_are_waypoints_without_shelter(chukotka: nx.MultiDiGraph) -> None:
    for place in ("Shakhtyorsky", "Yanranay", "Iultin"):
        data = chukotka.nodes[place]
        assert data["population"] == 0
        assert not data["shelter"]
        assert not data["depot"]


def test_terrain_classes_are_known_and_zimniks_have_rest_points(
    chukotka: nx.MultiDiGraph,
) -> None:
    assert {d["terrain"] for _, _, d in chukotka.edges(data=True)} <= set(TERRAINS)
    assert chukotka.edges["Pevek", "Bilibino", 0]["rest_stops_km"] == (169.0,)


@pytest.mark.parametrize(
    ("day", "is_open"),
    [
        (dt.date(2027, 1, 19), False),
        (dt.date(2027, 1, 20), True),
        (dt.date(2027, 4, 20), True),
        (dt.date(2027, 4, 21), False),
    ],
)
def test_winter_road_season_bounds_are_inclusive(day: dt.date, is_open: bool) -> None:
    assert Season.parse({"open": "01-20", "close": "04-20"}).contains(day) is is_open


def test_season_wraps_over_the_new_year() -> None:
    season = Season.parse({"open": "12-01", "close": "04-30"})
    assert season.contains(dt.date(2026, 12, 31))
    assert season.contains(dt.date(2027, 1, 1))
    assert not season.contains(dt.date(2027, 6, 1))


@pytest.mark.parametrize(
    "bad",
    [{"open": "1-20", "close": "04-20"}, {"open": "02-30", "close": "04-20"}, {"open": "01-20"}],
)
def test_bad_season_is_rejected_with_the_value(bad: dict[str, str]) -> None:
    with pytest.raises(ar.NetworkError, match="season"):
        Season.parse(bad)


def test_filter_by_date_drops_closed_seasons(chukotka: nx.MultiDiGraph) -> None:
    summer = ar.filter_network(chukotka, date=dt.date(2027, 7, 1))
    assert {d["terrain"] for _, _, d in summer.edges(data=True)} == {"road"}
    assert summer.number_of_nodes() == chukotka.number_of_nodes()


def test_filter_by_terrain(chukotka: nx.MultiDiGraph) -> None:
    ice = ar.filter_network(chukotka, terrains=["sea_ice"])
    assert ice.number_of_edges() > 0
    assert {d["terrain"] for _, _, d in ice.edges(data=True)} == {"sea_ice"}
    with pytest.raises(ar.NetworkError, match="did you mean|expected one of"):
        ar.filter_network(chukotka, terrains=["sea ice"])


@pytest.mark.parametrize(
    ("typed", "node"),
    [
        ("anadyr", "Anadyr"),
        ("ANADYR", "Anadyr"),
        ("Анадырь", "Anadyr"),
        ("Uel'en", "Uelen"),
        ("Novoe Chaplino", "Novoye Chaplino"),
        ("Эгвекинот", "Egvekinot"),
        ("Shakhtersky", "Shakhtyorsky"),
        ("Mys Shmidta", "Mys Shmidta"),
        ("Cape Schmidt", "Mys Shmidta"),
    ],
)
def test_place_names_match_loosely(chukotka: nx.MultiDiGraph, typed: str, node: str) -> None:
    assert ar.resolve_place(chukotka, typed) == node


def test_unknown_place_suggests_the_closest(chukotka: nx.MultiDiGraph) -> None:
    with pytest.raises(
        ar.UnknownPlaceError, match=r"unknown place 'Anadry'; did you mean 'Anadyr'"
    ):
        ar.resolve_place(chukotka, "Anadry")
    # A transliteration variant is not a typo: it resolves.
    assert ar.resolve_place(chukotka, "Anadir") == "Anadyr"
    assert issubclass(ar.UnknownPlaceError, nx.NodeNotFound)


def test_place_key_ignores_accents_and_apostrophes() -> None:
    assert place_key("Uél'en") == place_key("Uelen")


def _toy() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node(
        "a",
        name="a",
        lon=170.0,
        lat=65.0,
        shelter=True,
        depot=False,
        depot_confidence=None,
        fuel_stock_l=None,
    )
    g.add_node(
        "b",
        name="b",
        lon=171.0,
        lat=65.0,
        shelter=True,
        depot=False,
        depot_confidence=None,
        fuel_stock_l=None,
    )
    g.add_edge(
        "a",
        "b",
        terrain="trail",
        length_km=50.0,
        length_source="sourced",
        geometry=LineString([(170.0, 65.0), (171.0, 65.0)]),
        oneway=False,
        season=None,
        ice_thickness_cm=None,
        status="open",
        maintained=False,
        assumed=False,
        source="test",
        rest_stops_km=(),
    )
    return g


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda g: g.nodes["a"].update(lat=float("nan")), "lat nan"),
        (lambda g: g.nodes["a"].update(lon=200.0), "lon 200.0"),
        (lambda g: g.nodes["a"].update(shelter="yes"), "shelter 'yes'"),
        (
            lambda g: g.nodes["a"].update(depot=True, depot_confidence="maybe"),
            "depot_confidence 'maybe'",
        ),
        (lambda g: g.nodes["a"].update(fuel_stock_l=100.0), "depot is false"),
        (lambda g: g.edges["a", "b", 0].update(terrain="ice"), "unknown terrain 'ice'"),
        (lambda g: g.edges["a", "b", 0].update(length_km=-1.0), "length_km -1.0"),
        (lambda g: g.edges["a", "b", 0].update(rest_stops_km=(60.0,)), "rest_stops_km"),
        (lambda g: g.edges["a", "b", 0].update(status="planned"), "status 'planned'"),
    ],
)
def test_validation_names_the_bad_value(mutate: object, message: str) -> None:
    g = _toy()
    mutate(g)  # type: ignore[operator]
    with pytest.raises(ar.NetworkError, match=message):
        validate_network(g)


def test_a_plain_graph_is_rejected_with_the_fix() -> None:
    with pytest.raises(ar.NetworkError, match="MultiDiGraph"):
        validate_network(nx.Graph())  # type: ignore[arg-type]


def test_planar_coordinates_go_back_to_lon_lat_across_the_antimeridian() -> None:
    lon = np.array([177.517, 179.9, -179.9, -169.0, 160.0])
    lat = np.array([64.733, 66.0, 66.0, 66.2, 69.5])
    back_lon, back_lat = from_planar_km(*to_planar_km(lon, lat))
    np.testing.assert_allclose(back_lon, lon, atol=1e-9)
    np.testing.assert_allclose(back_lat, lat, atol=1e-9)
    # 1 km east of a point just west of 180 degrees lands just east of it
    x, y = to_planar_km(179.99, 66.0)
    east, _ = from_planar_km(x + 1.0, y)
    assert -180.0 <= float(east) < -179.96


def test_points_given_as_coordinates_join_the_nearest_places(
    chukotka: nx.MultiDiGraph,
) -> None:
    from arcticroute.network import (
        POINT_LINKS,
        POINT_MAX_KM,
        POINT_TORTUOSITY,
        join_points,
        parse_point,
    )

    assert parse_point("64.95,176.3") == (64.95, 176.3)
    assert parse_point(" 66.0 , -179.5 ") == (66.0, -179.5)
    assert parse_point("66.0,181.0") == (66.0, pytest.approx(-179.0))
    assert parse_point("Anadyr") is None
    with pytest.raises(ar.UnknownPlaceError, match="is not a position"):
        parse_point("95,176")
    assert join_points(chukotka, ["Anadyr", "Egvekinot"]) is chukotka  # nothing to add
    joined = join_points(chukotka, ["64.95,176.3", "Anadyr"])
    assert joined is not chukotka
    assert "point 64.9500N 176.3000E" not in chukotka  # the user's graph is left alone
    node = ar.resolve_place(joined, "64.95,176.3")
    assert node == "point 64.9500N 176.3000E"
    data = joined.nodes[node]
    assert not data["shelter"]
    assert not data["depot"]
    links = list(joined.out_edges(node, data=True))
    assert 1 <= len(links) <= POINT_LINKS
    for _, place, link in links:
        km = geodesic_km(176.3, 64.95, joined.nodes[place]["lon"], joined.nodes[place]["lat"])
        assert km <= POINT_MAX_KM
        assert link["length_km"] == pytest.approx(km * POINT_TORTUOSITY)
        assert link["assumed"]
        assert link["terrain"] == "tundra"
    validate_network(joined)
    with pytest.raises(ar.UnknownPlaceError, match="point '64.95,176.3' is not joined"):
        ar.resolve_place(chukotka, "64.95,176.3")
    with pytest.raises(ar.UnknownPlaceError, match=r"nearest, Khatyrka, is 36\d km away"):
        join_points(chukotka, ["60,170"])
