"""The pure domain: model, muscles, durations, timer, occurrence, natural breaks, clock rules,
skips, the one Engine with its snapshot and actions, rotation, stats. No clock reads, no I/O:
time and randomness are arguments. May import only the standard library and core itself."""
