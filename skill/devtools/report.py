"""The clinician's adherence report: one self-contained HTML page (charts as inline SVG made
with matplotlib, no scripts, fonts or files from elsewhere, so it works offline), and the
same page printed to PDF by headless Chromium.

The numbers come from ``skill.domain.adherence``; every number in a chart is also in a table, and
each table cell carries its value in a ``data-`` attribute so the page can be checked
against the stored history. The page names no patient: the clinic knows whose it is.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skill.domain import pain
from skill.domain.adherence import Adherence
from skill.domain.catalog import Catalog

if TYPE_CHECKING:
    from matplotlib.axes import Axes

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_DONE, _PRESCRIBED, _ALERT, _STOP, _OTHER = "#1f6f8b", "#c9d6df", "#c0392b", "#8e44ad", "#e0a458"

_CSS = """
body { font-family: sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.5em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.alert { color: #c0392b; font-weight: bold; }
figure { margin: 0; } svg { max-width: 100%; height: auto; }
@media print { section + section { break-before: page; } body { margin: 0; } }
"""


def _chart(draw: Callable[[Axes], None], chart_id: str, height: float = 3.2) -> str:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, height), layout="constrained")
    draw(figure.subplots())
    buffer = io.StringIO()
    # Text as text (not glyph paths): readable, searchable, and no font files needed.
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg[svg.index("<svg") :], flags=re.DOTALL)
    return f'<figure id="{chart_id}" class="chart">{svg}</figure>'


def render_html(numbers: Adherence, catalog: Catalog, title: str = "Exercise adherence report") -> str:
    """The whole report page."""
    import matplotlib

    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["svg.hashsalt"] = "spine-coach"  # the same history makes the same page

    def name(exercise_id: str) -> str:
        exercise = catalog.exercises.get(exercise_id)
        return exercise.name if exercise else exercise_id

    weeks = numbers.weeks
    labels = [w.start.strftime("%d %b") for w in weeks]

    def draw_weeks(ax: Axes) -> None:
        positions = range(len(weeks))
        keys = [w.start.isoformat() for w in weeks]
        _name_bars(
            "week-prescribed",
            keys,
            ax.bar(
                [p - 0.2 for p in positions], [w.prescribed for w in weeks], 0.4, label="prescribed", color=_PRESCRIBED
            ),
        )
        _name_bars(
            "week-done",
            keys,
            ax.bar([p + 0.2 for p in positions], [w.done for w in weeks], 0.4, label="done (plan)", color=_DONE),
        )
        if any(w.other for w in weeks):  # on top of the plan's bar, in another colour: not against the plan
            bars = ax.bar(
                [p + 0.2 for p in positions],
                [w.other for w in weeks],
                0.4,
                bottom=[w.done for w in weeks],
                label="other sessions",
                color=_OTHER,
            )
            _name_bars("week-other", keys, bars)
        ax.set_xticks(list(positions), labels, rotation=45, ha="right")
        ax.set_ylabel("sessions")
        ax.set_title("Sessions per week")
        ax.legend()

    exercises = numbers.exercises

    def draw_exercises(ax: Axes) -> None:
        positions = range(len(exercises))
        keys = [e.exercise for e in exercises]
        _name_bars(
            "exercise-prescribed",
            keys,
            ax.barh(
                [p + 0.2 for p in positions],
                [e.prescribed for e in exercises],
                0.4,
                label="prescribed",
                color=_PRESCRIBED,
            ),
        )
        _name_bars(
            "exercise-done",
            keys,
            ax.barh([p - 0.2 for p in positions], [e.done for e in exercises], 0.4, label="done (plan)", color=_DONE),
        )
        if any(e.other for e in exercises):
            bars = ax.barh(
                [p - 0.2 for p in positions],
                [e.other for e in exercises],
                0.4,
                left=[e.done for e in exercises],
                label="in other sessions",
                color=_OTHER,
            )
            _name_bars("exercise-other", keys, bars)
        ax.set_yticks(list(positions), [name(e.exercise) for e in exercises])
        ax.invert_yaxis()
        ax.set_xlabel("times done")
        ax.set_title("Each exercise: done against prescribed")
        ax.legend()

    def draw_pain(ax: Axes) -> None:
        def x(day: date) -> float:
            return float((day - numbers.start).days)  # days into the report; weeks labelled below

        ax.plot(
            [x(d) for d, _ in numbers.pain],
            [s for _, s in numbers.pain],
            marker="o",
            markersize=3,
            color=_DONE,
            label="pain score",
            gid="pain-scores",
        )
        alerts = set(numbers.alert_days)
        marked = [(x(d), s) for d, s in numbers.pain if d in alerts]
        if marked:
            ax.scatter(
                [d for d, _ in marked],
                [s for _, s in marked],
                color=_ALERT,
                zorder=3,
                label="alert day",
                gid="alert-days",
            )
        for index, stop in enumerate(numbers.symptom_stops):
            line = ax.axvline(x(stop.day), color=_STOP, linestyle="--", label="symptom stop" if index == 0 else None)
            line.set_gid(f"stop-{index}")
        ax.set_ylim(0, 10.5)
        ax.set_xlim(x(numbers.start), x(numbers.end))
        ax.set_xticks([x(w.start) for w in weeks], labels)
        ax.set_ylabel("pain (0-10)")
        ax.set_title("Pain over time")
        ax.legend(loc="upper right")
        ax.tick_params(axis="x", labelrotation=45)

    exercise_rows = "".join(
        f'<tr data-exercise="{html.escape(e.exercise)}"><td>{html.escape(name(e.exercise))}</td>'
        f'<td data-done="{e.done}">{e.done}</td><td data-prescribed="{e.prescribed}">{e.prescribed}</td>'
        f'<td>{_percent(e.done, e.prescribed)}</td><td data-other="{e.other}">{e.other}</td></tr>'
        for e in exercises
    )
    week_rows = "".join(
        f'<tr data-week="{w.start.isoformat()}"><td>{w.start.isoformat()} to {w.end.isoformat()}</td>'
        f'<td data-done="{w.done}">{w.done}</td><td data-prescribed="{w.prescribed}">{w.prescribed}</td>'
        f'<td>{_percent(w.done, w.prescribed)}</td><td data-other="{w.other}">{w.other}</td></tr>'
        for w in weeks
    )
    alerts = set(numbers.alert_days)
    pain_rows = "".join(
        f'<tr data-day="{d.isoformat()}" data-score="{s}"{" class=alert" if d in alerts else ""}>'
        f"<td>{d.isoformat()}</td><td>{s}</td><td>{'alert' if d in alerts else ''}</td></tr>"
        for d, s in numbers.pain
    )
    stop_rows = (
        "".join(
            f'<tr data-day="{s.day.isoformat()}" data-exercise="{html.escape(s.exercise or "")}">'
            f"<td>{s.day.isoformat()}</td>"
            f"<td>{html.escape(name(s.exercise)) if s.exercise else ''}</td></tr>"
            for s in numbers.symptom_stops
        )
        or '<tr><td colspan="2">none</td></tr>'
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_CSS}</style></head>
<body>
<section id="summary-section">
<h1>{html.escape(title)}</h1>
<p>{numbers.start.isoformat()} to {numbers.end.isoformat()}:
<span id="total-done" data-value="{numbers.sessions}">{numbers.sessions}</span> sessions done of
<span id="total-prescribed" data-value="{numbers.prescribed}">{numbers.prescribed}</span> prescribed
({_percent(numbers.sessions, numbers.prescribed)}), and
<span id="total-other" data-value="{numbers.other_sessions}">{numbers.other_sessions}</span> other sessions
(stock routines or single exercises, not counted against the plan).</p>
<h2>Sessions per week</h2>
{_chart(draw_weeks, "chart-weeks")}
<table id="weeks"><tr><th>week</th><th>done (plan)</th><th>prescribed</th><th>%</th>
<th>other sessions</th></tr>{week_rows}</table>
</section>
<section id="exercises-section">
<h2>Each exercise</h2>
{_chart(draw_exercises, "chart-exercises", height=max(2.5, 0.4 * len(exercises) + 1))}
<table id="exercises"><tr><th>exercise</th><th>done (plan)</th><th>prescribed</th><th>%</th>
<th>in other sessions</th></tr>{exercise_rows}</table>
</section>
<section id="pain-section">
<h2>Pain over time</h2>
{_chart(draw_pain, "chart-pain")}
<h2>Sessions stopped for a symptom</h2>
<table id="stops"><tr><th>day</th><th>exercise</th></tr>{stop_rows}</table>
<h2>Pain scores</h2>
<table id="pain"><tr><th>day</th><th>score</th><th></th></tr>{pain_rows}</table>
</section>
</body></html>
"""


def _name_bars(prefix: str, keys: list[str], bars: Any) -> None:
    """Give each bar an id in the SVG (``prefix-key``): the page can be checked bar by bar."""
    for key, bar in zip(keys, bars, strict=True):
        bar.set_gid(f"{prefix}-{key}")


def _percent(done: int, prescribed: int) -> str:
    return f"{round(100 * done / prescribed)}%" if prescribed else "-"


def find_browser() -> str | None:
    """A Chromium or Chrome on the PATH, for the PDF."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(page: Path, pdf: Path, browser: str, timeout: float = 120) -> None:
    """Print the HTML page to PDF with headless Chromium (the same renderer as on screen)."""
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=timeout,
    )


def request_for(user: str) -> object:
    """A request envelope for ``user`` alone: the stores find a user's rows by its user id."""
    import json

    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from skill.devtools import envelopes

    device = envelopes.Device(user_id=user)
    body = envelopes.envelope(device, envelopes.launch_request(device), session_id=envelopes.new_session_id(), new=True)
    return DefaultSerializer().deserialize(json.dumps(body), RequestEnvelope)


def numbers_for(
    store: Any, user: str, start: date, end: date, catalog: Catalog, *, time_zone: str | None = None
) -> Adherence:
    """The adherence numbers of ``user`` from the store: their plan, sessions, pain scores
    (from two weeks earlier, for the alert rule) and symptom stops, on the days of their
    device's zone, else ``time_zone`` (the deployment's, as the skill counts them), else UTC."""
    from skill.domain import history as keys
    from skill.domain.adherence import adherence
    from skill.domain.linking import linked_plan
    from skill.domain.user import UserRecord

    request = request_for(user)
    zone = UserRecord.from_dict(store.get_attributes(request)).time_zone or time_zone
    linked = linked_plan(store, user, catalog) if hasattr(store, "get_plan") else None
    sessions = store.history(request, *keys.since(keys.SESSION, start - timedelta(days=1)))
    scores = store.history(request, *keys.since(keys.PAIN, start - timedelta(days=pain.RECENT_DAYS)))
    stops = store.history(request, *keys.since(keys.SYMPTOM, start))
    return adherence(
        linked.plan if linked else None,
        sessions=sessions,
        pain_scores=scores,
        symptom_stops=stops,
        start=start,
        end=end,
        zone=zone,
    )
