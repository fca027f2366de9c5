"""checkov and detect-secrets pass on every synthesized stack (CI runs these)."""

import json

import pytest
from estate_helpers import security_scan
from helpers import SCANS, slow_fixture

pytestmark = pytest.mark.skipif(
    not security_scan.TOOLS.exists(), reason="run bin/setup: .venv-tools holds the scanners",
)


@pytest.fixture(scope="module")
@slow_fixture
def checkov(synthesized):
    process, files = SCANS["checkov"]
    suppressions = security_scan.load_suppressions()
    scans = security_scan.checkov_results(process, files, suppressions)
    SCANS["summary"] = security_scan.summary(scans)
    return scans, suppressions


def test_checkov_parsed_and_checked_every_stack(checkov):
    scans, _ = checkov
    assert sorted(scans) == ["beta", "prod", "shared", "state"]
    for scan in scans.values():
        assert scan.parse_errors == 0
        assert scan.checks_run > 0
        assert scan.passed > 0


def test_every_checkov_finding_is_fixed_or_suppressed_with_a_reason(checkov):
    scans, suppressions = checkov
    assert security_scan.problems(scans, suppressions) == []
    assert all(len(s.reason) >= 20 for s in suppressions)


def test_prod_needs_no_network_exposure_suppression(checkov):
    scans, _ = checkov
    exposure = {"CKV_AZURE_189", "CKV_AZURE_89", "CKV2_AZURE_57", "CKV2_AZURE_32", "CKV_AZURE_109"}
    assert not exposure & {f.check for f in scans["prod"].suppressed}


def test_a_scan_that_parsed_nothing_is_reported_as_a_failure():
    empty = {"prod": security_scan.StackScan("prod", parse_errors=1)}
    assert security_scan.problems(empty, []) == [
        "prod: checkov parsed nothing (1 parse errors, 0 checks): a scan that read nothing is not a pass",
    ]


def test_a_stale_suppression_is_reported():
    stale = security_scan.Suppression("prod", "CKV_X", "azurerm_x.y", "a reason long enough to pass")
    assert security_scan.problems({}, [stale]) == [
        "stale suppression: CKV_X on prod/azurerm_x.y matches no finding",
    ]


@pytest.mark.slow
def test_detect_secrets_finds_nothing_in_the_repository():
    files = security_scan.repository_files()
    assert len(files) > 20
    assert security_scan.scan_secrets(files) == {}


@pytest.mark.slow
def test_detect_secrets_finds_nothing_in_the_synthesized_stacks(synthesized_dir):
    files = list((synthesized_dir / "stacks").glob("*/cdk.tf.json"))
    assert len(files) == 4
    assert security_scan.scan_secrets(files, cwd=synthesized_dir) == {}


@pytest.mark.slow
def test_detect_secrets_does_find_a_planted_key(tmp_path):
    planted = tmp_path / "leak.env"
    planted.write_text("AZURE_STORAGE=DefaultEndpointsProtocol=https;AccountName=x;AccountKey="
                       + "Zm9vYmFy" * 11 + "==\n")
    found = security_scan.scan_secrets([planted], cwd=tmp_path)
    assert [finding["type"] for finding in found["leak.env"]] == ["Azure Storage Account access key"]


def test_checkov_scans_copies_without_the_import_blocks_its_parser_cannot_read(synthesized_dir):
    copies = security_scan.without_imports(
        {"beta": synthesized_dir / "stacks" / "beta" / "cdk.tf.json"}, synthesized_dir / "no-imports",
    )
    original = json.loads((synthesized_dir / "stacks" / "beta" / "cdk.tf.json").read_text())
    copy = json.loads(copies["beta"].read_text())
    assert original["import"]
    assert "import" not in copy
    assert copy["resource"] == original["resource"]
