"""The real MNIST files at ../shared/data/mnist (beside the project), when they are there (issue 21, item 6).

Every expected number is read independently of nn, with gzip and struct, or is MNIST's published
figure; the checksums are the ones the folder's README lists.
"""

import collections
import gzip
import hashlib
import os
import re
import struct
from pathlib import Path

import numpy as np
import pytest

from nn import load_mnist

MNIST = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mnist"
NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]

pytestmark = pytest.mark.skipif(
    not all((MNIST / (name + ".gz")).is_file() for name in NAMES),
    reason=f"the real MNIST files are not at {MNIST} (a clone of the project alone does not have them)",
)

TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]  # MNIST's test set, digits 0..9


def _raw(name: str) -> bytes:
    with gzip.open(MNIST / (name + ".gz"), "rb") as f:
        return f.read()


def _labels_by_hand(name: str) -> list[int]:
    raw = _raw(name)
    magic, n = struct.unpack(">II", raw[:8])
    assert magic == 2049  # 0x00000801: unsigned bytes, one dimension
    return list(raw[8 : 8 + n])


@pytest.fixture(scope="module")
def mnist():
    return load_mnist(MNIST)


def test_the_first_training_labels(mnist):
    (_, y_train), _ = mnist
    assert y_train[:5].tolist() == [5, 0, 4, 1, 9]
    assert y_train[:10].tolist() == _labels_by_hand("train-labels-idx1-ubyte")[:10] == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]


def test_the_test_set_class_counts(mnist):
    _, (_, y_test) = mnist
    by_hand = collections.Counter(_labels_by_hand("t10k-labels-idx1-ubyte"))
    assert [by_hand[d] for d in range(10)] == TEST_COUNTS
    assert np.bincount(y_test, minlength=10).tolist() == TEST_COUNTS
    assert sum(TEST_COUNTS) == 10_000


def test_shapes_and_pixels(mnist):
    (X_train, y_train), (X_test, y_test) = mnist
    assert X_train.shape == (60_000, 784) and X_test.shape == (10_000, 784)
    assert y_train.shape == (60_000,) and y_test.shape == (10_000,)
    assert X_train.dtype == np.float64 and X_train.min() == 0.0 and X_train.max() == 1.0
    raw = _raw("t10k-images-idx3-ubyte")
    magic, n, rows, cols = struct.unpack(">IIII", raw[:16])
    assert (magic, n, rows, cols) == (2051, 10_000, 28, 28)
    last = raw[16 + 9_999 * 784 : 16 + 10_000 * 784]  # the last test image, row by row
    assert X_test[-1].tolist() == [p / 255 for p in last]


def test_the_checksums_of_the_folders_readme():
    listed = dict(re.findall(r"^- (\S+-ubyte) ([0-9a-f]{64})$", (MNIST / "README.md").read_text(), re.M))
    assert sorted(listed) == sorted(NAMES)
    for name, digest in listed.items():
        assert hashlib.sha256(_raw(name)).hexdigest() == digest, name


def test_the_names_kaggles_copies_use(tmp_path, mnist):
    if not hasattr(os, "symlink"):
        pytest.skip("no symbolic links here")
    for name in NAMES:  # train-images.idx3-ubyte.gz: a dot before idx
        os.symlink(MNIST / (name + ".gz"), tmp_path / (name.replace("-idx", ".idx") + ".gz"))
    (_, y_train), (_, y_test) = load_mnist(tmp_path)
    assert np.array_equal(y_train, mnist[0][1]) and np.array_equal(y_test, mnist[1][1])
