"""Neural networks made of `Value`s: neurons, layers, MLPs, losses, optimizers, training.

    >>> from nn import MLP, SGD, hinge
    >>> model = MLP(2, [16, 16, 1], rng=0)        # ReLU hidden layers, linear output
    >>> X, y = [[0.0, 1.0], [1.0, 0.0]], [1, -1]
    >>> optimizer = SGD(model.parameters(), lr=0.05)
    >>> loss = hinge([model(x) for x in X], y)
    >>> optimizer.zero_grad(); loss.backward(); optimizer.step()

Every gradient comes from the engine's backward pass.
"""

import autograd as _autograd

if not hasattr(_autograd, "Value"):  # another project's `autograd` (HIPS autograd, say) is found first
    raise ImportError(
        f"nn needs backprop-lab's autograd, but `import autograd` found another package at {_autograd.__file__}; "
        "install backprop-lab into a virtual environment of its own (README: Quick start)"
    )

from nn.activations import (
    ACTIVATIONS,
    activation_name,
    activation_names,
    get_activation,
    log_softmax,
    logsumexp,
    softmax,
)
from nn.data import as_rows, batches, make_rng, truth_table
from nn.idx import load_idx, load_mnist
from nn.layers import INIT_SCHEMES, MLP, Layer, Module, Neuron, initial_weights, xor_step_network
from nn.losses import (
    accuracy,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge,
    l1,
    l2_penalty,
    mse,
)
from nn.optim import SGD, Adagrad, Adam, Optimizer, RMSProp
from nn.perceptron import Perceptron
from nn.training import LOSSES, History, train

__all__ = [
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "INIT_SCHEMES",
    "initial_weights",
    "xor_step_network",
    "Perceptron",
    "ACTIVATIONS",
    "activation_names",
    "get_activation",
    "activation_name",
    "mse",
    "l1",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "softmax",
    "log_softmax",
    "logsumexp",
    "cross_entropy",
    "hinge",
    "l2_penalty",
    "accuracy",
    "Optimizer",
    "SGD",
    "Adagrad",
    "RMSProp",
    "Adam",
    "batches",
    "truth_table",
    "make_rng",
    "as_rows",
    "load_idx",
    "load_mnist",
    "train",
    "History",
    "LOSSES",
]
