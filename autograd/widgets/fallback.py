"""What a widget shows where no widget front end runs: a still picture (or page) and one line, never a bare repr."""

from __future__ import annotations

__all__ = ["with_fallback"]


def with_fallback(bundle, text: str, still: dict) -> tuple[dict, dict]:
    """A widget's mime bundle with `still` ({"image/svg+xml": ...} or {"text/html": ...}) and `text` added.

    `bundle` is what the widget's own `_repr_mimebundle_` returns (a dict,
    or (data, metadata)). A front end that renders widgets (JupyterLab,
    Notebook 7, VS Code, Colab) picks the widget view; GitHub's viewer,
    nbconvert and a terminal show the still picture or the one line instead.
    """
    data, metadata = bundle if isinstance(bundle, tuple) else (bundle or {}, {})
    return {**data, **still, "text/plain": text}, metadata
