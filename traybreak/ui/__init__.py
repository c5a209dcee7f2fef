"""What the user sees, one sub-package per window: tray/ (the icon and its menu, in the tray
process), prompt/, panel/, history/, about/, settings/ (Tk windows, each a child process), figures/
(exercise pictures, Pillow) and toolkit/ (what the windows share); protocol.py is the JSON a
child window reads and prints, spoken by both sides; menu.py is the tray menu as plain data,
shown natively by tray/ and as a window by panel/.

May import core, catalog, platform, paths and errors; never config, store, app or cli: what a
window needs from them arrives as arguments or in its request.
"""
