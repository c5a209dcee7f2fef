"""Generate traybreak/sounds/chime.wav: the soft chime played when a prompt opens and when a hold
ends (`[prompt] sound = true`). Stdlib only (``wave``), so anyone can remake or change it.

Run from the repository root: python docs/make_chime.py  (add --check to fail when the shipped
file differs from what this script makes).

The sound: a bell-like tone, A5 with two quieter overtones, each dying away (the higher ones
faster), a 10 ms fade in (no click at the start) and a fade out to silence, peaking at half of
full scale so it is soft at any volume and never clips. 16-bit mono at 22,050 Hz, 0.8 s: 35 kB.
"""

from __future__ import annotations

import argparse
import io
import math
import struct
import sys
import wave
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "traybreak" / "sounds" / "chime.wav"
RATE = 22_050
LENGTH_S = 0.8
PEAK = 0.5            # of full scale
FUNDAMENTAL = 880.0   # Hz, A5: clear but not shrill
#: (frequency ratio, loudness, decay per second) of each partial.
PARTIALS = ((1.0, 1.0, 5.0), (2.0, 0.3, 9.0), (3.0, 0.1, 14.0))
FADE_IN_S = 0.01
FADE_OUT_S = 0.15


def samples() -> list[float]:
    """The chime as floats in -PEAK..PEAK."""
    count = int(RATE * LENGTH_S)
    out = []
    for n in range(count):
        t = n / RATE
        value = sum(loud * math.exp(-decay * t) * math.sin(2 * math.pi * FUNDAMENTAL * ratio * t)
                    for ratio, loud, decay in PARTIALS)
        value *= min(1.0, t / FADE_IN_S)
        left = LENGTH_S - t
        if left < FADE_OUT_S:
            value *= 0.5 - 0.5 * math.cos(math.pi * left / FADE_OUT_S)
        out.append(value)
    top = max(abs(v) for v in out)
    return [v * PEAK / top for v in out]


def wav_bytes() -> bytes:
    """The chime as a WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(b"".join(struct.pack("<h", round(v * 32767)) for v in samples()))
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the shipped file is stale")
    made = wav_bytes()
    if parser.parse_args().check:
        if not TARGET.exists() or TARGET.read_bytes() != made:
            print(f"{TARGET} is stale: run python docs/make_chime.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_bytes(made)
    print(f"wrote {TARGET} ({len(made)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
