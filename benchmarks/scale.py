"""Time kb on synthetic KBs 1x, 10x (and 100x) the size of a real one, cold and warm, against the floor.

    python benchmarks/scale.py [SOURCE_KB] [--scales 1 10] [--work DIR]

For each scale it builds the KB (benchmarks/synth.py), measures the floor (one Python pass that reads
every note and counts `[[`), then runs each command in a fresh process: cold (no .kb/ cache), warm
(nothing changed), warm after one note changed (a line without a number, then a line with one), and
in a copy of the KB with new modification times and the .kb/ cache kept (a CI job restoring the
cache into a fresh clone). Wall seconds, peak memory of the process tree, and the ratio to the floor
measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import build  # noqa: E402

MEASURE = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
result = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - start
print(json.dumps({"wall": wall, "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "code": result.returncode, "stderr": result.stderr[-300:]}))
"""

FLOOR = r"""
import os, sys, time, json
start = time.perf_counter()
notes = links = 0
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if d not in ('.git', '.kb', 'index')]
    for name in files:
        if name.endswith('.md'):
            with open(os.path.join(folder, name), 'rb') as handle:
                links += handle.read().count(b'[[')
            notes += 1
print(json.dumps({"wall": time.perf_counter() - start, "notes": notes, "links": links}))
"""

COMMANDS = {
    "check": ["check", "--ignore", "numeric-conflict"],
    "check + conflicts": ["check"],
    "conflicts": ["conflicts"],
    "index": ["index"],
}


def run(args: list[str]) -> dict:
    output = subprocess.run([sys.executable, "-c", MEASURE, *args], capture_output=True, text=True, check=True)
    return json.loads(output.stdout)


def floor(kb: Path) -> dict:
    best = None
    for _ in range(3):
        output = json.loads(
            subprocess.run([sys.executable, "-c", FLOOR, str(kb)], capture_output=True, text=True, check=True).stdout
        )
        best = output if best is None or output["wall"] < best["wall"] else best
    return best


def measure_scale(source: Path, scale: int, work: Path, commands: list[str]) -> list[tuple]:
    kb = work / f"kb-{scale}x"
    notes = build(source, kb, scale)
    base = floor(kb)
    rows = [(scale, notes, "floor (read + [[)", base["wall"], None, 1.0)]
    some_note = next(p for p in sorted(kb.rglob("*.md")) if ".kb" not in p.parts)
    for name in commands:
        args = [sys.executable, "-m", "kb", *COMMANDS[name], "--kb", str(kb)]
        shutil.rmtree(kb / ".kb", ignore_errors=True)
        shutil.rmtree(kb / "index", ignore_errors=True)
        for label in ("cold", "warm", "warm, 1 changed", "warm, 1 number changed", "new checkout, cache kept"):
            if label == "warm, 1 changed":
                with open(some_note, "a", encoding="utf-8") as handle:
                    handle.write("\nOne more line.\n")
            if label == "warm, 1 number changed":
                # a new number: every conflict comparison runs again (an edit without one reuses them)
                with open(some_note, "a", encoding="utf-8") as handle:
                    handle.write("\nThe programme had 41,250 members in 2024.\n")
            if label == "new checkout, cache kept":
                # CI restoring .kb/ into a fresh clone: same bytes, new modification times.
                checkout = work / f"kb-{scale}x-checkout"
                shutil.rmtree(checkout, ignore_errors=True)
                shutil.copytree(kb, checkout, copy_function=shutil.copy)
                args = [sys.executable, "-m", "kb", *COMMANDS[name], "--kb", str(checkout)]
            result = run(args)
            if result["code"] not in (0, 1):
                raise SystemExit(f"{name} failed: {result['stderr']}")
            rows.append(
                (scale, notes, f"{name} ({label})", result["wall"], result["rss_mb"], result["wall"] / base["wall"])
            )
        shutil.rmtree(work / f"kb-{scale}x-checkout", ignore_errors=True)
    return rows


def main() -> None:
    default = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "teleo-codex"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=default)
    parser.add_argument("--scales", nargs="+", type=int, default=[1, 10])
    parser.add_argument("--commands", nargs="+", default=list(COMMANDS), choices=list(COMMANDS))
    parser.add_argument("--work", type=Path, default=None, help="where to build the KBs (default: a temp folder)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kb-bench-"))
    print("| scale | notes | step | wall s | peak MB | x floor |")
    print("|---:|---:|---|---:|---:|---:|")
    for scale in args.scales:
        for row in measure_scale(args.source, scale, work, args.commands):
            scale_, notes, step, wall, rss, ratio = row
            memory = f"{rss:.0f}" if rss is not None else ""
            print(f"| {scale_}x | {notes:,} | {step} | {wall:.2f} | {memory} | {ratio:.1f} |", flush=True)
        shutil.rmtree(work / f"kb-{scale}x", ignore_errors=True)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
