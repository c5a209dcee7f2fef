"""The chime (``[prompt] sound``): traybreak/sounds/chime.wav played with what the platform has,
never waiting for it: PipeWire's ``pw-play``, PulseAudio's ``paplay`` or ALSA's ``aplay`` on
Linux and the BSDs (the first on PATH), ``afplay`` on macOS, ``winsound`` on Windows.

The volume (0–100) is read like a desktop's volume slider, on a cubic scale (PulseAudio's, and
what GNOME's and KDE's sliders show): 50 is an eighth of the amplitude. It goes to the player's
own flag where it has one (pw-play, paplay, afplay), else into the samples (aplay, winsound).

Used by the prompt window's process (a child of the tray) on its Tk thread: ``play`` returns at
once. No player is a warning logged once per process, never an error; the tray checks too
(``find_player``), so its log says it once.
"""

from __future__ import annotations

import array
import io
import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: The players tried on Linux and the BSDs, best first.
UNIX_PLAYERS = ("pw-play", "paplay", "aplay")
MISSING_HINT = ("no sound player found (pw-play, paplay or aplay): install pipewire-bin, "
                "pulseaudio-utils or alsa-utils, or set [prompt] sound = false")


@dataclass(frozen=True)
class Player:
    """How to play a WAV file: ``argv(path, volume)`` (``stdin``: the samples are written to
    its standard input instead of read from ``path``)."""

    name: str
    path: str
    stdin: bool = False

    def argv(self, wav: str, volume: int) -> list[str]:
        """The command line that plays ``wav`` at ``volume`` (0–100)."""
        if self.name == "pw-play":
            return [self.path, f"--volume={loudness(volume):.3f}", wav]
        if self.name == "paplay":   # 65536 is 100 % on PulseAudio's own (cubic) scale
            return [self.path, f"--volume={round(volume / 100 * 65536)}", wav]
        if self.name == "afplay":
            return [self.path, "-v", f"{loudness(volume):.3f}", wav]
        return [self.path, "-q", "-"]   # aplay: no volume flag; scaled samples on stdin


def loudness(volume: int) -> float:
    """A 0–100 volume as an amplitude factor (0.0–1.0), on the desktops' cubic scale."""
    return (max(0, min(100, volume)) / 100) ** 3


def chime_path() -> Path:
    """The shipped chime (a real file: the package is installed unzipped)."""
    # Imported here, like wave below: the tray only asks find_player(); the window plays.
    from importlib.resources import files

    return Path(str(files("traybreak.sounds").joinpath("chime.wav")))


def scaled(wav: bytes, factor: float) -> bytes:
    """A 16-bit WAV with every sample multiplied by ``factor`` (0–1: quieter, never clipping)."""
    import wave

    with wave.open(io.BytesIO(wav)) as source:
        params = source.getparams()
        frames = array.array("h", source.readframes(params.nframes))
    if sys.byteorder == "big":
        frames.byteswap()
    frames = array.array("h", (round(sample * factor) for sample in frames))
    if sys.byteorder == "big":
        frames.byteswap()
    out = io.BytesIO()
    with wave.open(out, "wb") as target:
        target.setparams(params)
        target.writeframes(frames.tobytes())
    return out.getvalue()


def find_player(platform: str = sys.platform,
                env: Mapping[str, str] | None = None) -> Player | None:
    """The player to use here; None when this system has none (Windows: winsound, always)."""
    search = (env if env is not None else os.environ).get("PATH", os.defpath)
    if platform == "win32":
        return Player("winsound", "winsound")
    names = ("afplay",) if platform == "darwin" else UNIX_PLAYERS
    for name in names:
        found = shutil.which(name, path=search)
        if found:
            return Player(name, found, stdin=name == "aplay")
    return None


Spawn = Callable[..., Any]


class Chime:
    """The chime at ``volume`` (0–100): ``play()`` starts it and returns at once."""

    def __init__(self, volume: int, *, platform: str = sys.platform,
                 env: Mapping[str, str] | None = None, spawn: Spawn = subprocess.Popen) -> None:
        self.volume = volume
        self.player = find_player(platform, env)
        self._env = dict(env) if env is not None else None
        self._spawn = spawn
        self._told = False

    def play(self) -> None:
        """Start the chime; a missing or failing player is logged (once), never raised."""
        player = self.player
        if player is None:
            self._tell(MISSING_HINT)
            return
        try:
            if player.name == "winsound":
                self._play_winsound()
            elif player.stdin:
                self._play_through_stdin(player)
            else:
                self._spawn(player.argv(str(chime_path()), self.volume), **self._quiet())
        except (OSError, RuntimeError, ImportError) as err:  # (winsound elsewhere than Windows)
            self._tell(f"the chime could not play with {player.name}: {err}")

    def _quiet(self) -> dict[str, Any]:
        return {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL,
                "stderr": subprocess.DEVNULL, "env": self._env}

    def _play_through_stdin(self, player: Player) -> None:
        data = scaled(chime_path().read_bytes(), loudness(self.volume))
        proc = self._spawn(player.argv("-", self.volume), **{**self._quiet(),
                                                             "stdin": subprocess.PIPE})

        def feed() -> None:  # 35 kB fits a pipe's buffer; a thread anyway, never to block Tk
            try:
                proc.stdin.write(data)
                proc.stdin.close()
            except OSError as err:
                log.debug("the chime's player stopped reading: %s", err)

        threading.Thread(target=feed, name="chime", daemon=True).start()

    def _play_winsound(self) -> None:
        sound = _winsound()
        data = scaled(chime_path().read_bytes(), loudness(self.volume))
        # SND_ASYNC cannot play from memory: a thread of its own instead, so Tk never waits.
        threading.Thread(target=sound.PlaySound, args=(data, sound.SND_MEMORY),
                         name="chime", daemon=True).start()

    def _tell(self, message: str) -> None:
        if not self._told:
            self._told = True
            log.warning("%s", message)


def _winsound() -> Any:
    """The stdlib's winsound (Windows only, so typed loosely for the checks on other systems)."""
    import winsound

    return winsound
