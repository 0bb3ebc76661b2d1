"""The perceptron rule (TEACHING.md section 4): learns AND and OR, never gets XOR without mistakes."""

import pytest

from nn import Perceptron, truth_table


@pytest.mark.parametrize("gate", ["and", "or"])
@pytest.mark.parametrize("seed", range(5))
def test_converges_on_linearly_separable_gates(gate, seed):
    X, y = truth_table(gate)
    p = Perceptron(2, rng=seed)
    mistakes = p.fit(X, y, max_epochs=100)
    assert mistakes[-1] == 0 and all(m > 0 for m in mistakes[:-1])
    assert len(mistakes) < 100
    assert [p.predict(x) for x in X] == y


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("lr", [1.0, 0.1])
def test_never_reaches_zero_mistakes_on_xor(seed, lr):
    X, y = truth_table("xor")
    p = Perceptron(2, lr=lr, rng=seed)
    mistakes = p.fit(X, y, max_epochs=100)
    assert len(mistakes) == 100
    assert min(mistakes) > 0
    assert [p.predict(x) for x in X] != y


def test_rule_by_hand():
    p = Perceptron(2, lr=0.5, rng=0)
    p.weights, p.bias = [0.0, 0.0], 0.0
    # z = 0 -> step gives 0; target 1: error +1, w <- w + 0.5 * x, bias <- bias + 0.5
    assert p.fit([[1.0, 2.0]], [1]) == [1, 0]
    assert p.weights == [0.5, 1.0] and p.bias == 0.5
    p.weights, p.bias = [1.0, 1.0], 0.0
    # z = 3 > 0 -> 1; target 0: error -1
    assert p.fit([[1.0, 2.0]], [0], max_epochs=1) == [1]
    assert p.weights == [0.5, 0.0] and p.bias == -0.5
    assert p.predict([0.0, 0.0]) == 0  # z = -0.5


def test_small_random_start_and_seeds():
    a, b = Perceptron(3, rng=1), Perceptron(3, rng=1)
    assert a.weights == b.weights and a.bias == b.bias
    assert a.weights != Perceptron(3, rng=2).weights
    assert all(abs(w) <= 0.01 for w in a.weights + [a.bias])
    assert all(abs(w) <= 0.5 for w in Perceptron(3, init_scale=0.5, rng=1).weights)


def test_errors():
    p = Perceptron(2, rng=0)
    with pytest.raises(ValueError, match="0 or 1"):
        p.fit([[0, 0]], [-1])
    with pytest.raises(ValueError, match="expected 2 inputs"):
        p.predict([1.0])
    with pytest.raises(ValueError, match="2 inputs but 1 targets"):
        p.fit([[0, 0], [1, 1]], [0])
    with pytest.raises(ValueError, match="nin"):
        Perceptron(0)
