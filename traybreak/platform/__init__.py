"""OS and desktop adapters, one small module per OS or desktop behind one interface, each
chosen on call by what the session offers: idle/ (idle time), lock/ (the screen lock, turned
into away time by idle/with_lock), session_bus (D-Bus for these), busy/ (do-not-disturb and
full screen, which hold prompts back), autostart/ (start at login),
app_menu/ (the application-menu entry), tray/ (which tray host is there), opener (open a file
in its default app), file_watch (a saved config file, through inotify), xlib_lean
(python-xlib loading only the extensions used), x11_wire (a very small pure-Python X11 client,
for busy/x11's full-screen check) and wayland_wire (a small pure-Python client of the Wayland
wire protocol, for idle/wayland). Shared by the entries: launcher (the tray
command they start) and desktop_file (the Desktop Entry file format).

May import core, paths and errors; never config, catalog, store, ui, app or cli.
"""
