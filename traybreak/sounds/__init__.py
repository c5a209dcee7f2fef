"""Sound assets shipped in the wheel as ``traybreak.sounds`` (read them with importlib.resources):
``chime.wav``, the soft chime of ``[prompt] sound``, made by docs/make_chime.py. No code."""
