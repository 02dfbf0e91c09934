"""Tests of the GeoJSON network format (arcticroute.geojson)."""

from __future__ import annotations

import copy
import itertools
import json
import math
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString

from arcticroute._errors import NetworkError
from arcticroute.geodesy import line_length_km
from arcticroute.geojson import network_to_geojson, read_geojson, write_geojson
from arcticroute.network import DEPOT_CONFIDENCES, TERRAINS, Season, validate_network

ANADYR = [177.5167, 64.7333]
UELEN = [-169.8092, 66.1594]
EGVEKINOT = [-179.1167, 66.3167]


def _point(node_id: str, coords: list[float], **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"id": node_id, **props},
        "geometry": {"type": "Point", "coordinates": coords},
    }


def _line(u: str, v: str, coords: list[list[float]], **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"from": u, "to": v, "terrain": "winter_road", **props},
        "geometry": {"type": "LineString", "coordinates": coords},
    }


def _base() -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "network": {"name": "test", "source": "unit test"},
        "features": [
            _point("Anadyr", ANADYR, depot=True, aliases=["Anadyr'", "Анадырь"]),
            _point("Uelen", UELEN, name_ru="Уэлен"),
            _point("Egvekinot", EGVEKINOT, depot=True, depot_confidence="likely"),
            _line("Anadyr", "Egvekinot", [ANADYR, [179.5, 65.5], EGVEKINOT], id="L1"),
            _line("Egvekinot", "Uelen", [EGVEKINOT, UELEN], terrain="tundra", length_km=420),
        ],
    }


# ---------------------------------------------------------------------------------------------
# reading


def test_read_applies_defaults_and_keeps_extra_properties() -> None:
    graph = read_geojson(_base())
    assert list(graph.nodes) == ["Anadyr", "Uelen", "Egvekinot"]
    anadyr = graph.nodes["Anadyr"]
    assert anadyr["name"] == "Anadyr"
    assert anadyr["shelter"] is True
    assert anadyr["depot_confidence"] == "confirmed"
    assert anadyr["fuel_stock_l"] is None
    assert anadyr["aliases"] == ("Anadyr'", "Анадырь")
    assert graph.nodes["Uelen"]["depot_confidence"] is None
    assert graph.nodes["Uelen"]["name_ru"] == "Уэлен"
    assert graph.graph == {"name": "test", "source": "unit test"}

    link = graph.edges["Anadyr", "Egvekinot", 0]
    assert link["id"] == "L1"
    assert link["length_source"] == "geodesic"
    assert link["length_km"] == pytest.approx(line_length_km(link["geometry"]))
    assert link["maintained"] is True
    assert link["oneway"] is False
    assert link["status"] == "open"
    assert link["rest_stops_km"] == ()
    assert link["season"] is None
    tundra = graph.edges["Egvekinot", "Uelen", 0]
    assert tundra["length_km"] == 420.0
    assert tundra["length_source"] == "sourced"
    assert tundra["maintained"] is False


def test_a_node_id_may_be_the_features_own_id() -> None:
    # RFC 7946 puts a feature's identifier in the Feature object itself
    doc = _base()
    for feature in doc["features"][:3]:
        feature["id"] = feature["properties"].pop("id")
    assert nx.utils.graphs_equal(read_geojson(doc), read_geojson(_base()))  # data included


def test_read_from_path_and_str(tmp_path: Path) -> None:
    path = tmp_path / "net.geojson"
    path.write_text(json.dumps(_base(), ensure_ascii=False), encoding="utf-8")
    assert nx.utils.graphs_equal(read_geojson(path), read_geojson(str(path)))


def test_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_geojson(tmp_path / "nope.geojson")


def test_given_length_may_be_labelled_geodesic() -> None:
    doc = _base()
    doc["features"][4]["properties"]["length_source"] = "geodesic"
    link = read_geojson(doc).edges["Egvekinot", "Uelen", 0]
    assert (link["length_km"], link["length_source"]) == (420.0, "geodesic")


def test_endpoints_within_tolerance_are_snapped_onto_nodes() -> None:
    doc = _base()
    doc["features"][4]["geometry"]["coordinates"][0] = [EGVEKINOT[0] + 0.005, EGVEKINOT[1]]
    geometry = read_geojson(doc).edges["Egvekinot", "Uelen", 0]["geometry"]
    assert geometry.coords[0] == tuple(EGVEKINOT)


def test_split_multilinestring_is_joined_and_crossing_points_dropped() -> None:
    doc = _base()
    doc["features"][3]["geometry"] = {
        "type": "MultiLineString",
        "coordinates": [
            [ANADYR, [179.5, 65.5], [180.0, 65.7]],
            [[-180.0, 65.7], EGVEKINOT],
        ],
    }
    geometry = read_geojson(doc).edges["Anadyr", "Egvekinot", 0]["geometry"]
    assert list(geometry.coords) == [tuple(ANADYR), (179.5, 65.5), tuple(EGVEKINOT)]


def test_parts_sharing_a_vertex_are_joined() -> None:
    doc = _base()
    doc["features"][3]["geometry"] = {
        "type": "MultiLineString",
        "coordinates": [[ANADYR, [179.5, 65.5]], [[179.5, 65.5], EGVEKINOT]],
    }
    geometry = read_geojson(doc).edges["Anadyr", "Egvekinot", 0]["geometry"]
    assert list(geometry.coords) == [tuple(ANADYR), (179.5, 65.5), tuple(EGVEKINOT)]


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        target = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return mutate


def _delete(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        target = doc
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return mutate


def _append(feature: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        doc["features"].append(feature)

    return mutate


F = "features"
P = "properties"
G = "geometry"
C = "coordinates"

INVALID = [
    ("not_a_collection", _set(("type",), "Feature"), ["FeatureCollection", "'Feature'"]),
    ("features_not_list", _set((F,), {"a": 1}), ["'features' must be a list"]),
    ("feature_not_feature", _set((F, 1), [1, 2]), ["features[1]", "Feature object"]),
    ("missing_id", _delete((F, 1, P, "id")), ["features[1] (node)", "missing property 'id'"]),
    (
        "duplicate_id",
        _append(_point("Uelen", [-170.0, 66.0])),
        ["features[5] (node 'Uelen')", "duplicate node id 'Uelen'", "features[1]"],
    ),
    ("int_id", _set((F, 1, P, "id"), 42), ["features[1] (node)", "id 42", "string"]),
    ("empty_id", _set((F, 1, P, "id"), ""), ["features[1] (node)", "non-empty string"]),
    (
        "dangling_from",
        _set((F, 4, P, "from"), "Egvekinott"),
        ["features[4]", "'Egvekinott'->'Uelen'", "not the id of any node", "'Egvekinot'?"],
    ),
    (
        "dangling_to",
        _set((F, 3, P, "to"), "Nowhere"),
        ["features[3]", "id 'L1'", "to 'Nowhere' is not the id of any node"],
    ),
    ("missing_from", _delete((F, 4, P, "from")), ["features[4]", "missing property 'from'"]),
    ("self_loop", _set((F, 4, P, "from"), "Uelen"), ["features[4]", "two different nodes"]),
    (
        "unknown_terrain",
        _set((F, 4, P, "terrain"), "winterroad"),
        ["features[4] (link 'Egvekinot'->'Uelen')", "'winterroad' is unknown", "'winter_road'?"],
    ),
    ("missing_terrain", _delete((F, 4, P, "terrain")), ["features[4]", "terrain missing"]),
    (
        "nan_coordinate",
        _set((F, 1, G, C), [math.nan, 66.0]),
        ["features[1] (node 'Uelen')", "geometry.coordinates[0] = nan", "not a finite number"],
    ),
    (
        "inf_in_line",
        _set((F, 4, G, C, 1), [-170.0, math.inf]),
        ["features[4] (link 'Egvekinot'->'Uelen')", "= inf", "not a finite number"],
    ),
    (
        "nan_in_extra_property",
        _set((F, 1, P, "population"), math.nan),
        ["features[1] (node 'Uelen')", "properties.population = nan"],
    ),
    (
        "lon_out_of_range",
        _set((F, 1, G, C), [200.0, 66.0]),
        ["features[1] (node 'Uelen')", "lon 200.0 is out of range"],
    ),
    (
        "lat_out_of_range",
        _set((F, 1, G, C), [-170.0, 95.0]),
        ["features[1] (node 'Uelen')", "lat 95.0 is out of range"],
    ),
    (
        "line_lat_out_of_range",
        _set((F, 4, G, C, 1), [-170.0, -91]),
        ["features[4]", "coordinates[1] lat -91 is out of range"],
    ),
    ("string_coordinate", _set((F, 1, G, C), ["-170", 66.0]), ["features[1]", "lon '-170'"]),
    ("altitude", _set((F, 1, G, C), [-170.0, 66.0, 10.0]), ["features[1]", "[lon, lat] pair"]),
    (
        "string_boolean",
        _set((F, 1, P, "shelter"), "yes"),
        ["features[1] (node 'Uelen')", "shelter 'yes' must be true or false"],
    ),
    (
        "int_boolean",
        _set((F, 4, P, "oneway"), 1),
        ["features[4] (link 'Egvekinot'->'Uelen')", "oneway 1 must be true or false"],
    ),
    ("null_depot", _set((F, 1, P, "depot"), None), ["features[1]", "depot None must be true"]),
    (
        "negative_length",
        _set((F, 4, P, "length_km"), -5),
        ["features[4] (link 'Egvekinot'->'Uelen')", "length_km -5 must be positive"],
    ),
    ("zero_length", _set((F, 4, P, "length_km"), 0), ["features[4]", "length_km 0"]),
    ("string_length", _set((F, 4, P, "length_km"), "5 km"), ["features[4]", "length_km '5 km'"]),
    (
        "bad_length_source",
        _set((F, 4, P, "length_source"), "gps"),
        ["features[4]", "length_source 'gps'"],
    ),
    (
        "polygon_geometry",
        _set((F, 4, G), {"type": "Polygon", "coordinates": []}),
        ["features[4] (link 'Egvekinot'->'Uelen')", "unknown geometry type 'Polygon'"],
    ),
    (
        "null_geometry",
        _set((F, 1, G), None),
        ["features[1] (id 'Uelen')", "unknown geometry type None"],
    ),
    (
        "multipoint_geometry",
        _set((F, 1, G), {"type": "MultiPoint", "coordinates": [UELEN]}),
        ["features[1]", "'MultiPoint'"],
    ),
    (
        "bad_season_string",
        _set((F, 3, P, "season"), {"open": "1-20", "close": "04-20"}),
        ["features[3] (link 'Anadyr'->'Egvekinot', id 'L1')", "season open '1-20'", "MM-DD"],
    ),
    (
        "impossible_season_day",
        _set((F, 3, P, "season"), {"open": "02-30", "close": "04-20"}),
        ["features[3]", "02-30"],
    ),
    (
        "season_not_object",
        _set((F, 3, P, "season"), "winter"),
        ["features[3]", "season 'winter'"],
    ),
    (
        "fuel_stock_on_non_depot",
        _set((F, 1, P, "fuel_stock_l"), 5000),
        ["features[1] (node 'Uelen')", "fuel_stock_l 5000 is set but depot is false"],
    ),
    (
        "confidence_on_non_depot",
        _set((F, 1, P, "depot_confidence"), "likely"),
        ["features[1]", "depot_confidence 'likely' is set but depot is false"],
    ),
    (
        "bad_confidence",
        _set((F, 0, P, "depot_confidence"), "maybe"),
        ["features[0] (node 'Anadyr')", "depot_confidence 'maybe'"],
    ),
    (
        "negative_stock",
        _set((F, 0, P, "fuel_stock_l"), -1),
        ["features[0]", "fuel_stock_l -1 must be >= 0"],
    ),
    (
        "negative_ice",
        _set((F, 4, P, "ice_thickness_cm"), -3),
        ["features[4]", "ice_thickness_cm -3"],
    ),
    ("bad_status", _set((F, 4, P, "status"), "planned"), ["features[4]", "status 'planned'"]),
    (
        "rest_stop_beyond_end",
        _set((F, 4, P, "rest_stops_km"), [100, 500]),
        ["features[4]", "rest_stops_km [100, 500]", "(0, 420.0)"],
    ),
    ("bad_source", _set((F, 4, P, "source"), 7), ["features[4]", "source 7 must be a string"]),
    (
        "endpoint_far_from_node",
        _set((F, 4, G, C, 0), [-178.0, 66.3167]),
        ["features[4] (link 'Egvekinot'->'Uelen')", "starts", "km from 'Egvekinot'"],
    ),
    (
        "geometry_drawn_backwards",
        _set((F, 4, G, C), [UELEN, EGVEKINOT]),
        ["features[4]", "drawn from 'to' to 'from'"],
    ),
    (
        "multilinestring_parts_do_not_join",
        _set(
            (F, 3, G),
            {
                "type": "MultiLineString",
                "coordinates": [[ANADYR, [179.0, 65]], [[179.5, 65.5], EGVEKINOT]],
            },
        ),
        ["features[3]", "part 1 starts at", "must join"],
    ),
    (
        "one_point_line",
        _set((F, 4, G, C), [EGVEKINOT]),
        ["features[4]", "at least two [lon, lat] positions"],
    ),
    (
        "reserved_node_property",
        _set((F, 1, P, "lon"), 1.0),
        ["features[1]", "property 'lon' is not allowed"],
    ),
    (
        "reserved_link_property",
        _set((F, 4, P, "geometry"), "x"),
        ["features[4]", "property 'geometry' is not allowed"],
    ),
    ("bad_key", _set((F, 4, P, "key"), 1.5), ["features[4]", "key 1.5"]),
    (
        "duplicate_key",
        _append(_line("Egvekinot", "Uelen", [EGVEKINOT, UELEN], key=0)),
        ["features[5]", "duplicate key 0"],
    ),
    ("properties_not_object", _set((F, 1, P), [1]), ["features[1]", "'properties' must be"]),
    ("network_not_object", _set(("network",), [1]), ["'network' member"]),
]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [pytest.param(m, e, id=name) for name, m, e in INVALID],
)
def test_invalid_input_is_rejected_naming_feature_and_problem(
    mutate: Callable[[dict[str, Any]], None], expected: list[str]
) -> None:
    doc = _base()
    mutate(doc)
    with pytest.raises(NetworkError) as info:
        read_geojson(doc)
    for part in expected:
        assert part in str(info.value)


def test_base_document_is_valid() -> None:
    validate_network(read_geojson(copy.deepcopy(_base())))


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_nonfinite_json_constants_are_rejected(tmp_path: Path, constant: str) -> None:
    text = json.dumps(_base()).replace("420", constant)
    path = tmp_path / "nan.geojson"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NetworkError) as info:
        read_geojson(path)
    message = str(info.value)
    assert str(path) in message
    assert "features[4] (link 'Egvekinot'->'Uelen')" in message
    assert "properties.length_km" in message
    assert "not a finite number" in message


def test_invalid_json_is_a_network_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(NetworkError, match="not valid JSON"):
        read_geojson(path)


# ---------------------------------------------------------------------------------------------
# writing


def test_write_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    graph = read_geojson(_base())
    path = tmp_path / "net.geojson"
    path.write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError) as info:
        write_geojson(graph, path)
    assert "overwrite=True" in str(info.value)
    assert "--force" in str(info.value)
    assert path.read_text(encoding="utf-8") == "keep me"
    assert write_geojson(graph, path, overwrite=True) == path
    assert nx.utils.graphs_equal(read_geojson(path), graph)


def test_invalid_graph_writes_nothing(tmp_path: Path) -> None:
    graph = read_geojson(_base())
    graph.nodes["Uelen"]["when"] = object()
    path = tmp_path / "net.geojson"
    with pytest.raises(NetworkError, match="node 'Uelen' attribute 'when'"):
        write_geojson(graph, path)
    assert not path.exists()


def test_node_attribute_named_id_is_rejected_on_write() -> None:
    graph = read_geojson(_base())
    graph.nodes["Uelen"]["id"] = "U"
    with pytest.raises(NetworkError, match="'id' clashes"):
        network_to_geojson(graph)


def test_output_is_utf8_without_escapes_and_deterministic(tmp_path: Path) -> None:
    graph = read_geojson(_base())
    first = write_geojson(graph, tmp_path / "a.geojson").read_bytes()
    second = write_geojson(graph, tmp_path / "b.geojson").read_bytes()
    assert first == second
    assert "Анадырь".encode() in first
    assert b"\\u" not in first


def test_crossing_link_is_written_as_multilinestring_at_great_circle_latitude() -> None:
    doc = network_to_geojson(read_geojson(_base()))
    links = {(f[P]["from"], f[P]["to"]): f[G] for f in doc[F] if "from" in f[P]}
    crossing = links["Anadyr", "Egvekinot"]
    assert crossing["type"] == "MultiLineString"
    first, second = crossing[C]
    assert first[-1][0] == 180.0
    assert second[0][0] == -180.0
    assert first[-1][1] == second[0][1]
    # 179.5 -> -179.1167 crosses between the two vertices' latitudes
    assert 65.5 < first[-1][1] < EGVEKINOT[1]
    assert links["Egvekinot", "Uelen"]["type"] == "LineString"


def test_vertex_on_the_antimeridian_round_trips() -> None:
    doc = _base()
    doc[F][3][G][C] = [ANADYR, [-180.0, 65.6], EGVEKINOT]
    graph = read_geojson(doc)
    written = network_to_geojson(graph)
    _assert_rfc7946(written)
    again = read_geojson(written)
    assert list(again.edges["Anadyr", "Egvekinot", 0]["geometry"].coords) == [
        tuple(ANADYR),
        (-180.0, 65.6),
        tuple(EGVEKINOT),
    ]


def test_non_default_edge_keys_are_written_and_kept() -> None:
    graph = read_geojson(_base())
    graph.add_edge("Egvekinot", "Uelen", key="summer", **graph.edges["Egvekinot", "Uelen", 0])
    graph.add_edge("Egvekinot", "Uelen", key=7, **graph.edges["Egvekinot", "Uelen", 0])
    graph.add_edge("Egvekinot", "Uelen", **graph.edges["Egvekinot", "Uelen", 0])  # key 3
    doc = network_to_geojson(graph)
    keys = [f[P].get("key") for f in doc[F] if f[P].get("from") == "Egvekinot"]
    assert keys == [None, "summer", 7, None]
    assert list(read_geojson(doc).edges(keys=True)) == list(graph.edges(keys=True))


# ---------------------------------------------------------------------------------------------
# property: write -> read is lossless


def _assert_rfc7946(doc: dict[str, Any]) -> None:
    for feature in doc[F]:
        geometry = feature[G]
        if geometry["type"] == "Point":
            lines = [[geometry[C]]]
        elif geometry["type"] == "LineString":
            lines = [geometry[C]]
        else:
            assert geometry["type"] == "MultiLineString"
            lines = geometry[C]
        for line in lines:
            for lon, lat in line:
                assert -180.0 <= lon <= 180.0
                assert -90.0 <= lat <= 90.0
            for (lon1, _), (lon2, _) in itertools.pairwise(line):
                assert abs(lon2 - lon1) <= 180.0


def _crosses(geometry: LineString) -> bool:
    lons = [x for x, _ in geometry.coords]
    return any(abs(b - a) > 180.0 for a, b in itertools.pairwise(lons))


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6),
    lambda children: (
        st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=6,
)
extra_names = st.sampled_from(
    ["name_ru", "kind", "population", "airport", "district", "coastal", "notes", "mode",
     "aliases", "ключ", "x y"]
)  # fmt: skip
extras = st.dictionaries(extra_names, json_values, max_size=3)
lons = st.one_of(
    st.floats(-180.0, 180.0, exclude_max=True),
    st.sampled_from([-180.0, -179.999999, -179.5, 179.5, 179.999999, 179.99999999999997]),
)
lats = st.floats(60.0, 72.0)
seasons = st.builds(
    Season,
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(1, 12),
    st.integers(1, 28),
)


@st.composite
def networks(draw: st.DrawFn) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.graph.update(draw(st.dictionaries(st.sampled_from(["name", "source", "n"]), json_values)))
    ids = draw(st.lists(st.text(min_size=1, max_size=6), min_size=2, max_size=5, unique=True))
    for node in ids:
        depot = draw(st.booleans())
        graph.add_node(node)
        graph.nodes[node].update(draw(extras))
        graph.nodes[node].update(
            name=draw(st.text(max_size=6)),
            lon=draw(lons),
            lat=draw(lats),
            shelter=draw(st.booleans()),
            depot=depot,
            depot_confidence=draw(st.sampled_from(DEPOT_CONFIDENCES)) if depot else None,
            fuel_stock_l=draw(st.none() | st.floats(0, 1e6)) if depot else None,
        )
    for _ in range(draw(st.integers(0, 6))):
        u, v = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
        via = draw(st.lists(st.tuples(lons, lats), max_size=3))
        nu, nv = graph.nodes[u], graph.nodes[v]
        geometry = LineString([(nu["lon"], nu["lat"]), *via, (nv["lon"], nv["lat"])])
        length: float | None = draw(st.none() | st.floats(0.1, 5000.0))
        source_label = "sourced"
        if length is None or draw(st.booleans()):
            geodesic = line_length_km(geometry)
            if geodesic > 0:
                length, source_label = geodesic, "geodesic"
        if length is None:
            length = 1.0
        fractions = draw(st.lists(st.floats(0.01, 0.99), max_size=3))
        terrain = draw(st.sampled_from(TERRAINS))
        attrs = {
            "terrain": terrain,
            "length_km": length,
            "length_source": source_label,
            "geometry": geometry,
            "oneway": draw(st.booleans()),
            "season": draw(st.none() | seasons),
            "ice_thickness_cm": draw(st.none() | st.floats(0, 300)),
            "source": draw(st.text(max_size=5)),
            "assumed": draw(st.booleans()),
            "status": draw(st.sampled_from(["open", "closed"])),
            "maintained": draw(st.booleans()),
            "rest_stops_km": tuple(f * length for f in fractions),
        }
        attrs.update(draw(st.dictionaries(st.sampled_from(["id", "mode", "notes"]), json_values)))
        key = draw(st.none() | st.integers(0, 4) | st.text(max_size=3))
        if key is not None and graph.has_edge(u, v, key):
            continue
        new_key = graph.add_edge(u, v, key=key)
        graph.edges[u, v, new_key].update(attrs)
    validate_network(graph)
    return graph


def _assert_same_network(expected: nx.MultiDiGraph, actual: nx.MultiDiGraph) -> None:
    assert actual.graph == expected.graph
    assert list(actual.nodes(data=True)) == list(expected.nodes(data=True))
    assert list(actual.edges(keys=True)) == list(expected.edges(keys=True))
    for u, v, key, want in expected.edges(keys=True, data=True):
        got = dict(actual.edges[u, v, key])
        got_coords = np.asarray(got.pop("geometry").coords)
        want = dict(want)
        want_coords = np.asarray(want.pop("geometry").coords)
        assert got == want
        assert got_coords.shape == want_coords.shape
        np.testing.assert_allclose(got_coords, want_coords, rtol=0, atol=1e-9)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph=networks())
def test_write_then_read_is_lossless(graph: nx.MultiDiGraph) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_geojson(graph, Path(tmp) / "net.geojson")
        text = path.read_bytes()
        document = json.loads(text)
        again = read_geojson(path)
        rewritten = write_geojson(again, Path(tmp) / "again.geojson").read_bytes()
    _assert_same_network(graph, again)
    assert rewritten == text
    _assert_rfc7946(document)
    links = [f for f in document[F] if f[G]["type"] != "Point"]
    for (_, _, data), feature in zip(graph.edges(data=True), links, strict=True):
        expected = "MultiLineString" if _crosses(data["geometry"]) else "LineString"
        assert feature[G]["type"] == expected
