"""A check shared by the tests: is a list a topological order of a graph?"""


def check_topological_order(root, order):
    """Each node once, after all its parents; the root last; exactly the nodes root depends on."""
    position = {id(n): i for i, n in enumerate(order)}
    assert len(position) == len(order), "a node appears twice"
    assert order[-1] is root
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]
    reachable, stack = {id(root)}, [root]
    while stack:
        for parent in stack.pop().parents:
            if id(parent) not in reachable:
                reachable.add(id(parent))
                stack.append(parent)
    assert set(position) == reachable
