"""traybreak's StatusNotifierItem tray icon, in pure Python on jeepney: the item and its
dbusmenu menu exported on the session bus (item, menu, over bus), the looks as ARGB32 pixmaps
(pixmaps), and the pystray-compatible Icon that ties them together (icon, offered as a
pystray-like module by backend). The default tray on Linux wherever a StatusNotifier host runs,
and on every Wayland session.

May import pystray, jeepney, core, platform, errors and the rest of ui/tray; never config,
store, app or cli.
"""
