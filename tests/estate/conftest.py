"""The estate's fixtures: every stack synthesized once a session (see `estate_helpers`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from estate_helpers import ISOLATED, load, scan_in_background, synth, variants_done
from helpers import slow_fixture, wanted

from sigmatiq_infra.testing import Template


@pytest.fixture(scope="session")
def synthesized_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cdktf.out")


@pytest.fixture(scope="session")
def synthesized(synthesized_dir: Path) -> dict[str, Template]:
    stacks = synth(load(environ=ISOLATED), synthesized_dir)
    if wanted("checkov"):
        scan_in_background(synthesized_dir)
    return stacks


@pytest.fixture(scope="session")
def main_app(tmp_path_factory: pytest.TempPathFactory):
    """The app as main.py builds it, from this process's environment; built once a session
    and never synthesized (tests read its construct tree)."""
    from stacks.app import build_app

    return build_app(outdir=str(tmp_path_factory.mktemp("main-app") / "cdktf.out"))


@pytest.fixture(scope="session")
def shared(synthesized: dict[str, Template]) -> Template:
    return synthesized["shared"]


@pytest.fixture(scope="session")
def beta(synthesized: dict[str, Template]) -> Template:
    return synthesized["beta"]


@pytest.fixture(scope="session")
def prod(synthesized: dict[str, Template]) -> Template:
    return synthesized["prod"]


@pytest.fixture(scope="session")
@slow_fixture
def variant_dirs(synthesized_dir: Path, synthesized, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Synth output folder per settings variant, `defaults` included."""
    return variants_done(synthesized_dir, tmp_path_factory.mktemp("variants"))
