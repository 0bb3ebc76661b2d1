"""The deck's texts in German, keyed by the English text: one table, so a gettext catalog can take it over.

`text(message, language)` gives `message` in "en" (itself) or "de" (from
TEXTS). The demos' own catalog is asked first, so a message moved into
demos/locale/de/LC_MESSAGES/demos.po wins over this table; the table holds
only what the catalog does not (yet) have. The German terms are the slides':
Kettenregel, Vorwärts-/Rückwärtsdurchlauf, Lernrate, Verlustfunktion,
Aktivierungsfunktion, Berechnungsgraph, Jacobi-Matrix, Perzeptron.
"""

from __future__ import annotations

from autograd.language import Domain

# fmt: off
TEXTS = {
    # the deck's frame
    "Backpropagation: the course in pictures": "Backpropagation: der Kurs in Bildern",
    "Every picture and number below was computed by the course's demos (python -m demos).":
        "Jedes Bild und jede Zahl dieser Folien wurde von den Demos des Kurses berechnet (python -m demos).",
    "Built from a quick run (smaller settings): training results differ from a full run.":
        "Aus einem schnellen Lauf (kleinere Einstellungen): Trainingsergebnisse weichen vom vollen Lauf ab.",
    "Built from a full run of the demos.": "Aus einem vollen Lauf der Demos.",
    "Keys: → or Space next, ← back, Home first, End last.":
        "Tasten: → oder Leertaste weiter, ← zurück, Pos1 erste, Ende letzte Folie.",
    "Section {number}": "Abschnitt {number}",
    "Demos: {names}": "Demos: {names}",
    "Key numbers": "Kennzahlen",
    "Frame {k} of {n}": "Bild {k} von {n}",
    "Picture missing: {name} (the demo did not write it in this run).":
        "Bild fehlt: {name} (die Demo hat es in diesem Lauf nicht geschrieben).",
    "Key numbers missing: the demo {demo} gave no {key} in this run.":
        "Kennzahlen fehlen: die Demo {demo} lieferte in diesem Lauf kein {key}.",
    "The demo {demo} did not run: {reason}": "Die Demo {demo} lief nicht: {reason}",
    "slide": "Folie",
    # the sections (TEACHING.md's order)
    "The chain-rule example": "Das Beispiel zur Kettenregel",
    "f(a, b, c, d) = ((a + b) · (c + d))², divide and conquer: g = a + b, h = c + d, i = g · h, f = i²":
        "f(a, b, c, d) = ((a + b) · (c + d))², teile und herrsche: g = a + b, h = c + d, i = g · h, f = i²",
    "Sum over paths, and why backprop is dynamic programming":
        "Summe über Pfade, und warum Backpropagation dynamische Programmierung ist",
    "Several paths to the output: the derivative is the sum over the paths; forward and backward accumulation":
        "Mehrere Pfade zum Ausgang: die Ableitung ist die Summe über die Pfade; Vorwärts- und Rückwärtsakkumulation",
    "Finite differences versus backprop": "Differenzenquotienten gegen Backpropagation",
    "(L(w + ε) − L(w − ε)) / 2ε: two loss evaluations per parameter, never exact":
        "(L(w + ε) − L(w − ε)) / 2ε: zwei Auswertungen der Verlustfunktion pro Parameter, nie exakt",
    "The artificial neuron and the perceptron": "Das künstliche Neuron und das Perzeptron",
    "The perceptron rule learns AND and OR, never XOR; stacked neurons solve XOR":
        "Die Perzeptron-Lernregel lernt AND und OR, nie XOR; mehrere Schichten lösen XOR",
    "Multi-layer perceptrons": "Multi-Layer Perzeptrons",
    "Layers of neurons; the slides' digits network 784-30-15-10 (here the 8x8 digits, 64-30-15-10)":
        "Schichten von Neuronen; das Ziffern-Netz der Folien 784-30-15-10 (hier die 8x8-Ziffern, 64-30-15-10)",
    "Activation functions": "Aktivierungsfunktionen",
    "Each activation with its derivative from the backward pass":
        "Jede Aktivierungsfunktion mit ihrer Ableitung aus dem Rückwärtsdurchlauf",
    "Loss functions": "Verlustfunktionen",
    "The four-class example: correct class 1, output [0.08, 0.25, 0.42, 0.25]":
        "Das Beispiel mit vier Klassen: richtige Klasse 1, Ausgabe [0.08, 0.25, 0.42, 0.25]",
    "Gradient descent and its variants": "Gradientenabstieg und seine Varianten",
    "Batch, stochastic, mini-batch; the learning rate; Momentum, RMSProp, Adagrad, Adam":
        "Batch, stochastisch, Mini-Batch; die Lernrate; Momentum, RMSProp, Adagrad, Adam",
    "Universal approximation": "Universelle Approximation",
    "3 tanh hidden units fit x², sin(πx), |x| and the step H(x) (Bishop fig. 5.3)":
        "3 versteckte tanh-Neuronen nähern x², sin(πx), |x| und die Stufe H(x) an (Bishop Abb. 5.3)",
    "Computation graphs": "Berechnungsgraphen",
    "Goldberg's three pictures: on symbols, with an input, with the loss":
        "Goldbergs drei Bilder: auf Symbolen, mit einer Eingabe, mit der Verlustfunktion",
    "Jacobians: the chain rule for whole layers": "Jacobi-Matrizen: die Kettenregel für ganze Schichten",
    "The slides' 3-layer network's gradients three ways":
        "Die Gradienten des 3-Schichten-Netzes der Folien auf drei Wegen",
    "Symmetries of the parameter space": "Symmetrien des Parameterraums",
    "M! · 2^M weight vectors compute the same function": "M! · 2^M Gewichtsvektoren berechnen dieselbe Funktion",
    # picture captions
    "The graph with every value and gradient": "Der Graph mit allen Werten und Gradienten",
    "The lecture's order: one number per frame": "Die Reihenfolge der Vorlesung: eine Zahl pro Bild",
    "The diamond: 6 paths from L to s": "Die Raute: 6 Pfade von L nach s",
    "Paths grow exponentially, edges linearly": "Pfade wachsen exponentiell, Kanten linear",
    "Sweeps needed: forward against backward": "Nötige Durchläufe: vorwärts gegen rückwärts",
    "The error of the difference quotient against ε": "Der Fehler des Differenzenquotienten über ε",
    "The perceptron on AND, OR and XOR": "Das Perzeptron auf AND, OR und XOR",
    "The hand-made 2-2-1 network of step neurons solves XOR": "Das handgebaute 2-2-1-Netz aus Stufenneuronen löst XOR",
    "A 2-4-1 network trained by backprop learns XOR": "Ein 2-4-1-Netz lernt XOR durch Backpropagation",
    "Two moons: a 2-16-16-1 ReLU network": "Zwei Monde: ein 2-16-16-1-ReLU-Netz",
    "Digits: sigmoid + MSE + SGD against ReLU + softmax + Adam":
        "Ziffern: Sigmoid + MSE + SGD gegen ReLU + Softmax + Adam",
    "The slides' two Keras models: the training history": "Die zwei Keras-Modelle der Folien: der Trainingsverlauf",
    "Predictions on held-out digits": "Vorhersagen auf zurückgehaltenen Ziffern",
    "Activations and their derivatives": "Aktivierungsfunktionen und ihre Ableitungen",
    "Each loss's gradient with respect to the outputs": "Der Gradient jeder Verlustfunktion nach den Ausgaben",
    "Loss against accuracy": "Verlust gegen Genauigkeit",
    "Batch, stochastic and mini-batch": "Batch, stochastisch und Mini-Batch",
    "Learning rates: too small, right, too large": "Lernraten: zu klein, richtig, zu groß",
    "The limit 2/λ of the learning rate": "Die Grenze 2/λ der Lernrate",
    "Too small a learning rate stays in a local minimum": "Eine zu kleine Lernrate bleibt im lokalen Minimum",
    "Five optimizers on one network": "Fünf Optimierer auf einem Netz",
    "The Rosenbrock valley": "Das Rosenbrock-Tal",
    "Newton's method against gradient descent": "Das Newton-Verfahren gegen Gradientenabstieg",
    "Four fits, hidden units dashed": "Vier Anpassungen, versteckte Neuronen gestrichelt",
    "The network on symbols": "Das Netz auf Symbolen",
    "With a concrete input": "Mit einer konkreten Eingabe",
    "With the loss attached": "Mit angehängter Verlustfunktion",
    "Each Jacobian against the engine": "Jede Jacobi-Matrix gegen die Engine",
    "48 weight vectors, one function": "48 Gewichtsvektoren, eine Funktion",
    # key-number labels
    "{node} (value, df/d{node})": "{node} (Wert, df/d{node})",
    "the one non-trivial local derivative": "die eine nicht triviale lokale Ableitung",
    "df/da along its path": "df/da entlang seines Pfades",
    "y = x · x at x = 3: paths, dy/dx": "y = x · x bei x = 3: Pfade, dy/dx",
    "diamond: paths from L to s": "Raute: Pfade von L nach s",
    "diamond dL/ds: backprop, sum over paths, by hand": "Raute dL/ds: Backpropagation, Summe über Pfade, von Hand",
    "chain of {depth} diamonds: paths, edges": "Kette aus {depth} Rauten: Pfade, Kanten",
    "f(x, y) = x² y + sin(x y): df/dx, df/dy forward and backward":
        "f(x, y) = x² y + sin(x y): df/dx, df/dy vorwärts und rückwärts",
    "parameters checked, largest difference to central differences":
        "geprüfte Parameter, größte Abweichung von zentralen Differenzen",
    "loss evaluations for central differences, backward passes":
        "Auswertungen für zentrale Differenzen, Rückwärtsdurchläufe",
    "smallest error of central differences, at ε": "kleinster Fehler zentraler Differenzen, bei ε",
    "a wrong derivative, caught": "eine falsche Ableitung, erkannt",
    "perceptron mistakes per epoch, {gate}": "Fehler des Perzeptrons pro Epoche, {gate}",
    "hand-made network on (0,0), (0,1), (1,0), (1,1)": "handgebautes Netz auf (0,0), (0,1), (1,0), (1,1)",
    "trained 2-4-1 network's outputs": "Ausgaben des trainierten 2-4-1-Netzes",
    "digits": "Ziffern",
    "skipped in this build (its extra is not installed)":
        "in diesem Lauf übersprungen (ihr Extra ist nicht installiert)",
    "delta rule: δ of the output, δ_j of the hidden neurons":
        "Delta-Regel: δ des Ausgangs, δ_j der versteckten Neuronen",
    "delta rule: largest difference of δ_j · out_i to backward()'s gradients":
        "Delta-Regel: größte Abweichung von δ_j · out_i zu den Gradienten aus backward()",
    "delta rule: loss before and after one update −η δ out":
        "Delta-Regel: Verlust vor und nach einem Schritt −η δ out",
    "Four classic backprop mistakes beside the right gradients":
        "Vier klassische Fehler bei Backpropagation neben den richtigen Gradienten",
    "two moons: training accuracy, loss": "zwei Monde: Trainingsgenauigkeit, Verlust",
    "digits: held-out accuracy after {epochs} epochs, {model}":
        "Ziffern: Testgenauigkeit nach {epochs} Epochen, {model}",
    "Keras model {model}: held-out accuracy, mean (lowest–highest) of {count} seeds":
        "Keras-Modell {model}: Testgenauigkeit, Mittel (kleinste–größte) aus {count} Seeds",
    "training images, held-out images": "Trainingsbilder, Testbilder",
    "step function: largest gradient during training": "Stufenfunktion: größter Gradient im Training",
    "softmax(z + c) − softmax(z), largest, for c = {shifts}": "softmax(z + c) − softmax(z), größte, für c = {shifts}",
    "three linear layers against their one map W3 W2 W1: largest difference":
        "drei lineare Schichten gegen ihre eine Abbildung W3 W2 W1: größte Abweichung",
    "predicted class, accuracy": "vorhergesagte Klasse, Genauigkeit",
    "{loss}: loss, gradient": "{loss}: Verlust, Gradient",
    "Hessian's largest eigenvalue λ, learning-rate limit 2/λ":
        "größter Eigenwert λ der Hesse-Matrix, Grenze der Lernrate 2/λ",
    "learning rate {rate}": "Lernrate {rate}",
    "diverges": "divergiert",
    "converges, loss {loss}": "konvergiert, Verlust {loss}",
    "final loss of the network, {optimizer}": "Endverlust des Netzes, {optimizer}",
    "e^x − 2x: steps to the minimum ln 2, {method}": "e^x − 2x: Schritte bis zum Minimum ln 2, {method}",
    "mean squared error of the fit, {target}": "mittlerer quadratischer Fehler der Anpassung, {target}",
    "trained XOR network's outputs p(1)": "Ausgaben p(1) des trainierten XOR-Netzes",
    "largest difference to the engine's backprop, {way}": "größte Abweichung von der Backpropagation der Engine, {way}",
    "equivalent weight vectors M! · 2^M, M = {m}": "gleichwertige Gewichtsvektoren M! · 2^M, M = {m}",
    "tanh copies: count, largest output difference": "tanh-Kopien: Anzahl, größte Abweichung der Ausgaben",
    # names the demos give in their results (shown as given when a demo renames one)
    "too small (0.01)": "zu klein (0,01)",
    "right (0.5)": "richtig (0,5)",
    "too large (1.1)": "zu groß (1,1)",
    "gradient descent (lr 0.25)": "Gradientenabstieg (Lernrate 0,25)",
    "MSE, the slides' half form": "MSE, die halbe Form der Folien",
    "binary cross-entropy": "binäre Kreuzentropie",
    "cross-entropy (logits)": "Kreuzentropie (aus Logits)",
    "cross-entropy (probabilities)": "Kreuzentropie (aus Wahrscheinlichkeiten)",
    "hinge (max-margin)": "Hinge (Max-Margin)",
    "squared error L2": "quadratischer Fehler L2",
    "sigmoid, MSE, SGD lr 0.8": "Sigmoid, MSE, SGD Lernrate 0,8",
    "ReLU, softmax + cross-entropy, Adam lr 0.01": "ReLU, Softmax + Kreuzentropie, Adam Lernrate 0,01",
    "sigmoid, mse, SGD 0.8": "Sigmoid, MSE, SGD 0,8",
    "relu, softmax, cross-entropy, Adam": "ReLU, Softmax, Kreuzentropie, Adam",
    "Jacobian products (NumPy)": "Produkte der Jacobi-Matrizen (NumPy)",
    "slides' PyTorch code": "PyTorch-Code der Folien",
    "H(x) (Heaviside step)": "H(x) (Heaviside-Stufe)",
    "not reached": "nicht erreicht",
}
# fmt: on


def text(message: str, language: str, strict: bool = True) -> str:
    """`message` in `language`: English is the message; German from the demos' catalog, else from TEXTS.

    `strict=False` is for names the demos return (a model's, a loss's): one not in either is shown as given.
    """
    if language == "en":
        return message
    translated = Domain("demos").gettext(message, language)
    if translated != message:
        return translated
    try:
        return TEXTS[message] if strict else TEXTS.get(message, message)
    except KeyError:
        raise KeyError(f"deck text without German (add it to demos/deck/texts.py's TEXTS): {message!r}") from None
