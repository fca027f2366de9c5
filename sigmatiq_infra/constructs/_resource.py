"""The one interface every Azure resource construct offers (the facts each construct class
states about what it creates are `_facts`'s).

`AzureResource` is the Azure Verified Modules interface, in this library's shape: tags on
everything the construct creates; `add_lock()`; role assignments with `grant(role,
principal)` (the typed `grant_*` methods call it); `add_private_endpoint(network)` on every
private-link service; `add_diagnostic_settings(workspace)` on every resource Azure Monitor
collects from; managed identities (`ManagedIdentities`) on the resources that have them.
Where Azure does not support one of these for a resource type, the method records a
problem that says so, rather than creating something Azure would reject.

A construct class states its tier's facts as class attributes (`arm_type`, `kind_text`,
`private_link`, `diagnostics`, `identity_types`, `facts`); adoption, the policy rules, the
diagram and the cost estimate read them there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar, runtime_checkable

from constructs import Construct

from sigmatiq_infra._cdktf import Fn, TerraformResourceLifecycle, Token
from sigmatiq_infra.azurerm import management_lock, role_assignment
from sigmatiq_infra.azurerm import monitor_diagnostic_setting as diagnostics_binding
from sigmatiq_infra.constructs._arguments import NOT_GIVEN, checked_call, made_nothing
from sigmatiq_infra.constructs._context import AzureConstruct, construct_classes, wait_for

# The facts each class states (`_facts`), where the constructs and the package import them from.
from sigmatiq_infra.constructs._facts import GLOBAL as GLOBAL
from sigmatiq_infra.constructs._facts import RESOURCE_GROUP as RESOURCE_GROUP
from sigmatiq_infra.constructs._facts import SUBSCRIPTION as SUBSCRIPTION
from sigmatiq_infra.constructs._facts import DiagnosticTarget, PrivateLinkService, ResourceFacts, within
from sigmatiq_infra.constructs._facts import NameScope as NameScope
from sigmatiq_infra.constructs.roles import Principal, Role, grant
from sigmatiq_infra.validation import ValidationError, Validator, is_token

T = TypeVar("T")

LOCK_LEVELS = ("CanNotDelete", "ReadOnly")
"""Azure's management lock levels: `CanNotDelete` (read and change, never delete) and
`ReadOnly` (read only: no change, no delete)."""
MAX_DIAGNOSTIC_SETTINGS = 5
"""Azure accepts at most five diagnostic settings per resource."""


@runtime_checkable
class IResourceGroup(Protocol):
    """What a resource needs from its group: where it lives."""

    @property
    def name(self) -> str: ...

    @property
    def location(self) -> str: ...


@runtime_checkable
class IIdentity(Protocol):
    """A user-assigned identity, as a resource's `identity` block names it: by its id."""

    @property
    def id(self) -> str: ...


@runtime_checkable
class IWorkspace(Protocol):
    """A Log Analytics workspace, as a diagnostic setting needs it."""

    @property
    def name(self) -> str: ...

    @property
    def id(self) -> str: ...


@dataclass(frozen=True)
class ManagedIdentities:
    """The managed identities a resource has (Azure Verified Modules' `managed_identities`)."""

    system_assigned: bool = False
    """An identity Azure creates with the resource and deletes with it. Default: off."""
    user_assigned: Sequence[IIdentity] = ()
    """User-assigned identities (`UserAssignedIdentity` constructs, or anything with a
    Terraform `id`). Default: none."""

    @property
    def type(self) -> str | None:
        """The azurerm `identity.type`, or None for no identity."""
        kinds = ["SystemAssigned"] if self.system_assigned else []
        kinds += ["UserAssigned"] if self.user_assigned else []
        return ", ".join(kinds) or None


def either(flag: Any, yes: str, no: str) -> str:
    """`yes` or `no`, as `flag` says. For a flag known only at deploy time, Terraform's
    `flag ? yes : no`: the choice is made at apply, not by the truth of the token's placeholder."""
    if is_token(flag):
        return Token.as_string(Fn.conditional(flag, yes, no))
    return yes if flag else no


class ResourceAttribute(Generic[T]):
    """An attribute of a construct's primary resource (or data source): a Terraform
    reference, read on first use, because each read is a jsii round trip and many are
    never needed."""

    def __init__(self, attribute: str | None = None) -> None:
        self.attribute = attribute
        """The binding's attribute, when it is not named as here (`ssl_port` for `tls_port`)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, construct: Any, owner: type | None = None) -> T:
        if construct is None:
            return self  # type: ignore[return-value]
        primary = construct.__dict__.get("resource") or construct.__dict__.get("data")
        if primary is None:  # an app's own constructor that uses the construct before making its resource
            kind = type(construct).__name__
            raise AttributeError(
                f"{kind}.{self.name} is read before {kind} made its resource: make self.resource (the binding) in "
                f"{kind}.__init__ before anything uses the construct (add_lock, grant, add_diagnostic_settings, ...)"
            )
        # Kept on the instance, where it is found before this (non-data) descriptor.
        value = construct.__dict__[self.name] = getattr(primary, self.attribute or self.name)
        return value


KEPT_FROM_PROPS = ("props", "name", "resource_group", "tags")
"""What `AzureResource.keep_props` keeps from the props, which the interface and the rules read."""


class AzureResource(AzureConstruct):
    """Base of every construct for one Azure resource, whose Terraform resource is
    `self.resource` (or, for a lookup of an existing resource, the data source `self.data`).

    A subclass (yours too: see "Writing your own construct" in docs/library/constructs.md)
    states its facts as class attributes and, in its constructor, checks its props with a
    `Validator` (`check.props(props)` first, `check.done()` last), creates `self.resource`
    with `tags=self.resource_tags(props.tags)`, and calls `self.keep_props(props)`.
    """

    arm_type: ClassVar[str] = ""
    """The ARM resource type, e.g. `Microsoft.KeyVault/vaults` (import ids, lookups)."""
    kind_text: ClassVar[str] = "resource"
    """What the resource is called in messages: `Key Vault`."""
    facts: ClassVar[tuple[ResourceFacts, ...]] = (
        # What every resource construct may add to its resource (the interface below).
        ResourceFacts(
            "azurerm_management_lock", kind="lock", name_scope=within("the locked resource", "scope"),
            # Named after the locked resource and its level: two of one name lock one resource twice
            # (its construct and a lookup of it, maybe in two stacks).
            collision_fix="lock it from one of the two constructs only (they are one Azure resource)",
        ),
        ResourceFacts("azurerm_role_assignment", kind="role assignment"),  # `grant()`; Azure names it (a GUID)
        ResourceFacts(
            "azurerm_monitor_diagnostic_setting", kind="diagnostic setting",
            # Its ARM id is `<target id>/providers/Microsoft.Insights/diagnosticSettings/<name>`.
            name_scope=within("the resource it reads", "target_resource_id"),
            # One construct numbers its settings; two of one name are two constructs of one resource.
            collision_fix="add the diagnostic settings on one of the two constructs only (they are one Azure "
            "resource)",
        ),
    )
    """The facts about the Terraform resources this construct creates (its primary first)."""
    private_link: ClassVar[PrivateLinkService | None] = None
    """How the resource is reached through a private endpoint; None when it cannot be."""
    diagnostics: ClassVar[tuple[DiagnosticTarget, ...]] = ()
    """What diagnostic settings can collect from it; empty when Azure Monitor collects
    nothing through diagnostic settings for this resource type."""
    no_diagnostics_reason: ClassVar[str] = "the activity log records this resource's changes"
    """Where this kind's operational data goes instead, when it has no `diagnostics`."""
    diagnostics_expected: ClassVar[bool] = True
    """Whether every resource of this kind should send its diagnostics somewhere (a stack's
    `send_diagnostics` and the `diagnostics-required` rule read it); False where a setting is
    optional because Azure keeps the data anyway (a container app's metrics)."""
    alert_metrics: ClassVar[Mapping[str, str]] = {}
    """The metrics `MetricAlert` may watch: Azure Monitor's for `arm_type` (Microsoft Learn,
    "Supported metrics for <arm_type>"), by Azure's name, with the aggregation each is read
    with unless the alert says otherwise (one the metric offers); the ones most alerted on
    first, as messages list them first. Their namespace is `arm_type`."""
    delete_operation: ClassVar[str | None] = None
    """The activity log's operation for deleting one (`DeleteAlert`), as
    `<resourceProvider>/<resourceType>/<operation>`; None: `<arm_type>/delete`."""
    identity_types: ClassVar[tuple[str, ...]] = ()
    """The azurerm `identity.type` values the resource accepts; empty: no managed identity."""
    existing: ClassVar[type[AzureResource] | None] = None
    """The construct that looks up a resource of this kind by name (`from_existing`)."""
    _ignore_changes: list[str] | None = None
    """Arguments the construct's resource ignores changes of (kept by `protect_from_destroy`)."""

    id = ResourceAttribute[str]()
    """The Azure resource id."""
    name: str
    resource_group: IResourceGroup
    tags: Mapping[str, str]
    public_network_access_enabled: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A constructor called with arguments it does not take (the props' fields given to the
        # construct itself, the id left out) is a problem in the app's list, not a TypeError.
        own = cls.__dict__.get("__init__")
        if own is not None and not hasattr(own, "__wrapped__"):
            cls.__init__ = checked_call(own)  # type: ignore[misc]

    def __getattr__(self, name: str) -> Any:
        # Only for what normal lookup does not find: what keep_props sets, said so when it was not called.
        kind = type(self).__name__
        attribute = getattr(type(self), name, None)
        if isinstance(attribute, ResourceAttribute):  # its read raised AttributeError: raised again, as it says
            return attribute.__get__(self, type(self))
        if name in KEPT_FROM_PROPS:
            raise AttributeError(
                f"{kind}.{name} is not set: call self.keep_props(props) at the end of {kind}.__init__, after "
                f"self.resource is made (it keeps {', '.join(KEPT_FROM_PROPS)})"
            )
        raise AttributeError(f"{kind!r} object has no attribute {name!r}")

    def keep_props(self, props: Any) -> None:
        """Keep what every construct offers from its props, as attributes the interface and
        the policy rules read: `props`, `name`, `resource_group`, `tags` (the stack's, then its
        own) and `public_network_access_enabled`. Call it last in the constructor, after
        `self.resource` is made (props without a field are left out)."""
        self.props = props
        self.name = props.name
        group = getattr(props, "resource_group", None)
        if group is not None:
            self.resource_group = group
            wait_for(self, group)  # another stack's group, named by its literal name: made first
        self.tags = self.resource_tags(getattr(props, "tags", None))
        self.public_network_access_enabled = bool(getattr(props, "public_network_access_enabled", False))

    @property
    def _managed(self) -> Any:
        """The resource this stack manages (None for lookups, and when a problem stopped it)."""
        return self.__dict__.get("resource")

    # --- data safety ---------------------------------------------------------------------

    def protect_from_destroy(self) -> None:
        """Make Terraform refuse any plan that would destroy the resource (nothing to do when a
        problem stopped it; a lookup says it cannot be protected)."""
        resource = self._managed
        if resource is None:
            return
        resource.lifecycle = TerraformResourceLifecycle(
            prevent_destroy=True, ignore_changes=self._ignore_changes,
        )
        self.__dict__["protected"] = True

    protected: bool = False
    """Whether `protect_from_destroy()` was called (Terraform refuses to destroy it)."""

    @checked_call(nothing=made_nothing)
    def add_lock(self, notes: str, level: str = "CanNotDelete") -> management_lock.ManagementLock | None:
        """A management lock on the resource (and, for a group, everything in it):
        `CanNotDelete` lets everyone read and change but nobody (Terraform included) delete
        until the lock is removed; `ReadOnly` also forbids changes. `notes` says why."""
        check = Validator(type(self).__name__, self)
        if not (check.value_type("lock notes", notes, str) & check.value_type("lock level", level, str)):
            check.done()
            return None
        if check.known(
            "lock level", level, "it decides the lock's construct id and name (DeleteLock or ReadOnlyLock)",
            "'CanNotDelete' or 'ReadOnly' written in code",
        ):
            check.one_of("lock level", level, LOCK_LEVELS)
        check.require(
            bool(notes.strip()), "lock notes", notes, "are empty",
            "a sentence saying what the lock protects", "say why the lock is there, e.g. 'Holds the databases.'",
        )
        check.require(
            len(notes) <= 512, "lock notes", f"{len(notes)} characters",
            "are too long", "at most 512 characters", "shorten the notes",
        )
        locks: dict[str, tuple[str, Any]] = self.__dict__.setdefault("_locks", {})
        if level in locks:  # one lock per level: the same notes again mean the same lock
            check.require(
                locks[level][0] == notes, "add_lock", level,
                f"adds a second {level} lock (the first says {locks[level][0]!r})",
                "one lock per level on a resource", "call add_lock once per level",
            )
            check.done()
            return locks[level][1]
        if not check.done():
            return None
        construct_id = "DeleteLock" if level == "CanNotDelete" else "ReadOnlyLock"
        # Lock names: 1-90 characters, not ending in a period (Microsoft Learn, "Naming rules and
        # restrictions for Azure resources", Microsoft.Authorization/locks): one cut to 90 drops the
        # periods it would end with (a long group name with a period at the cut).
        name = f"lock-{self.name}" if level == "CanNotDelete" else f"lock-readonly-{self.name}"
        lock = locks.setdefault(level, (notes, management_lock.ManagementLock(
            self, construct_id,
            name=name[:90].rstrip("."),
            scope=self.id,
            lock_level=level,
            notes=notes,
        )))
        return lock[1]

    # --- access --------------------------------------------------------------------------

    @checked_call(nothing=made_nothing)
    def grant(
        self, role: Role, principal: Principal, *, used_by: Construct | None = None,
    ) -> role_assignment.RoleAssignment | None:
        """Assign `role` (a `BuiltInRole`, or a `RoleDefinition` for any other role) on this
        resource to `principal` (once: granting it again returns the first assignment). None,
        and a problem, when `role` is neither or `principal` no principal (a name instead of
        an identity). The assignment is made in this resource's stack; in an app of several
        stacks, in the stack of `used_by` (the construct that needs the access, e.g. an app)
        when it is given, else in the principal's when that is another stack's identity."""
        return grant(self, self.id, role, principal, used_by)

    # --- private endpoints ---------------------------------------------------------------

    @property
    def private_endpoints(self) -> list[Any]:
        """The private endpoints added with `add_private_endpoint`, in order."""
        return self.__dict__.setdefault("_private_endpoints", [])

    @property
    def private_endpoint(self) -> Any | None:
        """The first private endpoint, if any."""
        return self.private_endpoints[0] if self.private_endpoints else None

    def add_private_endpoint(self, network: Any) -> Any | None:
        """Reach this resource through a private endpoint in `network` (a `PrivateNetwork`:
        the VNet's private-endpoint subnet, registered in the service's privatelink zone,
        with its DNS zone group). Public access stays as the props set it (off by default).
        None, and a problem, when the resource cannot have one (its kind or its SKU)."""
        check = Validator(type(self).__name__, self)
        if not all(hasattr(network, member) for member in ("add_endpoint", "virtual_network", "zones")):
            check.type_problem(
                "add_private_endpoint network", network, f"has the type {type(network).__name__}",
                "a PrivateNetwork: a VNet with a PRIVATE_ENDPOINTS subnet, and its PrivateDnsZones",
                "pass PrivateNetwork(virtual_network=vnet, zones=zones)",
            )
            check.done()
            return None
        if self.private_link is None:
            check.fail(
                "add_private_endpoint", self.kind_text, "is not reached through private endpoints",
                "private endpoints on private-link services (Key Vault, registry, PostgreSQL, Redis, "
                "App Configuration, storage)",
                "remove the call; reach this resource through its VNet integration instead",
            )
        else:
            # With public access opted in too, Azure serves both paths (Microsoft Learn, e.g.
            # "Azure Database for PostgreSQL flexible server networking with Private Link": public
            # access with firewall rules beside a private endpoint), so that is no conflict.
            problem = self._private_endpoint_problem()
            if problem:
                check.fail(*problem)
        if not check.done():
            self.__dict__["_private_endpoint_refused"] = True  # reported here, not again by policy
            return None
        for made in self.private_endpoints:  # one endpoint per VNet: asking again means that one
            if made.serves(network.virtual_network) or made.made_for(network):
                return made
        endpoint = network.add_endpoint(self)
        if endpoint is None:  # its name: reported by add_endpoint
            self.__dict__["_private_endpoint_refused"] = True
            return None
        self.private_endpoints.append(endpoint)
        return endpoint

    def unreachable_from(self, network: Any | None) -> tuple[str, str] | None:
        """(why, the fix) when a client whose traffic leaves from `network` (a VNet; None:
        an Azure-managed network, as a Container Apps environment without a VNet) cannot
        reach this private-link service; None when it can."""
        if network is not None and any(endpoint.serves(network) for endpoint in self.private_endpoints):
            return None
        if self.public_network_access_enabled:
            return self._public_path()
        where = "the client's VNet" if network is not None else "a network the client uses (it has no VNet)"
        endpoints = (
            f"its private endpoints are not in {where}" if self.private_endpoints
            else "it has no private endpoint"
        )
        fix = (
            f"add a private endpoint in VNet {network.name!r} (add_private_endpoint), whose DNS zones are linked there"
            if network is not None else
            "turn its public network access on (public_network_access_enabled=True), or give the "
            "environment a VNet and the service a private endpoint in it"
        )
        return f"public network access is off and {endpoints}", fix

    def _public_path(self) -> tuple[str, str] | None:
        """With public access on: (why a client on Azure still cannot get in, the fix), or None."""
        return None

    def _private_endpoint_problem(self) -> tuple[str, object, str, str, str] | None:
        """Why this resource cannot have a private endpoint, as `Validator.fail` arguments."""
        return None

    # --- monitoring ----------------------------------------------------------------------

    @checked_call(nothing=list)
    def add_diagnostic_settings(self, workspace: IWorkspace) -> list[diagnostics_binding.MonitorDiagnosticSetting]:
        """Send the resource's logs (Azure's `allLogs` category group, or its log
        categories where it has no groups) and metrics to the Log Analytics `workspace`:
        one diagnostic setting per target the resource has (a storage account's blob
        service, a Managed Redis database). Empty, and a problem, when Azure Monitor
        collects nothing from this kind of resource, or it already sends to `workspace`.

        The setting is named `diag-<workspace name>`; where this resource has a setting of that
        name already (to another workspace of the name, in another group), its number follows:
        `diag-<name>-2`."""
        check = Validator(type(self).__name__, self)
        if not check.value_type("add_diagnostic_settings workspace", workspace, IWorkspace):
            check.done()
            return []
        check.require(
            bool(self.diagnostics), "add_diagnostic_settings", self.kind_text,
            "has no diagnostic settings in Azure Monitor",
            "diagnostic settings on resources that emit resource logs or export metrics",
            f"remove the call; {self.no_diagnostics_reason}",
        )
        sent: list[str] = self.__dict__.setdefault("_diagnostic_workspaces", [])
        # Workspaces by identity (their `id`, a reference): two of one name may live in two groups.
        sent_ids: list[str] = self.__dict__.setdefault("_diagnostic_workspace_ids", [])
        names: list[str] = self.__dict__.setdefault("_diagnostic_setting_names", [])
        check.require(
            workspace.id not in sent_ids, "add_diagnostic_settings", workspace.name,
            "already receives this resource's diagnostics", "one diagnostic setting per workspace",
            "remove the second call",
        )
        check.require(
            len(sent) < MAX_DIAGNOSTIC_SETTINGS, "add_diagnostic_settings", workspace.name,
            f"would be the resource's {len(sent) + 1}th diagnostic setting",
            f"at most {MAX_DIAGNOSTIC_SETTINGS} per resource (Azure's limit)", "send to fewer workspaces",
        )
        if not check.done() or (self._managed is None and "data" not in self.__dict__):
            return []
        number = str(len(sent) + 1) if sent else ""
        # Setting names are unique per resource: only a name taken already gets the number.
        setting_name = f"diag-{workspace.name}"
        setting_name = f"{setting_name}-{number}" if setting_name.lower() in names else setting_name
        names.append(setting_name.lower())
        log = diagnostics_binding.MonitorDiagnosticSettingEnabledLog
        metric = diagnostics_binding.MonitorDiagnosticSettingEnabledMetric
        sent.append(workspace.name)
        sent_ids.append(workspace.id)
        return [
            diagnostics_binding.MonitorDiagnosticSetting(
                self, f"Diagnostics{number}{target.id_suffix}",
                name=setting_name,
                target_resource_id=f"{self.id}{target.sub_resource}",
                log_analytics_workspace_id=workspace.id,
                enabled_log=[
                    *(log(category_group=group) for group in target.log_groups),
                    *(log(category=category) for category in target.log_categories),
                ] or None,
                enabled_metric=[
                    metric(category=name) for name in target.metrics
                ] or None,
            )
            for target in self.diagnostics
        ]

    @property
    def diagnostic_workspaces(self) -> list[str]:
        """The workspaces this resource's diagnostic settings send to, by name."""
        return list(self.__dict__.get("_diagnostic_workspaces", ()))

    # --- identities ----------------------------------------------------------------------

    def identity_block(self, binding: type, identities: ManagedIdentities | None, check: Validator) -> Any:
        """The binding's `identity` block (`binding`, e.g. `storage_account.StorageAccountIdentity`)
        for `identities` (None for none); a problem on `check` when the resource does not
        accept that kind of identity (`identity_types`)."""
        if identities is None or not check.known(
            "managed_identities.system_assigned", identities.system_assigned,
            "it decides the type of the resource's identity block", "True or False written in code",
        ) or identities.type is None:
            return None
        allowed = self.identity_types
        check.one_of(
            "managed_identities", identities.type, allowed,
            f"{self.kind_text} accepts " + (" or ".join(repr(kind) for kind in allowed) or "no managed identity"),
            allowed_text=", ".join(allowed) or "none (this resource has no managed identity)",
        )
        return binding(
            type=identities.type,
            identity_ids=[identity.id for identity in identities.user_assigned] or None,
        )

    # --- lookups of existing resources ---------------------------------------------------

    @classmethod
    def from_existing(
        cls, scope: Construct, id: str, *positional: Any, name: str | None = None,
        resource_group_name: str | None = None, missing_hint: str | None = None,
    ) -> Any:
        """Refer to a resource another stack (or another tool) created, looked up by name
        (`name=` and `resource_group_name=`, given by keyword). With `missing_hint` (e.g.
        "Deploy the shared stack first."), a plan run before the resource exists stops with a
        message naming it, followed by the hint."""
        _check_lookup_arguments(cls.__name__, scope, id, positional, name, resource_group_name)
        if cls.existing is None:
            check = Validator(cls.__name__, str(id))
            check.fail(
                "from_existing", cls.__name__, "has no lookup of existing resources",
                "from_existing on " + ", ".join(resource_classes_with_lookups()),
                "look it up with the azurerm binding's data source (sigmatiq_infra.azurerm.data_azurerm_...), or "
                "pass its id or name where it is used",
            )
            raise ValidationError(check.problems)
        return cls.existing(
            scope, id, name=name, resource_group_name=resource_group_name, missing_hint=missing_hint,
        )


LOOKUP_KEYWORDS = ("name", "resource_group_name")


def _check_lookup_arguments(
    kind: str, scope: Any, id: Any, positional: tuple[Any, ...], name: Any, resource_group_name: Any,
) -> None:
    """One ValidationError for a `from_existing` call that gives the name and group by position
    or leaves one out (Python's own TypeError would be a traceback naming neither)."""
    node = getattr(scope, "node", None)
    check = Validator(kind, f"{node.path}/{id}" if node is not None and node.path else str(id))
    if positional:
        given = dict(zip(LOOKUP_KEYWORDS, positional, strict=False))
        keywords = ", ".join(f"{key}={given[key]!r}" if key in given else f"{key}=..." for key in LOOKUP_KEYWORDS)
        check.fail(
            "from_existing", list(positional), "are given by position",
            "scope and id by position, then name= and resource_group_name= by keyword",
            f"write {kind}.from_existing(scope, {id!r}, {keywords})",
        )
    else:
        for argument, value in (("name", name), ("resource_group_name", resource_group_name)):
            check.require(
                value is not None, f"from_existing {argument}", NOT_GIVEN, "is required",
                "name= and resource_group_name= of the resource to look up",
                f"write {kind}.from_existing(scope, {id!r}, name=..., resource_group_name=...)",
            )
    if check.problems:
        raise ValidationError(check.problems)


def resource_classes_with_lookups() -> list[str]:
    """The construct classes that look up an existing resource by name (`from_existing`),
    a user's own included once defined."""
    return sorted({cls.__name__ for cls in construct_classes(AzureResource) if cls.existing not in (None, cls)})
