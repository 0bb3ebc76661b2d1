"""Optimizers (section 8 of the lecture notes): gradient descent and its adaptive variants.

Each follows the update formula and the defaults of its PyTorch counterpart
(torch.optim.SGD, Adagrad, RMSprop, Adam), so numbers can be compared with
PyTorch. An optimizer holds the parameters; the training step is

    optimizer.zero_grad()      # gradients of the parameters to 0
    loss.backward()            # fill them
    optimizer.step()           # move each parameter against its gradient

Each optimizer writes its formula once, as `update(theta, grad)` on NumPy
vectors: `step()` gathers the parameters' numbers (`p.data`, `p.grad`) into
vectors, updates them and writes `p.data` back, so it never adds to the graph;
`train(..., compiled=True)` runs the same update on its parameter vector.
The state (momentum buffers, averages) is kept in NumPy arrays, one entry per parameter.
"""

from __future__ import annotations

import math

import numpy as np

from autograd import Value
from autograd.core import checks

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSProp", "Adam"]


def _nonnegative(value, name: str, optimizer: str) -> float:
    """A finite number >= 0 (a learning rate, a decay)."""
    return checks.number(value, name, optimizer, low=0.0)


def _positive_eps(value, optimizer: str) -> float:
    """eps, added to the square root it divides by: a finite number > 0.

    eps = 0 (which torch.optim allows) makes the first step of a parameter whose gradient is
    exactly 0 a 0 / 0, nan, and a nan weight silently for ever after; so it is refused.
    """
    eps = checks.number(value, "eps", optimizer, low=0.0)
    if eps == 0.0:
        raise ValueError(
            f"{optimizer}: eps must be > 0, not {value!r}: it keeps the step defined where a gradient is exactly 0 "
            "(0 / (sqrt(0) + eps) = 0, where eps = 0 would give 0 / 0 = nan); a tiny eps such as 1e-12 is fine"
        )
    return eps


def _eps_attribute() -> property:
    """`eps` as an attribute checked when it is set, after construction too (see _positive_eps)."""

    def get(self) -> float:
        return self._eps

    def set(self, value) -> None:
        self._eps = _positive_eps(value, type(self).__name__)

    return property(get, set, doc="Added to the square root in the denominator: a finite number > 0.")


def _fraction(value, name: str, optimizer: str, high_open: bool = False) -> float:
    """A number in [0, 1] (or [0, 1)): a share kept by a moving average, a dampening."""
    return checks.number(value, name, optimizer, low=0.0, high=1.0, high_open=high_open)


class Optimizer:
    """What all optimizers share: the parameter list, `zero_grad()`, the step counter, and `step()`.

    A subclass writes its rule once, as `update(theta, grad)` on NumPy vectors;
    `step()` (on the parameters' numbers) and `train(..., compiled=True)` both run it.
    """

    def __init__(self, params, lr):
        who = type(self).__name__
        if hasattr(params, "parameters"):  # a Module
            params = params.parameters()
        if isinstance(params, Value):
            raise TypeError(f"{who}: params must be a list of Values (or a Module), not one Value")
        params = list(checks.ordered(params, "params (a list of Values or a Module)", who, empty=True))
        if not params:
            raise ValueError(f"{who}: got an empty list of parameters")
        seen = set()
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(f"{who}: parameter {i} is {checks.shown(p)}, not a Value")
            if id(p) in seen:
                raise ValueError(f"{type(self).__name__}: parameter {i} ({p.label or p!r}) appears twice")
            seen.add(id(p))
        self.params = params
        self.lr = _nonnegative(lr, "lr", type(self).__name__)
        self.steps = 0

    def zero_grad(self) -> None:
        """Set the gradient of every parameter to 0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter once from its current `.grad` (only the numbers change, never the graph)."""
        params = self.params
        theta = np.array([p.data for p in params])
        self.step_vector(theta, np.array([p.grad for p in params]))
        for p, x in zip(params, theta.tolist()):
            p.data = x

    def step_vector(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """One step on the parameters' numbers held in a vector: count it, then `update` theta in place.

        `step()` runs it on the Values' numbers, `train(..., compiled=True)` on its parameter vector.
        """
        self.steps += 1
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):  # nan and inf propagate, as floats do
            self.update(theta, grad)

    def update(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """The rule: move theta (a NumPy vector, one entry per parameter, changed in place) against grad.

        `self.steps` is the number of this step (1 on the first).
        """
        raise NotImplementedError(f"{type(self).__name__} must define update(theta, grad)")

    def _zeros(self, count: int) -> list[np.ndarray]:
        """`count` state vectors (buffers, averages) of zeros, one entry per parameter."""
        return [np.zeros(len(self.params)) for _ in range(count)]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.params)} parameters, lr={self.lr})"


def _decayed(grad, theta, weight_decay: float):
    """The gradient with L2 weight decay added (as torch.optim): grad + weight_decay * theta."""
    return grad + weight_decay * theta if weight_decay else grad


class SGD(Optimizer):
    """Stochastic gradient descent, theta <- theta - lr * g, with optional extras (as torch.optim.SGD):

    g = grad + weight_decay * theta;
    momentum: b <- momentum * b + (1 - dampening) * g (b = g on the first step), then g = b,
    or with nesterov=True g = g + momentum * b. `velocity` holds b.
    """

    def __init__(self, params, lr=0.001, momentum=0.0, nesterov=False, weight_decay=0.0, dampening=0.0):
        super().__init__(params, lr)
        self.momentum = _nonnegative(momentum, "momentum", "SGD")
        self.weight_decay = _nonnegative(weight_decay, "weight_decay", "SGD")
        self.dampening = _fraction(dampening, "dampening", "SGD")
        self.nesterov = checks.flag(nesterov, "nesterov", "SGD")
        if self.nesterov and (self.momentum <= 0.0 or self.dampening != 0.0):
            raise ValueError("SGD: nesterov=True needs momentum > 0 and dampening = 0")
        self.velocity, self._step = self._zeros(2)  # b, and the buffer lr * g is written into

    def update(self, theta, grad) -> None:
        mu = self.momentum
        g = _decayed(grad, theta, self.weight_decay)
        if mu:
            b = self.velocity
            b[:] = g if self.steps == 1 else mu * b + (1.0 - self.dampening) * g
            g = g + mu * b if self.nesterov else b
        # lr * g into a buffer kept for it: no new vector of all the parameters per step (compiled
        # training takes thousands of steps a second; lr * g and g * lr are the same numbers)
        theta -= np.multiply(g, self.lr, out=self._step if self._step.shape == g.shape else None)


class Adagrad(Optimizer):
    """Per-parameter learning rates that shrink with the accumulated squared gradients
    (as torch.optim.Adagrad): s <- s + g^2; theta <- theta - lr_t * g / (sqrt(s) + eps),
    with lr_t = lr / (1 + (t - 1) * lr_decay) and g = grad + weight_decay * theta. `sum_squares` holds s.
    eps must be > 0 (torch allows 0, which makes a gradient of exactly 0 a nan step)."""

    eps = _eps_attribute()

    def __init__(self, params, lr=0.01, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(params, lr)
        self.lr_decay = _nonnegative(lr_decay, "lr_decay", "Adagrad")
        self.weight_decay = _nonnegative(weight_decay, "weight_decay", "Adagrad")
        self.eps = eps
        start = _nonnegative(initial_accumulator_value, "initial_accumulator_value", "Adagrad")
        self.sum_squares = np.full(len(self.params), start)

    def update(self, theta, grad) -> None:
        lr = self.lr / (1.0 + (self.steps - 1) * self.lr_decay)
        g = _decayed(grad, theta, self.weight_decay)
        s = self.sum_squares
        s += g * g
        theta -= lr * g / (np.sqrt(s) + self.eps)


class RMSProp(Optimizer):
    """A moving average of squared gradients scales each step (as torch.optim.RMSprop):
    v <- alpha * v + (1 - alpha) * g^2; theta <- theta - lr * g / (sqrt(v) + eps).

    momentum > 0 keeps a buffer b <- momentum * b + g / (sqrt(v) + eps) and steps by lr * b;
    centered=True divides by the estimated standard deviation sqrt(v - mean(g)^2) instead.
    `square_avg`, `grad_avg` and `buffer` hold v, mean(g) and b. eps must be > 0 (as for Adagrad).
    """

    eps = _eps_attribute()

    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        super().__init__(params, lr)
        self.alpha = _fraction(alpha, "alpha", "RMSProp")
        self.eps = eps
        self.weight_decay = _nonnegative(weight_decay, "weight_decay", "RMSProp")
        self.momentum = _nonnegative(momentum, "momentum", "RMSProp")
        self.centered = checks.flag(centered, "centered", "RMSProp")
        self.square_avg, self.grad_avg, self.buffer = self._zeros(3)

    def update(self, theta, grad) -> None:
        a, mu = self.alpha, self.momentum
        g = _decayed(grad, theta, self.weight_decay)
        v = self.square_avg
        v[:] = a * v + (1.0 - a) * g * g
        if self.centered:
            m = self.grad_avg
            m[:] = a * m + (1.0 - a) * g
            denom = np.sqrt(np.maximum(v - m * m, 0.0)) + self.eps
        else:
            denom = np.sqrt(v) + self.eps
        if mu:
            b = self.buffer
            b[:] = mu * b + g / denom
            theta -= self.lr * b
        else:
            theta -= self.lr * g / denom


class Adam(Optimizer):
    """Momentum plus RMSProp with bias correction (as torch.optim.Adam):
    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
    theta <- theta - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).

    amsgrad=True uses the largest v seen so far (`v_max`) instead of v. eps must be > 0 (as for Adagrad).
    """

    eps = _eps_attribute()

    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        super().__init__(params, lr)
        pair = checks.ordered(betas, "betas (a pair beta1, beta2)", "Adam", empty=True)
        if len(pair) != 2:
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2) of numbers in [0, 1), not {betas!r}")
        b1, b2 = (_fraction(b, f"betas[{k}]", "Adam", high_open=True) for k, b in enumerate(pair))
        self.betas = (b1, b2)
        self.eps = eps
        self.weight_decay = _nonnegative(weight_decay, "weight_decay", "Adam")
        self.amsgrad = checks.flag(amsgrad, "amsgrad", "Adam")
        self.m, self.v, self.v_max = self._zeros(3)

    def update(self, theta, grad) -> None:
        (b1, b2), t = self.betas, self.steps
        step_size = self.lr / (1.0 - b1**t)
        root_correction = math.sqrt(1.0 - b2**t)
        g = _decayed(grad, theta, self.weight_decay)
        m, v = self.m, self.v
        m[:] = b1 * m + (1.0 - b1) * g
        v[:] = b2 * v + (1.0 - b2) * g * g
        if self.amsgrad:
            np.maximum(self.v_max, v, out=self.v_max)
            v = self.v_max
        theta -= step_size * m / (np.sqrt(v) / root_correction + self.eps)
