"""The standalone page: Voilà on 127.0.0.1 only, a clear message for a port in use, nothing from another host."""

import socket
import urllib.request

import pytest
from live_page import live_page, needs_live_page

from autograd.widgets import serve

COUNTER = """
import anywidget, traitlets
class Counter(anywidget.AnyWidget):
    _esm = '''export default { render({ model, el }) {
      const b = document.createElement("button"); b.id = "count"; b.textContent = "n=" + model.get("n");
      b.onclick = () => { model.set("n", model.get("n") + 1); model.save_changes(); };
      model.on("change:n", () => { b.textContent = "n=" + model.get("n"); });
      el.appendChild(b);
    } }'''
    n = traitlets.Int(0).tag(sync=True)
    @traitlets.observe("n")
    def _doubled(self, change):  # the kernel answers: a click goes through Python and back
        if change["new"] % 2:
            self.n = change["new"] + 1
Counter()
"""


def test_a_port_in_use_is_named():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(serve.PortInUse, match=f"port {port} on 127.0.0.1 is in use"):
            serve.start_page("1 + 1", port=port)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"cells": []}, TypeError, "cells must be"),
        ({"cells": 3}, TypeError, "cells must be"),
        ({"cells": ["1", 2]}, TypeError, "cell 1 must be"),
        ({"cells": "1", "port": 0}, ValueError, "port must be an int from 1 to 65535"),
        ({"cells": "1", "port": True}, ValueError, "port must be"),
        ({"cells": "1", "title": 5}, TypeError, "title must be a str"),
        ({"cells": "1", "timeout": -1}, ValueError, "timeout must be a positive"),
    ],
)
def test_bad_arguments_are_refused_before_anything_starts(kwargs, error, words):
    with pytest.raises(error, match=words):
        serve.start_page(**kwargs)


def test_without_voila_the_message_names_the_live_extra(monkeypatch):
    real = serve.importlib.util.find_spec
    monkeypatch.setattr(serve.importlib.util, "find_spec", lambda name: None if name == "voila" else real(name))
    hint = r'voila, not installed; install the `live` extra: pip install -e "\.\[live\]"'
    with pytest.raises(serve.LiveExtraMissing, match=hint):
        serve.start_page("1 + 1")


def _other_address():
    """An address of this machine that is not loopback, or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: nothing is sent, the system only picks a route
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


@needs_live_page
def test_the_page_renders_offline_a_click_goes_through_the_kernel_and_it_stops_cleanly(chromium_browser):
    with live_page(chromium_browser, COUNTER, wait_for="#count") as live:
        page = live.page
        assert page.inner_text("#count") == "n=0"
        page.click("#count")
        page.wait_for_function("document.getElementById('count').textContent === 'n=2'")  # 1 from JS, +1 in Python
        assert live.outside == []  # nothing from a CDN or any other host
        assert live.errors == []
        other = _other_address()
        if other is not None:  # bound to loopback only: the port is closed on the machine's other address
            with pytest.raises(OSError):
                urllib.request.urlopen(f"http://{other}:{live.server.port}/", timeout=2)
        server = live.server
    assert not server.running() and not server.folder.exists()


@needs_live_page
def test_ctrl_c_stops_the_server_cleanly():
    import re
    import signal
    import subprocess
    import sys
    import time

    code = "from autograd.widgets.serve import serve\nserve('1 + 1', open_browser=False)"
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        line = process.stdout.readline()
        found = re.search(r"on http://127\.0\.0\.1:(\d+)/ \(this computer only\); press Ctrl-C to stop", line)
        assert found, line + process.stdout.read() if process.poll() is not None else line
        port = int(found.group(1))
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60).read()  # the page (and its kernel) run
        process.send_signal(signal.SIGINT)
        rest = process.communicate(timeout=60)[0]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, rest
    assert "Stopping the page" in rest and "Traceback" not in rest
    time.sleep(0.5)
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):  # nobody listens there any more
        probe.connect(("127.0.0.1", port))
