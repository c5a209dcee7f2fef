"""Whether the session is busy, so due prompts wait: the desktop's do-not-disturb switch (gnome:
org.gnome.desktop.notifications show-banners; notifications: org.freedesktop.Notifications
Inhibited) and a full-screen window with the focus (x11: EWMH; win32: SHQueryUserNotificationState).
The interface and the set of sources the engine samples (base), a small D-Bus link for the
signal-driven ones (dbus_link), and the chooser that imports only what fits this session (choose).

May import core, errors and the rest of platform; never config, store, ui, app or cli.
"""
