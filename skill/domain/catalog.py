"""The exercise catalog: typed, immutable objects read once from ``content/``.

``content/`` is the one source of every exercise fact (see the README's "Content format").
This module turns it into frozen dataclasses and answers the questions the skill asks of
it: an exercise by id or by a spoken name, the routine for a week after surgery, the
exercises whose names sound closest to some unrecognised words.

Loading is fast enough for a cold start: it parses JSON and checks cross-references, but
runs the full JSON Schema validation (``skill.domain.content_check``) only when the content has
changed since it last passed, so a broken file can never reach users while a validated
catalog costs a few milliseconds to load.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from skill.domain.vocabulary import Vocabulary, build_vocabulary, normalize

_T = TypeVar("_T", "Topic", "Symptom")


class ContentError(Exception):
    """A content file is missing, malformed or inconsistent.

    ``problems`` lists every problem found, each naming the file and the JSON path.
    """

    def __init__(self, problems: Sequence[object]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True, slots=True)
class Range:
    """An inclusive amount range as the seeds give it (``min == max`` for a single number)."""

    min: int
    max: int

    @property
    def fixed(self) -> bool:
        return self.min == self.max


@dataclass(frozen=True, slots=True)
class Dosage:
    """How much of an exercise one source prescribes.

    ``given`` is false when the source names the exercise without amounts; then every
    amount is ``None`` and ``note`` says so. Coaching never invents the missing numbers.
    """

    id: str
    source: str
    given: bool
    reps: Range | None = None
    hold_seconds: Range | None = None
    per_side: bool = False
    sets: int = 1
    times_per_day: Range | None = None
    minutes: Range | None = None
    note: str | None = None
    work_up_to: bool = False


@dataclass(frozen=True, slots=True)
class Caution:
    """``source`` is ``None`` for our own coaching advice (pending clinical review);
    ``patient_experience`` when the source is the patient forum, so it is never spoken as a rule."""

    text: str
    source: str | None
    patient_experience: bool = False


@dataclass(frozen=True, slots=True)
class Coaching:
    """Pacing and cue words for one repetition (our coaching choice, not a seed fact)."""

    tempo_seconds: float
    move: str
    release: str
    side_word: str | None = None
    alternating: bool = False


@dataclass(frozen=True, slots=True)
class Exercise:
    """One exercise from ``content/exercises/``: what to say and how to count it."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    category: str
    position: str
    steps: tuple[str, ...]
    breathing: str
    cautions: tuple[Caution, ...]
    requires_clearance: bool
    sources: tuple[str, ...]
    dosages: tuple[Dosage, ...]
    default_dosage: str
    coaching: Coaching | None = None
    clearance_note: str | None = None
    patient_experience: bool = False  # only the patient forum describes it
    short_name: str | None = None  # for a counting screen, when ``name`` is too long for one line
    purpose: str | None = None  # what it is for, as a source says it; None when no source says

    def dosage(self, dosage_id: str | None = None) -> Dosage:
        """The dosage with this id, or the exercise's default one."""
        wanted = dosage_id or self.default_dosage
        for dosage in self.dosages:
            if dosage.id == wanted:
                return dosage
        raise KeyError(f"{self.id} has no dosage {wanted!r}")

    @property
    def spoken_names(self) -> tuple[str, ...]:
        """The display name and every synonym, as people say them."""
        return (normalize(self.name), *self.synonyms)


@dataclass(frozen=True, slots=True)
class RoutineItem:
    """One exercise of a routine, with the dosage the routine chooses."""

    exercise: str
    dosage: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Routine:
    """A named routine from ``content/routines.json``."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    description: str
    sources: tuple[str, ...]
    items: tuple[RoutineItem, ...]
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StageSpan:
    """Weeks ``from_week``..``to_week`` (inclusive; ``None`` = onwards) use ``routine``."""

    from_week: int
    to_week: int | None
    routine: str
    source: str
    note: str | None = None

    def contains(self, week: int) -> bool:
        return week >= self.from_week and (self.to_week is None or week <= self.to_week)


@dataclass(frozen=True, slots=True)
class DaySpan:
    """Days ``from_day``..``to_day`` after surgery (inclusive; ``None`` = onwards) use ``routine``;
    ``after_follow_up``: only once the user has confirmed their six-week follow-up."""

    from_day: int
    to_day: int | None
    routine: str
    source: str
    after_follow_up: bool = False

    def contains(self, day: int) -> bool:
        return day >= self.from_day and (self.to_day is None or day <= self.to_day)


@dataclass(frozen=True, slots=True)
class Stages:
    """``content/stages.json``: the user's days to routine, and how each routine may start.

    ``rules`` maps a routine id to ``any_time`` (never checked), ``calendar`` (from the
    first day its span in ``day_map`` starts), ``clinician`` (only when the user's
    surgeon or physiotherapist has cleared it) or ``no_surgery`` (not meant for after
    back surgery). ``exercise_routines`` places exercises that no routine lists.
    """

    day_map: tuple[DaySpan, ...]
    rules: Mapping[str, str]
    exercise_routines: Mapping[str, str]

    def span_for_day(self, day: int) -> DaySpan:
        for span in self.day_map:
            if span.contains(max(0, day)):
                return span
        raise LookupError(f"no stage covers day {day}")  # content check forbids gaps

    def first_span(self, routine_id: str) -> DaySpan | None:
        return next((s for s in self.day_map if s.routine == routine_id), None)

    def step(self, routine_id: str) -> int:
        """How far along recovery a routine is: any-time and no-surgery routines 0, calendar
        routines by their place in ``day_map``, clinician-chosen ones last."""
        rule = self.rules.get(routine_id, "clinician")
        if rule == "calendar":
            return 1 + [s.routine for s in self.day_map].index(routine_id)
        if rule == "clinician":
            return len(self.day_map) + 1
        return 0


@dataclass(frozen=True, slots=True)
class Rule:
    """A piece of guidance (a rule, the disclaimer) and the sources it comes from."""

    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Topic:
    """Everyday guidance on one activity ("can I lift my grandson")."""

    id: str
    synonyms: tuple[str, ...]
    verdict: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Symptom:
    """Something the user reports mid-exercise; ``severity`` is ``expected`` (normal with
    exercise: acknowledged, and the workout carries on), ``stop``, ``surgeon_today``
    (contact the surgeon's office today) or ``emergency``."""

    id: str
    synonyms: tuple[str, ...]
    severity: str
    sources: tuple[str, ...]
    red_flag_check: str | None = None
    alone: bool = False  # counts only when the words name nothing else (a positive statement)


@dataclass(frozen=True, slots=True)
class Combination:
    """Signs that together call for a higher tier than each alone: ``severity`` when every
    one of ``signs`` is in the patient's words."""

    signs: frozenset[str]
    severity: str


@dataclass(frozen=True, slots=True)
class Guidance:
    """The general safety guidance: stop rule, breathing, symptoms, topics."""

    disclaimer: Rule
    breathing_rule: Rule
    stop_rule: Rule
    stop_contact: str
    surgeon_first: Rule
    before_starting: Rule
    avoid_summary: Rule
    emergency_numbers: Mapping[str, str]
    topics: tuple[Topic, ...]
    symptoms: tuple[Symptom, ...]
    combinations: tuple[Combination, ...] = ()

    def emergency_number(self, locale: str) -> str:
        """The emergency number for a locale; en-US's for an unknown English locale."""
        return self.emergency_numbers.get(locale, self.emergency_numbers["en-US"])

    def topic(self, topic_id: str) -> Topic:
        return _by_id(self.topics, topic_id)

    def symptom(self, symptom_id: str) -> Symptom:
        return _by_id(self.symptoms, symptom_id)

    def find_topic(self, topic_id: str | None) -> Topic | None:
        """The topic with this id (say, a slot's resolved id), or ``None``."""
        return next((t for t in self.topics if t.id == topic_id), None)

    def find_symptom(self, symptom_id: str | None) -> Symptom | None:
        return next((s for s in self.symptoms if s.id == symptom_id), None)


@dataclass(frozen=True, slots=True)
class Source:
    """A source document the content cites."""

    id: str
    kind: str
    title: str
    covers: str


@dataclass(frozen=True)
class Catalog:
    """Everything in ``content/``, read-only.

    A catalog read from the saved cache (``catalog_cache``) reads each field on first use:
    a launch reads only ``guidance`` (the disclaimer), and the vocabulary alone is more
    than half of the saved catalog. Each field is the same as in a catalog built afresh,
    compared, copied and pickled like any field (``_cache_form``, ``_from_cache``)."""

    exercises: Mapping[str, Exercise]
    routines: Mapping[str, Routine]
    week_map: tuple[StageSpan, ...]
    guidance: Guidance
    sources: Mapping[str, Source]
    stages: Stages
    vocabulary: Vocabulary

    if not TYPE_CHECKING:  # mypy keeps checking attribute names

        def __getattr__(self, name: str) -> Any:
            """Only for a catalog from the cache: a field not read yet."""
            state = self.__dict__
            saved = state.get("_saved", {}).get(name)
            if saved is not None and name not in state:  # two threads may both read it: one kept
                from skill.domain.catalog_cache import loads

                state.setdefault(name, loads(saved))  # the bytes stay: a copy may share them
            if name not in state:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            return state[name]

    def _cache_form(self) -> tuple[Callable[..., Catalog], tuple[Any, ...]]:
        """How ``catalog_cache`` saves a catalog: each field pickled on its own, with a
        digest of them all, so a damaged copy is a cache miss at load, never an error at
        first use."""
        from skill.domain import catalog_cache

        saved = {f.name: catalog_cache.dumps(getattr(self, f.name)) for f in fields(self)}
        return _from_cache, (saved, catalog_cache.digest(b"".join(saved.values())))

    def exercise(self, exercise_id: str) -> Exercise:
        return self.exercises[exercise_id]

    def routine(self, routine_id: str) -> Routine:
        return self.routines[routine_id]

    def find_exercise(self, spoken: str) -> Exercise | None:
        """The exercise whose name or synonym is exactly these words, else ``None``."""
        return self._spoken_index.get(normalize(spoken))

    def routine_for_week(self, week: int) -> Routine:
        """The routine a spoken "week N" names in a routine request (the STAGE slot's words).
        Not the user's stage: that is ``stages.span_for_day``."""
        if week < 0:
            raise ValueError("week after surgery cannot be negative")
        for span in self.week_map:
            if span.contains(week):
                return self.routines[span.routine]
        raise LookupError(f"no stage covers week {week}")  # content check forbids gaps

    def closest_exercises(self, words: str, limit: int = 3) -> list[Exercise]:
        """Exercises whose names sound closest to ``words``, best first (may be empty).

        Each query word is matched to the most similar word of a name or synonym, by
        spelling or by a rough sound key, so "the bridge thing", "bridjing" and "piri
        formis" land on the right exercise. Only names close to the best match are kept,
        so a clear winner comes alone.
        """
        query = normalize(words)
        query_words = _content_words(query)
        if not query_words:
            return []
        scored: dict[str, float] = {}
        for spoken, exercise in self._spoken_index.items():
            spoken_words = _content_words(spoken)
            by_word = sum(max(_word_similarity(q, s) for s in spoken_words) for q in query_words) / len(query_words)
            score = max(by_word, _similarity(query, spoken))
            if score > scored.get(exercise.id, 0.0):
                scored[exercise.id] = score
        ranked = sorted(scored.items(), key=lambda item: (-item[1], item[0]))
        if not ranked or ranked[0][1] < _MATCH_FLOOR:
            return []
        cutoff = ranked[0][1] - _MATCH_MARGIN
        return [self.exercises[eid] for eid, score in ranked[:limit] if score >= cutoff]

    @functools.cached_property
    def _spoken_index(self) -> Mapping[str, Exercise]:
        index: dict[str, Exercise] = {}
        for exercise in self.exercises.values():
            for spoken in exercise.spoken_names:
                index.setdefault(spoken, exercise)
        return MappingProxyType(index)


def _from_cache(saved: dict[str, bytes], checksum: bytes) -> Catalog:
    from skill.domain.catalog_cache import digest

    if digest(b"".join(saved.values())) != checksum:
        raise ValueError("damaged saved catalog")
    catalog = object.__new__(Catalog)
    catalog.__dict__["_saved"] = saved
    return catalog


_FILLER = frozenset({"the", "a", "an", "my", "your", "do", "to", "with", "of", "on", "thing", "exercise", "one"})
_MATCH_FLOOR = 0.7  # below this nothing sounds close enough to suggest
_MATCH_MARGIN = 0.08  # suggestions must be this close to the best one


def _content_words(text: str) -> list[str]:
    words = text.split()
    return [w for w in words if w not in _FILLER] or words


def _similarity(a: str, b: str) -> float:
    import difflib  # local: only a "did you mean" needs it, not a cold start

    return difflib.SequenceMatcher(None, a, b).ratio()


def _word_similarity(a: str, b: str) -> float:
    """Spelling similarity, or sound-key similarity when both keys are long enough to mean something."""
    score = _similarity(a, b)
    key_a, key_b = sound_key(a), sound_key(b)
    if len(key_a) >= 3 and len(key_b) >= 3:
        score = max(score, _similarity(key_a, key_b))
    return score


def sound_key(text: str) -> str:
    """A rough phonetic key: similar-sounding spellings map to the same letters."""
    key = normalize(text).replace(" ", "").replace("'", "")
    for pattern, replacement in _SOUND_RULES:
        key = re.sub(pattern, replacement, key)
    return key


_SOUND_RULES: tuple[tuple[str, str], ...] = (
    (r"ph", "f"),
    (r"ck|q|c(?=[aou])|c$", "k"),
    (r"c(?=[eiy])", "s"),
    (r"dg|j", "g"),
    (r"z", "s"),
    (r"(?<=.)[aeiouyhw]", ""),
    (r"(.)\1+", r"\1"),
)


def _by_id(items: Sequence[_T], item_id: str) -> _T:
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(item_id)


# --- loading ---------------------------------------------------------------------------


def default_content_dir() -> Path:
    """``$SPINE_COACH_CONTENT`` if set, else the installed catalog (``skill.resources``)."""
    from skill.resources import content_dir

    return content_dir()


@functools.lru_cache(maxsize=4)
def load_catalog(content_dir: Path | None = None) -> Catalog:
    """Read, check and freeze the catalog in ``content_dir`` (cached per directory).

    Raises ``ContentError`` naming each broken file and field; never returns a catalog
    from content that failed the full check.
    """
    from skill.domain import catalog_cache  # local: only this path needs it

    root = Path(content_dir) if content_dir is not None else default_content_dir()
    cached = catalog_cache.load(root)  # saved only from content that passed the checks below
    if isinstance(cached, Catalog):
        return cached
    from skill.domain import content_check  # local: only a catalog built afresh needs it

    raw = content_check.read_tree(root)
    if not content_check.is_stamped(root, raw):
        problems = content_check.check_tree(root, raw)
        if problems:
            raise ContentError(problems)
        content_check.write_stamp(root, raw)
    else:
        problems = content_check.check_references(raw)
        if problems:
            raise ContentError(problems)
    catalog = build_catalog(raw.documents)
    catalog_cache.save(root, catalog)
    return catalog


def build_catalog(documents: Mapping[str, Any]) -> Catalog:
    """Turn already-checked JSON documents (keyed by relative file name) into a Catalog."""
    forum = frozenset(s["id"] for s in documents["sources.json"]["sources"] if s["kind"] == "forum")
    guidance_doc = documents["guidance.json"]
    urgent = [s["id"] for s in guidance_doc["symptoms"] if s["severity"] == "emergency"]
    exercise_names = [doc["name"] for name, doc in documents.items() if name.startswith("exercises/")]
    vocabulary = build_vocabulary(documents["vocabulary.json"], urgent, {"exercise": exercise_names})

    def spoken(slot: str, entry_id: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(normalize(s) for s in vocabulary.say(slot, entry_id)))

    exercises = {
        doc["id"]: _exercise(doc, spoken("exercise", doc["id"]), forum)
        for name, doc in sorted(documents.items())
        if name.startswith("exercises/")
    }
    routines = {r["id"]: _routine(r, spoken("stage", r["id"])) for r in documents["routines.json"]["routines"]}
    week_map = tuple(
        StageSpan(s["from_week"], s["to_week"], s["routine"], s["source"], s.get("note"))
        for s in sorted(documents["stages.json"]["week_map"], key=lambda s: s["from_week"])
    )
    sources = {
        s["id"]: Source(s["id"], s["kind"], s["title"], s["covers"]) for s in documents["sources.json"]["sources"]
    }
    stages_doc = documents["stages.json"]
    stages = Stages(
        day_map=tuple(
            DaySpan(s["from_day"], s["to_day"], s["routine"], s["source"], s.get("after_follow_up", False))
            for s in sorted(stages_doc["day_map"], key=lambda s: s["from_day"])
        ),
        rules=MappingProxyType({r["routine"]: r["rule"] for r in stages_doc["routine_rules"]}),
        exercise_routines=MappingProxyType(
            {e["exercise"]: e["routine"] for e in stages_doc.get("exercise_stages", [])}
        ),
    )
    return Catalog(
        stages=stages,
        exercises=MappingProxyType(exercises),
        routines=MappingProxyType(routines),
        week_map=week_map,
        guidance=_guidance(guidance_doc, spoken),
        sources=MappingProxyType(sources),
        vocabulary=vocabulary,
    )


def _range(value: Mapping[str, int] | None) -> Range | None:
    return None if value is None else Range(value["min"], value["max"])


def _exercise(doc: Mapping[str, Any], synonyms: tuple[str, ...], forum: frozenset[str]) -> Exercise:
    coaching = doc.get("coaching")
    return Exercise(
        id=doc["id"],
        name=doc["name"],
        synonyms=synonyms,
        category=doc["category"],
        position=doc["position"],
        steps=tuple(doc["steps"]),
        breathing=doc["breathing"],
        cautions=tuple(Caution(c["text"], c.get("source"), c.get("source") in forum) for c in doc["cautions"]),
        patient_experience=doc.get("patient_experience", False),
        short_name=doc.get("short_name"),
        purpose=(doc.get("purpose") or {}).get("text"),
        requires_clearance=doc["requires_clearance"],
        clearance_note=doc.get("clearance_note"),
        sources=tuple(doc["sources"]),
        dosages=tuple(
            Dosage(
                id=d["id"],
                source=d["source"],
                given=d["given"],
                reps=_range(d.get("reps")),
                hold_seconds=_range(d.get("hold_seconds")),
                per_side=d.get("per_side", False),
                sets=d.get("sets", 1),
                times_per_day=_range(d.get("times_per_day")),
                minutes=_range(d.get("minutes")),
                note=d.get("note"),
                work_up_to=d.get("work_up_to", False),
            )
            for d in doc["dosages"]
        ),
        default_dosage=doc["default_dosage"],
        coaching=None
        if coaching is None
        else Coaching(
            tempo_seconds=float(coaching["tempo_seconds"]),
            move=coaching["move"],
            release=coaching["release"],
            side_word=coaching.get("side_word"),
            alternating=coaching.get("alternating", False),
        ),
    )


def _routine(doc: Mapping[str, Any], synonyms: tuple[str, ...]) -> Routine:
    return Routine(
        id=doc["id"],
        name=doc["name"],
        synonyms=synonyms,
        description=doc["description"],
        sources=tuple(doc["sources"]),
        items=tuple(RoutineItem(i["exercise"], i["dosage"], i.get("note")) for i in doc["items"]),
        alternatives=tuple(doc.get("alternatives", ())),
    )


def _guidance(doc: Mapping[str, Any], spoken: Callable[[str, str], tuple[str, ...]]) -> Guidance:
    def rule(key: str) -> Rule:
        return Rule(doc[key]["text"], tuple(doc[key]["sources"]))

    numbers = {k: v for k, v in doc["emergency_numbers"].items() if k != "sources"}
    return Guidance(
        disclaimer=rule("disclaimer"),
        breathing_rule=rule("breathing_rule"),
        stop_rule=rule("stop_rule"),
        stop_contact=doc["stop_rule"]["contact"],
        surgeon_first=rule("surgeon_first"),
        before_starting=rule("before_starting"),
        avoid_summary=rule("avoid_summary"),
        emergency_numbers=MappingProxyType(numbers),
        topics=tuple(
            Topic(t["id"], spoken("activity", t["id"]), t["verdict"], t["text"], tuple(t["sources"]))
            for t in doc["topics"]
        ),
        symptoms=tuple(
            Symptom(
                s["id"],
                spoken("symptom", s["id"]),
                s["severity"],
                tuple(s["sources"]),
                s.get("red_flag_check"),
                s.get("alone", False),
            )
            for s in doc["symptoms"]
        ),
        combinations=tuple(Combination(frozenset(c["all"]), c["severity"]) for c in doc.get("combinations", [])),
    )
