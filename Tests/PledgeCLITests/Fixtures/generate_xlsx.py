#!/usr/bin/env python3
"""Writes the workbook fixtures (Fixtures/xlsx/*.xlsx) with real spreadsheet programs: openpyxl (PyPI) and LibreOffice
(`soffice --headless --convert-to xlsx`, which also computes and stores formulas' values). Run from anywhere:
python3 generate_xlsx.py. WorkbookTests.swift holds what each file must give."""
import csv, datetime, io, os, shutil, subprocess, tempfile, zipfile
import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "xlsx")
SAMPLE = os.path.join(HERE, "..", "..", "..", "SampleData", "registrations.csv")
DATES = {"登记日期", "到期日", "状态日期"}
NUMBERS = {"登记金额(万元)", "年利率(%)"}

def sample(n):
    rows = list(csv.reader(open(SAMPLE, encoding="utf-8-sig")))
    return rows[0], rows[1:n + 1]

def typed(header, row):
    out = []
    for name, v in zip(header, row):
        if name in DATES and v:
            out.append(datetime.date.fromisoformat(v))
        elif name in NUMBERS and v:
            out.append(float(v))
        else:
            out.append(v)
    return out

def styled_dates(ws, header, first_row):
    for i, name in enumerate(header):
        if name in DATES:
            for row in ws.iter_rows(min_row=first_row, min_col=i + 1, max_col=i + 1):
                row[0].number_format = "yyyy-mm-dd"

def libreoffice(src, name):
    """`src` opened and saved again by LibreOffice as OUT/name (formulas computed, its own XML)."""
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", d, src], check=True, capture_output=True)
        shutil.move(os.path.join(d, os.path.splitext(os.path.basename(src))[0] + ".xlsx"), os.path.join(OUT, name))

def main():
    os.makedirs(OUT, exist_ok=True)
    header, rows = sample(6)
    # A notes sheet first, the list second: a title row merged over the header's width, a blank row, the header on row 3.
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表由兰州银行报送，金额单位万元"])
    ws = wb.create_sheet("质押台账")
    ws.append(["兰州银行知识产权质押登记清单（2021 年）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(typed(header, r))
    styled_dates(ws, header, 4)
    wb.save(os.path.join(OUT, "openpyxl-title-rows.xlsx"))

    # Formulas: the amount as =a*b; LibreOffice saves their computed values.
    with tempfile.TemporaryDirectory() as d:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "质押台账"
        ws.append(header)
        amount = header.index("登记金额(万元)")
        for n, r in enumerate(rows, start=2):
            cells = typed(header, r)
            cells[amount] = f"={r[amount]}*1"
            ws.append(cells)
        styled_dates(ws, header, 2)
        src = os.path.join(d, "formulas.xlsx")
        wb.save(src)
        libreoffice(src, "libreoffice-formulas.xlsx")

        # The 2,000-row sample as LibreOffice reads the CSV (dates and amounts become typed cells).
        copy = os.path.join(d, "registrations.csv")
        shutil.copy(SAMPLE, copy)
        subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--infilter=CSV:44,34,76,1", "--outdir", d, copy],
                       check=True, capture_output=True)
        shutil.move(os.path.join(d, "registrations.xlsx"), os.path.join(OUT, "libreoffice-sample.xlsx"))

        # An error value: the amount of row 3 is =1/0 (#DIV/0! once computed).
        wb = openpyxl.load_workbook(src)
        wb.active.cell(row=3, column=amount + 1).value = "=1/0"
        bad = os.path.join(d, "error.xlsx")
        wb.save(bad)
        libreoffice(bad, "error-cell.xlsx")

    # Merged header cells: group titles merged over row 1, and 知识产权号 merged over two columns of row 2 (its values
    # in the first of them, the second empty), every later column one to the right.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "质押台账"
    ip = header.index("知识产权号")
    groups = [("登记信息", 1, 3), ("企业", 4, 5), ("贷款", 6, len(header) + 1)]
    for title, first, last in groups:
        ws.cell(row=1, column=first).value = title
        ws.merge_cells(start_row=1, start_column=first, end_row=1, end_column=last)
    for c, name in enumerate(header[:ip + 1] + [None] + header[ip + 1:], start=1):
        ws.cell(row=2, column=c).value = name
    ws.merge_cells(start_row=2, start_column=ip + 1, end_row=2, end_column=ip + 2)
    for n, r in enumerate(rows, start=3):
        cells = typed(header, r)
        for c, v in enumerate(cells[:ip + 1] + [None] + cells[ip + 1:], start=1):
            ws.cell(row=n, column=c).value = v
    for i, name in enumerate(header[:ip + 1] + [None] + header[ip + 1:]):
        if name in DATES:
            for row in ws.iter_rows(min_row=3, min_col=i + 1, max_col=i + 1):
                row[0].number_format = "yyyy-mm-dd"
    wb.save(os.path.join(OUT, "merged-header.xlsx"))

    # The 1904 date system (old Mac workbooks).
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(header)
    for r in rows[:2]:
        ws.append(typed(header, r))
    styled_dates(ws, header, 2)
    wb.save(os.path.join(OUT, "date1904.xlsx"))

    # A date typed as a number that is no date (20210113 in 登记日期, row 2), and a USCC typed as a number (row 3).
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows[:2]:
        ws.append(typed(header, r))
    ws.cell(row=2, column=header.index("登记日期") + 1).value = 20210113
    ws.cell(row=3, column=header.index("统一社会信用代码") + 1).value = 914403001922038216
    wb.save(os.path.join(OUT, "number-cells.xlsx"))

    # Malformed: cut short; a workbook whose cells point into a sharedStrings part that is missing; a legacy .xls.
    good = open(os.path.join(OUT, "openpyxl-title-rows.xlsx"), "rb").read()
    open(os.path.join(OUT, "truncated.xlsx"), "wb").write(good[: len(good) // 2])
    buf = io.BytesIO()
    with zipfile.ZipFile(os.path.join(OUT, "libreoffice-formulas.xlsx")) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != "xl/sharedStrings.xml":
                dst.writestr(item, src.read(item.filename))
    open(os.path.join(OUT, "no-shared-strings.xlsx"), "wb").write(buf.getvalue())
    open(os.path.join(OUT, "legacy.xls"), "wb").write(bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + bytes(504))
    xml_cases()

def rewritten(src, name, part, change):
    """OUT/src with `part`'s XML passed through `change`, saved as OUT/name."""
    buf = io.BytesIO()
    with zipfile.ZipFile(os.path.join(OUT, src)) as a, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as b:
        for item in a.infolist():
            data = a.read(item.filename)
            b.writestr(item, change(data.decode("utf-8")).encode("utf-8") if item.filename == part else data)
    open(os.path.join(OUT, name), "wb").write(buf.getvalue())

def xml_cases():
    # A sheet whose XML breaks on its third line (a closing tag that does not match).
    rewritten("date1904.xlsx", "broken-xml.xlsx", "xl/worksheets/sheet1.xml",
              lambda x: x.replace("<sheetData>", "\n\n<sheetData>", 1).replace("</row>", "</rows>", 1))
    # An external entity in the shared strings (XXE): nothing is fetched and the workbook is refused.
    rewritten("libreoffice-formulas.xlsx", "external-entity.xlsx", "xl/sharedStrings.xml",
              lambda x: x.replace("<sst", '<!DOCTYPE sst [<!ENTITY leak SYSTEM "file:///etc/passwd">]>\n<sst', 1)
                         .replace(">登记号<", ">&leak;登记号<", 1))
    # Text with XML's escapes: an enterprise named with & < > and quotes, a sheet named R&D.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "R&D 台账"
    header, rows = sample(2)
    ws.append(header)
    for r in rows:
        ws.append(typed(header, r))
    ws.cell(row=2, column=header.index("企业名称") + 1).value = '甘肃"R&D"<兰州>科技有限公司'
    styled_dates(ws, header, 2)
    wb.save(os.path.join(OUT, "escapes.xlsx"))

if __name__ == "__main__":
    main()
