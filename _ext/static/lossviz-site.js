/* The site's own behaviour, around the theme (sphinx-book-theme on pydata-sphinx-theme).
 *
 * 1. Sidebar buttons on phones and tablets. The page has two "site navigation" buttons and two
 *    "on this page" buttons (one in the header, one above the article); the theme binds its
 *    handler to the first of each only, which is the hidden one at some widths, so tapping the
 *    visible one did nothing. Every other button of the pair forwards its click to the first.
 * 2. Named scroll regions. The theme makes code blocks, outputs and tables that scroll sideways
 *    focusable (tabindex 0) so that keyboards can scroll them; display formulas that are wider
 *    than the column (they scroll, lossviz-site.css) get the same here. A focusable region needs
 *    a name: it gets role="region" and an aria-label ("Code", "Output", "Table", "Formula"), and
 *    loses both when it no longer scrolls.
 * 3. Long text outputs (more than LONG_OUTPUT lines) are marked, so that print can set them in
 *    two columns.
 * 4. Copy buttons out of the Tab order. sphinx-copybutton adds a focusable button to every code
 *    cell, which puts dozens of stops between a keyboard reader and the figures; the code stays
 *    selectable and copyable with the keyboard (and the button with a pointer).
 */
(() => {
  "use strict";

  const forwardToFirst = (selector) => {
    const buttons = [...document.querySelectorAll(selector)];
    const first = buttons[0];
    buttons.slice(1).forEach((button) => {
      button.addEventListener(
        "click",
        (event) => {
          event.preventDefault();
          event.stopImmediatePropagation();
          first.click();
        },
        true,
      );
    });
  };

  // In the page's language (the Chinese edition's <html lang="zh-Hans">).
  const ZH = (document.documentElement.lang || "").startsWith("zh");
  const REGION_NAMES = [
    [".cell_input pre, .cell_input", ZH ? "代码" : "Code"],
    [".cell_output pre, .cell_output .output", ZH ? "输出" : "Output"],
    [".pst-scrollable-table-container", ZH ? "表格" : "Table"],
    ["div.math", ZH ? "公式" : "Formula"],
    ["pre", ZH ? "代码" : "Code"],
  ];
  const regionName = (el) => {
    for (const [selector, name] of REGION_NAMES) if (el.matches(selector)) return name;
    return ZH ? "可滚动内容" : "Scrollable content";
  };
  const nameRegion = (el) => {
    const focusable = el.getAttribute("tabindex") === "0";
    if (focusable && !el.hasAttribute("aria-label") && !el.hasAttribute("aria-labelledby")) {
      el.setAttribute("role", "region");
      el.setAttribute("aria-label", regionName(el));
      el.dataset.lvRegion = "";
    } else if (!focusable && el.dataset.lvRegion !== undefined) {
      el.removeAttribute("role");
      el.removeAttribute("aria-label");
      delete el.dataset.lvRegion;
    }
  };
  const watchScrollRegions = () => {
    const root = document.querySelector(".bd-content") || document.body;
    root.querySelectorAll("[tabindex]").forEach(nameRegion);
    new MutationObserver((records) =>
      records.forEach((r) => r.target instanceof Element && nameRegion(r.target)),
    ).observe(root, { subtree: true, attributes: true, attributeFilter: ["tabindex"] });
  };

  // Display formulas: focusable exactly when they scroll (as the theme does for code blocks).
  const updateFormulaStops = () =>
    document.querySelectorAll(".bd-content div.math").forEach((el) => {
      const scrolls = el.scrollWidth > el.clientWidth + 1;
      if (scrolls && el.getAttribute("tabindex") !== "0") el.setAttribute("tabindex", "0");
      else if (!scrolls && el.hasAttribute("tabindex")) el.removeAttribute("tabindex");
    });
  let resizeTimer = 0;
  const onResize = () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(updateFormulaStops, 350);
  };

  const LONG_OUTPUT = 25;
  const markLongOutputs = () =>
    document.querySelectorAll(".cell_output pre").forEach((pre) => {
      if (pre.textContent.split("\n").length > LONG_OUTPUT) pre.classList.add("lv-long-output");
    });

  const copyButtonsOutOfTabOrder = () =>
    document.querySelectorAll("button.copybtn").forEach((b) => (b.tabIndex = -1));

  const start = () => {
    forwardToFirst(".primary-toggle");
    forwardToFirst(".secondary-toggle");
    watchScrollRegions();
    // Measuring the formulas forces a layout of the whole page: not before DOMContentLoaded.
    setTimeout(updateFormulaStops, 0);
    window.addEventListener("load", updateFormulaStops);
    window.addEventListener("resize", onResize);
    markLongOutputs();
    copyButtonsOutOfTabOrder();
    // sphinx-copybutton adds its buttons when the document is ready, after this script.
    window.addEventListener("load", copyButtonsOutOfTabOrder);
    document.addEventListener("DOMContentLoaded", copyButtonsOutOfTabOrder);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
