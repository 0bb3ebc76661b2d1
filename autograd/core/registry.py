"""What an operation is to the engine: one `Operation` record, and the table of all of them by name.

A record holds everything any part of the engine knows of an operation:
its name (what `node.op` says), its value on floats and on NumPy arrays,
its local derivatives written once in the arithmetic `m` of
`autograd.core.numerics` (so the same expression serves floats for
`backward()`, Values for `grad(create_graph=True)` and arrays for `trace`),
the inputs it refuses, and how pictures write it. The built-in operations
are in `autograd.core.operations`; `operation(...)` defines a new one:

    >>> import math
    >>> from autograd import Value, operation
    >>> atan = operation("atan_doc", math.atan, lambda x, out, m: 1 / (1 + x * x), formulas="1 / (1 + {0}²)")
    >>> y = atan(Value(1.0))
    >>> y.backward()
    >>> round(y.data, 4), y.op, y.parents[0].grad
    (0.7854, 'atan_doc', 0.5)
    >>> formula_text(atan.formula((None,), 0), ["x"], "y")
    '1 / (1 + x²)'
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from autograd.core import checks
from autograd.core.numerics import FLOATS, NUMPY, VALUES
from autograd.core.value import Value, as_number, described, new_node, no_float_of_values

__all__ = [
    "Operation",
    "formula_text",
    "Refusal",
    "Activation",
    "operation",
    "lookup",
    "known",
    "local_derivatives",
    "REGISTRY",
]


@dataclass(frozen=True)
class Refusal:
    """An input an operation has no real answer for: `error` is raised where `condition(*operands, m)` holds.

    `message` names the operands as {0}, {1}, ...: `"log({0}) is undefined; log needs a positive number"`.
    The condition is written in `m` too, so one line serves a float and a whole batch.
    """

    error: type
    condition: Callable
    message: str

    def __post_init__(self):
        if not (isinstance(self.error, type) and issubclass(self.error, Exception)):
            raise TypeError(f"Refusal: error must be an exception class (ValueError ...), not {self.error!r}")
        if not callable(self.condition):
            raise TypeError(f"Refusal: condition must be a function (*operands, m) -> bool, not {self.condition!r}")
        if not isinstance(self.message, str):
            raise TypeError(f"Refusal: message must be a text naming the operands as {{0}}, not {self.message!r}")


@dataclass(frozen=True)
class Activation:
    """What the course and its tools need of an operation used as a neuron's activation h(z).

    An operation with one is an activation everywhere at once: `nn.ACTIVATIONS` (a neuron's
    activation by name), `draw_network` (the operation after a `dot` is its layer's activation),
    `MLP.to_torch`/`from_torch` and the activations demo read these fields, so they agree.

    * `span`: the z range the activations demo plots; `range`: the range of h, as the lecture
      notes' table writes it (with the default arguments: ELU's alpha = 1);
    * `order`: its row in that table (section 6), the order of `nn.ACTIVATIONS`, of the demo's
      panels and of the names in messages; None: after the table's, in the order of registration;
    * `torch`: the class name of its PyTorch module, in `torch.nn` or one of `nn.torch_bridge`'s
      own (`Sin`, `Cos`, `Step`); None when there is none;
    * `torch_args`: the keyword arguments that module is built with, as (name, value) pairs; a module
      read back (`from_torch`) must have the same values, unless `torch_accepts(module)` says otherwise;
    * `torch_shown`: how messages write the module (default: `torch`); `torch_note`: what the
      engine's form is, said when a module with other arguments is refused ("has alpha = 1").
    """

    span: tuple = (-4.0, 4.0)
    range: str = ""
    order: int | None = None
    torch: str | None = None
    torch_args: tuple = ()
    torch_accepts: Callable | None = None
    torch_shown: str | None = None
    torch_note: str = ""


@dataclass(eq=False)
class Operation:
    """One operation, defined once. Calling it on Values (and numbers) makes a node.

    * `name`: what nodes record (`node.op`);
    * `value(*operands)`: the result for floats (operands in written order);
    * `derivatives`: one function per operand, `d(*operands, out, m)`, the local derivative
      d(out)/d(operand) written in the arithmetic `m`, or the number itself where it is a constant
      (the 1.0 and -1.0 of x - y); None for an operand that is only ever a constant, such as
      hardtanh's bounds; or, for an operation of any number of operands
      (`sum`, `dot`), one function `slopes(operands, out, m, varying)` giving the slopes of the
      varying operands;
    * `numpy(*arrays)`: the result for a batch (default: `value` one sample at a time);
    * `refusals`: the inputs it refuses (`Refusal`), checked before computing;
    * `overflow`: the message when a result is too large for a float, an OverflowError
      (`"exp({0}) is too large for a float"`); None: it overflows to inf, as `+` and `*` do;
    * `traceable`: False for an operation `trace` cannot compile (`pow_inf`, see its docstring);
    * `symbol`: written between its operands in pictures (`+`), else as `name(...)`;
      `reflected`: the constant comes first (`2 - x` is `rsub`);
    * `identity`: the constant c with x op c == x (the compiler skips such steps);
    * `method`: the `Value` method that applies it (`"tanh"`), if any;
    * `fast`: a hand-written float path for speed; `tests/autograd/core/test_operations.py` proves it
      equal to `value` and `derivatives` to a few units in the last place;
    * `apply`: how `replay` applies it to a node's operands (default: the operation itself);
    * `activation`: what the course needs when it is a neuron's activation (`Activation`);
    * `formulas`: each local derivative as the lecture writes it, one text per operand (None: no short
      formula, pictures show the number only), in mathematical notation with `{0}`, `{1}`, ... for the
      operands and `{out}` for the result: `("{1}", "{0}")` for x · y, `("1 − {out}²",)` for tanh;
      an entry may be a function of the operands' constants (None for a Value operand) giving such a
      text (x ** n: `2 · {0}` for n = 2); for an operation of any number of operands, one function
      of the constants giving one text per operand. See `formula_text`.
    """

    name: str
    value: Callable
    derivatives: Callable | tuple
    numpy: Callable | None = None
    refusals: tuple = ()
    overflow: str | None = None
    traceable: bool = True
    symbol: str | None = None
    reflected: bool = False
    identity: float | None = None
    method: str | tuple | None = None
    fast: Callable | None = None
    apply: Callable | None = None
    activation: Activation | None = None
    formulas: tuple | Callable | None = None
    arity: int | None = field(default=None)  # the number of operands; None: any (sum, dot)
    user: bool = False  # defined with operation(): what it computes is checked at each call

    def __post_init__(self):
        if not callable(self.derivatives):
            # a constant derivative may be written as the number itself (the 1 and -1 of x - y)
            self.derivatives = tuple(float(d) if _constant(d) else d for d in self.derivatives)
            if self.arity is None:
                self.arity = len(self.derivatives)  # one derivative per operand
        _check_formulas(self.name, self.formulas, self.arity)

    def formula(self, constants: tuple, k: int) -> str | None:
        """The template of the local derivative d(out)/d(operand k) (see `formulas`), or None where there is none.

        `constants`: the operands in written order, each a float where it is a constant, None where a Value.
        """
        formulas = self.formulas
        if formulas is None:
            return None
        if callable(formulas):
            texts = formulas(*constants)
            return texts[k] if k < len(texts) else None
        entry = formulas[k] if k < len(formulas) else None
        return entry(*constants) if callable(entry) else entry

    # ---- the derivatives, for each kind of number ------------------------------------

    def slopes(self, operands, out, m, varying) -> tuple:
        """The local derivatives of the varying operands, in order, evaluated in `m`."""
        if callable(self.derivatives):
            return tuple(self.derivatives(operands, out, m, varying))
        rules = self.derivatives
        if len(operands) == 1:
            rule = rules[0]
            return (rule if type(rule) is float else rule(operands[0], out, m),)
        return tuple([rules[k] if type(rules[k]) is float else rules[k](*operands, out, m)
                      for k, v in enumerate(varying) if v])  # fmt: skip

    def numpy_step(self, varying):
        """`step(args) -> (result, slopes)` for a batch, one slope per operand (0.0 for a constant one), for
        these `varying` operands: the compiler makes it once per instruction, so each batch pays for no more
        than the value and the slopes."""
        if self.user:  # an error from inside the user's own code names the operation
            step = self._numpy_step(varying)
            return lambda args: _users(self, "value or derivatives (on arrays)", lambda: step(args), args)
        return self._numpy_step(varying)

    def _numpy_step(self, varying):
        value = self.numpy if self.numpy is not None else _vectorized(self.value)
        rules = self.derivatives
        if len(varying) == 1:  # the usual case, without the loop
            rule = rules[0]
            if type(rule) is float:
                return lambda args: (value(args[0]), (rule,))

            def step(args):
                x = args[0]
                out = value(x)
                return out, (rule(x, out, NUMPY),)

            return step
        chosen = [(k, rules[k]) for k, v in enumerate(varying) if v and type(rules[k]) is not float]
        constant = [rules[k] if v and type(rules[k]) is float else 0.0 for k, v in enumerate(varying)]

        def step(args):
            out = value(*args)
            slopes = constant.copy()
            for k, rule in chosen:
                slopes[k] = rule(*args, out, NUMPY)
            return out, slopes

        return step

    def numpy_refusal(self, args, shape):
        """(error class, mask, message) for the first refusal that holds for some sample, or None.

        Checked before the value is computed: a value of one sample at a time (a user's operation
        without `numpy=`) would raise Python's own error first."""
        for refusal in self.refusals:
            mask = np.broadcast_to(refusal.condition(*args, NUMPY), shape)
            if mask.any():
                return refusal.error, mask, refusal.message
        return None

    def numpy_overflow(self, args, out):
        """(OverflowError, mask, message) where a finite input gave an infinite result, or None."""
        if self.overflow is not None:
            mask = np.isinf(out)
            for a in args:  # a result too large from finite operands; inf from inf is no overflow
                mask = mask & np.isfinite(a)
            if mask.any():
                return OverflowError, mask, self.overflow
        return None

    # ---- applying it to Values ------------------------------------------------------

    def __call__(self, *operands) -> Value:
        """The node of this operation on `operands` (Values and numbers, in written order)."""
        if self.arity is not None and len(operands) != self.arity:
            raise TypeError(
                f"{self.name}: takes {self.arity} operand{'s' if self.arity != 1 else ''}, got {len(operands)}"
            )
        parents = [a for a in operands if isinstance(a, Value)]
        first = parents[0] if parents else None
        xs = [a._data if isinstance(a, Value) else as_number(a, self.name, first) for a in operands]
        varying = [isinstance(a, Value) for a in operands]
        self.check(xs, operands)
        try:
            out = self.value(*xs) if not self.user else _users(self, "value", lambda: self.value(*xs), operands)
        except OverflowError:
            if self.overflow is None:
                raise
            raise OverflowError(f"{self.name}: " + self.overflow.format(*map(_shown, operands))) from None
        if self.user and not _is_number(out):
            raise TypeError(f"{self.name}: value{tuple(xs)!r} gave {checks.shown(out)}; it must give one number")
        out = float(out)
        if first is None:
            return Value(out)
        if self.user:
            slopes = _users(self, "derivatives", lambda: self.slopes(xs, out, FLOATS, varying), operands)
        else:
            slopes = self.slopes(xs, out, FLOATS, varying)
        if self.user and not all(map(_is_number, slopes)):
            positions = [k for k, v in enumerate(varying) if v]
            k, slope = next((k, s) for k, s in zip(positions, slopes) if not _is_number(s))
            raise TypeError(
                f"{self.name}: derivatives[{k}] at {tuple(xs)!r} gave {checks.shown(slope)}; it must give one number"
            )
        if len(parents) == len(operands):
            const = None
        elif self.reflected or all(varying[: len(parents)]):  # the constants after the parents
            constants = tuple(x for x, v in zip(xs, varying) if not v)
            const = constants[0] if len(constants) == 1 else constants
        else:  # where each operand stands: None for a parent (see Value.operands)
            const = tuple(None if v else x for x, v in zip(xs, varying))
        if len(parents) == 1:
            return new_node(out, self.name, first, float(slopes[0]), const)
        return new_node(out, self.name, tuple(parents), tuple(map(float, slopes)), const)

    def check(self, xs, operands) -> None:
        """Raise the first refusal that holds for the floats `xs` (the operands' numbers)."""
        for refusal in self.refusals:
            if refusal.condition(*xs, FLOATS):
                raise refusal.error(f"{self.name}: " + refusal.message.format(*map(_shown, operands)))

    def __repr__(self) -> str:
        return f"<operation {self.name!r}>"


def _check_formulas(name: str, formulas, arity: int | None) -> None:
    """`formulas` is None, a function, or a tuple of one text (or function, or None) per operand."""
    if formulas is None or callable(formulas):
        return
    if isinstance(formulas, str) or not isinstance(formulas, tuple) or (arity is not None and len(formulas) != arity):
        count = f"{arity} " if arity is not None else ""
        raise TypeError(
            f"operation {name!r}: formulas must be a tuple of {count}texts like '2 · {{0}}' (one per operand), "
            f"not {checks.shown(formulas)}"
        )
    for k, entry in enumerate(formulas):
        if not (entry is None or callable(entry) or isinstance(entry, str)):
            raise TypeError(
                f"operation {name!r}: formulas[{k}] must be a text like '2 · {{0}}', not {checks.shown(entry)}"
            )
        if isinstance(entry, str):
            _placeholders(entry, name, k, arity)


_PLACEHOLDER = re.compile(r"\{(\d+|out)\}")
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _placeholders(template: str, name: str, k: int, arity: int | None) -> None:
    """A template names only {0} ... {arity - 1} and {out}, and has no other braces."""
    rest = _PLACEHOLDER.sub("", template)
    numbers = [int(p) for p in _PLACEHOLDER.findall(template) if p != "out"]
    if "{" in rest or "}" in rest or (arity is not None and any(p >= arity for p in numbers)):
        allowed = ", ".join([f"{{{j}}}" for j in range(arity or 0)] + ["{out}"])
        raise ValueError(f"operation {name!r}: formulas[{k}] {template!r} may name only {allowed}")


def formula_text(template: str, operands, out: str) -> str:
    """A local derivative's template (see `Operation.formulas`) with the operands' texts and the result's put in.

    `operands` and `out` are names (`i`) or numbers written as text (`21`): `formula_text("2 · {0}", ["i"], "f")`
    is `2 · i`. A negative number or a text with spaces is put in brackets where it stands next to an operator
    (`1 − (−0.5)²`); `^k` for a whole number k becomes a superscript, `^1` goes: `x^2` is `x²`.
    """
    texts = {str(j): _minus(text) for j, text in enumerate(operands)} | {"out": _minus(out)}

    def put(match):
        text = texts[match.group(1)]
        alone = match.start() == 0 and match.end() == len(template)
        enclosed = template[match.start() - 1 : match.start()] == "(" and template[match.end() : match.end() + 1] == ")"
        needs = text.startswith("−") or " " in text.strip()
        return f"({text})" if needs and not (alone or enclosed) else text

    text = _PLACEHOLDER.sub(put, template)
    text = re.sub(r"\^1(?![\d.])", "", text)
    text = re.sub(r"\^([-−]?\d{1,3})(?![\d.])", lambda m: m.group(1).replace("−", "-").translate(_SUPERSCRIPT), text)
    return re.sub(r"\^[-−]([\d.e+]+)", r"^(−\1)", text)


def _minus(text: str) -> str:
    """A number's minus sign as mathematics writes it (−, not the hyphen)."""
    return "−" + text[1:] if text.startswith("-") else text


def _constant(d) -> bool:
    """A derivative written as a number (an int or float, not a bool)."""
    return isinstance(d, (int, float)) and not isinstance(d, bool)


def _users(record: Operation, what: str, compute, operands):
    """compute() for a user's operation: an error from inside the user's own code names the operation."""
    try:
        return compute()
    except (TypeError, ValueError, ArithmeticError) as e:
        if str(e).startswith(f"{record.name}: "):  # already ours
            raise
        shown = ", ".join(_shown(a) if not isinstance(a, np.ndarray) else f"array{a.shape}" for a in operands)
        hint = ""
        if what == "derivatives":
            hint = "; write derivatives d(x, out, m) with + - * / and m's functions (m.exp, m.where(c, yes, no) ...)"
        raise type(e)(f"{record.name}: its {what} at ({shown}) raised {type(e).__name__}: {e}{hint}") from None


def _is_number(x) -> bool:
    return type(x) is float or (not isinstance(x, bool) and isinstance(x, (int, float, np.floating, np.integer)))


def _shown(a) -> str:
    return described(a) if isinstance(a, Value) else repr(float(a))


def _vectorized(value):
    return np.vectorize(value, otypes=[float])


REGISTRY: dict[str, Operation] = {}
"""Every operation by the name its nodes record."""


def lookup(name: str) -> Operation:
    """The record of the operation `name`; a KeyError naming the known ones otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"no operation {name!r}; known operations: {', '.join(sorted(REGISTRY))}") from None


def known(name: str) -> bool:
    return name in REGISTRY


def local_derivatives(node: Value) -> tuple:
    """The local derivatives of `node` as Values (or floats where they are constants), one per parent.

    What `grad(..., create_graph=True)` multiplies along each edge: the record's derivatives
    evaluated on the node's operands and the node itself, so their graphs lead back to the inputs.
    """
    operands = node.operands
    varying = tuple(isinstance(a, Value) for a in operands)
    record = REGISTRY[node.op]
    if not record.user:
        return record.slopes(operands, node, VALUES, varying)
    with no_float_of_values(record.name):  # math.exp(x) would quietly make a constant of x here
        return _users(record, "derivatives", lambda: record.slopes(operands, node, VALUES, varying), operands)


def register(record: Operation) -> Operation:
    """Add a built-in operation to the table, and its method to Value."""
    REGISTRY[record.name] = record
    names = record.method if isinstance(record.method, tuple) else (record.method,)
    for name in names:
        if name is not None:
            setattr(Value, name, _as_method(record, name) if record.fast is None else _named(record, name))
    return record


def _named(record: Operation, name: str):
    """The record's fast path as Value's method: named so (`help(Value.tanh)`, tracebacks)."""
    fast = record.fast
    if not fast.__qualname__.startswith("Value."):  # named once (__add__ is __radd__ too)
        fast.__name__, fast.__qualname__, fast.__module__ = name, f"Value.{name}", Value.__module__
        fast.__doc__ = fast.__doc__ or f"The operation {record.name!r} (its record: autograd.core.operations)."
    return fast


def _as_method(record: Operation, name: str):
    """The Value method that applies `record`: for an operation of one operand, `record.__call__`
    unrolled (a few times faster: activations run once per neuron); else the call itself."""
    if record.arity != 1 or record.user:

        def method(self, *constants):
            return record(self, *constants)

    else:
        op, value, rule, refusals = record.name, record.value, record.derivatives[0], record.refusals
        overflow = record.overflow

        def method(self):
            x = self._data
            for refusal in refusals:
                if refusal.condition(x, FLOATS):
                    raise refusal.error(f"{op}: " + refusal.message.format(described(self)))
            try:
                out = value(x)
            except OverflowError:
                if overflow is None:
                    raise
                raise OverflowError(f"{op}: " + overflow.format(described(self))) from None
            return new_node(out, op, self, rule if type(rule) is float else rule(x, out, FLOATS))

    method.__name__, method.__qualname__, method.__module__ = name, f"Value.{name}", Value.__module__  # pickle finds it
    method.__doc__ = f"The operation {record.name!r}: {record.value.__doc__ or 'see autograd.core.operations'}"
    return method


def operation(
    name, value, derivatives, *, numpy=None, refusals=(), method=False, check_at=None, formulas=None
) -> Operation:
    """Define your own operation once: its value and its local derivatives. Returns it, ready to call.

    `value(*operands)` computes the result on floats; `derivatives` is one function
    `d(*operands, out, m)` per operand (a single function for an operation of one operand),
    written with `+ - * /` and the functions of `m` (`m.exp`, `m.log`, `m.where`, ...), so the same
    expression works on floats, on Values (derivatives of derivatives) and on NumPy arrays (`trace`).
    `numpy` computes the result on arrays (default: `value` one sample at a time); `refusals` are
    `Refusal`s of inputs with no answer; `method=True` also makes it a method of Value (`x.atan()`).
    `check_at`: operand tuples at which the derivatives are compared with central differences
    (`gradcheck`) right away; a derivative that disagrees is a GradcheckError naming the operation.
    `formulas` (optional): each local derivative as the lecture writes it, one text per operand with
    `{0}`, `{1}` ... for the operands and `{out}` for the result (`"1 / (1 + {0}²)"` for atan);
    the lecture's frames and the chain-rule demo write `dy/dx = 1 / (1 + x²) = 1 / (1 + 1²) = 0.5`
    with it; without it they show the number only.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"operation: name must be a name like 'atan' (letters, digits, _), not {checks.shown(name)}")
    if name in REGISTRY and name not in _USERS:
        raise ValueError(f"operation: {name!r} is one of the engine's operations; choose another name")
    if method and hasattr(Value, name) and name not in _USERS:
        raise ValueError(f"operation: Value already has an attribute {name!r}; choose another name")
    if not isinstance(method, bool):
        raise TypeError(f"operation {name!r}: method must be True or False (a method named {name!r}), not {method!r}")
    if not callable(value):
        raise TypeError(f"operation: value must be a function of the operands' floats, not {checks.shown(value)}")
    rules = (derivatives,) if callable(derivatives) else derivatives
    if not isinstance(rules, tuple) or not rules:
        raise TypeError(
            f"operation {name!r}: derivatives must be a function d(x, out, m), or a tuple of one per operand, "
            f"not {checks.shown(derivatives)}"
        )
    least, most = _arity(value, name)
    if least is not None and not least <= len(rules) <= most:
        takes = f"{least} operand{'s' if least != 1 else ''}" if least == most else f"{least} to {most} operands"
        raise ValueError(
            f"operation {name!r}: value takes {takes} but {len(rules)} "
            f"derivative{'s were' if len(rules) != 1 else ' was'} given; give one per operand"
        )
    called_as = f"d({', '.join(f'x{k}' for k in range(len(rules)))}, out, m)" if len(rules) > 1 else "d(x, out, m)"
    for k, rule in enumerate(rules):
        if not callable(rule):
            raise TypeError(f"operation {name!r}: derivatives[{k}] must be a function {called_as}, not {rule!r}")
        takes, most = _arity(rule, name)
        if takes is not None and not takes <= len(rules) + 2 <= most:
            raise TypeError(
                f"operation {name!r}: derivatives[{k}] takes {takes} argument{'s' if takes != 1 else ''}; "
                f"it is called as {called_as}"
            )
    if numpy is not None and not callable(numpy):
        raise TypeError(f"operation {name!r}: numpy must be a function of arrays, not {checks.shown(numpy)}")
    if isinstance(refusals, Refusal) or not isinstance(refusals, (list, tuple)):
        raise TypeError(f"operation {name!r}: refusals must be a list of Refusal(...), not {checks.shown(refusals)}")
    for k, refusal in enumerate(refusals):
        if not isinstance(refusal, Refusal):
            raise TypeError(f"operation {name!r}: refusals[{k}] must be a Refusal, not {checks.shown(refusal)}")
        try:
            refusal.message.format(*(f"x{j}" for j in range(len(rules))))
        except (IndexError, KeyError, ValueError):
            raise ValueError(
                f"operation {name!r}: refusals[{k}]'s message {refusal.message!r} may name only the operands "
                f"{', '.join('{' + str(j) + '}' for j in range(len(rules)))}"
            ) from None
    if isinstance(formulas, str) and len(rules) == 1:  # one operand: the text alone will do
        formulas = (formulas,)
    if isinstance(formulas, list):
        formulas = tuple(formulas)
    if formulas is not None and (
        not isinstance(formulas, tuple) or not all(isinstance(f, str | None) for f in formulas)
    ):
        raise TypeError(
            f"operation {name!r}: formulas must be a text like '1 / (1 + {{0}}²)' per operand (None: no formula), "
            f"not {checks.shown(formulas)}"
        )
    record = Operation(
        name, value, rules, numpy=numpy, refusals=tuple(refusals), arity=len(rules), user=True, formulas=formulas
    )
    if check_at is not None:
        _check_against_differences(record, _points(check_at, len(rules), name))
    if method:
        record.method = name
    elif name in _USERS and name in Value.__dict__:  # defined again without its method: the old one goes
        delattr(Value, name)
    _USERS.add(name)  # defining it again (a notebook cell run twice) replaces it; nodes made before keep theirs
    return register(record)


def _points(check_at, arity: int, name: str) -> list:
    """check_at as a list of operand tuples of `arity` floats each; a clear error for anything else."""
    if isinstance(check_at, (str, bytes)) or not isinstance(check_at, (list, tuple)) or not check_at:
        raise TypeError(
            f"operation {name!r}: check_at must be a non-empty list of points (numbers, or tuples of {arity} "
            f"numbers), not {checks.shown(check_at)}"
        )
    points = []
    for k, point in enumerate(check_at):
        point = point if isinstance(point, tuple) else (point,)
        if len(point) != arity or not all(checks.is_number(p) for p in point):
            raise TypeError(
                f"operation {name!r}: check_at[{k}] is {checks.shown(check_at[k])}; a point is "
                f"{'a number' if arity == 1 else f'a tuple of {arity} numbers'}"
            )
        points.append(tuple(float(p) for p in point))
    return points


_USERS: set = set()  # the names of operations defined with operation(): they may be defined again


def _arity(value, name: str) -> tuple:
    """(least, most) positional arguments `value` takes; (None, None) where that cannot be told."""
    try:
        parameters = inspect.signature(value).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature (math.atan has one)
        return None, None
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters):
        return None, None
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return sum(p.default is p.empty for p in positional), len(positional)


def _check_against_differences(record: Operation, points: list) -> None:
    from autograd.transforms.gradcheck import GradcheckError, gradcheck

    for point in points:
        try:
            gradcheck(lambda *v: record(*v), [Value(p) for p in point])
        except GradcheckError as e:
            raise GradcheckError(
                f"operation {record.name!r}: its derivatives disagree with central differences at {point}: {e}"
            ) from None
        except (ArithmeticError, ValueError) as e:
            raise type(e)(f"operation {record.name!r}: check_at point {point} cannot be checked: {e}") from None
