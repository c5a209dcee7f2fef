"""A tiny tray program for tests/e2e/test_tray_xorg.py: one pystray xorg icon, driven by stdin.

Usage: python xorg_icon_probe.py NAME [--fixes all|none|clicks,dock-once,...] [--detached]
       [--late-update] [--finalize] [--slow-draw] [--stop-on-click] [--hold-ready] [--look STATE]
stdout: "window <id>" once the icon window exists, "activated" per default action,
"handoffs <n>" (show/update calls from other threads so far) when asked, and
"stopped foreign=<n>" (writes to the loop's X connection from other threads) at the end;
with --late-update, then "late <seconds>" (or "late hung") for a title change made from another
thread after the loop has ended while the loop's thread lives on, as a tray app's main thread
does while it shuts down; with --finalize, "finalized" once the icon's finalizer has run (as the
garbage collector would run it) without raising; with --slow-draw, "drawing" whenever the loop
starts redrawing the icon, which then takes half a second; with --stop-on-click, the default
action (a click) says "activated" and then stops the icon, on the loop's thread; with
--hold-ready, "shown" once the loop's thread has shown the icon, which then waits (5 s at most),
before pystray counts the icon as running, until a "stop" command has been handed to the loop
or has returned; "pillow loaded" or "pillow absent" when asked. The icon is a red square (a PIL
image) or, with --look, the tray's look for STATE (a TrayLook, as the app shows it); "hidden"
once the icon has been hidden when asked to hide; "look changed" once it shows the "active" look
when asked for a look.
stdin: "handoffs", "pillow", "look", "hide", "stop".
Exit 3 if run_detached() is refused.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from typing import Any

os.environ["PYSTRAY_BACKEND"] = "xorg"

from traybreak.ui.tray import icon as tray
from traybreak.ui.tray.looks import TrayLook, TrayState


def say(line: str) -> None:
    print(line, flush=True)


def _foreign(icon: Any) -> bool:
    loop = getattr(icon, "_thread", None)
    return loop is None or threading.current_thread() is not loop


def count_startup_handoffs(icon: Any) -> list[int]:
    """Count calls to show/update the icon made from a thread other than the loop's."""
    count = [0]
    for name in ("_show", "_update_icon"):
        dispatch = getattr(icon, name)

        def counting(dispatch: Any = dispatch) -> Any:
            count[0] += _foreign(icon)
            return dispatch()

        setattr(icon, name, counting)
    return count


def count_foreign_display_use(icon: Any) -> list[int]:
    """Count writes to the loop's X connection from other threads once the loop runs."""
    count = [0]
    for name in ("send_event", "flush", "sync"):
        method = getattr(icon._display, name)

        def counting(*args: Any, method: Any = method, **kwargs: Any) -> Any:
            count[0] += getattr(icon, "_thread", None) is not None and _foreign(icon)
            return method(*args, **kwargs)

        setattr(icon._display, name, counting)
    return count


def parse_fixes(text: str) -> frozenset[tray.XorgFix]:
    """ "all", "none", or a comma-separated list of XorgFix values."""
    if text in ("all", "none"):
        return tray.ALL_XORG_FIXES if text == "all" else frozenset()
    return frozenset(tray.XorgFix(f) for f in text.split(","))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("--fixes", default="all")
    parser.add_argument("--detached", action="store_true")
    parser.add_argument("--late-update", action="store_true")
    parser.add_argument("--finalize", action="store_true")
    parser.add_argument("--slow-draw", action="store_true")
    parser.add_argument("--stop-on-click", action="store_true")
    parser.add_argument("--hold-ready", action="store_true")
    parser.add_argument("--look", choices=[state.value for state in TrayState])
    args = parser.parse_args()
    fixes = parse_fixes(args.fixes)
    pystray = tray.load_pystray()

    def activate() -> None:
        say("activated")
        if args.stop_on_click:
            icon.stop()

    menu = pystray.Menu(pystray.MenuItem("activate", activate, default=True))
    icon = tray.create_icon(args.name, picture(args.look), f"{args.name} probe", menu,
                            fixes=fixes)
    handoffs = count_startup_handoffs(icon)
    if args.slow_draw:
        slow_down_drawing(icon)
    foreign = count_foreign_display_use(icon)
    stop = threading.Event()
    stop_settled = threading.Event()  # stop() has returned or has handed the stop to the loop
    if args.hold_ready:
        hold_ready_until_stopped(icon, stop_settled)

    def commands() -> None:
        for line in sys.stdin:
            if line.strip() == "handoffs":
                say(f"handoffs {handoffs[0]}")
            elif line.strip() == "pillow":
                say("pillow " + ("loaded" if "PIL.Image" in sys.modules else "absent"))
            elif line.strip() == "look":
                tray.set_look(icon, TrayLook(TrayState.ACTIVE))
                say("look changed")
            elif line.strip() == "hide":
                icon.visible = False
                say("hidden")
            elif line.strip() == "stop":
                stop.set()
                icon.stop()
                stop_settled.set()
                return

    threading.Thread(target=commands, daemon=True).start()
    say(f"window {icon._window.id}")
    if args.detached:
        try:
            icon.run_detached()
        except NotImplementedError as err:
            print(err, file=sys.stderr, flush=True)
            return 3
        stop.wait()  # stands in for another library's main loop
    else:
        tray.run_icon(icon)
    say(f"stopped foreign={foreign[0]}")
    if args.late_update:
        late_update(icon)
    if args.finalize:
        icon.__del__()  # others hold references: the collector would get to it at exit, maybe
        say("finalized")
    return 0


def picture(look: str | None) -> Any:
    """The tray's look for state ``look``, or else a red square PIL image."""
    if look is not None:
        return TrayLook(TrayState(look))
    from PIL import Image

    return Image.new("RGBA", (64, 64), (220, 40, 40, 255))


def slow_down_drawing(icon: Any) -> None:
    """Make every redraw (Expose, ConfigureNotify) announce itself and dawdle before drawing."""
    from Xlib import X

    draw = icon._on_expose

    def slowly(event: Any) -> None:
        say("drawing")
        time.sleep(0.5)
        draw(event)

    for event_type in (X.Expose, X.ConfigureNotify):
        icon._message_handlers[event_type] = slowly


def hold_ready_until_stopped(icon: Any, stop_settled: threading.Event) -> None:
    """Hold the loop's thread between showing the icon (it may be docked by then) and marking
    the icon running, until a stop has been handed to the loop or stop() has returned (then
    without handing it over: the stop was dropped)."""
    hand_over = icon._stop  # the hand-off dispatcher: stop() calls it when the icon is running

    def handing_over() -> None:
        stop_settled.set()
        hand_over()

    icon._stop = handing_over
    mark_ready = icon._mark_ready

    def held() -> None:
        say("shown")
        stop_settled.wait(5.0)
        mark_ready()

    icon._mark_ready = held


def late_update(icon: Any, patience_s: float = 3.0) -> None:
    """Change the title from another thread now that the loop is over; say how long it took."""
    started = time.monotonic()
    update = threading.Thread(target=lambda: setattr(icon, "title", "late"), daemon=True)
    update.start()
    update.join(patience_s)
    say("late hung" if update.is_alive() else f"late {time.monotonic() - started:.2f}")


if __name__ == "__main__":
    sys.exit(main())
