"""The pre-break notice as a small toast window (a Tk child process), for desktops without a
notification server: where it goes near the tray (layout, pure) and the window (window).

May import core, platform (where the tray icon is), ui/toolkit and errors; never config, store,
app or cli.
"""
