"""Reference solvers on the same arcs: scipy, networkx and cspy.

Each ``*_graph`` function converts a `CompiledGraph` once (outside any timing); each
``*_query`` function is the call that gets timed.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from arcticroute.solver import CompiledGraph


def scipy_graph(graph: CompiledGraph, weight: NDArray[np.float64] | None = None) -> csr_matrix:
    """The calm-hours arcs as a scipy CSR matrix (int32 indices, as csgraph wants them)."""
    n = graph.n_nodes
    data = graph.arc_hours if weight is None else weight
    return csr_matrix(
        (data, graph.head.astype(np.int32), graph.indptr.astype(np.int32)), shape=(n, n)
    )


def scipy_query(matrix: csr_matrix, origin: int) -> NDArray[np.float64]:
    """Single-source Dijkstra from ``origin`` (all targets: scipy has no early exit)."""
    return np.asarray(dijkstra(matrix, directed=True, indices=origin))


def scipy_path(matrix: csr_matrix, origin: int, target: int) -> list[int]:
    """Node sequence of a scipy shortest path."""
    _, pred = dijkstra(matrix, directed=True, indices=origin, return_predecessors=True)
    path = [target]
    while path[-1] != origin:
        path.append(int(pred[path[-1]]))
    return path[::-1]


def networkx_graph(graph: CompiledGraph) -> nx.DiGraph:
    """The calm-hours arcs as a networkx DiGraph with a ``weight`` edge attribute."""
    tails = np.repeat(np.arange(graph.n_nodes), np.diff(graph.indptr))
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n_nodes))
    g.add_weighted_edges_from(
        zip(tails.tolist(), graph.head.tolist(), graph.arc_hours.tolist(), strict=True)
    )
    return g


def networkx_query(g: nx.DiGraph, origin: int, target: int) -> float:
    """Point-to-point Dijkstra (stops at the target); returns the path's hours."""
    path = nx.dijkstra_path(g, origin, target, weight="weight")
    return float(nx.path_weight(g, path, weight="weight"))


def cspy_graph(graph: CompiledGraph, origin: int, target: int) -> nx.DiGraph:
    """The arcs as a cspy resource graph: cost = calm hours, one resource = litres.

    cspy wants nodes named ``"Source"`` and ``"Sink"``, no arc into the source and none out
    of the sink; with positive costs an optimal path never uses such arcs anyway. Fuel is
    the critical (monotone) resource, so the bidirectional search meets half-way in fuel;
    a hop counter as critical resource instead makes cspy 100x slower here.
    """
    tails = np.repeat(np.arange(graph.n_nodes), np.diff(graph.indptr))
    g = nx.DiGraph(directed=True, n_res=1)

    def name(v: int) -> Any:
        return "Source" if v == origin else "Sink" if v == target else v

    for u, v, h, fuel in zip(
        tails.tolist(), graph.head.tolist(), graph.arc_hours, graph.arc_litres, strict=True
    ):
        if v == origin or u == target:
            continue
        g.add_edge(name(u), name(v), weight=float(h), res_cost=np.array([float(fuel)]))
    return g


def cspy_query(g: nx.DiGraph, capacity_l: float) -> tuple[float, list[Any]]:
    """Fastest path using at most ``capacity_l`` litres (cspy.BiDirectional, no refuelling)."""
    import cspy

    alg = cspy.BiDirectional(g, [capacity_l], [0.0], direction="both")
    alg.run()
    return float(alg.total_cost), list(alg.path)
