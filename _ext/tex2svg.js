// Typeset TeX formulas at build time with MathJax 3 (npm mathjax-full) in Node.
//
//   node tex2svg.js MATHJAX_FULL_DIR < formulas.json > rendered.json
//
// stdin:  {"formulas": [{"tex": "...", "display": true|false}, ...]}
// stdout: {"html": ["<mjx-container ...>", ...], "glyphs": {"MJX-TEX-I-1D465": "M52 289Q...", ...},
//          "css": "...", "errors": ["...", ...]}
//
// Each formula becomes MathJax's SVG output with its MathML for assistive technology. The glyphs
// are not repeated in every formula: MathJax's global font cache makes each formula refer to a
// glyph by id (<use xlink:href="#MJX-TEX-I-1D465">), and "glyphs" holds the outline of every id,
// for the page to define once. "css" is MathJax's stylesheet for its SVG containers. A formula
// that does not parse is reported in "errors" (the build fails on it), never drawn as an error.
"use strict";

const path = require("path");
const [mathjaxDir] = process.argv.slice(2);
const req = (m) => require(path.join(mathjaxDir, "js", m));

const { mathjax } = req("mathjax.js");
const { TeX } = req("input/tex.js");
const { SVG } = req("output/svg.js");
const { liteAdaptor } = req("adaptors/liteAdaptor.js");
const { RegisterHTMLHandler } = req("handlers/html.js");
const { AssistiveMmlHandler } = req("a11y/assistive-mml.js");
const { AllPackages } = req("input/tex/AllPackages.js");

const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));

const errors = [];
const tex = new TeX({
  packages: AllPackages.filter((p) => p !== "bussproofs"),
  formatError: (jax, err) => {
    errors.push(err.message);
    return jax.formatError(err);
  },
});
const svg = new SVG({ fontCache: "global" });
const doc = mathjax.document("", { InputJax: tex, OutputJax: svg });

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { formulas } = JSON.parse(input);
  const html = formulas.map(({ tex: source, display }) => {
    const before = errors.length;
    const node = doc.convert(source, { display, em: 16, ex: 8, containerWidth: 80 * 16 });
    if (errors.length > before) errors[errors.length - 1] += ` in: ${source}`;
    return adaptor.outerHTML(node);
  });
  const glyphs = {};
  for (const p of adaptor.childNodes(svg.fontCache.getCache())) {
    glyphs[adaptor.getAttribute(p, "id")] = adaptor.getAttribute(p, "d");
  }
  const css = adaptor.textContent(svg.styleSheet(doc));
  process.stdout.write(JSON.stringify({ html, glyphs, css, errors }));
});
