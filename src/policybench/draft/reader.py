"""Read a policy text to draft from: plain text, Markdown or a .docx; a clear error for anything else."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from .._params import FilePath, validate_params
from ..errors import InputError

__all__ = ["TEXT_SUFFIXES", "read_policy_text"]

#: Suffixes read as UTF-8 text; ``.docx`` is read from its XML.
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
_WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_BYTES = 20 * 1024 * 1024  # a policy text is far smaller; refuse to read a disk image by mistake


@validate_params({"path": FilePath()})
def read_policy_text(path: str | os.PathLike[str]) -> str:
    r"""The text of a policy document, one paragraph per line.

    Parameters
    ----------
    path : path-like
        A UTF-8 ``.txt`` or ``.md`` file, or a Word ``.docx`` file.

    Returns
    -------
    str
        The text (a UTF-8 byte-order mark removed, line ends normalised to ``\n``).

    Raises
    ------
    InputError
        For a PDF, a binary or non-UTF-8 file, an unsupported suffix, a damaged .docx, or a
        file with no text; the message names the file and says what to do.
    FileNotFoundError
        When the file does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "plan.txt"
    ...     _ = path.write_text("一、总体要求\r\n推行法定机构改革。", encoding="utf-8")
    ...     read_policy_text(path)
    '一、总体要求\n推行法定机构改革。'
    """
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(2, "no such file", str(file))
    if file.stat().st_size > _MAX_BYTES:
        raise InputError(f"{file}: the file is larger than {_MAX_BYTES // 2**20} MiB; a policy text is expected")
    data = file.read_bytes()
    suffix = file.suffix.lower()
    if data.startswith(b"%PDF") or suffix == ".pdf":
        raise InputError(
            f"{file}: a PDF cannot be drafted from directly (its text layer is unreliable for Chinese); "
            "convert it to UTF-8 text (e.g. pdftotext -enc UTF-8) or .docx and check the paragraphs first"
        )
    if suffix == ".docx" or data.startswith(b"PK\x03\x04"):
        text = _docx_text(file, data)
    elif suffix in TEXT_SUFFIXES or suffix == "":
        text = _utf8_text(file, data)
    else:
        raise InputError(
            f"{file}: unsupported file type '{suffix}'; expected a UTF-8 text ({', '.join(TEXT_SUFFIXES)}) or a .docx"
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{file}: the file holds no text to draft from")
    return text


def _utf8_text(file: Path, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(f"{file}: this is a binary file, not a text; expected UTF-8 text or a .docx")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{file}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the text as UTF-8 (a GB18030 file can be converted with iconv -f GB18030 -t UTF-8)"
        ) from None


def _docx_text(file: Path, data: bytes) -> str:
    del data
    try:
        with zipfile.ZipFile(file) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > _MAX_BYTES:
                raise InputError(f"{file}: word/document.xml is larger than {_MAX_BYTES // 2**20} MiB")
            xml = archive.read(info)
        root = ElementTree.fromstring(xml)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise InputError(
            f"{file}: not a readable .docx ({exc}); save it again from Word or export it as text"
        ) from None
    paragraphs = []
    for paragraph in root.iter(f"{_WORD}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{_WORD}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{_WORD}tab":
                parts.append("\t")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)
