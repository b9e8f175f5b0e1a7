"""Strip outputs and execution counts from notebooks in place (the build executes them).

Usage: python scripts/strip_outputs.py chapters/*.ipynb
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def strip(path: Path) -> bool:
    """Remove outputs, execution counts and widget state; return True if the file changed."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)
    nb.get("metadata", {}).pop("widgets", None)
    new = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    if new != text:
        path.write_text(new, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        if strip(Path(arg)):
            print(f"stripped {arg}")
