"""Log Analytics workspace: where Container Apps send their logs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from constructs import Construct

from sigmatiq_infra.azurerm import log_analytics_workspace
from sigmatiq_infra.constructs._resource import (
    RESOURCE_GROUP,
    AzureResource,
    DiagnosticTarget,
    IResourceGroup,
    ResourceFacts,
)
from sigmatiq_infra.validation import NameRules, Validator

UNLIMITED_QUOTA = -1
"""azurerm's `daily_quota_gb` for no cap (its default)."""

@dataclass(frozen=True)
class LogAnalyticsWorkspaceProps:
    name: str
    """Workspace name: 4-63 letters, digits and hyphens."""
    resource_group: IResourceGroup
    """Group the workspace lives in; its location is used."""
    retention_in_days: int = 30
    """Days logs are kept, 30-730. Default: 30 (included in the ingestion price)."""
    daily_quota_gb: float | None = None
    """Daily ingestion cap in GB (at least 0.023), to bound cost; -1 is azurerm's "no cap".
    Default: none (unlimited)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class LogAnalyticsWorkspace(AzureResource):
    """An `azurerm_log_analytics_workspace` on the pay-as-you-go `PerGB2018` SKU: where
    diagnostic settings (`add_diagnostic_settings`) and Container Apps send their logs."""

    facts = (
        ResourceFacts(
            "azurerm_log_analytics_workspace", ("name", "location", "resource_group_name"), holds="logs",
            kind="Log Analytics workspace", name_scope=RESOURCE_GROUP,
            billing=lambda config, usage: [
                ("log-analytics.gb", usage["log_analytics_gb"], "assumed GB ingested beyond the free 5 GB"),
            ],
            # azurerm `loganalytics/log_analytics_workspace_resource.go`: both `Sensitive: true`.
            sensitive=("primary_shared_key", "secondary_shared_key"),
        ),
    )
    arm_type = "Microsoft.OperationalInsights/workspaces"
    kind_text = "Log Analytics workspace"
    diagnostics = (DiagnosticTarget(),)
    # Microsoft Learn, "Supported metrics for Microsoft.OperationalInsights/workspaces" (ms.date
    # 2025-04-16); the legacy log-based metrics are the agents' performance counters.
    alert_metrics = {  # noqa: RUF012
        "Ingestion Volume": "Count", "Ingestion Time": "Average", "Query Count": "Count",
        "Query Failure Count": "Count", "AvailabilityRate_Query": "Average",
        "BytesExported": "Total", "ExportFailed": "Total", "RecordsExported": "Total",
        "Heartbeat": "Total", "Event": "Average", "Update": "Average",
        **{f"Average_{counter}": "Average" for counter in (
            "% Available Memory", "% Available Swap Space", "% Committed Bytes In Use", "% DPC Time",
            "% Free Inodes", "% Free Space", "% Idle Time", "% Interrupt Time", "% IO Wait Time", "% Nice Time",
            "% Privileged Time", "% Processor Time", "% Used Inodes", "% Used Memory", "% Used Space",
            "% Used Swap Space", "% User Time", "Available MBytes", "Available MBytes Memory",
            "Available MBytes Swap", "Avg. Disk sec/Read", "Avg. Disk sec/Transfer", "Avg. Disk sec/Write",
            "Bytes Received/sec", "Bytes Sent/sec", "Bytes Total/sec", "Current Disk Queue Length",
            "Disk Read Bytes/sec", "Disk Reads/sec", "Disk Transfers/sec", "Disk Write Bytes/sec",
            "Disk Writes/sec", "Free Megabytes", "Free Physical Memory", "Free Space in Paging Files",
            "Free Virtual Memory", "Logical Disk Bytes/sec", "Page Reads/sec", "Page Writes/sec", "Pages/sec",
            "Pct Privileged Time", "Pct User Time", "Physical Disk Bytes/sec", "Processes",
            "Processor Queue Length", "Size Stored In Paging Files", "Total Bytes", "Total Bytes Received",
            "Total Bytes Transmitted", "Total Collisions", "Total Packets Received", "Total Packets Transmitted",
            "Total Rx Errors", "Total Tx Errors", "Uptime", "Used MBytes Swap Space", "Used Memory kBytes",
            "Used Memory MBytes", "Users", "Virtual Shared Memory",
        )},
    }

    def __init__(self, scope: Construct, id: str, props: LogAnalyticsWorkspaceProps) -> None:
        super().__init__(scope, id)
        # Sources: azurerm 4.55 `log_analytics_workspace.html.markdown` (retention 30-730 days on
        # PerGB2018; `daily_quota_gb` at least 0.023).
        check = Validator("LogAnalyticsWorkspace", self)
        props = check.props(props, LogAnalyticsWorkspaceProps)
        check.name("name", props.name, NameRules.LOG_ANALYTICS_WORKSPACE)
        check.in_range("retention_in_days", props.retention_in_days, 30, 730)
        if props.daily_quota_gb is not None and props.daily_quota_gb != UNLIMITED_QUOTA:
            check.in_range(
                "daily_quota_gb", props.daily_quota_gb, 0.023, 10**6,
                "set daily_quota_gb between 0.023 and 1000000, or -1 (or None) for no cap",
            )
        check.done()

        self.resource = log_analytics_workspace.LogAnalyticsWorkspace(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            location=props.resource_group.location,
            sku="PerGB2018",
            retention_in_days=props.retention_in_days,
            daily_quota_gb=props.daily_quota_gb,
            tags=self.resource_tags(props.tags),
        )
        self.keep_props(props)
