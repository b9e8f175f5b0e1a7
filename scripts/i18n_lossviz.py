"""lossviz's message catalogue: collect every string the chapters make lossviz draw, update the .po.

    python scripts/i18n_lossviz.py [--lang zh_CN] [--lookups FILE]

Executes every chapter notebook (``chapters/*.ipynb``) as the book build does (static display
mode, so every frame of every slider figure is drawn) in the target language with ``LOSSVIZ_I18N_COLLECT``
set: each string lossviz looks up (figure text, control labels and option texts, readouts, alt
texts, ✓ lines, glue text) is recorded. ``--lookups FILE`` reuses such a record instead of
executing the notebooks. The strings become ``lossviz/locale/lossviz.pot``; the catalogue
``lossviz/locale/<lang>/LC_MESSAGES/lossviz.po`` is updated to it: new strings are added
untranslated, strings no longer drawn are dropped, translations of the others are kept (no fuzzy
matching: a changed English string is a new entry, translated anew).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lossviz.display import DISPLAY_ENV  # noqa: E402
from lossviz.i18n import COLLECT_ENV, DOMAIN, LANG_ENV, LOCALE_DIR, catalogue_path  # noqa: E402


def execute_notebooks(lookups: Path, lang: str) -> None:
    import nbformat
    from nbclient import NotebookClient

    os.environ[DISPLAY_ENV] = "static"
    # In the target language: the strings recorded are exactly those the translated edition looks
    # up (a string drawn only in English, e.g. replaced by a template in Chinese, is not one).
    os.environ[LANG_ENV] = lang
    os.environ[COLLECT_ENV] = str(lookups)
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        start = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        NotebookClient(
            nb,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
        print(f"i18n_lossviz: executed {path.name} in {time.perf_counter() - start:.0f} s")


def read_lookups(path: Path) -> dict[str, set[str]]:
    """``msgid -> contexts`` from a JSON-lines record (first appearance order kept)."""
    found: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            found.setdefault(item["msgid"], set()).add(item["context"])
    return found


def update_catalogue(found: dict[str, set[str]], lang: str) -> tuple[int, int, int]:
    """Write the template and update the language's catalogue; (entries, untranslated, dropped)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    template = Catalog(project="lossviz", fuzzy=False)
    for msgid, contexts in found.items():
        template.add(msgid, auto_comments=sorted(contexts))
    LOCALE_DIR.mkdir(parents=True, exist_ok=True)
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as f:
        write_po(f, template, width=100, omit_header=False, sort_output=True)
    path = catalogue_path(lang)
    if path.is_file():
        with path.open("rb") as f:
            catalog = read_po(f, locale=lang)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale=lang, project="lossviz", fuzzy=False)
    old = {m.id for m in catalog if m.id}
    catalog.update(template, no_fuzzy_matching=True)
    dropped = len(old - set(found))
    catalog.obsolete.clear()  # strings no longer drawn: dropped, not kept as #~ entries
    catalog.fuzzy = False
    with path.open("wb") as f:
        write_po(f, catalog, width=100, sort_output=True, ignore_obsolete=True)
    untranslated = sum(1 for m in catalog if m.id and not m.string)
    return len(found), untranslated, dropped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="zh_CN")
    parser.add_argument("--lookups", type=Path, help="a record of lookups instead of executing")
    args = parser.parse_args(argv)
    if args.lookups:
        found = read_lookups(args.lookups)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            lookups = Path(tmp) / "lookups.jsonl"
            lookups.touch()
            execute_notebooks(lookups, args.lang)
            found = read_lookups(lookups)
    total, untranslated, dropped = update_catalogue(found, args.lang)
    print(
        f"i18n_lossviz: {total} strings; {untranslated} untranslated, {dropped} dropped in "
        f"{catalogue_path(args.lang).relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
