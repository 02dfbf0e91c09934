"""Compiling (network, vehicle, date) into solver arrays."""

from __future__ import annotations

import datetime as dt
import math

import networkx as nx
import numpy as np
import pytest

import arcticroute as ar
from arcticroute.compile import compile_network, link_unusable_reason

MARCH = dt.date(2027, 3, 10)


def _arcs_between(compiled, a: str, b: str) -> list[int]:
    g = compiled.graph
    ia, ib = compiled.node_index[a], compiled.node_index[b]
    return [k for k in range(g.indptr[ia], g.indptr[ia + 1]) if g.head[k] == ib]


def test_csr_arrays_are_consistent(chukotka: nx.MultiDiGraph, catalogue) -> None:
    compiled = compile_network(chukotka, catalogue["trekol"], date=MARCH)
    g = compiled.graph
    assert g.indptr[0] == 0
    assert g.indptr[-1] == g.n_arcs
    assert np.all(np.diff(g.indptr) >= 0)
    assert g.head.dtype == np.int32
    assert np.all((g.head >= 0) & (g.head < g.n_nodes))
    assert np.all(g.arc_hours > 0)
    assert np.all(g.arc_litres > 0)
    # Two-way links give an arc each way with the same cost.
    (forward,) = _arcs_between(compiled, "Lavrentiya", "Uelen")
    (backward,) = _arcs_between(compiled, "Uelen", "Lavrentiya")
    assert g.arc_km[forward] == g.arc_km[backward] == 103


def test_arc_costs_follow_the_vehicle_profile(chukotka: nx.MultiDiGraph, catalogue) -> None:
    buran = catalogue["buran"]
    compiled = compile_network(chukotka, buran, date=MARCH)
    (arc,) = _arcs_between(compiled, "Lavrentiya", "Uelen")
    assert compiled.graph.arc_hours[arc] == pytest.approx(103 / 35)
    assert compiled.graph.arc_litres[arc] == pytest.approx(103 * 0.28)


def test_heated_rest_point_splits_the_zimnik(chukotka: nx.MultiDiGraph, catalogue) -> None:
    compiled = compile_network(chukotka, catalogue["truck6x6"], date=MARCH)
    rest = compiled.node_index["Pevek-Bilibino km 169"]
    assert compiled.graph.node_shelter[rest]
    (first,) = _arcs_between(compiled, "Pevek", "Pevek-Bilibino km 169")
    (second,) = _arcs_between(compiled, "Pevek-Bilibino km 169", "Bilibino")
    assert compiled.graph.arc_km[first] + compiled.graph.arc_km[second] == pytest.approx(338)


def test_rest_points_lie_on_their_link_also_across_180(
    chukotka: nx.MultiDiGraph, catalogue
) -> None:
    # Ryrkaipiy-Billings crosses the antimeridian: its rest points must stay on the coast
    # of Chukotka, not land in Canada or the Urals through an average of -178 and 176.
    from arcticroute.geodesy import geodesic_km

    compiled = compile_network(chukotka, catalogue["buran"], date=MARCH)
    rests = [i for i, name in enumerate(compiled.node_ids) if " km " in name]
    assert any(name.startswith("Ryrkaipiy-Billings") for name in compiled.node_ids)
    for i in rests:
        name = compiled.node_ids[i]
        link, km = name.rsplit(" km ", 1)
        u = link.split("-")[0]
        here = (float(compiled.node_lon[i]), float(compiled.node_lat[i]))
        start = (chukotka.nodes[u]["lon"], chukotka.nodes[u]["lat"])
        # no farther from the link's start than along it (the line may bend)
        assert geodesic_km(*start, *here) <= float(km) + 1.0, name


def test_truck_uses_only_maintained_links(chukotka: nx.MultiDiGraph, catalogue) -> None:
    compiled = compile_network(chukotka, catalogue["truck6x6"], date=MARCH)
    assert not _arcs_between(compiled, "Lavrentiya", "Uelen")  # snowmobile trail
    reasons = {(r.u, r.v): r.reason for r in compiled.links}
    assert "cannot travel on trail" in reasons["Lavrentiya", "Uelen"]
    assert "maintained" in reasons["Provideniya", "Yanrakynnot"]


def test_thin_ice_closes_the_link_for_heavy_vehicles(chukotka: nx.MultiDiGraph, catalogue) -> None:
    # The liman crossing opens at 45 cm: 8 t at A = 4. An MT-LB (13 t) needs 57 cm.
    data = chukotka.edges["Anadyr", "Ugolnye Kopi", 0]
    assert link_unusable_reason(data, catalogue["trekol"], MARCH) == ""
    reason = link_unusable_reason(data, catalogue["mtlb"], MARCH)
    assert reason == "river ice 45 cm (measured) < 57 cm needed for 13.0 t"


def test_seasons_close_links_outside_their_window(chukotka: nx.MultiDiGraph, catalogue) -> None:
    data = chukotka.edges["Pevek", "Bilibino", 0]
    assert link_unusable_reason(data, catalogue["truck6x6"], MARCH) == ""
    assert "closed for the season on 2027-05-01" in link_unusable_reason(
        data, catalogue["truck6x6"], dt.date(2027, 5, 1)
    )


def test_likely_depots_can_be_excluded(chukotka: nx.MultiDiGraph, catalogue) -> None:
    trusting = compile_network(chukotka, catalogue["buran"], date=MARCH)
    careful = compile_network(chukotka, catalogue["buran"], date=MARCH, confirmed_depots_only=True)
    lorino = trusting.node_index["Lorino"]
    assert trusting.graph.node_depot[lorino]
    assert trusting.graph.node_stock_l[lorino] == 200
    assert not careful.graph.node_depot[lorino]
    anadyr = trusting.node_index["Anadyr"]
    assert careful.graph.node_depot[anadyr]
    assert np.isinf(careful.graph.node_stock_l[anadyr])


def test_avoided_and_assumed_links_are_dropped(chukotka: nx.MultiDiGraph, catalogue) -> None:
    compiled = compile_network(
        chukotka,
        catalogue["buran"],
        date=MARCH,
        exclude_assumed_links=True,
        avoid_nodes=["Konergino"],
        avoid_links=[("Uelen", "Lavrentiya")],
    )
    reasons = {(r.u, r.v): r.reason for r in compiled.links}
    assert "assumption" in reasons["Vankarem", "Ryrkaipiy"]
    assert "Konergino" in reasons["Egvekinot", "Konergino"]
    assert "avoided" in reasons["Lavrentiya", "Uelen"]
    assert not _arcs_between(compiled, "Lavrentiya", "Uelen")


def test_compiled_graphs_are_cached_and_refreshed_after_an_edit(catalogue) -> None:
    graph = ar.load_network()
    first = compile_network(graph, catalogue["buran"], date=MARCH)
    assert compile_network(graph, catalogue["buran"], date=MARCH) is first
    graph.edges["Lavrentiya", "Uelen", 0]["length_km"] = 110.0
    second = compile_network(graph, catalogue["buran"], date=MARCH)
    assert second is not first
    (arc,) = _arcs_between(second, "Lavrentiya", "Uelen")
    assert second.graph.arc_km[arc] == 110


# ------------------------------------------------------------------------------------------
# Weather on a raster lattice
# ------------------------------------------------------------------------------------------

ANADYR = (177.517, 64.733)
START = dt.datetime(2027, 3, 10, 8, tzinfo=dt.timezone(dt.timedelta(hours=12)))


def _raster_near(lon: float, lat: float, grid: np.ndarray, buran: ar.Vehicle, **kw: object):
    from arcticroute.geodesy import to_planar_km
    from arcticroute.terrain import lattice_graph

    x, y = to_planar_km(lon, lat)
    rows, cols = grid.shape
    return lattice_graph(
        grid,
        cell_km=1.0,
        speed_kmh=buran.speed_kmh,
        fuel_l_per_100km=buran.fuel_l_per_100km,
        weather_cell_km=10.0,
        top_left_km=(float(x) - cols / 2, float(y) + rows / 2),
        **kw,  # type: ignore[arg-type]
    )


def _half_ice(rows: int = 20, cols: int = 30) -> np.ndarray:
    from arcticroute.terrain import CLASS_CODES

    grid = np.full((rows, cols), CLASS_CODES["tundra"], np.int8)
    grid[:, cols // 2 :] = CLASS_CODES["sea_ice"]
    return grid


def test_lattice_weather_closes_ice_alone_in_poor_visibility(catalogue) -> None:
    # 0.25 km: enough for a Buran on land (0.2 km), not on the ice (0.3 km)
    from arcticroute.compile import compile_lattice_weather
    from arcticroute.weather import constant

    grid = _half_ice()
    g = _raster_near(*ANADYR, grid, catalogue["buran"])
    cw = compile_lattice_weather(
        g, grid, constant(visibility_km=0.25), catalogue["buran"], START, horizon_h=6
    )
    on_ice = (grid == grid[0, -1]).ravel()
    np.testing.assert_array_equal(cw.graph.node_cell % 2 == 1, on_ice)
    np.testing.assert_array_equal(cw.graph.node_cell // 2, g.node_cell)
    tails = np.repeat(np.arange(g.n_nodes), np.diff(g.indptr))
    np.testing.assert_array_equal(cw.graph.arc_cell, cw.graph.node_cell[tails])
    table = cw.sample.table
    used = np.unique(cw.graph.node_cell)
    assert not table.open[used[used % 2 == 1]].any()  # every ice cell closed
    assert table.open[used[used % 2 == 0]].all()  # every land cell open
    assert "visibility" in cw.describe(int(used[used % 2 == 1][0]), 0.0)


def test_lattice_weather_samples_the_storm_where_the_raster_lies(catalogue) -> None:
    from arcticroute.compile import compile_lattice_weather
    from arcticroute.weather import scenario_from_dict

    storm = scenario_from_dict(
        {
            "events": [
                {
                    "type": "storm",
                    "start": "PT2H",
                    "end": "PT5H",
                    "center": list(ANADYR),
                    "radius_km": 40,
                    "wind_ms": 30,
                }
            ]
        },
        start=START,
    )
    buran = catalogue["buran"]
    grid = _half_ice()
    here = compile_lattice_weather(
        _raster_near(*ANADYR, grid, buran), grid, storm, buran, START, horizon_h=8
    )
    closed = ~here.sample.table.open
    used = np.unique(here.graph.node_cell)  # (a square's ice half may hold no node)
    assert closed[used, 2:5].all()  # the whole 30 km x 20 km raster, hours 2-5
    assert not closed[:, :2].any()
    assert not closed[:, 5:].any()
    far = compile_lattice_weather(  # Bilibino, 500 km inland
        _raster_near(166.44, 68.05, grid, buran), grid, storm, buran, START, horizon_h=8
    )
    assert far.sample.table.open.all()


def test_lattice_weather_sample_points_nest(catalogue) -> None:
    # a storm whose edge cuts the raster: one point per cell (each cell's first node) sees
    # no more than every node does
    from arcticroute.compile import compile_lattice_weather
    from arcticroute.weather import scenario_from_dict

    edge = scenario_from_dict(
        {
            "events": [
                {
                    "type": "storm",
                    "start": "PT0H",
                    "end": "PT1H",
                    "center": [ANADYR[0] + 0.3, ANADYR[1]],
                    "radius_km": 8,
                    "wind_ms": 30,
                }
            ]
        },
        start=START,
    )
    buran = catalogue["buran"]
    grid = _half_ice()
    g = _raster_near(*ANADYR, grid, buran)
    one = compile_lattice_weather(g, grid, edge, buran, START, horizon_h=1, points_per_cell=1)
    every = compile_lattice_weather(g, grid, edge, buran, START, horizon_h=1, points_per_cell=10**6)
    closed_one, closed_every = ~one.sample.table.open[:, 0], ~every.sample.table.open[:, 0]
    assert closed_every.any()
    assert not closed_every.all()
    assert not (closed_one & ~closed_every).any()


def test_lattice_weather_plan_waits_out_the_storm_at_a_shelter(catalogue) -> None:
    from arcticroute.compile import compile_lattice_weather
    from arcticroute.solver import solve
    from arcticroute.weather import scenario_from_dict
    from strategies import Query, assert_plan_valid

    storm = scenario_from_dict(
        {
            "events": [
                {
                    "type": "storm",
                    "start": "PT1H",
                    "end": "PT6H",
                    "center": list(ANADYR),
                    "radius_km": 60,
                    "wind_ms": 30,
                }
            ]
        },
        start=START,
    )
    buran = catalogue["buran"]
    grid = _half_ice()
    g = _raster_near(*ANADYR, grid, buran, shelters=[0, 25, 599])
    cw = compile_lattice_weather(g, grid, storm, buran, START, horizon_h=12)
    calm = solve(g, 0, g.n_nodes - 1, capacity_l=math.inf)
    res = solve(cw.graph, 0, g.n_nodes - 1, capacity_l=math.inf, weather=cw.sample.table)
    assert res.feasible
    plan = res.plans[0]
    assert_plan_valid(cw.graph, cw.sample.table, plan, Query(0, g.n_nodes - 1))
    waits = [s for s in plan.steps if s.kind == "wait"]
    assert waits
    assert all(cw.graph.node_shelter[s.node] for s in waits)
    # the calm trip takes longer than the hour before the storm: it waits until hour 6
    assert calm.plans[0].arrive_h > 1.0
    assert max(s.end_h for s in waits) == pytest.approx(6.0)
    assert plan.arrive_h > 6.0


def test_lattice_weather_refuses_a_raster_of_another_size(catalogue) -> None:
    from arcticroute.compile import compile_lattice_weather
    from arcticroute.weather import constant

    buran = catalogue["buran"]
    grid = _half_ice()
    g = _raster_near(*ANADYR, grid, buran)
    with pytest.raises(ar.NetworkError, match=r"classes must be the raster .* 600 cells"):
        compile_lattice_weather(g, grid[:10], constant(), buran, START)
    with pytest.raises(ar.NetworkError, match="points_per_cell must be an integer >= 1"):
        compile_lattice_weather(g, grid, constant(), buran, START, points_per_cell=0)
