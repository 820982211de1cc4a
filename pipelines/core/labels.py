"""The four stance labels, in the order every score vector uses, and the
rule book's precedence among the three stances (pushback > agree > acknowledge).
Defined here once; everything else imports them."""

LABELS = ("agree", "acknowledge", "pushback", "none")
STANCES = ("pushback", "agree", "acknowledge")  # precedence order; "none" is no stance
