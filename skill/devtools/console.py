"""The local voice console: talk to the real skill, on the real SQLite store, in a terminal.

Typed sentences are resolved against the committed interaction model and sent to the
skill as real request envelopes (``skill.devtools.simulator``). What Alexa would say is printed
with pauses shown as ``[pause 5s]``; ``--debug`` also shows the intent and slots Alexa
would have sent. The session opens and closes as the skill says. Reminders go to a local
HTTPS stand-in for Alexa's Reminders API (``skill.devtools.standin``), kept beside the store, and
when the skill asks for the reminders permission the console asks you, as Alexa would.
Lines starting with a slash are console commands (``/help`` lists them).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from skill.devtools.envelopes import LOCAL_SKILL_ID, REMINDERS_SCOPE, Device
from skill.devtools.simulator import Conversation, Reply, in_process
from skill.devtools.standin import StandIn

COMMANDS = {
    "/help": "show these commands",
    "/silence": "say nothing: Alexa reprompts, then closes the session",
    "/end": "close the session as if the user walked away",
    "/reminders": "list the reminders the skill set (on the local Reminders API stand-in)",
    "/debug": "toggle showing the intent and slots Alexa would send",
    "/quit": "leave the console",
}


@dataclass
class ConsoleOptions:
    store_url: str | None = None
    locale: str = "en-US"
    user: str | None = None
    debug: bool = False
    voice: bool = False
    screen: bool = False
    profile: str | None = None  # what is kept (``skill.domain.profile``); default $SPINE_COACH_PROFILE
    # Under a profile that links accounts (clinic), who the console plays: by default a person
    # whose account is linked, whose voice Alexa recognises and who confirms their PIN.
    linked: bool = True
    recognised: bool = True
    pin: str = "ACHIEVED"  # ACHIEVED, NOT_ACHIEVED (a wrong PIN) or NOT_ENABLED (none set up)


def console_user_id(name: str | None) -> str:
    """A stable Alexa-style user id for the console user, so progress carries over."""
    person = name or getpass.getuser()
    digest = hashlib.sha256(person.encode()).hexdigest()[:24].upper()
    return f"amzn1.ask.account.CONSOLE{digest}"


def start_standin(options: ConsoleOptions) -> StandIn:
    """The local Reminders and settings APIs, keeping their reminders beside the store."""
    from skill.store import store_url_from_env

    url = options.store_url or store_url_from_env()
    folder = Path(url.removeprefix("sqlite:///")).parent if url.startswith("sqlite:///") else Path.cwd()
    return StandIn(store_file=folder / "reminders-standin.json").start()


def build_conversation(options: ConsoleOptions, standin: StandIn) -> Conversation:
    from skill.alexa.api_client import TimeoutApiClient
    from skill.alexa.factory import build_skill
    from skill.domain.profile import from_environment, profile_named
    from skill.store import open_store

    profile = profile_named(options.profile) if options.profile else from_environment()
    user_id = console_user_id(options.user)
    device = Device(
        user_id=user_id,
        locale=options.locale,
        apl_max_version="2023.3" if options.screen else None,
        api_endpoint=standin.url,
        api_access_token=f"console-token-{user_id[-12:]}",
    )
    token_check = None
    if profile.links_accounts:
        from skill.devtools.identity_provider import local_link

        token_check, token = local_link(options.user or getpass.getuser())
        device.access_token = token if options.linked else None
        device.person_id = f"amzn1.ask.person.CONSOLE{user_id[-24:]}" if options.recognised else None
        device.pin = options.pin
    skill = build_skill(
        store=open_store(options.store_url),
        skill_id=LOCAL_SKILL_ID,
        api_client=TimeoutApiClient(ca_bundle=standin.ca_path),
        profile=profile,
        token_check=token_check,
    )
    if REMINDERS_SCOPE in standin.granted.get(device.api_access_token, set()):
        device.permissions.append(REMINDERS_SCOPE)
    return Conversation(in_process(skill), device=device)


PIN_PLAYED = {"ACHIEVED": "confirmed", "NOT_ACHIEVED": "a wrong PIN", "NOT_ENABLED": "no PIN set up"}


class Console:
    def __init__(
        self, conversation: Conversation, options: ConsoleOptions, standin: StandIn, out: TextIO = sys.stdout
    ) -> None:
        self.conversation = conversation
        self.options = options
        self.standin = standin
        self.out = out
        self.asking_permission = False  # Alexa's own permission question is waiting for an answer
        self.espeak = shutil.which("espeak-ng") or shutil.which("espeak") if options.voice else None
        if options.voice and not self.espeak:
            self._print("(--voice needs espeak-ng: sudo apt-get install espeak-ng; printing only)")

    def _print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def run(self, lines: Iterable[str], *, echo: bool = True) -> int:
        """Send each line; ``echo`` prints it first (scripts and pipes, not a live prompt)."""
        for line in lines:
            utterance = line.strip()
            if not utterance or utterance.startswith("#"):
                continue
            if echo:
                self._print(f"you> {utterance}")
            if utterance.startswith("/"):
                if not self.command(utterance):
                    break
            elif self.asking_permission:
                self.show(self.permission_answer(utterance))
            else:
                self.show(self.conversation.say(utterance))
        return 0

    def command(self, command: str) -> bool:
        """Run a console command; False means quit."""
        name = command.split(maxsplit=1)[0]
        if name == "/quit":
            return False
        if name == "/help":
            for key, text in COMMANDS.items():
                self._print(f"  {key:10} {text}")
        elif name == "/debug":
            self.options.debug = not self.options.debug
            self._print(f"  (debug {'on' if self.options.debug else 'off'})")
        elif name == "/reminders":
            self.list_reminders()
        elif name == "/silence" and self.asking_permission:
            self.show(self.permission_answer(None))
        elif name in ("/silence", "/end"):
            if not self.conversation.session_open:
                self._print("  (no session is open)")
                return True
            last = self.conversation.history[-1] if self.conversation.history else None
            if name == "/silence" and last is not None and last.reprompt_text:
                self._say(last.reprompt_text, "alexa (reprompt)")
            reply = self.conversation.silence() if name == "/silence" else self.conversation.end()
            self._print(f"  (session ended: {reply.request['request']['reason']})")
        else:
            self._print(f"  (unknown command {name}; /help lists them)")
        return True

    def permission_answer(self, answer: str | None) -> Reply:
        """The user's answer to Alexa's permission question (``None``: no answer)."""
        self.asking_permission = False
        if answer is None:
            status = "NOT_ANSWERED"
        elif answer.lower().startswith(("yes", "yeah", "sure", "ok", "allow")):
            status = "ACCEPTED"
            self.standin.grant(self.conversation.device.api_access_token)
        else:
            status = "DENIED"
        self._print(f"  (permission {status.lower().replace('_', ' ')})")
        return self.conversation.answer_permission(status)

    def list_reminders(self) -> None:
        if not self.standin.reminders:
            self._print("  (no reminders on the stand-in)")
        for reminder in self.standin.reminders.values():
            trigger = reminder.get("trigger", {})
            rule = ";".join(trigger.get("recurrence", {}).get("recurrenceRules", []))
            content = reminder.get("alertInfo", {}).get("spokenInfo", {}).get("content", [{}])[0]
            self._print(
                f"  [reminder {trigger.get('scheduledTime')} {trigger.get('timeZoneId')} {rule}] "
                f"({content.get('locale')}) {content.get('text')}"
            )

    def show(self, reply: Reply) -> None:
        session = reply.request.get("session") or {}
        if session.get("new") and reply.request["request"]["type"] not in ("LaunchRequest", "Connections.Response"):
            self._print("  (new session, as if you said 'Alexa, ask spine coach ...')")
        if self.options.debug and reply.interpretation is not None:
            slots = {
                name: {"value": fill.value, **({"id": fill.resolved_id} if fill.resolved_id else {})}
                for name, fill in reply.interpretation.slots.items()
            }
            shown = f" {json.dumps(slots)}" if slots else ""
            self._print(f"  [intent {reply.interpretation.intent}{shown}]")
        if reply.asked_pin is not None:
            if reply.asked_pin.text:
                self._say(reply.asked_pin.text, "alexa")
            played = PIN_PLAYED.get(self.options.pin, self.options.pin)
            self._print(f"  (Alexa asks for your voice PIN; the console plays: {played})")
        if reply.text:
            self._say(reply.text, "alexa")
        for directive in reply.directives:
            if directive.get("type") == "Alexa.Presentation.APL.RenderDocument":
                # The data sits under the screen's kind ({"coach": {...}}), as the device gets it.
                self._print(f"  [screen {json.dumps(directive.get('datasources', {}))}]")
            else:
                self._print(f"  [directive {directive.get('type')}]")
        if reply.hands_off:
            self.asking_permission = True
            self._say("Spine Coach would like to create reminders for you. Do you allow it? (yes or no)", "alexa")
        elif reply.ends_session:
            self._print("  (session closed)")
        elif self.options.debug and reply.reprompt_text:
            self._print(f"  [reprompt: {reply.reprompt_text}]")

    def _say(self, text: str, who: str) -> None:
        self._print(f"{who}> {text}")
        if self.espeak:
            spoken = text.replace("[pause", ",").replace("]", ",")
            subprocess.run([self.espeak, spoken], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def interactive_lines(prompt: str = "you> ") -> Iterator[str]:
    """Lines typed at a prompt until end of input."""
    while True:
        try:
            yield input(prompt)
        except EOFError:
            return


def chat(options: ConsoleOptions, scripted: list[str] | None = None) -> int:
    """Run the console on scripted lines, piped stdin, or an interactive prompt."""
    standin = start_standin(options)
    try:
        console = Console(build_conversation(options, standin), options, standin)
        if scripted:
            return console.run(scripted)
        if not sys.stdin.isatty():
            return console.run(sys.stdin)
        console._print(
            "Spine Coach local console. Talk as you would to Alexa, e.g. 'open spine coach'. /help for commands."
        )
        return console.run(interactive_lines(), echo=False)
    finally:
        standin.stop()
