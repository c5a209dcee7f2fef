"""What every window shares: the screen (DPI, scaling, fonts, the monitor under the pointer),
the palette and geometry (style), and the small-window scaffolding (small_window).

May import core and errors; never another ui sub-package, config, store, app or cli.
"""
