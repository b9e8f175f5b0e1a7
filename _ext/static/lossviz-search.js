/* The search page's Chinese query splitting and offline excerpts (see _ext/book_search.py).
 *
 * Loaded before Sphinx's searchtools.js, which keeps a splitQuery that is already defined.
 */
"use strict";

// A run of Han characters that is not an indexed term is cut into the longest indexed terms
// (forward maximum matching against the index, which jieba built); other text is split as Sphinx
// does (on anything that is not a letter, a number or an underscore).
var splitQuery = (query) => {
  const HAN = /\p{Script=Han}/u;
  // searchtools.js declares Search with const: a global binding, not a property of window.
  const index = typeof Search !== "undefined" && Search._index;
  if (!index) return query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu).filter((t) => t);
  const known = (term) => term in index.terms || term in index.titleterms;
  const longest = Math.min(12, Math.max(1, ...Object.keys(index.terms).map((t) => t.length)));
  const terms = [];
  for (const word of query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)) {
    if (!word) continue;
    if (!HAN.test(word) || known(word)) {
      terms.push(word);
      continue;
    }
    // Cut the Chinese runs; keep Latin parts (e.g. "L1") as words of their own.
    for (const part of word.split(/(\P{Script=Han}+)/u)) {
      if (!part) continue;
      if (!HAN.test(part)) {
        terms.push(part);
        continue;
      }
      let i = 0;
      while (i < part.length) {
        let n = Math.min(longest, part.length - i);
        while (n > 1 && !known(part.slice(i, i + n))) n -= 1;
        if (n > 1 || known(part[i])) terms.push(part.slice(i, i + n));
        i += n;
      }
    }
  }
  return terms;
};

// Excerpts: the search page fetches each hit's page to cut an excerpt out of it. Those fetches
// are answered from the prepared text of the pages (formulas as plain text, no code), which
// works from file:// too, where fetch() cannot read local files.
(() => {
  const root = document.documentElement.dataset.content_root || "";
  const excerpts = new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = `${root}_static/search-excerpts.js`;
    script.onload = () => resolve(window.LOSSVIZ_EXCERPTS || {});
    script.onerror = () => resolve({});
    document.head.appendChild(script);
  });
  const suffix = (window.DOCUMENTATION_OPTIONS && DOCUMENTATION_OPTIONS.FILE_SUFFIX) || ".html";
  const pageFetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = typeof input === "string" ? input : input.url;
    if (url.startsWith(root) && url.endsWith(suffix)) {
      const docname = url.slice(root.length, url.length - suffix.length);
      return excerpts.then((table) =>
        docname in table
          ? new Response(table[docname], { headers: { "Content-Type": "text/html" } })
          : pageFetch(input, init),
      );
    }
    return pageFetch(input, init);
  };
})();
