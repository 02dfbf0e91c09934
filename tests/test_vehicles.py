"""Vehicle profiles, the TOML format and the catalogue."""

from __future__ import annotations

import copy as copy_module
import pickle
from pathlib import Path

import pytest

import arcticroute as ar
from arcticroute.vehicles import vehicle_from_dict

CATALOGUE_IDS = {"buran", "viking", "trekol", "gaz34039", "mtlb", "truck6x6"}


def test_catalogue_holds_the_six_chukotka_vehicles(catalogue: dict[str, ar.Vehicle]) -> None:
    assert set(catalogue) == CATALOGUE_IDS
    for vehicle in catalogue.values():
        assert vehicle.source
        assert set(vehicle.speed_kmh) == set(vehicle.fuel_l_per_100km)


def test_buran_matches_the_documented_profile(catalogue: dict[str, ar.Vehicle]) -> None:
    buran = catalogue["buran"]
    assert (buran.tank_l, buran.carried_fuel_l, buran.reserve) == (38, 80, 0.25)
    assert buran.gross_mass_kg == 850
    assert buran.open_cab
    assert buran.speed_kmh["trail"] == 35
    assert buran.fuel_l_per_100km["tundra"] == 34
    assert buran.limits.max_wind_ms == 15
    assert buran.capacity_l == 118
    assert buran.reserve_l == pytest.approx(29.5)
    # 88.5 usable litres at 28 L/100 km on a trail.
    assert buran.range_km("trail") == pytest.approx(316.07, abs=0.01)


def test_truck_keeps_to_maintained_roads_and_cannot_cross_tundra(
    catalogue: dict[str, ar.Vehicle],
) -> None:
    truck = catalogue["truck6x6"]
    assert truck.maintained_only
    assert "tundra" not in truck.speed_kmh
    assert truck.range_km("tundra") == 0


def test_profiles_are_frozen(catalogue: dict[str, ar.Vehicle]) -> None:
    with pytest.raises(AttributeError):
        catalogue["buran"].tank_l = 100  # type: ignore[misc]
    with pytest.raises(TypeError):
        catalogue["buran"].speed_kmh["trail"] = 99  # type: ignore[index]


def test_replace_validates_like_a_new_profile(catalogue: dict[str, ar.Vehicle]) -> None:
    bigger = catalogue["buran"].replace(carried_fuel_l=120)
    assert bigger.capacity_l == 158
    with pytest.raises(ar.VehicleError, match="reserve 1.5"):
        catalogue["buran"].replace(reserve=1.5)
    with pytest.raises(ar.VehicleError, match="unknown vehicle field 'tank'"):
        catalogue["buran"].replace(tank=1)


EXAMPLE = """
id = "sled"
name = "Test sled"
tank_l = 38
carried_fuel_l = 80
reserve = 0.25
gross_mass_kg = 850
open_cab = true
refuel_min = 20
max_drive_h_per_day = 10
[speed_kmh]
trail = 35
tundra = 22
[fuel_l_per_100km]
trail = 28
tundra = 34
[limits]
min_temp_c = -40
max_wind_ms = 15
min_visibility_km = 0.2
"""


def test_toml_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "sled.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    sled = ar.load_vehicle(path)
    assert sled.id == "sled"
    assert sled.max_drive_h_per_day == 10
    assert ar.get_vehicle(str(path)) == sled


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("tank_l = 38", "tank = 38"),
            "unknown key 'tank' \\(did you mean 'tank_l'\\?\\); the keys are",
        ),
        (
            ("tank_l = 38", "tank_l = 38\ncapacity = 9\nreserv = 0.2"),
            "unknown keys 'capacity', 'reserv' \\(did you mean 'reserve'",
        ),
        (("[limits]", "[limits]\nmax_gust = 3"), "unknown key 'max_gust' in \\[limits\\]"),
        (("trail = 35", "trial = 35"), "unknown terrain 'trial'; .*did you mean 'trail'"),
        (("tundra = 22", "tundra = -22"), "tundra = -22 must be a positive number of km/h"),
        (("reserve = 0.25", "reserve = 25"), "reserve 25 must be a fraction"),
        (("open_cab = true", 'open_cab = "yes"'), "open_cab 'yes' must be true or false"),
        (('id = "sled"\n', ""), "missing required key 'id'"),
        (("max_drive_h_per_day = 10", "max_drive_h_per_day = 30"), "max_drive_h_per_day 30"),
        (("tank_l = 38", "tank_l = = 38"), "not valid TOML"),
    ],
)
def test_bad_vehicle_file_names_the_problem(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(EXAMPLE.replace(*edit, 1), encoding="utf-8")
    with pytest.raises(ar.VehicleError, match=message):
        ar.load_vehicle(path)


def test_mismatched_tables_are_rejected() -> None:
    with pytest.raises(ar.VehicleError, match="same terrain classes; tundra"):
        vehicle_from_dict(
            {
                "id": "x",
                "tank_l": 10,
                "speed_kmh": {"trail": 1, "tundra": 1},
                "fuel_l_per_100km": {"trail": 1},
            }
        )


def test_unknown_vehicle_suggests_the_closest() -> None:
    with pytest.raises(ar.VehicleError, match="did you mean 'trekol'"):
        ar.get_vehicle("trekkol")


def test_missing_vehicle_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ar.load_vehicle(tmp_path / "none.toml")


@pytest.mark.parametrize("vehicle_id", sorted(CATALOGUE_IDS))
def test_profile_pickles_to_an_equal_frozen_hashable_profile(vehicle_id: str) -> None:
    # Batch studies ship profiles to Dask workers; the terrain tables are mapping proxies,
    # which do not pickle by themselves.
    vehicle = ar.get_vehicle(vehicle_id).replace(max_drive_h_per_day=None, reserve=0.3)
    copy = pickle.loads(pickle.dumps(vehicle))
    assert copy == vehicle
    assert hash(copy) == hash(vehicle)
    assert {copy: 1}[vehicle] == 1
    assert copy.limits == vehicle.limits
    with pytest.raises(TypeError):
        copy.speed_kmh["trail"] = 99
    assert copy_module.deepcopy(vehicle) == vehicle
