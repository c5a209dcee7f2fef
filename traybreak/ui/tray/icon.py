"""The tray icon: where the backend is loaded (pystray's, or traybreak's own StatusNotifierItem
icon in ui/tray/sni), and the one home of the fixes for pystray 0.19.5's xorg (XEmbed) backend.
pystray picks its backend when first imported, so it is imported inside functions only; the
fixes apply to exactly the pinned version and to nothing else.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable, Iterable
from enum import StrEnum
from types import ModuleType
from typing import Any

from traybreak.errors import ExitStatus, UserError
from traybreak.ui.tray.looks import TrayLook, slot_pixels, tray_image
from traybreak.ui.tray.xorg_handoff import LOOP_ENDED, close_courier, handoff
from traybreak.ui.tray.xorg_slot import paint_look, tray_ground

log = logging.getLogger(__name__)

#: The pystray release whose private xorg methods the fixes below override.
PINNED_PYSTRAY = "0.19.5"
#: traybreak's own StatusNotifierItem backend (ui/tray/sni), chosen with PYSTRAY_BACKEND=sni.
SNI = "sni"
#: Below this many px the icon window has not been embedded yet (it starts 1×1): not drawn.
_EMBEDDED_MIN = 8
#: Set on a fixed xorg icon whose X server closed the connection (XorgFix.DISPLAY_GONE).
_DISPLAY_CLOSED = "_traybreak_display_closed"
#: X buttons 4–7 are the scroll wheel (up, down, left, right): a scroll is not a click.
_WHEEL_BUTTONS = frozenset({4, 5, 6, 7})
#: The atom of the MANAGER client message a new selection owner broadcasts on the root window
#: (ICCCM 2.8; the system-tray spec: a tray announces itself with it).
_MANAGER = "MANAGER"
_MANAGER_ATOM = "_traybreak_manager_atom"


class XorgFix(StrEnum):
    """The fixes for pystray 0.19.5's xorg backend (see shared/DESKTOP-TESTING.md)."""

    CLICKS = "clicks"              # the icon window never asked for ButtonPress: clicks were lost
    DOCK_ONCE = "dock-once"        # two REQUEST_DOCKs per start left 7–20 % of icons undocked
    SHOW_ON_LOOP = "show-on-loop"  # showing from the setup thread could deadlock start-up
    NO_DETACHED = "no-detached"    # run_detached() left a thread that kept the process alive
    SAFE_HANDOFF = "safe-handoff"  # calls from other threads (stop!) could hang the loop for good
    DISPLAY_GONE = "display-gone"  # the X server going away (logout) logged a traceback as error
    SLOT_LOOKS = "slot-looks"      # every draw scaled a picture with Pillow (2.6 MB of memory)
    ANY_BUTTON = "any-button"      # only a left click ran the default action (the menu)
    TRAY_BACKGROUND = "tray-background"  # the look sat on a black square, not on the panel
    PANEL_RESTART = "panel-restart"  # a restarted panel got the icon back after a minute, or never


ALL_XORG_FIXES: frozenset[XorgFix] = frozenset(XorgFix)


def load_pystray() -> ModuleType:
    """Import pystray now (this chooses its backend); UserError if no backend can start here.

    For PYSTRAY_BACKEND=sni (traybreak's own StatusNotifierItem icon, which pystray does not
    know) pystray is imported with its no-op dummy backend, and the returned module is
    ui/tray/sni/backend.py: pystray's Menu and MenuItem with the SNI Icon.
    """
    if os.environ.get("PYSTRAY_BACKEND") == SNI:
        return _load_sni_backend()
    try:
        import pystray
    except Exception as err:  # pystray raises ImportError, Xlib errors when DISPLAY is bad, ...
        raise UserError(
            f"cannot show a tray icon here ({err}); start traybreak inside a graphical session "
            "with a system tray (on GNOME: the AppIndicator extension)",
            ExitStatus.NO_DISPLAY,
        ) from err
    return pystray  # type: ignore[no-any-return]


def _load_sni_backend() -> ModuleType:
    os.environ["PYSTRAY_BACKEND"] = "dummy"  # pystray's import needs one of its own
    try:
        from traybreak.ui.tray.sni import backend
    finally:
        os.environ["PYSTRAY_BACKEND"] = SNI
    return backend


def backend_name(pystray: ModuleType | None = None) -> str:
    """The backend in use: "sni", or pystray's "xorg", "gtk", "appindicator", "win32",
    "darwin" or "dummy"."""
    icon = (pystray or load_pystray()).Icon
    own = getattr(icon, "BACKEND", None)
    return str(own) if own else str(icon.__module__.rsplit(".", 1)[-1].lstrip("_"))


def pystray_version() -> str:
    """The installed pystray version ("" when unknown)."""
    try:  # pystray's own record: importlib.metadata would cost the tray ~1 MB of modules
        from pystray._info import __version__

        return ".".join(map(str, __version__))
    except (ImportError, TypeError):
        import importlib.metadata

        try:
            return importlib.metadata.version("pystray")
        except importlib.metadata.PackageNotFoundError:
            return ""


def icon_class(fixes: Iterable[XorgFix] = ALL_XORG_FIXES) -> type:
    """The Icon class to use: the SNI icon, or pystray's, with ``fixes`` applied when it is
    the pinned xorg one.

    On any other pystray version the fixes are not applied (they override private methods) and a
    warning says so.
    """
    pystray = load_pystray()
    wanted = frozenset(fixes)
    if backend_name(pystray) != "xorg" or not wanted:
        return pystray.Icon  # type: ignore[no-any-return]
    version = pystray_version()
    if version != PINNED_PYSTRAY:
        log.warning(
            "pystray %s is not %s: the xorg tray fixes are NOT applied, so clicks may not arrive "
            "and the icon may fail to dock; install pystray==%s",
            version or "(unknown version)", PINNED_PYSTRAY, PINNED_PYSTRAY,
        )
        return pystray.Icon  # type: ignore[no-any-return]
    return _fixed_xorg_class(pystray.Icon, wanted)


def create_icon(
    name: str,
    look: TrayLook | Any,
    title: str = "",
    menu: Any = None,
    *,
    fixes: Iterable[XorgFix] = ALL_XORG_FIXES,
) -> Any:
    """A pystray Icon (fixed on xorg) showing ``look`` (a TrayLook or a PIL image); show it
    with :func:`run_icon`."""
    cls = icon_class(fixes)
    return cls(name, _picture_for(cls, look), title, menu)


def set_look(icon: Any, look: TrayLook | Any) -> None:
    """Show ``look`` (a TrayLook or a PIL image) on ``icon`` from now on."""
    icon.icon = _picture_for(type(icon), look)


def _picture_for(cls: type, look: TrayLook | Any) -> Any:
    """What an icon of class ``cls`` draws for ``look``: the look itself where the icon puts
    pre-drawn pixels (XorgFix.SLOT_LOOKS), else a PIL image (Pillow loads then, not before)."""
    if not isinstance(look, TrayLook) or getattr(cls, "TAKES_LOOKS", False):
        return look
    if XorgFix.SLOT_LOOKS in getattr(cls, "TRAYBREAK_FIXES", ()):
        return look
    return tray_image(look.state, look.step)


def run_icon(icon: Any, setup: Callable[[Any], None] | None = None) -> None:
    """Show ``icon`` and run its loop in the calling thread until ``icon.stop()``.

    Call this on the main thread. It is the supported way to run the tray: on xorg,
    ``run_detached`` is refused (see XorgFix.NO_DETACHED). ``setup(icon)``, if given, runs in a
    helper thread once the icon is shown (on fixed xorg) and must return promptly.
    """
    icon.run(setup)


@functools.cache
def _fixed_xorg_class(base: type, fixes: frozenset[XorgFix]) -> type:
    """Subclass pystray's xorg Icon, overriding only the private methods the fixes need."""
    from Xlib import X  # python-xlib: present whenever the xorg backend imported
    from Xlib.error import BadDrawable, ConnectionClosedError

    icon_events = X.ExposureMask | X.StructureNotifyMask | X.ButtonPressMask

    class FixedXorgIcon(base):  # type: ignore[misc]
        """pystray 0.19.5 xorg Icon with traybreak's fixes (``TRAYBREAK_FIXES``)."""

        TRAYBREAK_FIXES = fixes
        _systray_manager: Any  # upstream's: the tray window the icon is docked in, or None

        def _create_window(self) -> Any:
            window = super()._create_window()
            if XorgFix.CLICKS in fixes:
                # Upstream selects only Exposure|StructureNotify, so ButtonPress is never
                # delivered and the default action cannot run (pystray issue #151).
                window.change_attributes(event_mask=icon_events)
            if XorgFix.TRAY_BACKGROUND in fixes:
                # The window shows the tray's own background wherever it is cleared: _draw
                # reads it back to lay the look over it (XEmbed trays with an ARGB visual are
                # rare; trayer offers none).
                window.change_attributes(background_pixmap=X.ParentRelative)
            return window

        def _create_atoms(self) -> None:
            super()._create_atoms()
            if XorgFix.PANEL_RESTART in fixes:
                # Upstream re-docks only when the look next changes (a minute or more after a
                # panel restart, or never). A new tray announces itself to every client that
                # listens on the root window (StructureNotify: only the root's own changes and
                # such broadcasts, so no traffic at rest): listen, and dock at once.
                setattr(self, _MANAGER_ATOM, self._display.intern_atom(_MANAGER))
                self._display.screen().root.change_attributes(
                    event_mask=X.StructureNotifyMask)

        def _on_manager(self, event: Any) -> bool:
            """Dock in the tray a MANAGER broadcast announces; False if it is not one."""
            _format, data = event.data
            if (event.client_type != getattr(self, _MANAGER_ATOM, None)
                    or data[1] != self._net_system_tray_sx):
                return False  # another selection's new owner (a clipboard manager, ...)
            manager = self._systray_manager
            if manager is not None and manager.id == data[2]:
                return True  # docked there already (it was found when the old tray went)
            if not self.visible:
                return True  # hidden: show() docks it
            log.info("a system tray has started (window 0x%x): docking the icon", data[2])
            self._systray_manager = None
            self._dock_window()
            return True

        def _show(self) -> None:
            if XorgFix.PANEL_RESTART not in fixes:
                super()._show()
                return
            # Upstream logs "Failed to dock icon" with a traceback when no tray is there yet;
            # the icon docks when one announces itself.
            self._dock_window()
            if self._systray_manager is None:
                log.info("no system tray yet: the icon docks when one starts")

        def _update_icon(self) -> None:
            if (XorgFix.PANEL_RESTART in fixes and self._systray_manager is None
                    and not self._get_systray_manager()):
                # No tray (it is restarting): upstream logged an error with a traceback for
                # every new look. The look is drawn once the icon docks (its Expose).
                self._icon_data = None  # a PIL picture is scaled again then
                return
            super()._update_icon()

        def _on_destroy_notify(self, event: Any) -> None:
            if XorgFix.PANEL_RESTART not in fixes:
                super()._on_destroy_notify(event)
                return
            manager = self._systray_manager
            if manager is None or event.window.id != manager.id:
                return  # upstream raised AttributeError (ending the loop) with no tray
            # The tray has gone: dock in its successor if one already owns the selection,
            # else wait for the next tray's MANAGER broadcast (no error: a panel restarting).
            self._systray_manager = None
            self._dock_window()
            if self._systray_manager is None:
                log.info("the system tray has gone: the icon docks again when a tray starts")

        def _on_button_press(self, event: Any) -> None:
            if XorgFix.ANY_BUTTON not in fixes:
                super()._on_button_press(event)
                return
            # Upstream runs the default action (our menu) on button 1 only; right and middle
            # clicks did nothing, yet the right button is where most trays keep their menu.
            if event.detail not in _WHEEL_BUTTONS:
                self()

        def _dock_window(self) -> None:
            # Upstream sends REQUEST_DOCK from both _update_icon and _show (and again on every
            # icon change); trayer sometimes drops an icon docked twice. Dock until docked.
            if XorgFix.DOCK_ONCE in fixes and self._systray_manager is not None:
                return
            super()._dock_window()

        def _run(self) -> None:
            if XorgFix.SHOW_ON_LOOP not in fixes:
                super()._run()
                return
            # Show on the loop thread before the setup thread is released: upstream shows from
            # the setup thread through a cross-thread python-xlib hand-off that can deadlock.
            # The default setup then finds the icon visible and does nothing.
            self._thread = threading.current_thread()
            # Running from here on, not only from _mark_ready: the icon docks while it is being
            # shown, and pystray's stop() does nothing while the icon is not running, so a stop
            # made as soon as the icon appears was dropped and the loop ran on (1 start in ~300
            # under load). A stop now is handed to the loop, which answers it once it starts.
            self._running = True
            if self.icon is not None:
                try:
                    self.visible = True
                except Exception:
                    log.exception("could not show the tray icon")
            self._mark_ready()
            self._mainloop()

        def _mainloop(self) -> None:
            try:
                if XorgFix.DISPLAY_GONE in fixes:
                    self._loop_until_display_closes()
                else:
                    super()._mainloop()
            finally:
                setattr(self, LOOP_ENDED, True)
                close_courier(self)

        def _loop_until_display_closes(self) -> None:
            # Upstream's loop, except that the X server closing our connection (the session
            # has ended) is its normal end, not an error logged with a traceback. It may show
            # while reading the next event or inside a handler (a redraw), so the whole loop.
            try:
                for event in self._events():
                    if event.type == X.DestroyNotify and event.window == self._window:
                        break  # our window was destroyed: stop() or the icon was hidden
                    self._message_handlers.get(event.type, lambda e: None)(event)
            except ConnectionClosedError as err:
                setattr(self, _DISPLAY_CLOSED, True)
                log.warning("the X display closed (%s): the session has ended", err)
            except Exception:
                log.exception("the tray icon's event loop failed")

        def __del__(self) -> None:
            if XorgFix.DISPLAY_GONE in fixes and getattr(self, _DISPLAY_CLOSED, False):
                return  # upstream would destroy the window and flush on the dead connection
            super().__del__()

        def _rewrite_implementation(self, *originals: Callable[[], None]) -> None:
            super()._rewrite_implementation(*originals)
            if XorgFix.PANEL_RESTART in fixes:
                hand_offs = self._message_handlers[X.ClientMessage]  # upstream's hand-offs
                self._message_handlers[X.ClientMessage] = (
                    lambda event: self._on_manager(event) or hand_offs(event))
            if XorgFix.SAFE_HANDOFF not in fixes:
                return
            # Upstream hands a call to the loop thread by writing on the loop's own Display from
            # the calling thread. python-xlib's threaded I/O can then read the loop's next event
            # on the caller's side while the loop sits in select() for good (seen on ~1 stop in
            # 6 here). We send the hand-off over a private connection instead, so only the loop
            # thread ever touches the loop's Display.
            for original in originals:
                setattr(self, original.__name__, handoff(self, original))

        def _draw(self) -> None:
            look = self._icon
            if XorgFix.SLOT_LOOKS not in fixes or not isinstance(look, TrayLook):
                super()._draw()  # a PIL image (tests, other callers): upstream scales it
                return
            # Upstream scales a PIL image to the slot with Pillow on every draw, so the tray
            # process would load Pillow (2.6 MB) for this alone. The looks are pre-drawn at
            # every usual slot size: lay those pixels over the slot, without Pillow.
            try:
                geometry = self._window.get_geometry()
                width, height = geometry.width, geometry.height
                if min(width, height) < _EMBEDDED_MIN:
                    return  # not embedded yet (1×1): the tray's resize brings a redraw
                # Upstream paints the transparent corners black; over the tray's own
                # background the icon looks as round in a light panel as in a dark one.
                ground = (tray_ground(self._window, width, height)
                          if XorgFix.TRAY_BACKGROUND in fixes else None)
                paint_look(self._window, self._gc, width, height,
                           slot_pixels(look, min(width, height)), ground)
            except BadDrawable:
                pass  # the window has been destroyed (as upstream)

        def run_detached(self, setup: Callable[[Any], None] | None = None) -> None:
            if XorgFix.NO_DETACHED in fixes:
                # Upstream starts a second non-daemon thread: stop() then blocks 5 s and the
                # process never exits. Refuse before any thread starts.
                raise NotImplementedError(
                    "run_detached() hangs exit on pystray's xorg backend; "
                    "call traybreak.ui.tray.icon.run_icon(icon) on the main thread instead"
                )
            super().run_detached(setup)

    FixedXorgIcon.__qualname__ = FixedXorgIcon.__name__ = (
        "FixedXorgIcon[" + ",".join(sorted(fixes)) + "]"
    )
    return FixedXorgIcon

