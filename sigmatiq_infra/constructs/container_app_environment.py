"""Container Apps environment: the boundary that container apps run in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf_cdktf_provider_azurerm.container_app_environment import (
    ContainerAppEnvironment as _Environment,
)
from constructs import Construct

from sigmatiq_infra.constructs.log_analytics import LogAnalyticsWorkspace
from sigmatiq_infra.constructs.resource_group import IResourceGroup
from sigmatiq_infra.validation import NameRules, Validator


@dataclass(frozen=True)
class ContainerAppEnvironmentProps:
    name: str
    """Environment name: 2-60 lowercase letters, digits and hyphens, starting with a letter."""
    resource_group: IResourceGroup
    """Group the environment lives in; its location is used."""
    log_analytics_workspace: LogAnalyticsWorkspace | None = None
    """Workspace that receives app logs. Default: none (logs are only streamed)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class ContainerAppEnvironment(Construct):
    """An `azurerm_container_app_environment` (Consumption plan).

    Without a VNet, `zone_redundancy_enabled` and `internal_load_balancer_enabled` are
    left out: azurerm rejects them, even as `false`, unless `infrastructure_subnet_id` is set.
    """

    def __init__(self, scope: Construct, id: str, props: ContainerAppEnvironmentProps) -> None:
        super().__init__(scope, id)
        check = Validator("ContainerAppEnvironment", self.node.path)
        check.name("name", props.name, NameRules.CONTAINER_APP_ENVIRONMENT)
        check.done()

        workspace = props.log_analytics_workspace
        self.resource = _Environment(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            location=props.resource_group.location,
            log_analytics_workspace_id=workspace.id if workspace else None,
            logs_destination="log-analytics" if workspace else None,
            tags=dict(props.tags),
        )
        self.id: str = self.resource.id
        self.name: str = props.name
        self.resource_group = props.resource_group
        self.default_domain: str = self.resource.default_domain
