// Typeset TeX formulas at build time with MathJax 3 (npm mathjax-full) in Node.
//
//   node tex2chtml.js MATHJAX_FULL_DIR FONT_URL < formulas.json > rendered.json
//
// stdin:  {"formulas": [{"tex": "...", "display": true|false}, ...]}
// stdout: {"html": ["<mjx-container ...>", ...], "css": "...", "errors": ["...", ...]}
//
// Each formula becomes CommonHTML markup (the same markup MathJax makes in a browser) with its
// MathML for assistive technology; "css" is the one stylesheet for all of them (only the glyphs
// used), with its web fonts at FONT_URL. A formula that does not parse is reported in "errors"
// (the build fails on it), never rendered as an error box.
"use strict";

const path = require("path");
const [mathjaxDir, fontURL] = process.argv.slice(2);
const req = (m) => require(path.join(mathjaxDir, "js", m));

const { mathjax } = req("mathjax.js");
const { TeX } = req("input/tex.js");
const { CHTML } = req("output/chtml.js");
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
const chtml = new CHTML({ fontURL, adaptiveCSS: true });
const doc = mathjax.document("", { InputJax: tex, OutputJax: chtml });

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
  const css = adaptor.textContent(chtml.styleSheet(doc));
  process.stdout.write(JSON.stringify({ html, css, errors }));
});
