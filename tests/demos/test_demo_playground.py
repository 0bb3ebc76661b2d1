"""`python -m demos.playground`: the scenario reaches the page as data, bad input is refused with a clear
message, the server listens on 127.0.0.1 only, and in a real browser the page trains."""

import ast
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from live_page import chromium_browser, needs_live_page  # noqa: F401 (chromium_browser: a fixture)

from demos import playground as demo
from nn.playground import FORMAT, Session, dumps_scenario, load_scenario, loads_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_the_scenario_reaches_the_page_as_a_string_literal():
    hostile = dumps_scenario({"format": FORMAT, "version": 1, "title": "')\nimport os; os.system('x')  # \"\"\""})
    code = demo.page_cells(hostile, stepper=False)[0]
    calls = [
        n
        for n in ast.walk(ast.parse(code))
        if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "loads_scenario"
    ]
    assert len(calls) == 1 and isinstance(calls[0].args[0], ast.Constant) and calls[0].args[0].value == hostile
    assert not any(
        isinstance(n, (ast.Import, ast.ImportFrom)) and n.names[0].name == "os" for n in ast.walk(ast.parse(code))
    )


def test_the_page_has_a_stepper_for_the_chain_rule_when_there_is_one():
    cells = demo.page_cells("{}", stepper=True, language="en")
    assert any("Stepper(build()['f'], language='en')" in c for c in cells if isinstance(c, str))
    assert (
        "markdown",
        "## The chain rule, one step at a time\nf = ((a + b)(c + d))², the example of the lecture.",
    ) in cells
    assert len(demo.page_cells("{}", stepper=False)) == 1


def test_the_page_speaks_the_language_asked_for():
    cells = demo.page_cells("{}", stepper=True, language="de")
    code = [c for c in cells if isinstance(c, str)]
    assert "language='de'" in code[0] and "language='de'" in code[1]  # the playground and the stepper
    (markdown,) = [c[1] for c in cells if isinstance(c, tuple)]
    assert "Kettenregel" in markdown and "chain rule" not in markdown
    with pytest.raises(ValueError, match="language"):
        demo.page_cells("{}", language="fr")


def test_help_follows_lang(capsys):
    for language, says in (("de", "Szenario"), ("en", "scenario file")):
        with pytest.raises(SystemExit):
            demo.main(["--lang", language, "--help"])
        assert says in capsys.readouterr().out


def test_a_bad_scenario_is_refused_before_serving(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": FORMAT, "version": 1, "hidden": [8, 8, 8, 8, 8]}))
    assert demo.main([str(path), "--no-browser"]) == 2
    assert "field 'hidden' has 5 entries" in capsys.readouterr().err
    assert demo.main([str(tmp_path / "missing.json"), "--no-browser"]) == 2
    assert "No such file" in capsys.readouterr().err


live = needs_live_page


@live
def test_a_port_in_use_gets_a_clear_message(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert demo.main(["--no-browser", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"port {port} on 127.0.0.1 is in use" in err


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening_addresses(port: int) -> set:
    """The local addresses with a listening TCP socket on `port` (Linux's /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def other_address():
    """An address of this machine that is not loopback, or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


class Served:
    """`python -m demos.playground SCENARIO --no-browser --port P` in a subprocess, its output collected."""

    def __init__(self, scenario_path, port):
        self.port = port
        self.process = subprocess.Popen(
            [sys.executable, "-m", "demos.playground", str(scenario_path), "--no-browser", "--port", str(port)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.output = io.StringIO()
        self.reader = threading.Thread(target=lambda: [self.output.write(line) for line in self.process.stdout])
        self.reader.start()

    def wait_until_serving(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "Serving" in self.output.getvalue():
                return
            assert self.process.poll() is None, f"the server ended: {self.output.getvalue()}"
            time.sleep(0.2)
        raise AssertionError(f"no 'Serving' line within {timeout} s: {self.output.getvalue()}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # as Ctrl-C
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.reader.join(10)


FIRST_FRAME = "document.querySelector('.pg-root') && document.querySelector('.pg-root').dataset.frames > 0"


@live
def test_the_page_listens_on_loopback_only_and_trains_in_a_browser(chromium_browser, tmp_path):  # noqa: F811
    from PIL import Image  # the demos extra, installed where the browser tests run

    scenario_path = tmp_path / "xor.json"
    scenario_path.write_text(
        json.dumps({"format": FORMAT, "version": 1, "dataset": "xor", "hidden": [8, 8], "points": 200,
                    "batch_size": 10, "seed": 1, "epochs_per_frame": 2, "hidden_controls": ["noise", "load"]})
    )  # fmt: skip
    port = free_port()
    served = Served(scenario_path, port)
    try:
        served.wait_until_serving()
        assert f"http://127.0.0.1:{port}/" in served.output.getvalue()
        addresses = listening_addresses(port)
        if os.path.exists("/proc/net/tcp"):
            assert addresses == {"0100007F"}, f"listening on {addresses}, not 127.0.0.1 alone"
        elsewhere = other_address()
        if elsewhere is not None:
            with pytest.raises(OSError), socket.create_connection((elsewhere, port), timeout=2):
                pass

        context = chromium_browser.new_context(viewport={"width": 1280, "height": 1000})
        outside, errors = [], []

        def route(request_route):
            url = request_route.request.url
            if url.startswith((f"http://127.0.0.1:{port}/", f"ws://127.0.0.1:{port}/", "data:", "blob:")):
                request_route.continue_()
            else:
                outside.append(url)
                request_route.abort()

        try:
            page = context.new_page()
            page.route("**/*", route)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_function(FIRST_FRAME, timeout=120_000)
            before = float(page.inner_text(".pg-train-loss"))
            assert page.inner_text(".pg-epoch") == "000000"
            assert not page.is_visible(".pg-noise") and not page.is_visible(".pg-load")  # the scenario hides them
            assert page.is_visible(".pg-learning_rate") and page.is_visible(".pg-dataset")
            if demo.has_stepper():  # below the playground, the chain-rule example step by step
                page.wait_for_selector(".bpl-stepper", timeout=60_000)

            page.click(".pg-play")
            page.wait_for_function("Number(document.querySelector('.pg-epoch').textContent) >= 10", timeout=60_000)
            page.select_option(".pg-learning_rate", "0.1")  # a control while training: heard between chunks
            page.wait_for_function("Number(document.querySelector('.pg-epoch').textContent) >= 40", timeout=60_000)
            page.click(".pg-play")  # pause
            page.wait_for_function("document.querySelector('.pg-play').textContent === 'Play'", timeout=10_000)
            time.sleep(1.0)  # the frames on their way arrive; the last one shows the last epoch trained
            after = float(page.inner_text(".pg-train-loss"))
            epoch = int(page.inner_text(".pg-epoch"))
            assert after < 0.8 * before, f"the training loss went from {before} to {after} in {epoch} epochs"
            time.sleep(1.0)
            assert int(page.inner_text(".pg-epoch")) == epoch  # paused: nothing trains any more
            assert float(page.inner_text(".pg-test-loss")) >= 0

            # a click on a point shows its graph with values and gradients
            x, y, _, _ = Session(load_scenario(scenario_path)).points()[0]
            box = page.locator(".pg-map").bounding_box()
            page.mouse.click(box["x"] + (x + 6) / 12 * box["width"], box["y"] + (6 - y) / 12 * box["height"])
            page.wait_for_selector(".pg-sample-graph svg", timeout=30_000)
            assert "point 0" in page.inner_text(".pg-sample-text") and "grad" in page.inner_html(".pg-sample-graph")

            # Step is one epoch, a click in "add" mode adds a point, Save downloads the state, Reset starts again
            page.click(".pg-step")
            page.wait_for_function(f"Number(document.querySelector('.pg-epoch').textContent) === {epoch + 1}")
            points = int(page.get_attribute(".pg-root", "data-points"))
            page.click(".pg-click-mode[data-mode='add'] >> nth=1")
            page.mouse.click(box["x"] + box["width"] * 0.9, box["y"] + box["height"] * 0.1)
            page.wait_for_function(f"Number(document.querySelector('.pg-root').dataset.points) === {points + 1}")
            with page.expect_download() as download:
                page.click(".pg-save")
            saved = loads_scenario(Path(download.value.path()).read_bytes())
            assert saved["state"]["epoch"] == epoch + 1 and len(saved["added"]) == 1 and saved["added"][0][2] == 1
            assert saved["learning_rate"] == 0.1
            page.click(".pg-reset")
            page.wait_for_function("document.querySelector('.pg-epoch').textContent === '000000'")
            other = tmp_path / "circles.json"
            other.write_text(dumps_scenario({"format": FORMAT, "version": 1, "dataset": "circles", "hidden": [3]}))
            page.set_input_files(".pg-root input[type=file]", str(other))
            page.wait_for_function("document.querySelector('.pg-network-title').textContent === 'Network 2-3-1'")
            assert "pg-chosen" in page.get_attribute(".pg-dataset[data-name='circles']", "class")

            shot = tmp_path / "page.png"
            page.screenshot(path=str(shot))
            image = Image.open(shot).convert("RGB")
            colours = image.getcolors(maxcolors=1 << 20)
            assert colours is not None and len(colours) > 200, "the screenshot is (nearly) blank"
            assert outside == [] and errors == []
        finally:
            context.close()
    finally:
        served.stop()
    assert served.process.returncode == 0, served.output.getvalue()
    with pytest.raises(OSError):  # Voilà is gone with it
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)


def test_without_the_live_extra_the_message_names_it(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "voila" else real(name, *a))
    assert demo.main(["--no-browser"]) == 1
    err = capsys.readouterr().err
    assert "voila" in err and "live" in err and "pip install" in err
