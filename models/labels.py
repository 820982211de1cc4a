"""The four stance labels, in the order every score vector uses."""

LABELS = ("agree", "acknowledge", "pushback", "none")
