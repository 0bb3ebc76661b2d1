"""Bad input to trace, to a Program and to train(compiled=True): a clear error at the public call,
of the right type, naming the function, the argument and what was given, never NumPy's or Python's
message from inside, never a silent wrong answer (None read as nan, an imaginary part dropped)."""

import numpy as np
import pytest

from autograd import TraceError, Value, dot, no_grad, trace
from nn import MLP, SGD, train

W = Value(1.0, label="w")


def program():
    return trace(lambda x, v: W * x + dot([W, W], v), Value(0.0), [0.0, 0.0])


def two_outputs():
    return trace(lambda x: [W * x, x * 2.0], 0.0)


def traced_under_no_grad():
    with no_grad():
        trace(lambda x: x, 1.0)


Z = np.zeros((2, 2))

TRACE_CASES = [
    # (name, call, exception, message pattern)
    ("fn not callable", lambda: trace(3.0), TypeError, r"trace: fn must be a function, not float"),
    ("example bool", lambda: trace(lambda x: x, True), TypeError, r"example argument 0 is a bool"),
    ("example None", lambda: trace(lambda x: x, None), TypeError, r"example argument 0 is NoneType None"),
    ("example set", lambda: trace(lambda x: x, {1.0}), TypeError, r"example argument 0 is set"),
    ("example of strings", lambda: trace(lambda x: x[0], ["a"]), TypeError, r"example argument 0 holds a str"),
    ("example nested", lambda: trace(lambda x: x[0], [[1.0]]), TypeError, r"example argument 0 holds a list"),
    ("example empty", lambda: trace(lambda x: x * x, []), ValueError, r"trace: example argument 0 is an empty list"),
    ("too few examples", lambda: trace(lambda x, y: x + y, 1.0), TypeError,
     r"trace: <lambda>\(x, y\) cannot take the 1 example argument given .*'y'"),
    ("too many examples", lambda: trace(lambda x: x, 1.0, 2.0), TypeError, r"cannot take the 2 example arguments"),
    ("returns a float", lambda: trace(lambda x: 3.0, 1.0), TypeError, r"trace: the function must return a Value.*3\.0"),
    ("returns None", lambda: trace(lambda x: None, 1.0), TypeError, r"must return a Value .*got None"),
    ("returns []", lambda: trace(lambda x: [], 1.0), TypeError, r"non-empty list of Values, got \[\]"),
    ("returns a float in a list", lambda: trace(lambda x: [x, 3.0], 1.0), TypeError, r"must return a Value.*3\.0"),
    ("parameters of floats", lambda: trace(lambda x: x, 1.0, parameters=[1.0]), TypeError,
     r"trace: parameters\[0\] is a float, not a Value"),
    ("parameters an int", lambda: trace(lambda x: x, 1.0, parameters=3), TypeError,
     r"trace: parameters \(a list of Values\) must be a sequence .*, not int 3"),
    ("under no_grad", traced_under_no_grad, RuntimeError, r"trace: inside no_grad\(\) no graph is recorded"),
]  # fmt: skip

PROGRAM_CASES = [
    ("no arguments", lambda p: p(), TypeError, r"program: the traced function takes 2 arguments, got 0"),
    ("three arguments", lambda p: p([1.0], Z[:1], [1.0]), TypeError, r"takes 2 arguments, got 3"),
    ("rows for a Value argument", lambda p: p(np.zeros((2, 1)), Z), ValueError,
     r"program: argument 0 has shape \(2, 1\); the traced function needs \(batch,\)"),
    ("a flat list for a list argument", lambda p: p([1.0, 2.0], [1.0, 2.0]), ValueError,
     r"argument 1 has shape \(2,\); the traced function needs \(batch, 2\)"),
    ("rows of 3 for a list of 2", lambda p: p([1.0, 2.0], np.zeros((2, 3))), ValueError,
     r"argument 1 has shape \(2, 3\); the traced function needs \(batch, 2\)"),
    ("a number for a batch", lambda p: p(1.0, Z[:1]), ValueError, r"argument 0 has shape \(\); .*needs \(batch,\)"),
    ("batches of different sizes", lambda p: p([1.0, 2.0], np.zeros((3, 2))), ValueError,
     r"argument 1 has 3 samples, argument 0 has 2"),
    ("empty batch", lambda p: p([], np.zeros((0, 2))), ValueError, r"program: empty batch"),
    ("ragged rows", lambda p: p([1.0, 2.0], [[1.0, 2.0], [1.0]]), TypeError,
     r"program: argument 1 must be an array of numbers.*rows of different lengths"),
    ("strings", lambda p: p(["a", "b"], Z), TypeError, r"program: argument 0 must be an array of numbers.*str"),
    ("None in a batch", lambda p: p([1.0, None], Z), TypeError, r"program: argument 0 holds None"),
    ("complex numbers", lambda p: p(np.array([1j, 2.0]), Z), TypeError, r"argument 0 must be an array of .*complex"),
    ("bad reduction", lambda p: p.value_and_grad([1.0], Z[:1], reduction="max"), ValueError,
     r"value_and_grad: reduction must be one of 'mean', 'sum', not str 'max'"),
    ("theta too short", lambda p: p.evaluate([], [1.0], Z[:1]), ValueError,
     r"evaluate: theta has shape \(0,\); the program has 1 parameters, so theta needs shape \(1,\)"),
    ("theta of strings", lambda p: p.gradient("ab", [1.0], Z[:1]), TypeError,
     r"gradient: theta must be a vector of numbers, not str"),
    ("write_parameters too long", lambda p: p.write_parameters([1.0, 2.0]), ValueError,
     r"write_parameters: theta has shape \(2,\)"),
    ("draw(instructions='yes')", lambda p: p.draw(instructions="yes"), TypeError,
     r"draw: instructions must be True or False, not str 'yes'"),
]  # fmt: skip


@pytest.mark.parametrize("name, call, kind, message", PROGRAM_CASES, ids=[c[0] for c in PROGRAM_CASES])
def test_program_refuses(name, call, kind, message):
    p = program()
    before = W.data, W.grad
    with pytest.raises(kind, match=message):
        call(p)
    assert (W.data, W.grad) == before  # nothing changed on the way to the error


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda p: p.value_and_grad([1.0]), r"value_and_grad: the traced function returns 2 outputs; it needs one"),
        (lambda p: p.gradient(p.read_parameters(), [1.0], output=2), r"gradient: output must be .* \(0\.\.1\), got 2"),
        (lambda p: p.gradient(p.read_parameters(), [1.0], output=True), r"got True"),
    ],
)
def test_several_outputs_refusals(call, message):
    with pytest.raises(ValueError, match=message):
        call(two_outputs())


def test_a_value_read_names_the_sample_node_and_why():
    p = trace(lambda x: x * 2.0 if x.data > 0 else x * 3.0, 1.0)
    with pytest.raises(TraceError, match=r"sample 2 of the batch .*the constant 2\.0, this sample the constant 3\.0"):
        p(np.array([1.0, 2.0, -1.0]))


def test_numbers_of_every_kind_are_still_read():
    p = trace(lambda x: x * 2.0, 1.0)
    assert p([Value(1.0), 2, np.float32(3.0)]).tolist() == [2.0, 4.0, 6.0]
    assert p(np.array([1, 2], dtype=np.int8)).tolist() == [2.0, 4.0]


# ---- train(compiled=True) -----------------------------------------------------------------------

X4 = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]


def fit(X=X4, y=(1.0, -1.0, 1.0, -1.0), loss="hinge", outputs=1, **settings):
    model = MLP(2, [3, outputs], rng=0)
    return train(model, X, list(y), loss=loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=1,
                 compiled=True, progress=False, **settings)  # fmt: skip


STRAY = Value(2.0, label="stray")  # one Value outside the model (one made anew in every call is a constant)

TRAIN_CASES = [
    ("X flat", lambda: fit(X=[1.0, 2.0, 3.0, 4.0]), TypeError,
     r"train\(compiled=True\): X must be rows of numbers, one row per sample, not an array of shape \(4,\)"),
    ("X ragged", lambda: fit(X=[[0.0, 1.0], [1.0]] + X4[2:]), TypeError, r"X must be an array of numbers.*different"),
    ("X with None", lambda: fit(X=[[0.0, None]] + X4[1:]), TypeError, r"train\(compiled=True\): X holds None"),
    ("X of strings", lambda: fit(X=[["a", "b"]] * 4), TypeError, r"X must be an array of numbers.*str"),
    ("X empty", lambda: fit(X=[], y=[]), ValueError, r"train: X is empty; there is nothing to train on"),
    ("y short", lambda: fit(y=[1.0, -1.0]), ValueError, r"train: X has 4 inputs but y has 2 targets"),
    ("y rows for one output", lambda: fit(y=[[1.0]] * 4), TypeError, r"y must be one number per sample"),
    ("y with None", lambda: fit(y=[1.0, None, 1.0, 1.0]), TypeError, r"y must be one number per sample"),
    ("hinge label 0", lambda: fit(y=[1.0, 0.0, 1.0, 1.0]), ValueError, r"hinge: target 1 is 0\.0; labels must be"),
    ("class 5 of 3", lambda: fit(y=[0, 1, 5, 2], loss="cross_entropy", outputs=3), ValueError,
     r"y\[2\] is 5; with 3 outputs a target is a class index in 0\.\.2"),
    ("rows of 2 for 3 outputs", lambda: fit(y=[[1, 0]] * 4, loss="cross_entropy", outputs=3), ValueError,
     r"y has rows of 2 values; the model has 3 outputs"),
    ("val rows of 3", lambda: fit(val=([[0.0, 1.0, 2.0]], [1.0])), ValueError,
     r"train: val has 1 inputs of 3 numbers .* 2 numbers per input"),
    ("val targets short", lambda: fit(val=([[0.0, 1.0]], [1.0, -1.0])), ValueError,
     r"train: val has 1 inputs of 2 numbers and 2 targets"),
    ("loss returns a float", lambda: fit(loss=lambda p, t: 3.0), TypeError, r"train: the loss must be a Value, got"),
    ("penalty of another Value", lambda: fit(penalty=lambda m: STRAY * 1.0), ValueError,
     r"the penalty uses Values the model does not \(Value\(data=2\.0.*'stray'"),
]  # fmt: skip


@pytest.mark.parametrize(
    "name, call, kind, message", TRACE_CASES + TRAIN_CASES, ids=[c[0] for c in TRACE_CASES + TRAIN_CASES]
)
def test_trace_and_train_compiled_refuse(name, call, kind, message):
    """trace's example checks and train(compiled=True)'s, each refused at the call that names it."""
    with pytest.raises(kind, match=message):
        call()
