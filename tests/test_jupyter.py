"""The notebook API in a real Jupyter kernel, run by nbconvert as `jupyter nbconvert
--execute` would (issue 27 item 8): audit() with the repository's configuration, the
Markdown view Jupyter shows, frames in pandas and polars, load()."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ExecutePreprocessor

ROOT = Path(__file__).resolve().parents[1]
CELLS = [
    "import valueaudit\nresult = valueaudit.audit('processes')\nresult",
    "result.touchpoints_frame().shape",
    "result.parties_frame(library='polars').shape",
    "valueaudit.load('processes/complaint.yaml').id",
]


def test_the_api_in_a_jupyter_kernel():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    ExecutePreprocessor(timeout=120, kernel_name="python3").preprocess(
        notebook, {"metadata": {"path": str(ROOT)}}
    )
    outputs = [cell.outputs for cell in notebook.cells]
    assert all(o.output_type == "execute_result" for cell in outputs for o in cell), outputs
    shown = outputs[0][0].data
    assert shown["text/markdown"].startswith("**valueaudit**")  # Jupyter renders this
    assert shown["text/plain"].startswith("<AuditResult: 7 files, 7 valid processes")
    touchpoints = ast.literal_eval(outputs[1][0].data["text/plain"])  # a shape: (rows, columns)
    assert touchpoints[1] == 13 and touchpoints[0] > 0
    assert ast.literal_eval(outputs[2][0].data["text/plain"])[1] == 20
    assert outputs[3][0].data["text/plain"] == "'broadband-complaint'"
