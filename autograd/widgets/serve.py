"""Widgets as a standalone web page, for projecting in class without a notebook: Voilà on 127.0.0.1.

A widget lives in a Python kernel, so a page is described by the code that
makes its widgets, not by widget objects: `cells` is one string of Python or
a list of them, each run in the page's kernel in order, each showing its
last expression (as a notebook cell does). A cell written as
("markdown", text) is shown as text.

    start_page(cells, *, title="Backprop lab", port=None, timeout=90.0) -> Page
        Starts Voilà on a generated notebook in a fresh private temporary
        folder, bound to 127.0.0.1 only, on `port` or a free one, and returns
        once the server answers. `Page` has .url, .port, .folder,
        .running(), .stop() (idempotent: ends Voilà and its kernels, removes
        the folder) and is a context manager. A port in use is a
        `PortInUse` (an OSError) naming it; Voilà missing is a
        `LiveExtraMissing` (an ImportError) naming the `live` extra.
    serve(cells, *, title="Backprop lab", port=None, open_browser=True, timeout=90.0) -> None
        start_page, prints the address, opens the browser unless told not to,
        and waits until Ctrl-C (or the server ends), then shuts down cleanly.

Nothing comes from a CDN: Voilà serves its own JavaScript and that of the
installed widget extensions (anywidget), and each widget's own JavaScript and
CSS are package data of `autograd.widgets`.

    require(*modules, who) -> None
        LiveExtraMissing naming the `live` extra when one of the modules
        cannot be imported (for widgets that need only part of the extra).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import webbrowser
from pathlib import Path

from autograd import install_command
from autograd.language import Domain, resolve

__all__ = ["serve", "start_page", "Page", "PortInUse", "LiveExtraMissing", "LIVE_HINT", "require"]

HOST = "127.0.0.1"  # loopback only: the page and its kernel run code, nobody else on the network may reach them
LIVE_HINT = f"install the `live` extra: {install_command('live')} (anywidget, ipywidgets, voila)"
_ = Domain("autograd").gettext
_KERNEL = "backprop-lab-page"  # a kernel spec of its own, so the page runs in this very Python
_TEMPLATE = "backprop-lab-offline"
# Voilà's "lab" template without the two style sheets it links from a CDN (icons ipywidgets' buttons can show;
# no widget here uses them): the page then asks nothing of any other host.
_CDN_LINK = (
    '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/{}"'
    ' type="text/css" />'
)
_TEMPLATE_SOURCE = (
    "{%- extends 'voila/templates/lab/index.html.j2' -%}\n{%- block notebook_css -%}\n{{ super()"
    + "".join(f" | replace('{_CDN_LINK.format(name)}', '')" for name in ("all.min.css", "v4-shims.min.css"))
    + " }}\n{%- endblock notebook_css -%}\n"
)


class LiveExtraMissing(ImportError):
    """The live widgets need the `live` extra (anywidget, ipywidgets, voila), and part of it is not installed."""


class PortInUse(OSError):
    """The port asked for is taken on 127.0.0.1."""


def require(*modules: str, who: str) -> None:
    """Raise LiveExtraMissing naming the `live` extra when one of `modules` cannot be imported."""
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise LiveExtraMissing(f"{who} needs {', '.join(missing)}, not installed; {LIVE_HINT}")


def _cells(cells, who: str) -> list[tuple[str, str]]:
    """`cells` checked: [(kind, source)] with kind "code" or "markdown"."""
    items = [cells] if isinstance(cells, str | tuple) else cells
    if not isinstance(items, list | tuple) or not items:
        raise TypeError(f"{who}: cells must be a str of Python code or a non-empty list of them, not {cells!r}")
    checked = []
    for k, item in enumerate(items):
        if isinstance(item, str):
            checked.append(("code", item))
        elif isinstance(item, tuple) and len(item) == 2 and item[0] == "markdown" and isinstance(item[1], str):
            checked.append(item)
        else:
            raise TypeError(f"{who}: cell {k} must be a str of Python code or ('markdown', text), not {item!r}")
    return checked


def _port(port, who: str) -> int:
    """The port to serve on: `port` if it is free on 127.0.0.1, else a PortInUse; None: one the system picks."""
    if port is not None and (not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535):
        raise ValueError(f"{who}: port must be an int from 1 to 65535 or None (a free port), not {port!r}")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port or 0))
        except OSError:
            raise PortInUse(
                f"{who}: port {port} on {HOST} is in use (another page or server?); "
                "pass another port, or port=None for a free one"
            ) from None
        return probe.getsockname()[1]


def _notebook(cells: list[tuple[str, str]], title: str) -> dict:
    """The generated notebook (nbformat 4, written as JSON): a title, then the cells."""

    def cell(kind, source):
        extra = {"outputs": [], "execution_count": None} if kind == "code" else {}
        return {"cell_type": kind, "metadata": {}, "source": source, **extra}

    heading = [cell("markdown", f"# {title}")] if title else []
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": _KERNEL, "display_name": "Python (backprop lab)", "language": "python"},
            "language_info": {"name": "python"},
        },
        "cells": heading + [cell(kind, source) for kind, source in cells],
    }


def _project_root() -> str:
    """The folder holding the `autograd` package, so that the page's kernel imports this very code."""
    return str(Path(__file__).resolve().parents[2])


class Page:
    """A running Voilà page: `url`, `port`, `folder`; `stop()` ends it (also on leaving a `with` block)."""

    def __init__(self, process: subprocess.Popen, port: int, folder: Path, log) -> None:
        self.process, self.port, self.folder, self._log = process, port, folder, log
        self.url = f"http://{HOST}:{port}/"

    def __repr__(self) -> str:
        state = "running" if self.running() else "stopped"
        return f"<Page {self.url} ({state})>"

    def __enter__(self) -> Page:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def running(self) -> bool:
        """Whether the Voila process still runs."""
        return self.process.poll() is None

    def log(self) -> str:
        """What Voilà has written so far (its output and errors)."""
        self._log.flush()
        return Path(self._log.name).read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = 10.0) -> None:
        """End Voilà and its kernels (the whole process group started for it) and remove the folder."""
        if self.running():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        else:  # Voilà ended by itself: its kernels may still be there, in its process group
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGTERM)
        if not self._log.closed:
            self._log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_page(cells, *, title: str = "Backprop lab", port: int | None = None, timeout: float = 90.0) -> Page:
    """Start Voilà on a page of `cells` (see the module's docstring), on 127.0.0.1 only; returns the running `Page`."""
    who = "start_page"
    require("voila", "anywidget", "ipywidgets", who=who)
    checked = _cells(cells, who)
    if not isinstance(title, str):
        raise TypeError(f"{who}: title must be a str, not {type(title).__name__} {title!r}")
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or not timeout > 0:
        raise ValueError(f"{who}: timeout must be a positive number of seconds, not {timeout!r}")
    port = _port(port, who)
    folder = Path(tempfile.mkdtemp(prefix="backprop-lab-page-"))  # private (0700), made here: no foreign links
    notebook = folder / "page.ipynb"
    notebook.write_text(json.dumps(_notebook(checked, title), indent=1), encoding="utf-8")
    spec = folder / "jupyter" / "kernels" / _KERNEL
    spec.mkdir(parents=True)
    kernel = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (backprop lab)",
        "language": "python",
    }
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    template = folder / "jupyter" / "voila" / "templates" / _TEMPLATE
    template.mkdir(parents=True)
    (template / "conf.json").write_text(json.dumps({"base_template": "lab"}), encoding="utf-8")
    (template / "index.html.j2").write_text(_TEMPLATE_SOURCE, encoding="utf-8")
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(folder / "jupyter"), env.get("JUPYTER_PATH")]))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_project_root(), env.get("PYTHONPATH")]))
    command = [
        sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}",
        f"--Voila.ip={HOST}", "--Voila.port_retries=0", "--show_tracebacks=True", "--theme=light",
        f"--template={_TEMPLATE}",
    ]  # fmt: skip
    log = open(folder / "voila.log", "w", encoding="utf-8")  # noqa: SIM115 (closed by Page.stop)
    process = subprocess.Popen(
        command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: stop() ends Voilà and the kernels it started
    )  # fmt: skip
    page = Page(process, port, folder, log)
    try:
        _wait_until_up(page, timeout, who)
    except BaseException:
        page.stop()
        raise
    return page


def _wait_until_up(page: Page, timeout: float, who: str) -> None:
    """Wait until Voilà answers on the page's port (RuntimeError with its log if it ends or takes too long)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not page.running():
            log = page.log()
            if "already in use" in log or "Address already in use" in log:
                raise PortInUse(f"{who}: port {page.port} on {HOST} was taken before Voilà could bind it; try again")
            raise RuntimeError(f"{who}: Voilà ended before serving the page; it said:\n{log[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{page.port}/backprop-lab-probe", timeout=1):
                pass
        except urllib.error.HTTPError:  # any HTTP answer means the server is up
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
            continue
        return
    log = page.log()[-3000:]
    raise RuntimeError(f"{who}: Voilà did not answer on {page.url} within {timeout:g} s; it said:\n{log}")


def serve(
    cells,
    *,
    title: str = "Backprop lab",
    port: int | None = None,
    open_browser: bool = True,
    timeout: float = 90.0,
    language: str | None = None,
) -> None:
    """Serve a page of `cells` on 127.0.0.1 until Ctrl-C: prints the address, opens the browser unless told not to.

    What it prints is in `language` ("de" or "en"; None: the language in force, see `autograd.language`).
    """
    if not isinstance(open_browser, bool):
        raise TypeError(f"serve: open_browser must be True or False, not {open_browser!r}")
    language = resolve(language, "serve")
    page = start_page(cells, title=title, port=port, timeout=timeout)
    try:
        serving = _("Serving {title} on {url} (this computer only); press Ctrl-C to stop.", language)
        print(serving.format(title=repr(title), url=page.url), flush=True)
        if open_browser:
            webbrowser.open(page.url)
        while page.running():
            time.sleep(0.5)
        ended = _("The server ended by itself; its last words:", language)
        print(f"{ended}\n{page.log()[-2000:]}", file=sys.stderr)
    except KeyboardInterrupt:
        print("\n" + _("Stopping the page ...", language), flush=True)
    finally:
        page.stop()
