"""The Container Apps tier and the registry as a hurried user writes them in an app of their own
(the ninth outside-in round): values known only at deploy time are not judged, environment names
Azure and azurerm take pass, a name the app derives from a Key Vault secret says which secret to
rename, and an image written the way `docker pull` takes it says how to split it."""

from __future__ import annotations

from helpers import error_of

from sigmatiq_infra import constructs as c
from sigmatiq_infra.cdk import TerraformVariable


def _app(stack, group, **props) -> c.ContainerApp:
    environment = c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps("cae-test", group))
    registry = c.ContainerRegistry(stack, "Registry", c.ContainerRegistryProps(
        "acrtest1", group, sku="Basic", public_network_access_enabled=True,
    ))
    identity = c.UserAssignedIdentity(stack, "Identity", c.UserAssignedIdentityProps("id-test", group))
    return c.ContainerApp(stack, "Api", c.ContainerAppProps(**{
        "name": "api", "environment": environment, "identity": identity, "registry": registry,
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
