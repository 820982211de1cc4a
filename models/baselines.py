"""Baselines behind the same predict(texts) -> Prediction interface as the
trained model, so every score table shows what the transformer adds.

- majority: the most frequent training label;
- lexicon: the cue phrases of data/corpus/ANNOTATION.md with negation
  handling and the rule book's precedence (pushback > agree > acknowledge);
- tfidf: word and bigram TF-IDF with class-balanced logistic regression;
- hybrid: the same words beside the lexicon's cue features (best in
  cross-validation so far, benchmarks/model_selection.py)."""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from standpunt.models.prediction import Prediction
from standpunt.pipelines.core.labels import LABELS, STANCES


class MajorityBaseline:
    name = "majority"

    def __init__(self) -> None:
        self.label = "none"
        self.distribution = np.full(len(LABELS), 1 / len(LABELS))

    def fit(self, texts: list[str], labels: list[str]) -> MajorityBaseline:
        counts = Counter(labels)
        self.label = counts.most_common(1)[0][0]
        self.distribution = np.array([counts[label] / len(labels) for label in LABELS])
        return self

    def predict(self, texts: list[str]) -> Prediction:
        scores = np.tile(self.distribution, (len(texts), 1)).astype(np.float32)
        return Prediction([self.label] * len(texts), scores)


# Cue phrases from ANNOTATION.md (labels table, rules and adjudication conventions).
_CUES: dict[str, list[str]] = {
    "pushback": [
        r"(?:ben|zijn) het (?:hier )?niet (?:mee )?eens",
        r"\boneens\b",
        r"herken(?:nen)? (?:mij|me|ons|wij|ik) (?:mij |me |ons )?niet",
        r"herken(?:t|nen)? (?:zich|mij|me|ons) (?:\w+ )?niet in\b",
        r"\bniet herken",
        r"nuancer",
        r"genuanceerd(?:er)? beeld",
        r"\bacht(?:en)? (?:dit|dat|het) niet (?:noodzakelijk|nodig|wenselijk)",
        r"\bacht(?:en)? (?:het college|het kabinet|gedeputeerde staten|wij|ik) (?:dit |dat |het )?niet "
        r"(?:noodzakelijk|nodig|wenselijk|zinvol|opportuun)",
        r"\bwijz(?:en)? (?:wij|we|gedeputeerde staten|zij) (?:deze |die |dit )?af\b",
        r"\b(?:wijs|wijst|wijzen) [^.;]{0,60}\bvan de hand\b",
        r"\bwijst (?:het college|het kabinet|de minister) (?:deze |die |dit )?af\b",
        r"neem(?:t|en)? (?:deze|die|de|uw) aanbeveling(?:en)? niet over",
        r"niet over\b",
        r"\bonvolledig",
        r"\bten onrechte",
        r"\bonterecht",
        r"gaat (?:ons|mij|het kabinet)? ?(?:echter )?te ver",
        r"\bwijs(?:t|en)? (?:ik|wij|het kabinet)? ?(?:deze|die|dit)? ?af\b",
        r"niet (?:de|onze|mijn) verantwoordelijkheid",
        r"\bbetreur",
        r"(?:doet|doen) geen recht",
        r"niet (?:terecht|juist|correct)",
        r"\bte (?:negatief|streng|somber|eenzijdig)",
        r"kanttekening",
        r"buiten (?:onze|mijn) invloed",
        r"\bniet van toepassing",
        # wrong figures or conclusions: "De cijfers in uw rapport zijn onjuist" (not "onjuiste tenaamstelling")
        r"\bonjuist\b",
    ],
    "agree": [
        r"\bonderschrijf",
        r"\bonderschrijven",
        r"\bik deel\b",
        r"\bwij delen\b",
        r"\bdeel(?:t|en)? (?:ik|wij|het kabinet) (?:uw|de|die|deze)",
        r"\bterecht (?:constateert|stelt|wijst|concludeert|merkt)",
        r"neem(?:t|en)? (?:ik |wij |het kabinet )?(?:de|deze|uw|alle) aanbeveling(?:en)? over",
        r"aanbeveling(?:en)? (?:neem|nemen) (?:ik|wij) over",
        r"(?:zal|zullen) (?:uw|de|deze) aanbeveling(?:en)? (?:opvolgen|uitvoeren|overnemen)",
        r"\b(?:blij|verheugd) (?:dat|met)",
        r"\b(?:ben|is|zijn) het (?:hiermee |daarmee )?eens",
        r"\b(?:ben|is|zijn)(?: ik| wij| het college| het kabinet)? het (?:niet )?met [^.;:]{1,60}? eens\b",
        # the finding fronted: "Uw conclusie dat ..., deel ik (niet)."
        # ("deel ik u mede", "deel ik met uw Kamer" share a document, they agree with nothing)
        r"\b(?:deel|delen|deelt|onderschrijf|onderschrijft|onderschrijven) (?:ik|wij|het college|het kabinet)\b"
        r"(?! (?:u|uw|met|graag|hierbij|hiermee|in deze)\b)",
        r"sluit(?:en)? (?:mij|me|ons|zich) (?:niet |graag |volledig )?aan bij",
        r"voer(?:t|en)? (?:ik|wij) (?:deze|die|de) aanbeveling uit",
        r"\b(?:deel|deelt|delen) (?:de|deze|die|uw|haar|zijn|hun) (?:\w+ )?"
        r"(?:conclusie|analyse|zorg|mening|oordeel|bevinding)",
        # the finding before the verb: "waarvan ik de conclusies deel", "in uw conclusies kan ik mij vinden"
        r"\b(?:de|uw|haar|zijn|deze) (?:conclusies?|bevindingen|bevinding|analyse|oordeel) "
        r"(?:deel|deelt|delen|onderschrijf|onderschrijft|onderschrijven)\b",
        r"\b(?:kan|kunnen) (?:ik|wij|het college|het kabinet) (?:mij|me|ons|zich) (?:daarin |hierin |goed |volledig )?"
        r"vinden\b",
        r"\bneem(?:t|en)? (?:ik |wij |het college |het kabinet )?(?:de|deze|uw|alle) (?:conclusies|bevindingen) over",
        r"\bacht(?:en)?\b[^.;]{0,40}\b(?:conclusies?|bevindingen|bevinding|analyse|oordeel)\b[^.;]{0,150}?"
        r"\b(?:juist|terecht|correct)\b",
        r"\b(?:ga|gaat|gaan) (?:\w+ ){0,2}?(?:niet )?mee (?:in|met) (?:de|uw|deze|die|het|haar) "
        r"(?:\w+ )?(?:aanbeveling|advies|conclusie|analyse|voorstel)",
        r"\b(?:conclusies?|bevindingen?|oordeel|constatering)\b[^.;]{0,40}\bverwelkom",
        r"\bverwelkom\w* (?:de|deze|die|uw|het) (?:conclusie|bevinding|oordeel|constatering)",
        r"\btekortkoming (?:in|van) (?:het |ons |onze |mijn )?eigen\b",
        r"\bhoud(?:t|en)? (?:mij|me|ons|zichzelf|mijzelf|onszelf)(?: \w+){0,2} verantwoordelijk\b",
        r"\b(?:mij|ons|het college|het kabinet|de minister) aan te rekenen\b",
        r"\b(?:een|het) (?:juist|terecht|correct) beeld\b",
        # carrying out a recommendation, named before it: "zal uitvoering geven aan uw aanbeveling",
        # "is gestart met de uitvoering van de aanbeveling" (carrying it out, above "al gestart met": acknowledge)
        r"\b(?:gevolg|uitvoering) (?:geven|te geven|gegeven|geeft|geef) aan (?:uw|de|deze|die|alle|haar) aanbeveling",
        r"\b(?:gestart|begonnen|bezig) met de (?:uitvoering|opvolging) van (?:uw|de|deze|die|alle|haar) aanbeveling",
        # taking the blame the auditor's finding implies
        r"\breken(?:t|en)? (?:zich|mij|me|ons|mijzelf|onszelf) (?:dit|dat|het) (?:\w+ )?aan\b",
        r"\b(?:dat|dit) is (?:in de eerste plaats |vooral |volledig |primair )?(?:mijn|onze) (?:eigen )?"
        r"verantwoordelijkheid",
        r"\b(?:kan|kunnen) (?:ik |wij |het college |het kabinet )?(?:mij|me|ons|zich) "
        r"(?:goed |volledig |geheel |niet |geenszins )?vinden in\b",
        # "de terechte conclusies", "een terecht kritisch rapport": the finding accepted as right
        r"\bterechte (?:conclusie|kritiek|bevinding|aanbeveling|constatering|analyse|oordeel)",
        r"\bterecht kritisch",
        # a positive finding welcomed, not merely reported (conventions)
        r"\btot (?:mijn|onze|grote) (?:tevredenheid|genoegen|vreugde)",
        r"\bdoet (?:mij|ons|het college|het kabinet) (?:deugd|genoegen)",
        r"\b(?:met|tot) (?:genoegen|voldoening|tevredenheid)\b",
        r"\b(?:verheugt|stemt) (?:mij|ons|het college|het kabinet)\b",
        # having carried out the recommendation is agree (conventions); measures "ingevoerd" alone are not
        r"aanbeveling(?:en)?\b[^.;:]{0,80}?\b(?:is|zijn) (?:inmiddels |reeds |al )(?:uitgevoerd|opgevolgd|overgenomen)",
        # owning the failing the auditor found
        r"\bneem(?:t|en)? (?:ik |wij |het kabinet )?(?:daarvoor |hiervoor |daar |hier )?"
        r"(?:de |volle )*verantwoordelijkheid",
        # committing to what the auditor recommends, in other words (worked example: "tegemoet aan uw aanbeveling")
        r"\btegemoet aan (?:uw|de|deze|die) aanbeveling",
        r"\b(?:conform|overeenkomstig|in lijn met) (?:uw|de|deze|die) aanbeveling",
        r"\bzoals (?:u|de rekenkamer|de inspectie) (?:aanbeveelt|adviseert)",
        # "Met u ben ik van mening", "Met de commissie ben ik van mening"
        r"\bmet (?:u|de rekenkamer|de inspectie|de commissie|het college) (?:ben|is|zijn) "
        r"(?:ik|wij|het kabinet|het college) (?:van mening|van oordeel)",
    ],
    "acknowledge": [
        r"\bherken(?:t|nen)? (?:de|het|deze|die|uw)\b",
        r"\bherken(?:t|nen)? (?:ik|wij)\b",
        r"neem(?:t|en)? kennis",
        r"\bzal (?:ik )?bezien",
        r"\bbezien of",
        r"\baansporing",
        r"\bal gestart",
        r"\bter harte",
        r"\bin gesprek",
        r"\bonderken",
        r"geeft (?:mij|ons) geen aanleiding",
        r"\bga(?:an)? (?:ik|wij) na\b",
        r"\bzal (?:ik|het kabinet) (?:verkennen|onderzoeken)",
        r"\baandachtspunt",
        r"\bin (?:mijn |onze |de )?(?:verdere )?overweging",
        r"\bnader (?:bezien|bestuderen|onderzoeken|beschouwen)",
        r"\bneem(?:t|en)? (?:ik|wij|het college|het kabinet) (?:dit |deze aanbeveling |haar |hem )?mee in\b",
    ],
}
_COMPILED = {label: [re.compile(c, re.I) for c in cues] for label, cues in _CUES.items()}

# Answers to a quoted question about the finding (conventions): "Herkent u het
# geschetste beeld? Nee." is pushback, and so is "Nee." to "Deelt u de conclusie
# ...?"; "Ja." agrees, or only recognises ("herkent", acknowledge). Not "Deelt u
# de mening dat ...?", a member's framing rather than a finding. The question is
# cut from the text before the other cues are read: its "onderschrijft u" is
# the asker's word, not the sender's.
_QUESTION = r"(?:u|het college|het kabinet|de minister|gedeputeerde staten)"
_FINDING = r"(?:conclusie|bevinding|analyse|oordeel|beeld|kritiek)"
# a question asking the sender to recognise the picture, and questions asking it to share or agree with a finding
_RECOGNISE_QUESTION = rf"\b(?:herkent|herkennen|erkent|erkennen) {_QUESTION}\b[^?]{{0,300}}\?\s*"
_FINDING_QUESTIONS = [
    rf"\b(?:deelt|delen|onderschrijft|onderschrijven) {_QUESTION}\b[^?]{{0,40}}\b{_FINDING}[^?]{{0,300}}\?\s*",
    rf"\b(?:bent u|is {_QUESTION}) het\b[^?]{{0,40}}\beens met\b[^?]{{0,60}}"
    r"\b(?:conclusie|bevinding|analyse|oordeel|beeld|kritiek|rapport|rekenkamer|inspectie|aanbeveling)[^?]{0,300}"
    r"\?\s*",
]
_NO, _YES = r"neen?\b", r"ja\b"
_ANSWERS: dict[str, list[str]] = {
    "pushback": [_RECOGNISE_QUESTION + _NO] + [question + _NO for question in _FINDING_QUESTIONS],
    "agree": [question + _YES for question in _FINDING_QUESTIONS],
    "acknowledge": [_RECOGNISE_QUESTION + _YES],
}
# Shifting the cause elsewhere to deflect it is pushback (the labels table: "de
# belangrijkste oorzaak is ..."); a cause the sender places with itself ("ons
# eigen beleid", "het college zelf", "bij mij") takes the blame instead.
_CAUSE_ELSEWHERE = [
    r"\b(?:belangrijkste|voornaamste) oorzaak",
    r"\bhoofdoorzaak",
    # the verb first, the party after: "Het college legt de verantwoordelijkheid daarvoor bij de ontwikkelaars",
    # "Wij zoeken de oorzaak vooral bij het Rijk", "Dit valt vooral de zorgverzekeraars te verwijten",
    # "Ik houd daarvoor in de eerste plaats de krappe arbeidsmarkt verantwoordelijk"
    r"\bleg(?:t|gen)? (?:de )?(?:verantwoordelijkheid|oorzaak|schuld) (?:daarvoor |hiervoor |daarvan |hiervan )?"
    r"(?:vooral |primair |met name |in de eerste plaats )?bij\b",
    r"\bzoek(?:t|en)? (?:de )?oorzaak (?:daarvan |hiervan |daarvoor )?"
    r"(?:vooral |primair |met name |in de eerste plaats )?bij\b",
    r"\bvalt (?:vooral |met name |primair |in de eerste plaats )?(?=[^.;!?]{0,60}\bte verwijten)",
    r"\bhoud(?:t|en)? (?:ik |wij |het college |het kabinet )?(?:daarvoor |hiervoor )"
    r"(?:vooral |met name |primair |in de eerste plaats )?(?=[^.;!?]{0,60}\bverantwoordelijk\b)",
    r"\b(?:is|zijn|was|waren) (?:vooral|grotendeels|voornamelijk|hoofdzakelijk|met name|in de eerste plaats) "
    r"(?:het gevolg|te wijten|toe te schrijven)",
    r"\b(?:lag|ligt|lagen|liggen) (?:vooral|grotendeels|voornamelijk|hoofdzakelijk|met name) aan\b",
    r"\b(?:is|zijn|was|waren) in (?:belangrijke|hoge|grote) mate (?:het gevolg|te wijten|toe te schrijven)",
    r"\b(?:is|zijn|was|waren) (?=[^.;!?]{0,40}\baan te rekenen\b)",
    r"\bdraag(?:t|en)? (?!(?:ik|wij|we|het college|het kabinet|de minister|zelf)\b)"
    r"(?=[^.;!?]{0,60}\bverantwoordelijkheid)",
    r"\bverantwoordelijkheid (?:daarvoor |hiervoor |daarvan )?(?:ligt|lag|berust) (?:primair |vooral |volledig )?"
    r"bij (?!mij\b|ons\b|het college\b|het kabinet\b|mijn\b|onze\b)",
]
_OWN_CAUSE = re.compile(r"\b(?:eigen|zelf|mijzelf|onszelf|mij|mijn|ons|onze|het college|het kabinet)\b", re.I)
# A recommendation adopted, carried out or declined, in any word order: "De
# aanbeveling om ..., neem ik over / voeren wij (niet) uit / zal ik (geen)
# gevolg geven", "Ik ben (niet) bereid de aanbeveling ... op te volgen",
# "Het college heeft deze aanbeveling inmiddels opgevolgd". The verb counts
# after the recommendation's own "om ... te" clause has closed (a comma), or
# where there is no such clause.
_RECOMMENDATION = re.compile(r"\baanbeveling(?:en)?\b", re.I)
_SUBJECT = r"(?:ik|wij|we|het college|het kabinet|gedeputeerde staten|de minister|zij|de ind|defensie)"
_ADOPT_FINITE = re.compile(
    rf"\b(?:neem|neemt|nemen) {_SUBJECT}(?: \w+){{0,2}}? over\b"
    rf"|\b(?:volg|volgt|volgen|voer|voert|voeren) {_SUBJECT}(?: \w+){{0,2}}? (?:op|uit|door)\b"
    rf"|\b(?:geef|geeft|geven) {_SUBJECT}(?: \w+){{0,2}}? gevolg\b"
    rf"|\baanvaard(?:t|en)? {_SUBJECT}\b",
    re.I,
)
_ADOPT = re.compile(
    r"\b(?:opvolgen|op te volgen|opgevolgd|uitvoeren|uit te voeren|uitgevoerd|overnemen|over te nemen|overgenomen"
    r"|doorvoeren|door te voeren|doorgevoerd|gevolg (?:geven|te geven|gegeven)|aanvaarden|te aanvaarden"
    r"|ingevoerd|geïmplementeerd)\b",
    re.I,
)
_DECLINE = re.compile(
    rf"\b(?:wijs|wijst|wijzen) {_SUBJECT}(?: \w+){{0,2}}? (?:af|van de hand)\b"
    r"|\b(?:verwerp|verwerpt|verwerpen|afgewezen|verworpen)\b"
    r"|\bleg(?:t|gen)? (?:ik|wij|we|het college|het kabinet|gedeputeerde staten)? ?(?:deze |die |dit )?"
    r"naast (?:mij|ons|zich) neer",
    re.I,
)
_CONSIDER = re.compile(
    r"\b(?:nader (?:bezien|bestuderen|onderzoeken)|(?:nog )?bestudeerd|in (?:mijn |onze |de )?(?:verdere )?overweging"
    r"|(?:wordt|worden) (?:\w+ )?(?:bezien|betrokken bij|meegenomen))",
    re.I,
)
# the recommendation inside another noun's phrase ("de opvolging van de aanbevelingen")
_INSIDE_PHRASE = re.compile(r"\b(?:van|op|over|naar|bij|met|uit) (?:de|deze|die|uw|alle|haar) $", re.I)
# the verb belongs to another clause ("om ... te", "het onderzoek dat ... uitgevoerd")
_OTHER_CLAUSE = re.compile(r"\b(?:om|dat|die|waarin|waarop|waarmee|welke|of)\b", re.I)
# someone else's account of the recommendations ("De Raad constateert dat het korps ... heeft opgevolgd",
# "onderzoekt of de aanbevelingen zijn opgevolgd"), or a question: no stance of the sender's
_REPORTED = re.compile(
    r"\?|\b(?:concludeert|constateert|stelt vast|onderzoekt|onderzocht|beoordeelt|oordeelt|evalu\w+|"
    r"opvolgnotitie|is positief|volgens)\b",
    re.I,
)
_SENTENCE = re.compile(r"[^.;!?]+[.;!?]?")
_ANSWERS_COMPILED = {label: [re.compile(c, re.I) for c in cues] for label, cues in _ANSWERS.items()}
_CAUSE_COMPILED = [re.compile(c, re.I) for c in _CAUSE_ELSEWHERE]
_NEGATION = re.compile(r"\b(?:niet|geen|nauwelijks|allerminst)\b", re.I)
# Where the clause of an agreement cue ends: punctuation, or a conjunction that
# opens another clause. Dutch puts a main clause's "niet" at its end ("Het
# kabinet onderschrijft de conclusie van de Rekenkamer ... niet."), while a
# "niet" after "dat" belongs to the finding ("Ik deel uw conclusie dat de
# aanpak niet werkt" agrees).
_CLAUSE_END = re.compile(r"[.;:!?]|,\s|\b(?:dat|die|omdat|waarin|waardoor|wanneer|zodat|of|maar|en)\b", re.I)
_ENDS_IN_CONJUNCTION = re.compile(r"\b(?:dat|met)$", re.I)
# "het niet naleven van de regels" names a failure (part of the finding), it negates nothing
_NOMINALISED = re.compile(r"\bhet\s+$", re.I)


def _negated(text: str, match: re.Match) -> bool:
    """An agreement cue negated just before it ("niet eens") or anywhere in
    the rest of its clause. A cue that itself ends in a conjunction ("blij
    dat") is followed by the finding, so only what comes before counts."""
    # "sluit mij niet aan bij", "kunnen ons niet vinden in": the negation inside the cue
    if _NEGATION.search(match.group(0)):
        return True
    before = text[max(0, match.start() - 25) : match.start()]
    # only this clause: in "niet op orde; ik deel" the "niet" is not the cue's
    before = re.split(r"[.;:!?]|,\s|\b(?:en|maar|want|omdat|dat)\b", before)[-1]
    if _NEGATION.search(before):
        return True
    if _ENDS_IN_CONJUNCTION.search(match.group(0)):
        return False
    rest = text[match.end() :]
    end = _CLAUSE_END.search(rest)
    clause = rest[: end.start() if end else len(rest)]
    return any(not _NOMINALISED.search(clause[: n.start()]) for n in _NEGATION.finditer(clause))


def _recommendation_hits(text: str) -> Counter:
    """Per sentence naming a recommendation: adopted or carried out (agree),
    declined (pushback: the adopting verb negated), or only under
    consideration (acknowledge)."""
    hits: Counter = Counter()
    for sentence in _SENTENCE.findall(text):
        named = _RECOMMENDATION.search(sentence)
        if not named or _REPORTED.search(sentence):
            continue
        after = sentence[named.end() :]
        comma = after.rfind(",")
        tail = after[comma + 1 :] if comma >= 0 else after
        if _DECLINE.search(tail):
            hits["pushback"] += 1
            continue
        if _CONSIDER.search(tail):
            hits["acknowledge"] += 1
            continue
        verb = _ADOPT_FINITE.search(tail)
        if verb is None:
            verb = _ADOPT.search(tail)
            if verb is None:
                continue
            before_verb = tail[: verb.start()]
            # "zal de aanbeveling om X aan te stellen (niet) uitvoeren": the "om ... te" clause closed before a
            # bare infinitive
            closed = re.search(r"\bom\b.*\bte \w+\s+(?:niet\s+|geen\s+)?$", before_verb) and not re.search(
                r"\bte\s+$", before_verb
            )
            if _OTHER_CLAUSE.search(before_verb) and not closed:
                continue  # the verb belongs to the recommendation's "om ... te" or another clause
            if _INSIDE_PHRASE.search(sentence[: named.start()]):
                continue  # "de maatregelen voor de opvolging van de aanbevelingen zijn ingevoerd": the measures are
        # "zal ik geen gevolg geven", "voeren wij niet uit", "Ik ben niet bereid de aanbeveling ... op te volgen"
        clause_before = re.split(r"[,;:]", sentence[: named.start()])[-1][-30:]
        negated = _NEGATION.search(tail[: verb.end()]) or _NEGATION.search(clause_before)
        hits["pushback" if negated else "agree"] += 1
    return hits


def _causes_elsewhere(text: str) -> int:
    """Causes placed outside the sender ("De belangrijkste oorzaak is de hoge
    instroom"); one the sender places with itself ("... ons eigen beleid")
    does not count."""
    count = 0
    for pattern in _CAUSE_COMPILED:
        for match in pattern.finditer(text):
            end = re.search(r"[.;!?]", text[match.end() :])
            rest = text[match.end() : match.end() + end.start() if end else len(text)]
            count += not _OWN_CAUSE.search(rest)
    return count


@dataclass(frozen=True)
class _Reading:
    """What the lexicon finds in one paragraph: its label by precedence, the
    hits per label, and the constructions the rule book settles outright."""

    label: str
    hits: dict[str, int]
    answer: str | None  # the label of a "Ja."/"Nee." answer to a quoted question about the finding
    negated_agreement: bool
    declined_recommendation: bool
    cause_elsewhere: bool


@functools.lru_cache(maxsize=4096)
def _read(text: str) -> _Reading:
    """Cached: the cue model and `decisive_label` read the same paragraph in one predict call."""
    hits = {label: 0 for label in LABELS}
    answer = None
    if "?" in text:
        for label, patterns in _ANSWERS_COMPILED.items():
            for pattern in patterns:
                for match in pattern.finditer(text):
                    hits[label] += 1
                    answer = answer or label
                    # the question is the asker's: its "deelt u" or "herkent u" is no cue of the sender's
                    text = text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]
    negated_agreement = False
    for label, patterns in _COMPILED.items():
        for pattern in patterns:
            for match in pattern.finditer(text):
                if label == "agree" and _negated(text, match):
                    # "ik deel uw conclusie niet": a negated agreement is pushback
                    hits["pushback"] += 1
                    negated_agreement = True
                    continue
                hits[label] += 1
    recommendations = _recommendation_hits(text)
    for label, count in recommendations.items():
        hits[label] += count
    causes = _causes_elsewhere(text)
    hits["pushback"] += causes
    label = next((stance for stance in STANCES if hits[stance]), "none")  # the rule book's precedence
    return _Reading(label, hits, answer, negated_agreement, bool(recommendations["pushback"]), bool(causes))


class LexiconBaseline:
    name = "lexicon"

    def fit(self, texts: list[str], labels: list[str]) -> LexiconBaseline:
        return self

    @staticmethod
    def label_of(text: str) -> tuple[str, dict[str, int]]:
        reading = _read(text)
        return reading.label, dict(reading.hits)

    def predict(self, texts: list[str]) -> Prediction:
        labels, rows = [], []
        for text in texts:
            label, hits = self.label_of(text)
            labels.append(label)
            row = np.array([hits[label_] for label_ in LABELS], dtype=np.float32) + 0.25
            row[LABELS.index(label)] += 2.0
            rows.append(row / row.sum())
        return Prediction(labels, np.array(rows, dtype=np.float32).reshape(len(texts), len(LABELS)))


def _in_label_order(probabilities: np.ndarray, classes) -> Prediction:
    """A scikit-learn classifier's probabilities as a Prediction: columns in
    LABELS order (labels absent from training score 0)."""
    scores = np.zeros((len(probabilities), len(LABELS)), dtype=np.float32)
    for column, label in enumerate(classes):
        scores[:, LABELS.index(label)] = probabilities[:, column]
    return Prediction.from_scores(scores)


def _word_vectorizer(vocabulary: dict[str, int] | None = None):
    """Words and bigrams, sublinear TF-IDF: the one vectoriser of the word baselines."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, lowercase=True, vocabulary=vocabulary)


class TfidfBaseline:
    name = "tfidf"

    def __init__(self, seed: int = 13) -> None:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        self.pipeline = make_pipeline(
            _word_vectorizer(),
            LogisticRegression(class_weight="balanced", max_iter=2000, C=4.0, random_state=seed),
        )

    def fit(self, texts: list[str], labels: list[str]) -> TfidfBaseline:
        self.pipeline.fit(texts, labels)
        return self

    def predict(self, texts: list[str]) -> Prediction:
        if not texts:
            return Prediction([], np.zeros((0, len(LABELS)), dtype=np.float32))
        return _in_label_order(self.pipeline.predict_proba(texts), self.pipeline.classes_)


# A finding only attributed to the investigator ("De Inspectie concludeert dat ...", "Uit het rapport blijkt
# ...") is none, however positive (conventions, batch 6): every sentence opens so, none in the sender's voice.
_INVESTIGATOR = (
    r"(?:de |het |uw |haar )?(?:algemene |zuidelijke |noordelijke |randstedelijke )?(?:rekenkamer\w*|inspectie\w*"
    r"(?: [A-Z]\w+)*|inspecties|onderzoeksraad|ovv|igj|igz|ilt|nvwa|ombudsman|commissie|raad|onderzoekers?|"
    r"auditdienst|adr|evaluatoren|visitatiecommissie|rapport|onderzoek|evaluatie|u)"
)
_ATTRIBUTED = re.compile(
    rf"^\s*{_INVESTIGATOR} (?:concludeert|concluderen|constateert|constateren|stelt vast|stellen vast|signaleert|"
    rf"signaleren|laat zien|laten zien|toont aan|geeft aan|stelt|oordeelt)\b|^\s*uit {_INVESTIGATOR} blijkt\b"
    rf"|^\s*volgens {_INVESTIGATOR}\b",
    re.I,
)
_SENDER_VOICE = re.compile(
    r"\b(?:ik|wij|we|mij|ons|onze|mijn|terecht|terechte|inderdaad|helaas|gelukkig|tevreden|blij|verheugd)\b", re.I
)


def only_attributed(text: str) -> bool:
    """Every sentence reports what the investigator found, none speaks for the sender."""
    sentences = [sentence for sentence in _SENTENCE.findall(text) if sentence.strip()]
    return bool(sentences) and all(
        _ATTRIBUTED.search(sentence) and not _SENDER_VOICE.search(sentence) for sentence in sentences
    )


def decisive_label(text: str) -> str | None:
    """The label the rule book settles outright, whatever else a paragraph
    says: an explicit "Nee." to a question about the finding, a declined
    recommendation, a negated agreement or a cause placed outside the sender
    is pushback (pushback > agree > acknowledge); "Ja." to "Deelt u de
    conclusie ...?" is agree, to "Herkent u het beeld?" acknowledge; a finding
    only attributed to the investigator, every sentence of it, is none. These
    constructions are rare in real letters (about 30 of 4,483 corpus
    paragraphs), so no model learns them from the corpus; the combination
    applies them after its own scores (models/combination.py)."""
    reading = _read(text)
    if (
        reading.answer == "pushback"
        or reading.negated_agreement
        or reading.declined_recommendation
        or reading.cause_elsewhere
    ):
        return "pushback"
    if reading.answer in ("agree", "acknowledge"):
        return reading.answer
    if reading.label == "none" and only_attributed(text):
        return "none"
    return None


def cue_features(text: str) -> list[float]:
    """The rule book's cues as numbers: hits per stance (capped), the
    lexicon's own label, and two markers of disagreement it does not count
    ("Nee." opening an answer, a negation)."""
    label, hits = LexiconBaseline.label_of(text)
    start = text.strip().lower()
    return (
        [float(min(hits[s], 3)) for s in STANCES]
        + [float(label == other) for other in LABELS]
        + [float(bool(re.match(r"nee?n?\b", start))), float(bool(_NEGATION.search(text)))]
    )


class HybridBaseline:
    """TF-IDF words and bigrams beside the rule-book cue features, one
    class-balanced logistic regression: the cues carry what a few hundred
    examples cannot teach, the words what the cue list misses."""

    name = "hybrid"

    def __init__(self, seed: int = 13, cue_weight: float = 3.0) -> None:
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = _word_vectorizer()
        self.model = LogisticRegression(class_weight="balanced", max_iter=3000, C=4.0, random_state=seed)
        self.cue_weight = cue_weight

    def _features(self, texts: list[str], fit: bool = False):
        from scipy.sparse import csr_matrix, hstack

        words = self.vectorizer.fit_transform(texts) if fit else self.vectorizer.transform(texts)
        cues = csr_matrix(np.array([cue_features(t) for t in texts], dtype=np.float64) * self.cue_weight)
        return hstack([words, cues]).tocsr()

    def fit(self, texts: list[str], labels: list[str]) -> HybridBaseline:
        self.model.fit(self._features(texts, fit=True), labels)
        return self

    def predict(self, texts: list[str]) -> Prediction:
        if not texts:
            return Prediction([], np.zeros((0, len(LABELS)), dtype=np.float32))
        return _in_label_order(self.model.predict_proba(self._features(texts)), self.model.classes_)

    def state(self) -> tuple[dict[str, np.ndarray], dict[str, str]]:
        """Arrays and settings of the fitted model, for a safetensors file:
        plain numbers rather than a pickle, so a model folder can be read
        without running code from it."""
        import json

        arrays = {
            "idf": self.vectorizer.idf_.astype(np.float64),
            "coef": self.model.coef_.astype(np.float64),
            "intercept": self.model.intercept_.astype(np.float64),
        }
        vocabulary = {term: int(index) for term, index in self.vectorizer.vocabulary_.items()}
        settings = {
            "vocabulary": json.dumps(vocabulary, ensure_ascii=False),
            "classes": json.dumps([str(c) for c in self.model.classes_]),
            "cue_weight": str(self.cue_weight),
        }
        return arrays, settings


BASELINES = {"majority": MajorityBaseline, "lexicon": LexiconBaseline, "tfidf": TfidfBaseline, "hybrid": HybridBaseline}


def make_baseline(name: str, train_texts: list[str] = (), train_labels: list[str] = ()):
    if name not in BASELINES:
        raise ValueError(f"unknown baseline '{name}' (known: {', '.join(BASELINES)})")
    baseline = BASELINES[name]()
    if name != "lexicon":
        if not train_texts:
            raise ValueError(f"baseline '{name}' needs training texts")
        baseline.fit(list(train_texts), list(train_labels))
    return baseline
