"""A small tmpfs for the full-disk probes (tests/app/test_full_disk.py,
tests/store/test_log_faults.py): mounting needs root (CI runs as root); elsewhere the test
that asks skips and says why."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest


@contextmanager
def tiny_tmpfs(where: Path, size: str = "256k") -> Iterator[Path]:
    """A ``size`` tmpfs mounted at ``where`` (made here), unmounted afterwards."""
    where.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                              capture_output=True, text=True, timeout=10, check=False)
    except FileNotFoundError:
        pytest.skip("no mount command: cannot make a small tmpfs")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False, timeout=10)


def fill(disk: Path) -> None:
    """Write zeros into ``disk``/filler until the disk has not one byte left."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for block in (4096, 1):  # whole blocks, then the last partial one
            with suppress(OSError):
                while True:
                    os.write(fd, b"\0" * block)
    finally:
        os.close(fd)
