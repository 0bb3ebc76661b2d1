"""Every sentence of the exercise sheets, in German (the course's language) and English, in one table.

Each entry is a key and its texts by language; `{name}` fields are filled in by
`text(key, language, name=...)`. The English text is what a gettext catalog
would take as its msgid, so the table can move into `.po` files unchanged. The
terms are the slides' own (Kettenregel, Vorwärtsdurchlauf, Rückwärtsdurchlauf,
Gradient, Lernrate, Verlustfunktion, Aktivierungsfunktion, Fehlerterm δ ...).
"""

from __future__ import annotations

LANGUAGES = ("de", "en")

TEXTS: dict[str, dict[str, str]] = {
    # the page
    "sheet": {"de": "Übungsblatt: Backpropagation", "en": "Exercise sheet: backpropagation"},
    "key": {"de": "Lösungen zum Übungsblatt: Backpropagation", "en": "Answer key: backpropagation"},
    "variant": {"de": "Variante {seed}", "en": "Variant {seed}"},
    "name_line": {
        "de": "Name: ______________________   Matrikelnummer: ______________",
        "en": "Name: ______________________   Student number: ______________",
    },
    "exercise": {"de": "Aufgabe {number}: {title}", "en": "Exercise {number}: {title}"},
    "working": {"de": "Rechenweg", "en": "Working"},
    "no_picture": {"de": "(Graph nicht gezeichnet: {reason})", "en": "(graph not drawn: {reason})"},
    "rounding": {"de": "Runden Sie auf vier Nachkommastellen.", "en": "Round to four decimal places."},
    "value": {"de": "Wert", "en": "value"},
    # 1 the chain rule
    "chain_rule": {"de": "Kettenregel im Berechnungsgraphen", "en": "The chain rule on a computation graph"},
    "chain_given": {
        "de": "Gegeben ist die Funktion {formula} an der Stelle {values}. Der Graph zerlegt sie in "
        "Zwischenschritte (Knoten {steps}).",
        "en": "Given the function {formula} at {values}. The graph splits it into steps (nodes {steps}).",
    },
    "chain_forward": {
        "de": "a) Vorwärtsdurchlauf: Berechnen Sie den Wert jedes Knotens.",
        "en": "a) Forward pass: compute the value of every node.",
    },
    "chain_backward": {
        "de": "b) Rückwärtsdurchlauf: Berechnen Sie mit der Kettenregel den Gradienten ∂{root}/∂(Knoten) für jeden "
        "Knoten, vom Startwert ∂{root}/∂{root} = 1 bis zu den Eingaben.",
        "en": "b) Backward pass: use the chain rule to compute the gradient ∂{root}/∂(node) of every node, from the "
        "seed ∂{root}/∂{root} = 1 back to the inputs.",
    },
    "chain_paths": {
        "de": "c) Schreiben Sie ∂{root}/∂{leaf} als Produkt der lokalen Ableitungen entlang der Pfade.",
        "en": "c) Write ∂{root}/∂{leaf} as the product of the local derivatives along the paths.",
    },
    "node": {"de": "Knoten", "en": "node"},
    "definition": {"de": "Definition", "en": "definition"},
    "given_value": {"de": "gegeben", "en": "given"},
    # 2 the perceptron
    "perceptron": {"de": "Perzeptron-Lernregel von Hand", "en": "The perceptron rule by hand"},
    "perceptron_given": {
        "de": "Ein Perzeptron mit Stufenfunktion h(a) = 1 falls a > 0, sonst 0, hat die Gewichte w₀ = {w0} "
        "(Bias, x₀ = 1), w₁ = {w1}, w₂ = {w2}; die Lernrate ist η = {eta}. Es sieht die Trainingsbeispiele "
        "nacheinander: {samples}.",
        "en": "A perceptron with the step function h(a) = 1 if a > 0, else 0, has the weights w₀ = {w0} "
        "(bias, x₀ = 1), w₁ = {w1}, w₂ = {w2}; the learning rate is η = {eta}. It sees the training examples "
        "one after the other: {samples}.",
    },
    "perceptron_task": {
        "de": "Berechnen Sie für jedes Beispiel a = w₀ + w₁x₁ + w₂x₂, die Vorhersage ŷ = h(a) und die Gewichte "
        "nach der Regel w_j ← w_j + η (y − ŷ) x_j.",
        "en": "For each example compute a = w₀ + w₁x₁ + w₂x₂, the prediction ŷ = h(a) and the weights after the "
        "rule w_j ← w_j + η (y − ŷ) x_j.",
    },
    "sample": {"de": "Beispiel", "en": "example"},
    "weights_after": {"de": "w₀, w₁, w₂ danach", "en": "w₀, w₁, w₂ after"},
    # 3 the delta rule
    "delta_rule": {
        "de": "Delta-Regel für ein 2-schichtiges Sigmoid-Netz",
        "en": "The delta rule for a 2-layer sigmoid net",
    },
    "delta_given": {
        "de": "Ein Netz mit zwei Eingaben, zwei verdeckten Neuronen und einem Ausgabeneuron, Aktivierungsfunktion "
        "σ(z) = 1/(1 + e^(−z)) überall, ohne Bias: h_j = σ(Σ_i w_ij x_i), NN(x) = σ(Σ_j w_j h_j). "
        "Verlustfunktion L = ½ (y − NN(x))². Gegeben: x = ({x1}, {x2}), y = {y}, w₁₁ = {w11}, w₂₁ = {w21}, "
        "w₁₂ = {w12}, w₂₂ = {w22}, w₁ = {v1}, w₂ = {v2}, Lernrate η = {eta}.",
        "en": "A net with two inputs, two hidden neurons and one output neuron, activation function "
        "σ(z) = 1/(1 + e^(−z)) everywhere, no bias: h_j = σ(Σ_i w_ij x_i), NN(x) = σ(Σ_j w_j h_j). "
        "Loss function L = ½ (y − NN(x))². Given: x = ({x1}, {x2}), y = {y}, w₁₁ = {w11}, w₂₁ = {w21}, "
        "w₁₂ = {w12}, w₂₂ = {w22}, w₁ = {v1}, w₂ = {v2}, learning rate η = {eta}.",
    },
    "delta_forward": {
        "de": "a) Vorwärtsdurchlauf: z_j, h_j, z, NN(x) und L.",
        "en": "a) Forward pass: z_j, h_j, z, NN(x) and L.",
    },
    "delta_terms": {
        "de": "b) Fehlerterme: δ = ∂L/∂z = −(y − NN(x)) σ'(z) für das Ausgabeneuron, δ_j = δ · w_j · σ'(z_j) "
        "für die verdeckten (σ' = σ(1 − σ)).",
        "en": "b) Error terms: δ = ∂L/∂z = −(y − NN(x)) σ'(z) for the output neuron, δ_j = δ · w_j · σ'(z_j) "
        "for the hidden ones (σ' = σ(1 − σ)).",
    },
    "delta_gradients": {
        "de": "c) Gradienten ∂L/∂w = δ (des Neurons darüber) · out (des Neurons darunter), und die Änderungen "
        "Δw = −η δ out.",
        "en": "c) Gradients ∂L/∂w = δ (of the neuron above) · out (of the neuron below), and the updates "
        "Δw = −η δ out.",
    },
    "weight": {"de": "Gewicht", "en": "weight"},
    "delta_check": {
        "de": "Gleich dem Gradienten, den backward() für jedes Gewicht berechnet.",
        "en": "Equal to the gradient backward() computes for every weight.",
    },
    # 4 the softmax Jacobian
    "softmax": {"de": "Jacobi-Matrix der Softmax-Funktion", "en": "The Jacobian of softmax"},
    "softmax_given": {
        "de": "softmax(z)_i = e^(z_i) / Σ_k e^(z_k). Gegeben: z = ({z}), also e^(z_i) = ({exps})",
        "en": "softmax(z)_i = e^(z_i) / Σ_k e^(z_k). Given: z = ({z}), so e^(z_i) = ({exps})",
    },
    "softmax_values": {"de": "a) Berechnen Sie s = softmax(z).", "en": "a) Compute s = softmax(z)."},
    "softmax_jacobian": {
        "de": "b) Berechnen Sie die Jacobi-Matrix J_ij = ∂s_i/∂z_j = s_i (δ_ij − s_j).",
        "en": "b) Compute the Jacobian J_ij = ∂s_i/∂z_j = s_i (δ_ij − s_j).",
    },
    "softmax_loss": {
        "de": "c) Kreuzentropie L = −log s_{label} für die richtige Klasse {label}: berechnen Sie ∂L/∂z "
        "(Zeile −1/s_{label} mal Zeile {label} von J).",
        "en": "c) Cross-entropy L = −log s_{label} for the correct class {label}: compute ∂L/∂z "
        "(−1/s_{label} times row {label} of J).",
    },
    # 5 the learning-rate limit
    "learning_rate": {"de": "Grenze der Lernrate: 2/λ", "en": "The learning-rate limit 2/λ"},
    "rate_given": {
        "de": "Verlustfunktion J(θ₁, θ₂) = {p}θ₁² + {q}θ₂², Gradientenabstieg θ ← θ − η ∇J ab θ = ({t1}, {t2}).",
        "en": "Loss function J(θ₁, θ₂) = {p}θ₁² + {q}θ₂², gradient descent θ ← θ − η ∇J from θ = ({t1}, {t2}).",
    },
    "rate_hessian": {
        "de": "a) Die Hesse-Matrix ist konstant; ihre Eigenwerte λ₁, λ₂?",
        "en": "a) The Hessian is constant; its eigenvalues λ₁, λ₂?",
    },
    "rate_limit": {
        "de": "b) Für welche Lernraten η konvergiert der Abstieg? Die Grenze η_max = 2/λ_max?",
        "en": "b) For which learning rates η does descent converge? The limit η_max = 2/λ_max?",
    },
    "rate_steps": {
        "de": "c) Zwei Schritte mit η = {eta}: θ nach Schritt 1 und 2.",
        "en": "c) Two steps with η = {eta}: θ after step 1 and 2.",
    },
    "rate_which": {
        "de": "d) Konvergiert der Abstieg mit η = {etas}? (konvergiert / schwingt ohne abzuklingen / divergiert)",
        "en": "d) Does descent converge with η = {etas}? (converges / oscillates forever / diverges)",
    },
    "step": {"de": "Schritt", "en": "step"},
    "converges": {"de": "konvergiert", "en": "converges"},
    "oscillates": {"de": "schwingt ohne abzuklingen", "en": "oscillates forever"},
    "diverges": {"de": "divergiert", "en": "diverges"},
    "factor": {
        "de": "Jeder Schritt multipliziert θ_k mit (1 − η λ_k); |1 − η λ| < 1 genau für 0 < η < 2/λ.",
        "en": "Each step multiplies θ_k by (1 − η λ_k); |1 − η λ| < 1 exactly for 0 < η < 2/λ.",
    },
    "pdf_skipped": {
        "de": "PDF nicht erzeugt: {reason}",
        "en": "PDF not made: {reason}",
    },
}


def text(key: str, language: str, **fields) -> str:
    """The text `key` in `language` ("de" or "en"), its {fields} filled in."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    return TEXTS[key][language].format(**fields)
