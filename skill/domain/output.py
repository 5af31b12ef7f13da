"""Neutral output: what the skill wants said, before it becomes SSML.

Domain code (how-to answers, the workout state machine, safety) returns an ``Output`` made
of segments: prompt keys with parameters (``Say``), catalog text (``Content``), and timed
pauses (``Pause``). Only ``skill.alexa.speech`` turns these into SSML, at the edge, with the
request's locale. Nothing here imports the SDK, so the state machine stays pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeAlias

ContentPart = Literal[
    "name", "position", "steps", "key_steps", "breathing", "cautions", "experience", "move", "release", "purpose"
]


@dataclass(frozen=True, slots=True)
class ExerciseRef:
    """A parameter value that renders as an exercise's display name."""

    id: str


@dataclass(frozen=True, slots=True)
class RoutineRef:
    """A parameter value that renders as a routine's spoken name."""

    id: str


@dataclass(frozen=True, slots=True)
class Spoken:
    """A parameter value that is already words (an exercise list, a number said as words)."""

    text: str


@dataclass(frozen=True, slots=True)
class Count:
    """A parameter value that renders as "1 repetition" / "3 repetitions".

    The words come from the prompts ``noun.<noun>.one`` and ``noun.<noun>.other``.
    """

    n: int
    noun: str


@dataclass(frozen=True, slots=True)
class ListOf:
    """A parameter value that renders as "a, b and c" ("a, b or c"; "a, b, c" for "comma")."""

    items: tuple[ParamValue, ...]
    conjunction: Literal["and", "or", "comma"] = "and"


# A parameter may itself be a prompt (``Say``) or catalog text (``Content``/``Text``),
# so sentences compose from keyed parts without any words in code.
ParamValue: TypeAlias = "str | int | float | ExerciseRef | RoutineRef | Spoken | Count | ListOf | Say | Content | Text"


@dataclass(frozen=True, slots=True)
class Say:
    """A prompt by key; the words live in ``skill/prompts/<locale>.json``."""

    key: str
    params: tuple[tuple[str, ParamValue], ...] = ()

    @staticmethod
    def of(key: str, **params: ParamValue) -> Say:
        return Say(key, tuple(sorted(params.items())))

    @property
    def param_map(self) -> Mapping[str, ParamValue]:
        return dict(self.params)


@dataclass(frozen=True, slots=True)
class Content:
    """Text from the catalog (an exercise's position, steps, cautions...)."""

    exercise: str
    part: ContentPart


@dataclass(frozen=True, slots=True)
class Text:
    """Catalog text that is not tied to one exercise (guidance, the disclaimer)."""

    text: str


@dataclass(frozen=True, slots=True)
class Pause:
    """Silence. ``kind`` tells tests what the pause is for: a hold, a rep's tempo, a rest."""

    seconds: float
    kind: Literal["beat", "tempo", "hold", "rest"] = "beat"


Segment = Say | Content | Text | Pause


@dataclass(frozen=True, slots=True)
class Pending:
    """The question the skill just asked, so a bare "yes" or "no" can be answered.

    ``kind`` names the question (``offer_coach``, ``resume``...); ``data`` carries what
    the answer needs, such as the exercise offered.
    """

    kind: str
    data: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def of(kind: str, **data: str) -> Pending:
        return Pending(kind, tuple(sorted(data.items())))

    def get(self, key: str, default: str = "") -> str:
        return dict(self.data).get(key, default)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "data": dict(self.data)}

    @staticmethod
    def from_dict(raw: object) -> Pending | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("kind"), str):
            return None
        data = raw.get("data")
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            data = {}
        return Pending.of(raw["kind"], **{str(k): v for k, v in data.items()})


# What a device with a display shows with the answer; ``skill.alexa.screens`` renders it as APL.


# The screens have docstrings: for a class without one, ``dataclasses`` writes one with
# ``inspect.signature`` at import (a cold start cost).
@dataclass(frozen=True)
class CoachingScreen:
    """The screen beside a coached exercise."""

    exercise: str
    routine: str  # a routine id, or "single"
    index: int  # 0-based position in the routine
    total: int
    set: int
    sets: int
    side: int | None  # 0 left, 1 right, None when the exercise is not done per side
    side_word: str
    amount: Say | None  # this session's amount, as spoken in the introduction
    counting: bool  # a set is under way (the key step is highlighted) rather than the intro
    rep: int = 0  # repetitions of this set (or side) done before this response
    reps: int = 0  # repetitions in a set; 0 when the exercise is not counted
    hold: int = 0  # seconds each repetition is held
    done_units: int = 0  # sets (times sides) of this exercise finished before this response
    units: int = 1  # sets times sides of this exercise
    finished: int = 0  # exercises of the routine finished (skipped ones are not)
    # A counted set's response goes on to what follows it ("switch to your right leg", the
    # next exercise's introduction, the end): the screen for then, shown when the count ends.
    then: CoachingScreen | None = None
    ends: bool = False  # the count ends the session's exercises: the finished screen follows
    hint: Say | None = None  # what the voice asks the user to say next (before a set)
    finished_hint: Say | None = None  # what the voice asks once the exercises are done


@dataclass(frozen=True)
class HowToScreen:
    """The screen beside a how-to answer."""

    exercise: str
    amount: Say | None = None  # the dosage, as said
    plan_amount: Say | None = None  # the physiotherapist's amount, when a plan prescribes it


@dataclass(frozen=True)
class RoutineScreen:
    """The screen beside a routine's overview."""

    routine: str
    minutes: int = 0  # about how long the routine takes, as said
    next: str = ""  # the exercise the user is up to (a saved place), else the first


@dataclass(frozen=True)
class ProgressScreen:
    """The screen beside a progress answer."""

    sessions: int
    exercises: int
    streak: int
    week: tuple[bool, ...] = ()  # Monday to Sunday of this week: a day with exercise done
    today: int = 0  # today's place in ``week`` (0 is Monday)
    pain: tuple[tuple[str, int], ...] = ()  # recent pain scores (ISO date, 0-10), oldest first
    pain_verdict: Say | None = None  # the trend as the voice says it ("coming down, from about 5 to 3")


Screen = CoachingScreen | HowToScreen | RoutineScreen | ProgressScreen


@dataclass(frozen=True, slots=True)
class Output:
    """One response: speech, an optional reprompt, and whether the session stays open.

    A response that keeps the session open must have a reprompt: Alexa listens, repeats
    the reprompt once, then closes the session.
    """

    speech: tuple[Segment, ...]
    reprompt: tuple[Segment, ...] = ()
    end_session: bool = False
    pending: Pending | None = None
    card_title: str | None = None
    card_body: tuple[Segment, ...] = ()
    directives: tuple[Mapping[str, Any], ...] = field(default=())
    permissions_card: tuple[str, ...] = ()  # scopes for an "ask for permissions" card in the Alexa app
    screen: Screen | None = None  # shown on devices with a display (rendered by ``skill.alexa.screens``)
    hand_off: bool = False  # Alexa takes over (Connections.SendRequest): no session flag at all

    def __post_init__(self) -> None:
        if not self.end_session and not self.reprompt and not self.hand_off:
            raise ValueError("an open session needs a reprompt")

    @property
    def keys(self) -> tuple[str, ...]:
        """The prompt keys spoken, in order (what tests assert on)."""
        return tuple(s.key for s in self.speech if isinstance(s, Say))

    def then(self, *more: Segment) -> Output:
        """The same output with more segments spoken at the end."""
        return replace(self, speech=(*self.speech, *more))

    def before(self, *first: Segment) -> Output:
        """The same output with segments spoken first."""
        return replace(self, speech=(*first, *self.speech))


def ask(*speech: Segment, reprompt: tuple[Segment, ...] | Segment, pending: Pending | None = None) -> Output:
    """An output that keeps the session open and waits for an answer."""
    prompt = reprompt if isinstance(reprompt, tuple) else (reprompt,)
    return Output(speech=speech, reprompt=prompt, pending=pending)


def tell(*speech: Segment) -> Output:
    """An output that ends the session."""
    return Output(speech=speech, end_session=True)
