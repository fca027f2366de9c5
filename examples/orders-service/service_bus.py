"""A construct of the orders service's own, for a resource the library has none for: an Azure
Service Bus namespace. It is built from the library's public pieces only, so it is checked,
tagged, guarded and drawn like the library's constructs (docs/library/constructs.md,
"Writing your own construct")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from constructs import Construct

from sigmatiq_infra.azurerm import servicebus_namespace
from sigmatiq_infra.constructs import (
    GLOBAL,
    AzureResource,
    BuiltInRole,
    DiagnosticTarget,
    IResourceGroup,
    Principal,
    ResourceAttribute,
    ResourceFacts,
)
from sigmatiq_infra.validation import NameRule, Validator

# Microsoft Learn, "Naming rules and restrictions for Azure resources" (Microsoft.ServiceBus).
NAMESPACE_NAME = NameRule(
    "Service Bus namespace", 6, 50, r"a-zA-Z0-9\-", "letters, digits and hyphens",
    first="a-zA-Z", first_text="a letter", last="a-zA-Z0-9", last_text="a letter or digit",
)
SKUS = ("Basic", "Standard", "Premium")


@dataclass(frozen=True)
class ServiceBusNamespaceProps:
    name: str
    """Namespace name: 6-50 letters, digits and hyphens, unique across Azure
    (`<name>.servicebus.windows.net`)."""
    resource_group: IResourceGroup
    """Group the namespace lives in; its location is used."""
    sku: str = "Standard"
    """`Basic`, `Standard` or `Premium`. Default: `Standard`."""
    public_network_access_enabled: bool = False
    """Reachable from public networks. Default: off, which needs `Premium` (the only tier
    with private endpoints); `Basic` and `Standard` namespaces opt in with `True`."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class ServiceBusNamespace(AzureResource):
    """An `azurerm_servicebus_namespace`: Entra ID only (no SAS keys), TLS 1.2."""

    facts = (
        ResourceFacts(
            "azurerm_servicebus_namespace", ("name", "location", "resource_group_name"),
            holds="queued messages",  # the plan gate refuses to replace or delete it
            kind="Service Bus namespace", name_scope=GLOBAL, public_by_default=True,
            # `cost` prices it from this service's own price entries (costs.toml).
            billing=lambda config, usage: [(f"service-bus.{config['sku']}", 1, "operations beyond 13M not counted")],
        ),
    )
    arm_type = "Microsoft.ServiceBus/namespaces"
    kind_text = "Service Bus namespace"
    diagnostics = (DiagnosticTarget(),)  # allLogs and AllMetrics
    endpoint = ResourceAttribute[str]()

    def __init__(self, scope: Construct, id: str, props: ServiceBusNamespaceProps) -> None:
        super().__init__(scope, id)
        check = Validator("ServiceBusNamespace", self)
        props = check.props(props)  # every field against its annotation, before any rule
        check.name("name", props.name, NAMESPACE_NAME)
        check.one_of("sku", props.sku, SKUS)
        check.require(
            # (a SKU that is not one is said once, above)
            props.public_network_access_enabled or props.sku == "Premium" or props.sku not in SKUS,
            "public_network_access_enabled", False, f"leaves a {props.sku!r} namespace unreachable",
            "public_network_access_enabled=False only with sku 'Premium' (private endpoints)",
            "use sku='Premium', or opt in to public access with public_network_access_enabled=True",
        )
        check.done()  # the problems go to the app's numbered list; building goes on
        self.resource = servicebus_namespace.ServicebusNamespace(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            location=props.resource_group.location,
            sku=props.sku,
            local_auth_enabled=False,
            minimum_tls_version="1.2",
            public_network_access_enabled=props.public_network_access_enabled,
            tags=self.resource_tags(props.tags),
        )
        self.keep_props(props)

    def grant_send(self, principal: Principal):
        """Azure Service Bus Data Sender: send to the namespace's queues and topics."""
        return self.grant(BuiltInRole.SERVICE_BUS_DATA_SENDER, principal)

    def grant_receive(self, principal: Principal):
        """Azure Service Bus Data Receiver: receive from its queues and subscriptions."""
        return self.grant(BuiltInRole.SERVICE_BUS_DATA_RECEIVER, principal)
