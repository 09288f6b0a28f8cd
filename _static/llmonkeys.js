// Site-wide reading fixes for the llmonkeys book (styles in llmonkeys.css).
// - wraps every table of the text in a box that scrolls on a phone, and
//   marks its numeric cells so that a number never breaks across lines;
// - marks each box that scrolls sideways (equations, tables) so the CSS can
//   show the cue, and sets each wide equation's zoom for print;
// - opens a figure full size on click (Escape or a click closes it).
// window.llmReady resolves once the page is marked (the page test waits on it).
(function () {
  "use strict";
  const PRINT_WIDTH = 640; // px of a printed text column (A4/Letter, margins)
  // A number, interval, ratio or p-value: digits with signs, brackets,
  // separators and at most the letters of "p =" and "1e-05".
  const NUMERIC = /^(?=.*\d)[\d\s.,%±+\-\u2212\u2013[\]()/=<>×ep]+$/i;

  function wrapTables(root) {
    for (const table of root.querySelectorAll("table")) {
      const parent = table.parentElement;
      if (!parent || parent.classList.contains("llm-table-scroll") ||
          parent.classList.contains("pst-scrollable-table-container")) continue;
      const box = document.createElement("div");
      box.className = "llm-table-scroll";
      parent.insertBefore(box, table);
      box.appendChild(table);
    }
    // Cells that hold a number (or an interval, ratio or p-value) keep it
    // on one line on a phone (CSS .llm-num); the box scrolls instead.
    for (const cell of root.querySelectorAll("table td")) {
      if (NUMERIC.test(cell.textContent.trim())) cell.classList.add("llm-num");
    }
  }

  function markScrollables(root) {
    const boxes = new Set();
    for (const eq of root.querySelectorAll('mjx-container[display="true"]')) {
      boxes.add(eq);
      const math = eq.querySelector("mjx-math");
      const natural = math ? math.getBoundingClientRect().width : eq.scrollWidth;
      eq.style.setProperty("--llm-print-zoom",
        natural > PRINT_WIDTH ? (PRINT_WIDTH / natural).toFixed(3) : "1");
    }
    // Inline maths cannot break across lines: one wider than its line
    // becomes a scroll box of its own instead of running off the column.
    for (const m of root.querySelectorAll('mjx-container:not([display="true"])')) {
      if (m.parentElement.closest("mjx-assistive-mml")) continue;
      const line = m.parentElement.getBoundingClientRect();
      const math = m.querySelector("mjx-math");
      const wide = math && math.getBoundingClientRect().width > line.width;
      m.classList.toggle("llm-wide-inline", !!wide);
      if (wide) boxes.add(m);
    }
    for (const box of root.querySelectorAll(".llm-table-scroll, .pst-scrollable-table-container")) {
      boxes.add(box);
    }
    for (const box of boxes) {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("llm-scrollable", scrolls);
      if (scrolls && !box.dataset.llmCue) {
        box.dataset.llmCue = "1";
        box.addEventListener("scroll", () => cue(box), { passive: true });
      }
      cue(box);
    }
  }

  // Which sides of a scroll box hide more content.
  function cue(box) {
    const scrolls = box.classList.contains("llm-scrollable");
    const left = box.scrollLeft;
    box.classList.toggle("llm-more-left", scrolls && left > 1);
    box.classList.toggle("llm-more-right",
      scrolls && left + box.clientWidth < box.scrollWidth - 1);
  }

  function lightbox(event) {
    const img = event.target;
    if (!(img instanceof HTMLImageElement) || !img.closest(".bd-article")) return;
    if (!img.closest("figure, .cell_output")) return;
    if (img.closest("a[href]")) return;
    const overlay = document.createElement("div");
    overlay.className = "llm-lightbox";
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-label", "Figure, full size (click or Escape to close)");
    const big = document.createElement("img");
    big.src = img.currentSrc || img.src;
    big.alt = img.alt;
    overlay.appendChild(big);
    const close = () => { overlay.remove(); document.removeEventListener("keydown", onKey); };
    const onKey = (e) => { if (e.key === "Escape") close(); };
    overlay.addEventListener("click", close);
    document.addEventListener("keydown", onKey);
    document.body.appendChild(overlay);
  }

  function mathjaxDone() {
    // MathJax (deferred) may load after this script: wait for it, bounded.
    return new Promise((resolve) => {
      const start = Date.now();
      (function poll() {
        const mj = window.MathJax;
        if (mj && mj.startup && mj.startup.promise) {
          mj.startup.promise.then(resolve, resolve);
        } else if (!document.querySelector(".math") || Date.now() - start > 20000) {
          resolve();
        } else {
          setTimeout(poll, 50);
        }
      })();
    });
  }

  window.llmReady = new Promise((resolve) => {
    const run = () => {
      const article = document.querySelector(".bd-article") || document.body;
      wrapTables(article);
      document.addEventListener("click", lightbox);
      mathjaxDone().then(() => {
        markScrollables(article);
        // Re-mark whenever a box or its content changes width (window
        // resized, sidebars toggled, web fonts loaded after typesetting).
        if (window.ResizeObserver) {
          let frame = 0;
          const observer = new ResizeObserver(() => {
            cancelAnimationFrame(frame);
            frame = requestAnimationFrame(() => markScrollables(article));
          });
          observer.observe(article);
          for (const el of article.querySelectorAll(
            'mjx-container[display="true"], mjx-container[display="true"] > mjx-math, table')) {
            observer.observe(el);
          }
        }
        if (document.fonts) document.fonts.ready.then(() => markScrollables(article));
        window.addEventListener("resize", () => markScrollables(article));
        resolve();
      });
    };
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", run);
    } else {
      run();
    }
  });
})();
