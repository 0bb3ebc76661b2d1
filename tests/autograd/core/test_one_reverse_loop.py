"""The one reverse loop (graph.reverse_accumulate) and the backward pass into .grad (graph.backpropagate)
agree on random graphs, as do the loops built on them: grad, jacobian's reverse mode and the step frames.

backpropagate is reverse_accumulate with its speed devices; both add the same shares in the same order,
so the gradients are the same floats, compared exactly (one library, one arithmetic).
"""

import math

from hypothesis import assume, given
from test_hypothesis import execute, programs

from autograd import Value, backward_steps, grad, jacobian, topological_order
from autograd.core.graph import forward_accumulate, reverse_accumulate


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@given(programs(max_steps=25))
def test_backward_equals_reverse_accumulate_on_random_graphs(program):
    leaves, nodes, out, _ = execute(program, program[0])
    assume(all(math.isfinite(n.data) for n in nodes + [out]))
    order = topological_order(out)
    adjoint = reverse_accumulate(order, out)
    out.backward()
    assert len(adjoint) == len(order)  # every node the output depends on is reached
    for node in order:
        assert same(node.grad, adjoint[id(node)]), (node.op, node.grad, adjoint[id(node)])
    assert [grad(out, leaves)[k] for k in range(len(leaves))] == [leaf.grad for leaf in leaves]
    assert jacobian([out], leaves)[0].tolist() == [leaf.grad for leaf in leaves]


@given(programs(max_steps=12))
def test_forward_accumulate_gives_the_same_gradient_column_by_column(program):
    leaves, nodes, out, _ = execute(program, program[0])
    assume(all(math.isfinite(n.data) for n in nodes + [out]))
    out.backward()
    order = topological_order(out)
    for leaf in leaves:
        tangent = forward_accumulate(order, {leaf: 1.0}).get(out, 0.0)
        assert math.isclose(tangent, leaf.grad, rel_tol=1e-12, abs_tol=1e-12), (tangent, leaf.grad)


def test_on_node_sees_every_node_pass_its_shares_on():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    f = (a * b + a).tanh()
    seen = []
    reverse_accumulate(topological_order(f), f, on_node=lambda node, g, sent: seen.append((node, g, sent)))
    assert [node for node, _, _ in seen] == list(reversed(topological_order(f)))
    node, upstream, sent = seen[0]
    assert node is f and upstream == 1.0 and sent[0][1] == f.local_grads[0] == sent[0][2]
    f.backward()
    frames = backward_steps(f)  # the frames replay the same loop: one per node that passes gradients on
    assert len(frames) == 1 + sum(1 for node, _, sent in seen if sent)
