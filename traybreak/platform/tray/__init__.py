"""Which kind of tray this desktop has, decided before pystray is first imported: a
StatusNotifier host on the session bus (asked with jeepney) or an XEmbed tray on the X display
(x11_host), and the choice between them (choice). pystray itself and its fixes live in ui/tray.

May import errors and the rest of platform; never config, store, ui, app or cli.
"""
