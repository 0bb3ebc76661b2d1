"""Files from and to the outside, in one place: read only what is checked, write so nothing is half-done.

Reading: a file a user brings along is hostile until checked. A FIFO would block,
`/dev/zero` never ends and a 500 MB file of garbage fills the memory, so
`read_regular` (and `open_regular` beneath it) check what the path is, and how
big, before reading a byte.

Writing: `write_atomically` writes a hidden temporary file beside the target and
then renames it over the target, so the target is either the old file or the
complete new one, never half of it. It never writes through a symbolic link it
did not make: a link standing at the target is replaced by the new file, its
target left untouched. It refuses to replace a directory, a FIFO or a device.
An existing file keeps its permissions; a new one gets those the user's umask
gives any new file. The temporary file is removed on any failure, Ctrl-C included.

The package's own helpers (`nn` saves and loads weights and reads IDX files,
the pictures save their frames and pages, the demos their outputs); not part of
the public API.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from autograd.core.checks import shown

__all__: list[str] = []  # for the packages' own use

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_path(path, who: str, argument: str = "path") -> str:
    """`path` as a string, or a TypeError naming the argument when it is no path at all (None, a number, bytes)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{who}: {argument} must be a str or a path (os.PathLike), got {shown(path)}")
    path = os.fspath(path)
    if not isinstance(path, str):
        raise TypeError(f"{who}: {argument} must be a str or a path, got {shown(path)}")
    if not path:
        raise ValueError(f"{who}: {argument} is the empty string; give a file name")
    if "\0" in path:
        raise ValueError(f"{who}: {argument} contains a NUL character, which no file name can: {path!r}")
    return path


def kind_of(mode: int) -> str:
    """What a file of this st_mode is, in words ('a directory', 'a FIFO (named pipe)', ...)."""
    for test, words in _KINDS:
        if test(mode):
            return words
    return "not a regular file"


def _limit_words(max_bytes: int) -> str:
    for unit, size in (("GiB", 2**30), ("MB", 10**6), ("kB", 10**3)):
        if max_bytes >= size and max_bytes % size == 0:
            return f"{max_bytes // size} {unit}"
    return f"{max_bytes:,} bytes"


def open_regular(path: str, who: str, max_bytes: int, limit_words: str | None = None):
    """Open `path` for reading bytes after checking that it is a regular file of at most `max_bytes`.

    Returns (binary file object, size in bytes). O_NONBLOCK keeps the open itself from
    waiting on a FIFO; the checks then run on the opened file, so a file swapped in
    between a check and the open is caught too.
    """
    limit_words = limit_words or _limit_words(max_bytes)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:  # the same kind of error (FileNotFoundError, PermissionError ...), naming the call
        raise type(e)(e.errno, f"{who}: {e.strerror}", path) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{who}: {path} is {kind_of(info.st_mode)}, not a regular file")
        if info.st_size > max_bytes:
            raise ValueError(
                f"{who}: {path} has {info.st_size:,} bytes, more than the {limit_words} limit ({max_bytes:,} bytes)"
            )
        if hasattr(os, "set_blocking"):  # the open is done; reads of a regular file never wait anyway
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), info.st_size
    except BaseException:
        os.close(fd)
        raise


def read_regular(path, who: str, max_bytes: int, *, argument: str = "path", limit_words: str | None = None) -> bytes:
    """The bytes of the regular file `path` (checked as `open_regular` does, at most `max_bytes`).

    A file that grows while it is read is refused: what was measured is what is read.
    """
    path = check_path(path, who, argument)
    f, size = open_regular(path, who, max_bytes, limit_words)
    with f:
        raw = f.read(size + 1)  # one byte more than measured tells a file that is still growing
    if len(raw) > size:
        raise ValueError(f"{who}: {path} grew while it was read (is something still writing it?)")
    return raw


def write_atomically(path, data, who: str, argument: str = "path", *, encoding: str = "utf-8") -> Path:
    """Write `data` (bytes, or a str encoded with `encoding`) to `path` all at once; returns the Path.

    The data goes into a new hidden file beside `path` (created exclusively, so it
    is never a link someone planted), is flushed to the disk, and is then renamed
    over `path`. A symbolic link at `path` is replaced, not followed; a directory,
    FIFO, device or socket there is refused. An existing regular file keeps its
    permission bits. Errors name the user's `path`, never the temporary name.
    """
    path = Path(check_path(path, who, argument))
    if isinstance(data, str):
        data = data.encode(encoding)
    elif isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    elif not isinstance(data, bytes):
        raise TypeError(f"{who}: the data to write must be bytes or a str, not {shown(data)}")
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise FileNotFoundError(errno.ENOENT, f"{who}: the folder {folder} {what}", str(path))
    try:
        mode = _existing_mode(path, who)
        fd, tmp = _temporary_file(path, who)
    except OSError as e:
        raise _naming(e, path, who) from None
    replaced = False
    try:
        with os.fdopen(fd, "wb") as f:
            if mode is not None:
                os.chmod(tmp, mode)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        replaced = True
    except OSError as e:
        raise _naming(e, path, who) from None
    finally:
        if not replaced:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return path


def _temporary_file(path: Path, who: str) -> tuple[int, Path]:
    """Create a new hidden file next to `path`; (descriptor, name). O_EXCL refuses a name that exists,
    a planted link included. Created with mode 0666, so the operating system applies the user's
    umask to it, as to any file they create."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = path.with_name(f".{path.name[:64]}.{secrets.token_hex(4)}.tmp")  # short: names have a limit
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, f"{who}: no free temporary name next to the file", str(path))


def _existing_mode(path: Path, who: str) -> int | None:
    """The permission bits of the regular file at `path`; None when there is none, or when a symbolic
    link stands there (it is replaced, and its target's bits are not ours to copy). Anything else
    is refused, since it would be replaced: a directory, a device such as /dev/null, a FIFO."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(mode):
        return None
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(mode):
        raise ValueError(f"{who}: {path} is {kind_of(mode)}; only a regular file is replaced")
    return stat.S_IMODE(mode)


def _naming(e: OSError, path: Path, who: str) -> OSError:
    """The operating system's error `e` told about the user's `path`, not the hidden temporary file."""
    if e.errno is None:
        return e
    return OSError(e.errno, f"{who}: could not write {path}: {e.strerror}", str(path))
