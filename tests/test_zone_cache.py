"""The cache of validated zone files (issue 23: load + validate at national scale).

A warm load gives the dataset and the issues of a cold one; an entry that was tampered with,
truncated or made for other bytes is never trusted; a file with an error is never stored.
"""

from __future__ import annotations

import importlib
import json
import shutil
from pathlib import Path

import pytest

from policybench import load_dataset, validate
from policybench.data import documents, zonecache
from policybench.data.io import shipped_data_dir
from policybench.errors import DataValidationError


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped dataset, with a cache folder of its own."""
    monkeypatch.setenv("POLICYBENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(zonecache.DISABLE_ENV, raising=False)
    shutil.copytree(shipped_data_dir(), tmp_path / "data")
    return tmp_path / "data"


def _entries(folder: Path) -> list[Path]:
    return sorted((folder.parent / "cache" / "zones").glob("*.json"))


def _no_yaml(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the zone files parsed as YAML from now on."""
    parsed: list[str] = []
    real = documents.parse_bytes

    def spy(raw: bytes, name: str) -> documents.Document:
        parsed.append(name)
        return real(raw, name)

    monkeypatch.setattr(importlib.import_module("policybench.data.validate"), "parse_bytes", spy)
    return parsed


def _report(folder: Path, **kwargs: bool) -> list[str]:
    return [repr(i) for i in validate([folder], **kwargs).issues]


def test_a_warm_load_equals_a_cold_one_and_reads_no_yaml(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = load_dataset(folder, cache=False)
    assert _entries(folder) == []  # cache=False writes nothing
    first = load_dataset(folder)
    zones = sorted((folder / "zones").glob("*.yaml"))
    assert len(_entries(folder)) == len(zones)
    parsed = _no_yaml(monkeypatch)
    warm = load_dataset(folder)
    assert parsed == []  # every zone came from the cache
    for ds in (first, warm):
        assert ds.data_hash() == cold.data_hash()
        assert ds == cold and ds.files == cold.files and ds.data_version == cold.data_version
        for a, b in zip(ds.zones, cold.zones, strict=True):
            assert a.model_dump(mode="json") == b.model_dump(mode="json")
            assert a.model_fields_set == b.model_fields_set
            assert [m.model_fields_set for m in a.measures] == [m.model_fields_set for m in b.measures]


def test_warm_validation_reports_the_same_issues_warnings_included(folder: Path) -> None:
    file = folder / "zones" / "tianjin-htz.yaml"
    text = file.read_text(encoding="utf-8")
    first = "  - id: tianjin-htz.zone-statute-2020\n"
    assert first in text
    file.write_text(text.replace(first, first + "    review: pending\n"), encoding="utf-8")  # a warning
    cold = _report(folder, cache=False)
    assert any("review-pending" in i and "warning" in i for i in cold)  # it must survive the cache
    assert _report(folder) == cold  # writes the entries
    assert _entries(folder)
    assert _report(folder) == cold  # reads them


def test_no_cache_environment_variable_turns_it_off(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(zonecache.DISABLE_ENV, "1")
    load_dataset(folder)
    validate([folder])
    assert _entries(folder) == []


@pytest.mark.parametrize(
    "damage",
    [
        "body-byte",
        "truncated",
        "header-key",
        "empty",
        "not-json",
        "deep-json",
        "huge",
        "error-issue",
        "invalid-zone-with-its-hash",
    ],
)
def test_a_damaged_entry_is_ignored_and_rebuilt(folder: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    cold = load_dataset(folder, cache=False)
    load_dataset(folder)
    entry = _entries(folder)[0]
    raw = entry.read_bytes()
    head, _, body = raw.partition(b"\n")
    header = json.loads(head)
    if damage == "body-byte":
        at = body.index(b'"id":"') + 6
        raw = head + b"\n" + body[:at] + b"x" + body[at + 1 :]
    elif damage == "truncated":
        raw = raw[: len(raw) // 2]
    elif damage == "header-key":
        header["key"]["codebook"] = "0" * 64
        raw = json.dumps(header).encode() + b"\n" + body
    elif damage == "empty":
        raw = b""
    elif damage == "not-json":
        raw = b"\x80\x81 not json\n" + body
    elif damage == "deep-json":
        raw = b"[" * 100_000 + b"]" * 100_000 + b"\n" + body
    elif damage == "huge":  # consistent, but larger than any entry can be: not read whole
        monkeypatch.setenv("POLICYBENCH_MAX_FILE_SIZE", "200KB")
        body += b" " * 1_500_000
        header["body"] = __import__("hashlib").sha256(body).hexdigest()
        raw = json.dumps(header).encode() + b"\n" + body
    elif damage == "error-issue":  # consistent, but claims an error: put() never writes that
        header["issues"]["read"] = [[1, 1, "bad-value", "id", "m", "", "", "", "error"]]
        raw = json.dumps(header).encode() + b"\n" + body
    else:  # a zone the schema refuses, with a matching hash: validated again, so refused
        body = body.replace(b'"kind":"', b'"kind":"nonsense-', 1)
        header["body"] = __import__("hashlib").sha256(body).hexdigest()
        raw = json.dumps(header).encode() + b"\n" + body
    entry.write_bytes(raw)
    parsed = _no_yaml(monkeypatch)
    assert load_dataset(folder) == cold
    assert len(parsed) == 1  # that one file was read again ...
    assert entry.read_bytes() != raw  # ... and its entry written anew
    assert load_dataset(folder) == cold and len(parsed) == 1


def test_a_changed_file_misses_the_cache(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = load_dataset(folder)
    file = folder / "zones" / "tianjin-htz.yaml"
    text = file.read_text(encoding="utf-8")
    file.write_text(text + "\n", encoding="utf-8")  # other bytes, the same content
    parsed = _no_yaml(monkeypatch)
    assert load_dataset(folder) == before
    assert len(parsed) == 1 and parsed[0].endswith("tianjin-htz.yaml")  # read again
    assert text.count("confidence: medium") > 0
    file.write_text(text.replace("confidence: medium", "confidence: low", 1), encoding="utf-8")
    changed = load_dataset(folder)
    assert changed != before and changed == load_dataset(folder, cache=False)


def test_a_file_with_an_error_is_never_stored(folder: Path) -> None:
    file = folder / "zones" / "tianjin-htz.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("confidence: medium", "confidence: sure", 1), "utf-8")
    for _ in range(2):
        with pytest.raises(DataValidationError) as caught:
            load_dataset(folder)
        assert any(i.code == "bad-value" and i.file.endswith("tianjin-htz.yaml") for i in caught.value.issues)
    assert len(_entries(folder)) == len(list((folder / "zones").glob("*.yaml"))) - 1


def test_an_error_across_files_is_found_warm_at_the_right_line(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each file alone is valid and stored; the duplicate id is found again when warm, located by reading the file."""
    source = folder / "zones" / "tianjin-htz.yaml"
    copy = folder / "zones" / "zz-copy.yaml"
    copy.write_text("# a copy\n\n" + source.read_text(encoding="utf-8"), encoding="utf-8")  # two lines lower
    cold = _report(folder, cache=False)
    assert _report(folder) == cold  # writes the entries
    parsed = _no_yaml(monkeypatch)
    warm = validate([folder])
    assert [repr(i) for i in warm.issues] == cold
    duplicate = [i for i in warm.issues if i.code == "duplicate-id" and i.path == "id"]
    assert duplicate and duplicate[0].file.endswith("zz-copy.yaml")
    lines = copy.read_text(encoding="utf-8").splitlines()
    assert lines[duplicate[0].line - 1].startswith("id: tianjin-htz")
    assert parsed == []  # the zones came from the cache; only the copy's positions were read again
    for report in (warm, validate([folder], cache=False)):  # read afresh, the positions are read again too
        measure = next(i for i in report.issues if i.code == "duplicate-id" and i.path.endswith(".id"))
        assert lines[measure.line - 1].strip() == f"- id: {measure.found}"
        other = int(measure.message.rsplit(":", 1)[1])  # "... also used at <file>:<line>"
        assert source.read_text(encoding="utf-8").splitlines()[other - 1].strip() == f"- id: {measure.found}"


def test_a_folder_that_cannot_be_written_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("POLICYBENCH_CACHE_DIR", str(blocked))
    monkeypatch.delenv(zonecache.DISABLE_ENV, raising=False)
    assert load_dataset() == load_dataset(cache=False)
    assert blocked.read_text(encoding="utf-8") == "not a folder"


def test_the_cache_parameter_is_checked() -> None:
    from policybench.errors import InputError

    with pytest.raises(InputError, match="cache"):
        load_dataset(cache="yes")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="cache"):
        validate(cache=1)  # type: ignore[arg-type]


def test_the_shipped_ids_are_kept_and_a_damaged_record_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validate_module = importlib.import_module("policybench.data.validate")

    monkeypatch.setenv("POLICYBENCH_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv(zonecache.DISABLE_ENV, raising=False)
    validate_module._ids_of.cache_clear()
    ids = validate_module.shipped_ids()
    assert "tianjin-htz" in ids
    records = list((tmp_path / "shipped-ids").glob("*.json"))
    assert len(records) == 1
    data = json.loads(records[0].read_text(encoding="utf-8"))
    for damage in ("garbage", "extra-id"):
        if damage == "garbage":
            records[0].write_text("{not json", encoding="utf-8")
        else:  # an id added without its hash: not trusted (it could hide a dangling reference)
            records[0].write_text(json.dumps({**data, "ids": [*data["ids"], "made-up"]}), encoding="utf-8")
        validate_module._ids_of.cache_clear()
        assert validate_module.shipped_ids() == ids
        assert json.loads(records[0].read_text(encoding="utf-8")) == data  # written anew
    validate_module._ids_of.cache_clear()
    monkeypatch.setattr(validate_module, "_quick_ids", lambda path: pytest.fail("read again"))
    monkeypatch.setattr(validate_module, "zone_loader", lambda path: pytest.fail("read again"))
    assert validate_module.shipped_ids() == ids  # from the record
    validate_module._ids_of.cache_clear()
