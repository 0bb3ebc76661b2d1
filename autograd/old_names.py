"""The modules' names from before the engine had subpackages, still importable, with a DeprecationWarning.

`from autograd.value import Value` reads `autograd.core`; `autograd.trace`'s
module is `autograd.compiler.trace` (the name `autograd.trace` itself stays the
function). Importing `autograd` puts these names into `sys.modules`; the
package's `__getattr__` (this module's) answers `autograd.value` and the like.
"""

import importlib
import sys
import types
import warnings

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


# Names that were tables of copies, now each operation's one record:
_GONE = {
    "RULES": "each operation's derivatives are its record's (autograd.core.registry.REGISTRY[op].derivatives)",
    "NUMPY_OPS": "each operation's NumPy form is its record's (autograd.core.registry.REGISTRY[op].numpy)",
    "ACTIVATION_OPS": "an operation is an activation when its record has one (REGISTRY[op].activation)",
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
        if name in _GONE:
            raise AttributeError(f"{self.__name__}.{name} is gone: {_GONE[name]}")
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
