"""Supply runs: the best order of the stops (`arcticroute.tours.plan_tour`)."""

from __future__ import annotations

import doctest
import itertools
import math

import networkx as nx
import pytest

import arcticroute as ar
from arcticroute import tours
from arcticroute.planning import PlanInputError, _prepare
from arcticroute.tours import MAX_TOUR_STOPS, plan_tour

DEPART = "2027-03-10T08:00"
STOPS = ["Uelkal", "Kanchalan", "Egvekinot", "Krasneno"]


def every_order(
    graph: nx.MultiDiGraph, start: str, stops: list[str], end: str, **options: object
) -> dict[tuple[str, ...], ar.Itinerary]:
    return {
        order: ar.plan(graph, start, end, "trekol", depart=DEPART, via=order, **options)  # type: ignore[arg-type]
        for order in itertools.permutations(stops)
    }


@pytest.mark.parametrize(
    ("objective", "weather"), [("time", None), ("time", "purga-anadyr"), ("fuel", None)]
)
def test_the_tour_is_the_best_of_every_order(
    chukotka: nx.MultiDiGraph, objective: str, weather: str | None
) -> None:
    tour = plan_tour(chukotka, "Anadyr", STOPS, "trekol", depart=DEPART, weather=weather,
                     objective=objective)  # type: ignore[arg-type]  # fmt: skip
    plans = every_order(chukotka, "Anadyr", STOPS, "Anadyr", weather=weather, objective=objective)

    def value(it: ar.Itinerary) -> float:
        return it.duration_h if objective == "time" else it.fuel_used_l

    best = min(value(it) for it in plans.values() if it.feasible)
    assert tour.feasible
    assert value(tour.itinerary) == pytest.approx(best, abs=1e-6)
    assert tour.itinerary.to_dict() == plans[tour.order].to_dict()
    assert tour.orders_total == math.factorial(len(STOPS))
    assert sorted(tour.order) == sorted(STOPS)


def test_the_bound_never_exceeds_a_plan_and_prunes(chukotka: nx.MultiDiGraph) -> None:
    # a crew of 12 h driving a day: the rests make the bound tight enough to skip orders
    prepared = _prepare(chukotka, "trekol", objective="time", depart=DEPART)
    places = ["Anadyr", *STOPS, "Anadyr"]
    bound = tours._leg_bounds(prepared, places)
    rested = tours._with_rests(prepared)
    plans = every_order(chukotka, "Anadyr", STOPS, "Anadyr")
    for order, it in plans.items():
        legs = itertools.pairwise([0, *(STOPS.index(s) + 1 for s in order), len(places) - 1])
        assert rested(sum(bound[a][b] for a, b in legs)) <= it.duration_h + 1e-6
    tour = plan_tour(chukotka, "Anadyr", STOPS, "trekol", depart=DEPART)
    assert tour.orders_planned < tour.orders_total


def test_a_tour_may_end_elsewhere(chukotka: nx.MultiDiGraph) -> None:
    stops = ["Kanchalan", "Uelkal"]
    tour = plan_tour(chukotka, "Anadyr", stops, "trekol", end="Egvekinot", depart=DEPART)
    plans = every_order(chukotka, "Anadyr", stops, "Egvekinot")
    assert tour.itinerary.destination == "Egvekinot"
    assert tour.itinerary.duration_h == pytest.approx(min(p.duration_h for p in plans.values()))
    assert "best order of 2 stops: " in str(tour)


def test_no_order_that_works_says_why(chukotka: nx.MultiDiGraph) -> None:
    # a truck keeps to maintained roads: Kanchalan is across the river ice
    tour = plan_tour(chukotka, "Anadyr", ["Kanchalan", "Ugolnye Kopi"], "truck6x6",
                     depart=DEPART)  # fmt: skip
    assert not tour.feasible
    assert tour.order == ()
    assert tour.itinerary.reason
    assert str(tour).startswith("no order of the stops is feasible")


@pytest.mark.parametrize(
    ("stops", "options", "match"),
    [
        ([], {}, "a tour takes 1 to 8 stops, got 0"),
        (["Uelkal"] * 2, {}, "stop 'Uelkal' is given twice"),
        (["Anadyr", "Uelkal"], {}, "stop 'Anadyr' is where the tour starts or ends"),
        (["Uelkal"], {"objective": "risk"}, "objective 'risk' must be 'time' or 'fuel'"),
        (["Uelkal"], {"via": ["Kanchalan"]}, "give them as stops"),
        ([f"s{i}" for i in range(MAX_TOUR_STOPS + 1)], {}, "a tour takes 1 to 8 stops, got 9"),
    ],
)
def test_bad_tours_are_refused(
    chukotka: nx.MultiDiGraph, stops: list[str], options: dict[str, object], match: str
) -> None:
    with pytest.raises(PlanInputError, match=match):
        plan_tour(chukotka, "Anadyr", stops, "trekol", depart=DEPART, **options)  # type: ignore[arg-type]
    with pytest.raises(ar.UnknownPlaceError, match="did you mean 'Uelkal'"):
        plan_tour(chukotka, "Anadyr", ["Uelkall"], "trekol", depart=DEPART)


def test_docstring_example_runs() -> None:
    assert doctest.testmod(tours).failed == 0
