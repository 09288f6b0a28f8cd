"""The built site, a local server for it, and a headless Chromium to read it."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import tempfile
import threading
from pathlib import Path

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
WIDTHS = (1280, 390)
CHECKS = (Path(__file__).with_name("page_checks.js")).read_text()
SKIP_DIRS = {"_static", "_sources", "_images", "_downloads", "reports"}
# Console messages that are not errors of the book.
IGNORED_CONSOLE: tuple[str, ...] = (
    # Chromium asks every page without an icon link for /favicon.ico; only
    # the redirect page index.html that Jupyter Book writes has none.
    "favicon.ico",
)


def site_dir() -> Path:
    """Return the built HTML site (``LLMONKEYS_SITE`` or ``_build/html``)."""
    return Path(os.environ.get("LLMONKEYS_SITE", ROOT / "_build" / "html"))


def pages(site: Path) -> list[str]:
    """Return every HTML page of ``site``, relative, sorted."""
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"no built book in {site}: run `make book` first")
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not SKIP_DIRS & set(p.relative_to(site).parts)
    )


class Server:
    """Serve ``site`` on 127.0.0.1 (an ephemeral port) in a thread."""

    def __init__(self, site: Path):
        handler = functools.partial(_QuietHandler, directory=str(site))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


def chromium_paths() -> tuple[str, str]:
    """Return (chromium, chromedriver), Debian's packages; fail with the fix."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not browser or not driver:
        raise RuntimeError(
            "headless Chromium is missing: apt-get install -y chromium "
            "chromium-driver (.ci/run installs them)"
        )
    return browser, driver


class Browser:
    """One headless Chromium session that checks pages."""

    def __init__(self, base_url: str):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        binary, driver = chromium_paths()
        self.profile = tempfile.mkdtemp(prefix="llmonkeys-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = binary
        for flag in (
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", f"--user-data-dir={self.profile}",
        ):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(driver), options=options)
        self.driver.set_script_timeout(60)
        self.driver.set_page_load_timeout(60)
        self.base_url = base_url

    def check(self, page: str, width: int) -> list[str]:
        """Open ``page`` at ``width`` px and return its problems."""
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1,
             "mobile": width < 600},
        )
        self.driver.get("about:blank")
        self.driver.get_log("browser")  # drop what earlier pages logged
        self.driver.get(self.base_url + page)
        # The page's own scripts, then the checks (bounded wait).
        try:
            WebDriverWait(self.driver, 20).until(
                lambda d: d.execute_script(
                    "return document.readyState === 'complete' && !!window.llmReady"
                )
            )
        except TimeoutException:
            pass  # the checks below report what is missing
        problems = list(self.driver.execute_async_script(CHECKS))
        for entry in self.driver.get_log("browser"):
            if entry["level"] == "SEVERE" and not any(
                s in entry["message"] for s in IGNORED_CONSOLE
            ):
                problems.append(f"console error: {entry['message'][:300]}")
        return problems

    def close(self) -> None:
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)
