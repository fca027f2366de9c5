"""One validation path: every bad input, in settings or in a user's own app, ends in one
numbered list; never a traceback, never a silent accept."""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import subprocess
import sys
import textwrap

import pytest
from estate_helpers import ISOLATED
from helpers import NODE_BIN, error_of, recorded, slow_fixture

from sigmatiq_infra.constructs import (
    AppConfiguration,
    AppConfigurationProps,
    ContainerApp,
    ContainerAppEnvironment,
    ContainerAppEnvironmentProps,
    ContainerAppProps,
    ContainerRegistry,
    ContainerRegistryProps,
    KeyVault,
    KeyVaultProps,
    PrivateDnsZones,
    PrivateDnsZonesProps,
    PrivateNetwork,
    ResourceGroup,
    ResourceGroupProps,
    SubnetRole,
    SubnetSpec,
    UserAssignedIdentity,
    UserAssignedIdentityProps,
    VirtualNetwork,
    VirtualNetworkProps,
)
from sigmatiq_infra.stacks import App, AzureStack, synth
from sigmatiq_infra.validation import ValidationError, Validator
from stacks.app import build_app, main
from stacks.settings import BETA, PROD, load
from stacks.settings.checks import prepare

TOKEN = "${TfToken[TOKEN.1]}"


def settings_with(**environments):
    return dataclasses.replace(load(environ=ISOLATED), environments=environments)


def problems_of(settings) -> list[str]:
    with pytest.raises(ValidationError) as error:
        prepare(settings)
    return list(error.value.problems)


# --- one mechanism ---------------------------------------------------------------------------------


def test_a_validator_bound_to_a_path_raises_and_one_bound_to_a_construct_records(stack, group):
    path_bound = Validator("Setting", "beta")
    path_bound.fail("x", 1, "is bad", "good values", "use a good one")
    with pytest.raises(ValidationError):
        path_bound.done()
    construct_bound = Validator("ResourceGroup", group)
    construct_bound.fail("x", 1, "is bad", "good values", "use a good one")
    assert construct_bound.done() is False
    assert recorded(stack) == [
        "ResourceGroup 'test/Group': x 1 is bad. Allowed: good values. Fix: use a good one.",
    ]


def test_the_app_writes_nothing_while_a_problem_is_recorded(tmp_path):
    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "svc")
    ResourceGroup(stack, "Group", ResourceGroupProps("rg-svc.", "centralus"))
    with pytest.raises(ValidationError) as error:
        app.synth()
    assert [line.split(":")[0] for line in error.value.problems] == ["ResourceGroup 'svc/Group'"]
    assert list(tmp_path.iterdir()) == []  # no output, no staging folder left



def test_settings_with_a_duplicated_app_can_be_written_and_imported_the_check_is_explicit():
    duplicated = dataclasses.replace(BETA, apps=(*BETA.apps, BETA.apps[0]))  # no error at definition
    assert problems_of(settings_with(beta=duplicated)) == [
        "EnvironmentSettings 'beta': apps ['ca-auth-api'] appear more than once. Allowed: each app name "
        "once. Fix: remove or rename the duplicate entries.",
    ]


# --- types ---------------------------------------------------------------------------------------------

def test_wrong_types_in_settings_name_the_field_the_value_and_the_type_before_any_rule():
    apps = (
        dataclasses.replace(BETA.apps[0], port="8004", cpu="0.5", min_replicas=1.5),
        dataclasses.replace(BETA.apps[1], name=None),
        *BETA.apps[2:],
    )
    assert problems_of(settings_with(beta=dataclasses.replace(BETA, apps=apps))) == [
        "AppSettings 'beta/apps[0]': port '8004' has the type str. Allowed: int. Fix: give port a value "
        "of type int: 8004 without quotes.",
        "AppSettings 'beta/apps[0]': cpu '0.5' has the type str. Allowed: float. Fix: give cpu a value of "
        "type float: 0.5 without quotes.",
        "AppSettings 'beta/apps[0]': min_replicas 1.5 has the type float. Allowed: int. Fix: give "
        "min_replicas a value of type int.",
        "AppSettings 'beta/apps[1]': name None has the type NoneType. Allowed: str. Fix: give name a "
        "value of type str.",
    ]


def test_a_wrong_type_deep_in_the_network_settings_is_found():
    vpn = dataclasses.replace(PROD.network.vpn, client_address_pool=None)
    prod = dataclasses.replace(PROD, network=dataclasses.replace(PROD.network, vpn=vpn))
    assert problems_of(settings_with(prod=prod)) == [
        "VpnSettings 'prod/network/vpn': client_address_pool None has the type NoneType. Allowed: str. "
        "Fix: give client_address_pool a value of type str.",
    ]


def app_props(stack, group, **overrides):
    environment = ContainerAppEnvironment(stack, "Env", ContainerAppEnvironmentProps("cae-test", group))
    identity = UserAssignedIdentity(stack, "Id", UserAssignedIdentityProps("mi-test", group))
    registry = ContainerRegistry(stack, "Acr", ContainerRegistryProps(
        "acrtest1", group, public_network_access_enabled=True,
    ))
    props = {"name": "ca-svc", "environment": environment, "identity": identity, "registry": registry,
             "repository": "svc", "image_tag": "beta", "target_port": 8080}
    return ContainerAppProps(**{**props, **overrides})


def test_wrong_prop_types_are_reported_and_the_construct_is_still_built(stack, group):
    app = ContainerApp(stack, "App", app_props(stack, group, target_port="8004", min_replicas=1.5, cpu=1))
    assert "resource" in app.__dict__
    assert recorded(stack) == [
        "ContainerApp 'test/App': target_port '8004' has the type str. Allowed: int. Fix: give target_port "
        "a value of type int: 8004 without quotes.",
        "ContainerApp 'test/App': min_replicas 1.5 has the type float. Allowed: int. Fix: give min_replicas "
        "a value of type int.",
    ]  # cpu=1 is fine: an int is a float; and the rules were skipped, so nothing else is claimed



def test_a_construct_that_cannot_be_built_at_all_raises_one_validation_error(stack, group):
    props = app_props(stack, group, environment="cae-test")
    assert error_of(lambda: ContainerApp(stack, "App", props)) == (
        "ContainerApp 'test/App': environment 'cae-test' has the type str. Allowed: ContainerAppEnvironment. "
        "Fix: give environment a value of type ContainerAppEnvironment."
    )



# --- every problem in one run ----------------------------------------------------------------------------

def test_two_independent_mistakes_in_prod_are_both_reported(tmp_path):
    prod = dataclasses.replace(
        PROD, apps=(dataclasses.replace(PROD.apps[0], memory="3Gi"), *PROD.apps[1:]),
        app_configuration=dataclasses.replace(PROD.app_configuration, sku="free"),
    )
    app = build_app(settings_with(prod=prod), outdir=str(tmp_path))
    with pytest.raises(ValidationError) as error:
        app.synth()
    kinds = [line.split(": ")[0] + ": " + line.split(": ")[1].split(" ")[0] for line in error.value.problems]
    assert "ContainerApp 'prod/ca-auth-api': cpu/memory" in kinds
    assert "AppConfiguration 'prod/AppConfiguration': sku" in kinds
    assert "AppConfiguration 'prod/AppConfiguration': public_network_access_enabled" in kinds


# --- the public error path of a user's own app --------------------------------------------------------------

def start_script(code: str, folder) -> tuple[subprocess.Popen, object]:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "app.py"
    script.write_text(textwrap.dedent(code))
    return subprocess.Popen(  # as the README says to run an own app: through the launcher
        [sys.executable, "-m", "sigmatiq_infra.launch", str(script)], cwd=folder,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PATH": f"{NODE_BIN}:{os.environ['PATH']}"},
    ), folder


OWN_APP = """
    from sigmatiq_infra.constructs import KeyVault, KeyVaultProps, ResourceGroup, ResourceGroupProps
    from sigmatiq_infra.stacks import App, AzureStack

    with App() as app:
        stack = AzureStack(app, "my-service")
        group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-my-service", "westeurop"))
        KeyVault(stack, "Vault", KeyVaultProps(name="kv", resource_group=group, public_network_access_enabled=True))
        {last}
"""


@pytest.fixture(scope="module")
@slow_fixture
def own_apps(tmp_path_factory):
    """The README-style app with bad props, run as a user runs it: three variants at once."""
    work = tmp_path_factory.mktemp("own-apps")
    started = {
        "bad props": start_script(OWN_APP.format(last="pass"), work / "bad-props"),
        "cannot be built": start_script(OWN_APP.format(last="ResourceGroup(stack, 'Other', None)"), work / "cannot"),
        "bug": start_script(OWN_APP.format(last="group.grant_nothing()"), work / "bug"),
    }
    results = {}
    for key, (process, folder) in started.items():
        stdout, stderr = process.communicate(timeout=300)
        results[key] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr), folder
    return results


def test_an_own_app_with_bad_props_prints_every_problem_exits_1_and_writes_nothing(own_apps):
    result, tmp_path = own_apps["bad props"]
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "sigmatiq-infra: synth stopped, nothing was written (2 problems):"
    assert lines[1].startswith("  1. ResourceGroup 'my-service/Group': location 'westeurop' is not an Azure region")
    assert lines[2].startswith("  2. KeyVault 'my-service/Vault': name 'kv' has 2 characters.")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cdktf.out").exists()


def test_an_own_app_whose_construct_cannot_be_built_still_gets_the_numbered_list(own_apps):
    result, _ = own_apps["cannot be built"]
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "sigmatiq-infra: synth stopped, nothing was written (3 problems):"
    assert lines[3] == (
        "  3. ResourceGroup 'my-service/Other': props None has the type NoneType. Allowed: ResourceGroupProps. "
        "Fix: pass ResourceGroupProps(...) as the props."
    )


def test_a_bug_in_an_own_app_keeps_its_traceback(own_apps):
    result, _ = own_apps["bug"]
    assert result.returncode == 1
    assert "AttributeError: 'ResourceGroup' object has no attribute 'grant_nothing'" in result.stderr


def test_synth_of_a_good_app_writes_it_and_of_a_bad_one_exits_1(tmp_path, capsys):
    good = App(outdir=str(tmp_path / "good"))
    ResourceGroup(AzureStack(good, "svc"), "Group", ResourceGroupProps("rg-svc", "centralus"))
    synth(good)
    assert json.loads((tmp_path / "good" / "stacks" / "svc" / "cdk.tf.json").read_text())["resource"]
    bad = App(outdir=str(tmp_path / "bad"))
    ResourceGroup(AzureStack(bad, "svc"), "Group", ResourceGroupProps("rg-svc", "Centrl US"))
    with pytest.raises(SystemExit) as exit_status:
        synth(bad)
    assert exit_status.value.code == 1
    assert capsys.readouterr().err.startswith("sigmatiq-infra: synth stopped, nothing was written (1 problem):\n")
    assert not (tmp_path / "bad").exists()


# --- new rules -------------------------------------------------------------------------------------------

def test_two_environments_with_one_name_are_refused():
    assert problems_of(settings_with(beta=BETA, qa=BETA))[0] == (
        "EnvironmentSettings 'qa': name 'beta' differs from its key 'qa' in environments. Allowed: the same "
        "name as the key (the stack is named after it). Fix: set name='qa', or rename the key."
    )


def test_an_environment_cannot_take_the_name_of_another_stack():
    shared = dataclasses.replace(BETA, name="shared")
    assert "EnvironmentSettings 'shared': name 'shared' is the name of another stack." in problems_of(
        settings_with(shared=shared),
    )[0]


def test_a_globally_unique_name_used_by_two_environments_is_refused():
    qa = dataclasses.replace(BETA, name="qa", adoption=dataclasses.replace(BETA.adoption, enabled=False))
    assert problems_of(settings_with(beta=BETA, qa=qa)) == [
        f"Settings 'environments': {kind} name '{name}' is used by beta {field} and qa {field}. Allowed: one "
        f"resource per name: Azure keeps {kind} names unique across all of Azure. Fix: give each environment "
        "its own name (derive_environment(BETA, 'qa') renames them all)."
        for kind, name, field in (
            ("Key Vault", "kv-trading-beta-1023", "key_vault"), ("PostgreSQL server", "psql-trading-beta", "postgres"),
            ("cache", "redis-trading-beta-1023", "redis"),
            ("App Configuration store", "appconfig-trading-beta-1023", "app_configuration"),
        )
    ]


def test_tags_azure_rejects_are_refused_in_settings():
    tags = {**BETA.tags, "Cost/Center": "x", "k" * 513: "v", "Owner": "v" * 257}
    assert problems_of(settings_with(beta=dataclasses.replace(BETA, tags=tags))) == [
        "Settings 'beta': tags name 'Cost/Center' contains '/'. Allowed: tag names without < > % & \\ ? / or "
        "control characters. Fix: rename the tag, e.g. with '-' or '_' instead.",
        f"Settings 'beta': tags name '{'k' * 76}... has 513 characters. Allowed: 1 to 512 characters. Fix: "
        "shorten the tag name.",
        f"Settings 'beta': tags 'Owner' value '{'v' * 76}... has 257 characters. Allowed: at most 256 "
        "characters. Fix: shorten the value.",
    ]







def test_main_py_refuses_an_unknown_stack_name_with_the_likely_one(capsys):
    with pytest.raises(SystemExit):
        main(["prdo"])
    assert capsys.readouterr().err.splitlines()[1] == (
        "  1. Command line 'main.py': stack 'prdo' is not supported (did you mean 'prod'?). Allowed: 'state', "
        "'shared', 'beta', 'prod'. Fix: pass stack names of this app, or none for every stack."
    )


def test_an_unknown_sigmatiq_variable_is_a_typo_with_the_name_it_probably_meant():
    from stacks.settings import read_environment

    _, problems = read_environment({**ISOLATED, "SIGMATIQ_PRDO_BOOTSTRAP": "1"})
    assert problems == [
        "Environment variable 'SIGMATIQ_PRDO_BOOTSTRAP': it is not a setting this project reads (did you mean "
        "SIGMATIQ_PROD_BOOTSTRAP?). Allowed: the variables listed in docs/estate/README.md's Settings section. Fix: "
        "rename it to SIGMATIQ_PROD_BOOTSTRAP.",
    ]


# --- the VPN root certificate ----------------------------------------------------------------------------------

def certificate(days_before: int, days_after: int, ca: bool = True):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SigmatiqP2SRoot")])
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + datetime.timedelta(days=days_before))
        .not_valid_after(now + datetime.timedelta(days=days_after))
    )
    if ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    return builder.sign(key, hashes.SHA256()).public_bytes(Encoding.PEM).decode()


def with_root(pem: str):
    vpn = dataclasses.replace(PROD.network.vpn, root_certificate=pem)
    return settings_with(prod=dataclasses.replace(PROD, network=dataclasses.replace(PROD.network, vpn=vpn)))


WHERE = "VPN root certificate 'prod/network/vpn/root_certificate'"
NEW_ROOT = "create a new root with `sigmatiq-infra vpn-cert root` (and new client certificates)"


def test_an_expired_root_certificate_is_refused():
    [problem] = problems_of(with_root(certificate(-400, -1)))
    assert problem.startswith(f"{WHERE}: validity 'CN=SigmatiqP2SRoot' expired on ")
    assert problem.endswith(f". Fix: {NEW_ROOT}.")


def test_a_root_certificate_not_valid_yet_is_refused():
    [problem] = problems_of(with_root(certificate(2, 400)))
    assert problem.startswith(f"{WHERE}: validity 'CN=SigmatiqP2SRoot' is not valid before ")
    assert "Fix: wait until it is valid, or check the clock of the machine that made it." in problem


def test_a_root_that_is_not_a_ca_certificate_is_refused():
    assert problems_of(with_root(certificate(-1, 400, ca=False))) == [
        f"{WHERE}: basic constraints 'CN=SigmatiqP2SRoot' is not a CA certificate, so it cannot sign client "
        f"certificates. Allowed: a root certificate with the basic constraint CA:TRUE. Fix: {NEW_ROOT}.",
    ]


def test_a_root_that_expires_within_30_days_is_a_warning_that_synth_prints(tmp_path, capsys):
    settings = prepare(with_root(certificate(-1, 10)))
    [warning] = settings.warnings
    assert warning.startswith(f"{WHERE}: validity 'CN=SigmatiqP2SRoot' expires on ")
    assert ", in 9 days. Allowed: a root valid for more than 30 more days." in warning
    synth(build_app(settings, outdir=str(tmp_path / "out")))
    assert capsys.readouterr().err == f"sigmatiq-infra: warning: {warning}\n"


# --- reachability ----------------------------------------------------------------------------------------------

def test_in_an_environment_without_a_vnet_a_private_database_is_unreachable(tmp_path):
    postgres = dataclasses.replace(BETA.postgres, public_access=False, allow_azure_services=False)
    beta = dataclasses.replace(BETA, postgres=postgres)
    with pytest.raises(ValidationError) as error:
        build_app(settings_with(beta=beta), outdir=str(tmp_path)).synth()
    [problem] = [p for p in error.value.problems if p.startswith("Reachability")]
    assert problem == (
        "Reachability 'beta/Postgres': PostgreSQL flexible server 'psql-trading-beta' cannot be reached from "
        "environment 'cae-trading-beta' through its Azure-managed network (it has no VNet), yet the apps use it "
        "(ca-auth-api, ca-native-api, ca-pilot-api, ca-card-api, ca-sim-api as DATABASE_URL): public network "
        "access is off and it has no private endpoint. Allowed: a private endpoint in the environment's VNet "
        "(its DNS zone linked there), or public network access with a path the environment can use. Fix: turn "
        "its public network access on (public_network_access_enabled=True), or give the environment a VNet and "
        "the service a private endpoint in it."
    )


def test_a_public_database_without_a_path_for_azure_services_is_unreachable(tmp_path):
    beta = dataclasses.replace(BETA, postgres=dataclasses.replace(BETA.postgres, allow_azure_services=False))
    with pytest.raises(ValidationError) as error:
        build_app(settings_with(beta=beta), outdir=str(tmp_path)).synth()
    [problem] = [p for p in error.value.problems if p.startswith("Reachability")]
    assert "its firewall admits no Azure service" in problem
    assert problem.endswith(
        "Fix: set allow_azure_services=True, or give the environment a VNet and the server a private endpoint in it.",
    )


def test_prod_reaches_everything_through_its_private_endpoints(prod):
    assert prod.resources("azurerm_container_app")  # synthesized, so no reachability problem stopped it


def private_service_stack(stack, group, endpoint_network: str):
    """A VNet environment, and a vault whose only endpoint sits in `endpoint_network`."""
    def network(name, space):
        vnet = VirtualNetwork(stack, name, VirtualNetworkProps(f"vnet-{name}", group, space, [
            SubnetSpec("snet-pe", space.replace("0.0/16", "1.0/24"), SubnetRole.PRIVATE_ENDPOINTS),
            SubnetSpec("snet-apps", space.replace("0.0/16", "2.0/23"), SubnetRole.CONTAINER_APPS),
        ]))
        return PrivateNetwork(vnet, PrivateDnsZones(stack, f"Zones-{name}", PrivateDnsZonesProps(group, vnet)))

    apps, other = network("apps", "10.1.0.0/16"), network("other", "10.2.0.0/16")
    vault = KeyVault(stack, "Vault", KeyVaultProps("kv-test", group))
    vault.add_private_endpoint(apps if endpoint_network == "apps" else other)
    environment = ContainerAppEnvironment(stack, "Env", ContainerAppEnvironmentProps(
        "cae-test", group, virtual_network=apps.virtual_network,
    ))
    identity = UserAssignedIdentity(stack, "Id", UserAssignedIdentityProps("mi-test", group))
    registry = ContainerRegistry(stack, "Acr", ContainerRegistryProps(
        "acrtest1", group, public_network_access_enabled=True,
    ))
    ContainerApp(stack, "App", ContainerAppProps(
        name="ca-svc", environment=environment, identity=identity, registry=registry, repository="svc",
        image_tag="beta", target_port=8080, secret_env={"API_KEY": vault.secret("Api-Key")},
    ))
    log = stack.problem_log
    log.run_deferred()
    return list(log.problems)


def test_a_private_endpoint_in_the_apps_vnet_makes_the_vault_reachable(stack, group):
    assert private_service_stack(stack, group, "apps") == []


def test_a_private_endpoint_in_another_vnet_does_not(stack, group):
    [problem] = private_service_stack(stack, group, "other")
    assert problem.startswith(
        "Reachability 'test/Vault': Key Vault 'kv-test' cannot be reached from environment 'cae-test' through its "
        "VNet 'vnet-apps', yet the apps use it (ca-svc as Key Vault references (kv-test)): public network access "
        "is off and its private endpoints are not in the client's VNet.",
    )
    assert problem.endswith(
        "Fix: add a private endpoint in VNet 'vnet-apps' (add_private_endpoint), whose DNS zones are linked there.",
    )


def test_a_store_whose_endpoint_was_refused_is_reported_once_not_again_as_unreachable(stack, group):
    store = AppConfiguration(stack, "Config", AppConfigurationProps(
        "appconfig-test", group, sku="free", public_network_access_enabled=True,
    ))
    store.add_private_endpoint(PrivateNetwork(*_network(stack, group)))
    refused = recorded(stack)
    assert "cannot have a private endpoint" in refused[0]
    ContainerApp(stack, "App", app_props(stack, group, dependencies={"CONFIG": store}))
    log = stack.problem_log
    log.run_deferred()
    assert log.problems == refused


def _network(stack, group):
    vnet = VirtualNetwork(stack, "PeNet", VirtualNetworkProps("vnet-pe", group, "10.3.0.0/16", [
        SubnetSpec("snet-pe", "10.3.1.0/24", SubnetRole.PRIVATE_ENDPOINTS),
    ]))
    return vnet, PrivateDnsZones(stack, "PeZones", PrivateDnsZonesProps(group, vnet))


# --- environment variables a hurried user gets wrong ---------------------------------------------------------

def test_a_certificate_file_variable_that_points_nowhere_is_a_problem_not_a_silent_deploy_time_input(tmp_path):
    from stacks.settings import read_environment

    missing = tmp_path / "p2s-root.cer"
    _, problems = read_environment({**ISOLATED, "SIGMATIQ_PROD_VPN_ROOT_CERT_FILE": str(missing)})
    assert problems == [
        f"Environment variable 'SIGMATIQ_PROD_VPN_ROOT_CERT_FILE': value '{missing}' is not a file. Allowed: the "
        "path of the P2S root certificate file (PEM, DER or base64 DER). Fix: point it at the certificate, or unset "
        "it to use certs/p2s-root.cer (or the deploy-time input when that does not exist).",
    ]


def test_an_operator_ip_file_that_is_a_folder_is_a_problem(tmp_path):
    from stacks.settings import read_environment

    _, problems = read_environment({"SIGMATIQ_OPERATOR_IPS_FILE": str(tmp_path)})
    assert problems == [
        f"Operator IP file '{tmp_path}': it cannot be read (Is a directory). Allowed: a readable JSON file. Fix: "
        "point SIGMATIQ_OPERATOR_IPS_FILE at the file `sigmatiq-infra allow-ip` writes.",
    ]


def test_a_ci_principal_that_is_no_object_id_is_refused():
    settings = load(environ={**ISOLATED, "SIGMATIQ_STATE_CI_PRINCIPAL_ID": "my-pipeline"})
    assert problems_of(settings) == [
        "StateSettings 'state': ci_principal_id 'my-pipeline' is not an object id. Allowed: a GUID such as "
        "00000000-0000-0000-0000-000000000000. Fix: set SIGMATIQ_STATE_CI_PRINCIPAL_ID to the object id of CI's "
        "service principal (`az ad sp show --id <app id> --query id -o tsv`).",
    ]
