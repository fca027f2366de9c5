"""Builds and synthesizes the Sigmatiq app: `state`, `shared` and one stack per environment.

`main()` is what `cdktf synth|diff|deploy` run (through `main.py`). Every bad value (an
environment variable, a setting, a construct prop, a policy finding, a change to what is
deployed) ends up in one numbered list, with no traceback and nothing written; a previous
good `cdktf.out` is never left half-overwritten (the library's `App`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sigmatiq_infra import deployed
from sigmatiq_infra.validation import ValidationError, Validator, format_problems
from stacks.record import record
from stacks.settings import Settings, read_environment
from stacks.settings.checks import check

if TYPE_CHECKING:
    from sigmatiq_infra.stacks import App, BlobStateBackend


def stack_names(settings: Settings) -> list[str]:
    return [*(["state"] if settings.state is not None else []), "shared", *settings.environments]


def build_app(
    settings: Settings | None = None, outdir: str | None = None, stacks: Sequence[str] | None = None,
) -> App:
    """Every stack (or only `stacks`), ready to `synth()`. Without `settings`, they are read
    from the environment. Raises one ValidationError with every problem of the settings (and
    of the environment variables); the constructs' own problems are reported by `synth()`."""
    variables: list[str] = []
    if settings is None:
        # A bad environment variable leaves its setting as it was: the app is still built, so
        # the constructs' problems are reported with it.
        settings, variables = read_environment(os.environ)
    settings, found, warnings = check(settings)
    found += _unknown_stacks(settings, stacks)
    if found:  # settings that cannot be built from
        raise ValidationError(variables + found, warnings)
    from sigmatiq_infra.stacks import App
    from stacks import BetaStack, EnvironmentStack, ProdStack, SharedStack, StateStack

    wanted = set(stacks or stack_names(settings))
    app = App(outdir=outdir)
    app.problems.add(variables, settings.warnings)
    backend = state_backend(settings)
    deployed_record = record()
    if settings.state is not None and "state" in wanted:
        StateStack(app, "state", settings.state)
    if "shared" in wanted:
        SharedStack(app, "shared", settings.shared, backend, deployed_record)
    named = {"beta": BetaStack, "prod": ProdStack}
    for env in settings.environments.values():
        if env.name in wanted:
            named.get(env.name, EnvironmentStack)(app, env, settings.shared, backend, deployed_record)
    deployed.guard(app, deployed_record, replacements(settings))
    return app


def state_backend(settings: Settings) -> BlobStateBackend | None:
    """Where the shared and environment stacks keep their state: the `state` stack's
    account when remote state is on, else local files."""
    from sigmatiq_infra.stacks import BlobStateBackend

    state = settings.state
    if state is None or not settings.remote_state:
        return None
    return BlobStateBackend(state.resource_group, state.storage_account, state.container)


def replacements(settings: Settings) -> dict[str, tuple[deployed.Replacement, ...]]:
    """The replacement opt-ins of every stack, from its adoption settings."""
    return {"shared": settings.shared.adoption.replacements} | {
        env.name: env.adoption.replacements for env in settings.environments.values()
    }


def exit_on_unknown_stacks(names: Sequence[str], command: str) -> None:
    """For a script given stack names (bin/plan): the numbered list and exit status 2 when one
    names no stack of this app, before anything is synthesized."""
    settings, _ = read_environment(os.environ)
    problems = _unknown_stacks(settings, names, command)
    if problems:
        print(format_problems(problems), file=sys.stderr)
        raise SystemExit(2)


def _unknown_stacks(settings: Settings, stacks: Sequence[str] | None, command: str = "main.py") -> list[str]:
    check = Validator("Command line", command)
    for name in stacks or ():
        check.one_of("stack", name, stack_names(settings), "pass stack names of this app, or none for every stack")
    return list(check.problems)


def synthesize(settings: Settings | None = None, outdir: str | Path = "cdktf.out") -> list[str]:
    """Synthesize every stack into `outdir` (nothing is written unless all of them, policy
    aspects and the deployed-estate check included, succeeded); returns the stack names.
    Files Terraform keeps beside the synthesized JSON (`.terraform/`, lock files, plans) stay."""
    app = build_app(settings, outdir=str(outdir))
    app.synth()
    return sorted(p.name for p in (Path(outdir) / "stacks").iterdir())


def bootstrap_notices(settings: Settings, stacks: Sequence[str] | None = None) -> list[str]:
    """One line per environment synthesized (of `stacks`, default all) for its bootstrap
    deploy, naming what it omits."""
    return [
        f"sigmatiq-infra: {env.name} is synthesized for its first (bootstrap) deploy because "
        f"SIGMATIQ_{env.name.upper()}_BOOTSTRAP is on: it leaves out the vault secrets and the container "
        f"apps {', '.join(app.name for app in env.apps)}; deployed over a running {env.name}, it would "
        "delete them."
        for env in settings.environments.values() if env.bootstrap and (stacks is None or env.name in stacks)
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for `main.py [STACK ...]` (no names: every stack): exit status 0, or 1
    with every problem as one numbered list on stderr."""
    from sigmatiq_infra.synthesis import report, synth

    stacks = list(sys.argv[1:] if argv is None else argv) or None
    try:
        app = build_app(outdir=os.environ.get("CDKTF_OUTDIR") or "cdktf.out", stacks=stacks)
    except ValidationError as error:
        report(error)
    synth(app)
    settings, _ = read_environment(os.environ)
    for notice in bootstrap_notices(settings, stacks):
        print(notice, file=sys.stderr)
    return 0
