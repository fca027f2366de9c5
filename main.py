"""The Sigmatiq app: `cdktf synth|diff|deploy` run it through cdktf.json (`bin/app`, on the
library's fast runtime: `python -m sigmatiq_infra.launch main.py`). `python main.py [STACK ...]`
runs too, slower, with the same output.

The stacks are in `stacks/` (`StateStack`, `SharedStack`, `BetaStack`, `ProdStack`), the
estate's settings in `stacks/settings/`; `stacks.app` builds the app from them."""

import sys

from sigmatiq_infra import engine

engine.exit_if_missing("sigmatiq-infra")  # one line, not an import traceback

from stacks.app import main  # noqa: E402  (after the engine check)

sys.exit(main())
