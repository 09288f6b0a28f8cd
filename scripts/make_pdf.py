"""Print the single-page HTML build of the book to one PDF with headless Chromium.

``make pdf`` builds ``_build/singlehtml`` (Jupyter Book's singlehtml
builder), serves it on 127.0.0.1, waits until MathJax has typeset every
equation, and prints it through the DevTools protocol (``Page.printToPDF``)
of Debian's ``chromium`` driven by ``chromium-driver``. No LaTeX. In print,
wide equations are scaled to the page and tables are not clipped
(``_static/llmonkeys.css``). Fails on a MathJax error, unrendered maths or
an empty result.

Usage: python scripts/make_pdf.py SITE OUT.pdf
"""

from __future__ import annotations

import base64
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from browser.site import Browser, Server  # noqa: E402

READY = """
const done = arguments[arguments.length - 1];
(async () => {
  // Open every collapsed block (solutions, hidden code) for print.
  for (const d of document.querySelectorAll("details")) d.open = true;
  if (window.MathJax && window.MathJax.startup) await window.MathJax.startup.promise;
  if (window.llmReady) await window.llmReady;
  if (document.fonts) await document.fonts.ready;
  const errors = document.querySelectorAll("mjx-merror").length;
  const untyped = [...document.querySelectorAll("div.math, span.math")]
    .filter((m) => !m.querySelector("mjx-container")).length;
  return [errors, untyped, document.querySelectorAll("section").length];
})().then(done, (e) => done([-1, -1, String(e)]));
"""


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    site, out = Path(argv[0]), Path(argv[1])
    start = time.monotonic()
    # The singlehtml builder writes the whole book to the root document
    # (chapters/index.html) with links relative to the site's root: print a
    # copy placed at the root.
    page = site / "_book_print.html"
    page.write_text((site / "chapters" / "index.html").read_text())
    server = Server(site)
    browser = Browser(server.url)
    try:
        driver = browser.driver
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1000, "height": 1400, "deviceScaleFactor": 1, "mobile": False},
        )
        driver.get(server.url + page.name)
        errors, untyped, sections = driver.execute_async_script(READY)
        if errors or untyped:
            raise SystemExit(f"maths not rendered: {errors} errors, {untyped} untyped")
        pdf = driver.execute_cdp_cmd(
            "Page.printToPDF",
            {
                "printBackground": False,
                "preferCSSPageSize": False,
                "paperWidth": 8.27,  # A4
                "paperHeight": 11.69,
                "marginTop": 0.6, "marginBottom": 0.6,
                "marginLeft": 0.6, "marginRight": 0.6,
                "displayHeaderFooter": True,
                "headerTemplate": "<span></span>",
                "footerTemplate": (
                    '<div style="font-size:8px;width:100%;text-align:center">'
                    '<span class="pageNumber"></span></div>'
                ),
            },
        )
    finally:
        browser.close()
        server.close()
    data = base64.b64decode(pdf["data"])
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    if not data.startswith(b"%PDF") or pages < 10:
        raise SystemExit(f"{out}: not a whole book ({pages} pages)")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    seconds = time.monotonic() - start
    print(f"wrote {out}: {pages} pages, {len(data) / 1e6:.1f} MB, "
          f"{sections} sections, printed in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
