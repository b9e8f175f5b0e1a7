"""Issue 15's checkable rules on the built chapter pages, as a laptop reader (1280x800) sees them.

Measured during the one browser visit of each page (``site_visit`` in conftest.py, collected by
``test_site_browser.visit_pages``: ``CHAPTER_JS`` and ``chapter_rules.BLOCKS_JS``), for every
chapter of every edition:

- visible code is at most 10 % of the page's height: the heights of the ``div.cell_input`` that
  show (not inside a collapsed "show code" <details>) over the document's height;
- no visible code line is cut off: every visible ``pre`` fits its box (scrollWidth <= clientWidth+1);
- every claim is displayed: the ✓ lines (``.lossviz-claim``) on the page are as many as the
  chapter's last cell prints ("N claims of this chapter were checked");
- English edition: the 30-second answer and the follow-up questions (``chapter_rules``; the same
  rules run on the notebooks' source in test_chapter_text.py).

Each rule is shown able to fail on hand-made pages (``test_every_chapter_rule_fails_...``).
"""

from __future__ import annotations

import re
import shutil

import pytest
from chapter_rules import answer_numbers, answer_problems, blocks_from_dom, followup_problems
from conftest import RUN_SUMMARY
from test_site_browser import CHAPTERS, visit_pages

pytestmark = pytest.mark.slow

#: Visible code over page height, at most.
CODE_SHARE_BUDGET = 0.10
#: What the last cell of a chapter prints first (the number of claims checked).
_CLAIM_COUNT = re.compile(r"(\d+) claims of this chapter were checked")


def claim_count(printed: str | None, translated: bool = False) -> int | None:
    """The number of claims the last cell printed: "N claims of this chapter were checked"; in a
    translated edition, the first number of the first line printed (its sentence is translated)."""
    match = _CLAIM_COUNT.search(printed or "")
    if match:
        return int(match.group(1))
    if translated:
        first = next((line for line in (printed or "").splitlines() if line.strip()), "")
        number = re.search(r"\d+", first)
        return int(number.group(0)) if number else None
    return None


def code_share_problems(chapter: dict) -> list[str]:
    share = chapter["code"] / chapter["height"]
    if share > CODE_SHARE_BUDGET:
        return [
            f"visible code is {share:.1%} of the page ({chapter['code']:.0f} of "
            f"{chapter['height']} px in {chapter['code_blocks']} code cells; budget "
            f"{CODE_SHARE_BUDGET:.0%}): hide or remove the input of checks and helpers"
        ]
    return []


def clipped_problems(chapter: dict) -> list[str]:
    return [f"code line cut off on the right by {c}" for c in chapter["clipped"]]


def claim_problems(chapter: dict) -> list[str]:
    printed = claim_count(chapter["last_output"], translated=bool(chapter.get("edition")))
    if printed is None:
        return [
            "the last cell does not print 'N claims of this chapter were checked' "
            f"(it printed {(chapter['last_output'] or '')[:120]!r})"
        ]
    if chapter["claims"] != printed:
        return [f"{chapter['claims']} ✓ lines on the page, but {printed} claims were checked"]
    return []


def answer_site_problems(chapter: dict) -> list[str]:
    return answer_problems(blocks_from_dom(chapter["blocks"]))


def followup_site_problems(chapter: dict) -> list[str]:
    return followup_problems(blocks_from_dom(chapter["blocks"]))


#: Rules for every edition; the text rules only for the English one (its own 中文 passages).
RULES = {
    "code-share": code_share_problems,
    "clipped-code": clipped_problems,
    "claims-shown": claim_problems,
}
TEXT_RULES = {"answer-30s": answer_site_problems, "follow-ups": followup_site_problems}


def _cases():
    for name in CHAPTERS:
        rules = RULES if name.startswith("zh/") else {**RULES, **TEXT_RULES}
        for rule in rules:
            yield pytest.param(name, rule, id=f"{name}-{rule}")


@pytest.mark.parametrize(("name", "rule"), list(_cases()))
def test_chapter(site_visit, name, rule):
    chapter = site_visit[name].chapter
    problems = {**RULES, **TEXT_RULES}[rule](chapter)
    assert problems == [], f"{name}.html, {rule}:\n" + "\n".join(problems)


def test_chapter_numbers_are_reported(site_visit):
    """The per-chapter numbers behind the rules, in the run's summary."""
    rows = []
    for name in CHAPTERS:
        c = site_visit[name].chapter
        row = (
            f"{name}: {site_visit[name].tab_stops} Tab stops, code {c['code'] / c['height']:.1%} of {c['height'] / c['viewport']:.1f} "
            f"screens, {len(c['clipped'])} clipped, {c['claims']} ✓ of "
            f"{claim_count(c['last_output'])}"
        )
        if not name.startswith("zh/"):
            try:
                n = answer_numbers(blocks_from_dom(c["blocks"]))
                row += f", 30 s: {n['bullets']} bullets {n['words']} words {n['hanzi']} 汉字"
            except LookupError:
                row += ", no 30-second answer"
        rows.append(row)
    RUN_SUMMARY.append("chapters (laptop 1280x800): " + "; ".join(rows))
    print("\n" + "\n".join(rows))
    assert len(rows) == len(CHAPTERS)


# --- each rule can fail: a real chapter page with its article replaced ----------------------------

_GOOD_ARTICLE = (
    "<h1>Good chapter</h1>"
    '<section id="a"><h2>The answer in 30 seconds</h2>'
    "<ul><li><p>One <strong>short</strong> bullet.</p></li><li><p>Two.</p></li>"
    "<li><p>Three.</p></li></ul>"
    "<p><strong>中文。</strong></p><ul><li><p>一。</p></li><li><p>二。</p></li></ul></section>"
    '<section id="b"><h2>Follow-up questions · 面试追问</h2>'
    + "".join(
        f"<p><strong>{i}. Question {i}?</strong> Answer.</p><p>中文：答。</p>" for i in range(1, 9)
    )
    + "</section>"
    '<p class="lossviz-claim">✓ one</p><p class="lossviz-claim">✓ two</p>'
    + '<div class="cell docutils container"><div class="cell_input"><pre>x = 1</pre></div>'
    '<div class="cell_output"><pre>2 claims of this chapter were checked by the code above:</pre>'
    "</div></div>" + '<div style="height: 3000px"></div>'
)

_BAD_ARTICLE = (
    "<h1>Bad chapter</h1>"
    '<section id="a"><h2>The answer in 30 seconds</h2><ul>'
    + "".join(f"<li><p>Bullet {i} {'word ' * 14}</p></li>" for i in range(6))
    + "</ul><p><strong>中文。</strong></p><ul><li><p>"
    + "汉" * 170
    + "</p></li></ul></section>"
    '<section id="b"><h2>Follow-up questions · 面试追问</h2>'
    "<p><strong>1. Only one question?</strong> And its 中文：in the same paragraph.</p></section>"
    '<p class="lossviz-claim">✓ one</p>'
    '<details class="hide above-input"><summary>Show code</summary>'
    '<div class="cell_input"><pre>hidden = "does not count"</pre></div></details>'
    + '<div class="cell docutils container"><div class="cell_input" style="height: 600px">'
    '<pre style="overflow-x: auto">' + "a_very_long_line = 1  # " * 30 + "</pre></div>"
    '<div class="cell_output"><pre>3 claims of this chapter were checked</pre></div></div>'
    + '<div style="height: 2000px"></div>'
)


def test_every_chapter_rule_fails_on_a_broken_page_and_passes_a_good_one(
    built_site, site_browser, tmp_path
):
    site = tmp_path / "site"
    shutil.copytree(built_site, site, ignore=shutil.ignore_patterns("*.ipynb", "_images", "zh"))
    page = (site / f"{CHAPTERS[0]}.html").read_text(encoding="utf-8")
    article = re.compile(r'(<article class="bd-article">).*?(</article>)', re.DOTALL)
    assert article.search(page), "the theme's article element moved: update this test"
    for stem, body in (("good", _GOOD_ARTICLE), ("bad", _BAD_ARTICLE)):
        text = article.sub(lambda m, b=body: m.group(1) + b + m.group(2), page, count=1)
        (site / "chapters" / f"zz_{stem}.html").write_text(text, encoding="utf-8")
    visits = visit_pages(site, ["chapters/zz_good", "chapters/zz_bad"], browser=site_browser[1:])
    rules = {**RULES, **TEXT_RULES}
    good = {rule: fn(visits["chapters/zz_good"].chapter) for rule, fn in rules.items()}
    assert all(p == [] for p in good.values()), good
    bad = {rule: fn(visits["chapters/zz_bad"].chapter) for rule, fn in rules.items()}
    silent = [rule for rule, problems in bad.items() if not problems]
    assert silent == [], f"rules that missed a deliberate defect: {silent}\n{bad}"
    assert any("visible code is" in p for p in bad["code-share"])
    assert len(bad["clipped-code"]) == 1 and "a_very_long_line" in bad["clipped-code"][0]
    assert bad["claims-shown"] == ["1 ✓ lines on the page, but 3 claims were checked"]
    answer = " | ".join(bad["answer-30s"])
    assert "6 English bullets" in answer and "English words" in answer and "170 汉字" in answer
    follow = " | ".join(bad["follow-ups"])
    assert "1 follow-up questions" in follow and "question 1 has no paragraph" in follow
    # the hidden cell's source does not count as visible code: only the 600-px cell does
    assert visits["chapters/zz_bad"].chapter["code_blocks"] == 1
