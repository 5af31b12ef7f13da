"""The physiotherapist's plan by voice: the link code, the news at launch, "start my
exercises" on the plan, the clinician's note in how-to answers, and "unlink my plan".

The words are in the prompts (``plan.*``); linking is ``skill.domain.linking``, the plan itself
``skill.domain.plan``, its items ``coaching.plan_prescribed``. A store without plan support (or
one that fails) makes the plan absent, never an error: stock coaching carries on.
"""

from __future__ import annotations

from dataclasses import replace

from skill.alexa import logs
from skill.alexa.handlers.base import Handler, intent
from skill.alexa.turn import Turn
from skill.domain.coaching import amount_words, plan_prescribed
from skill.domain.linking import LinkedPlan, PlanStore, linked_plan, mark_announced, new_link
from skill.domain.output import Count, ExerciseRef, HowToScreen, ListOf, Output, Say, Segment, Spoken, Text, ask
from skill.store.keys import user_key

log = logs.getLogger("spine_coach")


def _store(turn: Turn) -> PlanStore | None:
    store = turn.deps.store
    return store if hasattr(store, "get_plan") else None


def _user(turn: Turn) -> str:
    return user_key(turn.store_envelope)


def current_plan(turn: Turn) -> LinkedPlan | None:
    """The user's linked plan, read once per request; None without one or when the store fails."""
    cached = turn.request_cache.get("plan", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    store = _store(turn)
    found = None
    # A clinician's plan is health information: a profile that keeps none uses none, even one
    # stored before it was chosen or assigned from the clinic's command line.
    if store is not None and not turn.store_failed and turn.access.keeps_health:
        try:
            found = linked_plan(store, _user(turn), turn.catalog)
        except Exception as exc:  # the store is down: no plan this turn, stock coaching works
            log.warning("plan read failed: %s", type(exc).__name__)
    turn.request_cache["plan"] = found
    return found


class LinkPlanHandler(Handler):
    """ "link my physio's plan": a six-digit code, read twice and shown in the Alexa app."""

    when = intent("LinkPlanIntent")

    def answer(self, turn: Turn) -> Output:
        if not turn.access.keeps_health:
            # A clinician's plan is health information: a profile that keeps none links none.
            return ask(turn.unkept("plan.not_kept"), reprompt=Say.of("plan.anything_else"))
        store = _store(turn)
        try:
            if store is None:
                raise LookupError("this store keeps no plans")
            code = new_link(store, _user(turn), turn.now)
        except Exception as exc:
            log.warning("link code failed: %s", type(exc).__name__)
            return ask(Say.of("plan.link.failed"), reprompt=Say.of("plan.anything_else"))
        digits = Spoken(", ".join(code))
        output = ask(
            Say.of("plan.link.code", code=digits),
            Say.of("plan.link.again", code=digits),
            reprompt=Say.of("plan.anything_else"),
        )
        return replace(output, card_title="Spine Coach plan code", card_body=(Say.of("plan.link.card", code=code),))


class UnlinkPlanHandler(Handler):
    """ "unlink my plan": the stock routines for the user's stage again."""

    when = intent("UnlinkPlanIntent")

    def answer(self, turn: Turn) -> Output:
        store = _store(turn)
        if current_plan(turn) is None or store is None:
            return ask(Say.of("plan.unlink.none"), reprompt=Say.of("plan.anything_else"))
        try:
            store.delete_plan(_user(turn))
        except Exception as exc:
            log.warning("plan delete failed: %s", type(exc).__name__)
            return ask(Say.of("plan.unlink.failed"), reprompt=Say.of("plan.anything_else"))
        return ask(Say.of("plan.unlinked"), reprompt=Say.of("plan.anything_else"))


def launch_news(turn: Turn) -> Segment | None:
    """ "Your physiotherapist's plan is set: 6 exercises, twice a day", once, at the first
    launch after the clinic assigned it."""
    linked = current_plan(turn)
    store = _store(turn)
    if linked is None or linked.announced or store is None:
        return None
    phase = linked.plan.phase_on(turn.today()) or linked.plan.phases[0]
    try:
        mark_announced(store, _user(turn), linked)
    except Exception as exc:
        log.warning("plan write failed: %s", type(exc).__name__)
    return Say.of(
        "plan.set",
        exercises=Count(len(phase.exercises), "exercise"),
        times=_times(phase.times_per_day),
    )


def _times(n: int) -> Say:
    if n == 1:
        return Say.of("plan.times.once")
    if n == 2:
        return Say.of("plan.times.twice")
    return Say.of("plan.times.many", n=n)


def plan_overview(turn: Turn) -> Output | None:
    """ "what's my plan from the clinic", "what exercises did my physio set": today's phase
    of the linked plan, its exercises and how often. None without a plan."""
    linked = current_plan(turn)
    if linked is None:
        return None
    phase = linked.plan.phase_on(turn.today())
    if phase is None:
        return ask(Say.of("plan.nothing_today"), reprompt=Say.of("plan.anything_else"))
    exercises = tuple(dict.fromkeys(p.exercise for p in phase.exercises))
    # The plan's days are the clinician's: on another day its exercises are said as such.
    rest_day = () if phase.is_exercise_day(turn.today()) else (Say.of("plan.rest_day"),)
    return ask(
        *rest_day,
        Say.of(
            "plan.overview",
            count=Count(len(exercises), "exercise"),
            exercises=ListOf(tuple(ExerciseRef(e) for e in exercises)),
            times=_times(phase.times_per_day),
        ),
        reprompt=Say.of("plan.anything_else"),
    )


def start_plan(turn: Turn) -> Output | None:
    """ "start my exercises" with a linked plan: today's phase with the prescribed amounts.
    None without a plan (the stock routine for the user's stage then)."""
    linked = current_plan(turn)
    if linked is None:
        return None
    today = turn.today()
    phase = linked.plan.phase_on(today)
    if phase is None:
        return ask(Say.of("plan.nothing_today"), reprompt=Say.of("plan.anything_else"))
    cleared = {*turn.user.clearances, *linked.plan.clearances}
    items = plan_prescribed(turn.catalog, phase.exercises, cleared=cleared)
    output = turn.guide.start_plan(items)
    if not phase.is_exercise_day(today):
        # The plan's days are the clinician's: a session on another day is the user's choice.
        output = output.before(Say.of("plan.rest_day"))
    return output


def with_note(turn: Turn, exercise_id: str, output: Output) -> Output:
    """A how-to answer with the plan's amount and the clinician's note before its last
    sentence (the offer to coach)."""
    linked = current_plan(turn)
    phase = linked.plan.phase_on(turn.today()) if linked else None
    prescribed = next((p for p in phase.exercises if p.exercise == exercise_id), None) if phase else None
    if prescribed is None:
        return output
    extra: list[Segment] = []
    (item,) = plan_prescribed(turn.catalog, (prescribed,), cleared=turn.catalog.exercises)
    amount: Say | None = None
    if item.kind == "counted":
        amount = Say.of("plan.amount", amount=amount_words(item, 0))
    elif item.minutes is not None:
        amount = Say.of("plan.amount", amount=Count(item.minutes.min, "minute"))
    if amount is not None:
        extra.append(amount)
    if prescribed.note:
        extra.append(Say.of("plan.note", note=Text(prescribed.note)))
    screen = output.screen
    if isinstance(screen, HowToScreen) and amount is not None:
        screen = replace(screen, plan_amount=amount)  # the screen shows the amount to follow
    return replace(output, speech=(*output.speech[:-1], *extra, *output.speech[-1:]), screen=screen)
