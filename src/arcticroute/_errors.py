"""The exception hierarchy of arcticroute.

Every error a user can cause derives from `ArcticRouteError` and from the builtin (or
networkx) error it refines, so callers may catch broadly or narrowly. Messages name the bad
value, what was expected, and how to fix it.
"""

from __future__ import annotations

import networkx as nx

__all__ = [
    "ArcticRouteError",
    "NetworkError",
    "NoRouteError",
    "UnknownPlaceError",
    "VehicleError",
    "WeatherError",
]


class ArcticRouteError(Exception):
    """Base class of every error arcticroute raises on purpose."""


class NetworkError(ArcticRouteError, ValueError):
    """A network (graph, GeoJSON file or seed table) is malformed."""


class UnknownPlaceError(ArcticRouteError, nx.NodeNotFound):  # type: ignore[misc]
    """A place name or node id is not in the network."""


class VehicleError(ArcticRouteError, ValueError):
    """A vehicle profile or vehicle file is malformed or unknown."""


class WeatherError(ArcticRouteError, ValueError):
    """A weather field or weather file is malformed."""


class NoRouteError(ArcticRouteError, nx.NetworkXNoPath):  # type: ignore[misc]
    """No feasible route exists; the message says which constraint binds and where."""
