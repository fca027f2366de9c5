"""Container app: an image from a registry, pulled and configured through one identity."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from constructs import Construct

from sigmatiq_infra._cdktf import TerraformElement
from sigmatiq_infra.azurerm import container_app
from sigmatiq_infra.constructs._context import context_of, stack_of
from sigmatiq_infra.constructs._resource import (
    RESOURCE_GROUP,
    AzureResource,
    DiagnosticTarget,
    ResourceAttribute,
    ResourceFacts,
)
from sigmatiq_infra.constructs.container_app_environment import ContainerAppEnvironment
from sigmatiq_infra.constructs.container_registry import ContainerRegistryBase, check_image
from sigmatiq_infra.constructs.identity import UserAssignedIdentity
from sigmatiq_infra.constructs.key_vault import SecretReference
from sigmatiq_infra.tokens import readable
from sigmatiq_infra.validation import NameRules, Validator, is_token

# Consumption plan: cpu (vCPU) -> the memory (GiB) it must be paired with.
CPU_MEMORY_GIB = {0.25: 0.5, 0.5: 1.0, 0.75: 1.5, 1.0: 2.0, 1.25: 2.5, 1.5: 3.0, 1.75: 3.5, 2.0: 4.0}
# The Consumption workload profile (a VNet environment made here has it) goes to 4 vCPU / 8 GiB,
# in the same steps (Microsoft Learn, "Workload profiles in Azure Container Apps").
PROFILE_CPU_MEMORY_GIB = {**CPU_MEMORY_GIB, **{c / 4: c / 2 for c in range(9, 17)}}
MAX_REPLICAS = 300
_MEMORY = re.compile(r"(?:\d+(?:\.(\d*))?|\.(\d+))Gi")
"""Memory as Azure reads it: a decimal number of GiB and `Gi` (group 1 or 2: the decimals)."""


@dataclass(frozen=True)
class ContainerAppProps:
    name: str
    """App name: 2-32 lowercase letters, digits and hyphens, starting with a letter."""
    environment: ContainerAppEnvironment
    """Environment the app runs in; its resource group is used."""
    identity: UserAssignedIdentity
    """The identity the app runs as: it pulls the image and reads Key Vault references.
    The app grants it AcrPull on `registry` and Key Vault Secrets User on every vault in
    `secret_env`, and waits for those grants before it is created."""
    registry: ContainerRegistryBase
    """Registry the image is pulled from, with `identity` (never admin credentials)."""
    repository: str
    """Image repository in the registry, e.g. `team/service-api`."""
    image_tag: str
    """Image tag, e.g. `staging` or `1.4.2`; or a digest, `sha256:<64 hex digits>`, which pins
    the image: it is pulled as `<login server>/<repository>@sha256:...`."""
    target_port: int
    """Port the container listens on, 1-65535; ingress and the liveness probe use it."""
    cpu: float = 0.5
    """vCPU in steps of 0.25: 0.25-2.0, or to 4.0 in an environment with the Consumption
    workload profile (one with a VNet). Default: 0.5."""
    memory: str = "1Gi"
    """Memory, exactly twice the vCPU in GiB (e.g. 0.5 vCPU -> `1Gi`), with at most 2 decimal
    places and `Gi`. Default: `1Gi`."""
    min_replicas: int = 0
    """Fewest replicas, 0-300; 0 lets the app scale to zero. Default: 0."""
    max_replicas: int = 10
    """Most replicas, 1-300, at least `min_replicas`. Default: 10."""
    external_ingress_enabled: bool = False
    """Accept traffic from outside the environment (from the VNet for an internal
    environment, from the internet for a public one). Default: off (environment-internal)."""
    liveness_path: str = "/healthz"
    """HTTP path the liveness probe calls on `target_port`. Default: `/healthz`."""
    env: Mapping[str, str] = field(default_factory=dict)
    """Plain environment variables, never secrets (synth refuses a sensitive value: a key, a
    connection string, a sensitive input; pass those in `secret_env`). Default: none."""
    secret_env: Mapping[str, SecretReference] = field(default_factory=dict)
    """Environment variables read from Key Vault through `identity`. Default: none."""
    dependencies: Mapping[str, AzureResource] = field(default_factory=dict)
    """The services the app connects to at run time, by what it calls them (e.g.
    `{"DATABASE_URL": postgres, "REDIS_URL": cache}`). Synth checks that each one, and the
    registry and every vault in `secret_env`, can be reached from the app's environment.
    Default: none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class ContainerApp(AzureResource):
    """An `azurerm_container_app` in single-revision mode with HTTPS-only ingress. It runs
    as its `identity` (its managed identity: the app's props name it)."""

    arm_type = "Microsoft.App/containerApps"
    kind_text = "container app"
    facts = (
        ResourceFacts(
            "azurerm_container_app", ("name", "resource_group_name", "container_app_environment_id"),
            kind="container app", name_scope=RESOURCE_GROUP, billing=lambda config, usage: _billing(config),
        ),
    )
    # Its metrics can be exported through a diagnostic setting (Microsoft Learn, "Supported metrics
    # for Microsoft.App/containerapps": DS Export Yes; microsoft/azure-container-apps#382); it has no
    # log categories: its console and system logs are its environment's (ContainerAppConsoleLogs is
    # a Microsoft.App/managedEnvironments table). Optional: the metrics are in Azure Monitor anyway.
    diagnostics = (DiagnosticTarget(log_groups=()),)
    diagnostics_expected = False
    # Microsoft Learn, "Supported metrics for Microsoft.App/containerapps" (ms.date 2025-04-16).
    alert_metrics = {  # noqa: RUF012
        "RestartCount": "Maximum", "Requests": "Total", "Replicas": "Maximum",
        **dict.fromkeys(("CpuPercentage", "MemoryPercentage", "UsageNanoCores", "WorkingSetBytes"), "Average"),
        "ResponseTime": "Average", "RxBytes": "Total", "TxBytes": "Total",
        "CoresQuotaUsed": "Maximum", "TotalCoresQuotaUsed": "Maximum",
        **dict.fromkeys((
            "ResiliencyConnectTimeouts", "ResiliencyEjectionsAborted", "ResiliencyRequestRetries",
            "ResiliencyRequestsPendingConnectionPool", "ResiliencyRequestTimeouts",
        ), "Total"),
        "ResiliencyEjectedHosts": "Maximum", "GpuUtilizationPercentage": "Average",
        **dict.fromkeys((
            "JvmBufferCount", "JvmBufferMemoryLimit", "JvmBufferMemoryUsage", "JvmMemoryCommitted", "JvmMemoryLimit",
            "JvmMemoryTotalCommitted", "JvmMemoryTotalLimit", "JvmMemoryTotalUsed", "JvmMemoryUsed", "JvmThreadCount",
        ), "Average"),
        "JvmGcCount": "Total", "JvmGcDuration": "Total",
    }

    fqdn = ResourceAttribute[str]("latest_revision_fqdn")

    def __init__(self, scope: Construct, id: str, props: ContainerAppProps) -> None:
        super().__init__(scope, id)
        props = self._validate(props)
        self.props = props
        # Checked once the whole app exists: endpoints may be added after the app.
        self.problem_log.defer(unreachable, self)

        identity = props.identity
        grants = [props.registry.grant_pull(identity, used_by=self)]
        secrets: dict[str, SecretReference] = {}
        for reference in props.secret_env.values():
            grants.append(reference.vault.grant_secrets_read(identity, used_by=self))
            secrets[app_secret_name(reference)] = reference
        # A grant or secret another stack makes is deployed with that stack, before this one (the
        # app uses its values); depends_on may name only this stack's resources (Terraform refuses
        # the remote-state output cdktf would write for another stack's: "References in depends_on
        # must be to a whole object").
        here = context_of(self).stack
        depends_on = [grant for grant in dict.fromkeys(grants) if grant is None or context_of(grant).stack is here]
        depends_on += [
            r.dependency for r in secrets.values() if r.dependency is not None and context_of(r.vault).stack is here
        ]

        env = [container_app.ContainerAppTemplateContainerEnv(name=k, value=v) for k, v in props.env.items()]
        env += [
            container_app.ContainerAppTemplateContainerEnv(name=k, secret_name=app_secret_name(ref))
            for k, ref in props.secret_env.items()
        ]
        self.resource = container_app.ContainerApp(
            self, "Resource",
            name=props.name,
            resource_group_name=props.environment.resource_group.name,
            container_app_environment_id=props.environment.id,
            revision_mode="Single",
            workload_profile_name=props.environment.workload_profile_name,
            identity=container_app.ContainerAppIdentity(type="UserAssigned", identity_ids=[identity.id]),
            registry=[container_app.ContainerAppRegistry(server=props.registry.login_server, identity=identity.id)],
            secret=[
                container_app.ContainerAppSecret(
                    name=name, key_vault_secret_id=ref.versionless_id, identity=identity.id,
                )
                for name, ref in secrets.items()
            ],
            ingress=container_app.ContainerAppIngress(
                target_port=props.target_port,
                external_enabled=props.external_ingress_enabled,
                allow_insecure_connections=False,
                transport="auto",
                traffic_weight=[
                    container_app.ContainerAppIngressTrafficWeight(latest_revision=True, percentage=100),
                ],
            ),
            template=container_app.ContainerAppTemplate(
                min_replicas=props.min_replicas,
                max_replicas=props.max_replicas,
                container=[
                    container_app.ContainerAppTemplateContainer(
                        name=props.name,
                        image=props.registry.image(props.repository, props.image_tag),
                        cpu=props.cpu,
                        memory=props.memory,
                        env=env,
                        liveness_probe=[
                            container_app.ContainerAppTemplateContainerLivenessProbe(
                                transport="HTTP", port=props.target_port, path=props.liveness_path,
                            ),
                        ],
                    ),
                ],
            ),
            depends_on=depends_on or None,
            tags=self.resource_tags(props.tags),
        )
        self.keep_props(props)
        self.resource_group = props.environment.resource_group

    def _validate(self, props: ContainerAppProps) -> ContainerAppProps:
        # Sources: azurerm 4.55 container app schema (replicas 0-300 / 1-300, ports 1-65535);
        # Microsoft Learn, "Containers in Azure Container Apps" (cpu/memory pairs); the service's
        # ContainerAppInvalidEnvVarName error (variable names, see NameRules.ENVIRONMENT_VARIABLE).
        check = Validator("ContainerApp", self)
        props = check.props(props, ContainerAppProps)
        check.name("name", props.name, NameRules.CONTAINER_APP)
        check.in_range("target_port", props.target_port, 1, 65535)
        check.in_range("min_replicas", props.min_replicas, 0, MAX_REPLICAS)
        check.in_range("max_replicas", props.max_replicas, 1, MAX_REPLICAS)
        check.require(
            # (a bound known only at deploy time is not compared)
            is_token(props.min_replicas) or is_token(props.max_replicas) or props.min_replicas <= props.max_replicas,
            "min_replicas", props.min_replicas,
            f"is above max_replicas {props.max_replicas}", "min_replicas <= max_replicas",
            "lower min_replicas or raise max_replicas",
        )
        _check_cpu_memory(check, props.cpu, props.memory, getattr(props.environment, "workload_profile_name", None))
        check_image(check, props.repository, props.image_tag, getattr(props.registry, "name", None))
        check.require(
            is_token(props.liveness_path) or props.liveness_path.startswith("/"), "liveness_path", props.liveness_path,
            "is not an absolute path", "a path starting with '/'", _absolute_path_fix(props.liveness_path),
        )
        for name in [*props.env, *props.secret_env]:
            check.name("environment variable", name, NameRules.ENVIRONMENT_VARIABLE)
        for name in set(props.env) & set(props.secret_env):
            check.fail(
                "environment variable", name, "is set both as plain env and as secret_env",
                "each variable once", "keep only the secret_env entry",
            )
        by_name: dict[str, tuple[str, str]] = {}
        for variable, reference in props.secret_env.items():
            # The app's secret is named after the vault's, lowercased at synth (a token lowercased is
            # no token: Terraform would get its placeholder as the name).
            if not check.known(
                f"secret_env[{variable!r}] name", reference.name,
                "the app's secret is named after it, in lowercase, at synth",
                "a Key Vault secret name written in code, e.g. 'database-url'",
            ):
                continue
            # A dependency jsii cannot send as a Terraform element is dropped: the app would not wait.
            # (Told by its Python class: reading `fqn` is a jsii round trip per secret.)
            dependency = reference.dependency
            check.require(
                dependency is None or isinstance(dependency, TerraformElement), f"secret_env[{variable!r}] dependency",
                dependency,
                "is not a Terraform resource", "the Terraform resource that creates the secret, or None",
                f"pass its Terraform resource: dependency=<the {type(dependency).__name__}>.resource"
                if hasattr(getattr(dependency, "resource", None), "fqn")
                else "pass the resource that creates the secret (vault.add_secret returns a reference with it)",
            )
            _check_secret_exists(check, variable, reference)
            name = app_secret_name(reference)
            _check_app_secret_name(check, variable, reference.name, name)
            # One secret of one vault read in another case is the same secret (Key Vault names
            # compare in any case): both variables read it. Two vaults' secrets of one name clash.
            first, first_id = by_name.setdefault(name, (variable, reference.versionless_id))
            if first_id.lower() != reference.versionless_id.lower():
                check.fail(
                    f"secret_env[{variable!r}]", reference.name,
                    f"maps to the app secret {name!r}, as secret_env[{first!r}] does, from another Key Vault "
                    "secret", "Key Vault secrets whose names differ after lowercasing",
                    "rename one of the Key Vault secrets",
                )
        check.done()
        return props

    def uses(self) -> dict[str, object]:
        """What the app reaches at run time: `{what it calls it: the service}`."""
        found: dict[str, object] = {"image pull": self.props.registry}
        for reference in self.props.secret_env.values():
            found.setdefault(f"Key Vault references ({reference.vault.name})", reference.vault)
        found.update(self.props.dependencies)
        return found


def unreachable(apps: list[ContainerApp]) -> list[str]:
    """One problem per service that apps of one environment cannot reach, naming the
    service, the apps and what they use it for."""
    edges: dict[tuple[int, int], tuple[Any, ContainerAppEnvironment, dict[str, list[str]]]] = {}
    for app in apps:
        for what, service in app.uses().items():
            if (
                not isinstance(service, AzureResource) or service.private_link is None or service._managed is None
                or service.__dict__.get("_private_endpoint_refused")
            ):
                continue  # looked up from elsewhere (not checked here), or its endpoint was refused (reported)
            key = (id(service), id(app.props.environment))
            _, _, users = edges.setdefault(key, (service, app.props.environment, {}))
            users.setdefault(readable(what), []).append(readable(app.name))
    found = []
    for service, environment, users in edges.values():
        network = environment.props.virtual_network
        unreachable = service.unreachable_from(network)
        if unreachable is None:
            continue
        problem, fix = unreachable
        uses = "; ".join(f"{', '.join(names)} as {what}" for what, names in users.items())
        where = f"its VNet '{readable(network.name)}'" if network else "its Azure-managed network (it has no VNet)"
        check = Validator("Reachability", service)
        check.fail(
            service.kind_text, service.name,
            f"cannot be reached from environment '{readable(environment.name)}' through {where}, yet the apps use it "
            f"({uses}): {problem}",
            "a private endpoint in the environment's VNet (its DNS zone linked there), or public network "
            "access with a path the environment can use",
            fix,
        )
        found += check.problems
    return found


SECONDS_PER_MONTH = 730 * 3600


def _billing(config: Mapping[str, Any]) -> list[tuple[str, float, str]]:
    """Replicas kept warm (min_replicas) are billed at the idle rate all month; replicas
    that scale to zero are assumed to fit in the monthly free grant (shared by the apps)."""
    template = config["template"]
    warm = template.get("min_replicas", 0)
    container = template["container"][0]
    sizes = {"min_replicas": warm, "cpu": container["cpu"], "memory": container["memory"]}
    later = [name for name, value in sizes.items() if isinstance(value, str) and "${" in value]
    if later:  # a deploy-time variable: no number to price
        return [("container-apps.idle-vcpu-second", 0, f"{', '.join(later)} set at deploy time: not estimated")]
    if not warm:
        return [("container-apps.free-grant", 0, "scales to zero; assumed within the free grant")]
    memory = float(str(container["memory"]).removesuffix("Gi"))
    return [
        ("container-apps.idle-vcpu-second", warm * container["cpu"] * SECONDS_PER_MONTH,
         f"{warm} warm replica(s), vCPU-seconds at the idle rate"),
        ("container-apps.idle-gib-second", warm * memory * SECONDS_PER_MONTH,
         f"{warm} warm replica(s), GiB-seconds at the idle rate"),
    ]


def _check_secret_exists(check: Validator, variable: str, reference: SecretReference) -> None:
    """A warning for a secret of a vault this stack creates that nothing in it adds: the app's
    first deploy fails to fetch it ("unable to fetch secret", microsoft/azure-container-apps#1174)
    unless someone sets it between the vault's deploy and the app's (`secret()` allows that)."""
    vault = reference.vault
    if reference.dependency is not None or vault._managed is None or not isinstance(reference.name, str):
        return  # added here (the app waits for it), or in a vault that exists already
    if reference.name.lower() in vault.added_secrets:
        return
    owner = stack_of(vault)
    creator = "this stack" if owner is stack_of(check.where) else f"stack '{owner.node.id}'"
    check.warn(
        f"secret_env {variable!r}", reference.name,
        f"is a secret of Key Vault {vault.name!r}, which {creator} creates and adds no such secret to: the "
        "app's first deploy fails to fetch it unless it is set in the vault before the app is created",
        "a secret vault.add_secret creates (the app then waits for it), or one set before the app's deploy",
        f"create it with vault.add_secret(id, SecretProps({reference.name!r}, value)) and pass the reference it "
        "returns; for a value an operator sets, deploy the vault first, set the secret, then deploy the app",
    )


def app_secret_name(reference: SecretReference) -> str:
    """Container app secret names must be lowercase; Key Vault's need not be."""
    return reference.name.lower()


def _check_app_secret_name(check: Validator, variable: str, secret: str, name: str) -> None:
    """The app's secret is named after the Key Vault secret (lowercased), so a Key Vault name the
    app's rule refuses (azurerm's `containerapps/validate` SecretName: a letter or digit first
    and last; Key Vault allows '-' there) is the Key Vault secret's to change."""
    rule = NameRules.CONTAINER_APP_SECRET
    found = rule.problems(name)
    # A name Key Vault's own rule refuses (a '_', say) is reported once, by the vault that was
    # asked for it (`secret()`, `add_secret`), with that rule: the fix here would be the wrong one.
    if found and check.typed and not is_token(name) and not NameRules.KEY_VAULT_SECRET.problems(secret):
        check.fail(
            f"secret_env[{variable!r}]", secret, f"names the app secret {name!r} (its name in lowercase), which "
            + " and ".join(found), f"{rule.resource} names have {rule.describe()}",
            "rename the Key Vault secret (or read another) so that it starts and ends with a letter or digit",
        )


def _absolute_path_fix(path: str) -> str:
    """The fix for a probe path that does not start with '/': the path of a URL written whole
    (the probe calls the container at `target_port`), or the path with its '/'."""
    written = path.strip()
    if "://" in written:
        url = urlsplit(written)
        written = url.path + (f"?{url.query}" if url.query else "")
        if written.startswith("/"):
            return f"write the path alone (the probe calls the container on target_port): liveness_path={written!r}"
    if written.startswith("/"):
        return f"write it without spaces: liveness_path={written!r}"
    return f"write liveness_path={'/' + written!r}" if written else "write it as e.g. '/healthz'"


def _check_cpu_memory(check: Validator, cpu: float, memory: str, profile: str | None = None) -> None:
    combinations = PROFILE_CPU_MEMORY_GIB if profile == "Consumption" else CPU_MEMORY_GIB
    plan = "the Consumption workload profile" if profile == "Consumption" else "the Consumption plan"
    pairs = ", ".join(f"{c:g}/{m:g}Gi" for c, m in combinations.items())
    if is_token(memory):
        return  # known only at deploy time
    written = _MEMORY.fullmatch(memory)
    if written is None or len(written.group(1) or written.group(2) or "") > 2:
        # The service (its error, quoted in Azure/bicep-types-az#2226): "must contain a decimal value to no
        # more than 2 decimal places followed by 'Gi' to denote the unit (Gibibytes)".
        check.fail(
            "memory", memory, "is not a memory size" if written is None else "has more than 2 decimal places",
            "a decimal number of GiB with at most 2 decimal places, followed by 'Gi', e.g. '1Gi' or '1.5Gi'",
            f"write memory='{combinations.get(cpu, 1.0):g}Gi'" + (f" for cpu={cpu:g}" if cpu in combinations else ""),
        )
        return
    gib = float(memory.removesuffix("Gi"))
    if is_token(cpu):
        return
    if cpu not in combinations or gib != combinations[cpu]:
        # A cpu of no pair, with a memory of one: the cpu that goes with that memory (else the fix's
        # cpu would then be told its memory).
        paired = next((c for c, m in combinations.items() if m == gib), None)
        check.fail(
            "cpu/memory", f"{cpu:g}/{memory}", "is not a combination Azure accepts",
            f"on {plan}: {pairs}",
            f"use memory='{combinations.get(cpu, 1.0):g}Gi' for cpu={cpu:g}" if cpu in combinations else
            f"use cpu={paired:g} for memory={memory!r}" if paired is not None else
            f"pick a cpu of 0.25-{max(combinations):.1f} in steps of 0.25",
        )
