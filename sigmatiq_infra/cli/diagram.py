"""`diagram`: an architecture diagram from a synthesized stack.

Three steps, each readable on its own:

1. `build()` reads the stack into a model: every resource in its resource group, and the
   edges a reader asks about (which environment an app runs in, as which identity, which
   registry, vaults and data services it uses; who holds which role on what; which service a
   private endpoint links to).
2. `view()` turns the model into what is drawn: boxes per resource group, a nested box for
   three or more resources of one kind, edges that all of a box's members share drawn once
   from the box, and (for the picture) small child resources folded into their parent's
   label ("8 databases") instead of drawn as boxes of their own.
3. `mermaid()` writes the text (always: it renders on GitHub and needs nothing installed);
   `render_png()` draws the picture with Azure icons through the `diagrams` library when it
   and Graphviz's `dot` are installed.
"""

from __future__ import annotations

import argparse
import html
import importlib
import re
import shutil
import subprocess
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from sigmatiq_infra.cli.errors import CliError, path_argument
from sigmatiq_infra.cli.stacks import Resource, Stack, add_synth_output, load_stack

OTHER = "(no resource group)"
"""The box of resources whose resource group cannot be found (a resource whose group is an expression)."""
OTHER_STACK = " (other stack)"
"""Marks the box of a looked-up (data source) resource group that this stack does not create."""

REFERENCE = re.compile(r"(?<![\w.])((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([A-Za-z_]\w*)")
"""`type.id.attribute` (or `data.type.id.attribute`) anywhere inside a `${...}` expression,
also as a function argument (`${urlencode(azurerm_redis_cache.Redis.primary_access_key)}`),
which `tokens.REFERENCE` (anchored at `${`) does not see."""

NOT_CONFIGURATION = frozenset({"//", "depends_on", "lifecycle", "provider", "provisioner", "connection"})
"""Keys whose references say nothing about where a resource lives or what it uses: the
cdktf metadata, ordering, and preconditions (which merely check that a lookup exists)."""

LOOSE_TYPES = frozenset({
    "azurerm_client_config", "azuread_client_config", "azurerm_subscription",
    "azurerm_consumption_budget_subscription",
})
"""What lives in no resource group: the principal that runs Terraform (the "Deployer" who
holds roles), the subscription, and budgets over it. Drawn outside every box."""

OTHER_STACK_OUTPUTS = "terraform_remote_state"
"""How a stack reads another stack's values (cdktf's cross-stack references): drawn outside
every box as that stack, with the edges of what uses its values."""

LINKS = {
    "container_app_environment_id": "runs in",
    "identity_ids": "runs as",
    "infrastructure_subnet_id": "in subnet",
    "subnet_id": "in subnet",
    "log_analytics_workspace_id": "logs to",
    "public_ip_address_id": "public IP",
    "virtual_network_id": "in network",
    "virtual_network_name": "in network",
    "network_security_group_id": "filtered by",
    "private_dns_zone_ids": "DNS record in",
    "private_dns_zone_name": "in zone",  # azurerm 4.x's DNS links and records
    "zone_name": "in zone",
    "private_dns_zone_id": "in zone",  # azurerm 5.x's
    "dns_servers": "DNS via",
}
"""Reference attributes (at any depth) that are an edge of their own, by attribute name, for
any resource type: the network and hosting structure a reader of the prod picture wants."""

VAULT_TYPES = frozenset({"azurerm_key_vault"})
SECRET_TYPES = frozenset({"azurerm_key_vault_secret"})

DETAIL_TYPES = frozenset({
    "azurerm_postgresql_flexible_server_database",
    "azurerm_postgresql_flexible_server_configuration",
    "azurerm_postgresql_flexible_server_firewall_rule",
    "azurerm_mysql_flexible_database",
    "azurerm_mysql_flexible_server_firewall_rule",
    "azurerm_mssql_database",
    "azurerm_key_vault_secret",
    "azurerm_subnet_network_security_group_association",
    "azurerm_private_dns_zone_virtual_network_link",
    "azurerm_private_dns_a_record",
    "azurerm_private_dns_cname_record",
    "azurerm_virtual_network_dns_servers",
    "azurerm_private_dns_resolver_inbound_endpoint",
    "azurerm_private_dns_resolver_outbound_endpoint",
    "azurerm_management_lock",
    "azurerm_storage_container",
    "azurerm_resources",
    "azurerm_resource_group",
    "azurerm_monitor_diagnostic_setting",
    "azurerm_monitor_metric_alert",
    "azurerm_monitor_activity_log_alert",
    "azurerm_private_dns_resolver_forwarding_rule",
    "azurerm_private_dns_resolver_virtual_network_link",
})
"""Child resources and attachments folded into the resource they belong to in the picture
("psql-orders-prod: 8 databases"); the Mermaid text keeps them as nodes. A resource group
folds into its own box's label."""

WATCHES = {
    "azurerm_monitor_diagnostic_setting": ("target_resource_id",),
    "azurerm_monitor_metric_alert": ("scopes",),
    "azurerm_monitor_activity_log_alert": ("criteria", "resource_id"),
}
"""Where a monitoring resource names what it watches: it belongs to that resource (and is
folded into it in the picture), not to the workspace or action group it reports to."""

SET_SIZE = 3
"""Resources of one kind in one group that get a nested box of their own (the five apps)."""

KINDS = {
    "azurerm_client_config": "who runs Terraform",
    "azurerm_management_lock": "lock",
    "azurerm_resources": "existence check",
    "azurerm_role_assignment": "role assignment",
    OTHER_STACK_OUTPUTS: "another stack's outputs",
    "azurerm_monitor_diagnostic_setting": "diagnostic setting",
}
"""Kinds of the types no construct class states facts for; the others are the `kind` of
their construct's `ResourceFacts`, and any other type shows its name without `azurerm_`."""

ICONS = {
    "azurerm_app_configuration": "integration.AppConfiguration",
    "azurerm_client_config": "identity.Users",
    "azurerm_container_app": "compute.ContainerApps",
    "azurerm_container_app_job": "compute.ContainerApps",
    "azurerm_container_app_environment": "other.ContainerAppsEnvironments",
    "azurerm_container_registry": "compute.ContainerRegistries",
    "azurerm_key_vault": "security.KeyVaults",
    "azurerm_key_vault_secret": "menu.Keys",
    "azurerm_log_analytics_workspace": "monitor.LogAnalyticsWorkspaces",
    "azurerm_managed_redis": "databases.CacheRedis",
    "azurerm_network_security_group": "networking.NetworkSecurityGroups",
    "azurerm_postgresql_flexible_server": "databases.AzureDatabasePostgresqlServer",
    "azurerm_postgresql_flexible_server_database": "databases.AzureDatabasePostgresqlServer",
    "azurerm_private_dns_a_record": "network.DNSPrivateZones",
    "azurerm_private_dns_resolver": "networking.DNSPrivateResolver",
    "azurerm_private_dns_resolver_inbound_endpoint": "networking.DNSPrivateResolver",
    "azurerm_private_dns_resolver_outbound_endpoint": "networking.DNSPrivateResolver",
    "azurerm_private_dns_zone": "network.DNSPrivateZones",
    "azurerm_private_endpoint": "other.PrivateEndpoints",
    "azurerm_public_ip": "networking.PublicIpAddresses",
    "azurerm_redis_cache": "databases.CacheRedis",
    "azurerm_resource_group": "general.ResourceGroups",
    "azurerm_role_assignment": "identity.AzureADRolesAndAdministrators",
    "azurerm_storage_account": "storage.StorageAccounts",
    "azurerm_storage_container": "general.StorageContainer",
    "azurerm_subnet": "networking.Subnet",
    "azurerm_user_assigned_identity": "identity.ManagedIdentities",
    "azurerm_virtual_network": "networking.VirtualNetworks",
    "azurerm_virtual_network_gateway": "networking.VirtualNetworkGateways",
}
"""The closest `diagrams.azure.<module>.<class>` icon per azurerm type."""
GENERIC_ICON = "general.Resource"


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "diagram", help="draw a stack's architecture",
        description=(
            "Write <out-dir>/<stack>.mmd (Mermaid) from the synthesized stack, and <stack>.png with Azure "
            "icons when the Python package 'diagrams' and Graphviz are installed."
        ),
    )
    command.add_argument("stack", metavar="STACK", help="a synthesized stack, e.g. beta (see --out)")
    add_synth_output(command)
    command.add_argument("--out-dir", type=path_argument, default=Path("diagrams"), help="default: %(default)s")
    command.set_defaults(run=draw, loads_constructs=True)


# --- 1. the model ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


@dataclass
class Diagram:
    groups: dict[str, list[Resource]]
    """Resource group name (or `<name> (other stack)`, or OTHER) -> its resources, in stack order."""
    edges: list[Edge]
    loose: list[Resource] = field(default_factory=list)
    """Drawn outside every group: the Deployer (`azurerm_client_config`)."""
    owner: dict[str, str] = field(default_factory=dict)
    """Address -> address of the resource it belongs to (a database's server, a secret's vault)."""
    titles: dict[str, str] = field(default_factory=dict)
    """Address -> the name a person knows it by (Azure name, role name, "Deployer")."""

    def group_of(self, address: str) -> str | None:
        return next((g for g, members in self.groups.items() if any(r.address == address for r in members)), None)


def build(stack: Stack, roles: dict[str, str] | None = None) -> Diagram:
    """The model of `stack`. `roles` maps role definition GUIDs to names (default: the built-in
    roles this library assigns)."""
    roles = _built_in_roles() if roles is None else roles
    resources = list(stack.resources.values())
    owner = {r.address: o for r in resources if (o := _owner(stack, r)) is not None}
    groups, loose = _place(stack, owner)
    titles = {r.address: _title(stack, r, roles) for r in resources}
    edges: list[Edge] = []
    for resource in resources:
        for edge in _edges_of(stack, resource, titles):
            if edge not in edges and edge.source != edge.target:
                edges.append(edge)
    return Diagram(groups, edges, loose, owner, titles)


def _built_in_roles() -> dict[str, str]:
    # The construct classes are the one source of role GUIDs (the CLI starts jsii for them).
    from sigmatiq_infra.constructs.roles import BuiltInRole

    return {role.guid: role.display_name for role in BuiltInRole}


def references(value: Any, key: str = "", skip: frozenset[str] = NOT_CONFIGURATION) -> Iterator[tuple[str, str, str]]:
    """(attribute key, address, referenced attribute) of every reference in `value`, in document
    order; `key` is the innermost attribute name the reference sits under."""
    if isinstance(value, dict):
        for name, item in value.items():
            if name not in skip:
                yield from references(item, name, skip)
    elif isinstance(value, list):
        for item in value:
            yield from references(item, key, skip)
    elif isinstance(value, str) and "${" in value:
        for match in REFERENCE.finditer(value):
            yield key, match.group(1), match.group(2)


def _targets(stack: Stack, value: Any) -> Iterator[Resource]:
    """The resources of this stack that `value` references, each once, in order."""
    seen: set[str] = set()
    for _, address, _ in references(value):
        if address in stack.resources and address not in seen:
            seen.add(address)
            yield stack.resources[address]


def _owner(stack: Stack, resource: Resource) -> str | None:
    """The resource `resource` belongs to: the first reference to another resource's `id` or
    `name` (a database's `server_id`, a secret's `key_vault_id`, a role's `scope`, a record's
    `zone_name`), top-level attributes first; else any reference; else, for a lookup nothing in
    it points from (the registry's existence check), the first resource that references it."""
    if resource.tf_type in LOOSE_TYPES or resource.tf_type == OTHER_STACK_OUTPUTS or _is_group(resource):
        return None
    config = resource.config
    watched = WATCHES.get(resource.tf_type)
    if watched is not None:  # a diagnostic setting or an alert: with what it watches
        value = config
        for key in watched:
            value = value.get(key) if isinstance(value, dict) else None
        for _, address, _ in references({"watched": value}):
            if address in stack.resources and address != resource.address:
                return address
    top = {k: v for k, v in config.items() if isinstance(v, str)}
    for candidates, identifying in ((top, True), (config, True), (config, False)):
        for _, address, attribute in references(candidates):
            target = stack.resources.get(address)
            if target is None or target is resource or target.tf_type in LOOSE_TYPES | {OTHER_STACK_OUTPUTS}:
                continue
            if not identifying or attribute in ("id", "name"):
                return address
    if not resource.data:
        return None
    for other in stack.resources.values():
        # Preconditions count here: a lookup that only a precondition reads belongs with its reader.
        readers = references(other.config, skip=NOT_CONFIGURATION - {"lifecycle"})
        if other is not resource and any(address == resource.address for _, address, _ in readers):
            return other.address
    return None


def _own_group(stack: Stack, resource: Resource) -> str | None:
    """The resource group `resource` names itself: a group's own name, or `resource_group_name`
    as a literal or as a reference to a resource group (created or looked up) of this stack."""
    if resource.tf_type == "azurerm_resource_group":
        return resource.name
    value = resource.config.get("resource_group_name")
    if isinstance(value, str) and "${" not in value:
        return value
    for target in _targets(stack, value):
        if target.tf_type == "azurerm_resource_group":
            return target.name
    return None


def _place(stack: Stack, owner: dict[str, str]) -> tuple[dict[str, list[Resource]], list[Resource]]:
    """Every resource in its group: its own, else its owner's (recursively). Lookups of
    resources outside this stack go into `<group> (other stack)`."""
    own = {r.address: _own_group(stack, r) for r in stack.resources.values()}
    created = {g for r in stack.resources.values() if not r.data and (g := own[r.address])}

    def group_of(address: str, seen: frozenset[str] = frozenset()) -> str:
        resource = stack.resources[address]
        group = own[address]
        if group is None and address in owner and owner[address] not in seen:
            return group_of(owner[address], seen | {address})
        if group is None:
            return OTHER
        return group if not resource.data or group in created else group + OTHER_STACK

    groups: dict[str, list[Resource]] = {}
    # This stack's resource groups first (in synth order), then looked-up ones, then OTHER.
    for resource in stack.resources.values():
        if resource.tf_type == "azurerm_resource_group" and not resource.data:
            groups.setdefault(resource.name, [])
    loose = []
    for resource in stack.resources.values():
        if resource.tf_type in LOOSE_TYPES or resource.tf_type == OTHER_STACK_OUTPUTS:
            loose.append(resource)
        else:
            groups.setdefault(group_of(resource.address), []).append(resource)
    if OTHER in groups:
        groups[OTHER] = groups.pop(OTHER)
    return {g: members for g, members in groups.items() if members}, loose


def _title(stack: Stack, resource: Resource, roles: dict[str, str]) -> str:
    config = resource.config
    if resource.tf_type == "azurerm_role_assignment":
        literal = config.get("role_definition_name")
        guid = str(config.get("role_definition_id", "")).rsplit("/", 1)[-1]
        return literal if isinstance(literal, str) and "${" not in literal else roles.get(guid, "role")
    if resource.tf_type == "azurerm_client_config":
        return "Deployer"
    if resource.tf_type == OTHER_STACK_OUTPUTS:  # cdktf names it cross-stack-reference-input-<stack>
        return f"stack {resource.logical_id.removeprefix('cross-stack-reference-input-')}"
    name = config.get("name")
    if isinstance(name, str) and "${" not in name:
        return name
    if isinstance(name, str):
        # A name taken from another resource (the environment's default domain as a DNS zone).
        for _, address, attribute in references(name):
            if address in stack.resources and address != resource.address:
                return f"{_title(stack, stack.resources[address], roles)} {attribute.replace('_', ' ')}"
    path = config.get("//", {}).get("metadata", {}).get("path", "")
    parts = [p for p in str(path).split("/")[1:] if p != "Resource"]
    return parts[-1] if parts else resource.logical_id


def kind_of(tf_type: str) -> str:
    from sigmatiq_infra.constructs import resource_facts

    facts = resource_facts().get(tf_type)
    if facts is not None and facts.kind:
        return facts.kind
    return KINDS.get(tf_type, tf_type.removeprefix("azurerm_").replace("_", " "))


def _edges_of(stack: Stack, resource: Resource, titles: dict[str, str]) -> Iterator[Edge]:
    config = resource.config
    here = resource.address
    if resource.tf_type == "azurerm_role_assignment":
        # identity -> role -> target: the role node says who may do what, on which resource.
        for principal in _targets(stack, config.get("principal_id")):
            yield Edge(principal.address, here, "holds")
        for target in _targets(stack, config.get("scope")):
            yield Edge(here, target.address, titles[here])
        return
    if resource.tf_type == "azurerm_private_endpoint":
        for target in _targets(stack, config.get("private_service_connection", {})):
            yield Edge(here, target.address, "private link")
    if resource.tf_type in SECRET_TYPES:
        # A connection-string secret stands for the server it points at (its value is write-only).
        for target in _targets(stack, {"value": config.get("value"), "value_wo": config.get("value_wo")}):
            yield Edge(here, target.address, "stores URL of")
    for key, address, _ in references(config):
        if key in LINKS and address in stack.resources and stack.resources[address].tf_type not in LOOSE_TYPES:
            yield Edge(here, address, LINKS[key])
    yield from _app_edges(stack, resource)


def _app_edges(stack: Stack, app: Resource) -> Iterator[Edge]:
    """What a container app (or any resource with these blocks) pulls, reads and uses."""
    config = app.config
    linked: set[str] = {a for k, a, _ in references(config) if k in LINKS}
    for registry in _blocks(config.get("registry")):
        for target in _targets(stack, registry.get("server")):
            linked.add(target.address)
            yield Edge(app.address, target.address, "pulls from")
    for secret in _blocks(config.get("secret")):
        for target in _targets(stack, secret.get("key_vault_secret_id")):
            vaults = [target] if target.tf_type in VAULT_TYPES else [
                v for v in _targets(stack, target.config.get("key_vault_id")) if v.tf_type in VAULT_TYPES
            ]
            for vault in vaults:
                linked.add(vault.address)
                yield Edge(app.address, vault.address, "reads secrets")
            if target.tf_type in SECRET_TYPES:
                # Through the secret to the service its connection string names (PostgreSQL).
                for used in _targets(stack, [target.config.get("value"), target.config.get("value_wo")]):
                    if used.tf_type not in VAULT_TYPES:
                        linked.add(used.address)
                        yield Edge(app.address, used.address, "uses")
        for used in _targets(stack, secret.get("value")):
            linked.add(used.address)
            yield Edge(app.address, used.address, "uses")
    for container in (c for template in _blocks(config.get("template")) for c in _blocks(template.get("container"))):
        for variable in _blocks(container.get("env")):
            for used in _targets(stack, variable.get("value")):
                # AZURE_CLIENT_ID names the identity the app already "runs as": no second edge.
                if used.address not in linked and used.tf_type not in LOOSE_TYPES:
                    linked.add(used.address)
                    yield Edge(app.address, used.address, "uses")


def _blocks(value: Any) -> list[dict[str, Any]]:
    """A nested block as cdktf writes it: one object, or a list of them."""
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]


# --- 2. what is drawn --------------------------------------------------------------------------

@dataclass
class Node:
    id: str
    title: str
    kind: str
    tf_type: str
    data: bool
    notes: list[str] = field(default_factory=list)
    """What was folded into it: `8 databases`, `2 secrets`."""


@dataclass
class Box:
    id: str
    label: str
    nodes: list[str] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Line:
    """A drawn edge between two nodes; `tail_box`/`head_box` when it stands for every member of
    a nested box (Graphviz clips it at the box, Mermaid starts it at the subgraph)."""

    source: str
    target: str
    label: str
    dotted: bool = False
    tail_box: str | None = None
    head_box: str | None = None


@dataclass
class View:
    boxes: list[Box]
    loose: list[str]
    nodes: dict[str, Node]
    lines: list[Line]


def node_id(address: str) -> str:
    """A Mermaid- and Graphviz-safe id: `n_` and the address with `[^A-Za-z0-9_]` as `_`."""
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", address)


def view(diagram: Diagram, fold: bool) -> View:
    """Boxes, nodes and lines to draw. With `fold`, DETAIL_TYPES become notes on their owner."""
    resources = {r.address: r for members in diagram.groups.values() for r in members}
    resources |= {r.address: r for r in diagram.loose}

    def shown(address: str) -> str:
        """The node that stands for `address` (its owner's, for a folded detail)."""
        seen = {address}
        while fold and resources[address].tf_type in DETAIL_TYPES and address in diagram.owner:
            address = diagram.owner[address]
            if address in seen:
                break
            seen.add(address)
        return address

    nodes: dict[str, Node] = {}
    boxes: list[Box] = []
    for group, members in diagram.groups.items():
        box = Box(node_id("group " + group), group)
        drawn = [r for r in members if shown(r.address) == r.address and not (fold and _is_group(r))]
        by_type: dict[str, list[Resource]] = defaultdict(list)
        for resource in drawn:
            by_type[resource.tf_type].append(resource)
        for resource in drawn:
            nodes[resource.address] = Node(
                node_id(resource.address), diagram.titles[resource.address], kind_of(resource.tf_type),
                resource.tf_type, resource.data,
            )
            same = by_type[resource.tf_type]
            if len(same) < SET_SIZE:
                box.nodes.append(resource.address)
            elif resource is same[0]:
                label = f"{_plural(kind_of(resource.tf_type), len(same))}"
                box.boxes.append(Box(node_id(f"set {group} {resource.tf_type}"), label, [r.address for r in same]))
        boxes.append(box)
    loose = [r.address for r in diagram.loose]
    for resource in diagram.loose:
        nodes[resource.address] = Node(
            node_id(resource.address), diagram.titles[resource.address], kind_of(resource.tf_type),
            resource.tf_type, resource.data,
        )
    if fold:
        _add_notes(diagram, resources, shown, nodes, boxes)
    lines = _lines(diagram, resources, shown, nodes, fold)
    return View(boxes, loose, nodes, _merge_shared(lines, boxes))


def _is_group(resource: Resource) -> bool:
    return resource.tf_type == "azurerm_resource_group"


def _plural(kind: str, count: int) -> str:
    if count == 1:
        return f"1 {kind}"
    return f"{count} {kind}es" if kind.endswith(("s", "x", "sh")) else f"{count} {kind}s"


def _add_notes(diagram: Diagram, resources: dict[str, Resource], shown: Callable[[str], str],
               nodes: dict[str, Node], boxes: list[Box]) -> None:
    """Folded details as counted notes on the node (or resource group box) standing for them."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for address, resource in resources.items():
        holder = shown(address)
        if holder != address:
            counts[holder][resource.tf_type] += 1
    by_group = {box.label: box for box in boxes}
    for holder, counter in counts.items():
        notes = [_plural(kind_of(t), n) for t, n in counter.items()]
        if holder in nodes:
            nodes[holder].notes = notes
        elif _is_group(resources[holder]):
            box = by_group.get(diagram.group_of(holder) or "")
            if box is not None:
                box.notes = notes


def _lines(diagram: Diagram, resources: dict[str, Resource], shown: Callable[[str], str],
           nodes: dict[str, Node], fold: bool) -> list[Line]:
    lines: list[Line] = []
    for edge in diagram.edges:
        source, target = shown(edge.source), shown(edge.target)
        line = Line(source, target, edge.label)
        if source != target and source in nodes and target in nodes and line not in lines:
            lines.append(line)
    if not fold:
        # A resource placed only through its owner, and with no edge to it, hangs on it dotted.
        linked = {(e.source, e.target) for e in diagram.edges} | {(e.target, e.source) for e in diagram.edges}
        for address, owner in diagram.owner.items():
            placed_by_owner = resources[address].config.get("resource_group_name") is None
            if placed_by_owner and (address, owner) not in linked and address in nodes and owner in nodes:
                lines.append(Line(address, owner, "", dotted=True))
    return lines


def _merge_shared(lines: list[Line], boxes: list[Box]) -> list[Line]:
    """An edge that every member of a nested box has (same label, same other end) is drawn once
    from (or to) the box: five apps "runs in" the environment is one arrow, not five."""
    for box in (inner for outer in boxes for inner in outer.boxes):
        members = box.nodes
        for outgoing in (True, False):
            ends: dict[tuple[str, str, bool], list[Line]] = defaultdict(list)
            for line in lines:
                if line.tail_box or line.head_box:
                    continue
                near, far = (line.source, line.target) if outgoing else (line.target, line.source)
                if near in members and far not in members:
                    ends[(far, line.label, line.dotted)].append(line)
            for (far, label, dotted), shared in ends.items():
                if len({(line.source if outgoing else line.target) for line in shared}) < len(members):
                    continue
                first = lines.index(shared[0])
                # From the middle member, so the arrows leave the box's middle, not its top corner.
                middle = members[len(members) // 2]
                merged = Line(middle, far, label, dotted, tail_box=box.id) if outgoing else Line(
                    far, middle, label, dotted, head_box=box.id)
                lines = [line for line in lines if line not in shared]
                lines.insert(min(first, len(lines)), merged)
    return lines


# --- 3a. Mermaid -------------------------------------------------------------------------------

def mermaid(stack: Stack, diagram: Diagram) -> str:
    """Mermaid flowchart text: one subgraph per resource group, every resource as a node."""
    drawn = view(diagram, fold=False)
    lines = ["flowchart LR", f"  %% stack {stack.name}, generated by sigmatiq-infra diagram"]

    def node_line(address: str, indent: str) -> str:
        node = drawn.nodes[address]
        # Lookups (data sources) are parallelograms: they are read here, not created.
        left, right = ('[/"', '"/]') if node.data else ('["', '"]')
        return f"{indent}{node.id}{left}{_text(node.title)}<br/><small>{_text(node.kind)}</small>{right}"

    for address in drawn.loose:
        lines.append(node_line(address, "  "))
    for box in drawn.boxes:
        lines.append(f'  subgraph {box.id}["{_text(box.label)}"]')
        lines.extend(node_line(address, "    ") for address in box.nodes)
        for inner in box.boxes:
            lines.append(f'    subgraph {inner.id}["{_text(inner.label)}"]')
            lines.extend(node_line(address, "      ") for address in inner.nodes)
            lines.append("    end")
        lines.append("  end")
    for line in drawn.lines:
        source = line.tail_box or drawn.nodes[line.source].id
        target = line.head_box or drawn.nodes[line.target].id
        arrow = "-.-" if line.dotted else f"-->|{_text(line.label)}|"
        lines.append(f"  {source} {arrow} {target}")
    return "\n".join(lines) + "\n"


def _text(text: str) -> str:
    """Label text Mermaid cannot misread (quotes end a label, angle brackets start HTML, a bar
    ends an edge label)."""
    return text.replace('"', "'").replace("<", "(").replace(">", ")").replace("|", "/")


# --- 3b. the picture (diagrams + Graphviz) -----------------------------------------------------

def picture_tools() -> tuple[ModuleType | None, str]:
    """The `diagrams` package when it and Graphviz's `dot` are both usable; else None and one
    line saying what is missing and how to get it."""
    missing, fixes = [], []
    try:
        library: ModuleType | None = importlib.import_module("diagrams")
    except ImportError:
        library = None
        missing.append("the Python package 'diagrams' is not installed")
        fixes.append("pip install diagrams")
    if shutil.which("dot") is None:
        missing.append("Graphviz ('dot') is not on PATH")
        fixes.append("apt-get install graphviz")
    if missing:
        return None, f"{' and '.join(missing)}. For the picture with Azure icons: {' and '.join(fixes)}"
    return library, ""


GRAPH = {
    "pad": "0.4", "nodesep": "0.35", "ranksep": "1.1", "splines": "spline", "compound": "true",
    "newrank": "true", "fontsize": "22", "labelloc": "t", "labeljust": "l", "outputorder": "edgesfirst",
}
"""Left to right; curved splines (Graphviz's orthogonal edges misplace edge labels); `compound`
for edges from a nested box; edges drawn under the nodes."""
NODE = {"shape": "plain", "fixedsize": "false", "fontsize": "12"}
EDGE = {"fontsize": "10", "color": "#7B8894", "fontcolor": "#4A5560", "arrowsize": "0.7"}
STRUCTURE = frozenset({"in subnet", "in network", "filtered by", "DNS record in", "in zone", "DNS via"})
"""Network wiring: drawn light and dashed, so what the apps use stands out."""
STRUCTURE_STYLE = {"style": "dashed", "color": "#B5BEC6", "fontcolor": "#8A949C"}
CONTAINED = frozenset({"in subnet", "in network"})
"""Edges laid out from the container (network -> subnet -> endpoint) though they point the
other way: the network then sits left of what is in it, not in a tall column beside it."""
BOX_COLORS = ("#EEF6FC", "#FFFFFF")
"""Resource group boxes light blue, nested kind boxes white: two levels read apart at a glance."""


def render_png(stack: Stack, diagram: Diagram, target: Path, library: ModuleType) -> str:
    """Write `target` (a PNG): Azure icons, a box per resource group, left to right. Returns the
    Graphviz source it drew.

    Nodes are HTML-like tables (icon over name over kind) instead of `diagrams`' fixed-size icon
    boxes, whose labels spill over their neighbours when the Azure name is long; Graphviz sizes
    a table to its text, so nothing overlaps. Every id is fixed (no random node ids), so the
    same stack gives the same picture."""
    drawn = view(diagram, fold=True)
    lines = _joined_structure(drawn.lines)
    together = {line.tail_box or line.head_box for line in lines} - {None}
    icons = Path(str(library.__file__)).resolve().parent.parent
    with library.Diagram(f"{stack.name} stack", filename=str(target.with_suffix("")), outformat="png",
                         show=False, direction="LR", graph_attr=GRAPH, node_attr=NODE, edge_attr=EDGE):

        def draw_node(address: str) -> None:
            node = drawn.nodes[address]
            icon_class = _icon_class(node.tf_type)
            icon = icons / icon_class._icon_dir / icon_class._icon
            icon_class(_html_label(node, icon), nodeid=node.id, image="", shape="plain")

        def draw_box(box: Box, depth: int) -> None:
            cluster = library.Cluster(box.label + "".join(f" · {note}" for note in box.notes), graph_attr={
                "bgcolor": BOX_COLORS[depth % 2], "fontsize": "16" if depth == 0 else "12", "margin": "14",
                "style": "rounded,dashed" if box.label.endswith(OTHER_STACK) else "rounded",
            })
            cluster.dot.name = "cluster_" + box.id  # unique: two groups may both hold "5 container apps"
            with cluster:
                for address in box.nodes:
                    draw_node(address)
                for inner in box.boxes:
                    draw_box(inner, depth + 1)
                if box.id in together:
                    # Members one arrow stands for stand in one column (else the arrow's own tail
                    # node drifts right, towards its targets).
                    cluster.dot.body.append("{rank=same; " + " ".join(drawn.nodes[a].id for a in box.nodes) + "}")

        for address in drawn.loose:
            draw_node(address)
        for box in drawn.boxes:
            draw_box(box, 0)
        picture = library.getdiagram()
        for line in lines:
            attrs = {"label": f" {line.label} " if line.label else ""}
            tail, head = line.tail_box, line.head_box
            source, target_id = drawn.nodes[line.source].id, drawn.nodes[line.target].id
            if line.dotted:
                attrs["style"] = "dashed"
            parts = set(line.label.split(", "))
            if parts & STRUCTURE:
                attrs |= STRUCTURE_STYLE
            backwards = bool(parts & CONTAINED)
            if backwards:
                source, target_id, tail, head = target_id, source, head, tail
            if tail:
                attrs["ltail"] = "cluster_" + tail
            if head:
                attrs["lhead"] = "cluster_" + head
            edge = library.Edge(forward=not backwards, reverse=backwards, **attrs)
            picture.dot.edge(source, target_id, **edge.attrs)
        return str(picture.dot.source)  # the picture is written when the `with` block ends


def _joined_structure(lines: list[Line]) -> list[Line]:
    """Network wiring between the same two nodes, either way, as one line with both labels (the
    resolver is "in network" and the network's "DNS via" the resolver): two labels on one short
    stretch would overlap."""
    joined: list[Line] = []
    for line in lines:
        twin = next((j for j in joined if {j.source, j.target} == {line.source, line.target}
                     and not (j.tail_box or j.head_box or line.tail_box or line.head_box)
                     and {*j.label.split(", "), line.label} <= STRUCTURE), None)
        if twin is None:
            joined.append(line)
        else:
            joined[joined.index(twin)] = Line(twin.source, twin.target, f"{twin.label}, {line.label}", twin.dotted)
    return joined


def _icon_class(tf_type: str) -> Any:
    """The `diagrams.azure` node class for `tf_type` (its `_icon_dir`/`_icon` name the image)."""
    module, name = ICONS.get(tf_type, GENERIC_ICON).split(".")
    return getattr(importlib.import_module(f"diagrams.azure.{module}"), name)


def _html_label(node: Node, icon: Path) -> str:
    rows = [
        f'<TR><TD FIXEDSIZE="TRUE" WIDTH="48" HEIGHT="48"><IMG SRC="{html.escape(str(icon))}" SCALE="TRUE"/></TD></TR>',
        f"<TR><TD><B>{html.escape(node.title)}</B></TD></TR>",
        f'<TR><TD><FONT POINT-SIZE="10" COLOR="#5A6570">{html.escape(node.kind)}</FONT></TD></TR>',
    ]
    if node.notes:
        notes = html.escape(", ".join(node.notes))
        rows.append(f'<TR><TD><FONT POINT-SIZE="10" COLOR="#5A6570">{notes}</FONT></TD></TR>')
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="1">{"".join(rows)}</TABLE>>'


# --- the command -------------------------------------------------------------------------------

REMOTE_VALUE = re.compile(
    r"data\.terraform_remote_state\.cross-stack-reference-input-([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)",
)
"""How cdktf reads a value of another stack of the app: its remote state's output, named
`cross-stack-output-...` in that stack (whose value is `${<type>.<logical id>.<attribute>}`)."""
PLAIN_REFERENCE = re.compile(r"\$\{((?:data\.)?[a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([A-Za-z_]\w*)\}")


def with_other_stacks(stack: Stack, outdir: Path) -> Stack:
    """`stack` with each value it reads from another stack of the app (cdktf's remote state of
    that stack) read from that stack's resource instead, as a lookup in its resource group: the
    app runs in the platform's environment `cae-shared`, not in "cross-stack-reference-input-
    platform". A value the other stack's output does not name plainly stays as it is."""
    others: dict[str, Stack | None] = {}
    made: dict[str, Resource] = {}

    def resolve(match: re.Match[str]) -> str:
        name, output = match.groups()
        if name not in others:
            try:
                others[name] = load_stack(name, outdir) if name != stack.name else None
            except CliError:
                others[name] = None
        other = others[name]
        value = other.document.get("output", {}).get(output, {}).get("value") if other is not None else None
        found = PLAIN_REFERENCE.fullmatch(value) if isinstance(value, str) else None
        source = other.resources.get(f"{found.group(1)}.{found.group(2)}") if other and found else None
        if source is None:
            return match.group(0)
        if source.tf_type in LOOSE_TYPES and source.data:  # the Deployer, the subscription: this stack's own
            own = next((r for r in stack.resources.values() if r.data and r.tf_type == source.tf_type), None)
            if own is not None:
                return f"{own.address}.{found.group(3)}"
        address = f"data.{source.tf_type}.{name}_{source.logical_id}"
        if address not in made:
            group = source.config.get("resource_group_name")
            if isinstance(group, str) and (named := other.referenced(group)) is not None:
                group = named.config.get("name")
            config = {key: source.config[key] for key in ("//", "name") if key in source.config}
            made[address] = Resource(
                address, source.tf_type, f"{name}_{source.logical_id}",
                {**config, **({"resource_group_name": group} if group is not None else {})}, True,
            )
        return f"{address}.{found.group(3)}"

    def rewrite(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: rewrite(item) for key, item in value.items()}
        if isinstance(value, list):
            return [rewrite(item) for item in value]
        return REMOTE_VALUE.sub(resolve, value) if isinstance(value, str) and "${" in value else value

    resources = {
        address: Resource(r.address, r.tf_type, r.logical_id, rewrite(r.config), r.data)
        for address, r in stack.resources.items()
    }
    resources |= made
    read = {address for r in resources.values() for _, address, _ in references(r.config)}
    drawn = Stack(stack.name, stack.document)
    drawn.resources = {
        address: r for address, r in resources.items()
        if r.tf_type != "terraform_remote_state" or address in read  # read by nothing now: not drawn
    }
    return drawn


def draw(arguments: argparse.Namespace) -> int:
    stack = with_other_stacks(load_stack(arguments.stack, arguments.out), arguments.out)
    diagram = build(stack)
    out_dir: Path = arguments.out_dir
    mmd, png = out_dir / f"{stack.name}.mmd", out_dir / f"{stack.name}.png"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        mmd.write_text(mermaid(stack, diagram))
    except OSError as problem:
        raise CliError(
            f"diagram: cannot write to {out_dir} ({problem.strerror}). Fix: pass a writable --out-dir.",
            exit_code=1,
        ) from None
    written = [mmd]
    library, missing = picture_tools()
    if library is not None:
        try:
            render_png(stack, diagram, png, library)
        except (OSError, RuntimeError, subprocess.CalledProcessError) as problem:
            # graphviz raises CalledProcessError when dot fails, ExecutableNotFound (a RuntimeError)
            # when it vanished; either way the Mermaid file is there.
            raise CliError(f"diagram: Graphviz could not draw {png} ({problem}); {mmd} is written.", 1) from None
        written.append(png)
    drawn = [r for members in diagram.groups.values() for r in members] + diagram.loose
    lookups = sum(r.data for r in drawn)  # read, not created, by this stack
    counted = _plural("resource", len(drawn) - lookups) + (f" and {_plural('lookup', lookups)}" if lookups else "")
    print(f"{stack.name}: {counted} in {_plural('group', len(diagram.groups))} -> {', '.join(map(str, written))}")
    if library is None:
        print(f"{png} not drawn: {missing}, then run this again.")
    return 0
