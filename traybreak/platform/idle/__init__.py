"""Idle time (since the last keyboard or mouse input): the interface (base), one module per
desktop API (gnome: Mutter's IdleMonitor, freedesktop: org.freedesktop.ScreenSaver, both over
bus_poll; wayland: the compositor's ext_idle_notifier_v1 or org_kde_kwin_idle; x11:
MIT-SCREEN-SAVER; win32: GetLastInputInfo; macos: CGEventSource), the source that
always says "unknown" (null), the wrapper that counts a locked screen as away (with_lock), and
the chooser that imports only what fits this session, on call (choose).

May import core, errors and the rest of platform; never config, store, ui, app or cli.
"""
