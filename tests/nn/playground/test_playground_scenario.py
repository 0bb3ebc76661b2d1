"""Scenario files: the whole state round trips; hostile files are refused with the field named, nothing runs."""

import json
import os

import pytest

from nn.playground import (
    CONTROLS,
    FIELDS,
    FORMAT,
    MAX_SCENARIO_BYTES,
    Session,
    check_scenario,
    default_scenario,
    load_scenario,
    loads_scenario,
    save_scenario,
)


def scenario(**fields):
    return {"format": FORMAT, "version": 1, **fields}


def test_round_trip_goes_on_exactly(tmp_path):
    session = Session(dataset="spiral", hidden=[5, 3], l2=0.003, learning_rate=0.1, seed=4, title="Spiral",
                      hidden_controls=["dataset", "noise"])  # fmt: skip
    session.add_point(1.0, 1.0, 0)
    session.step(4)
    path = save_scenario(session.to_scenario(), tmp_path / "spiral.json")
    loaded = Session(load_scenario(path))
    assert loaded.epoch == 4 and loaded.history == session.history
    assert loaded.model.state_dict() == session.model.state_dict()
    assert loaded.settings["hidden_controls"] == ["dataset", "noise"] and loaded.settings["title"] == "Spiral"
    assert loaded.points() == session.points()
    session.step(3)
    loaded.step(3)  # the batch order's generator came along: the same next epochs
    assert loaded.model.state_dict() == session.model.state_dict() and loaded.history == session.history


def test_defaults_fill_a_minimal_scenario():
    s = check_scenario(scenario())
    assert s == default_scenario()
    assert set(s) == set(FIELDS)
    assert s["state"] is None and s["added"] == []


def test_scenario_files_in_the_package_are_valid():
    from pathlib import Path

    import nn.playground

    folder = Path(nn.playground.__file__).with_name("scenarios")
    files = sorted(folder.glob("*.json"))
    assert files, "example scenarios are shipped"
    for path in files:
        Session(load_scenario(path)).step(1)


BAD = [
    ({"learning_rate": "0.1"}, TypeError, "field 'learning_rate' must be a number"),
    ({"learning_rate": 0}, ValueError, "learning_rate"),
    ({"learning_rate": 1e400}, ValueError, "learning_rate"),
    ({"batch_size": 2.5}, TypeError, "field 'batch_size'"),
    ({"batch_size": True}, TypeError, "batch_size"),
    ({"classes": 4}, ValueError, "field 'classes'"),
    ({"dataset": "iris"}, ValueError, "field 'dataset' must be one of"),
    ({"dataset": ["xor"]}, TypeError, "dataset"),
    ({"hidden": [8, 8, 8, 8, 8]}, ValueError, "field 'hidden' has 5 entries"),
    ({"hidden": [9]}, ValueError, r"field 'hidden'\[0\]"),
    ({"hidden": "8,8"}, TypeError, "field 'hidden' must be a list"),
    ({"activation": "os.system"}, ValueError, "field 'activation'"),
    ({"noise": -1}, ValueError, "noise"),
    ({"show_test": "yes"}, TypeError, "field 'show_test' must be true or false"),
    ({"title": 3}, TypeError, "field 'title' must be a string"),
    ({"notes": "x" * 5001}, ValueError, "field 'notes' has 5,001 characters"),
    ({"added": [[0, 0]]}, TypeError, r"field 'added'\[0\] must be a point"),
    ({"added": [[0, 7, 1]]}, ValueError, r"field 'added'\[0\] y"),
    ({"added": [[0, 0, 2]]}, ValueError, r"field 'added'\[0\] has class 2"),
    ({"added": [[0, 0, 0]] * 1001}, ValueError, "field 'added' has 1,001 entries"),
    ({"hidden_controls": ["rm -rf /"]}, ValueError, r"field 'hidden_controls'\[0\]"),
    ({"hidden_controls": ["noise", "noise"]}, ValueError, "names a control twice"),
    ({"state": []}, TypeError, "field 'state'"),
    ({"state": {"epoch": 1}}, ValueError, "field 'weights' is missing"),
    ({"exec": "print(1)"}, ValueError, "unknown field 'exec'"),
    ({"__class__": {}}, ValueError, "unknown field '__class__'"),
    ({"format": "pickle"}, ValueError, "field 'format' must be"),
    ({"version": 2}, ValueError, "field 'version' must be 1"),
    ({"version": True}, ValueError, "field 'version'"),
]


@pytest.mark.parametrize("fields, error, words", BAD, ids=[next(iter(f)) + str(i) for i, (f, _, _) in enumerate(BAD)])
def test_bad_fields_are_named(fields, error, words):
    with pytest.raises(error, match=words):
        check_scenario(scenario(**fields))
    with pytest.raises(error, match=words):  # through the text reader too
        loads_scenario(json.dumps(scenario(**fields)).replace("Infinity", "1e400"))


def test_state_is_checked():
    good = Session(hidden=[2], seed=1).to_scenario()
    state = good["state"]
    for change, error, words in [
        ({"epoch": -1}, ValueError, "state'.epoch"),
        ({"shuffle_state": state["shuffle_state"][:-1]}, ValueError, "625 whole numbers"),
        ({"shuffle_state": [*state["shuffle_state"][:-1], 625]}, ValueError, r"shuffle_state\[624\]"),
        ({"history": [[1, 0.5]]}, TypeError, r"history\[0\]"),
        ({"history": [[5, 0.5, 0.5]]}, ValueError, r"history\[0\] epoch"),
        ({"weights": {"layers.0.neurons.0.w.0": "1"}}, TypeError, "weights"),
        ({"extra": 1}, ValueError, "unknown field 'extra'"),
    ]:
        with pytest.raises(error, match=words):
            check_scenario({**good, "state": {**state, **change}})
    other = {**good, "hidden": [3]}  # weights of a 2-2-1 network for a 2-3-1 one
    with pytest.raises(ValueError, match="'state'.weights does not fit the network"):
        Session(other)


HEAD = json.dumps(scenario())[:-1] + ", "  # the text of a scenario's first fields, open for more


@pytest.mark.parametrize(
    "text, words",
    [
        ("{", "not valid JSON"),
        (HEAD + '"noise": NaN}', "NaN is not a number JSON allows"),
        (HEAD + '"noise": 1, "noise": 2}', "'noise' appears twice"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('"just a string"', "a scenario is a JSON object"),
        ("[1, 2]", "a scenario is a JSON object"),
        (HEAD + '"seed": ' + "9" * 5000 + "}", "not accepted JSON"),
    ],
    ids=["truncated", "nan", "duplicate", "deep", "string", "list", "huge int"],
)
def test_bad_json_is_refused(text, words):
    with pytest.raises((ValueError, TypeError), match=words):
        loads_scenario(text)


def test_bytes_must_be_utf8():
    with pytest.raises(ValueError, match="not UTF-8"):
        loads_scenario(b'{"title": "\xff"}')


def test_size_limit_before_reading(tmp_path):
    path = tmp_path / "big.json"
    text = json.dumps(scenario())
    path.write_text(text + " " * (MAX_SCENARIO_BYTES + 1 - len(text)))
    with pytest.raises(ValueError, match="more than the 1 MB limit"):
        load_scenario(path)
    with pytest.raises(ValueError, match="more than"):
        loads_scenario(path.read_text())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_not_read(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="FIFO"):
        load_scenario(fifo)  # would block forever if it were opened for reading as a file


def test_nothing_in_a_scenario_runs(tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    code = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    s = Session(loads_scenario(json.dumps(scenario(title=code, notes=code))))
    s.step(1)
    s.to_scenario()
    assert s.settings["title"] == code and not marker.exists()  # text stays text


def test_save_writes_atomically_and_refuses_a_directory(tmp_path):
    target = tmp_path / "s.json"
    target.write_text("old")
    save_scenario(default_scenario(), target)
    assert load_scenario(target) == default_scenario()
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]  # no temporary file left
    with pytest.raises(IsADirectoryError):
        save_scenario(default_scenario(), tmp_path)
    with pytest.raises(ValueError, match="field 'classes'"):
        save_scenario(scenario(classes=5), tmp_path / "bad.json")


def test_every_control_can_be_hidden():
    s = check_scenario(scenario(hidden_controls=list(CONTROLS)))
    assert s["hidden_controls"] == list(CONTROLS)
