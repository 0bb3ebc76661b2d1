"""The engine against PyTorch in float64: values and gradients of every
operation, of the activations at +-1000, and of random expressions.

Optional: skipped when torch is not installed (pip install -e '.[torch]').
Points stay off kinks, where the two libraries' one-sided conventions differ
(PyTorch's hardtanh has slope 0 at +-1, ours 1).
"""

import random

import pytest

torch = pytest.importorskip("torch", reason="PyTorch is optional: pip install -e '.[torch]'")
F = torch.nn.functional

from autograd import Value, dot, total  # noqa: E402


def t_dot(w1, w2, x1, x2, b):
    return torch.dot(torch.stack([w1, w2]), torch.stack([x1, x2])) + b


# (id, engine function, torch function, points)
OPERATIONS = [
    ("x + y", lambda x, y: x + y, lambda x, y: x + y, [(1.5, -0.3), (-2.0, 0.7)]),
    ("x + 2.5", lambda x: x + 2.5, lambda x: x + 2.5, [(1.5,), (-0.4,)]),
    ("2.5 + x", lambda x: 2.5 + x, lambda x: 2.5 + x, [(1.5,), (-0.4,)]),
    ("x - y", lambda x, y: x - y, lambda x, y: x - y, [(1.5, -0.3), (-2.0, 0.7)]),
    ("x - 2.5", lambda x: x - 2.5, lambda x: x - 2.5, [(1.5,), (-0.4,)]),
    ("2.5 - x", lambda x: 2.5 - x, lambda x: 2.5 - x, [(1.5,), (-0.4,)]),
    ("x * y", lambda x, y: x * y, lambda x, y: x * y, [(1.5, -0.3), (-2.0, 0.7)]),
    ("2.5 * x", lambda x: 2.5 * x, lambda x: 2.5 * x, [(1.5,), (-0.4,)]),
    ("x / y", lambda x, y: x / y, lambda x, y: x / y, [(1.5, -0.3), (-2.0, 0.7)]),
    ("x / 2.5", lambda x: x / 2.5, lambda x: x / 2.5, [(1.5,), (-0.4,)]),
    ("2.5 / x", lambda x: 2.5 / x, lambda x: 2.5 / x, [(1.5,), (-0.4,)]),
    ("-x", lambda x: -x, lambda x: -x, [(1.5,), (-0.4,)]),
    ("abs", lambda x: abs(x), torch.abs, [(1.5,), (-0.4,)]),
    ("x ** 3", lambda x: x**3, lambda x: x**3, [(1.5,), (-0.4,)]),
    ("x ** -2", lambda x: x**-2, lambda x: x**-2, [(1.5,), (-0.4,)]),
    ("x ** 0.5", lambda x: x**0.5, lambda x: x**0.5, [(1.5,), (0.3,)]),
    ("x ** y", lambda x, y: x**y, lambda x, y: x**y, [(1.5, -0.3), (0.2, 2.0), (3.0, 0.7)]),
    ("2 ** x", lambda x: 2**x, lambda x: 2**x, [(1.5,), (-0.4,)]),
    ("exp", lambda x: x.exp(), torch.exp, [(1.5,), (-0.4,)]),
    ("log", lambda x: x.log(), torch.log, [(1.5,), (0.4,)]),
    ("sqrt", lambda x: x.sqrt(), torch.sqrt, [(1.5,), (0.4,)]),
    ("sin", lambda x: x.sin(), torch.sin, [(1.5,), (-0.4,)]),
    ("cos", lambda x: x.cos(), torch.cos, [(1.5,), (-0.4,)]),
    ("tanh", lambda x: x.tanh(), torch.tanh, [(1.5,), (-0.4,), (1000.0,), (-1000.0,)]),
    ("sigmoid", lambda x: x.sigmoid(), torch.sigmoid, [(1.5,), (-0.4,), (1000.0,), (-1000.0,), (-40.0,)]),
    ("relu", lambda x: x.relu(), torch.relu, [(1.5,), (-0.4,)]),
    ("leaky_relu()", lambda x: x.leaky_relu(), F.leaky_relu, [(1.5,), (-0.4,)]),
    ("leaky_relu(0.2)", lambda x: x.leaky_relu(0.2), lambda x: F.leaky_relu(x, 0.2), [(1.5,), (-0.4,)]),
    (
        "leaky_relu(Value alpha) = prelu",
        lambda x, a: x.leaky_relu(a),
        lambda x, a: F.prelu(x.reshape(1), a.reshape(1)).reshape(()),
        [(1.5, 0.2), (-0.4, 0.2), (-2.0, 0.05)],
    ),
    ("hardtanh()", lambda x: x.hardtanh(), F.hardtanh, [(1.5,), (-0.4,), (-3.0,)]),
    ("hardtanh(-0.5, 2)", lambda x: x.hardtanh(-0.5, 2.0), lambda x: F.hardtanh(x, -0.5, 2.0), [(1.5,), (2.5,)]),
    ("softplus", lambda x: x.softplus(), F.softplus, [(1.5,), (-0.4,), (1000.0,), (-1000.0,), (30.0,)]),
    ("elu()", lambda x: x.elu(), F.elu, [(1.5,), (-0.4,), (1000.0,), (-1000.0,)]),
    ("elu(0.7)", lambda x: x.elu(0.7), lambda x: F.elu(x, 0.7), [(1.5,), (-0.4,)]),
    ("gelu", lambda x: x.gelu(), F.gelu, [(1.5,), (-0.4,), (-3.0,), (1000.0,), (-1000.0,)]),
    ("dot", lambda w1, w2, x1, x2, b: dot([w1, w2], [x1, x2], b), t_dot, [(0.5, -1.5, 2.0, 0.3, 0.1)]),
    ("total", lambda a, b: total([a, b, 2.0, a]), lambda a, b: a + b + 2.0 + a, [(0.5, -1.5)]),
]
CASES = [(entry, point) for entry in OPERATIONS for point in entry[3]]


def engine_value_and_grads(fn, point):
    leaves = [Value(p) for p in point]
    out = fn(*leaves)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


def torch_value_and_grads(fn, point):
    leaves = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in point]
    out = fn(*leaves)
    out.backward()
    return out.item(), [0.0 if leaf.grad is None else leaf.grad.item() for leaf in leaves]


def assert_same(engine, reference):
    value, grads = engine
    t_value, t_grads = reference
    assert value == pytest.approx(t_value, rel=1e-12, abs=1e-14)
    assert grads == pytest.approx(t_grads, rel=1e-10, abs=1e-14)


@pytest.mark.parametrize("entry, point", CASES, ids=[f"{e[0]} at {p}" for e, p in CASES])
def test_operation_matches_torch(entry, point):
    _, fn, t_fn, _ = entry
    assert_same(engine_value_and_grads(fn, point), torch_value_and_grads(t_fn, point))


@pytest.mark.parametrize("z", [-1.5, 0.0, 0.7])
def test_step_value_matches_torch_heaviside(z):
    expected = torch.heaviside(torch.tensor(z, dtype=torch.float64), torch.tensor(0.0, dtype=torch.float64))
    assert Value(z).step().data == expected.item()


# The README's one-sided slopes at 0 (its "Numerical policy"), where PyTorch makes the same choice. Where it
# does not (elu with alpha != 1, hardtanh at its borders, step) test_formulas.py checks ours by hand.
KINKS = [
    ("relu", lambda x: x.relu(), torch.relu),
    ("abs", lambda x: abs(x), torch.abs),
    ("leaky_relu()", lambda x: x.leaky_relu(), F.leaky_relu),
    ("leaky_relu(0.2)", lambda x: x.leaky_relu(0.2), lambda x: F.leaky_relu(x, 0.2)),
    ("elu()", lambda x: x.elu(), F.elu),
    ("sqrt", lambda x: x.sqrt(), torch.sqrt),
    ("x ** 0.5", lambda x: x**0.5, lambda x: x**0.5),
    ("x ** 1.5", lambda x: x**1.5, lambda x: x**1.5),
    ("x ** 2", lambda x: x**2, lambda x: x**2),
    ("x ** 1", lambda x: x**1, lambda x: x**1),
    ("x ** 0", lambda x: x**0, lambda x: x**0),
]


@pytest.mark.parametrize("name, fn, t_fn", KINKS, ids=[k[0] for k in KINKS])
def test_slope_at_zero_matches_torch(name, fn, t_fn):
    assert engine_value_and_grads(fn, (0.0,)) == torch_value_and_grads(t_fn, (0.0,))


# ---- random expressions -----------------------------------------------------------

# (engine, torch) pairs of always-defined operations; log and sqrt get positive arguments via softplus / exp.
UNARY = [
    (lambda x: x.tanh(), torch.tanh),
    (lambda x: x.sigmoid(), torch.sigmoid),
    (lambda x: x.sin(), torch.sin),
    (lambda x: x.cos(), torch.cos),
    (lambda x: x.gelu(), F.gelu),
    (lambda x: x.softplus(), F.softplus),
    (lambda x: x.elu(0.8), lambda x: F.elu(x, 0.8)),
    (lambda x: x.softplus().log(), lambda x: torch.log(F.softplus(x))),
    (lambda x: (x.tanh() + 1.5).sqrt(), lambda x: torch.sqrt(torch.tanh(x) + 1.5)),
    (lambda x: x.tanh() ** 3, lambda x: torch.tanh(x) ** 3),
    (lambda x: 2 ** x.tanh(), lambda x: 2 ** torch.tanh(x)),
    (lambda x: 1.5 - x * 0.7, lambda x: 1.5 - x * 0.7),
]
BINARY = [
    (lambda a, b: a + b, lambda a, b: a + b),
    (lambda a, b: a - b, lambda a, b: a - b),
    (lambda a, b: a * b.tanh(), lambda a, b: a * torch.tanh(b)),
    (lambda a, b: a / (b * b + 1.0), lambda a, b: a / (b * b + 1.0)),
    (lambda a, b: a.sigmoid() ** b.tanh(), lambda a, b: torch.sigmoid(a) ** torch.tanh(b)),
    (lambda a, b: a.leaky_relu(b.sigmoid()), lambda a, b: F.prelu(a.reshape(1), torch.sigmoid(b).reshape(1))[0]),
]


def random_expression(rng, n_leaves, n_steps):
    """A program: which operation, on which earlier nodes (reuse allowed), step by step."""
    program = []
    for k in range(n_steps):
        size = n_leaves + k
        if rng.random() < 0.5:
            program.append(("unary", rng.randrange(len(UNARY)), (rng.randrange(size),)))
        else:
            program.append(("binary", rng.randrange(len(BINARY)), (rng.randrange(size), rng.randrange(size))))
    return program


def evaluate(program, leaves, side):
    nodes = list(leaves)
    for kind, index, args in program:
        table = UNARY if kind == "unary" else BINARY
        nodes.append(table[index][side](*(nodes[i] for i in args)))
    return nodes[-1] + nodes[len(leaves) + len(program) // 2]  # two sinks meeting: another diamond


def random_case(seed: int, max_leaves: int, max_steps: int):
    """A random point and a random expression program on it (the same for every engine)."""
    rng = random.Random(seed)
    n_leaves = rng.randint(1, max_leaves)
    point = [rng.uniform(-2.0, 2.0) for _ in range(n_leaves)]
    return point, random_expression(rng, n_leaves, rng.randint(2, max_steps))


@pytest.mark.parametrize("seed", range(40))
def test_random_expressions_match_torch(seed):
    point, program = random_case(seed, 4, 25)
    engine = engine_value_and_grads(lambda *xs: evaluate(program, xs, 0), point)
    reference = torch_value_and_grads(lambda *xs: evaluate(program, xs, 1), point)
    value, grads = engine
    assert value == pytest.approx(reference[0], rel=1e-10, abs=1e-12)
    assert grads == pytest.approx(reference[1], rel=1e-8, abs=1e-12)
