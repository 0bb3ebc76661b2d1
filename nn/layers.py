"""Neurons, layers and multi-layer perceptrons made of `Value`s (section 4-5 of the lecture notes).

A neuron computes z = sum_i w_i x_i + b (one `dot` node) and then h(z).
A layer is many neurons on the same inputs; an MLP is layers in a row:

    >>> from nn import MLP
    >>> model = MLP(2, [16, 16, 1], rng=0)       # ReLU hidden layers, linear output
    >>> len(model.parameters())
    337
    >>> y = model([0.5, -1.0])                  # one output neuron: a single Value

Every module can list its parameters with readable names, zero their
gradients, and save or load its weights as JSON.
"""

from __future__ import annotations

import json
import math
import numbers
import reprlib
import warnings

from autograd import Value, dot
from autograd.core import checks
from autograd.core.files import read_regular, write_atomically
from autograd.core.operations import dots
from nn import torch_bridge
from nn.activations import (
    ACTIVATIONS,
    PRELU_ALPHA,
    activation_name,
    checked_activation,
    get_activation,
    readable_name,
    softmax,
)
from nn.data import make_rng

__all__ = ["Module", "Neuron", "Layer", "MLP", "INIT_SCHEMES", "initial_weights", "xor_step_network"]

FILE_FORMAT = "backprop-lab nn weights"
FILE_VERSION = 2
MAX_FILE_BYTES = 100_000_000
"""The largest weights file `load()` reads (100 MB, some two million parameters); `save()` refuses to write more."""

INIT_SCHEMES = ("uniform", "normal", "xavier", "he")
"""Weight initialisations: U(-1, 1) as micrograd; N(0, sigma^2) as the slides (sigma = 0.1);
Xavier/Glorot uniform U(-a, a) with a = sqrt(6 / (fan_in + fan_out)); He normal N(0, 2 / fan_in).
Biases start at 0 in every scheme."""


# ---- helpers ----------------------------------------------------------------------


MAX_PARAMETERS = 1_000_000
"""The most parameters a Neuron, Layer or MLP may have. Each is a Value of some 150 bytes, and a
forward and backward pass costs about a microsecond per parameter and sample, so a million already
takes seconds per sample; larger models are refused before anything is built (instead of running
out of memory after a minute)."""


def _check_size(n, name: str, who: str) -> int:
    """A layer size: a whole number >= 1 (the model's size is checked by _check_count); one of more
    than 15 digits is refused here, where the message can show it by its digits."""
    n = checks.whole(n, name, who, low=1)
    if n >= 10**15:
        raise ValueError(
            f"{who}: {name} is a number of {len(str(n)):,} digits, past the limit of {MAX_PARAMETERS:,} "
            "parameters (nn.layers.MAX_PARAMETERS) for this scalar engine, where every parameter is a Python object"
        )
    return n


def _check_count(count: int, who: str, shape: str) -> None:
    """Refuse a model of more than MAX_PARAMETERS parameters before building it."""
    if count > MAX_PARAMETERS:
        raise ValueError(
            f"{who}: {shape} would have {count:,} parameters, more than the limit of {MAX_PARAMETERS:,} "
            "(nn.layers.MAX_PARAMETERS) for this scalar engine, where every parameter is a Python object"
        )


def _check_init(init, sigma, who: str) -> float:
    """The initialisation scheme (one of INIT_SCHEMES) and sigma, the standard deviation of "normal"."""
    checks.choice(init, "init", who, INIT_SCHEMES)
    return checks.number(sigma, "sigma", who, low=0.0)


def initial_weights(init: str, fan_in: int, fan_out: int, rng=None, sigma: float = 0.1) -> list[float]:
    """`fan_in` starting weights for one neuron drawn by the scheme `init` (see INIT_SCHEMES).

    `fan_out` matters for "xavier" only; `rng`: None, an int seed or a `random.Random`;
    `sigma` is the standard deviation of "normal".

        >>> len(initial_weights("xavier", 3, 2, rng=0)), max(map(abs, initial_weights("xavier", 3, 2, rng=0))) <= 1.1
        (3, True)
    """
    sigma = _check_init(init, sigma, "initial_weights")
    fan_in = _check_size(fan_in, "fan_in", "initial_weights")
    fan_out = _check_size(fan_out, "fan_out", "initial_weights")
    _check_count(fan_in, "initial_weights", f"a neuron of fan_in={fan_in}")
    rng = make_rng(rng, "initial_weights")
    if init == "uniform":
        return [rng.uniform(-1.0, 1.0) for _ in range(fan_in)]
    if init == "normal":
        return [rng.gauss(0.0, sigma) for _ in range(fan_in)]
    if init == "xavier":
        a = math.sqrt(6.0 / (fan_in + fan_out))
        return [rng.uniform(-a, a) for _ in range(fan_in)]
    if init == "he":
        return [rng.gauss(0.0, math.sqrt(2.0 / fan_in)) for _ in range(fan_in)]
    raise ValueError(f"unknown init {init!r}; valid schemes: {', '.join(INIT_SCHEMES)}")


def _as_inputs(x, nin: int, who: str) -> list:
    """The input of a model as a list of numbers or Values, with its length checked."""
    if isinstance(x, (Value, numbers.Real)) and not isinstance(x, bool):
        x = [x]  # a lone number is fine for a model with one input
    elif hasattr(x, "tolist"):  # a NumPy array: plain floats are faster
        x = x.tolist()
        if not isinstance(x, list):
            x = [x]
    elif not isinstance(x, list):
        x = checks.ordered(x, "the input x (a sequence of numbers or Values)", who, empty=True)
    if len(x) != nin:
        raise ValueError(f"{who}: expected {nin} inputs, got {len(x)} in x")
    return x


def _refuse_bad_inputs(x: list, who: str) -> None:
    """After a forward pass failed: a clear error naming `who` and the input that is no number
    (bytes, an array, None, an int too large for a float); nothing when every input is fine."""
    for k, v in enumerate(x):
        if not isinstance(v, Value):
            if not checks.is_number(v):
                raise TypeError(f"{who}: x[{k}] must be a number or a Value, not {checks.shown(v)}")
            checks.number(v, f"x[{k}]", who, finite=False)


def _resolve_nonlin(activation, nonlin, who: str):
    """The activation meant by `activation` and micrograd's `nonlin` (True: ReLU, False: linear).

    `activation=None` means ReLU unless nonlin says otherwise; a bool in the
    `activation` place is micrograd's positional form `Neuron(nin, False)`.
    """
    if activation is not None and not isinstance(activation, (str, bool)) and not callable(activation):
        checked_activation(activation, "activation", who)  # an array or a number: refused before any ==
    if isinstance(activation, bool):
        if nonlin is not None and _as_nonlin(nonlin, who) != activation:
            raise ValueError(
                f"{who}: nonlin={nonlin!r} contradicts activation={activation!r} (a bool there is micrograd's "
                "nonlin); give one of them"
            )
        activation, nonlin = None, activation
    if nonlin is None:
        return "relu" if activation is None else activation
    wanted = "relu" if _as_nonlin(nonlin, who) else "linear"
    if activation is None or activation == wanted or activation is ACTIVATIONS[wanted]:
        return wanted
    raise ValueError(
        f"{who}: nonlin={nonlin!r} means activation={wanted!r}, but activation={readable_name(activation)!r} "
        "was given; give one of them (nonlin is micrograd's switch: True for ReLU, False for linear)"
    )


def _as_nonlin(nonlin, who: str) -> bool:
    if isinstance(nonlin, bool) or (isinstance(nonlin, numbers.Integral) and nonlin in (0, 1)):
        return bool(nonlin)
    raise TypeError(f"{who}: nonlin must be True (ReLU) or False (linear), as in micrograd; got {checks.shown(nonlin)}")


def _checked(fn):
    """Wrap a user's activation so that returning something other than a Value is a clear error."""

    def activation(z):
        out = fn(z)
        if not isinstance(out, Value):
            raise TypeError(f"activation {activation_name(fn)!r} must return a Value, returned {type(out).__name__}")
        return out

    activation.__name__ = activation_name(fn)
    return activation


# ---- Module -------------------------------------------------------------------------


class Module:
    """Base of everything with parameters: naming, zeroing, saving and loading them."""

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(name, parameter) pairs in a fixed order, e.g. ('layers.0.neurons.1.w.0', Value)."""
        return []

    def parameters(self) -> list[Value]:
        """Every trainable `Value`, in the order of `named_parameters()`."""
        return [p for _, p in self.named_parameters()]

    def num_parameters(self) -> int:
        """How many trainable numbers the model has."""
        return len(self.parameters())  # a micrograd-style subclass may define parameters() only

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (do it before each backward pass)."""
        for p in self.parameters():
            p.grad = 0.0

    def sizes(self) -> list[int] | None:
        """Layer sizes, input first (e.g. [2, 16, 16, 1]); saved with the weights to explain mismatches."""
        return None

    def structure(self) -> dict:
        """What decides the model's function besides the weights, as {name: value} in a fixed order:
        the sizes and every activation (each layer's and each neuron's; softmax outputs).

        `save()` writes it beside the weights and `load()` refuses a file whose structure differs,
        naming the first difference. The initialisation is not part of it (loading replaces it);
        a PReLU's learnable slope shows as the parameter `alpha`. A user's own activation function
        is known by its name only.
        """
        return {}

    # ---- weights as a dict --------------------------------------------------

    def state_dict(self) -> dict[str, float]:
        """The weights as {name: number}: a copy, changing it changes nothing."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state) -> None:
        """Set the weights from {name: number}. Everything is checked first: on any error
        (missing or extra names, values that are not finite numbers) nothing changes."""
        if not isinstance(state, dict):
            raise TypeError(f"load_state_dict: expected a dict of name -> number, got {type(state).__name__}")
        params = self.named_parameters()
        names = [name for name, _ in params]
        missing = [n for n in names if n not in state]
        known = set(names)
        extra = [k for k in state if k not in known]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"{len(missing)} missing ({_some(missing)})")
            if extra:
                parts.append(f"{len(extra)} unexpected ({_some(extra)})")
            raise ValueError(
                f"load_state_dict: the weights do not fit this {type(self).__name__} "
                f"({len(names)} parameters): {'; '.join(parts)}"
            )
        for name in names:
            v = state[name]
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise ValueError(f"load_state_dict: {name!r} must be a number, got {_short(v)}")
            try:
                finite = math.isfinite(v)
            except OverflowError:  # an int too large for a float
                finite = False
            if not finite:
                raise ValueError(f"load_state_dict: {name!r} must be a finite number, got {_short(v)}")
        for name, p in params:
            p.data = float(state[name])

    # ---- weights in a file ----------------------------------------------------

    def save(self, path) -> None:
        """Write the weights, with the model's `structure()`, to a JSON file. The file is written
        to a hidden temporary name beside it and then renamed, so `path` is either the old file or
        the complete new one, never half, and a failed save removes the temporary file. An existing
        file keeps its permissions; a new one gets those the user's umask gives any new file."""
        path = checks.path(path, "path", "save")
        state = self.state_dict()
        for name, v in state.items():
            if not math.isfinite(v):
                raise ValueError(f"save: parameter {name!r} is {v!r}; only finite weights can be saved")
        content = {
            "format": FILE_FORMAT,
            "version": FILE_VERSION,
            "model": type(self).__name__,
            "built_as": repr(self),
            "sizes": self.sizes(),
            "structure": self.structure(),
            "parameters": state,
        }
        data = (json.dumps(content, indent=1, allow_nan=False) + "\n").encode("utf-8")
        if len(data) > MAX_FILE_BYTES:
            raise ValueError(
                f"save: {len(state):,} parameters make a file of {len(data):,} bytes, more than "
                f"load() reads ({MAX_FILE_BYTES:,} bytes); save the state_dict() some other way"
            )
        write_atomically(path, data, "save")

    def load(self, path):
        """Read weights written by `save()`; on any error the model is unchanged. Returns self.

        Before reading, `path` must be a regular file (not a directory, a FIFO or a device)
        of at most `MAX_FILE_BYTES` (100 MB). Before parsing, it may hold no more JSON values
        than a file for this model has. It must be JSON with the format's name and version
        (2, or 1 from before the structure was recorded), no key twice, only finite numbers as
        weights, and the model's `structure()`: a file saved from a model built differently
        (other sizes or activations) is refused, naming the first difference. A version-1 file
        records the sizes only: it loads with a warning that the activations were not checked.
        """
        path = checks.path(path, "path", "load")
        raw = read_regular(path, "load", MAX_FILE_BYTES, limit_words="100 MB")
        mine = self.structure()
        _refuse_too_many_values(raw, path, self, mine)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"load: {path} is not a text (JSON) file") from None
        del raw
        try:
            content = json.loads(
                text, parse_constant=_reject_constant, parse_int=_parse_int, object_pairs_hook=_no_duplicate_keys
            )
        except json.JSONDecodeError as e:
            raise ValueError(f"load: {path} is not valid JSON (truncated or corrupt?): {e}") from None
        except RecursionError:
            raise ValueError(f"load: {path} is JSON nested too deeply to be a weights file") from None
        except ValueError as e:  # from the hooks: NaN or Infinity, a huge integer, a key twice
            raise ValueError(f"load: {path}: {e}") from None
        del text
        if not isinstance(content, dict) or content.get("format") != FILE_FORMAT or "parameters" not in content:
            raise ValueError(f"load: {path} is not a weights file written by Module.save()")
        version = content.get("version")
        if "version" not in content:
            raise ValueError(f'load: {path} has no "version"; files written by save() have "version": {FILE_VERSION}')
        if type(version) is not int or version not in READ_VERSIONS:
            raise ValueError(
                f"load: {path} is a weights file of version {_short(version)}; this nn reads versions "
                f"{' and '.join(map(str, READ_VERSIONS))} (a file written by another version of backprop-lab?)"
            )
        model = content.get("model")
        model = model if isinstance(model, str) and model.isidentifier() and len(model) < 80 else "model"
        sizes = content.get("sizes")
        if sizes is not None and self.sizes() is not None and sizes != self.sizes():
            raise ValueError(
                f"load: {path} holds {_a(model)} with sizes {_short(sizes)}, "
                f"but this {type(self).__name__} has sizes {self.sizes()}"
            )
        if version >= 2:
            _compare_structure(content, mine, path, model, self)
        try:
            self.load_state_dict(content["parameters"])
        except (TypeError, ValueError) as e:
            raise type(e)(f"load: {path}: {e}") from None
        if version == 1 and mine:
            warnings.warn(
                f"load: {path} was written by an older backprop-lab (weights file version 1), which did not "
                f"record the activations: the weights were loaded into {self!r} without checking that it was "
                "saved from a model with the same activations; save it again to record them",
                UserWarning,
                stacklevel=2,
            )
        return self


READ_VERSIONS = (1, 2)
"""The weights file versions `load()` reads: 2 records the structure, 1 only the sizes."""


def _refuse_too_many_values(raw: bytes, path: str, module: Module, structure: dict) -> None:
    """Refuse, before parsing, a file with more JSON values than a weights file for `module` can hold.

    Parsing builds one Python object per value: 99 MB of `[[],[],...]` would take gigabytes.
    A file for this model has one entry per parameter and per structure fact, and a handful of
    lists and objects; commas and brackets inside strings only make the count larger.
    """
    containers = raw.count(b"[") + raw.count(b"{")
    allowed_containers = 16 + sum(isinstance(v, list) for v in structure.values())
    entries = raw.count(b",")
    allowed_entries = 2 * (module.num_parameters() + len(structure)) + 256
    if containers > allowed_containers or entries > allowed_entries:
        what = (
            f"{containers:,} JSON lists and objects" if containers > allowed_containers else f"{entries:,} JSON values"
        )
        raise ValueError(
            f"load: {path} holds {what}, more than a weights file for this {type(module).__name__} "
            f"of {module.num_parameters():,} parameters can: not a file save() wrote for it (refused before parsing)"
        )


def _compare_structure(content: dict, mine: dict, path: str, model: str, module: Module) -> None:
    """Refuse a file whose recorded structure differs from the model's, naming the first difference."""
    theirs = content.get("structure")
    if not isinstance(theirs, dict):
        raise ValueError(f'load: {path} has no "structure" (a dict), which files of version 2 record')
    built = content.get("built_as")
    hint = f"; the file's model was built as {_short(built)}" if isinstance(built, str) else ""
    for key, value in mine.items():
        if key not in theirs:
            raise ValueError(
                f"load: {path} does not record {key!r}, which this {type(module).__name__} has ({_short(value)}){hint}"
            )
        if _canonical(theirs[key]) != _canonical(value):
            raise ValueError(
                f"load: {path} was saved from {_a(model)} whose {key} is {_short(theirs[key])}, but this "
                f"{type(module).__name__} has {key} {_short(value)}: its outputs would be different numbers{hint}"
            )
    for key in theirs:
        if key not in mine:
            raise ValueError(
                f"load: {path} records {_short(key)} = {_short(theirs[key])}, which this {type(module).__name__} "
                f"does not have{hint}"
            )


def _a(name: str) -> str:
    """'a Neuron', 'an MLP'."""
    return f"{'an' if name[:1] in 'AEIOU' or name.startswith('MLP') else 'a'} {name}"


def _canonical(value) -> str:
    """JSON text of a fact, so that true and 1, or 2 and 2.0, stay different."""
    return json.dumps(value, sort_keys=True)


def _activation_fact(activation) -> str:
    """An activation as the structure records it: a table name, or "function <name>" for a user's own."""
    if isinstance(activation, str):
        return activation
    for name, fn in ACTIVATIONS.items():
        if fn is activation:
            return name
    return f"function {readable_name(activation)}"


def _some(names: list[str], n: int = 4) -> str:
    shown = ", ".join(_short(x) for x in names[:n])
    return shown + (", ..." if len(names) > n else "")


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 200  # parameter names whole, megabytes not
_REPR.maxlong = 60


def _short(value) -> str:
    """repr(value), cut short: a hostile file's keys and values can be megabytes long."""
    return _REPR.repr(value)


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a valid weight (only finite numbers are)")


def _parse_int(text: str) -> int:
    """A JSON integer; one of more than 400 digits is past any float (and past 4300 Python refuses to read it)."""
    if len(text) > 400:
        raise ValueError(f"an integer of {len(text):,} digits is not a valid weight (only finite numbers are)")
    return int(text)


def _no_duplicate_keys(pairs: list) -> dict:
    """A JSON object as a dict, refusing a key given twice (json.loads would keep the last silently)."""
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {_short(key)} appears twice")
        result[key] = value
    return result


# ---- Neuron, Layer, MLP --------------------------------------------------------------


class Neuron(Module):
    """z = sum_i w_i x_i + b, then the activation h(z).

    `activation`: a name from `nn.activation_names()` or any function Value -> Value
    (None: ReLU). "prelu" gives the neuron a learnable slope `alpha` (a parameter, starting at 0.25).
    `nonlin`: micrograd's switch instead of `activation`, True for ReLU, False for linear.
    `init`: one of INIT_SCHEMES; `rng`: None, an int seed or a `random.Random`.
    """

    def __init__(self, nin, activation=None, init="uniform", rng=None, *, nonlin=None, sigma=0.1, fan_out=1):
        self.nin = _check_size(nin, "nin", "Neuron")
        _check_count(self.nin + 1, "Neuron", f"Neuron({self.nin})")
        sigma = _check_init(init, sigma, "Neuron")
        fan_out = _check_size(fan_out, "fan_out", "Neuron")
        activation = _resolve_nonlin(activation, nonlin, "Neuron")
        checked_activation(activation, "activation", "Neuron")
        self._set_activation(activation)
        self.init = init
        rng = make_rng(rng, "Neuron")
        self.w = [Value(v) for v in initial_weights(init, self.nin, fan_out, rng, sigma)]
        self.b = Value(0.0)
        self.alpha = Value(PRELU_ALPHA) if self.activation == "prelu" else None
        for name, p in self.named_parameters():
            p.label = name

    def _set_activation(self, activation) -> None:
        fn = get_activation(activation)
        if not isinstance(activation, str):  # a function of the table means its name (prelu's alpha included)
            activation = next((name for name, f in ACTIVATIONS.items() if f is activation), activation)
        self.activation = activation
        self._act = fn if isinstance(activation, str) else _checked(fn)

    @property
    def nonlin(self) -> bool:
        """micrograd's flag: False for a linear neuron, True otherwise (ReLU by default).

        Setting it makes the neuron ReLU (True) or linear (False), as in micrograd;
        a prelu neuron's alpha is then no longer a parameter.
        """
        return not (self.activation == "linear" or self.activation is ACTIVATIONS["linear"])

    @nonlin.setter
    def nonlin(self, value) -> None:
        self._set_activation("relu" if _as_nonlin(value, "Neuron") else "linear")
        self.alpha = None

    def __call__(self, x) -> Value:
        """The neuron's output for the inputs x (numbers or Values)."""
        if type(x) is not list or len(x) != self.nin:
            x = _as_inputs(x, self.nin, "Neuron")
        try:
            z = dot(self.w, x, self.b)
        except (TypeError, ValueError, OverflowError):
            _refuse_bad_inputs(x, "Neuron")
            raise
        if self.alpha is not None:
            return z.leaky_relu(self.alpha)
        return self._act(z)

    def parameters(self) -> list[Value]:
        """w.0, w.1, ..., b (and alpha), as named_parameters() lists them, without making the names:
        training asks for them at every step."""
        if type(self).named_parameters is not Neuron.named_parameters:  # a subclass that names its own
            return Module.parameters(self)
        params = [*self.w, self.b]
        if self.alpha is not None:
            params.append(self.alpha)
        return params

    def named_parameters(self) -> list[tuple[str, Value]]:
        named = [(f"w.{i}", w) for i, w in enumerate(self.w)]
        named.append(("b", self.b))
        if self.alpha is not None:
            named.append(("alpha", self.alpha))
        return named

    def sizes(self) -> list[int]:
        return [self.nin, 1]

    def structure(self) -> dict:
        return {"activation": _activation_fact(self.activation)}

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={activation_name(self.activation)!r})"


class Layer(Module):
    """`nout` neurons on the same `nin` inputs. Calling it gives a list of Values
    (a single Value when nout == 1). activation="softmax" makes a linear layer whose
    outputs pass through `nn.softmax` (a probability distribution over nout >= 2 classes;
    `outputs_softmax` says whether it does).
    `activation` (None: ReLU) or micrograd's `nonlin=True/False` is passed to every neuron."""

    def __init__(self, nin, nout, activation=None, init="uniform", rng=None, *, nonlin=None, sigma=0.1):
        self.nin = _check_size(nin, "nin", "Layer")
        self.nout = _check_size(nout, "nout", "Layer")
        _check_count(self.nout * (self.nin + 1), "Layer", f"Layer({self.nin}, {self.nout})")
        _check_init(init, sigma, "Layer")
        activation = _resolve_nonlin(activation, nonlin, "Layer")
        self.outputs_softmax = isinstance(activation, str) and activation == "softmax"
        if self.outputs_softmax and self.nout < 2:
            raise ValueError("Layer: a softmax layer needs at least 2 outputs (classes)")
        if not self.outputs_softmax:
            checked_activation(activation, "activation", "Layer")
        self.activation = activation
        rng = make_rng(rng, "Layer")
        neuron_activation = "linear" if self.outputs_softmax else activation
        self.neurons = [
            Neuron(self.nin, neuron_activation, init, rng, sigma=sigma, fan_out=self.nout) for _ in range(self.nout)
        ]
        for name, p in self.named_parameters():
            p.label = name

    @property
    def softmax(self) -> bool:
        """The old name of `outputs_softmax` (a bool, though named like a function)."""
        warnings.warn("Layer.softmax is now Layer.outputs_softmax", DeprecationWarning, stacklevel=2)
        return self.outputs_softmax

    def forward(self, x) -> list[Value]:
        """The outputs of all neurons, always as a list (what the next layer takes)."""
        if type(x) is not list or len(x) != self.nin:
            x = _as_inputs(x, self.nin, "Layer")
        neurons = self.neurons
        try:
            act = neurons[0]._act if neurons and type(neurons[0]) is Neuron else None
            rows = [n.w for n in neurons if type(n) is Neuron and n.alpha is None and n._act is act]
            if len(rows) == len(neurons):
                # the common case: weighted sums made for the whole layer at once (see dots), then the activation
                outs = list(map(act, dots(rows, x, [neuron.b for neuron in neurons])))
            else:  # a subclass, a PReLU neuron or a neuron with an activation of its own computes its own output
                outs = [neuron(x) for neuron in neurons]
        except (TypeError, ValueError, OverflowError):
            _refuse_bad_inputs(x, "Layer")
            raise
        return softmax(outs) if self.outputs_softmax else outs

    def __call__(self, x):
        """A list of Values, or a single Value when the layer has one neuron."""
        outs = self.forward(x)
        return outs[0] if len(outs) == 1 else outs

    def parameters(self) -> list[Value]:
        """Every neuron's parameters in the order of named_parameters(), without making the names."""
        if type(self).named_parameters is not Layer.named_parameters:
            return Module.parameters(self)
        params = []
        for neuron in self.neurons:  # Neuron's own list even where a subclass redefines parameters() only
            params += Neuron.parameters(neuron) if isinstance(neuron, Neuron) else Module.parameters(neuron)
        return params

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"neurons.{j}.{name}", p) for j, neuron in enumerate(self.neurons) for name, p in neuron.named_parameters()
        ]

    def sizes(self) -> list[int]:
        return [self.nin, self.nout]

    def structure(self) -> dict:
        facts = {"activation": _activation_fact(self.activation), "outputs_softmax": self.outputs_softmax}
        for j, neuron in enumerate(self.neurons):
            facts.update({f"neurons.{j}.{key}": value for key, value in neuron.structure().items()})
        return facts

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={activation_name(self.activation)!r})"


class MLP(Module):
    """A multi-layer perceptron: `MLP(2, [16, 16, 1])` has two hidden layers of 16
    neurons and one output neuron.

    `activation` is used in the hidden layers (ReLU by default, as micrograd),
    `output_activation` in the last one (linear by default; "sigmoid" for a
    probability, "softmax" for k classes). Calling the model gives a single
    Value when the last layer has one neuron, else a list of Values.
    `rng` (an int seed or a `random.Random`, as for Neuron and Layer) makes the
    weights reproducible; `seed=` is its deprecated old name.
    """

    def __init__(
        self,
        nin,
        nouts,
        activation="relu",
        output_activation="linear",
        init="uniform",
        rng=None,
        *,
        seed=None,
        sigma=0.1,
    ):
        if seed is not None:
            if rng is not None:
                raise ValueError("MLP: give seed or rng, not both (use rng; seed is its deprecated old name)")
            warnings.warn(
                f"MLP: seed= is deprecated, use rng= (an int seed or a random.Random): MLP(..., rng={seed!r})",
                DeprecationWarning,
                stacklevel=2,
            )
            rng = seed
        self.nin = _check_size(nin, "nin", "MLP")
        if isinstance(nouts, numbers.Integral):
            example = f"[{nouts}]" if 0 < nouts <= MAX_PARAMETERS else "[16, 1]"
            raise TypeError(f"MLP: nouts must be a list of layer sizes such as {example}, not {checks.shown(nouts)}")
        nouts = checks.ordered(nouts, "nouts (the layer sizes)", "MLP", empty=True)
        nouts = [_check_size(n, f"nouts[{i}] (a layer size)", "MLP") for i, n in enumerate(nouts)]
        if not nouts:
            raise ValueError("MLP: nouts must name at least one layer")
        sizes = [self.nin, *nouts]
        _check_count(sum(b * (a + 1) for a, b in zip(sizes, sizes[1:])), "MLP", f"MLP({self.nin}, {nouts})")
        _check_init(init, sigma, "MLP")
        if isinstance(activation, str) and activation == "softmax":
            raise ValueError("MLP: softmax works on a whole output layer; use output_activation='softmax'")
        checked_activation(activation, "activation", "MLP")  # checked even when there is no hidden layer
        if not (isinstance(output_activation, str) and output_activation == "softmax"):
            checked_activation(output_activation, "output_activation", "MLP")
        self.activation, self.output_activation, self.init = activation, output_activation, init
        rng = make_rng(rng, "MLP")
        sizes = [self.nin, *nouts]
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i < last else output_activation, init, rng, sigma=sigma)
            for i in range(len(nouts))
        ]
        for name, p in self.named_parameters():
            p.label = name

    def __call__(self, x):
        """Forward pass for one input x (a sequence of nin numbers or Values)."""
        if type(x) is not list or len(x) != self.nin:
            x = _as_inputs(x, self.nin, "MLP")
        try:
            for layer in self.layers:
                x = layer.forward(x)  # always a list, so a one-neuron hidden layer still chains
        except (TypeError, ValueError, OverflowError):
            _refuse_bad_inputs(x, "MLP")
            raise
        return x[0] if len(x) == 1 else x

    def parameters(self) -> list[Value]:
        """Every layer's parameters in the order of named_parameters(), without making the names."""
        if type(self).named_parameters is not MLP.named_parameters:
            return Module.parameters(self)
        params = []
        for layer in self.layers:
            params += Layer.parameters(layer) if isinstance(layer, Layer) else Module.parameters(layer)
        return params

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"layers.{i}.{name}", p) for i, layer in enumerate(self.layers) for name, p in layer.named_parameters()
        ]

    def sizes(self) -> list[int]:
        return [self.nin] + [layer.nout for layer in self.layers]

    def structure(self) -> dict:
        facts = {
            "activation": _activation_fact(self.activation),
            "output_activation": _activation_fact(self.output_activation),
        }
        for i, layer in enumerate(self.layers):
            facts.update({f"layers.{i}.{key}": value for key, value in layer.structure().items()})
        return facts

    def to_torch(self):
        """The same network as a `torch.nn.Sequential` (float64, same weights and activations); needs torch."""
        return torch_bridge.to_torch(self, MLP)

    @classmethod
    def from_torch(cls, module) -> MLP:
        """Read back a `torch.nn.Sequential` of Linear layers and activations, as `to_torch` makes; needs torch."""
        return torch_bridge.from_torch(module, MLP)

    def __repr__(self) -> str:
        return (
            f"MLP({self.nin}, {self.sizes()[1:]}, activation={activation_name(self.activation)!r}, "
            f"output_activation={activation_name(self.output_activation)!r})"
        )


def xor_step_network() -> MLP:
    """The slides' hand-made 2-2-1 network with step activations that computes XOR
    (section 4 of the lecture notes): W1 = [[1, 1], [1, 1]], b1 = [-1.5, -0.5], W2 = [-1, 1], b2 = -0.5.

    Hidden neuron 0 is AND (fires only for 1, 1), hidden neuron 1 is OR; the
    output fires for "OR but not AND". 9 parameters; built as
    `MLP(2, [2, 1], activation="step", output_activation="step")` + `load_state_dict`.
    """
    model = MLP(2, [2, 1], activation="step", output_activation="step", rng=0)
    model.load_state_dict(
        {
            "layers.0.neurons.0.w.0": 1.0,
            "layers.0.neurons.0.w.1": 1.0,
            "layers.0.neurons.0.b": -1.5,
            "layers.0.neurons.1.w.0": 1.0,
            "layers.0.neurons.1.w.1": 1.0,
            "layers.0.neurons.1.b": -0.5,
            "layers.1.neurons.0.w.0": -1.0,
            "layers.1.neurons.0.w.1": 1.0,
            "layers.1.neurons.0.b": -0.5,
        }
    )
    return model
