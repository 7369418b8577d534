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
