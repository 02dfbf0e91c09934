"""plan(): real trips on the bundled network, explanations, and plan invariants."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from zoneinfo import ZoneInfo

import networkx as nx
import pytest

import arcticroute as ar
from arcticroute.itinerary import Itinerary
from arcticroute.planning import default_departure, plan

ANADYR_TZ = ZoneInfo("Asia/Anadyr")
MARCH = "2027-03-10T08:00"


def assert_itinerary_valid(it: Itinerary, network: nx.MultiDiGraph, vehicle: ar.Vehicle) -> None:
    """Invariants every feasible itinerary keeps."""
    assert it.feasible
    assert it.legs, "a trip between two places has at least one leg"
    assert it.legs[0].origin == it.origin
    assert it.legs[-1].destination == it.destination
    assert it.arrive == it.legs[-1].arrive
    events = sorted(
        [(leg.depart, leg.arrive) for leg in it.legs]
        + [(w.start, w.until) for w in it.waits]
        + [(r.start, r.until) for r in it.refuels]
    )
    assert events[0][0] >= it.depart
    for (a_start, a_end), (b_start, _) in itertools.pairwise(events):
        assert a_start <= a_end
        assert a_end <= b_start + dt.timedelta(seconds=1), "steps overlap"
    for a, b in zip(it.legs, it.legs[1:], strict=False):
        assert a.destination == b.origin, "legs are contiguous"
        assert a.arrive <= b.depart
    fuel = it.fuel_start_l
    refuels = iter(sorted(it.refuels, key=lambda r: r.start))
    pending = next(refuels, None)
    for leg in it.legs:
        while pending is not None and pending.start < leg.depart:
            fuel += pending.litres
            pending = next(refuels, None)
        assert leg.fuel_before_l == pytest.approx(fuel, abs=1e-6)
        assert leg.fuel_after_l >= vehicle.reserve_l - 1e-6, "fuel never below the reserve"
        fuel = leg.fuel_after_l
    for refuel in it.refuels:
        node = network.nodes[refuel.at]
        assert node["depot"], "refuels only at depots"
        stock = node["fuel_stock_l"]
        assert stock is None or refuel.litres <= stock + 1e-6
    for wait in it.waits:
        if wait.at in network:
            assert wait.shelter == network.nodes[wait.at]["shelter"]
        assert wait.shelter, "no waiting in the open without weather to justify it"


def test_trekol_crosses_the_antimeridian_from_anadyr_to_egvekinot(
    chukotka: nx.MultiDiGraph, catalogue: dict[str, ar.Vehicle]
) -> None:
    it = plan(chukotka, "Anadyr", "Egvekinot", "trekol", depart=MARCH)
    assert_itinerary_valid(it, chukotka, catalogue["trekol"])
    assert it.route == ("Anadyr", "Uelkal", "Egvekinot")
    assert it.distance_km == pytest.approx(285)
    # 180 km of tundra at 28 km/h and 105 km of sea ice at 22 km/h.
    assert it.driving_h == pytest.approx(180 / 28 + 105 / 22, abs=1e-3)
    assert it.legs[1].geometry.coords[-1][0] < 0  # ends west of 180


def test_buran_crosses_lavrentiya_uelen_in_a_few_hours(
    chukotka: nx.MultiDiGraph, catalogue: dict[str, ar.Vehicle]
) -> None:
    it = plan(chukotka, "Lavrentiya", "Uelen", "buran", depart=MARCH)
    assert_itinerary_valid(it, chukotka, catalogue["buran"])
    assert 2.5 < it.duration_h < 4
    assert it.fuel_used_l == pytest.approx(103 * 0.28)


def test_trucks_run_the_pevek_bilibino_zimnik_in_about_a_day(
    chukotka: nx.MultiDiGraph, catalogue: dict[str, ar.Vehicle]
) -> None:
    it = plan(chukotka, "Pevek", "Bilibino", "truck6x6", depart=MARCH)
    assert_itinerary_valid(it, chukotka, catalogue["truck6x6"])
    assert 20 <= it.duration_h <= 30
    # The crew rests at the heated point midway: the duty limit is 12 h a day.
    (rest,) = it.waits
    assert rest.at == "Pevek-Bilibino km 169"
    assert "crew rest" in rest.reason


def test_buran_cannot_reach_lavrentiya_from_anadyr_and_says_why(
    chukotka: nx.MultiDiGraph,
) -> None:
    it = plan(chukotka, "Anadyr", "Lavrentiya", "buran", depart=MARCH)
    assert not it.feasible
    assert it.binding == "range"
    assert it.opens_on is None  # not the seasons
    assert "usable fuel 88 L" in it.reason
    assert "no depot in between" in it.reason
    assert it.to_dict()["feasible"] is False


def test_rests_that_break_a_deadline_are_blamed_on_the_deadline_not_the_duty_limit(
    chukotka: nx.MultiDiGraph,
) -> None:
    # 8 h driving per day is kept by resting at Uelkal; the rest is what makes it late.
    rested = plan(chukotka, "Anadyr", "Egvekinot", "trekol", depart=MARCH, max_drive_h=8)
    assert rested.feasible
    deadline = rested.depart + dt.timedelta(hours=14)
    assert deadline < rested.arrive
    it = plan(
        chukotka, "Anadyr", "Egvekinot", "trekol", depart=MARCH, max_drive_h=8, deadline=deadline
    )
    assert not it.feasible
    assert it.reason == (
        f"no route arrives by {deadline:%Y-%m-%d %H:%M}: the earliest arrival is "
        f"{rested.arrive:%Y-%m-%d %H:%M}: the crew rests 16 h (8 h driving per day)"
    )
    # a limit no rest can keep is still the duty limit's fault
    short = plan(
        chukotka, "Anadyr", "Egvekinot", "trekol", depart=MARCH, max_drive_h=4, deadline=deadline
    )
    assert short.binding == "duty"
    assert "Anadyr - Uelkal takes 6.4 h with no shelter in between" in short.reason


def test_too_little_fuel_at_departure_says_how_much_to_start_with(
    chukotka: nx.MultiDiGraph,
) -> None:
    # Uelkal sells no fuel; a full tank would do, so the tank's size is not the reason.
    trekol = ar.get_vehicle("trekol")
    assert plan(chukotka, "Uelkal", "Egvekinot", trekol, depart=MARCH).feasible
    it = plan(chukotka, "Uelkal", "Egvekinot", trekol, depart=MARCH, fuel_start_l=60)
    assert not it.feasible
    assert it.binding == "range"
    assert it.reason.startswith("trekol starts with 60 L, 10 L above its 50 L reserve")
    assert "stretch Uelkal - Egvekinot (37 L) has no depot on the way" in it.reason
    need = float(it.reason.rsplit("at least ", 1)[1].removesuffix(" L"))
    assert need == pytest.approx(trekol.reserve_l + 37, abs=1.0)
    assert plan(chukotka, "Uelkal", "Egvekinot", trekol, depart=MARCH, fuel_start_l=need).feasible
    assert not plan(
        chukotka, "Uelkal", "Egvekinot", trekol, depart=MARCH, fuel_start_l=need - 1.0
    ).feasible


def test_heavy_vehicle_is_stopped_by_thin_ice_with_the_figures(
    chukotka: nx.MultiDiGraph,
) -> None:
    it = plan(chukotka, "Anadyr", "Ugolnye Kopi", "mtlb", depart=MARCH)
    assert not it.feasible
    assert "river ice 45 cm (measured) < 57 cm needed for 13.0 t" in it.reason


def test_closed_season_names_the_opening_date(chukotka: nx.MultiDiGraph) -> None:
    it = plan(chukotka, "Anadyr", "Uelkal", "trekol", depart="2026-11-26T08:00")
    assert not it.feasible
    assert "closed for the season" in it.reason
    assert "opens on 2026-12-01" in it.reason


def test_closed_season_names_the_day_the_whole_way_opens(chukotka: nx.MultiDiGraph) -> None:
    # Anadyr-Uelkal (tundra) opens on 1 Dec, the sea ice on to Egvekinot only on 15 Dec:
    # the hint is the day the destination can be reached, and that day a plan exists.
    it = plan(chukotka, "Anadyr", "Egvekinot", "trekol", depart="2026-11-26T08:00")
    assert not it.feasible
    assert "the way from Anadyr to Egvekinot opens on 2026-12-15" in it.reason
    # what to do ends the reason, where a reader of a long one looks first
    assert it.reason.endswith("opens on 2026-12-15; depart on or after that day")
    assert it.opens_on == dt.date(2026, 12, 15)
    assert it.to_dict()["opens_on"] == "2026-12-15"
    assert plan(chukotka, "Anadyr", "Egvekinot", "trekol", depart="2026-12-15T08:00").feasible
    assert not plan(chukotka, "Anadyr", "Egvekinot", "trekol", depart="2026-12-14T20:00").feasible


def test_a_bigger_tank_makes_a_range_limited_trip_possible(
    chukotka: nx.MultiDiGraph, catalogue: dict[str, ar.Vehicle]
) -> None:
    big = catalogue["buran"].replace(carried_fuel_l=200)
    it = plan(chukotka, "Anadyr", "Lavrentiya", big, depart=MARCH)
    assert_itinerary_valid(it, chukotka, big)
    assert it.refuels
    assert any("likely depot" in w for w in it.warnings) or all(
        r.confidence == "confirmed" for r in it.refuels
    )


def test_confirmed_depots_only_never_refuels_at_a_likely_depot(
    chukotka: nx.MultiDiGraph, catalogue: dict[str, ar.Vehicle]
) -> None:
    big = catalogue["buran"].replace(carried_fuel_l=400)
    it = plan(chukotka, "Anadyr", "Lavrentiya", big, depart=MARCH, confirmed_depots_only=True)
    assert_itinerary_valid(it, chukotka, big)
    assert all(r.confidence == "confirmed" for r in it.refuels)


def test_a_plan_says_where_it_rests_on_estimated_lengths(chukotka: nx.MultiDiGraph) -> None:
    it = plan(chukotka, "Anadyr", "Lavrentiya", "trekol", depart=MARCH)
    source = {
        str(data.get("id") or f"{u}-{v}"): data["length_source"]
        for u, v, data in chukotka.edges(data=True)
    }
    estimated = [leg for leg in it.legs if source[leg.link_id] == "estimated"]
    assert estimated
    (warning,) = [w for w in it.warnings if w.startswith("lengths estimated")]
    km = sum(leg.distance_km for leg in estimated)
    assert f"{km:.0f} of {it.distance_km:.0f} km" in warning
    assert f"{estimated[0].origin}-{estimated[0].destination}" in warning  # as driven
    sourced = plan(chukotka, "Lavrentiya", "Uelen", "buran", depart=MARCH)  # a sourced trail
    assert [source[leg.link_id] for leg in sourced.legs] == ["sourced"]
    assert not any(w.startswith("lengths estimated") for w in sourced.warnings)


def test_assumed_links_are_warned_about_and_can_be_excluded(
    chukotka: nx.MultiDiGraph,
) -> None:
    it = plan(chukotka, "Anadyr", "Pevek", "gaz34039", depart=MARCH)
    assert it.feasible
    assumed = [leg for leg in it.legs if leg.assumed]
    assert assumed
    assert any("assumption" in w for w in it.warnings)
    careful = plan(chukotka, "Anadyr", "Pevek", "gaz34039", depart=MARCH, no_assumed_links=True)
    assert careful.feasible
    assert not any(leg.assumed for leg in careful.legs)
    assert careful.arrive >= it.arrive


def test_avoiding_a_place_or_a_link_reroutes(chukotka: nx.MultiDiGraph) -> None:
    base = plan(chukotka, "Anadyr", "Egvekinot", "trekol", depart=MARCH)
    assert "Uelkal" in base.route
    detour = plan(
        chukotka, "Anadyr", "Egvekinot", "trekol", depart=MARCH, avoid=["Uelkal-Egvekinot"]
    )
    assert detour.route[-2] == "Konergino"
    blocked = plan(chukotka, "Anadyr", "Egvekinot", "trekol", depart=MARCH, avoid=["Uelkal"])
    assert not blocked.feasible


def test_a_single_via_name_is_one_place(chukotka: nx.MultiDiGraph) -> None:
    one = plan(chukotka, "Anadyr", "Egvekinot", "trekol", depart=MARCH, via="Uelkal")
    assert (
        one.to_json()
        == plan(chukotka, "Anadyr", "Egvekinot", "trekol", depart=MARCH, via=["Uelkal"]).to_json()
    )


def test_via_points_are_visited_in_order(chukotka: nx.MultiDiGraph, catalogue) -> None:
    it = plan(chukotka, "Lavrentiya", "Uelen", "buran", depart=MARCH, via=["Lorino"])
    assert_itinerary_valid(it, chukotka, catalogue["buran"])
    assert it.route[:2] == ("Lavrentiya", "Lorino")


def test_objectives_trade_time_for_fuel(chukotka: nx.MultiDiGraph) -> None:
    fast = plan(chukotka, "Anadyr", "Pevek", "gaz34039", depart=MARCH, objective="time")
    frugal = plan(chukotka, "Anadyr", "Pevek", "gaz34039", depart=MARCH, objective="fuel")
    safe = plan(chukotka, "Anadyr", "Pevek", "gaz34039", depart=MARCH, objective="risk")
    assert frugal.fuel_used_l <= fast.fuel_used_l + 1e-6
    assert fast.arrive <= frugal.arrive
    assert safe.risk <= fast.risk + 1e-6


def test_plans_are_deterministic(chukotka: nx.MultiDiGraph) -> None:
    a = plan(chukotka, "Anadyr", "Pevek", "gaz34039", depart=MARCH)
    b = plan(ar.load_network(), "Anadyr", "Pevek", "gaz34039", depart=MARCH)
    assert a.to_json() == b.to_json()


def test_naive_departure_is_chukotka_time_and_output_carries_the_offset(
    chukotka: nx.MultiDiGraph,
) -> None:
    it = plan(chukotka, "Lavrentiya", "Uelen", "buran", depart=dt.datetime(2027, 3, 10, 8))
    data = json.loads(it.to_json())
    assert data["depart"] == "2027-03-10T08:00:00+12:00"
    assert data["arrive"].endswith("+12:00")
    utc = plan(chukotka, "Lavrentiya", "Uelen", "buran", depart="2027-03-09T20:00+00:00")
    assert utc.arrive == it.arrive


def test_default_departure_is_the_next_0800_local() -> None:
    morning = dt.datetime(2027, 3, 10, 7, 0, tzinfo=ANADYR_TZ)
    assert default_departure(morning) == dt.datetime(2027, 3, 10, 8, 0, tzinfo=ANADYR_TZ)
    evening = dt.datetime(2027, 3, 10, 9, 0, tzinfo=ANADYR_TZ)
    assert default_departure(evening) == dt.datetime(2027, 3, 11, 8, 0, tzinfo=ANADYR_TZ)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"origin": "Anadry"}, ar.UnknownPlaceError, "did you mean 'Anadyr'"),
        ({"vehicle": "snowcat"}, ar.VehicleError, "unknown vehicle 'snowcat'"),
        ({"depart": "next tuesday"}, ValueError, "not a time"),
        ({"objective": "fastest"}, ValueError, "objective 'fastest'"),
        ({"fuel_start_l": 500.0}, ValueError, "fuel_start_l 500.0"),
        ({"reserve": 2.0}, ar.VehicleError, "reserve 2.0"),
        ({"avoid": ["Uelen-Anadyr"]}, ar.UnknownPlaceError, "no link between"),
        ({"depart": dt.date(2027, 3, 10)}, ValueError, "departure .* must be a datetime, e.g."),
        ({"deadline": "tomorrow"}, ValueError, "deadline 'tomorrow' is not a time"),
        (
            {"deadline": "2027-03-10T07:00"},
            ValueError,
            "deadline 2027-03-10 07:00 is not after the departure 2027-03-10 08:00",
        ),
    ],
)
def test_bad_requests_raise_clear_errors(
    chukotka: nx.MultiDiGraph, kwargs: dict[str, object], error: type, message: str
) -> None:
    args: dict[str, object] = {"origin": "Lavrentiya", "destination": "Uelen", "vehicle": "buran"}
    options: dict[str, object] = {"depart": MARCH}
    for key, value in kwargs.items():
        (args if key in args else options)[key] = value
    with pytest.raises(error, match=message):
        plan(chukotka, **args, **options)  # type: ignore[arg-type]


def test_user_built_networkx_graph_plans(catalogue) -> None:
    from shapely.geometry import LineString

    g = nx.MultiDiGraph()
    for name, lon in (("camp", 179.5), ("hut", -179.8), ("village", -179.0)):
        g.add_node(
            name,
            name=name,
            lon=lon,
            lat=66.0,
            shelter=True,
            depot=name == "hut",
            depot_confidence="confirmed" if name == "hut" else None,
            fuel_stock_l=None,
        )
    common = dict(
        length_source="geodesic",
        oneway=False,
        season=None,
        ice_thickness_cm=None,
        status="open",
        maintained=False,
        assumed=False,
        source="test",
        rest_stops_km=(),
    )
    g.add_edge(
        "camp",
        "hut",
        terrain="trail",
        length_km=20.0,
        geometry=LineString([(179.5, 66.0), (-179.8, 66.0)]),
        **common,
    )
    g.add_edge(
        "hut",
        "village",
        terrain="tundra",
        length_km=30.0,
        geometry=LineString([(-179.8, 66.0), (-179.0, 66.0)]),
        **common,
    )
    it = plan(g, "camp", "village", catalogue["viking"], depart=MARCH)
    assert it.route == ("camp", "hut", "village")
    assert it.driving_h == pytest.approx(20 / 45 + 30 / 28, abs=2 / 3600)  # times to the second


def test_table_fits_an_80_column_terminal(chukotka: nx.MultiDiGraph) -> None:
    for trip in (("Anadyr", "Pevek", "gaz34039"), ("Anadyr", "Lavrentiya", "buran")):
        table = plan(chukotka, *trip, depart=MARCH).to_table()
        assert max(len(line) for line in table.splitlines()) <= 80


# --- avoided areas -------------------------------------------------------------------------


def box(west: float, south: float, east: float, north: float) -> dict[str, object]:
    """A GeoJSON Polygon from west to east the short way (east may be < west across 180)."""
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


# A box over the sea ice Uelkal-Egvekinot only (Konergino's links pass east of it).
EGVEKINOT_BAY = box(-179.35, 65.85, -179.05, 65.95)
# A band from 179 E across 180 to 179 W over the tundra Anadyr-Uelkal.
ACROSS_180 = box(179.0, 65.0, -179.0, 65.4)


def test_an_avoided_area_over_a_link_forces_a_detour(chukotka: nx.MultiDiGraph, catalogue) -> None:
    base = plan(chukotka, "Anadyr", "Egvekinot", "trekol", depart=MARCH)
    assert base.route == ("Anadyr", "Uelkal", "Egvekinot")
    detour = plan(chukotka, "Anadyr", "Egvekinot", "trekol", depart=MARCH, avoid_area=EGVEKINOT_BAY)
    assert_itinerary_valid(detour, chukotka, catalogue["trekol"])
    assert detour.route == ("Anadyr", "Uelkal", "Konergino", "Egvekinot")
    assert chukotka.edges["Egvekinot", "Uelkal", 0]["status"] == "open", "input left untouched"


def test_a_shapely_polygon_is_an_area_too(chukotka: nx.MultiDiGraph) -> None:
    from shapely.geometry import MultiPolygon, shape

    polygon = shape(EGVEKINOT_BAY)
    for area in (polygon, MultiPolygon([polygon])):
        detour = plan(chukotka, "Anadyr", "Egvekinot", "trekol", depart=MARCH, avoid_area=area)
        assert detour.route == ("Anadyr", "Uelkal", "Konergino", "Egvekinot")


def test_an_area_across_180_closes_the_link_it_covers_and_says_so(
    chukotka: nx.MultiDiGraph,
) -> None:
    from arcticroute.areas import read_avoid_area

    area = read_avoid_area(ACROSS_180)
    # Read the short way round: 2 degrees wide over 180, not 358 degrees round the world.
    assert area.covers_point(180.0, 65.2)
    assert area.covers_point(-179.5, 65.2)
    assert not area.covers_point(0.0, 65.2)
    assert not area.covers_point(176.0, 65.2)
    assert area.crossed_links(chukotka) == (("Anadyr", "Uelkal", 0),)
    it = plan(chukotka, "Anadyr", "Egvekinot", "trekol", depart=MARCH, avoid_area=ACROSS_180)
    assert not it.feasible
    assert "Anadyr-Uelkal: crosses the avoided area" in it.reason


def test_an_area_split_at_180_per_rfc7946_is_the_same_area(chukotka: nx.MultiDiGraph) -> None:
    from arcticroute.areas import read_avoid_area

    west = box(179.0, 65.0, 180.0, 65.4)["coordinates"]
    east = box(-180.0, 65.0, -179.0, 65.4)["coordinates"]
    split = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"why": "thin ice"},
                "geometry": {"type": "MultiPolygon", "coordinates": [west, east]},
            },
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Point", "coordinates": [0, 0]},
            },
        ],
    }
    area = read_avoid_area(split)
    assert area.n_polygons == 2
    assert area.crossed_links(chukotka) == read_avoid_area(ACROSS_180).crossed_links(chukotka)
    assert area.planar.symmetric_difference(read_avoid_area(ACROSS_180).planar).area < 1.0  # km2


def test_an_area_on_a_pareto_plan_and_from_a_file(chukotka: nx.MultiDiGraph, tmp_path) -> None:
    path = tmp_path / "bay.geojson"
    path.write_text(json.dumps({"type": "Feature", "geometry": EGVEKINOT_BAY}), encoding="utf-8")
    options = ar.planning.plan_pareto(
        chukotka, "Anadyr", "Egvekinot", "trekol", depart=MARCH, avoid_area=path
    )
    assert options
    assert all(("Uelkal", "Egvekinot") not in itertools.pairwise(o.route) for o in options)


def test_an_area_that_covers_the_origin_is_refused(chukotka: nx.MultiDiGraph) -> None:
    around_anadyr = box(177.0, 64.5, 178.0, 65.0)
    with pytest.raises(ValueError, match="origin Anadyr lies inside the avoided area"):
        plan(chukotka, "Anadyr", "Egvekinot", "trekol", depart=MARCH, avoid_area=around_anadyr)
    with pytest.raises(ValueError, match="destination Anadyr lies inside"):
        plan(chukotka, "Uelkal", "Anadyr", "trekol", depart=MARCH, avoid_area=around_anadyr)


def test_an_area_far_from_every_link_is_warned_about(chukotka: nx.MultiDiGraph) -> None:
    # [lat, lon] typed the wrong way round lands in the Arctic Ocean north of Siberia.
    it = plan(
        chukotka,
        "Lavrentiya",
        "Uelen",
        "buran",
        depart=MARCH,
        avoid_area=box(65.0, 80.0, 66.0, 81.0),
    )
    assert it.feasible
    assert any("crosses no link" in w for w in it.warnings)


@pytest.mark.parametrize(
    ("area", "message"),
    [
        ({"type": "Point", "coordinates": [177.5, 64.7]}, "holds no Polygon or MultiPolygon"),
        ({"type": "FeatureCollection", "features": []}, "holds no Polygon"),
        ({"type": "Circle", "coordinates": []}, "unknown GeoJSON type 'Circle'"),
        (box(64.7, 177.0, 65.0, 178.0), r"latitude 17\d.*\[lon, lat\]"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[177, 64], [178, 65], [178, 64], [177, 65], [177, 64]]],
            },
            r"polygon is invalid \(Ring Self-intersection near lon 177\.\d+, lat 64\.\d+\)",
        ),
        ({"type": "Polygon", "coordinates": [[[177, 64], [178, 65], [177, 64]]]}, "at least 4"),
        (
            {"type": "Polygon", "coordinates": [[[177, 64], [178, 64], [178, 65], [177, 65]]]},
            "not closed",
        ),
        (
            {"type": "Polygon", "coordinates": [[[0, 80], [120, 80], [-120, 80], [0, 80]]]},
            "encircles the pole",
        ),
        ("missing-area.geojson", "'missing-area.geojson' does not exist"),
        (42, "neither a file path"),
    ],
)
def test_bad_avoided_areas_raise_clear_errors(
    chukotka: nx.MultiDiGraph, area: object, message: str
) -> None:
    from arcticroute.areas import AvoidAreaError

    with pytest.raises(AvoidAreaError, match=message):
        plan(chukotka, "Lavrentiya", "Uelen", "buran", depart=MARCH, avoid_area=area)  # type: ignore[arg-type]


def test_a_trip_may_start_at_coordinates(chukotka: nx.MultiDiGraph) -> None:
    it = ar.plan(chukotka, "64.95,176.3", "Egvekinot", "trekol", depart="2027-03-10T08:00")
    assert it.feasible
    assert it.origin == "point 64.9500N 176.3000E"
    first = it.legs[0]
    assert first.origin == it.origin
    assert first.assumed
    assert first.terrain == "tundra"
    assert any(w.startswith(f"leg {it.origin} - ") for w in it.warnings)
    assert first.geometry.coords[0] == pytest.approx((176.3, 64.95))
