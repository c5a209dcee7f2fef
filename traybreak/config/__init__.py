"""The user's settings: defaults in code, the TOML file holding only what the user changed.
settings (the Config and loading it), rules (reminder rules), values (single values read and
written back), text (Config as TOML text), draft (the settings window's edits, saved into the
file with its comments kept). Loading never writes anything; only a draft's save does.

May import core and errors (and paths for the default location); never catalog, store, ui, app
or cli.
"""
