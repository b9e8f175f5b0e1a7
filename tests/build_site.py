"""Build the book for the test run, in the background: ``python tests/build_site.py OUT``.

scripts/test.sh starts this at its very beginning (while ruff and the tests that need no site run)
and names ``OUT`` in ``$LOSSVIZ_BUILD``; ``built_site`` (conftest.py) waits for it. The command is
the suite's own (``site_metrics.build_command``: warnings are errors, every notebook executed in a
fresh output folder). Writes ``OUT/build.log`` (stdout and stderr), ``OUT/build.seconds`` and, last,
``OUT/build.rc`` (the exit status), which tells a waiting reader that the build is over.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from site_metrics import ROOT, build_command

LOG, SECONDS, RC = "build.log", "build.seconds", "build.rc"


def build(book: Path, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with open(out / LOG, "w", encoding="utf-8") as log:
        proc = subprocess.run(build_command(book, out), stdout=log, stderr=subprocess.STDOUT)
    (out / SECONDS).write_text(f"{time.perf_counter() - start:.1f}\n")
    tmp = out / (RC + ".tmp")
    tmp.write_text(f"{proc.returncode}\n")
    tmp.replace(out / RC)  # atomic: a reader never sees a half-written status
    return proc.returncode


if __name__ == "__main__":
    book = Path(os.environ.get("LOSSVIZ_BOOK", ROOT))
    sys.exit(build(book, Path(sys.argv[1])))
