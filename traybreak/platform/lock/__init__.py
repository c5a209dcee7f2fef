"""Screen lock: whether the session's screen is locked, and since when, learnt from the desktop
(base: the interface and the clock; bus_watch: what the D-Bus watches share; screensaver:
org.gnome.ScreenSaver / org.freedesktop.ScreenSaver ActiveChanged on the session bus; logind:
the session's LockedHint on the system bus; choose: which one this session offers). The idle sources
turn a lock into away time (platform/idle/with_lock.py). Windows and macOS: docs/engine.md.

May import core, errors and the rest of platform; never config, store, ui, app or cli.
"""
