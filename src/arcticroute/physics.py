"""Pure physical rules: ice, wind chill, weather factors for travel, and the sun.

Every function is pure and vectorised over numpy arrays (scalars work too). Figures and their
provenance are in ``shared/data/chukotka/physics.md``; each constant below names its section
and marks it [S] sourced, [GK] general knowledge or [D] design choice, as that file does.

* Ice (§1): Gold's formula ``P = A h²``, the seasonal default thickness, speed caps on ice by
  gross mass, and the visibility needed to follow a marked ice track.
* Wind chill (§2): the 2001 JAG/TI index, the wind a rider feels, the hazard and no-go limits
  for open cabs and the risk factor derived from them.
* Weather factors (§3, vehicles.md): speed and fuel multipliers that are exactly 1 in ordinary
  conditions and change only beyond the thresholds named in `ORDINARY`.
* The sun (§7): NOAA solar position, sunrise/sunset and civil twilight, daylight hours,
  polar night included.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "CIVIL_TWILIGHT_DEG",
    "GOLD_A_KG_PER_CM2",
    "ICE_MIN_VISIBILITY_KM",
    "ORDINARY",
    "SUNRISE_DEG",
    "WIND_CHILL_HAZARD_C",
    "WIND_CHILL_NO_GO_C",
    "OrdinaryWeather",
    "SunTimes",
    "blowing_snow_visibility_km",
    "daylight_hours",
    "default_ice_thickness_cm",
    "gold_allowable_load_kg",
    "gold_required_thickness_cm",
    "ice_speed_cap_kmh",
    "rider_wind_kmh",
    "solar_declination_deg",
    "solar_elevation_deg",
    "solar_elevation_matrix_deg",
    "subsolar_point_deg",
    "sun_below",
    "sun_times",
    "weather_fuel_factor",
    "weather_speed_factor",
    "wind_chill_c",
    "wind_chill_risk_factor",
]

GOLD_A_KG_PER_CM2: dict[str, float] = {"river_ice": 4.0, "lake_ice": 4.0, "sea_ice": 3.0}
"""Gold's coefficient A by ice type, kg/cm².

A = 4 for fresh-water ice is the common conservative working value (Alberta OH&S default;
cross-checked against the Anadyr liman crossing: 8 t opened on 45 cm, A ≈ 4). First-year sea
ice is saline and weaker: about two thirds of the fresh-water value, A = 3 (physics.md §1.1).
"""

# Seasonal effective thickness of fresh-water ice in an ordinary Chukotka winter, cm, by day of
# the winter (days after 1 October). Design values [D] read from physics.md §1.2 and §8:
# freeze-up late October; ~15 cm usable by late November; ~1 m in late January (98 cm observed);
# 1-2 m by mid-February in a normal year; deterioration after ~20 April; break-up late May.
_SEASON_DAYS = np.array([0, 25, 61, 92, 123, 151, 182, 201, 226, 244], dtype=np.float64)
_SEASON_CM = np.array([0, 5, 30, 60, 95, 115, 125, 125, 60, 0], dtype=np.float64)
_SEA_ICE_SHARE = 0.9  # fast ice in bays grows a little slower than river ice under snow [D]


def gold_required_thickness_cm(load_kg: float, a_kg_per_cm2: float = 4.0) -> float:
    """Effective ice thickness needed for a moving load by Gold's formula P = A h².

    Parameters
    ----------
    load_kg
        Gross mass on the ice, kg.
    a_kg_per_cm2
        Gold's coefficient A, kg/cm² (4 for river/lake ice, 3 for sea ice).

    Returns
    -------
    float
        Thickness in centimetres, ``sqrt(P / A)``.

    Examples
    --------
    >>> round(gold_required_thickness_cm(6500, 4.0))  # a loaded GAZ-34039
    40
    """
    return math.sqrt(load_kg / a_kg_per_cm2)


def gold_allowable_load_kg(thickness_cm: float, a_kg_per_cm2: float = 4.0) -> float:
    """Allowable moving load on ice of a given effective thickness, P = A h².

    Parameters
    ----------
    thickness_cm
        Effective ice thickness, cm (white ice counted at 50 %).
    a_kg_per_cm2
        Gold's coefficient A, kg/cm².

    Returns
    -------
    float
        Load in kilograms.
    """
    return a_kg_per_cm2 * thickness_cm**2


def default_ice_thickness_cm(terrain: str, day: dt.date) -> float:
    """Seasonal default effective ice thickness for a link without a measurement.

    Parameters
    ----------
    terrain
        ``river_ice``, ``lake_ice`` or ``sea_ice``.
    day
        Calendar date (local).

    Returns
    -------
    float
        Centimetres of effective ice in an ordinary winter; 0 between break-up and freeze-up.
    """
    start_year = day.year if day.month >= 10 else day.year - 1
    days = (day - dt.date(start_year, 10, 1)).days
    thickness = float(np.interp(days, _SEASON_DAYS, _SEASON_CM, left=0.0, right=0.0))
    return thickness * (_SEA_ICE_SHARE if terrain == "sea_ice" else 1.0)


# ---------------------------------------------------------------------------------------------
# Ice: speed and visibility rules

_ICE_CAP_UPPER_KG = np.array([1_000.0, 3_500.0, 10_000.0], dtype=np.float64)
_ICE_CAP_KMH = np.array([40.0, 25.0, 20.0, 15.0], dtype=np.float64)

ICE_MIN_VISIBILITY_KM: Final = 0.3
"""Poorest visibility for travel on ice, km: below it the marked track cannot be followed.

Estonia's Transport Administration stops traffic on its sea-ice roads when visibility is
under 300 m (rules reported by jauns.lv, 2026-02-15) [S]; Russian MChS notices for ice
crossings forbid driving "in fog or purga" without a number (komikerka.ru, sgochs.rtyva.ru)
[S]. Off the ice a vehicle's own ``min_visibility_km`` applies (0.2 km for snowmobiles).
"""


def ice_speed_cap_kmh(gross_mass_kg: ArrayLike) -> NDArray[np.float64]:
    """Highest speed on floating ice for a vehicle of a given gross mass.

    Heavier loads make a deeper deflection bowl whose flexural wave resonates with the
    vehicle near the shallow-water wave speed ``sqrt(g H)`` (16 km/h over 2 m of water, 25 km/h
    over 5 m; physics.md §1.1), so caps fall with mass:

    ========================  =========  ==================================================
    gross mass                cap, km/h  source
    ========================  =========  ==================================================
    <= 1 000 kg (snowmobile)  40         [D] light load; sleds cruise 30-45 on river ice
    <= 3 500 kg (car, Trekol) 25         [S] Estonian ice roads: <= 25 km/h (jauns.lv 2026)
    <= 10 000 kg              20         [S] draft Russian winter-road standard: 20 km/h
                                         on ice crossings
    > 10 000 kg (loaded truck) 15        [S] Canadian ice roads, loaded trucks 10-25 km/h
                                         (Tibbitt-Contwoyto: 25, 10 in places); physics.md
                                         §1.1 "trucks <= 10-20 km/h" [GK]
    ========================  =========  ==================================================

    Parameters
    ----------
    gross_mass_kg
        Vehicle + crew + cargo, kg (scalar or array).

    Returns
    -------
    ndarray of float64
        Speed cap in km/h, same shape as the input (0-d for a scalar).

    Examples
    --------
    >>> float(ice_speed_cap_kmh(850)), float(ice_speed_cap_kmh(20_000))
    (40.0, 15.0)
    """
    mass = np.asarray(gross_mass_kg, dtype=np.float64)
    return _ICE_CAP_KMH[np.searchsorted(_ICE_CAP_UPPER_KG, mass, side="left")]


# ---------------------------------------------------------------------------------------------
# Wind chill and exposure

WIND_CHILL_HAZARD_C: Final = -40.0
"""Wind chill at or below which exposure is hazardous (skin freezes in 5-10 min), °C.

physics.md §2 router rule [D] on Environment Canada's frostbite bands [GK].
"""

WIND_CHILL_NO_GO_C: Final = -48.0
"""Wind chill (at riding speed) at or below which open cabs do not travel, °C.

physics.md §2 router rule [D]: "no-go for open snowmobiles when <= -48" (skin freezes in
2-5 min, Environment Canada).
"""


def wind_chill_c(temp_c: ArrayLike, wind_kmh: ArrayLike) -> NDArray[np.float64]:
    """Wind chill index, JAG/TI 2001 metric formula (Environment Canada, US NWS).

    ``WCI = 13.12 + 0.6215 T - 11.37 V^0.16 + 0.3965 T V^0.16``. The formula is defined for
    ``T <= 10 °C`` and ``V >= 4.8 km/h``; outside that range the air temperature is returned.

    Parameters
    ----------
    temp_c
        Air temperature, °C.
    wind_kmh
        Wind speed at 10 m, km/h (for a rider: `rider_wind_kmh`).

    Returns
    -------
    ndarray of float64
        Wind chill, °C-equivalent; broadcast shape of the inputs.

    Examples
    --------
    >>> round(float(wind_chill_c(-30.0, 20.0)))
    -43
    """
    t = np.asarray(temp_c, dtype=np.float64)
    v = np.asarray(wind_kmh, dtype=np.float64)
    v16 = np.power(np.maximum(v, 4.8), 0.16)
    wci = 13.12 + 0.6215 * t - 11.37 * v16 + 0.3965 * t * v16
    out: NDArray[np.float64] = np.where((v >= 4.8) & (t <= 10.0), wci, t)
    return out


def rider_wind_kmh(wind_ms: ArrayLike, riding_speed_kmh: ArrayLike) -> NDArray[np.float64]:
    """Relative wind on a rider's face, head-on (the worst case), km/h.

    physics.md §2: "for riders use relative wind, V_eff = wind + vehicle speed (head-on: add)".

    Parameters
    ----------
    wind_ms
        Wind speed at 10 m, m/s.
    riding_speed_kmh
        The vehicle's speed over the ground, km/h.

    Returns
    -------
    ndarray of float64
        Effective wind for `wind_chill_c`, km/h.
    """
    return np.asarray(wind_ms, dtype=np.float64) * 3.6 + np.asarray(
        riding_speed_kmh, dtype=np.float64
    )


_RISK_WCI = np.array([-WIND_CHILL_HAZARD_C, -WIND_CHILL_NO_GO_C, 55.0], dtype=np.float64)
_RISK_FACTOR = np.array([1.0, 2.0, 3.0], dtype=np.float64)


def wind_chill_risk_factor(wind_chill: ArrayLike) -> NDArray[np.float64]:
    """Exposure multiplier from wind chill: exactly 1 above the hazard limit.

    1 for a wind chill above ``WIND_CHILL_HAZARD_C`` (-40 °C), rising linearly to 2 at the
    no-go limit (-48 °C) and to 3 at -55 °C (skin freezes in under 2 min), constant beyond
    [D, on Environment Canada's frostbite bands, physics.md §2].

    Parameters
    ----------
    wind_chill
        Wind chill index, °C.

    Returns
    -------
    ndarray of float64
        Risk factor (dimensionless, 1 to 3).
    """
    return np.interp(-np.asarray(wind_chill, dtype=np.float64), _RISK_WCI, _RISK_FACTOR)


# ---------------------------------------------------------------------------------------------
# Weather factors for travel


@dataclass(frozen=True, slots=True)
class OrdinaryWeather:
    """Bounds of ordinary weather, inside which every factor is exactly 1.

    Attributes
    ----------
    max_wind_ms : float
        Mean wind up to which speed and fuel are unaffected, m/s. physics.md §3: "caution at
        sustained 10-15 m/s" [D].
    min_temp_c : float
        Air temperature down to which fuel burn is unaffected, °C. vehicles.md: "multiply
        consumption by 1.3-1.5 ... below -35 °C" [GK]; the ramp starts at -30 °C [D].
    min_visibility_km : float
        Visibility down to which speed is unaffected, km. physics.md §3: "caution at
        visibility < 1 km" [D].
    max_fresh_snow_cm : float
        Depth of new, unpacked snow up to which speed and fuel are unaffected, cm [D]; deeper
        fresh snow is vehicles.md's "deep snow" (1.3-1.5 x consumption) [GK].
    """

    max_wind_ms: float = 10.0
    min_temp_c: float = -30.0
    min_visibility_km: float = 1.0
    max_fresh_snow_cm: float = 10.0


ORDINARY: Final = OrdinaryWeather()
"""The ordinary-weather bounds the factor tables below start from."""

# Piecewise-linear factor tables (x ascending), constant beyond the ends [D]. Speed: wind
# 10 -> 15 -> 20 -> 30 m/s; visibility 1 -> 0.5 -> 0.2 -> 0.05 km; fresh snow 10 -> 30 -> 50 cm.
# Fuel: cold -30 -> -35 -> -45 °C gives 1 -> 1.3 -> 1.5 (vehicles.md); fresh snow 10 -> 30 -> 50
# cm gives 1 -> 1.3 -> 1.5 (vehicles.md "deep snow"); wind 10 -> 20 -> 30 m/s gives 1 -> 1.15 ->
# 1.3 (drag and drifts).
_SPEED_WIND = (np.array([10.0, 15.0, 20.0, 30.0]), np.array([1.0, 0.8, 0.6, 0.4]))
_SPEED_VIS = (np.array([0.05, 0.2, 0.5, 1.0]), np.array([0.4, 0.6, 0.8, 1.0]))
_SPEED_SNOW = (np.array([10.0, 30.0, 50.0]), np.array([1.0, 0.75, 0.6]))
_FUEL_COLD = (np.array([30.0, 35.0, 45.0]), np.array([1.0, 1.3, 1.5]))  # x = -T
_FUEL_SNOW = (np.array([10.0, 30.0, 50.0]), np.array([1.0, 1.3, 1.5]))
_FUEL_WIND = (np.array([10.0, 20.0, 30.0]), np.array([1.0, 1.15, 1.3]))


def weather_speed_factor(
    wind_ms: ArrayLike, visibility_km: ArrayLike, fresh_snow_cm: ArrayLike
) -> NDArray[np.float64]:
    """Multiplier on the calm cruise speed: exactly 1 in ordinary weather.

    The product of three piecewise-linear terms [D]: wind above 10 m/s (0.8 at 15, 0.6 at 20,
    0.4 at 30 m/s), visibility below 1 km (0.8 at 0.5, 0.6 at 0.2, 0.4 at 0.05 km), fresh snow
    deeper than 10 cm (0.75 at 30, 0.6 at 50 cm). Cold alone does not slow a vehicle.

    Parameters
    ----------
    wind_ms
        Mean wind at 10 m, m/s.
    visibility_km
        Horizontal visibility, km.
    fresh_snow_cm
        Depth of new, unpacked snow, cm.

    Returns
    -------
    ndarray of float64
        Factor in [0.096, 1]; broadcast shape of the inputs.
    """
    wind = np.asarray(wind_ms, dtype=np.float64)
    vis = np.asarray(visibility_km, dtype=np.float64)
    snow = np.asarray(fresh_snow_cm, dtype=np.float64)
    out: NDArray[np.float64] = (
        np.interp(wind, *_SPEED_WIND) * np.interp(vis, *_SPEED_VIS) * np.interp(snow, *_SPEED_SNOW)
    )
    return out


def weather_fuel_factor(
    wind_ms: ArrayLike, temp_c: ArrayLike, fresh_snow_cm: ArrayLike
) -> NDArray[np.float64]:
    """Multiplier on the calm fuel burn per km: exactly 1 in ordinary weather.

    The product of three piecewise-linear terms: cold below -30 °C (1.3 at -35, 1.5 at -45 °C
    and colder), fresh snow deeper than 10 cm (1.3 at 30, 1.5 at 50 cm), after vehicles.md
    "multiply consumption by 1.3-1.5 in deep snow or below -35 °C" [GK]; wind above 10 m/s
    (1.15 at 20, 1.3 at 30 m/s) [D].

    Parameters
    ----------
    wind_ms
        Mean wind at 10 m, m/s.
    temp_c
        Air temperature, °C.
    fresh_snow_cm
        Depth of new, unpacked snow, cm.

    Returns
    -------
    ndarray of float64
        Factor in [1, 2.925]; broadcast shape of the inputs.
    """
    wind = np.asarray(wind_ms, dtype=np.float64)
    temp = np.asarray(temp_c, dtype=np.float64)
    snow = np.asarray(fresh_snow_cm, dtype=np.float64)
    out: NDArray[np.float64] = (
        np.interp(-temp, *_FUEL_COLD) * np.interp(snow, *_FUEL_SNOW) * np.interp(wind, *_FUEL_WIND)
    )
    return out


_VIS_WIND_MS = np.array([6.0, 9.0, 15.0, 20.0, 30.0], dtype=np.float64)
_VIS_LOG10_KM = np.log10(np.array([20.0, 2.0, 0.5, 0.1, 0.05], dtype=np.float64))


def blowing_snow_visibility_km(wind_ms: ArrayLike) -> NDArray[np.float64]:
    """Visibility in wind-blown snow when no observation exists, km (a model, not a forecast).

    Log-linear through anchors read from physics.md §3-4 [D]: 20 km up to 6 m/s (drifting snow
    only), 2 km at 9 m/s (low blowing snow), 0.5 km at 15 m/s (Roshydromet "strong blizzard":
    >= 15 m/s and <= 500 m), 0.1 km at 20 m/s (purga), 0.05 km at 30 m/s and above.

    Parameters
    ----------
    wind_ms
        Mean wind at 10 m, m/s.

    Returns
    -------
    ndarray of float64
        Visibility, km.
    """
    return np.power(
        10.0, np.interp(np.asarray(wind_ms, dtype=np.float64), _VIS_WIND_MS, _VIS_LOG10_KM)
    )


# ---------------------------------------------------------------------------------------------
# The sun (NOAA solar calculator algorithm, after Meeus, "Astronomical Algorithms", 1991)

SUNRISE_DEG: Final = -0.833
"""Geometric altitude of the sun's centre at sunrise and sunset, degrees.

Refraction at the horizon (34') plus the sun's radius (16').
"""

CIVIL_TWILIGHT_DEG: Final = -6.0
"""Geometric altitude of the sun's centre at civil dawn/dusk, degrees."""


def _unix_seconds(when: dt.datetime | ArrayLike) -> NDArray[np.float64]:
    if isinstance(when, dt.datetime):
        if when.tzinfo is None or when.utcoffset() is None:
            msg = f"time {when.isoformat()} has no time zone; pass an aware datetime"
            raise ValueError(msg)
        return np.asarray(when.timestamp(), dtype=np.float64)
    arr = np.asarray(when)
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[ms]").astype(np.int64).astype(np.float64) / 1000.0
    return arr.astype(np.float64)


def _solar_terms(t_s: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Declination (radians) and equation of time (minutes) at Unix times ``t_s``."""
    jc = (t_s / 86400.0 + 2440587.5 - 2451545.0) / 36525.0  # Julian centuries since J2000
    l0 = np.deg2rad((280.46646 + jc * (36000.76983 + jc * 0.0003032)) % 360.0)
    m = np.deg2rad(357.52911 + jc * (35999.05029 - 0.0001537 * jc))
    ecc = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc)
    centre = (
        np.sin(m) * (1.914602 - jc * (0.004817 + 0.000014 * jc))
        + np.sin(2 * m) * (0.019993 - 0.000101 * jc)
        + np.sin(3 * m) * 0.000289
    )
    omega = np.deg2rad(125.04 - 1934.136 * jc)
    app_long = np.deg2rad(np.rad2deg(l0) + centre - 0.00569 - 0.00478 * np.sin(omega))
    eps0 = 23.0 + (26.0 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60.0) / 60.0
    eps = np.deg2rad(eps0 + 0.00256 * np.cos(omega))
    decl = np.arcsin(np.sin(eps) * np.sin(app_long))
    y = np.tan(eps / 2.0) ** 2
    eot = 4.0 * np.rad2deg(
        y * np.sin(2 * l0)
        - 2 * ecc * np.sin(m)
        + 4 * ecc * y * np.sin(m) * np.cos(2 * l0)
        - 0.5 * y * y * np.sin(4 * l0)
        - 1.25 * ecc * ecc * np.sin(2 * m)
    )
    return decl, eot


def solar_declination_deg(when: dt.datetime | ArrayLike) -> NDArray[np.float64]:
    """Solar declination (NOAA algorithm), degrees.

    Parameters
    ----------
    when
        An aware datetime, numpy ``datetime64`` values (UTC) or Unix seconds (UTC).

    Returns
    -------
    ndarray of float64
        Declination, degrees north.
    """
    return np.rad2deg(_solar_terms(_unix_seconds(when))[0])


def subsolar_point_deg(
    when: dt.datetime | ArrayLike,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Where the sun stands at the zenith (NOAA algorithm).

    The sun's elevation anywhere is 90° minus the great-circle angle to this point.

    Parameters
    ----------
    when
        An aware datetime, numpy ``datetime64`` values (UTC) or Unix seconds (UTC).

    Returns
    -------
    tuple of ndarray of float64
        (lon, lat) in degrees, lon in [-180, 180).
    """
    t_s = _unix_seconds(when)
    decl, eot = _solar_terms(t_s)
    lon = -np.rad2deg(_hour_angle_base_rad(t_s, eot))
    return (lon + 180.0) % 360.0 - 180.0, np.rad2deg(decl)


def _hour_angle_base_rad(
    t_s: NDArray[np.float64], eot_min: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Hour angle at longitude 0, radians (add the longitude for any other place)."""
    utc_min = np.mod(t_s, 86400.0) / 60.0
    return np.deg2rad((utc_min + eot_min) / 4.0 - 180.0)


def solar_elevation_deg(
    lon_deg: ArrayLike, lat_deg: ArrayLike, when: dt.datetime | ArrayLike
) -> NDArray[np.float64]:
    """Geometric elevation of the sun's centre (no refraction), NOAA algorithm.

    Accurate to about 0.01° over 1900-2100 (NOAA solar calculator, after Meeus 1991).

    Parameters
    ----------
    lon_deg, lat_deg
        Place, degrees east and north (arrays broadcast with `when`).
    when
        An aware datetime, numpy ``datetime64`` values (UTC) or Unix seconds (UTC).

    Returns
    -------
    ndarray of float64
        Elevation above the horizon, degrees (negative below it).

    Examples
    --------
    >>> import datetime as dt
    >>> noon = dt.datetime(2025, 12, 21, 0, 10, tzinfo=dt.UTC)  # solar noon at Anadyr
    >>> round(float(solar_elevation_deg(177.5, 64.73, noon)), 1)
    1.8
    """
    t_s = _unix_seconds(when)
    decl, eot = _solar_terms(t_s)
    lat = np.deg2rad(np.asarray(lat_deg, dtype=np.float64))
    hour_angle = _hour_angle_base_rad(t_s, eot) + np.deg2rad(np.asarray(lon_deg, dtype=np.float64))
    sin_el = np.sin(lat) * np.sin(decl) + np.cos(lat) * np.cos(decl) * np.cos(hour_angle)
    out: NDArray[np.float64] = np.rad2deg(np.arcsin(np.clip(sin_el, -1.0, 1.0)))
    return out


def _sin_elevation_matrix(
    lon_deg: ArrayLike, lat_deg: ArrayLike, when: dt.datetime | ArrayLike
) -> NDArray[np.float64]:
    # sin(el) = sin(lat) sin(d) + cos(lat) cos(d) cos(h0 + lon), expanded so that the
    # (points x times) matrix is one matrix product.
    lon = np.deg2rad(np.ravel(np.asarray(lon_deg, dtype=np.float64)))
    lat = np.deg2rad(np.ravel(np.asarray(lat_deg, dtype=np.float64)))
    t_s = np.ravel(_unix_seconds(when))
    decl, eot = _solar_terms(t_s)
    h0 = _hour_angle_base_rad(t_s, eot)
    coslat = np.cos(lat)
    place = np.stack((np.sin(lat), coslat * np.cos(lon), -coslat * np.sin(lon)), axis=1)
    cosd = np.cos(decl)
    sun = np.stack((np.sin(decl), cosd * np.cos(h0), cosd * np.sin(h0)), axis=0)
    out: NDArray[np.float64] = place @ sun
    return out


def solar_elevation_matrix_deg(
    lon_deg: ArrayLike, lat_deg: ArrayLike, when: dt.datetime | ArrayLike
) -> NDArray[np.float64]:
    """Sun elevation for every (place, time) pair, as one matrix product.

    The same NOAA algorithm as `solar_elevation_deg`, for ``n`` places and ``m`` times.

    Parameters
    ----------
    lon_deg, lat_deg
        Places, degrees east and north, shape ``(n,)``.
    when
        Times: numpy ``datetime64`` (UTC) or Unix seconds, shape ``(m,)``.

    Returns
    -------
    ndarray of float64, shape (n, m)
        Elevation, degrees.
    """
    return np.rad2deg(np.arcsin(np.clip(_sin_elevation_matrix(lon_deg, lat_deg, when), -1, 1)))


def sun_below(
    lon_deg: ArrayLike,
    lat_deg: ArrayLike,
    when: dt.datetime | ArrayLike,
    altitude_deg: float = CIVIL_TWILIGHT_DEG,
) -> NDArray[np.bool_]:
    """Whether the sun is below an altitude, for every (place, time) pair.

    Parameters
    ----------
    lon_deg, lat_deg
        Places, degrees east and north, shape ``(n,)``.
    when
        Times: numpy ``datetime64`` (UTC) or Unix seconds, shape ``(m,)``.
    altitude_deg
        Geometric altitude of the sun's centre, degrees (``CIVIL_TWILIGHT_DEG`` = -6).

    Returns
    -------
    ndarray of bool, shape (n, m)
        True where the sun's centre is below `altitude_deg`.
    """
    below: NDArray[np.bool_] = _sin_elevation_matrix(lon_deg, lat_deg, when) < math.sin(
        math.radians(altitude_deg)
    )
    return below


def _half_day_deg(
    lat_rad: NDArray[np.float64], decl_rad: NDArray[np.float64], altitude_deg: float
) -> NDArray[np.float64]:
    """Hour angle from noon to the altitude crossing, degrees (0 = never up, 180 = always up)."""
    cos_h = (math.sin(math.radians(altitude_deg)) - np.sin(lat_rad) * np.sin(decl_rad)) / (
        np.cos(lat_rad) * np.cos(decl_rad)
    )
    out: NDArray[np.float64] = np.rad2deg(np.arccos(np.clip(cos_h, -1.0, 1.0)))
    return out


def _solar_noon_s(lon_deg: NDArray[np.float64], day: dt.date) -> NDArray[np.float64]:
    midnight = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()
    noon = midnight + 43200.0 - lon_deg * 240.0
    for _ in range(2):  # the equation of time barely changes in a day: two passes suffice
        noon = midnight + 43200.0 - lon_deg * 240.0 - _solar_terms(noon)[1] * 60.0
    return noon


def daylight_hours(
    lat_deg: ArrayLike,
    day: dt.date,
    lon_deg: ArrayLike = 0.0,
    altitude_deg: float = SUNRISE_DEG,
) -> NDArray[np.float64]:
    """Hours the sun's centre spends above an altitude on a local calendar day.

    With the default altitude this is sunrise to sunset; with ``CIVIL_TWILIGHT_DEG`` it is
    civil dawn to civil dusk. 0 in polar night, 24 under the midnight sun. The declination is
    taken at the place's solar noon (NOAA sunrise equation; error < 0.1 h at 70° N).

    Parameters
    ----------
    lat_deg
        Latitude, degrees north.
    day
        Local calendar date.
    lon_deg
        Longitude, degrees east (fixes which instant is that day's noon; small effect).
    altitude_deg
        Geometric altitude of the sun's centre, degrees.

    Returns
    -------
    ndarray of float64
        Hours, broadcast shape of `lat_deg` and `lon_deg`.

    Examples
    --------
    >>> import datetime as dt
    >>> round(float(daylight_hours(64.0, dt.date(2025, 12, 21))), 1)  # physics.md §7: 4.2
    4.2
    """
    lat = np.deg2rad(np.asarray(lat_deg, dtype=np.float64))
    lon = np.asarray(lon_deg, dtype=np.float64)
    decl = _solar_terms(_solar_noon_s(lon, day))[0]
    return _half_day_deg(lat, decl, altitude_deg) * (2.0 / 15.0)


@dataclass(frozen=True, slots=True)
class SunTimes:
    """Sun events of one local calendar day at one place (times in UTC).

    Attributes
    ----------
    solar_noon : datetime
        Sun highest, UTC.
    noon_elevation_deg : float
        Geometric elevation of the sun at solar noon, degrees.
    sunrise, sunset : datetime or None
        Upper limb on the horizon (centre at -0.833°), UTC; None in polar night or under the
        midnight sun.
    civil_dawn, civil_dusk : datetime or None
        Centre at -6°, UTC; None when the sun never sinks below (or never reaches) -6°.
    day_h : float
        Hours from sunrise to sunset (0 in polar night, 24 under the midnight sun).
    civil_h : float
        Hours from civil dawn to civil dusk.
    """

    solar_noon: dt.datetime
    noon_elevation_deg: float
    sunrise: dt.datetime | None
    sunset: dt.datetime | None
    civil_dawn: dt.datetime | None
    civil_dusk: dt.datetime | None
    day_h: float
    civil_h: float

    @property
    def polar_night(self) -> bool:
        """True when the sun does not rise this day."""
        return self.day_h == 0.0

    @property
    def midnight_sun(self) -> bool:
        """True when the sun does not set this day."""
        return self.day_h == 24.0


def sun_times(lon_deg: float, lat_deg: float, day: dt.date) -> SunTimes:
    """Sunrise, sunset and civil twilight for a place and local date, polar night included.

    Parameters
    ----------
    lon_deg, lat_deg
        Place, degrees east and north.
    day
        Local calendar date.

    Returns
    -------
    SunTimes
        Times in UTC (convert with ``.astimezone``); events that do not happen are None.

    Examples
    --------
    >>> import datetime as dt
    >>> pevek = sun_times(170.3, 69.7, dt.date(2025, 12, 21))
    >>> pevek.polar_night, pevek.civil_h > 3
    (True, True)
    """
    lon = np.asarray(lon_deg, dtype=np.float64)
    noon = float(_solar_noon_s(lon, day))
    decl = _solar_terms(np.asarray(noon))[0]
    lat = np.asarray(math.radians(lat_deg))

    def refine(t_s: float, altitude: float, sign: float) -> float:
        # Re-solve the sunrise equation with the declination and equation of time at the
        # crossing itself (they drift by up to 0.2° and 0.1 min in 6 h near an equinox).
        for _ in range(3):
            d, eot = _solar_terms(np.asarray(t_s))
            half = float(_half_day_deg(lat, d, altitude))
            if half in (0.0, 180.0):
                break
            hour_angle = float(np.mod(t_s, 86400.0) / 60.0 + eot) / 4.0 - 180.0 + lon_deg
            miss = (sign * half - hour_angle + 180.0) % 360.0 - 180.0
            t_s += miss * 240.0
        return t_s

    def crossing(altitude: float) -> tuple[dt.datetime | None, dt.datetime | None, float]:
        half = float(_half_day_deg(lat, decl, altitude))
        if half in (0.0, 180.0):
            return None, None, half * 2.0 / 15.0
        rise_s = refine(noon - half * 240.0, altitude, -1.0)
        fall_s = refine(noon + half * 240.0, altitude, 1.0)
        rise = dt.datetime.fromtimestamp(rise_s, tz=dt.UTC)
        fall = dt.datetime.fromtimestamp(fall_s, tz=dt.UTC)
        return rise, fall, (fall_s - rise_s) / 3600.0

    sunrise, sunset, day_h = crossing(SUNRISE_DEG)
    dawn, dusk, civil_h = crossing(CIVIL_TWILIGHT_DEG)
    return SunTimes(
        solar_noon=dt.datetime.fromtimestamp(noon, tz=dt.UTC),
        noon_elevation_deg=90.0 - abs(lat_deg - math.degrees(float(decl))),
        sunrise=sunrise,
        sunset=sunset,
        civil_dawn=dawn,
        civil_dusk=dusk,
        day_h=day_h,
        civil_h=civil_h,
    )
