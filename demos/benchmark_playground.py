"""Benchmark, the playground: training steps and frames per second, in the kernel and in headless Chromium.

python -m demos.benchmark_playground [--seconds S] [--repeats R] [--screenshot PATH]

The issue's case: a 2-8-8-1 tanh network, batch 10, 200 points (100 for training,
so one epoch is 10 steps of SGD), each frame with the heat maps of the output
and of all 16 hidden neurons. Two measurements:

1. The kernel alone: the time of one frame's work, `Session.step(e)` (e epochs
   through nn.train on the compiled path) plus the frame the widget sends (heat
   maps as bytes, losses, curve); medians over many frames, gc on and off.
2. The page: `python -m demos.playground`'s page (Voilà on 127.0.0.1) in headless
   Chromium, Play pressed; after a warm-up, the epochs and frames the page has
   drawn (it counts them as it draws) over S seconds: steps/s and frames/s *shown*.
   R runs per setting; median and range.

`--screenshot PATH` also writes a PNG of the page (the XOR scenario after
training, for the README). Needs the live and browser extras and Chromium.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import shutil
import statistics
import sys
import time

from nn.playground import Session, default_scenario, dumps_scenario, load_scenario

SETTINGS = {"dataset": "xor", "hidden": [8, 8], "points": 200, "batch_size": 10, "train_percent": 50, "seed": 1}
EPOCHS_PER_FRAME = (1, 2, 4)
TARGET = 30  # training steps per second shown, at least
CHROMIUM = "/usr/bin/chromium"
FIRST_FRAME = "document.querySelector('.pg-root') && document.querySelector('.pg-root').dataset.frames > 0"


def steps_per_epoch(session: Session) -> int:
    return math.ceil(len(session.X_train) / session.settings["batch_size"])


def kernel_frames(epochs: int, frames: int, gc_on: bool) -> float:
    """Median seconds of one frame's work in the kernel: `epochs` epochs and the frame sent to the page."""
    from nn.playground.widget import Playground

    widget = Playground(**SETTINGS)
    widget.step()  # the first call compiles and checks: not what a running page pays
    times = []
    for _ in range(frames):
        gc.collect()
        if not gc_on:
            gc.disable()
        try:
            start = time.perf_counter()
            widget.session.step(epochs)
            widget._push_frame()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return statistics.median(times)


def blas_threads() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl not installed)"
    pools = [f"{p.get('internal_api')} {p.get('num_threads')}" for p in threadpool_info()]
    return ", ".join(pools) or "none loaded"


def load() -> str:
    """The machine's load average over the last minute, for reading the figures (a shared machine is slower)."""
    try:
        return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    except (AttributeError, OSError):
        return "load average unknown"


def page_rates(browser, epochs: int, seconds: float, warmup: float = 2.0) -> dict:
    """Serve the page, press Play, and count what the page draws over `seconds`."""
    from autograd.widgets.serve import start_page
    from demos.playground import page_cells

    scenario = dict(default_scenario(), **SETTINGS, epochs_per_frame=epochs)
    session = Session(scenario)
    with start_page(page_cells(dumps_scenario(scenario), stepper=False), title="benchmark") as server:
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        try:
            page = context.new_page()
            page.goto(server.url)
            page.wait_for_function(FIRST_FRAME, timeout=120_000)
            page.click(".pg-play")
            time.sleep(warmup)
            read = "() => [Number(ROOT.dataset.frames), Number(ROOT.dataset.epoch), performance.now()]".replace(
                "ROOT", "document.querySelector('.pg-root')"
            )
            frames0, epoch0, t0 = page.evaluate(read)
            time.sleep(seconds)
            frames1, epoch1, t1 = page.evaluate(read)
            page.click(".pg-play")
        finally:
            context.close()
    elapsed = (t1 - t0) / 1000
    epochs_shown = (epoch1 - epoch0) / elapsed
    return {
        "frames/s": (frames1 - frames0) / elapsed,
        "epochs/s": epochs_shown,
        "steps/s": epochs_shown * steps_per_epoch(session),
    }


def screenshot(browser, path: str) -> None:
    """The XOR scenario (8-8 hidden) after 300 epochs, as a PNG of the page's controls and maps."""
    from importlib.resources import files

    from autograd.widgets.serve import start_page
    from demos.playground import page_cells

    scenario = load_scenario(files("nn.playground") / "scenarios" / "xor.json")
    scenario.update(hidden=[8, 8], epochs_per_frame=4, title="")
    with start_page(page_cells(dumps_scenario(scenario), stepper=False), title="") as server:
        context = browser.new_context(viewport={"width": 1140, "height": 800}, device_scale_factor=1)
        try:
            page = context.new_page()
            page.goto(server.url)
            page.wait_for_function(FIRST_FRAME, timeout=120_000)
            page.click(".pg-play")
            page.wait_for_function("Number(document.querySelector('.pg-epoch').textContent) >= 300", timeout=120_000)
            page.click(".pg-play")
            page.wait_for_function("document.querySelector('.pg-play').textContent === 'Play'")
            time.sleep(0.5)
            top = page.locator(".pg-top").bounding_box()
            main = page.locator(".pg-main").bounding_box()
            clip = {"x": top["x"] - 8, "y": top["y"] - 8, "width": top["width"] + 16,
                    "height": main["y"] + main["height"] - top["y"] + 16}  # fmt: skip
            page.screenshot(path=path, clip=clip)
        finally:
            context.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demos.benchmark_playground", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="seconds counted per browser run (default 6)")
    parser.add_argument("--repeats", type=int, default=3, help="browser runs per setting (default 3)")
    parser.add_argument("--frames", type=int, default=200, help="frames timed in the kernel alone (default 200)")
    parser.add_argument("--screenshot", help="also write a PNG of the page here")
    args = parser.parse_args(argv)

    session = Session(**SETTINGS)
    per_epoch = steps_per_epoch(session)
    print(f"Playground benchmark: 2-8-8-1 tanh, batch 10, {SETTINGS['points']} points ({len(session.X_train)} "
          f"for training: {per_epoch} steps of SGD per epoch), heat maps of 17 neurons")  # fmt: skip
    print(f"BLAS threads: {blas_threads()}; Python {sys.version.split()[0]}; {load()}")
    print("\n1. The kernel alone (one frame = e epochs + the frame sent), median over", args.frames, "frames")
    print(f"   {'e':>3} {'gc':>4} {'ms/frame':>9} {'epochs/s':>9} {'steps/s':>9}")
    for epochs in EPOCHS_PER_FRAME:
        for gc_on in (True, False):
            seconds = kernel_frames(epochs, args.frames, gc_on)
            print(f"   {epochs:>3} {'on' if gc_on else 'off':>4} {seconds * 1e3:9.2f} {epochs / seconds:9.1f} "
                  f"{epochs * per_epoch / seconds:9.1f}")  # fmt: skip

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("\n2. The page: skipped, Playwright is not installed (the browser extra)")
        return 0
    if shutil.which(CHROMIUM) is None:
        print(f"\n2. The page: skipped, no Chromium at {CHROMIUM}")
        return 0
    print(f"\n2. The page in headless Chromium, Play pressed: what it drew in {args.seconds:g} s "
          f"(median [min, max] of {args.repeats} runs)")  # fmt: skip
    print(f"   {'e':>3} {'frames/s':>20} {'epochs/s':>20} {'steps/s shown':>22}")
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for epochs in EPOCHS_PER_FRAME:
                runs = [page_rates(browser, epochs, args.seconds) for _ in range(args.repeats)]
                row = {}
                for key in ("frames/s", "epochs/s", "steps/s"):
                    values = [r[key] for r in runs]
                    row[key] = (statistics.median(values), min(values), max(values))
                results[epochs] = row
                cells = [f"{m:7.1f} [{lo:5.1f}, {hi:5.1f}]".rjust(22 if k == "steps/s" else 20)
                         for k, (m, lo, hi) in row.items()]  # fmt: skip
                print(f"   {epochs:>3} " + " ".join(cells))
            if args.screenshot:
                screenshot(browser, args.screenshot)
                print(f"\nScreenshot: {args.screenshot}")
        finally:
            browser.close()
    print(f"   ({load()} at the end)")
    slowest = min(row["steps/s"][0] for row in results.values())
    verdict = "met" if slowest >= TARGET else "NOT met"
    print(f"\nTarget: at least {TARGET} training steps per second shown: {verdict} "
          f"(slowest setting {slowest:.0f} steps/s = {slowest / per_epoch:.1f} epochs/s)")  # fmt: skip
    print(json.dumps({str(k): {kk: round(v[0], 2) for kk, v in row.items()} for k, row in results.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
