/* Interview practice cards (practice.md, _ext/book_practice.py): reveal, mark, filter, progress.
 *
 * Without this script every answer is shown (and printed). With it, each card hides its answer
 * behind a "Show answer" button, and the reader marks it "got it" or "review again". Marks are
 * kept in localStorage under one key (from file:// too); when the browser refuses storage, they
 * last until the page is left and a note says so. The page's words come from the hidden list
 * .practice-ui (translatable text of the page), never from this file.
 */
(() => {
  'use strict';
  const root = document.getElementById('practice-cards');
  if (!root) return;
  const STORE_KEY = 'lossviz-practice-marks';
  const MARKS = ['known', 'review'];

  // --- the page's words --------------------------------------------------------------------------
  const words = {};
  document.querySelectorAll('.practice-ui li').forEach((li) => {
    const cls = [...li.classList].find((c) => c.startsWith('practice-ui-'));
    if (!cls) return;
    const p = li.querySelector('p');
    words[cls.slice('practice-ui-'.length)] = (p || li).innerHTML.trim();
  });
  /** The word as HTML (Chinese runs keep their lang spans), with {name} placeholders filled. */
  const html = (key, values = {}) =>
    (words[key] || key).replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  /** The word as plain text (for option elements and dialogs). */
  const plain = (key) => {
    const box = document.createElement('div');
    box.innerHTML = html(key);
    return box.textContent.trim();
  };

  // --- storage -------------------------------------------------------------------------------------
  function openStorage() {
    try {
      const s = window.localStorage;
      const probe = `${STORE_KEY}-probe`;
      s.setItem(probe, '1');
      s.removeItem(probe);
      return s;
    } catch (err) {
      return null; // disabled, private mode, a file:// policy: keep the marks in memory
    }
  }
  const storage = openStorage();
  function load() {
    if (!storage) return {};
    try {
      const value = JSON.parse(storage.getItem(STORE_KEY) || '{}');
      return value && typeof value === 'object' ? value : {};
    } catch (err) {
      return {};
    }
  }
  let marks = load();
  function save() {
    if (!storage) return;
    try {
      storage.setItem(STORE_KEY, JSON.stringify(marks));
    } catch (err) {
      /* quota or policy: the marks still hold for this visit */
    }
  }

  // --- small builders ------------------------------------------------------------------------------
  function el(tag, attrs = {}, inner = null) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (inner !== null) node.innerHTML = inner;
    return node;
  }
  const button = (cls, key) => el('button', { type: 'button', class: `practice-button ${cls}` }, html(key));

  // --- the cards -----------------------------------------------------------------------------------
  const chapters = [...root.querySelectorAll('section.practice-chapter')].map((section) => {
    const heading = section.querySelector('h2, h3');
    const titleNode = heading ? heading.cloneNode(true) : null;
    if (titleNode) titleNode.querySelectorAll('.headerlink').forEach((a) => a.remove());
    const progress = el('p', { class: 'practice-progress' });
    if (heading) heading.after(progress);
    const empty = el('p', { class: 'practice-empty', tabindex: '-1' }, html('empty'));
    empty.hidden = true;
    progress.after(empty);
    const cards = [...section.querySelectorAll('.practice-card')].map((card, index) => {
      const id = card.id.replace(/^card-/, '');
      const question = card.querySelector('.practice-q');
      const answer = card.querySelector('.practice-a');
      const reveal = button('practice-reveal', 'show');
      reveal.setAttribute('aria-expanded', 'false');
      reveal.setAttribute('aria-controls', answer.id);
      question.after(reveal);
      answer.hidden = true;
      const group = el('div', { class: 'practice-marks', role: 'group', 'aria-label': plain('marks') });
      const markButtons = {};
      for (const mark of MARKS) {
        const b = button(`practice-mark practice-${mark}`, mark);
        b.setAttribute('aria-pressed', 'false');
        b.dataset.mark = mark;
        group.append(b);
        markButtons[mark] = b;
      }
      card.append(group);
      return { card, id, index, reveal, answer, markButtons };
    });
    return {
      section,
      id: section.id,
      title: titleNode ? titleNode.textContent.trim() : section.id,
      cards,
      progress,
      empty,
    };
  });
  const allCards = chapters.flatMap((c) => c.cards);
  const byCard = new Map(allCards.map((c) => [c.card, c]));

  // --- the toolbar ---------------------------------------------------------------------------------
  const toolbar = el('div', { class: 'practice-toolbar' });
  const chapterField = el('div', { class: 'practice-field' });
  const chapterLabel = el('label', { for: 'practice-chapter' }, html('chapter'));
  const select = el('select', { id: 'practice-chapter', class: 'practice-select' });
  select.append(new Option(plain('all_chapters'), 'all'));
  for (const c of chapters) select.append(new Option(c.title, c.id));
  chapterField.append(chapterLabel, select);
  const reviewField = el('div', { class: 'practice-field practice-check' });
  const reviewOnly = el('input', { type: 'checkbox', id: 'practice-review-only' });
  reviewField.append(reviewOnly, el('label', { for: 'practice-review-only' }, html('review_only')));
  const shuffle = button('practice-shuffle', 'shuffle');
  const order = button('practice-order', 'book_order');
  const reset = button('practice-reset', 'reset');
  const actions = el('div', { class: 'practice-actions' });
  actions.append(shuffle, order, reset);
  const total = el('p', { class: 'practice-total', role: 'status' });
  toolbar.append(chapterField, reviewField, actions, total);
  if (!storage) {
    toolbar.append(el('p', { class: 'practice-note' }, html('no_storage')));
  }
  root.before(toolbar);

  // --- state -> page -------------------------------------------------------------------------------
  function showAnswer(c, open) {
    c.answer.hidden = !open;
    c.reveal.setAttribute('aria-expanded', String(open));
    c.reveal.innerHTML = html(open ? 'hide' : 'show');
  }

  function paint() {
    let knownAll = 0;
    for (const ch of chapters) {
      let known = 0;
      for (const c of ch.cards) {
        const mark = marks[c.id];
        if (mark === 'known') known += 1;
        for (const m of MARKS) c.markButtons[m].setAttribute('aria-pressed', String(mark === m));
        c.card.classList.toggle('practice-is-known', mark === 'known');
        c.card.classList.toggle('practice-is-review', mark === 'review');
      }
      knownAll += known;
      ch.progress.innerHTML = html('progress', { known, total: ch.cards.length });
    }
    total.innerHTML = html('progress', { known: knownAll, total: allCards.length });
  }

  function filter() {
    const chapter = select.value;
    for (const ch of chapters) {
      ch.section.hidden = chapter !== 'all' && chapter !== ch.id;
      let shown = 0;
      for (const c of ch.cards) {
        const visible = !reviewOnly.checked || marks[c.id] !== 'known';
        c.card.hidden = !visible;
        if (visible) shown += 1;
      }
      ch.empty.hidden = shown > 0;
    }
  }

  function refresh() {
    paint();
    filter();
  }

  /** After a card left the view (marked "got it" under the review filter), keep the focus. */
  function keepFocus(c) {
    if (!c.card.hidden) return;
    const ch = chapters.find((x) => x.cards.includes(c));
    const next = ch.cards.find((x) => !x.card.hidden && x.index !== c.index);
    (next ? next.reveal : ch.empty).focus();
  }

  function setMark(c, mark) {
    if (marks[c.id] === mark) delete marks[c.id];
    else marks[c.id] = mark;
    save();
    refresh();
    keepFocus(c);
  }

  function arrange(shuffled) {
    for (const ch of chapters) {
      const list = [...ch.cards];
      if (shuffled) {
        for (let i = list.length - 1; i > 0; i -= 1) {
          const j = Math.floor(Math.random() * (i + 1));
          [list[i], list[j]] = [list[j], list[i]];
        }
      } else {
        list.sort((a, b) => a.index - b.index);
      }
      const parent = list.length ? list[0].card.parentNode : null;
      for (const c of list) parent.append(c.card);
    }
    root.classList.toggle('practice-shuffled', shuffled);
  }

  // --- events --------------------------------------------------------------------------------------
  root.addEventListener('click', (event) => {
    const target = event.target.closest('button');
    if (!target) return;
    const c = byCard.get(target.closest('.practice-card'));
    if (!c) return;
    if (target === c.reveal) showAnswer(c, c.answer.hidden);
    else if (target.dataset.mark) setMark(c, target.dataset.mark);
  });
  // Keys while the focus is inside a card: s show/hide, g got it, r review again, n / p next and
  // previous card. Only single keys without modifiers, never while typing in a field.
  root.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    if (event.target.closest('input, select, textarea')) return;
    const c = byCard.get(event.target.closest('.practice-card'));
    if (!c) return;
    const key = event.key.toLowerCase();
    if (key === 's') showAnswer(c, c.answer.hidden);
    else if (key === 'g') setMark(c, 'known');
    else if (key === 'r') setMark(c, 'review');
    else if (key === 'n' || key === 'p') {
      const visible = [...root.querySelectorAll('.practice-card')]
        .map((x) => byCard.get(x))
        .filter((x) => !x.card.hidden && !x.card.closest('section').hidden);
      const at = visible.indexOf(c);
      const next = visible[at + (key === 'n' ? 1 : -1)];
      if (next) next.reveal.focus();
      else return;
    } else return;
    event.preventDefault();
  });
  select.addEventListener('change', filter);
  reviewOnly.addEventListener('change', filter);
  shuffle.addEventListener('click', () => arrange(true));
  order.addEventListener('click', () => arrange(false));
  reset.addEventListener('click', () => {
    if (!window.confirm(plain('reset_confirm'))) return;
    marks = {};
    save();
    refresh();
  });
  // Marks made in another tab of the same site.
  window.addEventListener('storage', (event) => {
    if (event.key === STORE_KEY) {
      marks = load();
      refresh();
    }
  });

  root.classList.add('practice-ready');
  refresh();
})();
