"""Each activation h(z) written independently of the engine, from the table of TEACHING.md section 6.

The nn tests and the activations demo's tests check the engine's activations against these formulas.
"""

import math


def PHI(z: float) -> float:
    """The standard normal distribution function."""
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


FORMULAS = {
    "sigmoid": lambda z: 1 / (1 + math.exp(-z)),
    "tanh": lambda z: (math.exp(z) - math.exp(-z)) / (math.exp(z) + math.exp(-z)),
    "hardtanh": lambda z: -1.0 if z < -1 else (z if z <= 1 else 1.0),
    "relu": lambda z: max(0.0, z),
    "leaky_relu": lambda z: z if z > 0 else 0.01 * z,
    "prelu": lambda z: z if z > 0 else 0.25 * z,  # alpha starts at 0.25
    "softplus": lambda z: math.log(1 + math.exp(z)),
    "elu": lambda z: z if z >= 0 else math.exp(z) - 1,
    "gelu": lambda z: z * PHI(z),
    "sin": math.sin,
    "cos": math.cos,
    "linear": lambda z: z,
    "step": lambda z: 0.0 if z <= 0 else 1.0,
}
