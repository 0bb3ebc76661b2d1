"""A probe of the five kinds of bad input issue 22 found unclear messages for (case 10).

Each public function is called with its good arguments, one of them replaced by one bad
value at a time (and, for a list argument, its first element replaced): an int too large
for a float (10**400), NumPy arrays where a string or number belongs, a 0-d array, bytes,
and None. The call must either refuse with a TypeError or ValueError that names the
function and the argument and contains none of Python's or NumPy's own wordings, or be
one of the acceptances a test lists with its reason.
"""

import warnings

import numpy as np

BAD = {
    "10**400": 10**400,
    "array of strings": np.array(["reverse", "forward"]),
    "array of numbers": np.array([1.0, 2.0]),
    "0-d array": np.array(2.0),
    "bytes": b"ab",
    "None": None,
}

PYTHONS_WORDS = (
    "truth value of an array",
    "int too large to convert",
    "iteration over a 0-d array",
    "could not convert",
    "expected str, bytes or os.PathLike",
    "has no len()",
    "not subscriptable",
    "is not iterable",
    "unsupported operand",
    "cannot be interpreted as an integer",
    "unhashable",
    "only length-1 arrays",
    "only 0-dimensional",
    "not supported between",
)


def _calls(make):
    """(argument shown, the call) for every bad value in every argument of make()'s call."""
    _, good = make()
    for param, value in good.items():
        for bad_name, bad in BAD.items():
            yield f"{param}={bad_name}", param, {param: bad}
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], (int, float)):
            for bad_name, bad in BAD.items():
                yield f"{param}[0]={bad_name}", param, {param: [bad, *list(value)[1:]]}


def probe(make, who: str, names=None, accepted=()) -> list[str]:
    """What is wrong with the answers of make()'s function to bad input: a list of sentences, empty when all is well.

    `make()` returns (function, good keyword arguments), fresh each time; `who` is the name the
    messages must start with; `names` maps an argument to the word its messages use for it
    (default: the argument's own name); `accepted` lists the 'param=bad' cases that may succeed.
    """
    names = names or {}
    problems = []
    for shown, param, change in _calls(make):
        function, args = make()
        args.update(change)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                function(**args)
            except Exception as e:  # noqa: BLE001 - every exception is judged below
                message = str(e)
                word = names.get(param, param)
                if not isinstance(e, (TypeError, ValueError)):
                    problems.append(f"{shown}: {type(e).__name__} (not TypeError/ValueError): {message[:150]}")
                elif not message.startswith(f"{who}:"):
                    problems.append(f"{shown}: does not start with '{who}:': {message[:150]}")
                elif word not in message:
                    problems.append(f"{shown}: does not name {word!r}: {message[:150]}")
                elif any(words in message for words in PYTHONS_WORDS) or len(message) > 400:
                    problems.append(f"{shown}: Python's words or too long: {message[:150]}")
                continue
        if shown not in accepted:
            problems.append(f"{shown}: accepted without a word")
    return problems
