"""The application-menu entry (`traybreak desktop-entry`): on Linux and other XDG desktops an
XDG .desktop launcher in $XDG_DATA_HOME/applications with the app icon in the user's hicolor
icon theme (linux); nothing yet on Windows or macOS, where the choice says so in one line
(choose). The entry starts the same command as the login entry (platform/launcher.py).

May import errors, paths and the rest of platform; never config, store, ui, app or cli.
"""
