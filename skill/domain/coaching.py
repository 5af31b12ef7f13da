"""Coaching speech built from the dosage: the plan of a session and how each set sounds.

``plan_routine`` turns a routine from the catalog into plan items that carry every number
the coach needs (so the workout state is self-contained and the state machine needs no
catalog). ``count_chunk`` builds the speech that counts repetitions aloud, paced with
pauses from the dosage: a tempo per repetition and holds chained from pauses of at most
ten seconds with cues such as "ten more seconds". Nothing here is hand-written counting:
change a dosage in ``content/`` and the coaching follows. Pure: no SDK, no I/O.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from skill.domain.amounts import amount
from skill.domain.catalog import Catalog, Dosage, Exercise, Range, Routine
from skill.domain.output import Content, Count, ListOf, Pause, Say, Segment

if TYPE_CHECKING:
    from skill.domain.plan import Prescription

ItemKind = Literal["counted", "untimed", "aerobic"]

LEVELS = 3  # easier/harder move between the low end, the middle and the top of a range
MIN_PACE, MAX_PACE = 0.6, 2.25
# Each "slower" is half as slow again: a quarter (1 s to 1.25 s between words) was not heard
# as slower (live round 13). Two steps slower at most, one faster (pace rounded to hundredths:
# 0.67 back to 1.0); the holds never change.
PACE_STEP = 1.5
MAX_BREAK = 10.0
# Budgets for one counting response. The renderer enforces Alexa's 8,000 characters; these
# estimates keep a set's count well inside it (tests render the worst cases to prove it),
# and keep one response from running for minutes without a chance to speak.
COUNT_CHAR_BUDGET = 5500
COUNT_SECONDS_BUDGET = 240.0
_SAY_CHARS = 90  # generous upper bound for one short prompt or cue
_BREAK_CHARS = 24  # '<break time="10s"/>' plus spacing
_UNTIMED_MINUTES = 1.0
_TRANSITION_SECONDS = 20.0


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One exercise in a session, with the numbers the coach uses."""

    exercise: str
    kind: ItemKind
    reps: Range | None = None
    hold: Range | None = None
    per_side: bool = False
    alternating: bool = False
    sets: int = 1
    minutes: Range | None = None
    tempo: float = 3.0
    side_word: str = "side"
    blocked: bool = False  # needs the surgeon's clearance the user has not reported

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"e": self.exercise, "k": self.kind, "t": self.tempo, "w": self.side_word}
        if self.reps:
            data["r"] = [self.reps.min, self.reps.max]
        if self.hold:
            data["h"] = [self.hold.min, self.hold.max]
        if self.minutes:
            data["m"] = [self.minutes.min, self.minutes.max]
        if self.per_side:
            data["ps"] = True
        if self.alternating:
            data["alt"] = True
        if self.sets != 1:
            data["s"] = self.sets
        if self.blocked:
            data["b"] = True
        return data

    @staticmethod
    def from_dict(data: Any) -> PlanItem:
        """Raises ``ValueError`` (or ``KeyError``/``TypeError``) on anything malformed."""

        def rng(key: str) -> Range | None:
            value = data.get(key)
            if value is None:
                return None
            low, high = value
            if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high <= 600):
                raise ValueError(f"bad range {value!r}")
            return Range(low, high)

        kind = data["k"]
        if kind not in ("counted", "untimed", "aerobic"):
            raise ValueError(f"bad kind {kind!r}")
        tempo = float(data["t"])
        sets = int(data.get("s", 1))
        if not (0 < tempo <= 20 and 1 <= sets <= 10):
            raise ValueError("bad tempo or sets")
        item = PlanItem(
            exercise=str(data["e"]),
            kind=kind,
            reps=rng("r"),
            hold=rng("h"),
            per_side=data.get("ps") is True,
            alternating=data.get("alt") is True,
            sets=sets,
            minutes=rng("m"),
            tempo=tempo,
            side_word=str(data["w"]),
            blocked=data.get("b") is True,
        )
        if item.kind == "counted" and (item.reps is None or item.reps.max < 1):
            raise ValueError("a counted item needs repetitions")
        return item

    @property
    def sides(self) -> int:
        return 2 if self.per_side and not self.alternating else 1

    def reps_at(self, level: int) -> int:
        return _at_level(self.reps, level) if self.reps else 0

    def hold_at(self, level: int) -> int:
        return _at_level(self.hold, level) if self.hold else 0

    def adjustable(self) -> bool:
        """Whether easier/harder can change anything: some range in the dosage is wider than one number."""
        return any(r is not None and not r.fixed for r in (self.reps, self.hold))


def _at_level(rng: Range, level: int) -> int:
    """Level 0 is the low end of the seeds' range, the top level its high end."""
    level = max(0, min(LEVELS - 1, level))
    return int(rng.min + (rng.max - rng.min) * level / (LEVELS - 1) + 0.5)  # half up, not to even


def plan_item(exercise: Exercise, dosage: Dosage, *, cleared: Collection[str] = ()) -> PlanItem:
    coaching = exercise.coaching
    blocked = exercise.requires_clearance and exercise.id not in cleared
    side_word = coaching.side_word if coaching and coaching.side_word else "side"
    if exercise.category == "aerobic":
        return PlanItem(exercise.id, "aerobic", minutes=dosage.minutes if dosage.given else None, blocked=blocked)
    tempo = coaching.tempo_seconds if coaching else 3.0
    if not dosage.given or dosage.reps is None:
        return PlanItem(
            exercise.id, "untimed", per_side=dosage.per_side, tempo=tempo, side_word=side_word, blocked=blocked
        )
    return PlanItem(
        exercise=exercise.id,
        kind="counted",
        reps=dosage.reps,
        hold=dosage.hold_seconds,
        per_side=dosage.per_side,
        alternating=bool(coaching and coaching.alternating),
        sets=dosage.sets,
        tempo=tempo,
        side_word=side_word,
        blocked=blocked,
    )


def plan_routine(catalog: Catalog, routine: Routine, *, cleared: Collection[str] = ()) -> tuple[PlanItem, ...]:
    return tuple(
        plan_item(catalog.exercise(item.exercise), catalog.exercise(item.exercise).dosage(item.dosage), cleared=cleared)
        for item in routine.items
    )


def plan_prescribed(
    catalog: Catalog, prescriptions: Sequence[Prescription], *, cleared: Collection[str] = ()
) -> tuple[PlanItem, ...]:
    """The items of a physiotherapist's plan: the catalog's exercises with the clinician's
    amounts in place of the sources' (each a fixed number, so easier and harder keep it)."""

    def fixed(value: int | None) -> Range | None:
        return None if value is None else Range(value, value)

    return tuple(
        plan_item(
            catalog.exercise(p.exercise),
            Dosage(
                id="plan",
                source="plan",
                given=True,
                reps=fixed(p.reps),
                hold_seconds=fixed(p.hold_seconds),
                per_side=p.per_side,
                sets=p.sets,
                minutes=fixed(p.minutes),
            ),
            cleared=cleared,
        )
        for p in prescriptions
    )


def plan_single(catalog: Catalog, exercise_id: str, *, cleared: Collection[str] = ()) -> tuple[PlanItem, ...]:
    exercise = catalog.exercise(exercise_id)
    return (plan_item(exercise, exercise.dosage(), cleared=cleared),)


# --- how a set sounds -------------------------------------------------------------------------


def hold_segments(seconds: int) -> list[Segment]:
    """ "Hold." then the hold as pauses of at most ten seconds, with a cue between them."""
    segments: list[Segment] = [Say.of("coach.hold")]
    remaining = float(seconds)
    while remaining > MAX_BREAK:
        segments.append(Pause(MAX_BREAK, "hold"))
        remaining -= MAX_BREAK
        segments.append(Say.of("coach.hold.more", seconds=Count(int(remaining), "second")))
    segments.append(Pause(remaining, "hold"))
    return segments


def rep_segments(item: PlanItem, number: int, hold: int, pace: float) -> list[Segment]:
    """One repetition counted aloud: its number, the move, the hold, the release."""
    half = round(item.tempo * pace / 2, 1)
    segments: list[Segment] = [Say.of("coach.rep.number", n=number)]
    sides = (0, 1) if item.alternating else (None,)
    for side in sides:
        if side is not None:
            segments.append(
                Say.of(
                    "coach.alternate.side",
                    side=Say.of("coach.side.left" if side == 0 else "coach.side.right"),
                    limb=Say.of(f"side.{item.side_word}"),
                )
            )
        segments.append(Content(item.exercise, "move"))
        segments.append(Pause(half, "tempo"))
        if hold:
            segments.extend(hold_segments(hold))
        segments.append(Content(item.exercise, "release"))
        segments.append(Pause(half, "tempo"))
    return segments


def estimate_chars(segments: Sequence[Segment]) -> int:
    total = 0
    for segment in segments:
        total += math.ceil(segment.seconds / MAX_BREAK) * _BREAK_CHARS if isinstance(segment, Pause) else _SAY_CHARS
    return total


def estimate_seconds(segments: list[Segment]) -> float:
    # spoken words take time too: about a second per cue
    return sum(s.seconds if isinstance(s, Pause) else 1.0 for s in segments)


@functools.lru_cache(maxsize=512)
def count_chunk(item: PlanItem, first_rep: int, reps: int, hold: int, pace: float) -> tuple[tuple[Segment, ...], int]:
    """Speech for repetitions ``first_rep+1``.. as many as fit one response; returns the
    segments and the number of repetitions done after them (at least one more).

    Cached: a plan's sets are counted the same way every time, so each chunk is built once
    per process (and, being the same objects, rendered once: see ``skill.alexa.speech``)."""
    segments: list[Segment] = []
    chars = 0
    seconds = 0.0
    done = first_rep
    while done < reps:
        rep = rep_segments(item, done + 1, hold, pace)
        rep_chars, rep_seconds = estimate_chars(rep), estimate_seconds(rep)
        if segments and (chars + rep_chars > COUNT_CHAR_BUDGET or seconds + rep_seconds > COUNT_SECONDS_BUDGET):
            break
        segments.extend(rep)
        chars += rep_chars
        seconds += rep_seconds
        done += 1
    return tuple(segments), done


def amount_words(item: PlanItem, level: int) -> ListOf:
    """This session's amount, e.g. "10 repetitions, holding each for 5 seconds, on each leg"."""
    parts: list[Say] = [amount("reps", item.reps_at(level))]
    hold = item.hold_at(level)
    if hold:
        parts.append(amount("hold", hold))
    if item.per_side:
        parts.append(Say.of("dosage.per_side", side=Say.of(f"side.{item.side_word}")))
    if item.sets > 1:
        parts.append(Say.of("coach.sets", n=Count(item.sets, "set")))
    return ListOf(tuple(parts), conjunction="comma")


def estimated_minutes(items: tuple[PlanItem, ...], levels: dict[str, int], pace: float) -> int:
    """A rough length of the whole session, for "about 25 minutes"."""
    seconds = 0.0
    for item in items:
        if item.blocked:
            continue
        if item.kind == "aerobic":
            seconds += (item.minutes.min if item.minutes else 10) * 60
        elif item.kind == "untimed":
            seconds += _UNTIMED_MINUTES * 60
        else:
            level = levels.get(item.exercise, 0)
            per_rep = item.tempo * pace + item.hold_at(level)
            sides = 2 if item.per_side else 1
            seconds += item.sets * sides * item.reps_at(level) * per_rep
        seconds += _TRANSITION_SECONDS
    return max(1, round(seconds / 60))
