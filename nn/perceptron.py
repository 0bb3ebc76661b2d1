"""Rosenblatt's perceptron (section 4 of the lecture notes): a step neuron trained by the perceptron rule.

    yhat = step(w . x + b),   step(a) = 0 if a <= 0 else 1
    w_j <- w_j + eta (y - yhat) x_j     for each sample, bias as w_0 with x_0 = 1

No gradients: the rule only moves the weights when a sample is misclassified.
It stops after an epoch without mistakes, which happens exactly when the data
are linearly separable (AND, OR), and never for XOR.
"""

from __future__ import annotations

from autograd.core import checks
from nn.data import as_rows, make_rng

__all__ = ["Perceptron"]

MAX_INPUTS = 1_000_000
"""The most inputs a Perceptron may have (as many weights as nn's MAX_PARAMETERS allows a model)."""


class Perceptron:
    """A single step neuron with `nin` inputs, weights and bias plain floats.

    `lr` is the learning rate eta; weights and bias start small and random,
    uniform in [-init_scale, init_scale]; `rng`: None, an int seed or a `random.Random`.
    """

    def __init__(self, nin, lr=1.0, init_scale=0.01, rng=None):
        self.nin = checks.whole(nin, "nin", "Perceptron", low=1, high=MAX_INPUTS)
        self.lr = checks.number(lr, "lr (eta)", "Perceptron", low=0.0, low_open=True)
        init_scale = checks.number(init_scale, "init_scale", "Perceptron", low=0.0)
        rng = make_rng(rng, "Perceptron")
        self.weights = [rng.uniform(-init_scale, init_scale) for _ in range(self.nin)]
        self.bias = rng.uniform(-init_scale, init_scale)

    def _row(self, x, who: str = "Perceptron", name: str = "x") -> list[float]:
        x = checks.ordered(x, name, who, empty=True)
        if len(x) != self.nin:
            raise ValueError(f"{who}: expected {self.nin} inputs, got {len(x)} in {name}")
        return [checks.number(v, f"{name}[{j}]", who) for j, v in enumerate(x)]

    def net_input(self, x) -> float:
        """z = w . x + b."""
        return sum(w * v for w, v in zip(self.weights, self._row(x))) + self.bias

    def predict(self, x) -> int:
        """The step of the net input: 1 if w . x + b > 0 else 0."""
        return 1 if self.net_input(x) > 0.0 else 0

    def fit(self, X, y, max_epochs=100) -> list[int]:
        """Apply the perceptron rule sample by sample, in the given order, epoch after
        epoch, until an epoch has no mistakes or `max_epochs` have run.
        Returns the number of mistakes (= updates) in each epoch."""
        max_epochs = checks.whole(max_epochs, "max_epochs", "Perceptron.fit", low=1)
        X = [self._row(x, "Perceptron.fit", f"X[{i}]") for i, x in enumerate(as_rows(X, "X", "Perceptron.fit"))]
        y = as_rows(y, "y", "Perceptron.fit")
        if len(X) != len(y):
            raise ValueError(f"Perceptron.fit: {len(X)} inputs but {len(y)} targets")
        if not X:
            raise ValueError("Perceptron.fit: empty data set")
        for i, t in enumerate(y):
            if not ((checks.is_number(t) or isinstance(t, bool)) and t in (0, 1)):
                raise ValueError(f"Perceptron.fit: y[{i}] is {checks.shown(t)}; targets must be 0 or 1")
        mistakes_per_epoch = []
        for _ in range(max_epochs):
            mistakes = 0
            for x, t in zip(X, y):
                error = t - self.predict(x)  # 0 if right, +1 or -1 if wrong
                if error:
                    mistakes += 1
                    step = self.lr * error
                    self.weights = [w + step * v for w, v in zip(self.weights, x)]
                    self.bias += step  # x_0 = 1
            mistakes_per_epoch.append(mistakes)
            if mistakes == 0:
                break
        return mistakes_per_epoch

    def __repr__(self) -> str:
        return f"Perceptron({self.nin}, lr={self.lr}, weights={self.weights}, bias={self.bias})"
