"""Live widgets for Jupyter (anywidget) and standalone pages (Voilà): the `live` extra.

* `Stepper(root, mode="backward" | "forward" | "lecture", exercise=False)`:
  step through the frames of `autograd.pictures`, click nodes, edit inputs,
  and in exercise mode type the numbers not reached yet and have them checked.
* `check_answers(root, answers)`: the same checking from Python, per-node
  verdicts with hints; it needs neither anywidget nor Graphviz.
* `serve` / `start_page` (module `autograd.widgets.serve`): widgets as a
  standalone page on 127.0.0.1 (Voilà), for projecting without a notebook.

Importing this package needs nothing of the `live` extra; `Stepper` says
how to install it when anywidget is missing.
"""

from autograd.widgets.exercise import DEFAULT_TOLERANCE, Verdict, Verdicts, check_answers
from autograd.widgets.serve import LIVE_HINT, LiveExtraMissing

__all__ = ["Stepper", "check_answers", "Verdict", "Verdicts", "DEFAULT_TOLERANCE", "LiveExtraMissing"]

_NEEDS_ANYWIDGET = {"Stepper": "autograd.widgets.stepper"}


def __getattr__(name: str):
    """The widget classes, imported when first used: anywidget is optional."""
    if name in _NEEDS_ANYWIDGET:
        import importlib

        try:
            import anywidget  # noqa: F401
            import traitlets  # noqa: F401
        except ImportError:
            raise LiveExtraMissing(f"autograd.widgets.{name} needs anywidget, not installed; {LIVE_HINT}") from None
        value = getattr(importlib.import_module(_NEEDS_ANYWIDGET[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'autograd.widgets' has no attribute {name!r}")
