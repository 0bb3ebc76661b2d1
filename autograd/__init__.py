"""A scalar reverse-mode automatic-differentiation engine for teaching.

>>> from autograd import Value
>>> a, b = Value(2.0, label="a"), Value(3.0, label="b")
>>> f = a * b + a
>>> f.backward()
>>> a.grad, b.grad
(4.0, 2.0)
"""

import importlib
import sys
import types
import warnings

from autograd.compiler import Program, TraceError, is_tracing, trace
from autograd.core import (
    DomainError,
    Operation,
    Refusal,
    Value,
    backpropagate,
    dot,
    is_grad_enabled,
    no_grad,
    operation,
    replay,
    topological_order,
    total,
    zero_grad,
)
from autograd.pictures import (  # graphviz: imported when drawing
    GraphvizNotInstalled,
    backward_steps,
    consumers,
    count_paths,
    draw_graph,
    draw_network,
    edge_count,
    explain_chain_rule,
    forward_steps,
    lecture_steps,
    path_products,
    save_backward_steps,
    save_graph,
    save_player,
    save_steps,
)
from autograd.transforms import (
    GradcheckError,
    analytic_gradient,
    forward_derivatives,
    grad,
    gradcheck,
    hessian,
    hvp,
    jacobian,
    jvp,
    numerical_gradient,
)

__all__ = [
    "Value",
    "operation",
    "Operation",
    "Refusal",
    "DomainError",
    "no_grad",
    "is_grad_enabled",
    "dot",
    "total",
    "replay",
    "topological_order",
    "backpropagate",
    "jvp",
    "forward_derivatives",
    "jacobian",
    "grad",
    "hessian",
    "hvp",
    "zero_grad",
    "gradcheck",
    "numerical_gradient",
    "analytic_gradient",
    "GradcheckError",
    "draw_graph",
    "draw_network",
    "save_graph",
    "backward_steps",
    "lecture_steps",
    "save_backward_steps",
    "forward_steps",
    "save_steps",
    "save_player",
    "explain_chain_rule",
    "count_paths",
    "path_products",
    "edge_count",
    "consumers",
    "GraphvizNotInstalled",
    "trace",
    "Program",
    "TraceError",
    "is_tracing",
]


# The modules from before the engine had subpackages stay importable by their
# old names (`from autograd.value import Value`), with a DeprecationWarning on use.
_MOVED = {
    "value": "autograd.core.value",
    "graph": "autograd.core.graph",
    "calculus": "autograd.core.registry",  # local_derivatives; VALUES and NUMPY (RULES are the records now)
    "_checks": "autograd.core.checks",
    "forward": "autograd.transforms.forward",
    "higher": "autograd.transforms.higher",
    "gradcheck": "autograd.transforms.gradcheck",
    "trace": "autograd.compiler.trace",  # `autograd.trace` itself stays the function
    "network_pictures": "autograd.pictures.network",
    "steps": "autograd.pictures.steps",
    "explain": "autograd.pictures.explain",
    "_text": "autograd.pictures.naming",
}


class _MovedModule(types.ModuleType):
    """An old module path: every attribute is read from (and written to) the module's new place."""

    def __init__(self, old: str, new: str):
        super().__init__(old, f"Moved to {new}; the old name still works.")
        object.__setattr__(self, "_new", new)

    def _module(self):
        warnings.warn(f"{self.__name__} is now {self._new}", DeprecationWarning, stacklevel=3)
        return importlib.import_module(self._new)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._module(), name)

    def __setattr__(self, name, value):  # monkeypatching an old path patches the module itself
        setattr(self._module(), name, value)

    def __dir__(self):
        return dir(importlib.import_module(self._new))


for _old, _new in _MOVED.items():
    sys.modules.setdefault(f"autograd.{_old}", _MovedModule(f"autograd.{_old}", _new))
del _old, _new


def __getattr__(name):
    """`autograd.value` and the other old module names, as attributes of the package too."""
    if name in _MOVED:
        return sys.modules[f"autograd.{name}"]
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")
