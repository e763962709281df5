"""`kb fix`: only certain link fixes, every other byte kept, never a link that resolves, idempotent."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from kb.cli import app
from kb.config import load_config
from kb.model import load_kb

from .conftest import TELEO, write_files

CLAIM = "---\ntype: claim\ndomain: d\ndescription: x\nconfidence: likely\nsource: s\ncreated: 2025-01-01\n---\n"


def fix(root, *args):
    return CliRunner().invoke(app, ["fix", "--kb", str(root), *args])


def link_state(root) -> dict:
    """Every link occurrence: (note, line, column) -> (as written, where it resolves, by which rule)."""
    kb = load_kb(load_config(root))
    return {
        (item.source, item.link.line, item.link.column): (item.link.raw, item.resolution.path, item.resolution.rule)
        for item in kb.links
    }


def test_certain_fixes_keep_alias_heading_embed_and_every_other_byte(tmp_path):
    body = (
        "Intro [[Harbour cranes move thirty]] and ![[Harbour cranes move thirty#Why|the why]].\r\n"
        "An alias: [[HCM]]. Loose: [[kestrel-bay-port]]. Fine: [[b]]. Guess: [[Harbr cranes]].\r\n"
    )
    files = {
        "claims/Harbour cranes move thirty boxes an hour.md": CLAIM + "# Why\n",
        "claims/Kestrel Bay port.md": CLAIM + "aliases: [x]\n",
        "claims/b.md": CLAIM + "---\n",
        "claims/a.md": CLAIM + body,
        "claims/aliased.md": CLAIM.replace("created:", "aliases: [HCM]\ncreated:") + "x\n",
        "claims/latin1.md": (CLAIM + "caf\xe9 [[Harbour cranes move thirty]]\n").encode("latin-1"),
    }
    write_files(tmp_path, files)
    dry = fix(tmp_path, "--dry-run")
    assert dry.exit_code == 0
    assert (tmp_path / "claims/a.md").read_bytes() == files["claims/a.md"].encode()  # a dry run writes nothing
    assert "+Intro [[Harbour cranes move thirty boxes an hour]]" in dry.stdout
    result = json.loads(fix(tmp_path, "-f", "json").stdout)
    assert result["by_rule"] == {"alias": 1, "loose": 1, "prefix": 2}
    text = (tmp_path / "claims/a.md").read_bytes().decode()
    assert text == CLAIM + (
        "Intro [[Harbour cranes move thirty boxes an hour]] and "
        "![[Harbour cranes move thirty boxes an hour#Why|the why]].\r\n"
        "An alias: [[aliased|HCM]]. Loose: [[Kestrel Bay port]]. Fine: [[b]]. Guess: [[Harbr cranes]].\r\n"
    )
    assert (tmp_path / "claims/latin1.md").read_bytes() == files["claims/latin1.md"]  # not UTF-8: untouched
    again = json.loads(fix(tmp_path, "-f", "json").stdout)
    assert again["fixes"] == []


def test_paths_limit_the_fixes(tmp_path):
    write_files(
        tmp_path,
        {
            "claims/Harbour cranes move thirty boxes an hour.md": CLAIM,
            "claims/a.md": CLAIM + "[[Harbour cranes move thirty]]\n",
            "claims/b.md": CLAIM + "[[Harbour cranes move thirty]]\n",
        },
    )
    fix(tmp_path, str(tmp_path / "claims/a.md"))
    assert "boxes an hour" in (tmp_path / "claims/a.md").read_text()
    assert "boxes an hour" not in (tmp_path / "claims/b.md").read_text()


def test_fix_on_teleo_changes_no_resolved_link_and_every_fixed_link_resolves(tmp_path):
    if not TELEO.is_dir():
        pytest.skip("../shared/corpora/teleo-codex is not present")
    root = tmp_path / "kb"
    shutil.copytree(TELEO, root, ignore=shutil.ignore_patterns(".git", ".kb"))
    before = link_state(root)
    report = json.loads(fix(root, "-f", "json", "--no-cache").stdout)
    after = link_state(root)
    fixed = {(f["path"], f["line"], f["column"]) for f in report["fixes"]}
    assert len(fixed) >= 100
    for key, (raw, path, _rule) in before.items():
        if key in fixed:
            continue
        # fixing a link earlier in the line shifts the columns after it: compare by line and text
        same_line = [v for k, v in after.items() if k[:2] == key[:2] and v[0] == raw]
        assert same_line and all(v[1] == path for v in same_line), (key, raw)
    for key in fixed:
        moved = [v for k, v in after.items() if k[:2] == key[:2]]
        assert any(v[1] is not None and v[2] != "slug" for v in moved), key
    assert json.loads(fix(root, "-f", "json", "--no-cache").stdout)["fixes"] == []


def test_a_note_linked_in_from_outside_the_kb_is_left_alone_and_said_so(tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text(CLAIM + "[[Harbour cranes move thirty]]\n", encoding="utf-8")
    root = write_files(tmp_path / "kb", {"claims/Harbour cranes move thirty boxes an hour.md": CLAIM})
    (root / "claims/linked.md").symlink_to(outside)
    result = fix(root, "-f", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["fixes"] == [] and "cannot write the note" in report["skipped"][0]["why"]
    assert outside.read_text(encoding="utf-8").endswith("[[Harbour cranes move thirty]]\n")
