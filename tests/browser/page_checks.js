// Checks run inside every page of the built book (see test_pages.py).
// Called with execute_async_script: the last argument is the callback.
// Reports a list of problems, each a short string naming what and where.
const done = arguments[arguments.length - 1];

function describe(el) {
  const id = el.id || (el.closest("[id]") || {}).id || "";
  const text = (el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 60);
  return `<${el.tagName.toLowerCase()}${id ? " near #" + id : ""}> "${text}"`;
}

// The nearest box that can scroll sideways, or clips, from el upwards.
function scroller(el) {
  for (let a = el; a && a !== document.body; a = a.parentElement) {
    const ox = getComputedStyle(a).overflowX;
    if (ox === "auto" || ox === "scroll") return { el: a, kind: "scroll" };
    if (ox === "hidden" || ox === "clip") return { el: a, kind: "clip" };
  }
  return null;
}

// The nearest box that can scroll sideways, from el upwards, or null.
function scrollBox(el) {
  for (let a = el; a && a !== document.body; a = a.parentElement) {
    const ox = getComputedStyle(a).overflowX;
    if (ox === "auto" || ox === "scroll") return { el: a, kind: "scroll" };
  }
  return null;
}

function wideness(el, main, problems, what) {
  const inner = el.scrollWidth;
  const box = el.getBoundingClientRect();
  const limit = main.getBoundingClientRect();
  const vw = document.documentElement.clientWidth;
  const s = scroller(el);
  if (s && s.kind === "scroll") {
    const r = s.el.getBoundingClientRect();
    if (r.right > vw + 1 || r.width > limit.width + 1) {
      problems.push(`${what} scroll box wider than the text column: ${describe(el)}`);
    }
    if (s.el.scrollWidth > s.el.clientWidth + 1 &&
        !s.el.classList.contains("llm-scrollable")) {
      problems.push(`${what} scrolls without a visible cue: ${describe(el)}`);
    }
    return;
  }
  if (s && s.kind === "clip" && inner > s.el.clientWidth + 1) {
    problems.push(`${what} cut off (${inner} > ${s.el.clientWidth} px, no scroll): ${describe(el)}`);
    return;
  }
  if (box.right > limit.right + 1 || box.width > limit.width + 1) {
    problems.push(`${what} wider than its column (${Math.round(box.width)} > ${Math.round(limit.width)} px): ${describe(el)}`);
  }
}

function literalText() {
  // Visible text outside code, scripts and rendered maths.
  const skip = "script, style, pre, code, textarea, mjx-container, .highlight, .MathJax";
  const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.parentElement && n.parentElement.closest(skip))
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const parts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) parts.push(n.textContent);
  return parts.join(" ");
}

async function run() {
  const problems = [];
  // Wait for MathJax (served from the site) to finish typesetting.
  const hasMath = document.querySelector(".math, span.math, div.math") !== null;
  if (hasMath) {
    if (!window.MathJax || !window.MathJax.startup) {
      problems.push("page has maths but MathJax did not load");
    } else {
      await window.MathJax.startup.promise;
      if (window.MathJax.typesetPromise) await window.MathJax.typesetPromise();
    }
  }
  // The site's own JS (llmonkeys.js) wraps tables and marks scroll boxes.
  if (window.llmReady) {
    await Promise.race([window.llmReady, new Promise((r) => setTimeout(r, 10000))]);
  } else {
    problems.push("the site's llmonkeys.js did not load");
  }
  if (document.fonts) await document.fonts.ready;
  await new Promise((r) => setTimeout(r, 300));

  for (const e of document.querySelectorAll("mjx-merror, [data-mjx-error]")) {
    problems.push(`MathJax error: ${e.getAttribute("data-mjx-error") || describe(e)}`);
  }
  for (const m of document.querySelectorAll("div.math, span.math")) {
    if (!m.querySelector("mjx-container")) problems.push(`maths not typeset: ${describe(m)}`);
  }
  const text = literalText();
  const tex = text.match(/\$\$|\\\(|\\\[|\\begin\{|\\(frac|mathrm|sum|int)\b/);
  if (tex) problems.push(`unrendered TeX: "${text.slice(Math.max(0, tex.index - 30), tex.index + 40)}"`);
  const role = text.match(/\{(glue|glue:\w*|cite(:\w+)?|eq|numref|ref|prf:ref|doc)\}`?/);
  if (role) problems.push(`literal role: "${text.slice(Math.max(0, role.index - 30), role.index + 50)}"`);

  const main = document.querySelector("article.bd-article, main, [role=main]") || document.body;
  for (const eq of main.querySelectorAll('mjx-container[display="true"]')) {
    if (eq.parentElement.closest("mjx-assistive-mml")) continue;  // screen-reader copy
    wideness(eq, main, problems, "equation");
  }
  for (const m of main.querySelectorAll('mjx-container:not([display="true"])')) {
    if (m.parentElement.closest("mjx-assistive-mml")) continue;
    // The nearest box that scrolls, past any that only clip (MathJax's own
    // span.math clips its screen-reader copy): inline maths in a table
    // caption scrolls with its table.
    const s = scrollBox(m);
    if (s) {
      if (s.el === m) wideness(m, main, problems, "inline maths");
      continue;  // inside a scroll box (a table, a wide equation)
    }
    if (m.getBoundingClientRect().right > main.getBoundingClientRect().right + 1) {
      problems.push(`inline maths runs off the column: ${describe(m)}`);
    }
  }
  for (const t of main.querySelectorAll("table")) wideness(t, main, problems, "table");
  for (const f of main.querySelectorAll("figure img, img")) {
    if (f.closest("details:not([open]), .toggle-hidden, [hidden]")) continue;
    wideness(f, main, problems, "image");
  }

  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    // Name the widest offender to make the failure actionable.
    let worst = null;
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.right > root.clientWidth + 1 && getComputedStyle(el).position !== "fixed" &&
          (!worst || r.right > worst.getBoundingClientRect().right)) worst = el;
    }
    problems.push(`page wider than the viewport (${root.scrollWidth} > ${root.clientWidth} px)` +
      (worst ? `, widest: ${describe(worst)}` : ""));
  }

  const searches = [...document.querySelectorAll(".search-button-field, input[type=search]")]
    .filter((el) => {
      const r = el.getBoundingClientRect();
      return el.offsetParent !== null && r.width > 0 && r.right > 0 && r.left < root.clientWidth &&
        !el.closest("dialog:not([open])") && !el.closest("main, .bd-main");
    });
  if (searches.length > 1) problems.push(`${searches.length} search boxes visible`);

  for (const img of document.images) {
    if (!img.complete) {
      await new Promise((r) => { img.onload = img.onerror = r; setTimeout(r, 3000); });
    }
    if (img.naturalWidth === 0) problems.push(`broken image: ${img.getAttribute("src")}`);
    if (/\.(png|jpe?g|svg|gif)$/i.test(img.getAttribute("alt") || "")) {
      problems.push(`alt text is a file path: ${img.getAttribute("alt")}`);
    }
  }
  return problems;
}

run().then(done, (err) => done([`page check crashed: ${err}`]));
