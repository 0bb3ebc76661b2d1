"""One table of activations: the engine's records with an `Activation`, read by nn, the torch bridge,
the activations demo and the network pictures.

A scratch activation (swish, z * sigmoid(z), PyTorch's SiLU) is put into the engine's REGISTRY for
one test and must appear everywhere at once, then be gone; an operation after a neuron's `dot`
that is no activation is drawn as an operation of its own, never taken for one.
"""

import ast
import math
from pathlib import Path

import pytest

from autograd import Value, draw_network
from autograd.core.operations import BUILTIN
from autograd.core.registry import REGISTRY, Activation, Operation
from autograd.core.value import new_node
from autograd.pictures.network import activation_of
from demos import activations as demo
from nn import ACTIVATIONS, MLP, Neuron, activation_names, get_activation
from nn.activations import OWN_ACTIVATIONS, activation_entries

ROOT = Path(__file__).resolve().parents[2]


def sig(z):
    return 1 / (1 + math.exp(-z))


def swish_record(**facts) -> Operation:
    """z * sigmoid(z) as an engine operation marked as an activation (no Value method)."""
    return Operation(
        "swish",
        lambda x: x * sig(x),
        (lambda x, out, m: m.sigmoid(x) * (1.0 + x * (1.0 - m.sigmoid(x))),),
        activation=Activation(**{"range": "[-0.28, inf)", "torch": "SiLU", **facts}),
        arity=1,
    )


def layer_labels(root) -> list[str]:
    """The frames' labels of draw_network(root): 'layer 1: 3 × tanh', ..."""
    return [
        line.split('label="')[1].split('"')[0]
        for line in draw_network(root).source.splitlines()
        if "cluster" not in line and 'label="layer' in line
    ]


def test_the_names_are_the_engines_activation_records_and_nns_own_two():
    engine = {name for name, record in REGISTRY.items() if record.activation is not None}
    assert engine <= BUILTIN and len(engine) >= 11  # the engine's own records, the course's 11 (no scratch one)
    assert set(ACTIVATIONS) == engine | {e.name for e in OWN_ACTIVATIONS} == {"linear", "prelu"} | engine
    for name in engine:
        assert activation_entries()[name].facts is REGISTRY[name].activation
        assert ACTIVATIONS[name] is getattr(Value, name)  # the Value method, as a user may pass it
    orders = [entry.facts.order for entry in activation_entries().values()]
    assert orders == sorted(orders) == list(range(1, 14))  # the rows of the course's table, none twice


def test_activations_is_a_read_only_view():
    with pytest.raises(TypeError):
        ACTIVATIONS["swish"] = Value.tanh
    assert dict(ACTIVATIONS) == {name: entry.function for name, entry in activation_entries().items()}


def test_a_scratch_activation_appears_everywhere_and_goes_again(monkeypatch, tmp_path):
    from nn import torch_bridge

    names_before = activation_names()
    with monkeypatch.context() as scratch:
        scratch.setitem(REGISTRY, "swish", swish_record())
        # nn: a name like the others, after the course's table (no order), listed in messages
        assert activation_names() == [*names_before, "swish"]
        neuron = Neuron(1, activation="swish", rng=0)
        neuron.load_state_dict({"w.0": 1.0, "b": 0.0})
        z = Value(-0.7)
        out = neuron([z])
        out.backward()
        assert out.data == pytest.approx(-0.7 * sig(-0.7), rel=1e-12)
        assert z.grad == pytest.approx(sig(-0.7) * (1 + -0.7 * (1 - sig(-0.7))), rel=1e-12)
        with pytest.raises(ValueError, match=r"valid names: .*swish"):
            get_activation("bogus")
        # the torch bridge: the module it names is accepted, in the list of what is accepted
        assert "GELU(approximate='none'), Identity, SiLU, nn.torch_bridge's Sin" in torch_bridge.ACCEPTED
        # the demo: one more curve, and its grid grows from 3 x 5 to 3 x 6 panels
        shapes = []
        figure = demo.c.figure
        scratch.setattr(
            demo.c, "figure", lambda rows, cols, **kw: shapes.append((rows, cols)) or figure(rows, cols, **kw)
        )
        result = demo.run(tmp_path, quick=True)
        assert list(result["curves"])[-1] == "swish" and shapes == [(3, 6)]
        assert result["curves"]["swish"]["min"] == pytest.approx(-0.278, abs=0.001)
        # the network picture: the layer is a swish layer, not "linear"
        model = MLP(2, [3, 1], activation="swish", rng=0)
        assert layer_labels(model([1.0, 2.0])) == ["layer 1: 3 × swish", "layer 2: 1 × linear"]
    assert "swish" not in ACTIVATIONS and activation_names() == names_before
    assert "SiLU" not in torch_bridge.ACCEPTED
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        Neuron(1, activation="swish")


def test_a_scratch_activation_goes_to_torch_and_back(monkeypatch):
    torch = pytest.importorskip("torch", reason="PyTorch is optional: pip install -e '.[torch]'")
    monkeypatch.setitem(REGISTRY, "swish", swish_record())
    model = MLP(2, [3, 1], activation="swish", rng=2)
    net = model.to_torch()
    assert [type(m) for m in net] == [torch.nn.Linear, torch.nn.SiLU, torch.nn.Linear]
    x = [0.4, -1.3]
    assert net(torch.tensor([x], dtype=torch.float64)).item() == pytest.approx(model(x).data, rel=1e-12)
    back = MLP.from_torch(net)
    assert back.activation == "swish" and back.state_dict() == model.state_dict()


def test_an_activation_without_a_torch_module_is_refused_by_name(monkeypatch):
    torch = pytest.importorskip("torch", reason="PyTorch is optional: pip install -e '.[torch]'")
    monkeypatch.setitem(REGISTRY, "swish", swish_record(torch=None))
    with pytest.raises(ValueError, match=r"activation 'swish' is not one of the named activations that map to torch"):
        MLP(2, [3, 1], activation="swish", rng=0).to_torch()
    with pytest.raises(ValueError, match="SiLU.*an MLP has no such layer or activation"):
        MLP.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.SiLU()))


def test_modules_with_other_arguments_are_refused_with_the_records_words():
    torch = pytest.importorskip("torch", reason="PyTorch is optional: pip install -e '.[torch]'")
    nn = torch.nn
    for module, note in [
        (nn.Hardtanh(0.0, 6.0), "the MLP's hardtanh clamps to [-1, 1]"),
        (nn.LeakyReLU(0.2), "the MLP's leaky_relu has slope 0.01 (use PReLU"),
        (nn.Softplus(threshold=10.0), "the MLP's softplus is ln(1 + e^z) (beta=1; a threshold of at least 20)"),
        (nn.ELU(alpha=0.5), "the MLP's elu has alpha = 1"),
        (nn.GELU(approximate="tanh"), "the MLP's gelu is the exact z * Phi(z)"),
    ]:
        with pytest.raises(ValueError) as info:
            MLP.from_torch(nn.Sequential(nn.Linear(2, 3), module))
        assert note in str(info.value)
    # a threshold of at least 20 is read back; to_torch builds with 40
    assert MLP.from_torch(nn.Sequential(nn.Linear(2, 3), nn.Softplus(threshold=20.0))).output_activation == "softplus"
    assert MLP(1, [1], output_activation="softplus", rng=0).to_torch()[1].threshold == 40.0


def test_the_demos_grid_fits_the_number_of_panels():
    assert demo.grid_shape(len(ACTIVATIONS) + demo.EXTRA_PANELS) == (3, 5)  # the course's 13 and two more
    for panels in range(1, 40):
        rows, cols = demo.grid_shape(panels)
        assert rows * cols >= panels and (rows - 1) * cols < panels  # no empty row
        assert cols >= rows  # a wide screen


def test_an_operation_after_a_dot_that_is_no_activation_is_drawn_as_itself():
    model = MLP(2, [3, 1], activation="tanh", rng=0)
    y = model([1.0, 2.0]) * 2.0
    assert activation_of(y) is None  # `*` is an operation of the engine, not an activation
    assert layer_labels(y) == ["layer 1: 3 × tanh", "layer 2: 1 × linear"]
    assert 'label="· 2"' in draw_network(y).source  # the doubling is drawn after the linear neuron
    z = model.layers[1].neurons[0].w[0] * 1.0
    with pytest.raises(KeyError, match="no operation 'mystery'"):
        activation_of(new_node(1.0, "mystery", z, 1.0))  # an operation the engine does not know


def test_nn_layers_and_the_torch_bridge_do_not_import_each_other():
    def imported(path):
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
        return found

    assert "nn.torch_bridge" in imported("nn/layers.py")
    assert not any(name.startswith("nn.layers") for name in imported("nn/torch_bridge.py"))
