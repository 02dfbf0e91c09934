"""The solver's compiled input and its low-level entry point.

A `CompiledGraph` is the flat-array form of one (network, vehicle, date): CSR arcs with
calm travel time and fuel per arc, node flags for shelters and depots. A `WeatherTable`
adds time-dependent passability and factors per weather cell and time step. The kernels in
`arcticroute._kernels` see only these arrays.

Time inside the solver is float64 hours since an epoch the caller chooses (usually the
departure time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["CompiledGraph", "WeatherTable"]


@dataclass(frozen=True, slots=True, eq=False)
class CompiledGraph:
    """Flat arrays for one (network, vehicle, date), ready for the kernels.

    Attributes
    ----------
    indptr : ndarray of int64, shape (n_nodes + 1,)
        CSR row pointers: the arcs out of node ``i`` are ``indptr[i]:indptr[i + 1]``.
    head : ndarray of int64, shape (n_arcs,)
        Head node of each arc.
    arc_km : ndarray of float64, shape (n_arcs,)
        Arc length in kilometres.
    arc_hours : ndarray of float64, shape (n_arcs,)
        Travel time in calm weather, hours.
    arc_litres : ndarray of float64, shape (n_arcs,)
        Fuel burnt in calm weather, litres.
    arc_risk : ndarray of float64, shape (n_arcs,)
        Static exposure weight per hour driven (dimensionless, >= 0; 1 = ordinary
        country near shelter).
    arc_cell : ndarray of int64, shape (n_arcs,)
        Weather cell of each arc (index into `WeatherTable` rows; 0 when there is one cell).
    arc_link : ndarray of int64, shape (n_arcs,)
        Index of the user link the arc comes from (for tracing back), -1 for none.
    node_shelter : ndarray of bool, shape (n_nodes,)
        True where the vehicle may wait in any weather (settlement, hut, depot, rest point).
    node_depot : ndarray of bool, shape (n_nodes,)
        True where the vehicle may refuel.
    node_stock_l : ndarray of float64, shape (n_nodes,)
        Fuel a depot can sell this trip, litres (``inf`` = unlimited, 0 for non-depots).
    node_cell : ndarray of int64, shape (n_nodes,)
        Weather cell of each node.
    node_x_km, node_y_km : ndarray of float64, shape (n_nodes,)
        Planar coordinates in EPSG:3571, kilometres (for A* bounds).
    """

    indptr: NDArray[np.int64]
    head: NDArray[np.int64]
    arc_km: NDArray[np.float64]
    arc_hours: NDArray[np.float64]
    arc_litres: NDArray[np.float64]
    arc_risk: NDArray[np.float64]
    arc_cell: NDArray[np.int64]
    arc_link: NDArray[np.int64]
    node_shelter: NDArray[np.bool_]
    node_depot: NDArray[np.bool_]
    node_stock_l: NDArray[np.float64]
    node_cell: NDArray[np.int64]
    node_x_km: NDArray[np.float64]
    node_y_km: NDArray[np.float64]

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.indptr.shape[0] - 1)

    @property
    def n_arcs(self) -> int:
        """Number of directed arcs."""
        return int(self.head.shape[0])


@dataclass(frozen=True, slots=True, eq=False)
class WeatherTable:
    """Time-dependent passability and factors per weather cell and time step.

    Step ``k`` covers hours ``[t0_h + k * step_h, t0_h + (k + 1) * step_h)``. Before the
    first step the first column holds; after the last step the last column holds.

    Attributes
    ----------
    t0_h : float
        Start of step 0, hours since the solver epoch.
    step_h : float
        Length of one step, hours (> 0).
    open : ndarray of bool, shape (n_cells, n_steps)
        False where the vehicle may not travel (storm, cold, darkness, ...).
    speed_factor : ndarray of float64, shape (n_cells, n_steps)
        Multiplies the calm speed (> 0; 1 in ordinary conditions).
    fuel_factor : ndarray of float64, shape (n_cells, n_steps)
        Multiplies the calm fuel burn (>= 1 in practice; 1 in ordinary conditions).
    risk_factor : ndarray of float64, shape (n_cells, n_steps)
        Multiplies exposure (>= 0; 1 in ordinary conditions).
    """

    t0_h: float
    step_h: float
    open: NDArray[np.bool_]
    speed_factor: NDArray[np.float64]
    fuel_factor: NDArray[np.float64]
    risk_factor: NDArray[np.float64]

    @property
    def n_cells(self) -> int:
        """Number of weather cells."""
        return int(self.open.shape[0])

    @property
    def n_steps(self) -> int:
        """Number of time steps."""
        return int(self.open.shape[1])
