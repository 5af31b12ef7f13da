"""Pain, red flags and what to avoid: the safety answers, from the catalog's guidance.

The skill never diagnoses. A reported symptom gets the catalog's stop rule and the
advice to contact the surgeon or physiotherapist before continuing; a red flag gets the
instruction to call emergency services now, with the number for the user's locale.
Everyday questions ("can I lift my grandson") get the catalog's guidance and a pointer
back to the surgeon's own instructions. Pure: the handlers decide what happens to a
running workout.
"""

from __future__ import annotations

from skill.domain.catalog import Catalog, Symptom, Topic
from skill.domain.output import Output, Pending, Say, Segment, Spoken, Text, ask, tell


def emergency_number(catalog: Catalog, locale: str) -> Spoken:
    """The number for the locale, digit by digit so it is read as "nine one one"."""
    return Spoken(" ".join(catalog.guidance.emergency_number(locale)))


def symptom_speech(
    catalog: Catalog, symptom: Symptom | None, locale: str, severity: str | None = None
) -> list[Segment]:
    """What to say for a reported symptom (``None``: the words were not recognised as one),
    at ``severity`` (the triage's tier; the symptom's own when not given)."""
    guidance = catalog.guidance
    number = emergency_number(catalog, locale)
    severity = severity or (symptom.severity if symptom is not None else None)
    if severity == "emergency":
        return [Say.of("safety.emergency", number=number), Say.of("safety.emergency.wait")]
    # Every answer below an emergency names the red flags, so nothing urgent waits for the
    # next appointment: in the symptom's own terms where it has them ("if the numbness
    # spreads", not "if you also have new numbness" to someone who just reported it).
    check = symptom.red_flag_check if symptom is not None and symptom.red_flag_check else "general"
    if severity == "surgeon_today":
        # Fever or a red, hot or oozing wound: the surgeon's office today, not emergency services.
        return [Say.of("safety.surgeon_today"), Say.of(f"safety.check.{check}", number=number)]
    speech: list[Segment] = [Say.of("safety.stop.now"), Text(guidance.stop_rule.text), Text(guidance.stop_contact)]
    speech.append(Say.of(f"safety.check.{check}", number=number))
    return speech


def symptom_answer(
    catalog: Catalog, symptom: Symptom | None, locale: str, *, in_workout: bool, severity: str | None = None
) -> Output:
    """The whole answer, and the microphone open after it (``AFTER_SYMPTOM``, its tier): after
    an emergency only to say it again; after any other stop for one question ("should I still
    do my exercises?"). The exercise stays stopped either way."""
    speech = symptom_speech(catalog, symptom, locale, severity)
    severity = severity or (symptom.severity if symptom is not None else None)
    if in_workout and severity != "emergency":
        speech.append(Say.of("safety.place_saved"))
    elif in_workout:
        speech.append(Say.of("safety.workout_ended"))
    if severity == "emergency":
        # The microphone stays open only to say the number again: someone who did not hear
        # it says "what?" or nothing at all (the reprompt says it), never to ask anything else.
        number = emergency_number(catalog, locale)
        return ask(
            *speech,
            Say.of("safety.emergency.repeat_hint"),
            reprompt=Say.of("safety.after.emergency", number=number),
            pending=Pending.of(AFTER_SYMPTOM, severity="emergency"),
        )
    return ask(
        *speech,
        Say.of("safety.follow_up"),
        reprompt=Say.of("safety.follow_up.reprompt"),
        pending=Pending.of(AFTER_SYMPTOM, severity=severity or "stop"),
    )


# The open question after a symptom stopped things: "do you have a question about it?"
AFTER_SYMPTOM = "after_symptom"


def after_symptom_answer(catalog: Catalog, locale: str, severity: str, *, declined: bool = False) -> Output:
    """What to do now, said again for an answer that asks to carry on or says something the
    skill cannot place (see ``symptom_answer``), or rest for a "no" (``declined``); the
    session then ends. After an emergency it is the number again, whatever was said."""
    if severity == "emergency":
        return tell(Say.of("safety.after.emergency", number=emergency_number(catalog, locale)))
    if declined:
        return tell(Say.of("safety.after.no"))
    tier = "surgeon_today" if severity == "surgeon_today" else "stop"
    return tell(Say.of(f"safety.after.{tier}"))


def avoid_answer(catalog: Catalog, topic: Topic | None, heard: str | None, *, not_covered: bool = False) -> Output:
    """Guidance on one activity, or the list of what to avoid; always the surgeon first.

    ``not_covered``: the vocabulary knows the activity (driving, sex, gardening...) but the
    sources say nothing about it, so the answer says so instead of guessing."""
    guidance = catalog.guidance
    if topic is not None:
        speech: list[Segment] = [Text(topic.text)]
    elif not_covered:
        speech = [Say.of("safety.avoid.not_covered")]
    elif heard:
        speech = [Say.of("safety.avoid.unknown", heard=Spoken(heard))]
    else:
        speech = [Text(guidance.avoid_summary.text)]
    speech += [Text(guidance.surgeon_first.text), Say.of("safety.avoid.more")]
    return ask(*speech, reprompt=Say.of("safety.avoid.reprompt"))


def if_it_happens_speech(catalog: Catalog, locale: str, severity: str) -> list[Segment]:
    """A question about what to do if a sign happened: the tier's advice, said as what to do
    then. Nothing is stopped: no one reported anything."""
    number = emergency_number(catalog, locale)
    if severity == "emergency":
        return [Say.of("safety.if.emergency", number=number)]
    # What would make it an emergency, as after every stop ("what should I do if I start
    # getting numbness in my legs": new numbness in both legs is one).
    return [Say.of(f"safety.if.{severity}"), Say.of("safety.check.general", number=number)]


def expected_speech(symptom: Symptom) -> list[Segment]:
    """Normal with exercise (issue 27): said so, with what would be a reason to stop."""
    return [Say.of(f"safety.expected.{symptom.id}"), Say.of("safety.expected.stop_if")]


def expected_answer(symptom: Symptom) -> Output:
    """Outside a workout: the acknowledgement, then what next."""
    return ask(*expected_speech(symptom), Say.of("safety.expected.next"), reprompt=Say.of("safety.expected.next"))


def not_a_report(catalog: Catalog, locale: str) -> Output:
    """Only a greeting or filler heard as a symptom, outside a session: not understood, with
    what to do if something is wrong (the emergency number too: a device heard no more)."""
    number = emergency_number(catalog, locale)
    return ask(Say.of("safety.not_a_report", number=number), reprompt=Say.of("safety.not_a_report.reprompt"))


def ask_what(catalog: Catalog, locale: str) -> Output:
    """Words heard as a symptom that name no sign: ask, rather than guess a tier."""
    number = emergency_number(catalog, locale)
    return ask(Say.of("safety.ask_what", number=number), reprompt=Say.of("safety.ask_what.reprompt"))
