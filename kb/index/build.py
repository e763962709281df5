"""Every index page as text: {path relative to the index folder: content}."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

from ..beliefs import BeliefReport, assess_beliefs
from ..model import KnowledgeBase
from ..progress import stage
from .beliefs import belief_page, beliefs_overview
from .notes import LinkTables, domain_diagram, note_page, table_page
from .pagekit import PageWriter, belief_page_path, note_page_path, slug_name
from .review import build_review, changes_page, conflicts_page, home_page, problem_pages, wanted_page


def domain_page_paths(by_domain: dict[str, list[str]]) -> dict[str, str]:
    """domain -> its page; two spellings that share a page name are kept apart by a hash."""
    pages: dict[str, str] = {}
    taken: set[str] = set()
    for domain in sorted(by_domain):
        page = f"domains/{slug_name(domain)}.md"
        if page in taken:
            page = f"domains/{slug_name(domain)}-{hashlib.sha1(domain.encode()).hexdigest()[:6]}.md"
        taken.add(page)
        pages[domain] = page
    return pages


def build_pages(kb: KnowledgeBase, out_dir: Path, report: BeliefReport | None = None) -> dict[str, str]:
    report = report if report is not None else assess_beliefs(kb)
    review = build_review(kb, report)
    stage("building pages")
    writer = PageWriter(kb, out_dir)
    tables = LinkTables(kb)
    pages: dict[str, str] = {}
    for path in kb.notes:
        pages[note_page_path(path)] = note_page(writer, path, tables, review)
    by_type: dict[str, list[str]] = defaultdict(list)
    by_domain: dict[str, list[str]] = defaultdict(list)
    for path, note in kb.notes.items():
        by_type[note.type].append(path)
        domain = note.fields.get("domain")
        if isinstance(domain, str) and domain.strip():
            by_domain[domain.strip()].append(path)
    for kind, paths in by_type.items():
        page = f"types/{slug_name(kind)}.md"
        pages[page] = table_page(writer, page, f"Type: {kind}", paths, tables, review)
    domain_pages = domain_page_paths(by_domain)
    for domain, paths in by_domain.items():
        page = domain_pages[domain]
        text = table_page(writer, page, f"Domain: {domain}", paths, tables, review)
        diagram = domain_diagram(writer, paths, tables)
        pages[page] = text.rstrip("\n") + "\n\n" + "\n".join(diagram) if diagram else text
    for belief in report.beliefs:
        pages[belief_page_path(belief)] = belief_page(writer, belief, tables, review)
    pages["beliefs.md"] = beliefs_overview(writer, report, review)
    pages["wanted.md"] = wanted_page(writer, review)
    pages["conflicts.md"] = conflicts_page(writer, review)
    pages.update(problem_pages(writer, review))
    pages["changes.md"] = changes_page(writer, review)
    pages["README.md"] = home_page(writer, review, by_type, by_domain, domain_pages)
    return pages
