"""The chain rule in words and numbers: paths from an input to the output, no pictures (lecture notes, sections 1-2).

* `explain_chain_rule(output, x)` writes out every path from `x` to `output`,
  the product of the local derivatives along it and the sum over the paths.
* `count_paths(output, x)` counts those paths by dynamic programming,
  without listing them; `path_products(output, x)` lists them (exponentially
  many in the depth of the graph: that is the point).
* `edge_count(output)` is the number of edges, the multiply-adds of one
  backward pass; `consumers(output)` tells, for each node, which nodes use it.

Everything reads the record (`node.parents`, `node.local_grads`), and names
nodes as the pictures do: the label, or `v<position>` in topological order.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from autograd.core.checks import shown
from autograd.core.graph import edges, topological_order
from autograd.core.value import Value
from autograd.language import Domain, resolve
from autograd.pictures import naming

__all__ = ["explain_chain_rule", "count_paths", "path_products", "edge_count", "consumers"]

_ = Domain("autograd").gettext


def _check(output, x, who: str) -> None:
    """`output` and `x` are Values (x need not be in the graph of output: the callers tell what that means)."""
    naming.check_root(output, who)
    if not isinstance(x, Value):
        raise TypeError(f"{who}: x must be a Value of the graph, not {shown(x)}")


def _graph(output, x, who: str) -> tuple[list[Value], dict[Value, int]]:
    """After checking the arguments, the graph of `output` in topological order and each node's position."""
    _check(output, x, who)
    order = topological_order(output)
    return order, {node: i for i, node in enumerate(order)}


def _product(path: list[tuple[int, int, float]]) -> float:
    """The product of the local derivatives along a path, multiplied from the output down."""
    product = 1.0
    for _, _, local in path:
        product *= local
    return product


def _path_counts(order: list[Value], index: dict, xi: int) -> list[int]:
    """Number of paths from order[xi] to each node, parents before children: one pass, no enumeration."""
    paths = [0] * len(order)
    paths[xi] = 1
    for i in range(xi + 1, len(order)):
        paths[i] = sum(paths[index[p]] for p in order[i].parents)
    return paths


def _walk(order: list[Value], index: dict, xi: int, paths: list[int]) -> Iterator[list[tuple[int, int, float]]]:
    """Every path from the output down to order[xi] as [(child, parent, local), ...], inputs in written order.

    An iterative depth-first search that enters only parents with a path to x.
    """
    stack: list[tuple[int, list]] = [(len(order) - 1, [])]
    while stack:
        i, path = stack.pop()
        if i == xi:
            yield path
            continue
        node = order[i]
        onward = [(index[p], local) for p, local in edges(node) if paths[index[p]]]
        for j, local in reversed(onward):
            stack.append((j, path + [(i, j, local)]))


def count_paths(output: Value, x: Value) -> int:
    """The number of paths (sequences of edges) from `x` to `output`; 0 when `output` does not depend on `x`.

    Dynamic programming over the topological order: the paths from x to a
    node are the paths from x to each of its parents, added up. A node used
    twice by one operation (`x * x`) counts as two edges, hence two paths.
    """
    order, index = _graph(output, x, "count_paths")
    if x not in index:
        return 0
    return _path_counts(order, index, index[x])[-1]


def path_products(output: Value, x: Value) -> Iterator[tuple[float, list[Value], list[float]]]:
    """Yield (product, nodes, local derivatives) for every path from `output` back to `x`.

    `nodes` runs from `output` down to `x`; `local derivatives` holds
    d(nodes[k])/d(nodes[k + 1]) for each edge, and `product` is their
    product. Their sum is d(output)/d(x). Listing the paths takes time
    proportional to their number, which can grow exponentially with depth
    (`count_paths` tells how many first).
    """
    order, index = _graph(output, x, "path_products")
    if x not in index:
        return
    xi = index[x]
    if xi == len(order) - 1:
        yield 1.0, [x], []
        return
    for path in _walk(order, index, xi, _path_counts(order, index, xi)):
        yield _product(path), [order[path[0][0]]] + [order[j] for _, j, _ in path], [local for _, _, local in path]


def edge_count(output: Value) -> int:
    """Edges in the graph of `output`: the multiply-adds (local × upstream) of one backward pass."""
    naming.check_root(output, "edge_count")
    return sum(len(node.parents) for node in topological_order(output))


def consumers(output: Value) -> dict[Value, list[tuple[Value, float]]]:
    """For every node of the graph, the nodes that use it and the local derivative d(user)/d(node).

    Backprop sums over exactly these: node.grad = sum of user.grad × local.
    The output has no users (an empty list); a node used twice by one
    operation appears twice.
    """
    naming.check_root(output, "consumers")
    order = topological_order(output)
    users: dict[Value, list[tuple[Value, float]]] = {node: [] for node in order}
    for node in order:
        for parent, local in zip(node.parents, node.local_grads):
            users[parent].append((node, local))
    return users


def explain_chain_rule(
    root: Value, x: Value, *, max_paths: int = 64, number_format="{:g}", language: str | None = None
) -> str:
    """Spell out d root / d x: every path from `x` to `root`, the product of local derivatives along it, their sum.

    For f = ((a + b) * (c + d)) ** 2 with the course's labels the text
    contains `df/da = df/di · di/dg · dg/da = 42 · 7 · 1 = 294`. Paths are
    counted first (by dynamic programming); more than `max_paths` raises
    ValueError, since their number grows exponentially with depth, which is
    exactly why backprop sums them node by node instead of listing them.
    `language` ("de" or "en"; None: the language in force) is the text's.
    """
    _check(root, x, "explain_chain_rule")
    language = resolve(language, "explain_chain_rule")
    naming.check_count(max_paths, "max_paths", "explain_chain_rule", 1)
    written = naming.formatter(number_format, "explain_chain_rule")

    def fmt(v: float) -> str:  # as mathematics writes numbers: − for minus
        return naming.minus(written(v))

    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    base = naming.names(order)
    seen: dict[str, int] = {}
    for name in base:
        seen[name] = seen.get(name, 0) + 1
    # a label used by several nodes gets its position appended: w#3, w#7
    names = [f"{naming.one_line(name)}#{i}" if seen[name] > 1 else naming.one_line(name) for i, name in enumerate(base)]
    if x not in index:
        who = f"{x.label!r}" if x.label else repr(x)
        raise ValueError(
            f"explain_chain_rule: {who} is not in the graph of {names[-1]!r}: {names[-1]} does not depend on it"
        )
    xi = index[x]
    top, bottom = names[-1], names[xi]

    def num(v: float) -> str:
        return naming.bracketed(fmt(v))

    paths = _path_counts(order, index, xi)
    count = paths[-1]
    if count > max_paths:
        raise ValueError(
            f"explain_chain_rule: {count} paths lead from {bottom} to {top}, more than max_paths={max_paths}, too many "
            f"to list. Their number grows exponentially with the depth of the graph; backprop never enumerates them: "
            f"it adds local × upstream once per edge, summing all paths node by node (dynamic programming). "
            f"Read {bottom}.grad after {top}.backward(), or pass a larger max_paths."
        )

    header_of = f"d{top}/d{bottom}"
    if xi == len(order) - 1:
        text = _("{d}: {x} is the output itself (the seed of the backward pass).", language)
        return text.format(d=header_of, x=bottom) + f"\n{header_of} = 1"

    found = list(_walk(order, index, xi, paths))
    lines = []
    products = []
    for path in found:
        symbols = " · ".join(f"d{names[i]}/d{names[j]}" for i, j, _ in path)
        product = _product(path)
        products.append(product)
        factors = " · ".join(num(local) for _, _, local in path)
        if len(path) == 1:
            lines.append((symbols, f"{fmt(product)}"))
        else:
            lines.append((symbols, f"{factors} = {fmt(product)}"))

    out = []
    if count == 1:
        text = _("{d}: 1 path from {x} to {root}; multiply the local derivatives along it.", language)
        out.append(text.format(d=header_of, x=bottom, root=top))
        symbols, rest = lines[0]
        chain = f"{header_of} = {symbols} = {rest}" if symbols != header_of else f"{header_of} = {rest}"
        out.append(chain)
    else:
        text = _(
            "{d}: {count} paths from {x} to {root}; multiply the local derivatives along each path, "
            "then add the paths.",
            language,
        )
        out.append(text.format(d=header_of, count=count, x=bottom, root=top))
        path_word = _("path {number}", language)
        for k, (symbols, rest) in enumerate(lines, start=1):
            out.append(f"{path_word.format(number=k)}: {symbols} = {rest}")
        total = math.fsum(products)
        out.append(f"{header_of} = {' + '.join(num(p) for p in products)} = {fmt(total)}")

    unnamed = sorted({i for path in found for edge in path for i in edge[:2] if not order[i].label})
    formulas = [
        f"{names[i]} = {naming.formula(order[i], index, names, math=True)}" for i in unnamed if order[i].parents
    ]
    if formulas:
        out.append(_("where {formulas}", language).format(formulas=", ".join(formulas)))
    return "\n".join(out)  # no newline at the end: print() adds one
