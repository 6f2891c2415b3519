"""Write docs/openapi.json: the HTTP API's OpenAPI document, generated from the code.

Run after changing a route or a request or answer model: `.venv/bin/python scripts/write_openapi.py`
tests/server/test_openapi.py fails while the committed copy differs from what the code generates.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from deportsim.server import openapi_document

TARGET = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


def main() -> int:
    """Write the document (``--check``: only say whether the committed copy is current)."""
    text = json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n"
    if "--check" in sys.argv[1:]:
        current = TARGET.is_file() and TARGET.read_text(encoding="utf-8") == text
        state = "current" if current else "stale"
        sys.stdout.write(f"docs/openapi.json is {state}\n")
        return 0 if current else 1
    TARGET.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
