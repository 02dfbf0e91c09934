"""Command line: ``python -m arcticroute network|vehicles|plan|tour|raster ...``.

Exit codes: 0 success, 1 no feasible route (with the reason), 2 bad input (one-line error,
never a traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ._errors import ArcticRouteError

__all__ = ["main"]

EXIT_OK = 0
EXIT_NO_ROUTE = 1
EXIT_BAD_INPUT = 2


class _UsageError(ArcticRouteError):
    """Bad command-line input."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own errors: one line, exit 2
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"--date {text!r} is not a date; expected YYYY-MM-DD, e.g. 2027-03-10"
        raise _UsageError(msg) from None


def _hours(text: str) -> float:
    # argparse type: a finite number of hours >= 0
    try:
        hours = float(text)
    except ValueError:
        hours = math.nan
    if not (math.isfinite(hours) and hours >= 0.0):
        msg = f"{text!r} is not a number of hours >= 0, e.g. 2.5"
        raise argparse.ArgumentTypeError(msg)
    return hours


def _write_output(text: str, output: Path | None, *, force: bool) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    if output.exists() and not force:
        msg = f"{output} already exists; pass --force to overwrite it"
        raise _UsageError(msg)
    if not output.parent.exists():
        msg = f"cannot write {output}: folder {output.parent} does not exist"
        raise _UsageError(msg)
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as err:
        msg = f"cannot write {output}: {err.strerror}"
        raise _UsageError(msg) from err


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cmd_network(args: argparse.Namespace) -> int:
    from .geojson import network_to_geojson
    from .network import filter_network, load_network

    graph = load_network(args.network)
    day = _parse_date(args.date) if args.date else None
    shown = filter_network(graph, date=day, include_closed=day is None) if day else graph
    if args.format == "geojson":
        text = json.dumps(network_to_geojson(shown), ensure_ascii=False, indent=1)
    elif args.format == "json":
        text = json.dumps(_network_json(shown), ensure_ascii=False, indent=1)
    else:
        text = _network_table(graph, shown, day)
    _write_output(text, args.output, force=args.force)
    return EXIT_OK


def _network_json(graph: Any) -> dict[str, Any]:
    nodes = []
    for node, data in graph.nodes(data=True):
        nodes.append(
            {
                "id": node,
                **{k: v for k, v in data.items() if k != "aliases"},
                "aliases": list(data.get("aliases", ())),
            }
        )
    links = []
    for u, v, data in graph.edges(data=True):
        season = data.get("season")
        links.append(
            {
                "from": u,
                "to": v,
                **{k: v2 for k, v2 in data.items() if k not in ("geometry", "season")},
                "season": season.to_dict() if season else None,
                "rest_stops_km": list(data.get("rest_stops_km", ())),
                "geometry": [list(c) for c in data["geometry"].coords],
            }
        )
    return {"network": dict(graph.graph), "nodes": nodes, "links": links}


def _network_table(graph: Any, shown: Any, day: dt.date | None) -> str:
    node_rows = []
    for node, data in graph.nodes(data=True):
        depot = data.get("depot_confidence") or "-"
        if data.get("depot") and data.get("fuel_stock_l") is not None:
            depot += f" ({data['fuel_stock_l']:.0f} L)"
        node_rows.append(
            [
                node,
                f"{data['lat']:.3f}",
                f"{data['lon']:.3f}",
                data.get("population", ""),
                "yes" if data["shelter"] else "no",
                depot,
            ]
        )
    link_rows = []
    for u, v, data in shown.edges(data=True):
        season = data.get("season")
        flags = []
        if data["assumed"]:
            flags.append("assumed route")
        if data["length_source"] != "sourced":
            flags.append(f"length {data['length_source']}")
        if data["status"] != "open":
            flags.append(data["status"])
        link_rows.append(
            [
                f"{u} - {v}",
                data["terrain"],
                f"{data['length_km']:.0f}",
                str(season) if season else "all year",
                ", ".join(flags) or "sourced",
            ]
        )
    title = f"open on {day.isoformat()}" if day else "all links"
    return "\n".join(
        [
            f"{graph.graph.get('name', 'network')}: {graph.number_of_nodes()} places, "
            f"{shown.number_of_edges()} links ({title})",
            "",
            _table(["place", "lat", "lon", "people", "shelter", "fuel depot"], node_rows),
            "",
            _table(["link", "terrain", "km", "season", "provenance"], link_rows),
        ]
    )


def _cmd_vehicles(args: argparse.Namespace) -> int:
    from .vehicles import get_vehicle, vehicle_catalogue

    vehicles = [get_vehicle(args.vehicle)] if args.vehicle else list(vehicle_catalogue().values())
    if args.format == "json":
        text = json.dumps([_vehicle_json(v) for v in vehicles], ensure_ascii=False, indent=1)
    else:
        rows = [
            [
                v.id,
                f"{v.capacity_l:.0f}",
                f"{v.reserve:.0%}",
                f"{v.gross_mass_kg / 1000:.1f}",
                f"{max(v.range_km(t) for t in v.speed_kmh):.0f}",
                " ".join(f"{t}:{s:g}" for t, s in v.speed_kmh.items()),
            ]
            for v in vehicles
        ]
        text = _table(["id", "fuel L", "reserve", "t", "best range km", "speed km/h"], rows)
        if args.vehicle:
            text = f"{vehicles[0].name}\nsource: {vehicles[0].source}\n\n{text}"
    _write_output(text, args.output, force=args.force)
    return EXIT_OK


def _vehicle_json(vehicle: Any) -> dict[str, Any]:
    return {
        "id": vehicle.id,
        "name": vehicle.name,
        "tank_l": vehicle.tank_l,
        "carried_fuel_l": vehicle.carried_fuel_l,
        "reserve": vehicle.reserve,
        "gross_mass_kg": vehicle.gross_mass_kg,
        "open_cab": vehicle.open_cab,
        "refuel_min": vehicle.refuel_min,
        "max_drive_h_per_day": vehicle.max_drive_h_per_day,
        "maintained_only": vehicle.maintained_only,
        "speed_kmh": dict(vehicle.speed_kmh),
        "fuel_l_per_100km": dict(vehicle.fuel_l_per_100km),
        "limits": {
            "min_temp_c": vehicle.limits.min_temp_c,
            "max_wind_ms": vehicle.limits.max_wind_ms,
            "min_visibility_km": vehicle.limits.min_visibility_km,
        },
        "source": vehicle.source,
    }


def _cmd_plan(args: argparse.Namespace) -> int:
    from .network import place_key
    from .planning import plan, plan_pareto

    if not args.via and place_key(args.origin) == place_key(args.destination):
        # (the library plans the zero-length trip, as a batch study's matrix diagonal needs)
        msg = (
            f"--from and --to are both {args.origin!r}: nothing to plan; choose another "
            "--to, or --via places for a round trip"
        )
        raise _UsageError(msg)
    options: dict[str, Any] = dict(
        depart=args.depart,
        weather=args.weather,
        via=args.via or (),
        fuel_start_l=args.fuel_start,
        reserve=args.reserve,
        max_drive_h=args.max_drive_hours,
        deadline=args.deadline,
        confirmed_depots_only=args.confirmed_depots_only,
        no_assumed_links=args.no_assumed_links,
        avoid=args.avoid or (),
        avoid_area=args.avoid_area,
        daylight_only=args.daylight_only,
    )
    trip = (args.network, args.origin, args.destination, args.vehicle)

    def run(depart: Any) -> tuple[Any, str | None]:
        # the itinerary (the first option for pareto) and the text to write (None: none)
        if args.objective == "pareto":
            found = plan_pareto(*trip, **{**options, "depart": depart})
            if args.format == "json":
                return found[0], json.dumps(
                    [o.to_dict() for o in found], ensure_ascii=False, indent=1
                )
            return found[0], "\n\n".join(
                f"option {k} of {len(found)}\n{o.to_table()}" for k, o in enumerate(found, start=1)
            )
        one = plan(*trip, objective=args.objective, **{**options, "depart": depart})
        track = args.format in ("geojson", "gpx", "kml")
        return one, None if track and not one.feasible else _render(one, args)

    itinerary, text = run(args.depart)
    # A departure the user never chose that seasons block: plan for the day they open.
    closed = itinerary if args.depart is None and itinerary.opens_on is not None else None
    if closed is not None:
        itinerary, text = run(dt.datetime.combine(closed.opens_on, dt.time(8, 0)))
    if text is not None:
        _write_output(text, args.output, force=args.force)
    if args.map is not None:
        _write_map(itinerary, args)
    if not itinerary.feasible:
        _say_no_route(itinerary, args, written=text is not None)
    if args.depart is None and (closed is not None or not itinerary.feasible):
        # the answer hangs on a date the user never chose: say which, and why
        moved = (
            f"the next 08:00, {_local(closed.depart)}, finds the way closed for the season; "
            f"planned for {_local(itinerary.depart)}, the first day it opens"
            if closed is not None
            else f"planned for the next 08:00, {_local(itinerary.depart)}"
        )
        print(
            f"no --depart given: {moved}; pass --depart YYYY-MM-DDTHH:MM to plan another day",
            file=sys.stderr,
        )
    return EXIT_OK if itinerary.feasible else EXIT_NO_ROUTE


def _cmd_tour(args: argparse.Namespace) -> int:
    from .tours import plan_tour

    tour = plan_tour(
        args.network,
        args.origin,
        args.stops,
        args.vehicle,
        end=args.destination,
        depart=args.depart,
        weather=args.weather,
        objective=args.objective,
        deadline=args.deadline,
        reserve=args.reserve,
        max_drive_h=args.max_drive_hours,
        confirmed_depots_only=args.confirmed_depots_only,
        no_assumed_links=args.no_assumed_links,
    )
    return _emit(tour.itinerary, args, head=tour.summary)


def _emit(itinerary: Any, args: argparse.Namespace, *, head: str = "") -> int:
    """Write the plan as asked (a ``head`` line over the table), say why if there is none."""
    track = args.format in ("geojson", "gpx", "kml")
    text = None if track and not itinerary.feasible else _render(itinerary, args)
    if text is not None and head and args.format == "table":
        text = f"{head}\n{text}"
    if text is not None:
        _write_output(text, args.output, force=args.force)
    if getattr(args, "map", None) is not None:
        _write_map(itinerary, args)
    if not itinerary.feasible:
        _say_no_route(itinerary, args, written=text is not None)
    return EXIT_OK if itinerary.feasible else EXIT_NO_ROUTE


def _say_no_route(itinerary: Any, args: argparse.Namespace, *, written: bool) -> None:
    # on stderr, unless the table on the terminal says it already
    if not written:
        print(
            f"no feasible route, so no {args.format} written: {itinerary.reason}",
            file=sys.stderr,
        )
    elif args.output is not None or args.format != "table":
        print(f"no feasible route: {itinerary.reason}", file=sys.stderr)


def _point(text: str, what: str) -> tuple[str | None, float, float]:
    """``LAT,LON`` or ``NAME=LAT,LON`` (degrees north, east) -> (name, lat, lon)."""
    from .network import parse_point

    name, _, where = text.rpartition("=")
    point = parse_point(where)
    if point is None:
        msg = (
            f"{what} {text!r} is not a point; expected LAT,LON in degrees north and east "
            "(e.g. 64.73,177.52), optionally named: 'Camp 3=64.73,177.52'"
        )
        raise _UsageError(msg)
    return (name.strip() or None), *point


def _class_map(pairs: Sequence[str]) -> dict[int, str]:
    """``--class VALUE=CLASS`` arguments -> {value: class}."""
    out: dict[int, str] = {}
    for pair in pairs:
        value, _, name = pair.partition("=")
        try:
            out[int(value)] = name.strip()
        except ValueError:
            msg = (
                f"--class {pair!r} must be VALUE=CLASS, a value of the raster file and a "
                "terrain class, e.g. 3=tundra"
            )
            raise _UsageError(msg) from None
    return out


def _cmd_raster(args: argparse.Namespace) -> int:
    from .offnetwork import plan_raster
    from .terrain import read_raster

    points = [(args.origin, "--from"), (args.destination, "--to")]
    points += [(text, "--depot") for text in args.depot or ()]
    points += [(text, "--shelter") for text in args.shelter or ()]
    parsed = [(_point(text, what), what) for text, what in points]  # before reading the file
    raster = read_raster(args.raster, _class_map(args.classes), cell_km=args.cell_km)
    names: dict[tuple[int, int], str] = {}
    cells: dict[str, list[tuple[int, int]]] = {
        w: [] for w in ("--from", "--to", "--depot", "--shelter")
    }
    for (name, lat, lon), what in parsed:
        try:
            cell = raster.cell_at(lon, lat)
        except ArcticRouteError as err:
            raise _UsageError(f"{what}: {err}") from None
        cells[what].append(cell)
        if name:
            names[cell] = name
    itinerary = plan_raster(
        raster,
        cells["--from"][0],
        cells["--to"][0],
        args.vehicle,
        depart=args.depart,
        weather=args.weather,
        objective=args.objective,
        depots=cells["--depot"],
        shelters=cells["--shelter"],
        depot_spacing_km=args.depot_spacing_km,
        hut_spacing_km=args.hut_spacing_km,
        deadline=args.deadline,
        daylight_only=args.daylight_only,
        names=names,
    )
    return _emit(itinerary, args)


def _local(when: dt.datetime) -> str:
    offset = when.utcoffset()
    zone = f"UTC{offset.total_seconds() / 3600:+g}" if offset is not None else "UTC"
    return f"{when:%Y-%m-%d %H:%M} {zone}"


def _render(itinerary: Any, args: argparse.Namespace) -> str:
    from .export import checkpoint_table

    if args.format == "json":
        return str(itinerary.to_json())
    if args.format == "geojson":
        return json.dumps(itinerary.to_geojson(), ensure_ascii=False, indent=1)
    if args.format == "gpx":
        return str(itinerary.to_gpx())
    if args.format == "kml":
        return str(itinerary.to_kml())
    table = str(itinerary.to_table())
    if itinerary.feasible:
        table += "\n\n" + checkpoint_table(itinerary, args.overdue_margin)
    return table


def _write_map(itinerary: Any, args: argparse.Namespace) -> None:
    from .network import load_network

    path: Path = args.map
    if path.suffix.lower() not in (".png", ".html"):
        msg = f"--map {path} must end in .png or .html"
        raise _UsageError(msg)
    if path.exists() and not args.force:
        msg = f"{path} already exists; pass --force to overwrite it"
        raise _UsageError(msg)
    if not path.parent.exists():
        msg = f"cannot write {path}: folder {path.parent} does not exist"
        raise _UsageError(msg)
    try:
        from .viz import plot_itinerary, save_html
    except ImportError as err:
        msg = f"maps need the maps extra: pip install 'arcticroute[maps]' ({err})"
        raise _UsageError(msg) from err
    # (a raster plan has no network to draw beneath the route)
    network = load_network(args.network) if hasattr(args, "network") else None
    try:
        if path.suffix.lower() == ".png":
            plot_itinerary(itinerary, network, path)
        else:
            save_html(itinerary, network, path)
    except ImportError as err:  # a part of the maps extra is missing (e.g. xstatic-leaflet)
        msg = f"maps need the maps extra: pip install 'arcticroute[maps]' ({err})"
        raise _UsageError(msg) from err


def _output_arguments(command: argparse.ArgumentParser, *, maps: bool) -> None:
    """The output options of the commands that plan: format, file, map, trip sheet."""
    out = command.add_argument_group("output")
    out.add_argument(
        "--format", choices=("table", "json", "geojson", "gpx", "kml"), default="table"
    )
    out.add_argument("--output", type=Path, help="write to this file instead of stdout")
    if maps:
        out.add_argument("--map", type=Path, metavar="PATH.png|PATH.html", help="also draw a map")
    out.add_argument(
        "--overdue-margin",
        type=_hours,
        metavar="HOURS",
        help="hours after an expected arrival before a stop is overdue "
        "(default: 3 h + 25%% of the leg's driving time)",
    )
    out.add_argument("--force", action="store_true", help="overwrite existing output files")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m arcticroute", description="Plan winter journeys in Chukotka.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    network = commands.add_parser("network", help="list the places and links of a network")
    network.add_argument("--network", default="chukotka", help="chukotka or a GeoJSON file")
    network.add_argument("--date", help="show only links open on this day (YYYY-MM-DD)")
    network.add_argument("--format", choices=("table", "json", "geojson"), default="table")
    network.add_argument("--output", type=Path, help="write to this file instead of stdout")
    network.add_argument("--force", action="store_true", help="overwrite --output if it exists")
    network.set_defaults(run=_cmd_network)

    plan = commands.add_parser("plan", help="plan a trip")
    trip = plan.add_argument_group("trip")
    trip.add_argument("--from", dest="origin", required=True, help="start place")
    trip.add_argument("--to", dest="destination", required=True, help="destination place")
    trip.add_argument("--vehicle", required=True, help="catalogue id or a .toml file")
    trip.add_argument("--via", action="append", metavar="PLACE", help="pass through (repeat)")
    trip.add_argument(
        "--depart",
        help="YYYY-MM-DDTHH:MM (a date alone: 08:00 that day); no offset = Chukotka time; "
        "default next 08:00",
    )
    trip.add_argument(
        "--deadline",
        help="latest acceptable arrival, same form as --depart (a date alone: end of that day)",
    )
    trip.add_argument("--network", default="chukotka", help="chukotka or a GeoJSON file")
    trip.add_argument(
        "--weather",
        default=None,
        metavar="calm|NAME|FILE",
        help="calm (default), purga-anadyr, cold-snap-interior, climatology[:SEED], "
        "a scenario .json or a gridded .nc/.grib file",
    )
    trip.add_argument("--objective", choices=("time", "fuel", "risk", "pareto"), default="time")
    rules = plan.add_argument_group("vehicle and safety rules")
    rules.add_argument("--reserve", type=float, help="fuel reserve fraction, e.g. 0.3")
    rules.add_argument("--fuel-start", type=float, metavar="L", help="litres at departure")
    rules.add_argument("--max-drive-hours", type=float, metavar="H", help="per 24 h")
    rules.add_argument("--confirmed-depots-only", action="store_true")
    rules.add_argument(
        "--daylight-only", action="store_true", help="travel only between civil dawn and dusk"
    )
    rules.add_argument("--no-assumed-links", action="store_true")
    rules.add_argument(
        "--avoid", action="append", metavar="PLACE|PLACE-PLACE", help="repeat as needed"
    )
    rules.add_argument(
        "--avoid-area",
        type=Path,
        metavar="FILE.geojson",
        help="close every link crossing a Polygon/MultiPolygon of this GeoJSON file",
    )
    _output_arguments(plan, maps=True)
    plan.set_defaults(run=_cmd_plan)

    tour = commands.add_parser("tour", help="a supply run: visit several places in the best order")
    trip = tour.add_argument_group("tour")
    trip.add_argument("--from", dest="origin", required=True, help="start place")
    trip.add_argument(
        "--stop", dest="stops", action="append", required=True, metavar="PLACE",
        help="a place to visit (repeat; up to 8, visited in the best order)",
    )  # fmt: skip
    trip.add_argument("--to", dest="destination", help="end place (default: back to --from)")
    trip.add_argument("--vehicle", required=True, help="catalogue id or a .toml file")
    trip.add_argument("--depart", help="as for plan; default next 08:00 Chukotka time")
    trip.add_argument("--deadline", help="latest acceptable arrival at the end, as for plan")
    trip.add_argument("--network", default="chukotka", help="chukotka or a GeoJSON file")
    trip.add_argument("--weather", default=None, metavar="calm|NAME|FILE", help="as for plan")
    trip.add_argument("--objective", choices=("time", "fuel"), default="time")
    rules = tour.add_argument_group("vehicle and safety rules")
    rules.add_argument("--reserve", type=float, help="fuel reserve fraction, e.g. 0.3")
    rules.add_argument("--max-drive-hours", type=float, metavar="H", help="per 24 h")
    rules.add_argument("--confirmed-depots-only", action="store_true")
    rules.add_argument("--no-assumed-links", action="store_true")
    _output_arguments(tour, maps=False)
    tour.set_defaults(run=_cmd_tour)

    raster = commands.add_parser(
        "raster", help="plan a trip off the network, across a land-cover raster file"
    )
    trip = raster.add_argument_group("trip")
    trip.add_argument(
        "--raster", type=Path, required=True, help="land-cover file (GeoTIFF, any CRS)"
    )
    trip.add_argument(
        "--class",
        dest="classes",
        action="append",
        required=True,
        metavar="VALUE=CLASS",
        help="what a value of the file is, e.g. 3=tundra (repeat for every value)",
    )
    trip.add_argument(
        "--cell-km", type=float, help="cell side to plan on, km (default: the file's)"
    )
    trip.add_argument("--from", dest="origin", required=True, metavar="[NAME=]LAT,LON")
    trip.add_argument("--to", dest="destination", required=True, metavar="[NAME=]LAT,LON")
    trip.add_argument("--vehicle", required=True, help="catalogue id or a .toml file")
    trip.add_argument("--depart", help="as for plan; default next 08:00 Chukotka time")
    trip.add_argument("--deadline", help="latest acceptable arrival, as for plan")
    trip.add_argument("--weather", default=None, metavar="calm|NAME|FILE", help="as for plan")
    trip.add_argument("--objective", choices=("time", "fuel", "risk"), default="time")
    sites = raster.add_argument_group("depots and shelters")
    sites.add_argument("--depot", action="append", metavar="[NAME=]LAT,LON", help="fuel (repeat)")
    sites.add_argument(
        "--shelter", action="append", metavar="[NAME=]LAT,LON", help="a hut (repeat)"
    )
    sites.add_argument("--depot-spacing-km", type=float, help="also a depot every this many km")
    sites.add_argument("--hut-spacing-km", type=float, help="also a hut every this many km")
    sites.add_argument(
        "--daylight-only", action="store_true", help="travel only between civil dawn and dusk"
    )
    _output_arguments(raster, maps=True)
    raster.set_defaults(run=_cmd_raster)

    vehicles = commands.add_parser("vehicles", help="list the vehicle catalogue")
    vehicles.add_argument("vehicle", nargs="?", help="one catalogue id or a .toml file")
    vehicles.add_argument("--format", choices=("table", "json"), default="table")
    vehicles.add_argument("--output", type=Path, help="write to this file instead of stdout")
    vehicles.add_argument("--force", action="store_true", help="overwrite --output if it exists")
    vehicles.set_defaults(run=_cmd_vehicles)
    return parser


class _ToStderr(logging.Handler):
    """Writes to whatever ``sys.stderr`` is when a record comes (not when it was made)."""

    def emit(self, record: logging.LogRecord) -> None:
        print(self.format(record), file=sys.stderr, flush=True)


def _show_progress_notices() -> None:
    # INFO of the package's logger on stderr (e.g. that the solver is being compiled, the
    # first time on a machine), unless the caller has set up logging for it already
    log = logging.getLogger("arcticroute")
    if not log.handlers:
        handler = _ToStderr()
        handler.setFormatter(logging.Formatter("arcticroute: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv
        Arguments without the program name; None reads ``sys.argv``.

    Returns
    -------
    int
        0 success, 1 no feasible route, 2 bad input.
    """
    args = _build_parser().parse_args(argv)
    _show_progress_notices()
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except (ArcticRouteError, FileNotFoundError, FileExistsError, IsADirectoryError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
