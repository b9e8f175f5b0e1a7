"""Build the book's editions: English at ``OUT/_build/html/``, Chinese at ``OUT/_build/html/zh/``.

    python scripts/i18n_build.py SOURCE --path-output OUT [--warningiserror] [--keep-going]
                                 [--edition en|zh] [--serial]
    python scripts/i18n_build.py SOURCE --path-output OUT --gettext   # page message templates

Each edition is one Sphinx build through Jupyter Book's configuration (``_config.yml`` → Sphinx,
exactly what ``jupyter-book build`` does), run in its own process: the Chinese one with
``language: zh_CN`` (Sphinx reads ``locale/zh_CN/LC_MESSAGES/<docname>.po``) and its own doctree
folder. Each edition executes the notebooks itself, because figures carry language-specific text
(``_ext/book_i18n.py`` tells lossviz the language). Both run at the same time unless ``--serial``;
the exit status is non-zero when either fails. Each edition's output is shown as it comes, its
lines prefixed ``[en]`` / ``[zh]``, and saved in ``OUT/_build/build-<edition>.log``; a failing
edition's last lines are repeated at the end. A notebook that raises fails the build with the
cell's traceback in the output (as ``jupyter-book build`` shows it).

``--gettext`` writes the message templates of every page (``OUT/_build/gettext/**/*.pot``) with
notebook execution off: only the Markdown of the pages and notebooks is extracted, never outputs.
``scripts/i18n_update.sh`` runs it and then ``sphinx-intl update``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

#: Edition -> (Sphinx language, output folder below ``OUT/_build/html``, doctree folder).
EDITIONS = {
    "en": ("en", "", ".doctrees"),
    "zh": ("zh_CN", "zh", ".doctrees-zh"),
}


def editions(source: Path) -> list[str]:
    """English, and Chinese when the book has its catalogues (``locale/zh_CN``)."""
    return ["en"] + (["zh"] if (source / "locale" / EDITIONS["zh"][0]).is_dir() else [])


def _sphinx(source: Path, outdir: Path, doctrees: Path, builder: str, overrides: dict, args):
    """One Sphinx build in this process (jupyter_book.sphinx.build_sphinx); its exit status."""
    from jupyter_book.sphinx import build_sphinx

    result = build_sphinx(
        source,
        outdir,
        use_external_toc=True,
        noconfig=True,
        path_config=source / "_config.yml",
        confoverrides={"latex_individualpages": False, **overrides},
        doctreedir=doctrees,
        builder=builder,
        warningiserror=args.warningiserror,
        keep_going=args.keep_going,
    )
    if isinstance(result, BaseException):
        # Sphinx printed only the last frame ("ExecutionError: <notebook>"); show the whole chain,
        # as ``jupyter-book build`` does: for a notebook that raised, the cell and its traceback.
        print("i18n_build: the Sphinx build raised:", file=sys.stderr)
        traceback.print_exception(result, file=sys.stderr)
    if result != 0:
        # A notebook that failed as a warning (not raised) leaves its traceback in reports/.
        for report in sorted((outdir / "reports").rglob("*.err.log")):
            print(f"i18n_build: {report}:", file=sys.stderr)
            print(report.read_text(encoding="utf-8", errors="replace"), file=sys.stderr)
    sys.stderr.flush()
    return result if isinstance(result, int) else 1


def build_edition(source: Path, out: Path, edition: str, args) -> int:
    language, folder, doctrees = EDITIONS[edition]
    html = out / "_build" / "html"
    outdir = html / folder if folder else html
    overrides = {"language": language}
    if folder:
        # Sphinx compiles each .po into a .mo beside it: compile a copy in the output folder, so
        # the source tree stays clean (and parallel builds of two checkouts never share a file).
        locale = out / "_build" / "locale"
        shutil.copytree(
            source / "locale", locale, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.mo")
        )
        overrides["locale_dirs"] = [str(locale)]
        # myst-nb's toggles of hidden code cells (English in its configuration, not a catalogue)
        overrides["nb_code_prompt_show"] = "显示代码"
        overrides["nb_code_prompt_hide"] = "隐藏代码"
        overrides["author"] = "《损失函数：交互式图解》作者"  # the footer's "By ..."
    if not folder:
        return _sphinx(source, outdir, out / "_build" / doctrees, "html", overrides, args)
    # myst-nb writes executed notebooks and their images to the output folder's parent
    # (``jupyter_execute/``, ``.jupyter_cache/``): for html/zh that would be the English site's
    # html/, 26 MB of files no page uses, deployed with the site. So this edition is built in its
    # own folder, _build/edition-zh/html, and moved to html/zh when done (and back before a
    # rebuild, so Sphinx's incremental build still sees its pages).
    stage = out / "_build" / f"edition-{edition}" / "html"
    if outdir.is_dir() and not stage.exists():
        stage.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(outdir, stage)
    status = _sphinx(source, stage, out / "_build" / doctrees, "html", overrides, args)
    if stage.is_dir():
        if outdir.exists():
            shutil.rmtree(outdir)
        shutil.move(stage, outdir)
    return status


def build_gettext(source: Path, out: Path, args) -> int:
    overrides = {"language": "en", "nb_execution_mode": "off"}
    build = out / "_build"
    return _sphinx(
        source, build / "gettext", build / ".doctrees-gettext", "gettext", overrides, args
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--path-output", type=Path, default=None)
    parser.add_argument("--warningiserror", "-W", action="store_true")
    parser.add_argument("--keep-going", action="store_true")
    parser.add_argument("--edition", choices=sorted(EDITIONS))
    parser.add_argument("--serial", action="store_true", help="one edition after the other")
    parser.add_argument("--gettext", action="store_true", help="write the page templates")
    args = parser.parse_args(argv)
    source = args.source.resolve()
    out = (args.path_output or source).resolve()
    if args.gettext:
        return build_gettext(source, out, args)
    if args.edition:
        return build_edition(source, out, args.edition, args)
    # Both editions, each in its own process (Sphinx patches docutils globally; the display
    # language of lossviz is a per-process environment variable).
    flags = [f for f, on in (("-W", args.warningiserror), ("--keep-going", args.keep_going)) if on]
    base = [sys.executable, str(Path(__file__).resolve()), str(source), "--path-output", str(out)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    starts, procs, readers, logs = {}, {}, {}, {}
    for edition in editions(source):
        logs[edition] = out / "_build" / f"build-{edition}.log"
        logs[edition].parent.mkdir(parents=True, exist_ok=True)
        starts[edition] = time.perf_counter()
        procs[edition] = subprocess.Popen(
            [*base, *flags, "--edition", edition],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
        )
        readers[edition] = threading.Thread(
            target=_relay, args=(procs[edition].stdout, f"[{edition}] ", logs[edition])
        )
        readers[edition].start()
        if args.serial:
            procs[edition].wait()
            readers[edition].join()
    status = 0
    for edition, proc in procs.items():
        code = proc.wait()
        readers[edition].join()
        print(
            f"i18n_build: edition {edition} exit {code}, "
            f"{time.perf_counter() - starts[edition]:.0f} s",
            flush=True,
        )
        status = status or code
    interleaved = len(procs) > 1 and not args.serial
    for edition, proc in procs.items():
        if proc.returncode != 0:
            print(
                f"i18n_build: edition {edition} FAILED (exit {proc.returncode}); "
                f"its log: {logs[edition]}",
                flush=True,
            )
            if interleaved:  # the editions' lines interleave above: repeat the end of this one's
                lines = logs[edition].read_text(encoding="utf-8", errors="replace").splitlines()
                print(f"i18n_build: the last {min(len(lines), TAIL)} lines of edition {edition}:")
                print("\n".join(f"[{edition}] {line}" for line in lines[-TAIL:]), flush=True)
    return status


#: Lines of a failing edition's log repeated at the end of the output.
TAIL = 120


def _relay(stream, prefix: str, path: Path) -> None:
    """Copy an edition's output to this process's stdout (each line prefixed with the edition)
    and to ``path``, line by line, as it comes."""
    with open(path, "w", encoding="utf-8") as log:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", errors="replace")
            log.write(line)
            sys.stdout.write(prefix + line)
            sys.stdout.flush()
    stream.close()


if __name__ == "__main__":
    code = main()
    # Skip the interpreter's final garbage collection: after a Sphinx build it can take minutes
    # (a 2 GB object graph); everything is written, only the process memory remains.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
