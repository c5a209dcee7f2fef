"""Exercise packs: the built-in pack (TOML data in ``traybreak/exercises``) and the user's
packs, read (load), field by field (fields, with field_basics and field_tables) and checked
(validate). Reading only: loading never writes or creates anything.

May import core, paths and errors; never config, store, ui, app or cli.
"""
