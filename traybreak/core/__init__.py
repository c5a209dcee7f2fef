"""The pure domain: stdlib only, no clock reads, no I/O. Time and randomness are arguments."""
