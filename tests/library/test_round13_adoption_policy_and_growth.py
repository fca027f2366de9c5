"""A user's app as it grows, tried from outside, thirteenth round: adopting what exists, the
deployed record, policy rules and tags, and more stacks. Each mistake is one line of the
numbered list (never a traceback, never silence), each value Azure takes passes."""

from __future__ import annotations

import pytest
from helpers import error_of

from sigmatiq_infra.deployed import DeployedRecord, load_record
from sigmatiq_infra.validation import ValidationError

# --- the deployed record ---------------------------------------------------------------------------


def test_a_record_file_that_is_missing_is_one_problem_not_a_traceback(tmp_path):
    missing = tmp_path / "deployed.toml"
    assert error_of(lambda: load_record(missing)) == (
        f"Deployed record '{missing}': file '{missing}' cannot be read (No such file or directory). Allowed: the "
        "app's record file (TOML), as record-deployed prints its entries. Fix: point load_record at the record "
        "file; for an app with nothing deployed yet, pass DeployedRecord() instead."
    )


def test_a_record_that_is_no_toml_or_no_record_is_one_problem_naming_where(tmp_path):
    record = tmp_path / "deployed.toml"
    record.write_text('[[resource]\nstack = "svc"\n')
    assert error_of(lambda: load_record(record, "deployed.toml")) == (
        "Deployed record 'deployed.toml': file '" + str(record) + "' is not a record: Expected ']]' at the end of "
        "an array declaration (at line 1, column 11). Allowed: [[resource]] entries with stack, type, name, "
        "arguments, unset, as record-deployed prints them. Fix: repair the line or entry it names, or write the "
        "record again with sigmatiq-infra record-deployed."
    )
    record.write_text('[[resource]]\nstack = "svc"\nname = "kv-svc"\n')
    with pytest.raises(ValidationError) as refused:
        load_record(record, "deployed.toml")
    assert "is not a record: [[resource]] 1 has no type (a string)." in str(refused.value)


def test_a_good_record_file_loads_as_before(tmp_path):
    record = tmp_path / "deployed.toml"
    record.write_text('[[resource]]\nstack = "svc"\ntype = "azurerm_key_vault"\nname = "kv-svc"\n'
                      'arguments = { location = "westeurope" }\n')
    loaded = load_record(record)
    assert [(entry.stack, entry.name, dict(entry.arguments)) for entry in loaded] == [
        ("svc", "kv-svc", {"location": "westeurope"}),
    ]
    assert loaded.source == str(record) and isinstance(loaded, DeployedRecord)
