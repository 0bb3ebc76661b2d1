"""The shared browser fixture of tests/live_page.py, for the widget tests of this folder."""

from live_page import chromium_browser  # noqa: F401 (a pytest fixture)
