"""Mini-batches: batch, stochastic and mini-batch gradient descent; shuffling per epoch with a seed."""

import random

import pytest

from nn import MLP, SGD, Perceptron, as_rows, batches, train, truth_table

X = [[float(i), float(-i)] for i in range(10)]
Y = list(range(10))


def sizes(it):
    return [len(xb) for xb, _ in it]


def test_batch_sizes():
    assert sizes(batches(X, Y)) == [10]  # batch gradient descent
    assert sizes(batches(X, Y, batch_size=1)) == [1] * 10  # stochastic
    assert sizes(batches(X, Y, batch_size=4)) == [4, 4, 2]  # mini-batches, the last one smaller
    assert sizes(batches(X, Y, batch_size=50)) == [10]


def test_every_sample_once_and_pairs_kept_together():
    seen = []
    for xb, yb in batches(X, Y, batch_size=3, rng=1):
        for x, t in zip(xb, yb):
            assert x == [float(t), float(-t)]
            seen.append(t)
    assert sorted(seen) == Y


def test_shuffle_each_epoch_reproducibly():
    def epochs(rng, n=3):
        return [[t for _, yb in batches(X, Y, batch_size=2, rng=rng) for t in yb] for _ in range(n)]

    first = epochs(random.Random(7))
    assert first == epochs(random.Random(7))  # reproducible
    assert first[0] != first[1] != first[2]  # a new order every epoch
    assert first != epochs(random.Random(8))
    assert [t for _, yb in batches(X, Y, shuffle=False) for t in yb] == Y
    # an int seed gives the same order every time it is used
    assert [t for _, yb in batches(X, Y, rng=3) for t in yb] == [t for _, yb in batches(X, Y, rng=3) for t in yb]


def test_numpy_arrays():
    np = pytest.importorskip("numpy")
    xb, yb = next(batches(np.array(X), np.array(Y), shuffle=False))
    assert xb == X and yb == Y
    assert type(xb[0][0]) is float and type(yb[0]) is int


def test_errors_are_raised_at_the_call():
    with pytest.raises(ValueError, match="10 inputs but 9 targets"):
        batches(X, Y[:-1])
    with pytest.raises(ValueError, match="empty"):
        batches([], [])
    for bad in (0, -1):
        with pytest.raises(ValueError, match="batch_size"):
            batches(X, Y, batch_size=bad)
    for bad in (2.5, True):  # not whole numbers: the wrong type
        with pytest.raises(TypeError, match="batch_size"):
            batches(X, Y, batch_size=bad)
    with pytest.raises(TypeError, match="X must be a sequence"):
        batches(5, Y)


def test_truth_tables():
    inputs, and_ = truth_table("and")
    assert inputs == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert and_ == [0, 0, 0, 1]
    assert truth_table("or")[1] == [0, 1, 1, 1]
    assert truth_table("XOR")[1] == [0, 1, 1, 0]
    with pytest.raises(ValueError, match="nand"):
        truth_table("nand")


def test_as_rows_reads_lists_tuples_generators_and_numpy():
    assert as_rows(((1, 2), (3, 4))) == [(1, 2), (3, 4)]
    assert as_rows(x for x in range(3)) == [0, 1, 2]
    np = pytest.importorskip("numpy")
    rows = as_rows(np.array([[0.5, 1.0], [2.0, 3.0]]))
    assert rows == [[0.5, 1.0], [2.0, 3.0]] and type(rows[0][0]) is float


def test_as_rows_errors_name_the_function_and_the_argument():
    model = MLP(2, [1], rng=0)
    for call, who, name in [
        (lambda: as_rows(5), "as_rows", "data"),
        (lambda: batches(X, 5), "batches", "y"),
        (lambda: train(model, 5, Y, optimizer=SGD(model.parameters())), "train", "X"),
        (lambda: Perceptron(2, rng=0).fit(X, 5), "Perceptron.fit", "y"),
    ]:
        with pytest.raises(TypeError) as err:
            call()
        assert who in str(err.value) and name in str(err.value) and "int" in str(err.value)
