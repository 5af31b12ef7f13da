"""The local voice console: talk to the real skill, on the real SQLite store, in a terminal.

Typed sentences are resolved against the committed interaction model and sent to the
skill as real request envelopes (``skill.simulator``). What Alexa would say is printed
with pauses shown as ``[pause 5s]``; ``--debug`` also shows the intent and slots Alexa
would have sent. The session opens and closes as the skill says. Lines starting with a
slash are console commands (``/help`` lists them).
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
from typing import TextIO

from skill.envelopes import LOCAL_SKILL_ID, Device
from skill.simulator import Conversation, Reply, in_process

COMMANDS = {
    "/help": "show these commands",
    "/silence": "say nothing: Alexa reprompts, then closes the session",
    "/end": "close the session as if the user walked away",
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


def console_user_id(name: str | None) -> str:
    """A stable Alexa-style user id for the console user, so progress carries over."""
    person = name or getpass.getuser()
    digest = hashlib.sha256(person.encode()).hexdigest()[:24].upper()
    return f"amzn1.ask.account.CONSOLE{digest}"


def build_conversation(options: ConsoleOptions) -> Conversation:
    from skill.factory import build_skill
    from skill.store import open_store

    store = open_store(options.store_url)
    skill = build_skill(store=store, skill_id=LOCAL_SKILL_ID)
    device = Device(
        user_id=console_user_id(options.user),
        locale=options.locale,
        apl_max_version="2023.3" if options.screen else None,
    )
    return Conversation(in_process(skill), device=device)


class Console:
    def __init__(self, conversation: Conversation, options: ConsoleOptions, out: TextIO = sys.stdout) -> None:
        self.conversation = conversation
        self.options = options
        self.out = out
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
                continue
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

    def show(self, reply: Reply) -> None:
        session = reply.request.get("session") or {}
        if session.get("new") and reply.request["request"]["type"] != "LaunchRequest":
            self._print("  (new session, as if you said 'Alexa, ask spine coach ...')")
        if self.options.debug and reply.interpretation is not None:
            slots = {
                name: {"value": fill.value, **({"id": fill.resolved_id} if fill.resolved_id else {})}
                for name, fill in reply.interpretation.slots.items()
            }
            shown = f" {json.dumps(slots)}" if slots else ""
            self._print(f"  [intent {reply.interpretation.intent}{shown}]")
        if reply.text:
            self._say(reply.text, "alexa")
        for directive in reply.directives:
            self._print(f"  [directive {directive.get('type')}]")
        if reply.ends_session:
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
    conversation = build_conversation(options)
    console = Console(conversation, options)
    if scripted:
        return console.run(scripted)
    if not sys.stdin.isatty():
        return console.run(sys.stdin)
    console._print(
        "Spine Coach local console. Talk as you would to Alexa, e.g. 'open spine coach'. /help for commands."
    )
    return console.run(interactive_lines(), echo=False)
