"""Pure physical rules: ice bearing capacity and seasonal ice thickness.

Figures and their provenance are in ``shared/data/chukotka/physics.md`` (section 1 for ice).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

__all__ = [
    "GOLD_A_KG_PER_CM2",
    "default_ice_thickness_cm",
    "gold_allowable_load_kg",
    "gold_required_thickness_cm",
]

GOLD_A_KG_PER_CM2: dict[str, float] = {"river_ice": 4.0, "lake_ice": 4.0, "sea_ice": 3.0}
"""Gold's coefficient A by ice type, kg/cm².

A = 4 for fresh-water ice is the common conservative working value (Alberta OH&S default;
cross-checked against the Anadyr liman crossing: 8 t opened on 45 cm, A ≈ 4). First-year sea
ice is saline and weaker: about two thirds of the fresh-water value, A = 3 (physics.md §1.1).
"""

# Seasonal effective thickness of fresh-water ice in an ordinary Chukotka winter, cm, by day of
# the winter (days after 1 October). Design values [D] read from physics.md §1.2 and §8:
# freeze-up late October; ~15 cm usable by late November; ~1 m in late January (98 cm observed);
# 1-2 m by mid-February in a normal year; deterioration after ~20 April; break-up late May.
_SEASON_DAYS = np.array([0, 25, 61, 92, 123, 151, 182, 201, 226, 244], dtype=np.float64)
_SEASON_CM = np.array([0, 5, 30, 60, 95, 115, 125, 125, 60, 0], dtype=np.float64)
_SEA_ICE_SHARE = 0.9  # fast ice in bays grows a little slower than river ice under snow [D]


def gold_required_thickness_cm(load_kg: float, a_kg_per_cm2: float = 4.0) -> float:
    """Effective ice thickness needed for a moving load by Gold's formula P = A h².

    Parameters
    ----------
    load_kg
        Gross mass on the ice, kg.
    a_kg_per_cm2
        Gold's coefficient A, kg/cm² (4 for river/lake ice, 3 for sea ice).

    Returns
    -------
    float
        Thickness in centimetres, ``sqrt(P / A)``.

    Examples
    --------
    >>> round(gold_required_thickness_cm(6500, 4.0))  # a loaded GAZ-34039
    40
    """
    return math.sqrt(load_kg / a_kg_per_cm2)


def gold_allowable_load_kg(thickness_cm: float, a_kg_per_cm2: float = 4.0) -> float:
    """Allowable moving load on ice of a given effective thickness, P = A h².

    Parameters
    ----------
    thickness_cm
        Effective ice thickness, cm (white ice counted at 50 %).
    a_kg_per_cm2
        Gold's coefficient A, kg/cm².

    Returns
    -------
    float
        Load in kilograms.
    """
    return a_kg_per_cm2 * thickness_cm**2


def default_ice_thickness_cm(terrain: str, day: dt.date) -> float:
    """Seasonal default effective ice thickness for a link without a measurement.

    Parameters
    ----------
    terrain
        ``river_ice``, ``lake_ice`` or ``sea_ice``.
    day
        Calendar date (local).

    Returns
    -------
    float
        Centimetres of effective ice in an ordinary winter; 0 between break-up and freeze-up.
    """
    start_year = day.year if day.month >= 10 else day.year - 1
    days = (day - dt.date(start_year, 10, 1)).days
    thickness = float(np.interp(days, _SEASON_DAYS, _SEASON_CM, left=0.0, right=0.0))
    return thickness * (_SEA_ICE_SHARE if terrain == "sea_ice" else 1.0)
