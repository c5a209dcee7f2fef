"""The SNI backend as a pystray-like module (``Icon``, ``Menu``, ``MenuItem``), which
ui/tray/icon.py's ``load_pystray`` returns for PYSTRAY_BACKEND=sni: the view builds its menu
with pystray's Menu and MenuItem and shows it on the SNI icon."""

from pystray import Menu, MenuItem

from traybreak.ui.tray.sni.icon import SniIcon as Icon

__all__ = ["Icon", "Menu", "MenuItem"]
