"""A small stand-in for Alexa's language understanding, learned from our interaction model.

The local console and the conversation tests type sentences; this resolves them the way
Alexa would from the committed model and nothing else. A sentence that is one of the
model's samples (with its slots) resolves as that sample, as Alexa's exact matches do.
Any other sentence goes to the learned classifier (``understanding``), trained on the
committed samples and slot values alone, and its slots are filled from the predicted
intent's samples, or else from the slot types' values found in the sentence, or else
from the words the intent's samples do not use (what Alexa would send as
``ER_SUCCESS_NO_MATCH``). Built-in slot types (numbers, times, dates, durations) are read
as Alexa reads them, and entity resolution comes in the JSON shape Alexa sends. A
sentence the classifier is not sure of goes to AMAZON.FallbackIntent, as on a device.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from skill.devtools.builtin_slots import parse_builtin
from skill.devtools.understanding import FALLBACK_BELOW, IntentClassifier, Prediction, classifier_for
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
    "AMAZON.NoIntent": (
        "no",
        "nope",
        "no thank you",
        "no thanks",
        "nah",
        "not really",
        "not right now",
        "not now",
        "maybe later",
        "actually no",
        "no leave it",
        "leave it",
        "no don't",
    ),
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
    # Alexa's fallback model knows requests that belong to no skill; the console's classifier
    # learns the same from these (none names a body part, a symptom or an exercise).
    "AMAZON.FallbackIntent": (
        "what's the weather like today",
        "what is the weather on mars",
        "play my favourite playlist",
        "play the radio",
        "order me a takeaway",
        "add milk to my shopping list",
        "set a timer for ten minutes",
        "what time is it",
        "tell me a joke",
        "what's the news",
        "turn on the lights",
        "turn off the kitchen lights",
        "call my daughter",
        "who won the football last night",
        "how tall is mount everest",
        "what's the capital of france",
        "buy some batteries",
        "read my emails",
        "what's on my calendar",
        "spell necessary",
        "how do you make pancakes",
        "what's two plus two",
        "sing me a song",
        "what's your name",
        "are you a robot",
        "open the garage door",
        "lock the front door",
        "what's the traffic like",
        "how much is a flight to london",
        "translate hello into spanish",
        "find me a recipe for soup",
        "play my audiobook",
        "what movies are on tonight",
        "how old is the queen",
        "the cat is on the table",
        "banana telephone purple",
        "i like trains",
        "my favourite colour is blue",
        "what should i have for dinner",
        "where did i put my keys",
        "when is my next appointment",
        "what time is my doctor's appointment",
        "my daughter is coming round later",
        "the grandkids are visiting this weekend",
        "we're going to the shops after this",
    ),
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
        "cool",
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


# Words that are a number only at a pinch ("no" pain, "a" one): taken when nothing else is.
_PINCH_NUMBERS = frozenset(["no", "a", "an", "oh"])

# Words that change what a sentence means: never dropped from a slot's words.
_NEVER_DROPPED = frozenset(["no", "not", "never", "without", "nothing", "none", "nor", "cannot"])

# Words a slot tagger leaves outside a slot's value when they lead it.
_DETERMINERS = frozenset(["the", "a", "an", "my", "some", "that", "this", "those", "these"])

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
    words: tuple[str, ...]  # its literal words, normalized


class Resolver:
    """Resolves typed sentences against one locale's interaction model."""

    def __init__(
        self, model: Mapping[str, Any], vocabulary: Vocabulary | None = None, *, model_text: str | None = None
    ) -> None:
        """``vocabulary`` reads a patient's own words (the bare symptom slot); without it any
        words that share one with the slot's values are taken. ``model_text`` is the model
        as committed (the classifier's cache key); without it the model is serialised."""
        self._vocabulary = vocabulary
        self._model = model
        self._model_text = model_text
        self._classifier: IntentClassifier | None = None
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
            # A word that only ever leads a value of several ("PLAY golf", "GO hiking") is the
            # verb before one: unknown words sharing only it name nothing ("play some music").
            alone = {w for key in index for w in key.split()[1:]} | {key for key in index if " " not in key}
            leading = {key.split()[0] for key in index if " " in key} - alone
            words = frozenset(w for key in index for w in key.split()) - _COMMON - leading
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
        self._intent_slots = {
            i["name"]: {s["name"]: s["type"] for s in i.get("slots", [])} for i in language["intents"]
        }
        # The words each intent's samples say around their slots: what is left of a sentence
        # without them is what Alexa's slot tagger would hear as the slot's words.
        said: dict[str, set[str]] = {}
        for compiled in self._samples:
            said.setdefault(compiled.intent, set()).update(compiled.words)
        self._carrier = {name: frozenset(words) for name, words in said.items()}
        # The order an intent's samples say its slots in, from the sample naming the most
        # ("went from {before} to {score}"): two numbers heard in a sentence no sample matches
        # fill the slots in that order, as a tagger learns it from the samples.
        # Only when the words between them are words the samples say there ("to a", "and now
        # it is"): "my pain is eight out of ten" is a score of eight, and "ten" nothing.
        self._slot_order: dict[str, tuple[str, ...]] = {}
        self._between: dict[str, frozenset[str]] = {}
        for intent in language["intents"]:
            orders = [tuple(re.findall(r"\{(\w+)\}", sample)) for sample in intent["samples"]]
            most = max(orders, key=len, default=())
            if len(most) < 2:
                continue
            self._slot_order[intent["name"]] = most
            pair = re.compile(rf"\{{{most[0]}\}}(.*?)\{{{most[1]}\}}")
            found = [m[1] for sample in intent["samples"] for m in pair.finditer(sample)]
            between = {w for part in found for w in re.findall(r"[a-z']+", part)}
            self._between[intent["name"]] = frozenset(normalize_utterance(" ".join(sorted(between))).split())
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
        """The intent and slots Alexa would send, or AMAZON.FallbackIntent.

        ``today`` anchors relative dates ("yesterday") the way the device's date would.
        A sample of the model (as typed, or without hesitations, fillers and politeness)
        with every custom slot a known value is an exact match; anything else is the
        learned classifier's, with slots filled for the intent it chose. A sentence of
        two clauses that is understood as a whole by neither is understood by its clearest
        clause ("I had my op two weeks ago, what should I be doing"); a symptom in any
        clause wins.
        """
        whole, _ = self._resolved(utterance, today)
        clauses = [c for c in re.split(r"[,;.!?]| but | and then ", utterance) if c.strip()]
        if whole.intent != "AMAZON.FallbackIntent" or len(clauses) < 2:
            return whole
        # A clause of a word or two ("ok", "right") says nothing of its own: never a "yes" to
        # a question (deleting data) that the whole sentence did not give.
        heard = [self._resolved(clause, today) for clause in clauses if len(clause.split()) >= 3]
        understood = [
            (found, confidence)
            for found, confidence in heard
            if found.intent not in ("AMAZON.FallbackIntent", "AMAZON.YesIntent", "AMAZON.NoIntent")
        ]
        if not understood:
            return whole
        symptoms = [found for found, _ in understood if found.intent == "SymptomIntent"]
        if symptoms:
            return symptoms[0]
        return max(understood, key=lambda pair: pair[1])[0]

    def _resolved(self, utterance: str, today: date | None) -> tuple[Interpretation, float]:
        """The whole sentence's interpretation (see ``resolve``), and how sure of it: an exact
        sample match is sure; otherwise the classifier's confidence."""
        forms = tolerant_forms(normalize_utterance(utterance))
        exact = self._best_of(forms, today)
        if exact is not None and exact[0][0] and exact[0][1] == 0:
            return exact[1], 1.0
        forms = [f for f in forms if f]
        if not forms:
            return Interpretation("AMAZON.FallbackIntent", {}, None), 0.0
        prediction = self.classifier.predict(forms[0])
        learned = f"(learned: {_ranked(prediction)})"
        if prediction.intent not in self.intents or prediction.confidence < FALLBACK_BELOW:
            return Interpretation("AMAZON.FallbackIntent", {}, learned), prediction.confidence
        fills = self._fill_for(prediction.intent, forms, today)
        if any(self._foreign(fill) for fill in fills.values()):
            # "tell me about the history of the roman empire": a how-to's shape, but its
            # words are nothing the skill knows. Alexa's fallback takes such sentences.
            unknown = f"(learned, unknown words: {_ranked(prediction)})"
            return Interpretation("AMAZON.FallbackIntent", {}, unknown), prediction.confidence
        return Interpretation(prediction.intent, fills, learned), prediction.confidence

    def _foreign(self, fill: SlotFill) -> bool:
        """Unknown words in a custom slot (not the patient's own words for a symptom) that
        share no word with the slot type's values, more than a one-word name. Words that
        report a symptom are never dropped as foreign: Alexa sends them, and the skill reads
        them ("is it normal for my wound to be hot and puffy")."""
        if not _unknown_name(fill) or len(fill.value.split()) <= 1 or self._fits(fill):
            return False
        return self._vocabulary is None or not self._vocabulary.hits("symptom", fill.value)

    @property
    def classifier(self) -> IntentClassifier:
        """The classifier learned from this model (read from the cache, or trained once)."""
        if self._classifier is None:
            text = self._model_text or json.dumps(self._model, sort_keys=True)
            self._classifier = classifier_for(text, BUILTIN_PHRASES, normalize_utterance)
        return self._classifier

    def _fill_for(self, intent: str, forms: list[str], today: date | None) -> dict[str, SlotFill]:
        """The slots of ``intent`` in a sentence it did not match word for word: from one of
        its samples if one fits, else the slot types' values said anywhere, else (a custom
        slot) the words its samples never use, unresolved, as Alexa sends unknown words."""
        slots = self._intent_slots.get(intent, {})
        if not slots:
            return {}
        # An intent holds at most one slot of a patient's own words (SymptomIntent's symptom).
        open_slot = next((name for name, slot_type in slots.items() if slot_type in OPEN_BARE_TYPES), None)
        if open_slot is not None:
            # The whole sentence is one of the type's values ("my back hurts").
            for text in forms:
                whole = self._fill(open_slot, slots[open_slot], text, today)
                if whole is not None and whole.matched:
                    return {open_slot: whole}
        best: dict[str, SlotFill] | None = None
        # A patient's own words lose only their "um"s: "it doesn't feel RIGHT" keeps its filler.
        own_words = open_slot is not None
        for text in forms[:1] if own_words else forms:
            found = self._best(text, today, intent=intent)
            if found is None or not found[1].slots:
                continue
            carrier = self._carrier.get(intent, frozenset())
            candidate = {
                name: narrowed
                for name, fill in found[1].slots.items()
                if not _only_pointers(narrowed := self._narrowed(fill, today, carrier), carrier)
            }
            if best is None or _resolved_count(candidate) > _resolved_count(best):
                best = candidate
        if best is not None:
            return best
        text = forms[0] if own_words else forms[-1]  # others without fillers, which no slot holds
        if open_slot is not None:
            # A patient's own words for a symptom stay whole for the vocabulary to read,
            # negations and all, the exercise they name too ("tingling in my toes since the
            # hamstring stretch"): "sharp pain" inside "sharp pain in the middle of my chest" is
            # not the symptom, and no other slot is guessed from a word ("my chest" is not the
            # chest opener).
            whole = self._fill(open_slot, slots[open_slot], text, today)
            return {open_slot: whole or SlotFill(open_slot, text)}
        fills: dict[str, SlotFill] = {}
        taken: set[int] = set()
        at: dict[str, int] = {}  # where in the sentence each slot's words were spotted
        if intent in self._slot_order:  # "3 out of 10": the ten is the scale, no slot's value
            words = text.split()
            taken.update(k for k in range(2, len(words)) if words[k - 2 : k] == ["out", "of"])
        for name, slot_type in slots.items():
            before = set(taken)
            fill = self._spotted(name, slot_type, text.split(), taken, today)
            if fill is not None:
                fills[name] = fill
                at[name] = min(taken - before, default=0)
        fills = self._in_sample_order(intent, fills, at, text.split())
        for name, slot_type in slots.items():
            if len(slots) > 1 or name in fills or slot_type.startswith("AMAZON."):
                # The leftover words make the slot of an intent that has just one ("how do I
                # do <the one where you lift your hips>"); an intent of several ("I'm in week
                # <four> / my <fourth> week") gets only what was found.
                continue
            # The slot keeps the words its intent's samples never use.
            carrier = self._carrier.get(intent, frozenset())
            rest = [
                w for i, w in enumerate(text.split()) if i not in taken and (w not in carrier or w in _NEVER_DROPPED)
            ]
            if rest and not _only_pointers(SlotFill(name, " ".join(rest), slot_type=slot_type)):
                fills[name] = self._fill(name, slot_type, " ".join(rest), today) or SlotFill(name, " ".join(rest))
            break  # the leftover words make one slot, not every one
        return fills

    def _in_sample_order(
        self, intent: str, fills: dict[str, SlotFill], at: dict[str, int], words: list[str]
    ) -> dict[str, SlotFill]:
        """Two values of one type spotted for an intent of two such slots ("went from
        {before} to {score}"), given as a tagger trained on its samples would (a number after
        "out of" is the scale, never spotted): two numbers after "from" or "was", with
        only the samples' words or a time between them ("from a 3 to a 6", "was 4 yesterday
        and it's 8"), are the two slots in the samples' order; otherwise (a range, "two to
        three"; a count, "at rep 3 it was 5") the last number said is the one slot that
        says where things are now."""
        order = [name for name in self._slot_order.get(intent, ()) if name in fills]
        if len(order) != 2 or fills[order[0]].slot_type != fills[order[1]].slot_type:
            return fills
        first_slot, last_slot = self._slot_order[intent][:2]
        spotted = sorted((at[name], fills[name]) for name in order)
        rest = {name: fill for name, fill in fills.items() if name not in order}
        (i, first), (j, last) = spotted
        between = set(words[i + 1 : j]) - _SCALE_WORDS
        cue = any(word in _RISE_CUES for word in words[:i])
        if cue and between <= self._between.get(intent, frozenset()) | _TIME_WORDS:
            return {**rest, first_slot: replace(first, name=first_slot), last_slot: replace(last, name=last_slot)}
        return {**rest, last_slot: replace(last, name=last_slot)}

    def _narrowed(self, fill: SlotFill, today: date | None, carrier: frozenset[str] = frozenset()) -> SlotFill:
        """A custom slot's unknown words without the determiners before them and the intent's
        carrier words after them ("the bird dog" is "bird dog", "week three routine" is "week
        three"; "the bridjing thing" is heard as "bridjing thing"), or a symptom's words
        narrowed to the value they end with: Alexa's slot tagger learns from the samples
        which words around a value are carrier words."""
        kind = fill.slot_type
        if kind is None or not (_unknown_name(fill) or _own_words(fill)):
            return fill
        words = fill.value.split()
        if _own_words(fill):
            # Only a value that runs to the end of the words: "feel pain down my leg" is "pain
            # down my leg", but "sharp pain in the middle of my chest" stays whole (its "sharp
            # pain" is not the symptom), for the vocabulary to read.
            whole = self._reading(fill)
            for start in range(1, len(words)):
                if words[start - 1] in _NEVER_DROPPED:
                    break  # "not in pain" is not "pain"
                tail = self._fill(fill.name, kind, " ".join(words[start:]), today)
                if tail is not None and tail.matched:
                    # Never a milder reading than the whole words': "my inner thighs have gone
                    # numb" ends with "numb", but the whole is numbness in the saddle area.
                    return tail if whole in (None, tail.resolved_id) else fill
            return fill
        while words and words[0] in _DETERMINERS:
            words = words[1:]
        outside = carrier | _DETERMINERS
        # The longest run of words that is a value, with only carrier words before and after it.
        for start in range(len(words)):
            if start and words[start - 1] not in outside:
                break
            for end in range(len(words), start, -1):
                if end < len(words) and words[end] not in outside:
                    break
                found = self._fill(fill.name, kind, " ".join(words[start:end]), today)
                if found is not None and found.matched:
                    return found
        return SlotFill(fill.name, " ".join(words), slot_type=fill.slot_type) if words else fill

    def _spotted(
        self, name: str, slot_type: str, words: list[str], taken: set[int], today: date | None
    ) -> SlotFill | None:
        """The longest run of words that is a value of the slot's type (marked as taken). A
        word that is a number only at a pinch ("no", "a", "oh") is taken only when no other
        word of the sentence is one: "no, I'm in week six" is week six, not week zero."""
        for size in range(min(len(words), 8), 0, -1):
            weak: tuple[range, str] | None = None
            for start in range(len(words) - size + 1):
                span = range(start, start + size)
                if taken & set(span):
                    continue
                heard = " ".join(words[start : start + size])
                if slot_type.startswith("AMAZON."):
                    value = parse_builtin(slot_type, heard, today=today)
                    if value is None:
                        continue
                    if heard in _PINCH_NUMBERS:
                        weak = weak or (span, value)
                        continue
                    taken.update(span)
                    return SlotFill(name, value, slot_type=slot_type)
                found = self._values.get(slot_type, {}).get(heard)
                if found is not None:
                    taken.update(span)
                    return SlotFill(name, heard, resolved_id=found[0], resolved_name=found[1], slot_type=slot_type)
            if weak is not None:
                taken.update(weak[0])
                return SlotFill(name, weak[1], slot_type=slot_type)
        return None

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

    def _best(
        self, text: str, today: date | None, intent: str | None = None
    ) -> tuple[tuple[int, int, int, int], Interpretation] | None:
        best: tuple[tuple[int, int, int, int], Interpretation] | None = None
        first = text.split(" ", 1)[0]
        for sample in itertools.chain(self._by_first.get(first, ()), self._slot_first):
            if intent is not None and sample.intent != intent:
                continue
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


# Words around two numbers a patient says their pain went from and to (``_in_sample_order``).
_RISE_CUES = frozenset({"from", "was", "were"})
_SCALE_WORDS = frozenset({"out", "of", "ten"})
_TIME_WORDS = frozenset(
    {"earlier", "before", "yesterday", "today", "this", "morning", "last", "night", "then", "at", "first", "start"}
)


def _own_words(fill: SlotFill) -> bool:
    """Unresolved words in an open slot: a patient's own words for a symptom."""
    return not fill.matched and fill.slot_type in OPEN_BARE_TYPES


def _unknown_name(fill: SlotFill) -> bool:
    """Unresolved words in a custom slot that names something (an exercise, a routine, an
    activity): not a built-in type, not a symptom in the patient's own words."""
    return (
        not fill.matched
        and fill.slot_type is not None
        and not fill.slot_type.startswith("AMAZON.")
        and fill.slot_type not in OPEN_BARE_TYPES
    )


def _only_pointers(fill: SlotFill, carrier: frozenset[str] = frozenset()) -> bool:
    """Unknown words in a custom slot that name nothing, only point ("how many of those should
    I do", "how long do I hold it") or are the intent's own carrier words ("let's start my
    exercises"): no value was said, so the slot is left empty."""
    if not _unknown_name(fill):
        return False
    return all(w in _COMMON or w in _DETERMINERS or w in carrier for w in fill.value.split())


def _resolved_count(fills: Mapping[str, SlotFill]) -> int:
    return sum(1 for fill in fills.values() if fill.matched or (fill.slot_type or "").startswith("AMAZON."))


def _ranked(prediction: Prediction) -> str:
    return ", ".join(f"{intent} {p:.2f}" for intent, p in prediction.ranked)


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
    return _Sample(
        intent,
        sample,
        pattern,
        used,
        literal,
        only_slots=literal == 0,
        first_word=first_word,
        words=tuple(literal_words),
    )


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
    text = model_file.read_text(encoding="utf-8")
    return Resolver(json.loads(text), load_catalog().vocabulary, model_text=text)
