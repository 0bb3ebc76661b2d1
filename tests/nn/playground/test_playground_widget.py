"""The Playground widget's Python side: its state after the buttons, Play in an asyncio task, the fallbacks."""

import asyncio
import base64
import importlib.util
import json

import pytest

pytest.importorskip("anywidget", reason="the widget needs the live extra (anywidget)")

from nn.playground import Playground, load_scenario  # noqa: E402
from nn.playground.widget import NEURON_RESOLUTION, OUTPUT_RESOLUTION  # noqa: E402


def message(widget, **content):
    widget._on_message(widget, content, [])


def test_state_after_step_reset_and_settings():
    w = Playground(dataset="xor", hidden=[4, 2], seed=2)
    assert w.frame["epoch"] == 0 and len(w.output_map) == OUTPUT_RESOLUTION**2
    assert len(w.neuron_maps) == 6 * NEURON_RESOLUTION**2
    start = w.output_map
    message(w, do="step")
    assert w.frame["epoch"] == 1 and w.session.epoch == 1 and w.output_map != start
    assert w.frame["curve"] == [w.session.history[0]]
    message(w, do="set", changes={"learning_rate": 0.3})
    assert w.settings["learning_rate"] == 0.3 and w.session.epoch == 1  # no restart
    message(w, do="set", changes={"hidden": [3]})
    assert w.session.epoch == 0 and len(w.neuron_maps) == 3 * NEURON_RESOLUTION**2 and w.frame["layers"] == [3]
    message(w, do="step")
    message(w, do="reset")
    assert w.frame["epoch"] == 0 and w.output_map != b""


def test_bad_input_from_the_page_becomes_a_message():
    w = Playground(hidden=[2])
    message(w, do="set", changes={"hidden": [9]})
    assert "'hidden'[0]" in w.message and w.settings["hidden"] == [2]
    message(w, do="set", changes={"no_such": 1})
    assert "unknown field 'no_such'" in w.message
    message(w, do="add_point", x="1", y=0, cls=0)
    assert "x must be a number" in w.message
    message(w, do="load", text="{not json")
    assert "not valid JSON" in w.message
    message(w, do="whatever")  # unknown requests are ignored
    message(w, do="step")
    assert w.message == ""


def test_clicks_add_points_and_show_a_sample_graph():
    w = Playground(dataset="blobs", classes=3, hidden=[2], points=30, seed=1)
    message(w, do="add_point", x=1.0, y=-1.0, cls=2)
    assert [1.0, -1.0, 2, 0] in w.points and w.session.settings["added"] == [[1.0, -1.0, 2]]
    message(w, do="select", index=3)
    assert w.selected == 3 and "point 3" in w.sample_text
    assert w.sample_svg.lstrip().startswith("<?xml") or "<svg" in w.sample_svg
    message(w, do="select", index=-1)
    assert w.selected == -1 and w.sample_svg == ""


def test_save_sends_the_scenario_and_load_takes_it(tmp_path):
    w = Playground(dataset="moons", hidden=[3], seed=4, hidden_controls=["noise"])
    message(w, do="step")
    sent = []
    w.send = sent.append
    message(w, do="save")
    scenario = json.loads(sent[0]["text"])
    assert sent[0]["kind"] == "scenario" and scenario["state"]["epoch"] == 1
    other = Playground(dataset="xor")
    message(other, do="load", text=sent[0]["text"])
    assert other.session.epoch == 1 and other.settings["hidden_controls"] == ["noise"]
    assert other.session.model.state_dict() == w.session.model.state_dict()
    path = w.save(tmp_path / "w.json")
    assert load_scenario(path)["dataset"] == "moons"
    assert Playground(path).session.epoch == 1


def test_play_trains_in_an_asyncio_task_and_pause_is_heard_between_chunks():
    async def scenario():
        w = Playground(dataset="xor", hidden=[4], epochs_per_frame=2)
        w.play()
        assert w.running
        for _ in range(200):  # the page's acknowledgements, as it draws each frame
            await asyncio.sleep(0.005)
            message(w, do="drawn", id=w.frame["id"])
            if w.session.epoch >= 6:
                break
        message(w, do="pause")
        await asyncio.wait_for(w._task, 5)
        return w

    w = asyncio.run(scenario())
    assert not w.running and w.session.epoch >= 6 and w.session.epoch % 2 == 0
    assert w.frame["epoch"] == w.session.epoch  # the last epochs are shown


def test_play_without_an_event_loop_says_so():
    w = Playground()
    w.play()
    assert not w.running and "step()" in w.message


def test_without_a_front_end_a_still_picture_and_a_hint():
    w = Playground(dataset="circles", hidden=[3])
    bundle = w._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    png = base64.b64decode(data["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000
    assert "python -m demos.playground" in data["text/plain"] and "Jupyter" in data["text/plain"]
    assert "application/vnd.jupyter.widget-view+json" in data
    assert repr(w) == data["text/plain"] and "Session(circles" in repr(w)


def test_without_the_live_extra_the_message_names_it(monkeypatch):
    import nn.playground

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "anywidget" else real(name, *a))
    with pytest.raises(ImportError, match=r"anywidget.*live"):
        nn.playground.__getattr__("Playground")


def test_a_notebook_run_without_a_front_end_keeps_the_picture_and_the_hint(tmp_path):
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (the test extra)")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (the test extra)")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed (the test extra)")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("from nn.playground import Playground\nPlayground(hidden=[3])")]
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()  # fmt: skip
    (output,) = notebook.cells[0].outputs
    data = output["data"]
    assert "python -m demos.playground" in data["text/plain"]  # nbconvert's text, a plain console's
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")  # GitHub's viewer, nbconvert's HTML
    assert "application/vnd.jupyter.widget-view+json" in data  # a live front end shows the widget


def test_a_diverging_run_stops_with_a_message_and_frames_stay_json():
    w = Playground(
        dataset="spiral", classes=3, hidden=[8, 8], activation="relu", learning_rate=10.0, batch_size=1, seed=1
    )
    for _ in range(10):
        message(w, do="step")
        if w.message:
            break
    assert "diverged" in w.message and "learning rate is too large" in w.message and "exp" in w.message
    assert not w.running
    json.dumps(w.frame, allow_nan=False)  # what the kernel sends stays JSON


def test_a_loss_that_is_not_a_number_is_sent_as_null(monkeypatch):
    w = Playground(hidden=[2])
    monkeypatch.setattr(w.session, "losses", lambda: (float("nan"), float("inf")))
    w._push_frame()
    assert w.frame["train_loss"] is None and w.frame["test_loss"] is None and "diverged" in w.message
    json.dumps(w.frame, allow_nan=False)


def test_load_takes_a_dict_or_a_path(tmp_path):
    w = Playground(dataset="circles", hidden=[2], seed=3)
    w.step()
    path = str(w.save(tmp_path / "c.json"))
    other = Playground()
    other.load(path)
    assert other.session.settings["dataset"] == "circles" and other.session.epoch == 1
    other.load(load_scenario(path) | {"dataset": "moons", "state": None})
    assert other.session.settings["dataset"] == "moons" and other.session.epoch == 0
    with pytest.raises(FileNotFoundError):
        other.load(str(tmp_path / "missing.json"))


def test_the_scenarios_title_and_notes_are_shown():
    w = Playground(title="XOR", notes="Add a hidden layer.")
    assert (w.title, w.notes) == ("XOR", "Add a hidden layer.")
    message(w, do="load", text=json.dumps({"format": "backprop-lab playground scenario", "version": 1, "notes": "n"}))
    assert (w.title, w.notes) == ("", "n")
