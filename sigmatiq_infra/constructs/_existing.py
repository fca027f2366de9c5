"""Resources that another stack (or another tool) manages, read by name with a data source.

A lookup of a resource that does not exist fails the plan with the provider's own "not
found" error, which says nothing about why it is missing. Given `missing_hint`, the lookup
first lists resources of that name and type in the subscription (`azurerm_resources`, which
answers with an empty list rather than an error) and a precondition on the data source stops
the plan with a message that names the resource and says what to deploy first.
"""

from __future__ import annotations

from typing import Any, ClassVar

from constructs import Construct

from sigmatiq_infra._cdktf import Fn, Precondition, TerraformResourceLifecycle, Token
from sigmatiq_infra.azurerm import data_azurerm_resources
from sigmatiq_infra.constructs._resource import AzureResource, IResourceGroup
from sigmatiq_infra.validation import NameRule, NameRules, Validator, is_token


class ExistingResource(AzureResource):
    """Base of the `from_existing` lookups: `self.data` is the data source. A lookup offers
    what its kind's base class offers (grants, references), except what only the owner of
    the resource may do (protect it from destroy)."""

    data_source: ClassVar[type]
    """The binding of the data source, e.g. `DataAzurermKeyVault`."""
    name_rule: ClassVar[NameRule]
    construct_kind: ClassVar[str]
    """The construct whose `from_existing` this is, for messages: `KeyVault`."""

    def __init__(
        self, scope: Construct, id: str, *, name: str, resource_group_name: str,
        missing_hint: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        check = Validator(f"{self.construct_kind}.from_existing", self)
        if check.value_type("name", name, str):
            # "The name is checked when the resource is created" (Microsoft Learn, "Resolve errors for
            # reserved resource names"): one that exists passed it, whatever the words reserved since.
            check.name("name", name, self.name_rule, created=False)
        if isinstance(resource_group_name, IResourceGroup):
            check.type_problem(
                "resource_group_name", resource_group_name, "is a resource group, where its name goes",
                "the resource group's name (str)", "pass its name: resource_group_name=<group>.name",
            )
        elif check.value_type("resource_group_name", resource_group_name, str):
            # azurerm's data sources take the group's name only (commonschema.ResourceGroupNameForDataSource:
            # resourcegroups.ValidateName, the rule a group is created with), not its id or a slash after it.
            check.name("resource_group_name", resource_group_name, NameRules.RESOURCE_GROUP, created=False)
        check.value_type("missing_hint", missing_hint, str | None)
        if not check.done():  # reported: the lookup is made of placeholders, so the run goes on
            name, resource_group_name, missing_hint = (
                text if isinstance(text, str) else "" for text in (name, resource_group_name, missing_hint)
            )
        arguments: dict[str, Any] = {}
        if missing_hint:
            arguments["lifecycle"] = TerraformResourceLifecycle(
                precondition=[self._must_exist(name, resource_group_name, missing_hint)],
            )
        self.data = self.data_source(
            self, "Resource", name=name, resource_group_name=resource_group_name, **arguments,
        )
        self.name = name
        self.resource_group_name = resource_group_name

    def protect_from_destroy(self) -> None:
        """A problem: Terraform's `prevent_destroy` guards only what a stack manages, and a
        lookup only reads the resource (its owner protects it)."""
        check = Validator(f"{self.construct_kind}.from_existing", self)
        check.fail(
            "protect_from_destroy()", self.name,
            "is a lookup of an existing resource, which this stack only reads (prevent_destroy guards only what "
            "a stack manages)", f"protect_from_destroy() on a {self.construct_kind} this stack creates",
            f"call it on the {self.construct_kind} in the stack that manages {self.name!r}",
        )
        check.done()

    def _must_exist(self, name: str, resource_group_name: str, hint: str) -> Precondition:
        lookup = data_azurerm_resources.DataAzurermResources(self, "Exists", name=name, type=self.arm_type)
        groups = f"[for found in {lookup.fqn}.resources : lower(found.resource_group_name)]"
        return Precondition(
            condition=f"${{contains({groups}, {_lowered(resource_group_name)})}}",
            error_message=(
                f"The {self.kind_text} {name!r} does not exist in resource group "
                f"{resource_group_name!r} of this subscription. {_literal(hint)}"
            ),
        )


def _lowered(text: str) -> str:
    """`text` in lower case as an HCL expression: lowered here, or, known only at deploy time
    (lowered here, a token is no token), by Terraform."""
    return Token.as_string(Fn.lower(text)) if is_token(text) else _hcl_string(text.lower())


def _literal(text: str) -> str:
    """`text` as Terraform shows it: the message is a string template, where `${` and `%{` begin an
    interpolation or a directive, written `$${` and `%%{` to stand for themselves (Terraform,
    "Strings and Templates"): a hint such as "Run `deploy.sh ${ENV}` first" would otherwise stop
    the plan with "Reference to undeclared ..." or "Invalid expression". A value known only at
    deploy time is Terraform's already."""
    return text if is_token(text) else text.replace("${", "$${").replace("%{", "%%{")


def _hcl_string(text: str) -> str:
    """`text` as a quoted HCL string (names never hold quotes, backslashes or `${`)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
