"""Join the drawn candidates (`draw.py`) with the reviewers' labels into `pairs.csv`.

    .venv/bin/python bench/resolve_eval2/assemble.py cand_0.csv labels_0.csv [cand_1.csv ...]

Every candidate must have exactly one label row (same keys, same order); `unsure` rows are
kept in the file and left out of the measures.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = ["key_a", "key_b", "schema", "stratum", "split", "label", "reason"]


def main(argv: list[str]) -> int:
    rows = []
    for cand_path, label_path in zip(argv[::2], argv[1::2], strict=True):
        with open(cand_path, encoding="utf-8") as fa, open(label_path, encoding="utf-8") as fb:
            cands, labels = list(csv.DictReader(fa)), list(csv.DictReader(fb))
        if [(c["key_a"], c["key_b"]) for c in cands] != [(x["key_a"], x["key_b"]) for x in labels]:
            raise SystemExit(f"{label_path}: keys differ from {cand_path}")
        for c, x in zip(cands, labels, strict=True):
            if x["label"] not in ("same", "different", "unsure"):
                raise SystemExit(f"{label_path}: bad label {x['label']!r}")
            rows.append({**{k: c[k] for k in COLUMNS[:5]}, "label": x["label"],
                         "reason": x["reason"].strip()})  # fmt: skip
    rows.sort(key=lambda r: (r["stratum"], r["key_a"], r["key_b"]))
    with (HERE / "pairs.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} pairs -> {HERE / 'pairs.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
