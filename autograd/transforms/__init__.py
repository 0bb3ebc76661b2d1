"""Transforms of a recorded graph: forward mode and Jacobians, derivatives of derivatives, gradient checking."""

from autograd.transforms.forward import forward_derivatives, jacobian, jvp
from autograd.transforms.gradcheck import GradcheckError, analytic_gradient, gradcheck, numerical_gradient
from autograd.transforms.higher import grad, hessian, hvp

__all__ = [
    "jvp",
    "forward_derivatives",
    "jacobian",
    "grad",
    "hessian",
    "hvp",
    "gradcheck",
    "numerical_gradient",
    "analytic_gradient",
    "GradcheckError",
]
