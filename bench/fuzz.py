"""Fuzz every official format: mutated real files must parse or be refused, nothing else.

Each format starts from a seed built from a real file of the mirror, read by path (a small
head of it, closed where the format needs it, so that an input parses in milliseconds);
formats no real file of the mirror shows start from the hand-made files of
tests/sources/handmade (EU FSF, UK FCDO, FtM JSON). An input is the seed with 1-8 random
mutations (byte flips, interesting bytes, deletions, duplications, truncation, long runs of
one character; for .xlsx half of them inside one member of the zip, stored again; for
gzip on the compressed bytes). Each is parsed
and every entity built (`list(parsed.entities())`): the outcome is `parsed`, `refused`
(ParseError/BadInput, the one-line refusal) or `crashed` (any other exception). A process
death (an abort, the memory limit) is counted as `died`, and fuzzing goes on from the next
input in a new process.

Each format runs in a subprocess limited to 1 GiB of address space (RLIMIT_AS), as a
worker is; the script prints per format: counts, inputs/s and the peak RSS.

Run: `.venv/bin/python bench/fuzz.py [N per format, default 100000] [format ...]`
(reads CONCORD_MIRROR, default ../shared/data/raw). Done means (issue 16): >= 100,000
inputs per format, zero crashed, zero died, peak memory under 1 GB.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MIRROR = Path(os.environ.get("CONCORD_MIRROR", "../shared/data/raw")).resolve()
HANDMADE = Path(__file__).resolve().parent.parent / "tests" / "sources" / "handmade"
MEMORY = 1024**3
Files = dict[str, bytes]
Mutation = tuple[int, int, int]  # (operation, position, value)
INTERESTING = (0, 0xFF, 0x7F, 0x80, ord("<"), ord(">"), ord('"'), ord(","), ord("|"),
               ord("\n"), ord("&"), 0xC3, 0xED)  # fmt: skip


def _head_lines(data: bytes, lines: int) -> bytes:
    return b"\n".join(data.split(b"\n")[:lines]) + b"\n"


def _head_xml(data: bytes, close: bytes, count: int, suffix: bytes) -> bytes:
    """The start of an XML file up to its `count`-th `close` tag, then `suffix`."""
    end = 0
    for _ in range(count):
        found = data.find(close, end)
        if found < 0:
            break
        end = found + len(close)
    return data[:end] + b"\n" + suffix + b"\n"


def _small_workbook(data: bytes, rows: int) -> bytes:
    """A new .xlsx holding the first `rows` rows of a real workbook (values only)."""
    import openpyxl
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    book = openpyxl.Workbook()
    out_sheet = book.active
    assert out_sheet is not None
    for row in sheet.to_python(skip_empty_area=False)[:rows]:
        out_sheet.append([str(c) if c != "" else None for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


@dataclass(frozen=True)
class Format:
    """A fuzzed format: its seed files (built on first use) and the parser to call."""

    name: str
    parser: str  # module:function, as in sources.yml
    seed: Callable[[], Files]
    main: str  # the file of the seed that is mutated
    gzip: bool = False  # mutate the gzip container of `main` rather than its content
    zipped: bool = False  # `main` is a zip (.xlsx): mutate a member half of the time

    def parse(self, files: Files) -> int:
        """Parse and build every entity; the number of entities."""
        import importlib

        from concord.ingest.folders import gunzip

        if self.gzip:
            files = {**files, self.main: gunzip(self.main + ".gz", files[self.main])}
        module, _, func = self.parser.partition(":")
        function = getattr(importlib.import_module(module), func)
        if func == "read_first_sheet":
            return len(function(self.main, files[self.main]))
        return len(list(function(files).entities()))


def _ofac_set(day: str, ext: str, lines: int = 150) -> Callable[[], Files]:
    def seed() -> Files:
        folder = MIRROR / "us-ofac" / day
        out = {}
        for path in sorted(folder.iterdir()):
            name = path.name.removesuffix(".gz")
            if name.endswith(ext):
                out[name] = _head_lines(_read(path), lines)
        return out

    return seed


def _cons_csv() -> Files:
    folder = MIRROR / "us-ofac-cons" / "2025-12-19"
    return {p.name: _head_lines(p.read_bytes(), 150) for p in folder.iterdir()}


def _xml(
    path: Path, name: str, close: bytes, suffix: bytes, count: int = 25
) -> Callable[[], Files]:
    return lambda: {name: _head_xml(_read(path), close, count, suffix)}


def _workbook(path: Path, name: str, rows: int = 60) -> Callable[[], Files]:
    return lambda: {name: _small_workbook(path.read_bytes(), rows)}


def _gz_sdn() -> Files:
    files = _ofac_set("2024-05-02", ".csv", 100)()
    return {**files, "sdn.csv": gzip.compress(files["sdn.csv"], mtime=0)}


FORMATS = {
    f.name: f
    for f in (
        Format("us-ofac sdn.csv", "concord.sources.us_ofac:parse_csv_set",
               _ofac_set("2021-04-25", ".csv"), "sdn.csv"),
        Format("us-ofac sdn.pip", "concord.sources.us_ofac:parse_pip_set",
               _ofac_set("2020-03-07", ".pip"), "sdn.pip"),
        Format("us-ofac sdn.csv.gz", "concord.sources.us_ofac:parse_csv_set", _gz_sdn,
               "sdn.csv", gzip=True),
        Format("us-ofac-cons csv", "concord.sources.us_ofac_cons:parse_csv_set", _cons_csv,
               "cons_prim.csv"),
        Format("us-ofac-cons xml", "concord.sources.us_ofac_cons:parse_xml",
               _xml(MIRROR / "us-ofac-cons/2025-06-30/consolidated.xml", "consolidated.xml",
                    b"</sdnEntry>", b"</sdnList>"), "consolidated.xml"),
        Format("un-sc xml", "concord.sources.un_sc:parse_xml",
               _xml(MIRROR / "un-sc/2025-04-19/consolidated.xml", "consolidated.xml",
                    b"</INDIVIDUAL>", b"</INDIVIDUALS></CONSOLIDATED_LIST>"),
               "consolidated.xml"),
        Format("ca-sema xml", "concord.sources.ca_sema:parse_xml",
               _xml(MIRROR / "ca-sema/2025-05-25/sema-lmes.xml", "sema-lmes.xml",
                    b"</record>", b"</data-set>", 40), "sema-lmes.xml"),
        Format("gb-ofsi xlsx", "concord.sources.gb_ofsi:parse_xlsx",
               _workbook(MIRROR / "gb-ofsi/2025-04-14/ConList.xlsx", "conlist.xlsx"),
               "conlist.xlsx", zipped=True),
        Format("au-dfat xlsx", "concord.sources.au_dfat:parse_xlsx",
               _workbook(MIRROR / "au-dfat/2024-12-17/regulation8_consolidated.xlsx",
                         "regulation8_consolidated.xlsx"), "regulation8_consolidated.xlsx",
               zipped=True),
        # The reader only: the whole parse takes 1 s (5,332 entities), the rows are then
        # those of the .xlsx format, and calamine's BIFF reader is where panics and aborts were.
        Format("au-dfat xls (reader)", "concord.sources.spreadsheet:read_first_sheet",
               lambda: {"regulation8_consolidated.xls":
                        (MIRROR / "au-dfat/2022-05-05/regulation8_consolidated.xls").read_bytes()},
               "regulation8_consolidated.xls"),
        Format("eu-fsf xml (hand-made seed)", "concord.sources.eu_fsf:parse_xml",
               lambda: {"eu.xml": (HANDMADE / "eu-fsf-hr-handmade.xml").read_bytes()}, "eu.xml"),
        Format("gb-fcdo csv (hand-made seed)", "concord.sources.gb_fcdo:parse_csv",
               lambda: {"uk-sanctions-list.csv":
                        (HANDMADE / "gb-fcdo-uk-sanctions-list.csv").read_bytes()},
               "uk-sanctions-list.csv"),
        Format("ftm json (hand-made seed)", "concord.sources.ftm:parse_ftm",
               lambda: {"entities.ftm.json": (HANDMADE / "ftm-entities.json").read_bytes()},
               "entities.ftm.json"),
    )
}  # fmt: skip


def mutate(seed: bytes, mutations: list[Mutation]) -> bytes:
    """`seed` changed by each (operation, position, value) in turn; deterministic."""
    data = bytearray(seed)
    for operation, position, value in mutations:
        at = position % (len(data) + 1)
        kind = operation % 8
        if kind == 0 and data:  # flip one byte
            data[at % len(data)] ^= value or 1
        elif kind == 1 and data:  # an interesting byte
            data[at % len(data)] = INTERESTING[value % len(INTERESTING)]
        elif kind == 2:  # delete a run
            del data[at : at + value * 4]
        elif kind == 3:  # duplicate a run
            data[at:at] = data[at : at + value * 4]
        elif kind == 4:  # truncate
            del data[at:]
        elif kind == 5:  # a long run of one character (huge fields)
            data[at:at] = bytes([INTERESTING[value % len(INTERESTING)] | 0x40]) * (value * 400)
        elif kind == 6:  # a random byte
            data[at:at] = bytes([value])
        elif kind == 7 and data:  # swap two bytes
            other = (at * 31 + value) % len(data)
            data[at % len(data)], data[other] = data[other], data[at % len(data)]
    return bytes(data)


def mutate_member(archive: bytes, mutations: list[Mutation]) -> bytes:
    """A zip with one member (chosen by the first mutation) mutated, stored again."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    chosen = sorted(members)[mutations[0][1] % len(members)]
    members[chosen] = mutate(members[chosen], mutations)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return out.getvalue()


def outcome(fmt: Format, files: Files, mutations: list[Mutation]) -> str:
    """`parsed`, `refused` or `crashed: <type>` for one mutated input."""
    from concord.errors import BadInput

    inside = fmt.zipped and mutations[0][2] % 2 == 0
    change = mutate_member if inside else mutate
    changed = {**files, fmt.main: change(files[fmt.main], mutations)}
    try:
        fmt.parse(changed)
    except BadInput:
        return "refused"
    except Exception as exc:  # the finding: anything but a refusal
        return f"crashed: {type(exc).__name__}: {str(exc)[:120]}"
    return "parsed"


def random_mutations(rnd: random.Random) -> list[Mutation]:
    count = min(8, 1 + int(rnd.expovariate(1.0)))  # mostly one or two: more inputs parse
    return [(rnd.randrange(8), rnd.randrange(2**32), rnd.randrange(256)) for _ in range(count)]


def _worker(name: str, start: int, count: int) -> None:
    """Run inputs `start`..`count` of a format; one line per input on stdout."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    fmt = FORMATS[name]
    files = fmt.seed()
    for index in range(start, count):
        rnd = random.Random(f"{name}:{index}")
        result = outcome(fmt, files, random_mutations(rnd))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps([index, result, rss]), flush=True)


def run_format(name: str, count: int) -> tuple[Counter[str], int, float, list[str]]:
    """Counts, peak RSS (KiB), seconds and the first crash messages of one format."""
    counts: Counter[str] = Counter()
    crashes: list[str] = []
    peak = 0
    start = 0
    began = time.monotonic()
    while start < count:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--worker", name, str(start), str(count)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        assert proc.stdout is not None
        for line in proc.stdout:
            index, result, rss = json.loads(line)
            start = index + 1
            peak = max(peak, rss)
            counts[result.split(":")[0]] += 1
            if result.startswith("crashed") and len(crashes) < 5:
                crashes.append(f"input {index}: {result}")
        if proc.wait() != 0 and start < count:
            counts["died"] += 1
            crashes.append(f"input {start}: process died (exit {proc.returncode})")
            start += 1
    return counts, peak, time.monotonic() - began, crashes


def main(argv: list[str]) -> None:
    if argv[:1] == ["--worker"]:
        _worker(argv[1], int(argv[2]), int(argv[3]))
        return
    count = int(argv[0]) if argv else 100_000
    names = argv[1:] or list(FORMATS)
    print(f"{count:,} inputs per format, memory limit {MEMORY // 1024**2} MiB per process")
    print(f"{'format':32} {'parsed':>8} {'refused':>8} {'crashed':>8} {'died':>5} "
          f"{'inputs/s':>9} {'peak RSS':>9}")  # fmt: skip
    for name in names:
        counts, peak, seconds, crashes = run_format(name, count)
        print(f"{name:32} {counts['parsed']:8} {counts['refused']:8} {counts['crashed']:8} "
              f"{counts['died']:5} {count / seconds:9.0f} {peak / 1024:7.0f} MB",
              flush=True)  # fmt: skip
        for crash in crashes:
            print(f"    {crash}")


if __name__ == "__main__":
    main(sys.argv[1:])
