"""The tutorial notebook runs from top to bottom (in a temporary folder), in English and in its German section,
and is stored without outputs."""

import json
from pathlib import Path

import pytest
from checks import needs_dot

NOTEBOOK = Path(__file__).resolve().parents[2] / "demos" / "tutorial.ipynb"


def test_stored_without_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert nb["nbformat"] == 4
    code = [cell for cell in nb["cells"] if cell["cell_type"] == "code"]
    assert code and all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code)
    assert any(cell["cell_type"] == "markdown" for cell in nb["cells"])


@needs_dot
def test_notebook_executes(tmp_path):
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (pip install -e '.[test]')")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (pip install -e '.[test]')")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed (pip install -e '.[test]')")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError on any failing cell
    text = "\n".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs)
    assert "df/da = df/di · di/dg · dg/da = 42 · 7 · 1 = 294" in text
    assert "df/dc = 126" in text
    assert "dt/dx = 0.786448, 1 - tanh(0.5)^2 = 0.786448" in text  # the lecture's tanh as an operation of our own
    assert "d2t/dx2 = -0.726862, -2 tanh(0.5) (1 - tanh(0.5)^2) = -0.726862" in text
    images = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs if "data" in out]
    assert any("image/svg+xml" in out["data"] for out in images)  # the graphs
    assert any("image/png" in out["data"] for out in images)  # the loss curve
    assert list(tmp_path.iterdir()) == []  # it writes no files

    # section 9, in German: the lecture's frames and graph with language="de", set_language and using_language
    start = next(k for k, cell in enumerate(nb.cells) if cell.source.startswith("## 9. Auf Deutsch"))
    german = [out for cell in nb.cells[start:] if cell.cell_type == "code" for out in cell.outputs]
    said = "\n".join(out.get("text", "") for out in german)
    assert "Schritt 7 von 12, Rückwärtsdurchlauf (Kettenregel): df/dg = df/di · ∂i/∂g = 42 · h = 42 · 7 = 294" in said
    assert "df/dc: 1 Pfad von c nach f" in said and "df/dc = df/di · di/dh · dh/dc = 42 · 3 · 1 = 126" in said
    assert "2 von 8 richtig" in said and "RICHTIG    grad i: richtig: 42" in said  # check_answers under set_language
    assert "-> Step 7 of 12, backward: df/dg" in said  # the setting given back, then English for one block
    pictures = [out["data"]["image/svg+xml"] for out in german if "image/svg+xml" in out.get("data", {})]
    assert any("Schritt 7 von 12" in svg for svg in pictures) and any("lokal" in svg for svg in pictures)
    assert sum(len(str(out)) for out in german) < 150_000  # a few small pictures, no long outputs
