import pytest

from kb.resolve import SAME_FOLDER, SHORTEST_PATH, Resolver, slugify

NOTES = [
    "Exact Title.md",
    "maps/Attractor dynamics.md",
    "domains/health/_map.md",
    "domains/finance/_map.md",
    "_map.md",
    "core/mechanisms/shared claim.md",
    "domains/internet-finance/shared claim.md",
    "claims/human-made-is-becoming-a-premium-label.md",
    "deep/a/b/c/far note.md",
    "z/far note.md",
]
FILES = ["img/diagram.png"]


@pytest.fixture
def resolver():
    return Resolver(NOTES, FILES)


@pytest.mark.parametrize(
    ("target", "source", "path", "rule"),
    [
        ("Exact Title", "x.md", "Exact Title.md", "path"),
        ("Attractor dynamics", "x.md", "maps/Attractor dynamics.md", "exact"),
        ("attractor DYNAMICS", "x.md", "maps/Attractor dynamics.md", "case"),
        ("domains/health/_map", "x.md", "domains/health/_map.md", "path"),
        ("health/_map", "x.md", "domains/health/_map.md", "exact"),
        ("Health/_MAP", "x.md", "domains/health/_map.md", "case"),
        ("Exact Title.md", "x.md", "Exact Title.md", "md-extension"),
        ("maps/attractor dynamics.md", "x.md", "maps/Attractor dynamics.md", "md-extension"),
        ("human made is becoming a premium label", "x.md", "claims/human-made-is-becoming-a-premium-label.md", "slug"),
        (
            "Human-Made is becoming a premium label.md",
            "x.md",
            "claims/human-made-is-becoming-a-premium-label.md",
            "slug",
        ),
        ("img/diagram.png", "x.md", "img/diagram.png", "path"),
        ("diagram.png", "x.md", "img/diagram.png", "exact"),
    ],
)
def test_rule_ladder(resolver, target, source, path, rule):
    resolution = resolver.resolve(target, source)
    assert (resolution.path, resolution.rule) == (path, rule)


def test_exact_root_path_beats_same_folder(resolver):
    # `_map` is the title of three notes, but `_map.md` at the root is the exact vault path.
    resolution = resolver.resolve("_map", "domains/health/claim.md")
    assert resolution.path == "_map.md"
    assert resolution.rule == "path"


def test_same_folder_wins_a_tie():
    resolver = Resolver(["a/_map.md", "b/_map.md"])
    resolution = resolver.resolve("_map", "b/claim.md")
    assert resolution.path == "b/_map.md"
    assert resolution.decided_by == SAME_FOLDER
    assert resolution.candidates == ("a/_map.md", "b/_map.md")


def test_ancestor_folder_counts_for_nothing_then_shortest_path_wins(resolver):
    resolution = resolver.resolve("far note", "deep/a/other.md")
    assert resolution.path == "z/far note.md"
    assert resolution.decided_by == SHORTEST_PATH


def test_shortest_path_between_duplicate_claims(resolver):
    resolution = resolver.resolve("shared claim", "foundations/x.md")
    assert resolution.path == "core/mechanisms/shared claim.md"
    assert resolution.ambiguous
    from_folder = resolver.resolve("shared claim", "domains/internet-finance/y.md")
    assert from_folder.path == "domains/internet-finance/shared claim.md"
    assert from_folder.decided_by == SAME_FOLDER


def test_broken_and_self(resolver):
    assert resolver.resolve("nothing like it", "x.md").path is None
    assert resolver.resolve("https://example.com/page", "x.md").path is None
    assert resolver.resolve("", "notes/me.md").path == "notes/me.md"


def test_exact_case_preferred_over_case_insensitive():
    resolver = Resolver(["a/Log.md", "b/log.md"])
    assert resolver.resolve("log", "c/x.md").path == "b/log.md"
    assert resolver.resolve("Log", "c/x.md").path == "a/Log.md"


def test_markdown_links_relative_then_vault_wide():
    resolver = Resolver(["agents/t/beliefs/AI alignment.md", "agents/t/beliefs.md", "top.md"])
    assert resolver.resolve_markdown("beliefs/AI alignment.md", "agents/t/beliefs.md").path == (
        "agents/t/beliefs/AI alignment.md"
    )
    assert resolver.resolve_markdown("../../top.md", "agents/t/beliefs.md").path == "top.md"
    assert resolver.resolve_markdown("top.md", "agents/t/beliefs.md").path == "top.md"
    assert resolver.resolve_markdown("../../../outside.md", "agents/t/beliefs.md").path is None


def test_slugify():
    assert slugify("Hayek's knowledge-problem, revisited") == "hayeks knowledge problem revisited"
    assert slugify("MetaDAO\u2019s  launch") == "metadaos launch"
