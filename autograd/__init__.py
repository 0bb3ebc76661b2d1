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

from autograd import compiler, core, pictures, transforms
from autograd.compiler import *  # noqa: F403 (each subpackage's __all__ is the list of its public names)
from autograd.core import *  # noqa: F403
from autograd.pictures import *  # noqa: F403 (graphviz: imported when drawing, not here)
from autograd.transforms import *  # noqa: F403

__all__ = [*core.__all__, *transforms.__all__, *compiler.__all__, *pictures.__all__]

# The modules from before the engine had subpackages stay importable by their
# old names (`from autograd.value import Value`), with a DeprecationWarning on use.
_MOVED = {
    "value": "autograd.core",  # Value, no_grad ... and dot, total, replay (now in core.operations)
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
