"""The tray's logging: the log file capped in size, older parts kept as .1 and .2, nothing lost on
rotation; the terminal quiet but for warnings and the one start line."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
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


@contextmanager
def tray_logging() -> Iterator[None]:
    """The tray's logging set up (without --debug) for the block; the test run's back after."""
    root = logging.getLogger()
    before = (root.level, list(root.handlers))
    try:
        setup_logging(debug=False)
        yield
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
            handler.close()
        root.setLevel(before[0])
        for handler in before[1]:
            root.addHandler(handler)


def test_the_terminal_shows_warnings_and_the_start_line_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))  # the log file goes here
    with tray_logging():
        log = logging.getLogger("traybreak.test")
        log.info("chatter")
        log.info("the start line", extra={"terminal": True})
        log.warning("a warning")
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


def test_the_log_file_is_0600_in_a_0700_folder_even_when_made_wider_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It records when the user was at the desk: no one else may read it (#18 point 6)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    folder = paths.app_log_dir()
    folder.mkdir(parents=True, mode=0o755)
    folder.chmod(0o755)
    (folder / "traybreak.log.1").write_text("older\n")
    (folder / "traybreak.log.1").chmod(0o644)
    with tray_logging():
        logging.getLogger("traybreak.test").warning("written")
    assert "written" in (folder / "traybreak.log").read_text()
    assert folder.stat().st_mode & 0o777 == 0o700
    for name in ("traybreak.log", "traybreak.log.1"):
        assert (folder / name).stat().st_mode & 0o777 == 0o600, name


def test_a_new_log_file_is_created_0600_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        handler = CappedFileHandler(tmp_path / "traybreak.log", max_bytes=100)
        _logger(handler).info("x" * 150)  # a full file: the new one after the shift too
        _logger(handler).info("y")
        handler.close()
    finally:
        os.umask(old)
    for name in ("traybreak.log", "traybreak.log.1"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600, name


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_disk_is_one_warning_not_a_traceback_per_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """logging printed "--- Logging error ---" and a traceback for every line (#18 point 3)."""
    handler = CappedFileHandler(tmp_path / "traybreak.log")
    handler.stream.close()
    handler.stream = open("/dev/full", "w", encoding="utf-8")  # noqa: SIM115 - the handler's
    logger = _logger(handler)
    for line in ("one", "two", "three"):
        logger.info(line)
    with suppress(OSError):  # the last flush fails too (logging.shutdown ignores that at exit)
        handler.close()
    err = capsys.readouterr().err
    assert err == (f"traybreak: warning: cannot write the log file {tmp_path / 'traybreak.log'}: "
                   "No space left on device; carrying on without it until it can be written "
                   "again\n")
