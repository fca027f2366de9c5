"""The record of what the Sigmatiq estate has deployed (`stacks/deployed.toml`): the deployed
values of every replacement-forcing argument, from the deployed inventory. Adoption imports
exactly these resources; synth and the plan gate refuse to replace or delete them."""

from __future__ import annotations

import functools
from pathlib import Path

from sigmatiq_infra.deployed import DeployedRecord, load_record

RECORD_FILE = Path(__file__).resolve().parent / "deployed.toml"
RECORD_NAME = "stacks/deployed.toml"
"""The record as messages name it (relative to the repository)."""


@functools.cache
def record() -> DeployedRecord:
    return load_record(RECORD_FILE, RECORD_NAME)
