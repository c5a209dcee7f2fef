"""The settings window: the user's settings as fields, checked as they are typed, saved into the
config file with its comments kept. ``form`` (pure: the rows, their words, what the window asks
of its draft), ``window`` (Tk).

The draft (config/draft.py) and start at login come in from the command (cli/settings_cmd.py):
May import core, errors, platform and ui/toolkit; never config, store, app or cli.
"""
