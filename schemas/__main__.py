"""Writes the JSON Schema of every message model into `schemas/json/`.

Run `python -m schemas` after changing a model; `tests/unit/test_schemas.py`
fails while the files and the models disagree.
"""

import json
import sys
from pathlib import Path

from schemas.messages import MESSAGE_MODELS

JSON_DIR = Path(__file__).parent / "json"


def render(name: str) -> str:
    schema = MESSAGE_MODELS[name].model_json_schema()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    JSON_DIR.mkdir(exist_ok=True)
    for name in MESSAGE_MODELS:
        (JSON_DIR / f"{name}.json").write_text(render(name), encoding="utf-8")
    sys.stderr.write(f"wrote {len(MESSAGE_MODELS)} schemas to {JSON_DIR}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
