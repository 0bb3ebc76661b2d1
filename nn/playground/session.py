"""The playground's training session: data, model, epochs, heat maps as arrays; no widget, no browser.

A `Session` is TensorFlow Playground's core on this engine. Its data come from a
scenario (nn.playground.scenario) and its training is `nn.train` itself, on the
compiled path: every `step()` runs whole epochs of mini-batch SGD through
`train(..., compiled=True)`, with the same generator shuffling every epoch, so
n steps of the session are one `train(..., epochs=n)` call:

    >>> session = Session(dataset="xor", hidden=[4], seed=3)
    >>> session.step(5)
    >>> session.epoch, len(session.history)
    (5, 5)

The task, as the playground poses it:
- two classes: one output with tanh, targets -1 (class 0) and +1 (class 1), loss "mse";
- three classes: three linear outputs, loss "cross_entropy" (softmax inside);
- L2 adds l2 / 2 * (sum of the squared weights, biases not included) to every batch loss,
  so each step shrinks every weight by lr * l2 * w, as the playground's L2 regularisation does.

Where the randomness comes from, all from the scenario's `seed`: the data
(`numpy.random.default_rng(seed)`: the points, then the train/test split), the
starting weights (`MLP(..., rng=seed)`) and the order of the batches
(`random.Random(seed)`, one generator for all epochs, as `train(rng=...)` uses it).
The shown losses are those of the data (without the L2 term) on all training and
all test points after each epoch.
"""

from __future__ import annotations

import random

import numpy as np

from autograd import Value, trace
from autograd.core import checks
from autograd.language import Domain
from nn.activations import softmax
from nn.layers import MLP
from nn.losses import cross_entropy, l2_penalty, mse
from nn.optim import SGD
from nn.playground.datasets import EXTENT, make_dataset, split
from nn.playground.scenario import MAX_ADDED, MAX_HISTORY, VERSION, check_scenario, default_scenario
from nn.training import train

__all__ = ["Session", "DATA_FIELDS", "NETWORK_FIELDS"]

_ = Domain("nn").gettext  # messages in the language in force (the playground sets its own)

DATA_FIELDS = ("dataset", "classes", "points", "noise", "train_percent", "seed", "added")
"""Changing one of these makes new data (and starts training again)."""
NETWORK_FIELDS = ("hidden", "activation")
"""Changing one of these makes a new network (training starts again on the same data)."""


class Session:
    """A playground's state and its training: `Session(scenario=None, **settings)`.

    `scenario`: a scenario dict (see nn.playground.scenario; checked), None for the defaults;
    keyword settings override its fields (`Session(dataset="spiral", hidden=[8, 8])`).
    """

    def __init__(self, scenario=None, **settings):
        base = default_scenario() if scenario is None else check_scenario(scenario, "Session")
        self.settings = check_scenario({**base, **settings}, "Session")
        self._make_data()
        self._make_model()
        if self.settings["state"] is not None:
            self._restore(self.settings["state"])
        self.settings["state"] = None  # the live state is the session's own; to_scenario() writes it

    # ---- data ------------------------------------------------------------------------------------

    def _make_data(self) -> None:
        s = self.settings
        rng = np.random.default_rng(s["seed"])
        X, y = make_dataset(s["dataset"], s["points"], noise=s["noise"] / 100, classes=s["classes"], rng=rng)
        train_rows, test_rows = split(len(X), s["train_percent"], rng)
        added = np.array(s["added"], dtype=float).reshape(-1, 3)
        self.X_train = np.concatenate([X[train_rows], added[:, :2]])
        self.y_train = np.concatenate([y[train_rows], added[:, 2].astype(int)])
        self.X_test, self.y_test = X[test_rows], y[test_rows]

    @property
    def classes(self) -> int:
        return self.settings["classes"]

    def targets(self, y) -> np.ndarray:
        """What the network learns for classes y: -1 / +1 for two classes, the class index for three."""
        y = np.asarray(y, dtype=int)
        return np.where(y == 1, 1.0, -1.0) if self.classes == 2 else y

    def _target_rows(self, y) -> np.ndarray:
        """The targets as the per-sample loss reads them: a number, or a one-hot row of three."""
        return self.targets(y) if self.classes == 2 else np.eye(self.classes)[np.asarray(y, dtype=int)]

    @property
    def loss_name(self) -> str:
        return "mse" if self.classes == 2 else "cross_entropy"

    def points(self) -> list[list]:
        """Every point as [x, y, class, 0 for training or 1 for test], training points first."""
        rows = [[*x, int(c), 0] for x, c in zip(self.X_train.tolist(), self.y_train.tolist())]
        return rows + [[*x, int(c), 1] for x, c in zip(self.X_test.tolist(), self.y_test.tolist())]

    # ---- model -----------------------------------------------------------------------------------

    def _make_model(self) -> None:
        s = self.settings
        out = 1 if self.classes == 2 else self.classes
        self.model = MLP(
            2, [*s["hidden"], out], activation=s["activation"],
            output_activation="tanh" if self.classes == 2 else "linear", rng=s["seed"],
        )  # fmt: skip
        self.optimizer = SGD(self.model.parameters(), lr=s["learning_rate"])
        self.weights = [p for name, p in self.model.named_parameters() if ".w." in name]
        self.shuffle = random.Random(s["seed"])
        self.epoch = 0
        self.history: list[list] = []  # [epoch, training loss, test loss] per epoch (thinned when long)
        self._trace()

    def _trace(self) -> None:
        """Compile the two functions the playground evaluates on many points: every neuron's output
        (for the heat maps) and the per-sample loss (for the curves)."""
        model, params = self.model, self.model.parameters()
        loss_fn = mse if self.classes == 2 else cross_entropy

        def neurons(x):
            outputs = []
            for layer in model.layers:
                x = layer.forward(x)
                outputs.extend(x)
            if self.classes > 2:  # the output map shows probabilities
                outputs[-self.classes :] = softmax(outputs[-self.classes :])
            return outputs

        def sample_loss(x, t):
            return loss_fn([model(x)], [t])

        self._neurons = trace(neurons, [0.0, 0.0], parameters=params)
        example_target = self._target_rows([0])[0].tolist()
        self._loss = trace(sample_loss, [0.0, 0.0], example_target, parameters=params)
        # A program's first run traces its samples again to check the compiled graph (autograd's guard against
        # Python branches on values); run it once on four points, not on the 2500 of a heat map.
        few = self.grid(2)
        self._neurons.evaluate(self._neurons.read_parameters(), few)
        self._loss.evaluate(self._loss.read_parameters(), few, self._target_rows([0, 0, 0, 0]))

    def penalty(self):
        """The L2 term as `train` takes it (None when l2 is 0)."""
        alpha = self.settings["l2"] / 2
        if not alpha:
            return None
        weights = self.weights
        return lambda model: l2_penalty(weights, alpha)

    # ---- training --------------------------------------------------------------------------------

    def step(self, epochs: int = 1) -> None:
        """Train `epochs` more epochs (the playground's Step button is one): nn.train on the compiled path."""
        epochs = checks.whole(epochs, "epochs", "Session.step", low=1, high=10_000)
        s = self.settings
        train(
            self.model, self.X_train, self.targets(self.y_train), loss=self.loss_name, optimizer=self.optimizer,
            epochs=epochs, batch_size=s["batch_size"], shuffle=True, rng=self.shuffle, metrics=None,
            progress=False, penalty=self.penalty(), on_epoch=self._record, compiled=True,
        )  # fmt: skip

    def _record(self, epoch, history) -> None:
        self.epoch += 1
        train_loss, test_loss = self.losses()
        self.history.append([self.epoch, train_loss, test_loss])
        if len(self.history) > MAX_HISTORY:  # keep the first and every second one after it
            self.history = self.history[:1] + self.history[2::2]

    def losses(self) -> tuple[float, float]:
        """(training loss, test loss) of the current weights: the mean loss over the points, without L2."""
        theta = self._loss.read_parameters()
        return tuple(
            float(self._loss.evaluate(theta, X, self._target_rows(y)).mean())
            for X, y in ((self.X_train, self.y_train), (self.X_test, self.y_test))
        )

    def reset(self) -> None:
        """Back to epoch 0: the starting weights, the first order of batches, no curves (the same data)."""
        self._make_model()

    # ---- changing settings -----------------------------------------------------------------------

    def update(self, **changes) -> list[str]:
        """Change settings (checked as a scenario's fields); returns the names that changed.

        New data or a new network start training again; the learning rate, batch size and L2
        apply from the next step on; the other fields change what is shown.
        """
        if "state" in changes:
            raise ValueError(_("Session.update: the state is the session's own; load a scenario with it instead"))
        if "classes" in changes and "added" not in changes:  # points of a class that goes away go with it
            limit = changes["classes"] if isinstance(changes["classes"], int) else 3
            changes["added"] = [p for p in self.settings["added"] if p[2] < limit]
        settings = check_scenario({**self.settings, **changes}, "Session.update")
        changed = [name for name in changes if settings[name] != self.settings[name]]
        self.settings = settings
        if any(name in DATA_FIELDS for name in changed):
            self._make_data()
            self._make_model()
        elif any(name in NETWORK_FIELDS for name in changed):
            self._make_model()
        self.optimizer.lr = settings["learning_rate"]
        return changed

    def add_point(self, x: float, y: float, cls: int) -> None:
        """Add a training point of class `cls` at (x, y) (a click on the data); training goes on from here."""
        who = "Session.add_point"
        x = checks.number(x, "x", who, low=-EXTENT, high=EXTENT)
        y = checks.number(y, "y", who, low=-EXTENT, high=EXTENT)
        cls = checks.whole(cls, "cls (the class)", who, high=self.classes - 1)
        if len(self.settings["added"]) >= MAX_ADDED:
            raise ValueError(_("{who}: a scenario holds at most {count} added points").format(who=who, count=MAX_ADDED))
        self.settings["added"].append([x, y, cls])
        self.X_train = np.concatenate([self.X_train, [[x, y]]])
        self.y_train = np.concatenate([self.y_train, [cls]])

    def regenerate(self) -> None:
        """New data of the same kind (the next seed), and training from the start."""
        self.update(seed=(self.settings["seed"] + 1) % 2**32, added=[])

    # ---- what is shown ---------------------------------------------------------------------------

    def grid(self, resolution: int) -> np.ndarray:
        """The centres of a resolution x resolution grid of pixels over the square, row by row from the top."""
        centres = (np.arange(resolution) + 0.5) / resolution * 2 * EXTENT - EXTENT
        xs, ys = np.meshgrid(centres, centres[::-1])
        return np.column_stack([xs.ravel(), ys.ravel()])

    def heat_maps(self, resolution: int = 50) -> dict:
        """Every neuron's output on a grid over the square (row 0 at the top, y = +6):

        "output": (r, r) values of the tanh output (two classes) or (r, r, 3) class probabilities;
        "neurons": one (neurons, r, r) array per hidden layer.
        """
        r = checks.whole(resolution, "resolution", "Session.heat_maps", low=2, high=400)
        values = self._neurons.evaluate(self._neurons.read_parameters(), self.grid(r))
        values = values.reshape(r, r, -1)
        maps, start = [], 0
        for size in self.settings["hidden"]:
            maps.append(np.moveaxis(values[:, :, start : start + size], 2, 0))
            start += size
        output = values[:, :, start:]
        return {"output": output[:, :, 0] if self.classes == 2 else output, "neurons": maps}

    def weights_by_layer(self) -> list[list[list[float]]]:
        """Every weight as numbers: for each layer (the output layer last), for each neuron, its incoming weights."""
        return [[[w.data for w in neuron.w] for neuron in layer.neurons] for layer in self.model.layers]

    def sample(self, index: int) -> tuple[list[float], int, bool]:
        """Point `index` of `points()`: (its x, its class, whether it is a test point)."""
        n_train = len(self.X_train)
        index = checks.whole(index, "index", "Session.sample", high=n_train + len(self.X_test) - 1)
        if index < n_train:
            return self.X_train[index].tolist(), int(self.y_train[index]), False
        return self.X_test[index - n_train].tolist(), int(self.y_test[index - n_train]), True

    def sample_loss(self, index: int) -> Value:
        """The computation graph of point `index`'s loss for the current weights, after its backward pass:
        every node holds its value and gradient (the parameters' .grad are this sample's)."""
        x, cls, _test = self.sample(index)
        inputs = [Value(x[0], label="x1"), Value(x[1], label="x2")]
        target = self._target_rows([cls])[0].tolist() if self.classes > 2 else float(self.targets([cls])[0])
        loss = (mse if self.classes == 2 else cross_entropy)([self.model(inputs)], [target])
        loss.label = "loss"
        self.model.zero_grad()
        loss.backward()
        return loss

    def sample_picture(self, index: int):
        """`draw_network` of point `index`'s loss with values and gradients (a graphviz.Digraph)."""
        from autograd.pictures import draw_network  # graphviz: imported when drawing

        return draw_network(self.sample_loss(index), show_grad=True)

    # ---- scenarios -------------------------------------------------------------------------------

    def to_scenario(self) -> dict:
        """The whole state as a scenario: the settings, and where training stands (weights, the batch order's
        generator, the curves), so a session made from it goes on exactly as this one would."""
        scenario = dict(self.settings, added=[list(p) for p in self.settings["added"]], version=VERSION)
        scenario["state"] = {
            "epoch": self.epoch,
            "weights": self.model.state_dict(),
            "shuffle_state": list(self.shuffle.getstate()[1]),
            "history": [list(row) for row in self.history],
        }
        return check_scenario(scenario, "Session.to_scenario")

    def _restore(self, state: dict) -> None:
        try:
            self.model.load_state_dict(state["weights"])
        except (TypeError, ValueError) as e:
            text = _("Session: the scenario's field 'state'.weights does not fit the network: {error}")
            raise ValueError(text.format(error=e)) from None
        version, _words, gauss = self.shuffle.getstate()
        self.shuffle.setstate((version, tuple(state["shuffle_state"]), gauss))
        self.epoch = state["epoch"]
        self.history = [list(row) for row in state["history"]]

    def __repr__(self) -> str:
        s = self.settings
        shape = "-".join(str(n) for n in self.model.sizes())
        return (
            f"Session({s['dataset']}, {self.classes} classes, {shape} {s['activation']}, "
            f"lr={s['learning_rate']:g}, epoch {self.epoch})"
        )
