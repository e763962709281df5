"""What a person at a terminal sees and a pipe does not: colour on stdout, a spinner on stderr.

Colour comes from rich, which follows the conventions: only when stdout is a terminal, never with
NO_COLOR set, always with FORCE_COLOR set. The spinner starts only when a run has taken a second,
only on a terminal's stderr, and never mixes with output meant for another program.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

from rich.console import Console
from rich.text import Text

_STYLES = {"error": "bold red", "warning": "yellow", "info": "dim"}
SPINNER_DELAY = 1.0  # seconds before a spinner shows: a fast run prints nothing extra


def _console(stream) -> Console:
    force = bool(os.environ.get("FORCE_COLOR")) and not os.environ.get("NO_COLOR")
    return Console(file=stream, highlight=False, soft_wrap=True, force_terminal=True if force else None)


def colour_wanted(stream=None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def problem_lines(lines: list[tuple[str, str, str]]) -> None:
    """Write (location, severity, rest) lines to stdout, coloured when a person will read them."""
    if not colour_wanted():
        sys.stdout.write("".join(f"{where}: {severity}{rest}\n" for where, severity, rest in lines))
        sys.stdout.flush()
        return
    console = _console(sys.stdout)
    for where, severity, rest in lines:
        text = Text()
        text.append(where, style="bold")
        text.append(": ")
        text.append(severity, style=_STYLES.get(severity, ""))
        text.append(rest)
        console.print(text)


@contextlib.contextmanager
def spinner(message: str):
    """A spinner with `message` on stderr after SPINNER_DELAY seconds, when stderr is a terminal."""
    if os.environ.get("KB_NO_PROGRESS") or not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        yield
        return
    from . import progress

    console = _console(sys.stderr)
    status = console.status(f"{message} …", spinner="dots")
    # the library names its stages ("extracting numbers"): the spinner says which one it is in
    progress.listen(lambda name: status.update(f"{message}: {name} …"))
    started = threading.Event()
    lock = threading.Lock()

    def start() -> None:
        with lock:
            if not started.is_set():
                started.set()
                status.start()

    timer = threading.Timer(SPINNER_DELAY, start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        progress.listen(None)
        timer.cancel()
        with lock:
            if started.is_set():
                status.stop()
            started.set()
