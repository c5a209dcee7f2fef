"""The user's settings: defaults in code, the TOML file holding only what the user changed.
settings (the Config and loading it), rules (reminder rules), values (single values read and
written back), text (Config as TOML text). Loading never writes anything.

May import core and errors (and paths for the default location); never catalog, store, ui, app
or cli.
"""
