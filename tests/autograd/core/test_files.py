"""autograd.core.files: reading only checked regular files, writing all at once and never through a planted link."""

import errno
import os
import stat

import pytest

from autograd.core import files

POSIX = pytest.mark.skipif(os.name != "posix", reason="symbolic links, FIFOs and modes as POSIX has them")


def test_write_then_read(tmp_path):
    path = tmp_path / "a.txt"
    assert files.write_atomically(path, "grüß\n", "save_it") == path
    assert files.read_regular(path, "read_it", 100) == "grüß\n".encode()
    files.write_atomically(str(path), b"\x00\x01", "save_it")
    assert path.read_bytes() == b"\x00\x01"
    assert os.listdir(tmp_path) == ["a.txt"]


@POSIX
def test_a_planted_link_is_replaced_not_followed(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("precious")
    os.chmod(victim, 0o600)
    link = tmp_path / "step_000.gv"
    os.symlink(victim, link)
    old = os.umask(0o022)
    try:
        files.write_atomically(link, "digraph {}", "save_steps")
    finally:
        os.umask(old)
    assert victim.read_text() == "precious"
    assert not link.is_symlink() and link.read_text() == "digraph {}"
    assert stat.S_IMODE(os.stat(link).st_mode) == 0o644  # a new file's mode, not the victim's


@POSIX
def test_a_link_to_a_directory_or_device_is_replaced_too(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    for target in (folder, "/dev/null", tmp_path / "dangling"):
        link = tmp_path / "out.html"
        os.symlink(target, link)
        files.write_atomically(link, "page", "save_player")
        assert not link.is_symlink() and link.read_text() == "page"
        link.unlink()
    assert os.listdir(folder) == []


@POSIX
def test_an_existing_file_keeps_its_mode(tmp_path):
    path = tmp_path / "w"
    path.write_text("old")
    os.chmod(path, 0o640)
    files.write_atomically(path, "new", "save")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640 and path.read_text() == "new"


@POSIX
def test_directories_fifos_and_devices_are_refused(tmp_path):
    with pytest.raises(IsADirectoryError):
        files.write_atomically(tmp_path, "x", "save")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="save_graph: .*pipe is a FIFO"):
        files.write_atomically(fifo, "x", "save_graph")
    with pytest.raises(ValueError, match="character device"):
        files.write_atomically("/dev/null", "x", "save")
    assert sorted(os.listdir(tmp_path)) == ["pipe"]


@pytest.mark.parametrize("error", [KeyboardInterrupt(), OSError(errno.ENOSPC, "No space left on device")])
def test_the_temporary_file_goes_on_any_failure(tmp_path, monkeypatch, error):
    path = tmp_path / "w"
    path.write_text("old")

    def fail(*args):
        raise error

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(type(error)) as info:
        files.write_atomically(path, "new", "save")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["w"] and path.read_text() == "old"
    if isinstance(error, OSError):
        assert str(path) in str(info.value) and ".tmp" not in str(info.value)


def test_missing_folder_and_bad_arguments(tmp_path):
    with pytest.raises(FileNotFoundError, match="save: the folder .*no does not exist"):
        files.write_atomically(tmp_path / "no" / "w", "x", "save")
    for bad in (None, 3, b"name"):
        with pytest.raises(TypeError, match=f"save_steps: folder must be a str or a path.*{type(bad).__name__}"):
            files.write_atomically(bad, "x", "save_steps", "folder")
    with pytest.raises(ValueError, match="empty"):
        files.write_atomically("", "x", "save")
    with pytest.raises(TypeError, match="bytes or a str, not int"):
        files.write_atomically(tmp_path / "w", 3, "save")
    assert os.listdir(tmp_path) == []


@POSIX
def test_reading_refuses_what_is_not_a_small_regular_file(tmp_path):
    with pytest.raises(ValueError, match="read: /dev/zero is a character device, not a regular file"):
        files.read_regular("/dev/zero", "read", 10)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 11)
    with pytest.raises(ValueError, match="11 bytes, more than the 10 bytes limit"):
        files.read_regular(big, "read", 10)
    with pytest.raises(FileNotFoundError, match="read: No such file"):
        files.read_regular(tmp_path / "none", "read", 10)
