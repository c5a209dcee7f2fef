"""Hostile files, as an attacker or bad luck would leave them, against the real commands and the
running tray: a FIFO or a huge file as the settings or a pack, TOML nested 500 deep, a NUL or a
page of text in a reminder, escape sequences in a pack's names, a picture linked from outside
the packs folder. None may stop or hang anything: a bad pack is skipped, bad settings fall back
to the defaults, and each says what is wrong in one line that is safe on a terminal (#18 point
1). Slow: each probe runs traybreak as a command."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w
from app.test_tray_app_reload import CONFIG, Running, start  # noqa: F401 - a fixture
from catalog.test_load import card
from hostile_toml import nested

from traybreak.config.settings import default_config

pytestmark = pytest.mark.slow

DEEP = nested(500)
ESCAPES = "\x1b[2J\x1b]0;owned\x07"


def traybreak(home: Path, *words: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """``traybreak WORDS`` with its settings, data and runtime under ``home``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("XDG_")}
    env.update(XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               XDG_STATE_HOME=str(home / "state"), XDG_RUNTIME_DIR=str(home / "run"))
    env.pop("TRAYBREAK_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "traybreak", *words], env=env, text=True,
                          capture_output=True, timeout=timeout, check=False)


def settings_file(home: Path) -> Path:
    path = home / "config" / "traybreak" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def packs(home: Path) -> Path:
    folder = home / "data" / "traybreak" / "exercises"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def one_line(stream: str, *words: str) -> str:
    lines = stream.strip().splitlines()
    assert len(lines) == 1, stream
    for word in words:
        assert word in lines[0], lines[0]
    assert "\x1b" not in stream and "Traceback" not in stream and "unexpected" not in stream
    return lines[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_fifo_as_the_settings_or_a_pack_is_refused_at_once(tmp_path: Path) -> None:
    os.mkfifo(settings_file(tmp_path))
    os.mkfifo(packs(tmp_path) / "pipe.toml")
    began = time.monotonic()
    check = traybreak(tmp_path, "config", "check")  # hung for ever, waiting for a writer
    assert check.returncode == 2
    one_line(check.stderr, "config.toml: cannot read it: it is a named pipe (FIFO), not a file")
    listing = traybreak(tmp_path, "exercises", "list")
    assert listing.returncode == 0 and "seated_hip_flexor_stretch" in listing.stdout
    one_line(listing.stderr, "user pack skipped: pipe.toml: cannot read it: it is a named pipe")
    validate = traybreak(tmp_path, "exercises", "validate", str(packs(tmp_path) / "pipe.toml"))
    assert validate.returncode == 2
    one_line(validate.stderr, "pipe.toml: cannot read it: it is a named pipe (FIFO), not a file")
    assert time.monotonic() - began < 20


def test_a_huge_settings_file_or_pack_is_refused_unread(tmp_path: Path) -> None:
    settings_file(tmp_path).write_text("# padding\n" * 200_000)  # 2 MB
    (packs(tmp_path) / "huge.toml").write_text("# padding\n" * 200_000)
    check = traybreak(tmp_path, "config", "check")
    assert check.returncode == 2
    one_line(check.stderr, "is 1,953 KB, too big to be settings or a pack (expected at most "
                           "1,024 KB)")
    listing = traybreak(tmp_path, "exercises", "list")
    assert listing.returncode == 0
    one_line(listing.stderr, "user pack skipped: huge.toml: is 1,953 KB, too big")


def test_nesting_500_deep_skips_the_pack_and_refuses_the_settings(tmp_path: Path) -> None:
    """Each of these exited with RecursionError."""
    settings_file(tmp_path).write_text(DEEP)
    (packs(tmp_path) / "deep.toml").write_text(DEEP)
    check = traybreak(tmp_path, "config", "check")
    assert check.returncode == 2
    one_line(check.stderr, "config.toml: tables and arrays nested too deeply (expected at most 16")
    settings_file(tmp_path).write_text(CONFIG.format(every="25m"))
    check = traybreak(tmp_path, "config", "check")  # it reads the packs for the exercise ids
    assert check.returncode == 0, check.stderr
    listing = traybreak(tmp_path, "exercises", "list")
    assert listing.returncode == 0 and "seated_hip_flexor_stretch" in listing.stdout
    one_line(listing.stderr, "deep.toml: tables and arrays nested too deeply")


@pytest.mark.parametrize(("message", "words"), [
    ("Drink\\u0000water", "breaks.water.message: has a control character (U+0000 at character 6)"),
    ("\\u001b]0;owned\\u0007Drink", "has a control character (U+001B at character 1)"),
    ("x" * 10_000, "breaks.water.message: 10,000 characters is too long for a prompt (expected "
                   "at most 500 characters"),
])
def test_a_reminder_message_a_window_cannot_show_is_refused_by_config_check(
        tmp_path: Path, message: str, words: str) -> None:
    """A NUL passed the check, then failed every prompt of the rule, each logged ignored."""
    settings_file(tmp_path).write_text(f'[breaks.water]\nevery = "1h"\nmessage = "{message}"\n')
    check = traybreak(tmp_path, "config", "check")
    assert check.returncode == 2
    one_line(check.stderr, words)


def test_escape_sequences_in_a_pack_never_reach_the_terminal(tmp_path: Path) -> None:
    folder = packs(tmp_path)
    (folder / "evil.toml").write_text(tomli_w.dumps({"exercise": [card(name=ESCAPES + "Cat")]}))
    (folder / f"name{ESCAPES}.toml").write_text("not = [toml")
    listing = traybreak(tmp_path, "exercises", "list")
    assert listing.returncode == 0 and "\x1b" not in listing.stdout + listing.stderr
    assert "cat_camel" not in listing.stdout  # the card is skipped, not shown cleaned
    assert 'evil.toml: exercise "cat_camel": name: has a control character (U+001B' in \
        listing.stderr
    assert "name\\x1b[2J\\x1b]0;owned\\x07.toml" in listing.stderr  # the file's name, escaped
    validate = traybreak(tmp_path, "exercises", "validate", str(folder / "evil.toml"))
    assert validate.returncode == 2 and "\x1b" not in validate.stdout + validate.stderr


def test_a_picture_linked_from_outside_the_packs_folder_is_refused(tmp_path: Path) -> None:
    folder = packs(tmp_path)
    secret = tmp_path / "elsewhere.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "pic.png").symlink_to(secret)
    (folder / "linked.toml").write_text(tomli_w.dumps({"exercise": [card(image="pic.png")]}))
    validate = traybreak(tmp_path, "exercises", "validate", str(folder / "linked.toml"))
    assert validate.returncode == 2
    one_line(validate.stderr, 'image: "pic.png" leads outside the pack\'s folder')


def test_the_tray_starts_and_reloads_through_hostile_files(
        start: Callable[..., Running],  # noqa: F811 - the imported fixture
        tmp_path: Path) -> None:
    """Arrays 500 deep stopped the tray at start; a FIFO saved as its settings hung it."""
    deep_pack = tmp_path / "data" / "traybreak" / "exercises" / "deep.toml"
    deep_pack.parent.mkdir(parents=True)
    deep_pack.write_text(DEEP)
    running = start(DEEP)
    assert running.app.config == default_config()
    assert any("deep.toml" in line for line in running.app.catalog.warnings)

    def scenario() -> None:
        if not hasattr(os, "mkfifo"):
            return
        fifo = tmp_path / "fifo"
        os.mkfifo(fifo)
        os.replace(fifo, running.config)
        began = time.monotonic()
        reply = running.app.handle({"cmd": "reload"})
        assert reply["ok"] is False and "named pipe" in reply["error"]
        assert time.monotonic() - began < 2

    running.play(scenario)
