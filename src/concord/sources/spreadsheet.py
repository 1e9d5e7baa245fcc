"""Read the first sheet of an .xls, .xlsx or .ods workbook as raw cell values.

python-calamine (Rust) reads the 18,800-row OFSI ConList.xlsx in about 1 s, where openpyxl
in read-only mode took about 5 s on this 2-core machine; DFAT's .xls and .xlsx read in
0.2-0.5 s. The parsers turn the values into text themselves.

A damaged workbook can make calamine panic (`pyo3_runtime.PanicException`, a
BaseException) or ask for gigabytes and abort the whole process (a DFAT .xls with four
bytes changed asked for 6.3 GB). So, where the system can fork, the workbook is read in a
child process whose address space is limited to `CONCORD_PARSE_MEMORY` bytes more than
the parent's (default 1 GiB): an abort, a panic or a memory limit there is the child's
death, reported here as a ParseError (one line, exit 2), and the machine never pays it.
"""

from __future__ import annotations

import faulthandler
import os
import pickle
import resource
import tempfile
from io import BytesIO

from python_calamine import CalamineError, CalamineWorkbook, PasswordError, XmlError, ZipError

from concord.errors import ParseError

Cell = object
MEMORY = int(os.environ.get("CONCORD_PARSE_MEMORY", str(1024**3)))
MAX_CELL = 32_767  # characters of one cell: Excel's own limit; see `_check_cells`
_ERRORS = (CalamineError, PasswordError, XmlError, ZipError, ValueError, OSError)


def read_first_sheet(filename: str, data: bytes) -> list[list[Cell]]:
    """The rows of a workbook's first sheet; empty cells are ``""``.

    Raises ParseError for an empty, truncated, damaged or non-workbook file, whatever
    calamine does with it (error, panic, abort, memory exhaustion).
    """
    if not data.strip(b"\x00 \r\n\t"):
        raise ParseError(filename, "file is empty")
    if not hasattr(os, "fork"):
        return _read(filename, data)
    return _read_isolated(filename, data)


def _kind(filename: str) -> str:
    return "." + filename.rsplit(".", 1)[-1] if "." in filename else "spreadsheet"


def _is_panic(exc: BaseException) -> bool:
    # pyo3 does not export the class; it is `pyo3_runtime.PanicException` by name.
    return type(exc).__name__ == "PanicException"


def _read(filename: str, data: bytes) -> list[list[Cell]]:
    """Read in this process: errors and Rust panics become ParseError."""
    try:
        book = CalamineWorkbook.from_filelike(BytesIO(data))
        if not book.sheet_names:
            raise ParseError(filename, "workbook has no sheet")
        rows: list[list[Cell]] = [
            list(r) for r in book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        ]
    except _ERRORS as exc:
        raise ParseError(filename, f"not a readable {_kind(filename)} workbook ({exc})") from None
    except MemoryError:
        raise ParseError(filename, f"damaged {_kind(filename)} workbook (out of memory)") from None
    except BaseException as exc:
        if not _is_panic(exc):
            raise
        first = str(exc).splitlines()[0] if str(exc) else "panic"
        raise ParseError(filename, f"damaged {_kind(filename)} workbook ({first})") from None
    _check_cells(filename, rows)
    return rows


def _check_cells(filename: str, rows: list[list[Cell]]) -> None:
    """ParseError for a cell longer than MAX_CELL, before any parser or name library sees
    it (a 1M-character field took rigour 44-111 s). The whole file is refused rather than
    the cell cut: no genuine workbook holds a longer cell (Excel cannot make one; the
    longest real cell, an OFSI statement of reasons, is 4,232 characters), and here no
    column is known to be free text. calamine already cuts .xlsx cells at this length."""
    for number, row in enumerate(rows, start=1):
        for column, cell in enumerate(row, start=1):
            if isinstance(cell, str) and len(cell) > MAX_CELL:
                size = f"{len(cell):,} characters (at most {MAX_CELL:,})"
                raise ParseError(filename, f"row {number}, column {column}: a cell of {size}")


def _limit_memory(extra: int) -> None:
    """Cap this process's address space at its current size plus `extra` bytes."""
    with open("/proc/self/statm") as statm:
        size = int(statm.read().split()[0]) * resource.getpagesize()
    limit = size + extra
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)  # a process may lower its limit, never raise it
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _child(filename: str, data: bytes, out: int) -> None:
    """The forked reader: limit memory, read, send the pickled rows or refusal, exit."""
    code = 0
    try:
        faulthandler.disable()  # an abort here is expected and reported by the parent
        _limit_memory(MEMORY)
        try:
            result: object = ("rows", _read(filename, data))
        except ParseError as exc:
            result = ("refused", exc.reason)
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(out, "wb") as pipe:
            pipe.write(payload)
    except BaseException:  # the child must never return into the parent's code
        code = 70
    finally:
        os._exit(code)


def _read_isolated(filename: str, data: bytes) -> list[list[Cell]]:
    """Read in a forked, memory-limited child; its death is a ParseError. A plain fork
    (not multiprocessing), as ingest workers are daemonic and may not start processes."""
    reader, writer = os.pipe()
    with tempfile.TemporaryFile() as errors:
        pid = os.fork()
        if pid == 0:  # the child: what Rust prints before an abort goes to `errors`
            os.close(reader)
            os.dup2(errors.fileno(), 2)
            _child(filename, data, writer)
        os.close(writer)
        with os.fdopen(reader, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(pid, 0)
        errors.seek(0)
        said = errors.read(4096).decode("utf-8", "replace").strip().splitlines()
    if not payload:
        how = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
               else f"exit {os.waitstatus_to_exitcode(status)}")  # fmt: skip
        why = f": {said[0]}" if said else ""
        raise ParseError(filename, f"damaged {_kind(filename)} workbook, the reader died "
                                   f"({how}; memory limit {MEMORY:,} bytes){why}")  # fmt: skip
    kind, value = pickle.loads(payload)
    if kind == "refused":
        raise ParseError(filename, str(value))
    rows: list[list[Cell]] = value
    return rows
