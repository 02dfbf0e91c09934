"""Weather fields and the per-(cell, step) table the solver consumes."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr

import arcticroute as ar
from arcticroute import physics
from arcticroute import weather as wx
from arcticroute.weather import Closure, WeatherError

START = dt.datetime(2025, 2, 10, 0, tzinfo=dt.UTC)
CHUKOTKA = dt.timezone(dt.timedelta(hours=12))
ANADYR = (177.5167, 64.7333)
BILIBINO = (166.45, 68.05)


def sample(
    field: wx.WeatherField,
    lon: Any,
    lat: Any,
    *,
    vehicle: str | ar.Vehicle = "buran",
    cell: Any = None,
    n_cells: int | None = None,
    ice: Any = None,
    n_steps: int = 24,
    start: dt.datetime = START,
    **kwargs: Any,
) -> wx.WeatherSample:
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    cell = np.arange(lon.size) if cell is None else np.asarray(cell)
    n_cells = int(cell.max()) + 1 if n_cells is None else n_cells
    ice = np.zeros(n_cells, dtype=bool) if ice is None else np.asarray(ice, dtype=bool)
    return wx.build_weather_table(
        field,
        ar.get_vehicle(vehicle) if isinstance(vehicle, str) else vehicle,
        sample_lon=lon,
        sample_lat=lat,
        sample_cell=cell,
        n_cells=n_cells,
        cell_is_ice=ice,
        start=start,
        n_steps=n_steps,
        **kwargs,
    )


def storm(**overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "storm",
        "start": "2025-02-10T05:00Z",
        "end": "2025-02-10T10:00Z",
        "center": list(ANADYR),
        "radius_km": 100,
        "wind_ms": 30,
        "visibility_km": 0.1,
    }
    event.update(overrides)
    return event


def closed_steps(s: wx.WeatherSample, cell: int) -> list[int]:
    return np.flatnonzero(~s.table.open[cell]).tolist()


# ---------------------------------------------------------------------------------------------
# calm


@pytest.mark.parametrize("vehicle", ["buran", "viking", "trekol", "gaz34039", "mtlb", "truck6x6"])
def test_calm_is_exactly_neutral(vehicle: str) -> None:
    lon = [177.5, -179.5, 166.45, -170.0]
    lat = [64.7, 65.0, 68.05, 66.2]
    s = sample(wx.calm(), lon, lat, vehicle=vehicle, ice=[True, False, True, False], n_steps=48)
    assert s.table.open.all()
    assert np.all(s.closed_by == 0)
    for factor in (s.table.speed_factor, s.table.fuel_factor, s.table.risk_factor):
        assert np.all(factor == 1.0)
    assert s.table.t0_h == 0.0
    assert s.table.open.shape == (4, 48)


@pytest.mark.parametrize("spec", [None, "calm", "CALM"])
def test_calm_spec(spec: str | None) -> None:
    field = wx.weather_from_spec(spec, start=START)
    assert field.name == "calm"
    assert field.covers(START, START + dt.timedelta(days=400))


def test_ordinary_constant_weather_is_neutral_for_closed_cabs() -> None:
    # Light wind, -25 °C, good visibility, no fresh snow: factors exactly 1 (physics.ORDINARY).
    field = wx.constant(wind_ms=4, temperature_c=-25, visibility_km=10, fresh_snow_cm=5)
    s = sample(field, ANADYR[0], ANADYR[1], vehicle="gaz34039")
    assert s.table.open.all()
    assert np.all(s.table.speed_factor == 1.0)
    assert np.all(s.table.fuel_factor == 1.0)
    assert np.all(s.table.risk_factor == 1.0)


def test_cold_raises_fuel_factor_and_closes_below_limit() -> None:
    cold = wx.constant(temperature_c=-38, wind_ms=0)
    s = sample(cold, *ANADYR, vehicle="gaz34039")
    assert s.table.open.all()
    assert s.table.fuel_factor[0, 0] == pytest.approx(1.36)  # 1.3 at -35, 1.5 at -45
    colder = sample(wx.constant(temperature_c=-47), *ANADYR, vehicle="trekol")
    assert not colder.table.open.any()
    assert set(np.unique(colder.closed_by)) == {int(Closure.COLD)}
    assert "air -47 °C < limit -45 °C" in colder.describe(0, 0)


def test_open_cab_closed_by_wind_chill_at_riding_speed() -> None:
    # -35 °C in calm air: fine in a cab, but a sled rider at 35 km/h feels about -53 °C.
    field = wx.constant(temperature_c=-35, wind_ms=0)
    sled = sample(field, *ANADYR, vehicle="buran")
    assert not sled.table.open.any()
    assert set(np.unique(sled.closed_by)) == {int(Closure.WIND_CHILL)}
    assert sled.wind_chill_c[0, 0] == pytest.approx(-53.2, abs=0.1)
    assert "no-go for an open cab" in sled.describe(0, 0)
    cab = sample(field, *ANADYR, vehicle="trekol")
    assert cab.table.open.all()
    # face protection: the planner may pass a lower no-go limit
    masked = sample(field, *ANADYR, vehicle="buran", wind_chill_no_go_c=-55.0)
    assert masked.table.open.all()
    assert np.all(masked.table.risk_factor > 2.0)


def test_ice_cells_need_visibility_to_follow_the_track() -> None:
    fog = wx.constant(visibility_km=0.25)  # above the 0.1 km limit of a GAZ, below 0.3 km
    s = sample(fog, [177.5, 177.6], [64.7, 64.7], vehicle="gaz34039", ice=[True, False])
    assert not s.table.open[0].any()
    assert set(np.unique(s.closed_by[0])) == {int(Closure.ICE_VISIBILITY)}
    assert s.table.open[1].all()
    assert "marked track" in s.describe(0, 0)


# ---------------------------------------------------------------------------------------------
# scenario storms


def test_storm_closes_only_in_its_window_and_radius() -> None:
    field = wx.scenario_from_dict({"events": [storm()]})
    # centre, 80 km east, 150 km east (at 64.7°N one degree of longitude is ~47.6 km)
    lon = [ANADYR[0], ANADYR[0] + 80 / 47.6, ANADYR[0] + 150 / 47.6]
    s = sample(field, lon, [ANADYR[1]] * 3)
    assert closed_steps(s, 0) == [5, 6, 7, 8, 9]
    assert closed_steps(s, 1) == [5, 6, 7, 8, 9]
    assert closed_steps(s, 2) == []
    assert s.describe(0, 5) == "storm: wind 30 m/s > limit 15 m/s; visibility 0.1 km < limit 0.2 km"
    assert s.describe(0, 4) == "open"
    assert s.closed_by[0, 5] == Closure.WIND | Closure.VISIBILITY


def test_storm_window_that_starts_mid_step_closes_that_step() -> None:
    field = wx.scenario_from_dict(
        {"events": [storm(start="2025-02-10T05:30Z", end="2025-02-10T07:10Z")]}
    )
    s = sample(field, *ANADYR)
    assert closed_steps(s, 0) == [5, 6, 7]


@pytest.mark.parametrize(("centre_lon", "cell_lon"), [(179.5, -179.5), (-179.5, 179.5)])
def test_storm_across_the_antimeridian(centre_lon: float, cell_lon: float) -> None:
    field = wx.scenario_from_dict({"events": [storm(center=[centre_lon, 65.0])]})
    s = sample(field, [cell_lon, centre_lon - 10.0], [65.0, 65.0])
    assert closed_steps(s, 0) == [5, 6, 7, 8, 9]
    assert closed_steps(s, 1) == []


def test_moving_storm_centre_follows_its_track() -> None:
    track = [[178.0, 64.0, "2025-02-10T00:00Z"], [-178.0, 66.0, "2025-02-10T20:00Z"]]
    field = wx.scenario_from_dict(
        {"events": [storm(start="2025-02-10T00:00Z", end="2025-02-11T00:00Z", track=track)]}
    )
    event = field.events[0]
    assert event.centre_at(START) == pytest.approx((178.0, 64.0))
    mid = event.centre_at(START + dt.timedelta(hours=10))
    assert abs(mid[0]) == pytest.approx(180.0)  # across the antimeridian, not via Greenwich
    assert mid[1] == pytest.approx(65.0)
    assert event.centre_at(START + dt.timedelta(hours=22)) == pytest.approx((-178.0, 66.0))
    # a cell at the start of the track is hit early, one at the end late
    s = sample(field, [178.0, -178.0], [64.0, 66.0])
    early, late = closed_steps(s, 0), closed_steps(s, 1)
    assert early[0] == 0
    assert max(early) <= 7  # the 100 km disc moves off at ~15 km/h
    assert min(late) >= 12
    assert max(late) == 23


def test_cell_takes_the_worst_of_its_points() -> None:
    field = wx.scenario_from_dict({"events": [storm()]})
    # cell 0: one point in the storm, one far away; cell 1: only the far point
    s = sample(field, [ANADYR[0], 170.0, 170.0], [ANADYR[1], 64.0, 64.0], cell=[0, 0, 1])
    assert closed_steps(s, 0) == [5, 6, 7, 8, 9]
    assert closed_steps(s, 1) == []
    assert s.table.speed_factor[0, 5] < 1.0
    assert s.table.speed_factor[1, 5] == 1.0
    assert s.wind_ms[0, 5] == 30.0


def test_empty_cells_stay_open() -> None:
    s = sample(wx.scenario_from_dict({"events": [storm()]}), *ANADYR, cell=[1], n_cells=3)
    assert s.table.open[[0, 2]].all()
    assert s.empty_cells.tolist() == [0, 2]
    assert np.isnan(s.wind_ms[0]).all()


def test_overlapping_events_worst_wins() -> None:
    cold = {
        "type": "cold",
        "start": "2025-02-10T00:00Z",
        "end": "2025-02-11T00:00Z",
        "center": list(ANADYR),
        "radius_km": 300,
        "temperature_c": -48,
    }
    field = wx.scenario_from_dict({"events": [storm(temperature_c=-20), cold]})
    c = field.conditions([ANADYR[0]], [ANADYR[1]], START + dt.timedelta(hours=6))
    assert c.wind_ms[0] == 30.0
    assert c.temperature_c[0] == -48.0
    assert bool(c.blowing_snow[0])
    outside = field.conditions([ANADYR[0]], [ANADYR[1]], START + dt.timedelta(hours=12))
    assert outside.wind_ms[0] == 0.0
    assert outside.temperature_c[0] == -48.0


def test_fast_cell_reduction_matches_point_by_point(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    n = 600
    lon = wx.normalize_lon(175.0 + rng.uniform(0, 12, n))
    lat = rng.uniform(62.5, 67.5, n)
    cell = (np.floor((lat - 62.5) / 1.25) * 4 + np.floor(rng.uniform(0, 4, n))).astype(int)
    track = [[176.0, 63.0, "PT2H"], [-176.0, 66.0, "PT30H"]]
    events = [
        storm(start="PT1H", end="PT30H", track=track, radius_km=180),
        storm(start="PT10H", end="PT20H", center=[179.0, 65.0], radius_km=120, wind_ms=18),
    ]
    field = wx.scenario_from_dict(
        {"base": {"temperature_c": -31, "wind_ms": 7}, "events": events}, start=START
    )
    kwargs = {"cell": cell, "n_cells": 20, "ice": np.arange(20) % 3 == 0, "n_steps": 36}
    fast = sample(field, lon, lat, **kwargs, daylight_only=True)
    monkeypatch.setattr(wx.ScenarioField, "_cell_states", lambda *args: None)
    slow = sample(field, lon, lat, **kwargs, daylight_only=True)
    np.testing.assert_array_equal(fast.closed_by, slow.closed_by)
    for a, b in [
        (fast.table.speed_factor, slow.table.speed_factor),
        (fast.table.fuel_factor, slow.table.fuel_factor),
        (fast.table.risk_factor, slow.table.risk_factor),
        (fast.wind_chill_c, slow.wind_chill_c),
        (fast.visibility_km, slow.visibility_km),
    ]:
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    assert 0 < (fast.closed_by & Closure.WIND).astype(bool).sum() < fast.closed_by.size


# ---------------------------------------------------------------------------------------------
# scenario files and built-ins


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"radius_km": None}, "missing key 'radius_km'"),
        ({"wind_ms": None}, "missing key 'wind_ms'"),
        ({"center": None}, "missing key 'center'"),
        ({"start": "yesterday"}, "start 'yesterday' is not an ISO-8601 time"),
        ({"start": "2025-02-10T05:00"}, "has no UTC offset"),
        ({"end": "2025-02-10T01:00Z"}, "end 2025-02-10T01:00Z must be after start"),
        ({"radius_km": -5}, "radius_km -5 must be a positive number of kilometres"),
        ({"radius_km": 0}, "radius_km 0 must be a positive"),
        ({"wind_ms": -3}, "wind_ms -3 must be m/s"),
        ({"visibility_km": 0}, "visibility_km 0 must be km"),
        ({"type": "tornado"}, "type 'tornado' must be one of storm, cold"),
        ({"radius": 5}, "unknown key 'radius'; did you mean 'radius_km'?"),
        ({"center": [200, 95]}, "must be [lon, lat]"),
        ({"start": "PT3H"}, "is relative (a duration); pass start="),
        (
            {"track": [[177, 64, "2025-02-10T05:00Z"], [178, 65, "2025-02-10T04:00Z"]]},
            "track times must increase",
        ),
    ],
)
def test_scenario_validation_names_the_problem(change: dict[str, Any], message: str) -> None:
    event = storm()
    for key, value in change.items():
        if value is None:
            del event[key]
        else:
            event[key] = value
    with pytest.raises(WeatherError, match="events\\[0\\]") as err:
        wx.scenario_from_dict({"events": [event]})
    assert message in str(err.value)


def test_scenario_top_level_validation() -> None:
    with pytest.raises(WeatherError, match="unknown key 'event'"):
        wx.scenario_from_dict({"event": []})
    with pytest.raises(WeatherError, match="base: temperature_c -120 must be"):
        wx.scenario_from_dict({"base": {"temperature_c": -120}})
    with pytest.raises(WeatherError, match="events must be a list"):
        wx.scenario_from_dict({"events": {"type": "storm"}})


def test_scenario_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "purga.json"
    relative = storm(start="PT5H", end="PT10H")
    path.write_text(json.dumps({"base": {"wind_ms": 5}, "events": [relative]}), encoding="utf-8")
    field = wx.weather_from_spec(path, start=START)
    assert isinstance(field, wx.ScenarioField)
    assert field.name == "purga.json"
    assert field.events[0].start == START + dt.timedelta(hours=5)
    assert closed_steps(sample(field, *ANADYR), 0) == [5, 6, 7, 8, 9]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(WeatherError, match="not valid JSON"):
        wx.weather_from_spec(bad, start=START)
    with pytest.raises(FileNotFoundError):
        wx.weather_from_spec(tmp_path / "missing.json", start=START)


def test_builtin_purga_is_relative_to_departure() -> None:
    depart = dt.datetime(2025, 3, 1, 8, tzinfo=CHUKOTKA)
    field = wx.scenario("purga-anadyr", start=depart)
    assert field.events[0].start == depart + dt.timedelta(hours=6)
    s = sample(field, *ANADYR, n_steps=96, start=depart)
    closed = closed_steps(s, 0)
    assert closed
    assert min(closed) >= 6
    assert max(closed) < 60
    assert "storm: wind 28 m/s" in s.describe(0, closed[0])


def test_builtin_cold_snap_closes_sleds_in_the_interior_only() -> None:
    field = wx.weather_from_spec("cold-snap-interior", start=START)
    s = sample(field, [BILIBINO[0], -173.2], [BILIBINO[1], 64.4], vehicle="viking", n_steps=48)
    assert closed_steps(s, 0)[0] == 12
    assert s.closed_by[0, 20] & Closure.COLD
    truck = sample(field, *BILIBINO, vehicle="truck6x6", n_steps=48)
    assert truck.table.open.all()  # -50 °C is not below the truck's -50 °C limit
    assert truck.table.fuel_factor[0, 20] == pytest.approx(1.5)


def test_unknown_weather_names_suggest() -> None:
    with pytest.raises(WeatherError, match="did you mean 'purga-anadyr'"):
        wx.weather_from_spec("purga-anadir", start=START)
    with pytest.raises(WeatherError, match="no time zone"):
        wx.weather_from_spec("calm", start=dt.datetime(2025, 1, 1))
    with pytest.raises(WeatherError, match="pass start="):
        wx.scenario("purga-anadyr")


# ---------------------------------------------------------------------------------------------
# gridded fields


def era5_dataset(
    *,
    u: float = 6.0,
    v: float = 8.0,
    t_k: float = 253.15,
    sd_m: float | None = 0.12,
    lon: np.ndarray | None = None,
    hours: int = 30,
) -> xr.Dataset:
    """ERA5 naming: valid_time/latitude/longitude, lon 0..360, lat north to south, t2m in K."""
    lon = np.arange(170.0, 190.01, 0.5) if lon is None else lon
    lat = np.arange(70.0, 60.99, -0.5)
    times = np.datetime64("2025-02-10T00:00", "ns") + np.arange(hours) * np.timedelta64(1, "h")
    shape = (times.size, lat.size, lon.size)
    dims = ("valid_time", "latitude", "longitude")
    data = {
        "u10": (dims, np.full(shape, u), {"units": "m s**-1"}),
        "v10": (dims, np.full(shape, v), {"units": "m s**-1"}),
        "t2m": (dims, np.full(shape, t_k), {"units": "K"}),
    }
    if sd_m is not None:
        data["sd"] = (dims, np.full(shape, sd_m), {"units": "m of water equivalent"})
    return xr.Dataset(data, coords={"valid_time": times, "latitude": lat, "longitude": lon})


POINTS = ([177.5, -179.5, 179.9, 171.0, -171.0], [64.7, 65.0, 66.0, 69.0, 61.5])


@pytest.mark.parametrize(
    ("u", "v", "t_k"), [(6.0, 8.0, 253.15), (12.0, 16.0, 238.15), (3.0, 4.0, 226.15)]
)
@pytest.mark.parametrize("vehicle", ["buran", "gaz34039"])
def test_netcdf_gives_the_same_table_as_constant_weather(
    tmp_path: Path, u: float, v: float, t_k: float, vehicle: str
) -> None:
    path = tmp_path / "era5.nc"
    era5_dataset(u=u, v=v, t_k=t_k).to_netcdf(path)
    gridded = wx.weather_from_spec(path, start=START)
    assert isinstance(gridded, wx.GriddedField)
    assert any("visibility estimated from wind" in n for n in gridded.notes)
    wind = float(np.hypot(u, v))
    same = wx.constant(
        wind_ms=wind,
        temperature_c=t_k - 273.15,
        visibility_km=float(physics.blowing_snow_visibility_km(wind)),
        snow_depth_cm=0.12 * 1000 / 300 * 100,
    )
    ice = [True, False, True, False, False]
    a = sample(gridded, *POINTS, vehicle=vehicle, ice=ice)
    b = sample(same, *POINTS, vehicle=vehicle, ice=ice)
    np.testing.assert_array_equal(a.closed_by, b.closed_by)
    np.testing.assert_allclose(a.table.speed_factor, b.table.speed_factor, rtol=1e-9)
    np.testing.assert_allclose(a.table.fuel_factor, b.table.fuel_factor, rtol=1e-9)
    np.testing.assert_allclose(a.table.risk_factor, b.table.risk_factor, rtol=1e-9)
    c = gridded.conditions(*POINTS, START + dt.timedelta(hours=3))
    np.testing.assert_allclose(c.wind_ms, wind)
    np.testing.assert_allclose(c.temperature_c, t_k - 273.15)
    np.testing.assert_allclose(c.snow_depth_cm, 40.0)


def test_longitudes_in_either_convention_agree(tmp_path: Path) -> None:
    ds = era5_dataset(hours=6)
    rng = np.random.default_rng(2)
    ds["t2m"] = ds["t2m"] + rng.normal(0, 5, ds["t2m"].shape)
    ds["u10"] = ds["u10"] + rng.normal(0, 3, ds["u10"].shape)
    signed = ds.assign_coords(longitude=((ds.longitude + 180) % 360) - 180)  # 170..180, -180..-170
    a = wx.gridded_from_dataset(ds, name="0..360")
    b = wx.gridded_from_dataset(signed, name="-180..180")
    when = START + dt.timedelta(hours=2, minutes=30)
    ca = a.conditions(*POINTS, when)
    cb = b.conditions(*POINTS, when)
    np.testing.assert_allclose(ca.wind_ms, cb.wind_ms)
    np.testing.assert_allclose(ca.temperature_c, cb.temperature_c)
    # a point just across the antimeridian is interpolated between 180.0 and 180.5 (= -179.5)
    for grid in (a, b):
        across = grid.conditions([-179.75], [65.2], when).temperature_c[0]
        t = ds["t2m"].interp(
            valid_time=np.datetime64("2025-02-10T02:30"), latitude=65.2, longitude=180.25
        )
        assert across == pytest.approx(float(t) - 273.15)


def test_gridded_storm_closes_the_steps_it_covers(tmp_path: Path) -> None:
    ds = era5_dataset(u=3.0, v=4.0, hours=24)
    ds["u10"][10:15] = 24.0
    ds["v10"][10:15] = 18.0  # 30 m/s for records 10..14
    path = tmp_path / "storm.nc"
    ds.to_netcdf(path)
    field = wx.open_gridded(path)
    s = sample(field, *ANADYR, n_steps=23)
    # step k is sampled at its midpoint k + 0.5 h: 9.5 h is half-way into the storm ramp
    assert closed_steps(s, 0) == [9, 10, 11, 12, 13, 14]
    assert field.covers(START, START + dt.timedelta(hours=23))
    assert not field.covers(START, START + dt.timedelta(hours=30))
    with pytest.raises(WeatherError, match="covers 2025-02-10T00:00Z to 2025-02-10T23:00Z"):
        sample(field, *ANADYR, n_steps=30)


def test_gridded_snow_water_equivalent_gives_depth_and_fresh_snow() -> None:
    ds = era5_dataset(u=0.0, v=0.0, sd_m=0.1, hours=48)
    ds["sd"][24:] = 0.16  # 6 cm of water = 20 cm of snow at 300 kg/m3 after a day
    field = wx.gridded_from_dataset(ds, name="snow")
    late = field.conditions(*ANADYR, START + dt.timedelta(hours=30))
    assert late.snow_depth_cm[0] == pytest.approx(53.33, abs=0.01)
    assert late.fresh_snow_cm[0] == pytest.approx(20.0)
    early = field.conditions(*ANADYR, START + dt.timedelta(hours=12))
    assert early.fresh_snow_cm[0] == 0.0
    s = sample(field, *ANADYR, n_steps=47)
    assert s.table.fuel_factor[0, 30] == pytest.approx(1.15)
    assert s.table.fuel_factor[0, 12] == 1.0


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda ds: ds.drop_vars("t2m"), "missing 2 m temperature (t2m)"),
        (lambda ds: ds.drop_vars(["u10", "v10"]), "missing 10 m wind"),
        (
            lambda ds: ds.assign(t2m=ds.t2m.assign_attrs(units="furlongs")),
            "has units 'furlongs'; expected K, degC or degF",
        ),
        (
            lambda ds: ds.assign(t2m=ds.t2m.assign_attrs(units="degC")),
            "the units attribute is wrong",
        ),
        (lambda ds: ds.assign(u10=ds.u10.assign_attrs(units=None)), "has no units attribute"),
        (lambda ds: ds.assign(t2m=ds.t2m.where(ds.latitude < 69)), "missing (NaN) values"),
        (lambda ds: ds.expand_dims(number=3), "select one ensemble member"),
    ],
)
def test_gridded_errors_are_clear(edit: Any, message: str) -> None:
    ds = era5_dataset(hours=4)
    if message == "has no units attribute":
        ds["u10"].attrs.pop("units")
    else:
        ds = edit(ds)
    with pytest.raises(WeatherError) as err:
        wx.gridded_from_dataset(ds, name="bad")
    assert message in str(err.value)


def test_points_outside_the_grid_are_an_error() -> None:
    field = wx.gridded_from_dataset(era5_dataset(hours=4), name="small")
    with pytest.raises(WeatherError, match="1 sample point\\(s\\) lie outside weather 'small'"):
        sample(field, [177.5, 150.0], [64.7, 64.7], n_steps=3)


def test_gridded_kernel_matches_numpy_path(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(11)
    ds = era5_dataset(hours=13)
    shape = ds["t2m"].shape
    ds["u10"] = ds["u10"].copy(data=rng.uniform(-22, 22, shape))
    ds["v10"] = ds["v10"].copy(data=rng.uniform(-22, 22, shape))
    ds["t2m"] = ds["t2m"].copy(data=rng.uniform(225, 265, shape))
    ds["vis"] = ds["t2m"].copy(data=rng.uniform(0, 3000, shape)).assign_attrs(units="m")
    ds["sd"] = ds["sd"].copy(data=rng.uniform(0.05, 0.2, shape))
    field = wx.gridded_from_dataset(ds, name="random")
    n = 800
    lon = wx.normalize_lon(rng.uniform(171, 189, n))
    lat = rng.uniform(61.5, 69.5, n)
    cell = rng.integers(0, 40, n)
    for vehicle in ("buran", "mtlb"):
        kwargs = {"vehicle": vehicle, "cell": cell, "n_cells": 41, "ice": np.arange(41) % 2 == 0}
        for step_h, n_steps in ((1.0, 12), (3.0, 4), (0.5, 20)):
            fast = sample(field, lon, lat, **kwargs, step_h=step_h, n_steps=n_steps)
            with monkeypatch.context() as m:
                m.setattr(wx, "_USE_KERNEL", False)
                slow = sample(field, lon, lat, **kwargs, step_h=step_h, n_steps=n_steps)
            np.testing.assert_array_equal(fast.closed_by, slow.closed_by)
            np.testing.assert_array_equal(fast.empty_cells, [40])
            for a, b in [
                (fast.table.speed_factor, slow.table.speed_factor),
                (fast.table.fuel_factor, slow.table.fuel_factor),
                (fast.table.risk_factor, slow.table.risk_factor),
                (fast.wind_ms, slow.wind_ms),
                (fast.temperature_c, slow.temperature_c),
                (fast.visibility_km, slow.visibility_km),
                (fast.wind_chill_c, slow.wind_chill_c),
            ]:
                np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-5, equal_nan=True)
            assert (fast.closed_by != 0).any()
            assert fast.table.open.any()


# ---------------------------------------------------------------------------------------------
# stochastic climatology


def test_members_are_reproducible_and_differ_between_seeds() -> None:
    clim = wx.Climatology(start=START, days=20)
    a = clim.members(3, seed=42)
    b = clim.members(5, seed=42)
    c = clim.members(3, seed=43)
    for x, y in zip(a, b[:3], strict=True):
        np.testing.assert_array_equal(x.wind_ms, y.wind_ms)
        np.testing.assert_array_equal(x.temperature_c, y.temperature_c)
        assert x.purgas == y.purgas
    assert not np.array_equal(a[0].temperature_c, c[0].temperature_c)
    assert not np.array_equal(a[0].temperature_c, a[1].temperature_c)
    assert a[0].name == "climatology member 0 (seed 42)"
    assert a[0].covers(START, START + dt.timedelta(days=20))
    assert not a[0].covers(START, START + dt.timedelta(days=21))


def test_purga_frequency_and_duration_match_the_configured_rates() -> None:
    clim = wx.Climatology(start=START, days=60)
    members = clim.members(60, seed=7)
    zones = np.array([s.zone for s in clim.stations])
    for zone, climate in wx.DEFAULT_ZONES.items():
        rows = zones == zone
        onsets = sum(int(m.purga_onsets[rows].sum()) for m in members)
        at_risk = sum(int(m.days_at_risk[rows].sum()) for m in members)
        assert onsets / at_risk == pytest.approx(climate.purga_start_per_day, abs=0.01)
        names = {s.name for s in clim.stations if s.zone == zone}
        days = [
            (p.end - p.start).total_seconds() / 86400
            for m in members
            for p in m.purgas
            if p.station in names
        ]
        assert np.mean(days) == pytest.approx(climate.purga_mean_days, abs=0.15)
        assert min(days) >= 0.5
        assert max(days) <= 5.0


def test_purgas_close_the_cells_of_their_station() -> None:
    member = wx.Climatology(start=START, days=30).members(1, seed=3)[0]
    purga = member.purgas[0]
    station = next(s for s in member.stations if s.name == purga.station)
    during = member.conditions([station.lon], [station.lat], purga.start + dt.timedelta(hours=1))
    assert during.wind_ms[0] >= 15.0
    assert during.visibility_km[0] <= 0.4
    s = sample(member, station.lon, station.lat, vehicle="buran", n_steps=30 * 24)
    hour = int((purga.start - START).total_seconds() // 3600) + 1
    assert s.closed_by[0, hour] & Closure.WIND
    assert "m/s > limit 15 m/s" in s.describe(0, hour)


def test_stochastic_cell_reduction_matches_point_by_point(monkeypatch: pytest.MonkeyPatch) -> None:
    member = wx.Climatology(start=START, days=5).members(1, seed=9)[0]
    rng = np.random.default_rng(4)
    lon = wx.normalize_lon(rng.uniform(160, 195, 300))
    lat = rng.uniform(62, 70, 300)
    cell = rng.integers(0, 12, 300)
    fast = sample(member, lon, lat, cell=cell, n_steps=100, step_h=1.2)
    monkeypatch.setattr(wx.StochasticField, "_cell_states", lambda *args: None)
    slow = sample(member, lon, lat, cell=cell, n_steps=100, step_h=1.2)
    np.testing.assert_array_equal(fast.closed_by, slow.closed_by)
    np.testing.assert_allclose(fast.table.risk_factor, slow.table.risk_factor, atol=1e-12)
    np.testing.assert_allclose(fast.table.speed_factor, slow.table.speed_factor, atol=1e-12)


def test_climatology_spec() -> None:
    field = wx.weather_from_spec("climatology:7", start=START)
    assert field.name == "climatology member 0 (seed 7)"
    with pytest.raises(WeatherError, match="non-negative integer"):
        wx.weather_from_spec("climatology:x", start=START)


# ---------------------------------------------------------------------------------------------
# daylight


def test_daylight_only_closes_night_steps() -> None:
    depart = dt.datetime(2025, 3, 20, 0, tzinfo=CHUKOTKA)  # local midnight at Anadyr
    s = sample(wx.calm(), *ANADYR, n_steps=24, start=depart, daylight_only=True)
    open_steps = np.flatnonzero(s.table.open[0]).tolist()
    civil = physics.sun_times(*ANADYR, dt.date(2025, 3, 20)).civil_h
    assert 12 in open_steps  # local noon
    assert 0 not in open_steps  # local midnight
    assert len(open_steps) == pytest.approx(civil, abs=2)
    assert set(np.unique(s.closed_by)) == {0, int(Closure.DARKNESS)}
    assert "darkness" in s.describe(0, 0)
    anytime = sample(wx.calm(), *ANADYR, n_steps=24, start=depart)
    assert anytime.table.open.all()


def test_polar_night_leaves_only_civil_twilight() -> None:
    depart = dt.datetime(2024, 12, 21, 0, tzinfo=CHUKOTKA)
    pevek = (170.2833, 69.7)
    s = sample(wx.calm(), *pevek, n_steps=24, start=depart, daylight_only=True)
    assert 1 <= s.table.open.sum() <= 5


def test_darkness_of_large_cells_matches_points() -> None:
    rng = np.random.default_rng(8)
    lon = wx.normalize_lon(rng.uniform(160, 200, 400))
    lat = rng.uniform(60, 72, 400)
    cell = rng.integers(0, 10, 400)
    s = sample(wx.calm(), lon, lat, cell=cell, n_steps=48, step_h=0.5, daylight_only=True)
    t = START.timestamp() + np.arange(97) * 900.0
    dark = physics.sun_below(lon, lat, t)
    per_point = dark[:, 0:-1:2] | dark[:, 1::2] | dark[:, 2::2]
    expected = np.zeros((10, 48), dtype=bool)
    for c in range(10):
        expected[c] = per_point[cell == c].any(axis=0)
    np.testing.assert_array_equal(s.closed_by == Closure.DARKNESS, expected)


# ---------------------------------------------------------------------------------------------
# API edges


def test_describe_closure_words() -> None:
    assert wx.describe_closure(0) == "open"
    assert wx.describe_closure(Closure.WIND | Closure.VISIBILITY) == "wind, visibility"
    assert wx.describe_closure(63) == (
        "wind, visibility, cold, darkness, ice visibility, wind chill"
    )


def test_bad_arguments_are_weather_errors() -> None:
    with pytest.raises(WeatherError, match="no time zone"):
        sample(wx.calm(), *ANADYR, start=dt.datetime(2025, 1, 1))
    with pytest.raises(WeatherError, match="sample_cell values must lie in"):
        sample(wx.calm(), *ANADYR, cell=[3], n_cells=2)
    with pytest.raises(WeatherError, match="cell_is_ice must have one flag per cell"):
        sample(wx.calm(), *ANADYR, ice=[True, False])
    with pytest.raises(WeatherError, match="n_steps 0 must be a positive integer"):
        sample(wx.calm(), *ANADYR, n_steps=0)


def test_import_does_not_load_xarray() -> None:
    code = (
        "import sys, arcticroute, arcticroute.weather; "
        "assert 'xarray' not in sys.modules and 'netCDF4' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
