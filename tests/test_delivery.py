"""Delivery: the CI workflow, remote state, cross-stack wiring and the pip package."""

import dataclasses
import json
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from conftest import ISOLATED, ROOT, VENV_BIN, synth

from sigmatiq_infra.settings import load

ACTIONLINT = VENV_BIN / "actionlint"


# --- GitHub Actions (the workflows themselves: test_workflows.py) ----------------------------

def test_actionlint_does_catch_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n",
    )
    result = subprocess.run([str(ACTIONLINT), str(broken)], capture_output=True, text=True)
    assert result.returncode == 1 and "nope" in result.stdout


# --- state -------------------------------------------------------------------------------------

def test_local_state_is_the_default(synthesized):
    for name in ("shared", "beta", "prod", "state"):
        assert list(synthesized[name].doc["terraform"]["backend"]) == ["local"]


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    settings = load(environ={**ISOLATED, "SIGMATIQ_REMOTE_STATE": "1", "SIGMATIQ_STATE_STORAGE_ACCOUNT": "stteamstate"})
    return synth(dataclasses.replace(settings, environments={}), tmp_path_factory.mktemp("remote"))


def test_remote_state_uses_the_azurerm_backend_one_key_per_stack_with_entra_id(remote):
    assert remote["shared"].doc["terraform"]["backend"] == {"azurerm": {
        "resource_group_name": "rg-trading-tfstate",
        "storage_account_name": "stteamstate",
        "container_name": "tfstate",
        "key": "shared.tfstate",
        "use_azuread_auth": True,
    }}
    assert list(remote["state"].doc["terraform"]["backend"]) == ["local"]  # it cannot hold its own


def test_the_state_account_is_private_versioned_recoverable_and_entra_only(synthesized):
    state = synthesized["state"]
    _, account = state.named("azurerm_storage_account", "sttradingtfstate")
    assert account["allow_nested_items_to_be_public"] is False
    assert account["shared_access_key_enabled"] is False
    assert account["min_tls_version"] == "TLS1_2"
    assert account["account_replication_type"] == "GZRS"
    assert account["blob_properties"]["versioning_enabled"] is True
    assert account["blob_properties"]["delete_retention_policy"] == {"days": 30}
    assert account["blob_properties"]["container_delete_retention_policy"] == {"days": 30}
    assert account["lifecycle"]["prevent_destroy"] is True
    _, container = state.named("azurerm_storage_container", "tfstate")
    assert container["container_access_type"] == "private"
    assert container["storage_account_id"] == state.ref("azurerm_storage_account", "sttradingtfstate")
    [grant] = state.resources("azurerm_role_assignment").values()
    assert grant["role_definition_id"].endswith("/ba92f5b4-2d11-453d-a403-e96b0029c9fe")
    assert grant["principal_id"] == "${data.azurerm_client_config.ClientConfig.object_id}"


# --- cross-stack wiring --------------------------------------------------------------------------

def test_no_stack_declares_a_cdktf_dependency_so_every_stack_deploys_alone(synthesized_dir):
    manifest = json.loads((synthesized_dir / "manifest.json").read_text())
    assert {name: stack["dependencies"] for name, stack in manifest["stacks"].items()} == {
        "beta": [], "prod": [], "shared": [], "state": [],
    }


def test_environments_look_the_shared_vault_and_registry_up_and_stop_early_when_shared_is_missing(beta):
    [vault] = beta.data("azurerm_key_vault").values()
    [registry] = beta.data("azurerm_container_registry").values()
    lookups = beta.data("azurerm_resources")
    assert sorted((lookup["name"], lookup["type"]) for lookup in lookups.values()) == [
        ("acrtradingshared", "Microsoft.ContainerRegistry/registries"),
        ("kv-trading-shared", "Microsoft.KeyVault/vaults"),
    ]
    for data, name, kind in ((vault, "kv-trading-shared", "Key Vault"),
                             (registry, "acrtradingshared", "container registry")):
        [lookup] = [key for key, value in lookups.items() if value["name"] == name]
        [precondition] = data["lifecycle"]["precondition"]
        assert precondition["condition"] == (
            f"${{contains([for found in data.azurerm_resources.{lookup}.resources : "
            'lower(found.resource_group_name)], "rg-trading-shared")}'
        )
        assert precondition["error_message"] == (
            f"The {kind} '{name}' does not exist in resource group 'rg-trading-shared' of this "
            "subscription. The shared stack is not deployed yet: run `cdktf deploy shared` first "
            "(or `cdktf deploy shared beta`, which deploys both in that order)."
        )


def test_no_stack_reads_another_stacks_state_file(synthesized):
    for stack in synthesized.values():
        assert "terraform_remote_state" not in stack.doc.get("data", {})


# --- packaging ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True)
    return out


def test_the_wheel_and_sdist_carry_the_package_types_version_license_and_readme(dist):
    from sigmatiq_infra import __version__

    [wheel] = dist.glob("*.whl")
    [sdist] = dist.glob("*.tar.gz")
    assert sdist.name == f"sigmatiq_infra-{__version__}.tar.gz"
    names = zipfile.ZipFile(wheel).namelist()
    for member in ("sigmatiq_infra/constructs/key_vault.py", "sigmatiq_infra/stacks/environment.py",
                   "sigmatiq_infra/py.typed", "sigmatiq_infra/data/prices.toml"):
        assert member in names
    metadata = zipfile.ZipFile(wheel).read(f"sigmatiq_infra-{__version__}.dist-info/METADATA").decode()
    assert f"Version: {__version__}" in metadata
    assert "License-Expression: MIT" in metadata
    assert "Description-Content-Type: text/markdown" in metadata
    assert "## Using the library" in metadata
    entry_points = zipfile.ZipFile(wheel).read(f"sigmatiq_infra-{__version__}.dist-info/entry_points.txt").decode()
    assert "sigmatiq-infra = sigmatiq_infra.cli:main" in entry_points


def test_twine_and_the_release_check_accept_the_built_distributions(dist):
    twine = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, sorted(dist.iterdir()))],
                           capture_output=True, text=True)
    assert twine.returncode == 0, twine.stdout + twine.stderr
    assert twine.stdout.count("PASSED") == 2
    release = subprocess.run([sys.executable, str(ROOT / "tools" / "release.py"), "check-dist", str(dist)],
                             capture_output=True, text=True)
    assert (release.returncode, release.stderr) == (0, "")


def test_the_release_check_refuses_a_wheel_without_its_type_marker(dist, tmp_path):
    from sigmatiq_infra import __version__

    [wheel] = dist.glob("*.whl")
    shutil.copy(next(dist.glob("*.tar.gz")), tmp_path)
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(tmp_path / wheel.name, "w") as copy:
        for item in source.infolist():
            if item.filename != "sigmatiq_infra/py.typed":
                copy.writestr(item, source.read(item.filename))
    release = subprocess.run([sys.executable, str(ROOT / "tools" / "release.py"), "check-dist", str(tmp_path)],
                             capture_output=True, text=True)
    assert (release.returncode, release.stderr) == (1, "release: the wheel lacks sigmatiq_infra/py.typed.\n")
    assert __version__ in wheel.name


def readme_example() -> str:
    text = (ROOT / "README.md").read_text()
    section = text.split("### An own app", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_is_about_20_lines():
    assert 15 <= len(readme_example().strip().splitlines()) <= 25


def test_the_installed_wheel_synthesizes_the_readme_example_outside_the_repository(dist, tmp_path):
    [wheel] = dist.glob("*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # The dependencies (cdktf, the azurerm bindings) come from the project's environment, read-only;
    # the package itself only from the wheel.
    where = "import sigmatiq_infra._cdktf as e, os; print(os.path.dirname(os.path.dirname(e.runtime.__file__)))"
    dependencies = subprocess.run([sys.executable, "-c", where], capture_output=True, text=True, check=True)
    dependencies = dependencies.stdout.strip()
    (tmp_path / "venv" / site.split(str(venv) + "/", 1)[1] / "deps.pth").write_text(dependencies + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet",
                    "--disable-pip-version-check", str(wheel)], check=True, capture_output=True)
    project = tmp_path / "my-project"
    project.mkdir()
    kernel = f"\nimport os, sys\nsys.path.insert(0, {str(ROOT / 'tests')!r})\nfrom conftest import node_children\n"
    (project / "app.py").write_text(readme_example() + kernel + "print(*node_children(os.getpid()))\n")
    result = subprocess.run(  # as the README says to run it: on the fast runtime, through the launcher
        [str(python), "-m", "sigmatiq_infra.launch", "app.py"], cwd=project, capture_output=True, text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "sigmatiq-infra/jsii-kernel/" in result.stdout  # the direct kernel
    located = subprocess.run([str(python), "-c", "import sigmatiq_infra; print(sigmatiq_infra.__file__)"],
                             cwd=project, capture_output=True, text=True, check=True).stdout
    assert located.startswith(str(venv))
    document = json.loads((project / "cdktf.out" / "stacks" / "my-service" / "cdk.tf.json").read_text())
    expected = {"azurerm_key_vault", "azurerm_user_assigned_identity", "azurerm_role_assignment"}
    assert expected <= set(document["resource"])
