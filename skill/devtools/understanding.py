"""The console's learned intent classifier: trained on the committed interaction model alone.

Alexa learns from a skill's sample utterances and slot values and generalises to sentences
no sample holds; a matcher over the samples does not. This is the console's stand-in for
that: a logistic-regression classifier (scikit-learn) over word and character n-grams,
trained only on one locale's committed model (its samples, with each slot filled in turn
by the slot type's values) and the everyday phrasings of Alexa's built-in intents. A
sentence whose best intent scores under ``FALLBACK_BELOW`` is out of domain:
``AMAZON.FallbackIntent``, as on a device.

Train, save, load, predict: training needs scikit-learn (a development dependency, never
in the Lambda zip) and runs once per model; what it learns is saved as plain weights in
the user's cache folder, keyed by the model's digest, so a console start only reads them
and predicts in pure Python (no scikit-learn import at start).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import pickle
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Under this probability the best intent is not trusted: Alexa's fallback. Chosen on the
# annotation set's out-of-domain sentences and the blind sets (see docs/understanding.md).
FALLBACK_BELOW = 0.30
# How many training sentences each slotted sample gives at least (its slots filled in turn).
FILLS_PER_SAMPLE = 3
# Bump when features or training change: saved weights from older code are not read.
VERSION = 2

_SLOT = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

# Values Alexa's built-in slot types hear, to fill their slots in training sentences.
BUILTIN_EXAMPLES: Mapping[str, tuple[str, ...]] = {
    "AMAZON.NUMBER": ("five", "seven", "two", "ten", "three", "eight", "four", "six"),
    "AMAZON.TIME": ("nine a m", "seven thirty", "eight o'clock", "six p m", "noon", "ten in the morning"),
    "AMAZON.DATE": ("october third", "the fifth of may", "last monday", "june twelfth", "the first of march"),
    "AMAZON.DURATION": ("three weeks", "two months", "ten days", "six weeks", "a month"),
}


def features(text: str) -> list[str]:
    """Word unigrams and bigrams (with sentence edges), and character 3- and 4-grams of each
    word, so "stretches" meets "stretch" and a new word order still shares most features."""
    words = text.split()
    found = [f"w:{w}" for w in words]
    edged = ["<s>", *words, "</s>"]
    found += [f"b:{a} {b}" for a, b in itertools.pairwise(edged)]
    for word in words:
        padded = f"<{word}>"
        for size in (3, 4):
            found += [f"c:{padded[i : i + size]}" for i in range(len(padded) - size + 1)]
    return found


@dataclass(frozen=True)
class Prediction:
    intent: str
    confidence: float
    ranked: tuple[tuple[str, float], ...]  # the best few, for --debug and evaluation


class IntentClassifier:
    """Saved weights of a trained classifier, and prediction from them (pure Python)."""

    def __init__(self, intents: Sequence[str], weights: Mapping[str, Sequence[float]], bias: Sequence[float]) -> None:
        self.intents = tuple(intents)
        self._weights = weights  # feature -> one weight per intent (idf and scaling folded in)
        self._bias = tuple(bias)

    def predict(self, text: str, top: int = 3) -> Prediction:
        counts: dict[str, int] = {}
        for feature in features(text):
            if feature in self._weights:
                counts[feature] = counts.get(feature, 0) + 1
        # Sublinear term frequency, L2-normalised, as the training vectoriser did.
        values = {f: 1.0 + math.log(c) for f, c in counts.items()}
        norm = math.sqrt(sum(self._weights[f][-1] ** 2 * v * v for f, v in values.items())) or 1.0
        scores = list(self._bias)
        for feature, value in values.items():
            row = self._weights[feature]
            scale = value * row[-1] / norm  # the last entry is the feature's idf
            for k in range(len(scores)):
                scores[k] += scale * row[k]
        peak = max(scores)
        exps = [math.exp(s - peak) for s in scores]
        total = sum(exps)
        ranked = sorted(((self.intents[k], exps[k] / total) for k in range(len(scores))), key=lambda p: -p[1])
        best, confidence = ranked[0]
        return Prediction(best, confidence, tuple(ranked[:top]))

    def to_state(self) -> dict[str, Any]:
        return {"version": VERSION, "intents": self.intents, "weights": dict(self._weights), "bias": self._bias}

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> IntentClassifier:
        return cls(state["intents"], state["weights"], state["bias"])


def training_sentences(
    model: Mapping[str, Any], builtin_phrases: Mapping[str, Iterable[str]], normalize: Callable[[str], str]
) -> list[tuple[str, str]]:
    """(sentence, intent) pairs from the model alone: every sample, its slots filled in turn
    with the slot type's values and synonyms, and the built-in intents' everyday phrases,
    each ``normalize``d as the sentences to classify will be."""
    language = model["interactionModel"]["languageModel"]
    spoken: dict[str, list[str]] = {}
    for slot_type in language.get("types", []):
        phrases = []
        for value in slot_type["values"]:
            phrases += [value["name"]["value"], *value["name"].get("synonyms", [])]
        spoken[slot_type["name"]] = phrases
    spoken.update({name: list(values) for name, values in BUILTIN_EXAMPLES.items()})
    turn: dict[str, int] = {}  # each slot type's next value, so fills go round the whole list
    pairs: list[tuple[str, str]] = []
    for intent in language["intents"]:
        slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
        samples = [*intent["samples"], *builtin_phrases.get(intent["name"], ())]
        slotted = [s for s in samples if _SLOT.search(s)]
        # Enough fills that each value of the intent's slot types is heard a few times over.
        widest = max((len(spoken.get(t, ())) for t in slots.values()), default=0)
        fills = max(FILLS_PER_SAMPLE, -(-FILLS_PER_SAMPLE * widest // max(len(slotted), 1)))
        for sample in samples:
            refs = _SLOT.findall(sample)
            for _ in range(fills if refs else 1):

                def fill(match: re.Match[str], slots: Mapping[str, str] = slots) -> str:
                    kind = slots[match.group(1)]
                    values = spoken.get(kind) or [match.group(1)]
                    index = turn.get(kind, 0)
                    turn[kind] = index + 1
                    return values[index % len(values)]

                pairs.append((normalize(_SLOT.sub(fill, sample)), intent["name"]))
    return pairs


def train(pairs: Sequence[tuple[str, str]]) -> IntentClassifier:
    """Fit the classifier (scikit-learn) and keep its weights as plain numbers."""
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError as error:  # pragma: no cover - the message is the point
        raise SystemExit(
            "the console's language understanding is trained with scikit-learn, which is not installed: "
            "`./dev chat` installs it (or pip install 'spine-coach[console]')"
        ) from error
    texts = [text for text, _ in pairs]
    labels = [intent for _, intent in pairs]
    vectoriser = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=1)
    matrix = vectoriser.fit_transform(texts)
    learner = LogisticRegression(C=20.0, max_iter=2000)
    learner.fit(matrix, labels)
    intents = [str(c) for c in learner.classes_]
    coef = learner.coef_.T  # features x intents
    idf = vectoriser.idf_
    weights = {
        str(feature): (*(float(w) for w in coef[column]), float(idf[column]))
        for feature, column in vectoriser.vocabulary_.items()
    }
    return IntentClassifier(intents, weights, [float(b) for b in learner.intercept_])


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "spine-coach" / "understanding"


def classifier_for(
    model_text: str, builtin_phrases: Mapping[str, Iterable[str]], normalize: Callable[[str], str]
) -> IntentClassifier:
    """The classifier for one committed model: loaded from the cache, or trained and saved."""
    digest = hashlib.blake2b(
        json.dumps([VERSION, model_text, {k: list(v) for k, v in builtin_phrases.items()}]).encode(), digest_size=16
    ).hexdigest()
    path = cache_dir() / f"{digest}.pickle"
    try:
        with path.open("rb") as handle:
            state = pickle.load(handle)
        if state.get("version") == VERSION:
            return IntentClassifier.from_state(state)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, KeyError):
        pass  # not trained yet, or a damaged copy: train again
    classifier = train(training_sentences(json.loads(model_text), builtin_phrases, normalize))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            pickle.dump(classifier.to_state(), handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)  # atomic: two processes training at once both end with a whole file
    except OSError:
        pass  # a read-only home still gets understanding, trained afresh each start
    return classifier
