"""The chain rule in words (autograd.pictures.explain): explain_chain_rule and path counting, no Graphviz needed.

Expected texts and numbers come from the lecture notes, sections 1 and 2,
and from hand calculation, never from the code under test.
"""

import pytest
from checks import check_message, course_example

from autograd import Value, consumers, count_paths, edge_count, explain_chain_rule, path_products, total

# ----------------------------------------------------------------------------- the chain rule in words


def test_explain_chain_rule_text_exactly():
    n = course_example()
    assert explain_chain_rule(n["f"], n["a"]) == (
        "df/da: 1 path from a to f; multiply the local derivatives along it.\n"
        "df/da = df/di · di/dg · dg/da = 42 · 7 · 1 = 294"
    )
    assert "df/dc = df/di · di/dh · dh/dc = 42 · 3 · 1 = 126" in explain_chain_rule(n["f"], n["c"])
    assert explain_chain_rule(n["f"], n["i"]).endswith("\ndf/di = 42")
    assert explain_chain_rule(n["f"], n["f"]).endswith("\ndf/df = 1")


def test_explain_chain_rule_sums_paths():
    x = Value(3.0, label="x")
    f = x * x
    f.label = "f"
    assert explain_chain_rule(f, x) == (
        "df/dx: 2 paths from x to f; multiply the local derivatives along each path, then add the paths.\n"
        "path 1: df/dx = 3\n"
        "path 2: df/dx = 3\n"
        "df/dx = 3 + 3 = 6"
    )


def test_explain_chain_rule_names_unlabelled_nodes():
    x = Value(0.5, label="x")
    y = (x * 2).tanh() * x
    text = explain_chain_rule(y, x, number_format="{:.3f}")
    lines = text.splitlines()
    # y = tanh(2x) x: along the tanh path (1 - tanh(1)^2) * 2 * x = 0.420 * 2 * 0.5, directly tanh(1) = 0.762
    assert lines[1] == "path 1: dv3/dv2 · dv2/dv1 · dv1/dx = 0.500 · 0.420 · 2.000 = 0.420"
    assert lines[2] == "path 2: dv3/dx = 0.762"
    assert lines[3] == "dv3/dx = 0.420 + 0.762 = 1.182"
    assert lines[4] == "where v1 = x · 2, v2 = tanh(v1), v3 = v2 · x"  # mathematics, not Python


def test_explain_chain_rule_refuses_too_many_paths_without_enumerating():
    x = Value(1.0, label="x")
    y = x
    for _ in range(60):  # 2**60 paths: counting must not list them
        y = y + y
    with pytest.raises(ValueError) as info:
        explain_chain_rule(y, x)
    message = str(info.value)
    assert str(2**60) in message and "max_paths=64" in message and "backprop" in message
    z = x
    for _ in range(6):
        z = z * z  # 2**6 = 64 paths: just allowed
    assert explain_chain_rule(z, x).count("\npath ") == 64


def test_explain_chain_rule_bad_input():
    n = course_example()
    stranger = Value(1.0, label="q")
    with pytest.raises(ValueError, match="'q' is not in the graph"):
        explain_chain_rule(n["f"], stranger)
    with pytest.raises(ValueError, match="not in the graph"):
        explain_chain_rule(n["g"], n["c"])
    with pytest.raises(TypeError):
        explain_chain_rule(n["f"], 1.0)


# ----------------------------------------------------------------------------- counting and listing paths


def test_count_paths_by_hand():
    n = course_example()
    assert [count_paths(n["f"], n[k]) for k in "abcdghif"] == [1, 1, 1, 1, 1, 1, 1, 1]
    assert count_paths(n["g"], n["c"]) == 0  # g does not depend on c
    x = Value(3.0, label="x")
    assert count_paths(x * x, x) == 2  # one node, two edges
    y = x
    for _ in range(60):  # 2**60 paths, counted without listing them
        y = y + y
    assert count_paths(y, x) == 2**60
    s = Value(0.5, label="s")  # the diamond of the lecture notes, section 2: 3 ways to f, 2 from f to L
    f = total([s * 2.0, s**2, s.sin()])
    assert count_paths(f**2 + f.exp(), s) == 6
    with pytest.raises(TypeError) as info:
        count_paths(x * x, 2.0)
    check_message(info, "count_paths", "x", "Value", "float", "2.0")
    with pytest.raises(TypeError) as info:
        count_paths(2.0, x)
    check_message(info, "count_paths", "Value", "float", "2.0")


def test_path_products_list_every_path_with_its_nodes():
    a = Value(2.0, label="a")
    b = a * 3.0
    b.label = "b"
    c = a + b  # a reaches c directly and through b
    c.label = "c"
    d = c * c  # and c twice: 2 * 2 = 4 paths
    d.label = "d"
    listed = list(path_products(d, a))
    # dd/dc = c = 8 on each of the two edges; dc/da = 1 directly, dc/db = 1 and db/da = 3 through b
    trails = [[node.label for node in nodes] for _, nodes, _ in listed]
    assert trails == [["d", "c", "a"], ["d", "c", "b", "a"], ["d", "c", "a"], ["d", "c", "b", "a"]]
    assert [locals_ for _, _, locals_ in listed] == [[8.0, 1.0], [8.0, 1.0, 3.0], [8.0, 1.0], [8.0, 1.0, 3.0]]
    assert [product for product, _, _ in listed] == [8.0, 24.0, 8.0, 24.0]
    assert sum(product for product, _, _ in listed) == 64.0  # dd/da = 2c * (1 + 3) = 64
    assert list(path_products(d, Value(1.0))) == []
    assert list(path_products(a, a)) == [(1.0, [a], [])]


def test_edge_count_and_consumers():
    n = course_example()
    assert edge_count(n["f"]) == 7  # 2 + 2 + 2 + 1 multiply-adds in one backward pass
    users = consumers(n["f"])
    assert users[n["f"]] == []
    assert users[n["g"]] == [(n["i"], 7.0)]  # di/dg = h
    assert users[n["i"]] == [(n["f"], 42.0)]  # df/di = 2i
    x = Value(3.0, label="x")
    y = x * x
    assert consumers(y)[x] == [(y, 3.0), (y, 3.0)]
    with pytest.raises(TypeError, match="edge_count needs a Value"):
        edge_count([y])
