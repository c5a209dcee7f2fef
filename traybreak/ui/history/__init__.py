"""The history: what it shows as plain values and text (data) and the Tk window with its day
chart (window, chart), run as a child process.

May import core, ui/toolkit and errors; never config, store, app or cli (the caller passes the
records in).
"""
