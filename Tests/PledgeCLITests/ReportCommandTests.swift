import Foundation
import Testing

/// Columns a terminal gives the text (CJK wide characters take two).
func terminalWidth(_ s: Substring) -> Int {
    s.unicodeScalars.reduce(0) { w, u in
        w + ((0x1100...0x115F).contains(u.value) || (0x2E80...0xA4CF).contains(u.value) || (0xAC00...0xD7A3).contains(u.value)
             || (0xF900...0xFAFF).contains(u.value) || (0xFF00...0xFF60).contains(u.value) || (0xFFE0...0xFFE6).contains(u.value) ? 2 : 1)
    }
}

@Suite("report progress and report monthly, end to end, against sqlite3")
struct ReportCommandTests {
    /// A demo ledger: registrations with corrections, voids, releases, defaults and extensions, a subsidy policy, a pool,
    /// its contribution, disposals and loss claims.
    func demo() throws -> CLISandbox {
        let s = try CLISandbox(initialize: false)
        let out = try s.run(["demo", "--loans", "600", "--seed", "21"])
        #expect(out.code == 0, "\(out.stderr)")
        #expect(try s.sqlite("SELECT count(DISTINCT kind) FROM entries") == "13")
        return s
    }

    func json(_ out: CLISandbox.Output) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as! [String: Any]
    }

    @Test("monthly JSON rows equal a plain SQL GROUP BY over registrations, for every grouping", arguments: ["", "prefecture", "park", "bank", "ip-type", "rywq", "puhui"])
    func monthlyMatchesSQL(by: String) throws {
        let s = try demo()
        let out = try s.run(["report", "monthly", "--from", "2023-01", "--to", "2024-12", "--format", "json"] + (by.isEmpty ? [] : ["--by", by]))
        #expect(out.code == 0, "\(out.stderr)")
        let rows = try json(out)["rows"] as! [[String: Any]]
        let column = ["": "''", "prefecture": "coalesce((SELECT name FROM prefectures WHERE code = prefecture_code), '')",
                      "park": "coalesce(park, '')", "bank": "bank", "ip-type": "ip_type",
                      "rywq": "CASE rywq WHEN 1 THEN 'yes' ELSE 'no' END",
                      "puhui": "CASE WHEN amount_fen < 1000000000 THEN 'yes' ELSE 'no' END"][by]!
        let typeFilter = by == "ip-type" ? "" : "AND ip_type = 'patent'"
        let sql = try s.sqlite("""
            SELECT substr(reg_date, 1, 7) || '|' || \(column) || '|' || count(*) || '|' || sum(amount_fen) FROM registrations
            WHERE status <> 'void' \(typeFilter) AND reg_date BETWEEN '2023-01-01' AND '2024-12-31'
            GROUP BY substr(reg_date, 1, 7), \(column) ORDER BY 1
            """).split(separator: "\n").map(String.init)
        let fromReport = rows.filter { ($0["registrations"] as! Int) > 0 }.map {
            "\($0["month"]!)|\(($0["group"] as? String) ?? "")|\($0["registrations"]!)|\($0["amountFen"]!)"
        }.sorted()
        #expect(fromReport == sql.sorted())
        if by.isEmpty {
            #expect(rows.count == 24, "every month appears")
            let opening = try Int(s.sqlite("""
                SELECT coalesce(sum(amount_fen), 0) FROM registrations WHERE status <> 'void' AND ip_type = 'patent'
                AND reg_date BETWEEN '2021-01-01' AND '2022-12-31'
                """))!
            let total = try Int(s.sqlite("""
                SELECT sum(amount_fen) FROM registrations WHERE status <> 'void' AND ip_type = 'patent'
                AND reg_date BETWEEN '2021-01-01' AND '2024-12-31'
                """))!
            #expect(rows.last?["cumulativeFen"] as? Int == total)
            #expect(try json(out)["openingFen"] as? Int == opening)
        }
    }

    @Test("progress details equal plain SQL: outstanding, enterprises, first loans, 入园惠企, top banks",
          arguments: ["2025-05-20", "2025-12-31", "2026-03-01"])
    func progressDetailsMatchSQL(asOf: String) throws {
        let s = try demo()
        let j = try json(try s.run(["report", "progress", "--as-of", asOf, "--format", "json"]))
        let countedTo = min(asOf, "2025-12-31")
        let window = "ip_type = 'patent' AND status <> 'void' AND reg_date BETWEEN '2021-01-01' AND '\(countedTo)'"
        #expect("\(j["achievedFen"]!)|\(j["registrations"]!)" == (try s.sqlite("SELECT sum(amount_fen), count(*) FROM registrations WHERE \(window)")))
        // Outstanding on the as-of day: registered by then, not released, defaulted or void by then, not past maturity.
        let active = "ip_type = 'patent' AND reg_date <= '\(asOf)' AND status <> 'void' AND NOT (status IN ('released', 'defaulted') AND status_date <= '\(asOf)')"
        #expect("\(j["outstandingFen"]!)|\(j["outstandingRegistrations"]!)" == (try s.sqlite("""
            SELECT coalesce(sum(amount_fen), 0), count(*) FROM registrations WHERE \(active) AND (maturity IS NULL OR maturity >= '\(asOf)')
            """)))
        #expect("\(j["enterprisesServed"]!)" == (try s.sqlite("SELECT count(DISTINCT uscc) FROM registrations WHERE \(window)")))
        #expect("\(j["firstLoanFen"]!)|\(j["firstLoanRegistrations"]!)"
                == (try s.sqlite("SELECT sum(amount_fen), count(*) FROM registrations WHERE \(window) AND first_loan = 1")))
        #expect("\(j["rywqFen"]!)|\(j["rywqRegistrations"]!)"
                == (try s.sqlite("SELECT sum(amount_fen), count(*) FROM registrations WHERE \(window) AND rywq = 1")))
        let banks = (j["topBanks"] as! [[String: Any]]).map { "\($0["name"]!)|\($0["amountFen"]!)" }
        let sqlBanks = try s.sqlite("SELECT bank || '|' || sum(amount_fen) FROM registrations WHERE \(window) GROUP BY bank ORDER BY sum(amount_fen) DESC LIMIT 5")
        #expect(banks.joined(separator: "\n") == sqlBanks)
        let trailing = try s.sqlite("""
            SELECT coalesce(sum(amount_fen), 0) FROM registrations WHERE ip_type = 'patent' AND status <> 'void'
            AND reg_date BETWEEN date('\(countedTo)', '-1 year', '+1 day') AND '\(countedTo)'
            """)
        #expect("\(j["trailing12MonthsFen"]!)" == trailing)
    }

    @Test("enterprises served follows target set, corrections of the enterprise and voids")
    func enterprisesServedFollowsWrites() throws {
        let s = try demo()
        func served(_ target: String) throws -> String {
            let out = try s.run(["report", "progress", "--target", target, "--as-of", "2026-06-30", "--format", "json"])
            #expect(out.code == 0, "\(out.stderr)")
            return "\(try json(out)["enterprisesServed"]!)"
        }
        func sql(_ from: String, _ to: String, _ type: String?) throws -> String {
            try s.sqlite("""
                SELECT count(DISTINCT uscc) FROM registrations WHERE status <> 'void' AND reg_date BETWEEN '\(from)' AND '\(to)'
                \(type.map { "AND ip_type = '\($0)'" } ?? "")
                """)
        }
        #expect(try s.run(["target", "set", "all-2023", "--amount", "10", "--unit", "yi", "--from", "2023-01-01", "--to", "2023-12-31"]).code == 0)
        #expect(try served("all-2023") == sql("2023-01-01", "2023-12-31", nil))
        #expect(try s.run(["target", "set", "all-2023", "--amount", "10", "--unit", "yi", "--from", "2023-03-15", "--to", "2024-02-10",
                           "--ip-type", "trademark"]).code == 0)
        #expect(try served("all-2023") == sql("2023-03-15", "2024-02-10", "trademark"))
        let reg = try s.sqlite("""
            SELECT reg_no FROM registrations WHERE status = 'active' AND ip_type = 'patent' AND reg_date BETWEEN '2021-01-01' AND '2025-12-31'
            ORDER BY reg_no LIMIT 1
            """)
        let second = try s.sqlite("""
            SELECT reg_no FROM registrations WHERE status = 'active' AND ip_type = 'patent' AND reg_date BETWEEN '2021-01-01' AND '2025-12-31'
            ORDER BY reg_no LIMIT 1 OFFSET 1
            """)
        let correct = try s.run(["correct", second, "--field", "uscc", "--value", "914403001922038216", "--reason", "银行更正信用代码"])
        #expect(correct.code == 0, "\(correct.stderr)")
        #expect(try s.run(["correct", second, "--field", "date", "--value", "2020-06-30", "--reason", "日期"]).code == 0)
        #expect(try s.run(["void", reg, "--reason", "录入错误"]).code == 0)
        #expect(try served("gansu-2025") == sql("2021-01-01", "2025-12-31", "patent"))
        #expect(try s.sqlite("SELECT enterprises FROM targets WHERE name = 'gansu-2025'") == sql("2021-01-01", "2025-12-31", "patent"))
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("table columns line up with Chinese names", arguments: [["report", "monthly", "--by", "park", "--from", "2024-01", "--to", "2024-03"],
                                                                 ["report", "monthly", "--by", "bank", "--from", "2024-01", "--to", "2024-02"],
                                                                 ["report", "progress", "--as-of", "2025-01-01"]])
    func alignment(args: [String]) throws {
        let s = try demo()
        for lang in ["zh", "en"] {
            let out = try s.run(["--lang", lang] + args)
            // Each table: its header, rule and rows end in the same column (right-aligned last column).
            let blocks = out.stdout.components(separatedBy: "\n\n").filter { $0.contains("──") }
            #expect(!blocks.isEmpty)
            for block in blocks {
                let lines = block.split(separator: "\n").filter { !$0.contains("：") && !$0.hasPrefix("Monthly") && !$0.hasPrefix("Opening") && !$0.hasPrefix("月度") }
                let rule = lines.first { $0.hasPrefix("─") }!
                for line in lines where !line.hasPrefix("─") {
                    #expect(terminalWidth(line) == terminalWidth(rule), "\(line)")
                }
            }
        }
    }

    @Test("CSV reports re-read: header, one row per month, BOM on request")
    func csv() throws {
        let s = try demo()
        let out = try s.run(["report", "monthly", "--from", "2024-01", "--to", "2024-06", "--format", "csv", "--bom"])
        #expect(out.stdout.hasPrefix("\u{FEFF}month,registrations,amount_fen,amount_wan,cumulative_fen,cumulative_wan,percent_of_target,closed,late_adjustment_fen\r\n"))
        let lines = out.stdout.split(separator: "\r\n")
        #expect(lines.count == 7)
        let json = try json(try s.run(["report", "monthly", "--from", "2024-01", "--to", "2024-06", "--format", "json"]))
        let rows = json["rows"] as! [[String: Any]]
        for (line, row) in zip(lines.dropFirst(), rows) {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(String(cells[0]) == row["month"] as? String)
            #expect(Int(cells[2]) == row["amountFen"] as? Int)
            #expect(Int(cells[4]) == row["cumulativeFen"] as? Int)
        }
        let progress = try s.run(["report", "progress", "--format", "csv"])
        let p = progress.stdout.split(separator: "\r\n")
        #expect(p.count == 2 && p[0].hasPrefix("targetName,ipType,targetFen,"))
    }

    @Test("HTML reports: one self-contained page with the SVG chart, the totals and the journal head", arguments: ["monthly", "progress"])
    func html(report: String) throws {
        let s = try demo()
        let file = s.directory.appendingPathComponent("r.html").path
        let out = try s.run(["--lang", "zh", "report", report, "--format", "html", "--output", file] + (report == "progress" ? ["--as-of", "2025-12-31"] : []))
        #expect(out.code == 0, "\(out.stderr)")
        let html = try String(contentsOfFile: file, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg") && html.contains("class=\"cumulative\"") && html.contains("class=\"target\""))
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").count == 2, "no external resources, only the SVG namespace")
        #expect(!html.contains("<script"))
        let head = try s.sqlite("SELECT seq || ':' || hash FROM entries ORDER BY seq DESC LIMIT 1")
        #expect(html.contains(head))
        let total = try s.sqlite("SELECT sum(amount_fen) FROM registrations WHERE ip_type = 'patent' AND status <> 'void' AND reg_date BETWEEN '2021-01-01' AND '2025-12-31'")
        let fen = Int(total)!
        var whole = String(fen / 1_000_000)
        for i in stride(from: whole.count - 3, to: 0, by: -3) { whole.insert(",", at: whole.index(whole.startIndex, offsetBy: i)) }
        let cents = (fen % 1_000_000 + 5_000) / 10_000
        let wan = whole + "." + (cents < 10 ? "0" : "") + String(cents)
        #expect(html.contains(wan), "the total \(wan) 万元 appears")
    }

    @Test("HTML escapes what a clerk typed")
    func htmlEscapes() throws {
        let s = try CLISandbox()
        try s.run(["target", "set", "<script>alert(1)</script>", "--amount", "1", "--unit", "yi", "--from", "2024-01-01", "--to", "2024-12-31"])
        let out = try s.run(["report", "progress", "--target", "<script>alert(1)</script>", "--format", "html"])
        #expect(out.code == 0)
        #expect(!out.stdout.contains("<script>"))
        #expect(out.stdout.contains("&lt;script&gt;"))
    }

    @Test("bad report options", arguments: [
        (["report", "monthly", "--from", "2024-13"], Int32(65), "--from: value \"2024-13\""),
        (["report", "monthly", "--from", "2024-05", "--to", "2024-01"], 65, "is before --from"),
        (["report", "monthly", "--by", "colour"], 64, "colour"),
        (["report", "progress", "--as-of", "2024-02-30"], 65, "--as-of"),
        (["report", "progress", "--format", "pdf"], 64, "pdf"),
        (["report", "monthly", "--output", "/nonexistent/x.csv"], 74, "/nonexistent/x.csv"),
    ])
    func badOptions(args: [String], code: Int32, message: String) throws {
        let s = try CLISandbox()
        let out = try s.run(args)
        #expect(out.code == code)
        #expect(out.stderr.contains(message), "\(out.stderr)")
    }
}

@Suite("period close and late entries, end to end")
struct PeriodTests {
    func closedLedger() throws -> CLISandbox {
        let s = try CLISandbox()
        #expect(try s.run(s.registerArgs).code == 0)   // 2024-03-05
        let out = try s.run(["period", "close", "2024-03"])
        #expect(out.code == 0, "\(out.stderr)")
        #expect(out.stdout.contains("closed 2024-03: 1 registrations, 2,000.00 万元"))
        return s
    }

    /// An import file with one new row dated in the closed month 2024-03.
    func lateCSV(_ s: CLISandbox) throws -> String {
        let path = s.directory.appendingPathComponent("late.csv").path
        try "reg_no,reg_date,uscc,enterprise,bank,amount_wan,ip_numbers\nLATE-1,2024-03-20,\(CLISandbox.validUSCC),补录企业,兰州银行,50,97101765.4\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("close records the month's totals and the journal head; list shows them")
    func close() throws {
        let s = try closedLedger()
        #expect(try s.sqlite("SELECT month, head_seq, registrations, amount_fen FROM periods") == "2024-03|3|1|2000000000")
        #expect(try s.sqlite("SELECT head_hash = (SELECT hash FROM entries WHERE seq = 3) FROM periods") == "1")
        #expect(try s.sqlite("SELECT kind FROM entries ORDER BY seq DESC LIMIT 1") == "period-close")
        let list = try s.run(["period", "list", "--format", "json"])
        let periods = (try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as! [String: [[String: Any]]])["periods"]!
        #expect(periods.first?["month"] as? String == "2024-03")
        #expect(periods.first?["head"] as? String == (try s.sqlite("SELECT seq || ':' || hash FROM entries WHERE seq = 3")))
    }

    @Test("closing twice, a month not over, or a bad month is refused", arguments: [
        (["period", "close", "2024-03"], Int32(73), "already closed"),
        (["period", "close", "2099-01"], 73, "has not ended"),
        (["period", "close", "March"], 65, "expected a month"),
    ])
    func refusals(args: [String], code: Int32, message: String) throws {
        let s = try closedLedger()
        let before = try s.snapshot()
        let out = try s.run(args)
        #expect(out.code == code)
        #expect(out.stderr.contains(message))
        #expect(try s.snapshot() == before)
    }

    @Test("a registration, correction, void or import row dated in a closed month is refused (73) unless --late")
    func closedMonthWrites() throws {
        let s = try closedLedger()
        let before = try s.snapshot()
        let second = s.registerArgs(replacing: "--reg-no", with: "Y2024620000009")
        let attempts: [[String]] = [
            second,
            ["correct", "Y2024620000001", "--field", "amount", "--value", "2100", "--unit", "wan", "--reason", "r"],
            ["void", "Y2024620000001", "--reason", "r"],
            ["import", try lateCSV(s)],
        ]
        for args in attempts {
            let out = try s.run(args)
            #expect(out.code == 73, "\(args): \(out.stderr)")
            #expect(out.stderr.contains("closed period 2024-03"), "\(out.stderr)")
        }
        #expect(try s.snapshot() == before)
        // Lifecycle events do not touch the statistic: allowed.
        #expect(try s.run(["extend", "Y2024620000001", "--maturity", "2027-01-01"]).code == 0)
        #expect(try s.run(second + ["--late", "--reason", "补录"]).code == 0)
        #expect(try s.run(["correct", "Y2024620000001", "--field", "amount", "--value", "2100", "--unit", "wan", "--reason", "r", "--late"]).code == 0)
        #expect(try s.sqlite("SELECT count(*) FROM entries WHERE json_extract(payload, '$.late') = 1") == "2")
    }

    @Test("late entries show as late adjustments; --as-closed reproduces the closed month unchanged")
    func asClosed() throws {
        let s = try closedLedger()
        let args = ["report", "monthly", "--from", "2024-02", "--to", "2024-04", "--format", "json"]
        let asSent = try s.run(args + ["--as-closed"]).stdout
        let second = s.registerArgs(replacing: "--reg-no", with: "Y2024620000009")
        #expect(try s.run(second.map { $0 == "2,000" ? "500" : $0 } + ["--late", "--reason", "补录"]).code == 0)
        #expect(try s.run(["void", "Y2024620000001", "--reason", "重复", "--late"]).code == 0)
        #expect(try s.run(args + ["--as-closed"]).stdout == asSent)
        let live = try JSONSerialization.jsonObject(with: Data(try s.run(args).stdout.utf8)) as! [String: Any]
        let march = (live["rows"] as! [[String: Any]]).first { $0["month"] as? String == "2024-03" }!
        #expect(march["amountFen"] as? Int == 500_000_000)
        #expect(march["closed"] as? Bool == true)
        #expect(march["lateAdjustmentFen"] as? Int == 500_000_000 - 2_000_000_000)
        let table = try s.run(["report", "monthly", "--from", "2024-03", "--to", "2024-03"])
        #expect(table.stdout.contains("Late since close"))
        #expect(table.stdout.contains("-1,500.00"))
        // Import with --late records the rows as late.
        #expect(try s.run(["import", try lateCSV(s), "--late"]).code == 64)
        let imported = try s.run(["import", try lateCSV(s), "--late", "--reason", "银行 4 月补报"])
        #expect(imported.code == 0, "\(imported.stderr)")
        #expect(try s.sqlite("SELECT late FROM registrations WHERE reg_no = 'LATE-1'") == "1")
        #expect(try s.sqlite("SELECT json_extract(payload, '$.reason') FROM entries WHERE reg_no = 'LATE-1'") == "银行 4 月补报")
        #expect(try s.run(["audit", "verify"]).code == 0)
    }
}
