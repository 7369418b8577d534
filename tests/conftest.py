from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def toy_codebook_path() -> Path:
    return DATA / "toy" / "codebook.yaml"


@pytest.fixture(scope="session")
def shipped():
    from policybench import load_dataset

    return load_dataset()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fuzz-long",
        action="store",
        type=int,
        nargs="?",
        const=50_000,
        default=None,
        metavar="N",
        help="run the zone-file fuzzer for N random examples (default 50,000) instead of 2,000 fixed ones",
    )
