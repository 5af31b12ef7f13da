"""Echo Show screens for review: a scripted conversation's screens, rendered to PNG.

``scripted_screens`` talks to the in-process skill as an Echo Show (a fresh SQLite file, a
fixed clock) through the screens a patient meets: a routine's overview, the coaching
introduction, a counted set, a hold, a per-side exercise, the last exercise, a how-to answer
and the progress screen after a few days of history. ``render`` hands the directives to
Amazon's APL renderer (the apl-viewhost-web bundle in the folder ``APL_RENDER_DIR`` names, run
in headless Chromium by ``tests/node/apl-render.js``) and returns its report: the visible
text, each text's size in dp and its box as shown, the largest text, the renderer's log.
``at_moment`` shows a counted set's screen at a chosen second of its speech. Nothing here
looks outside the checkout on its own: a clone with no renderer beside it skips the render
tests (``.ci/run`` points ``APL_RENDER_DIR`` at a renderer when the machine has one).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from skill.devtools.envelopes import LOCAL_SKILL_ID, Device
from skill.devtools.simulator import Conversation, Reply, in_process

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / "tests" / "node" / "node_modules"
RENDER_SCRIPT = REPO / "tests" / "node" / "apl-render.js"  # with apl-page.html: sizes and boxes of each text
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
RENDER_DIRECTIVE = "Alexa.Presentation.APL.RenderDocument"


@dataclass(frozen=True)
class Viewport:
    """A device's screen as the renderer takes it: pixels, density, shape."""

    name: str
    width: int
    height: int
    dpi: int = 160
    shape: str = "RECTANGLE"


# Amazon's viewport profiles: the Echo Show 8 is 1280x800 pixels at 213 dpi, 960x600 dp
# (hubLandscapeMedium, with the 1024x600 dp Echo Shows); the Echo Show 10 is 1280x800 dp
# (hubLandscapeLarge); the Echo Show 5 960x480 (hubLandscapeSmall); the Spot 480x480 round.
VIEWPORTS = {
    "show8": Viewport("show8", 1280, 800, dpi=213),  # Echo Show 8: 960x600 dp
    "show10": Viewport("show10", 1280, 800),  # Echo Show 10
    "show5": Viewport("show5", 960, 480),  # Echo Show 5
    "show1024": Viewport("show1024", 1024, 600),  # Echo Show (1st and 2nd gen)
    "spot": Viewport("spot", 480, 480, shape="ROUND"),  # Echo Spot
}


def screen_of(reply: Reply) -> dict[str, Any] | None:
    """The RenderDocument directive of a reply, if it has one."""
    found = [d for d in reply.directives if d.get("type") == RENDER_DIRECTIVE]
    return found[0] if found else None


def render_dir() -> Path | None:
    """The renderer's folder (the apl-viewhost-web bundle), from ``APL_RENDER_DIR``."""
    named = os.environ.get("APL_RENDER_DIR", "").strip()
    return Path(named) if named else None


def renderer_missing() -> str | None:
    """Why the renderer cannot run here, or ``None`` when it can."""
    if shutil.which("node") is None:
        return "Node.js is not installed"
    folder = render_dir()
    if folder is None:
        return "APL_RENDER_DIR is not set (name a folder holding apl-viewhost-web.js, such as apl-render's)"
    if not (folder / "apl-viewhost-web.js").exists():
        return f"no apl-viewhost-web.js in APL_RENDER_DIR={folder}"
    if not (NODE_MODULES / "puppeteer-core").exists():
        return f"puppeteer-core is not installed in {NODE_MODULES} (./dev test installs it)"
    if not Path(CHROMIUM).exists():
        return f"Chromium is not at {CHROMIUM} (./dev test installs Debian's chromium)"
    return None


def _conversation(store_path: Path) -> Conversation:
    from skill.alexa.factory import build_skill
    from skill.devtools.identity_provider import local_link
    from skill.domain.catalog import default_content_dir, load_catalog
    from skill.domain.clock import FixedClock
    from skill.domain.profile import CLINIC
    from skill.store.sqlite import SQLiteStore

    clock = FixedClock(datetime(2026, 11, 16, 9, 0, tzinfo=UTC))  # a Monday
    # The clinic profile, whatever the shell says: its screens are a superset (the pain
    # scores on the progress screen, a stage that outlives the session that set it), for a
    # linked patient Alexa recognises, who confirms their PIN.
    token_check, token = local_link()
    skill = build_skill(
        store=SQLiteStore(store_path),
        clock=clock,
        catalog=load_catalog(default_content_dir()),
        skill_id=LOCAL_SKILL_ID,
        profile=CLINIC,
        token_check=token_check,
    )
    device = Device(apl_max_version="2024.3", access_token=token, person_id="amzn1.ask.person.SCREENS")
    return Conversation(in_process(skill), device=device, clock=clock)


def _until_done(convo: Conversation, limit: int = 40) -> Iterator[Reply]:
    """Say "ready" until the workout in this session ends (the pain question)."""
    for _ in range(limit):
        reply = convo.say("ready")
        yield reply
        if "how is your back right now" in reply.text or reply.ends_session:
            return


def _total(position: str) -> int:
    """12 from "Exercise 9 of 12 · week six routine"."""
    words = position.split(" · ", maxsplit=1)[0].split()
    return int(words[-1]) if len(words) == 4 and words[-1].isdigit() else 0


def scripted_screens() -> list[tuple[str, dict[str, Any]]]:
    """Every screen kind, in the states a patient meets, named for review."""
    shots: list[tuple[str, dict[str, Any]]] = []

    def keep(name: str, reply: Reply) -> Reply:
        directive = screen_of(reply)
        if directive is not None:
            shots.append((name, directive))
        return reply

    with tempfile.TemporaryDirectory(prefix="spine-coach-screens-") as folder:
        convo = _conversation(Path(folder) / "screens.db")
        clock = convo.clock
        assert clock is not None
        convo.say("ask spine coach my physio moved me to the week six routine")
        keep("routine", convo.say("ask spine coach what's in my week six routine"))
        keep("howto", convo.say("ask spine coach how do I do bridging"))
        keep("coach-intro", convo.say("ask spine coach to start my week six routine"))
        keep("coach-counting", convo.say("ready"))  # pelvic tilts: counted, with a hold
        for _ in range(3):
            convo.say("skip")
        keep("coach-side-intro", convo.say("skip"))  # knee to chest, one leg at a time
        keep("coach-side-left", convo.say("ready"))
        for _ in range(12):  # on to the last exercise
            reply = convo.say("skip")
            directive = screen_of(reply)
            position = directive["datasources"]["coach"]["position"] if directive else ""
            total = _total(position)
            if total and position.startswith(f"Exercise {total} of {total}"):
                keep("coach-last", reply)
                break
        convo.say("stop")
        # A few days of history for the progress screen: a single exercise a day, and a score.
        for day, score in enumerate((4, 3, 5, 2)):
            convo.say("ask spine coach to coach me through glute squeezes")
            for _reply in _until_done(convo):
                pass
            convo.say(f"ask spine coach to log my pain as {score}")
            if day < 3:
                clock.advance(days=1)  # type: ignore[attr-defined]
        keep("progress", convo.say("ask spine coach how am I doing"))
    return shots


def at_moment(directive: dict[str, Any], seconds: float) -> dict[str, Any]:
    """The directive as its screen stands ``seconds`` into the speech: the count's commands
    due by then run at once, the later ones are dropped. (The renderer's page gives up after
    a minute, and a counted set speaks for longer: this is how a late moment is seen.)"""
    document = directive["document"]
    due: list[dict[str, Any]] = []
    at = 0.0
    for sequence in document.get("onMount", []):
        for command in sequence.get("commands", []):
            at += command.get("delay", 0) / 1000
            if at > seconds:
                break
            due.append({**command, "delay": 0})
    moved = {**document, "onMount": [{"type": "Sequential", "commands": due}]} if due else document
    return {**directive, "document": moved}


def write_directives(shots: list[tuple[str, dict[str, Any]]], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, directive in shots:
        path = folder / f"{name}.json"
        path.write_text(json.dumps(directive, indent=1), encoding="utf-8")
        paths.append(path)
    return paths


def render(directives: list[Path], out: Path, viewport: Viewport, settle_ms: int = 500) -> dict[str, Any]:
    """Render directive files on one viewport; the renderer's report, by file name."""
    missing, folder = renderer_missing(), render_dir()
    if missing or folder is None:
        raise RuntimeError(f"cannot render APL: {missing}")
    out.mkdir(parents=True, exist_ok=True)
    command = ["node", str(RENDER_SCRIPT), "--viewhost", str(folder), "--out", str(out)]
    command += ["--w", str(viewport.width), "--h", str(viewport.height), "--dpi", str(viewport.dpi)]
    command += ["--shape", viewport.shape, "--settle", str(settle_ms)]
    env = {**os.environ, "NODE_PATH": str(NODE_MODULES), "CHROMIUM": CHROMIUM}
    result = subprocess.run(
        [*command, *map(str, directives)], capture_output=True, text=True, timeout=600, env=env, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"apl-render.js failed ({result.returncode}): {result.stderr[-2000:]}")
    report: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return report


def render_all(out: Path, viewports: list[str]) -> dict[str, dict[str, Any]]:
    """``spine-coach screens``: every scripted screen on each viewport, PNGs under ``out``."""
    shots = scripted_screens()
    files = write_directives(shots, out / "directives")
    return {name: render(files, out / name, VIEWPORTS[name]) for name in viewports}


# --- the data-binding check ---------------------------------------------------------------

_EXPRESSION = re.compile(r"\$\{(.*?)\}")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NAME = re.compile(r"(?<![\w.@])[A-Za-z_]\w*")
# What an APL expression may name besides the parameters: the binding context APL provides.
_CONTEXT = {"data", "viewport", "environment", "ordinal", "index", "length", "Math", "String", "Array", "Time"}
_CONTEXT |= {"true", "false", "null"}
_PATH = r"(?<![\w.@'])({roots})((?:\.[A-Za-z_]\w*)+)"
_MISSING = object()


def _paths(expression: str, names: dict[str, Any]) -> list[tuple[str, str]]:
    """The data paths of an expression: a bound name ("payload", "data", a layout's
    parameter) or ``data`` (which only a data-bound component binds) and its fields."""
    roots = "|".join(re.escape(name) for name in [*sorted(set(names) - _CONTEXT), "data"])
    found: list[tuple[str, str]] = re.findall(_PATH.format(roots=roots), _QUOTED.sub("''", expression))
    return found


_WHEN = re.compile(r"\$\{\s*([A-Za-z_][\w.]*)\s*(==|!=)\s*'([^']*)'\s*\}")


def _inflated(node: dict[str, Any], names: dict[str, Any]) -> bool:
    """False when ``node``'s ``when`` is a plain comparison of a bound value with a string
    that does not hold (APL does not inflate it, so its bindings need not resolve)."""
    when = node.get("when")
    match = _WHEN.fullmatch(when) if isinstance(when, str) else None
    if match is None:
        return True
    value = _lookup(names, match[1].split("."))
    if value is _MISSING:
        return True  # reported by the checker as a path that resolves to nothing
    return bool((value == match[3]) == (match[2] == "=="))


def _lookup(value: Any, parts: list[str]) -> Any:
    for part in parts:
        if isinstance(value, list) and part == "length":
            return len(value)
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def binding_problems(directive: dict[str, Any]) -> list[str]:
    """Every ``${...}`` data path of the document that finds nothing in the datasources.

    Binds as APL does: a lone ``mainTemplate`` parameter receives the WHOLE datasources
    object, several parameters each receive the datasource of their name. A component
    with ``data`` repeats its children once per element, with ``data`` bound to it; for an
    empty array APL inflates the children once without data, so they must be guarded by a
    ``when`` of their own or on the data-bound component."""
    document = directive.get("document", {})
    sources = directive.get("datasources", {})
    parameters = document.get("mainTemplate", {}).get("parameters", [])
    scope: dict[str, Any] = (
        {parameters[0]: sources} if len(parameters) == 1 else {name: sources.get(name, _MISSING) for name in parameters}
    )
    problems: list[str] = []

    def check_text(text: str, where: str, names: dict[str, Any]) -> None:
        for expression in _EXPRESSION.findall(text):
            for name in _NAME.findall(_QUOTED.sub("''", expression)):
                if name not in _CONTEXT and name not in names:
                    problems.append(f"{where}: ${{{expression}}} names {name!r}, which nothing binds")
            for root, tail in _paths(expression, names):
                if root not in names:
                    problems.append(f"{where}: ${{{expression}}} uses {root!r} outside a data-bound component")
                    continue
                if _lookup(names[root], tail.strip(".").split(".")) is _MISSING:
                    problems.append(f"{where}: {root}{tail} resolves to nothing")

    layouts: dict[str, Any] = document.get("layouts", {})

    def walk(node: Any, where: str, names: dict[str, Any]) -> None:
        if isinstance(node, str):
            check_text(node, where, names)
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, f"{where}[{index}]", names)
        elif isinstance(node, dict) and not _inflated(node, names):
            return
        elif isinstance(node, dict) and node.get("type") in layouts:
            # A layout's instance: its parameters bound to what the instance passes.
            layout = layouts[node["type"]]
            inner = dict(names)
            for parameter in layout.get("parameters", []):
                name = parameter if isinstance(parameter, str) else parameter["name"]
                value = node.get(name, _MISSING)
                if isinstance(value, str):
                    check_text(value, f"{where}.{name}", names)
                    whole = re.fullmatch(r"\$\{\s*([A-Za-z_][\w.]*)\s*\}", value)
                    value = _lookup(names, whole[1].split(".")) if whole else value
                inner[name] = value
            walk({k: v for k, v in node.items() if k not in inner and k != "type"}, where, names)
            walk(layout.get("item", layout.get("items", [])), f"{where}<{node['type']}>", inner)
        elif isinstance(node, dict):
            if "data" in node and isinstance(node["data"], str) and "type" in node:
                check_text(node["data"], f"{where}.data", names)
                bound = _EXPRESSION.findall(node["data"])
                elements = _lookup(names, bound[0].strip().split(".")) if bound else _MISSING
                children = {k: v for k, v in node.items() if k in ("item", "items")}
                rest = {k: v for k, v in node.items() if k not in ("item", "items", "data")}
                walk(rest, where, names)
                if isinstance(elements, list) and elements:
                    for number, element in enumerate(elements):
                        walk(children, f"{where}<{number}>", {**names, "data": element})
                elif isinstance(elements, list) and "when" not in node:
                    unguarded = [c for c in _as_list(children) if not (isinstance(c, dict) and "when" in c)]
                    walk(unguarded, f"{where}<empty>", names)
                return
            for key, child in node.items():
                walk(child, f"{where}.{key}", names)

    walk(document.get("mainTemplate", {}).get("items", []), "mainTemplate.items", scope)
    walk(document.get("onMount", []), "onMount", scope)
    ids = set(_values_of(document.get("mainTemplate", {}), "id")) | set(_values_of(layouts, "id"))
    for target in _values_of(document.get("onMount", []), "componentId"):
        if target not in ids:
            problems.append(f"onMount: a command targets {target!r}, which no component has as its id")
    return problems


def _as_list(children: dict[str, Any]) -> list[Any]:
    """A component's children, whether given as ``item`` or ``items``, one or several."""
    found: list[Any] = []
    for value in children.values():
        found.extend(value if isinstance(value, list) else [value])
    return found


def _values_of(node: Any, key: str) -> Iterator[Any]:
    """Every value of ``key`` anywhere in a JSON tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from _values_of(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from _values_of(v, key)
