"""Issue 15's checkable rules for a chapter's text, on a list of blocks from either source.

A chapter is read as a flat list of :class:`Block` (headings, paragraphs, bullet lists), from its
notebook's Markdown (:func:`notebook_blocks`: no build needed, fast feedback for authors) or from
the built page (``tests/test_site_browser.py`` collects the same list from the DOM). The rules:

- the 30-second answer (section "The answer in 30 seconds"): 3-5 English bullets of at most 80
  English words in all, then a paragraph ``中文。`` and Chinese bullets of at most 160 汉字 in all;
- the follow-up questions (section "Follow-up questions · 面试追问"): at least 8 questions, each a
  paragraph that starts with a bold ``N. question``, each followed (before the next question) by a
  paragraph that starts with ``中文：``.

Formulas do not count as words (``$...$`` in the source, MathJax output on the site), nor do
citations and cross-references.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

ANSWER_TITLE = "The answer in 30 seconds"
FOLLOWUP_TITLE = "Follow-up questions"
MIN_BULLETS, MAX_BULLETS = 3, 5
MAX_ENGLISH_WORDS = 80
MAX_HANZI = 160
MIN_FOLLOWUPS = 8
ZH_ANSWER_MARKER = "中文。"
ZH_FOLLOWUP_MARKER = "中文："

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
#: A follow-up question's bold lead: "N. " and the question (or a task: "Derive ...").
_QUESTION = re.compile(r"^\s*(\d+)\.\s+\S")


@dataclass
class Block:
    """One top-level block of a page: ``kind`` is "h1".."h6", "p", "ul" or "ol".

    ``text`` is its visible text without formulas; ``items`` the text of each list item;
    ``lead_bold`` the text of the bold run a paragraph starts with ("" if none).
    """

    kind: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    lead_bold: str = ""

    @property
    def level(self) -> int:
        return int(self.kind[1]) if self.kind.startswith("h") else 0


def english_words(text: str) -> int:
    return len(_WORD.findall(_HAN.sub(" ", text)))


def hanzi(text: str) -> int:
    return len(_HAN.findall(text))


def section(blocks: list[Block], title: str) -> list[Block] | None:
    """The blocks under the first heading that starts with ``title``, up to the next heading of
    the same or a higher level; ``None`` when there is no such heading."""
    for i, block in enumerate(blocks):
        if block.level and block.text.strip().startswith(title):
            end = next(
                (j for j in range(i + 1, len(blocks)) if 0 < blocks[j].level <= block.level),
                len(blocks),
            )
            return blocks[i + 1 : end]
    return None


def answer_numbers(blocks: list[Block]) -> dict:
    """Bullets, English words and 汉字 of the 30-second answer (raises LookupError if absent)."""
    body = section(blocks, ANSWER_TITLE)
    if body is None:
        raise LookupError(f"no section {ANSWER_TITLE!r}")
    marker = next(
        (i for i, b in enumerate(body) if b.kind == "p" and b.text.strip() == ZH_ANSWER_MARKER),
        None,
    )
    english = body if marker is None else body[:marker]
    chinese = [] if marker is None else body[marker + 1 :]
    en_lists = [b for b in english if b.kind in ("ul", "ol")]
    zh_lists = [b for b in chinese if b.kind in ("ul", "ol")]
    en_items = en_lists[0].items if en_lists else []
    zh_items = zh_lists[0].items if zh_lists else []
    return {
        "marker": marker is not None,
        "en_lists": len(en_lists),
        "bullets": len(en_items),
        "words": sum(english_words(t) for t in en_items),
        "zh_bullets": len(zh_items),
        "hanzi": sum(hanzi(t) for t in zh_items),
    }


def answer_problems(blocks: list[Block]) -> list[str]:
    try:
        n = answer_numbers(blocks)
    except LookupError as err:
        return [str(err)]
    problems = []
    if n["en_lists"] != 1:
        problems.append(f"{n['en_lists']} English bullet lists before 中文。 (one expected)")
    if not MIN_BULLETS <= n["bullets"] <= MAX_BULLETS:
        problems.append(f"{n['bullets']} English bullets ({MIN_BULLETS}-{MAX_BULLETS} expected)")
    if n["words"] > MAX_ENGLISH_WORDS:
        problems.append(f"{n['words']} English words (at most {MAX_ENGLISH_WORDS})")
    if not n["marker"]:
        problems.append(f"no paragraph {ZH_ANSWER_MARKER!r} before the Chinese bullets")
    elif n["zh_bullets"] == 0:
        problems.append(f"no Chinese bullets after {ZH_ANSWER_MARKER!r}")
    if n["hanzi"] > MAX_HANZI:
        problems.append(f"{n['hanzi']} 汉字 in the Chinese bullets (at most {MAX_HANZI})")
    return problems


def followups(blocks: list[Block]) -> list[dict]:
    """The follow-up questions: ``{"number", "question", "chinese"}`` (raises LookupError)."""
    body = section(blocks, FOLLOWUP_TITLE)
    if body is None:
        raise LookupError(f"no section {FOLLOWUP_TITLE!r}")
    questions: list[dict] = []
    for block in body:
        if block.kind != "p":
            continue
        match = _QUESTION.match(block.lead_bold)
        if match:
            questions.append(
                {"number": int(match.group(1)), "question": block.lead_bold.strip(), "chinese": 0}
            )
        elif questions and block.text.lstrip().startswith(ZH_FOLLOWUP_MARKER):
            questions[-1]["chinese"] += 1
    return questions


def followup_problems(blocks: list[Block]) -> list[str]:
    try:
        questions = followups(blocks)
    except LookupError as err:
        return [str(err)]
    problems = []
    if len(questions) < MIN_FOLLOWUPS:
        problems.append(
            f"{len(questions)} follow-up questions (paragraphs starting '**N. ...**'; at least "
            f"{MIN_FOLLOWUPS})"
        )
    numbers = [q["number"] for q in questions]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"questions numbered {numbers}, not 1..{len(numbers)}")
    problems += [
        f"question {q['number']} has no paragraph starting with {ZH_FOLLOWUP_MARKER!r} after it "
        "(it must be its own paragraph: a blank line before it)"
        for q in questions
        if not q["chinese"]
    ]
    return problems


# --- the notebook's Markdown as blocks ------------------------------------------------------------

_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+?\$", re.DOTALL)
_ROLE = re.compile(r"\{[a-z:-]+\}`[^`]*`")


def _plain(inline_token) -> str:
    """Visible text of a markdown-it inline token: formulas and roles dropped."""
    parts = []
    for child in inline_token.children or []:
        if child.type == "text":
            parts.append(child.content)
        elif child.type == "code_inline":
            parts.append(f"`{child.content}`")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    text = _ROLE.sub(" ", _MATH.sub(" ", "".join(parts))).replace("`", "")
    return " ".join(text.split())


def _lead_bold(inline_token) -> str:
    children = [c for c in inline_token.children or [] if c.type != "text" or c.content]
    if not children or children[0].type != "strong_open":
        return ""
    text = []
    for child in children[1:]:
        if child.type == "strong_close":
            break
        text.append(child.content)
    return _MATH.sub(" ", "".join(text))


def markdown_blocks(markdown: str) -> list[Block]:
    """The top-level blocks of a Markdown text (CommonMark, as MyST parses it)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(markdown)
    blocks: list[Block] = []
    depth = 0  # list nesting
    items: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and depth == 0:
            blocks.append(Block(tok.tag, _plain(tokens[i + 1])))
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            if depth == 0:
                items = []
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                kind = "ul" if tok.type == "bullet_list_close" else "ol"
                blocks.append(Block(kind, " ".join(items), items=items))
        elif tok.type == "list_item_open" and depth == 1:
            items.append("")
        elif tok.type == "inline" and depth >= 1 and items:
            items[-1] = (items[-1] + " " + _plain(tok)).strip()
        elif tok.type == "paragraph_open" and depth == 0:
            inline = tokens[i + 1]
            blocks.append(Block("p", _plain(inline), lead_bold=_lead_bold(inline)))
    return blocks


def notebook_blocks(path: Path) -> list[Block]:
    """The blocks of every Markdown cell of a notebook, in order."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    blocks: list[Block] = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = cell["source"]
            blocks += markdown_blocks("".join(source) if isinstance(source, list) else source)
    return blocks


# --- the built page's blocks, collected in the browser ---------------------------------------------

#: ``() => [{kind, text, items, lead_bold}]``: the article's headings, paragraphs and lists that are
#: not inside a list, a code cell or a sidebar, in document order, formulas removed from the text.
BLOCKS_JS = """() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const text = (el) => {
    const c = el.cloneNode(true);
    c.querySelectorAll('mjx-container, .headerlink, script, style').forEach(e => e.remove());
    return c.textContent.replace(/\\s+/g, ' ').trim();
  };
  const out = [];
  for (const el of article.querySelectorAll('h1, h2, h3, h4, h5, h6, p, ul, ol')) {
    if (el.parentElement.closest('li, ul, ol, .cell, nav, aside, figure')) continue;
    const kind = el.tagName.toLowerCase();
    if (kind === 'ul' || kind === 'ol') {
      const items = [...el.children].filter(li => li.tagName === 'LI').map(text);
      out.push({kind, text: items.join(' '), items, lead_bold: ''});
    } else {
      let lead = '';
      const first = el.firstElementChild;
      const before = first ? el.textContent.slice(0, el.textContent.indexOf(first.textContent))
                           : el.textContent;
      if (first && /^(STRONG|B)$/.test(first.tagName) && !before.trim()) lead = text(first);
      out.push({kind, text: text(el), items: [], lead_bold: lead});
    }
  }
  return out;
}"""


def blocks_from_dom(raw: list[dict]) -> list[Block]:
    return [Block(b["kind"], b["text"], list(b["items"]), b["lead_bold"]) for b in raw]
