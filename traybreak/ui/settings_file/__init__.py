"""Where the settings file is, as a small window: shown by "Edit settings" when the file does
not exist yet or no program could open it, and by ``traybreak config path --window``.

May import core, errors and ui/toolkit; never config, store, app or cli (the path comes in).
"""
