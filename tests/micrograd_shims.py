"""Run micrograd code on this project: `micrograd`, `micrograd.engine` and `micrograd.nn` as import shims.

    with micrograd_shims():
        from micrograd.engine import Value      # autograd.Value
        from micrograd.nn import MLP            # nn.MLP

Inside the block the three module names point at small stand-in modules
exposing our classes; afterwards they are gone again, and a real micrograd
that was imported before is back in `sys.modules`, untouched.
"""

from __future__ import annotations

import sys
import types
from contextlib import contextmanager

import autograd
import nn

SHIMMED = ("micrograd", "micrograd.engine", "micrograd.nn")


def _module(name: str, doc: str, **names) -> types.ModuleType:
    module = types.ModuleType(name, doc)
    for key, value in names.items():
        setattr(module, key, value)
    return module


@contextmanager
def micrograd_shims():
    """Make `import micrograd...` give this project's Value, Neuron, Layer, MLP and Module for the block."""
    saved = {name: sys.modules[name] for name in SHIMMED if name in sys.modules}
    engine = _module("micrograd.engine", "Shim: this project's Value.", Value=autograd.Value)
    network = _module(
        "micrograd.nn",
        "Shim: this project's neural-network classes.",
        Value=autograd.Value,
        Module=nn.Module,
        Neuron=nn.Neuron,
        Layer=nn.Layer,
        MLP=nn.MLP,
    )
    package = _module("micrograd", "Shim: micrograd's names on this project.", engine=engine, nn=network)
    package.__path__ = []  # a package, so `import micrograd.engine` looks in sys.modules
    sys.modules.update({"micrograd": package, "micrograd.engine": engine, "micrograd.nn": network})
    try:
        yield package
    finally:
        for name in SHIMMED:
            sys.modules.pop(name, None)
        sys.modules.update(saved)
