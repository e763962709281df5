"""kb index: golden pages, backlinks equal to the graph's in-edges, safe and minimal writes."""

import os
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from kb.config import load_config
from kb.index import MARKER, build_pages, note_page_path, write_index
from kb.model import load_kb

from .conftest import REPO, write_files
from .test_beliefs import FILES as BELIEF_FILES

GOLDEN = REPO / "tests" / "golden" / "index"
FILES = {
    **BELIEF_FILES,
    "claims/claim two.md": BELIEF_FILES["claims/claim two.md"] + "See [[claim one]] and ![[chart.png]].\n"
    "| a | [[claim one\\|first claim]] |\n```\n[[not a link]]\n```\n[[nobody wrote this]] [[#Self]]\n",
    "claims/a*weird [title] with <html>.md": "---\ntype: claim\ndomain: health\n---\nLinks [[claim two]] and "
    "[[nobody wrote this]].\n",
    "chart.png": b"\x89PNG\r\n",
}


def load(root: Path):
    return load_kb(load_config(root))


def test_golden_pages(tmp_path, update_golden):
    write_files(tmp_path, FILES)
    result = write_index(load(tmp_path))
    produced = {
        path.relative_to(result.out_dir).as_posix(): path.read_text(encoding="utf-8")
        for path in result.out_dir.rglob("*.md")
    }
    if update_golden:
        import shutil

        shutil.rmtree(GOLDEN, ignore_errors=True)
        for relpath, text in produced.items():
            (GOLDEN / relpath).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / relpath).write_text(text, encoding="utf-8")
    expected = {path.relative_to(GOLDEN).as_posix(): path.read_text(encoding="utf-8") for path in GOLDEN.rglob("*.md")}
    assert sorted(produced) == sorted(expected)
    for relpath in expected:
        assert produced[relpath] == expected[relpath], f"{relpath} differs; run pytest --update-golden if intended"


def test_backlinks_equal_graph_in_edges(tmp_path):
    write_files(tmp_path, FILES)
    kb = load(tmp_path)
    pages = build_pages(kb, tmp_path / "index")
    for path in kb.notes:
        page = pages[note_page_path(path)]
        section = page.split("## Backlinks", 1)[1].split("## Links", 1)[0]
        listed_lines = sorted(
            int(line.split("line ", 1)[1].split(":", 1)[0])
            for line in section.splitlines()
            if line.startswith("  - line ")
        )
        in_edges = sorted(data["line"] for source, _, data in kb.graph.in_edges(path, data=True) if source != path)
        assert listed_lines == in_edges, path


def test_second_run_writes_nothing_and_same_bytes(tmp_path):
    write_files(tmp_path, FILES)
    first = write_index(load(tmp_path))
    snapshot = {p: p.read_bytes() for p in first.out_dir.rglob("*.md")}
    mtimes = {p: p.stat().st_mtime_ns for p in snapshot}
    second = write_index(load(tmp_path))
    assert second.written == [] and second.removed == []
    assert {p: p.read_bytes() for p in second.out_dir.rglob("*.md")} == snapshot
    assert {p: p.stat().st_mtime_ns for p in snapshot} == mtimes


def test_only_changed_pages_are_rewritten(tmp_path):
    write_files(tmp_path, FILES)
    write_index(load(tmp_path))
    (tmp_path / "claims" / "claim three.md").write_text(BELIEF_FILES["claims/claim three.md"] + "Now [[claim two]].\n")
    result = write_index(load(tmp_path))
    assert "index/notes/claims/claim two.links.md" in result.written
    assert "index/notes/claims/claim three.links.md" in result.written
    assert "index/notes/claims/claim one.links.md" not in result.written
    assert len(result.written) < result.pages / 2


def test_pages_of_deleted_notes_are_removed(tmp_path):
    write_files(tmp_path, FILES)
    write_index(load(tmp_path))
    os.remove(tmp_path / "claims" / "a*weird [title] with <html>.md")
    result = write_index(load(tmp_path))
    assert result.removed == ["index/notes/claims/a*weird [title] with <html>.links.md"]
    assert not (tmp_path / "index" / "notes" / "claims" / "a*weird [title] with <html>.links.md").exists()


def test_files_without_marker_are_never_overwritten(tmp_path):
    write_files(tmp_path, {**FILES, "index/README.md": "# My own notes about the index\n", "index/keep.md": "# mine\n"})
    result = write_index(load(tmp_path))
    assert (tmp_path / "index" / "README.md").read_text() == "# My own notes about the index\n"
    assert (tmp_path / "index" / "keep.md").exists()
    assert [p.code for p in result.problems] == ["index-conflict"]


def test_generated_pages_are_not_read_as_notes(tmp_path):
    write_files(tmp_path, FILES)
    before = load(tmp_path)
    write_index(before)
    after = load(tmp_path)
    assert sorted(after.notes) == sorted(before.notes)
    assert len(after.links) == len(before.links)


def test_dry_run_writes_nothing(tmp_path):
    write_files(tmp_path, FILES)
    result = write_index(load(tmp_path), dry_run=True)
    assert result.written and not (tmp_path / "index").exists()


def test_long_titles_get_safe_page_names(tmp_path):
    title = ("a very long claim title " * 12)[:250]  # 253 bytes with .md; the page name would be 259
    write_files(tmp_path, {f"claims/{title}.md": "[[x]]\n"})
    result = write_index(load(tmp_path))
    names = [p.name for p in result.out_dir.rglob("*.md")]
    assert all(len(name.encode()) <= 255 for name in names)
    assert any("~" in name for name in names)


@pytest.mark.parametrize("style", ["markdown", "wikilink", "both"])
def test_pages_render_as_html_with_working_links(tmp_path, style):
    write_files(tmp_path, {**FILES, "kb.toml": f'[index]\nlinks = "{style}"\n'})
    result = write_index(load(tmp_path))
    markdown = MarkdownIt("commonmark").enable("table")
    page = result.out_dir / "beliefs" / "vida--payment-drives-behaviour.md"
    html = markdown.render(page.read_text())
    assert html.startswith("<!-- generated by kb index")
    assert '<pre><code class="language-mermaid">flowchart LR' in html
    assert "<table>" in html
    if style != "wikilink":
        assert 'href="../../claims/claim%20one.md"' in html
        target = (page.parent / "../../claims/claim one.md").resolve()
        assert target.is_file()
    if style != "markdown":
        assert "[[claims/claim one" in page.read_text()


def test_marker_is_the_first_line(tmp_path):
    write_files(tmp_path, FILES)
    result = write_index(load(tmp_path))
    for path in result.out_dir.rglob("*.md"):
        assert path.read_text().splitlines()[0] == MARKER


def test_cached_index_skips_an_unchanged_kb_and_notices_every_change(tmp_path, monkeypatch):
    import kb.index
    from kb.api import index_kb

    write_files(tmp_path, FILES)
    _, first = index_kb(tmp_path)
    assert first.written and first.pages == len(first.written)
    pages = {path: path.read_bytes() for path in first.out_dir.rglob("*.md")}
    with monkeypatch.context() as patch:
        patch.setattr(kb.index, "write_index", lambda *args, **kwargs: pytest.fail("an unchanged KB was rebuilt"))
        _, again = index_kb(tmp_path)
    assert (again.pages, again.written, again.removed) == (first.pages, [], [])
    assert {path: path.read_bytes() for path in first.out_dir.rglob("*.md")} == pages

    some_page = sorted(pages)[0]
    some_page.write_bytes(pages[some_page] + b"hand edit\n")  # an edited page is put back
    _, edited = index_kb(tmp_path)
    assert edited.written == [some_page.relative_to(tmp_path).as_posix()]
    assert some_page.read_bytes() == pages[some_page]

    some_page.unlink()  # a deleted page is written again
    _, deleted = index_kb(tmp_path)
    assert deleted.written == [some_page.relative_to(tmp_path).as_posix()]

    note = tmp_path / "claims" / "claim two.md"  # a changed note changes its pages
    note.write_text(note.read_text(encoding="utf-8") + "Also [[claim three]].\n", encoding="utf-8")
    _, changed = index_kb(tmp_path)
    assert changed.written
    _, uncached = index_kb(tmp_path, use_cache=False)
    assert uncached.written == [] and uncached.pages == changed.pages


def test_cached_index_is_rebuilt_after_a_commit(tmp_path, monkeypatch):
    """Belief pages use git change dates, which a commit changes without touching a file."""
    import kb.api
    import kb.history
    import kb.index

    write_files(tmp_path, FILES)
    monkeypatch.setattr(kb.history, "git_head", lambda root: "commit-1")
    kb.api.index_kb(tmp_path)
    built = []
    real_write_index = kb.index.write_index
    monkeypatch.setattr(kb.index, "write_index", lambda *a, **k: built.append(1) or real_write_index(*a, **k))
    kb.api.index_kb(tmp_path)
    assert built == []
    monkeypatch.setattr(kb.history, "git_head", lambda root: "commit-2")
    kb.api.index_kb(tmp_path)
    assert built == [1]
