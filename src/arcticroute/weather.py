"""Weather fields, and what they mean for one vehicle on the solver's weather cells.

A *weather field* answers one question: what are the conditions at (lon, lat, time)? Every
field is a `WeatherField` with a ``name`` (for reports), ``notes`` (any fallback it used),
``covers(start, end)``, ``conditions(lon, lat, when)`` for instants and a bulk, vectorised
``sampler(start, step_h, n_steps)`` that returns the *worst* conditions during each time step
at many points. Conditions are wind (m/s, 10 m mean), air temperature (°C, 2 m), visibility
(km), snow depth (cm), fresh snow (cm of new, unpacked snow) and a blowing-snow flag.

Implementations

* `calm` / `constant`: the same conditions everywhere, always. ``calm()`` is neutral: with it
  every vehicle is open everywhere and every factor is exactly 1.
* `ScenarioField`: a base state plus events (storms, cold snaps), from a JSON file (format
  below), a dict, or a built-in name (`BUILTIN_SCENARIOS`: ``calm``, ``purga-anadyr``,
  ``cold-snap-interior``) via `scenario`.
* `GriddedField`: an xarray Dataset from netCDF or GRIB (ERA5 / GFS names), CF units
  converted, bilinear in space and linear in time (`open_gridded`, `gridded_from_dataset`).
* `Climatology`: a seeded generator of plausible winter weather per station zone (coast,
  interior) and month; ``members(n, seed)`` returns `StochasticField` ensemble members.

`weather_from_spec` turns what a user types (None, ``"calm"``, a built-in name, a ``.json``
or ``.nc``/``.grib`` path, ``"climatology"`` or ``"climatology:SEED"``) into a field, and
`build_weather_table` turns a field and a `Vehicle` into the solver's
`~arcticroute.solver.WeatherTable` (wrapped in a `WeatherSample` that can explain closures).

Scenario file format (JSON)
---------------------------
::

    {
      "name": "my-storm",                  # optional; default: the file name
      "description": "...",                # optional
      "base": {                            # optional; the weather outside every event
        "wind_ms": 5, "temperature_c": -22, "visibility_km": 20,
        "snow_depth_cm": 40, "fresh_snow_cm": 0, "blowing_snow": false
      },
      "events": [
        {"type": "storm",                  # "storm" (needs wind_ms) or "cold" (temperature_c)
         "start": "2025-02-10T06:00Z",     # ISO-8601 time with a UTC offset ...
         "end": "PT54H",                   # ... or an ISO-8601 duration after the trip start
         "center": [177.5, 64.7],          # [lon, lat] degrees; or instead a moving "track":
         "track": [[179.5, 63.0, "2025-02-10T06:00Z"], [175.0, 65.5, "2025-02-12T12:00Z"]],
         "radius_km": 250,                 # > 0; great-circle distance, antimeridian-safe
         "wind_ms": 30, "visibility_km": 0.1, "temperature_c": -25,   # any condition keys,
         "fresh_snow_cm": 25, "blowing_snow": true}                   # all optional
      ]
    }

Times are either absolute (ISO-8601 with ``Z`` or an offset such as ``+12:00``; naive times
are refused) or relative: an ISO-8601 duration (``PT36H``, ``P1DT12H``, ``-PT6H``) counted from
the ``start`` passed to `scenario` / `load_scenario` / `weather_from_spec` (the departure).
The built-in scenarios are relative, so ``scenario("purga-anadyr", start=depart)`` puts the
purga six hours after departure whatever the date. An event is active on ``[start, end)``.
A storm with a ``track`` moves linearly (in unwrapped longitude and latitude) between track
points, staying at the first point before the first time and at the last point after the
last; ``center`` may then be omitted. Inside an active event (within ``radius_km`` of its
centre) the event's values replace the base; where events overlap, the worse value wins
(stronger wind, lower visibility, colder air, more snow). A storm without
``visibility_km`` gets the blowing-snow visibility of its wind
(`arcticroute.physics.blowing_snow_visibility_km`); storms default to ``blowing_snow: true``.
Unknown keys, missing keys, bad times, an end before its start, a non-positive radius and
out-of-range values raise `WeatherError` naming the event and the key.

Time steps
----------
Step ``k`` covers ``[start + k step_h, start + (k + 1) step_h)``. Samplers return the worst
conditions during the step: scenario events count if their window overlaps the step, and a
moving storm covers a point if its centre comes within the radius at the start, middle or
end of the overlap; gridded fields are interpolated at the step midpoint, or at several
sub-instants when a step is longer than the data interval; stochastic members take the worst
of the hours the step touches.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import functools
import json
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import numba as nb
import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import physics
from ._errors import WeatherError
from .geodesy import normalize_lon, unwrap_lons
from .solver import WeatherTable
from .vehicles import Limits, Vehicle

__all__ = [
    "BUILTIN_SCENARIOS",
    "DEFAULT_STATIONS",
    "DEFAULT_ZONES",
    "Climatology",
    "Closure",
    "Conditions",
    "Event",
    "GriddedField",
    "Purga",
    "ScenarioField",
    "State",
    "Station",
    "StochasticField",
    "WeatherField",
    "WeatherSample",
    "ZoneClimate",
    "build_weather_table",
    "calm",
    "constant",
    "describe_closure",
    "gridded_from_dataset",
    "load_scenario",
    "open_gridded",
    "scenario",
    "scenario_from_dict",
    "weather_from_spec",
]

EARTH_RADIUS_KM: Final = 6371.0088
"""Mean Earth radius (IUGG), km, for great-circle distances to storm centres."""

BLOWING_SNOW_WIND_MS: Final = 8.0
"""Wind from which dry snow drifts and blows, m/s (physics.md §3: 5-8 m/s for dry snow)."""

_CHUNK_ELEMENTS = 1 << 20  # points x steps evaluated at once by build_weather_table
MAX_SUB_INSTANTS = 60
"""Most instants a gridded file is sampled at within one time step (worst of them)."""

Sampler = Callable[[NDArray[np.float64], NDArray[np.float64]], "Conditions"]
"""``sampler(lon_deg, lat_deg) -> Conditions`` of shape (n_points, n_steps)."""


# ---------------------------------------------------------------------------------------------
# Conditions


@dataclass(frozen=True, slots=True, eq=False)
class Conditions:
    """Weather at many (point, time) pairs; every array has the same shape.

    Attributes
    ----------
    wind_ms : ndarray of float64
        Mean wind at 10 m, m/s.
    temperature_c : ndarray of float64
        Air temperature at 2 m, °C.
    visibility_km : ndarray of float64
        Horizontal visibility, km.
    snow_depth_cm : ndarray of float64
        Snow on the ground, cm.
    fresh_snow_cm : ndarray of float64
        New, unpacked snow (fallen or drifted in the last day), cm.
    blowing_snow : ndarray of bool
        Snowfall or blowing snow.
    """

    wind_ms: NDArray[np.float64]
    temperature_c: NDArray[np.float64]
    visibility_km: NDArray[np.float64]
    snow_depth_cm: NDArray[np.float64]
    fresh_snow_cm: NDArray[np.float64]
    blowing_snow: NDArray[np.bool_]

    def worst_over_last_axis(self, m: int) -> Conditions:
        """Fold groups of `m` consecutive columns into their worst value.

        Parameters
        ----------
        m
            Sub-instants per step (the last axis has ``n_steps * m`` columns).

        Returns
        -------
        Conditions
            Shape ``(..., n_steps)``: max wind, min temperature, min visibility, max snow,
            any blowing snow.
        """
        if m == 1:
            return self

        def fold(a: NDArray[Any]) -> NDArray[Any]:
            return a.reshape(*a.shape[:-1], a.shape[-1] // m, m)

        return Conditions(
            wind_ms=fold(self.wind_ms).max(axis=-1),
            temperature_c=fold(self.temperature_c).min(axis=-1),
            visibility_km=fold(self.visibility_km).min(axis=-1),
            snow_depth_cm=fold(self.snow_depth_cm).max(axis=-1),
            fresh_snow_cm=fold(self.fresh_snow_cm).max(axis=-1),
            blowing_snow=np.asarray(fold(self.blowing_snow).any(axis=-1), dtype=np.bool_),
        )


@dataclass(frozen=True, slots=True)
class State:
    """One set of conditions (scalars): a scenario's base or a constant field.

    Attributes
    ----------
    wind_ms : float
        Mean wind at 10 m, m/s (>= 0).
    temperature_c : float
        Air temperature, °C.
    visibility_km : float
        Horizontal visibility, km (> 0).
    snow_depth_cm : float
        Snow on the ground, cm (>= 0).
    fresh_snow_cm : float
        New, unpacked snow, cm (>= 0).
    blowing_snow : bool
        Snowfall or blowing snow.
    """

    wind_ms: float = 0.0
    temperature_c: float = -10.0
    visibility_km: float = 20.0
    snow_depth_cm: float = 30.0
    fresh_snow_cm: float = 0.0
    blowing_snow: bool = False

    def fill(self, shape: tuple[int, ...]) -> Conditions:
        """Conditions of the given shape, all equal to this state.

        Parameters
        ----------
        shape
            Array shape, e.g. ``(n_points, n_steps)``.

        Returns
        -------
        Conditions
        """
        return Conditions(
            wind_ms=np.full(shape, self.wind_ms, dtype=np.float64),
            temperature_c=np.full(shape, self.temperature_c, dtype=np.float64),
            visibility_km=np.full(shape, self.visibility_km, dtype=np.float64),
            snow_depth_cm=np.full(shape, self.snow_depth_cm, dtype=np.float64),
            fresh_snow_cm=np.full(shape, self.fresh_snow_cm, dtype=np.float64),
            blowing_snow=np.full(shape, self.blowing_snow, dtype=np.bool_),
        )


# ---------------------------------------------------------------------------------------------
# The interface


class WeatherField(ABC):
    """What every weather field offers.

    Attributes
    ----------
    name : str
        Short label for reports (``"calm"``, ``"purga-anadyr"``, ``"era5.nc"``).
    notes : tuple of str
        Fallbacks or assumptions a report should mention (empty when none).
    """

    __slots__ = ()

    name: str
    notes: tuple[str, ...]

    @property
    def time_range(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """First and last valid instant (UTC); None = unbounded."""
        return None, None

    def covers(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether the field holds data for the whole interval.

        Parameters
        ----------
        start, end
            Aware datetimes.

        Returns
        -------
        bool
        """
        first, last = self.time_range
        return (first is None or first <= start) and (last is None or end <= last)

    def require_cover(self, start: dt.datetime, end: dt.datetime) -> None:
        """Raise `WeatherError` unless `covers` is true.

        Parameters
        ----------
        start, end
            Aware datetimes.

        Raises
        ------
        WeatherError
            Naming the field's range and the interval asked for.
        """
        if not self.covers(start, end):
            first, last = self.time_range
            msg = (
                f"weather {self.name!r} covers {_iso(first)} to {_iso(last)}, not the trip "
                f"{_iso(start)} to {_iso(end)}; use a file that spans the trip, a shorter "
                "horizon, or a scenario"
            )
            raise WeatherError(msg)

    @abstractmethod
    def conditions(self, lon_deg: ArrayLike, lat_deg: ArrayLike, when: dt.datetime) -> Conditions:
        """Conditions at points at one instant.

        Parameters
        ----------
        lon_deg, lat_deg
            Points, degrees east and north (same shape).
        when
            Aware datetime.

        Returns
        -------
        Conditions
            Arrays shaped like the points (1-D).
        """

    @abstractmethod
    def sampler(self, start: dt.datetime, step_h: float, n_steps: int) -> Sampler:
        """Prepare bulk sampling on a time axis; call the result on chunks of points.

        Parameters
        ----------
        start
            Aware datetime of the start of step 0.
        step_h
            Step length, hours (> 0).
        n_steps
            Number of steps (>= 1).

        Returns
        -------
        callable
            ``f(lon_deg, lat_deg) -> Conditions`` with arrays of shape (n_points, n_steps),
            the worst conditions during each step.
        """

    def _cell_states(
        self, cells: _Cells, start: dt.datetime, step_h: float, n_steps: int
    ) -> list[tuple[Conditions, NDArray[np.bool_]]] | None:
        """The distinct conditions present per (cell, step), if the field can list them.

        Returns a list of (conditions broadcastable to (n_cells, n_steps), presence mask
        of shape (n_cells, n_steps) or (n_cells, 1)), or None to be sampled point by point.
        """
        return None

    def sample(
        self,
        lon_deg: ArrayLike,
        lat_deg: ArrayLike,
        start: dt.datetime,
        step_h: float = 1.0,
        n_steps: int = 1,
    ) -> Conditions:
        """Worst conditions per (point, step), all at once.

        Parameters
        ----------
        lon_deg, lat_deg
            Points, degrees east and north.
        start
            Aware datetime of the start of step 0.
        step_h
            Step length, hours.
        n_steps
            Number of steps.

        Returns
        -------
        Conditions
            Shape (n_points, n_steps).
        """
        lon, lat = _points(lon_deg, lat_deg)
        _check_axis(start, step_h, n_steps)
        return self.sampler(start, step_h, n_steps)(lon, lat)


def _iso(when: dt.datetime | None) -> str:
    return "(unbounded)" if when is None else when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")


def _aware(when: object, what: str = "start") -> dt.datetime:
    if not isinstance(when, dt.datetime):
        msg = f"{what} {when!r} must be a datetime with a time zone"
        raise WeatherError(msg)
    if when.tzinfo is None or when.utcoffset() is None:
        msg = (
            f"{what} {when.isoformat()} has no time zone; pass an aware datetime, e.g. "
            "datetime(2025, 3, 1, 8, tzinfo=ZoneInfo('Asia/Anadyr'))"
        )
        raise WeatherError(msg)
    return when


def _check_axis(start: dt.datetime, step_h: float, n_steps: int) -> None:
    _aware(start)
    if not (isinstance(step_h, int | float) and math.isfinite(step_h) and step_h > 0):
        msg = f"step_h {step_h!r} must be a positive number of hours"
        raise WeatherError(msg)
    if not isinstance(n_steps, int | np.integer) or n_steps < 1:
        msg = f"n_steps {n_steps!r} must be a positive integer"
        raise WeatherError(msg)


def _points(
    lon_deg: ArrayLike, lat_deg: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lon = np.ravel(np.asarray(lon_deg, dtype=np.float64))
    lat = np.ravel(np.asarray(lat_deg, dtype=np.float64))
    if lon.shape != lat.shape:
        msg = f"lon and lat must have the same length, not {lon.size} and {lat.size}"
        raise WeatherError(msg)
    if not (np.all(np.isfinite(lon)) and np.all(np.isfinite(lat))):
        msg = "sample coordinates contain NaN or infinity"
        raise WeatherError(msg)
    if lat.size and (lat.min() < -90 or lat.max() > 90):
        msg = f"latitudes must lie in [-90, 90] degrees, got {lat.min():g}..{lat.max():g}"
        raise WeatherError(msg)
    return lon, lat


def _step_edges_s(start: dt.datetime, step_h: float, n_steps: int) -> NDArray[np.float64]:
    return start.timestamp() + np.arange(n_steps + 1, dtype=np.float64) * (step_h * 3600.0)


def _unit_vectors(
    lon_deg: NDArray[np.float64], lat_deg: NDArray[np.float64]
) -> NDArray[np.float64]:
    lon = np.deg2rad(lon_deg)
    lat = np.deg2rad(lat_deg)
    coslat = np.cos(lat)
    return np.stack((coslat * np.cos(lon), coslat * np.sin(lon), np.sin(lat)), axis=-1)


# ---------------------------------------------------------------------------------------------
# Scenario fields (constant and calm are scenarios without events)

EVENT_TYPES: Final = ("storm", "cold")
_CONDITION_KEYS: Final = (
    "wind_ms",
    "temperature_c",
    "visibility_km",
    "snow_depth_cm",
    "fresh_snow_cm",
    "blowing_snow",
)


@dataclass(frozen=True, slots=True)
class Event:
    """A storm or cold snap: conditions inside a (possibly moving) disc during a window.

    Attributes
    ----------
    kind : str
        ``"storm"`` or ``"cold"``.
    start, end : datetime
        Active on ``[start, end)`` (aware).
    radius_km : float
        Radius of the disc, km (great-circle).
    track : tuple of (lon, lat, datetime)
        Centre positions in degrees; one entry for a stationary event.
    wind_ms, temperature_c, visibility_km, snow_depth_cm, fresh_snow_cm : float or None
        Conditions inside the disc (units as in `State`); None keeps the base value.
    blowing_snow : bool or None
        Blowing-snow flag inside the disc; None keeps the base value.
    """

    kind: str
    start: dt.datetime
    end: dt.datetime
    radius_km: float
    track: tuple[tuple[float, float, dt.datetime], ...]
    wind_ms: float | None = None
    temperature_c: float | None = None
    visibility_km: float | None = None
    snow_depth_cm: float | None = None
    fresh_snow_cm: float | None = None
    blowing_snow: bool | None = None

    def _centre_at_s(
        self, t_s: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        if len(self.track) == 1:
            lon0, lat0, _ = self.track[0]
            return np.full(t_s.shape, lon0), np.full(t_s.shape, lat0)
        times = np.array([p[2].timestamp() for p in self.track])
        lons = unwrap_lons([p[0] for p in self.track])
        lats = np.array([p[1] for p in self.track])
        return normalize_lon(np.interp(t_s, times, lons)), np.interp(t_s, times, lats)

    def centre_at(self, when: dt.datetime) -> tuple[float, float]:
        """Position of the centre at an instant.

        Parameters
        ----------
        when
            Aware datetime.

        Returns
        -------
        tuple of float
            (lon, lat) in degrees, lon in [-180, 180).
        """
        lon, lat = self._centre_at_s(np.array([_aware(when, "time").timestamp()]))
        return float(lon[0]), float(lat[0])


@dataclass(frozen=True, slots=True, eq=False)
class ScenarioField(WeatherField):
    """A base state everywhere plus events; valid at any time.

    Attributes
    ----------
    name : str
        Label for reports.
    base : State
        Conditions outside every event.
    events : tuple of Event
        Storms and cold snaps.
    description : str
        Free text.
    notes : tuple of str
        Assumptions for reports.
    """

    name: str
    base: State = State()
    events: tuple[Event, ...] = ()
    description: str = ""
    notes: tuple[str, ...] = ()

    def conditions(self, lon_deg: ArrayLike, lat_deg: ArrayLike, when: dt.datetime) -> Conditions:
        """Conditions at points at one instant (see `WeatherField.conditions`)."""
        lon, lat = _points(lon_deg, lat_deg)
        t = np.array([_aware(when, "time").timestamp()])
        out = self._evaluate(lon, lat, t, t, instant=True)
        return Conditions(*(np.ravel(a) for a in _fields(out)))

    def sampler(self, start: dt.datetime, step_h: float, n_steps: int) -> Sampler:
        """Bulk sampler, worst per step (see `WeatherField.sampler`)."""
        _check_axis(start, step_h, n_steps)
        edges = _step_edges_s(start, step_h, n_steps)
        lo, hi = edges[:-1], edges[1:]

        def sample(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> Conditions:
            return self._evaluate(lon, lat, lo, hi, instant=False)

        return sample

    @staticmethod
    def _event_centres(
        event: Event, lo: NDArray[np.float64], hi: NDArray[np.float64], *, instant: bool
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Steps an event is active in, and its centre at the start, middle and end of each.

        Returns the step indices (k,) and unit vectors of shape (k, 3, 3).
        """
        s, e = event.start.timestamp(), event.end.timestamp()
        active = (lo >= s) & (lo < e) if instant else (lo < e) & (hi > s)
        cols = np.flatnonzero(active).astype(np.int64)
        a = np.maximum(lo[cols], s)
        b = a if instant else np.minimum(hi[cols], e)
        times = np.stack((a, 0.5 * (a + b), b), axis=1)
        c_lon, c_lat = event._centre_at_s(times.ravel())
        return cols, _unit_vectors(c_lon, c_lat).reshape(cols.size, 3, 3)

    def _evaluate(
        self,
        lon: NDArray[np.float64],
        lat: NDArray[np.float64],
        lo: NDArray[np.float64],
        hi: NDArray[np.float64],
        *,
        instant: bool,
    ) -> Conditions:
        shape = (lon.size, lo.size)
        if not self.events:
            return self.base.fill(shape)
        points = _unit_vectors(lon, lat)
        codes = np.zeros(shape, dtype=np.int64)
        for e, event in enumerate(self.events):
            cols, centres = self._event_centres(event, lo, hi, instant=instant)
            if cols.size == 0:
                continue
            cos_r = math.cos(min(event.radius_km / EARTH_RADIUS_KM, math.pi))
            dots = (points @ centres.reshape(-1, 3).T).reshape(lon.size, cols.size, 3)
            codes[:, cols] |= np.where(dots.max(axis=2) >= cos_r, np.int64(1) << e, 0)
        out = self.base.fill(shape)
        arrays = dict(zip(_CONDITION_KEYS, _fields(out), strict=True))
        for code in np.unique(codes).tolist():
            if code == 0:
                continue
            where = codes == code
            state = self._state_of(code)
            for key, arr in arrays.items():
                arr[where] = getattr(state, key)
        return out

    def _state_of(self, code: int) -> State:
        """The conditions inside the events whose bits are set in `code` (worst wins)."""
        chosen = [ev for e, ev in enumerate(self.events) if code >> e & 1]

        def pick(key: str, worst: Callable[[list[Any]], Any]) -> Any:
            values = [getattr(ev, key) for ev in chosen if getattr(ev, key) is not None]
            return worst(values) if values else getattr(self.base, key)

        return State(
            wind_ms=pick("wind_ms", max),
            temperature_c=pick("temperature_c", min),
            visibility_km=pick("visibility_km", min),
            snow_depth_cm=pick("snow_depth_cm", max),
            fresh_snow_cm=pick("fresh_snow_cm", max),
            blowing_snow=pick("blowing_snow", any),
        )

    def _cell_states(
        self, cells: _Cells, start: dt.datetime, step_h: float, n_steps: int
    ) -> list[tuple[Conditions, NDArray[np.bool_]]] | None:
        if len(self.events) > 62:
            return None
        edges = _step_edges_s(start, step_h, n_steps)
        lo, hi = edges[:-1], edges[1:]
        shape = (cells.n_cells, n_steps)
        has = (cells.count > 0)[:, None]
        uniform = np.zeros(shape, dtype=np.int64)
        mixed = np.zeros(shape, dtype=np.bool_)
        tests = []
        rho = cells.rho[:, None, None]
        for e, event in enumerate(self.events):
            cols, centres = self._event_centres(event, lo, hi, instant=False)
            if cols.size == 0:
                continue
            radius = min(event.radius_km / EARTH_RADIUS_KM, math.pi)
            ang = _angles(cells.centre, centres.reshape(-1, 3)).reshape(cells.n_cells, -1, 3)
            all_in = (ang + rho <= radius).any(axis=2)  # every point inside
            none_in = (ang - rho > radius).all(axis=2)  # no point inside
            uniform[:, cols] |= np.where(all_in, np.int64(1) << e, 0)
            mixed[:, cols] |= ~all_in & ~none_in
            tests.append((e, cols, centres, math.cos(radius)))
        mixed &= has
        plain = has & ~mixed
        present: dict[int, NDArray[np.bool_]] = {}
        for code in np.unique(uniform[plain]).tolist():
            present[code] = plain & (uniform == code)
        mc, mk = np.nonzero(mixed)
        for k in np.unique(mk).tolist():  # cells cut by a storm's edge: point by point
            cs = mc[mk == k]
            idx, owner = cells.points_of(cs)
            unit = cells.unit[idx]
            codes = np.zeros(idx.size, dtype=np.int64)
            for e, cols, centres, cos_r in tests:
                j = int(np.searchsorted(cols, k))
                if j < cols.size and cols[j] == k:
                    inside = (centres[j] @ unit.T >= cos_r).any(axis=0)
                    codes |= np.where(inside, np.int64(1) << e, 0)
            for code in np.unique(codes).tolist():
                seen = np.bincount(owner[codes == code], minlength=cs.size) > 0
                mask = present.setdefault(code, np.zeros(shape, dtype=np.bool_))
                mask[cs[seen], k] = True
        return [(self._state_of(code).fill((1, 1)), mask) for code, mask in sorted(present.items())]


def _fields(c: Conditions) -> tuple[NDArray[Any], ...]:
    return (
        c.wind_ms,
        c.temperature_c,
        c.visibility_km,
        c.snow_depth_cm,
        c.fresh_snow_cm,
        c.blowing_snow,
    )


def calm() -> ScenarioField:
    """The neutral field: light air, -10 °C, 20 km visibility, no fresh snow, always.

    With it every vehicle is open everywhere and the speed, fuel and risk factors are exactly
    1 (a closed cab and an open sled at riding speed alike: wind chill stays above -40 °C).

    Returns
    -------
    ScenarioField
        Named ``"calm"``.
    """
    return ScenarioField(name="calm", base=State(), description="neutral weather")


def constant(
    *,
    wind_ms: float = 0.0,
    temperature_c: float = -10.0,
    visibility_km: float = 20.0,
    snow_depth_cm: float = 30.0,
    fresh_snow_cm: float = 0.0,
    blowing_snow: bool = False,
    name: str = "constant",
) -> ScenarioField:
    """The same conditions everywhere, at all times.

    Parameters
    ----------
    wind_ms
        Mean wind at 10 m, m/s.
    temperature_c
        Air temperature, °C.
    visibility_km
        Horizontal visibility, km.
    snow_depth_cm
        Snow on the ground, cm.
    fresh_snow_cm
        New, unpacked snow, cm.
    blowing_snow
        Snowfall or blowing snow.
    name
        Label for reports.

    Returns
    -------
    ScenarioField
        A scenario without events.
    """
    base = _state_from_mapping(
        {
            "wind_ms": wind_ms,
            "temperature_c": temperature_c,
            "visibility_km": visibility_km,
            "snow_depth_cm": snow_depth_cm,
            "fresh_snow_cm": fresh_snow_cm,
            "blowing_snow": blowing_snow,
        },
        where=f"constant weather {name!r}",
    )
    return ScenarioField(name=name, base=base)


# -- parsing -----------------------------------------------------------------------------------

_DURATION = re.compile(
    r"^(?P<sign>[+-])?P(?:(?P<w>\d+(?:\.\d+)?)W)?(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
_RANGES: Final[Mapping[str, tuple[float, float, str]]] = MappingProxyType(
    {
        "wind_ms": (0.0, 100.0, "m/s in [0, 100]"),
        "temperature_c": (-90.0, 60.0, "°C in [-90, 60]"),
        "visibility_km": (1e-3, 1000.0, "km in (0, 1000]"),
        "snow_depth_cm": (0.0, 2000.0, "cm in [0, 2000]"),
        "fresh_snow_cm": (0.0, 500.0, "cm in [0, 500]"),
    }
)
_EVENT_KEYS: Final = frozenset(
    {"type", "start", "end", "center", "centre", "track", "radius_km", *_CONDITION_KEYS}
)
_TOP_KEYS: Final = frozenset({"name", "description", "base", "events"})


def _parse_time(value: object, where: str, start: dt.datetime | None) -> dt.datetime:
    example = "e.g. 2025-02-10T06:00Z, or a duration after the trip start such as PT36H"
    if not isinstance(value, str):
        msg = f"{where} {value!r} must be an ISO-8601 time string ({example})"
        raise WeatherError(msg)
    text = value.strip()
    match = _DURATION.match(text)
    if match and text.lstrip("+-") not in ("P", "PT") and not text.endswith("T"):
        if start is None:
            msg = (
                f"{where} {value!r} is relative (a duration); pass start= (the departure) to "
                "resolve it, or give an absolute time such as 2025-02-10T06:00Z"
            )
            raise WeatherError(msg)
        parts = {k: float(v) for k, v in match.groupdict().items() if v and k != "sign"}
        delta = dt.timedelta(
            weeks=parts.get("w", 0.0),
            days=parts.get("d", 0.0),
            hours=parts.get("h", 0.0),
            minutes=parts.get("m", 0.0),
            seconds=parts.get("s", 0.0),
        )
        return start - delta if match.group("sign") == "-" else start + delta
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        msg = f"{where} {value!r} is not an ISO-8601 time or duration ({example})"
        raise WeatherError(msg) from None
    if when.tzinfo is None:
        msg = f"{where} {value!r} has no UTC offset; append Z (UTC) or e.g. +12:00 (Chukotka)"
        raise WeatherError(msg)
    return when


def _number(value: object, where: str, key: str) -> float:
    low, high, expected = _RANGES[key]
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        msg = f"{where}: {key} {value!r} must be {expected}"
        raise WeatherError(msg)
    return float(value)


def _state_from_mapping(data: Mapping[str, Any], where: str, base: State | None = None) -> State:
    values: dict[str, Any] = {}
    for key in _CONDITION_KEYS:
        if key not in data:
            continue
        if key == "blowing_snow":
            if not isinstance(data[key], bool):
                msg = f"{where}: blowing_snow {data[key]!r} must be true or false"
                raise WeatherError(msg)
            values[key] = data[key]
        else:
            values[key] = _number(data[key], where, key)
    template = base if base is not None else State()
    return State(**{k: values.get(k, getattr(template, k)) for k in _CONDITION_KEYS})


def _unknown_key(keys: Sequence[str], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(keys) - allowed)
    if unknown:
        hint = difflib.get_close_matches(unknown[0], sorted(allowed), n=1)
        extra = (
            f"; did you mean {hint[0]!r}?" if hint else f"; expected {', '.join(sorted(allowed))}"
        )
        msg = f"{where}: unknown key {unknown[0]!r}{extra}"
        raise WeatherError(msg)


def _lonlat(value: object, where: str) -> tuple[float, float]:
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        or not all(math.isfinite(v) for v in value)
        or not -90 <= value[1] <= 90
    ):
        msg = f"{where} {value!r} must be [lon, lat] in degrees (lat in [-90, 90])"
        raise WeatherError(msg)
    return float(normalize_lon(value[0])), float(value[1])


def _event_from_mapping(data: object, index: int, origin: str, start: dt.datetime | None) -> Event:
    where = f"{origin}: events[{index}]"
    if not isinstance(data, Mapping):
        msg = f"{where} must be an object with type, start, end, center or track, radius_km"
        raise WeatherError(msg)
    kind = data.get("type")
    if kind not in EVENT_TYPES:
        msg = f"{where}: type {kind!r} must be one of {', '.join(EVENT_TYPES)}"
        raise WeatherError(msg)
    where = f"{where} ({kind})"
    _unknown_key(list(data), _EVENT_KEYS, where)
    centre_key = "centre" if "centre" in data else "center"
    required = ["start", "end", "radius_km"]
    required += ["wind_ms"] if kind == "storm" else ["temperature_c"]
    if "track" not in data:
        required.append(centre_key)
    for key in required:
        if key not in data:
            msg = f"{where}: missing key {key!r}"
            raise WeatherError(msg)
    begin = _parse_time(data["start"], f"{where}: start", start)
    end = _parse_time(data["end"], f"{where}: end", start)
    if end <= begin:
        msg = f"{where}: end {_iso(end)} must be after start {_iso(begin)}"
        raise WeatherError(msg)
    radius = data["radius_km"]
    if (
        not isinstance(radius, int | float)
        or isinstance(radius, bool)
        or not math.isfinite(radius)
        or radius <= 0
    ):
        msg = f"{where}: radius_km {radius!r} must be a positive number of kilometres"
        raise WeatherError(msg)
    if "track" in data:
        raw = data["track"]
        if not isinstance(raw, list) or not raw:
            msg = f"{where}: track must be a non-empty list of [lon, lat, time]"
            raise WeatherError(msg)
        track = []
        for j, point in enumerate(raw):
            if not isinstance(point, list | tuple) or len(point) != 3:
                msg = f"{where}: track[{j}] {point!r} must be [lon, lat, time]"
                raise WeatherError(msg)
            lon, lat = _lonlat(list(point[:2]), f"{where}: track[{j}]")
            track.append((lon, lat, _parse_time(point[2], f"{where}: track[{j}] time", start)))
        for j in range(1, len(track)):
            if track[j][2] <= track[j - 1][2]:
                msg = f"{where}: track times must increase; track[{j}] is not after track[{j - 1}]"
                raise WeatherError(msg)
    else:
        lon, lat = _lonlat(data[centre_key], f"{where}: {centre_key}")
        track = [(lon, lat, begin)]
    values = _state_from_mapping(data, where)
    given = {k: getattr(values, k) if k in data else None for k in _CONDITION_KEYS}
    if kind == "storm":
        if given["visibility_km"] is None:
            given["visibility_km"] = float(physics.blowing_snow_visibility_km(values.wind_ms))
        if given["blowing_snow"] is None:
            given["blowing_snow"] = True
    return Event(
        kind=str(kind),
        start=begin,
        end=end,
        radius_km=float(radius),
        track=tuple(track),
        **given,
    )


def scenario_from_dict(
    data: Mapping[str, Any], *, start: dt.datetime | None = None, origin: str = "scenario"
) -> ScenarioField:
    """Build a `ScenarioField` from parsed JSON (format in the module docstring).

    Parameters
    ----------
    data
        The scenario object.
    start
        Aware datetime that relative (duration) times count from; needed only if used.
    origin
        Where the data came from, for error messages.

    Returns
    -------
    ScenarioField

    Raises
    ------
    WeatherError
        Naming the event and key that is wrong.
    """
    if start is not None:
        _aware(start)
    if not isinstance(data, Mapping):
        msg = f"{origin}: a scenario must be a JSON object with base and events"
        raise WeatherError(msg)
    _unknown_key(list(data), _TOP_KEYS, origin)
    base_data = data.get("base", {})
    if not isinstance(base_data, Mapping):
        msg = f"{origin}: base must be an object of conditions"
        raise WeatherError(msg)
    _unknown_key(list(base_data), frozenset(_CONDITION_KEYS), f"{origin}: base")
    base = _state_from_mapping(base_data, f"{origin}: base")
    raw_events = data.get("events", [])
    if not isinstance(raw_events, list):
        msg = f"{origin}: events must be a list"
        raise WeatherError(msg)
    events = tuple(_event_from_mapping(e, i, origin, start) for i, e in enumerate(raw_events))
    name = data.get("name", origin)
    description = data.get("description", "")
    if not isinstance(name, str) or not isinstance(description, str):
        msg = f"{origin}: name and description must be strings"
        raise WeatherError(msg)
    return ScenarioField(name=name, base=base, events=events, description=description)


def load_scenario(path: str | Path, *, start: dt.datetime | None = None) -> ScenarioField:
    """Read a scenario JSON file (format in the module docstring).

    Parameters
    ----------
    path
        A ``.json`` file.
    start
        Aware datetime that relative (duration) times count from.

    Returns
    -------
    ScenarioField
        Named after the file's ``name`` key, else the file name.

    Raises
    ------
    WeatherError
        If the file is not valid JSON or the scenario is malformed.
    FileNotFoundError
        If the file does not exist.
    """
    file = Path(path)
    if not file.is_file():
        msg = f"scenario file {str(file)!r} does not exist"
        raise FileNotFoundError(msg)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        msg = f"scenario file {file.name!r} is not valid JSON: {err}"
        raise WeatherError(msg) from err
    if isinstance(data, dict):
        data.setdefault("name", file.name)
    return scenario_from_dict(data, start=start, origin=f"scenario file {file.name!r}")


_ANADYR = (177.5167, 64.7333)

BUILTIN_SCENARIOS: Final[Mapping[str, Mapping[str, Any]]] = MappingProxyType(
    {
        "calm": {"name": "calm", "description": "neutral weather", "base": {}, "events": []},
        "purga-anadyr": {
            "name": "purga-anadyr",
            "description": (
                "February at Anadyr (physics.md §5: -21.5 °C, 6 m/s), then a 54 h purga of "
                "28 m/s with 100 m visibility (§4: 25-30 m/s, 1-3 days) that comes in from "
                "the Gulf of Anadyr across the 180th meridian six hours after departure, "
                "passes over Anadyr a day later and dies out to the north-west."
            ),
            "base": {
                "wind_ms": 6,
                "temperature_c": -21.5,
                "visibility_km": 10,
                "snow_depth_cm": 40,
            },
            "events": [
                {
                    "type": "storm",
                    "start": "PT6H",
                    "end": "PT60H",
                    "track": [
                        [-179.5, 63.0, "PT6H"],
                        [_ANADYR[0], _ANADYR[1], "PT30H"],
                        [174.0, 65.6, "PT60H"],
                    ],
                    "radius_km": 250,
                    "wind_ms": 28,
                    "visibility_km": 0.1,
                    "temperature_c": -15,
                    "fresh_snow_cm": 25,
                }
            ],
        },
        "cold-snap-interior": {
            "name": "cold-snap-interior",
            "description": (
                "Ordinary interior cold (-28 °C, 3 m/s), then four days of -50 °C still air "
                "over the Anadyr highlands and the Bilibino-Markovo interior from 12 h after "
                "departure (physics.md §5: interior -40 to -53 °C in forecasts)."
            ),
            "base": {"wind_ms": 3, "temperature_c": -28, "visibility_km": 20, "snow_depth_cm": 50},
            "events": [
                {
                    "type": "cold",
                    "start": "PT12H",
                    "end": "PT108H",
                    "center": [166.5, 66.5],
                    "radius_km": 400,
                    "temperature_c": -50,
                    "wind_ms": 1,
                }
            ],
        },
    }
)
"""Built-in scenarios in the JSON format, with times relative to the trip start."""


def scenario(name_or_path: str | Path, *, start: dt.datetime | None = None) -> ScenarioField:
    """A built-in scenario by name, or a scenario file.

    Parameters
    ----------
    name_or_path
        ``"calm"``, ``"purga-anadyr"``, ``"cold-snap-interior"`` or a ``.json`` path.
    start
        Aware datetime (the departure) that relative times count from; required for the
        built-ins except ``calm``.

    Returns
    -------
    ScenarioField

    Raises
    ------
    WeatherError
        For an unknown name (with the closest names) or a malformed file.

    Examples
    --------
    >>> import datetime as dt
    >>> depart = dt.datetime(2025, 2, 10, 8, tzinfo=dt.timezone(dt.timedelta(hours=12)))
    >>> storm = scenario("purga-anadyr", start=depart)
    >>> storm.events[0].start - depart
    datetime.timedelta(days=1)
    """
    text = str(name_or_path)
    if text in BUILTIN_SCENARIOS:
        return scenario_from_dict(
            BUILTIN_SCENARIOS[text], start=start, origin=f"built-in scenario {text!r}"
        )
    if text.endswith(".json") or Path(text).is_file():
        return load_scenario(text, start=start)
    close = difflib.get_close_matches(text, list(BUILTIN_SCENARIOS), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    msg = (
        f"unknown scenario {text!r}{hint} (built-in: {', '.join(BUILTIN_SCENARIOS)}; "
        "or give a .json file)"
    )
    raise WeatherError(msg)


# ---------------------------------------------------------------------------------------------
# Gridded fields (xarray; imported lazily)

_LON_NAMES: Final = ("longitude", "lon", "x_lon", "nav_lon")
_LAT_NAMES: Final = ("latitude", "lat", "y_lat", "nav_lat")
_TIME_NAMES: Final = ("valid_time", "time", "step")
_SPEED_NAMES: Final = ("si10", "ws10", "wind_speed", "wspd10", "sfcWind")
_UV_NAMES: Final = (("u10", "v10"), ("u10m", "v10m"), ("ugrd10m", "vgrd10m"), ("uas", "vas"))
_TEMP_NAMES: Final = ("t2m", "tas", "t2", "tmp2m", "air_temperature")
_VIS_NAMES: Final = ("vis", "visibility")
_SNOW_NAMES: Final = ("sde", "snod", "snow_depth", "sd", "sdwe")
_SNOW_DENSITY_NAMES: Final = ("rsn",)
DEFAULT_SNOW_DENSITY_KG_M3: Final = 300.0
"""Density of wind-packed tundra snow used to turn snow water equivalent into depth, kg/m³ [GK]."""


def _norm_units(units: object) -> str:
    return re.sub(r"\s+", " ", str(units).strip().lower())


def _unit_factor(
    var: str, units: object, table: Mapping[str, tuple[float, float]], expected: str
) -> tuple[float, float]:
    key = _norm_units(units)
    if key not in table:
        msg = (
            f"variable {var!r} has units {units!r}; expected {expected} "
            "(set ds[var].attrs['units'] or convert the file)"
        )
        raise WeatherError(msg)
    return table[key]


_MS = (1.0, 0.0)
_WIND_UNITS: Final = MappingProxyType(
    {
        **dict.fromkeys(("m s**-1", "m s-1", "m/s", "m s^-1", "m.s-1", "ms-1", "m s-¹"), _MS),
        **dict.fromkeys(("meter second-1", "metre second-1", "meters per second"), _MS),
        **dict.fromkeys(("km h-1", "km/h", "km h**-1", "kph"), (1 / 3.6, 0.0)),
        **dict.fromkeys(("knots", "knot", "kt", "kts"), (0.514444, 0.0)),
    }
)
_TEMP_UNITS: Final = MappingProxyType(
    {
        **dict.fromkeys(
            ("k", "kelvin", "degk", "deg k", "degrees_k", "degree_kelvin"), (1.0, -273.15)
        ),
        **dict.fromkeys(
            ("degc", "deg c", "°c", "c", "celsius", "degree_celsius", "degrees_c", "deg_c"),
            (1.0, 0.0),
        ),
        **dict.fromkeys(("degf", "°f", "fahrenheit", "degrees_f"), (5 / 9, -32 * 5 / 9)),
    }
)
_VIS_UNITS: Final = MappingProxyType(
    {
        **dict.fromkeys(("m", "metre", "meter", "metres", "meters"), (1e-3, 0.0)),
        **dict.fromkeys(("km", "kilometre", "kilometer", "kilometres", "kilometers"), (1.0, 0.0)),
    }
)


@dataclass(frozen=True, slots=True, eq=False)
class GriddedField(WeatherField):
    """Weather on a regular latitude/longitude grid, bilinear in space, linear in time.

    Build one with `open_gridded` or `gridded_from_dataset`; arrays are in memory.

    Attributes
    ----------
    name : str
        Label for reports (the file name).
    lon : ndarray of float64, shape (nx,)
        Grid longitudes, degrees east, strictly increasing (may exceed 180 to stay
        continuous across the antimeridian).
    lat : ndarray of float64, shape (ny,)
        Grid latitudes, degrees north, strictly increasing.
    time_s : ndarray of float64, shape (nt,)
        Valid times, Unix seconds (UTC), strictly increasing.
    wind_ms, temperature_c : ndarray of float64, shape (nt, ny, nx)
        Wind speed at 10 m (m/s) and air temperature (°C).
    visibility_km : ndarray of float64, shape (nt, ny, nx)
        Visibility, km (estimated from the wind when the file has none; see `notes`).
    snow_depth_cm : ndarray of float64, shape (nt, ny, nx)
        Snow depth, cm (0 when the file has none; see `notes`).
    notes : tuple of str
        Fallbacks used, for reports.
    """

    name: str
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    time_s: NDArray[np.float64]
    wind_ms: NDArray[np.float64]
    temperature_c: NDArray[np.float64]
    visibility_km: NDArray[np.float64]
    snow_depth_cm: NDArray[np.float64]
    notes: tuple[str, ...] = ()

    @property
    def time_range(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """First and last valid time of the data (UTC)."""
        return (
            dt.datetime.fromtimestamp(float(self.time_s[0]), tz=dt.UTC),
            dt.datetime.fromtimestamp(float(self.time_s[-1]), tz=dt.UTC),
        )

    def conditions(self, lon_deg: ArrayLike, lat_deg: ArrayLike, when: dt.datetime) -> Conditions:
        """Conditions at points at one instant (see `WeatherField.conditions`)."""
        lon, lat = _points(lon_deg, lat_deg)
        t = np.array([_aware(when, "time").timestamp()])
        out = self._prepared(t)(lon, lat)
        return Conditions(*(np.ravel(a) for a in _fields(out)))

    def sampler(self, start: dt.datetime, step_h: float, n_steps: int) -> Sampler:
        """Bulk sampler, worst of the sub-instants of each step (see `WeatherField.sampler`)."""
        _check_axis(start, step_h, n_steps)
        instants, m = self._instants(start, step_h, n_steps)
        prepared = self._prepared(instants)

        def sample(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> Conditions:
            return prepared(lon, lat).worst_over_last_axis(m)

        return sample

    def _instants(
        self, start: dt.datetime, step_h: float, n_steps: int
    ) -> tuple[NDArray[np.float64], int]:
        """Sub-instants of every step (Unix s, step-major) and how many per step.

        Steps are sampled at the file's typical time spacing (its median, so one odd gap,
        e.g. a sharp change written one second after an hour, cannot multiply the work),
        with at most `MAX_SUB_INSTANTS` per step.
        """
        edges = _step_edges_s(start, step_h, n_steps)
        data_step = float(np.median(np.diff(self.time_s)))
        m = max(1, min(MAX_SUB_INSTANTS, math.ceil(step_h * 3600.0 / data_step - 1e-9)))
        frac = (np.arange(m) + 0.5) / m
        return (edges[:-1, None] + frac[None, :] * (step_h * 3600.0)).ravel(), m

    def _rows(self, t_s: NDArray[np.float64]) -> tuple[NDArray[np.float64], ...]:
        """Grid values at the instants: (wind, temp, vis, depth, fresh), each (ny * nx, n_t)."""
        first, last = self.time_s[0], self.time_s[-1]
        if t_s.min() < first - 1e-6 or t_s.max() > last + 1e-6:
            bad = t_s[(t_s < first - 1e-6) | (t_s > last + 1e-6)][0]
            when = dt.datetime.fromtimestamp(float(bad), tz=dt.UTC)
            lo, hi = self.time_range
            msg = (
                f"weather {self.name!r} has data from {_iso(lo)} to {_iso(hi)}; asked for "
                f"{_iso(when)}; check covers(start, end) first"
            )
            raise WeatherError(msg)

        def at(times: NDArray[np.float64], cube: NDArray[np.float64]) -> NDArray[np.float64]:
            k = np.clip(
                np.searchsorted(self.time_s, times, side="right") - 1, 0, self.time_s.size - 2
            )
            w = np.clip((times - self.time_s[k]) / (self.time_s[k + 1] - self.time_s[k]), 0, 1)
            grid = cube[k] * (1 - w)[:, None, None] + cube[k + 1] * w[:, None, None]
            # (n_times, ny, nx) -> (ny * nx, n_times): one contiguous row per grid node
            return np.ascontiguousarray(grid.reshape(times.size, -1).T)

        depth = at(t_s, self.snow_depth_cm)
        earlier = at(np.maximum(t_s - 86400.0, first), self.snow_depth_cm)
        return (
            at(t_s, self.wind_ms),
            at(t_s, self.temperature_c),
            at(t_s, self.visibility_km),
            depth,
            np.maximum(depth - earlier, 0.0),
        )

    def _corners(
        self, lon: NDArray[np.float64], lat: NDArray[np.float64]
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Bilinear corners (rows of `_rows`) and weights of each point: (n, 4) each."""
        i, wx, j, wy = self._locate(lon, lat)
        nx = self.lon.size
        i00 = j * nx + i
        corners = np.stack((i00, i00 + 1, i00 + nx, i00 + nx + 1), axis=1)
        weights = np.stack(((1 - wx) * (1 - wy), wx * (1 - wy), (1 - wx) * wy, wx * wy), axis=1)
        return np.ascontiguousarray(corners), np.ascontiguousarray(weights)

    def _prepared(self, t_s: NDArray[np.float64]) -> Sampler:
        """Interpolate in time on the grid once; return a spatial interpolator over points."""
        wind, temp, vis, depth, fresh = self._rows(t_s)

        def interpolate(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> Conditions:
            corners, weights = self._corners(lon, lat)

            def bilinear(rows: NDArray[np.float64]) -> NDArray[np.float64]:
                out: NDArray[np.float64] = rows[corners[:, 0]] * weights[:, 0:1]
                for k in range(1, 4):
                    out += rows[corners[:, k]] * weights[:, k : k + 1]
                return out

            w_pts = bilinear(wind)
            f_pts = bilinear(fresh)
            return Conditions(
                wind_ms=w_pts,
                temperature_c=bilinear(temp),
                visibility_km=bilinear(vis),
                snow_depth_cm=bilinear(depth),
                fresh_snow_cm=f_pts,
                blowing_snow=(w_pts >= BLOWING_SNOW_WIND_MS) | (f_pts > 0.0),
            )

        return interpolate

    def _locate(
        self, lon: NDArray[np.float64], lat: NDArray[np.float64]
    ) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
        x = self.lon[0] + np.mod(lon - self.lon[0], 360.0)
        tol = 1e-9
        outside = (x > self.lon[-1] + tol) | (lat < self.lat[0] - tol) | (lat > self.lat[-1] + tol)
        if outside.any():
            k = int(np.flatnonzero(outside)[0])
            msg = (
                f"{int(outside.sum())} sample point(s) lie outside weather {self.name!r} "
                f"(lon {normalize_lon(self.lon[0]):g} to {normalize_lon(self.lon[-1]):g} east, "
                f"lat {self.lat[0]:g} to {self.lat[-1]:g}), e.g. ({lon[k]:g}, {lat[k]:g}); "
                "use a grid that spans the route"
            )
            raise WeatherError(msg)
        i = np.clip(np.searchsorted(self.lon, x, side="right") - 1, 0, self.lon.size - 2)
        j = np.clip(np.searchsorted(self.lat, lat, side="right") - 1, 0, self.lat.size - 2)
        wx = np.clip((x - self.lon[i]) / (self.lon[i + 1] - self.lon[i]), 0.0, 1.0)
        wy = np.clip((lat - self.lat[j]) / (self.lat[j + 1] - self.lat[j]), 0.0, 1.0)
        return i.astype(np.int64), wx, j.astype(np.int64), wy


def _find(names: Sequence[str], available: Mapping[str, Any]) -> str | None:
    lowered = {k.lower(): k for k in available}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def gridded_from_dataset(
    ds: Any,
    *,
    name: str = "gridded",
    snow_density_kg_m3: float = DEFAULT_SNOW_DENSITY_KG_M3,
) -> GriddedField:
    """Build a `GriddedField` from an ``xarray.Dataset`` (ERA5 or GFS naming).

    Recognised variables: wind as ``si10`` (or ``ws10``, ``wind_speed``) or components
    ``u10``/``v10`` (``uas``/``vas``, ``ugrd10m``/``vgrd10m``); temperature ``t2m`` (``tas``,
    ``tmp2m``) in K, °C or °F; optional visibility ``vis`` in m or km; optional snow depth
    ``sde``/``snod`` (depth, m or cm) or ``sd``/``sdwe`` (water equivalent, m or kg m-2,
    turned into depth with ERA5's ``rsn`` density or `snow_density_kg_m3`). Coordinates
    ``latitude``/``lat``, ``longitude``/``lon`` (0..360 or -180..180, also a regional grid
    across the antimeridian) and ``valid_time``/``time``. Units come from each variable's
    ``units`` attribute (CF); size-1 extra dimensions are dropped.

    Without visibility, visibility is estimated from the wind
    (`arcticroute.physics.blowing_snow_visibility_km`); without snow depth, snow is 0; both
    fallbacks are recorded in ``notes`` for reports. Fresh snow is the rise in snow depth over
    the previous 24 h (from the first record in the first day).

    Parameters
    ----------
    ds : xarray.Dataset
        The data (loaded into memory here).
    name
        Label for reports.
    snow_density_kg_m3
        Snow density for water-equivalent snow depth when the file has no ``rsn``, kg/m³.

    Returns
    -------
    GriddedField

    Raises
    ------
    WeatherError
        Missing variables or coordinates, unknown units, NaNs, implausible values, or a grid
        that is not a regular latitude/longitude grid, each named.
    """
    where = f"weather {name!r}"
    variables = {str(k): ds[k] for k in ds.data_vars}
    coords = {str(k): ds[k] for k in ds.coords} | variables
    lon_name = _find(_LON_NAMES, coords)
    lat_name = _find(_LAT_NAMES, coords)
    if lon_name is None or lat_name is None:
        msg = f"{where}: no longitude/latitude coordinates (expected longitude/latitude or lon/lat)"
        raise WeatherError(msg)
    temp_name = _find(_TEMP_NAMES, variables)
    speed_name = _find(_SPEED_NAMES, variables)
    uv = next(
        ((u, v) for u, v in _UV_NAMES if _find((u,), variables) and _find((v,), variables)),
        None,
    )
    missing = []
    if temp_name is None:
        missing.append("2 m temperature (t2m)")
    if speed_name is None and uv is None:
        missing.append("10 m wind (u10 and v10, or si10)")
    if missing:
        msg = (
            f"{where}: missing {' and '.join(missing)}; the file has "
            f"{', '.join(sorted(variables)) or 'no data variables'}"
        )
        raise WeatherError(msg)
    assert temp_name is not None  # for mypy: checked above
    lon_dim = coords[lon_name].dims
    lat_dim = coords[lat_name].dims
    if len(lon_dim) != 1 or len(lat_dim) != 1:
        msg = (
            f"{where}: only regular latitude/longitude grids are supported (1-D lat and lon); "
            "regrid first"
        )
        raise WeatherError(msg)

    def cube(var: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        arr = ds[var]
        extra = [d for d in arr.dims if d not in (lon_dim[0], lat_dim[0]) and arr.sizes[d] == 1]
        arr = arr.squeeze(extra, drop=True) if extra else arr
        time_dims = [d for d in arr.dims if d not in (lon_dim[0], lat_dim[0])]
        if len(time_dims) != 1:
            msg = (
                f"{where}: variable {var!r} has dimensions {tuple(arr.dims)}; expected (time, "
                "latitude, longitude) (select one ensemble member or level first, e.g. "
                "ds.isel(number=0))"
            )
            raise WeatherError(msg)
        tdim = time_dims[0]
        arr = arr.transpose(tdim, lat_dim[0], lon_dim[0])
        tcoord = (
            ds["valid_time"]
            if "valid_time" in ds.coords and ds["valid_time"].dims == (tdim,)
            else arr[tdim]
        )
        values = np.asarray(tcoord.values)
        if values.dtype.kind != "M":
            msg = f"{where}: time {tdim!r} is not decoded to datetimes (dtype {values.dtype})"
            raise WeatherError(msg)
        t_s = values.astype("datetime64[ms]").astype(np.int64).astype(np.float64) / 1000.0
        data = np.asarray(arr.values, dtype=np.float64)
        n_nan = int(np.isnan(data).sum())
        if n_nan:
            msg = (
                f"{where}: variable {var!r} has {n_nan} missing (NaN) values; fill them "
                "(e.g. ds.ffill('time')) or crop the grid to where data exist"
            )
            raise WeatherError(msg)
        return t_s, data

    def converted(
        var: str, table: Mapping[str, tuple[float, float]], expected: str
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        units = ds[var].attrs.get("units")
        if units is None:
            msg = f"{where}: variable {var!r} has no units attribute; expected {expected}"
            raise WeatherError(msg)
        scale, offset = _unit_factor(var, units, table, expected)
        t_s, data = cube(var)
        return t_s, data * scale + offset

    time_s, temp = converted(temp_name, _TEMP_UNITS, "K, degC or degF")
    if temp.min() < -90 or temp.max() > 60:
        msg = (
            f"{where}: {temp_name!r} ranges {temp.min():.1f}..{temp.max():.1f} °C after "
            f"converting from {ds[temp_name].attrs.get('units')!r}; the units attribute is wrong"
        )
        raise WeatherError(msg)
    if speed_name is not None:
        _, wind = converted(speed_name, _WIND_UNITS, "m s-1, km h-1 or knots")
    else:
        assert uv is not None
        u_name = _find((uv[0],), variables)
        v_name = _find((uv[1],), variables)
        assert u_name is not None
        assert v_name is not None
        _, u = converted(u_name, _WIND_UNITS, "m s-1, km h-1 or knots")
        _, v = converted(v_name, _WIND_UNITS, "m s-1, km h-1 or knots")
        wind = np.hypot(u, v)
    if wind.min() < 0 or wind.max() > 150:
        msg = (
            f"{where}: wind speeds {wind.min():.1f}..{wind.max():.1f} m/s are implausible; "
            "check the units"
        )
        raise WeatherError(msg)
    notes: list[str] = []
    vis_name = _find(_VIS_NAMES, variables)
    if vis_name is not None:
        _, vis = converted(vis_name, _VIS_UNITS, "m or km")
        vis = np.maximum(vis, 1e-3)
    else:
        vis = physics.blowing_snow_visibility_km(wind)
        notes.append("visibility estimated from wind (blowing-snow model): the file has no 'vis'")
    snow_name = _find(_SNOW_NAMES, variables)
    if snow_name is not None:
        depth = _snow_depth_cm(ds, snow_name, cube, snow_density_kg_m3, where, notes)
    else:
        depth = np.zeros_like(wind)
        notes.append("snow depth 0 and no fresh snow: the file has no snow depth ('sd' or 'sde')")

    if time_s.size < 2:
        msg = f"{where}: needs at least two times to interpolate, has {time_s.size}"
        raise WeatherError(msg)
    lon = np.asarray(ds[lon_name].values, dtype=np.float64)
    lat = np.asarray(ds[lat_name].values, dtype=np.float64)
    if lon.size < 2 or lat.size < 2:
        msg = f"{where}: needs at least two longitudes and two latitudes"
        raise WeatherError(msg)
    # time ascending
    order_t = np.argsort(time_s, kind="stable")
    time_s = time_s[order_t]
    if np.any(np.diff(time_s) <= 0):
        msg = f"{where}: repeated valid times"
        raise WeatherError(msg)
    cubes = [c[order_t] for c in (wind, temp, vis, depth)]
    # latitude ascending
    order_y = np.argsort(lat, kind="stable")
    lat = lat[order_y]
    cubes = [c[:, order_y, :] for c in cubes]
    # longitude: continuous across the antimeridian; the largest gap becomes the grid edge
    lon_mod = np.mod(lon, 360.0)
    order_x = np.argsort(lon_mod, kind="stable")
    lon_mod = lon_mod[order_x]
    cubes = [c[:, :, order_x] for c in cubes]
    gaps = np.diff(np.concatenate((lon_mod, [lon_mod[0] + 360.0])))
    cut = int(np.argmax(gaps)) + 1
    lon_cont = np.concatenate((lon_mod[cut:], lon_mod[:cut] + 360.0))
    cubes = [np.concatenate((c[:, :, cut:], c[:, :, :cut]), axis=2) for c in cubes]
    lon_cont = lon_cont - 360.0 * np.floor(lon_cont[0] / 360.0 + 0.5)  # first lon in [-180, 180)
    step = np.median(np.diff(lon_cont))
    if lon_cont[-1] - lon_cont[0] + 1.5 * step >= 360.0:  # global: close the ring
        lon_cont = np.append(lon_cont, lon_cont[0] + 360.0)
        cubes = [np.concatenate((c, c[:, :, :1]), axis=2) for c in cubes]
    if np.any(np.diff(lon_cont) <= 0) or np.any(np.diff(lat) <= 0):
        msg = f"{where}: repeated longitudes or latitudes in the grid"
        raise WeatherError(msg)
    return GriddedField(
        name=name,
        lon=lon_cont,
        lat=lat,
        time_s=time_s,
        wind_ms=np.ascontiguousarray(cubes[0]),
        temperature_c=np.ascontiguousarray(cubes[1]),
        visibility_km=np.ascontiguousarray(cubes[2]),
        snow_depth_cm=np.ascontiguousarray(cubes[3]),
        notes=tuple(notes),
    )


def _snow_depth_cm(
    ds: Any,
    var: str,
    cube: Callable[[str], tuple[NDArray[np.float64], NDArray[np.float64]]],
    density: float,
    where: str,
    notes: list[str],
) -> NDArray[np.float64]:
    units = _norm_units(ds[var].attrs.get("units", ""))
    long_name = _norm_units(ds[var].attrs.get("long_name", ""))
    _, data = cube(var)
    water_equivalent = (
        "water equivalent" in units
        or "water equivalent" in long_name
        or var.lower() == "sdwe"
        or units.startswith("kg")
    )
    if water_equivalent:
        if units.startswith("kg") or units == "mm":
            swe_m = data / 1000.0
        elif units.startswith("m"):
            swe_m = data
        else:
            msg = (
                f"{where}: snow water equivalent {var!r} has units {units!r}; expected m or kg m-2"
            )
            raise WeatherError(msg)
        rho_name = _find(_SNOW_DENSITY_NAMES, {str(k): None for k in ds.data_vars})
        if rho_name is not None:
            _, rho = cube(rho_name)
            rho = np.clip(rho, 50.0, 917.0)
        else:
            rho = np.full_like(swe_m, density)
            notes.append(f"snow depth from water equivalent at {density:g} kg/m³ (no 'rsn')")
        depth: NDArray[np.float64] = swe_m * 1000.0 / rho * 100.0
        return depth
    if units in ("m", "metre", "meter", "metres", "meters"):
        return data * 100.0
    if units in ("cm", "centimetre", "centimeter"):
        return data
    msg = (
        f"{where}: snow depth {var!r} has units {units!r}; expected m, cm or m of water equivalent"
    )
    raise WeatherError(msg)


_GRIB_SUFFIXES: Final = (".grib", ".grib2", ".grb", ".grb2")
_NETCDF_SUFFIXES: Final = (".nc", ".nc4", ".netcdf", ".cdf", ".h5", ".hdf5")


def open_gridded(
    path: str | Path,
    *,
    name: str | None = None,
    snow_density_kg_m3: float = DEFAULT_SNOW_DENSITY_KG_M3,
) -> GriddedField:
    """Read a netCDF or GRIB file of ERA5 or GFS surface fields.

    Needs the ``weather`` extra (xarray and netCDF4; cfgrib and eccodes for GRIB). See
    `gridded_from_dataset` for the variables and units recognised.

    Parameters
    ----------
    path
        A ``.nc`` or ``.grib`` file.
    name
        Label for reports (default: the file name).
    snow_density_kg_m3
        Snow density for water-equivalent snow depth, kg/m³.

    Returns
    -------
    GriddedField

    Raises
    ------
    WeatherError
        If xarray (or cfgrib) is missing or the file is malformed.
    FileNotFoundError
        If the file does not exist.
    """
    file = Path(path)
    if not file.is_file():
        msg = f"weather file {str(file)!r} does not exist"
        raise FileNotFoundError(msg)
    try:
        import xarray as xr
    except ImportError as err:  # pragma: no cover - depends on the environment
        msg = "gridded weather needs xarray and netCDF4: pip install 'arcticroute[weather]'"
        raise WeatherError(msg) from err
    engine = None
    if file.suffix.lower() in _GRIB_SUFFIXES:
        try:
            import cfgrib  # type: ignore[import-not-found]  # noqa: F401
        except ImportError as err:
            msg = "GRIB files need cfgrib and eccodes: pip install cfgrib eccodes"
            raise WeatherError(msg) from err
        engine = "cfgrib"
    try:
        with xr.open_dataset(file, engine=engine) as ds:
            return gridded_from_dataset(
                ds.load(), name=name or file.name, snow_density_kg_m3=snow_density_kg_m3
            )
    except (OSError, ValueError) as err:
        if isinstance(err, WeatherError):
            raise
        msg = f"weather file {file.name!r} could not be read: {err}"
        raise WeatherError(msg) from err


# ---------------------------------------------------------------------------------------------
# Stochastic climatology


@dataclass(frozen=True, slots=True)
class Station:
    """A climate station whose weather stands for the points nearest to it.

    Attributes
    ----------
    name : str
        Settlement name.
    lon, lat : float
        Degrees east and north.
    zone : str
        Key into the climatology's zones (``"coast"`` or ``"interior"``).
    """

    name: str
    lon: float
    lat: float
    zone: str


DEFAULT_STATIONS: Final = (
    Station("Anadyr", 177.5167, 64.7333, "coast"),
    Station("Beringovsky", 179.31, 63.0497, "coast"),
    Station("Khatyrka", 175.2894, 62.0617, "coast"),
    Station("Egvekinot", -179.1233, 66.3183, "coast"),
    Station("Provideniya", -173.2258, 64.4233, "coast"),
    Station("Lavrentiya", -170.9889, 65.5842, "coast"),
    Station("Mys Shmidta", -179.3733, 68.8683, "coast"),
    Station("Pevek", 170.2833, 69.7, "coast"),
    Station("Markovo", 170.4167, 64.6833, "interior"),
    Station("Ust-Belaya", 173.275, 65.5042, "interior"),
    Station("Bilibino", 166.45, 68.05, "interior"),
    Station("Omolon", 160.5378, 65.2308, "interior"),
    Station("Amguema", -178.8775, 67.0456, "interior"),
)
"""Stations (coordinates from seeds/settlements.csv); each point takes its nearest station."""


@dataclass(frozen=True, slots=True)
class ZoneClimate:
    """Parameters of the weather generator for one zone.

    Attributes
    ----------
    purga_start_per_day : float
        Probability that a purga starts on a day when none is blowing (physics.md §4 [GK]:
        0.06-0.12 coast, 0.02-0.05 interior).
    purga_mean_days : float
        Mean purga duration, days (§4: 1.5-2.5); drawn from a gamma law of shape 4, clipped
        to [0.5, 5] days.
    monthly_temp_c : tuple of 12 float
        Mean daily air temperature by month (Jan..Dec), °C.
    temp_sd_c : float
        Standard deviation of the daily temperature anomaly, °C.
    temp_ar1 : float
        Day-to-day autocorrelation of the anomaly.
    mean_wind_ms : float
        Mean daily wind outside purgas, m/s (gamma law of shape 2.5, capped at 14 m/s).
    purga_wind_ms : tuple of float
        Range of the mean wind in a purga, m/s (uniform).
    purga_visibility_km : float
        Median visibility in a purga, km (log-normal, sigma 0.5, clipped to 0.03-0.4 km).
    purga_warming_c : float
        Air in a purga is this much warmer than the day's mean, °C.
    purga_fresh_snow_cm : float
        Fresh drifted snow during a purga, cm; it settles linearly over the next 24 h.
    snow_depth_cm : float
        Snow on the ground, cm.
    """

    purga_start_per_day: float
    purga_mean_days: float
    monthly_temp_c: tuple[float, ...]
    temp_sd_c: float = 6.0
    temp_ar1: float = 0.7
    mean_wind_ms: float = 6.0
    purga_wind_ms: tuple[float, float] = (20.0, 30.0)
    purga_visibility_km: float = 0.1
    purga_warming_c: float = 6.0
    purga_fresh_snow_cm: float = 20.0
    snow_depth_cm: float = 40.0

    def __post_init__(self) -> None:
        if len(self.monthly_temp_c) != 12:
            msg = f"monthly_temp_c needs 12 values (Jan..Dec), got {len(self.monthly_temp_c)}"
            raise WeatherError(msg)
        if not 0 <= self.purga_start_per_day <= 1 or self.purga_mean_days <= 0:
            msg = "purga_start_per_day must lie in [0, 1] and purga_mean_days be positive"
            raise WeatherError(msg)


DEFAULT_ZONES: Final[Mapping[str, ZoneClimate]] = MappingProxyType(
    {
        # Anadyr: Jan-Apr from physics.md §5 [GK est.]; other months and winds [GK]; purga §4.
        "coast": ZoneClimate(
            purga_start_per_day=0.09,
            purga_mean_days=2.0,
            monthly_temp_c=(
                -22.0,
                -21.5,
                -19.0,
                -12.5,
                -3.0,
                5.0,
                11.0,
                10.0,
                4.0,
                -7.0,
                -14.0,
                -19.0,
            ),
            temp_sd_c=6.0,
            mean_wind_ms=7.0,
            purga_wind_ms=(20.0, 30.0),
            purga_warming_c=6.0,
            purga_fresh_snow_cm=20.0,
            snow_depth_cm=40.0,
        ),
        # Markovo / Bilibino: calmer, much colder (§4, §5 "interior -40 to -53 °C") [GK].
        "interior": ZoneClimate(
            purga_start_per_day=0.035,
            purga_mean_days=1.5,
            monthly_temp_c=(
                -32.0,
                -30.0,
                -24.0,
                -14.0,
                -2.0,
                9.0,
                13.0,
                9.0,
                1.0,
                -12.0,
                -25.0,
                -30.0,
            ),
            temp_sd_c=7.0,
            mean_wind_ms=3.0,
            purga_wind_ms=(15.0, 25.0),
            purga_warming_c=4.0,
            purga_fresh_snow_cm=15.0,
            snow_depth_cm=55.0,
        ),
    }
)
"""Zone climates for the default stations."""


@dataclass(frozen=True, slots=True)
class Purga:
    """One purga in a stochastic member.

    Attributes
    ----------
    station : str
        Station name.
    start, end : datetime
        Window (UTC), ``[start, end)``.
    wind_ms : float
        Mean wind, m/s.
    visibility_km : float
        Visibility, km.
    """

    station: str
    start: dt.datetime
    end: dt.datetime
    wind_ms: float
    visibility_km: float


@dataclass(frozen=True, slots=True, eq=False)
class StochasticField(WeatherField):
    """One ensemble member of a `Climatology`: hourly series per station.

    Each point takes the weather of its nearest station (great-circle). Hour ``h`` holds for
    ``[start + h, start + h + 1)``.

    Attributes
    ----------
    name : str
        Label (``"climatology member 3 (seed 42)"``).
    start : datetime
        Hour 0 (UTC, whole hour).
    stations : tuple of Station
        Stations, in array row order.
    wind_ms, temperature_c, visibility_km, snow_depth_cm, fresh_snow_cm : ndarray
        Shape (n_stations, n_hours), float64, units as in `Conditions`.
    blowing_snow : ndarray of bool, shape (n_stations, n_hours)
        Blowing snow or purga.
    purgas : tuple of Purga
        The purgas drawn, by station then time.
    purga_onsets : ndarray of int64, shape (n_stations,)
        Purgas started per station.
    days_at_risk : ndarray of int64, shape (n_stations,)
        Days on which a purga could start (none blowing at the day's start).
    notes : tuple of str
        For reports.
    """

    name: str
    start: dt.datetime
    stations: tuple[Station, ...]
    wind_ms: NDArray[np.float64]
    temperature_c: NDArray[np.float64]
    visibility_km: NDArray[np.float64]
    snow_depth_cm: NDArray[np.float64]
    fresh_snow_cm: NDArray[np.float64]
    blowing_snow: NDArray[np.bool_]
    purgas: tuple[Purga, ...]
    purga_onsets: NDArray[np.int64]
    days_at_risk: NDArray[np.int64]
    notes: tuple[str, ...] = ()

    @property
    def n_hours(self) -> int:
        """Length of the series, hours."""
        return int(self.wind_ms.shape[1])

    @property
    def time_range(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """From hour 0 to the end of the last hour (UTC)."""
        return self.start, self.start + dt.timedelta(hours=self.n_hours)

    def nearest_station(self, lon_deg: ArrayLike, lat_deg: ArrayLike) -> NDArray[np.int64]:
        """Index of the nearest station for each point (great-circle, antimeridian-safe).

        Parameters
        ----------
        lon_deg, lat_deg
            Points, degrees east and north.

        Returns
        -------
        ndarray of int64
            Row index into the station arrays.
        """
        lon, lat = _points(lon_deg, lat_deg)
        return self._nearest(_unit_vectors(lon, lat))

    def _nearest(self, unit: NDArray[np.float64]) -> NDArray[np.int64]:
        st = _unit_vectors(
            np.array([s.lon for s in self.stations]), np.array([s.lat for s in self.stations])
        )
        out: NDArray[np.int64] = np.argmax(unit @ st.T, axis=1).astype(np.int64)
        return out

    def conditions(self, lon_deg: ArrayLike, lat_deg: ArrayLike, when: dt.datetime) -> Conditions:
        """Conditions at points at one instant (see `WeatherField.conditions`)."""
        hour = (_aware(when, "time") - self.start).total_seconds() / 3600.0
        if not 0 <= hour < self.n_hours:
            self.require_cover(when, when)
            hour = min(max(hour, 0), self.n_hours - 1)
        rows = self.nearest_station(lon_deg, lat_deg)
        h = math.floor(hour)
        return Conditions(*(a[rows, h] for a in self._series()))

    def _series(self) -> tuple[NDArray[Any], ...]:
        return (
            self.wind_ms,
            self.temperature_c,
            self.visibility_km,
            self.snow_depth_cm,
            self.fresh_snow_cm,
            self.blowing_snow,
        )

    def _per_station_steps(
        self, start: dt.datetime, step_h: float, n_steps: int
    ) -> tuple[NDArray[Any], ...]:
        """Worst of the hours each step touches, per station: arrays (n_stations, n_steps)."""
        _check_axis(start, step_h, n_steps)
        self.require_cover(start, start + dt.timedelta(hours=step_h * n_steps))
        offset_h = (start - self.start).total_seconds() / 3600.0
        k = np.arange(n_steps, dtype=np.float64)
        lo = np.floor(offset_h + k * step_h + 1e-9).astype(np.int64)
        hi = np.maximum(np.ceil(offset_h + (k + 1) * step_h - 1e-9).astype(np.int64), lo + 1)
        hi = np.minimum(hi, self.n_hours)
        lo = np.minimum(lo, hi - 1)
        idx = np.empty(2 * n_steps, dtype=np.int64)
        idx[0::2], idx[1::2] = lo, hi

        def fold(series: NDArray[Any], ufunc: np.ufunc) -> NDArray[Any]:
            padded = np.concatenate((series, series[:, -1:]), axis=1)
            reduced: NDArray[Any] = ufunc.reduceat(padded, idx, axis=1)[:, 0::2]
            return reduced

        return (
            fold(self.wind_ms, np.maximum),
            fold(self.temperature_c, np.minimum),
            fold(self.visibility_km, np.minimum),
            fold(self.snow_depth_cm, np.maximum),
            fold(self.fresh_snow_cm, np.maximum),
            fold(self.blowing_snow, np.logical_or),
        )

    def sampler(self, start: dt.datetime, step_h: float, n_steps: int) -> Sampler:
        """Bulk sampler, worst of the hours each step touches (see `WeatherField.sampler`)."""
        per_station = self._per_station_steps(start, step_h, n_steps)

        def sample(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> Conditions:
            rows = self.nearest_station(lon, lat)
            return Conditions(*(np.take(a, rows, axis=0) for a in per_station))

        return sample

    def _cell_states(
        self, cells: _Cells, start: dt.datetime, step_h: float, n_steps: int
    ) -> list[tuple[Conditions, NDArray[np.bool_]]] | None:
        per_station = self._per_station_steps(start, step_h, n_steps)
        rows = self._nearest(cells.unit)
        has = np.zeros((cells.n_cells, len(self.stations)), dtype=np.bool_)
        has[cells.cell, rows] = True
        return [
            (Conditions(*(a[s : s + 1] for a in per_station)), has[:, s : s + 1])
            for s in np.flatnonzero(has.any(axis=0)).tolist()
        ]


def _default_zones() -> Mapping[str, ZoneClimate]:
    return DEFAULT_ZONES


@dataclass(frozen=True, slots=True)
class Climatology:
    """A seeded generator of plausible Chukotka winter weather, per station zone and month.

    Per station: a daily Markov chain of purga onsets (probability `purga_start_per_day` on
    each day with no purga blowing at its start; onset hour uniform; duration gamma-distributed
    with the zone's mean), daily temperature = monthly mean (interpolated between mid-months)
    + an AR(1) anomaly, daily wind from a gamma law (hourly values interpolated between
    days). In a purga: the zone's purga wind, log-normal visibility around 100 m, milder air,
    fresh drifted snow. Outside: visibility from the blowing-snow model of the wind.

    Attributes
    ----------
    start : datetime
        Hour 0 of every member (aware; floored to the whole hour).
    days : float
        Length of every member, days.
    stations : tuple of Station
        Default `DEFAULT_STATIONS`.
    zones : Mapping[str, ZoneClimate]
        Default `DEFAULT_ZONES`.

    Examples
    --------
    >>> import datetime as dt
    >>> clim = Climatology(start=dt.datetime(2025, 2, 1, tzinfo=dt.UTC), days=10)
    >>> a, b = clim.members(2, seed=7)
    >>> a.name
    'climatology member 0 (seed 7)'
    """

    start: dt.datetime
    days: float = 30.0
    stations: tuple[Station, ...] = DEFAULT_STATIONS
    zones: Mapping[str, ZoneClimate] = field(default_factory=_default_zones)

    def __post_init__(self) -> None:
        _aware(self.start, "climatology start")
        if not (math.isfinite(self.days) and 0 < self.days <= 3660):
            msg = f"days {self.days!r} must be a positive number of days (at most 3660)"
            raise WeatherError(msg)
        for station in self.stations:
            if station.zone not in self.zones:
                known = ", ".join(self.zones)
                msg = f"station {station.name!r} has zone {station.zone!r}; known zones: {known}"
                raise WeatherError(msg)

    def members(self, n: int, seed: int) -> list[StochasticField]:
        """Draw `n` ensemble members; the same seed gives the same members.

        Member ``i`` depends only on (seed, i), so ``members(5, s)[:3] == members(3, s)``.

        Parameters
        ----------
        n
            Number of members (>= 1).
        seed
            Non-negative integer seed.

        Returns
        -------
        list of StochasticField
        """
        if not isinstance(n, int) or n < 1:
            msg = f"n {n!r} must be a positive integer"
            raise WeatherError(msg)
        children = np.random.SeedSequence(seed).spawn(n)
        return [self._member(i, seed, np.random.default_rng(c)) for i, c in enumerate(children)]

    def _member(self, index: int, seed: int, rng: np.random.Generator) -> StochasticField:
        start = self.start.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
        n_days = math.ceil(self.days)
        n_hours = math.ceil(self.days * 24)
        n_st = len(self.stations)
        zones = [self.zones[s.zone] for s in self.stations]
        p = np.array([z.purga_start_per_day for z in zones])
        mean_d = np.array([z.purga_mean_days for z in zones])

        # purga Markov chain, one day at a time, all stations at once
        free_from = np.zeros(n_st)
        onsets = np.zeros(n_st, dtype=np.int64)
        at_risk_days = np.zeros(n_st, dtype=np.int64)
        events: list[tuple[int, float, float]] = []  # (station, start h, end h)
        for day in range(n_days):
            u, when, dur = rng.random(n_st), rng.random(n_st), rng.gamma(4.0, mean_d / 4.0)
            at_risk = free_from <= day
            at_risk_days += at_risk
            for s in np.flatnonzero(at_risk & (u < p)).tolist():
                begin = day + when[s]
                end = begin + float(np.clip(dur[s], 0.5, 5.0))
                events.append((int(s), begin * 24.0, end * 24.0))
                onsets[s] += 1
                free_from[s] = math.ceil(end)

        # daily temperature (monthly mean + AR(1)) and wind, interpolated to hours
        hours = np.arange(n_hours, dtype=np.float64) + 0.5
        day_mid = np.arange(n_days + 1, dtype=np.float64) + 0.5
        doy = np.array([(start + dt.timedelta(days=float(d))).timetuple().tm_yday for d in day_mid])
        month_mid = np.array([15.0, 45, 74, 105, 135, 166, 196, 227, 258, 288, 319, 349])
        temp = np.empty((n_st, n_hours))
        wind = np.empty((n_st, n_hours))
        for row, z in enumerate(zones):
            clim = np.interp(doy, month_mid, np.array(z.monthly_temp_c), period=365.0)
            shocks = rng.standard_normal(n_days + 1)
            anomaly = np.empty(n_days + 1)
            anomaly[0] = shocks[0] * z.temp_sd_c
            innov = math.sqrt(1 - z.temp_ar1**2) * z.temp_sd_c
            for d in range(1, n_days + 1):
                anomaly[d] = z.temp_ar1 * anomaly[d - 1] + innov * shocks[d]
            temp[row] = np.interp(hours / 24.0, day_mid, clim + anomaly)
            daily_wind = np.minimum(rng.gamma(2.5, z.mean_wind_ms / 2.5, n_days + 1), 14.0)
            wind[row] = np.interp(hours / 24.0, day_mid, daily_wind)
        vis = physics.blowing_snow_visibility_km(wind)
        fresh = np.zeros((n_st, n_hours))
        depth = np.array([[z.snow_depth_cm] for z in zones]) * np.ones((1, n_hours))

        purgas = []
        edges = np.arange(n_hours, dtype=np.float64)
        for s, begin_h, end_h in events:
            z = zones[s]
            in_purga = (edges < end_h) & (edges + 1.0 > begin_h)
            strength = float(rng.uniform(*z.purga_wind_ms))
            seen = float(
                np.clip(z.purga_visibility_km * math.exp(0.5 * rng.standard_normal()), 0.03, 0.4)
            )
            wind[s, in_purga] = strength
            vis[s, in_purga] = seen
            temp[s, in_purga] += z.purga_warming_c
            after = np.clip(1.0 - (edges - end_h) / 24.0, 0.0, 1.0) * (edges >= end_h)
            fresh[s] = np.maximum(fresh[s], np.where(in_purga, 1.0, after) * z.purga_fresh_snow_cm)
            purgas.append(
                Purga(
                    station=self.stations[s].name,
                    start=start + dt.timedelta(hours=begin_h),
                    end=start + dt.timedelta(hours=end_h),
                    wind_ms=strength,
                    visibility_km=seen,
                )
            )
        return StochasticField(
            name=f"climatology member {index} (seed {seed})",
            start=start,
            stations=self.stations,
            wind_ms=wind,
            temperature_c=temp,
            visibility_km=vis,
            snow_depth_cm=depth,
            fresh_snow_cm=fresh,
            blowing_snow=(wind >= BLOWING_SNOW_WIND_MS) | (fresh > 0.0),
            purgas=tuple(purgas),
            purga_onsets=onsets,
            days_at_risk=at_risk_days,
            notes=("stochastic climatology (physics.md §4-5 planning values, not a forecast)",),
        )


# ---------------------------------------------------------------------------------------------
# Resolving what a user typed


def weather_from_spec(
    spec: str | Path | WeatherField | None, *, start: dt.datetime
) -> WeatherField:
    """Resolve a weather argument to a field.

    Parameters
    ----------
    spec
        None or ``"calm"``; a built-in scenario name (``"purga-anadyr"``,
        ``"cold-snap-interior"``); a scenario ``.json`` file; a ``.nc`` / ``.grib`` file;
        ``"climatology"`` or ``"climatology:SEED"`` (one stochastic member, 60 days from
        `start`); or a `WeatherField`, returned as is.
    start
        Aware datetime of departure (relative scenario times count from it).

    Returns
    -------
    WeatherField

    Raises
    ------
    WeatherError
        For an unknown name (with the closest names), a naive `start`, or a malformed file.
    FileNotFoundError
        For a path that does not exist.
    """
    _aware(start)
    if spec is None:
        return calm()
    if isinstance(spec, WeatherField):
        return spec
    if not isinstance(spec, str | Path):
        msg = f"weather {spec!r} must be a name, a file path or a weather field"
        raise WeatherError(msg)
    text = str(spec).strip()
    if text.lower() == "calm":
        return calm()
    if text in BUILTIN_SCENARIOS:
        return scenario(text, start=start)
    if text.lower().startswith("climatology"):
        _, _, seed_text = text.partition(":")
        if seed_text and not seed_text.isdigit():
            msg = f"weather {text!r}: the seed after 'climatology:' must be a non-negative integer"
            raise WeatherError(msg)
        seed = int(seed_text) if seed_text else 0
        return Climatology(start=start, days=60.0).members(1, seed)[0]
    suffix = Path(text).suffix.lower()
    if suffix == ".json":
        return load_scenario(text, start=start)
    if suffix in _NETCDF_SUFFIXES + _GRIB_SUFFIXES:
        return open_gridded(text)
    if Path(text).is_file():
        msg = f"weather file {text!r}: unknown kind; expected .json, .nc or .grib"
        raise WeatherError(msg)
    names = ["calm", *BUILTIN_SCENARIOS, "climatology"]
    close = difflib.get_close_matches(text, names, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    msg = (
        f"unknown weather {text!r}{hint} (built-in: {', '.join(dict.fromkeys(names))}; "
        "or give a .json scenario or a .nc/.grib file)"
    )
    raise WeatherError(msg)


# ---------------------------------------------------------------------------------------------
# Vehicle limits on weather cells


class Closure(enum.IntFlag):
    """Why a cell is closed at a step (bits of `WeatherSample.closed_by`)."""

    WIND = 1
    VISIBILITY = 2
    COLD = 4
    DARKNESS = 8
    ICE_VISIBILITY = 16
    WIND_CHILL = 32


_CLOSURE_WORDS: Final = (
    (Closure.WIND, "wind"),
    (Closure.VISIBILITY, "visibility"),
    (Closure.COLD, "cold"),
    (Closure.DARKNESS, "darkness"),
    (Closure.ICE_VISIBILITY, "ice visibility"),
    (Closure.WIND_CHILL, "wind chill"),
)


def describe_closure(bits: int) -> str:
    """The causes in a closure bitmask, in words.

    Parameters
    ----------
    bits
        A `WeatherSample.closed_by` value.

    Returns
    -------
    str
        E.g. ``"wind, visibility"``; ``"open"`` for 0.

    Examples
    --------
    >>> describe_closure(Closure.WIND | Closure.VISIBILITY)
    'wind, visibility'
    """
    words = [word for flag, word in _CLOSURE_WORDS if int(bits) & flag]
    return ", ".join(words) if words else "open"


@dataclass(frozen=True, slots=True, eq=False)
class WeatherSample:
    """A `WeatherTable` for one vehicle, with what closed each cell and the worst weather.

    Attributes
    ----------
    table : WeatherTable
        What the solver consumes (``t0_h = 0`` = `start`).
    closed_by : ndarray of uint8, shape (n_cells, n_steps)
        Bitmask of `Closure` causes; 0 = open.
    wind_ms : ndarray of float64, shape (n_cells, n_steps)
        Strongest wind over the cell's points, m/s (NaN for a cell without points).
    temperature_c : ndarray of float64, shape (n_cells, n_steps)
        Coldest air, °C.
    visibility_km : ndarray of float64, shape (n_cells, n_steps)
        Poorest visibility, km.
    wind_chill_c : ndarray of float64, shape (n_cells, n_steps)
        Lowest exposure wind chill (at riding speed for an open cab, in the ambient wind
        otherwise), °C.
    start : datetime
        Hour 0 of the table (aware).
    field_name : str
        The weather field's name.
    notes : tuple of str
        The field's notes (fallbacks used).
    vehicle_id : str
        Vehicle the table is for.
    limits : Limits
        Its weather limits.
    open_cab : bool
        Whether wind chill at riding speed applied.
    riding_speed_kmh : float
        Riding speed used for the wind chill, km/h.
    wind_chill_no_go_c : float
        Wind chill that closed an open cab, °C.
    empty_cells : ndarray of int64
        Cells with no sample points (left open with factors 1).
    """

    table: WeatherTable
    closed_by: NDArray[np.uint8]
    wind_ms: NDArray[np.float64]
    temperature_c: NDArray[np.float64]
    visibility_km: NDArray[np.float64]
    wind_chill_c: NDArray[np.float64]
    start: dt.datetime
    field_name: str
    notes: tuple[str, ...]
    vehicle_id: str
    limits: Limits
    open_cab: bool
    riding_speed_kmh: float
    wind_chill_no_go_c: float
    empty_cells: NDArray[np.int64]

    def step_start(self, step: int) -> dt.datetime:
        """Start of a step, in the time zone of `start`.

        Parameters
        ----------
        step
            Step index.

        Returns
        -------
        datetime
        """
        return self.start + dt.timedelta(hours=self.table.step_h * step)

    def describe(self, cell: int, step: int) -> str:
        """Why a cell is closed at a step, with numbers.

        Parameters
        ----------
        cell
            Weather cell index.
        step
            Time step index.

        Returns
        -------
        str
            E.g. ``"storm: wind 30 m/s > limit 15 m/s; visibility 0.1 km < limit 0.2 km"``,
            or ``"open"``.
        """
        bits = int(self.closed_by[cell, step])
        if not bits:
            return "open"
        wind = self.wind_ms[cell, step]
        vis = self.visibility_km[cell, step]
        temp = self.temperature_c[cell, step]
        chill = self.wind_chill_c[cell, step]
        parts = []
        if bits & Closure.WIND:
            parts.append(f"wind {wind:.0f} m/s > limit {self.limits.max_wind_ms:g} m/s")
        if bits & Closure.VISIBILITY:
            parts.append(f"visibility {vis:.2g} km < limit {self.limits.min_visibility_km:g} km")
        if bits & Closure.ICE_VISIBILITY:
            parts.append(
                f"visibility {vis:.2g} km on ice < {physics.ICE_MIN_VISIBILITY_KM:g} km needed to "
                "follow the marked track"
            )
        if bits & Closure.COLD:
            parts.append(f"air {temp:.0f} °C < limit {self.limits.min_temp_c:g} °C")
        if bits & Closure.WIND_CHILL:
            parts.append(
                f"wind chill {chill:.0f} °C at {self.riding_speed_kmh:g} km/h riding <= "
                f"{self.wind_chill_no_go_c:g} °C (no-go for an open cab)"
            )
        if bits & Closure.DARKNESS:
            parts.append("darkness (sun below -6°, daylight-only travel)")
        text = "; ".join(parts)
        stormy = bits & Closure.WIND and bits & (Closure.VISIBILITY | Closure.ICE_VISIBILITY)
        return f"storm: {text}" if stormy else text


def _riding_speed(vehicle: Vehicle) -> float:
    return float(np.median(np.array(list(vehicle.speed_kmh.values()), dtype=np.float64)))


@dataclass(frozen=True, slots=True, eq=False)
class _Cells:
    """Sample points sorted by weather cell, with a bounding spherical cap per cell."""

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    unit: NDArray[np.float64]  # (n_points, 3) unit vectors
    cell: NDArray[np.int64]  # (n_points,) sorted
    first: NDArray[np.int64]  # (n_cells,) index of a cell's first point
    count: NDArray[np.int64]  # (n_cells,) points per cell
    centre: NDArray[np.float64]  # (n_cells, 3) cap centres (unit)
    rho: NDArray[np.float64]  # (n_cells,) cap radii, radians

    @property
    def n_cells(self) -> int:
        return int(self.count.size)

    def points_of(self, cells: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Point indices of the given cells, and for each the position of its cell in `cells`."""
        lens = self.count[cells]
        owner = np.repeat(np.arange(cells.size, dtype=np.int64), lens)
        offsets = np.cumsum(lens) - lens
        idx = np.repeat(self.first[cells] - offsets, lens) + np.arange(int(lens.sum()))
        return idx.astype(np.int64), owner


def _make_cells(
    lon: NDArray[np.float64], lat: NDArray[np.float64], cell: NDArray[np.int64], n_cells: int
) -> _Cells:
    order = np.argsort(cell, kind="stable")
    lon, lat, cell = lon[order], lat[order], cell[order].astype(np.int64)
    unit = _unit_vectors(lon, lat)
    count = np.bincount(cell, minlength=n_cells).astype(np.int64)
    first = (np.cumsum(count) - count).astype(np.int64)
    has = count > 0
    sums = np.zeros((n_cells, 3))
    if has.any():
        sums[has] = np.add.reduceat(unit, first[has], axis=0)
    norm = np.linalg.norm(sums, axis=1)
    centre = np.where(norm[:, None] > 1e-12, sums / np.maximum(norm, 1e-300)[:, None], [1.0, 0, 0])
    rho = np.zeros(n_cells)
    if has.any():
        dots = np.einsum("ij,ij->i", unit, centre[cell])
        rho[has] = np.arccos(np.clip(np.minimum.reduceat(dots, first[has]), -1.0, 1.0))
    return _Cells(lon, lat, unit, cell, first, count, centre, rho + 1e-9)


def _angles(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Great-circle angles (radians) between unit vectors a (n, 3) and b (m, 3): (n, m)."""
    out: NDArray[np.float64] = np.arccos(np.clip(a @ b.T, -1.0, 1.0))
    return out


def _darkness(cells: _Cells, start: dt.datetime, step_h: float, n_steps: int) -> NDArray[np.bool_]:
    """Cells with some point where the sun is below -6° at a step's start, middle or end.

    The sun's elevation is 90° minus the angle to the subsolar point, so "dark" is "more
    than 96° from the subsolar point": whole cells are decided with their bounding caps and
    only cells the civil terminator cuts are checked point by point.
    """
    t_s = start.timestamp() + np.arange(2 * n_steps + 1) * (step_h * 1800.0)
    sub_lon, sub_lat = physics.subsolar_point_deg(t_s)
    sub = _unit_vectors(sub_lon, sub_lat)  # (2 n_steps + 1, 3)
    limit = math.radians(90.0 - physics.CIVIL_TWILIGHT_DEG)
    ang = _angles(cells.centre, sub)
    rho = cells.rho[:, None]
    lit = ang + rho <= limit  # every point lit at that instant
    dark_all = ang - rho > limit  # every point dark at that instant
    lit_step = lit[:, 0:-1:2] & lit[:, 1::2] & lit[:, 2::2]
    dark = dark_all[:, 0:-1:2] | dark_all[:, 1::2] | dark_all[:, 2::2]
    has = (cells.count > 0)[:, None]
    mixed = ~lit_step & ~dark & has
    dark &= has
    cos_limit = math.cos(limit)
    mc, mk = np.nonzero(mixed)
    for k in np.unique(mk):
        cs = mc[mk == k]
        idx, owner = cells.points_of(cs)
        below = (cells.unit[idx] @ sub[2 * k : 2 * k + 3].T < cos_limit).any(axis=1)
        dark[cs, k] = np.bincount(owner, weights=below, minlength=cs.size) > 0
    return dark


def _assess(
    c: Conditions,
    is_ice: NDArray[np.bool_],
    limits: Limits,
    open_cab: bool,
    ride_kmh: float,
    no_go_c: float,
) -> tuple[
    NDArray[np.uint8],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64],
]:
    """Closure bits, speed, fuel and risk factors and exposure wind chill (broadcasting)."""
    wind, temp, vis = c.wind_ms, c.temperature_c, c.visibility_km
    bits = np.where(wind > limits.max_wind_ms, np.uint8(Closure.WIND), np.uint8(0))
    bits |= np.where(vis < limits.min_visibility_km, np.uint8(Closure.VISIBILITY), np.uint8(0))
    bits |= np.where(temp < limits.min_temp_c, np.uint8(Closure.COLD), np.uint8(0))
    ice = is_ice & (vis < physics.ICE_MIN_VISIBILITY_KM)
    bits = bits | np.where(ice, np.uint8(Closure.ICE_VISIBILITY), np.uint8(0))
    if open_cab:
        chill = physics.wind_chill_c(temp, physics.rider_wind_kmh(wind, ride_kmh))
        bits |= np.where(chill <= no_go_c, np.uint8(Closure.WIND_CHILL), np.uint8(0))
    else:
        chill = physics.wind_chill_c(temp, wind * 3.6)
    speed = physics.weather_speed_factor(wind, vis, c.fresh_snow_cm)
    fuel = physics.weather_fuel_factor(wind, temp, c.fresh_snow_cm)
    risk = physics.wind_chill_risk_factor(chill)
    return bits.astype(np.uint8), speed, fuel, risk, chill


class _Worst:
    """Running worst per (cell, step)."""

    __slots__ = ("bits", "chill", "fuel", "risk", "speed", "temp", "vis", "wind")

    def __init__(self, shape: tuple[int, int]) -> None:
        self.bits = np.zeros(shape, dtype=np.uint8)
        self.speed = np.ones(shape)
        self.fuel = np.ones(shape)
        self.risk = np.ones(shape)
        self.wind = np.full(shape, -np.inf)
        self.temp = np.full(shape, np.inf)
        self.vis = np.full(shape, np.inf)
        self.chill = np.full(shape, np.inf)

    def add_present(
        self,
        present: NDArray[np.bool_],
        c: Conditions,
        assessed: tuple[NDArray[Any], ...],
    ) -> None:
        """Fold in conditions (broadcast to (n_cells, n_steps)) where `present`."""
        bits, speed, fuel, risk, chill = assessed
        self.bits |= np.where(present, bits, np.uint8(0)).astype(np.uint8)
        np.minimum(self.speed, np.where(present, speed, 1.0), out=self.speed)
        np.maximum(self.fuel, np.where(present, fuel, 1.0), out=self.fuel)
        np.maximum(self.risk, np.where(present, risk, 1.0), out=self.risk)
        np.maximum(self.wind, np.where(present, c.wind_ms, -np.inf), out=self.wind)
        np.minimum(self.temp, np.where(present, c.temperature_c, np.inf), out=self.temp)
        np.minimum(self.vis, np.where(present, c.visibility_km, np.inf), out=self.vis)
        np.minimum(self.chill, np.where(present, chill, np.inf), out=self.chill)

    def add_points(
        self,
        cell: NDArray[np.int64],
        c: Conditions,
        assessed: tuple[NDArray[Any], ...],
    ) -> None:
        """Fold in per-point rows (sorted by `cell`) by segment reductions."""
        bits, speed, fuel, risk, chill = assessed
        seg = np.flatnonzero(np.concatenate(([True], cell[1:] != cell[:-1])))
        ids = cell[seg]
        self.bits[ids] |= np.bitwise_or.reduceat(bits, seg, axis=0)
        self.speed[ids] = np.minimum(self.speed[ids], np.minimum.reduceat(speed, seg, axis=0))
        self.fuel[ids] = np.maximum(self.fuel[ids], np.maximum.reduceat(fuel, seg, axis=0))
        self.risk[ids] = np.maximum(self.risk[ids], np.maximum.reduceat(risk, seg, axis=0))
        self.wind[ids] = np.maximum(self.wind[ids], np.maximum.reduceat(c.wind_ms, seg, axis=0))
        self.temp[ids] = np.minimum(
            self.temp[ids], np.minimum.reduceat(c.temperature_c, seg, axis=0)
        )
        self.vis[ids] = np.minimum(self.vis[ids], np.minimum.reduceat(c.visibility_km, seg, axis=0))
        self.chill[ids] = np.minimum(self.chill[ids], np.minimum.reduceat(chill, seg, axis=0))


# ---------------------------------------------------------------------------------------------
# Numba kernel for gridded fields: bilinear interpolation, vehicle rules and the worst per cell
# fused, so a 1,000,000-point lattice is not materialised as (points x steps) arrays. It
# mirrors `_assess` and the physics tables operation by operation (tests check parity).


@nb.njit(cache=True, nogil=True)
def _k_interp(
    x: float, xp: NDArray[np.float64], fp: NDArray[np.float64]
) -> float:  # pragma: no cover
    """np.interp for one value: constant beyond the ends."""
    n = xp.size
    if x <= xp[0]:
        return float(fp[0])
    if x >= xp[n - 1]:
        return float(fp[n - 1])
    j = 0
    while xp[j + 1] <= x:
        j += 1
    if x == xp[j]:
        return float(fp[j])
    slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])
    return float(slope * (x - xp[j]) + fp[j])


@nb.njit(cache=True, nogil=True, parallel=True)
def _k_gridded_cells(  # pragma: no cover - compiled; covered through build_weather_table
    wind: NDArray[np.float64],
    temp: NDArray[np.float64],
    vis: NDArray[np.float64],
    fresh: NDArray[np.float64],
    corners: NDArray[np.int64],
    weights: NDArray[np.float64],
    first: NDArray[np.int64],
    count: NDArray[np.int64],
    cell_ice: NDArray[np.bool_],
    m: int,
    rules: NDArray[np.float64],
    tables: tuple[NDArray[np.float64], ...],
    pow016: NDArray[np.float64],
    bits: NDArray[np.uint8],
    speed: NDArray[np.float64],
    fuel: NDArray[np.float64],
    risk: NDArray[np.float64],
    wind_max: NDArray[np.float64],
    temp_min: NDArray[np.float64],
    vis_min: NDArray[np.float64],
    chill_min: NDArray[np.float64],
) -> None:
    """Fold every (point, step) of every cell into the per-cell worst arrays (in place).

    wind, temp, vis, fresh: (n_grid, n_steps * m) grid rows; corners, weights: (n_points, 4);
    first, count: (n_cells,) point ranges; rules: max wind, min visibility, min temperature,
    ice visibility, open cab (0/1), riding speed, wind-chill no-go.
    """
    n_cells, n_steps = bits.shape
    max_wind, min_vis, min_temp, ice_vis = rules[0], rules[1], rules[2], rules[3]
    open_cab, ride, no_go = rules[4] > 0.5, rules[5], rules[6]
    sw_x, sw_y, sv_x, sv_y, ss_x, ss_y = (
        tables[0],
        tables[1],
        tables[2],
        tables[3],
        tables[4],
        tables[5],
    )
    fc_x, fc_y, fs_x, fs_y, fw_x, fw_y = (
        tables[6],
        tables[7],
        tables[8],
        tables[9],
        tables[10],
        tables[11],
    )
    r_x, r_y = tables[12], tables[13]
    for c in nb.prange(n_cells):
        ice = cell_ice[c]
        for p in range(first[c], first[c] + count[c]):
            g0, g1, g2, g3 = corners[p, 0], corners[p, 1], corners[p, 2], corners[p, 3]
            w0, w1, w2, w3 = weights[p, 0], weights[p, 1], weights[p, 2], weights[p, 3]
            for s in range(n_steps):
                wv = -np.inf
                tv = np.inf
                vv = np.inf
                fv = -np.inf
                for j in range(m):
                    k = s * m + j
                    x = wind[g0, k] * w0
                    x += wind[g1, k] * w1
                    x += wind[g2, k] * w2
                    x += wind[g3, k] * w3
                    wv = max(wv, x)
                    x = temp[g0, k] * w0
                    x += temp[g1, k] * w1
                    x += temp[g2, k] * w2
                    x += temp[g3, k] * w3
                    tv = min(tv, x)
                    x = vis[g0, k] * w0
                    x += vis[g1, k] * w1
                    x += vis[g2, k] * w2
                    x += vis[g3, k] * w3
                    vv = min(vv, x)
                    x = fresh[g0, k] * w0
                    x += fresh[g1, k] * w1
                    x += fresh[g2, k] * w2
                    x += fresh[g3, k] * w3
                    fv = max(fv, x)
                b = 0
                if wv > max_wind:
                    b |= 1
                if vv < min_vis:
                    b |= 2
                if tv < min_temp:
                    b |= 4
                if ice and vv < ice_vis:
                    b |= 16
                v_kmh = wv * 3.6 + ride if open_cab else wv * 3.6
                if v_kmh >= 4.8 and tv <= 10.0:
                    u = v_kmh * _POW_PER_KMH
                    i = int(u)
                    if i + 1 < pow016.size:  # tabulated V**0.16: pow() costs 20-30 ns here
                        v16 = pow016[i] + (u - i) * (pow016[i + 1] - pow016[i])
                    else:
                        v16 = v_kmh**0.16
                    chill = 13.12 + 0.6215 * tv - 11.37 * v16 + 0.3965 * tv * v16
                else:
                    chill = tv
                if open_cab and chill <= no_go:
                    b |= 32
                calm_snow = fv <= ss_x[0] and fv <= fs_x[0]
                if wv <= sw_x[0] and vv >= sv_x[-1] and calm_snow:  # ordinary: the exact 1
                    sf = sw_y[0] * sv_y[-1] * ss_y[0]
                else:
                    sf = _k_interp(wv, sw_x, sw_y) * _k_interp(vv, sv_x, sv_y)
                    sf = sf * _k_interp(fv, ss_x, ss_y)
                if -tv <= fc_x[0] and wv <= fw_x[0] and calm_snow:
                    ff = fc_y[0] * fs_y[0] * fw_y[0]
                else:
                    ff = _k_interp(-tv, fc_x, fc_y) * _k_interp(fv, fs_x, fs_y)
                    ff = ff * _k_interp(wv, fw_x, fw_y)
                rf = r_y[0] if -chill <= r_x[0] else _k_interp(-chill, r_x, r_y)
                bits[c, s] |= b
                speed[c, s] = min(speed[c, s], sf)
                fuel[c, s] = max(fuel[c, s], ff)
                risk[c, s] = max(risk[c, s], rf)
                wind_max[c, s] = max(wind_max[c, s], wv)
                temp_min[c, s] = min(temp_min[c, s], tv)
                vis_min[c, s] = min(vis_min[c, s], vv)
                chill_min[c, s] = min(chill_min[c, s], chill)


_USE_KERNEL = True  # tests switch it off to compare the kernel with the numpy path
_POW_PER_KMH = 64.0  # samples of V**0.16 per km/h in the kernel's table (0 to 800 km/h)


@functools.cache
def _pow016_table() -> NDArray[np.float64]:
    """V**0.16 at V = k / 64 km/h, 0-800 km/h.

    Linear interpolation errs < 3e-7 above 4.8 km/h, i.e. < 1e-5 °C of wind chill.
    """
    return np.power(np.arange(int(800 * _POW_PER_KMH) + 2) / _POW_PER_KMH, 0.16)


def _kernel_tables() -> tuple[NDArray[np.float64], ...]:
    tables = (
        physics._SPEED_WIND,
        physics._SPEED_VIS,
        physics._SPEED_SNOW,
        physics._FUEL_COLD,
        physics._FUEL_SNOW,
        physics._FUEL_WIND,
        (physics._RISK_WCI, physics._RISK_FACTOR),
    )
    return tuple(np.ascontiguousarray(a, dtype=np.float64) for pair in tables for a in pair)


def build_weather_table(
    field: WeatherField,
    vehicle: Vehicle,
    *,
    sample_lon: ArrayLike,
    sample_lat: ArrayLike,
    sample_cell: ArrayLike,
    n_cells: int,
    cell_is_ice: ArrayLike,
    start: dt.datetime,
    step_h: float = 1.0,
    n_steps: int,
    daylight_only: bool = False,
    riding_speed_kmh: float | None = None,
    wind_chill_no_go_c: float = physics.WIND_CHILL_NO_GO_C,
) -> WeatherSample:
    """Sample a weather field onto weather cells x time steps for one vehicle.

    At every sample point and step the worst conditions of the step decide:

    * closed (`Closure` bits) when wind > ``limits.max_wind_ms`` (WIND), visibility <
      ``limits.min_visibility_km`` (VISIBILITY), air < ``limits.min_temp_c`` (COLD), with
      `daylight_only` the sun below -6° at the step's start, middle or end (DARKNESS), on an
      ice cell visibility < `physics.ICE_MIN_VISIBILITY_KM` (ICE_VISIBILITY), for an open cab
      wind chill at riding speed <= `wind_chill_no_go_c` (WIND_CHILL);
    * ``speed_factor`` = `physics.weather_speed_factor`, ``fuel_factor`` =
      `physics.weather_fuel_factor`, ``risk_factor`` = `physics.wind_chill_risk_factor` of the
      exposure wind chill (at riding speed for an open cab, ambient otherwise); all exactly 1
      in ordinary weather (`physics.ORDINARY`, wind chill above -40 °C).

    A cell takes the worst over its points: closed if any point is closed (bits OR-ed), the
    lowest speed factor, the highest fuel and risk factors. A cell without points stays open
    with factors 1 (listed in ``empty_cells``).

    Scenario and stochastic fields are reduced exactly over the *distinct* conditions present
    in a cell (a storm's disc and the civil terminator are tested against a bounding cap per
    cell, and point by point only where they cut it), so their cost hardly depends on the
    number of points; gridded fields are evaluated point by point by a numba kernel
    (`_k_gridded_cells`, compiled once and cached) that never materialises (points x steps)
    arrays; other fields point by point in numpy chunks.

    Parameters
    ----------
    field
        The weather.
    vehicle
        The vehicle (limits, ``open_cab``, ``speed_kmh``).
    sample_lon, sample_lat
        Sample points, degrees east and north, shape (n_points,).
    sample_cell
        Weather cell of each point (int, 0 <= cell < n_cells), shape (n_points,).
    n_cells
        Number of weather cells.
    cell_is_ice
        Whether each cell is on ice (bool), shape (n_cells,).
    start
        Aware datetime of hour 0 (the solver epoch).
    step_h
        Step length, hours.
    n_steps
        Number of steps.
    daylight_only
        Close steps when the sun is below -6° (civil twilight).
    riding_speed_kmh
        Speed used for an open cab's wind chill, km/h; default the median of the vehicle's
        terrain speeds.
    wind_chill_no_go_c
        Wind chill at riding speed that closes an open cab, °C (physics.md §2: -48; pass a
        lower value for riders with full face protection and heated gear).

    Returns
    -------
    WeatherSample

    Raises
    ------
    WeatherError
        Bad arrays, a naive `start`, a field that does not cover ``[start, start + n_steps
        step_h]``, or points outside a gridded field.
    """
    _check_axis(start, step_h, n_steps)
    lon, lat = _points(sample_lon, sample_lat)
    cell = np.ravel(np.asarray(sample_cell))
    is_ice = np.ravel(np.asarray(cell_is_ice, dtype=np.bool_))
    if not isinstance(n_cells, int | np.integer) or n_cells < 1:
        msg = f"n_cells {n_cells!r} must be a positive integer"
        raise WeatherError(msg)
    if cell.shape != lon.shape or (cell.size and cell.dtype.kind not in "iu"):
        msg = f"sample_cell must be {lon.size} integers (one per sample point)"
        raise WeatherError(msg)
    if cell.size and (cell.min() < 0 or cell.max() >= n_cells):
        msg = f"sample_cell values must lie in [0, {n_cells}), got {cell.min()}..{cell.max()}"
        raise WeatherError(msg)
    if is_ice.shape != (n_cells,):
        msg = f"cell_is_ice must have one flag per cell ({n_cells}), got {is_ice.size}"
        raise WeatherError(msg)
    field.require_cover(start, start + dt.timedelta(hours=step_h * n_steps))
    ride = _riding_speed(vehicle) if riding_speed_kmh is None else float(riding_speed_kmh)
    limits = vehicle.limits
    n_cells = int(n_cells)
    shape = (n_cells, int(n_steps))
    cells = _make_cells(lon, lat, cell.astype(np.int64), n_cells)
    worst = _Worst(shape)

    def assess(c: Conditions, ice: NDArray[np.bool_]) -> tuple[NDArray[Any], ...]:
        return _assess(c, ice, limits, vehicle.open_cab, ride, wind_chill_no_go_c)

    blocks = field._cell_states(cells, start, step_h, n_steps) if cells.cell.size else []
    if blocks is None and _USE_KERNEL and isinstance(field, GriddedField):
        instants, m = field._instants(start, step_h, n_steps)
        wind, temp, vis, _, fresh = field._rows(instants)
        corners, weights = field._corners(cells.lon, cells.lat)
        rules = np.array(
            [
                limits.max_wind_ms,
                limits.min_visibility_km,
                limits.min_temp_c,
                physics.ICE_MIN_VISIBILITY_KM,
                1.0 if vehicle.open_cab else 0.0,
                ride,
                wind_chill_no_go_c,
            ],
            dtype=np.float64,
        )
        _k_gridded_cells(
            wind, temp, vis, fresh, corners, weights, cells.first, cells.count, is_ice, m,
            rules, _kernel_tables(), _pow016_table(),
            worst.bits, worst.speed, worst.fuel, worst.risk,
            worst.wind, worst.temp, worst.vis, worst.chill,
        )  # fmt: skip
    elif blocks is not None:
        for conditions, present in blocks:
            worst.add_present(present, conditions, assess(conditions, is_ice[:, None]))
    else:
        sample = field.sampler(start, step_h, n_steps)
        chunk = max(1, _CHUNK_ELEMENTS // n_steps)
        for lo in range(0, cells.cell.size, chunk):
            hi = min(cells.cell.size, lo + chunk)
            part = cells.cell[lo:hi]
            c = sample(cells.lon[lo:hi], cells.lat[lo:hi])
            worst.add_points(part, c, assess(c, is_ice[part][:, None]))
    if daylight_only and cells.cell.size:
        worst.bits |= np.where(
            _darkness(cells, start, step_h, n_steps), np.uint8(Closure.DARKNESS), np.uint8(0)
        ).astype(np.uint8)

    empty = np.flatnonzero(cells.count == 0).astype(np.int64)
    for arr in (worst.wind, worst.temp, worst.vis, worst.chill):
        arr[empty] = np.nan
    table = WeatherTable(
        t0_h=0.0,
        step_h=float(step_h),
        open=worst.bits == 0,
        speed_factor=worst.speed,
        fuel_factor=worst.fuel,
        risk_factor=worst.risk,
    )
    return WeatherSample(
        table=table,
        closed_by=worst.bits,
        wind_ms=worst.wind,
        temperature_c=worst.temp,
        visibility_km=worst.vis,
        wind_chill_c=worst.chill,
        start=start,
        field_name=field.name,
        notes=tuple(field.notes),
        vehicle_id=vehicle.id,
        limits=limits,
        open_cab=vehicle.open_cab,
        riding_speed_kmh=ride,
        wind_chill_no_go_c=float(wind_chill_no_go_c),
        empty_cells=empty,
    )
