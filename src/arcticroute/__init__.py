"""arcticroute: plan overland winter journeys in Chukotka.

The public API is small and stays put; everything else is reachable by module.

Examples
--------
>>> import arcticroute as ar
>>> G = ar.load_network()
>>> ar.get_vehicle("buran").capacity_l
118.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import ArcticRouteError as ArcticRouteError
from ._errors import NetworkError as NetworkError
from ._errors import NoRouteError as NoRouteError
from ._errors import UnknownPlaceError as UnknownPlaceError
from ._errors import VehicleError as VehicleError
from ._errors import WeatherError as WeatherError
from .itinerary import Itinerary as Itinerary
from .network import Season as Season
from .network import filter_network as filter_network
from .network import load_network as load_network
from .network import resolve_place as resolve_place
from .vehicles import Vehicle as Vehicle
from .vehicles import get_vehicle as get_vehicle
from .vehicles import load_vehicle as load_vehicle
from .vehicles import vehicle_catalogue as vehicle_catalogue

if TYPE_CHECKING:
    from .planning import plan as plan

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # The planner pulls in numba (the solver's kernels); load it on first use so that
    # `import arcticroute` stays fast.
    if name == "plan":
        from .planning import plan

        return plan
    msg = f"module 'arcticroute' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    # tab completion lists the lazily loaded names too
    return sorted({*globals(), *__all__})


__all__ = [
    "ArcticRouteError",
    "Itinerary",
    "NetworkError",
    "NoRouteError",
    "Season",
    "UnknownPlaceError",
    "Vehicle",
    "VehicleError",
    "WeatherError",
    "__version__",
    "filter_network",
    "get_vehicle",
    "load_network",
    "load_vehicle",
    "plan",
    "resolve_place",
    "vehicle_catalogue",
]
