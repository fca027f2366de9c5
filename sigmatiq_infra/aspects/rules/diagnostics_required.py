"""Every resource Azure Monitor collects from sends its logs and metrics somewhere."""

from __future__ import annotations

from constructs import IConstruct

from sigmatiq_infra.aspects.rule import Rule
from sigmatiq_infra.constructs._resource import AzureResource


def missing_diagnostics(node: IConstruct) -> str | None:
    # Lookups belong to the stack that manages the resource.
    if (
        isinstance(node, AzureResource) and node.diagnostics and node.diagnostics_expected
        and node._managed is not None and not node.diagnostic_workspaces
    ):
        return "has no diagnostic settings (its logs and metrics are kept nowhere)"
    return None


DIAGNOSTICS_REQUIRED = Rule(
    id="diagnostics-required",
    check=missing_diagnostics,
    allowed="diagnostic settings on every resource Azure Monitor collects logs or metrics from",
    fix="call add_diagnostic_settings(workspace) on it",
)
