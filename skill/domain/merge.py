"""Merging two concurrent versions of a user's record (two devices, one user).

Saves are conditional on the record's revision. When another device saved in between,
the turn's changes are merged into the newer record instead of overwriting it: a field
only one side changed takes that side; both changed takes ours (the later turn).
Reminders are merged by token, clearances as sets, levels per exercise and the streak run
moved on by our day, the saved place by when it was saved, so no progress from either device
is lost. History (sessions, pain scores) is not in the record: it is appended as rows of its
own and needs no merge.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from skill.domain import progress

Merger = Callable[[Any, Any, Any], Any]


def _keyed(key: str) -> Merger:
    """A list of dicts identified by ``key``: our added or changed entries win, entries we
    removed go, everything else is theirs."""

    def merge(base: Any, ours: Any, theirs: Any) -> list[Any]:
        base_by = {e.get(key): e for e in base or []}
        ours_by = {e.get(key): e for e in ours or []}
        result = [dict(e) for e in theirs or [] if not (e.get(key) in base_by and e.get(key) not in ours_by)]
        position = {e.get(key): i for i, e in enumerate(result)}
        for k, entry in ours_by.items():
            if base_by.get(k) == entry:
                continue  # we did not touch it
            if k in position:
                result[position[k]] = entry
            else:
                result.append(entry)
        return result

    return merge


def _set(base: Any, ours: Any, theirs: Any) -> list[Any]:
    removed = set(base or []) - set(ours or [])
    return sorted((set(theirs or []) | set(ours or [])) - removed)


def _per_key(base: Any, ours: Any, theirs: Any) -> dict[str, Any]:
    base_map, ours_map, theirs_map = dict(base or {}), dict(ours or {}), dict(theirs or {})
    result = dict(theirs_map)
    for k in set(ours_map) | set(base_map):
        if ours_map.get(k) != base_map.get(k):
            if k in ours_map:
                result[k] = ours_map[k]
            else:
                result.pop(k, None)
    return result


def _later_run(base: Any, ours: Any, theirs: Any) -> Any:
    """Both sides recorded sessions: their run, moved on by the day we recorded."""
    try:
        day = date.fromisoformat(ours["last"])
        run = (date.fromisoformat(theirs["last"]), int(theirs["days"]))
    except (KeyError, TypeError, ValueError):
        return ours
    last, days = progress.extend_run(run, day)
    return {"last": last.isoformat(), "days": days}


def _newer_place(base: Any, ours: Any, theirs: Any) -> Any:
    """Both sides changed the saved place: the newer save wins, by when it was saved. A turn
    that cleared the place (it finished or ended its workout) loses to a place another device
    saved meanwhile: that device was told "I've saved your place" after our read (issue 30)."""
    if not ours:
        return theirs
    if not theirs:
        return ours
    return max((theirs, ours), key=lambda place: str(place.get("saved_at") or ""))


MERGERS: dict[str, Merger] = {
    "place": _newer_place,
    "streak": _later_run,
    "reminders": _keyed("token"),
    "clearances": _set,
    "levels": _per_key,
}


def merge(base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> dict[str, Any]:
    """Three-way merge of record documents (``to_dict`` form)."""
    result: dict[str, Any] = {}
    for key in set(base) | set(ours) | set(theirs):
        b, o, t = base.get(key), ours.get(key), theirs.get(key)
        if o == b:
            value = t
        elif t == b:
            value = o
        elif key in MERGERS:
            value = MERGERS[key](b, o, t)
        else:
            value = o  # both changed a plain field: the later turn wins
        if (value is not None or key in ours or key in theirs) and value is not None:
            result[key] = value
    return result
