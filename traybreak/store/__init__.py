"""The prompt log: one SQLite file (prompt_log's Store; it, log_open, log_rows and log_errors are
the only ``sqlite3`` imports) and its schema migrations and row mapping (schema); set_aside keeps
an unreadable log aside; log_path says in words why a path cannot hold the log.

May import core and errors; never config, catalog, ui, app or cli.
"""
