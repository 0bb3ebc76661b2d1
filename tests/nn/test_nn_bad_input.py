"""Bad input to nn's public names: one table, each case refused at the call.

Every case asserts the kind of exception (TypeError for a wrong type,
ValueError for a value outside what is accepted) and that the message names
the function, the argument and the bad value, whatever the wording. The
table includes inputs that once gave silent wrong answers: cross_entropy
given the outputs of one-output models, `MLP(2, [1], activation="bogus")`,
`accuracy([[.1, .9]], [5])`, sets given to `Neuron` and `MLP`,
`l2_penalty(alpha=-1)`, `SGD(dampening=nan)`, `Perceptron(lr=inf)`,
`RMSProp(alpha=2)`, `fit(max_epochs=-1)`, `batches(X="abcd")`. The tests at
the end check that the common good inputs still work, with expected numbers
computed by hand.
"""

import math
import random

import numpy as np
import pytest
from checks import check_message, check_refused

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
    accuracy,
    activation_name,
    as_rows,
    batches,
    binary_cross_entropy,
    cross_entropy,
    get_activation,
    hinge,
    initial_weights,
    l1,
    l2_penalty,
    logsumexp,
    make_rng,
    mse,
    softmax,
    train,
    truth_table,
)
from nn.layers import MAX_PARAMETERS

NAN, INF = float("nan"), float("inf")
X, Y = truth_table("xor")


def _train(**changes):
    model = MLP(2, [2, 1], rng=0)
    args = dict(optimizer=SGD(model.parameters(), lr=0.1), epochs=1, progress=False)
    args.update(changes)
    return train(args.pop("model", model), args.pop("X", X), args.pop("y", Y), **args)


def _cases():
    p = [Value(0.5, label="w"), Value(-0.5, label="v")]
    scores = [Value(0.2), Value(0.9), Value(0.4), Value(0.1)]  # outputs of a model with one output
    return [
        # models: sizes, the parameter limit, activations, init, sigma, rng, inputs
        ("MLP(2, None)", lambda: MLP(2, None), TypeError, ["MLP", "nouts", "None"]),
        ("MLP(2, {3, 1})", lambda: MLP(2, {3, 1}), TypeError, ["MLP", "nouts", "set"]),
        ("MLP(2, 3)", lambda: MLP(2, 3), TypeError, ["MLP", "nouts", "[3]"]),
        ("MLP(2, [])", lambda: MLP(2, []), ValueError, ["MLP", "nouts", "layer"]),
        ("MLP(2, [3, 0])", lambda: MLP(2, [3, 0]), ValueError, ["MLP", "nouts[1]", "0"]),
        ("MLP(2, [2.5])", lambda: MLP(2, [2.5]), TypeError, ["MLP", "nouts[0]", "2.5"]),
        ("MLP('2', [1])", lambda: MLP("2", [1]), TypeError, ["MLP", "nin", "'2'"]),
        ("MLP(-1, [1])", lambda: MLP(-1, [1]), ValueError, ["MLP", "nin", "-1"]),
        ("MLP(10**9, [1])", lambda: MLP(10**9, [1]), ValueError, ["MLP", "1,000,000,001", f"{MAX_PARAMETERS:,}"]),
        ("MLP(2, [10**6, 10])", lambda: MLP(2, [10**6, 10]), ValueError, ["MLP", "13,000,010", "limit"]),
        ("MLP bogus, no hidden", lambda: MLP(2, [1], activation="bogus"), ValueError, ["MLP", "activation", "bogus"]),
        ("MLP output bogus", lambda: MLP(2, [1], output_activation="bog"), ValueError, ["output_activation", "'bog'"]),
        ("MLP activation 3", lambda: MLP(2, [2, 1], activation=3), TypeError, ["MLP", "activation", "3"]),
        ("MLP init None", lambda: MLP(2, [1], init=None), TypeError, ["MLP", "init", "None"]),
        ("MLP init glorot", lambda: MLP(2, [1], init="glorot"), ValueError, ["MLP", "init", "'glorot'", "xavier"]),
        ("MLP sigma -1", lambda: MLP(2, [1], init="normal", sigma=-1), ValueError, ["MLP", "sigma", "-1"]),
        ("MLP sigma nan", lambda: MLP(2, [1], sigma=NAN), ValueError, ["MLP", "sigma", "nan"]),
        ("MLP rng 'abc'", lambda: MLP(2, [1], rng="abc"), TypeError, ["MLP", "rng", "'abc'"]),
        ("MLP rng 1.5", lambda: MLP(2, [1], rng=1.5), TypeError, ["MLP", "rng", "1.5"]),
        ("MLP(x=set)", lambda: MLP(2, [1], rng=0)({1.0, 2.0}), TypeError, ["MLP", "input", "set"]),
        ("MLP(x='ab')", lambda: MLP(2, [1], rng=0)("ab"), TypeError, ["MLP", "input", "'ab'"]),
        ("MLP(x=None)", lambda: MLP(2, [1], rng=0)(None), TypeError, ["MLP", "input", "None"]),
        ("MLP(x=3 values)", lambda: MLP(2, [1], rng=0)([1.0, 2.0, 3.0]), ValueError, ["MLP", "2 inputs", "3"]),
        ("Neuron(x=set)", lambda: Neuron(2, rng=0)({1.0, 2.0}), TypeError, ["Neuron", "input", "set"]),
        ("Neuron(x=dict)", lambda: Neuron(2, rng=0)({"a": 1.0, "b": 2.0}), TypeError, ["Neuron", "input", "dict"]),
        ("Layer(x=frozenset)", lambda: Layer(2, 2, rng=0)(frozenset({1.0})), TypeError, ["Layer", "frozenset"]),
        ("Neuron(0)", lambda: Neuron(0), ValueError, ["Neuron", "nin", "0"]),
        ("Neuron(None)", lambda: Neuron(None), TypeError, ["Neuron", "nin", "None"]),
        ("Neuron(10**7)", lambda: Neuron(10**7), ValueError, ["Neuron", "10,000,001", "limit"]),
        ("Neuron bogus", lambda: Neuron(2, activation="bogus"), ValueError, ["Neuron", "activation", "'bogus'"]),
        ("Neuron fan_out 0", lambda: Neuron(2, fan_out=0), ValueError, ["Neuron", "fan_out", "0"]),
        ("Layer(2, 0)", lambda: Layer(2, 0), ValueError, ["Layer", "nout", "0"]),
        ("Layer(2, 2.0)", lambda: Layer(2, 2.0), TypeError, ["Layer", "nout", "2.0"]),
        ("Layer(10**4, 10**3)", lambda: Layer(10**4, 10**3), ValueError, ["Layer", "10,001,000", "limit"]),
        ("Layer bogus", lambda: Layer(2, 2, activation="bogus"), ValueError, ["Layer", "activation", "'bogus'"]),
        ("initial_weights init", lambda: initial_weights("x", 2, 1), ValueError, ["initial_weights", "init", "'x'"]),
        ("initial_weights fan_in", lambda: initial_weights("he", 0, 1), ValueError, ["initial_weights", "fan_in", "0"]),
        ("initial_weights huge", lambda: initial_weights("he", 10**12, 1), ValueError, ["initial_weights", "limit"]),
        ("initial_weights sigma", lambda: initial_weights("normal", 2, 1, sigma=INF), ValueError, ["sigma", "inf"]),
        ("get_activation(None)", lambda: get_activation(None), TypeError, ["get_activation", "activation", "None"]),
        ("get_activation('x')", lambda: get_activation("x"), ValueError, ["get_activation", "activation", "'x'"]),
        ("activation_name(None)", lambda: activation_name(None), TypeError, ["activation_name", "activation", "None"]),
        ("activation_name('x')", lambda: activation_name("x"), ValueError, ["activation_name", "activation", "'x'"]),
        ("activation_name({1})", lambda: activation_name({1}), TypeError, ["activation_name", "activation", "set"]),
        # losses and metrics
        (
            "cross_entropy one-output",
            lambda: cross_entropy(scores, [0, 1, 1, 0]),
            ValueError,
            ["cross_entropy", "targets", "[0, 1, 1, 0]", "binary_cross_entropy_with_logits"],
        ),
        (
            "cross_entropy 1 logit",
            lambda: cross_entropy([[p[0]], [p[1]]], [0, 0]),
            ValueError,
            ["cross_entropy", "sample 0", "1 logit"],
        ),
        ("cross_entropy class 2", lambda: cross_entropy([p], [2]), ValueError, ["cross_entropy", "target 0", "2"]),
        ("cross_entropy None", lambda: cross_entropy(None, [0]), TypeError, ["cross_entropy", "logits", "None"]),
        ("accuracy class 5", lambda: accuracy([[0.1, 0.9]], [5]), ValueError, ["accuracy", "target 0", "5", "0..1"]),
        ("accuracy class -1", lambda: accuracy([[0.1, 0.9]], [-1]), ValueError, ["accuracy", "target 0", "-1"]),
        ("accuracy class 0.5", lambda: accuracy([[0.1, 0.9]], [0.5]), ValueError, ["accuracy", "target 0", "0.5"]),
        (
            "accuracy one-hot len",
            lambda: accuracy([[0.1, 0.9]], [[0, 0, 1]]),
            ValueError,
            ["accuracy", "sample 0", "3"],
        ),
        ("accuracy target str", lambda: accuracy([0.1, 0.9], ["a", 1]), TypeError, ["accuracy", "target 0", "'a'"]),
        (
            "accuracy threshold",
            lambda: accuracy([0.1], [0], threshold="0.5"),
            TypeError,
            ["accuracy", "threshold", "'0.5'"],
        ),
        ("accuracy labels", lambda: accuracy([0.1], [0], labels="yes"), ValueError, ["accuracy", "labels", "'yes'"]),
        (
            "accuracy threshold, classes",
            lambda: accuracy([[0.1, 0.9]], [1], threshold=0.95),
            ValueError,
            ["accuracy", "threshold=0.95", "largest"],
        ),
        ("l2_penalty alpha -1", lambda: l2_penalty(p, alpha=-1), ValueError, ["l2_penalty", "alpha", "-1"]),
        ("l2_penalty alpha nan", lambda: l2_penalty(p, alpha=NAN), ValueError, ["l2_penalty", "alpha", "nan"]),
        ("l2_penalty None", lambda: l2_penalty(None), TypeError, ["l2_penalty", "params", "None"]),
        ("l2_penalty set", lambda: l2_penalty(set(p)), TypeError, ["l2_penalty", "params", "set"]),
        ("l2_penalty numbers", lambda: l2_penalty([1.0, 2.0]), TypeError, ["l2_penalty", "params[0]", "1.0"]),
        ("mse target str", lambda: mse(p, ["a", 1.0]), TypeError, ["mse", "target 0", "'a'"]),
        ("mse half str", lambda: mse(p, [1.0, 0.0], half="no"), TypeError, ["mse", "half", "'no'"]),
        ("mse lengths", lambda: mse(p, [1.0]), ValueError, ["mse", "2 predictions", "1 targets"]),
        ("mse set", lambda: mse(set(p), [1.0, 0.0]), TypeError, ["mse", "predictions", "set"]),
        ("l1 reduction", lambda: l1(p, [1.0, 0.0], reduction="max"), ValueError, ["l1", "reduction", "'max'"]),
        (
            "bce target 2",
            lambda: binary_cross_entropy([0.5], [2]),
            ValueError,
            ["binary_cross_entropy", "target 0", "2"],
        ),
        ("hinge target 0", lambda: hinge(p, [0, 1]), ValueError, ["hinge", "target 0", "0"]),
        ("softmax logit str", lambda: softmax([1.0, "2"]), TypeError, ["softmax", "logits[1]", "'2'"]),
        ("logsumexp None", lambda: logsumexp(None), TypeError, ["logsumexp", "logits", "None"]),
        # optimizers
        ("SGD(None)", lambda: SGD(None), TypeError, ["SGD", "params", "None"]),
        ("SGD(set)", lambda: SGD(set(p)), TypeError, ["SGD", "params", "set"]),
        ("SGD(numbers)", lambda: SGD([1.0]), TypeError, ["SGD", "parameter 0", "1.0"]),
        ("SGD lr inf", lambda: SGD(p, lr=INF), ValueError, ["SGD", "lr", "inf"]),
        ("SGD lr nan", lambda: SGD(p, lr=NAN), ValueError, ["SGD", "lr", "nan"]),
        ("SGD lr '0.1'", lambda: SGD(p, lr="0.1"), TypeError, ["SGD", "lr", "'0.1'"]),
        ("SGD dampening nan", lambda: SGD(p, dampening=NAN), ValueError, ["SGD", "dampening", "nan"]),
        ("SGD dampening 2", lambda: SGD(p, dampening=2), ValueError, ["SGD", "dampening", "2"]),
        ("SGD momentum -1", lambda: SGD(p, momentum=-1), ValueError, ["SGD", "momentum", "-1"]),
        ("SGD nesterov 'no'", lambda: SGD(p, momentum=0.9, nesterov="no"), TypeError, ["SGD", "nesterov", "'no'"]),
        ("RMSProp alpha 2", lambda: RMSProp(p, alpha=2), ValueError, ["RMSProp", "alpha", "2"]),
        ("RMSProp eps -1", lambda: RMSProp(p, eps=-1), ValueError, ["RMSProp", "eps", "-1"]),
        ("RMSProp centered", lambda: RMSProp(p, centered="yes"), TypeError, ["RMSProp", "centered", "'yes'"]),
        ("Adagrad lr_decay nan", lambda: Adagrad(p, lr_decay=NAN), ValueError, ["Adagrad", "lr_decay", "nan"]),
        ("Adam betas (0.9,)", lambda: Adam(p, betas=(0.9,)), ValueError, ["Adam", "betas", "(0.9,)"]),
        ("Adam betas 0.9", lambda: Adam(p, betas=0.9), TypeError, ["Adam", "betas", "0.9"]),
        ("Adam betas set", lambda: Adam(p, betas={0.9, 0.999}), TypeError, ["Adam", "betas", "set"]),
        ("Adam betas[1] = 1", lambda: Adam(p, betas=(0.9, 1.0)), ValueError, ["Adam", "betas[1]", "1.0"]),
        ("Adam amsgrad None", lambda: Adam(p, amsgrad=None), TypeError, ["Adam", "amsgrad", "None"]),
        # the perceptron
        ("Perceptron lr inf", lambda: Perceptron(2, lr=INF), ValueError, ["Perceptron", "lr", "inf"]),
        ("Perceptron lr 0", lambda: Perceptron(2, lr=0), ValueError, ["Perceptron", "lr", "0"]),
        ("Perceptron nin 2.0", lambda: Perceptron(2.0), TypeError, ["Perceptron", "nin", "2.0"]),
        ("Perceptron init_scale", lambda: Perceptron(2, init_scale=-1), ValueError, ["Perceptron", "init_scale", "-1"]),
        ("fit max_epochs -1", lambda: Perceptron(2).fit(X, Y, max_epochs=-1), ValueError, ["fit", "max_epochs", "-1"]),
        (
            "fit max_epochs 2.5",
            lambda: Perceptron(2).fit(X, Y, max_epochs=2.5),
            TypeError,
            ["fit", "max_epochs", "2.5"],
        ),
        ("fit X 'abcd'", lambda: Perceptron(2).fit("abcd", Y), TypeError, ["fit", "X", "'abcd'"]),
        (
            "fit row str",
            lambda: Perceptron(2).fit([[0, 0], "ab", [1, 0], [1, 1]], Y),
            TypeError,
            ["fit", "X[1]", "'ab'"],
        ),
        ("fit row nan", lambda: Perceptron(2).fit([[0, NAN]], [0]), ValueError, ["fit", "X[0][1]", "nan"]),
        ("predict(None)", lambda: Perceptron(2).predict(None), TypeError, ["Perceptron", "x", "None"]),
        # data
        ("batches X 'abcd'", lambda: batches("abcd", [1, 2, 3, 4]), TypeError, ["batches", "X", "'abcd'"]),
        ("batches X set", lambda: batches({1, 2}, [1, 2]), TypeError, ["batches", "X", "set"]),
        ("batches y None", lambda: batches(X, None), TypeError, ["batches", "y", "None"]),
        ("batches batch_size 0", lambda: batches(X, Y, batch_size=0), ValueError, ["batches", "batch_size", "0"]),
        ("batches batch_size 2.0", lambda: batches(X, Y, batch_size=2.0), TypeError, ["batches", "batch_size", "2.0"]),
        ("batches shuffle 'no'", lambda: batches(X, Y, shuffle="no"), TypeError, ["batches", "shuffle", "'no'"]),
        ("batches rng 'x'", lambda: batches(X, Y, rng="x"), TypeError, ["batches", "rng", "'x'"]),
        ("as_rows str", lambda: as_rows("abc"), TypeError, ["as_rows", "data", "'abc'"]),
        ("as_rows None", lambda: as_rows(None), TypeError, ["as_rows", "data", "None"]),
        ("truth_table(None)", lambda: truth_table(None), TypeError, ["truth_table", "gate", "None"]),
        ("truth_table('nand')", lambda: truth_table("nand"), ValueError, ["truth_table", "gate", "'nand'"]),
        ("make_rng(2.5)", lambda: make_rng(2.5), TypeError, ["make_rng", "rng", "2.5"]),
        ("make_rng(True)", lambda: make_rng(True), TypeError, ["make_rng", "rng", "True"]),
        # train
        ("train optimizer None", lambda: _train(optimizer=None), TypeError, ["train", "optimizer", "None"]),
        ("train optimizer 'sgd'", lambda: _train(optimizer="sgd"), TypeError, ["train", "optimizer", "'sgd'"]),
        ("train model None", lambda: _train(model=None), TypeError, ["train", "model", "None"]),
        ("train epochs -1", lambda: _train(epochs=-1), ValueError, ["train", "epochs", "-1"]),
        ("train epochs 2.5", lambda: _train(epochs=2.5), TypeError, ["train", "epochs", "2.5"]),
        ("train batch_size 0", lambda: _train(batch_size=0), ValueError, ["train", "batch_size", "0"]),
        ("train X 'abcd'", lambda: _train(X="abcd"), TypeError, ["train", "X", "'abcd'"]),
        ("train X set", lambda: _train(X={(0, 1)}), TypeError, ["train", "X", "set"]),
        ("train lengths", lambda: _train(y=Y[:3]), ValueError, ["train", "4 inputs", "3 targets"]),
        ("train val", lambda: _train(val=X), ValueError, ["train", "val", "4"]),
        ("train penalty", lambda: _train(penalty=1e-4), TypeError, ["train", "penalty", "0.0001"]),
        ("train on_epoch", lambda: _train(on_epoch="print"), TypeError, ["train", "on_epoch", "'print'"]),
        ("train progress", lambda: _train(progress="yes"), TypeError, ["train", "progress", "'yes'"]),
        ("train shuffle", lambda: _train(shuffle=None), TypeError, ["train", "shuffle", "None"]),
        ("train loss", lambda: _train(loss="mae"), ValueError, ["train", "loss", "'mae'"]),
        ("train metrics", lambda: _train(metrics="f1"), ValueError, ["train", "metrics", "'f1'"]),
        ("train seed", lambda: _train(seed="0"), TypeError, ["train", "rng", "'0'"]),
    ]


CASES = _cases()


@pytest.mark.parametrize("call, error, parts", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_naming_the_argument_and_the_value(call, error, parts):
    check_refused(call, error, parts)


def test_cross_entropy_of_one_output_models_no_longer_trains_to_nothing():
    """A one-output model trained with cross_entropy used to stay at accuracy 0.5, because
    the batch of single outputs was read as one sample with 4 classes. train now refuses it."""
    model = MLP(2, [4, 1], rng=0)
    with pytest.raises(ValueError) as info:
        train(model, X, Y, loss="cross_entropy", optimizer=SGD(model.parameters(), lr=0.5), epochs=1)
    check_message(info, "cross_entropy", "binary_cross_entropy_with_logits")


def test_the_parameter_limit_is_refused_before_anything_is_built(monkeypatch):
    """MLP(10**9, [1]) used to run out of memory after up to a minute; now it is refused before
    any layer is built (no clock: a layer built at all fails the test)."""
    import nn.layers

    def no_layer(*args, **kwargs):
        raise AssertionError("a Layer was built before the size was refused")

    monkeypatch.setattr(nn.layers, "Layer", no_layer)
    with pytest.raises(ValueError):
        MLP(10**9, [1])
    with pytest.raises(ValueError) as info:
        MLP(999, [1001])  # 1001 * (999 + 1): one neuron past the limit
    check_message(info, "1,001,000")


# ---- good input still works --------------------------------------------------------------


def test_models_take_lists_tuples_arrays_numpy_scalars_and_ints():
    model = MLP(2, (3, 1), rng=0)
    expected = model([1.0, 2.0]).data
    for x in ((1, 2), np.array([1.0, 2.0]), np.array([1, 2]), [np.float32(1), np.int64(2)], (v for v in (1.0, 2.0))):
        assert model(x).data == expected
    assert MLP(np.int64(2), [np.int32(3), 1], rng=0)([1.0, 2.0]).data == expected  # NumPy ints as sizes
    assert MLP(2, np.array([3, 1]), rng=0)([1.0, 2.0]).data == expected
    assert Neuron(1, rng=0)(3.0).data == Neuron(1, rng=0)([3.0]).data  # a lone number for one input


def test_losses_take_tuples_arrays_and_numpy_scalars():
    # mse of (0.5 - 1)^2 and (2 - 0)^2: (0.25 + 4) / 2 = 2.125, by hand
    preds = [Value(0.5), Value(2.0)]
    for targets in ((1, 0), np.array([1.0, 0.0]), [np.float64(1), np.int64(0)]):
        assert mse(preds, targets).data == 2.125
    assert mse(tuple(preds), [1, 0]).data == 2.125
    # cross-entropy of one sample [0, ln 3] with class 1: -ln(3 / 4) by hand
    z = [Value(0.0), Value(math.log(3.0))]
    assert cross_entropy(z, 1).data == pytest.approx(-math.log(0.75))
    assert cross_entropy(z, np.int64(1)).data == pytest.approx(-math.log(0.75))
    assert cross_entropy([z], [[0, 1]]).data == pytest.approx(-math.log(0.75))
    assert accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([1, 1])) == 0.5
    assert accuracy([[0.1, 0.9]], [1.0]) == 1.0  # a whole float is a class index
    assert l2_penalty(tuple(preds), alpha=np.float64(0.5)).data == 0.5 * (0.25 + 4.0)
    assert l2_penalty(preds, alpha=0).data == 0.0


def test_optimizers_perceptron_and_data_take_common_forms():
    w = Value(1.0)
    w.grad = 2.0
    SGD((w,), lr=np.float64(0.25), momentum=0, nesterov=0).step()
    assert w.data == 0.5  # 1 - 0.25 * 2
    Adam([w], betas=[0.9, np.float64(0.999)], amsgrad=1)
    RMSProp(np.array([w], dtype=object), alpha=1)
    assert Perceptron(2, lr=np.float64(1.0), rng=0).fit(np.array(X), np.array(truth_table("and")[1]))[-1] == 0
    assert Perceptron(np.int64(2), rng=0).predict((1, 1)) in (0, 1)
    rows = [
        x for batch, _ in batches(np.array(X), tuple(Y), batch_size=np.int64(2), rng=random.Random(0)) for x in batch
    ]
    assert sorted(rows) == sorted(X)
    assert len(list(batches(X, Y, shuffle=np.True_, rng=0))) == 1  # a NumPy bool is a flag too
    assert as_rows(row for row in X) == X and as_rows(np.array([[1, 2]])) == [[1, 2]]
    model = MLP(2, [2, 1], rng=0)
    history = train(model, np.array(X), np.array(Y), optimizer=SGD(model.parameters()), epochs=np.int64(2))
    assert history.epochs == 2
