"""A log path that cannot be used is named with what is wrong and what to do, never as a raw
exception, and nothing is created or changed (#18 point 3). Permission and full-disk faults,
which need another user or a small disk, are in test_log_faults.py (slow)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from app.test_tray_app_reload import CONFIG, Running, start  # noqa: F401 - a fixture

from traybreak import paths
from traybreak.cli import main
from traybreak.cli.small_window_cmd import load_records
from traybreak.errors import ExitStatus, UserError
from traybreak.store.prompt_log import LogUnusableError, Store


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("create", [True, False])
def test_a_folder_where_the_log_should_be_is_named_as_such(tmp_path: Path, create: bool) -> None:
    db = tmp_path / "log.sqlite3"
    db.mkdir()
    with pytest.raises(LogUnusableError) as caught:
        Store.open(db, create=create)
    message = str(caught.value)
    assert message.startswith(f"the log at {db} is a folder, not a file: move it out of the way")
    assert isinstance(caught.value, UserError) and caught.value.status == ExitStatus.FAILURE
    assert _files(tmp_path) == ["log.sqlite3"]


def test_a_file_where_the_logs_folder_should_be_is_named(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder\n")
    db = tmp_path / "data" / "traybreak" / "log.sqlite3"
    with pytest.raises(LogUnusableError, match=(
            f"the log's folder {db.parent} cannot be made: {tmp_path / 'data'} is a file, "
            "not a folder: move it out of the way")):
        Store.open(db)
    assert (tmp_path / "data").read_text() == "not a folder\n"


@pytest.fixture
def log_is_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    paths.log_db().mkdir(parents=True)
    return paths.log_db()


@pytest.mark.parametrize("words", [["log"], ["log", "--json"], ["export"], ["log", "--events"]])
def test_log_and_export_do_not_call_a_folder_no_log_yet(
        log_is_a_folder: Path, capsys: pytest.CaptureFixture[str], words: list[str]) -> None:
    assert main(words) == ExitStatus.FAILURE
    out, err = capsys.readouterr()
    assert "no log yet" not in out + err and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and f"the log at {log_is_a_folder} is a folder" in lines[0]
    assert "unexpected error" not in err


def test_the_history_does_not_call_a_folder_an_empty_history(log_is_a_folder: Path) -> None:
    from datetime import datetime

    with pytest.raises(LogUnusableError, match="is a folder"):
        load_records(7, datetime.now().astimezone())


def test_the_tray_does_not_start_on_a_folder_and_says_why(
        start: Callable[..., Running],  # noqa: F811 - the imported fixture
        tmp_path: Path) -> None:
    """What `traybreak` printed as "unexpected error: IsADirectoryError: …" (#18 point 3)."""
    paths.log_db().mkdir(parents=True)
    with pytest.raises(LogUnusableError, match=f"the log at {paths.log_db()} is a folder"):
        start(CONFIG.format(every="20m"))
