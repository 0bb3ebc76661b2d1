"""state_dict / load_state_dict and weights files: round trip, every bad file, atomic saving,
the file's permissions, and hostile paths (directories, FIFOs, devices, huge files)."""

import errno
import json
import os
import stat
import threading

import pytest

import nn.layers
from autograd.core import files
from nn import MLP, Neuron

POSIX = pytest.mark.skipif(os.name != "posix", reason="umask, FIFOs and /dev/zero exist on POSIX systems only")


@pytest.fixture
def model():
    return MLP(2, [3, 1], activation="tanh", rng=1)


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "weights.json"
    MLP(2, [3, 1], activation="tanh", rng=2).save(path)
    return path


def test_round_trip(tmp_path, model):
    path = tmp_path / "w.json"
    model.save(path)
    other = MLP(2, [3, 1], activation="tanh", rng=99)
    assert other.state_dict() != model.state_dict()
    assert other.load(path) is other
    assert other.state_dict() == model.state_dict()  # exact: JSON keeps every digit of a float
    assert other([0.3, -0.8]).data == model([0.3, -0.8]).data
    content = json.loads(path.read_text())
    assert content["sizes"] == [2, 3, 1] and content["model"] == "MLP"
    assert set(content["parameters"]) == {n for n, _ in model.named_parameters()}
    assert os.listdir(tmp_path) == ["w.json"]  # no temporary file left


def test_state_dict_is_a_copy(model):
    state = model.state_dict()
    state["layers.0.neurons.0.b"] = 123.0
    assert model.state_dict()["layers.0.neurons.0.b"] == 0.0


def _rewrite(path, change):
    content = json.loads(path.read_text())
    change(content)
    path.write_text(json.dumps(content))


def _drop_one(c):
    del c["parameters"]["layers.1.neurons.0.b"]


def _add_one(c):
    c["parameters"]["layers.2.neurons.0.b"] = 1.0


def _bad_value(value):
    def change(c):
        c["parameters"]["layers.1.neurons.0.w.2"] = value  # the last-but-one name: the others look fine

    return change


def _first_bias(text: str):
    """Write `text` in the file instead of the first bias's value (JSON that json.dumps cannot make)."""
    first = '"layers.0.neurons.0.b": '
    return lambda p: p.write_text(p.read_text().replace(first + "0.0", first + text))


BAD_FILES = {
    "missing key": (lambda p: _rewrite(p, _drop_one), ValueError, "1 missing.*layers.1.neurons.0.b"),
    "extra key": (lambda p: _rewrite(p, _add_one), ValueError, "1 unexpected.*layers.2.neurons.0.b"),
    "string": (lambda p: _rewrite(p, _bad_value("0.5")), ValueError, "must be a number"),
    "null": (lambda p: _rewrite(p, _bad_value(None)), ValueError, "must be a number"),
    "bool": (lambda p: _rewrite(p, _bad_value(True)), ValueError, "must be a number"),
    "list": (lambda p: _rewrite(p, _bad_value([1.0])), ValueError, "must be a number"),
    "NaN": (
        lambda p: p.write_text(p.read_text().replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": NaN')),
        ValueError,
        "NaN",
    ),
    "huge number": (lambda p: _rewrite(p, _bad_value(10**400)), ValueError, "finite"),
    "truncated": (lambda p: p.write_text(p.read_text()[: len(p.read_text()) // 2]), ValueError, "not valid JSON"),
    "empty": (lambda p: p.write_text(""), ValueError, "not valid JSON"),
    "not JSON": (lambda p: p.write_text("weights: 1, 2, 3"), ValueError, "not valid JSON"),
    "binary": (lambda p: p.write_bytes(b"\xff\xfe\x00\x81garbage"), ValueError, "not a text"),
    "JSON list": (lambda p: p.write_text("[1, 2, 3]"), ValueError, "not a weights file"),
    "other JSON": (lambda p: p.write_text('{"parameters": {}}'), ValueError, "not a weights file"),
    "parameters not a dict": (lambda p: _rewrite(p, lambda c: c.update(parameters=[1, 2])), TypeError, "dict"),
    "no version": (lambda p: _rewrite(p, lambda c: c.pop("version")), ValueError, 'no "version"'),
    "version 3": (
        lambda p: _rewrite(p, lambda c: c.update(version=3)),
        ValueError,
        "version 3;.*reads versions 1 and 2",
    ),
    "version '1'": (lambda p: _rewrite(p, lambda c: c.update(version="1")), ValueError, "version '1';"),
    "version true": (lambda p: _rewrite(p, lambda c: c.update(version=True)), ValueError, "version True;"),
    "version null": (lambda p: _rewrite(p, lambda c: c.update(version=None)), ValueError, "version None;"),
    "duplicate weight": (_first_bias('0.0, "layers.0.neurons.0.b": 1'), ValueError, "'layers.0.neurons.0.b' .*twice"),
    "duplicate version": (lambda p: p.write_text('{"version": 2,' + p.read_text()[1:]), ValueError, "'version'.*twice"),
    "nested 100,000 deep": (
        lambda p: p.write_text("[" * 100_000 + "]" * 100_000),
        ValueError,
        "100,000 JSON lists and objects, more than a weights file for this MLP of 13 parameters can",
    ),
    "nested inside the weights": (_first_bias("[" * 50_000 + "]" * 50_000), ValueError, "50,00[0-9] JSON lists"),
    "nested 8 deep inside the weights": (_first_bias("[" * 8 + "]" * 8), ValueError, "must be a number"),
    "5000-digit integer": (_first_bias("9" * 5000), ValueError, "integer of 5,000 digits is not a valid weight"),
    "megabyte string": (lambda p: _rewrite(p, _bad_value("x" * 1_000_000)), ValueError, "must be a number, got 'xxx"),
    "megabyte name": (lambda p: _rewrite(p, lambda c: c["parameters"].update({"y" * 10**6: 1.0})), ValueError, "yyy"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_raises_and_leaves_the_model_unchanged(case, saved, model):
    spoil, error, message = BAD_FILES[case]
    spoil(saved)
    before = model.state_dict()
    with pytest.raises(error, match=message) as info:
        model.load(saved)
    assert model.state_dict() == before
    assert str(saved) in str(info.value) and len(str(info.value)) < 1000  # names the file, in a readable length


def test_wrong_sizes(tmp_path, model):
    path = tmp_path / "big.json"
    MLP(2, [16, 1], rng=0).save(path)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"sizes \[2, 16, 1\].*sizes \[2, 3, 1\]"):
        model.load(path)
    assert model.state_dict() == before
    # the same names but another architecture class: the parameter names still have to fit
    Neuron(2, rng=0).save(path)
    with pytest.raises(ValueError, match="sizes"):
        model.load(path)
    assert model.state_dict() == before


def test_missing_file(tmp_path, model):
    with pytest.raises(FileNotFoundError):
        model.load(tmp_path / "nothing.json")


def test_load_state_dict_checks_everything_before_changing_anything(model):
    before = model.state_dict()
    state = {name: 5.0 for name in before}
    state["layers.1.neurons.0.b"] = "x"  # the very last parameter is bad
    with pytest.raises(ValueError, match="'layers.1.neurons.0.b' must be a number"):
        model.load_state_dict(state)
    assert model.state_dict() == before
    with pytest.raises(ValueError, match="finite"):
        model.load_state_dict({name: float("inf") for name in before})
    with pytest.raises(TypeError, match="dict"):
        model.load_state_dict([1.0, 2.0])
    model.load_state_dict({name: 5 for name in before})  # ints are numbers too
    assert set(model.state_dict().values()) == {5.0}


def test_saving_is_atomic(tmp_path, model, monkeypatch):
    path = tmp_path / "w.json"
    model.save(path)
    original = path.read_text()

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    other = MLP(2, [3, 1], activation="tanh", rng=5)
    with pytest.raises(OSError, match="disk full"):
        other.save(path)
    assert path.read_text() == original  # the old file, whole
    assert os.listdir(tmp_path) == ["w.json"]  # and no half-written temporary file


def test_saving_non_finite_weights_is_refused(tmp_path, model):
    path = tmp_path / "w.json"
    model.save(path)
    original = path.read_text()
    model.layers[0].neurons[0].w[0].data = float("nan")
    with pytest.raises(ValueError, match="layers.0.neurons.0.w.0"):
        model.save(path)
    assert path.read_text() == original


# ---- the file's permissions -------------------------------------------------------------


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@POSIX
@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664), (0o027, 0o640)])
def test_a_new_file_gets_the_umask(tmp_path, model, umask, expected):
    old = os.umask(umask)
    try:
        model.save(tmp_path / "w.json")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "w.json") == expected  # rw for whom the umask allows, as `touch` gives


@POSIX
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o444, 0o664])
def test_an_existing_file_keeps_its_mode(tmp_path, model, mode):
    path = tmp_path / "w.json"
    path.write_text("old")
    os.chmod(path, mode)
    old = os.umask(0o022)
    try:
        model.save(path)
    finally:
        os.umask(old)
    assert _mode(path) == mode
    assert MLP(2, [3, 1], activation="tanh", rng=7).load(path).state_dict() == model.state_dict()


# ---- failed saves ---------------------------------------------------------------------------


def test_a_missing_folder_names_the_users_path(tmp_path, model):
    path = tmp_path / "no" / "such" / "w.json"
    with pytest.raises(FileNotFoundError) as info:
        model.save(path)
    message = str(info.value)
    assert str(path) in message and str(path.parent) in message and ".tmp" not in message
    assert info.value.filename == str(path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        model.save(tmp_path / "file" / "w.json")
    assert sorted(os.listdir(tmp_path)) == ["file"]


def _raise(error):
    def fail(*args, **kwargs):
        raise error

    return fail


FAILURES = {
    "disk full while writing": ("fsync", OSError(errno.ENOSPC, "No space left on device"), OSError),
    "rename refused": ("replace", OSError(errno.EACCES, "Permission denied"), PermissionError),
    "chmod refused": ("chmod", OSError(errno.EPERM, "Operation not permitted"), PermissionError),
    "interrupted": ("fsync", KeyboardInterrupt(), KeyboardInterrupt),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_a_failed_save_leaves_no_temporary_file(tmp_path, model, monkeypatch, case):
    where, error, expected = FAILURES[case]
    path = tmp_path / "w.json"
    Neuron(2, rng=0).save(path)
    original = path.read_text()
    monkeypatch.setattr(os, where, _raise(error))
    with pytest.raises(expected) as info:
        model.save(path)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["w.json"] and path.read_text() == original
    if isinstance(error, OSError):  # the user's path in the message, not the hidden temporary name
        assert str(path) in str(info.value) and ".tmp" not in str(info.value)
        assert info.value.errno == error.errno


def test_a_long_file_name_is_saved(tmp_path, model):
    path = tmp_path / ("w" * 240 + ".json")  # the temporary name beside it must not be too long
    model.save(path)
    assert os.listdir(tmp_path) == [path.name]
    assert MLP(2, [3, 1], activation="tanh", rng=7).load(path).state_dict() == model.state_dict()


def test_save_refuses_to_replace_what_is_not_a_file(tmp_path, model):
    with pytest.raises(IsADirectoryError) as info:
        model.save(tmp_path)
    assert str(tmp_path) in str(info.value)
    assert os.listdir(tmp_path) == []


@POSIX
def test_save_refuses_fifos_and_devices(tmp_path, model):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="pipe is a FIFO.*only a regular file"):
        model.save(fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and os.listdir(tmp_path) == ["pipe"]
    with pytest.raises(ValueError, match="/dev/null is a character device"):
        model.save("/dev/null")  # as root, a rename would have replaced /dev/null itself
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_save_refuses_a_file_load_would_refuse(tmp_path, model, monkeypatch):
    size = len(json.dumps({"parameters": model.state_dict()}))  # the file holds at least this much
    monkeypatch.setattr(nn.layers, "MAX_FILE_BYTES", size)
    with pytest.raises(ValueError, match=f"more than load\\(\\) reads \\({size:,} bytes\\)"):
        model.save(tmp_path / "w.json")
    assert os.listdir(tmp_path) == []


def test_wrong_path_types(model):
    for call in (model.save, model.load):
        with pytest.raises(TypeError, match="path must be a str or a path.*NoneType"):
            call(None)
        with pytest.raises(TypeError, match="path must be a str or a path.*int"):
            call(3)


# ---- hostile files to load ------------------------------------------------------------------


def _load_within(model, path, seconds=10):
    """model.load(path) in a thread; the exception it raised, or a failure if it is still running
    after `seconds` (a FIFO nobody writes to would block it for ever)."""
    outcome = []

    def run():
        try:
            model.load(path)
            outcome.append(None)
        except BaseException as e:
            outcome.append(e)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"load({path}) still running after {seconds} s"
    return outcome[0]


def test_load_refuses_a_directory(tmp_path, model):
    if os.name != "posix":
        pytest.skip("Windows refuses to open a directory with its own PermissionError")
    with pytest.raises(ValueError, match="is a directory, not a regular file"):
        model.load(tmp_path)


@POSIX
def test_load_refuses_dev_zero_and_a_fifo_before_reading(tmp_path, model):
    before = model.state_dict()
    error = _load_within(model, "/dev/zero")  # would never end, filling the memory
    assert isinstance(error, ValueError) and "/dev/zero is a character device, not a regular file" in str(error)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    error = _load_within(model, fifo)  # nobody writes: reading would wait for ever
    assert isinstance(error, ValueError) and "is a FIFO (named pipe), not a regular file" in str(error)
    link = tmp_path / "weights.json"
    os.symlink("/dev/zero", link)  # a harmless name is no disguise
    error = _load_within(model, link)
    assert isinstance(error, ValueError) and "is a character device" in str(error)
    assert model.state_dict() == before


def test_load_refuses_a_file_over_100_mb_before_reading(tmp_path, model):
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.truncate(100_000_001)  # sparse: 100 MB + 1 byte of zeros that take no disk space
    with pytest.raises(ValueError, match=r"100,000,001 bytes, more than the 100 MB limit \(100,000,000 bytes\)"):
        model.load(path)
    with open(path, "wb") as f:
        f.truncate(100_000_000)  # exactly the limit: read, and refused as what it is
    with pytest.raises(ValueError, match="not valid JSON"):
        model.load(path)


def test_a_file_growing_while_it_is_read_is_refused(saved, model, monkeypatch):
    measured = files.open_regular

    def measured_too_small(*args):
        f, size = measured(*args)
        return f, size // 2  # as if half the file had been written when it was measured

    monkeypatch.setattr(files, "open_regular", measured_too_small)
    before = model.state_dict()
    with pytest.raises(ValueError, match="grew while it was read"):
        model.load(saved)
    assert model.state_dict() == before
