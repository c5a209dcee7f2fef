"""Keep python-xlib from loading extension modules the tray process never uses.

Every ``Xlib.display.Display()`` imports and initialises a Python module for each extension the
X server offers (XInput, RANDR, RECORD, Composite, ...), about 0.8 MB of the tray's 25 MB memory
budget and a round trip each per connection. The tray opens four connections (tray host check,
pystray's icon, idle time, hand-offs) and uses one extension: MIT-SCREEN-SAVER, for idle time.
pystray's XEmbed icon speaks the core protocol only.

Call :func:`load_only_needed_extensions` before the process opens its first Display. It narrows
python-xlib's own list of extension modules (``Xlib.ext.__extensions__``), for this process only.
"""

from __future__ import annotations

#: The X extensions the tray process uses (see platform/idle/x11.py).
NEEDED = frozenset({"MIT-SCREEN-SAVER"})


def load_only_needed_extensions() -> bool:
    """Narrow python-xlib's extension list to NEEDED; False when python-xlib is not installed."""
    try:
        import Xlib.ext
    except ImportError:
        return False
    known = Xlib.ext.__extensions__
    known[:] = [entry for entry in known if entry[0] in NEEDED]
    return True
