"""The .kb/ cache: same output with and without it, changes seen, bad caches rebuilt, never trusted."""

import json
import os
import sqlite3

import pytest
from typer.testing import CliRunner

from kb.api import open_kb
from kb.cache import CACHE_FILE, Cache
from kb.cli import app

from .conftest import write_files

FILES = {
    "a.md": "---\ntitle: Acme results\ndate: 2025-01-10\n---\nAcme Corp reported revenue of $4.2 billion in 2023. "
    "[[b]] [[missing]]\n",
    "b.md": "---\ntitle: Acme report\ndate: 2025-01-10\n---\nAcme Corp revenue reached $4.5 billion in 2023.\n",
    "c.md": "no front matter, links to [[a]]\n",
}


def outputs(root, *extra):
    runner = CliRunner()
    check = runner.invoke(app, ["check", "--kb", str(root), "--format", "json", *extra])
    conflicts = runner.invoke(app, ["conflicts", "--kb", str(root), "--format", "json", *extra])
    return json.loads(check.stdout), json.loads(conflicts.stdout)


@pytest.fixture
def root(tmp_path):
    return write_files(tmp_path, FILES)


def test_same_output_with_and_without_cache_cold_and_warm(root):
    plain = outputs(root, "--no-cache")
    assert not (root / ".kb" / CACHE_FILE).exists()
    cold = outputs(root)
    assert (root / ".kb" / CACHE_FILE).exists()
    warm = outputs(root)
    assert plain == cold == warm
    assert plain[1]["conflicts"]


def test_changes_are_seen(root):
    outputs(root)
    (root / "b.md").write_text(FILES["b.md"].replace("$4.5 billion", "$4.2 billion"))
    check, conflicts = outputs(root)
    assert conflicts["conflicts"] == []
    (root / "c.md").unlink()
    check, _ = outputs(root)
    assert check["summary"]["notes"] == 2


def test_touch_with_same_bytes_reuses_the_row(root):
    outputs(root)
    kb = open_kb(root, use_cache=True)
    note = kb.notes["a.md"]
    kb.cache.close()
    stat = os.stat(root / "a.md")
    os.utime(root / "a.md", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    again = open_kb(root, use_cache=True)
    assert again.notes["a.md"].links == note.links
    again.cache.close()


def test_corrupt_cache_is_rebuilt(root):
    outputs(root)
    (root / ".kb" / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    assert outputs(root) == outputs(root, "--no-cache")
    with sqlite3.connect(root / ".kb" / CACHE_FILE) as db:
        assert db.execute("SELECT count(*) FROM notes").fetchone()[0] == 3


def test_a_changed_fingerprint_empties_the_cache(root):
    outputs(root)
    cache = Cache(root, "another configuration")
    assert cache.note_rows == {} and cache.fact_rows == {}
    cache.close()


def test_a_bad_row_is_a_miss_not_a_crash(root):
    outputs(root)
    with sqlite3.connect(root / ".kb" / CACHE_FILE) as db:
        db.execute("UPDATE notes SET data = x'00', size = -1 WHERE path = 'a.md'")
        db.execute("UPDATE facts SET data = x'00'")
    assert outputs(root) == outputs(root, "--no-cache")


def test_a_fact_row_of_the_wrong_shape_is_a_miss(root):
    from kb import codec

    outputs(root)
    with sqlite3.connect(root / ".kb" / CACHE_FILE) as db:
        db.execute("UPDATE facts SET data = ? WHERE path = 'a.md'", (codec.dumps([("a.md", 1)]),))
        db.execute("UPDATE facts SET data = ? WHERE path != 'a.md'", (codec.dumps([tuple(range(24))]),))
    with open(root / "b.md", "a", encoding="utf-8") as handle:  # so the remembered answers do not apply
        handle.write("Another line.\n")
    assert outputs(root) == outputs(root, "--no-cache")


def test_a_normalisation_row_of_the_wrong_shape_is_a_miss(root):
    from kb import codec

    outputs(root)
    with sqlite3.connect(root / ".kb" / CACHE_FILE) as db:
        assert db.execute("SELECT count(*) FROM norms").fetchone()[0] >= 2
        db.execute("UPDATE norms SET data = ? WHERE path = 'a.md'", (codec.dumps(((), [(1, 2, 3)])),))
        db.execute("UPDATE norms SET data = ? WHERE path != 'a.md'", (codec.dumps("nonsense"),))
    with open(root / "c.md", "a", encoding="utf-8") as handle:  # so the remembered answers do not apply
        handle.write("Another line.\n")
    assert outputs(root) == outputs(root, "--no-cache")
    assert outputs(root)[1]["conflicts"]


def test_locked_cache_is_bypassed(root):
    outputs(root)
    holder = sqlite3.connect(root / ".kb" / CACHE_FILE)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        (root / "b.md").write_text(FILES["b.md"] + "More text.\n")
        assert outputs(root) == outputs(root, "--no-cache")
    finally:
        holder.rollback()
        holder.close()


def test_unchanged_kb_gets_the_remembered_answer_and_a_change_clears_it(root, monkeypatch):
    first = outputs(root)
    import kb.api

    def no_loading(*args, **kwargs):
        raise AssertionError("the KB was read although nothing changed")

    monkeypatch.setattr(kb.api, "load_kb", no_loading)
    runner = CliRunner()
    again = json.loads(runner.invoke(app, ["check", "--kb", str(root), "--format", "json"]).stdout)
    assert again == first[0]
    conflicts_again = json.loads(runner.invoke(app, ["conflicts", "--kb", str(root), "--format", "json"]).stdout)
    assert conflicts_again == first[1] and first[1]["conflicts"]
    monkeypatch.undo()
    (root / "c.md").write_text("now links to [[nowhere]]\n")
    changed = json.loads(runner.invoke(app, ["check", "--kb", str(root), "--format", "json"]).stdout)
    assert changed["summary"]["broken_links"] == first[0]["summary"]["broken_links"] + 1
    (root / "c.md").write_text("Acme Corp revenue was $9.9 billion in 2023, says [[a]].\n")
    conflicts = json.loads(runner.invoke(app, ["conflicts", "--kb", str(root), "--format", "json"]).stdout)
    assert conflicts != first[1]


def test_a_note_comes_back_from_its_record_unchanged(root):
    from kb.config import load_config
    from kb.loader import decode_note, encode_note, load_notes

    (root / "odd.md").write_text(
        "---\ntype: claim\nwhen: !!timestamp 2024-01-02\nnested: {a: [1, 2.5, null]}\n---\n[[x]] ![[y|z]]\n",
        encoding="utf-8",
    )
    notes, _ = load_notes(load_config(root))
    assert len(notes) > 2
    for note in notes:
        blob = encode_note(note)
        assert blob[:1] == b"N" and decode_note(blob) == note
    odd = next(note for note in notes if note.path == "odd.md")
    assert type(decode_note(encode_note(odd)).frontmatter.fields["nested"]["a"]) is list


def test_cached_notes_equal_fresh_ones_on_teleo(teleo, tmp_path):
    from kb.config import load_config
    from kb.loader import decode_note, encode_note, load_notes

    notes, _ = load_notes(load_config(teleo))
    assert all(decode_note(encode_note(note)) == note for note in notes)


def test_the_cache_folder_ignores_itself_for_git(root):
    outputs(root)
    assert (root / ".kb" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_no_cache_in_a_folder_that_is_no_kb_or_through_a_kb_symlink(tmp_path):
    deep = write_files(tmp_path / "scratch", {"x/y/a.md": FILES["a.md"], "x/y/b.md": FILES["b.md"]})
    outputs(deep)
    assert not (deep / ".kb").exists()  # no kb.toml, no notes folder, no notes at its top
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    kb = write_files(tmp_path / "kb", FILES)
    (kb / ".kb").symlink_to(elsewhere, target_is_directory=True)
    first, _ = outputs(kb)
    assert list(elsewhere.iterdir()) == [] and first["summary"]["notes"] == 3


def _subjects(root, use_cache):
    from kb.conflicts.engine import normalise_facts
    from kb.conflicts.extract import extract_facts

    kb = open_kb(root, use_cache=use_cache)
    try:
        return sorted((n.fact.path, n.fact.text, n.concept, n.subject) for n in normalise_facts(kb, extract_facts(kb)))
    finally:
        if kb.cache is not None:
            kb.cache.close()


def test_a_cached_normalisation_is_redone_when_the_rest_of_the_kb_changes_its_answers(tmp_path):
    """x.md never changes, but a new entity note renames what it is about: its cached reading must go."""
    write_files(
        tmp_path,
        {
            "x.md": "---\ntype: source\ndate: 2024-02-01\n---\nLumen Apps had 4.1 million users in 2023.\n",
            "y.md": "---\ntype: source\ndate: 2024-02-03\n---\nOrbit Ltd had 5.3 million users in 2023.\n",
        },
    )
    first = _subjects(tmp_path, use_cache=True)
    assert ("x.md", "4.1 million", "user", "lumen apps") in first
    assert _subjects(tmp_path, use_cache=True) == first  # read back from the cache
    write_files(tmp_path, {"entities/lumen.md": "---\ntype: entity\naliases: [Lumen Apps]\n---\n# Lumen Holdings\n"})
    fresh = _subjects(tmp_path, use_cache=False)
    assert ("x.md", "4.1 million", "user", "lumen") in fresh
    assert _subjects(tmp_path, use_cache=True) == fresh


def test_a_normalisation_log_notices_when_an_answer_it_relied_on_changes(tmp_path):
    from kb.conflicts.engine import _normalise_logged, entity_index, note_contexts
    from kb.conflicts.extract import extract_facts
    from kb.conflicts.normalise import Normaliser

    write_files(
        tmp_path, {"x.md": "---\ntype: source\ndate: 2024-02-01\n---\nLumen Apps had 4.1 million users in 2023.\n"}
    )
    kb = open_kb(tmp_path)
    facts = extract_facts(kb)
    index = entity_index(kb)
    normaliser = Normaliser(index)
    normaliser.learn_short_forms([fact.sentence for fact in facts])
    contexts = note_contexts(kb, facts, index, normaliser.is_word, {}, normaliser.written_in_lower_case)
    norm, log = _normalise_logged(normaliser, facts[0], contexts["x.md"])
    assert norm.subject == "lumen apps" and normaliser.log is None
    assert dict(log)[("R", "Lumen Apps")] == "lumen apps"
    assert normaliser.still_answers(log)
    index.add("lumen holdings", ["Lumen Apps"])  # the next run: another note made the name an alias
    next_run = Normaliser(index)
    next_run.learn_short_forms([fact.sentence for fact in facts])
    assert not next_run.still_answers(log)


def test_cached_answers_are_keyed_by_the_code_that_made_them(tmp_path):
    import types

    from kb.codeversion import code_version

    first, second = tmp_path / "a.py", tmp_path / "b.py"
    first.write_text("X = 1\n", encoding="utf-8")
    second.write_text("X = 2\n", encoding="utf-8")
    module_a = types.SimpleNamespace(__file__=str(first), __name__="a")
    module_b = types.SimpleNamespace(__file__=str(second), __name__="b")
    assert code_version(module_a) == code_version(module_a)
    assert code_version(module_a) != code_version(module_b)
    frozen = types.SimpleNamespace(__file__=None, __name__="frozen")  # no source: its name still counts
    assert code_version(frozen) != code_version(types.SimpleNamespace(__file__=None, __name__="other"))


def test_an_edit_with_its_mtime_set_back_and_the_same_size_is_seen(root):
    outputs(root)
    path = root / "b.md"
    before = os.stat(path)
    edited = FILES["b.md"].replace("$4.5 billion", "$4.2 billion")  # same size
    assert len(edited) == len(FILES["b.md"])
    path.write_text(edited)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the mtime set back
    _, conflicts = outputs(root)
    assert conflicts["conflicts"] == []


def test_what_the_kb_wide_learning_found_is_remembered_and_gives_the_same_cards(root):
    from kb.conflicts import find_conflicts

    cold = outputs(root)
    kb = open_kb(root, use_cache=True)
    assert any(key.startswith("learned:") for (key,) in kb.cache.db.execute("SELECT key FROM meta"))
    warm_report = find_conflicts(kb)
    kb.cache.close()
    plain = outputs(root, "--no-cache")
    assert cold == plain and len(warm_report.conflicts) == len(plain[1]["conflicts"])


def test_a_remembered_learning_of_another_shape_is_learned_again(root):
    from kb.conflicts.engine import _learned_state_or_none

    assert _learned_state_or_none(b"not json") is None
    assert _learned_state_or_none(b'{"lower": {}, "caps": {}, "learned": {}, "aliases": [[1]]}') is None
    assert _learned_state_or_none(b'{"lower": {"a": "x"}, "caps": {}, "learned": {}, "aliases": []}') is None
    good = b'{"lower": {"a": 2}, "caps": {}, "learned": {"mau": "user"}, "aliases": [["acme", "ACM"]]}'
    assert _learned_state_or_none(good) is not None
    from kb.conflicts import find_conflicts

    plain = outputs(root, "--no-cache")[1]["conflicts"]
    outputs(root)
    kb = open_kb(root, use_cache=True)
    updated = kb.cache.db.execute("UPDATE meta SET value = ? WHERE key LIKE 'learned:%'", (b'{"lower": 5}',))
    assert updated.rowcount == 1
    kb.cache.db.commit()
    report = find_conflicts(kb)  # reads the broken row, learns again
    kb.cache.close()
    assert [c.id for c in report.conflicts] == [c["id"] for c in plain]


def test_an_edit_to_one_note_reuses_every_other_notes_stored_rows(root, monkeypatch):
    """Parsed notes, facts and normalisations of unchanged notes come from the cache: only the edited
    note is parsed, extracted and normalised again (a row that no longer decodes would be recomputed
    silently, so this counts the work)."""
    import kb.conflicts.engine as engine
    import kb.loader as loader

    first = outputs(root)
    parsed, normalised = [], []
    real_parse, real_normalise = loader._read_and_parse, engine._normalise_facts

    def counting_parse(config, relpath):
        parsed.append(relpath)
        return real_parse(config, relpath)

    def counting_normalise(facts, *args):
        normalised.extend(fact.path for fact in facts)
        return real_normalise(facts, *args)

    monkeypatch.setattr(loader, "_read_and_parse", counting_parse)
    monkeypatch.setattr(engine, "_normalise_facts", counting_normalise)
    with open(root / "a.md", "a", encoding="utf-8") as handle:
        handle.write("Acme Corp also opened 12 stores in 2023.\n")
    again = outputs(root)
    assert set(parsed) == {"a.md"} and set(normalised) == {"a.md"}
    assert again[1]["summary"]["facts"] == first[1]["summary"]["facts"] + 1
