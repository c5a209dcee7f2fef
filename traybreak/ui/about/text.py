"""About traybreak: what it is, the not-medical-advice note, where its files live, privacy and
licence. The text ``traybreak about`` prints; ui/about/window.py shows the same facts in Tk.
No tkinter here, so the text works where Tk is not installed.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from traybreak import __version__, paths
from traybreak.ui.toolkit.wording import DISCLAIMER

log = logging.getLogger(__name__)

ABOUT_TITLE = "About traybreak"
PURPOSE = ("Short stretch, strengthen and relax breaks while you really work at your desk, "
           "for a back that sits all day.")
PRIVACY = "Everything stays on this computer: no account, no network, no tracking."
LICENCE = "Free software under the MIT licence."


@dataclass(frozen=True)
class AboutInfo:
    """What the about text and window show."""

    version: str
    places: tuple[tuple[str, str], ...]    # (what, path)


def about_info(config: str | os.PathLike[str] | None = None) -> AboutInfo:
    """The facts for this installation (``config``: the --config override, if any)."""
    places = (
        ("Settings", str(paths.config_file(config))),
        ("Break log", str(paths.log_db())),
        ("Your exercise packs", str(paths.packs_dir())),
        ("App log", str(paths.app_log_dir())),
    )
    return AboutInfo(__version__, places)


def about_text(info: AboutInfo) -> str:
    """The plain-text form printed by ``traybreak about``."""
    width = max(len(what) for what, _ in info.places)
    lines = [f"traybreak {info.version}", PURPOSE, "", DISCLAIMER, "", "Where things are:"]
    lines += [f"  {what + ':':<{width + 1}}  {where}" for what, where in info.places]
    lines += ["", PRIVACY, LICENCE]
    return "\n".join(lines) + "\n"
