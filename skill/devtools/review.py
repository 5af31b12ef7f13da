"""``content/REVIEW.md``: for a clinician, every clinical statement the skill can speak, with its
source (a seed document, the patient forum, or the product's own policy) and a decision column.

Written by ``spine-coach content review``; a test regenerates it and fails when the file is out
of date, so the list always matches what the skill says: a statement added anywhere below
without regenerating the file fails the suite. Covered: each exercise's position, steps,
breathing, cautions, dosages and coaching words; the general guidance (rules, topics); each
triage sign (its tier, the words that indicate it, its answer) and each combination; the
stage map, the placement of exercises the routines do not stage, and when each routine may
start; the pain thresholds; and the prompts that give safety or clinical advice
(``REVIEWED_PROMPTS``).

Decisions are not written here: a clinician records them in ``content/decisions.json`` (file,
key, the statement as approved, approved / change / remove, initials, date), and this file
shows them. A decision counts only while the statement is word for word the one decided on;
``spine-coach content check`` counts what is not yet approved and ``spine-coach package``
lists it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.domain.content_check import read_tree

REVIEW_NAME = "REVIEW.md"
DECISIONS_NAME = "decisions.json"
PENDING = "pending clinical review"
POLICY = "product policy"
# Prompt keys (and key prefixes, ending in ".") whose words give safety or clinical advice.
REVIEWED_PROMPTS = (
    "safety.",
    "start.",
    "howto.too_early",
    "stage.follow_up.pending",
    "coach.start.safety",
    "coach.aerobic.no_minutes",
    "coach.untimed.plan",
    "coach.level.",
    "coach.skip.clearance",
    "content.patient_experience",
    "content.caution.patient_experience",
    "dosage.not_given",
    "howto.clearance",
    "workout.clearance_needed",
    "workout.resume.after_symptom",
    "workout.check_in",
    "pain.alert.",
    "progress.pain.up",
)


@dataclass(frozen=True)
class Statement:
    """One spoken clinical statement: where it lives, what it says, what it rests on."""

    file: str
    key: str
    text: str
    source: str


@dataclass(frozen=True)
class Decision:
    decision: str  # approved, change or remove
    by: str
    on: str
    text: str  # the statement as decided on: a later change of words reopens it

    def shown(self) -> str:
        return f"{self.decision} ({self.by}, {self.on})"


def statements(content_dir: Path, prompts_file: Path) -> list[tuple[str, list[Statement]]]:
    """Every clinical statement, by section."""
    documents = read_tree(content_dir).documents
    prompts: Mapping[str, Any] = json.loads(prompts_file.read_text())
    short = _source_names(documents)
    return [
        (
            "Exercises: position, steps, breathing, cautions, dosages, coaching words",
            list(_exercises(documents, short)),
        ),
        ("General guidance", list(_guidance(documents, short))),
        ("Triage: each sign's tier, words and answer; combinations", list(_triage(documents, prompts, short))),
        ("Stages: the week and day maps, placements, when a routine may start", list(_stages(documents, short))),
        ("Pain scores", list(_pain())),
        ("Prompts that give safety or clinical advice (skill/alexa/prompts/en.json)", list(_prompts(prompts))),
    ]


def read_decisions(content_dir: Path) -> dict[tuple[str, str], Decision]:
    """The clinician's decisions, by (file, key); none when the file is missing."""
    path = content_dir / DECISIONS_NAME
    if not path.exists():
        return {}
    rows = json.loads(path.read_text(encoding="utf-8")).get("decisions", [])
    return {(r["file"], r["key"]): Decision(r["decision"], r["by"], r["on"], r["text"]) for r in rows}


def decision_for(statement: Statement, decisions: Mapping[tuple[str, str], Decision]) -> Decision | None:
    """The decision on this statement, if one was made on these very words."""
    found = decisions.get((statement.file, statement.key))
    return found if found is not None and found.text == statement.text else None


def not_approved(content_dir: Path, prompts_file: Path) -> list[Statement]:
    """Statements no clinician has approved as they now read."""
    return pending(statements(content_dir, prompts_file), read_decisions(content_dir))


def pending(
    sections: list[tuple[str, list[Statement]]], decisions: Mapping[tuple[str, str], Decision]
) -> list[Statement]:
    """Of these statements, those not approved as they now read."""
    return [
        s
        for _, rows in sections
        for s in rows
        if (found := decision_for(s, decisions)) is None or found.decision != "approved"
    ]


def build_review(content_dir: Path, prompts_file: Path) -> str:
    """The text of REVIEW.md for this content and these base (en) prompts."""
    decisions = read_decisions(content_dir)
    sections = statements(content_dir, prompts_file)
    total = sum(len(rows) for _, rows in sections)
    approved = total - len(pending(sections, decisions))
    lines = [
        "# Clinical statements and their review",
        "",
        "Generated by `spine-coach content review` from `content/` and `skill/alexa/prompts/en.json`;"
        " do not edit by hand.",
        "Every clinical statement Spine Coach can speak, with what it rests on: a seed document (see",
        "`content/sources.json`; sourced statements are checked against it by `tests/test_content_sources.py`),",
        f"the patient forum, or {POLICY} where no source says it ({PENDING}). Record a decision in",
        "`content/decisions.json` (approved, change or remove, with initials and date); it holds while the",
        "statement reads as decided.",
        "",
        f"Approved: {approved} of {total}.",
        "",
    ]
    for title, rows in sections:
        lines += [
            f"## {title}",
            "",
            "| File | Key | Statement | Source | Decision |",
            "| --- | --- | --- | --- | --- |",
        ]
        for s in rows:
            found = decision_for(s, decisions)
            shown = found.shown() if found is not None else ""
            lines.append(f"| {s.file} | `{s.key}` | {_cell(s.text)} | {_cell(s.source)} | {shown} |")
        lines.append("")
    return "\n".join(lines)


def write_review(content_dir: Path, prompts_file: Path) -> Path:
    target = content_dir / REVIEW_NAME
    target.write_text(build_review(content_dir, prompts_file))
    return target


# --- the sections ----------------------------------------------------------------------------


def _source_names(documents: Mapping[str, Any]) -> dict[str, str]:
    """Source id -> how the table names it ("seed 001", "patient forum")."""
    names = {}
    for source in documents["sources.json"]["sources"]:
        if source["kind"] == "reference":
            # A published page the product's policy follows: named by its title, so the
            # clinician can find it (its address is in sources.json).
            names[source["id"]] = source["title"]
        elif source["kind"] == "forum":
            names[source["id"]] = "patient forum"
        else:
            names[source["id"]] = f"{source['kind']} {source['id'].split('_')[0]}"
    return names


def _sources(ids: Any, short: Mapping[str, str]) -> str:
    listed = [short.get(i, i) for i in (ids if isinstance(ids, list) else [ids]) if i]
    return ", ".join(dict.fromkeys(listed)) or f"{POLICY} ({PENDING})"


def _rule_sources(entry: Mapping[str, Any], short: Mapping[str, str]) -> str:
    """A triage row's sources; one that follows the product's policy says so, after the
    published pages the policy follows, whatever else it cites."""
    if "review" not in entry:
        return _sources(entry["sources"], short)
    cited = _sources(entry["sources"], short) if entry["sources"] else ""
    return f"{cited}; {POLICY} ({PENDING})" if cited else f"{POLICY} ({PENDING})"


def _exercise_docs(documents: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for name in sorted(documents):
        if name.startswith("exercises/"):
            yield f"content/{name}", documents[name]


def _exercises(documents: Mapping[str, Any], short: Mapping[str, str]) -> Iterator[Statement]:
    for file, doc in _exercise_docs(documents):
        own = _sources(doc["sources"], short)
        yield Statement(file, "$.position", doc["position"], own)
        for i, step in enumerate(doc["steps"]):
            yield Statement(file, f"$.steps[{i}]", step, own)
        yield Statement(file, "$.breathing", doc["breathing"], own)
        purpose = doc.get("purpose")
        if purpose is not None:
            yield Statement(file, "$.purpose", purpose["text"], _sources(purpose["source"], short))
        for i, caution in enumerate(doc["cautions"]):
            yield Statement(file, f"$.cautions[{i}]", caution["text"], _sources(caution.get("source"), short))
        for i, dosage in enumerate(doc["dosages"]):
            yield Statement(file, f"$.dosages[{i}]", _dosage(dosage), _sources(dosage.get("source"), short))
        coaching = doc.get("coaching")
        if coaching is not None:
            said = f"{coaching['move']} ... {coaching['release']}"
            yield Statement(file, "$.coaching", said, f"{POLICY} ({PENDING})")


def _dosage(dosage: Mapping[str, Any]) -> str:
    if not dosage.get("given", True):
        return f"no amount given: {dosage.get('note', '')}".strip()
    fields = {k: v for k, v in dosage.items() if k not in ("id", "source", "given")}
    return json.dumps(fields, sort_keys=True)


def _guidance(documents: Mapping[str, Any], short: Mapping[str, str]) -> Iterator[Statement]:
    guidance = documents["guidance.json"]
    file = "content/guidance.json"
    for key in ("disclaimer", "breathing_rule", "stop_rule", "surgeon_first", "before_starting", "avoid_summary"):
        yield Statement(file, f"$.{key}", guidance[key]["text"], _sources(guidance[key]["sources"], short))
    yield Statement(file, "$.stop_rule.contact", guidance["stop_rule"]["contact"], f"{POLICY} ({PENDING})")
    for i, topic in enumerate(guidance["topics"]):
        yield Statement(
            file,
            f"$.topics[{i}]",
            f"{topic['id']} ({topic['verdict']}): {topic['text']}",
            _sources(topic["sources"], short),
        )


def _triage(documents: Mapping[str, Any], prompts: Mapping[str, Any], short: Mapping[str, str]) -> Iterator[Statement]:
    answer = {"stop": "safety.stop.now", "surgeon_today": "safety.surgeon_today", "emergency": "safety.emergency"}
    words = documents["vocabulary.json"]["symptom"]
    file = "content/guidance.json"
    for i, symptom in enumerate(documents["guidance.json"]["symptoms"]):
        key = answer.get(symptom["severity"], f"safety.expected.{symptom['id']}")
        entry = words.get(symptom["id"], {})
        said = "; ".join([*entry.get("say", []), *entry.get("keywords", []), *entry.get("contains", [])])
        text = f"{symptom['id']}: {symptom['severity']}. Answer: {_prompt_text(prompts[key])} Words: {said}"
        yield Statement(file, f"$.symptoms[{i}]", text, _rule_sources(symptom, short))
    for i, combination in enumerate(documents["guidance.json"].get("combinations", [])):
        text = f"{' with '.join(combination['all'])}: {combination['severity']}"
        yield Statement(file, f"$.combinations[{i}]", text, _rule_sources(combination, short))


def _stages(documents: Mapping[str, Any], short: Mapping[str, str]) -> Iterator[Statement]:
    stages = documents["stages.json"]
    file = "content/stages.json"
    for i, span in enumerate(stages["week_map"]):
        text = f"weeks {span['from_week']} to {span['to_week']}: {span['routine']}. {span.get('note', '')}".strip()
        yield Statement(file, f"$.week_map[{i}]", text, _sources(span.get("source"), short))
    for i, span in enumerate(stages["day_map"]):
        text = f"days {span['from_day']} to {span['to_day']}: {span['routine']}. {span.get('note', '')}".strip()
        yield Statement(file, f"$.day_map[{i}]", text, _sources(span.get("source"), short))
    for i, placed in enumerate(stages["exercise_stages"]):
        text = f"{placed['exercise']} in {placed['routine']}. {placed.get('note', '')}".strip()
        yield Statement(file, f"$.exercise_stages[{i}]", text, _sources(placed.get("source"), short))
    for i, rule in enumerate(stages["routine_rules"]):
        yield Statement(
            file, f"$.routine_rules[{i}]", f"{rule['routine']} starts: {rule['rule']}", f"{POLICY} ({PENDING})"
        )


def _pain() -> Iterator[Statement]:
    from skill.domain import pain

    file = "skill/domain/pain.py"
    yield Statement(file, "HIGH", f"a pain score of {pain.HIGH} or more gets the stop-and-contact advice", POLICY)
    yield Statement(file, "RISE", f"a score {pain.RISE} or more above the recent average gets it too", POLICY)


def _prompts(prompts: Mapping[str, Any]) -> Iterator[Statement]:
    for key in sorted(prompts):
        if any(key == p or (p.endswith(".") and key.startswith(p)) for p in REVIEWED_PROMPTS):
            yield Statement("skill/alexa/prompts/en.json", key, _prompt_text(prompts[key]), f"{POLICY} ({PENDING})")


def _prompt_text(value: Any) -> str:
    return " / ".join(value) if isinstance(value, list) else str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
