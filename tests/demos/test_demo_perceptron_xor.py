"""The perceptron learns AND and OR, never XOR; the hand-made and the trained networks solve XOR."""

import pytest
from checks import needs_dot
from picture_checks import check_image

from demos import perceptron_xor

XOR = {(0.0, 0.0): 0, (0.0, 1.0): 1, (1.0, 0.0): 1, (1.0, 1.0): 0}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return perceptron_xor.run(tmp_path_factory.mktemp("out"), quick=True)


def test_perceptron_converges_on_and_or(result):
    for gate in ("and", "or"):
        mistakes = result["perceptron_mistakes"][gate]
        assert mistakes[-1] == 0
        assert len(mistakes) < perceptron_xor.MAX_EPOCHS


def test_perceptron_never_converges_on_xor(result):
    mistakes = result["perceptron_mistakes"]["xor"]
    assert len(mistakes) == perceptron_xor.MAX_EPOCHS
    assert all(m > 0 for m in mistakes)


def test_xor_never_separable_whatever_the_seed():
    for seed in range(5):
        runs = perceptron_xor.perceptron_runs(max_epochs=30, seed=seed)
        assert min(runs["xor"][1]) > 0


def test_hand_made_network(result):
    assert result["hand_made_outputs"] == [0.0, 1.0, 1.0, 0.0]  # inputs 00, 01, 10, 11
    assert result["hand_made_correct"]


def test_trained_network_classifies_all_four(result):
    probs = result["xor_probabilities"]
    for p, target in zip(probs, XOR.values()):
        assert (p > 0.5) == (target == 1)
    assert result["xor_correct"]
    assert result["xor_losses"][-1] < 0.05 < result["xor_losses"][0]


def test_printed_mistakes(tmp_path, capsys):
    r = perceptron_xor.run(tmp_path, quick=True)
    text = capsys.readouterr().out
    assert "XOR  " + " ".join(map(str, r["perceptron_mistakes"]["xor"])) in text
    assert "never converges" in text


def test_pictures(result):
    names = {p.name for p in result["images"]}
    assert {"perceptron.png", "xor_network.png"} <= names
    for path in result["images"]:
        check_image(path)


@needs_dot
def test_graph_rendered(result):
    assert "xor_graph.png" in {p.name for p in result["images"]}
