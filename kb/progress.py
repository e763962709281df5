"""Where a long run is, for whoever shows it: the library names its stages, the CLI's spinner listens.

A library function calls `stage("extracting numbers")`; with no listener (the library used on its
own, or output to a pipe) that costs one attribute lookup.
"""

from __future__ import annotations

from collections.abc import Callable

_listener: Callable[[str], None] | None = None


def stage(name: str) -> None:
    if _listener is not None:
        _listener(name)


def listen(callback: Callable[[str], None] | None) -> None:
    global _listener
    _listener = callback
