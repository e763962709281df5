"""Plain values to bytes and back: the one format kb keeps in its cache and sends between processes.

A cache can come from elsewhere (committed to a repository, restored from a shared CI cache), so
what kb reads back must decode only to data, never to code. The format is MessagePack, whose decoder
builds nothing but numbers, strings, bytes, lists and maps, with tagged extensions for the few other
value types kb stores (tuple, set, frozenset, Decimal, date, datetime, time, an integer above 64 bits)
and for kb's own record types, named in a registry that their modules fill when imported: a record
is rebuilt from its fields' values by its class, and a name outside the registry is refused. Nothing
a row says is ever imported or called. A row that does not decode raises CodecError; every caller
treats that as "not cached" and computes the answer again.

`dumps`/`loads` give back exactly what was stored (a list stays a list, a tuple a tuple). The bulk
rows (a parsed note, a note's facts, their normalisation: millions in a large KB) use
`dumps_rows`/`loads_rows`, where every sequence comes back as a tuple without a call into Python per
tuple; the code that owns each row turns back into lists what it knows were lists.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import msgpack

_TUPLE, _SET, _FROZENSET, _DECIMAL, _DATE, _DATETIME, _TIME, _BIGINT, _RECORD = range(1, 10)
_RECORDS: dict[str, tuple[type, tuple[str, ...]]] = {}


class CodecError(ValueError):
    """Bytes that are not a value kb wrote: another version's row, a damaged or a crafted one."""


def record(cls: type) -> type:
    """Register a data class whose instances may be stored (used as a class decorator)."""
    fields = dataclasses.fields(cls)
    if any(not f.init for f in fields):
        raise TypeError(f"{cls.__qualname__}: a stored record is rebuilt through its constructor")
    _RECORDS[f"{cls.__module__}.{cls.__qualname__}"] = (cls, tuple(f.name for f in fields))
    return cls


def _pack(value) -> bytes:
    return msgpack.packb(value, default=_extend, strict_types=True, use_bin_type=True)


def _extend(value):
    # with strict_types a tuple, a subclass (an enum) and every type msgpack lacks come here
    kind = type(value)
    if kind is tuple:
        return msgpack.ExtType(_TUPLE, _pack(list(value)))
    if kind is Decimal:
        return msgpack.ExtType(_DECIMAL, str(value).encode("ascii"))
    if kind is frozenset or kind is set:
        return msgpack.ExtType(_FROZENSET if kind is frozenset else _SET, _pack(list(value)))
    if kind is dt.datetime:
        return msgpack.ExtType(_DATETIME, value.isoformat().encode("ascii"))
    if kind is dt.date:
        return msgpack.ExtType(_DATE, value.isoformat().encode("ascii"))
    if kind is dt.time:
        return msgpack.ExtType(_TIME, value.isoformat().encode("ascii"))
    if kind is int:  # beyond 64 bits
        return msgpack.ExtType(_BIGINT, str(value).encode("ascii"))
    name = f"{kind.__module__}.{kind.__qualname__}"
    registered = _RECORDS.get(name)
    if registered is not None and registered[0] is kind:
        return msgpack.ExtType(_RECORD, _pack([name, [getattr(value, field) for field in registered[1]]]))
    raise TypeError(f"kb does not store a {kind.__qualname__}")


def _unpack(data: bytes):
    return msgpack.unpackb(data, ext_hook=_rebuild, strict_map_key=False, raw=False)


def _rebuild(code: int, data: bytes):
    if code == _TUPLE:
        return tuple(_unpack(data))
    if code == _DECIMAL:
        return Decimal(data.decode("ascii"))
    if code in (_SET, _FROZENSET):
        return (set if code == _SET else frozenset)(_unpack(data))
    if code == _DATETIME:
        return dt.datetime.fromisoformat(data.decode("ascii"))
    if code == _DATE:
        return dt.date.fromisoformat(data.decode("ascii"))
    if code == _TIME:
        return dt.time.fromisoformat(data.decode("ascii"))
    if code == _BIGINT:
        return int(data.decode("ascii"))
    if code == _RECORD:
        name, values = _unpack(data)
        registered = _RECORDS.get(name) if isinstance(name, str) else None
        if registered is None or not isinstance(values, list) or len(values) != len(registered[1]):
            raise CodecError(f"not a record kb stores: {str(name)[:80]!r}")
        return registered[0](*values)
    raise CodecError(f"unknown tag {code}")


def dumps_rows(value) -> bytes:
    """Like `dumps`, but lists and tuples are written alike (both come back as tuples)."""
    return msgpack.packb(value, default=_extend, use_bin_type=True)


def loads_rows(data: bytes):
    """The value `dumps_rows` wrote, every sequence a tuple; CodecError for bytes it did not write."""
    return _decoded(msgpack.unpackb, data, ext_hook=_rebuild, strict_map_key=False, raw=False, use_list=False)


def dumps(value) -> bytes:
    """The bytes of a plain value; TypeError for anything kb does not store (a recursive structure
    raises ValueError)."""
    return _pack(value)


def loads(data: bytes):
    """The value `dumps` wrote; CodecError for bytes it did not write."""
    return _decoded(_unpack, data)


def _decoded(decode, data: bytes, **options):
    try:
        return decode(data, **options)
    except CodecError:
        raise
    # msgpack's own errors (ExtraData, FormatError, StackError), a bad Decimal or date, a record's
    # constructor given values of another shape
    except Exception as error:  # noqa: BLE001
        raise CodecError(f"unreadable: {type(error).__name__}") from None
