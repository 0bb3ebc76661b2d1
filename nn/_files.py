"""Opening a file someone else made: only a regular file, and only up to a size limit.

`Module.load` and `load_idx` read files users bring along. A FIFO would block,
`/dev/zero` never ends and a 500 MB file of garbage fills the memory, so both
check what the path is, and how big, before reading a byte.
"""

from __future__ import annotations

import os
import stat

__all__: list[str] = []  # for the packages' own use

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_path(path, who: str, argument: str = "path") -> str:
    """`path` as a string, or a TypeError naming the argument when it is no path at all."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{who}: {argument} must be a str or a path (os.PathLike), got {type(path).__name__} {path!r}")
    path = os.fspath(path)
    if not isinstance(path, str):
        raise TypeError(f"{who}: {argument} must be a str or a path, got bytes {path!r}")
    return path


def kind_of(mode: int) -> str:
    """What a file of this st_mode is, in words ('a directory', 'a FIFO (named pipe)', ...)."""
    for test, words in _KINDS:
        if test(mode):
            return words
    return "not a regular file"


def open_regular(path: str, who: str, max_bytes: int, limit_words: str):
    """Open `path` for reading bytes after checking that it is a regular file of at most `max_bytes`.

    Returns (binary file object, size in bytes). O_NONBLOCK keeps the open itself from
    waiting on a FIFO; the checks then run on the opened file, so a file swapped in
    between a check and the open is caught too.
    """
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
        return os.fdopen(fd, "rb"), info.st_size
    except BaseException:
        os.close(fd)
        raise
