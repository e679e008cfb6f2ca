#!/usr/bin/env python3
"""ava's translation checks (src/task/translate/verify*) over every saved output (issue 14).

Which wrong answers do the checks catch, and which correct ones do they flag? Every output
saved in bench/translate/results/*.json (ava and plain, 0.5B and 1.5B, each distinct text of
an item once) and every reference translation of bench/translate/set is scored by
bench/translate.py (--rescore: "wrong" = wrong language, empty, a number or currency changed,
a listed number lost) and checked by the real Rust code (the ignored test
`problems_of_saved_outputs`, which calls verify::problems on each pair). A reference that
fails a check, or an answer the bench counts correct that fails one, is a false flag unless
it is a real error the bench does not count (listed for reading).

  python3 bench/translate_checks.py            # needs cargo and sacrebleu + lingua
"""

from __future__ import annotations

import collections
import glob
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Messages of the checks added for names, times and currency words (the rest are older).
NEW = ("currency not kept", "time of day changed", "a name lost", "name not kept",
       "street name not kept", "place not kept", "number in words differs",
       "left untranslated", "count in words")


def load_bench():
    spec = importlib.util.spec_from_file_location("translate_bench", HERE / "translate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["translate_bench"] = mod
    spec.loader.exec_module(mod)
    return mod


def main():
    bench = load_bench()
    items = {i.id: i for i in bench.load_set(bench.SET_DIR)}
    tmp = Path(tempfile.mkdtemp(prefix="ava-translate-checks-"))
    pairs: dict[tuple[str, str], dict] = {}
    for f in sorted(glob.glob(str(HERE / "translate" / "results" / "*.json"))):
        out = tmp / Path(f).name
        subprocess.run([sys.executable, str(HERE / "translate.py"), "--rescore", f,
                        "--json", str(out)], check=True, stdout=subprocess.DEVNULL)
        for system, data in json.loads(out.read_text(encoding="utf-8"))["systems"].items():
            for r in data["items"]:
                if not r["output"].strip():
                    continue
                e = pairs.setdefault((r["id"], r["output"]), {
                    "id": r["id"], "lang": items[r["id"]].lang, "source": items[r["id"]].src,
                    "output": r["output"], "wrong": r["wrong"], "missing": r["missing"],
                    "runs": []})
                e["runs"].append(f"{Path(f).stem}:{system}:exit {r['exit_code']}")
    rows = list(pairs.values())
    for i in items.values():
        rows.append({"id": i.id, "lang": i.lang, "source": i.src, "output": i.ref,
                     "wrong": False, "missing": [], "runs": ["reference"]})
    (tmp / "pairs.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    env = dict(os.environ, AVA_VERIFY_PAIRS=str(tmp / "pairs.json"),
               AVA_VERIFY_OUT=str(tmp / "problems.json"))
    subprocess.run(["cargo", "test", "-q", "--no-default-features", "--lib",
                    "problems_of_saved_outputs", "--", "--ignored"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    found = json.loads((tmp / "problems.json").read_text(encoding="utf-8"))

    counts = collections.Counter()
    listed = []
    for row, problems in zip(rows, found):
        kind = ("reference" if row["runs"] == ["reference"]
                else "wrong" if row["wrong"] else "correct")
        new = [p for p in problems if p.startswith(NEW)]
        counts[kind] += 1
        counts[(kind, "any")] += bool(problems)
        counts[(kind, "new")] += bool(new)
        counts[(kind, "only new")] += bool(new) and len(new) == len(problems)
        if (kind != "wrong" and problems) or (kind == "wrong" and not problems) or \
                (kind == "wrong" and new and len(new) == len(problems)):
            listed.append((kind, row, problems))
    for kind in ("wrong", "correct", "reference"):
        print(f"{kind:9} {counts[kind]:3}: failing any check {counts[(kind, 'any')]:3}, "
              f"a new check {counts[(kind, 'new')]:3}, only a new check "
              f"{counts[(kind, 'only new')]:3}")
    print("\nTo read (correct or reference answers flagged, wrong answers passing, wrong "
          "answers only the new checks catch):")
    for kind, row, problems in listed:
        print(f"- {row['id']} [{kind}] {', '.join(row['runs'][:3])}")
        print(f"    checks: {problems or 'pass'}")
        print(f"    bench missing: {row['missing']}")
        print("    " + row["output"][:300].replace("\n", " | "))


if __name__ == "__main__":
    main()
