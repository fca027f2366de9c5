"""The estate scaled up from settings alone: no code changes, only more data.

`bin/bench` runs it as its case (c), through the project's launcher:

    PYTHONPATH=. bin/app bench/scaled.py ENVIRONMENTS APPS OUTDIR

(`stacks` is the repository's app, on the path through PYTHONPATH: the launcher puts the
program's folder first, as `python bench/scaled.py` would.)
"""

from __future__ import annotations

import dataclasses
import sys

from stacks.settings import BETA, PROD, Settings, api, derive_environment, load


def scaled_settings(environments: int = 10, apps: int = 50) -> Settings:
    """`environments` environments (beta, prod and copies of beta) sharing `apps` apps evenly."""
    base = load()
    names = [f"env{n:02d}" for n in range(1, environments - 1)]
    envs = {"beta": BETA, "prod": PROD, **{name: derive_environment(BETA, name) for name in names}}
    per_env = apps // len(envs)
    services = [api(f"svc{n:02d}", 8000 + n) for n in range(per_env)]
    envs = {key: dataclasses.replace(env, apps=tuple(
        dataclasses.replace(app, min_replicas=env.apps[0].min_replicas) for app in services
    )) for key, env in envs.items()}
    return dataclasses.replace(base, environments=envs)


if __name__ == "__main__":
    from stacks.app import synthesize

    environments, apps, outdir = sys.argv[1:]
    synthesize(scaled_settings(int(environments), int(apps)), outdir)
