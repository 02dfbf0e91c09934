"""The package data is generated from seeds/ and stays in sync with it."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from arcticroute import NetworkError
from arcticroute.data import build

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def test_package_data_matches_a_fresh_build_of_the_seeds() -> None:
    stale = build.stale_files(SEEDS, ROOT / "src" / "arcticroute" / "data")
    assert stale == [], f"run `python -m arcticroute.data.build`: {stale}"


def test_editing_a_seed_row_changes_the_built_network(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    links = seeds / "links.csv"
    text = links.read_text(encoding="utf-8")
    links.write_text(
        text.replace(
            "Lavrentiya-Uelen,Lavrentiya,Uelen,trail,snowmobile trail,103,",
            "Lavrentiya-Uelen,Lavrentiya,Uelen,trail,snowmobile trail,110,",
        ),
        encoding="utf-8",
    )
    graph = build.build_graph(seeds)
    assert graph.edges["Lavrentiya", "Uelen", 0]["length_km"] == 110
    assert build.stale_files(seeds, ROOT / "src" / "arcticroute" / "data") == ["chukotka.geojson"]


def test_a_seed_row_without_source_is_refused(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    path = seeds / "settlements.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["source"] = ""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(NetworkError, match="line 2: every row needs a source"):
        build.build_graph(seeds)


def test_build_check_command_reports_in_sync(capsys: pytest.CaptureFixture[str]) -> None:
    code = build.main(
        ["--seeds", str(SEEDS), "--out", str(ROOT / "src" / "arcticroute" / "data"), "--check"]
    )
    assert code == 0
    assert capsys.readouterr().out == ""
