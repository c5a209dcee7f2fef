"""A private session bus for the adapters that ask the desktop over D-Bus (bus_fakes.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bus_fakes import private_bus


@pytest.fixture
def bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private session bus (its address); ended after the test."""
    with private_bus(tmp_path_factory.mktemp("bus")) as address:
        yield address
