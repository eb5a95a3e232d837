#!/usr/bin/env python3
"""Makes registrations.csv and registrations-gb18030.csv from a demo ledger's export, with four deliberate findings.

    pledge --db /tmp/s.sqlite demo --loans 2000 --seed 2025
    pledge --db /tmp/s.sqlite export --headers zh --unit wan --output /tmp/s.csv
    python3 SampleData/make-sample.py /tmp/s.csv SampleData

登记号 are renumbered Y<year>61… so that they never collide with a demo ledger's (Y<year>62…). Loans the demo left
active past their maturity are released at maturity, but for the first, kept as a deliberate finding; the other
deliberate findings are named in SampleData/README.md and made below.
"""
import csv, io, sys

source, folder = sys.argv[1], sys.argv[2]
rows = list(csv.reader(open(source, encoding="utf-8-sig")))
header, body = rows[0], rows[1:]
col = {name: i for i, name in enumerate(header)}
TODAY = "2026-12-02"

for r in body:
    r[col["登记号"]] = r[col["登记号"]].replace("62", "61", 1) if r[col["登记号"]][5:7] == "62" else r[col["登记号"]]

by_no = {r[col["登记号"]]: r for r in body}
matured = sorted((r for r in body if r[col["状态"]] == "有效" and r[col["到期日"]] and r[col["到期日"]] < TODAY),
                 key=lambda r: r[col["到期日"]])
# 1. matured-not-released: the first one stays active; the bank reported the others repaid.
for r in matured[1:]:
    r[col["状态"]], r[col["状态日期"]] = "已注销", r[col["到期日"]]

# 2. maturity-past-patent-term: a seven-year loan on a utility model filed in 2019 (term ends 2029-12-31).
past = by_no["Y2023610000611"]
assert past[col["知识产权号"]] == "ZL201922980905.0", past
past[col["到期日"]] = "2030-10-24"

# 3. likely-duplicate: the same enterprise, bank, day and amount twice, on other rights (a loan the bank split in two,
#    or one entered twice: the auditor must ask).
original = by_no["Y2023610000146"]
twin = list(original)
twin[col["登记号"]] = "Y2023610009146"
twin[col["质押物类型"]] = "商标"
twin[col["知识产权号"]] = "61234567"
body.insert(body.index(original) + 1, twin)

def write(path, encoding, bom):
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(body)
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write(("\ufeff" if bom else "") + out.getvalue())

write(f"{folder}/registrations.csv", "utf-8", True)
write(f"{folder}/registrations-gb18030.csv", "gb18030", False)
print(f"{len(body)} rows; kept active past maturity: {matured[0][col['登记号']]}")
