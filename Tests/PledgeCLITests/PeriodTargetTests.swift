import Foundation
import Testing

/// Periods close in order and reopen with a reason; targets are removed and chosen as the default, all journaled.
@Suite("period close and reopen, target remove and default, end to end")
struct PeriodTargetTests {
    /// Registrations in January, March and June 2024.
    func ledger() throws -> CLISandbox {
        let s = try CLISandbox()
        for (n, date) in ["2024-01-10", "2024-03-05", "2024-06-20"].enumerated() {
            let args = s.registerArgs(replacing: "--reg-no", with: "P-\(n)")
            let dated = args.map { $0 == "2024-03-05" ? date : $0 }
            #expect(try s.run(dated).code == 0)
        }
        return s
    }

    @Test("closing a month closes every earlier open month, oldest first, each anchored to the entry before it")
    func closesEarlier() throws {
        let s = try ledger()
        #expect(try s.run(["period", "close", "2024-02"]).code == 0)
        #expect(try s.sqlite("SELECT group_concat(month) FROM (SELECT month FROM periods ORDER BY month)") == "2024-01,2024-02")
        let out = try s.run(["--lang", "zh", "period", "close", "2024-06"])
        #expect(out.code == 0, "\(out.stderr)")
        #expect(out.stdout.contains("已关账 2024-03：1 笔") && out.stdout.contains("已关账 2024-06：1 笔"), "\(out.stdout)")
        #expect(try s.sqlite("SELECT group_concat(month) FROM (SELECT month FROM periods ORDER BY month)")
                == "2024-01,2024-02,2024-03,2024-04,2024-05,2024-06")
        #expect(try s.sqlite("SELECT count(*) FROM periods p JOIN entries e ON e.seq = p.seq - 1 WHERE e.hash = p.head_hash AND p.head_seq = e.seq") == "6")
        #expect(try s.run(["audit", "verify"]).code == 0)
        // A registration in the earlier month is now refused without --late.
        let late = try s.run(s.registerArgs(replacing: "--reg-no", with: "P-9"))
        #expect(late.code == 73)
    }

    @Test("reopen needs a reason, reopens the month and every later one, and the ledger verifies; reopening an open month is refused")
    func reopen() throws {
        let s = try ledger()
        #expect(try s.run(["period", "close", "2024-06"]).code == 0)
        let before = try s.snapshot()
        for (lang, message) in [("en", "a reason is required"), ("zh", "必须填写原因")] {
            let out = try s.run(["--lang", lang, "period", "reopen", "2024-03"])
            #expect(out.code == 64)
            #expect(out.stderr.contains(message), "\(out.stderr)")
        }
        #expect(try s.snapshot() == before)
        let out = try s.run(["--lang", "zh", "period", "reopen", "2024-03", "--reason", "人民银行通知补报"])
        #expect(out.code == 0, "\(out.stderr)")
        #expect(out.stdout.contains("已重新开账 2024-06") && out.stdout.contains("已重新开账 2024-03"), "\(out.stdout)")
        #expect(try s.sqlite("SELECT group_concat(month) FROM (SELECT month FROM periods ORDER BY month)") == "2024-01,2024-02")
        #expect(try s.sqlite("SELECT count(*) FROM period_totals WHERE month >= '2024-03'") == "0")
        #expect(try s.sqlite("SELECT count(*) FROM entries WHERE kind = 'period-reopen' AND json_extract(payload, '$.data.reason') = '人民银行通知补报'") == "4")
        #expect(try s.run(["audit", "verify"]).code == 0)
        // Now a March registration needs no --late; closing again works and verifies.
        #expect(try s.run(s.registerArgs(replacing: "--reg-no", with: "P-9")).code == 0)
        #expect(try s.run(["period", "close", "2024-06"]).code == 0)
        #expect(try s.run(["audit", "verify"]).code == 0)
        for (lang, message) in [("en", "the period 2024-07 is not closed"), ("zh", "2024-07 未关账")] {
            let open = try s.run(["--lang", lang, "period", "reopen", "2024-07", "--reason", "x"])
            #expect(open.code == 73)
            #expect(open.stderr.contains(message), "\(open.stderr)")
        }
    }

    @Test("target default chooses what reports use; target remove is journaled, refused for the default, and verifies")
    func targets() throws {
        let s = try ledger()
        #expect(try s.run(["target", "set", "兰州2024", "--amount", "1亿", "--from", "2024-01-01", "--to", "2024-12-31"]).code == 0)
        let first = try s.run(["report", "progress", "--format", "json"]).stdout
        #expect(!first.contains("兰州2024"))
        #expect(try s.run(["target", "default", "兰州2024"]).code == 0)
        let progress = try JSONSerialization.jsonObject(with: Data(try s.run(["report", "progress", "--format", "json"]).stdout.utf8)) as! [String: Any]
        #expect(progress["targetName"] as? String == "兰州2024")
        #expect(try s.run(["target", "list"]).stdout.split(separator: "\n").contains { $0.contains("兰州2024") && $0.contains("default") })

        let before = try s.snapshot()
        for (lang, message) in [("en", "it is the default target"), ("zh", "这是默认目标，不能删除")] {
            let refused = try s.run(["--lang", lang, "target", "remove", "兰州2024", "--reason", "x"])
            #expect(refused.code == 65)
            #expect(refused.stderr.contains(message), "\(refused.stderr)")
        }
        let missing = try s.run(["--lang", "zh", "target", "remove", "无此目标", "--reason", "x"])
        #expect(missing.code == 65)
        #expect(missing.stderr.contains("没有名为 无此目标 的目标"), "\(missing.stderr)")
        #expect(try s.snapshot() == before)

        let old = try s.sqlite("SELECT name FROM targets WHERE name <> '兰州2024'")
        #expect(try s.run(["target", "remove", old, "--reason", "纲要目标期满"]).code == 0)
        #expect(try s.sqlite("SELECT count(*) FROM targets WHERE name = '\(old)'") == "0")
        #expect(try s.sqlite("SELECT count(*) FROM target_enterprises WHERE target = '\(old)'") == "0")
        #expect(try s.sqlite("SELECT json_extract(payload, '$.data.reason') FROM entries WHERE kind = 'target-remove'") == "纲要目标期满")
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("an edited ledger_settings row or a deleted period-reopen effect is refused by audit verify")
    func tampering() throws {
        let s = try ledger()
        #expect(try s.run(["target", "set", "t2", "--amount", "1亿", "--from", "2024-01-01", "--to", "2024-12-31"]).code == 0)
        #expect(try s.run(["target", "default", "t2"]).code == 0)
        #expect(try s.run(["period", "close", "2024-03"]).code == 0)
        #expect(try s.run(["period", "reopen", "2024-03", "--reason", "r"]).code == 0)
        for sql in ["UPDATE ledger_settings SET value = 'x'",
                    "INSERT INTO periods(month, seq, head_seq, head_hash, registrations, amount_fen) SELECT '2024-03', 5, 4, hash, 1, 1 FROM entries WHERE seq = 4"] {
            let copy = s.directory.appendingPathComponent("copy-\(UUID().uuidString).sqlite").path
            try FileManager.default.copyItem(atPath: s.db, toPath: copy)
            _ = try s.execute("/usr/bin/sqlite3", [copy, sql])
            let out = try s.run(["--db", copy, "audit", "verify"], withDB: false)
            #expect(out.code == 1, "\(sql): \(out.stdout)")
        }
    }

    @Test("a park's or a prefecture's target counts its own registrations: progress and enterprises served equal plain SQL; verify proves it")
    func scopedTargets() throws {
        let s = try CLISandbox(initialize: false)
        #expect(try s.run(["demo", "--loans", "500", "--seed", "9"]).code == 0)
        let park = try s.sqlite("SELECT park FROM registrations WHERE park IS NOT NULL GROUP BY park ORDER BY count(*) DESC LIMIT 1")
        #expect(try s.run(["target", "set", "park-2024", "--amount", "2亿", "--from", "2024-01-01", "--to", "2024-12-31", "--park", park]).code == 0)
        #expect(try s.run(["--lang", "zh", "target", "set", "pref-2024", "--amount", "3亿", "--from", "2024-01-01", "--to", "2025-06-30",
                           "--prefecture", "兰州市", "--ip-type", "patent"]).code == 0)
        for (name, condition) in [("park-2024", "park = '\(park)' AND reg_date BETWEEN '2024-01-01' AND '2024-12-31'"),
                                  ("pref-2024", "prefecture_code = '620100' AND ip_type = 'patent' AND reg_date BETWEEN '2024-01-01' AND '2025-06-30'")] {
            let out = try s.run(["report", "progress", "--target", name, "--as-of", "2026-01-31", "--format", "json"])
            let doc = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as! [String: Any]
            let sql = try s.sqlite("SELECT coalesce(sum(amount_fen), 0) || '|' || count(*) || '|' || count(DISTINCT uscc) FROM registrations WHERE status <> 'void' AND \(condition)")
            #expect("\(doc["achievedFen"]!)|\(doc["registrations"]!)|\(doc["enterprisesServed"]!)" == sql, "\(name)")
            #expect(try s.sqlite("SELECT count(*) FROM target_enterprises WHERE target = '\(name)'") == sql.split(separator: "|")[2])
        }
        #expect(try s.run(["target", "list"]).stdout.contains(park))
        #expect(try s.run(["audit", "verify"]).code == 0)
        let refused = try s.run(["--lang", "zh", "target", "set", "x", "--amount", "1亿", "--from", "2024-01-01", "--to", "2024-12-31", "--park", "火星园"])
        #expect(refused.code == 65 && refused.stderr.contains("未知园区"), "\(refused.stderr)")
        #expect(try s.run(["target", "set", "x", "--amount", "1亿", "--from", "2024-01-01", "--to", "2024-12-31", "--park", park, "--prefecture", "兰州市"]).code == 64)
        // The scope is proved like every other column.
        _ = try s.sqlite("UPDATE targets SET park = NULL WHERE name = 'park-2024'")
        #expect(try s.run(["audit", "verify"]).code == 1)
    }
}
