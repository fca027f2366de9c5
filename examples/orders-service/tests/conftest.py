"""The fast runtime for every test (switched on before anything imports jsii), and the app's
folder on the import path, so the tests import `main` as `cdktf synth` runs it."""

import sys
from pathlib import Path

from sigmatiq_infra import runtime

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def pytest_configure(config):
    runtime.enable()
