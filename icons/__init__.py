"""Image assets shipped in the wheel as ``traybreak.icons``; read them with importlib.resources."""
