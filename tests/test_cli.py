import json

import networkx as nx
import pytest
from typer.testing import CliRunner

from kb.api import check_report, open_kb
from kb.checks import run_checks
from kb.cli import app

from .conftest import write_files

GOOD = {
    "claims/a.md": "---\ntype: claim\ndomain: d\ndescription: x\nconfidence: likely\nsource: s\ncreated: 2025-01-01\n"
    "---\nSee [[b]].\n",
    "claims/b.md": "---\ntype: claim\ndomain: d\ndescription: x\nconfidence: likely\nsource: s\ncreated: 2025-01-01\n"
    "---\nSee [[a]].\n",
}


@pytest.fixture
def runner():
    return CliRunner()


def test_check_clean_kb_exits_0(runner, tmp_path):
    write_files(tmp_path, GOOD)
    result = runner.invoke(app, ["check", "--kb", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "2 notes, 2 links: 0 errors, 0 warnings, 0 info" in result.stdout


def test_check_text_is_sorted_path_line_severity_code(runner, tmp_path):
    write_files(tmp_path, {**GOOD, "claims/c.md": "x\n[[zzz]]\n[[aaa]]\n"})
    result = runner.invoke(app, ["check", "--kb", str(tmp_path), "--select", "broken-link"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "claims/c.md:2:1: error[broken-link] [[zzz]] links to a note that does not exist"
    assert lines[1].startswith("claims/c.md:3:1: error[broken-link] [[aaa]]")


def test_json_output_equals_library_result(runner, tmp_path):
    write_files(tmp_path, {**GOOD, "claims/c.md": "[[missing]]\n"})
    result = runner.invoke(app, ["check", "--kb", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1
    kb = open_kb(tmp_path)
    assert json.loads(result.stdout) == check_report(kb, run_checks(kb))
    problem = json.loads(result.stdout)["problems"][0]
    assert set(problem) >= {"code", "severity", "path", "line", "message"}


def test_strict_makes_warnings_fail(runner, tmp_path):
    write_files(tmp_path, {**GOOD, "claims/d.md": "---\na: 1\na: 2\n---\n[[a]]\n"})
    assert runner.invoke(app, ["check", "--kb", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["check", "--kb", str(tmp_path), "--strict"]).exit_code == 1


def test_unknown_code_and_missing_kb_are_usage_errors(runner, tmp_path):
    result = runner.invoke(app, ["check", "--kb", str(tmp_path), "--select", "no-such-code"])
    assert result.exit_code == 2
    assert "no-such-code" in result.stderr
    assert runner.invoke(app, ["check", "--kb", str(tmp_path / "absent")]).exit_code == 2


def test_bad_kb_toml_is_exit_2(runner, tmp_path):
    (tmp_path / "kb.toml").write_text("[types]\n'x/**' = 'nonsense'\n")
    result = runner.invoke(app, ["check", "--kb", str(tmp_path)])
    assert result.exit_code == 2
    assert "kb.toml" in result.stderr


def test_kb_found_from_enclosing_folder(runner, tmp_path, monkeypatch):
    write_files(tmp_path, {**GOOD, "kb.toml": "[kb]\n", "claims/sub/.keep": ""})
    monkeypatch.chdir(tmp_path / "claims" / "sub")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0
    assert "2 notes" in result.stdout


def test_init_creates_and_is_idempotent(runner, tmp_path):
    target = tmp_path / "new"
    first = runner.invoke(app, ["init", str(target)])
    assert first.exit_code == 0
    assert (target / "kb.toml").is_file() and (target / "sources").is_dir() and (target / "claims").is_dir()
    before = (target / "kb.toml").read_bytes()
    second = runner.invoke(app, ["init", str(target)])
    assert second.exit_code == 0 and "nothing changed" in second.stdout
    assert (target / "kb.toml").read_bytes() == before
    assert runner.invoke(app, ["check", "--kb", str(target)]).exit_code == 0


def test_wanted_ranks_by_linking_notes(runner, tmp_path):
    write_files(tmp_path, {"a.md": "[[Popular]] [[popular]]\n[[rare]]\n", "b.md": "[[Popular]]\n"})
    result = runner.invoke(app, ["wanted", "--kb", str(tmp_path), "--format", "json"])
    wanted = json.loads(result.stdout)["wanted"]
    assert [(w["title"], w["linked_from"], w["links"]) for w in wanted] == [("Popular", 2, 3), ("rare", 1, 1)]


@pytest.mark.parametrize("fmt", ["json", "graphml", "mermaid"])
def test_graph_export(runner, tmp_path, fmt):
    write_files(
        tmp_path,
        {"a.md": "---\ndepends_on: ['[[b]]']\n---\n[[b]] ![[pic.png]] [[gone]]\n", "b.md": "", "pic.png": b"\x89PNG"},
    )
    out = tmp_path / f"graph.{fmt}"
    result = runner.invoke(app, ["graph", "--kb", str(tmp_path), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    if fmt == "json":
        graph = nx.node_link_graph(json.loads(text), edges="links", multigraph=True, directed=True)
        assert sorted(graph.nodes) == ["a.md", "b.md", "pic.png", "wanted:gone"]
        assert sorted(d["type"] for _, _, d in graph.edges(data=True)) == ["body", "body", "depends_on", "embed"]
    elif fmt == "graphml":
        graph = nx.read_graphml(out)
        assert graph.number_of_edges() == 4
    else:
        assert text.startswith("flowchart LR")
        assert "-.->" in text  # the wanted note


def test_graph_mermaid_refuses_a_diagram_mermaid_cannot_render(runner, tmp_path):
    files = {f"n{index}.md": f"[[n{index + 1}]] [[n{index + 2}]]\n" for index in range(300)}
    write_files(tmp_path, files)
    out = tmp_path / "graph.mmd"
    result = runner.invoke(app, ["graph", "--kb", str(tmp_path), "--format", "mermaid", "-o", str(out)])
    assert result.exit_code == 2
    assert "cannot render" in result.stderr and "600 links" in result.stderr and "at most 500 links" in result.stderr
    assert not out.exists()
    result = runner.invoke(app, ["graph", "--kb", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0


def test_every_command_has_help(runner):
    for command in app.registered_commands:
        result = runner.invoke(app, [command.name or command.callback.__name__, "--help"])
        assert result.exit_code == 0
        assert len(result.stdout.strip().splitlines()) > 3


def test_internal_error_is_exit_123(monkeypatch, tmp_path, capsys):
    import kb.cli as cli

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("kb.api.load_kb", boom)
    monkeypatch.setattr("sys.argv", ["kb", "check", "--kb", str(tmp_path), "--no-cache"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 123
    assert "internal error" in capsys.readouterr().err


def test_empty_kb(runner, tmp_path):
    result = runner.invoke(app, ["check", "--kb", str(tmp_path)])
    assert result.exit_code == 0
    assert "0 notes, 0 links" in result.stdout
    graph = runner.invoke(app, ["graph", "--kb", str(tmp_path), "--format", "json"])
    assert graph.exit_code == 0 and json.loads(graph.stdout)["nodes"] == []


def test_init_adds_the_index_to_obsidian_excluded_files_and_keeps_other_settings(runner, tmp_path):
    settings = tmp_path / ".obsidian" / "app.json"
    settings.parent.mkdir()
    settings.write_text('{\n  "alwaysUpdateLinks": true,\n  "userIgnoreFilters": [\n    "Templates/"\n  ]\n}')
    result = runner.invoke(app, ["init", str(tmp_path), "--obsidian"])
    assert result.exit_code == 0, result.output
    assert "added index/ to Obsidian's Excluded files" in result.stdout
    assert json.loads(settings.read_text()) == {
        "alwaysUpdateLinks": True,
        "userIgnoreFilters": ["Templates/", "index/"],
    }
    before = settings.read_bytes()
    result = runner.invoke(app, ["init", str(tmp_path), "--obsidian"])
    assert "already in Obsidian's Excluded files" in result.stdout and settings.read_bytes() == before


def test_init_in_a_vault_without_a_terminal_only_says_how(runner, tmp_path):
    (tmp_path / ".obsidian").mkdir()
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert "kb init --obsidian" in result.stdout
    assert not (tmp_path / ".obsidian" / "app.json").exists()
    result = runner.invoke(app, ["init", str(tmp_path), "--obsidian"])
    assert json.loads((tmp_path / ".obsidian" / "app.json").read_text()) == {"userIgnoreFilters": ["index/"]}


def test_init_leaves_unreadable_obsidian_settings_alone(runner, tmp_path):
    settings = tmp_path / ".obsidian" / "app.json"
    settings.parent.mkdir()
    settings.write_text("{not json")
    result = runner.invoke(app, ["init", str(tmp_path), "--obsidian"])
    assert result.exit_code == 0 and "left alone" in result.stdout
    assert settings.read_text() == "{not json"
