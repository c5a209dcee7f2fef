"""Start at login: the shared types and the launcher to start (base), one module per OS that
writes the entry (linux: an XDG .desktop file; win32: an HKCU Run value; macos: a LaunchAgent),
and the per-OS choice made on call (choose).

May import errors, paths and the rest of platform; never config, store, ui, app or cli.
"""
