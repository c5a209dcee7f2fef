"""Run Python as a user without root's powers: permission faults (a read-only file, another user's
file) only show for such a user, and CI runs the tests as root. As root the code runs as nobody;
as anyone else, as that user."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

NOBODY = 65534
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
UID = NOBODY if ROOT else (os.getuid() if hasattr(os, "getuid") else 0)


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A new folder the plain user owns, in a place it can reach (pytest's tmp_path is 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="tb-"))
    try:
        if ROOT:
            os.chown(folder, NOBODY, NOBODY)
        yield folder
    finally:
        shutil.rmtree(folder)


def give(path: Path) -> None:
    """Make ``path`` the plain user's, as if it had made it."""
    if ROOT:
        os.chown(path, NOBODY, NOBODY)


def run_as_plain_user(code: str, env: dict[str, str] | None = None) -> object:
    """Run ``code`` (which sets ``result``, something JSON can carry) as the plain user; its
    result, or {"error": type, "message": str} for the exception it raised."""
    wrapper = ("import json\n"
               "try:\n" + "".join(f"    {line}\n" for line in code.splitlines()) +
               "except Exception as err:\n"
               "    result = {'error': type(err).__name__, 'message': str(err)}\n"
               "print(json.dumps(result))\n")
    done = _run([sys.executable, "-c", wrapper], env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def traybreak_as_plain_user(env: dict[str, str], *words: str) -> subprocess.CompletedProcess[str]:
    """``traybreak WORDS`` as the plain user."""
    return _run([sys.executable, "-m", "traybreak", *words], env)


def _run(args: list[str], env: dict[str, str] | None) -> subprocess.CompletedProcess[str]:
    # setpriv, not subprocess's user=: the interpreter may live under /root (pyenv), which the
    # kernel lets setpriv's child reach but not one that Python's own fork changed the user of.
    drop = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"] if ROOT else []
    done = subprocess.run([*drop, *args], capture_output=True, text=True, timeout=60,
                          check=False, env=env, cwd="/")
    if ROOT and (done.returncode == 126 or "setpriv:" in done.stderr):
        pytest.skip(f"cannot run Python as the user nobody here: {done.stderr.strip()}")
    return done
