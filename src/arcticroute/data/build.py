"""Build the bundled package data from the human-edited tables in ``seeds/``.

Usage (from the repository root)::

    python -m arcticroute.data.build            # seeds/ -> src/arcticroute/data/
    python -m arcticroute.data.build --check    # exit 1 if the package data is stale

``seeds/settlements.csv`` gives the nodes, ``seeds/links.csv`` the links and
``seeds/vehicles/*.toml`` the vehicle catalogue; every row carries its ``source``.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import networkx as nx

from .._errors import NetworkError
from ..geodesy import line_length_km, straight_line
from ..geojson import write_geojson
from ..network import Season, validate_network
from ..vehicles import load_vehicle

__all__ = ["DEFAULT_LIKELY_STOCK_L", "build", "build_graph", "main"]

DEFAULT_LIKELY_STOCK_L = 200.0
"""Litres a ``likely`` village depot is assumed to sell one trip (design choice, SOURCES.md)."""

PACKAGE_DATA = Path(__file__).resolve().parent

_YES = {"y": True, "n": False, "": False}


def _flag(value: str, where: str, column: str) -> bool:
    try:
        return _YES[value.strip().lower()]
    except KeyError:
        msg = f"{where}: column {column} is {value!r}; expected y or n"
        raise NetworkError(msg) from None


def _number(value: str, where: str, column: str) -> float | None:
    text = value.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        msg = f"{where}: column {column} is {value!r}; expected a number"
        raise NetworkError(msg) from None


def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows, start=2):
        if not row.get("source", "").strip():
            msg = f"{path.name} line {number}: every row needs a source"
            raise NetworkError(msg)
    return rows


def build_graph(seeds: Path) -> nx.MultiDiGraph:
    """Read ``settlements.csv`` and ``links.csv`` into a validated network.

    Parameters
    ----------
    seeds
        The seeds folder.

    Returns
    -------
    networkx.MultiDiGraph
    """
    graph = nx.MultiDiGraph(
        name="chukotka",
        description="Chukotka winter travel network (arcticroute bundled data)",
        sources="seeds/SOURCES.md",
    )
    for number, row in enumerate(_read_rows(seeds / "settlements.csv"), start=2):
        where = f"settlements.csv line {number} ({row['id']})"
        depot = row["depot"].strip()
        if depot not in ("", "confirmed", "likely"):
            msg = f"{where}: depot {depot!r}; expected confirmed, likely or empty"
            raise NetworkError(msg)
        stock = _number(row["fuel_stock_l"], where, "fuel_stock_l")
        population = _number(row["population"], where, "population")
        lat = _number(row["lat"], where, "lat")
        lon = _number(row["lon"], where, "lon")
        if lat is None or lon is None:
            msg = f"{where}: lat and lon are required"
            raise NetworkError(msg)
        aliases = tuple(a.strip() for a in row["aliases"].split(";") if a.strip())
        graph.add_node(
            row["id"],
            name=row["name"],
            name_ru=row["name_ru"],
            aliases=aliases,
            lon=lon,
            lat=lat,
            kind=row["kind"],
            district=row["district"],
            population=int(population or 0),
            airport=_flag(row["airport"], where, "airport"),
            shelter=_flag(row["shelter"], where, "shelter"),
            depot=bool(depot),
            depot_confidence=depot or None,
            fuel_stock_l=stock if depot else None,
            coastal=_flag(row["coastal"], where, "coastal"),
            source=row["source"],
            notes=row["notes"],
        )
    for number, row in enumerate(_read_rows(seeds / "links.csv"), start=2):
        where = f"links.csv line {number} ({row['id']})"
        ends = []
        for column in ("from", "to"):
            if row[column] not in graph:
                msg = f"{where}: {column} {row[column]!r} is not a settlement id"
                raise NetworkError(msg)
            node = graph.nodes[row[column]]
            ends.append((node["lon"], node["lat"]))
        via = []
        for point in filter(None, (p.strip() for p in row["via"].split(";"))):
            lon_text, lat_text = point.split()
            via.append((float(lon_text), float(lat_text)))
        geometry = straight_line(ends[0], ends[1], via)
        length = _number(row["length_km"], where, "length_km")
        season = None
        if row["season_open"].strip():
            season = Season.parse({"open": row["season_open"], "close": row["season_close"]})
        stops = tuple(float(s) for s in row["rest_stops_km"].split(";") if s.strip())
        graph.add_edge(
            row["from"],
            row["to"],
            id=row["id"],
            terrain=row["terrain"],
            mode=row["mode"],
            length_km=length if length is not None else round(line_length_km(geometry), 3),
            length_source=row["length_source"] if length is not None else "geodesic",
            geometry=geometry,
            oneway=_flag(row["oneway"], where, "oneway"),
            season=season,
            ice_thickness_cm=_number(row["ice_thickness_cm"], where, "ice_thickness_cm"),
            status=row["status"],
            maintained=_flag(row["maintained"], where, "maintained"),
            assumed=_flag(row["assumed"], where, "assumed"),
            rest_stops_km=stops,
            source=row["source"],
            notes=row["notes"],
        )
    validate_network(graph)
    return graph


def build(seeds: Path, out: Path) -> list[Path]:
    """Write ``chukotka.geojson`` and ``vehicles/*.toml`` into ``out``.

    Parameters
    ----------
    seeds
        The seeds folder.
    out
        The package data folder.

    Returns
    -------
    list of Path
        The files written.
    """
    written = [write_geojson(build_graph(seeds), out / "chukotka.geojson", overwrite=True)]
    (out / "vehicles").mkdir(parents=True, exist_ok=True)
    for toml in sorted((seeds / "vehicles").glob("*.toml")):
        load_vehicle(toml)  # refuse to ship a profile that does not load
        target = out / "vehicles" / toml.name
        shutil.copyfile(toml, target)
        written.append(target)
    return written


def stale_files(seeds: Path, out: Path) -> list[str]:
    """Names of package data files that differ from a fresh build of ``seeds``.

    Parameters
    ----------
    seeds
        The seeds folder.
    out
        The package data folder.

    Returns
    -------
    list of str
        Relative paths that are missing, extra or different; empty when in sync.
    """
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        names = [p.relative_to(fresh).as_posix() for p in build(seeds, fresh)]
        stale = [n for n in names if not (out / n).exists()]
        stale += [
            n
            for n in names
            if (out / n).exists() and not filecmp.cmp(fresh / n, out / n, shallow=False)
        ]
        shipped = {p.relative_to(out).as_posix() for p in (out / "vehicles").glob("*.toml")}
        stale += sorted(shipped - set(names))
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m arcticroute.data.build", description=__doc__)
    parser.add_argument("--seeds", type=Path, default=Path("seeds"), help="seeds folder")
    parser.add_argument("--out", type=Path, default=PACKAGE_DATA, help="package data folder")
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    if not (args.seeds / "settlements.csv").is_file():
        print(
            f"error: no settlements.csv in {args.seeds}; run from the repository root "
            "or pass --seeds",
            file=sys.stderr,
        )
        return 2
    try:
        if args.check:
            stale = stale_files(args.seeds, args.out)
            for name in stale:
                print(f"stale: {name}")
            return 1 if stale else 0
        for path in build(args.seeds, args.out):
            print(f"wrote {path}")
    except NetworkError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
