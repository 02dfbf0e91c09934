"""Benchmark: sample 10-day hourly weather onto the cells of a 1,000,000-node lattice.

The lattice is 1000 x 1000 nodes at 1 km spacing starting at 63 N 175 E, so it crosses the
antimeridian; weather cells are 50 x 50 km (400 cells). Each field is sampled twice: with one
centre sample per cell (what the planner does for a lattice) and with every node as a sample
point (the worst case). Fields: a scenario with a storm moving across the lattice, a gridded
ERA5-like dataset (0.25 degrees, hourly, u10/v10/t2m in K, built in memory), and one
stochastic climatology member.

Run: ``python benchmarks/bench_weather.py`` (``--centres-only`` skips the all-nodes runs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from arcticroute.vehicles import get_vehicle
from arcticroute.weather import (
    Climatology,
    WeatherField,
    build_weather_table,
    gridded_from_dataset,
    scenario_from_dict,
)

SIDE = 1000  # nodes per side
SPACING_KM = 1.0
CELL_KM = 50.0
DAYS = 10
START = dt.datetime(2025, 2, 10, 0, tzinfo=dt.UTC)
LAT0, LON0 = 63.0, 175.0


def lattice() -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Node lon/lat (degrees) and weather cell of each node."""
    y_km, x_km = np.meshgrid(
        np.arange(SIDE) * SPACING_KM, np.arange(SIDE) * SPACING_KM, indexing="ij"
    )
    lat = LAT0 + y_km / 111.2
    lon = LON0 + x_km / (111.32 * np.cos(np.deg2rad(lat)))
    lon = (lon + 180.0) % 360.0 - 180.0
    per_side = int(SIDE * SPACING_KM / CELL_KM)
    cell = (y_km // CELL_KM).astype(np.int64) * per_side + (x_km // CELL_KM).astype(np.int64)
    return lon.ravel(), lat.ravel(), cell.ravel()


def centres(
    lon: NDArray[np.float64], lat: NDArray[np.float64], cell: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """One sample per cell: the node at the cell's centre."""
    per_side = int(SIDE * SPACING_KM / CELL_KM)
    half = int(CELL_KM / SPACING_KM / 2)
    rows = np.arange(per_side) * int(CELL_KM / SPACING_KM) + half
    idx = (rows[:, None] * SIDE + rows[None, :]).ravel()
    return lon[idx], lat[idx], cell[idx]


def storm_scenario() -> WeatherField:
    """Ordinary February base and a 30 m/s storm crossing the lattice over three days."""
    return scenario_from_dict(
        {
            "name": "bench-storm",
            "base": {"wind_ms": 6, "temperature_c": -22, "visibility_km": 10},
            "events": [
                {
                    "type": "storm",
                    "start": "P2D",
                    "end": "P5D",
                    "track": [[174.0, 62.5, "P2D"], [-168.0, 70.5, "P5D"]],
                    "radius_km": 250,
                    "wind_ms": 30,
                    "visibility_km": 0.1,
                    "temperature_c": -18,
                    "fresh_snow_cm": 25,
                }
            ],
        },
        start=START,
        origin="benchmark",
    )


def era5_like() -> WeatherField:
    """An hourly 0.25-degree ERA5-style dataset (lon 0..360, t2m in K) with a moving low."""
    import xarray as xr

    lon = np.arange(170.0, 208.01, 0.25)
    lat = np.arange(73.0, 61.99, -0.25)  # ERA5 order: north to south
    times = np.datetime64("2025-02-10T00:00") + np.arange(DAYS * 24 + 1) * np.timedelta64(1, "h")
    hours = np.arange(times.size, dtype=np.float64)[:, None, None]
    glon, glat = np.meshgrid(lon, lat)
    clon = 172.0 + 0.12 * hours  # the low moves east at ~5 km/h
    dist = np.hypot((glon[None] - clon) * 0.4, glat[None] - 66.0)
    speed = 5.0 + 25.0 * np.exp(-((dist / 2.0) ** 2))
    u10 = (speed * 0.8).astype(np.float32)
    v10 = (speed * 0.6).astype(np.float32)
    t2m = (250.0 + 3.0 * np.sin(hours / 24.0 * 2 * np.pi) + 0.0 * glat[None]).astype(np.float32)
    ds = xr.Dataset(
        {
            "u10": (("valid_time", "latitude", "longitude"), u10, {"units": "m s**-1"}),
            "v10": (("valid_time", "latitude", "longitude"), v10, {"units": "m s**-1"}),
            "t2m": (("valid_time", "latitude", "longitude"), t2m, {"units": "K"}),
        },
        coords={"valid_time": times, "latitude": lat, "longitude": lon},
    )
    return gridded_from_dataset(ds, name="era5-like")


def timed(label: str, run: Callable[[], object]) -> float:
    """Run once, print wall and CPU seconds (CPU summed over threads); return wall seconds."""
    t0, c0 = time.perf_counter(), time.process_time()
    run()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"{label:<58s} {seconds:7.3f} s  (cpu {cpu:6.2f} s)")
    return seconds


def main() -> None:
    """Print seconds for each (field, sampling) pair."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--centres-only", action="store_true", help="skip the all-nodes runs")
    args = parser.parse_args()

    lon, lat, cell = lattice()
    c_lon, c_lat, c_cell = centres(lon, lat, cell)
    n_cells = int(cell.max()) + 1
    is_ice = np.zeros(n_cells, dtype=np.bool_)
    is_ice[::7] = True
    buran = get_vehicle("buran")
    n_steps = DAYS * 24
    print(f"lattice {lon.size:,} nodes, {n_cells} cells, {n_steps} hourly steps, vehicle buran")
    # compile the numba kernel once (cached on disk afterwards) so it is not timed below
    build_weather_table(
        era5_like(),
        buran,
        sample_lon=c_lon[:1],
        sample_lat=c_lat[:1],
        sample_cell=np.zeros(1, dtype=np.int64),
        n_cells=1,
        cell_is_ice=np.zeros(1, dtype=np.bool_),
        start=START,
        n_steps=1,
    )

    fields: dict[str, WeatherField] = {}
    builders: dict[str, Callable[[], WeatherField]] = {
        "scenario (moving storm)": storm_scenario,
        "gridded (ERA5-like 0.25 deg)": era5_like,
        "stochastic member": lambda: Climatology(start=START, days=DAYS).members(1, seed=1)[0],
    }
    for name, build in builders.items():
        t0 = time.perf_counter()
        fields[name] = build()
        print(f"{'build ' + name:<58s} {time.perf_counter() - t0:7.3f} s")

    for name, weather in fields.items():
        for label, (plon, plat, pcell), daylight in (
            ("400 centres", (c_lon, c_lat, c_cell), False),
            ("all 1,000,000 nodes", (lon, lat, cell), False),
            ("all 1,000,000 nodes, daylight only", (lon, lat, cell), True),
        ):
            if args.centres_only and plon.size > n_cells:
                continue
            if daylight and not name.startswith("scenario"):
                continue

            def run(
                w: WeatherField = weather,
                p: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]] = (
                    plon,
                    plat,
                    pcell,
                ),
                d: bool = daylight,
            ) -> object:
                return build_weather_table(
                    w,
                    buran,
                    sample_lon=p[0],
                    sample_lat=p[1],
                    sample_cell=p[2],
                    n_cells=n_cells,
                    cell_is_ice=is_ice,
                    start=START,
                    n_steps=n_steps,
                    daylight_only=d,
                )

            timed(f"{name}: {label}", run)


if __name__ == "__main__":
    main()
