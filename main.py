"""The Sigmatiq cdktf app: `cdktf synth|diff|deploy` run it through cdktf.json, on the fast
runtime (`python -m sigmatiq_infra.launch main.py`). `python main.py [STACK ...]` runs too,
slower, with the same output."""

import sys

from sigmatiq_infra import engine

engine.exit_if_missing("sigmatiq-infra")  # one line, not an import traceback

from sigmatiq_infra.app import main  # noqa: E402  (after the engine check)

sys.exit(main())
