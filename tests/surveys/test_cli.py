"""``melayani skm_compute``: golden JSON on CSV and XLSX, and every kind of bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

HEADER = ["No", "U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9", "Saran"]
ROWS = [
    [1, 4, 3, 3, 4, 3, 3, 4, 3, 2, "Bagus"],
    [2, 3, 3, 2, 4, 3, 4, 4, 3, None, ""],
    [3, 4, 4, 3, 4, 4, 3, 4, 2, 3, "Antrian lama"],
    [4, 3, 2, 3, 4, 3, 3, 3, 3, 3, None],
]
# NRR: U1 14/4, U2 12/4, U3 11/4, U4 16/4, U5 13/4, U6 13/4, U7 15/4, U8 11/4, U9 8/3
# index = mean(NRR) = (3.5+3+2.75+4+3.25+3.25+3.75+2.75+2.6667)/9 = 28.9166…/9 = 3.21296…
GOLDEN = (
    '{"n": 4, "nrr": {"U1": 3.5000, "U2": 3.0000, "U3": 2.7500, "U4": 4.0000, "U5": 3.2500, '
    '"U6": 3.2500, "U7": 3.7500, "U8": 2.7500, "U9": 2.6667}, "index_4": 3.2130, '
    '"ikm": 80.32, "mutu": "B", "kinerja": "Baik", "weight_mode": "exact"}'
)


def _csv(path: Path, header: list[str] = HEADER, rows: list[list] = ROWS, sep: str = ",") -> Path:
    lines = [sep.join(header)] + [
        sep.join("" if v is None else str(v) for v in row) for row in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _xlsx(path: Path, header: list[str] = HEADER, rows: list[list] = ROWS) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("skm_compute", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_golden_json_from_csv(tmp_path: Path) -> None:
    code, out, err = run(str(_csv(tmp_path / "skm.csv")))
    assert (code, err) == (0, "")
    assert out.strip() == GOLDEN
    assert json.loads(out)["ikm"] == 80.32


def test_golden_json_from_xlsx_and_semicolon_csv(tmp_path: Path) -> None:
    assert run(str(_xlsx(tmp_path / "skm.xlsx")))[1].strip() == GOLDEN
    assert run(str(_csv(tmp_path / "semi.csv", sep=";")))[1].strip() == GOLDEN


def test_legacy_weights(tmp_path: Path) -> None:
    rows = [[i, *([4] * 9), ""] for i in range(5)]
    path = str(_csv(tmp_path / "all4.csv", rows=rows))
    assert json.loads(run(path)[1])["ikm"] == 100.0
    legacy = json.loads(run(path, "--weights", "legacy_0_11")[1])
    assert (legacy["ikm"], legacy["weight_mode"], legacy["mutu"]) == (99.0, "legacy_0_11", "A")
    assert '"ikm": 99.00' in run(path, "--weights", "legacy_0_11")[1]
    assert json.loads(run(path, "--weights", "legacy_0_111")[1])["ikm"] == 99.9


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        (HEADER, [[1, 5, 3, 3, 4, 3, 3, 4, 3, 2, ""]], "row 2, U1: “5” is not an answer"),
        (HEADER, [[1, 0, 3, 3, 4, 3, 3, 4, 3, 2, ""]], "row 2, U1: “0”"),
        (HEADER, [[1, "x", 3, 3, 4, 3, 3, 4, 3, 2, ""]], "“x” is not an answer"),
        (HEADER, [[1, 2.5, 3, 3, 4, 3, 3, 4, 3, 2, ""]], "“2.5” is not an answer"),
        (
            [h for h in HEADER if h != "U7"],
            [[1, 4, 3, 3, 4, 3, 3, 3, 2, ""]],
            "Missing column(s) U7",
        ),
        (["a", "b", "c"], [[1, 2, 3]], "Missing column(s) U1, U2"),
        ([*HEADER, "U3"], [[*ROWS[0], 3]], "more than once: U3"),
        (HEADER, [], "no responses"),
        (HEADER, [[1, *([None] * 9), "only a suggestion"]], "answers none of the questions"),
    ],
)
def test_bad_input_exit_2_nothing_on_stdout(
    tmp_path: Path, header: list[str], rows: list[list], message: str
) -> None:
    for path in (
        _csv(tmp_path / "bad.csv", header, rows),
        _xlsx(tmp_path / "bad.xlsx", header, rows),
    ):
        code, out, err = run(str(path))
        assert code == 2, (path, err)
        assert out == ""
        assert message in err, err


def test_empty_huge_missing_and_binary_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert run(str(empty))[0::2] == (2, "The file is empty.\n")
    big = _csv(tmp_path / "big.csv", rows=ROWS * 50)
    code, out, err = run(str(big), "--max-bytes", "1000")
    assert (code, out) == (2, "") and "larger than" in err
    assert run(str(tmp_path / "nope.csv"))[0] == 2
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04not really a zip" + bytes(range(256)))
    code, out, err = run(str(junk))
    assert (code, out) == (2, "") and "neither a valid XLSX" in err
    latin = tmp_path / "latin.csv"
    latin.write_bytes(",".join(HEADER).encode() + b"\n1,4,4,4,4,4,4,4,4,4,caf\xe9\n")
    code, out, err = run(str(latin))
    assert (code, out) == (2, "") and "UTF-8" in err


def test_size_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    big = _csv(tmp_path / "big.csv", rows=ROWS * 50)
    opened: list[str] = []
    real_open = builtins.open

    def spy(file, *a, **k):  # type: ignore[no-untyped-def]
        opened.append(str(file))
        return real_open(file, *a, **k)

    monkeypatch.setattr(builtins, "open", spy)
    assert run(str(big), "--max-bytes", "100")[0] == 2
    assert str(big) not in opened
