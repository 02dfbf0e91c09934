"""Batch studies: accessibility matrices and ensembles, on the local and the Dask executor."""

from __future__ import annotations

import json
import math
import pickle
import sys
from collections.abc import Iterator
from typing import Any

import networkx as nx
import numpy as np
import pytest

import arcticroute as ar
from arcticroute.batch import (
    AccessCell,
    BatchInputError,
    MissingExtraError,
    _study,
    accessibility,
    ensemble,
)
from arcticroute.planning import PlanInputError, localize, plan

# No crew duty limit: weather plans with one can be slow in the solver (open problem, see
# docs/architecture.md); the batch machinery does not depend on it.
TREKOL = ar.get_vehicle("trekol").replace(max_drive_h_per_day=None)
BURAN = ar.get_vehicle("buran").replace(max_drive_h_per_day=None)
ORIGINS = ["Anadyr", "Lavrentiya", "Pevek"]
DESTINATIONS = ["Egvekinot", "Uelen", "Anadyr"]
DEPARTURES = ["2027-03-10T08:00", "2027-03-24T08:00"]


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    """One worker *process*, so every task really crosses a pickle boundary."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, dashboard_address=":0"
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def calm_study(chukotka: nx.MultiDiGraph) -> ar.batch.AccessibilityResult:
    return accessibility(chukotka, ORIGINS, DESTINATIONS, TREKOL, departures=DEPARTURES)


def test_matrix_has_a_cell_per_origin_destination_and_departure(
    calm_study: ar.batch.AccessibilityResult,
) -> None:
    assert calm_study.shape == (3, 3, 2, 1)
    assert len(calm_study.cells) == 18
    assert calm_study.durations_h.shape == (3, 3, 2, 1)
    assert calm_study.feasible.shape == (3, 3, 2, 1)
    cell = calm_study.cell("Lavrentiya", "Egvekinot", "2027-03-24T08:00")
    assert (cell.origin, cell.destination) == ("Lavrentiya", "Egvekinot")
    assert cell.depart == localize("2027-03-24T08:00")
    assert cell.member is None
    o, d = ORIGINS.index("Lavrentiya"), DESTINATIONS.index("Egvekinot")
    assert calm_study.feasible[o, d, 1, 0] == cell.feasible


def test_each_cell_is_the_single_plan(
    chukotka: nx.MultiDiGraph, calm_study: ar.batch.AccessibilityResult
) -> None:
    for t, depart in enumerate(DEPARTURES):
        single = plan(chukotka, "Anadyr", "Egvekinot", TREKOL, depart=depart)
        assert calm_study.cell("Anadyr", "Egvekinot", t) == AccessCell.from_itinerary(single)


def test_same_place_is_reached_at_once(calm_study: ar.batch.AccessibilityResult) -> None:
    cell = calm_study.cell("Anadyr", "Anadyr", 0)
    assert cell.feasible
    assert cell.duration_h == 0.0
    assert cell.arrive == cell.depart


def test_infeasible_pairs_say_why(calm_study: ar.batch.AccessibilityResult) -> None:
    # A Trekol's 585 km stretch Ryrkaipiy - Billings - Komsomolsky has no depot.
    cell = calm_study.cell("Pevek", "Anadyr", 0)
    assert not cell.feasible
    assert cell.binding == "range"
    assert "range is short" in cell.reason
    assert cell.arrive is None
    assert cell.duration_h is None
    assert math.isnan(calm_study.durations_h[2, 2, 0, 0])
    feasible = calm_study.cell("Lavrentiya", "Uelen", 0)
    assert feasible.feasible
    assert (feasible.reason, feasible.binding) == ("", "")


def test_study_converts_to_json(calm_study: ar.batch.AccessibilityResult) -> None:
    data = json.loads(calm_study.to_json())
    assert data["shape"] == [3, 3, 2, 1]
    assert data["origins"] == ORIGINS
    assert data["departures"][0] == "2027-03-10T08:00:00+12:00"
    assert len(data["cells"]) == 18
    first = data["cells"][0]
    assert set(first) == {
        "origin",
        "destination",
        "depart",
        "member",
        "feasible",
        "arrive",
        "duration_h",
        "distance_km",
        "fuel_used_l",
        "binding",
        "reason",
    }
    infeasible = [c for c in data["cells"] if not c["feasible"]]
    assert infeasible
    assert all(c["arrive"] is None and c["reason"] for c in infeasible)


def test_study_converts_to_a_dataframe(calm_study: ar.batch.AccessibilityResult) -> None:
    pytest.importorskip("pandas")
    frame = calm_study.to_dataframe()
    assert len(frame) == 18
    assert list(frame.columns[:4]) == ["origin", "destination", "depart", "member"]
    assert str(frame["depart"].dt.tz) == "Asia/Anadyr"
    assert frame["duration_h"].dtype == np.float64
    assert frame["duration_h"].isna().sum() == (~calm_study.feasible).sum()


def test_unknown_place_names_the_closest(chukotka: nx.MultiDiGraph) -> None:
    with pytest.raises(ar.UnknownPlaceError, match="did you mean 'Egvekinot'"):
        accessibility(chukotka, ["Anadyr"], ["Egvekinto"], TREKOL, departures=DEPARTURES)


def test_unknown_executor_is_refused(chukotka: nx.MultiDiGraph) -> None:
    typo: Any = "dsak"
    with pytest.raises(BatchInputError, match="executor 'dsak'.*did you mean 'dask'"):
        accessibility(chukotka, ["Anadyr"], ["Uelen"], TREKOL, departures=DEPARTURES, executor=typo)


def test_scheduler_needs_the_dask_executor(chukotka: nx.MultiDiGraph) -> None:
    with pytest.raises(BatchInputError, match="executor='dask'"):
        accessibility(
            chukotka, ["Anadyr"], ["Uelen"], TREKOL, departures=DEPARTURES, scheduler="tcp://x:1"
        )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"origins": []}, "origins is empty"),
        ({"origins": "Anadyr"}, "list of place names"),
        ({"destinations": ["Uelen", "uelen"]}, "lists 'Uelen' twice"),
        ({"departures": []}, "departures is empty"),
        ({"members": 0}, "members 0 must be a positive integer"),
        ({"members": 2, "weather": "purga-anadyr"}, "either weather= or members="),
        ({"objectiv": "fuel"}, "unknown plan option 'objectiv'; did you mean 'objective'"),
        ({"depart": "2027-03-10T08:00"}, r"takes departures=\[...\]"),
        ({"members": 2, "seed": -1}, "seed -1 must be a non-negative integer"),
        ({"executor": "dask", "workers": 0}, "workers 0 must be a positive integer"),
    ],
)
def test_malformed_studies_are_refused(
    chukotka: nx.MultiDiGraph, kwargs: dict[str, Any], match: str
) -> None:
    request: dict[str, Any] = {
        "origins": ["Anadyr"],
        "destinations": ["Uelen"],
        "departures": DEPARTURES,
        **kwargs,
    }
    with pytest.raises(BatchInputError, match=match):
        accessibility(chukotka, vehicle=TREKOL, **request)


def test_unknown_weather_fails_before_planning(chukotka: nx.MultiDiGraph) -> None:
    with pytest.raises(ar.WeatherError, match="unknown weather"):
        accessibility(
            chukotka, ["Anadyr"], ["Uelen"], TREKOL, departures=DEPARTURES, weather="purga-anadir"
        )


def test_missing_dask_names_the_extra(
    chukotka: nx.MultiDiGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'arcticroute\[dask\]'"):
        accessibility(
            chukotka, ["Anadyr"], ["Uelen"], TREKOL, departures=DEPARTURES, executor="dask"
        )


def test_progress_callback_counts_every_plan(chukotka: nx.MultiDiGraph) -> None:
    seen: list[tuple[int, int]] = []
    accessibility(
        chukotka,
        ["Anadyr", "Lavrentiya"],
        ["Uelen"],
        TREKOL,
        departures=DEPARTURES,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_progress_bar_falls_back_to_text(
    chukotka: nx.MultiDiGraph,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("tqdm", "rich", "rich.progress"):
        monkeypatch.setitem(sys.modules, name, None)
    accessibility(chukotka, ["Anadyr"], ["Uelen"], TREKOL, departures=DEPARTURES, progress=True)
    assert "accessibility: 2/2 plans" in capsys.readouterr().err


def test_study_pickles_with_its_vehicle(chukotka: nx.MultiDiGraph) -> None:
    # The study is what Dask scatters to workers; its prepared (departure, member) states
    # stay behind (each worker prepares its own).
    study = _study(
        chukotka,
        ["Anadyr"],
        ["Uelen"],
        TREKOL,
        departures=DEPARTURES,
        weather=None,
        members=None,
        seed=0,
        days=14.0,
        options={"objective": "fuel"},
        full=False,
    )
    study.prepared(0, 0)
    copy = pickle.loads(pickle.dumps(study))
    assert copy.vehicle == TREKOL
    assert not copy.cache.entries
    assert copy.departures == study.departures
    assert copy.options == {"objective": "fuel"}
    assert sorted(copy.graph.nodes) == sorted(chukotka.nodes)


def test_weather_study_cells_are_the_single_plans(chukotka: nx.MultiDiGraph) -> None:
    # The study samples the weather once per departure and shares it between pairs; each
    # cell must still be exactly what a single plan gives.
    options: dict[str, Any] = {"weather": "purga-anadyr", "objective": "fuel", "reserve": 0.3}
    places = ["Anadyr", "Egvekinot", "Uelkal"]
    study = accessibility(chukotka, places, places, TREKOL, departures=DEPARTURES, **options)
    assert (study.cell("Egvekinot", "Anadyr", 0).duration_h or 0) > 11.2 + 48  # waits out the purga
    for o in places:
        for d in places:
            for t, depart in enumerate(DEPARTURES):
                single = plan(chukotka, o, d, TREKOL, depart=depart, **options)
                assert study.cell(o, d, t) == AccessCell.from_itinerary(single)


def test_via_and_avoid_apply_to_every_cell(chukotka: nx.MultiDiGraph) -> None:
    options: dict[str, Any] = {"via": ["Amguema"], "avoid": ["Konergino"]}
    study = accessibility(
        chukotka, ["Anadyr"], ["Egvekinot", "Uelkal"], TREKOL, departures=DEPARTURES[:1],
        **options,
    )  # fmt: skip
    direct = plan(chukotka, "Anadyr", "Egvekinot", TREKOL, depart=DEPARTURES[0])
    assert (study.cell("Anadyr", "Egvekinot").duration_h or 0) > direct.duration_h  # detour
    for d in ("Egvekinot", "Uelkal"):
        single = plan(chukotka, "Anadyr", d, TREKOL, depart=DEPARTURES[0], **options)
        assert study.cell("Anadyr", d) == AccessCell.from_itinerary(single)


def test_avoided_area_and_daylight_apply_to_every_cell(chukotka: nx.MultiDiGraph) -> None:
    west, south, east, north = -179.35, 65.85, -179.05, 65.95  # Egvekinot bay
    bay = {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }
    options: dict[str, Any] = {"avoid_area": bay, "daylight_only": True}
    places = ["Anadyr", "Egvekinot"]
    study = accessibility(chukotka, places, places, TREKOL, departures=DEPARTURES, **options)
    for o in places:
        for d in places:
            for t, depart in enumerate(DEPARTURES):
                single = plan(chukotka, o, d, TREKOL, depart=depart, **options)
                assert study.cell(o, d, t) == AccessCell.from_itinerary(single)
    assert study.cell("Anadyr", "Egvekinot").feasible


def test_avoided_place_as_origin_is_refused(chukotka: nx.MultiDiGraph) -> None:
    with pytest.raises(PlanInputError, match="both on the route and in --avoid"):
        accessibility(
            chukotka, ["Anadyr"], ["Uelen"], TREKOL, departures=DEPARTURES, avoid=["Uelen"]
        )


def test_dask_study_equals_local(
    chukotka: nx.MultiDiGraph, calm_study: ar.batch.AccessibilityResult, dask_client: Any
) -> None:
    remote = accessibility(
        chukotka, ORIGINS, DESTINATIONS, TREKOL, departures=DEPARTURES, executor="dask",
        scheduler=dask_client,
    )  # fmt: skip
    assert remote == calm_study
    assert remote.to_json() == calm_study.to_json()


def test_dask_weather_study_equals_local_by_scheduler_address(
    chukotka: nx.MultiDiGraph, dask_client: Any
) -> None:
    request: dict[str, Any] = {
        "departures": ["2027-03-10T08:00"],
        "weather": "purga-anadyr",
        "objective": "fuel",
    }
    local = accessibility(chukotka, ["Anadyr"], ["Egvekinot", "Uelkal"], TREKOL, **request)
    remote = accessibility(
        chukotka, ["Anadyr"], ["Egvekinot", "Uelkal"], TREKOL, executor="dask",
        scheduler=dask_client.scheduler.address, **request,
    )  # fmt: skip
    assert remote == local
    assert local.weather == "purga-anadyr"
    assert (local.cell("Anadyr", "Egvekinot").duration_h or 0) > 11.2 + 48  # waits out the purga


def test_dask_ensemble_equals_local(chukotka: nx.MultiDiGraph, dask_client: Any) -> None:
    request: dict[str, Any] = {"depart": "2027-03-10T08:00", "members": 4, "seed": 3}
    local = ensemble(chukotka, "Lavrentiya", "Uelen", BURAN, **request)
    remote = ensemble(
        chukotka, "Lavrentiya", "Uelen", BURAN, executor="dask", scheduler=dask_client, **request
    )
    assert remote == local
    assert [it.to_json() for it in remote.itineraries] == [it.to_json() for it in local.itineraries]


def test_member_study_matches_the_ensemble(chukotka: nx.MultiDiGraph) -> None:
    study = accessibility(
        chukotka, ["Lavrentiya"], ["Uelen", "Lorino"], BURAN, departures=DEPARTURES[:1],
        members=3, seed=3,
    )  # fmt: skip
    assert study.shape == (1, 2, 1, 3)
    assert study.seed == 3
    assert study.weather == "climatology"
    trip = ensemble(chukotka, "Lavrentiya", "Uelen", BURAN, depart=DEPARTURES[0], members=3, seed=3)
    for m, itinerary in enumerate(trip.itineraries):
        assert study.cell("Lavrentiya", "Uelen", 0, m) == AccessCell.from_itinerary(itinerary, m)


def test_a_study_may_start_at_coordinates(chukotka: nx.MultiDiGraph) -> None:
    study = accessibility(
        chukotka, ["64.95,176.3"], ["Anadyr", "Egvekinot"], "trekol",
        departures=["2027-03-10T08:00"],
    )  # fmt: skip
    cell = study.cell("64.95,176.3", "Anadyr", "2027-03-10T08:00")
    assert cell.feasible
    assert cell.origin == "point 64.9500N 176.3000E"
    single = ar.plan(chukotka, "64.95,176.3", "Anadyr", "trekol", depart="2027-03-10T08:00")
    assert cell.duration_h == pytest.approx(single.duration_h)
