"""Regenerate the README's example outputs from the sample KB that ships in this repository.

    python scripts/readme_examples.py          rewrite the blocks in README.md
    python scripts/readme_examples.py --check  exit 1 if a block is out of date (a test runs this)

A block is the text between `<!-- example: ARGS -->` and `<!-- /example -->`: a console block with
`$ kb ARGS`, the output of that command run in the repository root, and its exit code. Only the
first `lines` lines of output are kept when the marker says `lines=N` (a `...` line marks the cut).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(
    r"(<!-- example: (?P<args>.*?)(?: lines=(?P<lines>\d+))? -->\n)(?P<body>.*?)(<!-- /example -->)", re.S
)


def render(args: str, lines: int | None) -> str:
    env = {**os.environ, "NO_COLOR": "1", "KB_NO_PROGRESS": "1", "COLUMNS": "200"}
    env.pop("FORCE_COLOR", None)
    run = subprocess.run(
        [sys.executable, "-m", "kb", *shlex.split(args), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    out = run.stdout.rstrip("\n").splitlines()
    if lines is not None and len(out) > lines + 1:
        out = out[:lines] + ["..."] + out[-1:]
    return "```console\n$ kb " + args + "\n" + "\n".join(out) + f"\n$ echo $?\n{run.returncode}\n```\n"


def regenerate(text: str) -> str:
    def replace(match: re.Match) -> str:
        lines = int(match.group("lines")) if match.group("lines") else None
        return match.group(1) + render(match.group("args"), lines) + match.group(5)

    return BLOCK.sub(replace, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is out of date")
    options = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    new = regenerate(text)
    if options.check:
        if new != text:
            print("README.md examples are out of date: run python scripts/readme_examples.py", file=sys.stderr)
            return 1
        return 0
    if new != text:
        README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
