"""The slides' Keras networks trained compiled on the real MNIST files (issue 21, item 6), when
../shared/data/mnist is there beside the project; skipped with the reason otherwise.

The first steps are recomputed independently in NumPy (forward pass, Keras' losses, the gradients
by the delta rule written out, SGD and Adam's updates from their formulas) from the model's own
starting weights; then one full epoch of 60,000 images must lower the held-out loss and beat chance.
"""

import random
from pathlib import Path

import numpy as np
import pytest

from demos import digits
from nn import accuracy, load_mnist, train

MNIST = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mnist"
NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]

pytestmark = pytest.mark.skipif(
    not all((MNIST / (name + ".gz")).is_file() for name in NAMES),
    reason=f"the real MNIST files are not at {MNIST} (a clone of the project alone does not have them)",
)

B = 32  # Keras' batch size
STEPS = 3  # the first steps recomputed in NumPy


@pytest.fixture(scope="module")
def mnist():
    return load_mnist(MNIST)


def _weights(model):
    """[(W, b)] per layer as arrays: W[j] holds neuron j's weights."""
    return [
        (np.array([[w.data for w in n.w] for n in layer.neurons]), np.array([n.b.data for n in layer.neurons]))
        for layer in model.layers
    ]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _numpy_losses_and_weights(layers, X, y, kind: str, steps: int):
    """The first `steps` batches of B images in order: each batch's loss (before its update) and the
    weights after the last update, for the slides' first model ("mse": sigmoid everywhere, Keras' mse,
    SGD 0.8) or second ("ce": relu, relu, softmax, cross-entropy, Adam 0.001 / 0.9 / 0.999 / 1e-7)."""
    params = [p.copy() for W, b in layers for p in (W, b)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    losses = []
    for t in range(1, steps + 1):
        xb, yb = X[(t - 1) * B : t * B], y[(t - 1) * B : t * B]
        target = np.eye(10)[yb]
        acts = [xb]
        for k in range(3):
            z = acts[-1] @ params[2 * k].T + params[2 * k + 1]
            if kind == "mse":
                acts.append(_sigmoid(z))
            else:
                acts.append(np.maximum(z, 0.0) if k < 2 else z)
        out = acts[-1]
        if kind == "mse":
            losses.append(np.mean((out - target) ** 2))
            delta = 2.0 * (out - target) / out.size * out * (1.0 - out)
        else:
            shifted = out - out.max(axis=1, keepdims=True)
            p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
            losses.append(-np.mean(np.log(p[np.arange(len(yb)), yb])))
            delta = (p - target) / len(yb)
        grads = [None] * 6
        for k in (2, 1, 0):  # the delta rule: dL/dW = delta^T out_below; delta below = (delta W) f'(z)
            grads[2 * k], grads[2 * k + 1] = delta.T @ acts[k], delta.sum(axis=0)
            if k:
                below = acts[k]
                slope = below * (1.0 - below) if kind == "mse" else (below > 0).astype(float)
                delta = (delta @ params[2 * k]) * slope
        for i, g in enumerate(grads):
            if kind == "mse":
                params[i] -= 0.8 * g
            else:
                m[i] = 0.9 * m[i] + 0.1 * g
                v[i] = 0.999 * v[i] + 0.001 * g * g
                m_hat, v_hat = m[i] / (1 - 0.9**t), v[i] / (1 - 0.999**t)
                params[i] -= 0.001 * m_hat / (np.sqrt(v_hat) + 1e-7)
    return losses, params


@pytest.mark.parametrize("which, kind", [(digits.SLIDES_FIRST, "mse"), (digits.SLIDES_SECOND, "ce")])
def test_the_first_steps_on_real_images_match_numpy(mnist, which, kind):
    (X, y), _ = mnist
    X, y = X[: STEPS * B], y[: STEPS * B]
    model, optimizer, loss = digits.keras_models(seed=2, n_inputs=784)[which]
    start = _weights(model)
    losses, params = _numpy_losses_and_weights(start, X, y, kind, STEPS)
    history = train(
        model, X, y, loss=loss, optimizer=optimizer, epochs=1, batch_size=B, shuffle=False, metrics=None,
        progress=False, compiled=True,
    )  # fmt: skip
    # the epoch's loss is the mean of its (equal-sized) batches' losses, each before its update
    assert history.loss[0] == pytest.approx(np.mean(losses), rel=1e-10)
    assert losses[-1] < losses[0]  # three steps already lower the loss
    after = [p for W, b in _weights(model) for p in (W, b)]
    for ours, theirs in zip(after, params):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_one_compiled_epoch_of_the_slides_network(mnist):
    """The slides' first network (784-30-15-10, sigmoid, Keras' mse, SGD 0.8, batch 32), one epoch of
    all 60,000 images (1,875 steps; a few seconds compiled), measured on the 10,000 test images."""
    (X, y), (X_test, y_test) = mnist
    model, optimizer, loss = digits.keras_models(seed=0, n_inputs=784)[digits.SLIDES_FIRST]
    (W1, b1), (W2, b2), (W3, b3) = _weights(model)
    out = _sigmoid(_sigmoid(_sigmoid(X_test @ W1.T + b1) @ W2.T + b2) @ W3.T + b3)
    loss_before = np.mean((out - np.eye(10)[y_test]) ** 2)  # Keras' mse, in NumPy, before training
    assert 0.05 < loss_before < 0.5  # Glorot weights: outputs near 0.5, so about (9 * 0.25 + 0.25) / 10
    history = train(
        model, X, y, loss=loss, optimizer=optimizer, epochs=1, batch_size=B, rng=random.Random(1),
        val=(X_test, y_test), metrics=accuracy, progress=False, compiled=True,
    )  # fmt: skip
    assert history.val_loss[0] < 0.8 * loss_before
    assert history.loss[0] < loss_before
    assert history.val_accuracy[0] > 0.2  # twice chance (10 classes); it reaches about 30-56 % (5 seeds)
