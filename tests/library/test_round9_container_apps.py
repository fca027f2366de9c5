"""The Container Apps tier and the registry as a hurried user writes them in an app of their own
(the ninth outside-in round): values known only at deploy time are not judged (nor priced),
environment names Azure and azurerm take pass, a name the app derives from a Key Vault secret says
which secret to rename, an image written the way `docker pull` takes it says how to split it, a
looked-up registry can have a private endpoint, and private DNS says what the environment lacks."""

from __future__ import annotations

from helpers import error_of

from sigmatiq_infra import constructs as c
from sigmatiq_infra.cdk import TerraformVariable
from sigmatiq_infra.stacks import App, AzureStack


def _app(stack, group, number: str = "", **props) -> c.ContainerApp:
    """An app with its own environment, registry and identity (`number` tells apart several)."""
    environment = c.ContainerAppEnvironment(stack, f"Env{number}", c.ContainerAppEnvironmentProps(
        f"cae-test{number}", group,
    ))
    registry = c.ContainerRegistry(stack, f"Registry{number}", c.ContainerRegistryProps(
        f"acrtest1{number}", group, sku="Basic", public_network_access_enabled=True,
    ))
    identity = c.UserAssignedIdentity(stack, f"Identity{number}", c.UserAssignedIdentityProps(
        f"id-test{number}", group,
    ))
    return c.ContainerApp(stack, f"Api{number}", c.ContainerAppProps(**{
        "name": f"api{number}", "environment": environment, "identity": identity, "registry": registry,
        "repository": "team/api", "image_tag": "1.0", "target_port": 8080, **props,
    }))


# --- values known only at deploy time -------------------------------------------------------------


def test_replicas_cpu_memory_and_the_liveness_path_given_as_variables_are_not_judged(stack, group):
    number = TerraformVariable(stack, "count", type="number").number_value
    text = TerraformVariable(stack, "text", type="string").string_value
    app = _app(stack, group, max_replicas=number, cpu=number, memory=text, liveness_path=text)
    assert app.problem_log.problems == []


def test_a_literal_memory_beside_a_cpu_variable_is_still_read_as_azure_reads_it(stack, group):
    cpu = TerraformVariable(stack, "cpu", type="number").number_value
    assert error_of(lambda: _app(stack, group, cpu=cpu, memory="1GB")).startswith(
        "ContainerApp 'test/Api': memory '1GB' is not a memory size.",
    )


# --- environment names Azure and azurerm take ----------------------------------------------------


def test_an_environment_name_with_capitals_or_two_hyphens_in_a_row_passes(stack, group):
    """azurerm's own acceptance tests create `acctest-CAEnv<n>`; Azure takes `--` as well."""
    for number, name in enumerate(("acctest-CAEnv1", "cae--orders", "Cae-Beta-2")):
        environment = c.ContainerAppEnvironment(stack, f"Env{number}", c.ContainerAppEnvironmentProps(name, group))
        assert environment.problem_log.problems == []


def test_an_environment_name_starting_with_a_digit_or_ending_with_a_hyphen_is_refused(stack, group):
    allowed = (
        "Allowed: Container Apps environment names have 2-60 characters; letters, digits and hyphens; starts with a "
        "letter; ends with a letter or digit. Fix: use {!r} or another Container Apps environment name that follows "
        "these rules."
    )
    assert error_of(lambda: c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps(
        "1cae", group,
    ))) == "ContainerAppEnvironment 'test/Env': name '1cae' starts with '1'. " + allowed.format("cae")
    assert error_of(lambda: c.ContainerAppEnvironment(stack, "Env2", c.ContainerAppEnvironmentProps(
        "Cae-", group,
    ))) == "ContainerAppEnvironment 'test/Env2': name 'Cae-' ends with '-'. " + allowed.format("Cae")


def test_two_environments_whose_names_differ_only_in_case_collide_in_their_group(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "svc")
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-test", "centralus"))
    c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps("cae-orders", group))
    c.ContainerAppEnvironment(stack, "Env2", c.ContainerAppEnvironmentProps("CAE-Orders", group))
    assert error_of(app.synth) == (
        "Container Apps environment 'svc/Env': name 'cae-orders' is already the name of Container Apps environment "
        "'svc/Env2' (Azure compares names in any case). Allowed: one Container Apps environment per name in its "
        "resource group. Fix: rename one of the two (a name the library derives follows the name you give its "
        "construct)."
    )
    assert not (tmp_path / "out").exists()


# --- the app secret a Key Vault secret becomes --------------------------------------------------


def test_a_key_vault_secret_whose_name_no_app_secret_can_have_says_to_rename_the_key_vault_secret(stack, group):
    vault = c.KeyVault(stack, "Vault", c.KeyVaultProps("kv-test-1", group, public_network_access_enabled=True))
    allowed = (
        "Allowed: container app secret names have 1-253 characters; lowercase letters, digits, '-' and '.'; starts "
        "with a lowercase letter or digit; ends with a lowercase letter or digit. Fix: rename the Key Vault secret "
        "(or read another) so that it starts and ends with a letter or digit."
    )
    assert error_of(lambda: _app(stack, group, secret_env={
        "DB_URL": vault.secret("Db-Url-"), "API_KEY": vault.secret("-Api-Key"), "YEAR": vault.secret("2024"),
    })).splitlines() == [
        "ContainerApp 'test/Api': secret_env['DB_URL'] 'Db-Url-' names the app secret 'db-url-' (its name in "
        f"lowercase), which ends with '-'. {allowed}",
        "ContainerApp 'test/Api': secret_env['API_KEY'] '-Api-Key' names the app secret '-api-key' (its name in "
        f"lowercase), which starts with '-'. {allowed}",
    ]


# --- an image written the way `docker pull` takes it ---------------------------------------------


def test_a_repository_with_its_tag_says_to_give_the_tag_as_image_tag(stack, group):
    assert error_of(lambda: _app(stack, group, repository="team/api:1.4.2")) == (
        "ContainerApp 'test/Api': repository 'team/api:1.4.2' ends with a tag. Allowed: the repository path alone; "
        "the tag is image_tag. Fix: write repository='team/api', image_tag='1.4.2'."
    )


def test_a_repository_starting_with_a_known_registry_or_a_port_says_to_drop_the_host(stack, group):
    for number, (repository, host, rest) in enumerate((
        ("mcr.microsoft.com/dotnet/aspnet", "mcr.microsoft.com", "dotnet/aspnet"),
        ("ACRTEST1.azurecr.io/team/api", "ACRTEST1.azurecr.io", "team/api"),
        ("registry.contoso.com:5000/team/api", "registry.contoso.com:5000", "team/api"),
    )):
        assert error_of(lambda number=number, repository=repository: _app(
            stack, group, str(number), repository=repository,
        )) == (
            f"ContainerApp 'test/Api{number}': repository '{repository}' starts with the registry host '{host}'. "
            "Allowed: the repository path inside the registry, e.g. 'team/service-api' (the registry is the app's "
            f"`registry`, its login server added for you). Fix: write repository='{rest}'."
        )


def test_a_repository_whose_first_folder_has_a_dot_passes_with_a_warning_in_case_it_is_a_host(stack, group):
    """OCI's path components take '.': `<login server>/contoso.orders/api` is a repository of the registry."""
    app = _app(stack, group, repository="contoso.orders/api")
    assert (app.problem_log.problems, app.problem_log.warnings) == ([], [
        "ContainerApp 'test/Api': repository 'contoso.orders/api' starts with 'contoso.orders', which reads like a "
        "registry host; the image is pulled as <the registry's login server>/contoso.orders/api. Allowed: the "
        "repository path inside the registry (a folder with '.' in it is fine). Fix: if 'contoso.orders' is another "
        "registry, write repository='api' and push the image to the app's registry; if it is a folder of the "
        "registry, nothing.",
    ])
    (container,) = app.resource.template_input.container
    assert container.image == f"{app.props.registry.login_server}/contoso.orders/api:1.0"


def test_a_repository_whose_first_folder_is_a_version_passes_without_a_warning(stack, group):
    app = _app(stack, group, repository="v1.2/api")
    assert (app.problem_log.problems, app.problem_log.warnings) == ([], [])


# --- a private endpoint to a registry another stack manages ---------------------------------------


def test_a_looked_up_registry_gets_its_private_endpoint_in_the_vnets_group(stack, group):
    """It raised AttributeError (a lookup has no resource group of this stack's)."""
    network = c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", [
        c.SubnetSpec("snet-pe", "10.20.1.0/24", c.SubnetRole.PRIVATE_ENDPOINTS),
    ]))
    zones = c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, network))
    shared = c.ContainerRegistry.from_existing(stack, "Shared", name="acrshared1", resource_group_name="rg-shared")
    endpoint = shared.add_private_endpoint(c.PrivateNetwork(network, zones))
    assert shared.problem_log.problems == []
    assert (endpoint.resource.name_input, endpoint.resource.resource_group_name_input) == ("pe-acrshared1", "rg-test")
    assert shared.private_endpoint is endpoint


def test_a_repository_that_fills_the_image_name_to_255_characters_passes(stack, group):
    """`acrtest1.azurecr.io/` takes 20 of the 255 characters a pull allows an image name."""
    assert _app(stack, group, repository="r" * 235).problem_log.problems == []


def test_a_repository_that_makes_the_image_name_longer_than_255_characters_is_refused(stack, group):
    assert error_of(lambda: _app(stack, group, repository="r" * 236)) == (
        f"ContainerApp 'test/Api': repository '{'r' * 76}... has 236 characters, which makes the image name 256 "
        "characters long with the registry's login server. Allowed: image names of at most 255 characters (<login "
        "server>/<repository>), so a repository of at most 235 in registry 'acrtest1'. Fix: shorten the "
        "repository to 235 characters or fewer."
    )


# --- the cost of an app sized at deploy time ----------------------------------------------------


def test_the_cost_of_an_app_whose_replicas_cpu_or_memory_come_at_deploy_time_is_said_to_be_not_estimated():
    """`sigmatiq-infra cost` stopped with a TypeError (a '${var.warm}' string times the vCPU)."""
    billing = c.ResourceFacts.of(c.ContainerApp, "azurerm_container_app").billing
    container = {"cpu": 0.5, "memory": "1Gi"}
    assert billing({"template": {"min_replicas": "${var.warm}", "container": [container]}}, {}) == [
        ("container-apps.idle-vcpu-second", 0, "min_replicas set at deploy time: not estimated"),
    ]
    sized_later = {"cpu": "${var.cpu}", "memory": "${var.memory}"}
    assert billing({"template": {"min_replicas": 2, "container": [sized_later]}}, {}) == [
        ("container-apps.idle-vcpu-second", 0, "cpu, memory set at deploy time: not estimated"),
    ]
    assert billing({"template": {"min_replicas": 2, "container": [container]}}, {})[0][1] == 2 * 0.5 * 730 * 3600


# --- private DNS for an environment ---------------------------------------------------------------


def _zones(stack, group) -> c.PrivateDnsZones:
    network = c.VirtualNetwork(stack, "Net", c.VirtualNetworkProps("vnet-test", group, "10.20.0.0/16", [
        c.SubnetSpec("snet-apps", "10.20.2.0/23", c.SubnetRole.CONTAINER_APPS),
    ]))
    return c.PrivateDnsZones(stack, "Zones", c.PrivateDnsZonesProps(group, network))


def test_private_dns_for_an_environment_without_a_vnet_names_the_missing_vnet(stack, group):
    environment = c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps("cae-test", group))
    assert error_of(lambda: environment.add_private_dns(_zones(stack, group)), scope=environment) == (
        "ContainerAppEnvironment 'test/Env': virtual_network None leaves the environment on an Azure-managed public "
        "network, with no internal load balancer for private DNS to resolve to. Allowed: add_private_dns() only "
        "with virtual_network and public network access off. Fix: give the environment a virtual_network (fixed "
        "at creation), or remove the add_private_dns call."
    )


def test_private_dns_for_a_public_vnet_environment_says_to_leave_public_access_off(stack, group):
    zones = _zones(stack, group)
    environment = c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps(
        "cae-test", group, virtual_network=zones.virtual_network, public_network_access_enabled=True,
    ))
    assert error_of(lambda: environment.add_private_dns(zones), scope=environment) == (
        "ContainerAppEnvironment 'test/Env': public_network_access_enabled True leaves no internal, VNet-integrated "
        "environment for private DNS. Allowed: add_private_dns() only with virtual_network and public network access "
        "off. Fix: leave public_network_access_enabled unset (or False)."
    )


# --- a secret of another stack's vault ------------------------------------------------------------


def test_a_secret_nobody_adds_to_another_stacks_vault_names_that_stack_as_the_creator(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    shared = AzureStack(app, "shared")
    shared_group = c.ResourceGroup(shared, "Group", c.ResourceGroupProps("rg-shared", "centralus"))
    vault = c.KeyVault(shared, "Vault", c.KeyVaultProps(
        "kv-shared-1", shared_group, public_network_access_enabled=True,
    ))
    service = AzureStack(app, "service")
    group = c.ResourceGroup(service, "Group", c.ResourceGroupProps("rg-service", "centralus"))
    made = _app(service, group, secret_env={"DB_URL": vault.secret("Db-Url")})
    assert made.problem_log.warnings[0].startswith(
        "ContainerApp 'service/Api': secret_env 'DB_URL' 'Db-Url' is a secret of Key Vault 'kv-shared-1', which stack "
        "'shared' creates and adds no such secret to:",
    )


def test_a_repository_with_capitals_or_stray_slashes_is_told_the_name_to_write(stack, group):
    allowed = "Allowed: lowercase letters, digits and separators '.', '_', '-', '/'."
    for number, (written, meant) in enumerate((("Team/API", "team/api"), ("/team//api/", "team/api"))):
        assert error_of(lambda number=number, written=written: _app(
            stack, group, str(number), repository=written,
        )) == (
            f"ContainerApp 'test/Api{number}': repository '{written}' is not a valid repository name. {allowed} "
            f"Fix: write repository='{meant}'."
        )
    assert error_of(lambda: _app(stack, group, repository="team/api!")).endswith(
        "Fix: use a lowercase repository name such as 'team/service-api'.",
    )
