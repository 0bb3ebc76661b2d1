"""Every public function of nn against the five kinds of bad input of issue 22 (case 10): 10**400,
NumPy arrays where a string or number belongs, 0-d arrays, bytes, None (see bad_input_probe)."""

import pytest
from bad_input_probe import probe

from autograd import Value
from nn import (
    MLP,
    SGD,
    Adagrad,
    Adam,
    Layer,
    Neuron,
    Perceptron,
    RMSProp,
    activation_name,
    as_rows,
    batches,
    get_activation,
    initial_weights,
    load_idx,
    load_mnist,
    log_softmax,
    logsumexp,
    make_rng,
    softmax,
    truth_table,
)

SEEDS = ("rng=10**400", "rng=None")  # any int is a seed; None is Python's global random
ROWS = ("x=array of numbers",)  # a NumPy row of numbers is an input
ANY_ROWS = tuple(f"{a}={b}" for a in ("X", "y", "y[0]") for b in ("array of numbers", "array of strings")) + tuple(
    f"y[0]={b}" for b in ("10**400", "0-d array", "bytes", "None")
)  # batches hands rows and targets on as they are: the model and the loss check them


def _weights(tmp_path):
    MLP(2, [2, 1], rng=0).save(tmp_path / "w.json")
    return tmp_path / "w.json"


CASES = {
    "Neuron": (
        lambda p: (Neuron, {"nin": 2, "activation": "tanh", "init": "uniform", "rng": 0, "sigma": 0.1, "fan_out": 1}),
        "Neuron",
        {},
        (*SEEDS, "activation=None"),
    ),
    "Neuron(nonlin)": (lambda p: (Neuron, {"nin": 2, "nonlin": True}), "Neuron", {}, ("nonlin=None",)),
    "Layer": (
        lambda p: (Layer, {"nin": 2, "nout": 3, "activation": "tanh", "init": "uniform", "rng": 0, "sigma": 0.1}),
        "Layer",
        {},
        (*SEEDS, "activation=None"),
    ),
    "MLP": (
        lambda p: (
            MLP,
            {"nin": 2, "nouts": [3, 1], "activation": "tanh", "output_activation": "linear", "init": "he", "rng": 0},
        ),
        "MLP",
        {},
        SEEDS,
    ),
    "initial_weights": (
        lambda p: (initial_weights, {"init": "xavier", "fan_in": 3, "fan_out": 2, "rng": 0, "sigma": 0.1}),
        "initial_weights",
        {},
        SEEDS,
    ),
    "MLP(x)": (lambda p: (MLP(2, [2, 1], rng=0), {"x": [1.0, 2.0]}), "MLP", {}, ROWS),
    "MLP(one input)": (lambda p: (MLP(1, [1], rng=0), {"x": 1.0}), "MLP", {}, ("x=0-d array",)),
    "Layer(x)": (lambda p: (Layer(2, 2, rng=0), {"x": [1.0, 2.0]}), "Layer", {}, ROWS),
    "Neuron(x)": (lambda p: (Neuron(2, rng=0), {"x": [1.0, 2.0]}), "Neuron", {}, ROWS),
    "load_state_dict": (
        lambda p: (MLP(1, [1], rng=0).load_state_dict, {"state": {"layers.0.neurons.0.w.0": 1.0}}),
        "load_state_dict",
        {"state": "dict"},
        (),
    ),
    "save": (lambda p: (MLP(1, [1], rng=0).save, {"path": p / "s.json"}), "save", {}, ()),
    "load": (lambda p: (MLP(2, [2, 1], rng=0).load, {"path": _weights(p)}), "load", {}, ()),
    "Perceptron": (
        lambda p: (Perceptron, {"nin": 2, "lr": 1.0, "init_scale": 0.01, "rng": 0}),
        "Perceptron",
        {"lr": "lr (eta)"},
        SEEDS,
    ),
    "Perceptron.net_input": (lambda p: (Perceptron(2, rng=0).net_input, {"x": [1.0, 0.0]}), "Perceptron", {}, ROWS),
    "Perceptron.predict": (lambda p: (Perceptron(2, rng=0).predict, {"x": [1.0, 0.0]}), "Perceptron", {}, ROWS),
    "Perceptron.fit": (
        lambda p: (Perceptron(2, rng=0).fit, {"X": [[0.0, 1.0], [1.0, 1.0]], "y": [0, 1], "max_epochs": 3}),
        "Perceptron.fit",
        {},
        ("max_epochs=10**400",),  # it stops at the first epoch without mistakes
    ),
    "activation_name": (lambda p: (activation_name, {"activation": "tanh"}), "activation_name", {}, ()),
    "get_activation": (lambda p: (get_activation, {"activation": "tanh"}), "get_activation", {}, ()),
    "softmax": (lambda p: (softmax, {"logits": [1.0, 2.0]}), "softmax", {}, ("logits=array of numbers",)),
    "log_softmax": (lambda p: (log_softmax, {"logits": [1.0, 2.0]}), "log_softmax", {}, ("logits=array of numbers",)),
    "logsumexp": (lambda p: (logsumexp, {"logits": [1.0, 2.0]}), "logsumexp", {}, ("logits=array of numbers",)),
    "batches": (
        lambda p: (
            lambda **k: list(batches(**k)),
            {"X": [[1.0], [2.0]], "y": [0, 1], "batch_size": 1, "shuffle": True, "rng": 0},
        ),
        "batches",
        {},
        (*SEEDS, *ANY_ROWS, "batch_size=None", "batch_size=10**400"),  # None and a size past the data: one batch
    ),
    "truth_table": (lambda p: (truth_table, {"gate": "xor"}), "truth_table", {}, ()),
    "make_rng": (lambda p: (make_rng, {"rng": 0}), "make_rng", {}, SEEDS),
    "as_rows": (
        lambda p: (as_rows, {"data": [[1.0, 2.0]]}),
        "as_rows",
        {},
        ("data=array of numbers", "data=array of strings"),  # rows of anything, in order
    ),
    "load_idx": (lambda p: (load_idx, {"path": p / "a.idx"}), "load_idx", {}, ()),
    "load_mnist": (lambda p: (load_mnist, {"directory": p}), "load_mnist", {}, ()),
}

for optimizer, options in [
    (SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": False, "weight_decay": 0.0, "dampening": 0.0}),
    (Adagrad, {"lr": 0.1, "lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10}),
    (RMSProp, {"lr": 0.1, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False}),
    (Adam, {"lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False}),
]:
    CASES[optimizer.__name__] = (
        lambda p, o=optimizer, options=options: (o, {"params": [Value(1.0)], **options}),
        optimizer.__name__,
        {"params": "param"},
        (),
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_five_kinds_of_bad_input_get_clear_messages(tmp_path, case):
    make, who, names, accepted = CASES[case]
    (tmp_path / "a.idx").write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 1, 7]))
    problems = probe(lambda: make(tmp_path), who, names, accepted)
    assert not problems, "\n".join(problems)
