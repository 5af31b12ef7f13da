"""How-to answers: an exercise explained in plain speech, with its dosage and cautions.

Also the answer when the exercise is not recognised: the closest-sounding exercises the
catalog knows, and a question to try again; never a generic error.
"""

from __future__ import annotations

from dataclasses import replace

from skill.domain.amounts import amount
from skill.domain.catalog import Catalog, Dosage, Exercise, Rule
from skill.domain.output import (
    Content,
    ExerciseRef,
    HowToScreen,
    ListOf,
    Output,
    Pending,
    Say,
    Segment,
    Spoken,
    Text,
    ask,
)


def explain(exercise: Exercise, breathing_rule: Rule, amount: Say | None = None) -> Output:
    """Position, steps, dosage, breathing (the exercise's and the general rule) and
    cautions, then the offer to coach it. A forum-only exercise is introduced as patient
    experience. ``amount``, when given, is said instead of the sources' dosage: what the
    session on hand does of it ("We'll do 10 repetitions, ..."), not the range it chose from."""
    dosage = amount or dosage_speech(exercise)
    speech: list[Segment] = [
        Say.of("howto.intro", exercise=ExerciseRef(exercise.id)),
        Content(exercise.id, "experience"),
        Say.of("howto.position", position=Content(exercise.id, "position")),
        Content(exercise.id, "steps"),
        dosage,
        Content(exercise.id, "breathing"),
        Text(breathing_rule.text),
    ]
    if exercise.cautions:
        speech += [Say.of("howto.cautions"), Content(exercise.id, "cautions")]
    if exercise.requires_clearance:
        speech.append(Say.of("howto.clearance"))
    card_body = tuple(speech[1:])
    speech.append(Say.of("howto.offer_coach"))
    output = ask(
        *speech,
        reprompt=Say.of("howto.offer_coach.reprompt", exercise=ExerciseRef(exercise.id)),
        pending=Pending.of("offer_coach", exercise=exercise.id),
    )
    return replace(
        output,
        card_title=exercise.name.capitalize(),
        card_body=card_body,
        screen=HowToScreen(exercise.id, amount=dosage),
    )


OFFER_HOWTO = "offer_howto"


def purpose(exercise: Exercise) -> Output:
    """What the exercise is for, as its source says it, or that no source says (never a
    guess), then the offer to hear how to do it."""
    said: Segment = (
        Content(exercise.id, "purpose")
        if exercise.purpose
        else Say.of("purpose.not_given", exercise=ExerciseRef(exercise.id))
    )
    return ask(
        said,
        Say.of("purpose.offer_howto"),
        reprompt=Say.of("purpose.offer_howto.reprompt", exercise=ExerciseRef(exercise.id)),
        pending=Pending.of(OFFER_HOWTO, exercise=exercise.id),
    )


def dosage_speech(exercise: Exercise) -> Say:
    """The dosage in words; both versions when sources disagree."""
    given = [d for d in exercise.dosages if d.given]
    if not given:
        return Say.of("dosage.not_given")
    if len(given) >= 2:
        return Say.of(
            "dosage.sources_differ", first=plan_words(given[0], exercise), second=plan_words(given[1], exercise)
        )
    return Say.of("dosage.plan", parts=plan_words(given[0], exercise))


def plan_words(dosage: Dosage, exercise: Exercise) -> ListOf:
    """ "10 to 12 repetitions, holding each for 5 seconds and 2 times a day" as parts."""
    parts: list[Say] = []
    if dosage.reps is not None:
        if dosage.work_up_to:
            parts.append(Say.of("dosage.reps.work_up", max=dosage.reps.max))
        else:
            parts.append(amount("reps", dosage.reps.min, dosage.reps.max))
    if dosage.hold_seconds is not None:
        parts.append(amount("hold", dosage.hold_seconds.min, dosage.hold_seconds.max))
    if dosage.per_side:
        parts.append(Say.of("dosage.per_side", side=Say.of(f"side.{side_word(exercise)}")))
    if dosage.minutes is not None:
        parts.append(amount("minutes", dosage.minutes.min, dosage.minutes.max))
    if dosage.times_per_day is not None:
        parts.append(amount("per_day", dosage.times_per_day.min, dosage.times_per_day.max))
    return ListOf(tuple(parts), conjunction="comma")


def side_word(exercise: Exercise) -> str:
    """What one side is called for this exercise: leg, foot, arm or side."""
    if exercise.coaching is not None and exercise.coaching.side_word:
        return exercise.coaching.side_word
    return "side"


MAX_HEARD_CHARS = 60  # the words echoed back in "I don't know an exercise called ..."


def which_exercise() -> Output:
    return ask(Say.of("howto.which"), reprompt=Say.of("howto.which.reprompt"))


def unknown_exercise(catalog: Catalog, heard: str | None) -> Output:
    """Not a known exercise: offer the closest-sounding ones, or examples, and ask again."""
    heard = " ".join((heard or "").split())[:MAX_HEARD_CHARS]
    if not heard:
        return which_exercise()
    closest = catalog.closest_exercises(heard)
    if closest:
        names = ListOf(tuple(ExerciseRef(e.id) for e in closest), conjunction="or")
        verb = Say.of("verb.is") if len(closest) == 1 else Say.of("verb.are")
        return ask(
            Say.of("howto.unknown.closest", heard=Spoken(heard), closest=names, closest_verb=verb),
            reprompt=Say.of("howto.unknown.closest.reprompt", closest=names),
        )
    return ask(Say.of("howto.unknown.none", heard=Spoken(heard)), reprompt=Say.of("howto.unknown.none.reprompt"))
