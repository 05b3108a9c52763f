"""HTTP fixtures: the app on a real store (each engine) holding the sample portfolio."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.service import load_sample
from graph.settings import Settings
from graph.store import open_store

from ..conftest import api_client


@pytest.fixture
def sample_client(store_settings: Settings) -> Iterator[TestClient]:
    """The app on a store holding the sample portfolio (once per engine)."""
    with open_store(store_settings) as store:
        load_sample(store)
    with api_client(store_settings) as client:
        yield client
