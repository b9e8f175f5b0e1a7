"""The practice page (practice.md, _ext/book_practice.py, _ext/static/lossviz-practice.*).

- The collector, on small doctrees parsed from Markdown: which parts become cards, their ids, the
  question without its number, the answer with its 中文 line split off, code cells left out, and
  marks that survive a translation of the text (the Chinese edition translates at read time).
- A tiny Sphinx project (Markdown chapters, no notebook): cards, links and glossary terms resolved
  from the practice page, and a Chinese build from a message catalogue whose cards are Chinese.
- The built book: every chapter's question, every follow-up question and every exercise (read
  here from the notebooks' Markdown, independently of the extension) is on the practice page.
- In Chromium (network blocked): reveal with a button and with the keyboard, marks, persistence
  after a reload, the review and chapter filters, progress, reset, shuffle; from ``file://`` and
  without storage; a phone in dark mode (cards fill the width, touch targets of 44 px); axe-core in
  light and dark mode; the printed cheat sheet; screenshots in ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import site_metrics
from browser import NetworkLog, fresh_context
from conftest import ROOT, toc_docnames

sys.path.insert(0, str(ROOT / "_ext"))
import book_practice  # noqa: E402
from docutils import nodes  # noqa: E402
from docutils.core import publish_doctree  # noqa: E402
from myst_parser.parsers.docutils_ import Parser  # noqa: E402

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHAPTERS = [name for name in toc_docnames() if name.startswith("chapters/")]
PRACTICE = "practice"


# --- the collector on small doctrees ---------------------------------------------------------------

CHAPTER_MD = """\
# Margins

> **「什么是间隔？」**
>
> *What is the margin?*

**Difficulty:** easy.

## The answer in 30 seconds

- The margin is $m=yf(x)$.

**中文。**

- 间隔是 $m=yf(x)$。

## The answer in 2 minutes · 两分钟版

Longer text.

## Follow-up questions · 面试追问

**1. Why margin 1?**
The scale is free.
中文：尺度可以任意缩放。

**2. What is $\\phi(m)$?**

A function of the margin, not 中文：inside a line.

中文：间隔的函数。

## Exercises

**1.** Compute $1+1$.

```{admonition} Solution
:class: dropdown
It is $2$.
```

**2.** An exercise without a solution is no card.

**3. A titled exercise.** Do it.

```{admonition} Solution
:class: dropdown
Done.
```

## References
"""


def doctree(markdown: str) -> nodes.document:
    return publish_doctree(
        markdown,
        parser=Parser(),
        settings_overrides={
            "myst_enable_extensions": ["dollarmath"],
            "report_level": 4,
            "doctitle_xform": False,
            "output_encoding": "unicode",
        },
    )


def cards_of(markdown: str, name: str = "chapters/margins") -> dict | None:
    tree = doctree(markdown)
    book_practice.tag_parts(tree)
    return book_practice.collect(tree, name)


def text(nodes_list) -> str:
    return " ".join(" ".join(n.astext() for n in nodes_list).split())


def test_cards_and_their_stable_ids():
    found = cards_of(CHAPTER_MD)
    assert found["title"] == "Margins"
    assert [c["id"] for c in found["cards"]] == [
        "margins-question",
        "margins-followup-1",
        "margins-followup-2",
        "margins-exercise-1",
        "margins-exercise-3",
    ]
    assert [c["anchor"] for c in found["cards"]] == [
        "margins",
        "follow-up-questions",
        "follow-up-questions",
        "exercises",
        "exercises",
    ]


def test_question_card_holds_both_questions_and_the_30_second_answer():
    card = cards_of(CHAPTER_MD)["cards"][0]
    assert text(card["question"]) == "「什么是间隔？」 What is the margin?"
    answer = text(card["answer"])
    assert answer.startswith("The margin is m=yf(x)")
    assert "中文。 间隔是" in answer
    assert "Longer text" not in answer  # the 2-minute answer stays in the chapter
    chinese = [n for n in card["answer"] if "practice-zh" in n.get("classes", [])]
    assert len(chinese) == 1 and chinese[0].astext().startswith("中文。")


def test_follow_up_question_loses_its_number_and_answer_splits_off_chinese():
    first, second = cards_of(CHAPTER_MD)["cards"][1:3]
    assert text(first["question"]) == "Why margin 1?"
    assert [p.astext() for p in first["answer"]] == [
        "The scale is free.",
        "中文：尺度可以任意缩放。",
    ]
    assert first["answer"][1]["classes"] == ["practice-zh"]
    assert second["question"][0].next_node(nodes.math).astext() == "\\phi(m)"
    # 中文： inside a line is text, not the start of the Chinese answer
    assert [p.astext() for p in second["answer"]] == [
        "A function of the margin, not 中文：inside a line.",
        "中文：间隔的函数。",
    ]


def test_exercise_card_is_the_text_and_its_solution():
    exercise, titled = cards_of(CHAPTER_MD)["cards"][3:]
    assert text(exercise["question"]) == "Compute 1+1."
    assert text(exercise["answer"]) == "It is 2."
    assert text(titled["question"]) == "A titled exercise. Do it."
    assert titled["question"][0].next_node(nodes.strong).astext() == "A titled exercise."


def test_code_cells_between_parts_are_left_out():
    tree = doctree(CHAPTER_MD)
    section = next(s for s in tree.findall(nodes.section) if s["ids"] == ["follow-up-questions"])
    cell = nodes.container(classes=["cell"])
    cell += nodes.literal_block("lv.claim(...)", "lv.claim(...)")
    section.insert(2, cell)  # right after follow-up 1
    book_practice.tag_parts(tree)
    card = book_practice.collect(tree, "chapters/margins")["cards"][1]
    assert "lv.claim" not in text(card["answer"])


def test_chapter_without_follow_ups_or_exercises_gives_its_question_only():
    md = CHAPTER_MD.split("## Follow-up questions")[0]
    assert [c["kind"] for c in cards_of(md)["cards"]] == ["question"]
    assert cards_of("# Notation\n\nNo questions here.\n") is None


def test_marks_survive_a_translation_of_the_text():
    """The Chinese edition replaces titles and paragraphs (Locale transform) after the marks."""
    tree = doctree(CHAPTER_MD)
    book_practice.tag_parts(tree)
    for section in tree.findall(nodes.section):
        title = section[0]
        if title.astext().startswith("Follow-up"):
            title.replace(title[0], nodes.Text("面试追问"))
            first = section[1]
            first.children = []
            first += nodes.strong("", "1. 为什么间隔取 1？")
            first += nodes.Text("\n尺度可以任意缩放。")
        elif title.astext() == "Exercises":
            title.replace(title[0], nodes.Text("练习"))
    found = book_practice.collect(tree, "chapters/margins")
    followup = found["cards"][1]
    assert followup["id"] == "margins-followup-1"
    assert text(followup["question"]) == "为什么间隔取 1？"
    assert text(followup["answer"]) == "尺度可以任意缩放。"
    assert [c["id"] for c in found["cards"]][-1] == "margins-exercise-3"


def test_every_word_of_the_page_has_its_list_item():
    source = (ROOT / "practice.md").read_text(encoding="utf-8")
    block = source.split("```{practice-cards}", 1)[1].split("```", 1)[0]
    items = [line for line in block.splitlines() if line.startswith("- ")]
    assert len(items) == len(book_practice.UI_KEYS)
    placeholders = {"progress": {"{known}", "{total}"}, "kind_followup": {"{n}"}}
    for key, item in zip(book_practice.UI_KEYS, items, strict=True):
        for placeholder in placeholders.get(key, set()):
            assert placeholder in item, f"{key}: {item!r} lacks {placeholder}"


# --- a tiny Sphinx project -------------------------------------------------------------------------

MINI_CONF = f"""\
import sys
sys.path.insert(0, {str(ROOT / "_ext")!r})
extensions = ["myst_parser", "book_practice"]
myst_enable_extensions = ["dollarmath", "colon_fence"]
exclude_patterns = ["_build"]
html_theme = "basic"
locale_dirs = ["locale"]
gettext_compact = False
"""
MINI_INDEX = """\
# Book

```{toctree}
chapters/two
chapters/one
glossary
practice
```
"""
MINI_GLOSSARY = "# Glossary\n\n```{glossary}\nmargin\n  The signed score.\n```\n"
MINI_ONE = CHAPTER_MD.replace("- The margin is", "- The {term}`margin` is").replace(
    "The scale is free.", "The scale is free, see [chapter two](two.md)."
)
MINI_TWO = """\
# Two: no follow-ups yet

> **「第二题」**

*The second question?*

## The answer in 30 seconds

- An answer.
"""
MINI_PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "The answer in 30 seconds"
msgstr "30 秒回答"

msgid "Follow-up questions · 面试追问"
msgstr "面试追问"

msgid "**1. Why margin 1?** The scale is free, see [chapter two](two.md). 中文：尺度可以任意缩放。"
msgstr "**1. 为什么间隔取 1？**\\n尺度可以任意缩放，见[第二章](two.md)。"

msgid "The {term}`margin` is $m=yf(x)$."
msgstr "{term}`间隔 <margin>` 是 $m=yf(x)$。"
"""


def _mini_project(root: Path) -> Path:
    src = root / "src"
    (src / "chapters").mkdir(parents=True)
    (src / "conf.py").write_text(MINI_CONF, encoding="utf-8")
    (src / "index.md").write_text(MINI_INDEX, encoding="utf-8")
    (src / "glossary.md").write_text(MINI_GLOSSARY, encoding="utf-8")
    (src / "chapters" / "one.md").write_text(MINI_ONE, encoding="utf-8")
    (src / "chapters" / "two.md").write_text(MINI_TWO, encoding="utf-8")
    (src / "practice.md").write_text(
        (ROOT / "practice.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    po = src / "locale" / "zh_CN" / "LC_MESSAGES" / "chapters" / "one.po"
    po.parent.mkdir(parents=True)
    po.write_text(MINI_PO, encoding="utf-8")
    return src


def _sphinx_build(src: Path, out: Path, *extra: str) -> str:
    sphinx = Path(sys.executable).parent / "sphinx-build"
    proc = subprocess.run(
        [str(sphinx), "-W", "--keep-going", "-q", "-b", "html", *extra, str(src), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return (out / f"{PRACTICE}.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    root = tmp_path_factory.mktemp("practice-mini")
    src = _mini_project(root)
    return src, root


def card_html(page: str, card_id: str) -> str | None:
    """The HTML of one card (up to the next card or chapter), or None."""
    m = re.search(
        rf'id="card-{re.escape(card_id)}"(.*?)(?=class="practice-card |</section>)', page, re.S
    )
    return m.group(1) if m else None


def plain(fragment: str) -> str:
    fragment = re.sub(r"<mjx-container.*?</mjx-container>", " ", fragment, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_mini_book_cards_in_reading_order_with_resolved_links(mini):
    src, root = mini
    page = _sphinx_build(src, root / "en")
    ids = [i for i in re.findall(r'id="card-([^"]+)"', page) if not i.endswith("-answer")]
    assert ids == [
        "two-question",
        "one-question",
        "one-followup-1",
        "one-followup-2",
        "one-exercise-1",
        "one-exercise-3",
    ]
    one = card_html(page, "one-question")
    assert 'href="glossary.html#term-margin"' in one
    assert 'href="chapters/one.html#margins"' in one  # back to the chapter, from the root
    assert 'href="chapters/two.html"' in card_html(page, "one-followup-1")
    assert "Follow-up 2 · 追问 2" in card_html(page, "one-followup-2")
    assert page.count("lossviz-practice.js") == 1
    chapter = (root / "en" / "chapters" / "one.html").read_text(encoding="utf-8")
    assert "practice" not in chapter  # no script, no marks on the chapters


def test_mini_book_in_chinese_has_chinese_cards(mini):
    src, root = mini
    page = _sphinx_build(src, root / "zh", "-D", "language=zh_CN")
    followup = plain(card_html(page, "one-followup-1"))
    assert "为什么间隔取 1？" in followup and "尺度可以任意缩放，见" in followup
    assert "Why margin 1" not in followup
    question = card_html(page, "one-question")
    assert "间隔" in plain(question) and 'href="glossary.html#term-margin"' in question
    assert 'href="chapters/two.html"' in card_html(page, "one-followup-1")


def test_wrong_number_of_words_fails_the_build(tmp_path):
    src = _mini_project(tmp_path)
    practice = src / "practice.md"
    practice.write_text(
        practice.read_text(encoding="utf-8").replace("- Shuffle · 随机顺序\n", ""), "utf-8"
    )
    with pytest.raises(AssertionError, match="the list must have"):
        _sphinx_build(src, tmp_path / "out")


# --- the built book: every question of the notebooks is on the page ------------------------------


def notebook_markdown(name: str) -> str:
    nb = json.loads((ROOT / f"{name}.ipynb").read_text(encoding="utf-8"))
    return "\n\n".join(
        "".join(cell["source"]) for cell in nb["cells"] if cell["cell_type"] == "markdown"
    )


def _section(markdown: str, heading: str) -> str | None:
    m = re.search(rf"^## {re.escape(heading)}.*?$(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    return m.group(1) if m else None


def _fragments(markdown_text: str) -> list[str]:
    """The words of a Markdown question outside math, roles and markup: what the page shows."""
    t = re.sub(r"\$[^$]*\$", "\n", markdown_text)
    t = re.sub(r"\{[\w:]+\}`([^`<]*?)(?:\s*<[^>]*>)?`", r"\1", t)
    t = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", t)
    t = re.sub(r"[*`>]", "", t)
    t = re.sub("[\"'“”‘’]", "", t)  # the page has typographic quotes (smartquotes): none compared
    return [" ".join(part.split()) for part in t.split("\n") if len(part.strip()) > 2]


def source_questions(name: str) -> dict[str, list[str]]:
    """Card id -> text fragments of its question, read from the notebook's Markdown."""
    md = notebook_markdown(name)
    slug = name.rsplit("/", 1)[-1]
    found: dict[str, list[str]] = {}
    head = md.split("\n## ", 1)[0]
    quote = [line[1:].strip() for line in head.splitlines() if line.startswith(">")]
    found[f"{slug}-question"] = _fragments("\n".join(line for line in quote if line))
    followups = _section(md, "Follow-up questions")
    for number, question in re.findall(r"^\*\*(\d+)\.\s+(.+?)\*\*", followups or "", re.M | re.S):
        found[f"{slug}-followup-{number}"] = _fragments(question)
    exercises = _section(md, "Exercises")
    for number, title in re.findall(r"^\*\*(\d+)\.(.*?)\*\*", exercises or "", re.M | re.S):
        found[f"{slug}-exercise-{number}"] = _fragments(title)
    return found


@pytest.fixture(scope="module")
def practice_page(built_site) -> str:
    return (built_site / f"{PRACTICE}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_question_of_the_chapter_is_a_card(practice_page, name):
    expected = source_questions(name)
    missing, wrong = [], []
    for card_id, fragments in expected.items():
        fragment_html = card_html(practice_page, card_id)
        if fragment_html is None:
            missing.append(card_id)
            continue
        # compared without white space: the page splits Chinese runs into <span lang> elements
        shown = re.sub(r"[\s\"'“”‘’]+", "", plain(fragment_html))
        wrong += [f"{card_id}: {f!r}" for f in fragments if re.sub(r"\s+", "", f) not in shown]
    assert not missing, f"{name}: no card for {missing}"
    assert not wrong, f"{name}: card text differs from the notebook: {wrong}"
    extra = set(
        re.findall(rf'id="card-({re.escape(name.rsplit("/", 1)[-1])}-[^"]+)"', practice_page)
    )
    extra -= set(expected) | {f"{k}-answer" for k in expected}
    assert not extra, f"{name}: cards with no question in the notebook: {sorted(extra)}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_chapter_has_follow_up_cards(practice_page, name):
    md = notebook_markdown(name)
    assert _section(md, "Follow-up questions") is not None, (
        f"{name} has no '## Follow-up questions · 面试追问' section yet: no follow-up cards"
    )
    slug = name.rsplit("/", 1)[-1]
    assert card_html(practice_page, f"{slug}-followup-1"), f"{name}: no follow-up card"


def test_at_least_40_cards_with_answers(practice_page):
    cards = re.findall(r'id="card-([^"]+)-answer"', practice_page)
    assert len(cards) >= 40, f"only {len(cards)} cards"
    for card_id in cards:
        answer = re.search(
            rf'id="card-{re.escape(card_id)}-answer">(.*?)<p class="practice-source">',
            practice_page,
            re.S,
        )
        assert answer and plain(answer.group(1)), f"{card_id}: empty answer"


def test_card_counts_per_chapter(practice_page):
    """Not a gate: the counts for the closing note (printed with -s)."""
    counts = {}
    for name in CHAPTERS:
        slug = name.rsplit("/", 1)[-1]
        ids = re.findall(
            rf'id="card-{re.escape(slug)}-(question|followup|exercise)(?:-\d+)?"', practice_page
        )
        counts[slug] = {k: ids.count(k) for k in ("question", "followup", "exercise")}
    print(json.dumps(counts, indent=1))
    assert all(c["question"] == 1 for c in counts.values()), counts


# --- in the browser --------------------------------------------------------------------------------

_STATE_JS = """() => {
  const cards = [...document.querySelectorAll('.practice-card')];
  // Shown: not hidden by a filter (display: none up the tree). Not getClientRects(): a card
  // moved while its chapter is skipped below the screen (content-visibility: auto) has no box
  // until the reader scrolls near it, yet it is shown.
  const visible = (el) => !!el && el.checkVisibility();
  return {
    cards: cards.length,
    visible: cards.filter(visible).map((c) => c.id),
    open: cards.filter((c) => visible(c.querySelector('.practice-a'))).map((c) => c.id),
    known: cards.filter((c) => c.querySelector('.practice-known').getAttribute('aria-pressed') === 'true').map((c) => c.id),
    review: cards.filter((c) => c.querySelector('.practice-review').getAttribute('aria-pressed') === 'true').map((c) => c.id),
    total: document.querySelector('.practice-total').textContent.trim(),
    progress: [...document.querySelectorAll('.practice-progress')].map((p) => p.textContent.trim()),
    note: !!document.querySelector('.practice-note'),
  };
}"""


def _state(page) -> dict:
    return page.evaluate(_STATE_JS)


def _wait_until_stored(page, url: str, done) -> None:
    """Wait until a fresh page of the same site reads marks for which ``done(marks)`` holds.

    Chromium hands a page's localStorage writes to the browser process asynchronously: a reload
    at once after a click once read the marks from before it (from ``file://``, in a CI run).
    A reader does not reload within milliseconds; the test waits as long as the write takes.
    """
    probe = page.context.new_page()
    try:
        probe.goto(url, wait_until="load")
        raw = None
        for _ in range(100):
            raw = probe.evaluate("(key) => localStorage.getItem(key)", "lossviz-practice-marks")
            if done(json.loads(raw or "{}")):
                return
            probe.wait_for_timeout(100)
        raise AssertionError(f"the marks never reached the browser's storage: {raw}")
    finally:
        probe.close()


def _exercise_page(page, url: str) -> None:
    """Reveal, mark, reload, filter, reset: the same steps over http and from file://."""
    page.goto(url, wait_until="load")
    start = _state(page)
    assert start["cards"] >= 1 and start["open"] == [] and start["known"] == []
    n = start["cards"]
    assert start["total"].startswith(f"0 / {n}")
    first, second = start["visible"][0], start["visible"][1]

    # reveal with the button, hide again
    button = page.locator(f"#{first} .practice-reveal")
    assert button.get_attribute("aria-expanded") == "false"
    button.click()
    assert _state(page)["open"] == [first]
    assert button.get_attribute("aria-expanded") == "true"
    button.click()
    assert _state(page)["open"] == []

    # reveal with the keyboard: Enter on the button, then the s key inside the card
    page.locator(f"#{second} .practice-reveal").focus()
    page.keyboard.press("Enter")
    assert _state(page)["open"] == [second]
    page.keyboard.press("s")
    assert _state(page)["open"] == []

    # mark: got it with a click, review again with the r key
    page.locator(f"#{first} .practice-known").click()
    page.locator(f"#{second} .practice-reveal").focus()
    page.keyboard.press("r")
    marked = _state(page)
    assert marked["known"] == [first] and marked["review"] == [second]
    assert marked["total"].startswith(f"1 / {n}")
    assert marked["progress"][0].startswith("1 / ")

    # persistence after a reload
    stored = {first.removeprefix("card-"): "known", second.removeprefix("card-"): "review"}
    _wait_until_stored(page, url, lambda marks: marks == stored)
    page.reload(wait_until="load")
    again = _state(page)
    assert again["known"] == [first] and again["review"] == [second], again
    assert again["total"].startswith(f"1 / {n}")

    # the review filter hides the known card only; the chapter filter shows one chapter
    page.check("#practice-review-only")
    filtered = _state(page)
    assert first not in filtered["visible"] and second in filtered["visible"]
    assert len(filtered["visible"]) == n - 1
    page.uncheck("#practice-review-only")
    options = page.eval_on_selector_all("#practice-chapter option", "os => os.map(o => o.value)")
    assert options[0] == "all" and len(options) >= 2
    page.select_option("#practice-chapter", options[-1])
    one = _state(page)["visible"]
    section = page.eval_on_selector_all(f"#{options[-1]} .practice-card", "cs => cs.map(c => c.id)")
    assert one == section and 0 < len(one) < n
    page.select_option("#practice-chapter", "all")

    # shuffle keeps the cards, book order restores them
    page.click(".practice-shuffle")
    assert sorted(_state(page)["visible"]) == sorted(start["visible"])
    page.click(".practice-order")
    assert _state(page)["visible"] == start["visible"]

    # reset, after the confirmation
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".practice-reset")
    cleared = _state(page)
    assert cleared["known"] == [] and cleared["review"] == []
    _wait_until_stored(page, url, lambda marks: marks == {})
    page.reload(wait_until="load")
    assert _state(page)["known"] == []


@contextlib.contextmanager
def _browser(site_browser, **options):
    """``(context, log)``: a fresh context (own storage, own network log) of the run's Chromium,
    the ``site_browser`` fixture's: playwright's sync API runs one browser session at a time."""
    _base, browser_context, _log = site_browser
    log = NetworkLog()
    context = fresh_context(browser_context, log, **options)
    try:
        yield context, log
    finally:
        context.close()


def _console(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@pytest.mark.slow
def test_self_test_over_http_and_from_file(built_site, site_browser):
    from browser import serve_directory

    with (
        serve_directory(built_site) as base,
        _browser(site_browser, **site_metrics.LAPTOP) as (context, log),
    ):
        page = context.new_page()
        errors = _console(page)
        _exercise_page(page, f"{base}{PRACTICE}.html")
        page.close()
        disk = context.new_page()
        errors += _console(disk)
        _exercise_page(disk, (built_site / f"{PRACTICE}.html").resolve().as_uri())
        assert errors == []
        assert log.blocked == [] and log.failed == []


@pytest.mark.slow
def test_without_storage_the_page_still_works_and_says_so(built_site, site_browser):
    with _browser(site_browser, **site_metrics.LAPTOP) as (context, log):
        # Like a full or locked storage: reading works, writing the page's marks throws. (Only
        # the page's own keys: the theme's script does not survive a storage that throws.)
        context.add_init_script(
            "const set = Storage.prototype.setItem;"
            "Storage.prototype.setItem = function (key, value) {"
            "  if (String(key).startsWith('lossviz-practice'))"
            "    throw new DOMException('denied', 'QuotaExceededError');"
            "  return set.call(this, key, value); };"
        )
        page = context.new_page()
        errors = _console(page)
        page.goto((built_site / f"{PRACTICE}.html").resolve().as_uri(), wait_until="load")
        state = _state(page)
        assert state["note"] and page.locator(".practice-note").is_visible()
        first = state["visible"][0]
        page.locator(f"#{first} .practice-reveal").click()
        page.locator(f"#{first} .practice-known").click()
        assert _state(page)["known"] == [first]
        assert errors == []


_TARGETS_JS = """() => [...document.querySelectorAll(
    '.practice-button, .practice-select, .practice-check label')]
  .filter((el) => el.getClientRects().length)
  .map((el) => { const r = el.getBoundingClientRect();
                 return {text: el.textContent.trim().slice(0, 30), w: r.width, h: r.height}; })"""

_WIDTH_JS = """() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const inner = article.getBoundingClientRect().width;
  const cards = [...document.querySelectorAll('.practice-card')].filter(c => c.getClientRects().length);
  return {article: inner, cards: cards.map(c => c.getBoundingClientRect().width),
          overflow: document.scrollingElement.scrollWidth - window.innerWidth};
}"""


def _theme(page, mode: str) -> None:
    # No colour transitions (the theme's buttons fade over 0.15 s): axe must read the final
    # colours, not a frame of the fade.
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    page.evaluate(
        """(mode) => { document.documentElement.dataset.mode = mode;
                      document.documentElement.dataset.theme = mode; }""",
        mode,
    )
    page.wait_for_timeout(150)


@pytest.mark.slow
def test_phone_dark_and_laptop_light_fit_accessible_and_screenshots(built_site, site_browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    axe = site_metrics.axe_script()
    url = (built_site / f"{PRACTICE}.html").resolve().as_uri()
    with _browser(site_browser, **site_metrics.PHONE) as (context, log):
        page = context.new_page()
        page.goto(url, wait_until="load")
        first = _state(page)["visible"][0]
        page.locator(f"#{first} .practice-reveal").click()
        page.locator(f"#{first} .practice-review").click()
        _theme(page, "dark")
        targets = page.evaluate(_TARGETS_JS)
        small = [t for t in targets if t["h"] < 44 or t["w"] < 44]
        assert targets and not small, f"touch targets under 44 px: {small}"
        width = page.evaluate(_WIDTH_JS)
        assert width["overflow"] <= 1, width
        assert min(width["cards"]) >= 0.9 * width["article"], width
        page.screenshot(path=SCREENSHOTS / "practice.phone.dark.png")
        page.screenshot(path=SCREENSHOTS / "practice.phone.dark.full.png", full_page=True)
        for mode in ("dark", "light"):
            _theme(page, mode)
            findings = site_metrics.axe_findings(page, axe)
            assert findings == [], f"axe ({mode}, phone): {findings}"
    with _browser(site_browser, **site_metrics.LAPTOP) as (context, log):
        page = context.new_page()
        page.goto(url, wait_until="load")
        state = _state(page)
        page.locator(f"#{state['visible'][1]} .practice-reveal").click()
        page.locator(f"#{state['visible'][0]} .practice-known").click()
        _theme(page, "light")
        page.locator(".practice-toolbar").scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / "practice.laptop.light.png")
        for mode in ("light", "dark"):
            _theme(page, mode)
            findings = site_metrics.axe_findings(page, axe)
            assert findings == [], f"axe ({mode}, laptop): {findings}"


_PRINT_JS = """() => {
  const shown = (el) => el.getClientRects().length > 0;
  return {
    buttons: [...document.querySelectorAll('.practice-button, .practice-toolbar')].filter(shown).length,
    hiddenAnswers: [...document.querySelectorAll('.practice-kind-question .practice-a, .practice-kind-followup .practice-a')].filter(a => !shown(a)).length,
    breaks: [...document.querySelectorAll('.practice-chapter')].map(s => getComputedStyle(s).breakBefore),
  };
}"""


@pytest.mark.slow
def test_cheat_sheet_prints_one_chapter_per_page_without_controls(built_site, site_browser):
    with _browser(site_browser, **site_metrics.LAPTOP) as (context, log):
        page = context.new_page()
        page.goto((built_site / f"{PRACTICE}.html").resolve().as_uri(), wait_until="load")
        pages = site_metrics.print_pages(page)
        page.emulate_media(media="print")
        printed = page.evaluate(_PRINT_JS)
        page.emulate_media(media="screen")
    chapters = len(printed["breaks"])
    assert printed["buttons"] == 0 and printed["hiddenAnswers"] == 0, printed
    assert printed["breaks"][1:] == ["page"] * (chapters - 1), printed
    assert chapters <= pages <= site_metrics.PRINT_PAGE_BUDGET, (pages, chapters)
    print(f"cheat sheet: {pages} A4 pages for {chapters} chapters")
