"""The one renderer: neutral output segments to SSML (for Alexa) and plain text (for people).

Everything spoken passes through here, so escaping, pause limits and the speech length
limit are enforced in one place: text is XML-escaped (the SDK does not escape), a pause
longer than Alexa's 10-second break is chained from several breaks, and speech over
8,000 characters is an error the caller must avoid by splitting (the coaching planner
does), never a silent cut.
"""

from __future__ import annotations

import _random
import functools
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from skill.alexa.prompts import Prompts
from skill.domain.catalog import Catalog, Caution, Exercise
from skill.domain.output import (
    Content,
    Count,
    ExerciseRef,
    ListOf,
    ParamValue,
    Pause,
    RoutineRef,
    Say,
    Segment,
    Spoken,
    Text,
)
from skill.domain.workout import PLAN

MAX_SPEECH_CHARS = 8000
MAX_BREAK_SECONDS = 10.0

try:  # built in; hashlib would load OpenSSL
    from _sha512 import sha512  # type: ignore[import-not-found]  # no stub; hashlib loads OpenSSL
except ImportError:  # pragma: no cover - an interpreter built without it
    from hashlib import sha512


class SpeechTooLong(ValueError):
    """Rendered speech exceeds Alexa's 8,000-character limit."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """Rendered speech: SSML for Alexa and the same words as plain text."""

    ssml: str
    text: str  # readable form: pauses as "[pause 5s]"

    @property
    def empty(self) -> bool:
        return not self.text.strip()


class Chooser(Protocol):
    """What a renderer needs of a random generator: ``random.Random`` or ``SeededChoice``."""

    def choice(self, seq: Sequence[str]) -> str: ...


class SeededChoice:
    """``random.Random(seed).choice``, the generator made at the first choice: the same
    choices, and a turn that says no prompt with variants (most counted sets) does not pay
    for seeding a Mersenne Twister from a string (about 10 microseconds).

    Made from the C generator that ``random.Random`` is built on, seeded and drawn as
    ``random.Random`` does (a string seed: its bytes and their SHA-512, as one integer;
    ``choice``: ``getrandbits`` of the length's bit count until below the length): the
    ``random`` module costs about 1 ms of a cold start and a launch chooses a variant.
    ``tests/test_speech.py`` compares the two over many seeds and lengths."""

    def __init__(self, seed: str) -> None:
        self._seed = seed
        self._rng: _random.Random | None = None

    def choice(self, seq: Sequence[str]) -> str:
        if self._rng is None:
            seed = self._seed.encode()
            self._rng = _random.Random(int.from_bytes(seed + sha512(seed).digest()))
        n = len(seq)
        if not n:
            raise IndexError("Cannot choose from an empty sequence")
        bits = n.bit_length()
        r = self._rng.getrandbits(bits)
        while r >= n:
            r = self._rng.getrandbits(bits)
        return seq[r]


class Renderer:
    """Renders segments for one request: one locale, one variant chooser."""

    def __init__(self, prompts: Prompts, catalog: Catalog, rng: Chooser) -> None:
        self.prompts = prompts
        self.catalog = catalog
        self.rng = rng
        # The wording chosen for each prompt with variants, so ``said`` repeats it (the
        # screen's count is timed from the words actually spoken). Per request, so small.
        self._chosen: dict[int, tuple[Say, str]] = {}

    def render(self, segments: Sequence[Segment]) -> Rendered:
        ssml_parts: list[str] = []
        text_parts: list[str] = []
        fixed, seen = _caches(self.prompts.locale, self.catalog)
        context = (self.prompts.locale, id(self.catalog))
        for segment in segments:
            known = seen.get(id(segment))
            if known is not None and known[0] is segment:
                ssml, text = known[1]
                if text:
                    ssml_parts.append(ssml)
                    text_parts.append(text)
                continue
            kind = type(segment)
            found: tuple[str, str] | None
            if kind is Pause:
                found = _pause(segment.seconds)  # type: ignore[union-attr]
                _remember(seen, segment, found)
            else:
                # A counted set repeats the same cues (the move, the release, "hold") dozens of
                # times: those that cannot vary (catalog text, prompts with one wording and no
                # parameters) are rendered once per process. Keyed by plain strings, which
                # hash faster than the segments themselves.
                key = None
                if kind is Content:
                    key = (*context, segment.exercise, segment.part)  # type: ignore[union-attr]
                elif kind is Say and _fixed_params(segment.params):  # type: ignore[union-attr]
                    key = (*context, segment.key, segment.params)  # type: ignore[union-attr]
                found = fixed.get(key) if key is not None else None
                if found is None:
                    words = _upper_first(_xml_safe(self.words(segment)))  # type: ignore[arg-type]
                    found = (escape(words), words)
                    if key is not None and (kind is Content or len(self.prompts.variants(key[2])) == 1):
                        if len(fixed) >= _MAX_FIXED:
                            fixed.clear()
                        fixed[key] = found
                if key is not None and fixed.get(key) is found:
                    _remember(seen, segment, found)
            ssml, text = found
            if not text:
                continue
            ssml_parts.append(ssml)
            text_parts.append(text)
        ssml = "<speak>" + " ".join(ssml_parts) + "</speak>"
        if len(ssml) > MAX_SPEECH_CHARS:
            raise SpeechTooLong(f"{len(ssml)} characters of SSML; split the response")
        return Rendered(ssml=ssml, text=" ".join(text_parts))

    def words(self, segment: Say | Content | Text) -> str:
        """The plain words of one non-pause segment."""
        if isinstance(segment, Say):
            variants = self.prompts.variants(segment.key)
            if len(variants) == 1:
                template = variants[0]
            else:
                template = self.rng.choice(variants)
                self._chosen[id(segment)] = (segment, template)
            return self._fill(template, segment.params)
        if isinstance(segment, Text):
            return self.terms(segment.text)
        return self._content(self.catalog.exercise(segment.exercise), segment.part)

    def said(self, segment: Say | Content | Text) -> str:
        """The words of ``segment`` as this renderer last said them: the same variant."""
        chosen = self._chosen.get(id(segment)) if isinstance(segment, Say) else None
        if chosen is not None and chosen[0] is segment:
            return self._fill(chosen[1], segment.params)
        return self.words(segment)

    def _fill(self, template: str, params: Iterable[tuple[str, ParamValue]]) -> str:
        values = {name: self._param(value) for name, value in params}
        for field_name in _fields(template):
            if field_name not in values:
                if field_name.startswith("term_"):
                    values[field_name] = self.prompts.term(field_name.removeprefix("term_"))
                else:
                    raise KeyError(f"prompt needs parameter {field_name!r}")
        # "every day at 9 a.m." closing a sentence must not end "a.m.."
        return _DOUBLE_STOP.sub(".", template.format_map(values))

    def _param(self, value: ParamValue) -> str:
        if isinstance(value, ExerciseRef):
            return self.catalog.exercise(value.id).name
        if isinstance(value, RoutineRef):
            if value.id == PLAN:  # the physiotherapist's plan is named in the prompts, not the catalog
                return self._fill(self.prompts.variants("plan.name")[0], ())
            return self.catalog.routine(value.id).name
        if isinstance(value, Spoken):
            return value.text
        if isinstance(value, Count):
            form = "one" if value.n == 1 else "other"
            return self._fill(self.prompts.variants(f"noun.{value.noun}.{form}")[0], (("n", value.n),))
        if isinstance(value, ListOf):
            return self.join([self._param(item) for item in value.items], value.conjunction)
        if isinstance(value, Say | Content | Text):
            return _strip_period(self.words(value))
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def join(self, items: Sequence[str], conjunction_term: str = "and") -> str:
        """ "a", "a and b", "a, b and c" with the locale's conjunction."""
        if len(items) <= 1:
            return "".join(items)
        if conjunction_term == "comma":
            return ", ".join(items)
        conjunction = self.prompts.term(conjunction_term)
        return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"

    def terms(self, text: str) -> str:
        """Catalog text with the locale's terms filled in: {therapist} ("physio", "physical
        therapist"), {walking_aid} ("walking frame or stick", "walker or cane"), {wall_distance}
        (centimetres or inches)."""
        if "{" not in text:
            return text
        return re.sub(r"\{([a-z_]+)\}", lambda m: self.prompts.term(m.group(1)), text)

    def caution(self, caution: Caution) -> str:
        """A caution as said: patient experience is framed as such, never as advice."""
        text = self.terms(caution.text)
        if not caution.patient_experience:
            return text
        template = self.prompts.variants("content.caution.patient_experience")[0]
        return self._fill(template, (("caution", _lower_first(_strip_period(text))),))

    def _content(self, exercise: Exercise, part: str) -> str:
        if part == "name":
            return exercise.name
        if part == "position":
            return self.terms(exercise.position)
        if part == "breathing":
            return self.terms(exercise.breathing)
        if part == "purpose":
            return self.terms(exercise.purpose or "")
        if part == "cautions":
            return " ".join(self.caution(c) for c in exercise.cautions)
        if part == "experience":  # forum-only exercises are patient experience, never advice
            return (
                self._fill(self.prompts.variants("content.patient_experience")[0], ())
                if (exercise.patient_experience)
                else ""
            )
        if part in ("steps", "key_steps"):
            steps = exercise.steps
            if part == "key_steps":
                return " ".join(self.terms(s) for s in steps)
            spoken = []
            for index, step in enumerate(steps):
                key = (
                    "content.step.first"
                    if index == 0
                    else "content.step.last"
                    if index == len(steps) - 1
                    else "content.step.next"
                )
                spoken.append(self._fill(self.prompts.variants(key)[0], (("step", _lower_first(self.terms(step))),)))
            return " ".join(spoken)
        coaching = exercise.coaching
        if coaching is None:
            return ""
        if part == "move":
            return _sentence(coaching.move)
        if part == "release":
            return _sentence(coaching.release)
        raise ValueError(f"unknown content part {part!r}")


# Characters XML 1.0 does not allow (control characters, lone surrogates, U+FFFE/FFFF):
# the user's words can carry them into a "did you mean" answer, and SSML must stay valid.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def escape(text: str) -> str:
    """XML-escape text (``xml.sax.saxutils.escape`` would pull in urllib and ssl at start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _sentence(text: str) -> str:
    """A cue spoken on its own ends like a sentence, so the voice drops at the end."""
    return text if text.endswith((".", "!", "?")) else text + "."


def _strip_period(text: str) -> str:
    """A sentence used inside another sentence loses its final period (but "a.m." keeps its own)."""
    if _ABBREVIATION_END.search(text):
        return text
    return text[:-1] if text.endswith(".") else text


_ABBREVIATION_END = re.compile(r"\b[a-z]\.[a-z]\.$")
_DOUBLE_STOP = re.compile(r"\.\.(?=\s|$)")


def _upper_first(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _lower_first(sentence: str) -> str:
    if sentence[:2] in ("I ", "I'"):
        return sentence
    return sentence[:1].lower() + sentence[1:]


@functools.lru_cache(maxsize=1024)
def _fields(template: str) -> tuple[str, ...]:
    """The placeholders of a prompt template (parsed once per template)."""
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


# Renderings that cannot vary, per locale and catalog (the catalog is kept with them, so a
# later catalog at the same address never sees an earlier one's words):
# - by key: (locale, id(catalog), prompt key or exercise, params or content part)
# - by identity: id(segment) -> (the segment, kept alive so its id stays its own; rendering).
#   A counted set's segments come from one cached plan (``coaching.count_chunk``), so the
#   same objects recur turn after turn, and an identity lookup costs less than a key.
_Fixed = dict[tuple[str, int, str, object], tuple[str, str]]
_Seen = dict[int, tuple[Segment, tuple[str, str]]]
_CACHES: dict[tuple[str, int], tuple[Catalog, _Fixed, _Seen]] = {}
_MAX_FIXED = 4096


def _caches(locale: str, catalog: Catalog) -> tuple[_Fixed, _Seen]:
    found = _CACHES.get((locale, id(catalog)))
    if found is None or found[0] is not catalog:
        if len(_CACHES) >= 64:
            _CACHES.clear()
        found = _CACHES[(locale, id(catalog))] = (catalog, {}, {})
    return found[1], found[2]


def _remember(seen: _Seen, segment: Segment, rendered: tuple[str, str]) -> None:
    if len(seen) >= _MAX_FIXED:
        seen.clear()
    seen[id(segment)] = (segment, rendered)


_FIXED_TYPES = (int, float, Count, ExerciseRef, RoutineRef, Content)


def _fixed_params(params: tuple[tuple[str, ParamValue], ...]) -> bool:
    """Parameters that render the same every time and hash fast: none, numbers and counts
    ("7", "5 seconds"), and names or text from the catalog (fixed for one catalog)."""
    return all(type(value) in _FIXED_TYPES for _, value in params)


@functools.lru_cache(maxsize=256)
def _pause(seconds: float) -> tuple[str, str]:
    return _breaks(seconds), f"[pause {_seconds(seconds)}]"


@functools.lru_cache(maxsize=256)
def _breaks(seconds: float) -> str:
    """SSML breaks totalling ``seconds``, none longer than Alexa's 10-second maximum."""
    parts = []
    remaining = round(seconds * 1000)
    while remaining > 0:
        chunk = min(remaining, int(MAX_BREAK_SECONDS * 1000))
        parts.append(f'<break time="{chunk // 1000}s"/>' if chunk % 1000 == 0 else f'<break time="{chunk}ms"/>')
        remaining -= chunk
    return "".join(parts)


def _seconds(seconds: float) -> str:
    return f"{seconds:g}s"


_BREAK = re.compile(r'<break time="(\d+(?:\.\d+)?)(ms|s)"/>')


def break_seconds(ssml: str) -> list[float]:
    """Every break in some SSML, in seconds (for checks and tests)."""
    return [float(v) / (1000 if unit == "ms" else 1) for v, unit in _BREAK.findall(ssml)]


def is_rendered_ssml(ssml: object) -> bool:
    """Whether ``ssml`` has the shape this renderer produces: within the length limit, a
    bare ``<speak>`` holding text and ``<break time="..."/>`` of at most 10 seconds. Used
    before saying again what came back from outside (session attributes, for "repeat")."""
    if not isinstance(ssml, str) or len(ssml) > MAX_SPEECH_CHARS or "<!" in ssml or "<?" in ssml:
        return False
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(ssml)
    except ET.ParseError:
        return False
    if root.tag != "speak" or root.attrib:
        return False
    for child in root:
        if child.tag != "break" or set(child.attrib) != {"time"} or len(child):
            return False
        pause = break_seconds(f'<break time="{child.attrib["time"]}"/>')
        if len(pause) != 1 or not 0 < pause[0] <= MAX_BREAK_SECONDS:
            return False
    return True
