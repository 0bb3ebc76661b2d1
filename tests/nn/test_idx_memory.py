"""IDX files that announce more than they hold, or more than a documented limit, cost little memory
(issue 22, case 10), and the data is read without a second full copy; the names copies of MNIST use."""

import gzip
import os
import struct
import tracemalloc

import numpy as np
import pytest

from nn import load_idx, load_mnist
from nn.idx import MAX_MNIST_IMAGES


def _peak(call):
    """call()'s result (or exception) and the most memory Python allocated meanwhile, in bytes."""
    tracemalloc.start()
    try:
        try:
            result = call()
        except Exception as e:  # noqa: BLE001 - returned to the test, which checks it
            result = e
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _doubles(n: int) -> tuple[bytes, np.ndarray]:
    """An IDX file of n doubles (big-endian, type 0x0E) and the numbers it holds."""
    numbers = np.arange(n, dtype=float) * 0.5 - 3.0
    head = bytes([0, 0, 0x0E, 1]) + struct.pack(">I", n)
    return head + numbers.astype(">f8").tobytes(), numbers


@pytest.mark.parametrize("gzipped", [False, True], ids=["raw", "gzip"])
def test_load_idx_reads_without_a_second_copy(tmp_path, gzipped):
    content, numbers = _doubles(4_000_000)  # 32 MB of data
    path = tmp_path / "big.idx"
    path.write_bytes(gzip.compress(content, compresslevel=1) if gzipped else content)
    del content
    array, peak = _peak(lambda: load_idx(path))
    assert isinstance(array, np.ndarray) and array.dtype == np.float64 and array.dtype.isnative
    assert np.array_equal(array, numbers)
    assert peak < 1.2 * array.nbytes  # the array, a bounded chunk, no copy of it all


def test_mnist_headers_beyond_the_limit_are_refused_before_the_data(tmp_path):
    """The issue's case: small gzip files whose headers announce 1,369,568 images (8.6 GB as float64)."""
    n = 1_369_568
    files = {
        "train-images-idx3-ubyte.gz": bytes([0, 0, 8, 3]) + struct.pack(">3I", n, 28, 28) + bytes(1000),
        "train-labels-idx1-ubyte.gz": bytes([0, 0, 8, 1]) + struct.pack(">I", n) + bytes(n),
        "t10k-images-idx3-ubyte.gz": bytes([0, 0, 8, 3]) + struct.pack(">3I", 1, 28, 28) + bytes(784),
        "t10k-labels-idx1-ubyte.gz": bytes([0, 0, 8, 1]) + struct.pack(">I", 1) + bytes(1),
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(gzip.compress(content))
    error, peak = _peak(lambda: load_mnist(tmp_path))
    assert isinstance(error, ValueError)
    assert "train-labels-idx1-ubyte.gz announces 1,369,568 labels, more than the 200,000" in str(error)
    assert peak < 2_000_000  # nothing read beyond the header


def test_images_not_matching_the_labels_are_refused_before_they_are_read(tmp_path):
    n = MAX_MNIST_IMAGES
    files = {
        "train-images-idx3-ubyte.gz": bytes([0, 0, 8, 3]) + struct.pack(">3I", n, 28, 28) + bytes(1000),
        "train-labels-idx1-ubyte.gz": bytes([0, 0, 8, 1]) + struct.pack(">I", 3) + bytes(3),
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(gzip.compress(content))
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        (tmp_path / name).write_bytes(b"")
    error, peak = _peak(lambda: load_mnist(tmp_path))
    assert isinstance(error, ValueError) and "has 200,000 images but" in str(error) and "3 labels" in str(error)
    assert peak < 2_000_000


# ---- the names copies use (issue 21, item 6) -------------------------------------------------

USUAL = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def _write_small_mnist(folder, style):
    """Two training and one test image with their labels, under the names of `style`."""
    contents = [
        bytes([0, 0, 8, 3]) + struct.pack(">3I", 2, 28, 28) + bytes(range(256)) * 6 + bytes(32),
        bytes([0, 0, 8, 1]) + struct.pack(">I", 2) + bytes([7, 3]),
        bytes([0, 0, 8, 3]) + struct.pack(">3I", 1, 28, 28) + bytes([255]) * 784,
        bytes([0, 0, 8, 1]) + struct.pack(">I", 1) + bytes([9]),
    ]
    for name, content in zip(USUAL, contents):
        if "dot" in style:
            name = name.replace("-idx", ".idx")
        if "gz" in style:
            (folder / (name + ".gz")).write_bytes(gzip.compress(content))
        else:
            (folder / name).write_bytes(content)


@pytest.mark.parametrize("style", ["dash", "dash gz", "dot", "dot gz"])
def test_every_name_variant_is_found(tmp_path, style):
    _write_small_mnist(tmp_path, style)
    (X, y), (X_test, y_test) = load_mnist(tmp_path)
    assert y.tolist() == [7, 3] and y_test.tolist() == [9]
    assert X[0, 255] == 1.0 and X[0, 256] == 0.0 and X_test.min() == 1.0


def test_the_kaggle_names_mixed_with_the_usual_ones(tmp_path):
    _write_small_mnist(tmp_path, "dash")
    os.rename(tmp_path / USUAL[0], tmp_path / "train-images.idx3-ubyte")
    assert load_mnist(tmp_path)[0][1].tolist() == [7, 3]


@pytest.mark.parametrize("other", ["train-images-idx3-ubyte.gz", "train-images.idx3-ubyte"])
def test_two_variants_of_one_file_are_refused_naming_both(tmp_path, other):
    _write_small_mnist(tmp_path, "dash")
    (tmp_path / other).write_bytes(b"another copy")
    with pytest.raises(ValueError, match=f"has train-images-idx3-ubyte and {other}, 2 copies of one file"):
        load_mnist(tmp_path)


def test_a_missing_file_names_the_variants(tmp_path):
    _write_small_mnist(tmp_path, "dot")
    os.remove(tmp_path / "t10k-labels.idx1-ubyte")
    with pytest.raises(FileNotFoundError, match="no t10k-labels-idx1-ubyte .*with .gz, or with a dot before idx"):
        load_mnist(tmp_path)
