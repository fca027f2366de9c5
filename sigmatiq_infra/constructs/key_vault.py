"""Key Vault with RBAC authorization; secrets, secret references and grants."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from constructs import Construct

from sigmatiq_infra._cdktf import ITerraformDependable
from sigmatiq_infra.azurerm import data_azurerm_key_vault, key_vault, key_vault_secret, role_assignment
from sigmatiq_infra.constructs._arguments import checked_call, checked_function, made_nothing
from sigmatiq_infra.constructs._context import client_config, made_in, make_under_free_id
from sigmatiq_infra.constructs._existing import ExistingResource
from sigmatiq_infra.constructs._resource import (
    GLOBAL,
    AzureResource,
    DiagnosticTarget,
    IResourceGroup,
    PrivateLinkService,
    ResourceAttribute,
    ResourceFacts,
    either,
    within,
)
from sigmatiq_infra.constructs.roles import BuiltInRole, DeployingPrincipal, Principal
from sigmatiq_infra.constructs.write_only import WriteOnlySecret
from sigmatiq_infra.tokens import readable
from sigmatiq_infra.validation import NameRules, ValidationError, Validator, is_token


@dataclass(frozen=True)
class SecretReference:
    """A secret by name in a vault, for Key Vault references (e.g. from a container app)."""

    vault: KeyVaultBase
    name: str
    versionless_id: str
    """`https://<vault>.vault.azure.net/secrets/<name>`: always the latest version."""
    dependency: ITerraformDependable | None = None
    """The resource that creates the secret, when this stack creates it."""


class KeyVaultBase(AzureResource):
    """What every vault offers, whether this stack creates it or only refers to it."""

    arm_type = "Microsoft.KeyVault/vaults"
    kind_text = "Key Vault"
    private_link = PrivateLinkService("vault", "privatelink.vaultcore.azure.net")
    diagnostics = (DiagnosticTarget(),)
    # Microsoft Learn, "Supported metrics for Microsoft.KeyVault/vaults".
    alert_metrics = {  # noqa: RUF012
        "Availability": "Average", "ServiceApiLatency": "Average", "SaturationShoebox": "Average",
        "ServiceApiHit": "Count", "ServiceApiResult": "Count",
    }
    vault_uri = ResourceAttribute[str]()

    @checked_call(nothing=made_nothing)
    def grant_secrets_read(
        self, principal: Principal, *, used_by: Construct | None = None,
    ) -> role_assignment.RoleAssignment | None:
        """Key Vault Secrets User: read secret values (e.g. for Key Vault references)."""
        return self.grant(BuiltInRole.KEY_VAULT_SECRETS_USER, principal, used_by=used_by)

    @checked_call(nothing=made_nothing)
    def grant_secrets_write(
        self, principal: Principal, *, used_by: Construct | None = None,
    ) -> role_assignment.RoleAssignment | None:
        """Key Vault Secrets Officer: create, update and delete secrets."""
        return self.grant(BuiltInRole.KEY_VAULT_SECRETS_OFFICER, principal, used_by=used_by)

    def add_secret(self, id: str, props: SecretProps) -> SecretReference:
        """Create a secret whose value reaches Azure write-only (never stored in state), in a
        vault this stack creates or one it looks up (`KeyVault.from_existing`: the deploying
        principal then needs Key Vault Secrets Officer on it, granted where the vault is managed)."""
        named = isinstance(id, str) and id and not is_token(id)
        check = Validator("KeyVault", self, path=lambda: f"{self.node.path}/{id}" if named else self.node.path)
        if check.value_type("add_secret id", id, str) and check.known(
            "add_secret id", id, "it is the secret's construct id, part of its Terraform address",
            "an id written in code, e.g. 'DatabaseUrl' (the secret's name may be a deploy-time value)",
        ):
            check.require(
                bool(id), "add_secret id", id, "is empty",
                "a name for the secret's construct, unique in the vault (it is part of its Terraform address)",
                "give it an id, e.g. vault.add_secret('DatabaseUrl', ...)",
            )
        try:
            props = check.props(props, SecretProps)
        except ValidationError as error:  # props it cannot build with (a literal value): reported, the run goes on
            self.problem_log.add(error.problems, error.warnings)
            name = getattr(props, "name", None)
            name = name if isinstance(name, str) else str(id)
            return SecretReference(self, name, f"{self.vault_uri}secrets/{name}")
        check.name("name", props.name, NameRules.KEY_VAULT_SECRET)
        if isinstance(props.name, str):
            # Keyed in lowercase; the name as first written is what a message shows.
            self.__dict__.setdefault("_added_secrets", {}).setdefault(props.name.lower(), props.name)
        props.value.check(check, "value")
        # Microsoft Learn, "About Azure Key Vault secrets": contentType is at most 255 characters.
        content_type = props.content_type
        check.require(
            content_type is None or is_token(content_type) or len(content_type) <= MAX_CONTENT_TYPE,
            "content_type", content_type, f"has {len(content_type or '')} characters",
            f"a content type of at most {MAX_CONTENT_TYPE} characters, e.g. 'text/plain'", "shorten the content type",
        )
        if not check.done() & self._claim(id, "add_secret", id, "give each secret its own id (and name)"):
            return SecretReference(self, props.name, f"{self.vault_uri}secrets/{props.name}")

        props_of_vault = getattr(self, "props", None)  # None: a vault looked up, managed elsewhere
        if props_of_vault is not None and not self.__dict__.setdefault("_secrets_checked", False):
            self.__dict__["_secrets_checked"] = True  # checked once, when the app exists
            self.problem_log.defer(_unwritable_secrets, self)
        depends_on = []
        if props_of_vault is not None and props_of_vault.grant_deployer_secrets_write:
            depends_on.append(self.grant_secrets_write(self._deployer()))
        # An id the vault holds already (its `Resource`, the `Deployer` its grant adds): a problem,
        # and the secret under a numbered id so that the run goes on (jsii would stop with a traceback).
        _, secret = make_under_free_id(lambda free: key_vault_secret.KeyVaultSecret(
            self, free,
            name=props.name,
            key_vault_id=self.id,
            value_wo=props.value.value,
            value_wo_version=props.value.version,
            content_type=props.content_type,
            tags=self.resource_tags(),
            depends_on=depends_on,
        ), "KeyVault", self, id, self.problem_log)
        made_in(secret, self)  # its stack, known without a jsii round trip (adoption reads it)
        return SecretReference(self, props.name, secret.versionless_id, dependency=secret)

    def _deployer(self) -> DeployingPrincipal:
        found = self.__dict__.get("_deployer_principal")
        if found is None:
            found = self.__dict__["_deployer_principal"] = DeployingPrincipal(self, "Deployer")
        return found

    @property
    def added_secrets(self) -> frozenset[str]:
        """The names of the secrets `add_secret` creates in this vault, in lowercase (Key Vault
        compares them in any case)."""
        return frozenset(self.__dict__.get("_added_secrets", {}))

    def secret(self, name: str) -> SecretReference:
        """Refer to a secret that is set outside this stack (e.g. by an operator). In a vault
        this stack creates, it exists only once set there: a container app reading it warns."""
        check = Validator(type(self).__name__, self)
        if check.value_type("secret name", name, str):
            check.name("secret name", name, NameRules.KEY_VAULT_SECRET)
        check.done()
        return SecretReference(self, name, f"{self.vault_uri}secrets/{name}")


@dataclass(frozen=True)
class KeyVaultProps:
    name: str
    """Vault name: 3-24 characters, unique across Azure. Deleted vaults keep their name
    reserved for the soft-delete period, so a suffix may be needed to re-create one."""
    resource_group: IResourceGroup
    """Group the vault lives in; its location is used."""
    sku: str = "standard"
    """`standard` or `premium` (HSM-backed keys). Default: `standard`."""
    soft_delete_retention_days: int = 90
    """Days a deleted vault or secret stays recoverable, 7-90; set once at creation.
    Default: 90 (the maximum)."""
    purge_protection_enabled: bool = True
    """Forbid purging before the retention ends; cannot be turned off once on.
    Default: on. Turning it off is an explicit opt-out for throw-away environments."""
    public_network_access_enabled: bool = False
    """Reachable from public networks. Default: off (use a private endpoint). Turn on
    only for environments without a VNet, e.g. apps on a public Container Apps
    environment that read Key Vault references."""
    grant_deployer_secrets_write: bool = True
    """Give the deploying principal Key Vault Secrets Officer so `add_secret` works on
    the first deploy (RBAC vaults deny everyone, including their creator).
    Default: on."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


MAX_CONTENT_TYPE = 255
"""The longest content type Key Vault takes on a secret."""


@dataclass(frozen=True)
class SecretProps:
    name: str
    """Secret name: 1-127 letters, digits and hyphens."""
    value: WriteOnlySecret
    """The value, sent through the write-only `value_wo`: never in state."""
    content_type: str | None = None
    """A hint for readers, at most 255 characters, e.g. `text/plain` or `application/x-postgresql-url`."""


class KeyVault(KeyVaultBase):
    """An `azurerm_key_vault` that uses Azure RBAC (no access policies), secure by default."""

    facts = (
        ResourceFacts(
            "azurerm_key_vault", ("name", "location", "resource_group_name"), holds="secrets",
            kind="Key Vault", name_scope=GLOBAL, public_by_default=True,
            billing=lambda config, usage: [
                ("key-vault.operations-10k", usage["key_vault_operations_10k"], "assumed operations"),
            ],
        ),
        ResourceFacts("azurerm_key_vault_secret", ("name", "key_vault_id"), kind="Key Vault secret",
        # azurerm purges a destroyed secret by default (features.key_vault.purge_soft_deleted_secrets_on_destroy).
        holds="a secret value", name_scope=within("its Key Vault", "key_vault_id"),
        # A secret takes at most 15 tags (Microsoft Learn, "About Azure Key Vault secrets": secret
        # tags; azurerm `key_vault_secret_resource.go`: tags.SchemaWithMax(15)); it gets the stack's.
        max_tags=15,
        # azurerm `keyvault/key_vault_secret_resource.go` (and its data source): `value`, `Sensitive: true`.
        sensitive=("value",),
        ),
    )
    SKUS = ("standard", "premium")

    def __init__(self, scope: Construct, id: str, props: KeyVaultProps) -> None:
        super().__init__(scope, id)
        # Sources: azurerm 4.55 `website/docs/r/key_vault.html.markdown` (sku `standard`/`premium`,
        # soft delete 7-90 days); Microsoft Learn, resource-name-rules (vaults: 3-24, global).
        check = Validator("KeyVault", self)
        props = check.props(props, KeyVaultProps)
        check.name("name", props.name, NameRules.KEY_VAULT)
        check.one_of("sku", props.sku, self.SKUS)
        check.in_range("soft_delete_retention_days", props.soft_delete_retention_days, 7, 90)
        if not check.known(
            "grant_deployer_secrets_write", props.grant_deployer_secrets_write,
            "it decides whether add_secret assigns the deploying principal a role", "True or False written in code",
        ):
            props = replace(props, grant_deployer_secrets_write=False)
        check.done()

        self.resource = key_vault.KeyVault(
            self, "Resource",
            name=props.name,
            resource_group_name=props.resource_group.name,
            location=props.resource_group.location,
            tenant_id=client_config(self).tenant_id,
            sku_name=props.sku,
            rbac_authorization_enabled=True,
            soft_delete_retention_days=props.soft_delete_retention_days,
            purge_protection_enabled=props.purge_protection_enabled,
            public_network_access_enabled=props.public_network_access_enabled,
            network_acls=key_vault.KeyVaultNetworkAcls(
                bypass="AzureServices",
                default_action=either(props.public_network_access_enabled, "Allow", "Deny"),
            ),
            tags=self.resource_tags(props.tags),
        )
        self.keep_props(props)

    @staticmethod
    @checked_function
    def secret_import_id(vault_name: str, secret_name: str, version: str) -> str:
        """The id `terraform import` takes for a secret version: its URL,
        `https://<vault>.vault.azure.net/secrets/<name>/<version>` (azurerm
        `website/docs/r/key_vault_secret.html.markdown`, Import). Parts Azure would refuse are
        one `ValidationError`, not an id that fails at `terraform plan`."""
        check = Validator("KeyVault", "secret_import_id()")
        check_secret_id(check, vault_name, secret_name, version)
        check.done()
        return f"https://{vault_name}.vault.azure.net/secrets/{secret_name}/{version}"


SECRET_VERSION_LENGTH = 32
"""Microsoft Learn, "About keys, secrets, and certificates" (object identifiers): "An
object-version is a system-generated, 32 character string identifier". Identifiers are
compared case-insensitively there, so the case of its letters is not checked here."""


def check_secret_id(
    check: Validator, vault_name: object, secret_name: object, version: object, call: str = "",
) -> None:
    """The parts of a secret version's id: the vault's name (not the construct), the secret's
    name, and the version Key Vault gave it (`call`, e.g. `secret() `, names where they were
    given). Values known only at deploy time are not checked."""
    for prop, value, rule, allowed, fix in (
        ("vault_name", vault_name, NameRules.KEY_VAULT, "the vault's name (text)", "pass vault.name"),
        ("secret_name", secret_name, NameRules.KEY_VAULT_SECRET, "the secret's name (text)",
         "pass the name the secret was added with"),
    ):
        if isinstance(value, str):
            check.name(call + prop, value, rule, created=False)
        else:
            check.type_problem(
                call + prop, value, "is the vault, not its name" if isinstance(value, KeyVaultBase) else
                f"has the type {type(value).__name__}", allowed, fix,
            )
    if is_token(version):
        return
    fix = (
        "copy the last part of the id `az keyvault secret show --vault-name <vault> --name <name> --query id` "
        "prints"
    )
    allowed = f"the {SECRET_VERSION_LENGTH}-character version Key Vault gave the secret (the last part of its id)"
    if not isinstance(version, str):
        check.type_problem(call + "version", version, f"has the type {type(version).__name__}", allowed, fix)
    elif len(version) != SECRET_VERSION_LENGTH:
        check.fail(call + "version", version, "is not a Key Vault secret version", allowed, fix)



def _unwritable_secrets(vaults: list[KeyVault]) -> list[str]:
    """A warning for each vault given secrets whose data plane no deployment can reach: with
    public access off, "all traffic except private endpoint traffic and that that originates
    from trusted services will be blocked" (the vault's publicNetworkAccess, Microsoft's Key
    Vault API reference), and it has no private endpoint of this app's (one made elsewhere,
    e.g. from a lookup in another stack, would serve it: hence a warning, not a problem)."""
    for vault in vaults:
        if vault.props.public_network_access_enabled or vault.private_endpoints:
            continue
        check = Validator("KeyVault", vault)
        names = ", ".join(sorted(readable(name) for name in vault.__dict__.get("_added_secrets", {}).values()))
        check.warn(
            "public_network_access_enabled", False,
            f"leaves no way for the deployment to write the secrets it adds ({names}): "
            "with public access off, only private endpoints and trusted Azure services reach a vault's data plane, "
            "and this vault has no private endpoint",
            "a private endpoint the deploying machine reaches, or public network access",
            "add one with vault.add_private_endpoint(PrivateNetwork(vnet, zones)) and deploy from inside that network "
            "(a self-hosted runner, the VPN), or set public_network_access_enabled=True",
        )
        check.done()
    return []


class ExistingKeyVault(KeyVaultBase, ExistingResource):
    """A vault this stack does not manage, read with the `azurerm_key_vault` data source."""

    data_source = data_azurerm_key_vault.DataAzurermKeyVault
    name_rule = NameRules.KEY_VAULT
    construct_kind = "KeyVault"


KeyVault.existing = ExistingKeyVault
