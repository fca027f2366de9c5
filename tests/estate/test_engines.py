"""Two engines, one library: cdktf 0.21 on azurerm 4.55 (the default) and CDK Terrain on
azurerm 5.10 (`SIGMATIQ_ENGINE=cdktn`) synthesize the same Terraform JSON apart from the rows
docs/library/engines.md lists, Terraform parses the other engine's JSON too, both run on the
fast runtime, and a wrong or missing engine is one clear line."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from estate_helpers import ISOLATED, variant_root_pem
from helpers import (
    ENGINE,
    PROVIDER_LOOKUP,
    ROOT,
    TERRAFORM,
    background,
    configuration_errors,
    empty_provider_mirror,
    slow_fixture,
    stack_files,
    terraform_init,
)

from sigmatiq_infra import engine

OTHER = engine.ENGINES["cdktf" if ENGINE.name == "cdktn" else "cdktn"]
"""The engine the suite does not run on; its JSON is compared with the suite's."""

HAS_ENGINE = "import importlib.util, sys; sys.exit(importlib.util.find_spec({runtime!r}) is None)"


def python_with(runtime: str) -> str | None:
    """An interpreter of this project that has the engine package `runtime` installed: this
    one (the cdktn environment carries both engines), else the other engine's venv."""
    for python in (sys.executable, *(str(ROOT / venv / "bin" / "python") for venv in (".venv-cdktn", ".venv"))):
        if Path(python).exists() and subprocess.run(
            [python, "-c", HAS_ENGINE.format(runtime=runtime)], capture_output=True,
        ).returncode == 0:
            return python
    return None


SYNTH = """
import sys
from pathlib import Path
from sigmatiq_infra import runtime
status = runtime.enable()
sys.path[:0] = [{tests!r}, {tests!r} + "/estate", {tests!r} + "/.."]
from estate_helpers import variant_settings
from stacks.app import build_app, synthesize
from stacks.settings import load
out = Path(sys.argv[1])
synthesize(load(environ={environ!r}), str(out / "defaults"))
for name, settings in variant_settings(sys.argv[2]).items():
    build_app(settings=settings, outdir=str(out / name)).synth()
print(status.direct_kernel, status.lean_bindings)
"""


def start_in_background(work: Path) -> dict[str, Any]:
    """Synthesize the default settings and every settings variant with the other engine,
    beside the other tests."""
    python = python_with(OTHER.runtime)
    if python is None:
        return {"skip": f"{OTHER.runtime} is not installed here (SIGMATIQ_ENGINE={OTHER.name} bin/setup installs it)"}
    outdir = work / OTHER.name
    process = subprocess.Popen(
        [python, "-c", SYNTH.format(tests=str(ROOT / "tests"), environ=ISOLATED), str(outdir), variant_root_pem()],
        cwd=ROOT, env={**os.environ, engine.VARIABLE: OTHER.name},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    return {"process": process, "outdir": outdir}


@pytest.fixture(scope="module")
@slow_fixture
def other_engine(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    started = background(__name__) or start_in_background(tmp_path_factory.mktemp("engines"))
    if "skip" in started:
        pytest.skip(started["skip"])
    out, err = started["process"].communicate(timeout=600)
    assert started["process"].returncode == 0, err
    return {"outdir": started["outdir"], "stdout": out, "stderr": err}


def differences(left: Any, right: Any, path: tuple = ()) -> list[tuple[tuple, Any, Any]]:
    """Every place two JSON documents differ, as (path of keys, left value, right value)."""
    if isinstance(left, dict) and isinstance(right, dict):
        found = []
        for key in sorted(left.keys() | right.keys()):
            found += differences(left.get(key, "<absent>"), right.get(key, "<absent>"), (*path, key))
        return found
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        pairs = enumerate(zip(left, right, strict=True))
        return [found for i, (a, b) in pairs for found in differences(a, b, (*path, i))]
    return [] if left == right else [(path, left, right)]


def by_engine(this: Any, other: Any) -> dict[str, Any]:
    return {ENGINE.name: this, OTHER.name: other}


ENGINES_DOC = ROOT / "docs" / "library" / "engines.md"
PLACEHOLDER = re.compile(r"<([a-z]+)>")


@dataclass(frozen=True)
class Documented:
    """One row of the documented difference between the engines' JSON (engines.md)."""

    where: tuple[str, ...]
    values: dict[str, str]
    """By engine name: the value as documented (`absent`, or a pattern with `<placeholders>`)."""

    @property
    def type(self) -> str | None:
        """The resource type the row is about, or None for a row every stack has once."""
        return self.where[1] if self.where[0] == "resource" else None

    def match(self, where: tuple, values: dict[str, Any]) -> dict[str, str] | None:
        """The placeholders' values when a difference is this row, else None."""
        if len(where) != len(self.where):
            return None
        bound: dict[str, str] = {}
        pairs = [*zip(self.where, map(str, where), strict=True), *((self.values[e], values[e]) for e in values)]
        for pattern, actual in pairs:
            if pattern == "absent":
                if actual != "<absent>":
                    return None
                continue
            regex = "".join(
                f"(?P<{part}>.+?)" if i % 2 else re.escape(part) for i, part in enumerate(PLACEHOLDER.split(pattern))
            )
            found = re.fullmatch(regex, actual) if isinstance(actual, str) else None
            if found is None or any(bound.setdefault(k, v) != v for k, v in found.groupdict().items()):
                return None
        return bound


def documented_differences() -> list[Documented]:
    """The table between the `engine-differences` markers of docs/library/engines.md."""
    text = ENGINES_DOC.read_text()
    table = text.split("<!-- engine-differences", 1)[1].split("<!-- end engine-differences -->", 1)[0]
    rows = []
    for line in table.splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith(("//", "terraform", "resource")):
            rows.append(Documented(tuple(cells[0].split(".")), {"cdktf": cells[1], "cdktn": cells[2]}))
    return rows


def undocumented(mine: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """How two engines' JSON of one stack differs from the documented rows: every difference
    must be a row (one resource's placeholders agreeing across its rows), and every row must
    occur once per resource of its type (once per stack for the others)."""
    rows = documented_differences()
    found: dict[int, int] = {}
    bindings: dict[tuple, dict[str, str]] = {}
    problems = []
    for where, a, b in differences(mine, theirs):
        values = by_engine(a, b)
        for index, row in enumerate(rows):
            bound = row.match(where, values)
            resource = where[:3]
            if bound is not None and all(bindings.setdefault(resource, {}).setdefault(k, v) == v
                                         for k, v in bound.items()):
                found[index] = found.get(index, 0) + 1
                break
        else:
            problems.append(
                f"not documented: {'.'.join(map(str, where))}: cdktf {values['cdktf']!r}, cdktn {values['cdktn']!r}",
            )
    document = mine if ENGINE.name == "cdktf" else theirs  # the types are the same on both
    for index, row in enumerate(rows):
        expected = len(document.get("resource", {}).get(row.type, {})) if row.type else 1
        if found.get(index, 0) != expected:
            problems.append(f"documented {expected} times, found {found.get(index, 0)}: {'.'.join(row.where)}")
    return problems


def test_the_engines_json_differs_by_exactly_the_documented_rows_in_every_stack_of_every_variant(
    variant_dirs: dict[str, Path], other_engine,
) -> None:
    assert sorted(path.name for path in other_engine["outdir"].iterdir()) == sorted(variant_dirs)
    seen = set()
    for variant, folder in variant_dirs.items():
        mine, theirs = stack_files(folder), stack_files(other_engine["outdir"] / variant)
        assert sorted(theirs) == sorted(mine), variant
        for name, path in mine.items():
            documents = json.loads(path.read_text()), json.loads(theirs[name].read_text())
            assert undocumented(*documents) == [], f"{variant}: {name}"
            seen |= {t for t in documents[0].get("resource", {}) if t.startswith("azurerm_private_dns_")}
    assert {e.name: e.azurerm for e in (ENGINE, OTHER)} == {"cdktf": "4.55.0", "cdktn": "5.10.0"}
    assert sorted(stack_files(variant_dirs["defaults"])) == ["beta", "prod", "shared", "state"]
    # The estate has both resource kinds that differ, so the rows about them were checked too.
    assert {"azurerm_private_dns_zone_virtual_network_link", "azurerm_private_dns_a_record"} <= seen


def test_the_difference_check_catches_a_change_the_table_does_not_list_and_a_listed_one_missing() -> None:
    link = {"name": "link-vnet", "virtual_network_id": "${azurerm_virtual_network.Net.id}"}
    four = {**link, "private_dns_zone_name": "${azurerm_private_dns_zone.Zone.name}", "resource_group_name": "rg-x"}
    five = {**link, "private_dns_zone_id": "${azurerm_private_dns_zone.Zone.id}"}
    pins = {"cdktf": ("0.21.0", "4.55.0"), "cdktn": ("0.24.0", "5.10.0")}

    def stack(engine_name: str, resources: dict[str, Any]) -> dict[str, Any]:
        version, azurerm = pins[engine_name]
        return {"//": {"metadata": {"version": version}}, "resource": resources,
                "terraform": {"required_providers": {"azurerm": {"version": azurerm}}}}

    def compare(cdktf: dict[str, Any], cdktn: dict[str, Any]) -> list[str]:
        documents = {"cdktf": stack("cdktf", cdktf), "cdktn": stack("cdktn", cdktn)}
        return undocumented(documents[ENGINE.name], documents[OTHER.name])

    kind = "azurerm_private_dns_zone_virtual_network_link"
    assert compare({kind: {"L": four}}, {kind: {"L": five}}) == []
    other_zone = {**five, "private_dns_zone_id": "${azurerm_private_dns_zone.Other.id}"}
    # The id (first in key order) names zone Other, so the name of zone Zone is the odd one out.
    assert compare({kind: {"L": four}}, {kind: {"L": other_zone}}) == [
        f"not documented: resource.{kind}.L.private_dns_zone_name: cdktf '${{azurerm_private_dns_zone.Zone.name}}', "
        "cdktn '<absent>'",
        f"documented 1 times, found 0: resource.{kind}.<link>.private_dns_zone_name",
    ]
    assert compare({kind: {"L": {**four, "tags": {"a": "1"}}}}, {kind: {"L": five}}) == [
        f"not documented: resource.{kind}.L.tags: cdktf {{'a': '1'}}, cdktn '<absent>'",
    ]


@pytest.mark.slow
@pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed (CI and bin/test have it)")
def test_terraform_parses_the_other_engines_json_where_it_differs_in_more_than_the_pins(other_engine, tmp_path):
    environment = empty_provider_mirror(tmp_path)
    folders = []
    for document in sorted(other_engine["outdir"].glob("*/stacks/*/cdk.tf.json")):
        variant, stack = document.parts[-4], document.parts[-2]
        if variant == "defaults" or any(t.startswith("azurerm_private_dns_") for t in
                                        json.loads(document.read_text()).get("resource", {})):
            folder = tmp_path / variant / stack
            folder.mkdir(parents=True)
            shutil.copy(document, folder / "cdk.tf.json")
            folders.append(folder)
    with ThreadPoolExecutor(max_workers=4) as pool:
        outputs = dict(zip(folders, pool.map(lambda folder: terraform_init(folder, environment), folders), strict=True))
    assert {f"{f.parent.name}/{f.name}" for f in folders} >= {"defaults/state", "defaults/shared", "defaults/prod"}
    rejected = {f"{folder.parent.name}/{folder.name}": configuration_errors(o) for folder, o in outputs.items()}
    assert {stack: errors for stack, errors in rejected.items() if errors} == {}
    assert all(PROVIDER_LOOKUP in output for output in outputs.values())


def test_the_other_engine_synthesizes_on_the_fast_runtime_with_no_fallback_line(other_engine) -> None:
    assert other_engine["stdout"].split() == ["True", "True"]
    assert "fast runtime" not in other_engine["stderr"]


def test_settings_report_a_wrong_engine_with_every_other_problem(tmp_path: Path) -> None:
    from sigmatiq_infra.validation import ValidationError
    from stacks.settings import load

    with pytest.raises(ValidationError) as raised:
        load(environ={**ISOLATED, "SIGMATIQ_ENGINE": "cdk", "SIGMATIQ_REMOTE_STATE": "maybe"})
    message = str(raised.value)
    assert "Environment variable 'SIGMATIQ_ENGINE': value 'cdk' is not an engine." in message
    assert "SIGMATIQ_REMOTE_STATE" in message


@pytest.mark.slow
def test_the_app_with_a_wrong_engine_writes_nothing_and_prints_no_traceback(tmp_path: Path) -> None:
    out = tmp_path / "cdktf.out"
    env = {**os.environ, **ISOLATED, "SIGMATIQ_ENGINE": "terrain", "CDKTF_OUTDIR": str(out)}
    app = subprocess.run([str(ROOT / "bin" / "app")], cwd=ROOT, capture_output=True, text=True, env=env)
    assert (app.returncode, app.stdout, app.stderr) == (2, "", (  # cdktf.json's app: before any Python
        "bin/app: SIGMATIQ_ENGINE 'terrain' is not an engine. Allowed: cdktf (the default), cdktn. "
        "Fix: set SIGMATIQ_ENGINE=cdktn, or unset it.\n"
    ))
    launched = subprocess.run(
        [sys.executable, "-m", "sigmatiq_infra.launch", "main.py"], cwd=ROOT, capture_output=True, text=True, env=env,
    )
    assert launched.returncode == 1
    assert "Environment variable 'SIGMATIQ_ENGINE': value 'terrain' is not an engine." in launched.stderr
    assert "Traceback" not in launched.stderr
    assert not out.exists()


NOT_INSTALLED = (
    "SIGMATIQ_ENGINE=cdktn selects cdktn, which is not installed. Fix: "
    "pip install 'sigmatiq-infra[cdktn]' -c constraints-cdktn.txt, or bin/setup with SIGMATIQ_ENGINE=cdktn; "
    "or unset SIGMATIQ_ENGINE to use cdktf.\n"
)


@pytest.mark.slow
def test_an_engine_that_is_not_installed_is_one_line_with_the_install_command(tmp_path: Path) -> None:
    python = next((p for p in (sys.executable, str(ROOT / ".venv" / "bin" / "python")) if Path(p).exists() and
                   subprocess.run([p, "-c", HAS_ENGINE.format(runtime="cdktn")], capture_output=True).returncode), None)
    if python is None:
        pytest.skip("every interpreter of this project has cdktn installed")
    env = {**os.environ, **ISOLATED, "SIGMATIQ_ENGINE": "cdktn", "CDKTF_OUTDIR": str(tmp_path / "out")}
    commands = (["-m", "sigmatiq_infra.launch", "main.py"], ["main.py"], ["-m", "sigmatiq_infra.cli", "cost", "beta"])
    found = {
        " ".join(command): subprocess.run([python, *command], cwd=ROOT, capture_output=True, text=True, env=env)
        for command in commands
    }
    assert {command: (result.returncode, result.stderr) for command, result in found.items()} == {
        "-m sigmatiq_infra.launch main.py": (2, "sigmatiq-infra: launch: " + NOT_INSTALLED),
        "main.py": (2, "sigmatiq-infra: " + NOT_INSTALLED),
        "-m sigmatiq_infra.cli cost beta": (2, "sigmatiq-infra: error: " + NOT_INSTALLED),
    }
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_an_operator_command_refuses_a_wrong_engine_before_loading_anything() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sigmatiq_infra.cli", "cost", "beta"], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "SIGMATIQ_ENGINE": "cdkn"},
    )
    assert (result.returncode, result.stdout, result.stderr) == (2, "", (
        "sigmatiq-infra: error: Environment variable 'SIGMATIQ_ENGINE': value 'cdkn' is not an engine. "
        "Allowed: cdktf, cdktn (default cdktf). Fix: set SIGMATIQ_ENGINE=cdktn for CDK Terrain, or unset it.\n"
    ))


