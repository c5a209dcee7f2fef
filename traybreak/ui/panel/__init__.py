"""The tray menu as a small popup window (a Tk child process) for tray backends with no native
menu: the rows it shows and where it opens (layout), its widgets (view) and behaviour (window).

May import core, ui/menu.py, ui/toolkit, ui/protocol and errors; never config, store,
app or cli.
"""
