"""The prompt log: one SQLite file (prompt_log, the only ``sqlite3`` import) and its schema
migrations and row mapping (schema); log_path says in words why a path cannot hold the log.

May import core and errors; never config, catalog, ui, app or cli.
"""
