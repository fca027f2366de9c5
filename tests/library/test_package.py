"""The pip package: the library alone, with what an installed user needs (the Sigmatiq app
never in it), built once a session and used from a fresh virtual environment."""

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT, UV

# --- packaging ------------------------------------------------------------------------------------

# `dist` and `installed_wheel` (tests/helpers.py): the sdist and wheel built once a session, and a
# fresh virtual environment with the wheel installed, which the examples' tests use too.


def test_the_wheel_and_sdist_carry_the_package_types_version_license_and_readme(dist):
    from sigmatiq_infra import __version__

    [wheel] = dist.glob("*.whl")
    [sdist] = dist.glob("*.tar.gz")
    assert sdist.name == f"sigmatiq_infra-{__version__}.tar.gz"
    names = zipfile.ZipFile(wheel).namelist()
    for member in ("sigmatiq_infra/constructs/key_vault.py", "sigmatiq_infra/stacks/base.py",
                   "sigmatiq_infra/py.typed", "sigmatiq_infra/data/prices.toml"):
        assert member in names
    metadata = zipfile.ZipFile(wheel).read(f"sigmatiq_infra-{__version__}.dist-info/METADATA").decode()
    assert f"Version: {__version__}" in metadata
    assert "License-Expression: MIT" in metadata
    assert "Description-Content-Type: text/markdown" in metadata
    assert "Summary: AWS-CDK-style Azure construct library on CDK for Terraform" in metadata
    assert "## The shortest app" in metadata  # the library guide's front page is the package's description
    entry_points = zipfile.ZipFile(wheel).read(f"sigmatiq_infra-{__version__}.dist-info/entry_points.txt").decode()
    assert "sigmatiq-infra = sigmatiq_infra.cli:main" in entry_points


@pytest.mark.slow
def test_twine_and_the_release_check_accept_the_built_distributions(dist):
    twine = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, sorted(dist.iterdir()))],
                           capture_output=True, text=True)
    assert twine.returncode == 0, twine.stdout + twine.stderr
    assert twine.stdout.count("PASSED") == 2
    release = subprocess.run([sys.executable, str(ROOT / "tools" / "release.py"), "check-dist", str(dist)],
                             capture_output=True, text=True)
    assert (release.returncode, release.stderr) == (0, "")


@pytest.mark.slow
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


def readme_example(page: str = "README.md") -> str:
    text = (ROOT / page).read_text()
    section = text.split("The shortest app", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_is_about_20_lines_and_the_library_guide_shows_the_same():
    assert 15 <= len(readme_example().strip().splitlines()) <= 25
    assert readme_example("docs/library/README.md") == readme_example()


def test_the_installed_wheel_synthesizes_the_readme_example_outside_the_repository(installed_wheel, tmp_path):
    python, venv = installed_wheel, installed_wheel.parent.parent
    project = tmp_path / "my-project"
    project.mkdir()
    kernel = f"\nimport os, sys\nsys.path.insert(0, {str(ROOT / 'tests')!r})\nfrom helpers import node_children\n"
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


# --- the library alone ----------------------------------------------------------------------------

ESTATE_FILES = ("stacks/settings/values.py", "stacks/deployed.toml", "stacks/costs.toml")
ESTATE_VALUE = re.compile(
    r"[\w.-]*(?:trading|sigmatiq_|sigmatiq-[a-z]+-api|SigmatiqP2S|Polygon|Alpaca|AlphaVantage)[\w.-]*",
)


def estate_values() -> set[str]:
    """The Sigmatiq estate's own names, read as text from its settings, record and cost files
    (the estate is not imported here): resource groups, vaults, registries, servers, databases,
    apps, images, secrets, the root certificate's name."""
    found = set()
    for name in ESTATE_FILES:
        for literal in re.findall(r'"([^"\n]+)"', (ROOT / name).read_text()):
            found |= {value for value in ESTATE_VALUE.findall(literal) if len(value) >= 6}
    services = re.findall(r'\bapi\("([a-z]+)"', (ROOT / "stacks/settings/values.py").read_text())
    found |= {f"ca-{service}-api" for service in services} | {f"sigmatiq-{service}-api" for service in services}
    return found | {"config/operator-ips.json", "certs/p2s-root.cer", "rg-trading-", "kv-trading-shared"}


def test_the_estate_files_still_hold_the_names_the_scan_looks_for():
    values = estate_values()
    assert {"rg-trading-beta-data", "acrtradingshared", "psql-trading-prod", "sigmatiq_core", "ca-auth-api",
            "sigmatiq-auth-api", "SigmatiqP2SRoot", "Polygon-API-Key", "redis-trading-beta-1023"} <= values
    assert len(values) > 40


def test_the_wheel_holds_no_estate_module_data_file_or_value(dist):
    [wheel] = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert not [n for n in names if not n.startswith(("sigmatiq_infra/", "sigmatiq_infra-"))], names
        assert not [n for n in names if Path(n).name in ("deployed.toml", "costs.toml", "settings.py", "app.py")]
        leaks = {
            (name, value)
            for name in names
            for text in [archive.read(name).decode("utf-8", "replace")]
            for value in estate_values() if value in text
        }
    assert leaks == set()


@pytest.mark.slow
def test_the_wheel_installs_beside_another_cryptography_minor_and_its_certificates_still_work(dist, tmp_path):
    [wheel] = dist.glob("*.whl")
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("".join(
        line + "\n" for line in (ROOT / "constraints.txt").read_text().splitlines()
        if not line.startswith("cryptography==")
    ))
    uv = {**os.environ, "UV_NO_CONFIG": "1", "UV_PYTHON_DOWNLOADS": "never"}
    resolved = subprocess.run(  # the whole resolution, as an installer makes it
        [str(UV), "pip", "compile", "--quiet", "--no-header", "--no-annotate", "-c", str(constraints), "-"],
        input=f"sigmatiq-infra @ {wheel.as_uri()}\ncryptography==49.0.0\n", capture_output=True, text=True,
        timeout=300, env=uv,
    )
    assert resolved.returncode == 0, resolved.stderr
    chosen = dict(line.split("==", 1) for line in resolved.stdout.splitlines() if "==" in line)
    assert chosen["cryptography"] == "49.0.0"
    assert f"sigmatiq-infra @ {wheel.as_uri()}" in resolved.stdout.splitlines()
    # Installed for real: the commands that use it run on that release.
    venv = tmp_path / "venv"
    subprocess.run([str(UV), "venv", "--quiet", "--python", sys.executable, str(venv)], check=True, env=uv)
    python = venv / "bin" / "python"
    subprocess.run([str(UV), "pip", "install", "--quiet", "--python", str(python), "--no-deps", "cryptography==49.0.0",
                    str(wheel)], check=True, timeout=300, env=uv)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    import cffi  # the rest (cffi, beartype, ...) from the project's environment, after the venv's own

    (Path(site) / "deps.pth").write_text(str(Path(cffi.__file__).parent.parent) + "\n")
    env = {"PATH": "/usr/bin:/bin", "SIGMATIQ_P2S_KEY_PASSPHRASE": "correct horse battery staple"}
    result = subprocess.run(
        [str(python), "-c", "import cryptography, sys; from sigmatiq_infra.cli import main; "
         "print(cryptography.__version__); sys.exit(main(['vpn-cert', 'root', '--cert-out', 'root.cer', "
         "'--key-out', 'root.key.pem']))"],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("49.0.0\nroot certificate CN=P2SRoot: root.cer")


def test_the_package_states_ranges_and_each_constraints_file_pins_every_one_exactly():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]

    def name(requirement: str) -> str:
        return re.split(r"[<>=!~ ;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")

    def pins(file: str) -> dict[str, str]:
        lines = (ROOT / file).read_text().split()
        return {line.split("==")[0].lower().replace("_", "-"): line.split("==")[1] for line in lines if "==" in line}

    for requirement in [*project["dependencies"], *extras["test"], *extras["diagram"], *extras["cdktn"]]:
        assert "==" not in requirement, f"{requirement}: the package states a range; pins go in the constraints"
    for file, needed in (
        ("constraints.txt", [*project["dependencies"], *extras["test"], *extras["diagram"]]),
        ("constraints-cdktn.txt", [*project["dependencies"], *extras["test"], *extras["cdktn"]]),
    ):
        pinned = pins(file)
        assert [r for r in needed if name(r) not in pinned] == [], file
