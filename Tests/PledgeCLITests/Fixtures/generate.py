#!/usr/bin/env python3
"""Writes the import fixtures (Fixtures/import/*.csv). Run from this folder: python3 generate.py
Each malformed file breaks one rule; ImportFixtureTests.swift holds the expected message, row, column and exit code."""
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "import")
HEADER = ["登记号", "登记日期", "统一社会信用代码", "企业名称", "质权人", "登记金额(万元)", "质押物类型", "专利号", "园区", "到期日", "入园惠企"]
ROWS = [
    ["Y2024620000001", "2024-03-05", "914403001922038216", "甘肃陇原新材料科技有限公司", "兰州银行", "2000", "专利", "ZL201710601862.3", "兰州高新区", "2026-03-04", "是"],
    ["Y2024620000002", "2024/4/8", "914403001922038216", "甘肃陇原新材料科技有限公司", "工行", "1,234.5", "专利", "97101765.4；2014103620773", "", "", "否"],
    ["Y2024620000003", "2024年5月9日", "914403001922038216", "兰州金城电子信息股份有限公司", "甘肃银行", "88.000001", "商标", "12345678", "兰州新区", "2025-05-09", ""],
]

def q(v):
    return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\n\r') else v

def write(name, header=HEADER, rows=ROWS, raw=None, eol="\n", bom=False, encoding="utf-8"):
    text = raw if raw is not None else "".join(",".join(q(c) for c in r) + eol for r in [header] + rows)
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)

def with_cell(row_index, column, value, rows=ROWS, header=HEADER):
    rows = [list(r) for r in rows]
    rows[row_index][header.index(column)] = value
    return rows

def with_column(name, values, header=HEADER, rows=ROWS):
    return header + [name], [r + [v] for r, v in zip(rows, values)]

os.makedirs(OUT, exist_ok=True)
for f in os.listdir(OUT):
    os.remove(os.path.join(OUT, f))

# Valid files.
write("valid-zh-bom.csv", bom=True)
write("valid-gb18030.csv", encoding="gb18030")
write("valid-zh-crlf.csv", eol="\r\n")
EN = ["reg_no", "reg_date", "uscc", "enterprise", "bank", "branch", "amount_yuan", "ip_type", "ip_numbers", "prefecture", "park",
      "maturity", "rate", "rywq", "first_loan", "notes"]
EN_ROWS = [
    ["E-1", "2023-01-05", "914403001922038216", "Gansu \"Longyuan\", Ltd.", "中国银行", "科技支行", "1,000,000.00", "patent", "201710601862.3",
     "620100", "", "2024-01-05", "3.85%", "yes", "no", "line one\nline two, with comma"],
    ["E-2", "2023-02-06", "914403001922038216", "甘肃示例有限公司", "建行", "", "500000", "copyright", "2023SR0123456", "白银", "白银高新区",
     "", "", "1", "true", ""],
]
write("valid-en.csv", header=EN, rows=EN_ROWS, eol="\r\n")
with open(os.path.join(OUT, "valid-en.csv"), "ab") as f:
    f.write(b"\r\n\r\n")   # blank trailing lines are ignored
# The same 登记号s as valid-zh-bom.csv with one amount changed: a conflict once that file is in the ledger.
write("conflict-amount.csv", rows=with_cell(1, "登记金额(万元)", "1,300"))
# One conflicting row and one invalid row: invalid wins (65).
write("conflict-and-invalid.csv", rows=with_cell(1, "登记金额(万元)", "1,300", rows=with_cell(2, "登记日期", "2024-02-30")))

# Malformed files: one broken rule each.
write("bad-date-month.csv", rows=with_cell(1, "登记日期", "2024-13-01"))
write("bad-date-feb29.csv", rows=with_cell(0, "登记日期", "2023-02-29"))
write("bad-date-future.csv", rows=with_cell(2, "登记日期", "2099-01-01"))
write("bad-date-text.csv", rows=with_cell(0, "登记日期", "下个月"))
write("bad-uscc-check.csv", rows=with_cell(0, "统一社会信用代码", "914403001922038215"))
write("bad-uscc-letter.csv", rows=with_cell(1, "统一社会信用代码", "91440300192203821O"))
write("bad-uscc-length.csv", rows=with_cell(2, "统一社会信用代码", "9144030019220382"))
write("bad-patent-check.csv", rows=with_cell(0, "专利号", "201710601862.5"))
write("bad-patent-type.csv", rows=with_cell(1, "专利号", "97101765.4；201750601862.3"))
write("bad-trademark.csv", rows=with_cell(2, "专利号", "TM-12"))
write("amount-negative.csv", rows=with_cell(0, "登记金额(万元)", "-100"))
write("amount-zero.csv", rows=with_cell(1, "登记金额(万元)", "0"))
write("amount-huge.csv", rows=with_cell(2, "登记金额(万元)", "99999999999999999"))
write("amount-too-precise-wan.csv", rows=with_cell(0, "登记金额(万元)", "1.1234567"))
write("amount-bad-grouping.csv", rows=with_cell(1, "登记金额(万元)", "1,23,4"))
write("amount-text.csv", rows=with_cell(2, "登记金额(万元)", "两千"))
write("amount-too-precise-yuan.csv", header=EN, rows=[EN_ROWS[0][:6] + ["100.123"] + EN_ROWS[0][7:]])
write("missing-required-column.csv", header=[h for h in HEADER if h != "统一社会信用代码"],
      rows=[[c for i, c in enumerate(r) if HEADER[i] != "统一社会信用代码"] for r in ROWS])
write("missing-amount-column.csv", header=[h for h in HEADER if h != "登记金额(万元)"],
      rows=[[c for i, c in enumerate(r) if HEADER[i] != "登记金额(万元)"] for r in ROWS])
write("two-amount-columns.csv", *with_column("登记金额(元)", ["20000000", "12345000", "880000.01"]))
write("duplicate-column.csv", *with_column("贷款银行", ["兰州银行", "工行", "甘肃银行"]))
write("unknown-column.csv", *with_column("客户经理", ["张三", "李四", "王五"]))
write("empty-header-cell.csv", *with_column("", ["", "", ""]))
write("unterminated-quote.csv", raw=",".join(HEADER) + "\n" + ",".join(ROWS[0]) + "\n"
      + ",".join(ROWS[1][:3]) + ',"兰州金城电子信息股份有限公司,' + ",".join(ROWS[1][4:]) + "\n" + ",".join(ROWS[2]) + "\n")
write("text-after-quote.csv", raw=",".join(HEADER) + "\n" + ",".join(ROWS[0][:3]) + ',"甘肃陇原"新材料,' + ",".join(ROWS[0][4:]) + "\n")
write("too-many-fields.csv", rows=[ROWS[0], ROWS[1] + ["多余"], ROWS[2]])
write("too-few-fields.csv", rows=[ROWS[0][:-1], ROWS[1], ROWS[2]])
write("empty.csv", raw="")
write("header-only.csv", raw=",".join(HEADER) + "\r\n")
write("blank-lines-only.csv", raw="\n\n\n")
# A UTF-8 BOM and header, then a row saved in GB18030: the file is neither.
with open(os.path.join(OUT, "bom-gb18030-mix.csv"), "wb") as f:
    f.write(b"\xef\xbb\xbf" + (",".join(HEADER) + "\n" + ",".join(ROWS[0]) + "\n").encode("utf-8")
            + (",".join(ROWS[1]) + "\n").encode("gb18030"))
write("duplicate-regno-different.csv", rows=ROWS + [with_cell(0, "登记金额(万元)", "2001")[0]])
write("duplicate-regno-same.csv", rows=ROWS + [ROWS[0]])   # valid: the repeat is unchanged
write("unknown-bank.csv", rows=with_cell(0, "质权人", "火星银行"))
write("unknown-park.csv", rows=with_cell(2, "园区", "火星产业园"))
write("unknown-prefecture.csv", *with_column("市州", ["上海市", "", ""]))
write("park-prefecture-mismatch.csv", *with_column("市州", ["白银市", "", ""]))
write("maturity-before-registration.csv", rows=with_cell(0, "到期日", "2024-03-04"))
write("bad-flag.csv", rows=with_cell(1, "入园惠企", "也许"))
write("bad-ip-type.csv", rows=with_cell(0, "质押物类型", "房产"))
write("control-character.csv", rows=with_cell(1, "企业名称", "甘肃\x01公司"))
write("nul-character.csv", rows=with_cell(2, "企业名称", "甘肃\x00公司"))
write("regno-too-long.csv", rows=with_cell(0, "登记号", "Y" * 41))
write("regno-empty.csv", rows=with_cell(1, "登记号", ""))
write("bad-rate.csv", *with_column("年利率(%)", ["150", "", ""]))
write("bad-status.csv", *with_column("状态", ["有效", "不明", ""]))
write("released-without-date.csv", *with_column("状态", ["已注销", "", ""]))
# Row numbers as a spreadsheet shows them: a quoted field spanning lines adds no row.
write("multiline-then-bad-date.csv", *with_column("备注", ["第一行\n第二行\n第三行", "", ""], rows=with_cell(1, "登记日期", "2024-02-30")))
write("crlf-bad-date.csv", rows=with_cell(2, "登记日期", "2024-04-31"), eol="\r\n")
# Five invalid rows: with --max-errors 2 only two are listed.
write("many-invalid-rows.csv", rows=[with_cell(0, "登记日期", f"2024-02-3{d}")[0][:0] + [f"M-{d}"] + ROWS[0][1:2] + ["91440300192203821" + str(d)] + ROWS[0][3:] for d in range(5)])
# GB18030 content: with --encoding utf8 it is not UTF-8.
write("gb18030-forced-utf8.csv", encoding="gb18030")
print(len(os.listdir(OUT)), "files in", OUT)
