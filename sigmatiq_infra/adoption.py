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

from collections.abc import Sequence

from constructs import IConstruct

from sigmatiq_infra import azure_ids
from sigmatiq_infra._cdktf import TerraformResource, TerraformResourceLifecycle, TerraformStack
from sigmatiq_infra.constructs import AzureResource, KeyVault, ResourceGroup, resource_facts
from sigmatiq_infra.constructs.inputs import VALUE, InputRule, deploy_input
from sigmatiq_infra.constructs.roles import role_assignments_in
from sigmatiq_infra.deployed import AdoptionSettings, DeployedResource

SUBSCRIPTION_VARIABLE = "subscription_id"
SUBSCRIPTION_RULES = (
    InputRule(
        f'can(regex("^{azure_ids.SUBSCRIPTION_ID.pattern}$", {VALUE}))', "is not a subscription id",
        "a GUID such as 00000000-0000-0000-0000-000000000000",
    ),
)
class Adoption:
    """Emits `import` blocks for one stack's existing resources (when settings enable it):
    those the record of what is deployed lists for this stack (`record`, from
    `sigmatiq_infra.deployed.load_record`). Anything else the stack holds is new, and
    created (a cache that replaces the adopted one, say)."""

    def __init__(
        self, stack: TerraformStack, settings: AdoptionSettings, record: Sequence[DeployedResource] = (),
    ) -> None:
        self.stack = stack
        self.settings = settings
        self.enabled = settings.enabled
        self._subscription: str | None = None
        self._replaceable = {(replacement.resource, replacement.type) for replacement in settings.replacements}
        self._record = record
        self._deployed: set[tuple[str, str]] | None = None

    def _exists(self, resource: TerraformResource, name: str) -> bool:
        """Whether the record lists `resource` (by Terraform type and Azure name) in this stack."""
        if self._deployed is None:
            stack = self.stack.node.id
            self._deployed = {(entry.type, entry.name) for entry in self._record if entry.stack == stack}
        return (resource.terraform_resource_type, name) in self._deployed

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
        if self.enabled and self._exists(group.resource, group.name):
            self._import(group.resource, azure_ids.resource_group_id(self.subscription, group.name), group.name, group)

    def resource(self, construct: AzureResource) -> None:
        """A top-level resource construct (its ARM type is a fact of its class)."""
        if self.enabled and self._exists(construct.resource, construct.name):
            self._import(construct.resource, self.azure_id(construct), construct.name, construct)

    def child(self, resource: TerraformResource, parent: AzureResource, name: str) -> None:
        """A child resource, e.g. a database of a server: its import id is the parent's id
        and the segment its construct class states for its Terraform type (`arm_child`)."""
        if self.enabled and self._exists(resource, name):
            segment = resource_facts()[resource.terraform_resource_type].arm_child
            if segment is None:
                raise TypeError(f"{resource.terraform_resource_type} is not a child resource with an ARM id")
            self._import(resource, azure_ids.child_id(self.azure_id(parent), segment, name), name)

    def secret(self, resource: TerraformResource, vault_name: str, secret_name: str) -> None:
        version = self.settings.secret_versions.get(secret_name)
        if self.enabled and version:
            self._import(resource, KeyVault.secret_import_id(vault_name, secret_name, version), secret_name)

    def role_assignments(self) -> None:
        """Every grant in the stack whose existing assignment is listed in settings."""
        if not self.enabled:
            return
        for target, role, assignment in role_assignments_in(self.stack):
            key = f"{role.display_name} on {target.name}"
            guid = self.settings.role_assignments.get(key)
            if guid:
                self._import(assignment, azure_ids.role_assignment_id(self.azure_id(target), guid), key)

    def azure_id(self, construct: IConstruct) -> str:
        group = getattr(construct, "resource_group", None)
        group_name = group.name if group is not None else construct.resource_group_name  # type: ignore[attr-defined]
        return azure_ids.resource_id(
            self.subscription, group_name, construct.arm_type, construct.name,  # type: ignore[attr-defined]
        )

    def _import(
        self, resource: TerraformResource, azure_id: str, name: str, construct: AzureResource | None = None,
    ) -> None:
        """Import `resource`, and make Terraform refuse to destroy it (a replacement included)
        unless settings opt in to replacing it (`AdoptionSettings.replacements`)."""
        resource.import_from(azure_id)
        typed = {kind for opted, kind in self._replaceable if opted == name}  # an opt-in names a type, or None
        if None in typed or (typed and resource.terraform_resource_type in typed):
            return
        if construct is not None:
            construct.protect_from_destroy()  # keeps the construct's own lifecycle settings
        else:
            resource.lifecycle = TerraformResourceLifecycle(prevent_destroy=True)


__all__ = ["SUBSCRIPTION_RULES", "SUBSCRIPTION_VARIABLE", "Adoption", "AdoptionSettings"]
