"""Security scans of the synthesized stacks: checkov (policy) and detect-secrets (secrets).

Both scanners are pinned in `security/requirements.txt` and installed by `bin/setup` into
`.venv-tools/` (apart from the project's own packages, whose pins they would clash with).
They run offline. A checkov finding fails unless `security/checkov-suppressions.toml`
gives a written reason for that check on that resource of that stack; a suppression that
matches nothing fails too, so the file stays true.

Usage: `.venv/bin/python tools/security_scan.py [cdktf.out]` prints the counts per stack
and exits non-zero on any unsuppressed finding, secret, parse error or stale suppression.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".venv-tools" / "bin"
SUPPRESSIONS = ROOT / "security" / "checkov-suppressions.toml"
# detect-secrets plugins left out, with the reason:
DISABLED_SECRET_PLUGINS = {
    # Flags any value assigned to a name like *_KEY or *secret*: this library handles the
    # *names* of secrets everywhere (`secret_name`, `POLYGON_API_KEY`), never their values.
    # The detectors for actual key, token and credential formats stay on.
    "KeywordDetector": "flags secret names, not secret values",
}
# cdktf logical ids (`"Vault_23237E5B": {`, `"uniqueId": "Vault_23237E5B"`) look random
# enough to the entropy check; lines that hold nothing else are not scanned.
LOGICAL_ID_LINE = r'^\s*("uniqueId": )?"[A-Za-z0-9_.-]+_[0-9A-F]{8}"(: \{|,)?$'
# The tests' record of what every stack synthesized (`"beta": "<sha256 of its JSON>",`): a
# checksum, random to the entropy check; lines that hold nothing else are not scanned.
DIGEST_LINE = r'^\s*"[a-z0-9-]+": "[0-9a-f]{64}",?$'


@dataclass(frozen=True)
class Finding:
    stack: str
    check: str
    address: str
    title: str


@dataclass
class StackScan:
    stack: str
    passed: int = 0
    failed: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    parse_errors: int = 0

    @property
    def checks_run(self) -> int:
        return self.passed + len(self.failed) + len(self.suppressed)


@dataclass(frozen=True)
class Suppression:
    stack: str
    check: str
    address: str
    reason: str


def load_suppressions(path: Path = SUPPRESSIONS) -> list[Suppression]:
    entries = tomllib.loads(path.read_text())["suppression"]
    suppressions = []
    for entry in entries:
        reason = entry.get("reason", "").strip()
        if len(reason) < 20:
            raise ValueError(f"{path}: suppression {entry} needs a written reason (20+ characters)")
        suppressions.append(Suppression(entry["stack"], entry["check"], entry["address"], reason))
    return suppressions


def without_imports(stack_files: dict[str, Path], workdir: Path) -> dict[str, Path]:
    """Copies of the stacks without the top-level `import` list, for checkov.

    checkov 3.3.30's terraform_json parser fails on a stack with `import` blocks (which
    adoption adds) and then reports 0 failed checks; the copies keep everything else.
    """
    copies = {}
    for name, path in stack_files.items():
        document = json.loads(path.read_text())
        document.pop("import", None)
        copy = workdir / name / "cdk.tf.json"
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(json.dumps(document))
        copies[name] = copy
    return copies


def start_checkov(stack_files: dict[str, Path]) -> subprocess.Popen[str]:
    """Start checkov on every stack file (it runs while other work goes on)."""
    command = [str(TOOLS / "checkov"), "--framework", "terraform_json", "--output", "json",
               "--skip-download", "--soft-fail"]
    for path in stack_files.values():
        command += ["--file", str(path)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def checkov_results(
    process: subprocess.Popen[str], stack_files: dict[str, Path], suppressions: list[Suppression],
) -> dict[str, StackScan]:
    out, err = process.communicate(timeout=600)
    if process.returncode != 0 or not out.strip():
        raise RuntimeError(f"checkov failed (exit {process.returncode}): {err[-2000:]}")
    reports = json.loads(out)
    reports = reports if isinstance(reports, list) else [reports]
    by_file = {str(path.resolve()): name for name, path in stack_files.items()}
    documents = {name: json.loads(path.read_text()) for name, path in stack_files.items()}
    scans = {name: StackScan(name) for name in stack_files}
    allowed = {(s.stack, s.check, s.address) for s in suppressions}
    for report in reports:
        results = report.get("results", {})
        for path in report.get("results", {}).get("parsing_errors", []) or []:
            name = by_file.get(str(Path(path).resolve()))
            if name:
                scans[name].parse_errors += 1
        for check in results.get("passed_checks", []):
            scans[_stack_of(check, by_file)].passed += 1
        for check in results.get("failed_checks", []):
            stack = _stack_of(check, by_file)
            finding = Finding(
                stack, check["check_id"], _address(check["resource"], documents[stack]),
                check["check_name"],
            )
            target = scans[stack].suppressed if (stack, finding.check, finding.address) in allowed \
                else scans[stack].failed
            target.append(finding)
    return scans


def stale_suppressions(scans: dict[str, StackScan], suppressions: list[Suppression]) -> list[Suppression]:
    used = {(f.stack, f.check, f.address) for scan in scans.values() for f in scan.suppressed}
    return [s for s in suppressions if (s.stack, s.check, s.address) not in used]


def scan_secrets(paths: list[Path], cwd: Path = ROOT) -> dict[str, list[dict]]:
    """detect-secrets findings per file (empty when clean); files must lie under `cwd`."""
    command = [str(TOOLS / "detect-secrets"), "scan"]
    command += ["--exclude-lines", LOGICAL_ID_LINE, "--exclude-lines", DIGEST_LINE]
    for plugin in DISABLED_SECRET_PLUGINS:
        command += ["--disable-plugin", plugin]
    result = subprocess.run(
        [*command, *map(str, paths)], capture_output=True, text=True, cwd=cwd, check=True,
    )
    return json.loads(result.stdout)["results"]


def repository_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    ).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).is_file()]


def summary(scans: dict[str, StackScan]) -> list[str]:
    lines = []
    for scan in scans.values():
        lines.append(
            f"checkov {scan.stack}: {scan.checks_run} checks run, {scan.passed} passed, "
            f"{len(scan.failed)} failed, {len(scan.suppressed)} suppressed, "
            f"{scan.parse_errors} parse errors"
        )
    return lines


def problems(scans: dict[str, StackScan], suppressions: list[Suppression]) -> list[str]:
    found = []
    for scan in scans.values():
        if scan.parse_errors or scan.checks_run == 0:
            found.append(f"{scan.stack}: checkov parsed nothing ({scan.parse_errors} parse errors, "
                         f"{scan.checks_run} checks): a scan that read nothing is not a pass")
        found += [f"{f.stack}: {f.check} on {f.address}: {f.title}" for f in scan.failed]
    found += [
        f"stale suppression: {s.check} on {s.stack}/{s.address} matches no finding"
        for s in stale_suppressions(scans, suppressions)
    ]
    return found


def _stack_of(check: dict, by_file: dict[str, str]) -> str:
    path = check.get("file_abs_path") or check["file_path"]
    return by_file[str(Path(path).resolve())]


def _address(resource: str, document: dict) -> str:
    """`azurerm_key_vault.Vault_23237E5B` whether checkov says `resource.X` or `type.X`."""
    logical = resource.split(".", 1)[1]
    for tf_type, resources in document.get("resource", {}).items():
        if logical in resources:
            return f"{tf_type}.{logical}"
    return resource


def main(outdir: str = "cdktf.out") -> int:
    stack_files = {
        path.parent.name: path for path in sorted(Path(outdir).glob("stacks/*/cdk.tf.json"))
    }
    suppressions = load_suppressions()
    with tempfile.TemporaryDirectory() as workdir:
        copies = without_imports(stack_files, Path(workdir))
        scans = checkov_results(start_checkov(copies), copies, suppressions)
    secrets = scan_secrets(repository_files()) or scan_secrets(list(stack_files.values()), Path(outdir))
    print("\n".join(summary(scans)))
    print(f"detect-secrets: {len(secrets)} files with findings")
    found = problems(scans, suppressions) + [f"secret in {name}" for name in secrets]
    for problem in found:
        print(f"FAIL {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
