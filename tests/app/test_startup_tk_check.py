"""The start-up check that the windows can load Tk, run against a real child interpreter: a
Python without tkinter (a stand-in package on PYTHONPATH that fails to import) is named with the
package to install; an ordinary one passes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from traybreak.app.startup import finish_tk_check, start_tk_check
from traybreak.errors import ExitStatus, UserError

NO_TK = 'raise ImportError("No module named \'_tkinter\'")\n'


def without_tk(tmp_path: Path) -> dict[str, str]:
    """This environment with a tkinter that fails as Debian's does without python3-tk."""
    (tmp_path / "tkinter").mkdir()
    (tmp_path / "tkinter" / "__init__.py").write_text(NO_TK)
    return {**os.environ, "PYTHONPATH": str(tmp_path)}


def test_without_tk_the_start_fails_naming_the_package(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        finish_tk_check(start_tk_check(without_tk(tmp_path)))
    message = str(caught.value)
    assert caught.value.status == ExitStatus.FAILURE and "\n" not in message
    assert message.startswith("cannot show break windows: Python's tkinter does not load "
                              "(ImportError: No module named '_tkinter')")
    assert "python3-tk on Debian/Ubuntu" in message


def test_with_tk_the_check_passes() -> None:
    pytest.importorskip("tkinter")
    finish_tk_check(start_tk_check())
