"""The prompt log: one SQLite file (prompt_log, the only ``sqlite3`` import) and its schema
migrations and row mapping (schema).

May import core and errors; never config, catalog, ui, app or cli.
"""
