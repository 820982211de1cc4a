"""Baselines behind the same predict(texts) -> Prediction interface as the
trained model, so every score table shows what the transformer adds.

- majority: the most frequent training label;
- lexicon: the cue phrases of data/corpus/ANNOTATION.md with negation
  handling and the rule book's precedence (pushback > agree > acknowledge);
- tfidf: word and bigram TF-IDF with class-balanced logistic regression;
- hybrid: the same words beside the lexicon's cue features (best in
  cross-validation so far, benchmarks/model_selection.py)."""

from __future__ import annotations

import re
from collections import Counter

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
        r"\bniet herken",
        r"nuancer",
        r"genuanceerd(?:er)? beeld",
        r"belangrijkste oorzaak",
        r"\bacht(?:en)? (?:dit|dat|het) niet (?:noodzakelijk|nodig|wenselijk)",
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
        # "Nee." answering "Herkent u het geschetste beeld?" is pushback (conventions), and so is answering
        # "Deelt u de conclusie ...?"; not "Deelt u de mening dat ...?", a member's framing, not a finding
        r"\b(?:herkent|erkent) u\b[^?]{0,300}\?\s*neen?\b",
        r"\b(?:deelt|onderschrijft) u\b[^?]{0,40}\b(?:conclusie|bevinding|analyse|oordeel|beeld|kritiek)[^?]{0,300}"
        r"\?\s*neen?\b",
        r"\bbent u het\b[^?]{0,40}\beens met\b[^?]{0,60}"
        r"\b(?:conclusie|bevinding|analyse|oordeel|beeld|kritiek|rapport|rekenkamer|inspectie|aanbeveling)[^?]{0,300}"
        r"\?\s*neen?\b",
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
        r"sluit(?:en)? (?:mij|me|ons|zich) aan bij",
        r"voer(?:t|en)? (?:ik|wij) (?:deze|die|de) aanbeveling uit",
        r"\bdeel(?:t|en)? (?:de|deze|die|uw) (?:conclusie|analyse|zorg|mening)",
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
    ],
}
_COMPILED = {label: [re.compile(c, re.I) for c in cues] for label, cues in _CUES.items()}
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
    before = text[max(0, match.start() - 25) : match.start()]
    # only this clause: in "niet op orde; ik deel" the "niet" is not the cue's
    before = re.split(r"[.;:!?]", before)[-1]
    if _NEGATION.search(before):
        return True
    if _ENDS_IN_CONJUNCTION.search(match.group(0)):
        return False
    rest = text[match.end() :]
    end = _CLAUSE_END.search(rest)
    clause = rest[: end.start() if end else len(rest)]
    return any(not _NOMINALISED.search(clause[: n.start()]) for n in _NEGATION.finditer(clause))


class LexiconBaseline:
    name = "lexicon"

    def fit(self, texts: list[str], labels: list[str]) -> LexiconBaseline:
        return self

    @staticmethod
    def label_of(text: str) -> tuple[str, dict[str, int]]:
        hits = {label: 0 for label in LABELS}
        for label, patterns in _COMPILED.items():
            for pattern in patterns:
                for match in pattern.finditer(text):
                    if label == "agree" and _negated(text, match):
                        # "ik deel uw conclusie niet": a negated agreement is pushback
                        hits["pushback"] += 1
                        continue
                    hits[label] += 1
        for label in STANCES:  # the rule book's precedence
            if hits[label]:
                return label, hits
        return "none", hits

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
