"""Checks ``content/``: JSON syntax, JSON Schema, and every cross-reference.

Each problem names the file, the JSON path and says in plain words what is wrong, so a
physiotherapist editing an exercise can fix it. ``spine-coach content check`` prints them
and exits non-zero; ``skill.domain.catalog.load_catalog`` refuses content that has any.

A successful full check writes a stamp (a digest of every content file) so later loads of
the same content skip the JSON Schema pass; any edit changes the digest and brings the
full check back.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skill.domain.vocabulary import normalize

STAMP_NAME = ".validated"
TOP_LEVEL = {
    "sources.json": "sources.schema.json",
    "routines.json": "routines.schema.json",
    "stages.json": "stages.schema.json",
    "guidance.json": "guidance.schema.json",
    "vocabulary.json": "vocabulary.schema.json",
    "decisions.json": "decisions.schema.json",
}
EXERCISE_SCHEMA = "exercise.schema.json"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the content, located by file and JSON path."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


@dataclass
class RawTree:
    """The parsed content files, keyed by their path relative to the content root."""

    documents: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    digest: str = ""


# The longest name a counting screen shows on one line (the schema's limit for short_name).
SHORT_NAME_LENGTH = 27


def read_tree(root: Path) -> RawTree:
    """Parse every content file under ``root``; syntax errors become problems."""
    tree = RawTree()
    hasher = hashlib.sha256()
    names = [*TOP_LEVEL, *sorted(f"exercises/{p.name}" for p in (root / "exercises").glob("*.json"))]
    for name in names:
        path = root / name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            tree.problems.append(Problem(name, "$", "file is missing"))
            continue
        hasher.update(name.encode() + b"\0" + data + b"\0")
        try:
            tree.documents[name] = parse_json(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            tree.problems.append(Problem(name, "$", f"file is not UTF-8 text ({exc.reason} at byte {exc.start})"))
        except json.JSONDecodeError as exc:
            tree.problems.append(
                Problem(name, "$", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")
            )
        except ValueError as exc:
            tree.problems.append(Problem(name, "$", f"not valid JSON: {exc}"))
    tree.digest = hasher.hexdigest()
    return tree


def check_tree(root: Path, tree: RawTree | None = None) -> list[Problem]:
    """Every problem in the content at ``root``: syntax, schema, then cross-references.

    Cross-references are checked only when every file passed its schema, because they
    assume the shape the schema guarantees.
    """
    tree = tree if tree is not None else read_tree(root)
    problems = list(tree.problems)
    problems.extend(_schema_problems(root, tree.documents))
    if not problems:
        problems.extend(check_references(tree))
    return sorted(problems)


def check_content(root: Path) -> list[Problem]:
    """Full check of a content directory; writes the stamp when it passes."""
    tree = read_tree(root)
    problems = check_tree(root, tree)
    if not problems:
        write_stamp(root, tree)
    return problems


# --- stamp -----------------------------------------------------------------------------


def is_stamped(root: Path, tree: RawTree) -> bool:
    """True when this exact content passed a full check before."""
    if tree.problems:
        return False
    try:
        return (root / STAMP_NAME).read_text().strip() == tree.digest
    except OSError:
        return False


def write_stamp(root: Path, tree: RawTree) -> None:
    """Record that this content passed; silently skipped on a read-only file system."""
    # A read-only code directory (Lambda) cannot take the stamp; the package command
    # stamps the bundle instead.
    with contextlib.suppress(OSError):
        (root / STAMP_NAME).write_text(tree.digest + "\n")


# --- schema ----------------------------------------------------------------------------


def _schema_problems(root: Path, documents: Mapping[str, Any]) -> Iterator[Problem]:
    import jsonschema
    from referencing import Registry, Resource

    schema_dir = root / "schema"
    schemas: dict[str, Any] = {}
    for path in sorted(schema_dir.glob("*.schema.json")):
        schemas[path.name] = json.loads(path.read_text())
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    for name, document in documents.items():
        schema_name = EXERCISE_SCHEMA if name.startswith("exercises/") else TOP_LEVEL[name]
        validator = jsonschema.Draft202012Validator(schemas[schema_name], registry=registry)
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
            yield Problem(name, error.json_path, plain_message(error))


def plain_message(error: Any) -> str:
    """A short, plain-English message for a jsonschema error."""
    validator = error.validator
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"required field '{missing}' is missing"
    if validator == "additionalProperties":
        return f"unexpected field: {error.message.split('(')[-1].rstrip(')')}"
    if validator == "minItems":
        return "must not be empty" if error.validator_value == 1 else f"needs at least {error.validator_value} entries"
    if validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    if validator == "pattern":
        return f"{error.instance!r} has characters that are not allowed here"
    if validator == "not":
        return "a source that gives no dosage must not list amounts"
    return str(error.message)


# --- cross-references --------------------------------------------------------------------


def check_references(tree: RawTree) -> list[Problem]:
    """Problems between files: unknown ids, duplicate names, missing sources, gaps."""
    docs = tree.documents
    problems: list[Problem] = []
    source_ids = {s["id"] for s in docs["sources.json"]["sources"]}
    forum_ids = {s["id"] for s in docs["sources.json"]["sources"] if s["kind"] == "forum"}
    exercises = {name: doc for name, doc in docs.items() if name.startswith("exercises/")}
    by_id: dict[str, dict[str, Any]] = {}

    def need_source(file: str, path: str, source: str) -> None:
        if source not in source_ids:
            problems.append(Problem(file, path, f"source {source!r} is not listed in sources.json"))

    spoken_owner: dict[str, tuple[str, str]] = {}
    for name, doc in exercises.items():
        eid = doc["id"]
        if name != f"exercises/{eid}.json":
            problems.append(Problem(name, "$.id", f"id {eid!r} does not match the file name"))
        if eid in by_id:
            problems.append(Problem(name, "$.id", f"id {eid!r} is used by another exercise"))
        by_id[eid] = doc
        for i, source in enumerate(doc["sources"]):
            need_source(name, f"$.sources[{i}]", source)
        for i, step in enumerate(doc["steps"]):
            if not step.strip():
                problems.append(Problem(name, f"$.steps[{i}]", "step is empty"))
        if len(doc["name"]) > SHORT_NAME_LENGTH and "short_name" not in doc:
            # A counting screen shows the name on one line, large enough to read from the floor.
            problems.append(
                Problem(name, "$.name", f"longer than {SHORT_NAME_LENGTH} characters: give a short_name for screens")
            )
        for i, caution in enumerate(doc["cautions"]):
            if "source" in caution:
                need_source(name, f"$.cautions[{i}].source", caution["source"])
        purpose = doc.get("purpose")
        if purpose is not None:
            need_source(name, "$.purpose.source", purpose["source"])
            if purpose["source"] not in doc["sources"]:
                problems.append(Problem(name, "$.purpose.source", "purpose source is not among the exercise's sources"))
            if purpose["source"] in forum_ids:
                # a purpose is said as fact: patients' experience is never one
                problems.append(Problem(name, "$.purpose.source", "a purpose cannot cite the patient forum"))
        dosage_ids = [d["id"] for d in doc["dosages"]]
        for i, dosage in enumerate(doc["dosages"]):
            path = f"$.dosages[{i}]"
            if dosage_ids.count(dosage["id"]) > 1:
                problems.append(Problem(name, f"{path}.id", f"dosage id {dosage['id']!r} is used twice"))
            need_source(name, f"{path}.source", dosage["source"])
            if dosage["source"] not in doc["sources"]:
                problems.append(Problem(name, f"{path}.source", "dosage source is not among the exercise's sources"))
            for key in ("reps", "hold_seconds", "times_per_day", "minutes"):
                rng = dosage.get(key)
                if rng is not None and rng["min"] > rng["max"]:
                    problems.append(
                        Problem(name, f"{path}.{key}", f"min {rng['min']} is greater than max {rng['max']}")
                    )
                if key in ("reps", "minutes") and rng is not None and rng["max"] == 0:
                    problems.append(Problem(name, f"{path}.{key}", "must be more than zero"))
        if doc["default_dosage"] not in dosage_ids:
            problems.append(Problem(name, "$.default_dosage", f"no dosage with id {doc['default_dosage']!r}"))
        _claim_spoken(problems, spoken_owner, name, eid, [("$.name", doc["name"])])

    routines = docs["routines.json"]["routines"]
    routine_ids = [r["id"] for r in routines]
    routine_spoken: dict[str, tuple[str, str]] = {}
    for r_index, routine in enumerate(routines):
        base = f"$.routines[{r_index}]"
        if routine_ids.count(routine["id"]) > 1:
            problems.append(Problem("routines.json", f"{base}.id", f"routine id {routine['id']!r} is used twice"))
        for i, source in enumerate(routine["sources"]):
            need_source("routines.json", f"{base}.sources[{i}]", source)
        for i, item in enumerate(routine["items"]):
            path = f"{base}.items[{i}]"
            exercise = by_id.get(item["exercise"])
            if exercise is None:
                problems.append(Problem("routines.json", f"{path}.exercise", f"unknown exercise {item['exercise']!r}"))
            elif item["dosage"] not in {d["id"] for d in exercise["dosages"]}:
                problems.append(
                    Problem(
                        "routines.json",
                        f"{path}.dosage",
                        f"exercise {item['exercise']!r} has no dosage {item['dosage']!r}",
                    )
                )
        for i, alternative in enumerate(routine.get("alternatives", [])):
            if alternative not in by_id:
                problems.append(
                    Problem("routines.json", f"{base}.alternatives[{i}]", f"unknown exercise {alternative!r}")
                )
        _claim_spoken(problems, routine_spoken, "routines.json", routine["id"], [(f"{base}.name", routine["name"])])

    problems.extend(_week_map_problems(docs["stages.json"]["week_map"], set(routine_ids), need_source))
    problems.extend(_day_map_problems(docs["stages.json"], set(routine_ids), set(by_id), need_source))

    guidance = docs["guidance.json"]
    for key in (
        "disclaimer",
        "breathing_rule",
        "stop_rule",
        "surgeon_first",
        "before_starting",
        "avoid_summary",
        "emergency_numbers",
    ):
        for i, source in enumerate(guidance[key]["sources"]):
            need_source("guidance.json", f"$.{key}.sources[{i}]", source)
    for group in ("topics", "symptoms"):
        ids = [entry["id"] for entry in guidance[group]]
        for g_index, entry in enumerate(guidance[group]):
            base = f"$.{group}[{g_index}]"
            if ids.count(entry["id"]) > 1:
                problems.append(Problem("guidance.json", f"{base}.id", f"id {entry['id']!r} is used twice"))
            for i, source in enumerate(entry["sources"]):
                need_source("guidance.json", f"{base}.sources[{i}]", source)
    symptom_ids = {s["id"] for s in guidance["symptoms"]}
    for c_index, combination in enumerate(guidance.get("combinations", [])):
        for i, sign in enumerate(combination["all"]):
            if sign not in symptom_ids:
                where = f"$.combinations[{c_index}].all[{i}]"
                problems.append(Problem("guidance.json", where, f"{sign!r} is not a symptom"))
        for i, source in enumerate(combination["sources"]):
            need_source("guidance.json", f"$.combinations[{c_index}].sources[{i}]", source)
    ids_by_slot = {
        "exercise": {doc["id"] for doc in exercises.values()},
        "stage": set(routine_ids),
        "symptom": {s["id"] for s in guidance["symptoms"]},
        "activity": {t["id"] for t in guidance["topics"]},
    }
    names = {
        "exercise": {doc["id"]: [("", doc["name"])] for doc in exercises.values()},
        "stage": {r["id"]: [("", r["name"])] for r in routines},
    }
    problems.extend(_vocabulary_problems(docs["vocabulary.json"], ids_by_slot, names))
    return problems


def _vocabulary_problems(
    vocabulary: Mapping[str, Any],
    ids_by_slot: Mapping[str, set[str]],
    names: Mapping[str, Mapping[str, list[tuple[str, str]]]],
) -> list[Problem]:
    """Every id has words, every entry names a real id (activities the sources do not
    cover are marked ``covered: false`` and have no guidance topic), and no phrase means
    two things in one slot."""
    from skill.domain.grammar import expand

    file = "vocabulary.json"
    problems: list[Problem] = []
    for slot, known in ids_by_slot.items():
        section = vocabulary[slot]
        for missing in sorted(known - set(section)):
            problems.append(Problem(file, f"$.{slot}", f"{missing!r} has no words: add an entry"))
        owners: dict[str, tuple[str, str]] = {}
        for entry_id, entry in section.items():
            base = f"$.{slot}.{entry_id}"
            covered = entry.get("covered", True)
            if entry_id not in known and (slot != "activity" or covered):
                where = "guidance.json topics" if slot == "activity" else f"the {slot} ids"
                problems.append(Problem(file, base, f"{entry_id!r} is not among {where}"))
            if slot == "activity" and not covered and entry_id in known:
                problems.append(Problem(file, f"{base}.covered", "a guidance topic exists, so it is covered"))
            if slot != "activity" and "covered" in entry:
                problems.append(Problem(file, f"{base}.covered", "only activities can be marked not covered"))
            spoken = [*names.get(slot, {}).get(entry_id, [])]
            for i, template in enumerate(entry["say"]):
                spoken.extend((f"{base}.say[{i}]", phrase) for phrase in expand(template))
            _claim_spoken(problems, owners, file, entry_id, [(p or f"{base}.say", s) for p, s in spoken])
    return problems


def _claim_spoken(
    problems: list[Problem],
    owners: dict[str, tuple[str, str]],
    file: str,
    owner_id: str,
    entries: Iterable[tuple[str, str]],
) -> None:
    """Record spoken names for ``owner_id``; a name two owners share is a problem."""
    for path, spoken in entries:
        key = normalize(spoken)
        if not key:
            problems.append(Problem(file, path, "spoken name is empty"))
            continue
        previous = owners.get(key)
        if previous is not None and previous[0] != owner_id:
            problems.append(
                Problem(file, path, f"spoken name {spoken!r} is also used by {previous[0]!r} ({previous[1]})")
            )
        elif previous is None:
            owners[key] = (owner_id, file)


def _week_map_problems(week_map: list[dict[str, Any]], routine_ids: set[str], need_source: Any) -> list[Problem]:
    problems: list[Problem] = []
    spans = sorted(enumerate(week_map), key=lambda pair: pair[1]["from_week"])
    expected = 0
    for position, (index, span) in enumerate(spans):
        path = f"$.week_map[{index}]"
        need_source("stages.json", f"{path}.source", span["source"])
        if span["routine"] not in routine_ids:
            problems.append(Problem("stages.json", f"{path}.routine", f"unknown routine {span['routine']!r}"))
        if span["from_week"] != expected:
            kind = "gap before" if span["from_week"] > expected else "overlap at"
            problems.append(
                Problem(
                    "stages.json", f"{path}.from_week", f"{kind} week {expected}: every week needs exactly one stage"
                )
            )
        last = position == len(spans) - 1
        if span["to_week"] is None:
            if not last:
                problems.append(
                    Problem("stages.json", f"{path}.to_week", "only the last stage may be open-ended (null)")
                )
            expected = span["from_week"]
        else:
            if span["to_week"] < span["from_week"]:
                problems.append(Problem("stages.json", f"{path}.to_week", "ends before it starts"))
            if last:
                problems.append(
                    Problem(
                        "stages.json",
                        f"{path}.to_week",
                        "the last stage must be open-ended (null) so every later week has a stage",
                    )
                )
            expected = span["to_week"] + 1
    return problems


def _day_map_problems(
    stages: dict[str, Any], routine_ids: set[str], exercise_ids: set[str], need_source: Any
) -> list[Problem]:
    """The user's stage: days with no gap from day 0, open-ended, and a start rule for every routine."""
    problems: list[Problem] = []
    expected: int | None = 0
    spans = sorted(enumerate(stages["day_map"]), key=lambda pair: pair[1]["from_day"])
    for index, span in spans:
        path = f"$.day_map[{index}]"
        need_source("stages.json", f"{path}.source", span["source"])
        if span["routine"] not in routine_ids:
            problems.append(Problem("stages.json", f"{path}.routine", f"unknown routine {span['routine']!r}"))
        if span["from_day"] != expected:
            problems.append(
                Problem(
                    "stages.json", f"{path}.from_day", f"expected day {expected}: every day needs exactly one stage"
                )
            )
        expected = None if span["to_day"] is None else span["to_day"] + 1
    if expected is not None:
        problems.append(Problem("stages.json", "$.day_map", "the last stage must be open-ended (null)"))
    calendar = {span["routine"] for span in stages["day_map"]}
    ruled: dict[str, str] = {}
    for index, rule in enumerate(stages["routine_rules"]):
        path = f"$.routine_rules[{index}]"
        if rule["routine"] not in routine_ids:
            problems.append(Problem("stages.json", f"{path}.routine", f"unknown routine {rule['routine']!r}"))
        if rule["routine"] in ruled:
            problems.append(Problem("stages.json", f"{path}.routine", f"{rule['routine']!r} has two rules"))
        ruled[rule["routine"]] = rule["rule"]
        if (rule["rule"] == "calendar") != (rule["routine"] in calendar):
            problems.append(
                Problem("stages.json", f"{path}.rule", "a routine is 'calendar' exactly when the day_map uses it")
            )
    for missing in sorted(routine_ids - set(ruled)):
        problems.append(Problem("stages.json", "$.routine_rules", f"routine {missing!r} has no start rule"))
    for index, placed in enumerate(stages.get("exercise_stages", [])):
        path = f"$.exercise_stages[{index}]"
        need_source("stages.json", f"{path}.source", placed["source"])
        if placed["exercise"] not in exercise_ids:
            problems.append(Problem("stages.json", f"{path}.exercise", f"unknown exercise {placed['exercise']!r}"))
        if placed["routine"] not in routine_ids:
            problems.append(Problem("stages.json", f"{path}.routine", f"unknown routine {placed['routine']!r}"))
    return problems


def parse_json(text: str) -> Any:
    """``json.loads`` that rejects duplicate keys (a silent data loss otherwise)."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise ValueError(f"duplicate key {key!r}")
            result[key] = value
        return result

    return json.loads(text, object_pairs_hook=no_duplicates)
