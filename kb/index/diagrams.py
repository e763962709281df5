"""Mermaid flowcharts that GitHub and Obsidian will render.

Mermaid refuses a diagram over its default limits (`maxTextSize` 50,000 characters, `maxEdges`
500), and a picture with hundreds of boxes is unreadable long before that. A `Flowchart` is built
node by node and edge by edge under much smaller caps; what does not fit is counted and shown as
one "and N more" node, never written as a diagram that cannot render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..graph import MERMAID_MAX_EDGES, MERMAID_MAX_TEXT

MAX_NODES = 40
MAX_EDGES = 80
LINE_CHARS = 24  # Mermaid wraps a line wider than about 200 pixels itself, and badly
MAX_LABEL_LINES = 4

_UNSAFE = re.compile(r'["\[\]{}()<>|#;`&]')
_SHAPES = {"box": '["{}"]', "round": '("{}")', "source": '[("{}")]', "stadium": '(["{}"])'}


def wrapped_label(text: str, line_chars: int = LINE_CHARS, max_lines: int = MAX_LABEL_LINES) -> str:
    """Text safe inside a quoted Mermaid label, wrapped at word boundaries with <br/>; words past
    `max_lines` lines end in an ellipsis after the last whole word. A "\n" in `text` starts a new line."""
    lines: list[str] = []
    for part in text.split("\n"):  # a line break the caller asked for
        pieces: list[tuple[str, bool]] = []  # (text, joined to the piece before without a space)
        for word in re.sub(r"\s+", " ", _UNSAFE.sub(" ", part)).strip().split(" "):
            # a long hyphenated word (a file name) may break after a hyphen
            parts = re.findall(r"[^-]+-*|-+", word) if len(word) > line_chars else [word]
            pieces += [(piece, index > 0) for index, piece in enumerate(parts)]
        current = ""
        for piece, glued in pieces:
            if len(piece) > line_chars:
                piece = piece[: line_chars - 1] + "…"
            joined = current + piece if glued else f"{current} {piece}".strip()
            if current and len(joined) > line_chars:
                lines.append(current)
                current = piece
            else:
                current = joined
        if current:
            lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" ,.;:-") + " …"
    return "<br/>".join(lines) or "?"


def _class_name(name: str) -> str:
    """A Mermaid class name: letters, digits and underscores only."""
    return re.sub(r"\W", "_", name)


@dataclass
class Flowchart:
    direction: str = "LR"
    max_nodes: int = MAX_NODES
    max_edges: int = MAX_EDGES
    label_lines: int = MAX_LABEL_LINES
    _nodes: dict[str, str] = field(default_factory=dict)  # key -> id
    _lines: list[str] = field(default_factory=list)
    _edges: list[str] = field(default_factory=list)
    _edge_keys: set[tuple[str, str]] = field(default_factory=set)
    _classes: dict[str, str] = field(default_factory=dict)  # class -> style
    _members: dict[str, list[str]] = field(default_factory=dict)  # class -> node ids
    hidden_nodes: int = 0
    hidden_edges: int = 0

    def has(self, key: str) -> bool:
        return key in self._nodes

    @property
    def edge_count(self) -> int:
        return len(self._edges)

    @property
    def full(self) -> bool:
        return len(self._nodes) >= self.max_nodes

    def style(self, name: str, css: str) -> None:
        self._classes[_class_name(name)] = css

    def node(self, key: str, label: str, shape: str = "box", cls: str | None = None) -> bool:
        """Add a node; False (and counted as hidden) when the chart is full."""
        if key in self._nodes:
            return True
        if self.full:
            self.hidden_nodes += 1
            return False
        node_id = f"n{len(self._nodes)}"
        self._nodes[key] = node_id
        self._lines.append(f"  {node_id}{_SHAPES[shape].format(wrapped_label(label, max_lines=self.label_lines))}")
        if cls:
            self._members.setdefault(_class_name(cls), []).append(node_id)
        return True

    def edge(self, source: str, target: str, dotted: bool = False) -> None:
        """Add an edge between two added nodes; an edge to a left-out node is dropped silently (the
        node was counted), one past the edge cap is counted."""
        if source not in self._nodes or target not in self._nodes or (source, target) in self._edge_keys:
            return
        if len(self._edges) >= self.max_edges:
            self.hidden_edges += 1
            return
        self._edge_keys.add((source, target))
        arrow = "-.->" if dotted else "-->"
        self._edges.append(f"  {self._nodes[source]} {arrow} {self._nodes[target]}")

    def render(self) -> list[str]:
        """The fenced block, with a note node for what was left out."""
        lines = ["```mermaid", f"flowchart {self.direction}", *self._lines]
        if self.hidden_nodes:
            lines.append(f'  more["and {self.hidden_nodes} more"]')
            self._members.setdefault("more", []).append("more")
            self._classes.setdefault("more", "fill:#f6f8fa,stroke:#d0d7de,stroke-dasharray:3 3,color:#57606a")
        lines += self._edges
        for name in sorted(self._members):
            if name in self._classes:
                lines.append(f"  classDef {name} {self._classes[name]}")
                lines.append(f"  class {','.join(self._members[name])} {name}")
        lines.append("```")
        text = "\n".join(lines)
        # the caps keep far below these; a guard, so nothing that cannot render is ever written
        assert len(text) < MERMAID_MAX_TEXT and len(self._edges) < MERMAID_MAX_EDGES, "diagram over Mermaid's limits"
        return lines

    def left_out(self) -> str:
        parts = []
        if self.hidden_nodes:
            parts.append(f"{self.hidden_nodes} more notes")
        if self.hidden_edges:
            parts.append(f"{self.hidden_edges} more links")
        return f"The diagram leaves out {' and '.join(parts)} to stay readable." if parts else ""
