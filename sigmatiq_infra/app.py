"""Builds the cdktf app: the `shared` stack and one stack per environment in settings."""

from __future__ import annotations

from sigmatiq_infra._cdktf import App
from sigmatiq_infra.settings import Settings, load


def build_app(settings: Settings | None = None, outdir: str | None = None) -> App:
    """Every stack, ready to `synth()`. Stack names are `shared` and the environment keys."""
    from sigmatiq_infra.stacks import EnvironmentStack, SharedStack

    settings = settings or load()
    app = App(outdir=outdir) if outdir else App()
    shared = SharedStack(app, "shared", settings.shared)
    for env in settings.environments.values():
        stack = EnvironmentStack(app, env, settings.shared)
        # Environments look the shared vault and registry up by name: deploy shared first.
        stack.add_dependency(shared)
    return app
