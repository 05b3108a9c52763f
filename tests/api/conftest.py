"""HTTP fixtures: the app on a real embedded store holding the sample portfolio."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.service import load_sample
from graph.settings import Settings
from graph.store import open_store


@pytest.fixture
def sample_client(data_dir: Path) -> Iterator[TestClient]:
    """The app on an embedded store holding the sample portfolio."""
    settings = Settings(store=f"embedded:{data_dir}")
    with open_store(settings) as store:
        load_sample(store)
    with TestClient(create_app(settings)) as client:
        yield client
