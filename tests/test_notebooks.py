"""The notebooks as committed, and the notebook gate's own checks.

Every chapter notebook is executed top to bottom in a fresh kernel in every run, each execution a
gate: by the book build, once per edition (static figures, as on the website; an error fails the
build, see test_build.py's tiny books), and by the JupyterLab test (live figures, Run All as a
reader does; an error, a traceback or stderr fails it, see its control notebook). nbmake no longer
runs the chapters once more (it ran them in live mode, as JupyterLab does).

These tests check that the committed notebooks carry no outputs and are in the table of contents,
and that a chapter with a false claim or an exception stops with that error when executed in a
fresh kernel (nbclient, the executor myst-nb's build uses), in either display mode.
"""

from __future__ import annotations

import json
import os

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


def _execute(nb: nbformat.NotebookNode, tmp_path, mode: str) -> str | None:
    """Execute ``nb`` in a fresh kernel with lossviz in display ``mode``; the error, or None."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from lossviz.display import DISPLAY_ENV

    env = {**os.environ, DISPLAY_ENV: mode, "MPLBACKEND": "Agg"}
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        client.execute()
    except CellExecutionError as err:
        return str(err)
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return None


def _with_kernelspec(cells: list[str]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


@pytest.mark.parametrize("mode", ["static", "live"])
def test_gate_fails_on_a_broken_notebook(tmp_path, mode):
    """A gate that cannot fail is not a gate: a false claim in a copy of a chapter (after its first
    code cell, the rest dropped: execution stops at the first error anyway)."""
    nb = nbformat.read(CHAPTERS[0], as_version=4)
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells = nb.cells[: first_code + 1] + [
        nbformat.v4.new_code_cell(
            "import lossviz as lv\n"
            "lv.claim_close('deliberately false: 0.1 + 0.2 == 0.4', 0.1 + 0.2, 0.4)"
        ),
        nbformat.v4.new_code_cell("never_run = True"),
    ]
    error = _execute(nb, tmp_path, mode)
    assert error is not None and "deliberately false" in error and "ClaimError" in error, error
    assert "execution_count" not in nb.cells[-1] or nb.cells[-1].execution_count is None


def test_gate_fails_on_an_exception(tmp_path):
    error = _execute(_with_kernelspec(["x = 1", "raise RuntimeError('boom')"]), tmp_path, "live")
    assert error is not None and "boom" in error, error


def test_gate_passes_a_good_notebook(tmp_path):
    """The control for the two tests above: the same executor passes a notebook that works."""
    nb = _with_kernelspec(["import lossviz as lv\nlv.claim('1 + 1 == 2', 1 + 1 == 2)"])
    assert _execute(nb, tmp_path, "live") is None
    assert "1 + 1 == 2" in json.dumps(nb.cells[0].outputs)
