"""``spine-coach models evaluate``: how well the committed models understand patients.

The annotation set (``tests/annotations/utterances.jsonl``: sentences as patients say
them, each with its expected intent and slot ids, written without looking at the
samples) is run through two language understandings built only from the committed
interaction models: the console's (``skill.devtools.nlu``) and npm virtual-alexa's sample
matching. Custom slot words either engine could not match are read the way the skill
reads them (``skill.alexa.slots.understood_id``: the vocabulary), so a sentence counts as
understood when the skill would act on the right intent and ids.

virtual-alexa passes raw words for AMAZON.TIME, DATE and DURATION, so sentences that
hinge on those slots are left out of its count and listed. Developer tool: not shipped.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from skill.domain.catalog import Guidance
from skill.domain.numbers import parse_number
from skill.domain.vocabulary import Vocabulary

REPO = Path(__file__).resolve().parents[2]
ANNOTATIONS = REPO / "tests" / "annotations" / "utterances.jsonl"
NODE_DIR = REPO / "tests" / "node"
RAW_BUILTINS = ("AMAZON.TIME", "AMAZON.DATE", "AMAZON.DURATION")  # virtual-alexa sends the words
CUSTOM_SLOTS = ("exercise", "stage", "symptom", "activity")
NUMBER_SLOTS = ("week", "score")  # AMAZON.NUMBER in every intent that has them
# WeekIntent's ORDINAL slot ("my sixth week"): the skill reads its id ("6"), else the words
# Alexa could not match, as the week (skill.alexa.handlers.stage.WeekHandler).
ORDINAL_SLOT = "ordinal"
# The day the console anchors relative dates to; expected dates without a year are compared by month and day.
EVAL_DAY = date(2026, 11, 21)


@dataclass(frozen=True)
class Annotation:
    text: str
    intent: str
    slots: Mapping[str, str]
    group: str
    locale: str = "en-US"


@dataclass(frozen=True)
class Heard:
    """What one engine made of a sentence: the intent and each slot's id or value."""

    intent: str | None
    slots: Mapping[str, str | None]


def load_annotations(path: Path = ANNOTATIONS) -> list[Annotation]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            rows.append(
                Annotation(raw["text"], raw["intent"], raw.get("slots", {}), raw["group"], raw.get("locale", "en-US"))
            )
    return rows


def slot_matches(name: str, expected: str, got: str | None) -> bool:
    """``*`` is any symptom (the skill answers an unknown one as pain); ``*hamstring`` either
    hamstring stretch; dates with year ``XXXX`` compare month and day."""
    if expected == "*":
        return True
    if expected.startswith("*"):
        return got is not None and expected[1:] in got
    if got is None:
        return False
    if name == "date" and expected.startswith("XXXX"):
        return got[4:] == expected[4:]
    return got == expected


def as_the_skill_reads(slots: Mapping[str, str | None]) -> dict[str, str | None]:
    """The slots as the handlers act on them: with no number heard for ``week``, the ordinal
    ("sixth", id "6") is the week, so an annotation says ``{"week": "6"}`` either way."""
    read = {name: value for name, value in slots.items() if name != ORDINAL_SLOT}
    ordinal = slots.get(ORDINAL_SLOT)
    if read.get("week") is None and ordinal is not None:
        number = parse_number(ordinal)
        read["week"] = ordinal if number is None else str(number)
    return read


def correct(annotation: Annotation, heard: Heard) -> bool:
    if heard.intent != annotation.intent:
        return False
    slots = as_the_skill_reads(heard.slots)
    for name, expected in annotation.slots.items():
        if not slot_matches(name, expected, slots.get(name)):
            return False
    # A custom slot nobody asked for ("start my exercises" heard with a routine) is wrong too.
    return all(slots.get(name) is None for name in CUSTOM_SLOTS if name not in annotation.slots and name != "symptom")


def hinges_on_raw_builtin(annotation: Annotation, slot_types: Mapping[str, Mapping[str, str]]) -> bool:
    types = slot_types.get(annotation.intent, {})
    return any(types.get(name) in RAW_BUILTINS for name in annotation.slots)


# --- the two engines -----------------------------------------------------------------------


def console_heard(annotations: Sequence[Annotation], vocabulary: Vocabulary) -> list[Heard]:
    from skill.devtools.nlu import resolver_for

    results = []
    for row in annotations:
        found = resolver_for(row.locale).resolve(row.text, today=EVAL_DAY)
        slots: dict[str, str | None] = {}
        for name, fill in found.slots.items():
            if name in CUSTOM_SLOTS or name == ORDINAL_SLOT:
                slots[name] = _custom_reading(name, fill.resolved_id, fill.value, vocabulary)
            else:
                slots[name] = fill.value
        results.append(Heard(found.intent, slots))
    return results


def virtual_alexa_available() -> bool:
    return shutil.which("node") is not None and (NODE_DIR / "node_modules" / "virtual-alexa").exists()


def virtual_alexa_heard(
    annotations: Sequence[Annotation], vocabulary: Vocabulary, models_dir: Path | None = None
) -> list[Heard]:
    """One node process per locale resolves all that locale's sentences (tests/node/nlu.js)."""
    from skill.devtools.interaction_model import MODELS_DIR

    models = models_dir or MODELS_DIR
    by_locale: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(annotations):
        by_locale[row.locale].append(index)
    results: list[Heard | None] = [None] * len(annotations)
    for locale, indexes in by_locale.items():
        done = subprocess.run(
            ["node", str(NODE_DIR / "nlu.js"), str(models / f"{locale}.json"), locale],
            input=json.dumps([as_spoken(annotations[i].text) for i in indexes]),
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        for index, raw in zip(indexes, json.loads(done.stdout), strict=True):
            results[index] = _from_virtual_alexa(raw, vocabulary)
    return [r for r in results if r is not None]


def as_spoken(text: str) -> str:
    """A typed sentence as it is said: digits in words ("6 out of 10" -> "six out of ten").
    Alexa's samples spell numbers (a digit in a sample is a build error) and match the
    spoken words; virtual-alexa matches text, so it is given the words a patient says.
    Ordinal digits ("3rd") are dates, which are left out of virtual-alexa's count."""
    from skill.domain.numbers import number_words

    return re.sub(r"\b\d{1,2}\b", lambda m: number_words(int(m.group())), text)


def _from_virtual_alexa(raw: Mapping[str, Any], vocabulary: Vocabulary) -> Heard:
    """virtual-alexa's answer as the skill would read it. It passes AMAZON.NUMBER as the
    words heard ("four"); Alexa sends digits, so those are converted as Alexa would."""
    from skill.devtools.builtin_slots import parse_builtin

    slots: dict[str, str | None] = {}
    for name, slot in raw["slots"].items():
        if name in CUSTOM_SLOTS or name == ORDINAL_SLOT:
            slots[name] = _custom_reading(name, slot["id"], slot["value"], vocabulary)
        elif name in NUMBER_SLOTS:
            slots[name] = parse_builtin("AMAZON.NUMBER", slot["value"]) or slot["value"]
        else:
            slots[name] = slot["value"]
    return Heard(raw["intent"], slots)


def _custom_reading(name: str, resolved_id: str | None, words: str, vocabulary: Vocabulary) -> str | None:
    """A custom slot as the skill reads it (``skill.alexa.slots.understood_id``): the resolved
    id, else the vocabulary's reading of the words; the ordinal keeps its words (the skill
    parses "fifty third" itself)."""
    if name == ORDINAL_SLOT:
        return resolved_id or words
    return resolved_id or vocabulary.resolve(name, words)


# --- the report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    right: int
    total: int

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.right}/{self.total} {100 * self.rate:5.1f}%"


def score(rows: Iterable[tuple[Annotation, Heard]]) -> tuple[Score, dict[str, Score], dict[str, Score], list[str]]:
    """Overall, per intent, per group, and the sentences missed ("text -> what was heard")."""
    per_intent: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_group: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    missed = []
    right = total = 0
    for annotation, heard in rows:
        ok = correct(annotation, heard)
        for bucket in (per_intent[annotation.intent], per_group[annotation.group]):
            bucket[0] += ok
            bucket[1] += 1
        right += ok
        total += 1
        if not ok:
            expected = f"[{annotation.intent} {dict(annotation.slots)}]"
            missed.append(f"{annotation.text!r} {expected} -> {heard.intent} {dict(heard.slots)}")
    return (
        Score(right, total),
        {k: Score(*v) for k, v in sorted(per_intent.items())},
        {k: Score(*v) for k, v in sorted(per_group.items())},
        missed,
    )


def slot_types_by_intent(model: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    language = model["interactionModel"]["languageModel"]
    return {i["name"]: {s["name"]: s["type"] for s in i.get("slots", [])} for i in language["intents"]}


def report(
    annotations: Sequence[Annotation],
    vocabulary: Vocabulary,
    *,
    virtual_alexa: bool = True,
    show_missed: bool = False,
    source: Path = ANNOTATIONS,
    dialogs: bool = False,
) -> str:
    from skill.devtools.interaction_model import MODELS_DIR

    shown = source.resolve().relative_to(REPO) if source.resolve().is_relative_to(REPO) else source
    lines = [f"annotation set: {len(annotations)} sentences ({shown})"]
    engines: list[tuple[str, list[tuple[Annotation, Heard]], list[Annotation]]] = []
    engines.append(("console NLU", list(zip(annotations, console_heard(annotations, vocabulary), strict=True)), []))
    if virtual_alexa and virtual_alexa_available():
        types = slot_types_by_intent(json.loads((MODELS_DIR / "en-US.json").read_text(encoding="utf-8")))
        kept = [a for a in annotations if not hinges_on_raw_builtin(a, types)]
        left_out = [a for a in annotations if hinges_on_raw_builtin(a, types)]
        # virtual-alexa matches samples word for word: what it scores says which sentences are
        # samples, not what a device understands (an end-to-end check, not an accuracy measure).
        heard = list(zip(kept, virtual_alexa_heard(kept, vocabulary), strict=True))
        engines.append(("virtual-alexa (literal sample matching, not a measure of understanding)", heard, left_out))
    elif virtual_alexa:
        lines.append("virtual-alexa: skipped (needs Node.js and tests/node/node_modules; ./dev test installs them)")
    for name, rows, left_out in engines:
        overall, per_intent, per_group, missed = score(rows)
        red = per_group.get("red_flag", Score(0, 0))
        lines += ["", f"{name}: overall {overall}   red flags {red}"]
        lines += [f"  {intent:28} {value}" for intent, value in per_intent.items()]
        lines.append("  by group: " + ", ".join(f"{g} {s}" for g, s in per_group.items()))
        lines += symptom_confusions(rows)
        if left_out:
            lines.append(f"  left out ({len(left_out)}, hinge on TIME/DATE/DURATION words):")
            lines += [f"    {a.text!r}" for a in left_out]
        if show_missed:
            lines.append(f"  missed ({len(missed)}):")
            lines += [f"    {m}" for m in missed]
    if dialogs:
        lines += dialog_report(symptom_dialogs(annotations), show_missed=show_missed)
    return "\n".join(lines)


def symptom_confusions(rows: Sequence[tuple[Annotation, Heard]]) -> list[str]:
    """Where symptoms hide: every symptom sentence that another intent took (and which), and
    every other sentence that landed on SymptomIntent (and what it was)."""
    missed = [(a, h) for a, h in rows if a.intent == "SymptomIntent" and h.intent != "SymptomIntent"]
    taken = [(a, h) for a, h in rows if a.intent != "SymptomIntent" and h.intent == "SymptomIntent"]
    lines = [f"  symptom sentences another intent took ({len(missed)}):"]
    lines += [f"    {a.text!r} [{a.group}] -> {h.intent}" for a, h in missed]
    lines.append(f"  other sentences taken as a symptom ({len(taken)}):")
    lines += [f"    {a.text!r} [{a.intent}] -> SymptomIntent" for a, h in taken]
    return lines


def sentences_that_are_samples(annotations: Sequence[Annotation], models: Iterable[Mapping[str, Any]]) -> list[str]:
    """Annotation sentences the models hold word for word: a sample without slots, or a
    value of a slot type some sample takes bare ("{symptom}"). The set must measure how
    the models generalise, so each of these is a problem."""
    from skill.devtools.nlu import normalize_utterance

    held: set[str] = set()
    for model in models:
        language = model["interactionModel"]["languageModel"]
        types = {t["name"]: t for t in language.get("types", [])}
        for intent in language["intents"]:
            slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
            for sample in intent["samples"]:
                bare = sample.strip()
                if "{" not in sample:
                    held.add(normalize_utterance(sample))
                elif bare.startswith("{") and bare.endswith("}") and slots.get(bare[1:-1]) in types:
                    for value in types[slots[bare[1:-1]]]["values"]:
                        for spoken in [value["name"]["value"], *value["name"].get("synonyms", [])]:
                            held.add(normalize_utterance(spoken))
    return [a.text for a in annotations if normalize_utterance(a.text) in held]


# --- symptom dialogs: what the patient hears, through the whole skill ---------------------------

# The answers the safety promise names (the prompts' wording): a red flag gets "call emergency
# services now" with the locale's number; any other symptom gets a triage answer (issue 27):
# it stops the set and refers, sends the patient to the surgeon's office today, says what is
# normal with exercise and when to stop, or asks what is felt. Which tier is right is the
# triage set's measure (``--triage``); here the sentence must be heard as a symptom at all, not
# paused on as not understood, nor answered as something else.
# The surgeon's office today, in each locale's words ("surgeon's team", "surgeon's rooms").
SURGEON_TODAY = "today about this"
_STOPS = ("Stop the exercise now", SURGEON_TODAY)
_TRIAGED = (
    *_STOPS,
    "Stop if you feel increased pain or pain spreading to your legs",
    "Is it pain, numbness or weakness",
)
_MID_SET = ("my physio moved me to the week six routine", "start my week six routine", "ready")
# How the emergency answer ends (the session open only to say it again), where a stop rule's
# answer that also names the number asks whether there is a question about it.
_SAID_AGAIN = "To hear that again, say repeat."


@dataclass(frozen=True)
class Dialog:
    annotation: Annotation
    passed: bool
    answer: str


def symptom_dialogs(annotations: Sequence[Annotation]) -> list[Dialog]:
    """Each symptom and red-flag sentence said mid-set (the week six routine's first set
    counted) in ``spine-coach chat``'s skill on a fresh SQLite store, and each red flag also
    said outside a session ("ask spine coach ..."), with a new user every time."""
    import tempfile

    from skill.alexa.factory import build_skill
    from skill.devtools.envelopes import LOCAL_SKILL_ID, Device
    from skill.devtools.simulator import Conversation, in_process
    from skill.domain.catalog import load_catalog
    from skill.store import open_store

    guidance = load_catalog().guidance
    dialogs = []
    with tempfile.TemporaryDirectory() as tmp:
        skill = build_skill(store=open_store(f"sqlite:///{tmp}/dialogs.db"), skill_id=LOCAL_SKILL_ID)

        def talk(user: str, locale: str) -> Conversation:
            device = Device(user_id=f"amzn1.ask.account.DIALOG{user}", locale=locale)
            return Conversation(in_process(skill), device=device)

        for n, annotation in enumerate(a for a in annotations if a.group in ("red_flag", "symptom")):
            number = emergency_answer(guidance, annotation.locale)
            convo = talk(f"{n}MID", annotation.locale)
            convo.launch()
            for line in _MID_SET:
                convo.say(line)
            reply = convo.say(annotation.text)
            answers = [reply.text]
            passed = number in reply.text or any(s in reply.text for s in _TRIAGED)
            if annotation.group == "red_flag":
                outside = talk(f"{n}OUT", annotation.locale).say(f"ask spine coach {annotation.text}")
                answers.append(outside.text)
                passed = all(number in r.text and r.text.endswith(_SAID_AGAIN) for r in (reply, outside))
            dialogs.append(Dialog(annotation, passed, " | ".join(answers)))
    return dialogs


def dialog_report(dialogs: Sequence[Dialog], *, show_missed: bool = False) -> list[str]:
    red = [d for d in dialogs if d.annotation.group == "red_flag"]
    everyone = Score(sum(d.passed for d in dialogs), len(dialogs))
    lines = [
        "",
        f"symptom dialogs (the skill, mid-set; red flags also outside a session): "
        f"{everyone}   red flags {Score(sum(d.passed for d in red), len(red))}",
    ]
    if show_missed:
        failed = [d for d in dialogs if not d.passed]
        lines += [f"    {d.annotation.text!r} [{d.annotation.group}] -> {d.answer[:160]}" for d in failed]
    return lines


# --- triage: the tier each statement gets, against the tier a clinician gave it ------------------

TIERS = ("emergency", "today", "stop", "expected")
# What the skill did, read from its answer: the three stops by their words, a question back
# (the check-in: "tell me what you feel"), or nothing of the kind (carried on, or answered
# something else).
ANSWERED = ("emergency", "today", "stop", "asked", "carried on")


@dataclass(frozen=True)
class TriageCase:
    text: str
    tier: str
    locale: str = "en-US"


def load_triage(path: Path) -> list[TriageCase]:
    """A triage set: JSON lines with ``text``, ``tier`` (one of TIERS) and optionally ``locale``."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row["tier"] not in TIERS:
                raise ValueError(f"{path}: tier {row['tier']!r} is not one of {TIERS}")
            cases.append(TriageCase(row["text"], row["tier"], row.get("locale") or "en-US"))
    return cases


def emergency_answer(guidance: Guidance, locale: str) -> str:
    """The words of the emergency answer itself, not the stop rule's mention of the number
    ("if you also have new numbness ... call ..."). en-AU says "Call triple zero, 0 0 0, now"."""
    digits = " ".join(guidance.emergency_number(locale))
    call = "triple zero, " if locale == "en-AU" else "emergency services now on "
    return f"This needs help right away. Call {call}{digits}"


def answered_tier(text: str, locale: str, guidance: Guidance | None = None) -> str:
    """The tier an answer gave, by the words the safety answers are made of."""
    if guidance is None:
        from skill.domain.catalog import load_catalog

        guidance = load_catalog().guidance
    if emergency_answer(guidance, locale) in text:
        return "emergency"
    if SURGEON_TODAY in text:
        return "today"
    if "Stop the exercise now" in text:
        return "stop"
    if "tell me what you feel" in text or "Is it pain, numbness or weakness" in text:
        return "asked"
    return "carried on"


def triage_answers(cases: Sequence[TriageCase]) -> list[tuple[TriageCase, str, str]]:
    """(case, tier answered mid-set, tier answered outside a session) for each statement,
    through the whole skill on a fresh SQLite store, a new user each time."""
    import tempfile

    from skill.alexa.factory import build_skill
    from skill.devtools.envelopes import LOCAL_SKILL_ID, Device
    from skill.devtools.simulator import Conversation, in_process
    from skill.domain.catalog import load_catalog
    from skill.store import open_store

    guidance = load_catalog().guidance
    found = []
    with tempfile.TemporaryDirectory() as tmp:
        skill = build_skill(store=open_store(f"sqlite:///{tmp}/triage.db"), skill_id=LOCAL_SKILL_ID)
        for n, case in enumerate(cases):
            mid = Conversation(
                in_process(skill), device=Device(user_id=f"amzn1.ask.account.TRIAGE{n}M", locale=case.locale)
            )
            mid.launch()
            for line in _MID_SET:
                mid.say(line)
            during = answered_tier(mid.say(case.text).text, case.locale, guidance)
            out = Conversation(
                in_process(skill), device=Device(user_id=f"amzn1.ask.account.TRIAGE{n}O", locale=case.locale)
            )
            outside = answered_tier(out.say(f"ask spine coach {case.text}").text, case.locale, guidance)
            found.append((case, during, outside))
    return found


def triage_report(cases: Sequence[TriageCase], *, show_missed: bool = False) -> list[str]:
    """A confusion table by tier, mid-set and outside a session: rows the clinician's tier,
    columns what the skill did. Under-triage is any answer milder than the row's tier; an
    expected sensation is right only when the skill carried on (or asked)."""
    rows = triage_answers(cases)
    lines = [f"triage set: {len(cases)} statements"]
    by_place = (("mid-set", [(c, d) for c, d, _ in rows]), ("outside a session", [(c, o) for c, _, o in rows]))
    for where, answers in by_place:
        lines += ["", f"triage {where}: rows the set's tier, columns the skill's answer"]
        lines.append("  " + f"{'':12}" + "".join(f"{a:>12}" for a in ANSWERED) + f"{'right':>10}")
        for tier in TIERS:
            got = [answer for case, answer in answers if case.tier == tier]
            right = sum(right_answer(tier, g) for g in got)
            counts = "".join(f"{got.count(a):>12}" for a in ANSWERED)
            lines.append(f"  {tier:12}{counts}{f'{right}/{len(got)}':>10}")
        if show_missed:
            lines += [f"    {c.text!r} [{c.tier}] -> {a}" for c, a in answers if not right_answer(c.tier, a)]
    return lines


def right_answer(tier: str, answered: str) -> bool:
    """Right: the same tier; for an expected sensation, carrying on or asking."""
    if tier == "expected":
        return answered in ("carried on", "asked")
    return answered == tier
