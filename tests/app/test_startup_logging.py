"""The tray's logging: the log file capped in size, older parts kept as .1 and .2, nothing lost on
rotation; the terminal quiet but for warnings and the one start line."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from app.test_tray_app_reload import CONFIG, Running, start  # noqa: F401 - a fixture

from traybreak import __version__, paths
from traybreak.app.startup import CappedFileHandler, setup_logging


def _logger(handler: logging.Handler) -> logging.Logger:
    logger = logging.getLogger(f"test-capped-{id(handler)}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    return logger


def test_a_full_file_moves_to_dot_1_and_every_line_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "traybreak.log"
    handler = CappedFileHandler(path, max_bytes=200, backups=2)
    logger = _logger(handler)
    lines = [f"line {n:03d} " + "x" * 40 for n in range(12)]
    for line in lines:
        logger.info(line)
    handler.close()
    parts = [path.with_name(f"traybreak.log.{i}") for i in (2, 1)] + [path]
    kept = "".join(p.read_text() for p in parts if p.exists()).splitlines()
    assert all(p.stat().st_size <= 200 + 60 for p in parts if p.exists())
    # Three files of ~4 lines each: the oldest lines are gone, the rest are in order.
    assert kept == lines[-len(kept):] and len(kept) >= 8
    assert not path.with_name("traybreak.log.3").exists()


def test_an_oversized_file_from_last_time_is_set_aside_at_start(tmp_path: Path) -> None:
    path = tmp_path / "traybreak.log"
    path.write_text("old\n" * 100)
    handler = CappedFileHandler(path, max_bytes=200)
    _logger(handler).info("new start")
    handler.close()
    assert path.read_text() == "new start\n"
    assert path.with_name("traybreak.log.1").read_text() == "old\n" * 100


def test_a_small_file_is_appended_to(tmp_path: Path) -> None:
    path = tmp_path / "traybreak.log"
    path.write_text("earlier\n")
    handler = CappedFileHandler(path, max_bytes=200)
    _logger(handler).info("later")
    handler.close()
    assert path.read_text() == "earlier\nlater\n"
    assert not path.with_name("traybreak.log.1").exists()


def test_the_terminal_shows_warnings_and_the_start_line_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))  # the log file goes here
    root = logging.getLogger()
    before = (root.level, list(root.handlers))
    try:
        setup_logging(debug=False)
        log = logging.getLogger("traybreak.test")
        log.info("chatter")
        log.info("the start line", extra={"terminal": True})
        log.warning("a warning")
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
            handler.close()
        root.setLevel(before[0])
        for handler in before[1]:
            root.addHandler(handler)
    assert capsys.readouterr().err == ("traybreak: INFO: the start line\n"
                                       "traybreak: WARNING: a warning\n")


def test_the_start_line_says_version_tray_idle_and_where_the_logs_are(
    start: Callable[..., Running],  # noqa: F811 - the imported fixture
    caplog: pytest.LogCaptureFixture,
) -> None:
    running = start(CONFIG.format(every="20m"))
    with caplog.at_level(logging.INFO, logger="traybreak.app.tray_app"):
        running.play(lambda: None)
    lines = [r for r in caplog.records if getattr(r, "terminal", False)]
    assert len(lines) == 1
    text = lines[0].getMessage()
    assert text.startswith(f"traybreak {__version__} running (pid {os.getpid()}): tray fake, "
                           "idle fake, log ")
    assert str(running.app.store.path) in text and str(paths.app_log_dir()) in text
