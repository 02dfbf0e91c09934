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

from ._errors import ArcticRouteError as ArcticRouteError
from ._errors import NetworkError as NetworkError
from ._errors import NoRouteError as NoRouteError
from ._errors import UnknownPlaceError as UnknownPlaceError
from ._errors import VehicleError as VehicleError
from ._errors import WeatherError as WeatherError
from .network import Season as Season
from .network import filter_network as filter_network
from .network import load_network as load_network
from .network import resolve_place as resolve_place
from .vehicles import Vehicle as Vehicle
from .vehicles import get_vehicle as get_vehicle
from .vehicles import load_vehicle as load_vehicle
from .vehicles import vehicle_catalogue as vehicle_catalogue

__version__ = "0.1.0"

__all__ = [
    "ArcticRouteError",
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
    "resolve_place",
    "vehicle_catalogue",
]
