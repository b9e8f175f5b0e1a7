"""Interview practice cards, collected from the chapters at build time (single source).

A chapter notebook has, in its Markdown cells (CONTRIBUTING.md, "Chapter notebooks"):

- the title ``# …`` followed by a quote with the question (Chinese, then English, either in the
  quote or in an emphasised paragraph right after it);
- ``## The answer in 30 seconds`` (English bullets, then ``**中文。**`` and the Chinese bullets);
- ``## Follow-up questions · 面试追问``: paragraphs that start with a bold ``**N. Question?**``,
  each followed by its answer (English, then a ``中文：`` paragraph);
- ``## Exercises``: ``**N.** text`` followed by an ``{admonition} Solution`` with
  ``:class: dropdown``.

This extension turns them into self-test cards on the page that holds the ``practice-cards``
directive (``practice.md``):

1. :class:`TagPracticeParts` (a transform that runs *before* Sphinx's ``Locale`` transform, so it
   sees the English source text) marks the sections, the question quote and the numbered question
   paragraphs with node attributes. In a translated edition (``language: zh_CN``) the marks survive
   the translation of the text, so the cards come out translated with no extra work.
2. ``doctree-read`` (:func:`collect_cards`) copies, for every chapter, the main question and its
   30-second answer, every follow-up question and its answer, and every exercise and its solution
   into the build environment (``env.lossviz_practice``), with a stable id ``<chapter>-<kind>-<n>``
   (the key of the reader's marks in ``localStorage``).
3. A post-transform (:class:`FillPracticeCards`) that runs before references are resolved replaces
   the directive's placeholder with the cards, grouped by chapter in the order of the table of
   contents; glossary terms, citations and links inside the cards are resolved from the practice
   page, and the math is typeset like on every other page.

The page's reader-visible words (button texts, labels, progress) are the items of the bullet list
inside the directive, in the order of :data:`UI_KEYS`: they are ordinary paragraphs of the page,
so Sphinx's gettext extraction puts them into the page's message catalogue. The page script
(``_ext/static/lossviz-practice.js``) reads them from the hidden list.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
SCRIPT = "lossviz-practice.js"
STYLESHEET = "lossviz-practice.css"

#: The words of the page, in the order of the list items inside the directive.
UI_KEYS = (
    "chapter",  # label of the chapter filter
    "all_chapters",  # its first option
    "review_only",  # the review filter (cards not marked "got it")
    "shuffle",  # random order
    "book_order",  # back to the book's order
    "reset",  # forget every mark
    "reset_confirm",  # the question before resetting
    "show",  # reveal the answer
    "hide",  # hide it again
    "known",  # mark: got it
    "review",  # mark: review again
    "marks",  # accessible name of the two marks
    "progress",  # "{known} / {total} known"
    "no_storage",  # marks cannot be stored in this browser
    "empty",  # nothing left to review in a chapter
    "kind_question",  # label of a chapter's main question
    "kind_followup",  # label of follow-up {n}
    "kind_exercise",  # label of exercise {n}
    "source",  # the link back to the chapter
)

#: Kinds of card, in the order they appear in a chapter.
KINDS = ("question", "followup", "exercise")

# English section titles (the source text, before any translation) -> the part they hold.
_SECTION_KINDS = (
    ("the answer in 30 seconds", "answer30"),
    ("the answer in 2 minutes", "answer2"),
    ("follow-up questions", "followups"),
    ("exercises", "exercises"),
)
# "1. Why ...?" (a follow-up) or "1." (an exercise): the number at the start of the bold text.
_NUMBER = re.compile(r"^\s*(\d+)\s*[.、．]\s*")
# The Chinese echo of an answer: a line that starts with 中文： (or the bold **中文。** marker).
_ZH_MARK = re.compile(r"(^|\n)\s*(中文[：:])")
_ZH_HEAD = re.compile(r"^\s*中文\s*[。.：:]?\s*$")


# --- nodes and directive ---------------------------------------------------------------------------


class practice_cards(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Placeholder for the cards; replaced by :class:`FillPracticeCards`."""


def _skip(self, node) -> None:
    raise nodes.SkipNode


class PracticeCardsDirective(SphinxDirective):
    """``practice-cards``: the cards of every chapter; its content is the list of the page's words."""

    has_content = True
    option_spec = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        ui = nodes.container(classes=["practice-ui"])
        self.state.nested_parse(self.content, self.content_offset, ui)
        items = [item for lst in ui.findall(nodes.bullet_list) for item in lst.children]
        if len(items) != len(UI_KEYS):
            raise self.error(
                f"practice-cards: the list must have {len(UI_KEYS)} items, one per word of the "
                f"page in this order: {', '.join(UI_KEYS)}; it has {len(items)}"
            )
        for key, item in zip(UI_KEYS, items, strict=True):
            item["classes"].append(f"practice-ui-{key}")
        placeholder = practice_cards()
        placeholder["classes"] = ["practice-cards", *self.options.get("class", [])]
        self.env.lossviz_practice_pages = getattr(self.env, "lossviz_practice_pages", set())
        self.env.lossviz_practice_pages.add(self.env.docname)
        return [ui, placeholder]


# --- 1. mark the parts (before translation) ------------------------------------------------------


def _first_child(par: nodes.Element) -> int | None:
    """Index of the first child that is not blank text."""
    for i, child in enumerate(par.children):
        if not (isinstance(child, nodes.Text) and not child.strip()):
            return i
    return None


def _leading_number(par: nodes.Element) -> int | None:
    """N when the paragraph starts with bold text "N." or "N. question"; else None."""
    if not isinstance(par, nodes.paragraph):
        return None
    i = _first_child(par)
    first = par.children[i] if i is not None else None
    if not isinstance(first, nodes.strong):
        return None
    m = _NUMBER.match(first.astext())
    return int(m.group(1)) if m else None


def _is_emphasis_paragraph(node) -> bool:
    if not isinstance(node, nodes.paragraph):
        return False
    parts = [c for c in node.children if not (isinstance(c, nodes.Text) and not c.strip())]
    return len(parts) == 1 and isinstance(parts[0], nodes.emphasis)


def tag_parts(document) -> None:
    """Mark the practice parts of a chapter doctree (node attributes ``practice_*``).

    Run on the source text: the sections by their English titles, the numbered questions, the
    question quote under the title. Marks already set are kept (idempotent).
    """
    top = document.next_node(nodes.section)
    if top is None:
        return
    for section in document.findall(nodes.section):
        if not section.children or not isinstance(section[0], nodes.title):
            continue
        title = " ".join(section[0].astext().split()).lower()
        kind = next((k for prefix, k in _SECTION_KINDS if title.startswith(prefix)), None)
        if kind is None or "practice_part" in section:
            continue
        section["practice_part"] = kind
        if kind in ("followups", "exercises"):
            for child in section.children:
                number = _leading_number(child)
                if number is not None:
                    child["practice_number"] = number
    # The question: the first quote of the title section (before its first subsection), and the
    # emphasised English question right after it when the quote does not hold it.
    for i, child in enumerate(top.children):
        if isinstance(child, nodes.section):
            break
        if isinstance(child, nodes.block_quote):
            child["practice_part"] = "question"
            nxt = top.children[i + 1] if i + 1 < len(top.children) else None
            if nxt is not None and _is_emphasis_paragraph(nxt):
                nxt["practice_part"] = "question"
            break


class TagPracticeParts(SphinxTransform):
    """Mark the practice parts while the text is still the source (English) text."""

    default_priority = 15  # after PreserveTranslatableMessages (10), before Locale (20)

    def apply(self, **kwargs) -> None:
        tag_parts(self.document)


# --- 2. collect the cards --------------------------------------------------------------------------


def _is_cell(node) -> bool:
    """A notebook code cell (its source and outputs), a target or a comment: never in a card."""
    if isinstance(node, (nodes.target, nodes.comment, nodes.system_message, nodes.raw)):
        return True
    return isinstance(node, nodes.container) and (
        "cell" in node.get("classes", []) or node.get("nb_element", "").startswith("cell")
    )


def _clean(node: nodes.Node) -> nodes.Node:
    """A deep copy without ids (the card lives on another page) and without practice marks."""
    new = node.deepcopy()
    for sub in new.findall(nodes.Element):
        sub["ids"] = []
        sub["names"] = []
        for key in ("practice_part", "practice_number"):
            sub.attributes.pop(key, None)
    return new


def _strip_leading_space(nodes_list: list[nodes.Node]) -> list[nodes.Node]:
    out = list(nodes_list)
    while out and isinstance(out[0], nodes.Text) and not out[0].strip():
        out.pop(0)
    if out and isinstance(out[0], nodes.Text):
        out[0] = nodes.Text(str(out[0]).lstrip())
    return out


def split_chinese(par: nodes.paragraph) -> list[nodes.paragraph]:
    """Split a paragraph at a line that starts with ``中文：`` into (English, 中文) paragraphs.

    The chapters write a follow-up's answer and its ``中文：`` line in one Markdown paragraph; on a
    card they read better as two. A paragraph without such a line is returned unchanged.
    """
    for i, child in enumerate(par.children):
        if not isinstance(child, nodes.Text):
            continue
        m = _ZH_MARK.search(str(child))
        if not m:
            continue
        previous = par.children[i - 1] if i else None
        at_line_start = (
            m.group(1) == "\n"
            or previous is None
            or (isinstance(previous, nodes.Text) and str(previous).endswith("\n"))
        )
        if not at_line_start:
            continue
        text = str(child)
        before, after = text[: m.start(2)].rstrip(), text[m.start(2) :]
        head = list(par.children[:i])
        while head and isinstance(head[-1], nodes.Text) and not head[-1].strip():
            head.pop()
        english = nodes.paragraph("", "", *head)
        if before.strip():
            english += nodes.Text(before)
        chinese = nodes.paragraph("", "", nodes.Text(after), *par.children[i + 1 :])
        chinese["classes"].append("practice-zh")
        return [p for p in (english, chinese) if p.astext().strip()]
    return [par]


def _answer_nodes(siblings: list[nodes.Node]) -> list[nodes.Node]:
    """The answer's nodes: copies, code cells dropped, a ``中文：`` line made its own paragraph,
    the ``**中文。**`` marker and what follows it (the Chinese bullets) wrapped as Chinese."""
    out: list[nodes.Node] = []
    chinese: nodes.container | None = None
    for node in siblings:
        if _is_cell(node):
            continue
        node = _clean(node)
        if isinstance(node, nodes.paragraph) and _ZH_HEAD.match(node.astext()):
            chinese = nodes.container(classes=["practice-zh"])
            out.append(chinese)
            chinese += node
            continue
        parts = split_chinese(node) if isinstance(node, nodes.paragraph) else [node]
        for part in parts:
            (chinese if chinese is not None else out).append(part)
    return out


def _card(chapter: str, kind: str, number: int, question, answer, anchor: str) -> dict:
    slug = chapter.rsplit("/", 1)[-1]
    ident = f"{slug}-{kind}" if kind == "question" else f"{slug}-{kind}-{number}"
    return {
        "id": ident,
        "chapter": chapter,
        "kind": kind,
        "number": number,
        "question": question,
        "answer": answer,
        "anchor": anchor,
    }


def _numbered_items(section: nodes.section, kind: str, chapter: str) -> list[dict]:
    """Cards from a section of numbered paragraphs (follow-ups or exercises)."""
    cards: list[dict] = []
    body = [c for c in section.children if not isinstance(c, nodes.title)]
    starts = [i for i, c in enumerate(body) if "practice_number" in c]
    anchor = section["ids"][0] if section["ids"] else ""
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(body)
        par = body[start]
        number = par["practice_number"]
        head = _first_child(par)
        strong = _clean(par.children[head])
        first = strong.children[0] if strong.children else None
        if isinstance(first, nodes.Text):
            rest = _NUMBER.sub("", str(first), count=1)
            strong.replace(first, nodes.Text(rest)) if rest else strong.remove(first)
        rest_nodes = _strip_leading_space([c.deepcopy() for c in par.children[head + 1 :]])
        following = body[start + 1 : end]
        if kind == "followups":
            question = [nodes.paragraph("", "", *strong.children)] if strong.children else []
            lead = [nodes.paragraph("", "", *rest_nodes)] if rest_nodes else []
            answer = _answer_nodes(lead + list(following))
        else:  # exercises: the text up to the solution is the question; the solution the answer
            # (a bold title after the number, "**2. The RPN's β.**", stays in the question)
            if strong.children and strong.astext().strip():
                rest_nodes = [strong, nodes.Text(" "), *rest_nodes]
            question = [nodes.paragraph("", "", *rest_nodes)] if rest_nodes else []
            answer = []
            for node in following:
                if isinstance(node, nodes.admonition) or (
                    isinstance(node, nodes.Element) and "dropdown" in node.get("classes", [])
                ):
                    answer = _answer_nodes(
                        [c for c in node.children if not isinstance(c, nodes.title)]
                    )
                    break
                if not _is_cell(node):
                    question.append(_clean(node))
        if not question or not answer:
            continue
        cards.append(
            _card(
                chapter,
                "followup" if kind == "followups" else "exercise",
                number,
                question,
                answer,
                anchor,
            )
        )
    return cards


def collect(doctree: nodes.document, chapter: str) -> dict | None:
    """The cards of one chapter doctree (tagged by :func:`tag_parts`), or None if it has none.

    Returns ``{"title": str, "cards": [card, ...]}``; a card is a dict with ``id``, ``chapter``,
    ``kind`` (question | followup | exercise), ``number``, ``question`` and ``answer`` (lists of
    docutils nodes, copies) and ``anchor`` (the id of the chapter's section that holds it).
    """
    top = doctree.next_node(nodes.section)
    if top is None:
        return None
    parts: dict[str, nodes.section] = {}
    for section in doctree.findall(nodes.section):
        kind = section.get("practice_part")
        if kind and kind not in parts:
            parts[kind] = section
    cards: list[dict] = []
    quote = [
        n
        for n in top.children
        if isinstance(n, nodes.Element) and n.get("practice_part") == "question"
    ]
    answer30 = parts.get("answer30")
    if quote and answer30 is not None:
        question: list[nodes.Node] = []
        for node in quote:
            if isinstance(node, nodes.block_quote):
                question.extend(_clean(c) for c in node.children)
            else:
                question.append(_clean(node))
        answer = _answer_nodes([c for c in answer30.children if not isinstance(c, nodes.title)])
        anchor = top["ids"][0] if top["ids"] else ""
        cards.append(_card(chapter, "question", 0, question, answer, anchor))
    if "followups" in parts:
        cards.extend(_numbered_items(parts["followups"], "followups", chapter))
    if "exercises" in parts:
        cards.extend(_numbered_items(parts["exercises"], "exercises", chapter))
    if not cards:
        return None
    return {
        "title": top[0].astext() if isinstance(top[0], nodes.title) else chapter,
        "cards": cards,
    }


def collect_cards(app, doctree) -> None:
    """doctree-read: store the chapter's cards; note that the practice page has math."""
    env = app.env
    if not hasattr(env, "lossviz_practice"):
        env.lossviz_practice = {}
    docname = env.docname
    env.lossviz_practice.pop(docname, None)
    if docname in getattr(env, "lossviz_practice_pages", set()):
        env.get_domain("math").data["has_equations"][docname] = True
        return
    found = collect(doctree, docname)
    if found is not None:
        env.lossviz_practice[docname] = found


def purge(app, env, docname) -> None:
    getattr(env, "lossviz_practice", {}).pop(docname, None)
    getattr(env, "lossviz_practice_pages", set()).discard(docname)


def merge(app, env, docnames, other) -> None:
    if not hasattr(env, "lossviz_practice"):
        env.lossviz_practice = {}
    env.lossviz_practice.update(
        {d: v for d, v in getattr(other, "lossviz_practice", {}).items() if d in docnames}
    )
    env.lossviz_practice_pages = getattr(env, "lossviz_practice_pages", set()) | (
        getattr(other, "lossviz_practice_pages", set()) & set(docnames)
    )


def outdated(app, env, added, changed, removed) -> list[str]:
    """The practice page is rewritten whenever a page was added, changed or removed."""
    if added or changed or removed:
        return sorted(getattr(env, "lossviz_practice_pages", set()) - set(added) - set(changed))
    return []


# --- 3. fill the practice page ---------------------------------------------------------------------


def toc_order(env) -> list[str]:
    """Every document in reading order (depth first through the toctrees from the root)."""
    order: list[str] = []
    seen: set[str] = set()

    def walk(doc: str) -> None:
        if doc in seen:
            return
        seen.add(doc)
        order.append(doc)
        for child in env.toctree_includes.get(doc, []):
            walk(child)

    walk(env.config.root_doc)
    return order


def _words(document) -> dict[str, str]:
    """The page's words (already translated): key -> text of the list item."""
    words: dict[str, str] = {}
    for item in document.findall(nodes.list_item):
        for cls in item.get("classes", []):
            if cls.startswith("practice-ui-"):
                words[cls.removeprefix("practice-ui-")] = " ".join(item.astext().split())
    return words


_SOURCE_SUFFIXES = (".ipynb", ".md", ".rst")


def _retarget(node: nodes.Node, chapter: str, page: str, env) -> None:
    """Make the references copied from ``chapter`` resolvable from ``page``.

    Links to other documents were written relative to the chapter: they become absolute
    (``/chapters/x``); every pending reference is then resolved as if it were written on ``page``.
    """
    for xref in node.findall(addnodes.pending_xref):
        target = xref.get("reftarget", "")
        is_doc = xref.get("reftype") == "doc" or (
            xref.get("reftype") == "myst" and xref.get("refdomain") in (None, "doc")
        )
        if is_doc and target and not target.startswith("/"):
            path, _, frag = target.partition("#")
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(chapter), path))
            stem = joined
            for suffix in _SOURCE_SUFFIXES:
                stem = stem.removesuffix(suffix)
            if stem in env.all_docs:
                xref["reftarget"] = "/" + joined + (f"#{frag}" if frag else "")
        xref["refdoc"] = page
    for ref in node.findall(addnodes.download_reference):
        ref["refdoc"] = page


def card_node(card: dict, words: dict[str, str], page: str, builder, env) -> nodes.container:
    """The docutils tree of one card (question, answer, link back to the chapter)."""
    box = nodes.container(classes=["practice-card", f"practice-kind-{card['kind']}"])
    box["ids"] = [f"card-{card['id']}"]
    label_key = {
        "question": "kind_question",
        "followup": "kind_followup",
        "exercise": "kind_exercise",
    }
    label = words.get(label_key[card["kind"]], card["kind"]).replace("{n}", str(card["number"]))
    box += nodes.paragraph("", label, classes=["practice-label"])
    question = nodes.container(classes=["practice-q"])
    question.extend(n.deepcopy() for n in card["question"])
    answer = nodes.container(classes=["practice-a"])
    answer["ids"] = [f"card-{card['id']}-answer"]
    answer.extend(n.deepcopy() for n in card["answer"])
    try:
        uri = builder.get_relative_uri(page, card["chapter"])
    except Exception:  # a builder without URIs (not HTML): no link back
        uri = ""
    if uri:
        if card["anchor"]:
            uri += "#" + card["anchor"]
        source = nodes.paragraph(classes=["practice-source"])
        source += nodes.reference("", words.get("source", "chapter"), refuri=uri, internal=True)
        answer += source
    box += question
    box += answer
    for part in (question, answer):
        _retarget(part, card["chapter"], page, env)
    return box


def build_cards(env, page: str, words: dict[str, str], builder) -> list[nodes.Node]:
    """One section per chapter (reading order), each with its cards."""
    store = getattr(env, "lossviz_practice", {})
    order = [d for d in toc_order(env) if d in store]
    order += sorted(d for d in store if d not in order)
    sections: list[nodes.Node] = []
    for chapter in order:
        entry = store[chapter]
        slug = chapter.rsplit("/", 1)[-1]
        section = nodes.section(classes=["practice-chapter"])
        section["ids"] = [f"practice-{slug}"]
        section["practice_chapter"] = chapter
        section += nodes.title("", entry["title"])
        for card in entry["cards"]:
            section += card_node(card, words, page, builder, env)
        sections.append(section)
    return sections


class FillPracticeCards(SphinxPostTransform):
    """Replace the placeholder by the cards, before references are resolved (priority 10)."""

    default_priority = 5

    def run(self, **kwargs) -> None:
        placeholders = list(self.document.findall(practice_cards))
        if not placeholders:
            return
        words = _words(self.document)
        docname = self.env.docname
        for placeholder in placeholders:
            root = nodes.container(classes=placeholder["classes"])
            root["ids"] = ["practice-cards"]
            root.extend(build_cards(self.env, docname, words, self.app.builder))
            placeholder.replace_self(root)


def add_assets(app, pagename, templatename, context, doctree) -> None:
    """The practice script and stylesheet, on the practice page only."""
    if pagename in getattr(app.env, "lossviz_practice_pages", set()):
        app.add_css_file(STYLESHEET)
        app.add_js_file(SCRIPT, loading_method="defer")


def add_static(app, config) -> None:
    if str(STATIC) not in [str(p) for p in config.html_static_path]:
        config.html_static_path = [*config.html_static_path, str(STATIC)]


def setup(app):
    app.add_node(practice_cards, html=(_skip, None), latex=(_skip, None), text=(_skip, None))
    app.add_directive("practice-cards", PracticeCardsDirective)
    app.add_transform(TagPracticeParts)
    app.add_post_transform(FillPracticeCards)
    app.connect("config-inited", add_static)
    app.connect("doctree-read", collect_cards)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-get-outdated", outdated)
    app.connect("html-page-context", add_assets)
    return {
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "version": "1",
        "env_version": 1,
    }
