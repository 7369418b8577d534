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


@pytest.fixture(scope="session")
def shipped_examined(shipped):
    """The shipped data as if every zone's coders had examined every domain.

    Method tests on real text use it so that they do not depend on how far the data's
    scopes have got; data tests pinned to the data's version use ``shipped``.
    """
    from _checklist import examined

    return examined(shipped, {z.id: shipped.codebook.domain_codes for z in shipped.zones})
