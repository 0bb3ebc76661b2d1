"""The engine core, the part a student reads first.

`value` holds `Value` (one number of the graph and how it was made),
`graph` the graph's walks (the topological order and the one reverse
loop behind `backward`), `operations` one record per operation (its
value, its local derivatives, what it refuses, how pictures write it),
`registry` what a record is and `operation(...)` for your own,
`numerics` the arithmetic `m` the derivatives are written in.
"""

from autograd.core.graph import StaleGraphError, backpropagate, topological_order, zero_grad
from autograd.core.operations import dot, replay, total
from autograd.core.registry import Operation, Refusal, operation
from autograd.core.value import DomainError, Value, is_grad_enabled, no_grad

__all__ = [
    "Value",
    "DomainError",
    "StaleGraphError",
    "no_grad",
    "is_grad_enabled",
    "dot",
    "total",
    "replay",
    "topological_order",
    "backpropagate",
    "zero_grad",
    "operation",
    "Operation",
    "Refusal",
]
