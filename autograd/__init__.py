"""A scalar reverse-mode automatic-differentiation engine for teaching.

>>> from autograd import Value
>>> a, b = Value(2.0, label="a"), Value(3.0, label="b")
>>> f = a * b + a
>>> f.backward()
>>> a.grad, b.grad
(4.0, 2.0)
"""

from autograd import compiler, core, pictures, transforms
from autograd.compiler import *  # noqa: F403 (each subpackage's __all__ is the list of its public names)
from autograd.core import *  # noqa: F403
from autograd.pictures import *  # noqa: F403 (graphviz: imported when drawing, not here)
from autograd.transforms import *  # noqa: F403

__all__ = [*core.__all__, *transforms.__all__, *compiler.__all__, *pictures.__all__]

# `autograd.value` and the other module names from before the subpackages (deprecated, still working):
from autograd.old_names import __getattr__  # noqa: E402, F401
