"""Measure `kb conflicts` on labelled sets: recall of gold conflicts, traps tripped, cards nobody labelled.

    python benchmarks/conflicts_eval.py [--set NAME ...] [-v] [--json OUT]

Each set is a folder with `gold.json` (the conflicts-dev format: inputs, conflicts with sides a and b,
non_conflicts) and its inputs: `sources/` (ingested with `kb ingest`), `claims/` and `entities/`
(copied in as they are), or the inputs at the top level (ingested). A fresh KB is made for every
set and every command runs as a user would run it, in a subprocess. Sets:

- `own`    benchmarks/conflicts-own: written for this repo in domains no other set covers;
- `holdout` benchmarks/conflicts-holdout: written later, labelled before kb ever ran on it, scored
           once, then tuned on (a port, a football club, a library service);
- `holdout2` benchmarks/conflicts-holdout2: written after that, labelled first, then tuned on (a
           wine region, a city's housing, a game studio);
- `holdout3` benchmarks/conflicts-holdout3: written after that, labelled first, scored once (2 of 5),
           then tuned on (a ski resort, a train operator with an entity note, a charity);
- `holdout4` benchmarks/conflicts-holdout4: labelled first, scored once (2 of 7), then tuned on (a
           bike-share scheme, a hospital's emergency department, a coffee chain);
- `holdout5` benchmarks/conflicts-holdout5: labelled first, scored once (0 of 6), then tuned on (a
           science museum, an electricity grid, a meal-kit start-up);
- `holdout6` benchmarks/conflicts-holdout6: labelled first, scored once (1 of 6), then tuned on (an
           offshore wind farm, a city's tourism, a council election);
- `holdout7` benchmarks/conflicts-holdout7: labelled first, scored once (2 of 6), then tuned on (a
           zoo, a rail freight operator, a language app);
- `holdout8` benchmarks/conflicts-holdout8: labelled first, scored once (4 of 6), then tuned on (a
           regional airport, a book publisher, a national park);
- `holdout9` benchmarks/conflicts-holdout9: labelled first, scored once (3 of 5), then looked at (a
           water company, a folk festival, a doctors' practice);
- `holdout10` benchmarks/conflicts-holdout10: labelled first, scored once (2 of 4), then tuned on (a
           dairy co-operative, a biotech's rounds in an entity note, a marathon);
- `holdout11` benchmarks/conflicts-holdout11: labelled first, scored once (1 of 6), then tuned on (a
           cinema chain, a council's recycling, a fishing port);
- `holdout12` benchmarks/conflicts-holdout12: labelled first, scored once, not tuned on (a leisure
           trust's pools, coffee exports, a telecom operator);
- `holdout13` benchmarks/conflicts-holdout13: written last, labelled first, scored once, not tuned
           on (a ferry operator, a bakery chain, a city's libraries);
- `dev`    ../shared/datasets/conflicts-dev (skipped when absent);
- `seeds`  ../shared/seeds (skipped when absent);
- `teleo`  ../shared/corpora/teleo-codex as it is, scored against benchmarks/conflicts-teleo: the
           disagreements issue 11 names from a reviewer's list and others found by reading, with
           look-alike pairs that do not disagree (cards on neither are read by hand).

Scoring follows conflicts-dev's score.py: a gold conflict is found when one card puts a fact of
side a and a fact of side b on different sides; a trap is tripped the same way. A card is *gold*
when it finds a gold conflict, a *trap* when it trips a trap and finds none, otherwise *unlabelled*
(read those by hand: some are real). Precision is gold cards / (gold + trap cards).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
SETS = {
    "own": HERE / "conflicts-own",
    "holdout": HERE / "conflicts-holdout",
    "holdout2": HERE / "conflicts-holdout2",
    "holdout3": HERE / "conflicts-holdout3",
    "holdout4": HERE / "conflicts-holdout4",
    "holdout5": HERE / "conflicts-holdout5",
    "holdout6": HERE / "conflicts-holdout6",
    "holdout7": HERE / "conflicts-holdout7",
    "holdout8": HERE / "conflicts-holdout8",
    "holdout9": HERE / "conflicts-holdout9",
    "holdout10": HERE / "conflicts-holdout10",
    "holdout11": HERE / "conflicts-holdout11",
    "holdout12": HERE / "conflicts-holdout12",
    "holdout13": HERE / "conflicts-holdout13",
    "dev": SHARED / "datasets" / "conflicts-dev",
    "seeds": SHARED / "seeds",
}
TELEO = SHARED / "corpora" / "teleo-codex"


def kb(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kb", *args], capture_output=True, text=True, check=False)


def build(folder: Path, gold: dict, root: Path) -> tuple[dict, dict]:
    """Make a KB from a labelled set; return (ingest report, conflicts report)."""
    kb("init", str(root))
    for sub in ("claims", "entities"):
        if (folder / sub).is_dir():
            (root / sub).mkdir(parents=True, exist_ok=True)
            for path in sorted((folder / sub).glob("*.md")):
                shutil.copy(path, root / sub / path.name)
    if (folder / "sources").is_dir():
        inputs = sorted(str(p) for p in (folder / "sources").iterdir() if p.is_file())
    else:
        inputs = [str(folder / name) for name in gold["inputs"] if (folder / name).is_file()]
    ingest = kb("ingest", "--kb", str(root), "--format", "json", "--date", "2026-01-01", *inputs)
    conflicts = kb("conflicts", "--kb", str(root), "--format", "json", "--no-cache")
    if conflicts.returncode not in (0, 1):
        raise SystemExit(f"kb conflicts failed on {folder}:\n{conflicts.stderr}")
    return json.loads(ingest.stdout or '{"ingested": []}'), json.loads(conflicts.stdout)


def resolver(inputs: list[str], ingest: dict):
    names = set(inputs)
    notes = {}
    for row in ingest.get("ingested", []):
        name = PurePosixPath(row.get("input", "")).name
        if name in names:
            for path in [row.get("source"), *(row.get("claims") or [])]:
                if path:
                    notes[path] = name

    def resolve(source: str) -> str | None:
        if source in notes:
            return notes[source]
        name = PurePosixPath(source).name
        return name if name in names else None

    return resolve


def card_sides(card: dict, resolve) -> list[list[tuple[str, float]]]:
    sides = []
    for side in card.get("sides", []):
        values = [float(side["value"])] if isinstance(side.get("value"), (int, float)) else []
        if str(side.get("unit") or "").lower() in ("bp", "bps", "basis points"):
            values += [v / 100 for v in values]
        facts = []
        for fact in side.get("facts", []):
            file = resolve(fact.get("source", ""))
            if file is not None:
                facts += [(file, value) for value in values]
        sides.append(facts)
    return sides


def separates(sides, a: list, b: list) -> bool:
    def hits(gold_facts):
        return {
            i
            for i, side in enumerate(sides)
            for file, value in side
            for g_file, g_value in gold_facts
            if file == g_file and math.isclose(abs(value), abs(g_value), rel_tol=1e-6, abs_tol=1e-9)
        }

    a_sides = hits(a)
    return bool(a_sides) and any(i != j for i in a_sides for j in hits(b))


def score(gold: dict, ingest: dict, report: dict, verbose: bool, resolve=None) -> dict:
    resolve = resolve or resolver(gold["inputs"], ingest)
    cards = [(card, card_sides(card, resolve)) for card in report.get("conflicts", [])]
    found_by: dict[int, list[str]] = {}
    tripped_by: dict[int, list[str]] = {}
    required = found_required = found_all = 0
    misses, false_positives = [], []
    for g in gold["conflicts"]:
        is_required = bool(g.get("required", True))
        required += is_required
        hit = [i for i, (_, sides) in enumerate(cards) if separates(sides, g["a"], g["b"])]
        for i in hit:
            found_by.setdefault(i, []).append(g["id"])
        if hit:
            found_all += 1
            found_required += is_required
        else:
            misses.append(g["id"] + ("" if is_required else " (optional)"))
    for n in gold["non_conflicts"]:
        hit = [i for i, (_, sides) in enumerate(cards) if separates(sides, [n["a"]], [n["b"]])]
        for i in hit:
            tripped_by.setdefault(i, []).append(n["id"])
        if hit:
            false_positives.append(n["id"])
    gold_cards = len(found_by)
    trap_cards = len([i for i in tripped_by if i not in found_by])
    unlabelled = [card for i, (card, _) in enumerate(cards) if i not in found_by and i not in tripped_by]
    if verbose:
        for miss in misses:
            print(f"  MISS {miss}")
        for trap in false_positives:
            print(f"  TRAP {trap}")
        for card in unlabelled:
            values = " vs ".join(str(s.get("value")) for s in card.get("sides", []))
            print(f"  UNLABELLED {card.get('metric')} / {card.get('subject')} / {card.get('period')}: {values}")
    return {
        "cards": len(cards),
        "required": f"{found_required}/{required}",
        "all": f"{found_all}/{len(gold['conflicts'])}",
        "traps": f"{len(false_positives)}/{len(gold['non_conflicts'])}",
        "gold_cards": gold_cards,
        "trap_cards": trap_cards,
        "unlabelled": len(unlabelled),
        "precision": round(gold_cards / (gold_cards + trap_cards), 2) if gold_cards + trap_cards else None,
        "recall": round(found_all / len(gold["conflicts"]), 2) if gold["conflicts"] else None,
    }


def teleo(verbose: bool = False) -> dict:
    """teleo-codex as it is, scored against benchmarks/conflicts-teleo (paths are the KB's own)."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "kb"
        shutil.copytree(TELEO, copy, ignore=shutil.ignore_patterns(".git", ".kb"))
        start = time.perf_counter()
        run = kb("conflicts", "--kb", str(copy), "--format", "json", "--no-cache")
        seconds = time.perf_counter() - start
    report = json.loads(run.stdout)
    gold = json.loads((HERE / "conflicts-teleo" / "gold.json").read_text(encoding="utf-8"))
    result = score(gold, {}, report, verbose, resolve=lambda source: source)
    return {**result, "facts": report.get("facts"), "seconds": round(seconds, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", choices=[*SETS, "teleo"], help="sets to run (default: all)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print misses, traps and unlabelled cards")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", type=Path, help="build each set's KB under this folder and keep it")
    args = parser.parse_args(argv)
    results = {}
    for name in args.set or [*SETS, "teleo"]:
        if name == "teleo":
            if TELEO.is_dir():
                print("teleo:")
                results[name] = teleo(args.verbose)
                print(f"  {results[name]}")
            continue
        folder = SETS[name]
        if not (folder / "gold.json").is_file():
            print(f"{name}: skipped ({folder} is not present)")
            continue
        gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
        print(f"{name}:")
        if args.keep:
            shutil.rmtree(args.keep / name, ignore_errors=True)
            ingest, report = build(folder, gold, args.keep / name)
        else:
            with tempfile.TemporaryDirectory() as scratch:
                ingest, report = build(folder, gold, Path(scratch) / "KB")
        results[name] = score(gold, ingest, report, args.verbose)
        print(f"  {results[name]}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
