"""Builds and synthesizes the cdktf app: `state`, `shared` and one stack per environment.

`main()` is what `cdktf synth|diff|deploy` run (through `main.py`). It reports every bad
value at once, as one list, with no traceback, and writes nothing unless every stack
synthesized: a previous good `cdktf.out` is never left half-overwritten.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sigmatiq_infra import deployed
from sigmatiq_infra.settings import Settings, load
from sigmatiq_infra.validation import ValidationError, collect_problems

if TYPE_CHECKING:
    from sigmatiq_infra._cdktf import App

T = TypeVar("T")


def build_app(settings: Settings | None = None, outdir: str | None = None) -> App:
    """Every stack, ready to `synth()`. Raises one ValidationError with every problem found."""
    from sigmatiq_infra._cdktf import App
    from sigmatiq_infra.stacks import EnvironmentStack, SharedStack, StateStack

    with collect_problems() as problems:
        settings = _collect(problems, lambda: settings or load())
        # cdktf's own construct validations are off: the constructs validate their props
        # themselves, and cdktf's check for import blocks runs `terraform version` once per
        # imported resource, which made synth need a Terraform binary (and cost seconds).
        app = App(outdir=outdir, skip_validation=True) if outdir else App(skip_validation=True)
        if settings is not None:
            state = settings.state if settings.remote_state else None
            if settings.state is not None:
                _collect(problems, lambda: StateStack(app, "state", settings.state))
            # No cdktf stack dependencies: `cdktf deploy beta` must work alone. Environments
            # look the shared vault and registry up by name, and their plan stops with a clear
            # message while shared is not deployed yet.
            _collect(problems, lambda: SharedStack(app, "shared", settings.shared, state))
            for env in settings.environments.values():
                _collect(problems, lambda env=env: EnvironmentStack(app, env, settings.shared, state))
    if problems:
        raise ValidationError(dict.fromkeys(problems))  # each distinct problem once, in order
    return app


def synthesize(settings: Settings | None = None, outdir: str | Path = "cdktf.out") -> list[str]:
    """Synthesize every stack into `outdir`; returns the stack names.

    The stacks are written to a staging folder first and moved into `outdir` only when all
    of them (policy aspects included) succeeded. Files that Terraform keeps beside the
    synthesized JSON (`.terraform/`, lock files, plans) are left in place.
    """
    outdir = Path(outdir)
    settings = settings or load()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}-", dir=outdir.parent))
    try:
        app = build_app(settings, outdir=str(staging))
        with collect_problems() as problems:
            app.synth()
        problems += check_deployed(settings, staging)
        if problems:
            raise ValidationError(problems)
        stacks = sorted(p.name for p in (staging / "stacks").iterdir())
        _move_into(staging, outdir)
        return stacks
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def check_deployed(settings: Settings, outdir: Path) -> list[str]:
    """What the stacks in `outdir` would replace or delete of the deployed estate."""
    from sigmatiq_infra.constructs._primary import resource_facts

    replacements = {"shared": settings.shared.adoption.replacements} | {
        env.name: env.adoption.replacements for env in settings.environments.values()
    }
    lowered = {kind: facts.replaced_when_lowered for kind, facts in resource_facts().items()}
    return deployed.check_output(outdir, deployed.load_record(), replacements, lowered)


def format_problems(problems: tuple[str, ...] | list[str]) -> str:
    """The report printed when synth stops: every problem, numbered, one per paragraph."""
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    lines = [f"sigmatiq-infra: synth stopped, nothing was written ({count}):"]
    lines += [f"  {i}. {problem}" for i, problem in enumerate(problems, 1)]
    return "\n".join(lines)


def bootstrap_notices(settings: Settings) -> list[str]:
    """One line per environment synthesized for its bootstrap deploy, naming what it omits."""
    return [
        f"sigmatiq-infra: {env.name} is synthesized for its first (bootstrap) deploy because "
        f"SIGMATIQ_{env.name.upper()}_BOOTSTRAP is on: it leaves out the vault secrets and the container "
        f"apps {', '.join(app.name for app in env.apps)}; deployed over a running {env.name}, it would "
        "delete them."
        for env in settings.environments.values() if env.bootstrap
    ]


def main() -> int:
    """Entry point for `main.py`: exit status 0, or 1 with the problem list on stderr."""
    try:
        settings = load()
        synthesize(settings, outdir=os.environ.get("CDKTF_OUTDIR") or "cdktf.out")
    except ValidationError as error:
        print(format_problems(error.problems), file=sys.stderr)
        return 1
    for notice in bootstrap_notices(settings):
        print(notice, file=sys.stderr)
    return 0


def _collect(problems: list[str], build: Callable[[], T]) -> T | None:
    """Run one build step; record its ValidationError and carry on with the next step.

    Any other error after a problem was recorded is taken as a consequence of that bad
    value (the step cannot continue with it) and is not reported separately.
    """
    try:
        return build()
    except ValidationError as error:
        problems.extend(error.problems)
    except Exception:
        if not problems:
            raise
    return None


def _move_into(staging: Path, outdir: Path) -> None:
    for source in sorted(staging.rglob("*")):
        if source.is_file():
            target = outdir / source.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)

