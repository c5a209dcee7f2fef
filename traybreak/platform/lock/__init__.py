"""Screen lock: whether the session's screen is locked, and since when, learnt from the desktop
(base: the interface and the clock; screensaver: org.gnome.ScreenSaver / org.freedesktop.
ScreenSaver ActiveChanged over D-Bus; choose: which one this session offers). The idle sources
turn a lock into away time (platform/idle/with_lock.py). Windows and macOS: docs/engine.md.

May import core, errors and the rest of platform; never config, store, ui, app or cli.
"""
