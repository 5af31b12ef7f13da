"""A representative set of samples from a grammar, instead of every combination of it.

A sample template such as ``<ask> (explain|describe) <det> {exercise} [to me|please]`` stands
for the product of its choice points: thousands of sentences for one line of the source.
Alexa learns from a representative set and generalises to paraphrases, and a model over
Amazon's size limit does not build at all, so the interaction model carries a covering
sample of each template instead:

1. every option of every choice point appears in at least one sample (the minimum a
   template needs: as many samples as its widest choice point has options), then
2. every pair of options at neighbouring choice points (what a learner sees as the words
   around a word), as far as the intent's budget allows, shared out between its templates.

The choice of each sample is greedy and deterministic (the same grammar always gives the
same model, so ``models build --check`` can compare). Articles are made to agree with the
word after them ("a easier version" -> "an easier version"; "a results" -> "results").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from skill.domain.grammar import choices, sentence

# A project budget, not Amazon's: the model stays well under Amazon's 1.5 MB with room to grow,
# and a few hundred samples an intent is what large published skills carry.
SAMPLES_PER_INTENT = 300

# Words that start with a vowel letter but a consonant sound, and the reverse.
_CONSONANT_SOUND = ("one", "once", "uni", "use", "usu", "ura", "ure", "uro", "eu", "ewe")
_VOWEL_SOUND = ("hour", "honest", "honour", "honor", "heir")


@dataclass
class _Template:
    """One template's choice points and what its samples cover so far."""

    points: list[list[str]]
    samples: list[str] = field(default_factory=list)
    singles: set[tuple[int, int]] = field(default_factory=set)
    pairs: set[tuple[int, int, int]] = field(default_factory=set)  # (point, option, option of the next)

    @property
    def wide(self) -> list[int]:
        """The points with a choice (literal text is a point of one option)."""
        return [i for i, options in enumerate(self.points) if len(options) > 1]

    def missing_singles(self) -> int:
        return sum(len(self.points[i]) for i in self.wide) - len(self.singles)

    def missing_pairs(self) -> int:
        wide = self.wide
        total = sum(len(self.points[a]) * len(self.points[b]) for a, b in itertools.pairwise(wide))
        return total - len(self.pairs)

    def add(self, pick: Sequence[int]) -> bool:
        """Take one combination (an option index per point); False if it gave a sample already had."""
        text = agree(sentence(self.points[i][o] for i, o in enumerate(pick)))
        wide = self.wide
        self.singles.update((i, pick[i]) for i in wide)
        self.pairs.update((a, pick[a], pick[b]) for a, b in itertools.pairwise(wide))
        if text in self.samples:
            return False
        self.samples.append(text)
        return True

    def next_pick(self, *, pairs: bool) -> list[int]:
        """The combination that covers most of what is missing, chosen left to right."""
        wide = self.wide
        pick = [0] * len(self.points)
        previous: int | None = None
        offset = len(self.samples)  # ties go round the options, so samples differ
        for i in wide:
            count = len(self.points[i])

            def gain(option: int, i: int = i, previous: int | None = previous, count: int = count) -> tuple[int, int]:
                single = int((i, option) not in self.singles)
                pair = 0
                if pairs and previous is not None:
                    pair = int((previous, pick[previous], option) not in self.pairs)
                return (2 * single + pair, -((option - offset) % count))

            pick[i] = max(range(count), key=gain)
            previous = i
        return pick


def agree(text: str) -> str:
    """Articles that agree with the next word: "an" before a vowel sound, "a" before a
    consonant, neither before a plural or mass noun the grammar made ("send a results")."""
    words = text.split(" ")
    out: list[str] = []
    for position, word in enumerate(words):
        following = words[position + 1] if position + 1 < len(words) else ""
        if word in ("a", "an") and following and not following.startswith("{"):
            if _plural(following):
                continue
            out.append("an" if _vowel_sound(following) else "a")
            continue
        out.append(word)
    return " ".join(out)


def _vowel_sound(word: str) -> bool:
    if word.startswith(_VOWEL_SOUND):
        return True
    return word[:1] in "aeiou" and not word.startswith(_CONSONANT_SOUND)


# Plural nouns the grammar puts after a determiner; "a" never stands before them.
_PLURAL = re.compile(r"^[a-z]+(?<![su])s$")
_NOT_PLURAL = frozenset(["this", "his", "its", "yes", "us", "plus", "always", "ones", "news", "physics", "series"])


# Nouns that take no "a" either ("send a progress").
_MASS = frozenset(["progress", "information", "advice", "data", "feedback", "homework", "equipment"])


def _plural(word: str) -> bool:
    """A plural or mass noun, which takes no "a"."""
    return word in _MASS or (bool(_PLURAL.match(word)) and word not in _NOT_PLURAL)


def cover(templates: Sequence[str], rules: Mapping[str, str], budget: int = SAMPLES_PER_INTENT) -> list[str]:
    """A covering sample of an intent's templates: every option once, then neighbouring pairs
    while the budget lasts (the budget never cuts the first step: no option goes unseen)."""
    shapes = [_Template(choices(t, rules)) for t in templates]
    for shape in shapes:
        while shape.missing_singles():
            shape.add(shape.next_pick(pairs=False))
        if not shape.samples:
            shape.add([0] * len(shape.points))
    total = sum(len(s.samples) for s in shapes)
    # Pairs, one sample a template at a time, so every template gets its share.
    stalled: set[int] = set()
    while total < budget and len(stalled) < len(shapes):
        for index, shape in enumerate(shapes):
            if index in stalled or total >= budget:
                continue
            if not shape.missing_pairs():
                stalled.add(index)
                continue
            before = shape.missing_pairs()
            added = shape.add(shape.next_pick(pairs=True))
            if shape.missing_pairs() == before:
                stalled.add(index)  # nothing new can be reached this way
            total += int(added)
    return list(dict.fromkeys(s for shape in shapes for s in shape.samples))
