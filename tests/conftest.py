"""Shared fixtures: throwaway KBs built from {relative_path: text}, and the optional ../shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.config import load_config
from kb.model import load_kb

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
TELEO = SHARED / "corpora" / "teleo-codex"
SEEDS = SHARED / "seeds"


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for relpath, content in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_kb(tmp_path):
    """Build a KB folder from files and return its loaded KnowledgeBase."""

    def build(files: dict[str, str | bytes], toml: str | None = None):
        root = tmp_path / "kb"
        root.mkdir(exist_ok=True)
        if toml is not None:
            (root / "kb.toml").write_text(toml, encoding="utf-8")
        write_files(root, files)
        return load_kb(load_config(root))

    return build


@pytest.fixture(scope="session")
def teleo():
    if not TELEO.is_dir():
        pytest.skip("../shared/corpora/teleo-codex is not present")
    return TELEO


def problems_of(problems, code):
    return [problem for problem in problems if problem.code == code]


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from the current output")


@pytest.fixture
def update_golden(request):
    return request.config.getoption("--update-golden")
