"""A cache from elsewhere never runs code: kb reads its pickles with a restricted unpickler."""

from __future__ import annotations

import os
import pickle
from decimal import Decimal

import pytest

from kb import safepickle
from kb.facts import Fact


class _Payload:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_kbs_own_values_round_trip():
    fact = Fact("a.md", 3, 0, 5, "$5M", "It raised $5M.", Decimal("5000000"), "USD", Decimal(1), Decimal(1))
    value = {"facts": [fact], "when": {Decimal("1.5")}, "counts": frozenset({"a"})}
    assert safepickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) == value


@pytest.mark.parametrize(
    "payload",
    [
        _Payload(),
        pickle.dumps(print),  # a function, even a harmless one
    ],
)
def test_foreign_code_is_refused(payload):
    data = payload if isinstance(payload, bytes) else pickle.dumps(payload)
    with pytest.raises(safepickle.RefusedPickle):
        safepickle.loads(data)


def test_a_kb_function_is_refused_too():
    from kb import writer

    with pytest.raises(safepickle.RefusedPickle):
        safepickle.loads(pickle.dumps(writer.write_inside))


def test_a_poisoned_cache_row_is_recomputed_not_run(tmp_path):
    from kb.api import conflicts_kb, init_kb
    from kb.cache import open_cache
    from kb.config import load_config

    root = tmp_path / "kb"
    init_kb(root)
    (root / "a.md").write_text("---\ntitle: A\n---\nAcme raised $5 million in 2024.\n")
    conflicts_kb(root)  # fills the cache
    marker = tmp_path / "ran"

    class Poison:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    cache = open_cache(load_config(root))
    # every remembered answer and parsed note replaced by a payload
    cache.db.execute("UPDATE meta SET value = ? WHERE key LIKE 'conflicts:%'", (pickle.dumps(Poison()),))
    cache.db.execute("UPDATE notes SET data = ?", (b"P" + pickle.dumps(Poison()),))
    cache.db.execute("UPDATE facts SET data = ?", (pickle.dumps(Poison()),))
    cache.db.commit()
    cache.close()
    _, report = conflicts_kb(root)
    assert not marker.exists() and report.facts >= 1
