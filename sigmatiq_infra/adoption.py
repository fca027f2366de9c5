"""Adoption: Terraform `import` blocks for resources that already exist in Azure.

Adopting never replaces: every imported resource carries `prevent_destroy`, so Terraform
refuses any plan that would destroy it, and synth compares each stack with the record of
what is deployed (`sigmatiq_infra.deployed`) and stops when a change would alter an
argument Azure fixes at creation. Both give way only to a `Replacement` opt-in.

    record = deployed.load_record(Path("deployed.toml"))
    adoption = Adoption(stack, AdoptionSettings(enabled=True), record)
    adoption.group(group)
    adoption.resource(vault)

`AdoptionSettings` (which resources, their subscription, the ids Azure gave existing role
assignments and secrets, the replacement opt-ins) lives in `sigmatiq_infra.deployed`, which
loads no bindings, so settings can hold it; it is re-exported here.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from typing import Any

from constructs import IConstruct

from sigmatiq_infra import azure_ids
from sigmatiq_infra._cdktf import TerraformResource, TerraformResourceLifecycle, TerraformStack
from sigmatiq_infra.constructs import AzureResource, KeyVault, ResourceGroup, SecretReference, resource_facts
from sigmatiq_infra.constructs._context import context_of, problem_log
from sigmatiq_infra.constructs.inputs import VALUE, InputRule, deploy_input
from sigmatiq_infra.constructs.key_vault import check_secret_id
from sigmatiq_infra.constructs.roles import role_assignments_in
from sigmatiq_infra.deployed import AdoptionSettings, DeployedRecord, DeployedResource
from sigmatiq_infra.tokens import is_token
from sigmatiq_infra.validation import ValidationError, Validator

SUBSCRIPTION_VARIABLE = "subscription_id"
SUBSCRIPTION_RULES = (
    InputRule(
        f'can(regex("^{azure_ids.SUBSCRIPTION_ID.pattern}$", {VALUE}))', "is not a subscription id",
        "a GUID such as 00000000-0000-0000-0000-000000000000",
    ),
)

_BINDING_TYPES: dict[type, str] = {}


def terraform_type(resource: TerraformResource) -> str:
    """`resource.terraform_resource_type`: read from jsii's kernel (a round trip) once per
    class of the azurerm bindings, each of which states its one type (`TF_RESOURCE_TYPE`),
    and per resource for any other class."""
    kind = _BINDING_TYPES.get(type(resource))
    if kind is None:
        kind = resource.terraform_resource_type
        if "TF_RESOURCE_TYPE" in vars(type(resource)):
            _BINDING_TYPES[type(resource)] = kind
    return kind


class Adoption:
    """Emits `import` blocks for one stack's existing resources (when settings enable it):
    those the record of what is deployed lists for this stack (`record`, from
    `sigmatiq_infra.deployed.load_record`). Anything else the stack holds is new, and
    created (a cache that replaces the adopted one, say).

    The settings are checked here (their types, then `AdoptionSettings.problems`, named by
    the stack's id), and so is each call: a problem in the app's list, and nothing imported
    for a call that cannot be honoured."""

    def __init__(
        self, stack: TerraformStack, settings: AdoptionSettings, record: Sequence[DeployedResource] = (),
    ) -> None:
        if not isinstance(stack, TerraformStack):
            check = Validator("Adoption", "Adoption")
            check.type_problem(
                "stack", stack, f"has the type {type(stack).__name__}",
                "the stack (AzureStack) whose resources are adopted",
                "pass the stack first: Adoption(stack, AdoptionSettings(enabled=True), record)",
            )
            raise ValidationError(check.problems)
        self.stack = stack
        self._where = stack.node.id  # read once: each read is two round trips to jsii's kernel
        self._log = problem_log(stack)
        self.settings = self._checked_settings(settings)
        self.enabled = self.settings.enabled
        self._subscription: str | None = None
        self._replaceable = {replacement.resource for replacement in self.settings.replacements}
        self._record = self._checked_record(record)
        self._deployed: set[tuple[str, str]] | None = None

    def _checked_settings(self, settings: Any) -> AdoptionSettings:
        """`settings`, or settings that adopt nothing when a problem was found (recorded once
        per distinct problem: two adoptions of one stack with the same settings say it once)."""
        where = self._where
        if not isinstance(settings, AdoptionSettings):
            check = Validator("Adoption", where, log=self._log)
            check.type_problem(
                "settings", settings, f"has the type {type(settings).__name__}",
                "AdoptionSettings (from sigmatiq_infra.deployed)",
                "pass AdoptionSettings(enabled=True, ...): Adoption(stack, AdoptionSettings(enabled=True), record)",
            )
            check.done()
            return AdoptionSettings()
        check = Validator("AdoptionSettings", where, log=self._log)
        check.props(settings)
        if not check.done():
            return AdoptionSettings()
        problems = settings.problems(where)
        self._log.add(problems)
        return AdoptionSettings() if problems else settings

    def _checked_record(self, record: Any) -> Sequence[DeployedResource]:
        """`record`, or an empty one (nothing imported) when it is not a record: a problem."""
        if isinstance(record, DeployedRecord) or (
            isinstance(record, Sequence) and not isinstance(record, str)
            and all(isinstance(entry, DeployedResource) for entry in record)
        ):
            return record
        check = Validator("Adoption", self._where, log=self._log)
        check.type_problem(
            "record", record, f"has the type {type(record).__name__}", "the app's DeployedRecord",
            "pass the loaded record: Adoption(stack, settings, deployed.load_record(Path('deployed.toml')))",
        )
        check.done()
        return ()

    def _check(self) -> Validator:
        """A validator for one call, recording in the app's list."""
        return Validator("Adoption", self._where, log=self._log)

    def _refuse(self, call: str, value: Any, problem: str, allowed: str, fix: str) -> None:
        """One problem with what `call` was given, in the app's list."""
        check = self._check()
        check.fail(call, value, problem, allowed, fix)
        check.done()

    def _managed_construct(self, call: str, construct: Any, allowed: str, fix: str) -> bool:
        """Whether `construct` (what `call`, e.g. `resource()`, was given) is a resource
        construct this stack manages; else a problem."""
        check = self._check()
        if not isinstance(construct, AzureResource):
            check.type_problem(call, construct, f"has the type {type(construct).__name__}", allowed, fix)
        elif construct._managed is None:
            check.fail(
                call, construct, "is a lookup of an existing resource (from_existing), which the stack does not "
                "manage", allowed, "leave it out: a lookup only reads the resource and needs no import",
            )
        elif context_of(construct).stack is not self.stack:
            check.fail(
                call, construct, f"is in stack '{context_of(construct).stack.node.id}', not in this one", allowed,
                "adopt it with the Adoption of its own stack",
            )
        return check.done()

    def _exists(self, resource: TerraformResource, name: str, call: Callable[[], str]) -> bool:
        """Whether the record lists `resource` (by Terraform type and Azure name) in this stack;
        for a name known only at deploy time, which no entry can be matched with, a problem when
        the record lists resources of its type in this stack (one of them may be it). `call`
        names the call in the problem (read only then: a construct's path is a jsii round trip)."""
        if is_token(name):
            kind = terraform_type(resource)
            recorded = sorted(entry.name for entry in self._record if entry.stack == self._where and entry.type == kind)
            if recorded:
                self._refuse(
                    call(), name, "is known only at deploy time, so the record cannot tell whether it is "
                    f"one of the deployed {kind} ({', '.join(recorded)}) and nothing is imported",
                    "a name known at synth", "write the name at synth (a setting, not a deploy-time input)",
                )
            return False
        if self._deployed is None:
            self._deployed = {(entry.type, entry.name) for entry in self._record if entry.stack == self._where}
        return (terraform_type(resource), name) in self._deployed

    @property
    def subscription(self) -> str:
        """The literal subscription id, or a deploy-time variable when unknown at synth."""
        if self._subscription is None:
            if self.settings.subscription_id:
                self._subscription = self.settings.subscription_id
            else:
                variable = deploy_input(
                    self.stack, SUBSCRIPTION_VARIABLE, type="string", rules=SUBSCRIPTION_RULES,
                    what="the subscription of the adopted resources",
                    note="Their import ids are built from it; or set ARM_SUBSCRIPTION_ID before synth.",
                    how="`az account show --query id -o tsv` prints it",
                )
                self._subscription = variable.string_value
        return self._subscription

    def group(self, group: ResourceGroup) -> None:
        allowed = "a ResourceGroup construct of this stack"
        if not self._managed_construct("group()", group, allowed, "pass the group: adoption.group(group)"):
            return
        if not isinstance(group, ResourceGroup):
            self._refuse(
                "group()", group, "is not a resource group", allowed,
                "adopt it with adoption.resource(...), and its group with adoption.group(group)",
            )
            return
        if self.enabled and self._exists(
            group.resource, group.name, lambda: f"group() ResourceGroup '{group.node.path}' name",
        ):
            self._import(group.resource, azure_ids.resource_group_id(self.subscription, group.name), group.name, group)

    def resource(self, construct: AzureResource) -> None:
        """A top-level resource construct (its ARM type is a fact of its class)."""
        allowed = "a resource construct of this stack (an AzureResource, such as a KeyVault)"
        if not self._managed_construct(
            "resource()", construct, allowed,
            "pass the construct, not its name: adoption.resource(vault) (the record says whether it exists)",
        ):
            return
        if isinstance(construct, ResourceGroup):
            self._refuse(
                "resource()", construct, "is a resource group, whose id has no group of its own", allowed,
                "adopt it with adoption.group(group)",
            )
            return
        kind = type(construct).__name__
        if not construct.arm_type:
            self._refuse(
                "resource()", construct, f"is of class {kind}, which states no arm_type, so its import id cannot be "
                "built", "a construct whose class states its ARM resource type (the import id is "
                "/subscriptions/<id>/resourceGroups/<group>/providers/<arm_type>/<name>)",
                f"add arm_type = '<namespace>/<type>' to class {kind}, e.g. 'Microsoft.ServiceBus/namespaces'",
            )
            return
        if self.enabled and self._exists(
            construct.resource, construct.name, lambda: f"resource() {kind} '{construct.node.path}' name",
        ):
            self._import(construct.resource, self.azure_id(construct), construct.name, construct)

    def child(self, resource: TerraformResource, parent: AzureResource, name: str) -> None:
        """A child resource, e.g. a database of a server: its import id is the parent's id
        and the segment its construct class states for its Terraform type (`arm_child`)."""
        children = {kind: facts.arm_child for kind, facts in resource_facts().items() if facts.arm_child}
        check = self._check()
        kind = terraform_type(resource) if isinstance(resource, TerraformResource) else None
        if kind not in children:
            listed = ", ".join(sorted(children))
            check.fail(
                "child() resource", kind or resource,
                "is not a child resource with an ARM id" if kind else f"has the type {type(resource).__name__}",
                f"the Terraform resource of a child: {listed}",
                "adopt a top-level resource with adoption.resource(construct), a child with "
                "adoption.child(server.databases['orders'], server, 'orders')",
            )
        if not isinstance(name, str) or not name:
            check.fail(
                "child() name", name, "is not a name", "the child's Azure name, e.g. 'orders'",
                "pass the name the child has in Azure",
            )
        if not check.done() or not self._managed_construct(
            "child() parent", parent, "the child's parent: a resource construct of this stack, e.g. a PostgresServer",
            "pass the parent construct second: adoption.child(database, server, 'orders')",
        ) or not self._child_of(resource, parent, name):
            return
        if self.enabled and self._exists(resource, name, lambda: "child() name"):
            self._import(resource, azure_ids.child_id(self.azure_id(parent), children[kind], name), name)

    def _child_of(self, resource: TerraformResource, parent: AzureResource, name: str) -> bool:
        """Whether `resource` is the child `name` of `parent` in this stack, as far as synth can
        tell; else a problem. Its import block goes to its own stack, and Terraform would import
        the object the id names (another server's database, another database) into it, then
        plan to replace it: refused, as adopted, by prevent_destroy, at deploy. One of the
        parent's own children (`server.databases[...]`) is known without asking the kernel."""
        check = self._check()
        written = _own_child_name(parent, resource)
        if written is None:  # not one the parent keeps: the construct tree says where it is
            scopes = resource.node.scopes
            stack = next((scope for scope in scopes if isinstance(scope, TerraformStack)), None)
            if stack is not self.stack:
                check.fail(
                    "child() resource", name, f"is made in stack '{getattr(stack, 'node', None) and stack.node.id}', "
                    "not in this one", "a child resource of this stack", "adopt it with the Adoption of its own stack",
                )
                return check.done()
            owner = next((scope for scope in reversed(scopes[:-1]) if isinstance(scope, AzureResource)), None)
            if isinstance(owner, type(parent)) and owner is not parent:
                check.fail(
                    "child() parent", parent,
                    f"is not the parent of '{resource.node.path}', which '{owner.node.path}' made",
                    "the construct that made the child", f"pass '{owner.node.path}' as the parent",
                )
            written = getattr(resource, "name_input", None)
        if isinstance(written, str) and not is_token(written) and written != name:
            check.fail(
                "child() name", name, f"is not the name '{resource.node.path}' writes ({written!r})",
                "the child's own name, which its import id ends with",
                f"pass {written!r}: adoption.child(resource, parent, {written!r})",
            )
        return check.done()

    def secret(self, resource: TerraformResource | SecretReference, vault_name: str, secret_name: str) -> None:
        """A vault secret this stack writes: its resource (`reference.dependency`), or the
        `SecretReference` `add_secret` returned."""
        if isinstance(resource, SecretReference):
            resource = resource.dependency  # type: ignore[assignment]
        kind = terraform_type(resource) if isinstance(resource, TerraformResource) else None
        if kind != "azurerm_key_vault_secret":
            self._refuse(
                "secret()", resource, "is not a Key Vault secret this stack writes",
                "the reference add_secret returned, or its .dependency",
                "pass vault.add_secret(...)'s reference: adoption.secret(reference, vault.name, reference.name)",
            )
            return
        if context_of(resource).stack is not self.stack:  # its import block would land in that stack
            self._refuse(
                "secret()", secret_name, f"is written by stack '{context_of(resource).stack.node.id}', not by this one",
                "a Key Vault secret this stack writes", "adopt it with the Adoption of its own stack",
            )
            return
        version = self.settings.secret_versions.get(secret_name)
        if not (self.enabled and version):
            return
        check = self._check()
        check_secret_id(check, vault_name, secret_name, version, "secret() ")
        if check.done():
            self._import(resource, KeyVault.secret_import_id(vault_name, secret_name, version), secret_name)

    def role_assignments(self) -> None:
        """Every grant in the stack whose existing assignment is listed in settings."""
        if not self.enabled:
            return
        made = []
        for target, role, assignment in role_assignments_in(self.stack):
            key = f"{role.display_name} on {target.name}"
            made.append(key)
            guid = self.settings.role_assignments.get(key)
            if guid and not isinstance(target, ResourceGroup) and not target.arm_type:
                self._refuse(
                    "role_assignments key", key, f"is a grant on {type(target).__name__} {target.name!r}, whose "
                    "class states no arm_type, so the assignment's import id cannot be built",
                    "grants on constructs whose class states its ARM resource type",
                    f"add arm_type = '<namespace>/<type>' to class {type(target).__name__}",
                )
            elif guid:  # an opt-in names it as this key, or by the GUID the plan gate prints
                self._import(assignment, azure_ids.role_assignment_id(self.azure_id(target), guid), key, also=guid)
        # A key that names no grant imports nothing: the first deploy would stop with RoleAssignmentExists.
        for key in self.settings.role_assignments:
            if key in made:
                continue
            close = difflib.get_close_matches(key, made, n=1, cutoff=0.6)
            check = self._check()
            check.fail(
                "role_assignments key", key, "names no grant of this stack, so no assignment is imported for it"
                + (f" (did you mean {close[0]!r}?)" if close else ""),
                "'<role> on <target name>' of a grant the stack makes: "
                + (", ".join(repr(known) for known in made) or "it makes none"),
                f"use {close[0]!r}" if close else
                "name a grant the stack makes, and call role_assignments() after the grants",
            )
            check.done()

    def azure_id(self, construct: IConstruct) -> str:
        if isinstance(construct, ResourceGroup):  # a grant's target too: its id has no group of its own
            return azure_ids.resource_group_id(self.subscription, construct.name)
        group = getattr(construct, "resource_group", None)
        group_name = group.name if group is not None else construct.resource_group_name  # type: ignore[attr-defined]
        return azure_ids.resource_id(
            self.subscription, group_name, construct.arm_type, construct.name,  # type: ignore[attr-defined]
        )

    def _import(
        self, resource: TerraformResource, azure_id: str, name: str, construct: AzureResource | None = None,
        also: str | None = None,
    ) -> None:
        """Import `resource`, and make Terraform refuse to destroy it (a replacement included)
        unless settings opt in to replacing it (`AdoptionSettings.replacements`), by `name` or
        by `also`, the name Azure gave it."""
        resource.import_from(azure_id)
        names = [known for known in (name, also) if known in self._replaceable]
        if names:  # its type (a jsii round trip) is read only for a name an opt-in has
            kind = terraform_type(resource)
            if any(replacement.names(known, kind) for known in names for replacement in self.settings.replacements):
                return
        if construct is not None:
            construct.protect_from_destroy()  # keeps the construct's own lifecycle settings
        else:
            resource.lifecycle = TerraformResourceLifecycle(prevent_destroy=True)


__all__ = ["SUBSCRIPTION_RULES", "SUBSCRIPTION_VARIABLE", "Adoption", "AdoptionSettings"]


def _own_child_name(parent: AzureResource, resource: TerraformResource) -> str | None:
    """The name under which `parent` keeps `resource` among its children (`server.databases`,
    `network.subnets`: by the name each writes), or None when it keeps no such child."""
    for kept in vars(parent).values():
        if isinstance(kept, dict):
            for key, child in kept.items():
                if isinstance(key, str) and (child is resource or getattr(child, "resource", None) is resource):
                    return key
    return None
