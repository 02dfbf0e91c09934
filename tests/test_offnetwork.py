"""Plans across a terrain raster (`arcticroute.offnetwork.plan_raster`)."""

from __future__ import annotations

import doctest
import math
import xml.etree.ElementTree as ET
from typing import Any

import numpy as np
import pytest

import arcticroute as ar
from arcticroute import offnetwork
from arcticroute.geodesy import from_planar_km, to_planar_km
from arcticroute.itinerary import Itinerary
from arcticroute.offnetwork import plan_raster
from arcticroute.planning import PlanInputError
from arcticroute.solver import solve
from arcticroute.terrain import CLASS_CODES, lattice_graph, node_id, synthetic_terrain

ANADYR_XY = tuple(float(v) for v in to_planar_km(177.517, 64.733))
DEPART = "2027-03-10T08:00"


def _top_left(grid: np.ndarray, cell_km: float) -> tuple[float, float]:
    # the raster's centre on Anadyr
    rows, cols = grid.shape
    return ANADYR_XY[0] - cols * cell_km / 2, ANADYR_XY[1] + rows * cell_km / 2


def trip(
    grid: np.ndarray, origin: Any, destination: Any, vehicle: Any = "buran", **options: Any
) -> Itinerary:
    """`plan_raster` on 0.5 km cells round Anadyr, leaving at DEPART."""
    top_left = _top_left(grid, 0.5)
    return plan_raster(
        grid,
        origin,
        destination,
        vehicle,
        cell_km=0.5,
        top_left_km=top_left,
        depart=DEPART,
        **options,
    )


@pytest.fixture(scope="module")
def grid() -> np.ndarray:
    return synthetic_terrain(200, 320, seed=11, cell_km=0.5, sea_edge="south")


def assert_itinerary_valid(it: Itinerary, reserve_l: float) -> None:
    assert it.feasible
    moments = [it.depart]
    for leg in it.legs:
        assert leg.depart <= leg.arrive
        assert leg.fuel_after_l <= leg.fuel_before_l + 1e-9
        assert leg.fuel_after_l >= reserve_l - 1e-9
        assert leg.distance_km > 0 or leg.terrain in ("river_ice", "lake_ice", "sea_ice")
    events = sorted(
        [(leg.depart, leg.arrive) for leg in it.legs]
        + [(w.start, w.until) for w in it.waits]
        + [(r.start, r.until) for r in it.refuels]
    )
    for a, b in events:
        assert a >= moments[-1]
        moments.append(b)
    assert it.arrive == moments[-1]
    # the legs join end to end, on the ground and by name
    for a, b in zip(it.legs, it.legs[1:], strict=False):
        assert a.destination == b.origin
        assert a.geometry.coords[-1] == pytest.approx(b.geometry.coords[0])
    assert it.legs[0].origin == it.origin
    assert it.legs[-1].destination == it.destination


def test_plan_raster_matches_the_solver_on_the_same_lattice(grid: np.ndarray) -> None:
    buran = ar.get_vehicle("buran")
    top_left = _top_left(grid, 0.5)
    it = plan_raster(
        grid,
        (10, 8),
        (170, 310),
        buran,
        cell_km=0.5,
        top_left_km=top_left,
        depart=DEPART,
        depot_spacing_km=20.0,
        names={(10, 8): "Camp 3"},
    )
    assert_itinerary_valid(it, buran.reserve_l)
    g = lattice_graph(
        grid,
        cell_km=0.5,
        speed_kmh=buran.speed_kmh,
        fuel_l_per_100km=buran.fuel_l_per_100km,
        depot_spacing_km=20.0,
        top_left_km=top_left,
    )
    raw = solve(
        g,
        int(node_id(10, 8, n_cols=320)),
        int(node_id(170, 310, n_cols=320)),
        capacity_l=buran.capacity_l,
        reserve_l=buran.reserve_l,
        refuel_h=buran.refuel_min / 60,
    ).plans[0]
    assert (it.arrive - it.depart).total_seconds() / 3600 == pytest.approx(raw.arrive_h, abs=1e-3)
    km = sum(float(g.arc_km[a]) for a in raw.arcs)
    assert it.distance_km == pytest.approx(km)
    assert it.fuel_used_l == pytest.approx(raw.fuel_used_l)
    # the ends: the user's name and a position; the track starts and ends at their cells
    assert it.origin == "Camp 3"
    lon, lat = from_planar_km(g.node_x_km[[raw.steps[0].node]], g.node_y_km[[raw.steps[0].node]])
    assert it.legs[0].geometry.coords[0] == pytest.approx((lon[0], lat[0]))
    assert it.destination.endswith("E")
    assert it.destination[0].isdigit()
    assert any("off-network route over a raster of 0.5 km cells" in w for w in it.warnings)


def test_legs_keep_ice_crossings_and_join_short_runs() -> None:
    # tundra and deep snow in stripes two cells wide (1 km), and one column of river ice
    grid = np.full((20, 120), CLASS_CODES["tundra"], np.int8)
    for c in range(0, 120, 4):
        grid[:, c : c + 2] = CLASS_CODES["deep_snow"]
    grid[:, 61] = CLASS_CODES["river_ice"]
    it = trip(grid, (10, 0), (10, 119), "buran", min_leg_km=5.0)
    assert_itinerary_valid(it, ar.get_vehicle("buran").reserve_l)
    ice = [leg for leg in it.legs if leg.terrain == "river_ice"]
    assert len(ice) == 1
    assert ice[0].distance_km == pytest.approx(0.5)
    assert any(w.startswith(f"on ice ({ice[0].origin}-{ice[0].destination})") for w in it.warnings)
    # 1 km stripes are shorter than min_leg_km: one leg each side of the river, whose ice
    # stays a leg of its own
    assert [leg.terrain for leg in it.legs][1] == "river_ice"
    assert len(it.legs) == 3
    assert it.legs[0].distance_km == pytest.approx(30.0, abs=1.0)
    # without joining, a leg per stripe
    every = trip(grid, (10, 0), (10, 119), "buran", min_leg_km=0.0)
    assert len(every.legs) >= 55
    assert every.distance_km == pytest.approx(it.distance_km)
    # intermediate places are named by the kilometres driven
    assert ice[0].origin.startswith("km ")


def test_purga_holds_the_trip_at_a_shelter(grid: np.ndarray) -> None:
    it = trip(grid, (10, 8), (170, 310), "buran", hut_spacing_km=10.0, weather="purga-anadyr")
    assert_itinerary_valid(it, ar.get_vehicle("buran").reserve_l)
    calm = trip(grid, (10, 8), (170, 310), "buran", hut_spacing_km=10.0)
    assert it.arrive > calm.arrive
    (wait,) = it.waits
    assert wait.shelter
    assert wait.at.startswith("hut km ")
    assert "storm: wind 28 m/s" in wait.reason
    # the outputs of a network plan work: GPX for the GPS unit
    root = ET.fromstring(it.to_gpx())
    ns = {"g": "http://www.topografix.com/GPX/1/1"}
    points = root.findall(".//g:trkpt", ns)
    assert len(points) > len(it.legs)
    assert float(points[0].get("lat")) == pytest.approx(it.legs[0].geometry.coords[0][1])


def test_no_route_says_why_in_places_not_node_numbers(grid: np.ndarray) -> None:
    small = ar.get_vehicle("buran").replace(tank_l=8.0, carried_fuel_l=0.0)
    it = trip(grid, (10, 8), (170, 310), small, depot_spacing_km=25.0)
    assert not it.feasible
    assert it.binding == "range"
    assert "every route needs" in it.reason
    assert "->" in it.reason
    assert not any(part.strip().isdigit() for part in it.reason.split("->"))
    assert "N " in it.reason


@pytest.mark.parametrize(
    ("cell", "error", "match"),
    [
        ((200, 3), ar.UnknownPlaceError, r"origin cell \(200, 3\) is outside the 200 x 320 raster"),
        ((-1, 3), ar.UnknownPlaceError, "outside the 200 x 320 raster"),
        ("A1", ar.UnknownPlaceError, r"origin 'A1' must be a cell as \(row, column\)"),
    ],
)
def test_bad_cells_are_refused(grid: np.ndarray, cell: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        trip(grid, cell, (170, 310))


@pytest.mark.parametrize(
    ("origin", "options", "match"),
    [
        ((2, 2), {}, r"origin cell \(2, 2\) is water \(impassable\)"),
        ((1, 1), {"objective": "speed"}, "objective 'speed' must be one of"),
        ((1, 1), {"deadline": "2027-03-09T08:00"}, "deadline .* is not after the departure"),
        ((1, 1), {"min_leg_km": -1.0}, "min_leg_km must be a number of kilometres >= 0"),
    ],
)
def test_bad_requests_are_refused(
    origin: tuple[int, int], options: dict[str, Any], match: str
) -> None:
    grid = np.full((10, 10), CLASS_CODES["tundra"], np.int8)
    grid[2, 2] = CLASS_CODES["water"]
    with pytest.raises(PlanInputError, match=match):
        trip(grid, origin, (8, 8), **options)


def test_docstring_example_runs() -> None:
    assert doctest.testmod(offnetwork).failed == 0
    assert math.isfinite(offnetwork.DEEP_SNOW_RISK)


def test_a_search_that_gives_up_says_so(grid: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(offnetwork, "RASTER_MAX_LABELS", 50)
    small = ar.get_vehicle("buran").replace(tank_l=40.0, carried_fuel_l=0.0)
    it = trip(grid, (10, 8), (170, 310), small, depot_spacing_km=25.0)
    assert not it.feasible
    assert it.binding == "none"
    assert "search stopped after creating max_labels = 50 labels" in it.reason
    assert it.reason.endswith("plan on coarser cells (cell_km) or a smaller part of the raster")
