"""Optimizers (section 8 of the lecture notes): gradient descent and its adaptive variants.

Each follows the update formula and the defaults of its PyTorch counterpart
(torch.optim.SGD, Adagrad, RMSprop, Adam), so numbers can be compared with
PyTorch. An optimizer holds the parameters; the training step is

    optimizer.zero_grad()      # gradients of the parameters to 0
    loss.backward()            # fill them
    optimizer.step()           # move each parameter against its gradient

`step()` works on plain floats (`p.data`, `p.grad`) under `no_grad()`: it
changes the numbers inside the parameters and never adds to the graph.
"""

from __future__ import annotations

import math

from autograd import Value, _checks, no_grad

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSProp", "Adam"]


def _nonnegative(value, name: str, optimizer: str) -> float:
    """A finite number >= 0 (a learning rate, a decay, an eps)."""
    return _checks.number(value, name, optimizer, low=0.0)


def _fraction(value, name: str, optimizer: str, high_open: bool = False) -> float:
    """A number in [0, 1] (or [0, 1)): a share kept by a moving average, a dampening."""
    return _checks.number(value, name, optimizer, low=0.0, high=1.0, high_open=high_open)


class Optimizer:
    """What all optimizers share: the parameter list, `zero_grad()`, and the step counter."""

    def __init__(self, params, lr):
        who = type(self).__name__
        if hasattr(params, "parameters"):  # a Module
            params = params.parameters()
        if isinstance(params, Value):
            raise TypeError(f"{who}: params must be a list of Values (or a Module), not one Value")
        params = list(_checks.ordered(params, "params (a list of Values or a Module)", who, empty=True))
        if not params:
            raise ValueError(f"{who}: got an empty list of parameters")
        seen = set()
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(f"{who}: parameter {i} is {_checks.shown(p)}, not a Value")
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
        """Update every parameter once from its current `.grad`."""
        with no_grad():
            self.steps += 1
            self._update()

    def _update(self) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.params)} parameters, lr={self.lr})"


class SGD(Optimizer):
    """Stochastic gradient descent, theta <- theta - lr * g, with optional extras (as torch.optim.SGD):

    g = grad + weight_decay * theta;
    momentum: b <- momentum * b + (1 - dampening) * g (b = g on the first step), then g = b,
    or with nesterov=True g = g + momentum * b.
    """

    def __init__(self, params, lr=0.001, momentum=0.0, nesterov=False, weight_decay=0.0, dampening=0.0):
        super().__init__(params, lr)
        self.momentum = _nonnegative(momentum, "momentum", "SGD")
        self.weight_decay = _nonnegative(weight_decay, "weight_decay", "SGD")
        self.dampening = _fraction(dampening, "dampening", "SGD")
        self.nesterov = _checks.flag(nesterov, "nesterov", "SGD")
        if self.nesterov and (self.momentum <= 0.0 or self.dampening != 0.0):
            raise ValueError("SGD: nesterov=True needs momentum > 0 and dampening = 0")
        self.velocity = [0.0] * len(self.params)

    def _update(self) -> None:
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        first = self.steps == 1
        for i, p in enumerate(self.params):
            g = p.grad + wd * p.data if wd else p.grad
            if mu:
                b = g if first else mu * self.velocity[i] + (1.0 - self.dampening) * g
                self.velocity[i] = b
                g = g + mu * b if self.nesterov else b
            p.data -= lr * g


class Adagrad(Optimizer):
    """Per-parameter learning rates that shrink with the accumulated squared gradients
    (as torch.optim.Adagrad): s <- s + g^2; theta <- theta - lr_t * g / (sqrt(s) + eps),
    with lr_t = lr / (1 + (t - 1) * lr_decay) and g = grad + weight_decay * theta."""

    def __init__(self, params, lr=0.01, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(params, lr)
        self.lr_decay = _nonnegative(lr_decay, "lr_decay", "Adagrad")
        self.weight_decay = _nonnegative(weight_decay, "weight_decay", "Adagrad")
        self.eps = _nonnegative(eps, "eps", "Adagrad")
        start = _nonnegative(initial_accumulator_value, "initial_accumulator_value", "Adagrad")
        self.sum_squares = [start] * len(self.params)

    def _update(self) -> None:
        lr = self.lr / (1.0 + (self.steps - 1) * self.lr_decay)
        wd, eps, s = self.weight_decay, self.eps, self.sum_squares
        for i, p in enumerate(self.params):
            g = p.grad + wd * p.data if wd else p.grad
            s[i] += g * g
            p.data -= lr * g / (math.sqrt(s[i]) + eps)


class RMSProp(Optimizer):
    """A moving average of squared gradients scales each step (as torch.optim.RMSprop):
    v <- alpha * v + (1 - alpha) * g^2; theta <- theta - lr * g / (sqrt(v) + eps).

    momentum > 0 keeps a buffer b <- momentum * b + g / (sqrt(v) + eps) and steps by lr * b;
    centered=True divides by the estimated standard deviation sqrt(v - mean(g)^2) instead.
    """

    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        super().__init__(params, lr)
        self.alpha = _fraction(alpha, "alpha", "RMSProp")
        self.eps = _nonnegative(eps, "eps", "RMSProp")
        self.weight_decay = _nonnegative(weight_decay, "weight_decay", "RMSProp")
        self.momentum = _nonnegative(momentum, "momentum", "RMSProp")
        self.centered = _checks.flag(centered, "centered", "RMSProp")
        n = len(self.params)
        self.square_avg = [0.0] * n
        self.grad_avg = [0.0] * n
        self.buffer = [0.0] * n

    def _update(self) -> None:
        lr, a, eps, wd, mu = self.lr, self.alpha, self.eps, self.weight_decay, self.momentum
        for i, p in enumerate(self.params):
            g = p.grad + wd * p.data if wd else p.grad
            v = self.square_avg[i] = a * self.square_avg[i] + (1.0 - a) * g * g
            if self.centered:
                m = self.grad_avg[i] = a * self.grad_avg[i] + (1.0 - a) * g
                denom = math.sqrt(max(v - m * m, 0.0)) + eps
            else:
                denom = math.sqrt(v) + eps
            if mu:
                b = self.buffer[i] = mu * self.buffer[i] + g / denom
                p.data -= lr * b
            else:
                p.data -= lr * g / denom


class Adam(Optimizer):
    """Momentum plus RMSProp with bias correction (as torch.optim.Adam):
    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
    theta <- theta - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).

    amsgrad=True uses the largest v seen so far instead of v.
    """

    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        super().__init__(params, lr)
        pair = _checks.ordered(betas, "betas (a pair beta1, beta2)", "Adam", empty=True)
        if len(pair) != 2:
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2) of numbers in [0, 1), not {betas!r}")
        b1, b2 = (_fraction(b, f"betas[{k}]", "Adam", high_open=True) for k, b in enumerate(pair))
        self.betas = (b1, b2)
        self.eps = _nonnegative(eps, "eps", "Adam")
        self.weight_decay = _nonnegative(weight_decay, "weight_decay", "Adam")
        self.amsgrad = _checks.flag(amsgrad, "amsgrad", "Adam")
        n = len(self.params)
        self.m = [0.0] * n
        self.v = [0.0] * n
        self.v_max = [0.0] * n

    def _update(self) -> None:
        (b1, b2), eps, wd, t = self.betas, self.eps, self.weight_decay, self.steps
        step_size = self.lr / (1.0 - b1**t)
        root_correction = math.sqrt(1.0 - b2**t)
        m, v, v_max = self.m, self.v, self.v_max
        for i, p in enumerate(self.params):
            g = p.grad + wd * p.data if wd else p.grad
            m[i] = b1 * m[i] + (1.0 - b1) * g
            v[i] = b2 * v[i] + (1.0 - b2) * g * g
            if self.amsgrad:
                v_max[i] = max(v_max[i], v[i])
                denom = math.sqrt(v_max[i]) / root_correction + eps
            else:
                denom = math.sqrt(v[i]) / root_correction + eps
            p.data -= step_size * m[i] / denom
