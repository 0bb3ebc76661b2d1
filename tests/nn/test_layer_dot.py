"""The training step's speed devices in nn.layers: Layer.forward makes its neurons' weighted sums for
the whole layer at once (autograd's dots), giving the graph, outputs and gradients of calling each
neuron in turn; parameters() lists what named_parameters() names without making the names."""

import math
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, gradcheck
from nn import MLP, Layer, Neuron


def neuron_by_neuron(model: MLP, x: list) -> Value:
    """The MLP's forward pass calling every neuron itself (each makes its own dot node)."""
    for layer in model.layers:
        x = [neuron(x) for neuron in layer.neurons]
    return x[0]


def same_number(x: float, y: float) -> bool:
    """Equal on 3.11; from 3.12 sum() compensates rounding, so a few units in the last place, carried on
    by later layers."""
    return x == y if sys.version_info < (3, 12) else math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12)


def same_graph(a: Value, b: Value) -> None:
    """a and b: the same operations on the same leaves, node for node (leaves compared by identity)."""
    if not a.op:
        assert a is b
        return
    assert a.op == b.op
    assert len(a.local_grads) == len(b.local_grads)
    assert all(same_number(x, y) for x, y in zip(a.local_grads, b.local_grads))
    assert [o for o in a.operands if not isinstance(o, Value)] == [o for o in b.operands if not isinstance(o, Value)]
    assert len(a.parents) == len(b.parents)
    assert same_number(a.data, b.data)
    for p, q in zip(a.parents, b.parents):
        same_graph(p, q)


@settings(max_examples=30, deadline=None)
@given(
    st.integers(1, 4),
    st.lists(st.integers(1, 12), min_size=1, max_size=3),  # up to 144 products: both of dots' paths and dot's
    st.sampled_from(["relu", "tanh", "sigmoid", "linear"]),
    st.integers(0, 10**6),
    st.booleans(),
)
def test_the_layer_path_builds_the_graph_of_neuron_by_neuron_calls(nin, nouts, activation, seed, value_inputs):
    model = MLP(nin, nouts, activation=activation, rng=seed)
    numbers = [math.sin(seed + k) for k in range(nin)]
    x = [Value(v) for v in numbers] if value_inputs else numbers
    out = model(x)
    out = out if isinstance(out, Value) else out[0]
    same_graph(out, neuron_by_neuron(model, x))


def test_mlp_gradients_are_those_of_neuron_by_neuron_calls_and_of_central_differences():
    model = MLP(3, [8, 6, 1], activation="tanh", rng=7)  # 48 products of Values in the second layer
    params = model.parameters()
    samples = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-0.3, 0.8, 0.1]]

    def loss_of(forward):
        total = Value(0.0)
        for k, x in enumerate(samples):
            total = total + (forward(x) - (k - 1.0)) ** 2
        return total

    def gradients(forward):
        model.zero_grad()
        loss_of(forward).backward()
        return [p.grad for p in params]

    layer_path = gradients(model)
    by_neuron = gradients(lambda x: neuron_by_neuron(model, x))
    for g, h in zip(layer_path, by_neuron):
        assert math.isclose(g, h, rel_tol=1e-12, abs_tol=1e-14)
    model.zero_grad()
    assert gradcheck(lambda *_: loss_of(model), params, atol=1e-6, rtol=1e-5)


def test_value_inputs_get_their_gradients_through_the_layer():
    layer = Layer(3, 2, activation="sigmoid", rng=3)
    x = [Value(0.2), Value(-0.4), Value(1.1)]
    assert gradcheck(lambda *xs: sum(layer(list(xs)), Value(0.0)), x)


class Doubling(Neuron):
    """A user's neuron with its own __call__: the layer must call it."""

    def __call__(self, x):
        return super().__call__(x) * 2.0


def test_a_neuron_with_an_activation_of_its_own_keeps_it():
    layer = Layer(2, 3, activation="tanh", rng=4)
    layer.neurons[1].nonlin = False  # micrograd's switch: this one is linear now
    outs = layer([0.5, -2.0])
    assert [out.op for out in outs] == ["tanh", "dot", "tanh"]
    assert [out.data for out in outs] == [neuron([0.5, -2.0]).data for neuron in layer.neurons]


def test_a_layer_of_other_modules_or_of_none():
    layer = Layer(2, 2, rng=5)
    layer.neurons = [MLP(2, [1], rng=6), *layer.neurons]
    assert [out.op for out in layer([1.0, 2.0])] == ["dot", "relu", "relu"]
    layer.neurons = []
    assert layer.forward([1.0, 2.0]) == []


def test_prelu_and_a_subclassed_neuron_are_called_one_by_one():
    layer = Layer(2, 3, activation="prelu", rng=1)
    outs = layer([0.5, -2.0])
    assert all(out.op == "leaky_relu" and out.parents[1] is n.alpha for out, n in zip(outs, layer.neurons))
    layer = Layer(2, 2, rng=1)
    plain = [v.data for v in layer([0.5, -2.0])]
    layer.neurons[1] = Doubling(2, rng=1)
    layer.neurons[1].w, layer.neurons[1].b = [Value(w.data) for w in layer.neurons[0].w], Value(0.0)
    outs = layer([0.5, -2.0])
    assert outs[1].op == "*" and outs[1].data == 2.0 * plain[0]


def test_a_weight_set_to_a_number_is_a_constant_of_its_neuron():
    """A weight replaced by a plain number: that neuron's dot records it as a number, the others as before."""
    layer = Layer(2, 2, activation="linear", rng=2)
    layer.neurons[0].w[1] = 3.0
    a, b = layer([Value(1.0), Value(2.0)])
    assert a.op == b.op == "dot"
    assert a.operands[2] == 3.0 and len(a.parents) == 4 and len(b.parents) == 5  # w_0, x_0, x_1, b
    assert a.data == layer.neurons[0].w[0].data * 1.0 + 3.0 * 2.0 + 0.0


def test_bad_inputs_are_still_refused_at_the_layer():
    with pytest.raises(TypeError, match=r"Layer: x\[1\] must be a number or a Value"):
        Layer(2, 3)([1.0, "two"])
    with pytest.raises(TypeError, match=r"MLP: x\[0\] must be a number or a Value"):
        MLP(2, [3, 1])([None, 1.0])


class Scaled(Neuron):
    """A neuron with one more parameter, named by its own named_parameters()."""

    def __init__(self, nin, **kwargs):
        self.scale = Value(2.0)
        super().__init__(nin, **kwargs)

    def named_parameters(self):
        return [*super().named_parameters(), ("scale", self.scale)]


class ListsItsOwn(Neuron):
    """A micrograd-style subclass that redefines parameters() only (named_parameters stays Neuron's)."""

    def parameters(self):
        return [self.b]


def test_parameters_are_named_parameters_without_the_names():
    models = [MLP(3, [4, 2, 1], rng=0), MLP(2, [3, 1], activation="prelu", rng=1), Layer(2, 3, rng=2), Neuron(4)]
    odd = Layer(2, 3, rng=3)
    odd.neurons[0] = Scaled(2, rng=4)
    odd.neurons[2] = ListsItsOwn(2, rng=5)
    mlp = MLP(2, [3, 1], rng=6)
    mlp.layers[0] = odd
    models += [odd, mlp, Scaled(3), ListsItsOwn(3)]
    for model in models:
        named = [id(p) for _, p in model.named_parameters()]
        listed = [id(p) for p in model.parameters()] if not isinstance(model, ListsItsOwn) else named
        assert listed == named, model
    assert odd.parameters()[3] is odd.neurons[0].scale  # w.0, w.1, b, scale
    lone = ListsItsOwn(3)
    assert lone.parameters() == [lone.b]  # a user's own parameters() is theirs to define
