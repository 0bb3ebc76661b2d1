"""Scenario files: the whole state of a playground as JSON, read as hostile input.

A scenario holds the settings (data set, network, training), the controls a
teacher hides (TensorFlow Playground's classroom option), points added by
clicking, and optionally where training stands (`state`: the epoch, the
weights, the shuffling generator and the loss curves), so a saved playground
goes on exactly where it stopped.

Reading checks, in this order: the file is a regular file of at most
MAX_SCENARIO_BYTES (before a byte is read), UTF-8, JSON without duplicate
keys or NaN, nested no deeper than the schema; then every field against the
schema (`FIELDS`): its type, its range or its choices. An unknown field is
refused, so a typo is never silently ignored. Nothing in a scenario is
executed or imported: it is data, every value a number, a string from a
fixed list, or a list of those.

    >>> scenario = check_scenario({"format": FORMAT, "version": 1, "dataset": "spiral", "hidden": [8, 8]})
    >>> scenario["dataset"], scenario["learning_rate"], scenario["hidden"]
    ('spiral', 0.03, [8, 8])
"""

from __future__ import annotations

import json

from autograd.core import checks, files
from autograd.language import Domain
from nn.playground.datasets import DATASETS, EXTENT

_ = Domain("nn").gettext  # messages in the language in force (the playground sets its own while it reads)
N_ = Domain.mark

__all__ = [
    "FORMAT",
    "VERSION",
    "FIELDS",
    "CONTROLS",
    "ACTIVATIONS",
    "MAX_SCENARIO_BYTES",
    "check_scenario",
    "default_scenario",
    "load_scenario",
    "loads_scenario",
    "dumps_scenario",
    "save_scenario",
]

FORMAT = "backprop-lab playground scenario"
VERSION = 1
MAX_SCENARIO_BYTES = 1_000_000
"""The largest scenario file read (1 MB; a full one with 2000 curve points and 1000 added points is about 150 kB)."""

MAX_LAYERS, MAX_NEURONS = 4, 8
MAX_ADDED = 1000
MAX_HISTORY = 2000
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear", "leaky_relu", "elu", "gelu", "softplus", "sin")
"""The hidden-layer activations offered (names of nn.ACTIVATIONS)."""

# name -> (kind, details, default). Kinds: "int" (low, high), "number" (low, high), "choice" (options),
# "bool", "text" (longest), "layers", "points", "controls", "state", "const" (the one accepted value).
FIELDS = {
    "format": ("const", FORMAT, FORMAT),
    "version": ("const", VERSION, VERSION),
    "title": ("text", 200, ""),
    "notes": ("text", 5000, ""),
    "dataset": ("choice", tuple(DATASETS), "xor"),
    "classes": ("int", (2, 3), 2),
    "points": ("int", (10, 1000), 200),
    "noise": ("int", (0, 50), 0),
    "train_percent": ("int", (10, 90), 50),
    "seed": ("int", (0, 2**32 - 1), 1),
    "added": ("points", None, []),
    "hidden": ("layers", None, [4, 2]),
    "activation": ("choice", ACTIVATIONS, "tanh"),
    "learning_rate": ("number", (1e-6, 10.0), 0.03),
    "batch_size": ("int", (1, 1000), 10),
    "l2": ("number", (0.0, 10.0), 0.0),
    "epochs_per_frame": ("int", (1, 100), 1),
    "show_test": ("bool", None, False),
    "discretize": ("bool", None, False),
    "hidden_controls": ("controls", None, []),
    "state": ("state", None, None),
}
"""The schema: every field a scenario may have; all but format and version may be left out (defaults)."""

SETTINGS = [name for name in FIELDS if name not in ("format", "version", "title", "notes", "state")]
"""The fields a playground's controls change."""

CONTROLS = (
    *[name for name in SETTINGS if name not in ("added", "hidden_controls")],
    "play", "step", "reset", "add_points", "regenerate", "save", "load",
)  # fmt: skip
"""What `hidden_controls` may hide: the settings' controls and the buttons."""

_STATE_FIELDS = ("epoch", "weights", "shuffle_state", "history")
_MT_WORDS = 625  # random.Random's state: 624 words of the Mersenne Twister and the position in them


def default_scenario() -> dict:
    """A scenario of all defaults (a new dict each time)."""
    return check_scenario({"format": FORMAT, "version": VERSION})


def check_scenario(data, who: str = "check_scenario") -> dict:
    """The scenario `data` (a dict as read from JSON) checked against FIELDS; a new dict with every field,
    defaults filled in. Errors are TypeError (wrong type) or ValueError (out of range, unknown field),
    naming the field."""
    if not isinstance(data, dict):
        raise TypeError(_("{who}: a scenario is a JSON object {{...}} of fields, not {kind}").format(
            who=who, kind=_kind(data)))  # fmt: skip
    unknown = [key for key in data if key not in FIELDS]
    if unknown:
        raise ValueError(_("{who}: unknown field {field}; a scenario has the fields {fields}").format(
            who=who, field=_short(unknown[0]), fields=", ".join(FIELDS)))  # fmt: skip
    for required in ("format", "version"):
        if required not in data:
            raise ValueError(_("{who}: field {field} is missing; a scenario starts with {start}").format(
                who=who, field=repr(required), start=f'"format": "{FORMAT}", "version": {VERSION}'))  # fmt: skip
    checked = {}
    for name, (kind, details, default) in FIELDS.items():
        field = _("field {name}").format(name=repr(name))
        checked[name] = _field(kind, details, data[name], field, who) if name in data else _copy(default)
    if checked["classes"] < 3:
        for i, point in enumerate(checked["added"]):
            if point[2] >= checked["classes"]:
                raise ValueError(
                    _("{who}: field 'added'[{i}] has class {cls}, but the scenario has {count} classes (0..{last})")
                    .format(who=who, i=i, cls=point[2], count=checked["classes"], last=checked["classes"] - 1)
                )  # fmt: skip
    return checked


def _copy(default):
    return list(default) if isinstance(default, list) else default


_KINDS = {dict: N_("an object"), list: N_("a list"), str: N_("a string"), bool: N_("true/false"), type(None): "null"}
_NUMBER = N_("a number")


def _kind(value) -> str:
    return _(_KINDS.get(type(value), _NUMBER))


def _short(value) -> str:
    """A field name as written ('exec'), anything else with its type (str 'abc', list [1, 2])."""
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57]) + "..."
    return checks.shown(value, limit=60)


def _field(kind, details, value, name, who):
    if kind == "const":
        if type(value) is not type(details) or value != details:
            text = _("{who}: {name} must be {value}, not {given}")
            raise ValueError(text.format(who=who, name=name, value=json.dumps(details), given=_short(value)))
        return value
    if kind == "int":
        return checks.whole(value, name, who, low=details[0], high=details[1])
    if kind == "number":
        return checks.number(value, name, who, low=details[0], high=details[1])
    if kind == "choice":
        return checks.choice(value, name, who, details)
    if kind == "bool":
        if not isinstance(value, bool):
            text = _("{who}: {name} must be true or false, not {kind} {given}")
            raise TypeError(text.format(who=who, name=name, kind=_kind(value), given=_short(value)))
        return value
    if kind == "text":
        if not isinstance(value, str):
            raise TypeError(
                _("{who}: {name} must be a string, not {kind}").format(who=who, name=name, kind=_kind(value))
            )
        if len(value) > details:
            text = _("{who}: {name} has {count} characters, more than the {limit} allowed")
            raise ValueError(text.format(who=who, name=name, count=f"{len(value):,}", limit=details))
        return value
    if kind == "layers":
        return _layers(value, name, who)
    if kind == "points":
        return _points(value, name, who)
    if kind == "controls":
        return _controls(value, name, who)
    return None if value is None else _state(value, name, who)


def _list(value, name, who, longest: int) -> list:
    if not isinstance(value, list):
        raise TypeError(
            _("{who}: {name} must be a list [...], not {kind}").format(who=who, name=name, kind=_kind(value))
        )
    if len(value) > longest:
        text = _("{who}: {name} has {count} entries, more than the {limit} allowed")
        raise ValueError(text.format(who=who, name=name, count=f"{len(value):,}", limit=f"{longest:,}"))
    return value


def _layers(value, name, who) -> list[int]:
    sizes = _list(value, name, who, MAX_LAYERS)
    return [
        checks.whole(n, f"{name}[{i}] (neurons in a layer)", who, low=1, high=MAX_NEURONS) for i, n in enumerate(sizes)
    ]


def _points(value, name, who) -> list[list]:
    checked = []
    for i, point in enumerate(_list(value, name, who, MAX_ADDED)):
        where = f"{name}[{i}]"
        if not isinstance(point, list) or len(point) != 3:
            text = _("{who}: {name} must be a point [x, y, class], not {given}")
            raise TypeError(text.format(who=who, name=where, given=_short(point)))
        x = checks.number(point[0], f"{where} x", who, low=-EXTENT, high=EXTENT)
        y = checks.number(point[1], f"{where} y", who, low=-EXTENT, high=EXTENT)
        checked.append([x, y, checks.whole(point[2], f"{where} class", who, low=0, high=2)])
    return checked


def _controls(value, name, who) -> list[str]:
    names = [checks.choice(c, f"{name}[{i}]", who, CONTROLS) for i, c in enumerate(_list(value, name, who, 100))]
    if len(set(names)) != len(names):
        raise ValueError(_("{who}: {name} names a control twice").format(who=who, name=name))
    return names


def _state(value, name, who) -> dict:
    if not isinstance(value, dict):
        text = _("{who}: {name} must be an object with {fields}, or null")
        raise TypeError(text.format(who=who, name=name, fields=", ".join(_STATE_FIELDS)))
    unknown = [key for key in value if key not in _STATE_FIELDS]
    missing = [key for key in _STATE_FIELDS if key not in value]
    if unknown or missing:
        if unknown:
            problem = _("unknown field {field}").format(field=_short(unknown[0]))
        else:
            problem = _("field {field} is missing").format(field=repr(missing[0]))
        text = _("{who}: {name}: {problem}; it has the fields {fields}")
        raise ValueError(text.format(who=who, name=name, problem=problem, fields=", ".join(_STATE_FIELDS)))
    epoch = checks.whole(value["epoch"], f"{name}.epoch", who, high=10**9)
    weights = value["weights"]
    if not isinstance(weights, dict) or len(weights) > 1000:
        text = _("{who}: {name}.weights must be an object of at most 1000 {{name: number}} entries")
        raise TypeError(text.format(who=who, name=name))
    for key, w in weights.items():
        checks.number(w, f"{name}.weights[{_short(key)}]", who)
    words = _list(value["shuffle_state"], f"{name}.shuffle_state", who, _MT_WORDS)
    if len(words) != _MT_WORDS:
        text = _("{who}: {name}.shuffle_state must have {count} whole numbers, not {given}")
        raise ValueError(text.format(who=who, name=name, count=_MT_WORDS, given=len(words)))
    for i, word in enumerate(words):
        checks.whole(word, f"{name}.shuffle_state[{i}]", who, high=2**32 - 1 if i < _MT_WORDS - 1 else 624)
    history = []
    for i, row in enumerate(_list(value["history"], f"{name}.history", who, MAX_HISTORY)):
        if not isinstance(row, list) or len(row) != 3:
            text = _("{who}: {name}.history[{i}] must be [epoch, training loss, test loss]")
            raise TypeError(text.format(who=who, name=name, i=i))
        history.append(
            [checks.whole(row[0], f"{name}.history[{i}] epoch", who, high=epoch)]
            + [checks.number(x, f"{name}.history[{i}] loss", who, low=0.0) for x in row[1:]]
        )
    return {"epoch": epoch, "weights": dict(weights), "shuffle_state": list(words), "history": history}


# ---- text and files ------------------------------------------------------------------------------------


def _refuse_constant(text: str):
    raise ValueError(_("{text} is not a number JSON allows").format(text=text))


def _no_duplicates(pairs: list) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(_("the field {field} appears twice").format(field=repr(key)))
        result[key] = value
    return result


def loads_scenario(text, who: str = "loads_scenario") -> dict:
    """A scenario from JSON text (str or UTF-8 bytes of at most MAX_SCENARIO_BYTES), checked (see the module)."""
    if isinstance(text, str):
        if len(text) > MAX_SCENARIO_BYTES:
            raise ValueError(_("{who}: the scenario has {count} characters, more than {limit}").format(
                who=who, count=f"{len(text):,}", limit=f"{MAX_SCENARIO_BYTES:,}"))  # fmt: skip
        raw = text
    elif isinstance(text, (bytes, bytearray)):
        if len(text) > MAX_SCENARIO_BYTES:
            raise ValueError(_("{who}: the scenario has {count} bytes, more than {limit}").format(
                who=who, count=f"{len(text):,}", limit=f"{MAX_SCENARIO_BYTES:,}"))  # fmt: skip
        try:
            raw = bytes(text).decode("utf-8")
        except UnicodeDecodeError as e:
            raise ValueError(
                _("{who}: the scenario is not UTF-8 text (byte {byte})").format(who=who, byte=e.start)
            ) from None
    else:
        raise TypeError(f"{who}: text must be a str or bytes of JSON, not {checks.shown(text)}")
    try:
        data = json.loads(raw, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)
    except json.JSONDecodeError as e:
        text = _("{who}: the scenario is not valid JSON: {error} at line {line}, column {column}")
        raise ValueError(text.format(who=who, error=e.msg, line=e.lineno, column=e.colno)) from None
    except ValueError as e:  # a duplicate field, NaN, Infinity, an integer of too many digits
        raise ValueError(_("{who}: the scenario is not accepted JSON: {error}").format(who=who, error=e)) from None
    except RecursionError:
        raise ValueError(_("{who}: the scenario is nested too deeply to be a scenario").format(who=who)) from None
    return check_scenario(data, who)


def load_scenario(path) -> dict:
    """Read and check the scenario file `path` (see the module)."""
    raw = files.read_regular(path, "load_scenario", MAX_SCENARIO_BYTES)
    return loads_scenario(raw, f"load_scenario {path}")


def dumps_scenario(scenario) -> str:
    """The scenario as JSON text (checked first: what is written can be read back)."""
    scenario = check_scenario(scenario, "dumps_scenario")
    return json.dumps(scenario, indent=1, allow_nan=False) + "\n"


def save_scenario(scenario, path):
    """Write the scenario to `path` as JSON (all at once: the file is the old one or the complete new one)."""
    text = dumps_scenario(scenario)
    if len(text.encode("utf-8")) > MAX_SCENARIO_BYTES:
        raise ValueError(f"save_scenario: the scenario would have more than {MAX_SCENARIO_BYTES:,} bytes")
    return files.write_atomically(path, text, "save_scenario")
