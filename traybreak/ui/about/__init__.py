"""About traybreak: the facts as text (text, no tkinter) and the Tk window that shows them
(window).

May import paths, ui/toolkit and the package version; never config, store, app or cli.
"""
