"""The command line: network and vehicles commands, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from arcticroute import planning
from arcticroute.cli import main
from arcticroute.planning import localize


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arcticroute", *args], capture_output=True, text=True, check=False
    )


def test_network_command_prints_places_and_links() -> None:
    result = run("network")
    assert result.returncode == 0, result.stderr
    assert "Anadyr" in result.stdout
    assert "Pevek - Bilibino" in result.stdout
    assert "assumed route" in result.stdout


def test_network_on_a_date_shows_only_open_links(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["network", "--date", "2027-07-01"]) == 0
    summer = capsys.readouterr().out
    assert "Pevek - Bilibino" not in summer
    assert "Egvekinot - Amguema" in summer
    assert main(["network", "--date", "2027-03-10"]) == 0
    assert "Pevek - Bilibino" in capsys.readouterr().out


def test_network_json_and_geojson(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["network", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["nodes"]) == 49
    assert {link["terrain"] for link in data["links"]} >= {"sea_ice", "winter_road"}
    assert main(["network", "--format", "geojson"]) == 0
    assert json.loads(capsys.readouterr().out)["type"] == "FeatureCollection"


def test_vehicles_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vehicles"]) == 0
    out = capsys.readouterr().out
    for vid in ("buran", "viking", "trekol", "gaz34039", "mtlb", "truck6x6"):
        assert vid in out
    assert main(["vehicles", "trekol", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["tank_l"] == 120


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["vehicles", "trekkol"], "unknown vehicle 'trekkol'; did you mean 'trekol'"),
        (["network", "--date", "2027-13-01"], "--date '2027-13-01' is not a date"),
        (["network", "--network", "missing.geojson"], "does not exist"),
        (["network", "--format", "xml"], "invalid choice: 'xml'"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_output_is_never_overwritten_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "net.json"
    out.write_text("precious", encoding="utf-8")
    assert main(["network", "--format", "json", "--output", str(out)]) == 2
    assert "pass --force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "precious"
    assert main(["network", "--format", "json", "--output", str(out), "--force"]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["nodes"]


def test_unwritable_output_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["network", "--output", str(tmp_path / "no" / "such" / "dir.txt")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_plan_command_prints_a_real_plan() -> None:
    result = run(
        "plan",
        "--from",
        "Anadyr",
        "--to",
        "Egvekinot",
        "--vehicle",
        "trekol",
        "--depart",
        "2027-03-10T08:00",
    )
    assert result.returncode == 0, result.stderr
    assert "Anadyr" in result.stdout
    assert "Uelkal" in result.stdout
    assert "+12:00" in result.stdout


def test_plan_without_a_route_exits_1_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "plan",
            "--from",
            "Anadyr",
            "--to",
            "Lavrentiya",
            "--vehicle",
            "buran",
            "--depart",
            "2027-03-10T08:00",
            "--format",
            "json",
        ]
    )
    assert code == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["feasible"] is False
    assert "no depot in between" in data["reason"]
    assert "no feasible route" in captured.err


@pytest.mark.parametrize("fmt", ["gpx", "kml", "geojson"])
def test_plan_without_a_route_writes_no_track_and_exits_1(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"trip.{fmt}"
    trip = ["plan", "--from", "Anadyr", "--to", "Lavrentiya", "--vehicle", "buran"]
    code = main([*trip, "--depart", "2027-03-10T08:00", "--format", fmt, "--output", str(out)])
    assert code == 1  # no route is not bad input
    assert not out.exists()
    err = capsys.readouterr().err
    assert f"no feasible route, so no {fmt} written: buran range is short" in err


def test_plan_from_a_place_to_itself_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    trip = ["plan", "--from", "Anadyr", "--to", "anadyr", "--vehicle", "trekol"]
    assert main([*trip, "--depart", "2027-03-10T08:00"]) == 2
    assert "--from and --to are both 'Anadyr': nothing to plan" in capsys.readouterr().err
    round_trip = [*trip, "--depart", "2027-03-10T08:00", "--via", "Uelkal"]
    assert main(round_trip) == 0


@pytest.mark.parametrize("margin", ["-1", "nan", "soon"])
def test_a_bad_overdue_margin_is_bad_input(margin: str, capsys: pytest.CaptureFixture[str]) -> None:
    trip = ["plan", "--from", "Anadyr", "--to", "Egvekinot", "--vehicle", "trekol"]
    with pytest.raises(SystemExit) as stop:
        main([*trip, "--depart", "2027-03-10T08:00", "--overdue-margin", margin])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --overdue-margin: {margin!r} is not a number of hours >= 0" in err
    assert "Traceback" not in err


def _now_is(monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    # the departure plan() picks without --depart: the next 08:00 after ``when``
    chosen = planning.default_departure(localize(when))
    monkeypatch.setattr(planning, "default_departure", lambda: chosen)


def test_plan_without_a_route_says_when_it_chose_the_departure(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _now_is(monkeypatch, "2027-03-09T20:00")
    trip = ["plan", "--from", "Anadyr", "--to", "Lavrentiya", "--vehicle", "buran"]
    assert main(trip) == 1
    err = capsys.readouterr().err
    assert "no --depart given: planned for the next 08:00, 2027-03-10 08:00 UTC+12" in err
    assert "pass --depart YYYY-MM-DDTHH:MM" in err
    assert main([*trip, "--depart", "2027-03-10T08:00"]) == 1
    assert "--depart" not in capsys.readouterr().err


def test_plan_without_depart_in_the_closed_season_plans_for_the_day_the_way_opens(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _now_is(monkeypatch, "2026-11-26T20:00")
    trip = ["plan", "--from", "Anadyr", "--to", "Egvekinot", "--vehicle", "trekol"]
    assert main([*trip, "--format", "json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["depart"] == "2026-12-15T08:00:00+12:00"
    assert (
        "no --depart given: the next 08:00, 2026-11-27 08:00 UTC+12, finds the way closed "
        "for the season; planned for 2026-12-15 08:00 UTC+12, the first day it opens"
    ) in out.err
    # a departure the user chose is never moved
    assert main([*trip, "--depart", "2026-11-27T08:00"]) == 1
    out = capsys.readouterr()
    assert "opens on 2026-12-15; depart on or after that day" in out.out
    assert "--depart given" not in out.err


def test_plan_json_has_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "plan",
                "--from",
                "Lavrentiya",
                "--to",
                "Uelen",
                "--vehicle",
                "buran",
                "--depart",
                "2027-03-10T08:00",
                "--format",
                "json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    for key in (
        "feasible",
        "origin",
        "destination",
        "vehicle",
        "depart",
        "arrive",
        "duration_h",
        "driving_h",
        "distance_km",
        "fuel_used_l",
        "risk",
        "legs",
        "waits",
        "refuels",
        "reason",
        "warnings",
    ):
        assert key in data
    assert set(data["legs"][0]) >= {
        "from",
        "to",
        "terrain",
        "distance_km",
        "depart",
        "arrive",
        "fuel_before_l",
        "fuel_after_l",
    }


def test_plan_pareto_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "plan",
                "--from",
                "Anadyr",
                "--to",
                "Pevek",
                "--vehicle",
                "gaz34039",
                "--depart",
                "2027-03-10T08:00",
                "--objective",
                "pareto",
                "--format",
                "json",
            ]
        )
        == 0
    )
    options = json.loads(capsys.readouterr().out)
    assert len(options) >= 2
    arrivals = [o["arrive"] for o in options]
    assert arrivals == sorted(arrivals)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "Anadry", "--to", "Uelen", "--vehicle", "buran"], "did you mean 'Anadyr'"),
        (
            ["--from", "Anadyr", "--to", "Uelen", "--vehicle", "buran", "--depart", "tomorrow"],
            "is not a time",
        ),
        (["--from", "Anadyr", "--to", "Uelen", "--vehicle", "nope.toml"], "does not exist"),
        (
            ["--from", "Anadyr", "--to", "Uelen", "--vehicle", "buran", "--avoid", "Atlantis"],
            "unknown place 'Atlantis'",
        ),
    ],
)
def test_plan_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    result = run("plan", *args)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


TREKOL_TO_EGVEKINOT = [
    "plan",
    "--from",
    "Anadyr",
    "--to",
    "Egvekinot",
    "--vehicle",
    "trekol",
    "--depart",
    "2027-03-10T08:00",
]


def write_area(path: Path, ring: list[list[float]]) -> Path:
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8"
    )
    return path


def test_avoid_area_reroutes_around_a_bay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bay = write_area(
        tmp_path / "bay.geojson",
        [[-179.35, 65.85], [-179.05, 65.85], [-179.05, 65.95], [-179.35, 65.95], [-179.35, 65.85]],
    )
    assert main([*TREKOL_TO_EGVEKINOT, "--format", "json", "--avoid-area", str(bay)]) == 0
    legs = json.loads(capsys.readouterr().out)["legs"]
    assert [leg["to"] for leg in legs] == ["Uelkal", "Konergino", "Egvekinot"]


def test_avoid_area_across_180_makes_the_trip_infeasible_and_says_why(tmp_path: Path) -> None:
    band = write_area(
        tmp_path / "band.geojson",
        [[179.0, 65.0], [-179.0, 65.0], [-179.0, 65.4], [179.0, 65.4], [179.0, 65.0]],
    )
    result = run(*TREKOL_TO_EGVEKINOT, "--avoid-area", str(band))
    assert result.returncode == 1, result.stderr
    assert "NO FEASIBLE ROUTE" in result.stdout
    assert "crosses the avoided area (band.geojson)" in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "avoid area file"),
        ("{not json", "is not JSON (line 1, column 2"),
        ('{"type": "Point", "coordinates": [177.5, 64.7]}', "holds no Polygon or MultiPolygon"),
        (
            '{"type": "Polygon", "coordinates": [[[177, 64], [178, 65], [178, 64], [177, 65], [177, 64]]]}',
            "the polygon is invalid (Ring Self-intersection near lon",
        ),
        (
            '{"type": "Polygon", "coordinates": [[[177, 64.5], [178, 64.5], [178, 65], [177, 65], [177, 64.5]]]}',
            "the origin Anadyr lies inside the avoided area (area.geojson)",
        ),
    ],
)
def test_bad_avoid_area_exits_2_with_one_line(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "area.geojson"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run(*TREKOL_TO_EGVEKINOT, "--avoid-area", str(path))
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_date_alone_departs_at_eight_and_a_deadline_ends_with_the_day(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # midnight would start a trip in the dark at the day's coldest: a date alone means the
    # default hour of departure, and as a deadline the end of that day
    assert localize("2027-03-10") == localize("2027-03-10T08:00")
    assert localize("2027-03-10", "deadline") == localize("2027-03-11T00:00")
    trip = ["plan", "--from", "Anadyr", "--to", "Egvekinot", "--vehicle", "trekol"]
    assert main([*trip, "--depart", "2027-03-10", "--deadline", "2027-03-10"]) == 0
    out = capsys.readouterr().out
    assert "depart 2027-03-10T08:00:00+12:00" in out


# ------------------------------------------------------------------------------------------
# raster
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cover_tif(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # land cover round Anadyr, 0.01 degree cells: 1 tundra, 2 river ice (a band at 177.5 E),
    # 3 deep snow (a block), 9 water (the estuary in the south-east corner)
    rasterio = pytest.importorskip("rasterio")
    import warnings

    import numpy as np
    from affine import Affine

    values = np.ones((80, 160), np.uint8)
    values[:, 98:102] = 2
    values[20:40, 30:60] = 3
    values[60:, 120:] = 9
    path = tmp_path_factory.mktemp("raster") / "cover.tif"
    with warnings.catch_warnings(), rasterio.open(
        path, "w", driver="GTiff", height=80, width=160, count=1, dtype="uint8",
        crs="EPSG:4326", transform=Affine(0.01, 0, 176.5, 0, -0.01, 65.1),
    ) as dst:  # fmt: skip
        warnings.filterwarnings("ignore", "Use `@` matmul", PendingDeprecationWarning)
        dst.write(values, 1)
    return path


RASTER_ARGS = ("--class", "1=tundra", "--class", "2=river_ice", "--class", "3=deep_snow",
               "--class", "9=water", "--cell-km", "1", "--vehicle", "buran",
               "--depart", "2027-03-10T08:00")  # fmt: skip


def test_raster_command_plans_across_a_land_cover_file(
    cover_tif: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = ["raster", "--raster", str(cover_tif), *RASTER_ARGS,
            "--from", "Camp 3=65.05,176.6", "--to", "64.6,178.0"]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Camp 3 -> 64.6" in out
    assert "river_ice" in out
    assert "off-network route over a raster of 1 km cells" in out
    gpx = tmp_path / "trip.gpx"
    assert main([*args, "--format", "gpx", "--output", str(gpx)]) == 0
    assert gpx.read_text().count("<trkpt") > 20
    # never overwritten without --force
    assert main([*args, "--format", "gpx", "--output", str(gpx)]) == 2
    assert "already exists; pass --force" in capsys.readouterr().err
    # a map of the route alone (no network beneath it)
    png = tmp_path / "trip.png"
    assert main([*args, "--map", str(png)]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_raster_command_exit_codes(cover_tif: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["raster", "--raster", str(cover_tif), *RASTER_ARGS]
    # no route: a tank too small for the trip and no depot (exit 1, with the reason)
    small = [*base, "--from", "65.05,176.6", "--to", "64.6,178.0", "--vehicle", "buran"]
    tiny = Path(cover_tif.parent / "tiny.toml")
    tiny.write_text(
        'id = "tiny"\nname = "Buran, 5 L"\ntank_l = 5\n'
        "[speed_kmh]\ntundra = 22\nriver_ice = 38\ndeep_snow = 15\n"
        "[fuel_l_per_100km]\ntundra = 34\nriver_ice = 28\ndeep_snow = 42\n"
    )
    assert main([*small[:-1], str(tiny)]) == 1
    assert "range" in capsys.readouterr().out
    # bad input: exit 2, one line naming the fix
    cases = [
        (["--from", "65.05;176.6", "--to", "64.6,178.0"], "--from '65.05;176.6' is not a point"),
        (
            ["--from", "60.0,176.6", "--to", "64.6,178.0"],
            "--from: point (176.6 E, 60 N) is outside",
        ),
        (["--from", "64.4,177.9", "--to", "64.6,178.0"], "is water (impassable)"),
    ]
    for extra, message in cases:
        assert main([*base, *extra]) == 2
        err = capsys.readouterr().err
        assert message in err, err
        assert "Traceback" not in err
    unmapped = ["raster", "--raster", str(cover_tif), "--class", "1=tundra", "--vehicle",
                "buran", "--from", "65.05,176.6", "--to", "64.6,178.0"]  # fmt: skip
    assert main(unmapped) == 2
    assert "does not map: 2 (" in capsys.readouterr().err
    assert main([*base, "--class", "x=tundra", "--from", "65.05,176.6", "--to", "64.6,178"]) == 2
    assert "--class 'x=tundra' must be VALUE=CLASS" in capsys.readouterr().err


def test_plan_from_coordinates(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["plan", "--from", "64.95,176.3", "--to", "Anadyr", "--vehicle", "trekol"]
    assert main([*args, "--depart", "2027-03-10T08:00"]) == 0
    assert "point 64.9500N 176.3000E -> Anadyr" in capsys.readouterr().out
    assert main(["plan", "--from", "60,170", "--to", "Anadyr", "--vehicle", "trekol"]) == 2
    assert "is more than 60 km from every place" in capsys.readouterr().err


def test_tour_command(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["tour", "--from", "Anadyr", "--stop", "Uelkal", "--stop", "Kanchalan"]
    assert main([*base, "--vehicle", "trekol", "--depart", "2027-03-10T08:00"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("best order of 2 stops: Kanchalan -> Uelkal")
    assert "Anadyr -> Anadyr by trekol" in out
    no = ["tour", "--from", "Anadyr", "--stop", "Ugolnye Kopi", "--vehicle", "truck6x6"]
    assert main([*no, "--depart", "2027-03-10T08:00", "--format", "gpx"]) == 1
    assert "no feasible route, so no gpx written: Ugolnye Kopi" in capsys.readouterr().err
    assert main([*base, "--stop", "Uelkal", "--vehicle", "trekol"]) == 2
    assert "stop 'Uelkal' is given twice" in capsys.readouterr().err
