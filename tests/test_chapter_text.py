"""Issue 15's text rules on the chapter notebooks' Markdown: fast feedback, no build needed.

The same rules (``chapter_rules.py``) run on the built pages in ``test_site_chapters.py``:

- the 30-second answer: 3-5 English bullets, at most 80 English words, then ``**中文。**`` and
  Chinese bullets of at most 160 汉字;
- at least 8 follow-up questions (``**N. Question?**``), each followed by its own ``中文：``
  paragraph.
"""

from __future__ import annotations

import pytest
from chapter_rules import (
    answer_numbers,
    answer_problems,
    followup_problems,
    followups,
    markdown_blocks,
    notebook_blocks,
)
from conftest import ROOT

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_answer_in_30_seconds_is_short(path):
    problems = answer_problems(notebook_blocks(path))
    assert problems == [], f"{path.name}, 'The answer in 30 seconds':\n" + "\n".join(problems)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_follow_up_questions(path):
    problems = followup_problems(notebook_blocks(path))
    assert problems == [], f"{path.name}, follow-up questions:\n" + "\n".join(problems)


# --- the rules can fail: hand-written chapters, one good and several broken ------------------------

_EN = "- Bullet one with $x^2$ and {cite}`key`.\n- Bullet two.\n- Bullet three.\n"
_ZH = "- 第一条。\n- 第二条。\n- 第三条。\n"


def _answer(en: str = _EN, zh: str = _ZH, marker: str = "**中文。**") -> str:
    return f"# Chapter\n\n## The answer in 30 seconds\n\n{en}\n{marker}\n\n{zh}\n## Next\n\ntext\n"


def _followups(n: int = 8, chinese: str = "\n\n中文：回答。") -> str:
    questions = "\n\n".join(
        f"**{i}. Question {i}?**\nAn answer of two lines,\nwith $a=b$.{chinese}"
        for i in range(1, n + 1)
    )
    return f"## Follow-up questions · 面试追问\n\n{questions}\n\n## Exercises\n\n**1.** Do it.\n"


def test_rules_pass_a_good_chapter():
    blocks = markdown_blocks(_answer() + "\n" + _followups())
    assert answer_problems(blocks) == [] and followup_problems(blocks) == []
    numbers = answer_numbers(blocks)
    # formulas and citations are not words: "Bullet one with and" + 2 + 2
    assert (numbers["bullets"], numbers["words"], numbers["zh_bullets"]) == (3, 8, 3)
    assert numbers["hanzi"] == 9
    assert [q["number"] for q in followups(blocks)] == list(range(1, 9))


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (_answer(en=_EN + "- Four.\n- Five.\n- Six.\n"), "6 English bullets"),
        (_answer(en="- One.\n- Two.\n"), "2 English bullets"),
        (_answer(en=_EN + "- " + "word " * 80 + "\n"), "English words"),
        (_answer(zh="- " + "汉" * 161 + "\n"), "161 汉字"),
        (_answer(marker="中文"), "no paragraph '中文。'"),
        (_answer(zh="中文段落，不是列表。\n"), "no Chinese bullets"),
        (_answer(en=_EN + "\ntext\n\n" + _EN), "2 English bullet lists"),
        ("## Another title\n\n" + _EN, "no section 'The answer in 30 seconds'"),
    ],
)
def test_answer_rule_fails(markdown, expected):
    problems = answer_problems(markdown_blocks(markdown))
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (_followups(7), "7 follow-up questions"),
        (_followups(chinese="\n中文：回答在同一段里。"), "question 1 has no paragraph"),
        (_followups(chinese=""), "question 8 has no paragraph"),
        (_followups().replace("**3. ", "**4. ", 1), "not 1..8"),
        ("## Questions\n\n**1. Q?**\n\n中文：答。\n", "no section 'Follow-up questions'"),
    ],
)
def test_followup_rule_fails(markdown, expected):
    problems = followup_problems(markdown_blocks(markdown))
    assert any(expected in p for p in problems), problems
