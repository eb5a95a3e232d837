import Foundation
import Testing

/// What the office head reads: the outcome once the window has ended, the balance on a day, the yearly growth.
@Suite("reports the office head can use: outcome, outstanding as of a day, past maturity, annual growth, the HTML headline")
struct OfficeHeadReportTests {
    func demo() throws -> CLISandbox {
        let s = try CLISandbox(initialize: false)
        #expect(try s.run(["demo", "--loans", "400", "--seed", "11"]).code == 0)
        return s
    }

    func json(_ s: CLISandbox, _ args: [String]) throws -> [String: Any] {
        let out = try s.run(args + ["--format", "json"])
        #expect(out.code == 0, "\(out.stderr)")
        return try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as! [String: Any]
    }

    @Test("after the window: the outcome in a sentence, and the trailing pace of the window's own last 12 months")
    func afterWindow() throws {
        let s = try demo()
        #expect(try s.run(["target", "set", "small", "--amount", "1亿", "--from", "2022-01-01", "--to", "2022-12-31"]).code == 0)
        #expect(try s.run(["target", "set", "huge", "--amount", "1000亿", "--from", "2022-01-01", "--to", "2022-12-31", "--confirm-amount"]).code != 0,
                "target set has no such flag")
        #expect(try s.run(["target", "set", "huge", "--amount", "1000亿", "--from", "2022-01-01", "--to", "2022-12-31"]).code == 0)
        let achieved = try s.sqlite("SELECT sum(amount_fen) FROM registrations WHERE status <> 'void' AND reg_date BETWEEN '2022-01-01' AND '2022-12-31'")
        let small = try json(s, ["report", "progress", "--target", "small", "--as-of", "2026-06-30"])
        #expect(small["outcome"] as? String == "reached")
        #expect((small["outcomeDifferenceFen"] as? NSNumber)?.int64Value == Int64(achieved)! - 10_000_000_000)
        // The trailing pace is the window's last 12 months: all of 2022 here, not the months since.
        #expect((small["trailing12MonthsFen"] as? NSNumber)?.stringValue == achieved)
        let zh = try s.run(["--lang", "zh", "report", "progress", "--target", "huge", "--as-of", "2026-06-30"]).stdout
        #expect(zh.contains("结论") && zh.contains("目标未达成：完成"), "\(zh)")
        let en = try s.run(["report", "progress", "--target", "small", "--as-of", "2026-06-30"]).stdout
        #expect(en.contains("target reached:") && en.contains("above the target"), "\(en)")
        let during = try json(s, ["report", "progress", "--target", "small", "--as-of", "2022-06-30"])
        #expect(during["outcome"] == nil)
    }

    @Test("outstanding as of a day and past maturity apart, each equal to a plain SQL query")
    func outstanding() throws {
        let s = try demo()
        // Loans maturing on the first of this month (past maturity unless today is the 1st), today (not past), last
        // month and next year: today's figures come from whole maturity months plus this month's days before today.
        let today = CivilDateText.today
        let lastMonth = Calendar(identifier: .gregorian).date(byAdding: .month, value: -1, to: ISO8601DateFormatter().date(from: today + "T12:00:00Z")!)!
        let maturities = [String(today.prefix(8)) + "01", today, String(ISO8601DateFormatter().string(from: lastMonth).prefix(8)) + "15", "2099-06-30"]
        for (i, maturity) in maturities.enumerated() {
            for type in ["patent", "trademark"] {
                let regNo = "M-\(type)-\(i)", ip = type == "patent" ? CLISandbox.patent(regNo) : "\(12_345_670 + i)"
                let out = try s.run(["register", "--reg-no", regNo, "--date", "2024-01-02", "--uscc", CLISandbox.validUSCC, "--enterprise", "甘肃陇原新材料科技有限公司",
                                     "--bank", "兰州银行", "--amount", "\(i + 1)万", "--ip-type", type, "--ip", ip, "--maturity", maturity])
                #expect(out.code == 0, "\(out.stderr)")
            }
        }
        for day in ["2023-06-30", "2025-03-31", today] {
            let doc = try json(s, ["report", "progress", "--as-of", day])
            let active = "reg_date <= '\(day)' AND ip_type = 'patent' AND status <> 'void' AND NOT (status IN ('released', 'defaulted') AND status_date <= '\(day)')"
            let outstanding = try s.sqlite("SELECT count(*) || '|' || coalesce(sum(amount_fen), 0) FROM registrations WHERE \(active) AND (maturity IS NULL OR maturity >= '\(day)')")
            let overdue = try s.sqlite("SELECT count(*) || '|' || coalesce(sum(amount_fen), 0) FROM registrations WHERE \(active) AND maturity < '\(day)'")
            #expect("\(doc["outstandingRegistrations"]!)|\(doc["outstandingFen"]!)" == outstanding, "\(day)")
            #expect("\(doc["overdueRegistrations"]!)|\(doc["overdueFen"]!)" == overdue, "\(day)")
        }
        let zh = try s.run(["--lang", "zh", "report", "progress", "--as-of", "2025-03-31"]).stdout
        #expect(zh.contains("在贷余额（截至 2025-03-31，未到期）") && zh.contains("已到期未注销"), "\(zh)")
    }

    @Test("report annual: each year's figure equals a plain GROUP BY; growth against the previous year, ✓ from 20 %")
    func annual() throws {
        let s = try demo()
        let doc = try json(s, ["report", "annual"])
        let rows = doc["rows"] as! [[String: Any]]
        let plain = try s.sqlite("""
            SELECT group_concat(y || ':' || n || ':' || fen, ',') FROM (SELECT substr(reg_date, 1, 4) AS y, count(*) AS n, sum(amount_fen) AS fen
            FROM registrations WHERE status <> 'void' AND ip_type = 'patent' GROUP BY y ORDER BY y)
            """)
        #expect(rows.map { "\($0["year"]!):\($0["registrations"]!):\($0["amountFen"]!)" }.joined(separator: ",") == plain)
        for (a, b) in zip(rows, rows.dropFirst()) {
            let before = (a["amountFen"] as! NSNumber).doubleValue, after = (b["amountFen"] as! NSNumber).doubleValue
            let growth = (b["growthPercent"] as! NSNumber).doubleValue
            #expect(abs(growth - (after - before) / before * 100) < 0.006)
            #expect((b["reachesGrowthGoal"] as! Bool) == (growth >= 20))
        }
        let parks = try json(s, ["report", "annual", "--by", "park"])["rows"] as! [[String: Any]]
        let park = try s.sqlite("SELECT park FROM registrations WHERE park IS NOT NULL GROUP BY park ORDER BY count(*) DESC LIMIT 1")
        let mine = parks.filter { $0["group"] as? String == park }.map { "\($0["year"]!):\($0["amountFen"]!)" }.joined(separator: ",")
        #expect(mine == (try s.sqlite("""
            SELECT group_concat(y || ':' || fen, ',') FROM (SELECT substr(reg_date, 1, 4) AS y, sum(amount_fen) AS fen FROM registrations
            WHERE status <> 'void' AND ip_type = 'patent' AND park = '\(park)' GROUP BY y ORDER BY y)
            """)))
        let zh = try s.run(["--lang", "zh", "report", "annual", "--by", "park"]).stdout
        #expect(zh.contains("同比增长") && zh.contains("达到入园惠企 20 % 年增长要求"), "\(zh)")
        #expect(try s.run(["report", "annual", "--by", "colour"]).code == 64)
    }

    @Test("report and query CSV headers in the label language; English keys unchanged under en")
    func csvHeaders() throws {
        let s = try demo()
        let cases: [([String], String, String)] = [
            (["report", "monthly", "--from", "2025-01", "--to", "2025-02"], "月份,笔数,金额(分),金额(万元),累计(分)", "month,registrations,amount_fen,amount_wan,cumulative_fen"),
            (["report", "annual", "--by", "bank"], "分组,年度,笔数,金额(分),金额(万元),同比增长(%)", "group,year,registrations,amountFen,amountWan,growthPercent"),
            (["report", "progress"], "目标,质押物类型,目标金额(分)", "targetName,ipType,targetFen"),
            (["query", "--limit", "1"], "登记号,登记日期,质押物类型,统一社会信用代码,企业名称,银行", "reg_no,reg_date,ip_type,uscc,enterprise,bank"),
        ]
        for (args, zh, en) in cases {
            #expect(try s.run(["--lang", "zh"] + args + ["--format", "csv"]).stdout.hasPrefix(zh), "\(args)")
            #expect(try s.run(args + ["--format", "csv"]).stdout.hasPrefix(en), "\(args)")
        }
    }

    @Test("the HTML progress page: a one-number headline, both axes labelled, target, projection and needed-pace lines")
    func html() throws {
        let s = try demo()
        #expect(try s.run(["target", "set", "t27", "--amount", "30亿", "--from", "2025-01-01", "--to", "2027-12-31"]).code == 0)
        let page = try s.run(["--lang", "zh", "report", "progress", "--target", "t27", "--format", "html"]).stdout
        #expect(page.contains("<p class=\"headline\">已完成 "), "\(page.prefix(2000))")
        for piece in ["累计（万元）", "当月（万元）", "月份", "class=\"target\"", "class=\"projection\"", "class=\"needed\"", "按近12个月速度", "达成目标所需"] {
            #expect(page.contains(piece), "\(piece)")
        }
        let closed = try s.run(["report", "progress", "--format", "html", "--as-of", "2026-06-30"]).stdout
        #expect(closed.contains("<p class=\"headline\">target "), "after the window the headline is the outcome")
    }
}

/// Today as `pledge` writes dates.
enum CivilDateText {
    static var today: String {
        let f = DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: Date())
    }
}
