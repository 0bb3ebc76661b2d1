"""The structure guard's quick comparison (Program._same_graph) never lets a different graph through.

It may answer "maybe different" for a graph that is the same (the full walk, Program._compare, then
decides: a leaf the function makes anew on each call); it must never answer "the same" where the full
walk finds a difference. Each case is traced on an example and compared with a sample's graph.
"""

import pytest

from autograd import TraceError, Value, trace
from autograd.compiler import recording
from nn import MLP, mse


def _sample_graph(fn, sample):
    placeholders, args = recording.placeholders(sample)
    with recording.recording_on():
        outputs = recording.outputs(recording.call_traced(fn, args), "test")[0]
    return placeholders, outputs


def _verdicts(fn, example, sample):
    """(quick verdict, whether the full walk refuses the sample)."""
    program = trace(fn, *example)
    placeholders, outputs = _sample_graph(fn, sample)
    quick = program._same_graph(placeholders, outputs)
    try:
        program._compare(placeholders, outputs, 0)
        refused = False
    except TraceError:
        refused = True
    return quick, refused


w, v = Value(2.0, label="w"), Value(3.0, label="v")
b_pos, b_neg = Value(0.5), Value(0.5)  # equal numbers, different parameters
model = MLP(3, [4, 2], activation="tanh", rng=0)

DIFFERENT = {
    "branch on a value": (lambda x: w * x if x.data > 0 else w * 0.0, [1.0], [-1.0]),
    "another constant": (lambda x: x * (2.0 if x.data > 0 else 3.0), [1.0], [-1.0]),
    "a parameter of equal value": (lambda x: x + (b_pos if x.data > 0 else b_neg), [1.0], [-1.0]),
    "operands swapped": (lambda x: w * x if x.data > 0 else x * w, [1.0], [-1.0]),
    "another argument": (lambda x, y: x * w if x.data > 0 else y * w, [1.0, 0.0], [-1.0, 0.0]),
    "a node shared or not": (
        lambda x: (lambda s: s * s)(x + w) if x.data > 0 else (x + w) * (x + w),
        [1.0],
        [-1.0],
    ),
    "two nodes made one": (
        lambda x: (x + w) * (x + w) if x.data > 0 else (lambda s: s * s)(x + w),
        [1.0],
        [-1.0],
    ),
    "another parameter as an output": (lambda x: [w * x, w if x.data > 0 else v], [1.0], [-1.0]),
    "an output parameter used nowhere else": (lambda x: [w * x, b_pos if x.data > 0 else b_neg], [1.0], [-1.0]),
    "another argument as an output": (lambda x, y: [w * x, x if x.data > 0 else y], [1.0, 0.0], [-1.0, 0.0]),
    "another operation": (lambda x: (w * x).tanh() if x.data > 0 else (w * x).sigmoid(), [1.0], [-1.0]),
    "more nodes": (lambda x: w * x if x.data > 0 else (w * x) * v, [1.0], [-1.0]),
    "the model's branch": (
        lambda x, t: mse([model(x) if x[0].data > 0 else model([x[1], x[0], x[2]])], [t]),
        [[1.0, 2.0, 3.0], [0.0, 1.0]],
        [[-1.0, 2.0, 3.0], [0.0, 1.0]],
    ),
}


@pytest.mark.parametrize("case", sorted(DIFFERENT))
def test_a_graph_the_full_walk_refuses_is_never_called_the_same(case):
    fn, example, sample = DIFFERENT[case]
    quick, refused = _verdicts(fn, example, sample)
    assert refused, "the case must differ (else it tests nothing)"
    assert quick is False


@pytest.mark.parametrize(
    "fn, example, sample",
    [
        (lambda x: (w * x).tanh() + v, [1.0], [5.0]),
        (lambda x, t: mse([model(x)], [t]), [[1.0, 2.0, 3.0], [0.0, 1.0]], [[-4.0, 0.5, 9.0], [1.0, 0.0]]),
        (lambda x: (lambda s: s * s)(x + w), [1.0], [-1.0]),
    ],
)
def test_the_same_graph_is_recognised_quickly(fn, example, sample):
    assert _verdicts(fn, example, sample) == (True, False)


def test_a_leaf_made_anew_on_each_call_goes_to_the_full_walk_which_lets_it_through():
    quick, refused = _verdicts(lambda x: x * Value(2.0), [1.0], [3.0])
    assert (quick, refused) == (False, False)


@pytest.mark.parametrize("enabled", [True, False])
def test_tracing_and_the_guard_give_back_the_users_collector_setting(enabled):
    import gc

    before = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        program = trace(lambda x: (w * x).tanh(), 1.0)
        assert gc.isenabled() is enabled
        program([1.0, 2.0])  # the first call traces its samples again
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if before else gc.disable)()


def test_a_value_class_with_its_own_equality_is_compared_by_identity():
    """The quick comparison compares tuples of nodes with `==` only while no Value class defines __eq__;
    parameters that call themselves equal by value must still count as different parameters."""
    from autograd.compiler.program import _identity_equality

    class ByValue(Value):
        __hash__ = Value.__hash__

        def __eq__(self, other):
            return isinstance(other, Value) and self.data == other.data

    first, second = ByValue(0.5), ByValue(0.5)
    assert first == second and first is not second
    assert not _identity_equality()
    quick, refused = _verdicts(lambda x: x * (first if x.data > 0 else second), [1.0], [-1.0])
    assert (quick, refused) == (False, True)


def test_parameters_equal_by_their_own_equality_stay_distinct_operands():
    """Compiling recognises a row of operands shared by every member by identity, not by a class's `==`."""
    import numpy as np

    class ByValue(Value):
        __hash__ = Value.__hash__

        def __eq__(self, other):
            return isinstance(other, Value) and self.data == other.data

    first, second = ByValue(0.5), ByValue(0.5)
    program = trace(lambda x: [x * first, x * second], 1.0, parameters=[first, second])
    _, gradient = program.gradient(program.read_parameters(), np.array([3.0]), output=1)
    assert gradient.tolist() == [0.0, 3.0]  # d(x * second) / d(first, second)


def test_a_value_class_that_cannot_be_hashed_gets_a_clear_error():
    class Unhashable(Value):
        def __eq__(self, other):
            return self is other

    weight = Unhashable(2.0)
    with pytest.raises(TypeError, match="Unhashable, which defines __eq__ without __hash__"):
        trace(lambda x: weight * x, 1.0)
