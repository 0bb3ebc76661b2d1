"""Exercise sheets with answer keys, one variant per seed, for the course's five hand calculations.

`python -m demos.sheets --seed N [--students K] [--lang de|en] --out DIR`
writes, for each student k, the variant of seed N + k: a sheet to fill in and a
separate answer key, each a printable A4 web page (and a PDF where chromium is
installed). The five exercises: the chain rule on a random small expression
(forward values and gradients, the graph drawn as SVG), a perceptron update by
hand, the delta rule for a 2-layer sigmoid net (dL/dw_ij = delta_j * out_i,
seed 001 of the slides), the softmax Jacobian at a given point, and the
learning-rate limit 2/lambda of a quadratic. Every answer is computed by the
engine (backward(), jacobian, hessian, nn's Perceptron and softmax); the
numbers are drawn so the answers are small integers or short decimals. The
texts are German (the course's) or English: the English is looked up in the
`demos` gettext catalog (`autograd.language`), the language is `--lang` or the locale's.
"""

from __future__ import annotations

import argparse
import html
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import resources
from pathlib import Path

import numpy as np

from autograd import Value, hessian, jacobian, topological_order
from autograd.core.files import write_atomically
from autograd.language import LANGUAGES, Domain, resolve, using_language
from demos import _common as c
from demos import expression
from demos.expression import number_text

NAME = "sheets"
SEED = 1
KINDS = ("chain_rule", "perceptron", "delta_rule", "softmax", "learning_rate")
MAX_STUDENTS = 500
PDF_TIMEOUT = 120  # seconds for chromium to print one page
MAX_DRAWS = 5000  # random draws per exercise until its numbers are readable

_ = Domain("demos").gettext
N_ = Domain.mark
# the verdicts of the learning-rate exercise: the key's word for each, translated where it is shown
VERDICTS = {"converges": N_("converges"), "oscillates": N_("oscillates forever"), "diverges": N_("diverges")}


@dataclass(frozen=True)
class Answer:
    """One number (or word) a student fills in: its name, the engine's value, and how the key writes it."""

    name: str
    value: float | str
    shown: str


@dataclass
class Exercise:
    """One exercise of a sheet: the task, tables with blanks (`Answer` cells), the key's working and pictures.

    `given` holds the numbers of the task, for checking the answers independently of the engine; `graph` is a
    Value whose graph the sheet draws (the chain rule), or None.
    """

    kind: str
    title: str
    task: list[str]
    tables: list[tuple[list[str], list[list]]]
    working: list[str]
    given: dict
    graph: Value | None = None
    pictures: dict = field(default_factory=dict)  # "sheet"/"key" -> SVG text, filled by write_sheets

    @property
    def answers(self) -> dict[str, Answer]:
        """Every blank of the sheet by name."""
        return {cell.name: cell for _, rows in self.tables for row in rows for cell in row if isinstance(cell, Answer)}


def decimals(x: float, places: int = 4) -> str:
    """x with at most `places` decimals and no trailing zeros: 0.109375 -> '0.1094', 2.50 -> '2.5'."""
    text_ = f"{x:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text_ in ("-0", "") else text_


def _answer(name: str, value: float, places: int = 4) -> Answer:
    return Answer(name, float(value), decimals(value, places))


# ----------------------------------------------------------------------------- 1 the chain rule


def random_expression(rng: random.Random) -> tuple[str, dict[str, float]]:
    """A small formula of 3 or 4 names (one maybe used twice) with + - *, a square or relu, and integer values,
    drawn until every value and gradient is an integer of at most three digits (within ±400)."""
    for _draw in range(MAX_DRAWS):
        names = ["a", "b", "c", "d"][: rng.choice((3, 4))]
        items = names[:]
        rng.shuffle(items)
        if rng.random() < 0.4:  # a name used twice: its gradient sums two paths
            items.insert(rng.randrange(len(items) + 1), rng.choice(names))
        while len(items) > 1:
            k = rng.randrange(len(items) - 1)
            op = rng.choice(("+", "-", "*", "*"))
            term = f"({items[k]} {op} {items[k + 1]})"
            wrap = rng.random()
            if wrap < 0.15:
                term = f"{term} ** 2"
            elif wrap < 0.25:
                term = f"relu{term}"
            items[k : k + 2] = [term]
        formula = items[0][1:-1] if items[0].startswith("(") and items[0].endswith(")") else items[0]
        if rng.random() < 0.3 and "**" not in formula:
            formula = f"({formula}) ** 2"
        try:
            parsed = expression.parse(formula)
        except expression.ExpressionError:
            continue
        values = {name: float(rng.choice((-3, -2, -1, 1, 2, 3, 4))) for name in parsed.names}
        nodes = parsed.build(values)
        root = list(nodes.values())[-1]
        root.backward()
        numbers = [x for v in nodes.values() for x in (v.data, v.grad)]
        operations = sum(1 for v in nodes.values() if v.parents)
        if (
            3 <= operations <= 6
            and any(v.op == "*" for v in nodes.values())
            and all(abs(x) <= 400 and x == int(x) for x in numbers)
            and root.data != 0
        ):
            return formula, values
    raise RuntimeError(f"random_expression: no readable formula in {MAX_DRAWS} draws")  # pragma: no cover


def chain_rule_exercise(formula: str, values: dict, language: str | None = None) -> Exercise:
    """The chain-rule exercise for `formula` at `values` (a str 'a=1,b=2' or {name: number})."""
    from demos import chain_rule

    language = resolve(language, "chain_rule_exercise")
    parsed = expression.parse(formula)
    given = expression.parse_values(values, parsed) if isinstance(values, str) else dict(values)
    nodes, steps = parsed.build_steps(given)
    root = list(nodes.values())[-1]
    root.backward()
    r = root.label
    order = topological_order(root)
    rows = []
    for name in sorted(parsed.names):
        rows.append([name, _("given", language), Answer(f"value {name}", given[name], number_text(given[name]))])
    for name, symbols, _numbers, _made in steps:
        rows.append(
            [name, f"{name} = {symbols}", Answer(f"value {name}", nodes[name].data, number_text(nodes[name].data))]
        )
    for row in rows:
        node = nodes[row[0]]
        row.append(Answer(f"grad {row[0]}", node.grad, number_text(node.grad)))
    for row in rows[: len(parsed.names)]:  # the given values are no blanks
        row[2] = number_text(given[row[0]])
    shared = max(
        parsed.names, key=lambda name: (sum(p is nodes[name] for v in order for p in v.parents), -ord(name[0]))
    )
    working = [
        f"{name} = {symbols} = {numbers} = {number_text(nodes[name].data)}" for name, symbols, numbers, _ in steps
    ]
    working += [chain_rule.how(nodes[k], root, order, language) for k in reversed(list(nodes)) if k != r]
    working += chain_rule.path_equations(root, nodes[shared])
    working = [re.sub(r"\bd(\w+)/d(\w+)", r"∂\1/∂\2", line) for line in working]
    shown_values = ", ".join(f"{name} = {number_text(given[name])}" for name in sorted(given))
    task = [
        _("Given the function {formula} at {values}. The graph splits it into steps (nodes {steps}).", language).format(
            formula=f"{r}({', '.join(sorted(parsed.names))}) = {parsed.math()}",
            values=shown_values,
            steps=", ".join(step[0] for step in steps),
        ),
        _("a) Forward pass: compute the value of every node.", language),
        _(
            "b) Backward pass: use the chain rule to compute the gradient ∂{root}/∂(node) of every "
            "node, from the seed ∂{root}/∂{root} = 1 back to the inputs.",
            language,
        ).format(root=r),
        _("c) Write ∂{root}/∂{leaf} as the product of the local derivatives along the paths.", language).format(
            root=r, leaf=shared
        ),
    ]
    header = [_("node", language), _("definition", language), _("value", language), f"∂{r}/∂·"]
    return Exercise(
        "chain_rule",
        _("The chain rule on a computation graph", language),
        task,
        [(header, rows)],
        working,
        {"formula": formula, "values": given, "steps": [(step[0], step[3]) for step in steps], "root": r},
        graph=root,
    )


def _chain_rule(rng: random.Random, language: str) -> Exercise:
    formula, values = random_expression(rng)
    return chain_rule_exercise(formula, values, language)


# ----------------------------------------------------------------------------- 2 the perceptron rule

_POINTS = ((0, 0), (0, 1), (1, 0), (1, 1), (2, 1), (1, 2), (-1, 1), (1, -1), (2, -1))


def _perceptron(rng: random.Random, language: str) -> Exercise:
    """Two examples through the perceptron rule; at least one is misclassified, no net input near 0."""
    from nn.perceptron import Perceptron

    for _draw in range(MAX_DRAWS):
        tenths = [rng.randint(-10, 10) for _ in range(3)]
        eta = rng.choice((Fraction(1, 10), Fraction(1, 5), Fraction(1, 2), Fraction(1)))
        samples = [(rng.choice(_POINTS), rng.randint(0, 1)) for _ in range(2)]
        w = [Fraction(t, 10) for t in tenths]
        mistakes, readable = 0, True
        for (x1, x2), y in samples:  # exactly, in fractions: the drawn numbers must keep a away from 0
            a = w[0] + w[1] * x1 + w[2] * x2
            readable &= abs(a) >= Fraction(1, 20)
            error = y - (1 if a > 0 else 0)
            mistakes += error != 0
            w = [w[0] + eta * error, w[1] + eta * error * x1, w[2] + eta * error * x2]
        if readable and mistakes and samples[0][0] != samples[1][0]:
            break
    else:  # pragma: no cover (about one draw in three succeeds)
        raise RuntimeError(f"perceptron exercise: no readable draw in {MAX_DRAWS}")
    w0, w1, w2 = (t / 10 for t in tenths)
    p = Perceptron(2, lr=float(eta), rng=0)
    p.bias, p.weights = w0, [w1, w2]
    rows = []
    for k, (x, y) in enumerate(samples, start=1):
        a, yhat = p.net_input(x), p.predict(x)
        p.fit([list(x)], [y], max_epochs=1)  # one sample, one application of the rule
        after = [p.bias, *p.weights]
        rows.append(
            [f"{k}: x = ({x[0]}, {x[1]}), y = {y}", _answer(f"a {k}", a), Answer(f"yhat {k}", yhat, str(yhat))]
            + [_answer(f"w{j} after {k}", value) for j, value in enumerate(after)]
        )
    shown_samples = "; ".join(f"({k}) x = ({x[0]}, {x[1]}), y = {y}" for k, (x, y) in enumerate(samples, start=1))
    task = [
        _(
            "A perceptron with the step function h(a) = 1 if a > 0, else 0, has the weights w₀ = {w0} "
            "(bias, x₀ = 1), w₁ = {w1}, w₂ = {w2}; the learning rate is η = {eta}. It sees the "
            "training examples one after the other: {samples}.",
            language,
        ).format(
            w0=decimals(w0),
            w1=decimals(w1),
            w2=decimals(w2),
            eta=decimals(float(eta)),
            samples=shown_samples,
        ),  # fmt: skip
        _(
            "For each example compute a = w₀ + w₁x₁ + w₂x₂, the prediction ŷ = h(a) and the weights "
            "after the rule w_j ← w_j + η (y − ŷ) x_j.",
            language,
        ),
    ]
    header = [_("example", language), "a", "ŷ", "w₀", "w₁", "w₂"]
    working = [
        f"{row[0]}: a = {row[1].shown}, ŷ = {row[2].shown}, (w₀, w₁, w₂) = ({', '.join(c_.shown for c_ in row[3:])})"
        for row in rows
    ]
    given = {"w": [w0, w1, w2], "eta": float(eta), "samples": [(list(x), y) for x, y in samples]}
    return Exercise("perceptron", _("The perceptron rule by hand", language), task, [(header, rows)], working, given)


# ----------------------------------------------------------------------------- 3 the delta rule


def _delta_rule(rng: random.Random, language: str) -> Exercise:
    """Seed 001's 2-layer sigmoid net without biases, L = 1/2 (y - NN(x))^2: forward pass, deltas, gradients."""
    weights = (-1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0)
    for _draw in range(MAX_DRAWS):
        x = [rng.choice((-1.0, 0.5, 1.0, 2.0)) for _ in range(2)]
        w = [[rng.choice(weights) for _ in range(2)] for _ in range(2)]  # w[i][j]: input i -> hidden j
        v = [rng.choice(weights) for _ in range(2)]  # hidden j -> output
        y, eta = float(rng.randint(0, 1)), rng.choice((0.5, 1.0))
        xs = [Value(x[i], label=f"x{i + 1}") for i in range(2)]
        ws = [[Value(w[i][j], label=f"w{i + 1}{j + 1}") for j in range(2)] for i in range(2)]
        vs = [Value(v[j], label=f"w{j + 1}") for j in range(2)]
        zs = [xs[0] * ws[0][j] + xs[1] * ws[1][j] for j in range(2)]
        hs = [z.sigmoid() for z in zs]
        z = hs[0] * vs[0] + hs[1] * vs[1]
        out = z.sigmoid()
        loss = 0.5 * (y - out) ** 2
        loss.backward()
        if abs(y - out.data) >= 0.3 and min(abs(zj.grad) for zj in zs) >= 0.01:
            break
    else:  # pragma: no cover
        raise RuntimeError(f"delta-rule exercise: no readable draw in {MAX_DRAWS}")
    delta, deltas = z.grad, [zj.grad for zj in zs]  # the error terms are the gradients at the net inputs
    forward = [
        ["z₁ = w₁₁x₁ + w₂₁x₂", _answer("z1", zs[0].data)],
        ["z₂ = w₁₂x₁ + w₂₂x₂", _answer("z2", zs[1].data)],
        ["h₁ = σ(z₁)", _answer("h1", hs[0].data)],
        ["h₂ = σ(z₂)", _answer("h2", hs[1].data)],
        ["z = w₁h₁ + w₂h₂", _answer("z", z.data)],
        ["NN(x) = σ(z)", _answer("out", out.data)],
        ["L = ½ (y − NN(x))²", _answer("L", loss.data)],
    ]
    terms = [["δ", _answer("delta", delta)], ["δ₁", _answer("delta1", deltas[0])], ["δ₂", _answer("delta2", deltas[1])]]
    sub = "₁₂"
    grads = []
    for j in range(2):
        grads.append([f"w{sub[j]}", f"δ · h{sub[j]}", _answer(f"dL/dw{j + 1}", vs[j].grad),
                      _answer(f"update w{j + 1}", -eta * vs[j].grad)])  # fmt: skip
    for j in range(2):
        for i in range(2):
            gradient = ws[i][j].grad
            name = f"w{i + 1}{j + 1}"
            grads.append([f"w{sub[i]}{sub[j]}", f"δ{sub[j]} · x{sub[i]}", _answer(f"dL/d{name}", gradient),
                          _answer(f"update {name}", -eta * gradient)])  # fmt: skip
    shown = {f"w{i + 1}{j + 1}": decimals(w[i][j]) for i in range(2) for j in range(2)}
    task = [
        _(
            "A net with two inputs, two hidden neurons and one output neuron, activation function σ(z) "
            "= 1/(1 + e^(−z)) everywhere, no bias: h_j = σ(Σ_i w_ij x_i), NN(x) = σ(Σ_j w_j h_j). Loss "
            "function L = ½ (y − NN(x))². Given: x = ({x1}, {x2}), y = {y}, w₁₁ = {w11}, w₂₁ = {w21}, "
            "w₁₂ = {w12}, w₂₂ = {w22}, w₁ = {v1}, w₂ = {v2}, learning rate η = {eta}.",
            language,
        ).format(
            x1=decimals(x[0]),
            x2=decimals(x[1]),
            y=decimals(y),
            v1=decimals(v[0]),
            v2=decimals(v[1]),
            eta=decimals(eta),
            **shown,
        ),  # fmt: skip
        _("a) Forward pass: z_j, h_j, z, NN(x) and L.", language),
        _(
            "b) Error terms: δ = ∂L/∂z = −(y − NN(x)) σ'(z) for the output neuron, δ_j = δ · w_j · "
            "σ'(z_j) for the hidden ones (σ' = σ(1 − σ)).",
            language,
        ),
        _(
            "c) Gradients ∂L/∂w = δ (of the neuron above) · out (of the neuron below), and the updates Δw = −η δ out.",
            language,
        ),
        _("Round to four decimal places.", language),
    ]
    working = [
        f"δ = −(y − NN(x)) · NN(x)(1 − NN(x)) = −({decimals(y)} − {decimals(out.data)}) · {decimals(out.data)} · "
        f"(1 − {decimals(out.data)}) = {decimals(delta)}",
    ]
    working += [
        f"δ{sub[j]} = δ · w{sub[j]} · h{sub[j]}(1 − h{sub[j]}) = {decimals(delta)} · {decimals(v[j])} · "
        f"{decimals(hs[j].data)} · {decimals(1 - hs[j].data)} = {decimals(deltas[j])}"
        for j in range(2)
    ]
    working.append(_("Equal to the gradient backward() computes for every weight.", language))
    given = {"x": x, "w": w, "v": v, "y": y, "eta": eta}
    tables = [
        (["", _("value", language)], forward),
        (["", _("value", language)], terms),
        ([_("weight", language), "∂L/∂w = δ · out", "∂L/∂w", "Δw = −η ∂L/∂w"], grads),
    ]
    return Exercise("delta_rule", _("The delta rule for a 2-layer sigmoid net", language), task, tables, working, given)


# ----------------------------------------------------------------------------- 4 the softmax Jacobian

_SHARES = (
    (1, 1, 2),
    (1, 1, 3),
    (1, 2, 2),
    (1, 2, 5),
    (1, 3, 4),
    (2, 3, 3),
    (1, 1, 8),
    (1, 2, 7),
    (1, 3, 6),
    (1, 4, 5),
    (2, 3, 5),
    (2, 4, 4),
    (3, 3, 4),
)  # fmt: skip  (sums 4, 5, 8, 10: short decimals)


def _softmax(rng: random.Random, language: str) -> Exercise:
    """softmax at z_i = ln a_i + c: s_i = a_i / sum(a), its Jacobian s_i (delta_ij - s_j), and -log s_y's gradient."""
    from nn.activations import softmax

    shares = list(rng.choice(_SHARES))
    rng.shuffle(shares)
    shift, label = rng.choice((0, 1, 2, -1)), rng.randint(1, 3)
    z = [Value(float(np.log(a)) + shift, label=f"z{i + 1}") for i, a in enumerate(shares)]
    s = softmax(z)
    matrix = jacobian(s, z)
    loss = -s[label - 1].log()
    loss.backward()
    sub = "₁₂₃"
    values = [[f"s{sub[i]}", _answer(f"s{i + 1}", s[i].data, 6)] for i in range(3)]
    rows = [[f"∂s{sub[i]}/∂z"] + [_answer(f"J{i + 1}{j + 1}", matrix[i, j], 6) for j in range(3)] for i in range(3)]
    grads = [["∂L/∂z"] + [_answer(f"dL/dz{j + 1}", z[j].grad, 6) for j in range(3)]]
    shown_z = ", ".join(f"ln {a}" + (f" {'+' if shift > 0 else '−'} {abs(shift)}" if shift else "") for a in shares)
    task = [
        _("softmax(z)_i = e^(z_i) / Σ_k e^(z_k). Given: z = ({z}), so e^(z_i) = ({exps})", language).format(
            z=shown_z, exps=", ".join(map(str, shares))
        )
        + (f" · e^{shift}." if shift else "."),
        _("a) Compute s = softmax(z).", language),
        _("b) Compute the Jacobian J_ij = ∂s_i/∂z_j = s_i (δ_ij − s_j).", language),
        _(
            "c) Cross-entropy L = −log s_{label} for the correct class {label}: compute ∂L/∂z "
            "(−1/s_{label} times row {label} of J).",
            language,
        ).format(label=label),
    ]
    total = sum(shares)
    working = [f"s = ({', '.join(f'{a}/{total}' for a in shares)})", "J = diag(s) − s sᵀ", "∂L/∂z = s − e_y"]
    given = {"shares": shares, "shift": shift, "label": label}
    tables = [(["", _("value", language)], values), (["", "∂/∂z₁", "∂/∂z₂", "∂/∂z₃"], rows + grads)]
    return Exercise("softmax", _("The Jacobian of softmax", language), task, tables, working, given)


# ----------------------------------------------------------------------------- 5 the learning-rate limit


def _learning_rate(rng: random.Random, language: str) -> Exercise:
    """J = p t1^2 + q t2^2: eigenvalues 2p, 2q of the Hessian, the limit 2/lambda_max, two steps, three verdicts."""
    p, q = rng.sample((0.5, 1.0, 2.0, 2.5, 4.0, 5.0), 2)
    start = [float(rng.choice((1, 2, 3, 4, -1, -2))) for _ in range(2)]
    t = [Value(start[0], label="t1"), Value(start[1], label="t2")]
    lam = np.linalg.eigvalsh(hessian(p * t[0] ** 2 + q * t[1] ** 2, t))
    limit = 2.0 / lam[-1]
    eta = round(rng.choice((0.25, 0.375, 0.75)) * limit, 6)  # the decimal the sheet shows, not 0.30000000000000004
    rows, theta = [], list(start)
    for k in (1, 2):
        params = [Value(theta[0]), Value(theta[1])]
        (p * params[0] ** 2 + q * params[1] ** 2).backward()
        theta = [params[i].data - eta * params[i].grad for i in range(2)]
        rows.append(
            [_("step", language) + f" {k}"] + [_answer(f"theta{i + 1} step {k}", theta[i], 6) for i in range(2)]
        )
    verdicts, rates = [], [0.5 * limit, limit, 1.5 * limit]
    rng.shuffle(rates)
    for rate in rates:
        factor = abs(1.0 - rate * lam[-1])  # the stiffest direction decides
        word = "converges" if factor < 1 - 1e-9 else "oscillates" if factor <= 1 + 1e-9 else "diverges"
        verdicts.append(
            [f"η = {decimals(rate)}", Answer(f"verdict {decimals(rate)}", word, _(VERDICTS[word], language))]
        )
    values = [["λ_min", _answer("lambda_min", lam[0])], ["λ_max", _answer("lambda_max", lam[-1])],
              ["η_max = 2/λ_max", _answer("eta_max", limit)]]  # fmt: skip
    task = [
        _(
            "Loss function J(θ₁, θ₂) = {p}θ₁² + {q}θ₂², gradient descent θ ← θ − η ∇J from θ = ({t1}, {t2}).", language
        ).format(p=_coefficient(p), q=_coefficient(q), t1=decimals(start[0]), t2=decimals(start[1])),
        _("a) The Hessian is constant; its eigenvalues λ₁, λ₂?", language),
        _("b) For which learning rates η does descent converge? The limit η_max = 2/λ_max?", language),
        _("c) Two steps with η = {eta}: θ after step 1 and 2.", language).format(eta=decimals(eta)),
        _("d) Does descent converge with η = {etas}? (converges / oscillates forever / diverges)", language).format(
            etas=", ".join(decimals(r) for r in rates)
        ),
    ]
    working = [
        f"H = diag({decimals(2 * p)}, {decimals(2 * q)})",
        _("Each step multiplies θ_k by (1 − η λ_k); |1 − η λ| < 1 exactly for 0 < η < 2/λ.", language),
    ]
    given = {"p": p, "q": q, "start": start, "eta": eta, "rates": rates}
    tables = [(["", _("value", language)], values), (["", "θ₁", "θ₂"], rows), (["", ""], verdicts)]
    return Exercise("learning_rate", _("The learning-rate limit 2/λ", language), task, tables, working, given)


def _coefficient(x: float) -> str:
    """A factor before a variable: 2.5 θ², but θ² rather than 1 θ²."""
    return "" if x == 1 else f"{decimals(x)} "


MAKERS: dict[str, Callable[[random.Random, str], Exercise]] = {
    "chain_rule": _chain_rule,
    "perceptron": _perceptron,
    "delta_rule": _delta_rule,
    "softmax": _softmax,
    "learning_rate": _learning_rate,
}


def make_exercises(seed: int, language: str | None = None, kinds=KINDS) -> list[Exercise]:
    """The exercises of variant `seed`: each drawn from its own random stream, so one kind's draws never shift
    another's (the same seed gives the same sheet; a sheet without some kinds has the same numbers in the rest)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"make_exercises: seed must be an int >= 0, not {seed!r}")
    language = resolve(language, "make_exercises")
    unknown = [kind for kind in kinds if kind not in MAKERS]
    if unknown or not kinds:
        raise ValueError(f"make_exercises: kinds must be some of {', '.join(KINDS)}, not {list(kinds)!r}")
    return [MAKERS[kind](random.Random(f"sheets:{seed}:{kind}"), language) for kind in kinds]


# ----------------------------------------------------------------------------- pages and files


def _cell(item, key: bool, header: bool = False) -> str:
    if isinstance(item, Answer):
        return f'<td class="answer">{html.escape(item.shown) if key else ""}</td>'
    tag = "th" if header else "td"
    return f"<{tag}>{html.escape(str(item))}</{tag}>"


def page(exercises: list[Exercise], language: str | None, seed: int | None, key: bool) -> str:
    """One A4 web page: the sheet (blanks empty) or the answer key (blanks filled, working added)."""
    language = resolve(language, "page")
    title = _("Answer key: backpropagation", language) if key else _("Exercise sheet: backpropagation", language)
    meta = _("Variant {seed}", language).format(seed=seed) if seed is not None else ""
    body = [f"<header><h1>{html.escape(title)}</h1>"]
    body.append(f'<div class="meta"><span>{html.escape(meta)}</span>')
    if not key:
        name_line = _("Name: ______________________   Student number: ______________", language)
        body.append(f"<span>{html.escape(name_line)}</span>")
    body.append("</div></header>")
    for number, exercise in enumerate(exercises, start=1):
        body.append(f'<section class="{exercise.kind}">')
        heading = _("Exercise {number}: {title}", language).format(number=number, title=exercise.title)
        body.append(f"<h2>{html.escape(heading)}</h2>")
        body += [f"<p>{html.escape(line)}</p>" for line in exercise.task]
        picture = exercise.pictures.get("key" if key else "sheet")
        if picture:
            body.append(f"<figure>{picture}</figure>")
        for header, rows in exercise.tables:
            body.append("<table><tr>" + "".join(_cell(h, key, True) for h in header) + "</tr>")
            body += ["<tr>" + "".join(_cell(item, key) for item in row) + "</tr>" for row in rows]
            body.append("</table>")
        if key and exercise.working:
            working = html.escape(_("Working", language))
            body.append(f'<p><b>{working}</b></p><ul class="working">')
            body += [f"<li>{html.escape(line)}</li>" for line in exercise.working]
            body.append("</ul>")
        body.append("</section>")
    template = resources.files("demos.sheets").joinpath("page.html").read_text(encoding="utf-8")
    values = {"LANG": language, "TITLE": html.escape(f"{title} {meta}".strip()), "KIND": "key" if key else "sheet",
              "BODY": "\n".join(body)}  # fmt: skip
    return re.sub(r"\{\{(LANG|TITLE|KIND|BODY)\}\}", lambda m: values[m.group(1)], template)


def _write(path: Path, data: str | bytes) -> Path:
    """Write a page or a PDF all at once (never half a file, never through a link someone planted there)."""
    return write_atomically(path, data, "sheets")


def _inline_svg(svg: str) -> str:
    """An SVG file's text without its XML declaration, doctype and comments, ready to sit inside HTML."""
    svg = re.sub(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", "", svg, flags=re.DOTALL)
    return svg.strip()


def _graph_pictures(exercise: Exercise, folder: Path, number: int) -> str | None:
    """Draw the exercise's graph: the sheet's with '?' for every number not given, the key's filled in.

    Returns None, or the reason it could not be drawn."""
    from autograd import draw_graph, lecture_steps, pictures

    question = lecture_steps(exercise.graph, hide_unknown=True, rankdir="TB")[0]
    question.attr(label="")  # the frame's English title; the sheet says what is given
    answer = draw_graph(exercise.graph, show_local_grads=True, rankdir="TB")
    try:
        for kind, picture in (("sheet", question), ("key", answer)):
            path = pictures.save_graph(picture, folder / f"graph_{number}_{kind}.svg")
            exercise.pictures[kind] = _inline_svg(path.read_text(encoding="utf-8"))
    except pictures.GraphvizNotInstalled as error:
        return str(error).splitlines()[0]
    return None


def chromium() -> str | None:
    """The chromium (or Chrome) program that prints the pages as PDF, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(page_path: Path, pdf_path: Path, language: str | None = None) -> str | None:
    """Print a page to PDF with headless chromium (A4, as the page's CSS says); None, or why no PDF was made.

    Chromium prints into a private temporary folder; the PDF is then written to `pdf_path` at once.
    """
    program = chromium()
    if program is None:
        return _("chromium is not installed (apt-get install chromium), so the pages stay HTML", language)
    with tempfile.TemporaryDirectory(prefix="sheets-chromium-") as scratch:
        printed = Path(scratch) / "page.pdf"
        command = [program, "--headless", "--disable-gpu", "--no-pdf-header-footer",
                   f"--user-data-dir={Path(scratch) / 'profile'}", f"--print-to-pdf={printed}",
                   page_path.resolve().as_uri()]  # fmt: skip
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # chromium refuses to start as root with its sandbox
        try:
            subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            return _("chromium did not print {page} within {seconds} s", language).format(
                page=page_path.name, seconds=PDF_TIMEOUT
            )
        data = printed.read_bytes() if printed.is_file() else b""
    if data[:5] != b"%PDF-":
        return _("chromium printed no PDF of {page}", language).format(page=page_path.name)
    _write(pdf_path, data)
    return None


def write_sheets(exercises: list[Exercise], folder, language: str | None = None, seed: int | None = None,
                 pdf: bool = True) -> dict:  # fmt: skip
    """Write sheet.html and key.html (and their PDFs) into `folder`; returns their paths and what was skipped."""
    language = resolve(language, "write_sheets")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    skipped = []
    for number, exercise in enumerate(exercises, start=1):
        if exercise.graph is not None:
            reason = _graph_pictures(exercise, folder, number)
            if reason:
                skipped.append(_("(graph not drawn: {reason})", language).format(reason=reason))
    written = {"skipped": skipped}
    for kind in ("sheet", "key"):
        path = _write(folder / f"{kind}.html", page(exercises, language, seed, key=kind == "key"))
        written[kind] = path
        written[f"{kind}_pdf"] = None
        if pdf:
            reason = print_pdf(path, path.with_suffix(".pdf"), language)
            if reason:
                skipped.append(_("PDF not made: {reason}", language).format(reason=reason))
            else:
                written[f"{kind}_pdf"] = path.with_suffix(".pdf")
    return written


def summary(exercise: Exercise, language: str | None = None) -> str:
    """One line saying what this variant asks (the numbers that make it differ)."""
    given = exercise.given
    if exercise.kind == "chain_rule":
        values = ", ".join(f"{k}={number_text(v)}" for k, v in sorted(given["values"].items()))
        formula = f"{given['root']} = {expression.parse(given['formula']).math()}"
        return _("{formula} at {values}", language).format(formula=formula, values=values)
    if exercise.kind == "perceptron":
        return _("w = {w}, eta = {eta}, examples {samples}", language).format(**given)
    if exercise.kind == "delta_rule":
        return f"x = {given['x']}, y = {given['y']:g}, eta = {given['eta']:g}"
    if exercise.kind == "softmax":
        return _("e^z proportional to {shares}, shift {shift}, class {label}", language).format(**given)
    return _("J = {p:g} t1² + {q:g} t2², start {start}, eta = {eta:g}", language).format(**given)


def run(out=c.DEFAULT_OUT, quick: bool = False, *, seed: int = SEED, students: int = 1, language: str | None = None,
        kinds=KINDS, pdf: bool | None = None) -> dict:  # fmt: skip
    """Write the variants seed, seed + 1, ..., seed + students - 1 under `out/sheets/variant_<seed>`.

    PDFs are printed unless `pdf` is False (quick runs leave them out unless `pdf` is True).
    """
    if isinstance(students, bool) or not isinstance(students, int) or not 1 <= students <= MAX_STUDENTS:
        raise ValueError(f"sheets: students must be an int from 1 to {MAX_STUDENTS}, not {students!r}")
    pdf = (not quick) if pdf is None else pdf
    folder = c.demo_dir(out, NAME)
    language = resolve(language, "sheets")
    c.heading(_("Exercise sheets with answer keys", language))
    variants = {}
    for variant in range(seed, seed + students):
        exercises = make_exercises(variant, language, kinds)
        files = write_sheets(exercises, folder / f"variant_{variant:03d}", language, variant, pdf)
        c.say(_("Variant {seed}:", language).format(seed=variant))
        for exercise in exercises:
            print(f"  {exercise.kind:14} {summary(exercise, language)}")
        for reason in dict.fromkeys(files["skipped"]):
            print(f"  ({reason})")
        variants[variant] = {"exercises": exercises, "files": files}
    c.wrote([f for v in variants.values() for f in (v["files"]["sheet"], v["files"]["key"], v["files"]["sheet_pdf"],
                                                     v["files"]["key_pdf"])])  # fmt: skip
    return {"variants": variants, "folder": folder}


def main(argv=None) -> dict:
    """Command line: python -m demos.sheets [--seed N] [--students K] [--lang de|en] [--only KIND,...] [--out DIR]."""
    parser = argparse.ArgumentParser(prog="python -m demos.sheets", description=__doc__.strip().splitlines()[0])
    parser.add_argument("--out", default=c.DEFAULT_OUT, help=f"sheets go to OUT/{NAME} (default: ./{c.DEFAULT_OUT})")
    parser.add_argument("--quick", action="store_true", help="no PDFs, for tests (a few seconds)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"the first variant (default {SEED})")
    parser.add_argument("--students", type=int, default=1, help="how many variants: seed, seed + 1, ...")
    parser.add_argument("--lang", choices=LANGUAGES, help="language of the sheets (default: the locale's, else en)")
    parser.add_argument("--only", default=",".join(KINDS), help=f"some of {','.join(KINDS)}")
    parser.add_argument("--no-pdf", action="store_true", help="write the pages only, no PDFs")
    args = parser.parse_args(argv)
    kinds = [kind.strip() for kind in args.only.split(",") if kind.strip()]
    if not kinds or any(kind not in KINDS for kind in kinds):
        parser.error(f"--only {args.only!r}: choose from {', '.join(KINDS)}")
    if args.seed < 0:
        parser.error(f"--seed {args.seed}: a seed is an int >= 0")
    if not 1 <= args.students <= MAX_STUDENTS:
        parser.error(f"--students {args.students}: from 1 to {MAX_STUDENTS}")
    with using_language(args.lang):
        result = run(args.out, quick=args.quick, seed=args.seed, students=args.students, kinds=kinds,
                     pdf=False if args.no_pdf else None)  # fmt: skip
    sys.stdout.flush()
    return result
