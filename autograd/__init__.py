"""A scalar reverse-mode automatic-differentiation engine for teaching.

>>> from autograd import Value
>>> a, b = Value(2.0, label="a"), Value(3.0, label="b")
>>> f = a * b + a
>>> f.backward()
>>> a.grad, b.grad
(4.0, 2.0)
"""

from autograd.explain import consumers, count_paths, edge_count, explain_chain_rule, path_products
from autograd.forward import forward_derivatives, jacobian, jvp
from autograd.gradcheck import GradcheckError, analytic_gradient, gradcheck, numerical_gradient
from autograd.graph import backpropagate, topological_order, zero_grad
from autograd.higher import grad, hessian, hvp
from autograd.network_pictures import draw_network
from autograd.pictures import GraphvizNotInstalled, draw_graph, save_graph  # graphviz: imported when drawing
from autograd.steps import backward_steps, forward_steps, lecture_steps, save_backward_steps, save_player, save_steps
from autograd.trace import Program, TraceError, is_tracing, trace
from autograd.value import DomainError, Value, dot, is_grad_enabled, no_grad, replay, total

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
