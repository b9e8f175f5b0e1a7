"""The parallel test run (scripts/test.sh: ``pytest -n 3 --dist loadgroup``) keeps each group of
tests on one worker: one JupyterLab server, one browser visit of the site (conftest.py: run_group).

A small suite in a temporary folder uses this suite's collection hook (tests/conftest.py) with
stand-ins for the site fixtures; each test writes down the worker that ran it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections import defaultdict

from conftest import ROOT

_CONFTEST = f"""
import importlib.util, json, os, sys
from pathlib import Path
import pytest

sys.path.insert(0, {str(ROOT / "tests")!r})
_spec = importlib.util.spec_from_file_location("suite_conftest", {str(ROOT / "tests" / "conftest.py")!r})
_suite = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_suite)
pytest_collection_modifyitems = _suite.pytest_collection_modifyitems

@pytest.fixture(scope="session")
def built_site():
    return None

@pytest.fixture(scope="session")
def site_visit(built_site):
    return None

@pytest.fixture(autouse=True)
def _where(request):
    yield
    with open(Path(__file__).parent / "where.jsonl", "a") as out:
        out.write(json.dumps([request.node.nodeid, os.environ.get("PYTEST_XDIST_WORKER")]) + "\\n")
"""

_FILES = {
    "test_jupyterlab.py": "def test_{i}(): pass\n",
    "test_units.py": "def test_{i}(): pass\n",
    "test_visit.py": "def test_{i}(site_visit): pass\n",
    "test_site.py": "def test_{i}(built_site): pass\n",
}


def test_each_group_runs_on_one_worker(tmp_path):
    (tmp_path / "conftest.py").write_text(_CONFTEST)
    for name, body in _FILES.items():
        (tmp_path / name).write_text("".join(body.format(i=i) for i in range(6)))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "3"]
        + ["--dist", "loadgroup", "--no-loadscope-reorder", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    workers = defaultdict(set)
    for line in (tmp_path / "where.jsonl").read_text().splitlines():
        nodeid, worker = json.loads(line)
        workers[nodeid.split("::")[0]].add(worker)
    assert sum(1 for _ in (tmp_path / "where.jsonl").open()) == 24
    for name in ("test_jupyterlab.py", "test_visit.py", "test_site.py"):
        assert len(workers[name]) == 1, f"{name}: run by {sorted(workers[name])}"
    assert len(set().union(*workers.values())) >= 2, textwrap.shorten(str(workers), 300)
