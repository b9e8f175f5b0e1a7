#!/usr/bin/env bash
# Update the Chinese edition's catalogues to the current English source (run after editing text):
#   bash scripts/i18n_update.sh            pages (Sphinx) and lossviz's strings
#   bash scripts/i18n_update.sh --pages    only the pages' catalogues (no notebook is executed)
# 1. Page catalogues: `sphinx-build -b gettext` through Jupyter Book's configuration (notebook
#    execution off: Markdown and notebook Markdown cells only) writes one template per page, then
#    `sphinx-intl update` merges them into locale/zh_CN/LC_MESSAGES/<docname>.po: new messages
#    are added untranslated, changed ones become fuzzy (with the old translation as a draft),
#    removed ones are dropped (below), and a page that no longer exists loses its catalogue.
# 2. lossviz's catalogue (figure text, slider labels, readouts, ✓ lines, glue text):
#    scripts/i18n_lossviz.py executes every chapter in Chinese, records every string lossviz
#    looks up and updates lossviz/locale/zh_CN/LC_MESSAGES/lossviz.po.
# Then translate every entry with an empty msgstr or a `#, fuzzy` flag (remove the flag), and run
# `.venv/bin/python -m pytest tests/test_i18n.py`.
set -euo pipefail
cd "$(dirname "$0")/.."
lang=zh_CN
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

.venv/bin/python scripts/i18n_build.py . --path-output "$out" --gettext >"$out/gettext.log" 2>&1 \
  || { cat "$out/gettext.log" >&2; exit 1; }
pot="$out/_build/gettext"
.venv/bin/sphinx-intl update -p "$pot" -l "$lang" -d locale -w 100 --no-obsolete >/dev/null
# sphinx-intl keeps removed messages as obsolete (#~) entries and keeps catalogues of removed pages.
.venv/bin/python - "$pot" "locale/$lang/LC_MESSAGES" <<'PY'
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

pot, po_dir = Path(sys.argv[1]), Path(sys.argv[2])
for po in sorted(po_dir.rglob("*.po")):
    name = po.relative_to(po_dir).with_suffix(".pot")
    if not (pot / name).is_file():
        print(f"i18n_update: {po} belongs to no page any more: removed")
        po.unlink()
        po.with_suffix(".mo").unlink(missing_ok=True)
        continue
    with po.open("rb") as f:
        catalog = read_po(f)
    if catalog.obsolete:
        catalog.obsolete.clear()
        with po.open("wb") as f:
            write_po(f, catalog, width=100, ignore_obsolete=True)
    todo = sum(1 for m in catalog if m.id and (not m.string or m.fuzzy))
    total = sum(1 for m in catalog if m.id)
    print(f"i18n_update: {po}: {total} messages, {todo} to translate")
PY
[ "${1:-}" = "--pages" ] || .venv/bin/python scripts/i18n_lossviz.py --lang "$lang"
