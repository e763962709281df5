"""A digest of modules' source, so answers cached by other code are never reused."""

from __future__ import annotations

import hashlib


def code_version(*modules) -> str:
    """A digest of the modules' source: with it in a cache key there is no version number to
    remember to bump when the code that made the cached answer changes."""
    digest = hashlib.sha256()
    for module in modules:
        try:
            with open(module.__file__, "rb") as source:
                digest.update(source.read())
        except (OSError, TypeError):  # no source (a frozen build): the module's name at least
            digest.update(module.__name__.encode())
    return digest.hexdigest()[:16]
