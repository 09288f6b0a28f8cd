"""Fixtures of the browser page test: one server and one Chromium per run."""

from __future__ import annotations

import pytest

from .site import Browser, Server, site_dir


@pytest.fixture(scope="session")
def browser():
    server = Server(site_dir())
    chromium = Browser(server.url)
    try:
        yield chromium
    finally:
        chromium.close()
        server.close()
