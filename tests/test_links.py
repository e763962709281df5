from kb.links import BODY, EMBED, FRONTMATTER, MARKDOWN, find_body_links, find_frontmatter_links, split_wikilink


def targets(links):
    return [(link.target, link.subpath, link.alias, link.kind, link.line) for link in links]


def test_every_wikilink_form():
    body = "\n".join(
        [
            "[[plain]] [[t|alias]] [[h#Heading]] [[b#^block-1]] [[#Own heading]]",
            "![[diagram.png|100x145]] ![[doc.pdf#page=3]]",
            "| [[in table\\|shown]] | cell |",
            "[[folder/sub/note]] [[note.md]] [[Sq]uare]]",
        ]
    )
    assert targets(find_body_links(body, 10)) == [
        ("plain", "", None, BODY, 10),
        ("t", "", "alias", BODY, 10),
        ("h", "#Heading", None, BODY, 10),
        ("b", "#^block-1", None, BODY, 10),
        ("", "#Own heading", None, BODY, 10),
        ("diagram.png", "", "100x145", EMBED, 11),
        ("doc.pdf", "#page=3", None, EMBED, 11),
        ("in table", "", "shown", BODY, 12),
        ("folder/sub/note", "", None, BODY, 13),
        ("note.md", "", None, BODY, 13),
        ("Sq]uare", "", None, BODY, 13),
    ]


def test_links_in_code_are_not_links():
    body = "\n".join(
        [
            "before [[real]] `[[inline code]]` ``[[double `tick` code]]``",
            "```markdown",
            "[[fenced]]",
            "```",
            "~~~~",
            "[[tilde fenced]]",
            "```",
            "[[still fenced: a shorter or other fence does not close]]",
            "~~~~",
            "after [[also real]]",
        ]
    )
    assert [link.target for link in find_body_links(body, 1)] == ["real", "also real"]


def test_columns_and_raw_text():
    (link,) = find_body_links("abc ![[x|y]]", 1)
    assert link.column == 5
    assert link.raw == "![[x|y]]"


def test_markdown_links_to_notes_are_percent_decoded():
    body = "[full](beliefs/AI%20alignment.md#Why) [web](https://x.org/a.md) [img](pic.png) [here](#anchor)"
    (link,) = find_body_links(body, 3)
    assert (link.target, link.subpath, link.kind) == ("beliefs/AI alignment.md", "#Why", MARKDOWN)


def test_frontmatter_links_keep_their_field():
    raw = [
        "type: claim",
        'depends_on: ["[[one]]", "[[two|2]]"]',
        "parent_entity:",
        '  - "[[three]]"',
        "# a comment [[not a link]]",
    ]
    key_lines = {"type": 2, "depends_on": 3, "parent_entity": 4}
    links = find_frontmatter_links(raw, 2, key_lines)
    assert [(link.target, link.field, link.line, link.kind) for link in links] == [
        ("one", "depends_on", 3, FRONTMATTER),
        ("two", "depends_on", 3, FRONTMATTER),
        ("three", "parent_entity", 5, FRONTMATTER),
    ]


def test_split_wikilink_round_trip():
    assert split_wikilink("a b#c|d") == ("a b", "#c", "d")
    assert split_wikilink("a\\|d") == ("a", "", "d")
    assert split_wikilink(" padded ") == ("padded", "", None)


def test_empty_brackets_are_not_links():
    assert find_body_links("[[]] [[ ]] [[|x]]", 1) == []


def test_one_pass_reading_equals_line_by_line_reading():
    from kb.links import _links_line_by_line, _links_without_code

    body = "a [[x]] b [t](n.md) [[y|z]]\n\n![[e]] [[x#h]]\n[u](<m n.md>) [[w]]\n[[a [[b]] [[]] [[Sq]uare]]"
    assert _links_without_code(body, 4, True) == _links_line_by_line(body, 4, True, True)
    assert [(link.line, link.column) for link in _links_without_code(body, 4, True)][:3] == [(4, 3), (4, 21), (4, 11)]


def test_one_pass_reading_equals_line_by_line_reading_on_teleo(teleo):
    from kb.frontmatter import read_frontmatter
    from kb.links import _links_line_by_line, _links_without_code

    compared = 0
    for path in sorted(teleo.rglob("*.md")):
        fm, body = read_frontmatter(path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n"))
        if "`" in body or "~~~" in body or "[[" not in body:
            continue
        compared += 1
        assert _links_without_code(body, fm.body_line, True) == _links_line_by_line(body, fm.body_line, True, True)
    assert compared > 500
