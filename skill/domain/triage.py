"""Triage: the tier a patient's words call for, read from the catalog's signs (issue 27).

Each sign (a symptom of ``content/guidance.json``, its words in ``content/vocabulary.json``)
has a tier: ``emergency``, ``surgeon_today``, ``stop`` or ``expected`` (normal with exercise).
The words may match several signs, and the tier is decided from all of them:

1. A reading whose words hold every word another reading rests on, and more, explains them:
   "a bit out of breath after that" is effort, not breathlessness; "a blood clot" is not a
   bleed; "my incision is leaking" is the wound, not the bladder. What modifies a sign ("a
   bit", "after that", "at rest") lives in the words of the sign it makes.
2. Of what is left, the strongest reading counts, every other reading that rests on two
   words or more, and any reading of a red flag (one word is enough: "chest"); the highest
   tier among them wins, raised where a combination of signs
   says so (a swollen calf with breathlessness is an emergency; a headache with a stiff neck
   too).
3. Only when nothing else is left are the words ``expected``; a positive statement or a
   stretch never hides a sign said beside it ("I fell but I feel fine" is the fall).

Words that match no sign are ``None``: the caller asks what the patient feels rather than
guessing. Pure: no SDK, no store.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from skill.domain.catalog import Catalog, Symptom
from skill.domain.vocabulary import Hit, Vocabulary, hypothetical, resolved_positions, words

TIERS = ("expected", "stop", "surgeon_today", "emergency")
_TOPIC_AFTER = 5  # words: "ow my leg" reports the leg; a longer sentence may be about it


@dataclass(frozen=True)
class Verdict:
    """The sign the answer speaks of and the tier it calls for (``None``: no sign heard)."""

    symptom: Symptom | None
    severity: str | None
    # How many words the deciding reading rests on (a listed phrase: all of them). One word
    # ("wound") may be what a question is about; two ("wound puffy") report a sign.
    words: int = 0
    # Asked about, not reported: "what should I do if my leg goes numb" (the tier's advice,
    # said as what to do if it happens; nothing stops).
    hypothetical: bool = False
    # Where the deciding reading's words are (empty when no reading decided).
    at: frozenset[int] = field(default=frozenset(), compare=False)


def triage(catalog: Catalog, heard: str | None, resolved: str | None = None) -> Verdict:
    """The tier for the words a patient said (``heard``), or for the sign Alexa resolved them
    to (``resolved``) when the words alone say nothing the vocabulary reads.

    Words that soften a sign (said to be over, someone else's news that ends well, a question
    about what to do if it happened) soften only the lower tiers: a red flag in the words is
    the emergency answer whatever is said around it ("I lost control of my bowels, they're
    okay now"; "I can't feel my legs, what do I do if it gets worse")."""
    vocabulary = catalog.vocabulary
    # An exercise's name is not a symptom: "the knee to chest is making my back ache" is the
    # back. The name's words that alone would be a red flag ("chest") or that only name a
    # place when another is named ("my TOES went numb doing the KNEE to chest" is not a knee
    # that went) are left unread; "I can't take a deep breath" still cannot breathe, though
    # "deep breaths" is an exercise.
    tokens = words(heard or "")
    named = vocabulary.named("exercise", tokens)
    # A place word in a name is left unread only when the sentence names another place of
    # its own: "halfway through the leg slides it just went dead" still has only the leg.
    elsewhere = any(vocabulary.only_places(tokens, [i]) for i in range(len(tokens)) if i not in named)
    names = frozenset(
        i
        for i in named
        if vocabulary.red_flag_word("symptom", tokens[i]) or (elsewhere and vocabulary.only_places(tokens, [i]))
    ) | vocabulary.idiom_positions(heard)  # "a blood test", "off my chest": no symptom either
    plain = _decide(catalog, tokens, heard, resolved, names)
    if plain.severity == "emergency":
        return plain
    # A symptom said to be over ("the numbness has completely gone") is not read.
    over = resolved_positions(tokens)
    verdict = _decide(catalog, tokens, heard, resolved, names | over) if over else plain
    if not verdict.at and over and plain.at:
        return Verdict(catalog.guidance.find_symptom("positive"), "expected")  # only what is over: good news
    # Asked about, not reported: the sign's words come after "what should I do if".
    asked_from = hypothetical(tokens)
    if asked_from is not None and verdict.severity is not None and verdict.at and min(verdict.at) > asked_from:
        return replace(verdict, hypothetical=True)
    return verdict


# Words that say which way something goes ("down my leg"), not what is felt.
_DIRECTIONS = frozenset({"down", "along", "into", "through", "up"})
# Signs felt along a limb by their nature: a stretch runs "down the back of the thigh"; a
# burning or a pain that goes down it is spreading (the stop rule), whatever else is said.
_FELT_ALONG = frozenset({"stretch"})
# Words of something travelling ("GOING into my buttock and down my thigh"): spreading.
_TRAVELS = frozenset({"going", "goes", "gone", "spreading", "spreads", "shooting", "shoots", "travelling", "traveling"})
_TRAVELS |= {"radiating", "moving", "moves", "running", "runs"}


def _where_another_is_felt(vocabulary: Vocabulary, tokens: list[str], hit: Hit, standing: list[Hit]) -> bool:
    directions = {i for i in hit[2] if i < len(tokens) and tokens[i] in _DIRECTIONS}
    where = hit[2] - directions
    if not directions or not where or not vocabulary.only_places(tokens, where) or _TRAVELS.intersection(tokens):
        return False
    return any(
        other is not hit
        and other[1] in _FELT_ALONG
        and where <= other[2]
        and not vocabulary.only_places(tokens, other[2])
        for other in standing
    )


def _decide(
    catalog: Catalog, tokens: list[str], heard: str | None, resolved: str | None, names: frozenset[int]
) -> Verdict:
    """The triage of the words, those at ``names`` unread (see ``triage``)."""
    guidance, vocabulary = catalog.guidance, catalog.vocabulary
    severity_of = {s.id: s.severity for s in guidance.symptoms}
    hits = [
        (score, sign, where)
        for score, sign, where in vocabulary.hits("symptom", heard, unread=names)
        if sign in severity_of
    ]
    listed = vocabulary.phrase("symptom", heard)
    if listed in severity_of:
        # Words that are one of a sign's own phrases ("my leg is numb") are that sign, first:
        # a reading of every word, stronger than any keyword's.
        everything = frozenset(range(len(tokens)))
        hits.append(((int(listed in vocabulary.urgent), 99, 0, 0, 0), listed, everything))
    if not hits:
        if names and vocabulary.hits("symptom", heard):
            # The only symptom words were in an exercise's name (where to feel the knee to
            # chest): nothing reported, whatever a resolver made of the same words.
            return Verdict(None, None)
        found = guidance.find_symptom(resolved)
        return Verdict(found, found.severity if found else None)
    # 1. Readings another explains (its words a proper superset, with more of them).
    standing = [
        hit
        for hit in hits
        if not any(other[2] > hit[2] and other[0][1] > hit[0][1] for other in hits if other is not hit)
    ]
    # A reading that rests on a direction and where ("DOWN the back of my THIGH") says where
    # a stretch is felt when the stretch's reading names the same place: "a gentle stretch
    # down the back of my thigh" is the stretch, not pain spreading down the leg.
    standing = [hit for hit in standing if not _where_another_is_felt(vocabulary, tokens, hit, standing)]
    # A reading that rests only on where ("leg", "scar") names a place, not what is felt there.
    place = {id(hit) for hit in standing if vocabulary.only_places(tokens, hit[2])}
    # A sign that counts only alone (a positive statement) gives way to anything else heard,
    # but not to a place: "the leg lifts feel easy" is good news about the leg.
    alone = {s.id for s in guidance.symptoms if s.alone}
    if any(hit[1] not in alone and id(hit) not in place for hit in standing):
        standing = [hit for hit in standing if hit[1] not in alone]
    elif any(hit[1] in alone for hit in standing):
        standing = [hit for hit in standing if hit[1] in alone]
    # What counts: the strongest reading (what is felt before where: "pulling on the scar,
    # really painful" is pain), every other that rests on two words or more (a lone word such
    # as "leg" beside "jelly after those" says nothing of its own), and red flags.
    strongest = max(standing, key=lambda hit: (id(hit) not in place, hit[0]))
    counted = [
        hit
        for hit in standing
        if hit is strongest or hit[0][1] > 1 or severity_of[hit[1]] == "emergency" or id(hit) not in place
    ]
    serious = [hit for hit in counted if severity_of[hit[1]] != "expected"]
    if not serious:
        return Verdict(guidance.find_symptom(strongest[1]), "expected", strongest[0][1], at=strongest[2])
    # 2. The highest tier, then the strongest reading, names the sign; combinations raise it.
    best = max(serious, key=lambda hit: (TIERS.index(severity_of[hit[1]]), hit[0]))
    if (
        len(serious) == 1
        and len(best[2]) == 1
        and id(best) in place
        and len(tokens) > _TOPIC_AFTER
        and severity_of[best[1]] != "surgeon_today"  # "the staples look like they're pulling open"
    ):
        # One word that names where ("leg", "calf") and nothing felt, in a sentence of its own:
        # what it is about, not a report ("do I breathe out when I lift my leg"). Asked, with
        # the emergency number said. Red flags' words are no places ("chest", "heart"): the
        # word alone is the emergency answer in any sentence.
        return Verdict(None, None)
    severity = severity_of[best[1]]
    signs = {hit[1] for hit in standing}
    # A sign of a combination that only normal effort explains still counts when one of its
    # signs stands: "my leg's swollen and red and I'm winded from the stairs" is a clot's
    # sign with breathlessness, whatever the stairs explain. (A sign another serious reading
    # explains does not: "my calf has PUFFED up" is the swelling, not breathlessness.)
    heard_signs = signs | {
        hit[1]
        for hit in hits
        if all(
            severity_of[other[1]] == "expected"
            for other in hits
            if other is not hit and other[2] > hit[2] and other[0][1] > hit[0][1]
        )
    }
    for combination in guidance.combinations:
        if (
            combination.signs <= heard_signs
            and combination.signs & signs
            and TIERS.index(combination.severity) > TIERS.index(severity)
        ):
            severity = combination.severity
    return Verdict(guidance.find_symptom(best[1]), severity, best[0][1], at=best[2])
