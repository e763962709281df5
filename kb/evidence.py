"""Evidence entries ingest writes on existing claims: the source's own passage, typed from its words.

An entry is `### Additional Evidence (confirm|extend|challenge)`, the source and date, and the
passage of the source that bears on the claim, quoted. The passage is the source sentence that
shares most of the claim's words (a hint line that merely names the claim is never quoted); the
type comes from what the passage, or the line that connects it to the claim, says: "complicates",
"weakens", "contradicts", "fails to replicate" are challenges; "confirms", "replicates",
"consistent with" are confirmations; anything else extends.

Entries kb writes carry `Extractor: kb ingest` on their source line. They are proposals: `kb
beliefs` lists them but does not count them toward a belief's status until a person keeps one, by
putting their own name in place of `kb ingest` (or deleting the `Extractor:` part).
"""

from __future__ import annotations

import re

from .sameclaim import claim_text

PROPOSED_BY = "kb ingest"
MIN_SHARED = 3  # content words a passage must share with the claim to be quoted for it
_CHALLENGE = re.compile(
    r"\b(?:complicat\w*|weaken\w*|contradict\w*|fail(?:s|ed)?\s+to\s+replicate|challeng\w*|undermin\w*|refut\w*|"
    r"casts?\s+doubt|contrary\s+to|disput\w*|does\s+not\s+support|do\s+not\s+support|no\s+evidence|"
    r"counter(?:s|ing)?\s+(?:the|this|that)|at\s+odds\s+with|inconsistent\s+with)\b",
    re.I,
)
_CONFIRM = re.compile(
    r"\b(?:confirm\w*|validat\w*|replicat\w*|consistent\s+with|corroborat\w*|strengthen\w*|reinforc\w*|"
    r"vindicat\w*|supports?\s+(?:the|this|that)|in\s+line\s+with)\b",
    re.I,
)
_LABEL = re.compile(r"^[A-Za-z][\w '’-]{0,40}:\s+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")
_HINT = re.compile(
    r"^\s*(?:[-*]\s+)?(?:\*\*)?(?:primary|secondary)(?:\s+connection)?(?:\*\*)?\s*:|kb connections|"
    r"extraction hints?|claim candidates?",
    re.I,
)


def evidence_kind(*texts: str) -> str:
    """confirm, extend or challenge, from the words of the passage and of the line that links it."""
    joined = " ".join(t for t in texts if t)
    if _CHALLENGE.search(joined):
        return "challenge"
    if _CONFIRM.search(joined):
        return "confirm"
    return "extend"


def supporting_passage(body_lines: list[str], claim_title: str) -> str | None:
    """The sentence of the source that shares most of the claim's content words (at least three),
    hint lines and wikilinks aside; None when no sentence bears on it."""
    wanted = claim_text(claim_title).content
    best, best_shared = None, MIN_SHARED - 1
    for line in body_lines:
        if not line.strip() or _HINT.search(line) or line.lstrip().startswith(("#", "|", ">")):
            continue
        clean = re.sub(r"\[\[([^\]|]*)(?:\|([^\]]*))?\]\]", lambda m: m.group(2) or m.group(1), line)
        clean = re.sub(r"[*_`]+", "", clean).strip(" -•\t")
        clean = _LABEL.sub("", clean)  # "WHY ARCHIVED:", "What surprised me:" introduce the passage
        for sentence in _SENTENCE.split(clean):
            words = claim_text(sentence).content
            if not words - wanted:
                continue  # the claim's own words (a link's text) add nothing: not evidence for it
            shared = sum((words & wanted).values())
            if shared > best_shared and len(sentence.split()) >= 6:
                best, best_shared = sentence.strip(), shared
    return best[:400] if best else None


def evidence_entry(source_stem: str, quote: str, today: str, kind: str = "extend") -> str:
    quoted = "\n".join(f"> {line}" for line in quote.strip().split("\n"))
    return (
        f"\n### Additional Evidence ({kind})\n*Source: [[{source_stem}]] | Added: {today} | "
        f"Extractor: {PROPOSED_BY}*\n\n{quoted}\n"
    )


def proposed_by_kb(source_line: str) -> bool:
    """Whether an evidence block's source line marks it as kb's own, not yet kept by a person."""
    found = re.search(r"Extractor:\s*([^|*]+)", source_line)
    return bool(found) and found.group(1).strip().lower() == PROPOSED_BY
