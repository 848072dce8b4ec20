"""The report benchmark the reports issue names: ``python tests/benchmarks/report_bench.py``.

A thin wrapper over ``python -m bench report`` (bench/report.py), which builds one plan
with 5,000 actions in its own database and prints median times and query counts for the
HTML page, the JSON endpoint and the PDFs. Not collected by pytest; run it by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench import report

    report.main(sys.argv[1:])
