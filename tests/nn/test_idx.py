"""load_idx and load_mnist on small IDX files written here, good and bad.

The writer below follows the published format (two zero bytes, the type code,
the number of dimensions, big-endian 4-byte sizes, big-endian data) with
`struct`, one number at a time, independently of the reader's NumPy code.
"""

import gzip
import os
import struct
import sys
import threading

import numpy as np
import pytest

from nn import load_idx, load_mnist
from nn.idx import MAX_IDX_BYTES

# type code -> (struct format of one number, NumPy type the reader must return, sample numbers)
TYPES = {
    0x08: ("B", np.uint8, [0, 1, 127, 128, 255, 7]),
    0x09: ("b", np.int8, [-128, -1, 0, 1, 127, 5]),
    0x0B: ("h", np.int16, [-32768, -2, 0, 258, 32767, 9]),
    0x0C: ("i", np.int32, [-(2**31), -3, 0, 65536 + 2, 2**31 - 1, 11]),
    0x0D: ("f", np.float32, [-1.5, 0.0, 0.25, 3.0e38, -1.0e-38, 2.0]),
    0x0E: ("d", np.float64, [-1.5, 0.1, 1e300, -2.5e-300, 0.0, 3.0]),
}

POSIX = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero exist on POSIX systems only")


def idx_bytes(code: int, shape, numbers) -> bytes:
    """An IDX file's bytes, written by hand: the magic number, the sizes, then the numbers one by one."""
    fmt = TYPES[code][0] if code in TYPES else "B"
    head = bytes([0, 0, code, len(shape)]) + b"".join(struct.pack(">I", n) for n in shape)
    return head + b"".join(struct.pack(">" + fmt, x) for x in numbers)


def write(path, content: bytes, gzipped: bool = False):
    path.write_bytes(gzip.compress(content) if gzipped else content)
    return path


@pytest.mark.parametrize("gzipped", [False, True], ids=["raw", "gzip"])
@pytest.mark.parametrize("code", sorted(TYPES), ids=[f"0x{c:02X}" for c in sorted(TYPES)])
def test_every_type_code(tmp_path, code, gzipped):
    fmt, dtype, numbers = TYPES[code]
    path = write(tmp_path / "a.idx", idx_bytes(code, [2, 3], numbers), gzipped)
    array = load_idx(path)
    assert array.dtype == dtype and array.dtype.isnative
    assert array.shape == (2, 3)
    expected = [struct.unpack(">" + fmt, struct.pack(">" + fmt, x))[0] for x in numbers]  # float32 rounding
    assert array.ravel().tolist() == expected  # C order: the last index changes fastest
    assert array[1, 0] == expected[3]
    array[0, 0] = 1  # an ordinary writable array
    assert load_idx(str(path)).shape == (2, 3)  # a str path works as well


@pytest.mark.parametrize("shape", [[5], [2, 1, 3], [1, 2, 1, 2, 1], [0], [3, 0, 4]])
def test_shapes(tmp_path, shape):
    n = int(np.prod(shape))
    path = write(tmp_path / "s.idx", idx_bytes(0x0B, shape, range(n)))
    array = load_idx(path)
    assert array.shape == tuple(shape) and array.ravel().tolist() == list(range(n))


def test_big_endian_bytes_by_hand(tmp_path):
    # 0x0C int, one dimension of 2: 0x01020304 and -2 (0xFFFFFFFE), bytes spelled out
    raw = bytes.fromhex("0000 0C01 00000002 01020304 FFFFFFFE")
    assert load_idx(write(tmp_path / "i.idx", raw)).tolist() == [16909060, -2]


def test_trailing_bytes_of_a_raw_file_are_counted(tmp_path):
    path = write(tmp_path / "t.idx", _good() + b"abc")
    with pytest.raises(ValueError, match=r"trailing bytes \(3 extra\).*\[2, 3\] of int16, 12 bytes"):
        load_idx(path)


def test_gzip_is_recognised_by_content_not_name(tmp_path):
    path = write(tmp_path / "plain-name", idx_bytes(0x08, [3], [1, 2, 3]), gzipped=True)
    assert load_idx(path).tolist() == [1, 2, 3]
    path = write(tmp_path / "fake.gz", idx_bytes(0x08, [3], [4, 5, 6]))
    assert load_idx(path).tolist() == [4, 5, 6]


def _good():
    return idx_bytes(0x0B, [2, 3], range(6))


BAD = {
    "empty": (b"", "not an IDX file"),
    "wrong magic": (b"\x01\x02" + _good()[2:], "not an IDX file.*01 02"),
    "text file": (b"hello, world\n", "not an IDX file"),
    "unknown type code": (bytes([0, 0, 0x0A, 1]) + struct.pack(">I", 1) + b"\0", "unknown IDX type code 0x0A"),
    "header cut": (_good()[:7], "truncated inside its header"),
    "data cut": (_good()[:-1], r"truncated.*\[2, 3\].*12 bytes.*only 11"),
    "no data": (_good()[:12], "truncated.*only 0"),
    "one byte more": (_good() + b"\0", "trailing bytes"),
    "two files in one": (_good() + _good(), "trailing bytes"),
    "absurd sizes": (bytes([0, 0, 0x08, 3]) + struct.pack(">3I", 65535, 65535, 65535), "more than the 1 GiB limit"),
    "absurd doubles": (bytes([0, 0, 0x0E, 1]) + struct.pack(">I", MAX_IDX_BYTES // 8 + 1), "1 GiB limit"),
}


# each case raw and gzipped (an empty file compressed is no longer empty: that one raw only)
BAD_CASES = [(case, gz) for case in sorted(BAD) for gz in (False, True) if not (gz and case == "empty")]


@pytest.mark.parametrize("case, gzipped", BAD_CASES, ids=[f"{c}-{'gzip' if g else 'raw'}" for c, g in BAD_CASES])
def test_bad_files(tmp_path, case, gzipped):
    content, message = BAD[case]
    path = write(tmp_path / "bad.idx", content, gzipped)
    with pytest.raises(ValueError, match=message) as info:
        load_idx(path)
    assert str(path) in str(info.value) and "load_idx" in str(info.value)


def test_a_header_promising_much_more_than_the_gzip_holds_allocates_little(tmp_path):
    # 900 MB announced (under the limit), 10 bytes there: refused as truncated after reading what is there
    content = bytes([0, 0, 0x08, 1]) + struct.pack(">I", 900_000_000) + bytes(10)
    path = write(tmp_path / "liar.idx.gz", content, gzipped=True)
    with pytest.raises(ValueError, match="truncated.*900,000,000 bytes.*only 10 bytes"):
        load_idx(path)


@pytest.mark.parametrize("cut", ["half", "last byte"])
def test_damaged_gzip(tmp_path, cut):
    packed = gzip.compress(idx_bytes(0x0E, [40], [float(i) for i in range(40)]))
    path = tmp_path / "cut.idx.gz"
    path.write_bytes(packed[: len(packed) // 2] if cut == "half" else packed[:-1])
    with pytest.raises(ValueError, match="damaged gzip file") as info:
        load_idx(path)
    assert str(path) in str(info.value)


def test_garbage_after_the_gzip_stream(tmp_path):
    path = tmp_path / "g.idx.gz"
    path.write_bytes(gzip.compress(_good()) + b"garbage")
    with pytest.raises(ValueError, match="g.idx.gz"):
        load_idx(path)


def test_missing_file_and_wrong_argument(tmp_path):
    with pytest.raises(FileNotFoundError, match="load_idx: No such file.*nothing.idx"):  # names the call
        load_idx(tmp_path / "nothing.idx")
    with pytest.raises(TypeError, match="load_idx: path must be a str or a path.*int 3"):
        load_idx(3)
    with pytest.raises(TypeError, match="load_idx: path"):
        load_idx(b"bytes.idx")


def test_directory_refused(tmp_path):
    if sys.platform == "win32":
        pytest.skip("Windows refuses to open a directory with its own PermissionError")
    with pytest.raises(ValueError, match="is a directory, not a regular file"):
        load_idx(tmp_path)


@POSIX
def test_dev_zero_refused():
    with pytest.raises(ValueError, match="/dev/zero is a character device, not a regular file"):
        load_idx("/dev/zero")


@POSIX
def test_fifo_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # nobody writes to it: reading would wait for ever
    outcome = []

    def run():
        try:
            load_idx(fifo)
        except ValueError as e:
            outcome.append(e)

    thread = threading.Thread(target=run, daemon=True)  # a blocked read fails the test instead of hanging it
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "load_idx(FIFO) still waiting after 10 s"
    assert len(outcome) == 1 and "is a FIFO (named pipe), not a regular file" in str(outcome[0])


# ---- load_mnist ----------------------------------------------------------------------------

NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def images(n, seed):
    """n random 28x28 images as nested lists of 0..255, and their bytes (row by row)."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(n, 28, 28)).tolist()
    flat = [p for image in pixels for row in image for p in row]
    return pixels, idx_bytes(0x08, [n, 28, 28], flat)


def write_mnist(folder, n_train=3, n_test=2, gz=(False, True, False, True)):
    """The four files (some gzipped), with known pixels and labels; returns what they hold."""
    train_pixels, train_images = images(n_train, 1)
    test_pixels, test_images = images(n_test, 2)
    train_labels, test_labels = [9, 0, 4, 1, 7][:n_train], [3, 8, 2][:n_test]
    contents = [train_images, idx_bytes(0x08, [n_train], train_labels)]
    contents += [test_images, idx_bytes(0x08, [n_test], test_labels)]
    for name, content, gzipped in zip(NAMES, contents, gz):
        write(folder / (name + (".gz" if gzipped else "")), content, gzipped)
    return train_pixels, train_labels, test_pixels, test_labels


@pytest.mark.parametrize("gz", [(False,) * 4, (True,) * 4, (False, True, True, False)], ids=["raw", "gzip", "mixed"])
def test_load_mnist(tmp_path, gz):
    train_pixels, train_labels, test_pixels, test_labels = write_mnist(tmp_path, gz=gz)
    (X_train, y_train), (X_test, y_test) = load_mnist(tmp_path)
    assert X_train.shape == (3, 784) and X_test.shape == (2, 784)
    assert X_train.dtype == np.float64 and 0.0 <= X_train.min() and X_train.max() <= 1.0
    # image 1, row 5, column 17 is pixel 5 * 28 + 17 of the flattened row, divided by 255
    assert X_train[1, 5 * 28 + 17] == train_pixels[1][5][17] / 255
    assert X_test.tolist() == [[p / 255 for row in image for p in row] for image in test_pixels]
    assert y_train.tolist() == train_labels and y_test.tolist() == test_labels
    assert np.issubdtype(y_train.dtype, np.integer) and np.issubdtype(y_test.dtype, np.integer)
    assert load_mnist(str(tmp_path))[1][1].tolist() == test_labels


def test_extremes_scale_to_0_and_1(tmp_path):
    write_mnist(tmp_path)
    write(tmp_path / NAMES[2], idx_bytes(0x08, [2, 28, 28], [0] * 784 + [255] * 784))
    (_, _), (X_test, _) = load_mnist(tmp_path)
    assert set(X_test[0]) == {0.0} and set(X_test[1]) == {1.0}


@pytest.mark.parametrize("which", range(4))
def test_a_missing_file_is_named_with_where_to_get_it(tmp_path, which):
    write_mnist(tmp_path, gz=(False,) * 4)
    os.remove(tmp_path / NAMES[which])
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(tmp_path)
    message = str(info.value)
    assert NAMES[which] in message and str(tmp_path) in message
    assert [name for name in NAMES if name in message] == [NAMES[which]]  # only the missing one
    assert "yann.lecun.com/exdb/mnist" in message and "fashion-mnist" in message


def test_all_missing_names_all(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(tmp_path)
    assert all(name in str(info.value) for name in NAMES)
    with pytest.raises(FileNotFoundError, match="does not exist.*fashion-mnist"):
        load_mnist(tmp_path / "nowhere")
    (tmp_path / "file").write_text("x")
    with pytest.raises(FileNotFoundError, match="is not a directory"):
        load_mnist(tmp_path / "file")
    with pytest.raises(TypeError, match="load_mnist: directory"):
        load_mnist(None)


MNIST_BAD = {
    "more labels than images": (1, idx_bytes(0x08, [4], [1, 2, 3, 4]), "3 images but .* 4 labels"),
    "fewer test labels": (3, idx_bytes(0x08, [1], [1]), "2 images but .* 1 labels"),
    "images 28x27": (0, idx_bytes(0x08, [3, 28, 27], [0] * (3 * 28 * 27)), r"sizes \[3, 28, 27\].*\[n, 28, 28\]"),
    "images flat": (2, idx_bytes(0x08, [2, 784], [0] * (2 * 784)), r"sizes \[2, 784\]"),
    "images as floats": (0, idx_bytes(0x0D, [3, 28, 28], [0.5] * (3 * 784)), "float32"),
    "labels as a matrix": (1, idx_bytes(0x08, [3, 1], [1, 2, 3]), r"sizes \[3, 1\]"),
    "labels as ints": (3, idx_bytes(0x0C, [2], [1, 2]), "int32"),
    "label 10": (1, idx_bytes(0x08, [3], [1, 10, 2]), "label 10 at 1; classes are 0..9"),
    "truncated images": (2, images(2, 2)[1][:-5], "truncated"),
    "not IDX": (3, b"0,1\n", "not an IDX file"),
}


@pytest.mark.parametrize("case", sorted(MNIST_BAD))
def test_mnist_files_that_do_not_fit(tmp_path, case):
    which, content, message = MNIST_BAD[case]
    write_mnist(tmp_path, gz=(False,) * 4)
    write(tmp_path / NAMES[which], content)
    with pytest.raises(ValueError, match=message) as info:
        load_mnist(tmp_path)
    assert NAMES[which] in str(info.value) and "load_mnist" in str(info.value)


@POSIX
def test_mnist_fifo_refused(tmp_path):
    write_mnist(tmp_path, gz=(False,) * 4)
    os.remove(tmp_path / NAMES[1])
    os.mkfifo(tmp_path / NAMES[1])
    with pytest.raises(ValueError, match="FIFO"):
        load_mnist(tmp_path)


def test_a_file_over_1_gib_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.idx"
    with open(path, "wb") as f:
        f.write(bytes([0, 0, 0x08, 1]) + struct.pack(">I", 5))
        f.truncate(MAX_IDX_BYTES + 1)  # sparse: takes no disk space
    with pytest.raises(ValueError, match=r"1,073,741,825 bytes, more than the 1 GiB limit"):
        load_idx(path)
