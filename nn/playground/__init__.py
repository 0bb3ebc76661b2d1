"""TensorFlow Playground's core on this engine: data sets, a training session, scenario files, a live widget.

    >>> from nn.playground import Session
    >>> session = Session(dataset="circles", hidden=[4], seed=2)
    >>> session.step(3)
    >>> session.epoch
    3

`Session` trains without any widget (tests, scripts); `Playground` (the `live`
extra: anywidget, ipywidgets) shows a session in Jupyter or on the page that
`python -m demos.playground` serves.
"""

from nn.playground.datasets import DATASETS, EXTENT, make_dataset
from nn.playground.picture import still_picture
from nn.playground.scenario import (
    CONTROLS,
    FIELDS,
    FORMAT,
    MAX_SCENARIO_BYTES,
    check_scenario,
    default_scenario,
    dumps_scenario,
    load_scenario,
    loads_scenario,
    save_scenario,
)
from nn.playground.session import Session

__all__ = [
    "Session",
    "Playground",
    "DATASETS",
    "EXTENT",
    "make_dataset",
    "still_picture",
    "FORMAT",
    "FIELDS",
    "CONTROLS",
    "MAX_SCENARIO_BYTES",
    "check_scenario",
    "default_scenario",
    "load_scenario",
    "loads_scenario",
    "dumps_scenario",
    "save_scenario",
]


def __getattr__(name: str):
    """`Playground` is imported when first asked for: it needs the `live` extra, the rest does not."""
    if name == "Playground":
        from autograd.widgets.serve import require

        require("anywidget", "ipywidgets", who="nn.playground.Playground")
        from nn.playground.widget import Playground

        return Playground
    raise AttributeError(f"module 'nn.playground' has no attribute {name!r}")
