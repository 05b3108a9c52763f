"""Fixtures of the store's and history's tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _recorded_as_stored(recorded_as_stored: None) -> None:
    """Every write block here checks its recorded states against the store."""
