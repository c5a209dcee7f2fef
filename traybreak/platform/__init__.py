"""OS adapters (idle time, lock/suspend, do-not-disturb, autostart): one small module per OS."""
