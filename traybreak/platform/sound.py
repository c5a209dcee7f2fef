"""The chime (``[prompt] sound``): traybreak/sounds/chime.wav played with what the platform has,
never waiting for it: PipeWire's ``pw-play``, PulseAudio's ``paplay`` or ALSA's ``aplay`` on
Linux and the BSDs (the first on PATH), ``afplay`` on macOS, ``winsound`` on Windows.

The volume (0–100) is read like a desktop's volume slider, on a cubic scale (PulseAudio's, and
what GNOME's and KDE's sliders show): 50 is an eighth of the amplitude. It goes to the player's
own flag where it has one (pw-play, paplay, afplay), else into the samples (aplay, winsound).

Used by the prompt window's process (a child of the tray) on its Tk thread: ``play`` returns at
once. No player is a warning logged once per process, never an error; the tray checks too
(``find_player``), so its log says it once. A player that is there but cannot play (pw-play with
no PipeWire server, as on a desktop that runs PulseAudio with PipeWire installed beside it, or
paplay with no PulseAudio) ends at once with an error: that is a warning naming it and what it
said, and the chime plays with the next player found, now and from then on.
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
    players = find_players(platform, env)
    return players[0] if players else None


def find_players(platform: str = sys.platform,
                 env: Mapping[str, str] | None = None) -> tuple[Player, ...]:
    """Every player this system has, best first (the next is used when one cannot play)."""
    search = (env if env is not None else os.environ).get("PATH", os.defpath)
    if platform == "win32":
        return (Player("winsound", "winsound"),)
    names = ("afplay",) if platform == "darwin" else UNIX_PLAYERS
    found = ((name, shutil.which(name, path=search)) for name in names)
    return tuple(Player(name, path, stdin=name == "aplay") for name, path in found if path)


Spawn = Callable[..., Any]
#: How long a player is watched for an early failure; one still running then is playing.
WATCH_S = 10.0


class Chime:
    """The chime at ``volume`` (0–100): ``play()`` starts it and returns at once."""

    def __init__(self, volume: int, *, platform: str = sys.platform,
                 env: Mapping[str, str] | None = None, spawn: Spawn = subprocess.Popen) -> None:
        self.volume = volume
        self._players = list(find_players(platform, env))
        self._env = dict(env) if env is not None else None
        self._spawn = spawn
        self._told = False
        self._lock = threading.Lock()
        self._failed: list[str] = []   # why each player given up on could not play

    @property
    def player(self) -> Player | None:
        """The player the next ``play`` uses; None when there is none (left)."""
        with self._lock:
            return self._players[0] if self._players else None

    def play(self) -> None:
        """Start the chime; a missing or failing player is logged (once), never raised."""
        player = self.player
        if player is None:
            self._tell(self.silent_because())
            return
        try:
            if player.name == "winsound":
                self._play_winsound()
            else:
                self._play_with(player)
        except (OSError, RuntimeError, ImportError) as err:  # (winsound elsewhere than Windows)
            self._tell(f"the chime could not play with {player.name}: {err}")

    def _play_with(self, player: Player) -> None:
        """Start ``player``; a thread feeds it (aplay: the scaled samples on its stdin) and
        watches it, so that one failing at once hands the chime to the next player."""
        data = scaled(chime_path().read_bytes(), loudness(self.volume)) if player.stdin else None
        wav = "-" if player.stdin else str(chime_path())
        proc = self._spawn(player.argv(wav, self.volume),
                           stdin=subprocess.PIPE if player.stdin else subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=self._env)
        threading.Thread(target=self._watch, args=(player, proc, data), name="chime",
                         daemon=True).start()   # never to block Tk

    def _watch(self, player: Player, proc: Any, data: bytes | None) -> None:
        try:
            _, err = proc.communicate(data, timeout=WATCH_S)
        except subprocess.TimeoutExpired:
            return   # still playing (or stuck): not a failure to act on
        except OSError as problem:   # it stopped reading its stdin
            log.debug("the chime's player stopped reading: %s", problem)
            err = b""
        if proc.returncode == 0:
            return
        said = (err or b"").decode(errors="replace").strip().splitlines()
        why = f"{player.name} could not play it (exit {proc.returncode}" + \
            (f": {said[-1]})" if said else ")")
        with self._lock:
            if not self._players or self._players[0] != player:
                return   # an earlier chime's watch gave up on it already
            self._players.pop(0)
            self._failed.append(why)
            following = self._players[0].name if self._players else None
        if following is None:
            self._tell(self._none_could())
            return
        log.warning("the chime: %s; playing it with %s instead", why, following)
        self.play()

    def silent_because(self) -> str:
        """Why ``play`` is silent when ``player`` is None: none found, or none could play."""
        return self._none_could() if self._failed else MISSING_HINT

    def _none_could(self) -> str:
        return f"the chime could not play: {'; '.join(self._failed)}"

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
