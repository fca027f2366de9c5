"""An environment that runs apps has someone to tell, alerts to tell them, and a budget."""

from __future__ import annotations

from constructs import IConstruct

from sigmatiq_infra._cdktf import TerraformStack
from sigmatiq_infra.aspects.rule import Rule
from sigmatiq_infra.constructs._context import context_of
from sigmatiq_infra.constructs.container_app import ContainerApp
from sigmatiq_infra.constructs.monitoring import ActionGroup, Budget, MetricAlert


def missing_monitoring(node: IConstruct) -> str | None:
    if not isinstance(node, TerraformStack):
        return None
    members = context_of(node).members
    if not any(isinstance(member, ContainerApp) for member in members):
        return None  # not an environment: nothing runs here
    missing = [
        what for what, kind in (("an action group", ActionGroup), ("a metric alert", MetricAlert), ("a budget", Budget))
        if not any(isinstance(member, kind) for member in members)
    ]
    if not missing:
        return None
    return "runs container apps but has no " + ", no ".join(what.split(" ", 1)[1] for what in missing)


MONITORING_REQUIRED = Rule(
    id="monitoring-required",
    check=missing_monitoring,
    allowed="an environment with an action group, metric alerts and a budget",
    fix="add an ActionGroup, MetricAlerts on its services and a Budget",
)
