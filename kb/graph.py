"""The graph stage and its exports.

A networkx `MultiDiGraph`, one edge per link occurrence. Nodes are notes (id: path relative
to the KB root), other files that are linked (images, PDFs), and wanted targets (linked but
never written; id: `wanted:<most common spelling>`). Edge attributes: `type` (`body`, `embed`,
`markdown`, or the front-matter field name for links in front matter), `line`, `target` (as
written), `subpath`, `rule` (the resolution rule that matched).
"""

from __future__ import annotations

import json
import re

import networkx as nx

from .links import FRONTMATTER
from .model import KnowledgeBase, wanted_key

WANTED_PREFIX = "wanted:"


def build_graph(kb: KnowledgeBase) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for path, note in kb.notes.items():
        graph.add_node(path, kind="note", type=note.type, title=note.title)
    wanted_ids = {wanted_key(occurrences[0].link.target): WANTED_PREFIX + name for name, _, occurrences in kb.wanted}
    for name, linkers, _ in kb.wanted:
        graph.add_node(WANTED_PREFIX + name, kind="wanted", type="wanted", title=name, linked_from=linkers)
    for item in kb.links:
        link = item.link
        target = item.resolution.path
        if target is None:
            target = wanted_ids[wanted_key(link.target)]
        elif target not in graph:
            graph.add_node(target, kind="file", type="file", title=target.rsplit("/", 1)[-1])
        edge_type = (link.field or FRONTMATTER) if link.kind == FRONTMATTER else link.kind
        graph.add_edge(
            item.source,
            target,
            type=edge_type,
            line=link.line,
            target=link.target,
            subpath=link.subpath,
            rule=item.resolution.rule or "broken",
        )
    return graph


def _scalar(value):
    if value is None:
        return ""
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(item) for item in value)
    return str(value)


def to_graphml_ready(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are all scalars, as GraphML requires."""
    copy = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        copy.add_node(node, **{key: _scalar(value) for key, value in data.items()})
    for source, target, key, data in graph.edges(keys=True, data=True):
        copy.add_edge(source, target, key=key, **{k: _scalar(v) for k, v in data.items()})
    return copy


def export_json(graph: nx.MultiDiGraph) -> str:
    data = nx.node_link_data(graph, edges="links")
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def export_graphml(graph: nx.MultiDiGraph) -> str:
    return "\n".join(nx.generate_graphml(to_graphml_ready(graph))) + "\n"


_MERMAID_UNSAFE = re.compile(r'["\[\]{}()<>|#;`]')


def mermaid_label(text: str, limit: int = 80) -> str:
    """Text safe inside a quoted Mermaid label: no brackets, quotes or pipes; cut at `limit` characters."""
    text = re.sub(r"\s+", " ", _MERMAID_UNSAFE.sub(" ", text)).strip()
    return (text[: limit - 1] + "…") if len(text) > limit else (text or "?")


MERMAID_MAX_TEXT = 50_000  # Mermaid's default maxTextSize: a longer diagram is refused, not drawn
MERMAID_MAX_EDGES = 500  # Mermaid's default maxEdges


class DiagramTooLarge(ValueError):
    """The diagram would pass Mermaid's default limits: GitHub and Obsidian would refuse to draw it."""


def export_mermaid(graph: nx.MultiDiGraph) -> str:
    """A Mermaid flowchart: short synthetic ids, quoted labels, wanted notes dashed. Raises
    DiagramTooLarge instead of returning a diagram that Mermaid would refuse to render."""
    ids = {node: f"n{index}" for index, node in enumerate(sorted(graph.nodes))}
    lines = ["flowchart LR"]
    for node in sorted(graph.nodes):
        data = graph.nodes[node]
        label = mermaid_label(str(data.get("title", node)))
        lines.append(f'  {ids[node]}["{label}"]')
    seen = set()
    for source, target, _ in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1], e[2].get("line", 0))):
        pair = (source, target)
        if pair in seen:
            continue
        seen.add(pair)
        arrow = "-.->" if graph.nodes[target].get("kind") == "wanted" else "-->"
        lines.append(f"  {ids[source]} {arrow} {ids[target]}")
    text = "\n".join(lines) + "\n"
    if len(seen) > MERMAID_MAX_EDGES or len(text) > MERMAID_MAX_TEXT:
        raise DiagramTooLarge(
            f"the graph has {graph.number_of_nodes()} nodes and {len(seen)} links; as a Mermaid diagram it "
            f"would be {len(text):,} characters, and Mermaid (so GitHub and Obsidian) draws at most "
            f"{MERMAID_MAX_EDGES} links and {MERMAID_MAX_TEXT:,} characters. `kb index` draws one diagram per "
            "domain, note and belief that fits; --format json or graphml exports the whole graph"
        )
    return text
