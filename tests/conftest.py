"""Shared fixtures: the bundled network and vehicle catalogue."""

from __future__ import annotations

import networkx as nx
import pytest

import arcticroute as ar


@pytest.fixture(scope="session")
def chukotka() -> nx.MultiDiGraph:
    return ar.load_network()


@pytest.fixture(scope="session")
def catalogue() -> dict[str, ar.Vehicle]:
    return dict(ar.vehicle_catalogue())
