"""A private D-Bus session bus for the busy-source tests (no service directories: nothing is
activated behind a test's back); tests/dbus_service.py plays the services on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bus_fakes import private_bus


@pytest.fixture
def bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private session bus (its address); ended after the test."""
    # mktemp's folder is short: a socket path has at most 107 bytes.
    with private_bus(tmp_path_factory.mktemp("bus")) as address:
        yield address
