"""Bounded parsing: damaged workbooks, gzip bombs and huge fields are refused in one line.

The damaged inputs are hand-damaged copies of real files, made in memory or in tmp_path
from the mirror's files read by path (the mirror itself is never written): DFAT's 2022
`.xls` truncated, with a zeroed byte in its sector table, or with one byte of its workbook
stream changed. The gzip bomb and the workbook with a huge cell are hand-made (no real
file is one), and so is the stand-in for a Rust panic (no real file found yet makes this
calamine version panic; the class is pyo3's, by name).
"""

from __future__ import annotations

import gzip
import struct
import tracemalloc
import zlib
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest

from concord.errors import ParseError
from concord.ingest.folders import MAX_RATIO, gunzip, read_official
from concord.sources import spreadsheet
from concord.sources.au_dfat import XLS, parse_xls
from concord.sources.spreadsheet import MAX_CELL, read_first_sheet
from tests.conftest import MIRROR

OLD_XLS = MIRROR / "au-dfat" / "2022-05-05" / XLS
SDN_GZ = MIRROR / "us-ofac" / "2024-05-02" / "sdn.csv.gz"


def _xls() -> bytes:
    return OLD_XLS.read_bytes()


def test_truncated_xls_is_a_parse_error(tmp_path: Path) -> None:
    damaged = tmp_path / XLS  # hand-damaged copy: the real file cut at 69,632 bytes
    damaged.write_bytes(_xls()[:69_632])
    with pytest.raises(ParseError, match=r"regulation8_consolidated\.xls: not a readable"):
        read_first_sheet(str(damaged), damaged.read_bytes())
    with pytest.raises(ParseError):
        parse_xls({XLS: damaged.read_bytes()})


def test_zeroed_bytes_in_the_sector_table_never_escape_as_other_errors() -> None:
    data = _xls()
    first_fat = struct.unpack_from("<I", data, 0x4C)[0]  # the header's first FAT sector
    start = (first_fat + 1) * 512
    outcomes = set()
    for offset in range(start, start + 512, 16):  # hand-damaged copies, one zero each
        damaged = bytearray(data)
        damaged[offset] = 0
        try:
            read_first_sheet(XLS, bytes(damaged))
            outcomes.add("parsed")
        except ParseError:
            outcomes.add("refused")
    assert "refused" in outcomes


def test_one_changed_byte_that_makes_calamine_abort_is_a_parse_error() -> None:
    # Found by fuzzing: this byte makes calamine allocate 9.4 GB, and Rust aborts the whole
    # process when that fails. Read in a memory-limited child, it is one refusal.
    damaged = bytearray(_xls())
    damaged[1_272_419] = 145
    with pytest.raises(ParseError, match=r"the reader died .*memory allocation of"):
        read_first_sheet(XLS, bytes(damaged))
    assert len(read_first_sheet(XLS, _xls())) > 7000  # the real file still reads


def test_a_rust_panic_is_a_parse_error(monkeypatch: pytest.MonkeyPatch) -> None:
    class PanicException(BaseException):  # pyo3_runtime.PanicException, by name
        pass

    def panic(_: object) -> None:
        raise PanicException("index out of bounds: the len is 0 but the index is 0\nmore")

    monkeypatch.setattr(spreadsheet.CalamineWorkbook, "from_filelike", panic)
    with pytest.raises(ParseError, match=r"damaged \.xls workbook \(index out of bounds"):
        spreadsheet._read(XLS, b"not empty")

    def interrupt(_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(spreadsheet.CalamineWorkbook, "from_filelike", interrupt)
    with pytest.raises(KeyboardInterrupt):  # other BaseExceptions are not swallowed
        spreadsheet._read(XLS, b"not empty")


def test_a_huge_cell_never_reaches_the_parsers() -> None:
    book = openpyxl.Workbook()  # hand-made: a Remarks cell of a million Cyrillic letters
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Remarks"])
    sheet.append(["Ivan", "Ж" * 1_000_000])
    out = BytesIO()
    book.save(out)
    rows = read_first_sheet("huge.xlsx", out.getvalue())  # calamine cuts .xlsx cells
    assert len(str(rows[1][1])) == MAX_CELL == 32_767
    with pytest.raises(ParseError, match=r"row 2, column 1: a cell of 32,768 characters"):
        spreadsheet._check_cells("huge.xls", [["Name"], ["x" * (MAX_CELL + 1)]])


def _bomb(size: int) -> bytes:
    """Hand-made gzip bomb: `size` bytes of short CSV rows, compressed as a stream."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    rows = b'1,"A",individual,-0- \r\n' * (1024**2 // 24)
    parts = [packer.compress(rows) for _ in range(size // len(rows))]
    return b"".join(parts) + packer.flush()


def test_gzip_bomb_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    data = _bomb(600 * 1024**2)
    assert len(data) < 2 * 1024**2  # 600 MB inflated from under 2 MB
    path = tmp_path / "sdn.csv.gz"
    path.write_bytes(data)
    tracemalloc.start()
    try:
        with pytest.raises(ParseError, match=f"more than {MAX_RATIO} times its size"):
            read_official(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The output is refused once past 100 x the input; whole, it would have been 600 MB.
    assert peak < 2 * (MAX_RATIO * len(data) + 2 * 1024**2) < 600 * 1024**2 // 2


def test_real_gzip_files_inflate_as_before_and_the_size_limit_holds() -> None:
    data = SDN_GZ.read_bytes()
    assert gunzip(SDN_GZ.name, data) == gzip.decompress(data)
    with pytest.raises(ParseError, match="decompresses to more than 1,000,000 bytes"):
        gunzip(SDN_GZ.name, data, max_size=1_000_000)
    with pytest.raises(ParseError, match="not a valid gzip file"):
        gunzip("cut.gz", data[: len(data) // 2])  # hand-damaged: truncated
