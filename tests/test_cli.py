"""The command line: network and vehicles commands, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from arcticroute.cli import main


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
