"""Reading kb's own pickles back without running anyone else's code.

The cache (`.kb/cache.sqlite`) keeps parsed notes, facts and remembered answers as pickles. A cache
can come from elsewhere: committed to a repository, restored from a shared CI cache. A plain
`pickle.loads` of a crafted row runs any function it names (`os.system`), so kb reads its pickles
with an unpickler that resolves only what kb itself writes: kb's dataclasses and enums, and a few
value types of the standard library. Anything else is refused; the caller treats the row as
unreadable and recomputes it.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import io
import pickle

_STANDARD = {
    ("decimal", "Decimal"),
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("collections", "Counter"),
    ("collections", "OrderedDict"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "complex"),
    ("builtins", "bytearray"),
    ("pathlib", "PurePosixPath"),
    ("pathlib", "PosixPath"),
    ("pathlib", "WindowsPath"),
    ("pathlib", "PureWindowsPath"),
}


class RefusedPickle(pickle.UnpicklingError):
    """The pickle names something kb never writes."""


class _KbUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) in _STANDARD:
            return super().find_class(module, name)
        if module == "kb" or module.startswith("kb."):
            found = getattr(importlib.import_module(module), name, None)
            # a data class or an enum builds a value from fields; a kb function would act on arguments
            if isinstance(found, type) and (dataclasses.is_dataclass(found) or issubclass(found, enum.Enum)):
                return found
        raise RefusedPickle(f"refusing {module}.{name}: not something kb writes")


def loads(data: bytes):
    """`pickle.loads` for kb's own pickles; raises RefusedPickle for anything else."""
    return _KbUnpickler(io.BytesIO(data)).load()
