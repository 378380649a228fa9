"""A streaming .xlsx writer for the exports: rows go straight into the zipped sheet XML, one
formatted line per row, so 100,000 rows take about a second and memory stays flat.

Why not a library: openpyxl's write-only mode and XlsxWriter's constant_memory mode both
stream, but spend 9–20 µs per cell on this machine (measured: 132,000 rows × 8 columns took
22 s with openpyxl and 9.3 s with XlsxWriter), i.e. 8–16 s for 100,000 orders × 17 columns
against the 5 s the export must keep to. The format written here is the minimal SpreadsheetML
package (ECMA-376): inline strings, numbers, dates as serial numbers with a date style, a
bold header row and a frozen first row; the tests read every file back with openpyxl.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

_EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year quirk absorbed)
_EPOCH_DATE = _EPOCH.date()
# Markup escaped; characters XML 1.0 cannot hold (control characters other than tab, line
# feed and return) dropped. One translate per text.
_ESCAPE = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        **{chr(c): None for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20))},
        "\ufffe": None,
        "\uffff": None,
    }
)

# Cell styles (index into cellXfs below): 0 plain, 1 date-time, 2 date, 3 bold header.
DATETIME, DATE, HEADER = 1, 2, 3

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEET_ML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_PACKAGE}/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SHEET_ML}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml"'
    f' ContentType="{_SHEET_ML}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_SHEET_ML}.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _text(value: str) -> str:
    return value.translate(_ESCAPE)


def _string(value: str) -> str:
    return f'<c t="inlineStr"><is><t xml:space="preserve">{value.translate(_ESCAPE)}</t></is></c>'


def _number(value: float) -> str:
    return f"<c><v>{value!r}</v></c>"


def _moment(value: datetime) -> str:
    delta = value - _EPOCH  # whole days + the day's fraction (full precision)
    serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    return f'<c s="{DATETIME}"><v>{serial!r}</v></c>'


def _day(value: date) -> str:
    return f'<c s="{DATE}"><v>{(value - _EPOCH_DATE).days}</v></c>'


def _empty(value: None) -> str:
    return "<c/>"


def _flag(value: bool) -> str:
    return f'<c t="b"><v>{int(value)}</v></c>'


# One cell's XML by the value's type (no reference: cells follow each other in order).
_CELLS: dict[type, Callable[[Any], str]] = {
    str: _string,
    int: _number,
    float: _number,
    datetime: _moment,
    date: _day,
    type(None): _empty,
    bool: _flag,
}


def _other(value: Any) -> str:
    return _string(str(value))


def cell(value: Any) -> str:
    return _CELLS.get(type(value), _other)(value)


class XlsxWriter:
    """Rows in, an .xlsx out: `write` any number of times, then `close`."""

    def __init__(self, path: Path, sheet: str, header: Sequence[str], widths: Sequence[float]):
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._zip.writestr("[Content_Types].xml", _CONTENT_TYPES)
        self._zip.writestr("_rels/.rels", _ROOT_RELS)
        self._zip.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        self._zip.writestr("xl/styles.xml", _STYLES)
        self._zip.writestr(
            "xl/workbook.xml",
            f'{_XML}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            f' xmlns:r="{_RELS}">'
            f'<sheets><sheet name="{_text(sheet[:31])}" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>",
        )
        self._sheet: IO[bytes] = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
        )
        head = "".join(
            f'<c t="inlineStr" s="{HEADER}"><is><t>{_text(h)}</t></is></c>' for h in header
        )
        self._put(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2"'
            ' activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            f"<cols>{cols}</cols><sheetData><row>{head}</row>"
        )

    def _put(self, text: str) -> None:
        self._sheet.write(text.encode("utf-8"))

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        cells, other = _CELLS, _other
        self._put(
            "".join(
                "<row>" + "".join([cells.get(type(v), other)(v) for v in row]) + "</row>"
                for row in rows
            )
        )

    def close(self) -> None:
        self._put("</sheetData></worksheet>")
        self._sheet.close()
        self._zip.close()
