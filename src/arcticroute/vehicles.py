"""Vehicle profiles: speed and fuel burn per terrain, fuel capacity, mass, weather limits.

A profile is a frozen `Vehicle`. Profiles load from TOML files (format in the README and in
`load_vehicle`); the bundled catalogue (`vehicle_catalogue`) holds the six classes that travel
in Chukotka, with figures and provenance from ``seeds/vehicles/``.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ._errors import VehicleError
from .network import TERRAINS

__all__ = [
    "SURFACES",
    "Limits",
    "Vehicle",
    "get_vehicle",
    "load_vehicle",
    "vehicle_catalogue",
]

SURFACES: tuple[str, ...] = (*TERRAINS, "deep_snow")
"""Terrain classes a vehicle may list: the link classes plus ``deep_snow`` (raster terrain)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Weather beyond which the vehicle does not travel.

    Attributes
    ----------
    min_temp_c : float
        Coldest air temperature for travel, °C.
    max_wind_ms : float
        Strongest mean wind for travel, m/s.
    min_visibility_km : float
        Poorest horizontal visibility for travel, km.
    """

    min_temp_c: float = -40.0
    max_wind_ms: float = 15.0
    min_visibility_km: float = 0.2


@dataclass(frozen=True, slots=True)
class Vehicle:
    """A vehicle profile.

    Attributes
    ----------
    id : str
        Unique identifier (``buran``).
    name : str
        Display name.
    speed_kmh : Mapping[str, float]
        Planning cruise speed per terrain class, km/h. A class absent here is terrain the
        vehicle cannot use.
    fuel_l_per_100km : Mapping[str, float]
        Fuel burn per terrain class, litres per 100 km; same keys as `speed_kmh`.
    tank_l : float
        Fuel in the tank when full, litres.
    carried_fuel_l : float
        Extra fuel in cans or drums, litres; the vehicle's capacity is tank + carried.
    reserve : float
        Fraction of the capacity never planned away (0 <= reserve < 1).
    gross_mass_kg : float
        Vehicle + crew + cargo, kg; decides which ice bears it.
    open_cab : bool
        Riders are exposed to wind chill (snowmobiles).
    refuel_min : float
        Minutes one refuelling stop costs.
    max_drive_h_per_day : float or None
        Crew duty limit, driving hours per 24 h; None = unlimited.
    maintained_only : bool
        Travels only on maintained roads, winter roads and official ice crossings (trucks).
    limits : Limits
        Weather limits.
    source : str
        Where the figures come from ([S] sourced, [GK] general knowledge, [D] design choice).
    """

    id: str
    name: str
    speed_kmh: Mapping[str, float]
    fuel_l_per_100km: Mapping[str, float]
    tank_l: float
    carried_fuel_l: float = 0.0
    reserve: float = 0.25
    gross_mass_kg: float = 1000.0
    open_cab: bool = False
    refuel_min: float = 20.0
    max_drive_h_per_day: float | None = None
    maintained_only: bool = False
    limits: Limits = field(default_factory=Limits)
    source: str = ""

    def __post_init__(self) -> None:
        where = f"vehicle {self.id!r}"
        if not isinstance(self.id, str) or not self.id:
            msg = "a vehicle needs a non-empty string id"
            raise VehicleError(msg)
        for table, unit in ((self.speed_kmh, "km/h"), (self.fuel_l_per_100km, "L/100 km")):
            for surface, value in table.items():
                if surface not in SURFACES:
                    hint = difflib.get_close_matches(surface, SURFACES, n=1)
                    extra = f"; did you mean {hint[0]!r}?" if hint else ""
                    msg = (
                        f"{where}: unknown terrain {surface!r}; expected one of "
                        f"{', '.join(SURFACES)}{extra}"
                    )
                    raise VehicleError(msg)
                if not _positive(value):
                    msg = f"{where}: {surface} = {value!r} must be a positive number of {unit}"
                    raise VehicleError(msg)
        if set(self.speed_kmh) != set(self.fuel_l_per_100km):
            diff = sorted(set(self.speed_kmh) ^ set(self.fuel_l_per_100km))
            msg = (
                f"{where}: speed_kmh and fuel_l_per_100km must list the same terrain classes; "
                f"{', '.join(diff)} appear in only one"
            )
            raise VehicleError(msg)
        if not self.speed_kmh:
            msg = f"{where}: speed_kmh lists no terrain class; the vehicle could go nowhere"
            raise VehicleError(msg)
        if not _positive(self.tank_l):
            msg = f"{where}: tank_l {self.tank_l!r} must be a positive number of litres"
            raise VehicleError(msg)
        checks: tuple[tuple[str, float, str], ...] = (
            ("carried_fuel_l", self.carried_fuel_l, "litres >= 0"),
            ("gross_mass_kg", self.gross_mass_kg, "kilograms >= 0"),
            ("refuel_min", self.refuel_min, "minutes >= 0"),
        )
        for name, value, expected in checks:
            if not _finite_number(value) or float(value) < 0:
                msg = f"{where}: {name} {value!r} must be {expected}"
                raise VehicleError(msg)
        if not _finite_number(self.reserve) or not 0 <= self.reserve < 1:
            msg = f"{where}: reserve {self.reserve!r} must be a fraction in [0, 1), e.g. 0.25"
            raise VehicleError(msg)
        drive = self.max_drive_h_per_day
        if drive is not None and (not _positive(drive) or drive > 24):
            msg = f"{where}: max_drive_h_per_day {drive!r} must be hours in (0, 24], or absent"
            raise VehicleError(msg)
        # Freeze the tables so a profile cannot change under a cached compiled graph.
        object.__setattr__(self, "speed_kmh", MappingProxyType(dict(self.speed_kmh)))
        object.__setattr__(self, "fuel_l_per_100km", MappingProxyType(dict(self.fuel_l_per_100km)))

    def __hash__(self) -> int:
        # The terrain tables are mapping proxies; hash their items so profiles can key caches.
        return hash(
            (
                self.id,
                tuple(sorted(self.speed_kmh.items())),
                tuple(sorted(self.fuel_l_per_100km.items())),
                self.tank_l,
                self.carried_fuel_l,
                self.reserve,
                self.gross_mass_kg,
                self.open_cab,
                self.refuel_min,
                self.max_drive_h_per_day,
                self.maintained_only,
                self.limits,
            )
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # The terrain tables are mapping proxies, which do not pickle: rebuild the profile
        # from its fields with the tables as plain dicts (revalidated and frozen again).
        tables = {
            "speed_kmh": dict(self.speed_kmh),
            "fuel_l_per_100km": dict(self.fuel_l_per_100km),
        }
        values = tuple(tables.get(f.name, getattr(self, f.name)) for f in fields(self))
        return (Vehicle, values)

    @property
    def capacity_l(self) -> float:
        """Fuel when full, tank plus carried, litres."""
        return float(self.tank_l + self.carried_fuel_l)

    @property
    def reserve_l(self) -> float:
        """Fuel never planned away, litres."""
        return self.capacity_l * self.reserve

    def range_km(self, terrain: str) -> float:
        """Distance on one terrain class from full to reserve, km (0 if it cannot go there).

        Parameters
        ----------
        terrain
            Terrain class.

        Returns
        -------
        float
            Kilometres.
        """
        burn = self.fuel_l_per_100km.get(terrain)
        if burn is None:
            return 0.0
        return (self.capacity_l - self.reserve_l) / burn * 100.0

    def replace(self, **changes: Any) -> Vehicle:
        """Return a copy with some fields changed (validated like a new profile).

        Parameters
        ----------
        **changes
            Field names and new values (units as in the class docstring).

        Returns
        -------
        Vehicle
        """
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        unknown = sorted(set(changes) - set(values))
        if unknown:
            msg = f"unknown vehicle field {unknown[0]!r}; expected one of {', '.join(values)}"
            raise VehicleError(msg)
        values.update(changes)
        return Vehicle(**values)


def _finite_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _positive(value: object) -> bool:
    return _finite_number(value) and float(value) > 0  # type: ignore[arg-type]


_TOP_KEYS = {
    "id",
    "name",
    "tank_l",
    "carried_fuel_l",
    "reserve",
    "gross_mass_kg",
    "open_cab",
    "refuel_min",
    "max_drive_h_per_day",
    "maintained_only",
    "source",
    "speed_kmh",
    "fuel_l_per_100km",
    "limits",
}
_LIMIT_KEYS = {"min_temp_c", "max_wind_ms", "min_visibility_km"}


def vehicle_from_dict(data: Mapping[str, Any], *, origin: str = "vehicle") -> Vehicle:
    """Build a `Vehicle` from the parsed TOML table.

    Parameters
    ----------
    data
        Keys as in the TOML format (see `load_vehicle`).
    origin
        Where the data came from, for error messages.

    Returns
    -------
    Vehicle

    Raises
    ------
    VehicleError
        On unknown or missing keys and bad values, naming them.
    """
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        named = []
        for key in unknown:
            hint = difflib.get_close_matches(key, _TOP_KEYS, n=1)
            named.append(f"{key!r}" + (f" (did you mean {hint[0]!r}?)" if hint else ""))
        keys = "keys" if len(named) > 1 else "key"
        msg = (
            f"{origin}: unknown {keys} {', '.join(named)}; the keys are "
            f"{', '.join(sorted(_TOP_KEYS))} (README, 'The vehicle file format')"
        )
        raise VehicleError(msg)
    for key in ("id", "tank_l", "speed_kmh", "fuel_l_per_100km"):
        if key not in data:
            msg = f"{origin}: missing required key {key!r}"
            raise VehicleError(msg)
    limits_table = data.get("limits", {})
    if not isinstance(limits_table, Mapping):
        msg = f"{origin}: [limits] must be a table"
        raise VehicleError(msg)
    bad_limits = sorted(set(limits_table) - _LIMIT_KEYS)
    if bad_limits:
        msg = (
            f"{origin}: unknown key {bad_limits[0]!r} in [limits]; "
            f"expected {', '.join(sorted(_LIMIT_KEYS))}"
        )
        raise VehicleError(msg)
    for key, value in limits_table.items():
        if not _finite_number(value):
            msg = f"{origin}: limits.{key} {value!r} must be a number"
            raise VehicleError(msg)
    for key in ("speed_kmh", "fuel_l_per_100km"):
        if not isinstance(data[key], Mapping):
            msg = f"{origin}: [{key}] must be a table of terrain = number"
            raise VehicleError(msg)
    for key in ("open_cab", "maintained_only"):
        if key in data and not isinstance(data[key], bool):
            msg = f"{origin}: {key} {data[key]!r} must be true or false"
            raise VehicleError(msg)
    fields = {k: v for k, v in data.items() if k != "limits"}
    fields.setdefault("name", str(data["id"]))
    try:
        return Vehicle(limits=Limits(**limits_table), **fields)
    except VehicleError as err:
        msg = f"{origin}: {err}"
        raise VehicleError(msg) from err
    except TypeError as err:
        msg = f"{origin}: {err}"
        raise VehicleError(msg) from err


def load_vehicle(path: str | Path) -> Vehicle:
    """Read a vehicle profile from a TOML file.

    The format::

        id = "buran"                 # required, unique
        name = "Buran SB-640 with loaded sled"
        tank_l = 38                  # litres in the tank (required)
        carried_fuel_l = 80          # litres in cans or drums
        reserve = 0.25               # fraction of total fuel never planned away
        gross_mass_kg = 850          # vehicle + crew + cargo, for ice checks
        open_cab = true              # riders exposed to wind chill
        refuel_min = 20              # minutes per refuelling stop
        max_drive_h_per_day = 10     # optional crew duty limit; absent = unlimited
        maintained_only = false      # true: official winter roads and ice crossings only
        source = "..."               # provenance of the figures
        [speed_kmh]                  # terrain classes it may use (required)
        trail = 35
        [fuel_l_per_100km]           # same keys as speed_kmh (required)
        trail = 28
        [limits]
        min_temp_c = -40
        max_wind_ms = 15
        min_visibility_km = 0.2

    Unknown keys are an error naming the key.

    Parameters
    ----------
    path
        A ``.toml`` file.

    Returns
    -------
    Vehicle

    Raises
    ------
    VehicleError
        If the file cannot be parsed or a key or value is wrong.
    FileNotFoundError
        If the file does not exist.
    """
    file = Path(path)
    if not file.is_file():
        msg = f"vehicle file {str(file)!r} does not exist"
        raise FileNotFoundError(msg)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        msg = f"vehicle file {str(file)!r} is not valid TOML: {err}"
        raise VehicleError(msg) from err
    return vehicle_from_dict(data, origin=f"vehicle file {file.name!r}")


@cache
def vehicle_catalogue() -> Mapping[str, Vehicle]:
    """The bundled vehicle profiles, by id.

    Returns
    -------
    Mapping[str, Vehicle]
        ``buran``, ``viking``, ``trekol``, ``gaz34039``, ``mtlb``, ``truck6x6``.
    """
    folder = resources.files("arcticroute.data").joinpath("vehicles")
    profiles: dict[str, Vehicle] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            vehicle = vehicle_from_dict(data, origin=f"bundled vehicle {entry.name!r}")
            profiles[vehicle.id] = vehicle
    return MappingProxyType(profiles)


def get_vehicle(spec: str | Path | Vehicle) -> Vehicle:
    """Resolve a catalogue id, a TOML path or a profile to a `Vehicle`.

    Parameters
    ----------
    spec
        ``"trekol"``, ``"my_sled.toml"`` or a `Vehicle`.

    Returns
    -------
    Vehicle

    Raises
    ------
    VehicleError
        For an unknown id (with the closest ids).
    """
    if isinstance(spec, Vehicle):
        return spec
    text = str(spec)
    if text.endswith(".toml") or Path(text).is_file():
        return load_vehicle(text)
    catalogue = vehicle_catalogue()
    key = text.strip().lower().replace("-", "").replace(" ", "")
    if key in catalogue:
        return catalogue[key]
    close = difflib.get_close_matches(key, list(catalogue), n=2, cutoff=0.5)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    msg = (
        f"unknown vehicle {text!r}{hint} (catalogue: {', '.join(catalogue)}; or give a .toml file)"
    )
    raise VehicleError(msg)
