"""Terraform itself reads what the stacks synthesize: `terraform init` parses every stack of
every settings variant, and Terraform evaluates the stacks' own expressions."""

from __future__ import annotations

import json
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from helpers import (
    PROVIDER_LOOKUP,
    TERRAFORM,
    configuration_errors,
    empty_provider_mirror,
    slow_fixture,
    terraform_init,
)

pytestmark = pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed (CI and bin/test have it)")
@pytest.fixture(scope="module")
@slow_fixture
def init_outputs(variant_dirs, tmp_path_factory) -> dict[str, str]:
    """`terraform init -backend=false` in a copy of every stack folder of every variant; a stack
    a variant leaves byte-identical is parsed once, and its output stands for each copy."""
    work = tmp_path_factory.mktemp("terraform-init")
    environment = empty_provider_mirror(work)
    folders = {}
    for variant, outdir in variant_dirs.items():
        for document in sorted(outdir.glob("stacks/*/cdk.tf.json")):
            folder = work / variant / document.parent.name
            folder.mkdir(parents=True)
            shutil.copy(document, folder / "cdk.tf.json")
            folders[f"{variant}/{document.parent.name}"] = folder
    same: dict[bytes, list[str]] = {}
    for key, folder in folders.items():
        same.setdefault((folder / "cdk.tf.json").read_bytes(), []).append(key)
    with ThreadPoolExecutor(max_workers=4) as pool:
        outputs = pool.map(lambda keys: terraform_init(folders[keys[0]], environment), same.values())
        return {key: output for keys, output in zip(same.values(), outputs, strict=True) for key in keys}


def test_terraform_init_is_run_on_every_stack_of_every_variant(init_outputs):
    variants = {key.split("/")[0] for key in init_outputs}
    assert variants == {
        "defaults", "remote-state", "prod-bootstrap", "managed-redis", "adoption-with-subscription",
        "root-certificate-in-settings", "ten-environments",
    }
    assert {key for key in init_outputs if key.startswith("defaults/")} == {
        "defaults/state", "defaults/shared", "defaults/beta", "defaults/prod",
    }
    assert len([key for key in init_outputs if key.startswith("ten-environments/")]) == 12


def test_terraform_accepts_the_configuration_of_every_stack_in_every_variant(init_outputs):
    rejected = {key: configuration_errors(output) for key, output in init_outputs.items()}
    assert {key: errors for key, errors in rejected.items() if errors} == {}
    # Terraform got as far as installing providers: the configuration itself parsed.
    assert all(PROVIDER_LOOKUP in output for output in init_outputs.values())


@pytest.mark.slow
def test_the_check_does_catch_an_expression_written_as_a_plain_string(tmp_path):
    folder = tmp_path / "stack"
    folder.mkdir()
    (folder / "cdk.tf.json").write_text(json.dumps({"variable": {"certificate": {
        "type": "string",
        "validation": [{"condition": "length(var.certificate) > 0", "error_message": "Give a certificate."}],
    }}}))
    assert configuration_errors(terraform_init(folder, empty_provider_mirror(tmp_path))) == [
        "Error: Invalid validation expression",
        "Error: Invalid variable validation condition",
    ]


# --- the shared-stack precondition, evaluated by Terraform ----------------------------------------

def console(expression: str, folder: Path) -> str:
    result = subprocess.run(
        [TERRAFORM, "console"], input=expression, cwd=folder, env=empty_provider_mirror(folder),
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(("found", "passes"), [
    ("[]", "false"),
    ('[{resource_group_name = "rg-other"}]', "false"),
    ('[{resource_group_name = "rg-trading-shared"}]', "true"),
    ('[{resource_group_name = "RG-Trading-Shared"}, {resource_group_name = "rg-other"}]', "true"),
])
def test_the_shared_vault_precondition_passes_only_when_the_vault_exists_in_the_shared_group(
    beta, tmp_path, found, passes,
):
    [vault] = beta.data("azurerm_key_vault").values()
    [precondition] = vault["lifecycle"]["precondition"]
    [lookup] = [key for key, value in beta.data("azurerm_resources").items() if value["name"] == "kv-trading-shared"]
    condition = precondition["condition"].removeprefix("${").removesuffix("}")
    expression = condition.replace(f"data.azurerm_resources.{lookup}.resources", found)
    assert console(expression + "\n", tmp_path) == passes
