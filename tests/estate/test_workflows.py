"""Release and delivery: the workflows pass zizmor (offline, pinned) and actionlint with no
finding, every action is pinned to a commit, permissions are least privilege, and the
deploy applies exactly the plans the gate passed."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from estate_helpers import ISOLATED
from helpers import ENGINE, ROOT, VENV_BIN, background, slow_fixture

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
ZIZMOR = VENV_BIN / "zizmor"
ACTIONLINT = VENV_BIN / "actionlint"
FIXTURES = ROOT / "tests" / "estate" / "fixtures"


def workflow(name: str) -> dict:
    return yaml.safe_load((GITHUB / "workflows" / f"{name}.yml").read_text())


def triggers(document: dict) -> dict:
    return document[True]  # YAML reads the `on:` key as True


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


# --- 4. supply chain ---------------------------------------------------------------------------

@pytest.mark.slow
def test_zizmor_is_the_pinned_version_and_finds_nothing_in_the_workflows_actions_and_dependabot():
    version = subprocess.run([str(ZIZMOR), "--version"], capture_output=True, text=True, check=True).stdout
    assert version.strip() == "zizmor 1.32.0"
    result = subprocess.run(
        [str(ZIZMOR), "--offline", "--no-progress", "--format", "json", str(GITHUB)],
        capture_output=True, text=True, cwd=ROOT,
        env={key: value for key, value in os.environ.items() if not key.endswith("GITHUB_TOKEN") and key != "GH_TOKEN"},
    )
    assert (result.returncode, json.loads(result.stdout)) == (0, []), result.stdout + result.stderr


@pytest.mark.slow
def test_zizmor_does_catch_an_unpinned_action_and_a_credential_left_on_disk(tmp_path):
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "bad.yml").write_text(
        "on: push\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    permissions: {}\n"
        "    steps:\n      - uses: actions/checkout@v4\n",
    )
    result = subprocess.run(
        [str(ZIZMOR), "--offline", "--no-progress", "--format", "json", str(tmp_path / ".github")],
        capture_output=True, text=True,
    )
    found = {finding["ident"] for finding in json.loads(result.stdout)}
    assert result.returncode == 14 and {"unpinned-uses", "artipacked"} <= found


@pytest.mark.slow
def test_actionlint_passes_every_workflow():
    assert [path.name for path in WORKFLOWS] == ["ci.yml", "deploy.yml", "drift.yml", "release.yml"]
    result = subprocess.run([str(ACTIONLINT), *map(str, WORKFLOWS)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$")


def uses_lines() -> list[tuple[str, str, str]]:
    """(file, the action reference, the rest of the line) for every `uses:` of the workflows
    and the local composite action."""
    found = []
    for path in [*WORKFLOWS, GITHUB / "actions" / "setup" / "action.yml"]:
        for line in path.read_text().splitlines():
            if match := USES.match(line):
                found.append((path.name, match.group(1), match.group(2)))
    return found


def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version_in_a_comment():
    remote = [(name, ref, rest) for name, ref, rest in uses_lines() if not ref.startswith("./")]
    assert len(remote) >= 20
    for name, ref, rest in remote:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), (name, ref)
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", rest), (name, ref, rest)
    pins = {}
    for _, ref, rest in remote:  # one version of each action everywhere
        pins.setdefault(ref.split("@")[0], set()).add((ref, rest))
    assert all(len(versions) == 1 for versions in pins.values()), pins


def test_dependabot_updates_actions_pip_and_npm_after_a_cooldown():
    config = yaml.safe_load((GITHUB / "dependabot.yml").read_text())
    assert config["version"] == 2
    ecosystems = {entry["package-ecosystem"]: entry for entry in config["updates"]}
    assert set(ecosystems) == {"github-actions", "pip", "npm"}
    for entry in ecosystems.values():
        assert entry["schedule"]["interval"] == "weekly" and entry["cooldown"]["default-days"] == 7
    assert "/.github/actions/setup" in ecosystems["github-actions"]["directories"]
    assert "/security" in ecosystems["pip"]["directories"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_workflow_grants_nothing_by_default_and_every_job_says_what_it_needs(path):
    document = yaml.safe_load(path.read_text())
    assert document["permissions"] == {}
    for name, job in document["jobs"].items():
        assert "permissions" in job, name
        for step in steps(job):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, (path.name, name)


def test_only_the_jobs_that_need_them_hold_write_permissions():
    writes = {
        (path.stem, name): {scope for scope, level in job["permissions"].items() if level == "write"}
        for path in WORKFLOWS for name, job in yaml.safe_load(path.read_text())["jobs"].items()
    }
    assert {key: scopes for key, scopes in writes.items() if scopes} == {
        ("ci", "diff"): {"id-token"},
        ("deploy", "shared"): {"id-token"},
        ("deploy", "beta"): {"id-token"},
        ("deploy", "prod"): {"id-token"},
        ("drift", "diff"): {"id-token"},
        ("drift", "report"): {"issues"},
        ("release", "publish"): {"id-token"},
        ("release", "github-release"): {"contents"},
        ("release", "pages"): {"pages", "id-token"},
    }


# --- 1. release --------------------------------------------------------------------------------

def test_the_release_builds_once_checks_verifies_the_wheel_then_publishes_by_trusted_publishing():
    release = workflow("release")
    assert triggers(release) == {"push": {"tags": ["v*"]}}
    jobs = release["jobs"]
    build = "\n".join(step.get("run", "") for step in steps(jobs["build"]))
    assert 'python tools/release.py check "${GITHUB_REF_NAME}"' in build
    assert "python -m build --outdir dist ." in build
    assert "python -m twine check --strict dist/*" in build and "python tools/release.py check-dist dist" in build
    verify = "\n".join(step.get("run", "") for step in steps(jobs["verify"]))
    assert jobs["verify"]["needs"] == "build"
    assert 'python" -m pip install' in verify and "dist/*.whl" in verify and "cdktf synth" in verify
    assert "tests/library/test_construct_interface.py" in verify
    publish = jobs["publish"]
    assert publish["needs"] == ["build", "verify"]
    assert publish["environment"] == {"name": "pypi", "url": "https://pypi.org/p/sigmatiq-infra"}
    [step] = [s for s in steps(publish) if s.get("uses", "").startswith("pypa/gh-action-pypi-publish@")]
    assert "with" not in step  # no password, no token: trusted publishing
    notes = "\n".join(s.get("run", "") for s in steps(jobs["github-release"]))
    assert 'python tools/release.py notes "${GITHUB_REF_NAME}" > notes.md' in notes
    assert "gh release create" in notes and "--notes-file notes.md" in notes
    assert any(s.get("run") == ".venv/bin/python tools/api_reference.py site" for s in steps(jobs["reference"]))
    assert jobs["pages"]["environment"]["name"] == "github-pages"


def release_tool(*arguments: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "tools" / "release.py"), *arguments],
                          capture_output=True, text=True, cwd=cwd)


def test_a_tag_that_is_not_the_package_version_stops_the_release():
    from sigmatiq_infra import __version__

    assert release_tool("check", f"v{__version__}").returncode == 0
    result = release_tool("check", "v9.9.9")
    assert (result.returncode, result.stderr) == (1, (
        f"release: the tag v9.9.9 is not the package version {__version__} (sigmatiq_infra/__init__.py). "
        f"Fix: tag v{__version__}, or set __version__ to 9.9.9 and add its CHANGELOG.md section.\n"
    ))


def test_the_release_notes_are_the_changelog_section_of_the_version():
    from sigmatiq_infra import __version__

    result = release_tool("notes", f"v{__version__}")
    assert result.returncode == 0
    assert result.stdout.startswith("The wheel is the construct library alone;")
    assert "### Moved out of the package (to the Sigmatiq app, not in the wheel)\n" in result.stdout
    assert "- `sigmatiq_infra.settings_checks` (`check`, `prepare`) → `stacks.settings.checks`.\n" in result.stdout
    assert "## [" not in result.stdout  # only this version's section


# --- 2. deploy ---------------------------------------------------------------------------------

def test_main_deploys_shared_then_beta_and_prod_only_by_hand_behind_its_environment():
    deploy = workflow("deploy")
    assert set(triggers(deploy)) == {"push", "workflow_dispatch"}
    assert triggers(deploy)["push"] == {"branches": ["main"]}
    jobs = deploy["jobs"]
    assert jobs["beta"]["needs"] == "shared"
    assert jobs["prod"]["if"] == "github.event_name == 'workflow_dispatch' && inputs.environment == 'prod'"
    for name, environment in (("shared", "beta"), ("beta", "beta"), ("prod", "prod")):
        job = jobs[name]
        assert job["environment"] == environment
        assert job["concurrency"] == {"group": f"deploy-{name}", "cancel-in-progress": False}
        assert [s["run"] for s in steps(job) if "run" in s] == [f"bin/deploy {name}"]
        assert job["env"]["ARM_CLIENT_ID"] == "${{ secrets.AZURE_CLIENT_ID }}"
    assert deploy["env"] == {"ARM_USE_OIDC": "true", "SIGMATIQ_REMOTE_STATE": "1"}


# --- 3. drift ----------------------------------------------------------------------------------

def test_the_drift_check_diffs_every_remote_stack_daily_and_reports_one_issue_labelled_drift():
    drift = workflow("drift")
    assert set(triggers(drift)) == {"schedule", "workflow_dispatch"}
    jobs = drift["jobs"]
    runs = [s["run"] for s in steps(jobs["diff"]) if "run" in s]
    assert runs == ["bin/plan --drift --report drift.md shared beta prod"]
    report = jobs["report"]
    assert (report["needs"], report["if"], report["permissions"]) == ("diff", "failure()", {"issues": "write"})
    script = steps(report)[-1]["run"]
    assert "gh issue list --label drift --state open" in script
    assert "gh issue edit" in script and "gh issue create" in script and "--label drift" in script


def test_ci_tests_on_both_engines_plans_every_stack_on_a_mock_builds_the_reference_and_gates_the_pr_diff():
    ci = workflow("ci")
    test = ci["jobs"]["test"]
    assert test["strategy"] == {"fail-fast": False, "matrix": {"engine": ["cdktf", "cdktn"]}}
    assert test["env"] == {"SIGMATIQ_ENGINE": "${{ matrix.engine }}"}
    runs = [s.get("run") for s in steps(test)]
    assert runs[2:7] == [
        "bin/test", "bin/synth", "source bin/env.sh && sigmatiq-infra plan-test state shared beta prod",
        "source bin/env.sh && python tools/security_scan.py cdktf.out",
        "source bin/env.sh && python tools/api_reference.py docs/api",
    ]
    assert steps(test)[-1]["with"]["name"] == "cdktf.out-${{ matrix.engine }}"
    assert steps(ci["jobs"]["diff"])[-1]["run"] == "bin/plan shared beta prod"


# --- bin/deploy: the gate, then exactly the gated plan ------------------------------------------

STANDIN = """#!/bin/sh
# stand-in terraform: record the call; `show -json` prints the plan the test chose
printf '%s\\t%s\\n' "$PWD" "$*" >> "$STANDIN_LOG"
case "$1" in
  version) printf '{"terraform_version": "1.11.4", "platform": "linux_amd64", "provider_selections": {}}\\n' ;;
  -v) printf 'Terraform v1.11.4\\non linux_amd64\\n' ;;
  show) cat "$STANDIN_PLAN" ;;
  output) printf '{}\\n' ;;
esac
exit 0
"""


def start_in_background(work: Path) -> dict[str, tuple[subprocess.Popen, Path]]:
    """`bin/deploy beta` twice, with a stand-in terraform: once with a plan the gate passes,
    once with one it refuses (see conftest)."""
    started = {}
    for name, plan in (("passed", None), ("refused", FIXTURES / "plan-beta.json")):
        folder = work / name
        (folder / "bin").mkdir(parents=True)
        (folder / "bin" / "terraform").write_text(STANDIN)
        (folder / "bin" / "terraform").chmod(0o755)
        plan_file = folder / "plan.json"
        if plan is None:
            plan_file.write_text(json.dumps({"format_version": "1.2", "resource_changes": []}))
        else:
            shutil.copy(plan, plan_file)
        environment = {key: value for key, value in os.environ.items() if not key.startswith(("CDKTF_", "ARM_"))}
        environment.update(
            ISOLATED, CI="1", STANDIN_LOG=str(folder / "terraform.log"), STANDIN_PLAN=str(plan_file),
            GITHUB_STEP_SUMMARY=str(folder / "summary.md"),
        )
        script = f'export PATH="{folder / "bin"}:$PATH" && bin/deploy --output {shlex.quote(str(folder / "out"))} beta'
        started[name] = (subprocess.Popen(
            ["bash", "-c", script], cwd=ROOT, env=environment, text=True, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        ), folder)
    return started


@pytest.fixture(scope="module")
@slow_fixture
def deploys(tmp_path_factory):
    started = background(__name__) or start_in_background(tmp_path_factory.mktemp("deploys"))
    results = {}
    for name, (process, folder) in started.items():
        output, _ = process.communicate(timeout=300)
        log = folder / "terraform.log"
        assert log.exists(), f"bin/deploy ran no terraform (exit {process.returncode}):\n{output}"
        calls = [line.split("\t", 1) for line in log.read_text().splitlines()]
        results[name] = (process.returncode, output, calls, folder)
    return results


def test_bin_deploy_applies_exactly_the_plan_the_gate_passed(deploys):
    status, output, calls, folder = deploys["passed"]
    assert status == 0, output
    beta = str(folder / "out" / "stacks" / "beta")
    in_beta = [arguments for where, arguments in calls if where == beta]
    assert [arguments.split()[0] for arguments in in_beta][-2:] == ["show", "apply"]
    assert in_beta[-1] == "apply -input=false plan"
    summary = (folder / "summary.md").read_text()
    assert "| beta | 0 | 0 | 0 | 0 | 0 | passed |" in summary
    assert f"<summary>{ENGINE.cli} diff beta</summary>" in summary


def test_bin_deploy_applies_nothing_when_the_gate_refuses_the_plan(deploys):
    status, output, calls, folder = deploys["refused"]
    assert status == 1 and "Refused by the plan gate:" in output
    assert not any(arguments.startswith("apply") for _, arguments in calls)
    assert "| beta | 1 | 1 | 2 | 2 | 2 | refused |" in (folder / "summary.md").read_text()


@pytest.mark.slow
@pytest.mark.parametrize(("command", "message"), [
    ("bin/deploy", "bin/deploy: name the stacks to deploy, in order, e.g. bin/deploy shared beta."),
    ("bin/plan", "bin/plan: name the stacks to plan, e.g. bin/plan shared beta prod."),
    ("bin/plan --dirft beta", "bin/plan: unknown option '--dirft'. Allowed: --drift, --report FILE, --output DIR, "
     "then stack names."),
])
def test_the_deploy_scripts_say_what_they_need(command, message):
    result = subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True)
    assert (result.returncode, result.stderr.strip()) == (2, message)


@pytest.mark.slow
def test_bin_plan_names_a_stack_the_app_does_not_have_with_the_likely_one_before_any_synth(tmp_path):
    result = subprocess.run(
        ["bash", "-c", f"bin/plan --output {tmp_path / 'out'} prdo"], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, **ISOLATED},
    )
    assert (result.returncode, result.stderr.strip().splitlines()[-2:]) == (2, [
        "sigmatiq-infra: synth stopped, nothing was written (1 problem):",
        "  1. Command line 'bin/plan': stack 'prdo' is not supported (did you mean 'prod'?). Allowed: 'state', "
        "'shared', 'beta', 'prod'. Fix: pass stack names of this app, or none for every stack.",
    ])
    assert not (tmp_path / "out" / "stacks").exists()


@pytest.mark.slow
@pytest.mark.parametrize("script", ["bin/plan", "bin/deploy"])
def test_the_deploy_scripts_print_their_usage_on_help(script):
    result = subprocess.run([script, "--help"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith(("Plan stacks", "Deploy stacks")), result.stderr
