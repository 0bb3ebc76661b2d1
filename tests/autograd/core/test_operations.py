"""Each operation's one record (autograd.core.operations) against what its nodes record.

Every node of every graph of test_ops' table (at its sample points) and of the
awkward points below (kinks, 0, infinities, nan) is checked three ways against
its record, to a few units in the last place:

* the record's `value` and `derivatives` on floats give the node's data and
  local derivatives: for an operation with a hand-written fast path this
  proves the two equal, for the others it is how the node was made;
* the derivatives on Values (`grad(..., create_graph=True)`) give the same
  numbers, as nodes;
* the record's NumPy form on arrays gives them too, many points in one call
  (what `trace` runs).

test_ops.py checks the nodes themselves against `math` and central differences.
"""

import math

import numpy as np
import pytest
from test_ops import CASES

from autograd import DomainError, Value, dot, topological_order, total
from autograd.core.numerics import FLOATS
from autograd.core.operations import BUILTIN
from autograd.core.registry import REGISTRY, local_derivatives, lookup

INF, NAN = math.inf, math.nan
ULPS = 4

# Points where a fast path takes a special branch: kinks, zero, infinities, nan.
AWKWARD = [
    ("relu at 0", lambda x: x.relu(), [(0.0,), (-0.0,), (NAN,), (INF,), (-INF,)]),
    ("abs at 0", lambda x: abs(x), [(0.0,), (NAN,), (-INF,)]),
    ("step at 0", lambda x: x.step(), [(0.0,), (NAN,)]),
    ("leaky_relu at 0", lambda x: x.leaky_relu(0.2), [(0.0,), (NAN,)]),
    ("prelu at 0", lambda x, a: x.leaky_relu(a), [(0.0, 0.3), (2.0, 0.0)]),
    ("hardtanh at its borders", lambda x: x.hardtanh(), [(1.0,), (-1.0,), (NAN,), (INF,)]),
    ("elu at 0", lambda x: x.elu(0.5), [(0.0,), (-INF,), (NAN,)]),
    ("gelu at the infinities", lambda x: x.gelu(), [(INF,), (-INF,), (0.0,), (-40.0,), (NAN,)]),
    ("sqrt at 0", lambda x: x.sqrt(), [(0.0,), (INF,)]),
    ("x ** 0.5 at 0", lambda x: x**0.5, [(0.0,)]),
    ("x ** 2 at 0", lambda x: x**2, [(0.0,)]),
    ("x ** 0 at 0", lambda x: x**0, [(0.0,)]),
    ("x ** y at x = 0", lambda x, y: x**y, [(0.0, 2.0), (0.0, 0.5), (0.0, 0.0), (0.0, 1.0)]),
    ("x ** y at y = 0", lambda x, y: x**y, [(2.0, 0.0), (-2.0, 0.0), (-2.0, 3.0)]),
    ("x ** -1 overflowing", lambda x: x**-1, [(1e-300,)]),
    ("0 ** x", lambda x: 0.0**x, [(2.0,)]),
    ("(-2) ** x", lambda x: (-2.0) ** x, [(3.0,)]),
    ("sin, cos at inf", lambda x: x.sin() + x.cos(), [(INF,), (NAN,)]),
    ("tanh, sigmoid, softplus far out", lambda x: x.tanh() + x.sigmoid() + x.softplus(), [(800.0,), (-800.0,)]),
    ("exp, log", lambda x: x.exp() * x.log(), [(1e-300,), (700.0,)]),
    ("first-layer dot", lambda w, v: dot([w, v], [1.5, -2.0], 0.5), [(0.3, -0.7)]),
    ("dot of numbers and a Value", lambda x: dot([2.0, x], [x, 3.0]), [(0.3,)]),
    ("total with numbers", lambda a: total([a, 1.0, a]), [(0.3,)]),
]
ALL_CASES = [(entry[0], entry[1], point) for entry, point in CASES] + [
    (name, fn, point) for name, fn, points in AWKWARD for point in points
]
IDS = [f"{name} at {point}" for name, _, point in ALL_CASES]


def nodes_of(fn, point):
    out = fn(*(Value(p) for p in point))
    return [node for node in topological_order(out) if node.op]


def close(a, b, scale: float = 0.0) -> bool:
    """Equal within a few units in the last place of the larger of a, b and `scale`; nan equals nan,
    infinities must match. NumPy's exp, tanh ... may differ from math's in the last bit; a slope
    computed from such a result (1 - t * t) inherits that error at the scale of t, not of the slope."""
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= ULPS * math.ulp(max(abs(a), abs(b), scale))


def numbers_of(node):
    operands = node.operands
    return tuple(a.data if isinstance(a, Value) else a for a in operands), tuple(isinstance(a, Value) for a in operands)


@pytest.mark.parametrize("name, fn, point", ALL_CASES, ids=IDS)
def test_the_record_on_floats_gives_what_the_node_recorded(name, fn, point):
    """The fast path (where there is one) equals the record's value and derivatives."""
    for node in nodes_of(fn, point):
        record = lookup(node.op)
        xs, varying = numbers_of(node)
        out = record.value(*xs)
        assert close(out, node.data), (node.op, xs, out, node.data)
        slopes = record.slopes(xs, out, FLOATS, varying)
        assert len(slopes) == len(node.local_grads), node.op
        for mine, recorded in zip(slopes, node.local_grads):
            assert close(mine, recorded), (node.op, xs, mine, recorded)


@pytest.mark.parametrize("name, fn, point", ALL_CASES, ids=IDS)
def test_the_record_on_values_gives_the_same_derivatives_as_nodes(name, fn, point):
    for node in nodes_of(fn, point):
        assert_value_slopes_recorded(node)


def assert_value_slopes_recorded(node):
    """The record's derivatives evaluated on Values (nodes, or floats where constant) equal what `node` recorded."""
    slopes = local_derivatives(node)
    assert len(slopes) == len(node.local_grads), node.op
    for slope, recorded in zip(slopes, node.local_grads):
        assert isinstance(slope, (float, Value)), (node.op, slope)
        assert close(slope.data if isinstance(slope, Value) else slope, recorded), (node.op, slope, recorded)


@pytest.mark.parametrize("name, fn, point", ALL_CASES, ids=IDS)
def test_the_record_on_numpy_arrays_gives_the_same_numbers(name, fn, point):
    for node in nodes_of(fn, point):
        record = lookup(node.op)
        if record.name in ("sum", "dot"):  # the compiler has instructions of their own for these
            continue
        xs, varying = numbers_of(node)
        with np.errstate(all="ignore"):
            out, slopes = record.numpy_step(varying)([np.array([x]) if v else x for x, v in zip(xs, varying)])
        assert close(np.asarray(out).ravel()[0], node.data), (node.op, xs, out, node.data)
        mine = [np.broadcast_to(s, (1,))[0] for s, v in zip(slopes, varying) if v]
        for slope, recorded in zip(mine, node.local_grads, strict=True):
            assert close(slope, recorded, scale=1.0), (node.op, xs, slope, recorded)


# The numbers after x of the one-operand operations that take some (x.elu(0.7), x.hardtanh(-1.0, 1.0))
CONSTANTS = {"elu": (0.7,), "leaky_relu": (0.1,), "hardtanh": (-1.0, 1.0)}
# The engine's operations of one Value: one derivative in the record, or x with the numbers above
ONE_OPERAND = [
    record
    for record in REGISTRY.values()
    if record.name in BUILTIN
    and not callable(record.derivatives)
    and (len(record.derivatives) == 1 or record.name in CONSTANTS)
]


def test_numpy_forms_evaluate_whole_arrays_at_once():
    """One call on a vector of points gives each point's value and slope (what the compiler needs)."""
    assert len(ONE_OPERAND) >= 17 and {"neg", "exp", "normal_cdf", *CONSTANTS} <= {r.name for r in ONE_OPERAND}
    xs = np.array([-2.0, -0.5, 0.0, 0.5, 2.0, 40.0])
    for record in ONE_OPERAND:
        name = record.name
        constants = CONSTANTS.get(name, ())
        points = np.abs(xs) + 0.5 if name in ("log", "sqrt") else xs
        with np.errstate(all="ignore"):
            out, slopes = record.numpy_step((True,) + (False,) * len(constants))([points, *constants])
        for k, x in enumerate(points):
            node = record(Value(float(x)), *constants)
            assert close(out[k], node.data), (name, x)
            assert close(np.broadcast_to(slopes[0], points.shape)[k], node.local_grads[0], scale=1.0), (name, x)


REFUSED = [
    ("log", lambda x: x.log(), [0.0, -1.0, -INF], DomainError),
    ("sqrt", lambda x: x.sqrt(), [-1e-300, -INF], DomainError),
    ("exp", lambda x: x.exp(), [710.0], OverflowError),
    ("x / 0", lambda x: x / Value(0.0), [1.0], ZeroDivisionError),
    ("2 / x", lambda x: 2.0 / x, [0.0], ZeroDivisionError),
    ("x ** -1", lambda x: x**-1.0, [0.0], ZeroDivisionError),
    ("x ** 0.5", lambda x: x**0.5, [-2.0], DomainError),
    ("x ** 3", lambda x: x**3.0, [1e200], OverflowError),
    ("2 ** x", lambda x: 2.0**x, [2000.0], OverflowError),
]


@pytest.mark.parametrize("name, fn, points, error", REFUSED, ids=[r[0] for r in REFUSED])
def test_floats_and_arrays_refuse_the_same_inputs(name, fn, points, error):
    """The float path raises; the record's NumPy refusal finds the same sample, with the same kind of error."""
    for x in points:
        with pytest.raises(error):
            fn(Value(x))
        node = fn(Value(1.0)) if name != "x / 0" else Value(1.0) / Value(2.0)  # the operation and its constants
        record = lookup(node.op)
        xs, varying = numbers_of(node)
        args = [np.array([1.0, x, 1.0]) if v else c for c, v in zip(xs, varying)]
        if name == "x / 0":
            args = [np.array([1.0, x]), np.array([1.0, 0.0])]
        with np.errstate(all="ignore"):
            refusal = record.numpy_refusal(args, np.broadcast_shapes(*map(np.shape, args)))  # before computing
            if refusal is None:
                out, _ = record.numpy_step(varying)(args)
                refusal = record.numpy_overflow(args, out)  # after
        assert refusal is not None, (name, x)
        kind, mask, message = refusal
        assert issubclass(kind, error) and np.asarray(mask).tolist().index(True) == 1, (name, x, mask)
        assert "{0}" in message


def test_every_recorded_operation_has_a_record_and_every_builtin_record_is_tested():
    recorded = {node.op for _, fn, point in ALL_CASES for node in nodes_of(fn, point)}
    assert len(recorded) >= 25  # the enumeration sees the operations (so this test can fail)
    assert recorded <= set(REGISTRY), sorted(recorded - set(REGISTRY))
    only_in_derivatives = {"normal_cdf", "pow_inf"}  # seen inside derivative graphs: transforms/test_higher_calculus.py
    untested = BUILTIN - only_in_derivatives - recorded
    assert not untested, f"operations without a row in test_ops.py's table: {sorted(untested)}"


def test_every_method_of_a_record_is_on_value():
    for record in REGISTRY.values():
        names = record.method if isinstance(record.method, tuple) else (record.method,)
        for name in filter(None, names):
            assert callable(getattr(Value, name)), (record.name, name)
