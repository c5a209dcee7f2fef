"""The pure domain: standard library only, no clock reads, no I/O. Time and randomness are arguments."""
