"""The chime (#17 point 5): the shipped WAV is valid, short and soft; the player the platform has
is started with the right arguments (stub players on a fake PATH record what they were given);
the volume reaches the player's flag or the samples; a missing player is one warning, never an
error."""

from __future__ import annotations

import array
import io
import logging
import os
import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest

from traybreak.platform.sound import (
    MISSING_HINT,
    Chime,
    chime_path,
    find_player,
    loudness,
    scaled,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"
#: A stand-in player: writes its arguments, then whatever comes on stdin, beside itself.
STUB = """#!/bin/sh
printf '%s\\n' "$@" > "$(/usr/bin/dirname "$0")/$(/usr/bin/basename "$0").argv.tmp"
/bin/cat > "$(/usr/bin/dirname "$0")/$(/usr/bin/basename "$0").stdin"
/bin/mv "$(/usr/bin/dirname "$0")/$(/usr/bin/basename "$0").argv.tmp" \\
        "$(/usr/bin/dirname "$0")/$(/usr/bin/basename "$0").argv"
"""


def _samples(wav: bytes) -> tuple[wave._wave_params, array.array[int]]:
    with wave.open(io.BytesIO(wav)) as source:
        params = source.getparams()
        frames = array.array("h", source.readframes(params.nframes))
    if sys.byteorder == "big":
        frames.byteswap()
    return params, frames


def test_the_shipped_chime_is_a_short_soft_valid_wav() -> None:
    params, frames = _samples(chime_path().read_bytes())
    assert (params.nchannels, params.sampwidth, params.framerate, params.comptype) == (
        1, 2, 22_050, "NONE")
    assert 0.3 <= params.nframes / params.framerate <= 1.5          # a chime, not a tune
    peak = max(abs(sample) for sample in frames)
    assert 0.2 * 32767 < peak <= 0.6 * 32768                        # audible, far from clipping
    assert abs(frames[0]) < 100 and abs(frames[-1]) < 100           # no click at either end


def test_the_shipped_chime_is_what_docs_make_chime_makes() -> None:
    done = subprocess.run([sys.executable, str(DOCS / "make_chime.py"), "--check"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


def test_the_volume_is_a_desktop_slider_and_scaling_never_clips() -> None:
    assert (loudness(0), loudness(50), loudness(100), loudness(150)) == (0.0, 0.125, 1.0, 1.0)
    original = chime_path().read_bytes()
    params, quiet = _samples(scaled(original, 0.125))
    assert params.nframes == _samples(original)[0].nframes
    assert max(abs(s) for s in quiet) == pytest.approx(max(abs(s) for s in _samples(original)[1])
                                                       * 0.125, abs=1)


def _players(tmp_path: Path, *names: str) -> dict[str, str]:
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for name in names:
        stub = stubs / name
        stub.write_text(STUB)
        stub.chmod(0o755)
    return {"PATH": str(stubs)}


def _played(tmp_path: Path, name: str) -> tuple[list[str], bytes]:
    argv = tmp_path / "bin" / f"{name}.argv"
    deadline = time.monotonic() + 10
    while not argv.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return argv.read_text().splitlines(), (tmp_path / "bin" / f"{name}.stdin").read_bytes()


def test_pipewire_first_with_its_volume_flag(tmp_path: Path) -> None:
    env = _players(tmp_path, "aplay", "paplay", "pw-play")
    Chime(60, platform="linux", env=env).play()
    argv, _ = _played(tmp_path, "pw-play")
    assert argv == ["--volume=0.216", str(chime_path())]
    assert not (tmp_path / "bin" / "paplay.argv").exists()


def test_pulseaudio_next_with_its_own_volume_scale(tmp_path: Path) -> None:
    env = _players(tmp_path, "aplay", "paplay")
    Chime(60, platform="linux", env=env).play()
    assert _played(tmp_path, "paplay")[0] == ["--volume=39322", str(chime_path())]


def test_alsa_last_with_the_samples_scaled_on_its_stdin(tmp_path: Path) -> None:
    env = _players(tmp_path, "aplay")
    Chime(50, platform="linux", env=env).play()
    argv, fed = _played(tmp_path, "aplay")
    assert argv == ["-q", "-"]
    _, samples = _samples(fed)
    _, original = _samples(chime_path().read_bytes())
    assert max(abs(s) for s in samples) == pytest.approx(
        max(abs(s) for s in original) * 0.125, abs=1)


def test_macos_plays_with_afplay(tmp_path: Path) -> None:
    env = _players(tmp_path, "afplay", "pw-play")
    Chime(100, platform="darwin", env=env).play()
    assert _played(tmp_path, "afplay")[0] == ["-v", "1.000", str(chime_path())]
    assert find_player("win32", env).name == "winsound"  # type: ignore[union-attr]


def test_play_returns_at_once_whatever_the_player_does(tmp_path: Path) -> None:
    env = _players(tmp_path, "pw-play")
    (tmp_path / "bin" / "pw-play").write_text("#!/bin/sh\n/bin/sleep 5\n")
    started = time.monotonic()
    Chime(60, platform="linux", env=env).play()
    assert time.monotonic() - started < 1


def test_no_player_is_one_warning_not_an_error(tmp_path: Path,
                                               caplog: pytest.LogCaptureFixture) -> None:
    chime = Chime(60, platform="linux", env={"PATH": str(tmp_path)})
    with caplog.at_level(logging.WARNING, "traybreak.platform.sound"):
        chime.play()
        chime.play()
    assert [r.getMessage() for r in caplog.records] == [MISSING_HINT]


def test_a_player_that_cannot_start_is_one_warning(tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    def broken(*_args: object, **_kw: object) -> None:
        raise PermissionError(13, "Permission denied")

    chime = Chime(60, platform="linux", env=_players(tmp_path, "paplay"), spawn=broken)
    with caplog.at_level(logging.WARNING, "traybreak.platform.sound"):
        chime.play()
        chime.play()
    [record] = caplog.records
    assert record.getMessage().startswith("the chime could not play with paplay:")


#: A player that is there but cannot play: pw-play where no PipeWire server runs.
NO_SERVER = """#!/bin/sh
echo x >> "$0.calls"
echo "error: pw_context_connect() failed: Host is down" >&2
exit 1
"""


def test_a_player_that_cannot_play_hands_the_chime_to_the_next_one(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    env = _players(tmp_path, "pw-play", "paplay")
    (tmp_path / "bin" / "pw-play").write_text(NO_SERVER)
    chime = Chime(60, platform="linux", env=env)
    with caplog.at_level(logging.WARNING, "traybreak.platform.sound"):
        chime.play()
        assert _played(tmp_path, "paplay")[0] == ["--volume=39322", str(chime_path())]
        (tmp_path / "bin" / "paplay.argv").unlink()
        chime.play()                                   # straight to paplay from then on
        _played(tmp_path, "paplay")
    assert (tmp_path / "bin" / "pw-play.calls").read_text() == "x\n"
    assert [r.getMessage() for r in caplog.records] == [
        "the chime: pw-play could not play it (exit 1: error: pw_context_connect() failed: "
        "Host is down); playing it with paplay instead"]


def test_when_no_player_can_play_it_is_one_warning(tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    env = _players(tmp_path, "pw-play")
    (tmp_path / "bin" / "pw-play").write_text(NO_SERVER)
    chime = Chime(60, platform="linux", env=env)
    with caplog.at_level(logging.WARNING, "traybreak.platform.sound"):
        chime.play()
        deadline = time.monotonic() + 10
        while chime.player is not None and time.monotonic() < deadline:
            time.sleep(0.02)
        chime.play()
        chime.play()
    assert chime.player is None
    assert [r.getMessage() for r in caplog.records] == [
        "the chime could not play: pw-play could not play it (exit 1: error: "
        "pw_context_connect() failed: Host is down)"]
    assert (tmp_path / "bin" / "pw-play.calls").read_text() == "x\n"


@pytest.mark.skipif(sys.platform == "win32", reason="winsound is there on Windows")
def test_winsound_missing_off_windows_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, "traybreak.platform.sound"):
        Chime(60, platform="win32", env=dict(os.environ)).play()
    assert "could not play with winsound" in caplog.text


def test_the_tray_asks_for_a_player_without_loading_what_playing_needs() -> None:
    """The tray process only calls find_player(); wave and importlib.resources (0.2 MB with
    their imports) are loaded by the prompt window, which plays."""
    import subprocess

    code = ("import sys, traybreak.app.tray_app\n"
            "from traybreak.platform.sound import find_player\n"
            "find_player()\n"
            "print(sorted(m for m in sys.modules if m in ('wave', 'importlib.resources')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, env={"PYSTRAY_BACKEND": "dummy", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
