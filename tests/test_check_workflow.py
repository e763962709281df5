"""`kb check` where curators work: paths (pre-commit), GitHub annotations, SARIF, a baseline, inline
and per-path suppression, and a kb.toml that rejects what it does not know."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from kb.baseline import compare, fingerprints, read_baseline
from kb.cli import app
from kb.config import ConfigError, load_config
from kb.problems import CODES, Problem
from kb.suppress import directives

from .conftest import write_files

CLAIM = "---\ntype: claim\ndomain: d\ndescription: x\nconfidence: likely\nsource: s\ncreated: 2025-01-01\n---\n"
FILES = {
    "claims/a.md": CLAIM + "See [[b]] and [[nowhere]].\n",
    "claims/b.md": CLAIM + "See [[a]].\n",
    "claims/c.md": CLAIM + "See [[a]] and [[elsewhere]].\n",
}


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args):
    return runner.invoke(app, list(args))


def test_paths_report_those_notes_only_resolved_against_the_whole_kb(runner, tmp_path):
    write_files(tmp_path, FILES)
    result = run(runner, "check", "--kb", str(tmp_path), "--format", "json", str(tmp_path / "claims/a.md"))
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["path"], p["code"]) for p in problems] == [("claims/a.md", "broken-link")]  # [[b]] resolves
    clean = run(runner, "check", "--kb", str(tmp_path), str(tmp_path / "claims/b.md"))
    assert clean.exit_code == 0, clean.output
    folder = run(
        runner, "check", "--kb", str(tmp_path), "-f", "json", "--select", "broken-link", str(tmp_path / "claims")
    )
    assert len(json.loads(folder.stdout)["problems"]) == 2


def test_a_path_outside_the_kb_or_missing_is_a_usage_error(runner, tmp_path):
    write_files(tmp_path / "kb", FILES)
    (tmp_path / "other.md").write_text("x", encoding="utf-8")
    outside = run(runner, "check", "--kb", str(tmp_path / "kb"), str(tmp_path / "other.md"))
    assert outside.exit_code == 2 and "not inside the KB" in outside.stderr
    missing = run(runner, "check", "--kb", str(tmp_path / "kb"), str(tmp_path / "kb/claims/gone.md"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_github_format_is_one_workflow_command_per_problem_with_escapes(runner, tmp_path, monkeypatch):
    files = dict(FILES)
    files["claims/a, b.md"] = CLAIM + "50% of [[missing: one]]\n"
    write_files(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    result = run(runner, "check", "--format", "github", "--select", "broken-link")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "::error file=claims/a%2C b.md,line=9,col=8,title=kb broken-link::" in lines[0]
    assert "[[missing: one]]" in lines[0]  # ':' is escaped only in properties
    assert all(line.startswith("::error ") for line in lines)
    assert "errors" in result.stderr  # the summary goes to the log, not among the annotations


def test_github_paths_are_relative_to_the_repository_when_the_kb_is_a_subfolder(runner, tmp_path, monkeypatch):
    write_files(tmp_path / "notes", FILES)
    monkeypatch.chdir(tmp_path)
    result = run(runner, "check", "--kb", "notes", "--format", "github", "--select", "broken-link")
    assert "file=notes/claims/a.md" in result.stdout


def test_sarif_is_a_valid_2_1_0_log_with_rules_locations_and_stable_fingerprints(runner, tmp_path):
    write_files(tmp_path, FILES)
    result = run(runner, "check", "--kb", str(tmp_path), "--format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    _validate_sarif(log)
    run_ = log["runs"][0]
    assert [rule["id"] for rule in run_["tool"]["driver"]["rules"]] == list(CODES)
    broken = [r for r in run_["results"] if r["ruleId"] == "broken-link"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in broken} == {
        "claims/a.md",
        "claims/c.md",
    }
    assert all(run_["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in run_["results"])
    # a line added above the link moves it, and keeps its fingerprint
    before = {r["partialFingerprints"]["kbProblem/v1"] for r in broken}
    (tmp_path / "claims/a.md").write_text(CLAIM + "A new first line.\n\nSee [[b]] and [[nowhere]].\n")
    again = json.loads(run(runner, "check", "--kb", str(tmp_path), "--format", "sarif").stdout)
    after = {
        r["partialFingerprints"]["kbProblem/v1"] for r in again["runs"][0]["results"] if r["ruleId"] == "broken-link"
    }
    assert after == before


def _validate_sarif(log: dict) -> None:
    """The published SARIF 2.1.0 schema (oasis-tcs sarif-schema-2.1.0.json), cut to the definitions kb
    writes: Root, run, tool, toolComponent, reportingDescriptor, reportingConfiguration, result,
    location, physicalLocation, artifactLocation, region, message and multiformatMessageString, each
    with the schema's required properties, enums, minimums, formats and uniqueItems, and, stricter than
    the schema, no property kb does not mean to write. The schema itself is not in the repository (it
    is not ours to copy) and tests reach no network; with a copy of it at $KB_SARIF_SCHEMA the log is
    validated against the whole of it too."""
    import jsonschema

    level = {"enum": ["none", "note", "warning", "error"]}
    message = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}
    region = {
        "type": "object",
        "additionalProperties": False,
        "required": ["startLine"],
        "properties": {
            "startLine": {"type": "integer", "minimum": 1},
            "startColumn": {"type": "integer", "minimum": 1},
        },
    }
    location = {
        "type": "object",
        "required": ["physicalLocation"],
        "properties": {
            "physicalLocation": {
                "type": "object",
                "additionalProperties": False,
                "required": ["artifactLocation"],
                "properties": {
                    "artifactLocation": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["uri"],
                        "properties": {"uri": {"type": "string", "format": "uri-reference"}},
                    },
                    "region": region,
                },
            }
        },
    }
    result = {
        "type": "object",
        "additionalProperties": False,
        "required": ["message", "ruleId", "level", "locations"],
        "properties": {
            "ruleId": {"type": "string"},
            "ruleIndex": {"type": "integer", "minimum": -1},
            "level": level,
            "message": message,
            "locations": {"type": "array", "items": location},
            "partialFingerprints": {"type": "object", "additionalProperties": {"type": "string"}},
            "properties": {"type": "object"},
        },
    }
    rule = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "shortDescription": message,
            "fullDescription": message,
            "help": message,
            "defaultConfiguration": {"type": "object", "properties": {"level": level}, "additionalProperties": False},
        },
    }
    schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["version", "runs"],
        "properties": {
            "$schema": {"type": "string", "format": "uri"},
            "version": {"enum": ["2.1.0"]},
            "runs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["tool"],
                    "properties": {
                        "tool": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["driver"],
                            "properties": {
                                "driver": {
                                    "type": "object",
                                    "additionalProperties": False,
                                    "required": ["name"],
                                    "properties": {
                                        "name": {"type": "string"},
                                        "version": {"type": "string"},
                                        "rules": {"type": "array", "uniqueItems": True, "items": rule},
                                    },
                                }
                            },
                        },
                        "results": {"type": "array", "items": result},
                        "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    },
                },
            },
        },
    }
    jsonschema.validate(log, schema)
    published = os.environ.get("KB_SARIF_SCHEMA")
    if published:
        with open(published, encoding="utf-8") as handle:
            jsonschema.validate(log, json.load(handle))


def test_a_baseline_fails_only_on_new_problems_and_says_what_was_fixed(runner, tmp_path):
    write_files(tmp_path, FILES)
    baseline = tmp_path / "baseline.json"
    wrote = run(runner, "check", "--kb", str(tmp_path), "--write-baseline", str(baseline))
    assert wrote.exit_code == 0 and "wrote" in wrote.stderr
    entries = read_baseline(baseline)
    assert {(e["path"], e["code"]) for e in entries} >= {("claims/a.md", "broken-link"), ("claims/c.md", "broken-link")}
    same = run(runner, "check", "--kb", str(tmp_path), "--baseline", str(baseline))
    assert same.exit_code == 0, same.output
    assert "baseline:" in same.stdout and "known problems not shown" in same.stdout
    # move a note and shift its lines: still known; fix one; add one
    (tmp_path / "claims/a.md").unlink()
    write_files(tmp_path, {"claims/moved/a.md": CLAIM + "\n\nSee [[b]] and [[nowhere]].\n"})
    (tmp_path / "claims/c.md").write_text(CLAIM + "See [[a]] and [[brand new]].\n", encoding="utf-8")
    later = run(runner, "check", "--kb", str(tmp_path), "--baseline", str(baseline), "--format", "json")
    report = json.loads(later.stdout)
    assert later.exit_code == 1
    assert [(p["path"], p["message"][:13]) for p in report["problems"]] == [("claims/c.md", "[[brand new]]")]
    assert [(e["path"], e["code"]) for e in report["fixed"]] == [("claims/c.md", "broken-link")]


def test_two_identical_problems_are_two_baseline_entries(tmp_path):
    write_files(tmp_path, {"n.md": "[[x]] [[x]]\n"})
    one = Problem("n.md", 1, "broken-link", "[[x]] links to a note that does not exist")
    entries = [{"fingerprint": fp} for fp in fingerprints(tmp_path, [one])]
    result = compare(tmp_path, [one, one], entries)
    assert (len(result.new), result.known, result.fixed) == (1, 1, [])


def test_a_baseline_that_cannot_be_read_is_a_usage_error(runner, tmp_path):
    write_files(tmp_path, FILES)
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    bad = run(runner, "check", "--kb", str(tmp_path), "--baseline", str(tmp_path / "bad.json"))
    assert bad.exit_code == 2 and "cannot read the baseline" in bad.stderr
    missing = run(runner, "check", "--kb", str(tmp_path), "--baseline", str(tmp_path / "none.json"))
    assert missing.exit_code == 2 and "--write-baseline" in missing.stderr


def test_inline_directives_suppress_a_line_the_next_line_or_a_note():
    lines = [
        "[[a]] <!-- kb-ignore broken-link -->",
        "<!-- kb-ignore-next-line -->",
        "[[b]]",
        "status: x  # kb-ignore invalid-value, missing-field",
        "<!-- kb-ignore-file orphan-note -->",
    ]
    by_line, whole, whole_all = directives(lines)
    assert by_line == {1: frozenset({"broken-link"}), 3: None, 4: frozenset({"invalid-value", "missing-field"})}
    assert whole == frozenset({"orphan-note"}) and not whole_all


def test_suppressed_problems_are_left_out_and_counted(runner, tmp_path):
    files = dict(FILES)
    files["claims/a.md"] = CLAIM + "See [[b]] and [[nowhere]]. <!-- kb-ignore broken-link -->\n"
    files["claims/c.md"] = CLAIM + "<!-- kb-ignore-next-line loose-link -->\nSee [[a]] and [[elsewhere]].\n"
    write_files(tmp_path, files)
    result = run(runner, "check", "--kb", str(tmp_path), "--format", "json", "--select", "broken-link")
    report = json.loads(result.stdout)
    assert [(p["path"], p["code"]) for p in report["problems"]] == [("claims/c.md", "broken-link")]  # other code
    assert report["summary"]["suppressed"] == 1


def test_per_path_ignores_in_kb_toml(runner, tmp_path):
    write_files(tmp_path, FILES)
    (tmp_path / "kb.toml").write_text('[check.per-path-ignores]\n"claims/c*" = ["broken-link"]\n', encoding="utf-8")
    report = json.loads(run(runner, "check", "--kb", str(tmp_path), "-f", "json", "--select", "broken-link").stdout)
    assert [(p["path"], p["code"]) for p in report["problems"]] == [("claims/a.md", "broken-link")]
    (tmp_path / "kb.toml").write_text('[check.per-path-ignores]\n"claims/**" = ["broken-lnk"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown check code"):
        load_config(tmp_path)


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[kb]\nsourcez = "s"\n', "kb.toml:2: unknown [kb] key 'sourcez'; did you mean 'sources'?"),
        ('[kb]\nclaims = "c"\n\n[indx]\nlinks = "both"\n', "kb.toml:4: unknown table [indx]; did you mean 'index'?"),
        ("[conflicts]\nwindw = 0.3\n", "kb.toml:2: unknown [conflicts] key 'windw'; did you mean 'window'?"),
    ],
)
def test_unknown_config_keys_are_errors_with_line_and_a_suggestion(tmp_path, toml, expected):
    (tmp_path / "kb.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value).endswith(expected)


def test_paths_keep_the_numeric_conflicts_of_those_notes_found_against_the_whole_kb(runner, tmp_path):
    def note(title, body):
        return f'---\ntitle: "{title}"\ndate: 2025-01-10\n---\n{body}\n'

    write_files(
        tmp_path,
        {
            "a.md": note("Orla Mills 2024", "In 2024 Orla Mills sold 41,000 bales."),
            "b.md": note("Orla Mills results", "In 2024 Orla Mills sold 47,500 bales."),
            "c.md": note("Tarn Dairy 2024", "In 2024 Tarn Dairy sold 9,100 cheeses."),
            "d.md": note("Tarn Dairy results", "In 2024 Tarn Dairy sold 8,200 cheeses."),
        },
    )
    args = ["check", "--kb", str(tmp_path), "-f", "json", "--select", "numeric-conflict"]
    whole = json.loads(run(runner, *args).stdout)["problems"]
    assert sorted(p["path"] for p in whole) == ["a.md", "b.md", "c.md", "d.md"]
    one = json.loads(run(runner, *args, str(tmp_path / "a.md")).stdout)["problems"]
    assert sorted(p["path"] for p in one) == ["a.md", "b.md"]  # the other side of a.md's card, named by it


def test_kb_before_the_command_and_kb_dir_in_the_environment(runner, tmp_path):
    write_files(tmp_path, FILES)
    before = run(runner, "--kb", str(tmp_path), "check", "-f", "json")
    after = run(runner, "check", "--kb", str(tmp_path), "-f", "json")
    from_env = runner.invoke(app, ["check", "-f", "json"], env={"KB_DIR": str(tmp_path)})
    assert before.exit_code == after.exit_code == from_env.exit_code == 1
    assert json.loads(before.stdout) == json.loads(after.stdout) == json.loads(from_env.stdout)


@pytest.mark.parametrize("glob", ["../notes/**", "/abs/**", "", "C:/x"])
def test_a_glob_that_can_match_no_note_is_a_configuration_error(tmp_path, glob):
    (tmp_path / "kb.toml").write_text(f'[kb]\nexclude = ["{glob}"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="can match no note"):
        load_config(tmp_path)
