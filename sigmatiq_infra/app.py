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
            shared = _collect(problems, lambda: SharedStack(app, "shared", settings.shared, state))
            for env in settings.environments.values():
                stack = _collect(problems, lambda env=env: EnvironmentStack(app, env, settings.shared, state))
                if stack is not None and shared is not None:
                    # Environments look the shared vault and registry up by name.
                    stack.add_dependency(shared)
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
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}-", dir=outdir.parent))
    try:
        app = build_app(settings, outdir=str(staging))
        with collect_problems() as problems:
            app.synth()
        if problems:
            raise ValidationError(problems)
        stacks = sorted(p.name for p in (staging / "stacks").iterdir())
        _move_into(staging, outdir)
        return stacks
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def format_problems(problems: tuple[str, ...] | list[str]) -> str:
    """The report printed when synth stops: every problem, numbered, one per paragraph."""
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    lines = [f"sigmatiq-infra: synth stopped, nothing was written ({count}):"]
    lines += [f"  {i}. {problem}" for i, problem in enumerate(problems, 1)]
    return "\n".join(lines)


def main() -> int:
    """Entry point for `main.py`: exit status 0, or 1 with the problem list on stderr."""
    try:
        synthesize(outdir=os.environ.get("CDKTF_OUTDIR") or "cdktf.out")
    except ValidationError as error:
        print(format_problems(error.problems), file=sys.stderr)
        return 1
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

