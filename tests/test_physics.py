"""Physics against published tables: Gold, wind chill, daylight, polar night."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from arcticroute import physics as phys

UTC = dt.UTC

# ---------------------------------------------------------------------------------------------
# Gold's formula


# physics.md §1.2, "Computed from Gold's formula [C]": h_min (cm) by load and A.
@pytest.mark.parametrize(
    ("load_kg", "a", "h_cm"),
    [
        (100, 4.0, 5),
        (450, 3.5, 11),
        (800, 4.0, 14),
        (2_500, 4.0, 25),
        (2_800, 7.0, 20),
        (3_000, 10.0, 17),
        (6_000, 4.0, 39),
        (10_000, 3.5, 53),
        (12_000, 4.0, 55),
        (22_000, 4.0, 74),
        (22_000, 10.0, 47),
    ],
)
def test_gold_thickness_matches_physics_table(load_kg: float, a: float, h_cm: int) -> None:
    assert round(phys.gold_required_thickness_cm(load_kg, a)) == h_cm


def test_loaded_gaz_needs_about_40_cm_at_a4() -> None:
    # Issue and physics.md: 6.5 t at A = 4 needs ~40 cm; inverse gives the load back.
    h = phys.gold_required_thickness_cm(6_500, 4.0)
    assert h == pytest.approx(40.3, abs=0.1)
    assert phys.gold_allowable_load_kg(h, 4.0) == pytest.approx(6_500)


def test_anadyr_crossing_cross_check() -> None:
    # physics.md §1.1: 8 t opened on ~45 cm beyond the hummocks, i.e. A ~= 4.
    assert phys.gold_allowable_load_kg(45, 4.0) == pytest.approx(8_100)


def test_seasonal_ice_thickness_unchanged() -> None:
    assert phys.default_ice_thickness_cm("river_ice", dt.date(2025, 8, 1)) == 0.0
    assert phys.default_ice_thickness_cm("river_ice", dt.date(2025, 3, 1)) == pytest.approx(115.0)
    assert phys.default_ice_thickness_cm("sea_ice", dt.date(2025, 3, 1)) == pytest.approx(
        0.9 * phys.default_ice_thickness_cm("river_ice", dt.date(2025, 3, 1))
    )


# ---------------------------------------------------------------------------------------------
# Ice rules


@pytest.mark.parametrize(
    ("mass_kg", "cap_kmh"),
    [(300, 40), (850, 40), (1_000, 40), (2_800, 25), (3_500, 25), (6_500, 20), (13_000, 15)],
)
def test_ice_speed_cap_falls_with_mass(mass_kg: float, cap_kmh: float) -> None:
    assert float(phys.ice_speed_cap_kmh(mass_kg)) == cap_kmh


def test_ice_speed_cap_is_vectorised() -> None:
    caps = phys.ice_speed_cap_kmh(np.array([500.0, 5_000.0, 20_000.0]))
    assert caps.tolist() == [40.0, 20.0, 15.0]


def test_ice_visibility_is_stricter_than_snowmobile_limit() -> None:
    # The marked track must be visible: 300 m (Estonian ice roads), above the 200 m sled limit.
    assert phys.ICE_MIN_VISIBILITY_KM == 0.3


# ---------------------------------------------------------------------------------------------
# Wind chill


# physics.md §2 computed table (JAG/TI 2001 metric formula); the same numbers as the
# Environment Canada wind chill chart (e.g. -30 °C at 20 km/h -> -43).
WIND_CHILL_TABLE = {
    -10: (-15, -18, -20, -21, -23, -24),
    -20: (-27, -30, -33, -34, -36, -38),
    -25: (-33, -37, -39, -41, -43, -45),
    -30: (-39, -43, -46, -48, -50, -52),
    -35: (-45, -49, -52, -54, -57, -60),
    -40: (-51, -56, -59, -61, -64, -67),
}
SPEEDS_KMH = (10, 20, 30, 40, 60, 80)


@pytest.mark.parametrize(
    ("temp_c", "wind_kmh", "expected"),
    [(t, v, row[i]) for t, row in WIND_CHILL_TABLE.items() for i, v in enumerate(SPEEDS_KMH)],
)
def test_wind_chill_matches_table(temp_c: float, wind_kmh: float, expected: float) -> None:
    assert float(phys.wind_chill_c(temp_c, wind_kmh)) == pytest.approx(expected, abs=0.5)


def test_wind_chill_table_vectorised() -> None:
    t = np.array(list(WIND_CHILL_TABLE), dtype=float)[:, None]
    v = np.array(SPEEDS_KMH, dtype=float)[None, :]
    expected = np.array(list(WIND_CHILL_TABLE.values()), dtype=float)
    assert np.all(np.abs(phys.wind_chill_c(t, v) - expected) <= 0.5)


def test_wind_chill_outside_validity_is_air_temperature() -> None:
    # The formula is defined for V >= 4.8 km/h and T <= 10 °C.
    assert float(phys.wind_chill_c(-30.0, 2.0)) == -30.0
    assert float(phys.wind_chill_c(15.0, 40.0)) == 15.0


def test_rider_feels_own_speed() -> None:
    # physics.md §2: -30 °C calm but riding at 40 km/h gives WCI ~ -48.
    wci = phys.wind_chill_c(-30.0, phys.rider_wind_kmh(0.0, 40.0))
    assert float(wci) == pytest.approx(-48, abs=0.5)
    assert float(wci) <= phys.WIND_CHILL_NO_GO_C + 0.5


def test_risk_factor_is_one_above_hazard_and_grows_below() -> None:
    chill = np.array([0.0, -30.0, -39.9, -40.0, -44.0, -48.0, -55.0, -70.0])
    risk = phys.wind_chill_risk_factor(chill)
    assert risk[:4].tolist() == [1.0, 1.0, 1.0, 1.0]
    assert risk[4] == pytest.approx(1.5)
    assert risk[5] == pytest.approx(2.0)
    assert risk[6:].tolist() == [3.0, 3.0]
    assert np.all(np.diff(risk) >= 0)


# ---------------------------------------------------------------------------------------------
# Weather factors


def test_factors_exactly_one_in_ordinary_weather() -> None:
    rng = np.random.default_rng(1)
    wind = rng.uniform(0, phys.ORDINARY.max_wind_ms, 1000)
    temp = rng.uniform(phys.ORDINARY.min_temp_c, 5, 1000)
    vis = rng.uniform(phys.ORDINARY.min_visibility_km, 50, 1000)
    snow = rng.uniform(0, phys.ORDINARY.max_fresh_snow_cm, 1000)
    assert np.all(phys.weather_speed_factor(wind, vis, snow) == 1.0)
    assert np.all(phys.weather_fuel_factor(wind, temp, snow) == 1.0)


@pytest.mark.parametrize(
    ("wind", "temp", "snow", "fuel"),
    [
        # vehicles.md: "multiply consumption by 1.3-1.5 in deep snow or below -35 °C"
        (0.0, -35.0, 0.0, 1.3),
        (0.0, -45.0, 0.0, 1.5),
        (0.0, -55.0, 0.0, 1.5),
        (0.0, -10.0, 30.0, 1.3),
        (0.0, -10.0, 60.0, 1.5),
        (20.0, -10.0, 0.0, 1.15),
    ],
)
def test_fuel_factor_thresholds(wind: float, temp: float, snow: float, fuel: float) -> None:
    assert float(phys.weather_fuel_factor(wind, temp, snow)) == pytest.approx(fuel)


def test_speed_factor_falls_in_wind_poor_visibility_and_deep_snow() -> None:
    assert float(phys.weather_speed_factor(15.0, 10.0, 0.0)) == pytest.approx(0.8)
    assert float(phys.weather_speed_factor(0.0, 0.2, 0.0)) == pytest.approx(0.6)
    assert float(phys.weather_speed_factor(0.0, 10.0, 30.0)) == pytest.approx(0.75)
    worst = float(phys.weather_speed_factor(40.0, 0.01, 100.0))
    assert 0 < worst < 0.2


@pytest.mark.parametrize(
    ("wind", "vis"),
    [(3.0, 20.0), (6.0, 20.0), (9.0, 2.0), (15.0, 0.5), (20.0, 0.1), (35.0, 0.05)],
)
def test_blowing_snow_visibility_anchors(wind: float, vis: float) -> None:
    # physics.md §3: strong blizzard >= 15 m/s with <= 500 m; purga > 20 m/s, < 100 m.
    assert float(phys.blowing_snow_visibility_km(wind)) == pytest.approx(vis)


# ---------------------------------------------------------------------------------------------
# The sun

ANADYR = (177.5167, 64.7333)
PEVEK = (170.2833, 69.7)

# physics.md §7 daylight table [C] (day = sunrise to sunset at -0.833°, civil = -6°), hours.
# The table used NOAA's low-accuracy fractional-year declination, which runs ~0.5° low near the
# March equinox, so its March days are ~0.1 h short of the full NOAA algorithm; tolerance 0.2 h.
# Places: the Chukotka longitudes of the table's towns (Anadyr 64°N, Pevek ~70°N).
DAYLIGHT_TABLE = [
    (64.0, ANADYR[0], dt.date(2024, 12, 21), 4.2, 6.8),
    (64.0, ANADYR[0], dt.date(2025, 3, 20), 12.1, 13.7),
    (70.0, PEVEK[0], dt.date(2024, 12, 21), 0.0, 4.1),
    (70.0, PEVEK[0], dt.date(2025, 3, 20), 12.2, 14.2),
]
# The other columns of the same table, checked at 0.3 h.
DAYLIGHT_OTHER = [
    (64.0, ANADYR[0], dt.date(2025, 1, 15), 5.4, 7.6),
    (64.0, ANADYR[0], dt.date(2025, 2, 15), 8.5, 10.3),
    (64.0, ANADYR[0], dt.date(2025, 4, 15), 14.9, 16.8),
    (70.0, PEVEK[0], dt.date(2025, 1, 15), 0.0, 5.6),
    (70.0, PEVEK[0], dt.date(2025, 2, 15), 7.2, 9.5),
    (70.0, PEVEK[0], dt.date(2025, 4, 15), 16.0, 18.7),
    (62.0, 0.0, dt.date(2024, 12, 21), 5.2, 7.3),
    (68.0, 0.0, dt.date(2024, 12, 21), 0.0, 5.3),
]


@pytest.mark.parametrize(("lat", "lon", "day", "day_h", "civil_h"), DAYLIGHT_TABLE)
def test_daylight_table_solstice_and_equinox(
    lat: float, lon: float, day: dt.date, day_h: float, civil_h: float
) -> None:
    assert float(phys.daylight_hours(lat, day, lon)) == pytest.approx(day_h, abs=0.2)
    civil = phys.daylight_hours(lat, day, lon, altitude_deg=phys.CIVIL_TWILIGHT_DEG)
    assert float(civil) == pytest.approx(civil_h, abs=0.2)
    times = phys.sun_times(lon, lat, day)
    assert times.day_h == pytest.approx(day_h, abs=0.2)
    assert times.civil_h == pytest.approx(civil_h, abs=0.2)


@pytest.mark.parametrize(("lat", "lon", "day", "day_h", "civil_h"), DAYLIGHT_OTHER)
def test_daylight_table_other_dates(
    lat: float, lon: float, day: dt.date, day_h: float, civil_h: float
) -> None:
    assert float(phys.daylight_hours(lat, day, lon)) == pytest.approx(day_h, abs=0.3)
    civil = phys.daylight_hours(lat, day, lon, altitude_deg=phys.CIVIL_TWILIGHT_DEG)
    assert float(civil) == pytest.approx(civil_h, abs=0.3)


@pytest.mark.parametrize(("lat", "noon_deg"), [(62, 4.6), (64, 2.6), (67, -0.4), (70, -3.4)])
def test_noon_sun_elevation_at_solstice(lat: float, noon_deg: float) -> None:
    # physics.md §7 last column.
    times = phys.sun_times(ANADYR[0], lat, dt.date(2024, 12, 21))
    assert times.noon_elevation_deg == pytest.approx(noon_deg, abs=0.2)
    at_noon = phys.solar_elevation_deg(ANADYR[0], lat, times.solar_noon)
    assert float(at_noon) == pytest.approx(times.noon_elevation_deg, abs=0.05)


def test_polar_night_at_pevek_has_civil_twilight() -> None:
    # 21 Dec at Pevek: no sunrise, but 4-5 h of civil twilight (physics.md §7).
    times = phys.sun_times(*PEVEK, dt.date(2024, 12, 21))
    assert times.polar_night
    assert times.day_h == 0.0
    assert times.sunrise is None
    assert times.sunset is None
    assert 3.5 < times.civil_h < 5.0
    assert times.civil_dawn is not None
    assert times.civil_dusk is not None
    assert times.civil_dawn < times.solar_noon < times.civil_dusk


def test_midnight_sun_in_june() -> None:
    times = phys.sun_times(*PEVEK, dt.date(2025, 6, 21))
    assert times.midnight_sun
    assert times.day_h == 24.0
    assert times.sunset is None


def test_sunrise_and_sunset_bracket_local_noon_at_anadyr() -> None:
    times = phys.sun_times(*ANADYR, dt.date(2025, 3, 20))
    assert times.sunrise is not None
    assert times.sunset is not None
    assert (times.sunset - times.sunrise).total_seconds() / 3600 == pytest.approx(times.day_h)
    # Chukotka clocks run at UTC+12: solar noon at Anadyr is about 12:10 local (physics.md §7).
    local_noon = times.solar_noon.astimezone(dt.timezone(dt.timedelta(hours=12)))
    assert abs(local_noon.hour * 60 + local_noon.minute - 12 * 60 - 10) < 15
    for when in (times.sunrise, times.sunset):
        assert float(phys.solar_elevation_deg(*ANADYR, when)) == pytest.approx(
            phys.SUNRISE_DEG, abs=0.05
        )


def test_matrix_forms_agree_with_pointwise_elevation() -> None:
    lon = np.array([177.5, -170.0, 170.3, 0.0])
    lat = np.array([64.7, 66.2, 69.7, -10.0])
    t0 = dt.datetime(2025, 2, 10, tzinfo=UTC).timestamp()
    times = t0 + np.arange(0, 48) * 3600.0
    matrix = phys.solar_elevation_matrix_deg(lon, lat, times)
    pointwise = phys.solar_elevation_deg(lon[:, None], lat[:, None], times[None, :])
    np.testing.assert_allclose(matrix, pointwise, atol=1e-9)
    below = phys.sun_below(lon, lat, times)
    np.testing.assert_array_equal(below, pointwise < phys.CIVIL_TWILIGHT_DEG)


def test_subsolar_point_has_the_sun_overhead() -> None:
    times = np.array(["2025-03-20T09:00", "2025-06-21T00:00", "2025-12-21T18:30"], "datetime64[s]")
    lon, lat = phys.subsolar_point_deg(times)
    assert float(np.max(np.abs(lat))) < 23.5
    np.testing.assert_allclose(phys.solar_elevation_deg(lon, lat, times), 90.0, atol=1e-6)


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        phys.solar_elevation_deg(0.0, 0.0, dt.datetime(2025, 1, 1))
