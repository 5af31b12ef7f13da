"""The vocabulary: every word users say for a slot, and how unmatched words are resolved.

``content/vocabulary.json`` holds, per slot (exercise, stage, symptom, activity) and id,
the phrases people say (``say``, grammar templates that become the interaction models'
slot values and synonyms) and ``keywords`` (head words and stems). Alexa's custom slots
are open: words outside the value list arrive with ``ER_SUCCESS_NO_MATCH`` and the raw
words. ``Vocabulary.resolve`` maps such words to an id - exact phrase first, then the
phrase without articles and trailing "routine"/"please", then the keyword that covers
the most words - so "lift a kettle" is lifting and "can't feel my legs" a leg red flag,
on a device as in the console. Pure: no I/O.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from skill.domain.grammar import expand
from skill.domain.numbers import number_words

SLOTS = ("exercise", "stage", "symptom", "activity")

_CONTRACTIONS: tuple[tuple[str, str], ...] = (
    # "I can barely move my legs" reports the loss "cannot" does; "I can barely feel the
    # stretch" or "can hardly stand still, I'm so excited" do not.
    (r"\bcan (barely|hardly|scarcely) (move|lift|breathe|catch)\b", r"cannot \2"),
    (r"\bcan't\b", "cannot"),
    (r"\bcant\b", "cannot"),
    (r"\bwon't\b", "will not"),
    (r"\bain't\b", "is not"),
    (r"n't\b", " not"),
    (r"'m\b", " am"),
    (r"'re\b", " are"),
    (r"'ve\b", " have"),
    (r"'ll\b", " will"),
    (r"'d\b", " would"),
    (r"'s\b", " is"),
)
# Words around a name that do not change what it names ("the bridges one please").
_LEADING = frozenset(
    [
        "the",
        "a",
        "an",
        "my",
        "some",
        "this",
        "that",
        "your",
        "any",
        "of",
        "to",
        "for",
        "with",
        "on",
        "about",
        "me",
        "it",
        "do",
        "doing",
        "go",
        "going",
        "again",
    ]
)
_TRAILING = frozenset(
    [
        "routine",
        "routines",
        "exercise",
        "exercises",
        "program",
        "programme",
        "programs",
        "programmes",
        "workout",
        "session",
        "thing",
        "things",
        "one",
        "ones",
        "please",
        "now",
        "again",
        "today",
        "properly",
        "correctly",
        "safely",
        "then",
    ]
)
# Greetings and fillers said around a request ("morning, can we do my exercises", "I wanna
# do my exercises I guess"): a slot holding only these (and the words around a name) names
# nothing, whatever a model put in it.
_SMALL_TALK = frozenset(
    [
        "hello",
        "hi",
        "hiya",
        "hey",
        "morning",
        "good",
        "afternoon",
        "evening",
        "um",
        "uh",
        "er",
        "erm",
        "ok",
        "okay",
        "right",
        "so",
        "well",
        "love",
        "mate",
        "i",
        "guess",
        "wanna",
        "gonna",
        "alexa",
        "is",
        "yeah",
        "yes",
        "oh",
        "just",
        "let",
        "us",
        "lets",
        "like",
        "actually",
        "instead",
        "first",
        "there",
        "in",
        "not",
        "yet",
        "no",
        "nah",
        "gday",
        "thanks",
        "cheers",
        "though",
    ]
)
# Endings a short stem may take ("pee" -> "peed", "sit" -> "sitting"), so that a
# three-letter stem does not swallow unrelated words ("wee" is not "week").
_SHORT_STEM = 3
_SHORT_SUFFIXES = ("", "s", "es", "d", "ed", "ing", "y", "ies", "er")


_LOST_FEELING = r"\b(?:do|does|did) not feel (?=(?:(?:my|the|anything|in|either|both|of) )*(?:leg|foot|feet|toe))"


def normalize(text: str) -> str:
    """Lower-case words with punctuation other than apostrophes turned into spaces, as
    speech arrives ("Cat-cow" -> "cat cow", "I can't breathe" -> "i can't breathe")."""
    text = text.lower().replace("\u2019", "'")
    return " ".join(re.sub(r"[^a-z0-9']+", " ", text).split())


def words(text: str) -> list[str]:
    """Lower-case words with contractions written out and numbers spelled ("3-6" -> three to six)."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"(\d+)\s*-\s*(\d+)", r"\1 to \2", text)
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    # One word, however written: "light-headed" is not a head that aches.
    text = re.sub(r"\blight headed\b", "lightheaded", text)
    for pattern, replacement in _CONTRACTIONS:
        text = re.sub(pattern, replacement, text)
    # A denied ability is "cannot": "not able to feel my legs" reads as "cannot feel my legs".
    text = re.sub(r"\b(?:not|never|unable) (?:been |be )?(?:able )?to\b", "cannot", text)
    # ... and "I don't feel my legs" is "I cannot feel my legs" (feeling lost, not a symptom denied).
    text = re.sub(_LOST_FEELING, "cannot feel ", text)
    # "Bloody" before another word swears ("bloody hell, my back"); only at the end does it
    # describe blood ("the dressing is bloody").
    text = re.sub(r"\bbloody\s+(?=[a-z])", "", text)
    out = []
    for word in text.replace("'", "").split():
        # At most three digits: a huge number (Python refuses over 4,300 digits) is just a word.
        out.extend(number_words(int(word)).split() if word.isdigit() and len(word) <= 3 else [word])
    return out


def phrase_key(text: str) -> str:
    """The form phrases are compared in: ``words`` joined by single spaces."""
    return " ".join(words(text))


def _stem_matches(stem: str, token: str) -> bool:
    if len(stem) > _SHORT_STEM:
        return token.startswith(stem)
    if not token.startswith(stem):
        return False
    rest = token[len(stem) :]
    return rest in _SHORT_SUFFIXES or (rest[:1] == stem[-1] and rest[1:] in _SHORT_SUFFIXES)


@dataclass(frozen=True)
class Keyword:
    """Stems that must all appear in the heard words; each position lists alternatives.
    A ``contiguous`` keyword is a phrase instead: its words, exactly and side by side ("where
    i am" is not "I'm sure, but where's the mat")."""

    alternatives: tuple[tuple[str, ...], ...]
    contiguous: bool = False

    @staticmethod
    def parse(text: str) -> Keyword:
        return Keyword(tuple(tuple(phrase_key(a) for a in part.split("|")) for part in text.split()))

    @staticmethod
    def phrase(text: str) -> Keyword:
        return Keyword(tuple((word,) for word in phrase_key(text).split()), contiguous=True)

    def matches(self, tokens: list[str], skip: Collection[int] = ()) -> tuple[int, int, frozenset[int]] | None:
        """(letters of the stems matched, position of the first word matched, the positions
        matched), or ``None``. Words at ``skip`` positions (negated ones) do not count."""
        if self.contiguous:
            return self._matches_phrase(tokens, skip)
        total = 0
        first = len(tokens)
        where: set[int] = set()
        for options in self.alternatives:
            found = [
                (len(stem), i)
                for stem in options
                for i, t in enumerate(tokens)
                if i not in skip and _stem_matches(stem, t)
            ]
            if not found:
                return None
            letters = max(n for n, _ in found)
            total += letters
            first = min(first, *(i for _, i in found))
            where.update(i for n, i in found if n == letters)
        return total, first, frozenset(where)

    def _matches_phrase(self, tokens: list[str], skip: Collection[int]) -> tuple[int, int, frozenset[int]] | None:
        phrase = [options[0] for options in self.alternatives]
        for start in range(len(tokens) - len(phrase) + 1):
            where = range(start, start + len(phrase))
            if tokens[start : start + len(phrase)] == phrase and not any(i in skip for i in where):
                return sum(len(word) for word in phrase), start, frozenset(where)
        return None


@dataclass(frozen=True)
class Entry:
    """One vocabulary entry: an id and the ways people say it."""

    id: str
    say: tuple[str, ...]  # every expanded phrase, as written
    keywords: tuple[Keyword, ...]
    covered: bool = True


@dataclass(frozen=True)
class Vocabulary:
    """Phrases and keywords by slot and id; ``urgent`` ids win any keyword tie (red flags)."""

    sections: Mapping[str, Mapping[str, Entry]]
    urgent: frozenset[str] = frozenset()
    phrases: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # slot -> phrase_key -> id
    places: tuple[str, ...] = ()  # stems of words that only say where ("leg", "scar")
    idioms: tuple[str, ...] = ()  # phrases (phrase_key form) whose words name no symptom
    # slot -> its names of two words or more (phrase_key form), built once: a name, not a description
    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def entries(self, slot: str) -> Mapping[str, Entry]:
        return self.sections.get(slot, MappingProxyType({}))

    def say(self, slot: str, entry_id: str) -> tuple[str, ...]:
        entry = self.entries(slot).get(entry_id)
        return () if entry is None else entry.say

    def not_covered(self, slot: str = "activity") -> frozenset[str]:
        """Ids the sources do not cover (the answer says so and names who to ask)."""
        return frozenset(e.id for e in self.entries(slot).values() if not e.covered)

    def denied(self, slot: str, heard: str | None) -> bool:
        """The words name something only to deny it ("I'm not in pain", "no numbness")."""
        return self.resolve(slot, heard) is None and self.resolve(slot, heard, negation=False) is not None

    def hits(self, slot: str, heard: str | None, *, negation: bool = True, unread: Collection[int] = ()) -> list[Hit]:
        """Every reading of the words by a keyword: (score, id, the word positions it rests on).
        Words a negation covers ("my legs are NOT weak", "no numbness") name nothing, unless the
        negation itself is part of the keyword ("legs will not hold me", "no feeling"). Words at
        ``unread`` positions are not read at all (an exercise's name: "knee to CHEST")."""
        if not heard:
            return []
        tokens = words(heard)
        negated = negated_positions(tokens) if negation else frozenset[int]()
        unread = frozenset(unread)
        found: list[Hit] = []
        for order, entry in enumerate(self.entries(slot).values()):
            for keyword in entry.keywords:
                hit = keyword.matches(tokens, skip=unread)
                if hit is not None and negated and (hit[2] & negated) and not _negation_in(keyword, tokens, hit[2]):
                    hit = keyword.matches(tokens, skip=negated | unread)
                if hit is None:
                    continue
                letters, first, where = hit
                score = (int(entry.id in self.urgent), len(keyword.alternatives), -first, letters, -order)
                found.append((score, entry.id, where))
        return found

    def idiom_positions(self, heard: str | None) -> frozenset[int]:
        """Positions of words inside an idiom ("blood test", "off my chest", "by heart")."""
        return _positions(words(heard or ""), self.idioms)

    def named(self, slot: str, tokens: list[str]) -> frozenset[int]:
        """Positions of the ``words`` that say, word for word, one of ``slot``'s names of two
        words or more ("knee to chest", "pelvic tilts"): a name, not a description."""
        return _positions(tokens, self.names.get(slot, ()))

    def red_flag_word(self, slot: str, token: str) -> bool:
        """The word alone is a red flag's keyword ("chest"): read anywhere, even in a name."""
        return any(
            len(keyword.alternatives) == 1 and any(_stem_matches(stem, token) for stem in keyword.alternatives[0])
            for entry in self.entries(slot).values()
            if entry.id in self.urgent
            for keyword in entry.keywords
        )

    def only_places(self, tokens: list[str], where: Collection[int]) -> bool:
        """The ``words`` at ``where`` only say where something is ("leg", "scar"): a reading
        resting on them names a place, not what is felt there."""
        return bool(where) and all(
            any(_stem_matches(stem, tokens[i]) for stem in self.places) for i in where if i < len(tokens)
        )

    def says_nothing(self, heard: str | None) -> bool:
        """The words are only greetings, fillers and the words around a name ("hello", "morning",
        "exercises I guess"): as a slot's value they name nothing."""
        tokens = words(heard or "")
        return bool(tokens) and all(t in _SMALL_TALK or t in _LEADING or t in _TRAILING for t in tokens)

    def phrase(self, slot: str, heard: str | None) -> str | None:
        """The id of a listed phrase the words are (trimmed of fillers), or ``None``."""
        if not heard:
            return None
        index = self.phrases.get(slot, {})
        for candidate in _trimmed(words(heard)):
            found = index.get(" ".join(candidate))
            if found is not None:
                return found
        return None

    def resolve(self, slot: str, heard: str | None, *, negation: bool = True) -> str | None:
        """The id these heard words mean for a slot, or ``None``."""
        if not heard:
            return None
        listed = self.phrase(slot, heard)
        if listed is not None:
            return listed
        tokens = words(heard)
        hits = self.hits(slot, heard, negation=negation)
        if not hits:
            return None
        # Red flags first, then the keyword covering most words, then the earliest (the head
        # of "mop the floor" is mop), then the longest, then the order in the file.
        best = max(hits, key=lambda h: h[0])
        if best[1] in self.urgent:
            # A longer reading that holds every word the red flag rests on explains them
            # ("my INCISION is LEAKING" is the wound, not the bladder's "leak").
            wider = [h for h in hits if h[1] not in self.urgent and h[0][1] > best[0][1] and best[2] <= h[2]]
            if wider and not any(h[0][1] >= max(w[0][1] for w in wider) for h in hits if h[1] in self.urgent):
                return max(wider, key=lambda h: h[0])[1]
            return best[1]
        # Words after "when", "if" or "while" say when it happens, not what it is: "a pain in my
        # back when I lift my leg" is back pain. Red flags are read anywhere (above).
        boundary = next((i for i, t in enumerate(tokens) if t in CIRCUMSTANCE and i > 0), None)
        if boundary is not None:
            main = [h for h in hits if max(h[2]) < boundary]
            if main:
                return max(main, key=lambda h: h[0])[1]
        return best[1]


# One keyword's reading: its score (urgent first, most words, earliest, longest, file order),
# the entry id, and the positions of the words it rests on.
Hit = tuple[tuple[int, int, int, int, int], str, frozenset[int]]

# Words that deny what follows them, up to the end of the clause ("no numbness or tingling").
_NEGATIONS = frozenset(["no", "not", "never", "without", "nothing", "none", "nor"])
# Words that end a negation's reach ("no numbness BUT my leg gave way", "no pain, JUST numb").
_CLAUSE_ENDS = frozenset(
    ["but", "and", "though", "although", "however", "yet", "except", "so", "then", "because", "just"]
)
# A denied ability is a loss, not an absence: "not able to feel my legs" is a red flag.
# (stems: "not passed water", "not peed all day" report retention).
_ABILITY = ("able", "feel", "sensation", "strength", "control", "move", "hold", "breath", "pass", "pee", "wee", "urin")
# Words an ability stem begins that name a symptom, not an ability: "not breathless" denies.
_NOT_ABILITIES = ("breathless",)  # stems: "no breathlessness" denies it too
# A negation of knowing or remembering denies nothing that follows: "I don't know, my back
# hurts", "not sure it's chest pain", "no idea why my chest is tight", "I don't remember hitting
# my head". Hesitant words are how frightening things are said; "I don't know of any
# numbness" is read as numbness (asked about, at worst stopped), never a red flag denied.
_KNOWING = ("sure", "know", "certain", "idea", "why", "remember")
# Words that start a circumstance, not what something is ("a pain WHEN I lift my leg").
CIRCUMSTANCE = frozenset(["when", "whenever", "while", "if"])


_NEGATION_REACH = 4  # words: "not sure, I think I've wet myself" still reports the wetting
_NOT_DENIED = frozenset(["do", "have", "got", "any", "a", "much", "really", "been", "be", "had"])
# "No, I've wet myself": a "no" before a pronoun answers, it denies nothing.
_INTERJECTED = frozenset(["i", "my", "it", "its", "the", "that", "this", "we", "you", "me", "im", "ive"])


# What follows "not feel" when it denies a symptom ("I don't feel any pain", "not feel dizzy")
# rather than reporting lost feeling ("I don't feel my legs", "can't feel anything").
_BODY = ("leg", "foot", "feet", "toe", "knee", "thigh", "bum", "bottom", "butt", "groin", "anything", "down")


def _spans(tokens: list[str], phrases: Iterable[str]) -> list[tuple[int, int]]:
    """(start, end) of each place the words say one of ``phrases`` (phrase_key form), word
    for word, in the order of the words."""
    found = []
    for key in phrases:
        phrase = key.split()
        for start in range(len(tokens) - len(phrase) + 1):
            if tokens[start : start + len(phrase)] == phrase:
                found.append((start, start + len(phrase)))
    return sorted(found)


def _positions(tokens: list[str], phrases: Iterable[str]) -> frozenset[int]:
    """Positions of the words that say one of ``phrases`` (phrase_key form), word for word."""
    return frozenset(i for start, end in _spans(tokens, phrases) for i in range(start, end))


def _feels_a_symptom(following: list[str]) -> bool:
    if not following[0].startswith("feel"):
        return False
    rest = [t for t in following[1:] if t not in ("my", "the", "in", "at", "all", "either", "both", "of")]
    return bool(rest) and not rest[0].startswith(_BODY)


def _compares(following: list[str]) -> bool:
    """ "never felt a pain LIKE THAT", "never had a headache THIS BAD", "AS BAD AS this",
    "LIKE IT": the comparison reports the symptom, it does not deny it."""
    clause = []
    for t in following:
        if t in _CLAUSE_ENDS:
            break
        clause.append(t)
    pairs = set(itertools.pairwise(clause))
    strong = ("bad", "badly", "sharp", "strong", "severe", "painful")
    return (
        any(a == "like" and b in ("that", "this") for a, b in pairs)
        or clause[-2:] == ["like", "it"]  # "never had a headache like it", said last
        or any(a in ("this", "that", "so") and b in strong for a, b in pairs)
        or any(a == "as" and b in strong for a, b in pairs)  # "as bad as this"
    )


def negated_positions(tokens: list[str]) -> frozenset[int]:
    """Positions of the words a negation denies: the next few words, up to the clause's end.
    "not able to ...", "no feeling ..." deny an ability (a loss is reported) and deny
    nothing; "cannot" never does ("I cannot feel my legs"); "no, I ..." is an answer."""
    out: set[int] = set()
    for i, token in enumerate(tokens):
        if token not in _NEGATIONS:
            continue
        if token == "no" and i + 1 < len(tokens) and tokens[i + 1] in _INTERJECTED:
            continue
        following = [t for t in tokens[i + 1 : i + 6] if t not in _NOT_DENIED]
        if following and following[0].startswith(_KNOWING):
            continue
        if token == "never" and _compares(tokens[i + 1 : i + 13]):
            continue
        if (
            following
            and following[0].startswith(_ABILITY)
            and not following[0].startswith(_NOT_ABILITIES)
            and not _feels_a_symptom(following)
        ):
            continue
        for j in range(i + 1, min(len(tokens), i + 1 + _NEGATION_REACH)):
            if tokens[j] in _CLAUSE_ENDS:
                break
            out.add(j)
    return frozenset(out)


# A symptom said to be over ("the numbness I had before the op has completely GONE", "the
# swelling WENT DOWN weeks ago"): the words that name it report nothing now. Only a symptom's
# own name is resolved, never an ability ("the feeling in my legs has gone" is a loss), and
# "gone" only when nothing follows that says where or how ("gone down my leg", "gone numb").
_SYMPTOM_NOUNS = (
    "numbness",
    "tingling",
    "pins",
    "needles",
    "pain",
    "ache",
    "aching",
    "swelling",
    "headache",
    "weakness",
    "dizziness",
    "soreness",
    "stiffness",
    "fever",
    "temperature",
    "rash",
    "redness",
    "bleeding",
    "leak",
    "nausea",
    "sickness",
    "cramp",
    "spasm",
)
_RESOLVED = frozenset(
    ["stopped", "cleared", "settled", "recovered", "healed", "disappeared", "vanished", "subsided", "resolved"]
)
_GONE_THEN = frozenset(
    ["away", "now", "completely", "entirely", "altogether", "which", "and", "since", "thank", "touch", "so", "but"]
)
_RESOLUTION_REACH = 12  # words back from the cue to the symptom's name
_RESOLUTION_ENDS = frozenset(["but", "because", "though", "although", "however", "yet", "except", "now"])


def _resolves(tokens: list[str], i: int) -> bool:
    token, after = tokens[i], tokens[i + 1 : i + 2]
    if any(t in _NEGATIONS for t in tokens[max(0, i - 4) : i]):
        return False  # "the numbness has not gone", "hasn't ever really gone"
    if i and tokens[i - 1] in ("i", "we", "you", "he", "she", "they"):
        return False  # "so I stopped": the patient stopped, not the symptom
    if token in _RESOLVED:
        # "stopped me sleeping", "has stopped improving"
        return not after or after[0] not in ("me", "him", "her", "us", "them", "my", "it", "improving", "getting")
    if token == "gone":
        return not after or after[0] in _GONE_THEN
    if token == "went":
        return after == ["away"]
    if token == "better":
        # "my old leg pain is way better since the surgery": the pain the operation was for
        return after == ["since"] and bool(_OPERATION.intersection(tokens[i + 2 : i + 5]))
    return False


_OPERATION = frozenset(["surgery", "op", "operation", "fusion"])


# A question about what to do if something happened ("what should I do if my leg goes numb",
# "if I ever felt chest pain, should I call for help"): the words describe a sign, but no one
# reports it. Said word for word; "if ... ever" within a few words too. A plain condition
# ("I get dizzy if I stand up") is not one of these.
_HYPOTHETICAL = (
    "hypothetically",
    "what should i do if",
    "what do i do if",
    "what would i do if",
    "what do i do when",
    "what should i do when",
    "what happens if",
    "what if",
    "in case",
    "if somebody",
    "if someone",
    "if anyone",
    "what counts as",
    "what would count as",
    "how do i know if",
    "how would i know if",
    "when should i worry",
    "when should i call",
    "when should i ring",
    "when do i call",
    "what are the signs",
)
_EVER_REACH = 5  # words after "if" that "ever" may come ("if my wound ever started leaking")


def hypothetical(tokens: list[str]) -> int | None:
    """Where a question about what to do if a sign happened asks it (the position its words
    end at, or of its "if"), or ``None``: a sign said after it is asked about, not reported
    (see above); one said before it ("I can't feel my legs, what do I do if it gets worse")
    is reported."""
    asked = [end - 1 for _, end in _spans(tokens, _HYPOTHETICAL)[:1]]  # the first phrase's last word
    ifs = [i for i, t in enumerate(tokens) if t == "if" and "ever" in tokens[i + 1 : i + 1 + _EVER_REACH]]
    return min([*asked, *ifs], default=None)


# Someone else's news that ends well ("my mum had a fall last week but SHE'S FINE NOW"): what
# was said before it is theirs and over. Never the patient's own ("I fell but I'm fine").
# Only "he" or "she", now, at the end of what is said ("she was fine this morning" is not
# over; "they're okay now" may be the legs; "he's fine now otherwise" says more).
_THEIRS_OVER = tuple(
    f"{who} is {state}"
    for who in ("he", "she")
    for state in ("fine now", "okay now", "ok now", "alright now", "all right now", "right as rain")
)
_THEIRS_OVER_THEN = frozenset(["now", "just", "thank", "thanks", "thankfully", "luckily", "apparently", "so"])


def _theirs_over(tokens: list[str]) -> int | None:
    """Where someone else's good news begins, when the sentence ends with it (see above)."""
    return next(
        (
            start
            for start, end in _spans(tokens, _THEIRS_OVER)
            if end == len(tokens) or tokens[end] in _THEIRS_OVER_THEN
        ),
        None,
    )


def resolved_positions(tokens: list[str]) -> frozenset[int]:
    """Positions of the words naming a symptom the sentence says is over (see above)."""
    theirs = _theirs_over(tokens)
    if theirs is not None:
        return frozenset(range(theirs))
    out: set[int] = set()
    for i in range(len(tokens)):
        if not _resolves(tokens, i):
            continue
        for j in range(i - 1, max(-1, i - 1 - _RESOLUTION_REACH), -1):
            if tokens[j] in _RESOLUTION_ENDS:
                break
            if tokens[j].startswith(_SYMPTOM_NOUNS):
                out.add(j)
    return frozenset(out)


def _negation_in(keyword: Keyword, tokens: list[str], where: frozenset[int]) -> bool:
    """The keyword spells the negation out itself ("leg will not", "no control")."""
    return any(tokens[i] in _NEGATIONS for i in where) or any(
        stem in _NEGATIONS for options in keyword.alternatives for stem in options
    )


def _trimmed(tokens: list[str]) -> Iterable[list[str]]:
    """The words, then without leading articles, then without trailing "routine" and "please"."""
    yield tokens
    start = 0
    while start < len(tokens) - 1 and tokens[start] in _LEADING:
        start += 1
    yield tokens[start:]
    end = len(tokens)
    while end > start + 1 and tokens[end - 1] in _TRAILING:
        end -= 1
    yield tokens[start:end]


def build_vocabulary(
    document: Mapping[str, Any], urgent: Collection[str] = (), names: Mapping[str, Iterable[str]] | None = None
) -> Vocabulary:
    """A Vocabulary from ``content/vocabulary.json`` (already schema-checked); ``names``: a
    slot's names said elsewhere (the catalog's exercise names), beside its own phrases."""
    sections: dict[str, Mapping[str, Entry]] = {}
    phrases: dict[str, Mapping[str, str]] = {}
    for slot in SLOTS:
        entries = {}
        for entry_id, raw in document.get(slot, {}).items():
            say = tuple(dict.fromkeys(p for template in raw["say"] for p in expand(template)))
            keywords = (
                *(Keyword.parse(k) for k in raw["keywords"]),
                *(Keyword.phrase(x) for p in raw.get("contains", ()) for x in expand(p)),
            )
            entries[entry_id] = Entry(entry_id, say, keywords, raw.get("covered", True))
        sections[slot] = MappingProxyType(entries)
        index: dict[str, str] = {}
        for entry in entries.values():
            for phrase in entry.say:
                index.setdefault(phrase_key(phrase), entry.id)
        phrases[slot] = MappingProxyType(index)
    places = tuple(phrase_key(p) for p in document.get("places", ()))
    idioms = tuple(phrase_key(x) for template in document.get("idioms", ()) for x in expand(template))
    # Names of two words or more, from the phrases already keyed above and the names said
    # elsewhere: built once, for every triage reads them.
    named = MappingProxyType(
        {
            slot: tuple(
                sorted(
                    key
                    for key in {*phrases[slot], *(phrase_key(name) for name in (names or {}).get(slot, ()))}
                    if " " in key
                )
            )
            for slot in SLOTS
        }
    )
    return Vocabulary(MappingProxyType(sections), frozenset(urgent), MappingProxyType(phrases), places, idioms, named)
