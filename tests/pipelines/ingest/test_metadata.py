from standpunt.pipelines.ingest.metadata import extract_metadata, find_date


def test_seed_letter_metadata(seed_record):
    meta = extract_metadata(seed_record["text"])
    assert meta.date == "2026-04-29"
    assert meta.subject == "Bestuurlijke reactie op het Verantwoordingsonderzoek 2025 Asiel en Migratie"
    assert meta.sender == "Minister van Asiel en Migratie"
    assert meta.auditor == "Algemene Rekenkamer"
    assert meta.addressee == "De President van de Algemene Rekenkamer"


def test_den_haag_date_and_kamerstuk_sender():
    text = (
        "34 000 Nota over de toestand van ’s Rijks Financiën\n\nNr. 61 BRIEF VAN DE STAATSSECRETARIS VAN FINANCIËN\n\n"
        "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal\n\nDen Haag, 23 december 2016\n\n"
        "De Algemene Rekenkamer vraagt aandacht voor belastinguitgaven."
    )
    meta = extract_metadata(text)
    assert meta.date == "2016-12-23"
    assert meta.sender == "Staatssecretaris van Financiën"
    assert meta.auditor == "Algemene Rekenkamer"
    assert meta.addressee == "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal"


def test_signature_wins_and_drops_personal_name():
    text = (
        "Tekst over de Inspectie Justitie en Veiligheid.\n\nHoogachtend,\n\n"
        "De Staatssecretaris van Justitie en Veiligheid, A.C.L. Rutte\n"
    )
    meta = extract_metadata(text)
    assert meta.sender == "Staatssecretaris van Justitie en Veiligheid"
    assert meta.auditor == "Inspectie Justitie en Veiligheid"


def test_nothing_found_gives_none():
    meta = extract_metadata("Een losse alinea zonder datum of afzender.")
    assert meta.date is None and meta.sender is None and meta.auditor is None and meta.subject is None


def test_invalid_date_is_not_invented():
    assert find_date("Datum 31 februari x") is None
