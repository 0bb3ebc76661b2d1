"""The engine core, the part a student reads first.

`value` holds `Value` (one number of the graph and how it was made),
`graph` the graph's walks (the topological order and the one reverse
loop behind `backward`), `operations` one record per operation: its
value, its local derivatives and how pictures write it.
"""

from autograd.core.graph import backpropagate, topological_order, zero_grad
from autograd.core.value import DomainError, Value, dot, is_grad_enabled, no_grad, replay, total

__all__ = [
    "Value",
    "DomainError",
    "no_grad",
    "is_grad_enabled",
    "dot",
    "total",
    "replay",
    "topological_order",
    "backpropagate",
    "zero_grad",
]
