"""traybreak: a system-tray break reminder for desk workers' backs.

Nothing happens at import time: no Tk, no tray backend, no paths read from the environment.
"""

__version__ = "0.1.0"
