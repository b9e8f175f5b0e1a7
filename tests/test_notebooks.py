"""The notebook gate's own checks.

Every chapter notebook is executed top to bottom in a fresh kernel by nbmake (``pytest --nbmake
chapters``, run by scripts/test.sh). These tests check that the committed notebooks carry no
outputs, and that the gate can fail: a deliberately broken copy of a chapter must make it fail.
"""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest
from conftest import ROOT

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def test_there_are_chapters():
    assert CHAPTERS, "no notebooks under chapters/"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    nbformat.validate(nbformat.reads(path.read_text(encoding="utf-8"), as_version=4))
    dirty = [
        i
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, f"{path.name}: cells {dirty} have outputs or execution counts"
    assert "widgets" not in nb.get("metadata", {}), f"{path.name}: saved widget state"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_is_listed_in_toc(path):
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert f"chapters/{path.stem}" in toc, f"{path.name} is not in _toc.yml"


def _run_gate(notebook) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbmake", "-p", "no:cacheprovider", "-q", str(notebook)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=notebook.parent,
    )


def test_gate_fails_on_a_broken_notebook(tmp_path):
    """A gate that cannot fail is not a gate: inject a false claim into a copy of a chapter."""
    source = CHAPTERS[0]
    nb = nbformat.read(source, as_version=4)
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells.insert(
        first_code + 1,
        nbformat.v4.new_code_cell(
            "import lossviz as lv\n"
            "lv.claim_close('deliberately false: 0.1 + 0.2 == 0.4', 0.1 + 0.2, 0.4)"
        ),
    )
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, broken)
    proc = _run_gate(broken)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out[-3000:]
    assert "1 failed" in out and "deliberately false" in out, out[-3000:]


def test_gate_fails_on_an_exception(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise RuntimeError('boom')"),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "raises.ipynb"
    nbformat.write(nb, path)
    proc = _run_gate(path)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1 and "boom" in out, out[-3000:]


def test_gate_passes_a_good_notebook(tmp_path):
    """The control for the two tests above: the same runner passes a notebook that works."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import lossviz as lv\nlv.claim('1 + 1 == 2', 1 + 1 == 2)")
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "good.ipynb"
    nbformat.write(nb, path)
    proc = _run_gate(path)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
