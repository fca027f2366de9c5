"""Azure built-in roles (the one place the library's role ids live) and the one helper that
assigns them.

Grants live on the resource that is granted: `vault.grant(BuiltInRole.KEY_VAULT_READER,
identity)` on any construct, or a typed wrapper such as `registry.grant_pull(identity)`;
both call `grant()` here, so role ids and assignment wiring exist once. A role `BuiltInRole`
does not list (another built-in role, or a custom one) is granted as a `RoleDefinition`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol, TypeAlias, runtime_checkable

from constructs import Construct, IConstruct

from sigmatiq_infra import azure_ids
from sigmatiq_infra.azurerm import role_assignment
from sigmatiq_infra.constructs._arguments import checked_call, checked_function
from sigmatiq_infra.constructs._context import (
    AzureConstruct,
    app_members,
    client_config,
    context_of,
    in_a_stack,
    made_in,
    subscription_id,
)
from sigmatiq_infra.typecheck import as_code
from sigmatiq_infra.validation import Validator, is_token


class BuiltInRole(Enum):
    """Built-in role definitions: (construct id, display name, role definition GUID)."""

    ACR_PULL = ("AcrPull", "AcrPull", "7f951dda-4ed3-4680-a7ca-43fe172d538d")
    KEY_VAULT_SECRETS_USER = (
        "KeyVaultSecretsUser", "Key Vault Secrets User", "4633458b-17de-408a-b874-0445c86b69e6",
    )
    KEY_VAULT_SECRETS_OFFICER = (
        "KeyVaultSecretsOfficer", "Key Vault Secrets Officer",
        "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    )
    STORAGE_BLOB_DATA_CONTRIBUTOR = (
        "StorageBlobDataContributor", "Storage Blob Data Contributor",
        "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    )
    APP_CONFIGURATION_DATA_READER = (
        "AppConfigurationDataReader", "App Configuration Data Reader",
        "516239f1-63e1-4d78-a4de-a74fb236a071",
    )
    APP_CONFIGURATION_DATA_OWNER = (
        "AppConfigurationDataOwner", "App Configuration Data Owner",
        "5ae67dd6-50cb-40e7-96ff-dc2bfa4b606b",
    )
    ACR_PUSH = ("AcrPush", "AcrPush", "8311e382-0749-4cb8-b61a-304f252e45ec")
    STORAGE_BLOB_DATA_READER = (
        "StorageBlobDataReader", "Storage Blob Data Reader", "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    )
    KEY_VAULT_ADMINISTRATOR = (
        "KeyVaultAdministrator", "Key Vault Administrator", "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    )
    KEY_VAULT_READER = ("KeyVaultReader", "Key Vault Reader", "21090545-7ca7-4776-b22c-e363652d74d2")
    OWNER = ("Owner", "Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635")
    READER = ("Reader", "Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7")
    CONTRIBUTOR = ("Contributor", "Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c")
    MONITORING_READER = ("MonitoringReader", "Monitoring Reader", "43d0d8ad-25c7-4714-9337-8ba259a9fe05")
    MONITORING_CONTRIBUTOR = (
        "MonitoringContributor", "Monitoring Contributor", "749f88d5-cbae-40b8-bcfc-e573ddc772fa",
    )
    LOG_ANALYTICS_READER = (
        "LogAnalyticsReader", "Log Analytics Reader", "73c42c96-874c-492b-b04d-ab87d138a893",
    )
    SERVICE_BUS_DATA_SENDER = (
        "ServiceBusDataSender", "Azure Service Bus Data Sender", "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
    )
    SERVICE_BUS_DATA_RECEIVER = (
        "ServiceBusDataReceiver", "Azure Service Bus Data Receiver", "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
    )

    @property
    def construct_id(self) -> str:
        return self.value[0]

    @property
    def display_name(self) -> str:
        return self.value[1]

    @property
    def guid(self) -> str:
        return self.value[2]


@dataclass(frozen=True)
class RoleDefinition:
    """A role `BuiltInRole` does not list, by its role definition GUID: another built-in role
    (`RoleDefinition("KeyVaultCryptoUser", "Key Vault Crypto User",
    "12338af0-0e69-4776-bea7-57ae8d297424")`) or a custom role of the subscription. Granted as
    a `BuiltInRole` is: `resource.grant(role, principal)`; `grant()` checks its fields."""

    construct_id: str
    """Begins the construct id of each assignment (`<construct_id>-<principal>`), e.g. `KeyVaultCryptoUser`."""
    display_name: str
    """The role's name as Azure shows it, e.g. `Key Vault Crypto User`."""
    guid: str
    """The role definition's GUID (`az role definition list --name '<display name>' --query [].name -o tsv`)."""


Role: TypeAlias = BuiltInRole | RoleDefinition
"""What `grant()` assigns: a built-in role the library names, or any other role definition."""


@runtime_checkable
class Principal(Protocol):
    """Anything a role can be granted to: a managed identity, the deploying principal, ..."""

    @property
    def node(self):  # construct node, used to name the assignment
        ...

    @property
    def principal_id(self) -> str: ...

    @property
    def principal_type(self) -> str | None:
        """`ServicePrincipal`, `User`, `Group`, or None when unknown at synth time."""
        ...


class DeployingPrincipal(AzureConstruct):
    """Whoever runs `cdktf deploy` (the `az login` user or the `ARM_*` service principal)."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.name = "Deployer"
        self.principal_id: str = client_config(self).object_id
        self.principal_type: str | None = None


PRINCIPAL_TYPES = ("User", "Group", "ServicePrincipal")
"""What azurerm 4.55 takes as a role assignment's `principal_type`, in this case exactly
(`role_assignment_resource.go`: StringInSlice, case-sensitive)."""


def check_principal(check: Validator, principal_id: str, principal_type: str | None) -> None:
    """azurerm's rules for a role assignment's principal: `principal_id` a UUID
    (`validation.IsUUID`: 36 characters, hex in either case, four hyphens) and
    `principal_type` one of `PRINCIPAL_TYPES` in exactly that case."""
    written = guid_in(principal_id)
    check.require(
        is_token(principal_id) or azure_ids.GUID.fullmatch(principal_id) is not None, "principal_id",
        principal_id, "is not an object id", "a GUID such as 00000000-0000-0000-0000-000000000000",
        f"write it as {written!r}" if written else
        "use the principal's object id (`az ad sp show --id <app id> --query id -o tsv`)",
    )
    if principal_type is not None:
        close = next((kind for kind in PRINCIPAL_TYPES if kind.lower() == principal_type.lower()), None)
        check.one_of(
            "principal_type", principal_type, PRINCIPAL_TYPES,
            f"write it as {close!r} (Azure reads it in this case only)" if close else None,
        )


class PrincipalById(AzureConstruct):
    """A principal known only by its object id, e.g. the CI pipeline's service principal."""

    @checked_call
    def __init__(self, scope: Construct, id: str, *, principal_id: str, principal_type: str) -> None:
        super().__init__(scope, id)
        check = Validator("PrincipalById", self)
        typed = [check.value_type(prop, value, str) for prop, value in (("principal_id", principal_id),
                                                                           ("principal_type", principal_type))]
        if all(typed):
            # An identity's id: its own type is what principal_type must be (said once, by that check).
            of_identity = is_token(principal_id) and _check_identity_ids(check, self, principal_id, principal_type)
            check_principal(check, principal_id, None if of_identity else principal_type)
        check.done()
        self.name = id
        self.principal_id = principal_id
        self.principal_type: str | None = principal_type


def _check_identity_ids(check: Validator, scope: Construct, principal_id: str, principal_type: str) -> bool:
    """An identity construct's deploy-time id given to a `PrincipalById`, where it does not fit:

    - its client id where its object id goes: "The Principal ID is also known as the Object ID
      (i.e. not the "Application ID" for applications)" (azurerm 4.55,
      `website/docs/r/role_assignment.html.markdown`, `principal_id`); Azure finds no principal
      of that id when the assignment is made;
    - its object id with another principal type than its own (a managed identity is a service
      principal: Microsoft Learn, "Assign Azure roles using Azure Resource Manager templates", new
      service principal); Azure refuses the assignment (UnmatchedPrincipalType: "The PrincipalId
      '...' has type 'ServicePrincipal', which is different from specified PrincipalType 'User'").

    The id an identity construct gave is the very value passed here (its attributes are read once,
    then kept on it); a principal's own wrappers are not identities. True when `principal_id` is an
    identity's object id: `principal_type` was checked against the identity's own type."""
    for member in app_members(scope):
        if isinstance(member, (PrincipalById, DeployingPrincipal)):
            continue
        kept = member.__dict__
        kind = getattr(member, "kind_text", type(member).__name__)
        if kept.get("client_id") == principal_id:
            check.fail(
                "principal_id", principal_id,
                f"is the client id (application id) of {kind} {member.node.path!r}, not its object id",
                "the principal's object id: the identity's principal_id",
                "pass principal_id=identity.principal_id, or grant to the identity itself: "
                "resource.grant(role, identity)",
            )
            return False
        own_type = getattr(member, "principal_type", None)
        if kept.get("principal_id") == principal_id and own_type in PRINCIPAL_TYPES:
            check.require(
                principal_type == own_type,  # Azure reads the type in this case only
                "principal_type", principal_type,
                f"is not the type of {kind} {member.node.path!r}, whose principal_id this is, and Azure refuses "
                "the assignment (UnmatchedPrincipalType)",
                f"{own_type!r}: the {kind}'s principal type",
                f"write principal_type={own_type!r}, or grant to the identity itself: resource.grant(role, identity)",
            )
            return True
    return False


@checked_function
def grant(
    target: Construct, target_id: str, role: Role, principal: Principal, used_by: Construct | None = None,
) -> role_assignment.RoleAssignment | None:
    """Assign `role` on the Azure scope `target_id` to `principal`, once.

    Granting the same role to the same principal again returns the first assignment, so
    several constructs may each ensure the access they depend on without creating
    duplicate assignments (which Azure rejects with RoleAssignmentExists).

    The assignment is made in the stack of `used_by` (the construct that needs the access, e.g.
    an app, whose stack is deployed after the target's and the principal's) when it is given;
    else in the target's stack, unless the principal is another stack's identity (its object id
    is known only once that stack is deployed): then in the principal's. So the
    stack that uses a resource depends on the stack that makes it, as its other references do;
    in the target's stack, the two stacks would use each other.
    """
    if not _grant_arguments_ok(target, role, principal, used_by):
        return None  # reported; the run goes on to find every other problem
    stack = context_of(target).stack
    home = target
    if used_by is not None:
        home = target if context_of(used_by).stack is stack else used_by
    elif isinstance(principal, Construct) and is_token(principal.principal_id) and (
        context_of(principal).stack is not stack
    ):
        home = principal
    # Python-side identities (targets and principals live as long as the app): no jsii round trip.
    # A role by its GUID: a RoleDefinition of a BuiltInRole's GUID is that role, assigned once.
    key = (id(target), role.guid.lower(), _principal_key(principal))
    # Made before, maybe in another stack of the app: Azure takes it once. It serves this grant
    # when it is in a stack this one is deployed with or after (the target's, the principal's:
    # what uses the grant uses them too); made in a sibling stack (another app's, under its
    # used_by), a second one is made here and synth names the two (RoleAssignmentExists).
    found = context_of(home).app_grants.get(key)
    if found is not None and context_of(found).stack in {
        context_of(home).stack, stack, *([context_of(principal).stack] if isinstance(principal, Construct) else []),
    }:
        return found
    if not isinstance(principal, PrincipalById):  # a PrincipalById checked itself
        check = Validator(type(target).__name__, target)
        check_principal(check, principal.principal_id, principal.principal_type)
        check.done()
    # Named after the principal's Python-side name (no jsii round trip for `node.id`); under
    # the principal, after the target's; under a user, after both. A name known only at deploy
    # time cannot be part of an id: then the construct's id.
    named = [other for other in (target, principal) if other is not home]
    assignment_id = "-".join([role.construct_id, *(_id_part(o) for o in named)])
    used: set[str] = home.__dict__.setdefault("_role_assignment_ids", set())
    if assignment_id in used:
        assignment_id = f"{assignment_id}-{named[-1].node.addr[:8]}"
    used.add(assignment_id)
    assignment = role_assignment.RoleAssignment(
        home,
        assignment_id,
        scope=target_id,
        role_definition_id=(
            f"/subscriptions/{subscription_id(target)}"
            f"/providers/Microsoft.Authorization/roleDefinitions/{role.guid}"
        ),
        principal_id=principal.principal_id,
        principal_type=principal.principal_type,
    )
    made_in(assignment, home)
    context_of(home).grants[key] = (target, role, assignment)
    context_of(home).app_grants[key] = assignment
    return assignment


def _id_part(construct: Construct) -> str:
    name = getattr(construct, "name", None)
    return name if name and not is_token(name) else construct.node.id


def _principal_key(principal: Principal) -> object:
    """Who `principal` is in Azure, as far as synth can tell: every `DeployingPrincipal` of a stack
    is the one deploying it, and principals of one object id are one principal: an id written out
    (a GUID, in any case) or one deploy-time value (an identity's `principal_id`, wrapped in a
    `PrincipalById` or not). Azure refuses a second assignment of a role to one principal on one
    scope (RoleAssignmentExists, Microsoft Learn's Authorization REST API, "common errors")."""
    if isinstance(principal, DeployingPrincipal):
        return DeployingPrincipal
    principal_id = principal.principal_id
    if isinstance(principal_id, str):
        return principal_id if is_token(principal_id) else principal_id.lower()
    return id(principal)


def _grant_arguments_ok(target: Construct, role: Any, principal: Any, used_by: Any = None) -> bool:
    """False, and a problem in the app's list, for a role that is no `BuiltInRole` or valid
    `RoleDefinition`, a principal that is no principal (a name, an id as text), or a `used_by`
    that is no construct (an app's name): no assignment can be made."""
    check = Validator(type(target).__name__, target)
    if used_by is not None and not isinstance(used_by, Construct):
        check.type_problem(
            "grant used_by", used_by, f"has the type {type(used_by).__name__}",
            "the construct that needs the access (e.g. the container app), or None",
            "pass the construct itself, e.g. used_by=api, not its name",
        )
    elif used_by is not None and not in_a_stack(used_by):  # the app: the assignment would be in no stack
        check.type_problem(
            "grant used_by", used_by.node.path or "the app", "is in no stack",
            "the construct that needs the access (e.g. the container app), or None",
            "pass the construct in a stack that uses the access, e.g. used_by=api, or leave used_by out",
        )
    if isinstance(principal, (BuiltInRole, RoleDefinition)) and _is_principal(role):
        check.type_problem(
            "grant role", role, f"is a principal, and the principal given after it ({as_code(principal)}) a role",
            "the role first, then the principal: resource.grant(role, principal)",
            f"swap them: grant({as_code(principal)}, {as_code(role)})",
        )
        return check.done()
    if isinstance(role, RoleDefinition):
        _check_role_definition(check, role)
    elif not isinstance(role, BuiltInRole):
        check.type_problem(
            "grant role", role, f"has the type {type(role).__name__}",
            "a BuiltInRole, or a RoleDefinition for a role it does not list", _role_fix(role),
        )
    if isinstance(principal, type):  # the class, where a construct made from it goes: no principal id yet
        check.type_problem(
            "grant principal", principal.__name__, "is a class, not a principal made from it",
            "a principal: the library's UserAssignedIdentity, a DeployingPrincipal or a PrincipalById",
            f"pass the {principal.__name__} construct the app made, e.g. identity = {principal.__name__}(stack, "
            "'Identity', ...), then grant(role, identity)",
        )
    elif not _is_principal(principal):
        raw = hasattr(principal, "principal_id")  # the binding's identity: no principal type
        several = isinstance(principal, (list, tuple, set)) and bool(principal) and all(map(_is_principal, principal))
        check.type_problem(
            "grant principal", principal,
            "is the azurerm binding's resource, which states no principal type" if raw
            else f"has the type {type(principal).__name__}",
            "a principal: the library's UserAssignedIdentity, a DeployingPrincipal or a PrincipalById",
            "make the identity with sigmatiq_infra.constructs.UserAssignedIdentity, or wrap it: "
            "PrincipalById(stack, 'Ci', principal_id=identity.principal_id, principal_type='ServicePrincipal')"
            if raw else "grant to each one: for principal in principals: resource.grant(role, principal)" if several
            else "pass the identity construct itself; for an object id, PrincipalById(stack, 'Ci', "
            f"principal_id={_written(guid_in(principal))}, principal_type='ServicePrincipal')",
        )
    return check.done()


def _role_fix(role: Any) -> str:
    """How to pass the role `role` names as text: its name in any case ('acrpull', 'Key Vault
    Secrets User', 'KEY_VAULT_SECRETS_USER'), its GUID or its role definition's resource id
    (`.../roleDefinitions/<GUID>`, as `az role definition list` shows it in `id`)."""
    text = role.strip() if isinstance(role, str) else ""
    guid = guid_in(text.rstrip("/").rpartition("/")[2])
    squeezed = text.replace(" ", "").replace("_", "").replace("-", "").lower()
    for member in BuiltInRole if text else ():
        if (guid or "").lower() == member.guid or squeezed in (
            member.name.replace("_", "").lower(), member.display_name.replace(" ", "").lower(),
            member.construct_id.lower(),
        ):
            return f"pass BuiltInRole.{member.name}, the built-in role {member.display_name!r}"
    if guid is not None:
        return f"wrap the GUID with the role's names: RoleDefinition('MyRole', 'My Role', {guid!r})"
    return (
        "pass one of BuiltInRole's members, e.g. BuiltInRole.KEY_VAULT_SECRETS_USER, or "
        "RoleDefinition(construct_id, display_name, guid) with the role's GUID"
    )


def _written(guid: str | None) -> str:
    return repr(guid) if guid else "..."


def guid_in(text: str) -> str | None:
    """The GUID `text` writes in a form azurerm does not take (`validation.IsUUID`: exactly 36
    characters), with spaces around it, in braces or without hyphens, as azurerm takes it; None
    when it writes none."""
    bare = text.strip().strip("{}").strip() if isinstance(text, str) else ""
    if len(bare) == 32:  # without its hyphens
        bare = f"{bare[:8]}-{bare[8:12]}-{bare[12:16]}-{bare[16:20]}-{bare[20:]}"
    return bare if azure_ids.GUID.fullmatch(bare) else None


def _is_principal(value: Any) -> bool:
    return not isinstance(value, type) and all(hasattr(value, member) for member in ("principal_id", "principal_type"))


def _check_role_definition(check: Validator, role: RoleDefinition) -> None:
    """A role definition's fields as azurerm takes its id (`roleDefinitions/<GUID>`) and as the
    assignment's construct id and messages use them."""
    typed = [check.value_type(f"grant role {field}", getattr(role, field), str)
             for field in ("construct_id", "display_name", "guid")]
    if not all(typed):
        return
    # A role definition's resource id (`.../roleDefinitions/<GUID>`, as `az role definition list`
    # shows it in `id`) ends with the GUID to write.
    last = role.guid.rstrip("/").rpartition("/roleDefinitions/")[2]
    written = guid_in(role.guid)
    check.require(
        is_token(role.guid) or azure_ids.GUID.fullmatch(role.guid) is not None, "grant role guid", role.guid,
        "is not a role definition id", "a GUID such as 12338af0-0e69-4776-bea7-57ae8d297424",
        f"write the GUID at the end of the resource id: {last!r}" if azure_ids.GUID.fullmatch(last) else
        f"write it as {written!r}" if written else
        f"use the role's GUID: az role definition list --name {role.display_name or '<role>'!r} --query [].name -o tsv",
    )
    if not check.known(
        "grant role construct_id", role.construct_id,
        "it begins the assignment's construct id (<construct_id>-<principal>)",
        "a construct id written in code, e.g. 'KeyVaultCryptoUser'",
    ):
        return
    for field in ("construct_id", "display_name"):
        check.require(
            bool(getattr(role, field).strip()), f"grant role {field}", getattr(role, field), "is empty",
            "a name, e.g. 'KeyVaultCryptoUser' / 'Key Vault Crypto User'", f"give the role's {field}",
        )
    check.require(
        "/" not in role.construct_id, "grant role construct_id", role.construct_id, "contains '/'",
        "a construct id without '/' (it separates construct paths)", "write it without '/', e.g. 'KeyVaultCryptoUser'",
    )


def role_assignments_in(stack: IConstruct) -> list[tuple[Construct, Role, role_assignment.RoleAssignment]]:
    """Every (target, role, assignment) that `grant()` made in `stack`, in the order made."""
    return list(context_of(stack).grants.values())
