"""Reading IDX files, the format MNIST and Fashion-MNIST come in (the lecture notes, section 5).

An IDX file holds one array, every number big-endian (most significant byte first):

    0x00 0x00  type code  d      the magic number: two zero bytes, the type, d dimensions
    size_0 ... size_(d-1)        d sizes of 4 bytes each
    the numbers                  size_0 * ... * size_(d-1) of them, the last index fastest

Type codes: 0x08 unsigned byte, 0x09 signed byte, 0x0B short (2 bytes), 0x0C int
(4 bytes), 0x0D float (4 bytes), 0x0E double (8 bytes). The files are often
gzipped (`.gz`); both forms are read.

    >>> from nn import load_mnist
    >>> (X_train, y_train), (X_test, y_test) = load_mnist("data/mnist")   # doctest: +SKIP
    >>> X_train.shape, y_train[:5]                                        # doctest: +SKIP
    ((60000, 784), array([5, 0, 4, 1, 9]))
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib

import numpy as np

from autograd.core.files import check_path, open_regular

__all__ = ["load_idx", "load_mnist"]

MAX_IDX_BYTES = 2**30
"""The most data (1 GiB) `load_idx` reads from one file: MNIST's largest file holds 47 MB; a header
promising more is refused before anything is allocated."""

IDX_TYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
"""Type code -> the NumPy type of the numbers in the file (big-endian)."""

MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
"""The four files' usual names. Each is also found as copies name it: with a dot before idx
(`train-images.idx3-ubyte`, as in Kaggle's copies), and either form gzipped (`.gz`)."""

MAX_MNIST_IMAGES = 200_000
"""The most images `load_mnist` reads from one file (MNIST and Fashion-MNIST have 60,000 and
10,000): as float64 they take 784 * 8 bytes each, so 200,000 are 1.25 GB. A header announcing
more is refused before the data is read."""

WHERE_TO_GET_THEM = (
    "the four files come from the MNIST page (https://yann.lecun.com/exdb/mnist/, mirrored at "
    "https://github.com/cvdfoundation/mnist) or from Fashion-MNIST "
    "(https://github.com/zalandoresearch/fashion-mnist), under these names (or with a dot before idx, "
    "as train-images.idx3-ubyte), gzipped or not; nothing is downloaded for you"
)

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20  # data is read 1 MiB at a time, straight into the array (a gzip file through a 1 MiB buffer)


def load_idx(path) -> np.ndarray:
    """The array stored in an IDX file (gzipped or not), with the file's shape and number type.

    The numbers come in the machine's own byte order (e.g. uint8 for type 0x08,
    float64 for 0x0E). Anything that does not add up raises a ValueError naming
    the file: a wrong magic number, an unknown type code, fewer or more bytes than
    the sizes promise, a file that is not a regular file or larger than
    `MAX_IDX_BYTES` (1 GiB), checked before the data is read. The data is read
    straight into the array it returns, never copied whole.
    """
    return _read_idx(check_path(path, "load_idx"), "load_idx")


def _read_idx(path: str, who: str, check=None) -> np.ndarray:
    """The array in the IDX file `path`; `check(dtype, shape)` may refuse what the header announces
    before any data is read."""
    f, size = open_regular(path, who, MAX_IDX_BYTES, "1 GiB")
    with f:
        gzipped = f.read(2) == _GZIP_MAGIC
        f.seek(0)
        stream = gzip.GzipFile(fileobj=f, mode="rb") if gzipped else f
        try:
            with stream:
                dtype, shape, nbytes = _read_header(stream, path, who)
                if not gzipped and size != 4 + 4 * len(shape) + nbytes:
                    _wrong_length(path, who, shape, dtype, nbytes, size - 4 - 4 * len(shape))
                if check is not None:
                    check(dtype, shape)
                array = _read_data(stream, path, who, dtype, shape, nbytes)
        except (EOFError, gzip.BadGzipFile, zlib.error) as e:
            raise ValueError(f"{who}: {path} is a damaged gzip file (truncated or corrupt?): {e}") from None
    if not dtype.isnative and dtype.itemsize > 1:
        array = array.byteswap(inplace=True).view(dtype.newbyteorder("="))  # in place: no second copy
    return array.view(dtype.newbyteorder("="))


def _read_data(stream, path: str, who: str, dtype, shape, nbytes: int) -> np.ndarray:
    """The data after the header, read in chunks into its final array (the file's byte order).

    The array is reserved, not written, up front: the operating system gives it memory only as
    chunks arrive, so a header promising much more than the file holds costs little.
    """
    array = np.empty(shape, dtype=dtype)
    view = memoryview(array.reshape(-1).view(np.uint8)) if nbytes else memoryview(b"")
    done = 0
    while done < nbytes:
        got = stream.readinto(view[done : min(done + _CHUNK, nbytes)])
        if not got:
            _wrong_length(path, who, shape, dtype, nbytes, done)
        done += got
    if stream.read(1):
        _wrong_length(path, who, shape, dtype, nbytes, None)
    return array


def _read_header(stream, path: str, who: str) -> tuple[np.dtype, tuple[int, ...], int]:
    """The number type, the shape and the number of data bytes an IDX header announces."""
    magic = stream.read(4)
    if len(magic) < 4 or magic[:2] != b"\0\0":
        raise ValueError(
            f"{who}: {path} is not an IDX file: it starts with {magic.hex(' ') or 'nothing'}, "
            "an IDX file with 00 00, a type code and the number of dimensions"
        )
    code, ndim = magic[2], magic[3]
    if code not in IDX_TYPES:
        known = ", ".join(f"0x{c:02X} ({t.name})" for c, t in IDX_TYPES.items())
        raise ValueError(f"{who}: {path} has the unknown IDX type code 0x{code:02X}; the known ones are {known}")
    header = stream.read(4 * ndim)
    if len(header) < 4 * ndim:
        raise ValueError(
            f"{who}: {path} is truncated inside its header: {ndim} sizes of 4 bytes announced, "
            f"{len(header)} bytes follow"
        )
    shape = struct.unpack(f">{ndim}I", header)
    dtype = IDX_TYPES[code]
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > MAX_IDX_BYTES:
        raise ValueError(
            f"{who}: {path} announces an array of sizes {list(shape)} of {dtype.name} ({nbytes:,} bytes), "
            f"more than the 1 GiB limit ({MAX_IDX_BYTES:,} bytes): not a data set this course reads"
        )
    return dtype, shape, nbytes


def _wrong_length(path: str, who: str, shape, dtype, nbytes: int, found: int | None):
    promised = f"its header announces sizes {list(shape)} of {dtype.name}, {nbytes:,} bytes of data"
    if found is None or found > nbytes:
        more = "" if found is None else f" ({found - nbytes:,} extra)"
        raise ValueError(f"{who}: {path} has trailing bytes{more}: {promised}, and more follows")
    raise ValueError(f"{who}: {path} is truncated: {promised}, but only {found:,} bytes follow")


def load_mnist(directory):
    """MNIST or Fashion-MNIST from their four IDX files in `directory`: (X_train, y_train), (X_test, y_test).

    The files have their usual names (train-images-idx3-ubyte, train-labels-idx1-ubyte,
    t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte) or the ones copies use, with a dot
    before idx (train-images.idx3-ubyte), each one plain or with `.gz`; two variants of one
    file in the folder are refused, naming both. X is float64 of shape (n, 784): each 28x28
    image flattened row by row, pixels scaled from 0..255 to [0, 1]; y holds the classes
    0..9 as integers. Missing files are named, with where to get them; files that do not fit
    together (not 28x28 unsigned bytes, labels not one per image or outside 0..9, more than
    `MAX_MNIST_IMAGES`) raise a ValueError, checked on the headers before the images are read.
    """
    directory = check_path(directory, "load_mnist", "directory")
    if not os.path.isdir(directory):
        what = "is not a directory" if os.path.exists(directory) else "does not exist"
        raise FileNotFoundError(f"load_mnist: the directory {directory} {what}; {WHERE_TO_GET_THEM}")
    found, missing = {}, []
    for key, name in MNIST_FILES.items():
        present = [v for v in _name_variants(name) if os.path.lexists(os.path.join(directory, v))]
        if len(present) > 1:
            raise ValueError(
                f"load_mnist: {directory} has {' and '.join(present)}, {len(present)} copies of one file; "
                "keep one of them (they might hold different data)"
            )
        if present:
            found[key] = os.path.join(directory, present[0])
        else:
            missing.append(name)
    if missing:
        raise FileNotFoundError(
            f"load_mnist: {directory} has no {' and no '.join(missing)} (nor the same name with .gz, "
            f"or with a dot before idx); {WHERE_TO_GET_THEM}"
        )
    train = _images_and_labels(found["train_images"], found["train_labels"])
    test = _images_and_labels(found["test_images"], found["test_labels"])
    return train, test


def _name_variants(name: str) -> list[str]:
    """train-images-idx3-ubyte, train-images.idx3-ubyte, and each with .gz."""
    dotted = name.replace("-idx", ".idx")
    return [name, name + ".gz", dotted, dotted + ".gz"]


def _images_and_labels(images_path: str, labels_path: str) -> tuple[np.ndarray, np.ndarray]:
    def check_labels(dtype, shape):
        if dtype != np.dtype(">u1") or len(shape) != 1:
            raise ValueError(
                f"load_mnist: {labels_path} holds {dtype.name} of sizes {list(shape)}; "
                "MNIST labels are unsigned bytes of sizes [n]"
            )
        if shape[0] > MAX_MNIST_IMAGES:
            raise ValueError(
                f"load_mnist: {labels_path} announces {shape[0]:,} labels, more than the {MAX_MNIST_IMAGES:,} "
                "images load_mnist reads (nn.idx.MAX_MNIST_IMAGES; MNIST has 60,000)"
            )

    labels = _read_idx(labels_path, "load_mnist", check_labels)
    if len(labels) and labels.max() > 9:
        where = int(np.argmax(labels > 9))
        raise ValueError(f"load_mnist: {labels_path} has the label {labels[where]} at {where}; classes are 0..9")

    def check_images(dtype, shape):
        if dtype != np.dtype(">u1") or len(shape) != 3 or shape[1:] != (28, 28):
            raise ValueError(
                f"load_mnist: {images_path} holds {dtype.name} of sizes {list(shape)}; "
                "MNIST images are unsigned bytes of sizes [n, 28, 28]"
            )
        if shape[0] != len(labels):
            raise ValueError(
                f"load_mnist: {images_path} has {shape[0]:,} images but {labels_path} has {len(labels):,} labels"
            )

    images = _read_idx(images_path, "load_mnist", check_images)
    return images.reshape(len(images), 784) / 255.0, labels.astype(np.int64)
