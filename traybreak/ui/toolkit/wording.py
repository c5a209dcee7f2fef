"""Words more than one window shows, written once."""

#: The not-medical-advice note: at the foot of every prompt and in the about window.
DISCLAIMER = "General guidance, not medical advice. Stop if anything hurts."
