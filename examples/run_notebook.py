"""Executes examples/notebook.ipynb headless (nbclient), so that it cannot
rot: any cell that raises fails the run. The executed copy is written to
the path given (CI keeps it as an artifact).

    python examples/run_notebook.py [OUT.ipynb]
"""
import os
import sys
from pathlib import Path

import nbclient
import nbformat

here = Path(__file__).resolve().parent
nb = nbformat.read(here / "notebook.ipynb", as_version=4)
os.environ.setdefault("ONRECORD_ROOT", str(here.parent))
nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(here)}}).execute()
out = Path(sys.argv[1]) if len(sys.argv) > 1 else here.parent / "target" / "notebook.executed.ipynb"
out.parent.mkdir(parents=True, exist_ok=True)
nbformat.write(nb, out)
print(f"notebook ran: {sum(c.cell_type == 'code' for c in nb.cells)} code cells, written to {out}")
