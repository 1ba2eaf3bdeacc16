"""Regenerate the seed goldens after an intended parser change: python tests/golden/regen.py — then review the diff."""
import json
from pathlib import Path

from gklint.api import parse_file, report_to_json

HERE = Path(__file__).parent
for seed in sorted((HERE.parent / "reports" / "seeds").glob("*.txt")):
    data = report_to_json(parse_file(seed))
    out = {"sections": [[s["number"], s["heading"], s["line"], s["column"]] for s in data["sections"]],
           "cells": [[c["table"], c["row"], c["col"], c["value"], c["raw"], c["line"], c["column"]] for c in data["cells"]]}
    (HERE / f"{seed.stem}.json").write_text(json.dumps(out, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print("wrote", seed.stem)
