"""What the user sees: tray (pystray), windows (tkinter, child processes), images (Pillow)."""
