"""kb index as a reviewer reads it: conflicts and problems on the pages, links and anchors that
resolve, diagrams under Mermaid's limits, what changed from git, odd domains flagged."""

import importlib.util
import os
import re
import shutil
import subprocess

import pytest

from kb.config import load_config
from kb.graph import MERMAID_MAX_EDGES, MERMAID_MAX_TEXT
from kb.index import build_pages, write_index
from kb.index.diagrams import Flowchart, wrapped_label
from kb.index.pagekit import plain_context, shorten, unique_anchors
from kb.model import load_kb

from .conftest import REPO, write_files

_spec = importlib.util.spec_from_file_location("pagecheck", REPO / "benchmarks" / "pagecheck.py")
pagecheck = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pagecheck)

FERRIES = {
    "claims/Northwind Ferries carried 4.2 million passengers in 2023.md": "---\ntype: claim\ndomain: transport\n"
    "confidence: likely\ncreated: 2024-02-01\n---\nNorthwind Ferries carried 4.2 million passengers in 2023, its "
    "annual report says. See [[harbour report]].\n",
    "claims/Northwind Ferries grew on three routes.md": "---\ntype: claim\ndomain: transport\ncreated: 2024-03-01\n"
    "challenged_by: [the harbour authority counts differently]\n---\nIn 2023 Northwind Ferries carried 5.1 million "
    "passengers across its three routes. Links [[Northwind Ferries carried 4.2 million passengers in 2023]] and "
    "[[a ferry note nobody wrote]].\n",
    "sources/harbour report.md": "---\ntype: source\ndomain: transport\nstatus: processed\n---\nThe harbour report.\n",
    "sources/web clip.md": "---\ntype: source\ndomain: www.example.com\nstatus: processed\n---\nA clipping.\n",
    "sources/unprocessed.md": "---\ntype: source\ndomain: processed\nstatus: unprocessed\n---\nA clipping.\n",
    "sources/template.md": '---\ntype: source\ndomain: "{domain}"\nstatus: processed\n---\nA clipping.\n',
    "agents/ana/beliefs.md": "# Ana's beliefs\n\n### 1. Ferries are growing\n\n**Grounding:**\n"
    "- [[Northwind Ferries carried 4.2 million passengers in 2023]]\n- [[Northwind Ferries grew on three routes]]\n",
}


def _pages(tmp_path, files=FERRIES, toml=None):
    write_files(tmp_path, files)
    if toml:
        (tmp_path / "kb.toml").write_text(toml, encoding="utf-8")
    kb = load_kb(load_config(tmp_path))
    result = write_index(kb)
    out = result.out_dir
    return out, {page.relative_to(out).as_posix(): page.read_text() for page in out.rglob("*.md")}


def test_every_link_and_anchor_on_the_pages_resolves(tmp_path):
    out, pages = _pages(tmp_path)
    defects, stats = pagecheck.check_pages(out)
    assert defects == []
    assert stats["anchors"] >= 3  # conflict cards and wanted notes are linked by anchor
    assert stats["diagrams"] >= 3


def test_a_conflict_shows_on_home_card_page_note_pages_and_the_belief(tmp_path):
    _, pages = _pages(tmp_path)
    home = pages["README.md"]
    assert "### Conflicts (1)" in home
    assert "passengers · northwind ferries · 2023" in home
    assert "**4.2 million** in" in home and "**5.1 million** in" in home
    card = pages["conflicts.md"]
    assert card.count("## Conflict c") == 1
    assert "| 4.2 million (4,200,000) |" in card and "| 5.1 million (5,100,000) |" in card and "Why: " in card
    note = pages["notes/claims/Northwind Ferries grew on three routes.links.md"]
    assert "> ⚠️ 1 disputed number" in note and "## Disputed numbers" in note
    assert "**5.1 million** (passengers, 2023) vs 4.2 million in" in note
    belief = next(text for path, text in pages.items() if path.startswith("beliefs/"))
    assert belief.count("⚠️ a number in it is disputed") == 2
    assert "class n1,n3 disputed" in belief  # the diagram marks both claims too
    assert "## Grounding: 2 resolve, 3 needed for a belief" in belief
    assert "**Owner:** ana" in belief


def test_conflicts_can_be_left_out_of_the_index(tmp_path):
    _, pages = _pages(tmp_path, toml="[index]\nconflicts = false\n")
    assert "Not compared" in pages["README.md"] and "not compared" in pages["conflicts.md"]
    assert "[Conflicts](conflicts.md) (not compared)" in pages["README.md"]
    assert "Disputed numbers" not in "".join(pages.values())


def test_problems_are_counted_by_code_and_listed_per_note(tmp_path):
    _, pages = _pages(tmp_path)
    assert "| [broken-link](problems/broken-link.md) | error | 1 | 1 |" in pages["README.md"]
    listing = pages["problems/broken-link.md"]
    assert "Northwind Ferries grew on three routes" in listing and "line 7, column" in listing
    note = pages["notes/claims/Northwind Ferries grew on three routes.links.md"]
    assert "## Problems" in note and "**broken-link** (error)" in note


def test_domain_table_and_odd_domains(tmp_path):
    _, pages = _pages(tmp_path)
    table = pages["domains/transport.md"]
    header = "| note | type | confidence | created | sources | challenged | links in | backlinks |"
    assert header in table
    row = next(line for line in table.splitlines() if line.startswith("| [Northwind Ferries carried"))
    assert "⚠️ | claim | likely | 2024-02-01 | 1 |  | 2 |" in row  # a source linked; two notes link in
    row = next(line for line in table.splitlines() if line.startswith("| [Northwind Ferries grew"))
    assert "| yes |" in row
    home = pages["README.md"]
    odd = home.split("look like mistakes:", 1)[1]
    assert "www.example.com" in odd and "a web address" in odd
    assert "{domain}" in odd and "template placeholder" in odd
    assert "processed](" in odd and "a status or type value" in odd
    assert "transport" not in odd


def test_wanted_notes_name_who_wants_them_and_a_suggestion(tmp_path):
    files = {
        **FERRIES,
        "claims/other.md": "---\ntype: claim\n---\nSee [[Northwind Ferries carried 4.2 million passengers]].\n",
    }
    _, pages = _pages(tmp_path, files)
    wanted = pages["wanted.md"]
    section = wanted.split("## Northwind Ferries carried 4.2 million passengers\n", 1)[1].split("\n## ", 1)[0]
    assert "Perhaps meant: [Northwind Ferries carried 4.2 million passengers in 2023]" in section
    assert "- [other](../claims/other.md), line 4" in section
    assert "wanted.md#northwind-ferries-carried-42-million-passengers" in pages["README.md"]


def test_notes_sharing_a_title_are_told_apart_in_wanted_lists(tmp_path):
    files = {"a/readme.md": "[[ghost]]\n", "b/readme.md": "[[ghost]]\n"}
    _, pages = _pages(tmp_path, files)
    assert "[readme (a)](../a/readme.md)" in pages["wanted.md"]
    assert "[readme (b)](../b/readme.md)" in pages["wanted.md"]


def test_a_hub_note_diagram_is_cut_with_and_n_more(tmp_path):
    files = {"hub.md": "---\ntype: claim\n---\nThe hub.\n"}
    for index in range(300):
        files[f"spokes/spoke {index:03}.md"] = "---\ntype: claim\ndomain: wheel\n---\nSee [[hub]].\n"
    _, pages = _pages(tmp_path, files)
    hub = pages["notes/hub.links.md"]
    block = pagecheck.mermaid_blocks(hub)[0]
    assert 'more["and 271 more"]' in block  # 29 spokes beside the hub fit under the cap of 30
    assert "The diagram leaves out 271 more notes" in hub
    assert len(block) < MERMAID_MAX_TEXT and len(pagecheck.EDGE.findall(block)) < MERMAID_MAX_EDGES
    assert "### spokes (300)" not in hub  # one folder and one type: no grouping headings


def test_backlinks_are_grouped_when_many_kinds_of_note_link_in(tmp_path):
    files = {"hub.md": "---\ntype: claim\n---\nThe hub.\n"}
    for index in range(6):
        files[f"claims/c{index}.md"] = "---\ntype: claim\n---\nSee [[hub]].\n"
        files[f"sources/s{index}.md"] = "---\ntype: source\n---\nSee [[hub]].\n"
    _, pages = _pages(tmp_path, files)
    hub = pages["notes/hub.links.md"]
    assert "## Backlinks (12 links from 12 notes)" in hub
    assert "### claim (6)" in hub and "### source (6)" in hub


def test_labels_and_contexts_are_cut_at_word_boundaries():
    assert shorten("payment reform does not move outcomes quickly", 20) == "payment reform does…"
    assert wrapped_label("payment reform does not move outcomes at all in the first years", 20, 2) == (
        "payment reform does<br/>not move outcomes at …"
    )
    context = plain_context("word " * 80 + "[[target]] and then more words " * 10, 400)
    assert context.startswith("…word ") and context.endswith("…") and " wor…" not in context


def test_unique_anchors_follow_github_suffixes():
    assert unique_anchors("Wanted", ["a b", "A  b!", "wanted"]) == ["a-b", "a--b", "wanted-1"]
    assert unique_anchors("T", ["x", "x", "x"]) == ["x", "x-1", "x-2"]


def test_flowchart_never_exceeds_its_caps():
    chart = Flowchart(max_nodes=5, max_edges=3)
    for index in range(20):
        chart.node(str(index), f"note {index}")
    for index in range(1, 5):
        chart.edge("0", str(index))
    text = "\n".join(chart.render())
    assert text.count('"note ') == 5 and 'more["and 15 more"]' in text
    assert chart.edge_count == 3 and chart.hidden_edges == 1
    assert chart.left_out() == "The diagram leaves out 15 more notes and 1 more links to stay readable."


def _git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_what_changed_comes_from_git_in_a_work_tree(tmp_path):
    write_files(tmp_path, FERRIES)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@e", "add", "-A")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "first notes")
    (tmp_path / "claims" / "new ferry claim.md").write_text("---\ntype: claim\n---\n[[missing ferry]]\n")
    (tmp_path / "sources" / "web clip.md").unlink()
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@e", "add", "-A")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "a claim, a clip gone")
    pages = build_pages(load_kb(load_config(tmp_path)), tmp_path / "index")
    changes = pages["changes.md"]
    assert "## Recently changed (git, last 20 commits)" in changes
    latest = next(line for line in changes.splitlines() if "a claim, a clip gone" in line)
    assert re.search(r"added \[new ferry claim\]\(\.\./claims/new%20ferry%20claim\.md\) \(\d+ problems\)", latest)
    assert "deleted sources/web clip.md" in latest
    assert "first notes" in changes and "front-matter" not in changes


def test_what_changed_outside_git_is_labelled_front_matter(tmp_path):
    _, pages = _pages(tmp_path)
    assert "## Recently changed (front-matter dates)" in pages["changes.md"]
    assert pages["changes.md"].index("2024-03-01") < pages["changes.md"].index("2024-02-01")


def test_teleo_pages_all_resolve_and_diagrams_fit(teleo, tmp_path):
    kb = load_kb(load_config(teleo))
    out = tmp_path / "index"
    result = write_index(kb, out)
    assert result.problems == []
    defects, stats = pagecheck.check_pages(out)
    assert defects == []
    assert stats["pages"] == result.pages and stats["diagrams"] > 500
    assert stats["largest_diagram"] < MERMAID_MAX_TEXT and stats["most_edges"] < MERMAID_MAX_EDGES
    home = (out / "README.md").read_text()
    assert "futard.io](domains/futard.io.md) (1 note): a web address" in home
    assert "null-result](domains/null-result.md) (1 note): a status or type value" in home


def test_what_changed_can_be_turned_off(tmp_path):
    _, pages = _pages(tmp_path, toml="[index]\nchanges = 0\n")
    assert "Recently changed" not in pages["README.md"]
    assert "Turned off in kb.toml" in pages["changes.md"]


def test_pages_are_the_same_under_any_hash_seed_and_from_a_cache_another_seed_wrote(tmp_path):
    import os
    import sys

    write_files(tmp_path / "kb", FERRIES)
    outputs = []
    for seed, cache in (("0", "--no-cache"), ("4242", "--no-cache"), ("7", None), ("99", None)):
        out = tmp_path / f"out-{seed}"
        args = [sys.executable, "-m", "kb", "index", "--kb", str(tmp_path / "kb"), "--out", str(out)]
        if cache:
            args.append(cache)
        if seed == "99":  # a note without numbers changes: the cache seed 7 wrote answers for the rest
            (tmp_path / "kb" / "sources" / "harbour report.md").write_text(
                "---\ntype: source\ndomain: transport\nstatus: processed\n---\nThe harbour report, revised.\n"
            )
        subprocess.run(args, env={**os.environ, "PYTHONHASHSEED": seed}, cwd=REPO, check=False, capture_output=True)
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.md")})
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[3].keys() == outputs[0].keys() and outputs[3]["conflicts.md"] == outputs[0]["conflicts.md"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and byte file names")
def test_pages_of_a_kb_with_unreadable_files_have_no_dead_links(tmp_path):
    write_files(tmp_path, {"a.md": "---\ntype: claim\n---\nSee [[b]].\n"})
    os.mkfifo(tmp_path / "pipe.md")
    try:
        (tmp_path / os.fsdecode(b"bad\xff.md")).write_text("x\n")
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses a file name that is not UTF-8")
    result = write_index(load_kb(load_config(tmp_path)))
    defects, _ = pagecheck.check_pages(result.out_dir)
    assert defects == []
    listing = (result.out_dir / "problems" / "encoding-error.md").read_text()
    assert "(no file by this name can be linked)" in listing
