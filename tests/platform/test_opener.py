"""The file opener behind "Edit settings": an opener that is missing or fails at once is
reported (False), so the tray can say where the file is instead of failing silently."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from traybreak.platform.opener import open_in_default_app

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="xdg-open: Linux")


def _xdg_open(folder: Path, body: str) -> None:
    folder.mkdir()
    tool = folder / "xdg-open"
    tool.write_text(f"#!/bin/sh\n{body}\n")
    tool.chmod(0o755)


@pytest.mark.parametrize(("body", "opened"), [
    ("exit 3", False),          # "a required tool could not be found"
    ("exit 0", True),
    ("sleep 5", True),          # still running: opening, maybe waiting for the editor
])
def test_the_openers_exit_status_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        caplog: pytest.LogCaptureFixture, body: str,
                                        opened: bool) -> None:
    _xdg_open(tmp_path / "bin", body)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    assert open_in_default_app(tmp_path / "config.toml") is opened
    if not opened:
        assert caplog.messages == [f"cannot open {tmp_path / 'config.toml'}: xdg-open exited "
                                   "with status 3"]


def test_no_xdg_open_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert open_in_default_app(tmp_path / "config.toml") is False
