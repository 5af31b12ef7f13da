"""A small stand-in for Alexa's language understanding, driven by our interaction model.

The local console and the conversation tests type sentences; this resolves them the way
Alexa would against the committed model: the sample utterances (with slots), Alexa's
built-in intents' everyday phrases, built-in slot types (numbers, times, dates,
durations) and custom slot values with synonyms, producing entity resolution in the
JSON shape Alexa sends. A sentence that matches nothing goes to AMAZON.FallbackIntent,
as on a device.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from skill.devtools.builtin_slots import parse_builtin
from skill.domain.numbers import number_words, parse_number
from skill.domain.vocabulary import Vocabulary

# What Alexa's built-in intents understand without samples of ours (the common phrasings).
BUILTIN_PHRASES: Mapping[str, tuple[str, ...]] = {
    "AMAZON.HelpIntent": ("help", "help me", "i need help", "what do i do", "can you help me", "what are my options"),
    "AMAZON.StopIntent": ("stop", "exit", "goodbye", "bye", "good bye", "shut up", "off", "quit"),
    "AMAZON.CancelIntent": ("cancel", "never mind", "nevermind", "forget it", "cancel that"),
    "AMAZON.NavigateHomeIntent": ("go home", "go to home", "home screen", "go to the home screen"),
    "AMAZON.YesIntent": (
        "yes",
        "yeah",
        "yep",
        "yup",
        "ok",
        "okay",
        "sure",
        "of course",
        "alright",
        "all right",
        "please do",
    ),
    "AMAZON.NoIntent": ("no", "nope", "no thank you", "no thanks", "nah", "not really"),
    "AMAZON.NextIntent": ("next", "next one", "go on"),
    "AMAZON.PreviousIntent": ("previous", "go back", "back", "last one", "the previous one"),
    "AMAZON.RepeatIntent": (
        "repeat",
        "repeat that",
        "say that again",
        "say again",
        "come again",
        "pardon",
        "what did you say",
    ),
    "AMAZON.PauseIntent": ("pause", "hold on", "wait", "hang on", "pause that"),
    "AMAZON.ResumeIntent": ("resume", "continue", "carry on", "keep going", "unpause"),
    "AMAZON.StartOverIntent": ("start over", "restart", "start again", "begin again", "from the beginning"),
}


# An unresolved custom slot catches a short unknown name ("planks"), or a longer phrase
# that shares a word with the slot type's values ("a sharp pain in the middle of my
# chest"), never a whole unrelated sentence ("the weather like on mars"), which Alexa
# routes to fallback. A sample that is only a slot catches unknown words only for the
# types listed in OPEN_BARE_TYPES (a symptom said in the patient's own words).
MAX_UNKNOWN_NAME_WORDS = 3
MAX_UNMATCHED_WORDS = 12
OPEN_BARE_TYPES = frozenset({"SYMPTOM"})
# A patient describing an emergency rambles ("my leg gave way under me when i tried to get
# up off the mat"): symptom words are heard in a longer sentence than other slots' words.
MAX_UNMATCHED_SYMPTOM_WORDS = 30
ANSWER_INTENTS = frozenset({"StageIntent"})
# Words too common to tie a phrase to a slot type.
_COMMON = frozenset(
    [
        "like",
        "want",
        "go",
        "going",
        "get",
        "getting",
        "got",
        "up",
        "out",
        "off",
        "over",
        "into",
        "from",
        "just",
        "really",
        "very",
        "too",
        "much",
        "more",
        "one",
        "now",
        "today",
        "day",
        "days",
        "time",
        "myself",
        "back",
        "could",
        "should",
        "as",
        "if",
        "then",
        "its",
        "again",
        "ive",
        "im",
        "they",
        "them",
        "he",
        "she",
        "we",
        "you",
        "a",
        "an",
        "the",
        "my",
        "your",
        "i",
        "me",
        "it",
        "is",
        "am",
        "are",
        "was",
        "be",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "and",
        "or",
        "but",
        "so",
        "this",
        "that",
        "there",
        "here",
        "some",
        "any",
        "all",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "not",
        "no",
        "can",
        "will",
        "would",
        "what",
        "how",
        "when",
    ]
)


@dataclass(frozen=True)
class SlotFill:
    """One slot as Alexa would fill it."""

    name: str
    value: str  # the words heard, or the normalized value for built-in types
    resolved_id: str | None = None
    resolved_name: str | None = None
    slot_type: str | None = None

    @property
    def matched(self) -> bool:
        return self.resolved_id is not None


@dataclass(frozen=True)
class Interpretation:
    intent: str
    slots: Mapping[str, SlotFill]
    sample: str | None  # the sample utterance that matched, for --debug


def normalize_utterance(text: str) -> str:
    """Lower case, punctuation and hyphens dropped (apostrophes and colons kept), digits
    spelled out ("weeks 3-5" -> "weeks three to five"), contractions written out ("I've"
    -> "i have"), the same way for samples and for what the user typed."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"(\d+)\s*-\s*(\d+)", r"\1 to \2", text)
    text = re.sub(r"[^a-z0-9':/ ]+", " ", text)
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    words = []
    for token in text.split():
        word = token.strip("'")
        if word.isdigit() and int(word) < 1000:
            words.append(number_words(int(word)))
        else:
            words.append(word)
    return " ".join(w for w in words if w)


_CONTRACTIONS = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bcan't\b", "cannot"),
        (r"\bwon't\b", "will not"),
        (r"\bain't\b", "is not"),
        (r"(?<=[a-z])n't\b", " not"),
        (r"(?<=[a-z])'m\b", " am"),
        (r"(?<=[a-z])'re\b", " are"),
        (r"(?<=[a-z])'ve\b", " have"),
        (r"(?<=[a-z])'ll\b", " will"),
        (r"(?<=[a-z])'d\b", " would"),
        (r"(?<=[a-z])'s\b", " is"),
    )
)

# What Alexa's recognizer and language model let pass around a request: hesitations,
# fillers and politeness ("um, could you just count slower please"). The console tries
# the sentence as typed first, then without these, so it forgives what Alexa forgives.
_DISFLUENCIES = frozenset(
    [
        "um",
        "umm",
        "uh",
        "uhh",
        "er",
        "erm",
        "hmm",
        "mm",
        "ah",
    ]
)
_FILLERS = frozenset(
    [
        "okay",
        "ok",
        "right",
        "alright",
        "righto",
        "cheers",
        "sorry",
        "yeah",
        "mate",
        "love",
        "now",
        "today",
        "just",
        "really",
        "actually",
        "basically",
        "so",
        "well",
        "like",
        "please",
        "kindly",
        "alexa",
        "hey",
        "oh",
    ]
)
_POLITE = re.compile(
    r"^(?:(?:can|could|would|will) you (?:please )?|i was wondering if you could |i wonder if you could )"
    r"|(?: (?:please|thanks|thank you|for me|if you can|if you could|if you don't mind|mate|love))+$"
)


def _stem(word: str) -> str:
    """A crude stem (the first four letters of a longer word): "paining" and "pain" meet."""
    return word[:4] if len(word) > 4 else word


# Words that change what a sentence means: the stray-word tolerance never drops them.
_NEVER_DROPPED = frozenset(["no", "not", "never", "without", "nothing", "none", "nor", "cannot"])

_STRIPPED_RANK = 2  # forms from here on have lost fillers or politeness, not just "um"


def tolerant_forms(text: str) -> list[str]:
    """The typed sentence (normalized), then the same without hesitations, fillers and politeness."""
    forms = [text]
    words = [w for w in text.split() if w not in _DISFLUENCIES]
    forms.append(" ".join(words))
    plain = " ".join(w for w in words if w not in _FILLERS)
    forms.append(plain)
    forms.append(_POLITE.sub("", plain).strip())
    forms.append(_POLITE.sub("", " ".join(words)).strip())
    # A form already tried (or empty) becomes "", so each keeps its rank.
    return [f if f and f not in forms[:i] else "" for i, f in enumerate(forms)]


@dataclass(frozen=True)
class _Sample:
    intent: str
    text: str
    regex: str  # compiled on first use: most samples never meet a sentence starting like them
    slots: Mapping[str, str]  # slot name -> type
    literal_chars: int
    only_slots: bool
    first_word: str | None  # None when the sample opens with a slot


class Resolver:
    """Resolves typed sentences against one locale's interaction model."""

    def __init__(self, model: Mapping[str, Any], vocabulary: Vocabulary | None = None) -> None:
        """``vocabulary`` reads a patient's own words (the bare symptom slot); without it any
        words that share one with the slot's values are taken."""
        self._vocabulary = vocabulary
        language = model["interactionModel"]["languageModel"]
        self.invocation_name: str = language["invocationName"]
        self._values: dict[str, dict[str, tuple[str, str]]] = {}
        self._type_words: dict[str, frozenset[str]] = {}
        for slot_type in language.get("types", []):
            index: dict[str, tuple[str, str]] = {}
            for value in slot_type["values"]:
                name = value["name"]["value"]
                for spoken in [name, *value["name"].get("synonyms", [])]:
                    index.setdefault(normalize_utterance(spoken), (value["id"], name))
            self._values[slot_type["name"]] = index
            words = frozenset(w for key in index for w in key.split()) - _COMMON
            self._type_words[slot_type["name"]] = words | frozenset(_stem(w) for w in words)
        self._samples: list[_Sample] = []
        intent_names = set()
        for intent in language["intents"]:
            intent_names.add(intent["name"])
            slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
            phrases = [*intent["samples"], *BUILTIN_PHRASES.get(intent["name"], ())]
            for sample in dict.fromkeys(phrases):
                self._samples.append(_compile(intent["name"], sample, slots))
        self.intents = frozenset(intent_names)
        # Samples by their first literal word, so a sentence is only tried against samples
        # that can match it (those opening with a slot are always tried).
        self._patterns: dict[str, re.Pattern[str]] = {}
        self._by_first: dict[str, list[_Sample]] = {}
        self._slot_first: list[_Sample] = []
        for compiled in self._samples:
            if compiled.first_word is None:
                self._slot_first.append(compiled)
            else:
                self._by_first.setdefault(compiled.first_word, []).append(compiled)

    def resolve(self, utterance: str, *, today: date | None = None) -> Interpretation:
        """The best-matching intent and slots, or AMAZON.FallbackIntent.

        ``today`` anchors relative dates ("yesterday") the way the device's date would.
        A sentence that matches as typed wins; otherwise the same sentence without
        fillers and politeness is tried (see ``tolerant_forms``).
        """
        forms = tolerant_forms(normalize_utterance(utterance))
        best = self._best_of(forms, today)
        clauses = [c for c in re.split(r"[,;.!?]| but | and then ", utterance) if c.strip()]
        # A patient's own words for a symptom stay whole: a clause ("please help", "i'm on the
        # floor") would drop the red flag the rest of the sentence carries.
        own_words = best is not None and self._names_red_flag(best)
        if (best is None or not best[0][0]) and len(clauses) > 1 and not own_words:
            # "hold on, pause it": one clause carries the request, the other is talk.
            for clause in reversed(clauses):
                found = self._best_of(tolerant_forms(normalize_utterance(clause)), today)
                if found is not None and found[0][0]:
                    best = found
                    break
        if (best is None or not best[0][0]) and not own_words:
            # One stray word ("I'm in week six NOW") does not throw Alexa off either.
            # Never a negation: without its "not", "my legs are not weak" would be a red flag.
            extra = [
                " ".join(w[:i] + w[i + 1 :])
                for w in (f.split() for f in forms if f)
                for i in range(len(w))
                if w[i] not in _NEVER_DROPPED
            ]
            found = self._best_of([f for f in dict.fromkeys(extra) if f and f not in forms], today)
            if found is not None and found[0][0] and (best is None or not best[0][0]):
                best = found
        if best is None:
            return Interpretation("AMAZON.FallbackIntent", {}, None)
        return best[1]

    def _best_of(self, forms: list[str], today: date | None) -> tuple[tuple[int, ...], Interpretation] | None:
        """The best interpretation of any form; earlier forms win ties."""
        best: tuple[tuple[int, ...], Interpretation] | None = None
        for rank, text in enumerate(forms):
            if not text:
                continue
            found = self._best(text, today)
            if found is None:
                continue
            if rank >= _STRIPPED_RANK and found[0][1] < 0:
                continue  # without its fillers a sentence must still name something real
            # Hesitations carry nothing: the sentence as typed and without its "um"s compete as
            # one form, so "uh {symptom}" does not take "uh how do i do ..." by its "uh".
            tier = rank if rank >= _STRIPPED_RANK else 0
            score = (found[0][0], found[0][1], -tier, *found[0][2:])
            if best is None or score > best[0]:
                best = (score, found[1])
        return best

    def _best(self, text: str, today: date | None) -> tuple[tuple[int, int, int, int], Interpretation] | None:
        best: tuple[tuple[int, int, int, int], Interpretation] | None = None
        first = text.split(" ", 1)[0]
        for sample in itertools.chain(self._by_first.get(first, ()), self._slot_first):
            pattern = self._patterns.get(sample.regex)
            if pattern is None:
                pattern = self._patterns[sample.regex] = re.compile(sample.regex)
            match = pattern.fullmatch(text)
            if match is None:
                continue
            fills: dict[str, SlotFill] = {}
            usable = True
            for name, heard in match.groupdict().items():
                fill = self._fill(name, sample.slots[name], heard, today)
                if fill is None:
                    usable = False
                    break
                fills[name] = fill
            if not usable:
                continue
            unmatched = [f for f in fills.values() if not f.matched and not (f.slot_type or "").startswith("AMAZON.")]
            all_matched = not unmatched
            fitting = [f for f in unmatched if self._fits(f)]
            if sample.only_slots and not all(f.slot_type in OPEN_BARE_TYPES for f in unmatched):
                continue  # a bare slot only catches words that are real values
            if sample.only_slots and self._vocabulary is not None and any(self._reading(f) is None for f in unmatched):
                continue  # ... or words the vocabulary reads as one ("which workouts do you offer" is not)
            if (sample.only_slots or sample.intent in ANSWER_INTENTS) and len(fitting) < len(unmatched):
                continue
            if sample.intent in ANSWER_INTENTS and not all_matched:
                continue  # an answer to "which routine?" is a routine name, nothing else
            if any(len(f.value.split()) > MAX_UNKNOWN_NAME_WORDS and f not in fitting for f in unmatched):
                continue  # a long unknown phrase is out of domain: Alexa sends it to fallback
            # A bare number ("three") is Alexa's NUMBER rather than a TIME without a.m./p.m.
            bare_time = any(
                sample.slots[name] == "AMAZON.TIME" and parse_number(heard) is not None
                for name, heard in match.groupdict().items()
            )
            score = (
                int(all_matched),
                len(fitting) - len(unmatched),
                sample.literal_chars - (1 if bare_time else 0),
                -len(fills),
            )
            if best is None or score > best[0]:
                best = (score, Interpretation(sample.intent, fills, sample.text))
        return best

    def _names_red_flag(self, best: tuple[tuple[int, ...], Interpretation]) -> bool:
        """Every unmatched slot fits, and an open one (a symptom in the patient's words) is urgent."""
        score, interpretation = best
        return score[1] == 0 and any(
            not f.matched and f.slot_type in OPEN_BARE_TYPES and self._reading(f) in self._urgent
            for f in interpretation.slots.values()
        )

    @property
    def _urgent(self) -> frozenset[str]:
        return frozenset() if self._vocabulary is None else self._vocabulary.urgent

    def _reading(self, fill: SlotFill) -> str | None:
        """The vocabulary's id for an open slot's unmatched words (``None``: not understood)."""
        if self._vocabulary is None or fill.slot_type is None:
            return None
        return self._vocabulary.resolve(fill.slot_type.lower(), fill.value)

    def _fits(self, fill: SlotFill) -> bool:
        """Unknown words that share a word with the slot type's values, in a phrase of at
        most MAX_UNMATCHED_WORDS words (MAX_UNMATCHED_SYMPTOM_WORDS for a symptom)."""
        words = fill.value.split()
        type_words = self._type_words.get(fill.slot_type or "", frozenset())
        limit = MAX_UNMATCHED_SYMPTOM_WORDS if fill.slot_type in OPEN_BARE_TYPES else MAX_UNMATCHED_WORDS
        return len(words) <= limit and any(w in type_words or _stem(w) in type_words for w in words)

    def _fill(self, name: str, slot_type: str, heard: str, today: date | None) -> SlotFill | None:
        if slot_type.startswith("AMAZON."):
            value = parse_builtin(slot_type, heard, today=today)
            return None if value is None else SlotFill(name, value, slot_type=slot_type)
        found = self._values.get(slot_type, {}).get(normalize_utterance(heard))
        if found is None:
            return SlotFill(name, heard, slot_type=slot_type)
        return SlotFill(name, heard, resolved_id=found[0], resolved_name=found[1], slot_type=slot_type)


def _compile(intent: str, sample: str, slots: Mapping[str, str]) -> _Sample:
    """A sample as a regular expression: literal words, and one lazy group per slot."""
    tokens = _SLOT_SPLIT.sub(r" \1 ", sample).split()
    regex = []
    literal_words = []
    used: dict[str, str] = {}
    first_word: str | None = None
    for position, token in enumerate(tokens):
        if token.startswith("{") and token.endswith("}"):
            name = token[1:-1]
            used[name] = slots[name]
            regex.append(f"(?P<{name}>.+?)")
        else:
            words = _token_words(token)
            if position == 0 and words:
                first_word = words[0]
            literal_words.extend(words)
            regex.extend(re.escape(w) for w in words)
    pattern = r"\s+".join(regex)
    literal = len(" ".join(literal_words))
    return _Sample(intent, sample, pattern, used, literal, only_slots=literal == 0, first_word=first_word)


@functools.lru_cache(maxsize=4096)
def _token_words(token: str) -> list[str]:
    """A sample's literal token, normalized (samples repeat their words thousands of times)."""
    return normalize_utterance(token).split()


_SLOT_SPLIT = re.compile(r"(\{[A-Za-z_][A-Za-z0-9_]*\})")


@functools.lru_cache(maxsize=8)
def resolver_for(locale: str, models_dir: str | None = None) -> Resolver:
    """The resolver for a locale's committed model (cached)."""
    from skill.devtools.interaction_model import MODELS_DIR
    from skill.domain.catalog import load_catalog

    path = Path(models_dir) if models_dir else MODELS_DIR
    model_file = path / f"{locale}.json"
    if not model_file.exists():
        model_file = path / "en-US.json"
    return Resolver(json.loads(model_file.read_text(encoding="utf-8")), load_catalog().vocabulary)
