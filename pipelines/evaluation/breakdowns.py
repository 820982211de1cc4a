"""Who answered whom: group letters by auditor kind and sender kind from
their metadata, so an analyst sees where the labels are more or less reliable."""

from __future__ import annotations

import re


def auditor_kind(auditor: str | None) -> str | None:
    if not auditor:
        return None
    text = auditor.lower()
    if text.startswith("algemene rekenkamer"):
        return "Algemene Rekenkamer"
    if "rekenkamer" in text:
        return "local rekenkamer"
    if re.search(
        r"inspectie|onderzoeksraad|\bovv\b|ombudsman|ctivd|toezicht|nvwa|sodm|staatstoezicht|autoriteit", text
    ):
        return "inspectorate/OVV/ombudsman"
    return "other"


def sender_kind(sender: str | None) -> str | None:
    if not sender:
        return None
    text = sender.lower()
    if re.search(
        r"gemeente|burgemeester|b&w|wethouder|provincie|gedeputeerde|\bgs\b|college van|statenbrief|raadsinformatie",
        text,
    ):
        return "municipality/province"
    if re.search(r"minister|staatssecretaris|kabinet|ministerie|regering", text):
        return "ministry"
    return "other"
