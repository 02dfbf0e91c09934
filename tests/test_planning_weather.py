"""Plans under weather: storms force waits at shelters, never a leg inside a closure."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest

import arcticroute as ar
from arcticroute.batch import ensemble
from arcticroute.compile import compile_network, compile_weather
from arcticroute.planning import localize, plan
from arcticroute.weather import scenario_from_dict, weather_from_spec

DEPART = localize("2027-03-10T08:00")
# The catalogue's vehicles as they are, crew duty limits included.
TREKOL = ar.get_vehicle("trekol")
BURAN = ar.get_vehicle("buran")
GAZ = ar.get_vehicle("gaz34039")


def storm_over(
    lon: float, lat: float, start_h: float, end_h: float, radius_km: float = 150
) -> dict:
    return {
        "name": "test-storm",
        "base": {"wind_ms": 5, "temperature_c": -20, "visibility_km": 20},
        "events": [
            {
                "type": "storm",
                "start": f"PT{start_h:g}H",
                "end": f"PT{end_h:g}H",
                "center": [lon, lat],
                "radius_km": radius_km,
                "wind_ms": 30,
                "visibility_km": 0.1,
            }
        ],
    }


def assert_no_leg_inside_a_closure(it: ar.Itinerary, network: nx.MultiDiGraph, field) -> None:
    vehicle = {v.id: v for v in (TREKOL, BURAN, GAZ)}[it.vehicle]
    compiled = compile_network(network, vehicle, date=it.depart.date())
    sampled = compile_weather(compiled, field, it.depart)
    table = sampled.sample.table
    g = sampled.graph
    for leg in it.legs:
        a = compiled.node_index[leg.origin]
        b = compiled.node_index[leg.destination]
        arcs = [k for k in range(g.indptr[a], g.indptr[a + 1]) if g.head[k] == b]
        assert arcs
        start_h = (leg.depart - it.depart).total_seconds() / 3600
        end_h = (leg.arrive - it.depart).total_seconds() / 3600
        steps = range(max(0, math.floor(start_h)), min(table.n_steps, math.ceil(end_h)))
        assert any(all(table.open[g.arc_cell[k], s] for s in steps) for k in arcs), (
            f"leg {leg.origin}-{leg.destination} runs inside a closure"
        )
    for wait in it.waits:
        assert wait.shelter, f"waited in the open at {wait.at}"


def test_calm_weather_gives_exactly_the_static_plan(chukotka: nx.MultiDiGraph) -> None:
    static = plan(chukotka, "Anadyr", "Pevek", GAZ, depart=DEPART)
    field = scenario_from_dict({"name": "neutral", "events": []}, start=DEPART)
    calm = plan(chukotka, "Anadyr", "Pevek", GAZ, depart=DEPART, weather=field)
    assert calm.to_dict()["legs"] == static.to_dict()["legs"]
    assert calm.arrive == static.arrive


def test_storm_forces_a_wait_at_a_shelter_and_a_later_arrival(chukotka: nx.MultiDiGraph) -> None:
    calm = plan(chukotka, "Anadyr", "Egvekinot", TREKOL, depart=DEPART)
    field = scenario_from_dict(storm_over(-179.3, 65.5, 2, 40), start=DEPART)  # over Uelkal
    stormy = plan(chukotka, "Anadyr", "Egvekinot", TREKOL, depart=DEPART, weather=field)
    assert stormy.feasible
    assert stormy.arrive > calm.arrive
    assert stormy.waits
    assert all(w.shelter for w in stormy.waits)
    assert any("wind 30 m/s" in w.reason for w in stormy.waits)
    assert_no_leg_inside_a_closure(stormy, chukotka, field)


def test_builtin_purga_delays_the_start_at_anadyr(chukotka: nx.MultiDiGraph) -> None:
    it = plan(chukotka, "Anadyr", "Egvekinot", TREKOL, depart=DEPART, weather="purga-anadyr")
    assert it.feasible
    first = it.waits[0]
    assert first.at == "Anadyr"
    assert first.start == DEPART
    assert "wind 28 m/s" in first.reason
    assert_no_leg_inside_a_closure(it, chukotka, weather_from_spec("purga-anadyr", start=DEPART))


def trekol_to_egvekinot(
    network: nx.MultiDiGraph, depart: dt.datetime, weather: str | None, deadline: Any = None
) -> ar.Itinerary:
    return plan(
        network, "Anadyr", "Egvekinot", TREKOL, depart=depart, weather=weather, deadline=deadline
    )


def test_a_purga_before_a_deadline_says_when_waiting_it_out_arrives(
    chukotka: nx.MultiDiGraph,
) -> None:
    # Waiting out the purga gets through (as without a deadline), but too late: the reason
    # must say so, not that nothing gets through.
    depart = localize("2027-02-01T08:00")
    waited = trekol_to_egvekinot(chukotka, depart, "purga-anadyr")
    assert waited.feasible
    it = trekol_to_egvekinot(chukotka, depart, "purga-anadyr", "2027-02-01T20:00")
    assert not it.feasible
    assert it.binding == "weather"
    assert "wind 28 m/s" in it.reason
    assert f"arrives {waited.arrive:%Y-%m-%d %H:%M} at the earliest" in it.reason
    assert "past the deadline 2027-02-01 20:00" in it.reason
    assert "holds it 60 h at Anadyr until 2027-02-03 20:00" in it.reason
    assert "no other way" not in it.reason


def test_weather_that_slows_past_a_deadline_says_so_and_names_the_rests(
    chukotka: nx.MultiDiGraph,
) -> None:
    # A stochastic winter with no closure on the way: slower driving forces a crew rest
    # that the calm trip did not need, and the deadline falls in it.
    depart = localize("2027-01-15T08:00")
    slow = trekol_to_egvekinot(chukotka, depart, "climatology:3")
    calm = trekol_to_egvekinot(chukotka, depart, None)
    assert slow.feasible
    assert calm.feasible
    assert slow.driving_h > calm.driving_h
    rests = [w for w in slow.waits if w.reason.startswith("crew rest")]
    assert rests
    deadline = calm.arrive + dt.timedelta(hours=1)
    assert deadline < slow.arrive
    it = trekol_to_egvekinot(chukotka, depart, "climatology:3", deadline)
    assert not it.feasible
    assert it.binding == "weather"
    assert f"arrives {slow.arrive:%Y-%m-%d %H:%M} at the earliest" in it.reason
    assert (
        f"the weather slows the driving from {calm.driving_h:.1f} h to {slow.driving_h:.1f} h"
        in it.reason
    )
    assert "the crew rests 12 h (12 h driving per day)" in it.reason
    assert "()" not in it.reason


def test_a_deadline_too_early_names_it_and_the_earliest_arrival(
    chukotka: nx.MultiDiGraph,
) -> None:
    best = plan(chukotka, "Anadyr", "Egvekinot", TREKOL, depart=DEPART)
    it = plan(chukotka, "Anadyr", "Egvekinot", TREKOL, depart=DEPART, deadline="2027-03-10T12:00")
    assert not it.feasible
    assert it.binding == "deadline"
    assert it.reason == (
        f"no route arrives by 2027-03-10 12:00: the earliest arrival is "
        f"{best.arrive:%Y-%m-%d %H:%M}"
    )


def test_range_and_weather_binding_together_name_both(chukotka: nx.MultiDiGraph) -> None:
    # -35 C: wind chill at riding speed closes the open-cab Buran's way for good, and in
    # calm weather its range is short anyway; neither alone explains it.
    bitter = {
        "name": "bitter",
        "base": {"wind_ms": 3, "temperature_c": -35, "visibility_km": 20, "snow_depth_cm": 40},
        "events": [],
    }
    field = scenario_from_dict(bitter, start=DEPART)
    it = plan(chukotka, "Anadyr", "Egvekinot", BURAN, depart=DEPART, weather=field)
    calm = plan(chukotka, "Anadyr", "Egvekinot", BURAN, depart=DEPART)
    assert not it.feasible
    assert not calm.feasible
    assert calm.binding == "range"
    assert "wind chill" in it.reason
    assert "closes Anadyr-Uelkal" in it.reason
    assert it.reason.endswith(f"; in calm weather, {calm.reason}")


def test_daylight_only_waits_for_dawn_and_says_when_days_are_too_short(
    chukotka: nx.MultiDiGraph,
) -> None:
    # 10 March: the 6.4 h stretch fits in a day, so a night start waits for daylight.
    night = localize("2027-03-10T02:00")
    anytime = trekol_to_egvekinot(chukotka, night, None)
    daylight = plan(chukotka, "Anadyr", "Egvekinot", TREKOL, depart=night, daylight_only=True)
    assert daylight.feasible
    assert daylight.arrive > anytime.arrive
    assert daylight.waits[0].at == "Anadyr"
    assert "darkness" in daylight.waits[0].reason
    # 20 December: no daylight spell of the fortnight is long enough for that stretch.
    it = plan(
        chukotka,
        "Anadyr",
        "Egvekinot",
        TREKOL,
        depart=localize("2026-12-20T08:00"),
        daylight_only=True,
    )
    assert not it.feasible
    assert it.binding == "weather"
    assert "darkness" in it.reason
    assert "closes Anadyr-Uelkal" in it.reason
    assert "at a time in the forecast and the drive takes at least 6.4 h" in it.reason


def test_adding_a_storm_never_makes_arrival_earlier(chukotka: nx.MultiDiGraph) -> None:
    base = plan(chukotka, "Lavrentiya", "Uelen", BURAN, depart=DEPART)
    for start_h, end_h in ((0, 3), (1, 10), (5, 6)):
        field = scenario_from_dict(storm_over(-170.5, 65.9, start_h, end_h), start=DEPART)
        it = plan(chukotka, "Lavrentiya", "Uelen", BURAN, depart=DEPART, weather=field)
        assert it.feasible
        assert it.arrive >= base.arrive


def test_a_storm_to_the_end_of_the_forecast_explains_itself(chukotka: nx.MultiDiGraph) -> None:
    field = scenario_from_dict(storm_over(-170.5, 65.9, 0, 24 * 30, radius_km=80), start=DEPART)
    it = plan(chukotka, "Lavrentiya", "Uelen", BURAN, depart=DEPART, weather=field)
    assert not it.feasible
    assert it.binding == "weather"
    assert "wind 30 m/s" in it.reason


def test_netcdf_file_gives_the_same_plan_as_the_equivalent_scenario(
    chukotka: nx.MultiDiGraph, tmp_path: Path
) -> None:
    xr = pytest.importorskip("xarray")
    # A region-wide storm for hours 0-30, then calm: hourly ERA5-style data (lon 0..360,
    # t2m in K, u10/v10), with the change made sharp at hour 30.
    hours = [*range(0, 31), 30 + 1 / 3600, *range(31, 24 * 14 + 1)]
    times = np.array(
        [
            np.datetime64(DEPART.astimezone(dt.UTC).replace(tzinfo=None), "s")
            + np.timedelta64(round(h * 3600), "s")
            for h in hours
        ]
    )
    lon = np.arange(150.0, 200.5, 1.0)
    lat = np.arange(60.0, 72.5, 1.0)
    storm = np.array([h <= 30 for h in hours])
    shape = (len(times), len(lat), len(lon))
    u10 = np.where(storm[:, None, None], 30.0, 5.0) * np.ones(shape)
    ds = xr.Dataset(
        {
            "u10": (("time", "latitude", "longitude"), u10, {"units": "m s**-1"}),
            "v10": (("time", "latitude", "longitude"), np.zeros(shape), {"units": "m s**-1"}),
            "t2m": (("time", "latitude", "longitude"), np.full(shape, 253.15), {"units": "K"}),
        },
        coords={"time": times, "latitude": lat, "longitude": lon},
    )
    path = tmp_path / "era5.nc"
    ds.to_netcdf(path)
    gridded = plan(chukotka, "Lavrentiya", "Uelen", BURAN, depart=DEPART, weather=str(path))
    equivalent = scenario_from_dict(
        {
            "base": {"wind_ms": 5, "temperature_c": -20},
            "events": [
                {
                    "type": "storm",
                    "start": "PT0H",
                    "end": "PT30H",
                    "center": [180.0, 66.0],
                    "radius_km": 3000,
                    "wind_ms": 30,
                }
            ],
        },
        start=DEPART,
    )
    scripted = plan(chukotka, "Lavrentiya", "Uelen", BURAN, depart=DEPART, weather=equivalent)
    assert gridded.feasible
    assert gridded.arrive == scripted.arrive
    assert gridded.route == scripted.route
    assert gridded.waits[0].until == scripted.waits[0].until


def test_weather_file_that_does_not_cover_the_departure_is_refused(
    chukotka: nx.MultiDiGraph,
) -> None:
    late = scenario_from_dict({"events": []}, start=DEPART)
    with pytest.raises(ar.ArcticRouteError, match="unknown weather"):
        plan(chukotka, "Lavrentiya", "Uelen", BURAN, depart=DEPART, weather="purga-anadir")
    assert late.name


def test_ensemble_reports_the_arrival_distribution(chukotka: nx.MultiDiGraph) -> None:
    result = ensemble(chukotka, "Lavrentiya", "Uelen", BURAN, depart=DEPART, members=50, seed=3)
    summary = result.summary()
    assert summary["members"] == 50
    assert 0.0 <= summary["share_no_route"] <= 1.0
    if summary["share_no_route"] < 1:
        assert summary["median_duration_h"] <= summary["p90_duration_h"]
        assert summary["median_duration_h"] >= 103 / 35 - 0.01
    again = ensemble(chukotka, "Lavrentiya", "Uelen", BURAN, depart=DEPART, members=5, seed=3)
    assert [it.arrive for it in again.itineraries] == [it.arrive for it in result.itineraries[:5]]


def test_ensemble_says_why_members_have_no_route(chukotka: nx.MultiDiGraph) -> None:
    # A deadline a day after departure in January: some members' weather breaks it.
    result = ensemble(
        chukotka,
        "Anadyr",
        "Egvekinot",
        TREKOL,
        depart="2027-01-15T08:00",
        members=20,
        seed=1,
        deadline="2027-01-16T08:00",
    )
    failed = [it for it in result.itineraries if not it.feasible]
    assert failed
    by = result.summary()["no_route_by"]
    assert sum(by.values()) == len(failed)
    assert by == {b: sum(it.binding == b for it in failed) for b in by}
    assert list(by.values()) == sorted(by.values(), reverse=True)
    text = ", ".join(f"{b} {n}" for b, n in by.items())
    assert str(result).endswith(f"of members ({text})")
