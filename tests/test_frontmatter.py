from kb.frontmatter import read_frontmatter


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
