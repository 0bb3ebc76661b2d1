"""A real browser on a live widget page, for the tests of the stepper and of the playground.

`live_page(cells)` (a context manager) serves `cells` with
`autograd.widgets.serve.start_page` (Voilà on 127.0.0.1), opens the page in
headless Chromium through Playwright's Python package and yields a
`LivePage`: `.page` (Playwright's Page, the widgets rendered), `.url`,
`.server` (the serve.Page), `.outside` (every request the page made to
another host than 127.0.0.1: refused, and listed so a test can assert the
page asks nothing of the internet) and `.errors` (JavaScript errors on the
page). Everything it started is ended when the block is left.

`needs_live_page` skips a test, with the reason, when Chromium, Playwright,
Voilà or anywidget is missing. `chromium_browser` is a module-scoped fixture
(one Chromium per test module): a folder's conftest.py makes it known
(`from live_page import chromium_browser  # noqa: F401`), its tests then
`from live_page import live_page, needs_live_page`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import shutil
from dataclasses import dataclass, field

import pytest

CHROMIUM = next((p for p in ("/usr/bin/chromium",) if shutil.which(p)), None) or next(
    (shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)), None
)
_MISSING = [name for name in ("playwright", "voila", "anywidget", "ipywidgets") if not importlib.util.find_spec(name)]
if CHROMIUM is None:
    _MISSING.insert(0, "chromium (the browser)")
needs_live_page = pytest.mark.skipif(
    bool(_MISSING), reason=f"a live page needs {', '.join(_MISSING)}: not installed (the live and browser extras)"
)
RENDER_TIMEOUT_MS = 90_000  # a first page starts a kernel and imports numpy and graphviz: slow on a busy machine


@dataclass
class LivePage:
    page: object  # playwright.sync_api.Page
    server: object  # autograd.widgets.serve.Page
    outside: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="module")
def chromium_browser():
    """One headless Chromium (the system's) for a test module, closed at its end."""
    if _MISSING:
        pytest.skip(f"a live page needs {', '.join(_MISSING)}: not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def live_page(browser, cells, *, wait_for: str, title: str = "", viewport=(1280, 900)):
    """Serve `cells`, open them in `browser` and wait for the CSS selector `wait_for`; yields a LivePage."""
    from autograd.widgets.serve import HOST, start_page

    server = start_page(cells, title=title)
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    try:
        page = context.new_page()
        live = LivePage(page, server)

        def route(request_route):
            url = request_route.request.url
            if url.startswith(f"http://{HOST}:{server.port}/") or url.startswith(f"ws://{HOST}:{server.port}/"):
                request_route.continue_()
            elif url.startswith(("data:", "blob:")):
                request_route.continue_()
            else:
                live.outside.append(url)
                request_route.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda error: live.errors.append(str(error)))
        page.goto(server.url)
        try:
            page.wait_for_selector(wait_for, timeout=RENDER_TIMEOUT_MS)
        except Exception as exc:
            raise AssertionError(
                f"the page never showed {wait_for!r}; JavaScript errors: {live.errors}; "
                f"Voilà said:\n{server.log()[-3000:]}"
            ) from exc
        yield live
    finally:
        context.close()
        server.stop()
