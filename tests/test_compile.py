"""Compiling (network, vehicle, date) into solver arrays."""

from __future__ import annotations

import datetime as dt

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
