import random

from kb.frontmatter import _fast_load, _load, _top_level_key_lines, read_frontmatter


def test_dates_stay_strings_and_partial_dates_do_not_crash():
    fm, body = read_frontmatter("---\ndate: 2026-03-00\ncreated: 2024-01-05\n---\nBody\n")
    assert fm.fields == {"date": "2026-03-00", "created": "2024-01-05"}
    assert fm.errors == []
    assert body == "Body\n"
    assert fm.body_line == 5


def test_dot_terminator_is_accepted():
    fm, body = read_frontmatter("---\ntype: timeline\n...\n\n2024-05-30: event\n")
    assert fm.terminated and fm.terminator == "..."
    assert fm.fields == {"type": "timeline"}
    assert body == "\n2024-05-30: event\n"


def test_error_line_counts_from_top_of_file_and_keeps_fields_before_it():
    text = (
        "---\n"
        "title: a\n"
        "tags: [x]\n"
        "\n"
        "### Additional Evidence (confirm)\n"
        "*Source: [[note]] | Added: 2026-03-10*\n"
        "---\n"
        "body\n"
    )
    fm, _ = read_frontmatter(text)
    assert len(fm.errors) == 1
    line, message = fm.errors[0]
    assert line == 6  # the `*Source` line, not line 5 of the YAML block
    assert "alias" in message
    assert fm.fields == {"title": "a", "tags": ["x"]}


def test_unterminated_front_matter_reads_whole_file_as_body():
    text = "---\ntitle: x\nno end [[link]]\n"
    fm, body = read_frontmatter(text)
    assert fm.present and not fm.terminated
    assert fm.errors and fm.errors[0][0] == 1
    assert body == text


def test_front_matter_that_is_not_a_mapping():
    fm, _ = read_frontmatter("---\n- a\n- b\n---\n")
    assert fm.fields == {}
    assert "list" in fm.errors[0][1]


def test_no_front_matter():
    fm, body = read_frontmatter("# Title\n\ntext")
    assert not fm.present
    assert body == "# Title\n\ntext"


def test_horizontal_rule_later_is_not_front_matter():
    fm, _ = read_frontmatter("text\n---\nmore\n")
    assert not fm.present


def test_duplicate_keys_are_recorded_with_their_line():
    fm, _ = read_frontmatter("---\na: 1\nb: 2\na: 3\n---\n")
    assert fm.fields["a"] == 3
    assert fm.duplicate_keys == [("a", 4)]


def test_key_lines_and_odd_values():
    fm, _ = read_frontmatter('---\ntitle: "quoted: colon"\nclaims_extracted: 0\nfounded: ~2020\n---\n')
    assert fm.key_lines == {"title": 2, "claims_extracted": 3, "founded": 4}
    assert fm.fields["claims_extracted"] == 0
    assert fm.fields["founded"] == "~2020"


def test_any_exception_becomes_an_error_not_a_crash():
    fm, _ = read_frontmatter("---\nkey: [unclosed\n---\n")
    assert fm.errors and fm.errors[0][0] >= 2


# ---------------------------------------------------------------------------- the fast path


def _typed(value):
    """A value with its types spelled out, so 1 and True (equal in Python) compare different."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    return (type(value).__name__, value)


def _pyyaml(lines):
    try:
        data, duplicates = _load("\n".join(lines))
    except Exception:  # noqa: BLE001
        return "error"
    return _typed(data if data is not None else {}), duplicates


FAST_CASES = [
    "title: A claim: with a colon",
    "a: x #comment\nb: c#d\nc: 'it''s'\nd: \"q # not comment\"  # comment",
    "on: 1\nyes: no",
    "n: null\nm: ~\ne:\nf: Null\ng: NULL\nh: nULL",
    "i: 012\nj: 0x1F\nk: 1_000\nl: -5\nm: +7\nn: 1.5\no: .inf\np: 1:30\nq: 0",
    "t: [a, b, \"c, d\", 'e', 3, true, ~]\nu: []\nv: [ ]",
    "w: [a, ]\nx: [[a]]\ny: [a: b]",
    'list:\n- a\n- "b"\n-   c # x\n\nnext: 1',
    "list:\n  - a\n  # comment\n  - b\nz: 2",
    "list:\n  - a\n - b",
    "nested:\n  key: value",
    "cont: first\n  second",
    "dup: 1\ndup: 2",
    "text: |\n  block",
    "a: &x 1\nb: *x",
    "a: !!str 1",
    "a: 'unterminated",
    'a: "esc\\"aped"',
    'a: "x" trailing',
    "a: [x] trailing",
    "- a\n- b",
    "plain",
    "a: -x\nb: ?x\nc: %x\nd: @x",
    "a:  spaced  \nb:\t1",
    "a: 2026-03-00\nb: 2024-01-05",
    "a: yes\nb: Off\nc: y\nd: n\ne: TRUE",
    "a: =\nb: <<",
    "key: [a\nb: c",
    "a: b: c",
    "'quoted key': 1",
    "a: x\n# comment\n  # indented comment\nb: y",
    "a: ['[[x]]', \"[[y]]\"]",
    'a: ["\\u00e9"]',
    "a: [1, 2.0]",
    "a: [x, y] # c",
    "a:\n- \n- b",
    "a:\n  -\n  - b",
    "a:\n- [x, y]\n- 'z'",
    "a:\n- k: v",
]


def test_fast_path_agrees_with_pyyaml_on_hand_picked_cases():
    for case in FAST_CASES:
        lines = case.split("\n")
        fast = _fast_load(lines)
        if fast is None:
            continue
        assert (_typed(fast[0]), fast[1]) == _pyyaml(lines), case


def test_fast_path_takes_flat_front_matter_and_declines_the_rest():
    assert _fast_load(["a: 1", "b: [x, y]", "c:", "- d"]) == ({"a": 1, "b": ["x", "y"], "c": ["d"]}, [])
    for declined in ("nested:\n  key: value", "text: |\n  block", "a: 1.5", "a: &x 1", "a: 'open"):
        assert _fast_load(declined.split("\n")) is None, declined


def test_fast_path_agrees_with_pyyaml_on_generated_front_matter():
    rng = random.Random(20261123)
    atoms = [
        "a",
        "b c",
        "yes",
        "No",
        "~",
        "null",
        "0",
        "12",
        "-3",
        "+4",
        "07",
        "1.5",
        "1e3",
        "1_0",
        "x: y",
        "x #c",
        "x#c",
        "[a, b]",
        "[]",
        "['a', \"b\"]",
        "[a, [b]]",
        "'q''s'",
        '"d q"',
        '"e\\n"',
        "&a",
        "*a",
        "!t",
        "|",
        ">",
        "-",
        "- a",
        "?",
        ":",
        "@x",
        "`x",
        "%x",
        "2026-01-00",
        "[[link]]",
        '"[[link]]"',
        "x, y",
        "{a: 1}",
        "a ",
        " ",
        "",
        "true",
        "Off",
        "=",
        "<<",
        ".inf",
        "0x10",
        "1:2",
    ]
    keys = ["title", "type", "on", "1", "a-b", "x_y", "null", "'q'", "k k"]
    taken = 0
    for _ in range(3000):
        lines = []
        for _ in range(rng.randint(1, 4)):
            key = rng.choice(keys)
            if rng.random() < 0.25:
                lines.append(f"{key}:")
                indent = rng.choice(["", "  ", "    "])
                for _ in range(rng.randint(0, 3)):
                    lines.append(f"{indent}- {rng.choice(atoms)}")
            else:
                separator = ": " if rng.random() < 0.9 else ":"
                lines.append(f"{key}{separator}{rng.choice(atoms)}".rstrip())
            if rng.random() < 0.1:
                lines.append(rng.choice(["# c", "  # c", "", "  more", " - x"]))
        fast = _fast_load(lines)
        if fast is not None:
            taken += 1
            assert (_typed(fast[0]), fast[1]) == _pyyaml(lines), lines
    assert taken > 100


def test_fast_path_agrees_with_pyyaml_on_teleo(teleo):
    taken = 0
    for path in sorted(teleo.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        fm, _ = read_frontmatter(text)
        if not fm.terminated:
            continue
        lines = text.split("\n")[1 : fm.body_line - 2]
        fast = _fast_load(lines)
        if fast is not None:
            taken += 1
            assert (_typed(fast[0]), fast[1]) == _pyyaml(lines), path
            assert fm.key_lines == _top_level_key_lines(lines, 2), path
    assert taken > 900  # the fast path must actually carry most of a real KB
