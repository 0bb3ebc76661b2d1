"""Checking a student's numbers on a computation graph: per-node verdicts with a hint, for notebooks and graders.

`check_answers(root, answers)` takes the student's values or gradients by
the names the pictures give the nodes ({"g": 294, "a": "294"}) and returns
`Verdicts`: one `Verdict` per node (right, close, wrong, unreadable or
missing), each wrong one with the hint of the lecture: which local
derivative and which upstream gradient to multiply, and what the answer
looks like if it is a known slip (one path of two, the local derivative
alone, the sign). The stepper's exercise mode checks with the same code.

This module needs neither anywidget nor Graphviz: a grader's script or a
plain Python session checks answers without the `live` extra.
"""

from __future__ import annotations

import html
import math
import numbers
from dataclasses import dataclass

from autograd.core.graph import reverse_accumulate
from autograd.core.value import Value
from autograd.language import Domain, resolve
from autograd.pictures import naming
from autograd.pictures.graphs import DEFAULT_NUMBER_FORMAT, indexed

__all__ = ["check_answers", "Verdict", "Verdicts", "GraphFacts", "DEFAULT_TOLERANCE"]

DEFAULT_TOLERANCE = 0.005  # relative: 0.5 %, so that 0.333 counts for 1/3 and 294.4 for 294, but 290 does not
_ABSOLUTE = 1e-9  # near zero a relative tolerance is no tolerance: |answer| <= 1e-9 counts for 0
CLOSE_FACTOR = 10  # within ten times the tolerance the verdict is "close" (rounded too early?), not right
_FMT = naming.formatter(DEFAULT_NUMBER_FORMAT, "check_answers")  # numbers as the pictures write them
QUANTITIES = ("grad", "data")

_ = Domain("autograd").gettext
N_ = Domain.mark
# the verdicts' names as a reader sees them (`Verdict.status` keeps the English key)
STATUS = {
    "right": N_("right"),
    "close": N_("close"),
    "wrong": N_("wrong"),
    "unreadable": N_("unreadable"),
    "missing": N_("missing"),
}


class GraphFacts:
    """What a graph's numbers are and how they come about, computed once: for checking answers and for hints.

    `order` (topological), `names` (as the pictures draw them), `index`
    {node: position}, `data` and `grads` (d root / d node, replayed from the
    recorded local derivatives; no `.grad` is changed) per position,
    `users[j]`: (user position, input position, local derivative) of each
    edge out of node j.
    """

    def __init__(self, root: Value, who: str = "check_answers") -> None:
        naming.check_root(root, who)
        self.root = root
        self.order, self.index, self.names = indexed(root)
        self.data = [node.data for node in self.order]
        n = len(self.order)
        self.users: list[list[tuple[int, int, float]]] = [[] for _ in range(n)]

        def passed_on(node, upstream, sent):
            for k, (parent, local, _share) in enumerate(sent):
                self.users[self.index[parent]].append((self.index[node], k, local))

        adjoint = reverse_accumulate(self.order, root, on_node=passed_on)
        self.grads = [adjoint.get(id(node), 0.0) for node in self.order]
        self.position = {name: i for i, name in enumerate(self.names)}

    @property
    def root_name(self) -> str:
        return self.names[-1]

    def formula(self, i: int) -> str:
        """How node i was made, in the nodes' names (`a + b`); '' for a leaf."""
        node = self.order[i]
        return naming.formula(node, self.index, self.names) if node.parents else ""

    def gradient_terms(self, j: int, language: str | None = None) -> list[str]:
        """d root/d node j as the lecture writes it: one `local × upstream` term per edge out of j.

        Local derivatives are written with ∂ (∂f/∂e: f's own formula, e's
        other uses held fixed), so that they differ from the total d root/d node.
        """
        r = self.root_name
        term = _("∂{user}/∂{node} (local) × d{root}/d{user} (upstream)", language)
        return [term.format(user=self.names[u], node=self.names[j], root=r) for u, _k, _local in self.users[j]]

    def expected(self, quantity: str, i: int) -> float:
        """The right answer for node `i`: its gradient or its value."""
        return self.grads[i] if quantity == "grad" else self.data[i]

    def hint(self, quantity: str, i: int, given: float | None, language: str | None = None) -> str:
        """What to compute for node i's value or gradient, and, for a known slip, what `given` looks like."""
        name, r = self.names[i], self.root_name
        if quantity == "data":
            if not self.order[i].parents:
                return _("{name} is an input: its value is given ({value})", language).format(
                    name=name, value=_FMT(self.data[i])
                )
            return _("{name} = {formula}: apply the operation to the values of its inputs", language).format(
                name=name, formula=self.formula(i)
            )
        if i == len(self.order) - 1:
            return _("the seed of the backward pass: d{r}/d{r} = 1", language).format(r=r)
        terms = self.gradient_terms(i, language)
        if not terms:
            return _("{r} does not depend on {name}: d{r}/d{name} = 0", language).format(r=r, name=name)
        text = f"d{r}/d{name} = " + " + ".join(terms)
        slip = None if given is None else self._slip(i, given, language)
        return f"{text}; {slip}" if slip else text

    def _slip(self, j: int, given: float, language: str | None = None) -> str | None:
        """A known mistake `given` matches, in words, or None."""
        r, name = self.root_name, self.names[j]
        expected = self.grads[j]
        shares = [local * self.grads[u] for u, _k, local in self.users[j]]
        if len(shares) > 1 and any(_near(given, share) for share in shares):
            users = sorted({self.names[u] for u, _k, _local in self.users[j]})
            return _(
                "that is one edge's share; {name} is used by {users}: add the shares of all its edges (+=)", language
            ).format(name=name, users=_(" and ", language).join(users))
        for u, _k, local in self.users[j]:
            if _near(given, local) and not _near(local, expected):
                return _(
                    "that is the local derivative ∂{user}/∂{name} alone; multiply it by the upstream gradient "
                    "d{r}/d{user}",
                    language,
                ).format(user=self.names[u], name=name, r=r)
            if _near(given, self.grads[u]) and not _near(self.grads[u], expected):
                return _(
                    "that is the upstream gradient d{r}/d{user} alone; multiply it by the local derivative "
                    "∂{user}/∂{name}",
                    language,
                ).format(user=self.names[u], name=name, r=r)
        if expected != 0 and _near(given, -expected):
            return _("the sign is wrong", language)
        if expected != 0 and _near(given, 2 * expected):
            return _("that is twice the gradient: was a path counted twice?", language)
        return None


def _near(a: float, b: float, tolerance: float = DEFAULT_TOLERANCE) -> bool:
    return abs(a - b) <= max(tolerance * abs(b), _ABSOLUTE)


def read_number(answer) -> float | None:
    """A student's answer as a float: a number, or text such as '294', ' -0.5 ', '2,5' (decimal comma); else None."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, numbers.Real):
        number = float(answer)
    elif isinstance(answer, str):
        text = answer.strip().replace("−", "-").replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class Verdict:
    """The verdict on one number: `status` is "right", "close", "wrong", "unreadable" or "missing"."""

    name: str
    quantity: str  # "grad" (d root / d node) or "data" (the node's value)
    status: str
    given: object
    expected: float
    message: str
    language: str = "en"  # of `message`, and of the status as __str__ writes it

    @property
    def right(self) -> bool:
        return self.status == "right"

    def __str__(self) -> str:
        return f"{_(STATUS[self.status], self.language).upper():10} {self.what}: {self.message}"

    @property
    def what(self) -> str:
        return self.name if self.quantity == "data" else f"grad {self.name}"


_COLOURS = {"right": "#2b8a3e", "close": "#e67700", "wrong": "#c92a2a", "unreadable": "#c92a2a", "missing": "#868e96"}


class Verdicts(tuple):
    """The verdicts of `check_answers`, one per node, with the score; a table in Jupyter, lines in a terminal."""

    tolerance: float
    language: str

    def __new__(cls, verdicts, tolerance: float, language: str = "en"):
        self = super().__new__(cls, verdicts)
        self.tolerance = tolerance
        self.language = language
        return self

    @property
    def score(self) -> tuple[int, int]:
        """(right answers, numbers asked)."""
        return sum(v.right for v in self), len(self)

    def __getitem__(self, key):
        if isinstance(key, str):
            for verdict in self:
                if verdict.name == key:
                    return verdict
            raise KeyError(f"no verdict for {key!r}; the nodes are {[v.name for v in self]}")
        return super().__getitem__(key)

    def summary(self) -> str:
        """One line: how many answers are right, and the tolerance."""
        right, asked = self.score
        return _("{right} of {asked} right (tolerance {tolerance} % relative)", self.language).format(
            right=right, asked=asked, tolerance=f"{self.tolerance * 100:g}"
        )

    def __repr__(self) -> str:
        return "\n".join([self.summary(), *(str(v) for v in self)])

    def _repr_html_(self) -> str:
        rows = []
        for v in self:
            colour = _COLOURS[v.status]
            given = "" if v.given is None else html.escape(str(v.given))
            rows.append(
                f"<tr><td><b>{html.escape(v.what)}</b></td><td>{given}</td>"
                f'<td style="color:{colour};font-weight:bold">{html.escape(_(STATUS[v.status], self.language))}</td>'
                f"<td>{html.escape(v.message)}</td></tr>"
            )
        head = "".join(
            f"<th>{html.escape(_(text, self.language))}</th>"
            for text in (N_("number"), N_("answer"), N_("verdict"), N_("why"))
        )
        head = f"<tr>{head}</tr>"
        return f"<p>{html.escape(self.summary())}</p><table>{head}{''.join(rows)}</table>"


def verdict(
    facts: GraphFacts,
    quantity: str,
    i: int,
    answer,
    tolerance: float,
    expected: float | None = None,
    language: str | None = None,
):
    """The verdict on `answer` for node i's value or gradient (`expected` overrides the graph's number)."""
    language = resolve(language, "verdict")
    name = facts.names[i]
    expected = facts.expected(quantity, i) if expected is None else expected

    def judged(status: str, given, message: str) -> Verdict:
        return Verdict(name, quantity, status, given, expected, message, language)

    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return judged("missing", None, _("no answer yet", language))
    given = read_number(answer)
    if given is None:
        return judged("unreadable", answer, _("{answer} is not a number", language).format(answer=repr(answer)))
    slack = max(tolerance * abs(expected), _ABSOLUTE)
    error = abs(given - expected)
    if error <= slack:
        return judged("right", answer, _("right: {value}", language).format(value=_FMT(expected)))
    if error <= CLOSE_FACTOR * slack:
        message = _("close, but not within {tolerance} %: rounded too early? {hint}", language)
        hint = facts.hint(quantity, i, None, language)
        return judged("close", answer, message.format(tolerance=f"{tolerance * 100:g}", hint=hint))
    return judged("wrong", answer, _("wrong: {hint}", language).format(hint=facts.hint(quantity, i, given, language)))


def check_tolerance(tolerance, who: str) -> float:
    if isinstance(tolerance, bool) or not isinstance(tolerance, numbers.Real) or not 0 <= tolerance < 1:
        raise ValueError(
            f"{who}: tolerance must be a relative tolerance from 0 to below 1 (e.g. 0.005), not {tolerance!r}"
        )
    return float(tolerance)


def check_answers(
    root: Value, answers, *, tolerance: float = DEFAULT_TOLERANCE, quantity: str = "grad", language: str | None = None
) -> Verdicts:
    """Check a student's numbers on the graph of `root`: one `Verdict` per node, in topological order.

    `answers` maps node names (labels; unlabelled nodes are v0, v1 ... as
    in the pictures) to numbers or text ("294", "2,5"). `quantity="grad"`
    checks d root/d node (the backward pass), `"data"` the forward values.
    An answer is right within `tolerance` relative (0.5 % by default; near
    zero within 1e-9), "close" within ten times that (it says so, with the
    hint), else wrong with a hint naming the local derivative and the
    upstream gradient to multiply; nodes without an answer are "missing".
    The graph's `.grad` are not used or changed: the expected numbers are
    replayed from the recorded local derivatives. Messages are in `language`
    ("de" or "en"; None: the language in force, see `autograd.language`).
    """
    who = "check_answers"
    language = resolve(language, who)
    facts = GraphFacts(root, who)
    tolerance = check_tolerance(tolerance, who)
    if quantity not in QUANTITIES:
        raise ValueError(f"{who}: quantity must be 'grad' (gradients) or 'data' (forward values), not {quantity!r}")
    if not hasattr(answers, "items"):
        raise TypeError(f"{who}: answers must be a dict {{node name: number}}, not {type(answers).__name__}")
    unknown = [key for key in answers if key not in facts.position]
    if unknown:
        raise ValueError(f"{who}: answers name {unknown!r}, not nodes of the graph; its nodes are {facts.names}")
    return Verdicts(
        [
            verdict(facts, quantity, i, answers.get(name), tolerance, None, language)
            for i, name in enumerate(facts.names)
        ],
        tolerance,
        language,
    )
