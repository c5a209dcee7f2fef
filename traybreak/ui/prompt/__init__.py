"""The prompt window (a Tk child process): the card's words (card), layout decisions
(layout), widgets (view), the countdown, the breathing cycle and its pacer, and the window that
runs them and prints one result (window).

May import core, catalog, ui/figures, ui/toolkit, ui/protocol and errors; never config, store, app
or cli.
"""
