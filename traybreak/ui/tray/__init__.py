"""What the tray shows and how: the backend and pystray's fixes for its pinned version (icon,
xorg_handoff, xorg_slot for the XEmbed tray), traybreak's own StatusNotifierItem icon (sni/),
the icon's looks cut from shipped sheets (looks) and drawn with Pillow ahead of time (drawing),
and the view that refreshes icon, tooltip and menu (ui/menu.py) from the engine's status (view).
Runs in the tray process: no tkinter here. pystray is imported only by icon and sni/.

May import core, platform, errors and ui/menu.py; never config, store, app or cli.
"""
