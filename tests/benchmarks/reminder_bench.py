"""The reminder sweep benchmark of issue 5, run by hand (never collected by pytest):

    python tests/benchmarks/reminder_bench.py [--rounds N]

It is ``python -m bench reminders`` (``bench/reminders.py``): dataset M (100,000 actions,
20 kommuner) in its own database, eager mode, locmem e-mail, timed against a SQL floor.
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.reminders import main

    main(sys.argv[1:])
