"""A real headless browser for the tests of the player page (the step frames' and the animations').

`play_through(page)` opens a copy of the page in headless Chromium with a
probe script added after the player's own: it presses Home, then "next" once
per frame and once more, then the left arrow, then "play", and records after
each press what a viewer would see: the counter's text, which frames are
shown, the shown image's alternative text and box, the boxes of the stage and
of the buttons, and any text on the page outside the stage. The records come
back as a list of dicts (the last one after play has run to the end).
`check_played(records, sizes, captions)` checks them: one frame at a time,
each caption once, the stage and buttons fixed, every frame at one scale; it
returns the counter's text per frame.
"""

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = next(
    (shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)), None
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no headless Chromium (chromium, chromium-browser or google-chrome)"
)

PROBE = """
<script>
(function () {
  var records = [];
  function box(el) {
    if (!el) return null;
    var r = el.getBoundingClientRect();
    return [r.left, r.top, r.width, r.height];
  }
  function record(action) {
    var shown = document.querySelectorAll(".frame.shown");
    var image = shown.length ? shown[0].querySelector("img, svg") : null;
    var outside = document.body.cloneNode(true);
    outside.querySelectorAll("script, .stage, #probe").forEach(function (el) { el.remove(); });
    records.push({
      action: action,
      counter: document.getElementById("counter").textContent,
      shown: Array.prototype.map.call(shown, function (f) { return f.id; }),
      alt: image ? (image.getAttribute("alt") || image.getAttribute("aria-label")) : null,
      image: box(image),
      stage: box(document.querySelector(".stage")),
      buttons: [box(document.getElementById("prev")), box(document.getElementById("next")),
                box(document.querySelector(".hint"))],
      outside: outside.textContent
    });
  }
  function key(name) { document.dispatchEvent(new KeyboardEvent("keydown", {key: name})); }
  function done() {
    var pre = document.createElement("pre");
    pre.id = "probe";
    pre.textContent = JSON.stringify(records);
    document.body.appendChild(pre);
  }
  var n = document.querySelectorAll(".frame").length;
  key("Home");
  for (var k = 0; k < n; k++) { record("next " + k); document.getElementById("next").click(); }
  record("next past the end");
  key("ArrowLeft");
  record("left arrow");
  document.getElementById("play").click();
  setTimeout(function () { record("after play"); done(); }, INTERVAL * (n + 2));
})();
</script>
"""


def play_through(page, tmp_path) -> list[dict]:
    """Open `page` in headless Chromium, step through it as described above, return the records."""
    text = Path(page).read_text(encoding="utf-8")
    interval = int(re.search(r"var interval = (\d+);", text).group(1))
    frames = text.count('class="frame"')
    probed = tmp_path / "probed.html"
    probed.write_text(text.replace("</body>", PROBE.replace("INTERVAL", str(interval)) + "</body>"), encoding="utf-8")
    budget = interval * (frames + 4)
    run = subprocess.run(
        [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--window-size=1280,900"]
        + [f"--virtual-time-budget={budget}", "--dump-dom", probed.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.search(r'<pre id="probe">(.*?)</pre>', run.stdout, flags=re.DOTALL)
    assert found, f"the probe did not run; Chromium said: {run.stderr[-2000:]}"
    return json.loads(html.unescape(found.group(1)))


def check_played(records, sizes, captions):
    """What a viewer sees while stepping through frames of `sizes` (intrinsic width, height) with `captions`."""
    n = len(sizes)
    stepped, past, left, played = records[:n], records[n], records[n + 1], records[n + 2]
    assert [r["shown"] for r in stepped] == [[f"frame{k}"] for k in range(n)]  # exactly one frame at a time
    assert past["shown"] == [f"frame{n - 1}"] and left["shown"] == [f"frame{n - 2}"]
    assert played["shown"] == [f"frame{n - 1}"]  # play runs to the last frame and stops there
    assert [r["alt"] for r in stepped] == captions
    for r in records:
        # the captions are in the pictures only, not a second time on the page
        assert not any(caption in r["outside"] for caption in captions)
        # one stage and the buttons stay where they are
        assert r["stage"] == records[0]["stage"] and r["buttons"] == records[0]["buttons"]
    # and every frame is drawn at the same scale, left-aligned on the stage: the boxes do not jump
    scales = [r["image"][2] / w for r, (w, _) in zip(stepped, sizes)]
    assert max(scales) == pytest.approx(min(scales), rel=1e-3)
    assert {tuple(r["image"][:2]) for r in stepped} == {tuple(records[0]["stage"][:2])}
    widest = max(w for w, _ in sizes)
    assert records[0]["stage"][2] == pytest.approx(widest * scales[0], rel=1e-3)
    return [r["counter"] for r in stepped]
