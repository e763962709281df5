"""One small reproducer KB per problem code."""

from kb.checks import run_checks
from kb.problems import CODES

from .conftest import problems_of

CLAIM = """---
type: claim
domain: health
description: A claim.
confidence: likely
source: "Someone, 2025"
created: 2025-01-01
---
# {title}
"""


def claim(body: str = "") -> str:
    return CLAIM + body


def test_broken_link_one_problem_per_occurrence_with_line(make_kb):
    kb = make_kb({"claims/a.md": claim("x [[missing]]\n\ny [[missing]] [[also missing]]\n")})
    broken = problems_of(run_checks(kb), "broken-link")
    assert [(p.path, p.line) for p in broken] == [("claims/a.md", 10), ("claims/a.md", 12), ("claims/a.md", 12)]
    assert all(p.severity == "error" for p in broken)


def test_broken_link_suggests_the_title_it_is_the_start_of(make_kb):
    kb = make_kb(
        {
            "claims/pluralistic alignment must accommodate diverse values rather than converging.md": claim(),
            "claims/b.md": claim("[[pluralistic alignment must accommodate diverse values]]\n"),
        }
    )
    (problem,) = problems_of(run_checks(kb), "broken-link")
    assert problem.suggestion == "pluralistic alignment must accommodate diverse values rather than converging"


def test_broken_link_suggests_close_spelling_but_not_unrelated_titles(make_kb):
    kb = make_kb(
        {
            "claims/futarchy is manipulation resistant because attackers lose money.md": claim(),
            "claims/b.md": claim(
                "[[futarchy is manipulaton resistant because attackers lose money]]\n"
                "[[deep expertise is a force multiplier]]\n"
            ),
        }
    )
    broken = problems_of(run_checks(kb), "broken-link")
    assert [p.suggestion for p in broken] == ["futarchy is manipulation resistant because attackers lose money", None]


def test_spelling_suggestion_found_among_hundreds_of_titles_sharing_its_words():
    from kb.suggest import Suggester

    # 400 titles hold every known word of the misspelt target and sort before the right one; only
    # titles of a length that can score 90 are candidates, so the cap on candidates does not hide it.
    titles = {f"claims/{i}.md": f"alpha beta {'a' * i}" for i in range(1, 400)}
    titles["claims/right.md"] = "alpha beta zulu"
    assert Suggester(titles).suggest("alpha beta zulo") == ("alpha beta zulu", "spelling")
    assert Suggester(titles).suggest("alpha beta unrelated words") is None


def test_broken_link_to_an_alias_suggests_the_note(make_kb):
    kb = make_kb(
        {
            "claims/Artificial Intelligence.md": claim().replace("type: claim", "type: claim\naliases: [AI]"),
            "claims/b.md": claim("[[AI]]\n"),
        }
    )
    (problem,) = problems_of(run_checks(kb), "broken-link")
    assert problem.suggestion == "Artificial Intelligence"
    assert "alias" in problem.message


def test_ambiguous_link_reported_when_shortest_path_decides(make_kb):
    kb = make_kb(
        {
            "core/same title.md": claim(),
            "domains/finance/same title.md": claim(),
            "domains/finance/near.md": claim("[[same title]]\n"),
            "foundations/far.md": claim("[[same title]]\n"),
        }
    )
    ambiguous = problems_of(run_checks(kb), "ambiguous-link")
    assert [(p.path, p.line) for p in ambiguous] == [("foundations/far.md", 10)]
    assert "core/same title.md" in ambiguous[0].message


def test_loose_link(make_kb):
    kb = make_kb({"claims/some-hyphen-title.md": claim(), "claims/b.md": claim("[[Some hyphen title]]\n")})
    (problem,) = problems_of(run_checks(kb), "loose-link")
    assert problem.suggestion == "some-hyphen-title"
    assert not problems_of(run_checks(kb), "broken-link")


def test_broken_anchor_headings_nested_headings_blocks_and_markdown_fragments(make_kb):
    target = claim("# Alpha\n\n## Costs: the **detail**\n\nA paragraph. ^para-1\n\n```\n# In code\n```\n")
    links = (
        "[[t#Alpha]] [[t#costs the detail]] [[t#Alpha#Costs: the detail]] [[t#^para-1]]\n"
        "[[t#Missing]] [[t#Alpha#Nope]] [[t#^para-2]] [[t#In code]] [[#Local]]\n"
        "[a](t.md#costs-the-detail) [b](t.md#Alpha) [c](t.md#costs-detail)\n\n## Local\n"
    )
    kb = make_kb({"claims/t.md": target, "claims/s.md": claim(links)})
    found = problems_of(run_checks(kb), "broken-anchor")
    assert sorted((p.line, p.column, p.suggestion) for p in found) == [
        (11, 1, None),  # [[t#Missing]]
        (11, 15, None),  # [[t#Alpha#Nope]]: the parent is there, the child is not
        (11, 32, "^para-1"),  # [[t#^para-2]]
        (11, 46, None),  # [[t#In code]]: a heading inside a code block is none
        (12, 44, "Costs: the **detail**"),  # [c](t.md#costs-detail)
    ]
    missing = next(p for p in found if p.column == 1)
    assert "names a heading 'Missing' that claims/t.md does not have" in missing.message
    assert not problems_of(run_checks(kb), "broken-link")


def test_duplicate_title_for_claims_not_for_maps(make_kb):
    kb = make_kb(
        {
            "core/a claim.md": claim(),
            "domains/x/a claim.md": claim(),
            "domains/x/_map.md": "# map\n",
            "domains/y/_map.md": "# map\n",
        }
    )
    duplicates = problems_of(run_checks(kb), "duplicate-title")
    assert sorted(p.path for p in duplicates) == ["core/a claim.md", "domains/x/a claim.md"]


def test_duplicate_title_by_slug(make_kb):
    kb = make_kb({"claims/a-b-c.md": claim(), "claims/x/A b c.md": claim()})
    assert len(problems_of(run_checks(kb), "duplicate-title")) == 2


def test_frontmatter_invalid_with_file_line(make_kb):
    kb = make_kb({"claims/a.md": "---\ntitle: [unclosed\nother: x\n---\nbody [[still-read]]\n"})
    problems = run_checks(kb)
    (invalid,) = problems_of(problems, "frontmatter-invalid")
    assert invalid.line >= 2 and invalid.severity == "error"
    assert kb.links[0].link.target == "still-read"


def test_duplicate_key(make_kb):
    kb = make_kb({"notes/a.md": "---\ntitle: a\ntitle: b\n---\n"})
    (problem,) = problems_of(run_checks(kb), "duplicate-key")
    assert problem.line == 3


def test_missing_field_per_field_and_for_no_front_matter(make_kb):
    kb = make_kb(
        {
            "claims/a.md": "---\ntype: claim\ndescription: d\nconfidence: likely\ndomain: ''\n---\n",
            "claims/b.md": "# no front matter\n",
        }
    )
    missing = problems_of(run_checks(kb), "missing-field")
    messages = sorted((p.path, p.message) for p in missing)
    assert len([m for m in messages if m[0] == "claims/a.md"]) == 3  # source, created missing; domain empty
    assert any("'domain' is empty" in m[1] for m in messages)
    assert any(m[0] == "claims/b.md" and "no front matter" in m[1] for m in messages)


def test_invalid_value_shapes_and_enums(make_kb):
    kb = make_kb(
        {
            "inbox/s.md": "---\ntype: source\ntitle: t\nauthor: a\nurl: u\ndate: 2025-01-01\ndomain: d\n"
            "status: done\nformat: article\nclaims_extracted: 0\ntags: solo\n---\n",
            "claims/c.md": claim().replace("confidence: likely", "confidence: plausible") + "",
        }
    )
    invalid = problems_of(run_checks(kb), "invalid-value")
    found = sorted((p.path, p.line, p.message.split(" ")[0]) for p in invalid)
    assert ("inbox/s.md", 8, "status") in found
    assert ("inbox/s.md", 9, "format") in found
    assert ("inbox/s.md", 10, "field") in found  # claims_extracted: 0 is not a list
    assert ("inbox/s.md", 11, "field") in found  # tags: solo is not a list
    assert ("claims/c.md", 5, "confidence") in found


def test_partial_date_and_invalid_date(make_kb):
    kb = make_kb(
        {
            "inbox/a.md": "---\ndate: 2026-03-00\nprocessed_date: 2024-00-00\n"
            "created: 2025-02-30\nupdated: soon\n---\n",
        },
        toml="[schema.source]\nrequired = []\n",
    )
    problems = run_checks(kb)
    assert [(p.line, p.code) for p in problems if p.code in ("partial-date", "invalid-value")] == [
        (2, "partial-date"),
        (3, "partial-date"),
        (4, "invalid-value"),
        (5, "invalid-value"),
    ]


def test_legacy_fields_are_mapped_and_reported(make_kb):
    kb = make_kb(
        {
            "inbox/a.md": "---\ntype: evidence\ntitle: t\nauthor: a\nsource: https://x.org\n"
            "date_published: 2024-01-02\nsource_type: report\ndomain: d\nstatus: processed\n---\n"
        }
    )
    note = kb.notes["inbox/a.md"]
    assert note.type == "source"
    assert note.fields["url"] == "https://x.org"
    assert note.fields["date"] == "2024-01-02"
    assert note.fields["format"] == "report"
    problems = run_checks(kb)
    assert len(problems_of(problems, "legacy-field")) == 4
    assert not problems_of(problems, "missing-field")


def test_orphan_note_is_info(make_kb):
    kb = make_kb({"claims/a.md": claim("[[b]]\n"), "claims/b.md": claim()})
    orphans = problems_of(run_checks(kb), "orphan-note")
    assert [(p.path, p.severity) for p in orphans] == [("claims/a.md", "info")]


def test_select_ignore_and_configured_severity(make_kb):
    kb = make_kb(
        {"claims/a.md": claim("[[missing]]\n")}, toml='[severity]\nbroken-link = "warning"\norphan-note = "off"\n'
    )
    problems = run_checks(kb)
    assert {p.code for p in problems} == {"broken-link"}
    assert problems[0].severity == "warning"
    assert run_checks(kb, select=["orphan-note"]) == []
    assert problems_of(run_checks(kb, ignore=["broken-link"]), "broken-link") == []


def test_every_code_has_a_reproducer_here():
    import inspect
    import sys

    source = inspect.getsource(sys.modules[__name__])
    tested_elsewhere = {"file-unreadable", "encoding-error", "index-conflict", "numeric-conflict"}
    for code in CODES:
        assert code in tested_elsewhere or f'"{code}"' in source, code


def test_headings_keep_a_hash_that_is_theirs_and_lose_closing_hashes():
    from kb.loader import anchors_of

    headings, _ = anchors_of("# x   y ##\n## Sub ##\n### C#\n#\n")
    assert headings == ("x   y", "Sub", "C#")
