import pytest

from kb.config import ConfigError, config_from_dict, glob_to_regex, load_config


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("**/_map.md", "_map.md", True),
        ("**/_map.md", "a/b/_map.md", True),
        ("inbox/**", "inbox/archive/x.md", True),
        ("inbox", "inbox/x.md", True),
        ("agents/*/beliefs.md", "agents/rio/beliefs.md", True),
        ("agents/*/beliefs.md", "agents/rio/x/beliefs.md", False),
        ("*.md", "sub/x.md", False),
        (".claude/**", ".claude/skills/x.md", True),
    ],
)
def test_globs(glob, path, matches):
    assert bool(glob_to_regex(glob).fullmatch(path)) is matches


def test_front_matter_type_wins_then_kb_rules_then_defaults(make_kb):
    kb = make_kb(
        {
            "inbox/declared.md": "---\ntype: claim\n---\n",
            "inbox/legacy.md": "---\ntype: evidence\n---\n",
            "inbox/unknown-type.md": "---\ntype: entity\n---\n",
            "notes/x.md": "",
            "domains/health/_map.md": "",
            "elsewhere/y.md": "",
        },
        toml='[types]\n"notes/**" = "belief"\n',
    )
    types = {path: note.type for path, note in kb.notes.items()}
    assert types == {
        "inbox/declared.md": "claim",
        "inbox/legacy.md": "source",
        "inbox/unknown-type.md": "source",
        "notes/x.md": "belief",
        "domains/health/_map.md": "map",
        "elsewhere/y.md": "other",
    }


def test_extra_types_and_schema_from_toml(make_kb):
    kb = make_kb(
        {"entities/acme.md": "---\nname: Acme\n---\n"},
        toml='[kb]\ntypes = ["entity"]\n[types]\n"entities/**" = "entity"\n'
        '[schema.entity]\nrequired = ["name", "founded"]\n',
    )
    assert kb.notes["entities/acme.md"].type == "entity"
    assert kb.config.schemas["entity"].required == ("name", "founded")


def test_exclude(make_kb):
    kb = make_kb({"templates/t.md": "[[x]]", "a.md": ""}, toml='[kb]\nexclude = ["templates/**"]\n')
    assert list(kb.notes) == ["a.md"]


@pytest.mark.parametrize(
    "data",
    [
        {"kb": {"sources": 3}},
        {"types": {"a/**": "nonsense"}},
        {"severity": {"broken-link": "loud"}},
        {"severity": {"no-such-code": "info"}},
        {"schema": {"claim": {"required": "x", "enums": {"confidence": 5}}}},
        {"index": {"conflicts": "yes"}},
        {"index": {"changes": -1}},
        {"index": {"changes": True}},
    ],
)
def test_bad_config_is_a_config_error(tmp_path, data):
    with pytest.raises(ConfigError):
        config_from_dict(tmp_path, data)


def test_invalid_toml(tmp_path):
    (tmp_path / "kb.toml").write_text("[kb\n")
    with pytest.raises(ConfigError, match="kb.toml"):
        load_config(tmp_path)


def test_index_settings(tmp_path):
    config = config_from_dict(tmp_path, {"index": {"conflicts": False, "changes": 5}})
    assert (config.index_conflicts, config.index_changes) == (False, 5)
    default = config_from_dict(tmp_path, {})
    assert (default.index_conflicts, default.index_changes) == (True, 20)
