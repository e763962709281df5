"""Time kb's commands on a KB against the floor: one Python pass that reads every note and finds every `[[`.

    python benchmarks/bench.py [KB_DIR] [--repeat N]

Each measurement runs in a fresh subprocess (cold: imports, reads and parses everything) and
reports wall time, CPU time and peak memory (max RSS). Default KB: ../shared/corpora/teleo-codex.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

FLOOR = r"""
import os, sys, time, resource
start = time.perf_counter()
notes = links = 0
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if d not in ('.git', '.kb')]
    for name in files:
        if name.endswith('.md'):
            with open(os.path.join(folder, name), 'rb') as handle:
                links += handle.read().count(b'[[')
            notes += 1
"""

PRELUDE = r"""
import sys, time, resource, tempfile
start = time.perf_counter()
from kb.config import load_config
from kb.model import load_kb
kb = load_kb(load_config(sys.argv[1]))
notes = len(kb.notes)
"""

STEPS = {
    "kb check": "from kb.checks import run_checks\nlinks = len(run_checks(kb))",
    "kb check, no conflicts": "from kb.checks import run_checks\n"
    "links = len(run_checks(kb, ignore=['numeric-conflict']))",
    "kb conflicts": "from kb.conflicts import find_conflicts\nlinks = find_conflicts(kb).facts",
    "kb beliefs": "from kb.beliefs import assess_beliefs\nlinks = len(assess_beliefs(kb).beliefs)",
    "kb index (to a temp dir)": "from kb.index import write_index\nlinks = write_index(kb, tempfile.mkdtemp()).pages",
}

REPORT = r"""
usage = resource.getrusage(resource.RUSAGE_SELF)
children = resource.getrusage(resource.RUSAGE_CHILDREN)  # worker processes
print(json.dumps({"wall": time.perf_counter() - start,
                  "cpu": usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime,
                  "rss_mb": usage.ru_maxrss / 1024, "notes": notes, "count": links}))
"""


def measure(code: str, kb_dir: str, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        script = "import json\n" + code + REPORT
        output = subprocess.run([sys.executable, "-c", script, kb_dir], capture_output=True, text=True, check=True)
        runs.append(json.loads(output.stdout))
    return min(runs, key=lambda run: run["wall"])


def main() -> None:
    default = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "teleo-codex"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kb", nargs="?", default=str(default))
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the fastest is kept")
    args = parser.parse_args()
    floor = measure(FLOOR, args.kb, args.repeat)
    runs = [("floor (read + [[)", floor)]
    for name, code in STEPS.items():
        runs.append((name, measure(PRELUDE + code + "\n", args.kb, args.repeat)))
    print(f"KB: {args.kb} ({floor['notes']} notes); each step cold, in a fresh process, imports included")
    print(f"{'step':<26}{'wall s':>8}{'cpu s':>8}{'peak MB':>9}{'x floor':>9}")
    for name, run in runs:
        ratio = run["wall"] / floor["wall"] if floor["wall"] else float("nan")
        print(f"{name:<26}{run['wall']:>8.3f}{run['cpu']:>8.3f}{run['rss_mb']:>9.1f}{ratio:>9.1f}")


if __name__ == "__main__":
    main()
