"""The seam between the compiler and the engine's operations: each operation's NumPy form over a batch.

The rest of the compiler asks this module these questions and nothing else:

* `has_form(op)`: can an element-wise instruction run `op`? (`dot` and `sum`
  have instruction kinds of their own, `Dot` and `Sum` in instructions.py, so
  they have no form here);
* `forward_function(op, varying)`: a function of the operands giving the result and one local
  derivative per operand, made once per instruction;
* `refusal(op, args, shape)` and `overflow(op, args, out)`: the error the float path would
  raise, and for which members (the refused inputs before computing, an overflow after);
* `can_refuse(op)`: whether `refusal` can ever find something (else it is skipped);
* `identity(op)`: the constant c with x op c == x (an instruction that can be skipped);

and `operations()` lists the operations with a form, for an error message.

Every answer comes from the operation's one record (`autograd.core.operations`):
its NumPy value, and its derivatives evaluated on arrays; nothing here is
written per operation.
"""

from __future__ import annotations

from autograd.core.registry import REGISTRY, known, lookup

__all__ = ["has_form", "forward_function", "refusal", "overflow", "can_refuse", "identity", "operations"]

_OWN_INSTRUCTIONS = ("dot", "sum")


def has_form(op: str) -> bool:
    """Whether `op` runs as an element-wise instruction. `dot` and `sum` do not: each has an instruction
    kind of its own (a matrix product, a row sum), so a graph may also hold those two."""
    return known(op) and op not in _OWN_INSTRUCTIONS and lookup(op).traceable


def operations() -> list[str]:
    """The operations that have a form, sorted: what an error about an untraceable operation lists."""
    return sorted(name for name in REGISTRY if has_form(name))


def forward_function(op: str, varying: tuple):
    """The NumPy step of `op` for one instruction, made once when it is compiled: `run(args) -> (result, slopes)`.

    `args` are the operands in written order: arrays for operands from the batch
    or the parameters, arrays of shape (members,) for constants, for which
    `varying[k]` is False and the slope is anything (never used). `slopes` holds one
    local derivative per operand; a plain float (1.0, -1.0 ...) is multiplied as a number.
    """
    return REGISTRY[op].numpy_step(varying)


def can_refuse(op: str) -> bool:
    """Whether the float path can refuse some operand of `op` (a domain error, division by zero, overflow)."""
    record = REGISTRY[op]
    return bool(record.refusals) or record.overflow is not None


def identity(op: str) -> float | None:
    """The constant c with x op c == x for every x (1 for * and /, 0 for + and -), or None."""
    return REGISTRY[op].identity


def refusal(op: str, args: list, shape: tuple):
    """What the float path would refuse among these operands, before anything is computed: None when
    nothing, else (exception class, mask of shape `shape` marking the offending members, message naming
    the operands as {0}, {1} ...). Domain errors and division by zero are refused, not returned as nan."""
    return REGISTRY[op].numpy_refusal(args, shape)


def overflow(op: str, args: list, out):
    """(OverflowError, mask, message) where finite operands gave an infinite result the float path refuses
    (`exp`, `**`), or None."""
    return REGISTRY[op].numpy_overflow(args, out)
