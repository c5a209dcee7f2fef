"""The tray's log file: capped in size, older parts kept as .1 and .2, nothing lost on rotation."""

from __future__ import annotations

import logging
from pathlib import Path

from traybreak.app_setup import CappedFileHandler


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
