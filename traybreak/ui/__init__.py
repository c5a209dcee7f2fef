"""Everything the user sees: tray (pystray), windows (tkinter, in child processes), images (Pillow)."""
