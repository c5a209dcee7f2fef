"""A tiny tray program for tests/e2e/test_tray_appindicator.py: one pystray appindicator icon
with some or none of traybreak's GLib-backend fixes (traybreak.ui.tray_gtk).

Usage: python gtk_icon_probe.py [--fixes all|none|keep-sigint,quiet-end]
It installs a SIGINT handler that stops the icon (as the app does), says "ready" once the icon is
shown, and at the end "ended" (the loop returned) or "raised <error>" (it raised). Exit 0 after
either; killed by SIGINT if the handler was lost.
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
from typing import Any

from PIL import Image

os.environ["PYSTRAY_BACKEND"] = "appindicator"

import pystray

from traybreak.ui.tray_gtk import ALL_GTK_FIXES, GtkFix, fixed_gtk_class


def say(line: str) -> None:
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixes", default="all")
    args = parser.parse_args()
    if args.fixes == "all":
        fixes = ALL_GTK_FIXES
    elif args.fixes == "none":
        fixes = frozenset()
    else:
        fixes = frozenset(GtkFix(name) for name in args.fixes.split(","))
    icon = fixed_gtk_class(pystray.Icon, fixes)(
        "probe", Image.new("RGBA", (32, 32), (0, 128, 0, 255)), "probe")

    def on_sigint(*_: Any) -> None:
        say("sigint")
        threading.Thread(target=icon.stop, daemon=True).start()

    signal.signal(signal.SIGINT, on_sigint)

    def setup(icon: Any) -> None:
        icon.visible = True
        say("ready")

    try:
        icon.run(setup)
    except Exception as err:
        say(f"raised {type(err).__name__}: {err}")
        return
    say("ended")


if __name__ == "__main__":
    main()
