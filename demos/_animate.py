"""Training that moves: one mechanism for the demos' animations.

`animate(folder, name, draw, captions, grid=(rows, columns))` draws frame k
by calling `draw(fig, axes, k)` on one matplotlib figure of a fixed size,
whose axes are emptied before each frame and keep the layout of the first
(so every frame has the same size and nothing jumps; use fixed axis limits),
titles it with `captions[k]`, and writes

* `NAME.gif`, an animated GIF of the same frames (written with Pillow, which
  comes with matplotlib), for slides;
* `NAME_frames/000.png ...` and `NAME.html`, the frames and the offline page
  of `autograd.save_player` to step through them (buttons, arrow keys, play);
* `NAME.png`, the last frame, for print.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from demos import _common as c

# Frames for a 1920 x 1080 projector: the demos' figures, 16 to 19 inches wide, give frames 1600 to 1900 pixels
# wide, text 14 points = 19 pixels high (the last frame is also saved at the print resolution of the style).
FRAME_DPI = 100
INTERVAL_MS = 400  # time per frame, in the GIF and when the page plays


def frame_steps(total: int, count: int) -> list[int]:
    """`count` evenly spread step numbers from 0 to `total` (both included, no repeats): which states to draw."""
    if count < 2 or total < 1:
        return [0] if total < 1 else [0, total]
    return sorted({round(total * k / (count - 1)) for k in range(count)})


def animate(
    folder,
    name: str,
    draw,
    captions,
    *,
    grid=(1, 2),
    size=(14, 6),
    title: str,
    interval_ms: int = INTERVAL_MS,
    language: str | None = None,
) -> dict:
    """Draw `len(captions)` frames with `draw(fig, axes, k)` and write them as GIF, frames + page, and final PNG.

    The page's own words (its buttons) are in `language` ("de" or "en"; None:
    the language in force); the captions and title come as they are shown.
    Returns {"frames": [PNG paths], "gif": path, "html": path, "png": path}.
    """
    from matplotlib.figure import Figure
    from PIL import Image

    from autograd import save_player

    folder = Path(folder)
    frames_dir = folder / f"{name}_frames"
    if frames_dir.exists():  # frames of an earlier, longer run would be left over
        shutil.rmtree(frames_dir)
    frames_dir.mkdir(parents=True)
    gif = folder / f"{name}.gif"
    paths = []
    with c.style():
        fig = Figure(figsize=size, layout="constrained")
        axes = list(fig.subplots(*grid, squeeze=False).flat)
        for k, caption in enumerate(captions):
            for ax in axes:
                ax.cla()
            for legend in list(fig.legends):
                legend.remove()
            draw(fig, axes, k)
            fig.suptitle(caption)
            path = frames_dir / f"{k:03d}.png"
            fig.savefig(path, format="png", dpi=FRAME_DPI)
            paths.append(path)
            if k == 0:  # keep the first frame's layout: cheaper, and the axes stay put
                fig.set_layout_engine(None)
        final = c.save_figure(fig, folder / f"{name}.png")
    # each frame rendered once: the GIF is made of the page's frames, 256 colours each
    images = [Image.open(path).convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE) for path in paths]
    images[0].save(gif, save_all=True, append_images=images[1:], duration=interval_ms, loop=0)
    page = save_player(
        paths, folder / f"{name}.html", captions=list(captions), title=title, interval_ms=interval_ms, language=language
    )
    return {"frames": paths, "gif": gif, "html": page, "png": final}
