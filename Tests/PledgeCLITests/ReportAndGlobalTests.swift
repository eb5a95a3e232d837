import Foundation
import Testing

@Suite("init, demo, targets, progress, global options — end to end")
struct ReportAndGlobalTests {
    @Test("init creates a 0600 ledger with the reference lists; a second init conflicts")
    func initLedger() throws {
        let s = try CLISandbox()
        let mode = try FileManager.default.attributesOfItem(atPath: s.db)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try s.sqlite("SELECT count(*) FROM prefectures") == "14")
        #expect(try s.sqlite("SELECT name FROM targets") == "gansu-2025")
        let before = try s.snapshot()
        let again = try s.run(["init"])
        #expect(again.code == 73)
        #expect(try s.snapshot() == before)
    }

    @Test("a missing ledger: exit 66 and a hint to run init")
    func missing() throws {
        let s = try CLISandbox(initialize: false)
        for args in [["report", "progress"], ["show", "X"], ["target", "list"]] {
            let out = try s.run(args)
            #expect(out.code == 66)
            #expect(out.stderr.contains("pledge --db \(s.db) init"))
        }
        #expect(!FileManager.default.fileExists(atPath: s.db))
    }

    @Test("report progress JSON: achievedFen equals a plain sqlite3 sum over the ledger file")
    func progressMatchesSQL() throws {
        let s = try CLISandbox(initialize: false)
        let demo = try s.run(["demo", "--loans", "400", "--seed", "5"])
        #expect(demo.code == 0, "\(demo.stderr)")
        for asOf in ["2023-06-15", "2025-12-31", "2026-11-01"] {
            let out = try s.run(["report", "progress", "--format", "json", "--as-of", asOf])
            #expect(out.code == 0)
            let json = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as! [String: Any]
            let upTo = min(asOf, "2025-12-31")
            let sql = try s.sqlite("""
                SELECT coalesce(sum(amount_fen), 0), count(*) FROM registrations
                WHERE ip_type = 'patent' AND status <> 'void' AND reg_date BETWEEN '2021-01-01' AND '\(upTo)'
                """)
            #expect("\(json["achievedFen"] as! Int)|\(json["registrations"] as! Int)" == sql)
            let target = try Int(s.sqlite("SELECT amount_fen FROM targets WHERE name = 'gansu-2025'"))!
            #expect(json["targetFen"] as? Int == target)
            #expect(json["remainingFen"] as? Int == max(0, target - (json["achievedFen"] as! Int)))
            #expect(json["asOf"] as? String == asOf)
        }
    }

    @Test("demo is deterministic for a seed")
    func demoDeterministic() throws {
        let a = try CLISandbox(initialize: false), b = try CLISandbox(initialize: false)
        #expect(try a.run(["demo", "--loans", "200", "--seed", "9"]).code == 0)
        #expect(try b.run(["demo", "--loans", "200", "--seed", "9"]).code == 0)
        let dump = "SELECT group_concat(reg_no || amount_fen || status || ip_numbers, ',') FROM (SELECT * FROM registrations ORDER BY reg_no)"
        #expect(try a.sqlite(dump) == b.sqlite(dump))
        #expect(try a.sqlite("SELECT count(*) FROM registrations") == "200")
        #expect(try a.run(["demo"]).code == 73)
    }

    @Test("targets: set, list, report against a named one")
    func targets() throws {
        let s = try CLISandbox()
        try s.run(s.registerArgs)
        let set = try s.run(["target", "set", "lanzhou-2024", "--amount", "1", "--unit", "yi", "--from", "2024-01-01", "--to", "2024-12-31"])
        #expect(set.code == 0, "\(set.stderr)")
        let list = try s.run(["target", "list", "--format", "json"])
        let targets = (try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as! [String: [[String: Any]]])["targets"]!
        #expect(targets.map { $0["name"] as? String } == ["gansu-2025", "lanzhou-2024"])
        let out = try s.run(["report", "progress", "--target", "lanzhou-2024", "--as-of", "2024-12-31", "--format", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as! [String: Any]
        #expect(json["achievedFen"] as? Int == 2_000_000_000)
        #expect((json["percent"] as? NSNumber)?.doubleValue == 20)
        #expect(try s.run(["report", "progress", "--target", "nope"]).code == 65)
        let bad = try s.run(["target", "set", "x", "--amount", "1", "--unit", "yi", "--from", "2024-12-31", "--to", "2024-01-01"])
        #expect(bad.code == 65)
        #expect(bad.stderr.contains("ends before it starts"))
    }

    @Test("progress table names target, window and as-of; labels follow --lang")
    func progressTable() throws {
        let s = try CLISandbox()
        try s.run(s.registerArgs)
        let en = try s.run(["report", "progress", "--as-of", "2025-01-31"])
        #expect(en.stdout.contains("gansu-2025") && en.stdout.contains("2021-01-01 … 2025-12-31") && en.stdout.contains("2025-01-31"))
        #expect(en.stdout.contains("Achieved") && en.stdout.contains("2,000.00 万元"))
        let zh = try s.run(["--lang", "zh", "report", "progress", "--as-of", "2025-01-31"])
        #expect(zh.stdout.contains("已完成"))
        let zhEnv = try s.run(["report", "progress", "--as-of", "2025-01-31"], env: ["LANG": "zh_CN.UTF-8"])
        #expect(zhEnv.stdout == zh.stdout)
    }

    @Test("--read-only and PLEDGE_READ_ONLY=1: reads work, writes exit 74, bytes identical")
    func readOnly() throws {
        let s = try CLISandbox()
        try s.run(s.registerArgs)
        let before = try s.snapshot()
        for env in [[:], ["PLEDGE_READ_ONLY": "1"]] as [[String: String]] {
            let flag = env.isEmpty ? ["--read-only"] : []
            #expect(try s.run(flag + ["report", "progress"], env: env).code == 0)
            #expect(try s.run(flag + ["show", "Y2024620000001"], env: env).code == 0)
            let write = try s.run(flag + ["void", "Y2024620000001", "--reason", "x"], env: env)
            #expect(write.code == 74)
            #expect(write.stderr.contains("read-only"))
            #expect(try s.run(flag + ["register"] + s.registerArgs.dropFirst().map { $0 == "Y2024620000001" ? "Y2" : $0 }, env: env).code == 74)
        }
        #expect(try s.snapshot() == before)
    }

    @Test("operator: --operator, else $PLEDGE_OPERATOR, recorded on the entry")
    func operatorName() throws {
        let s = try CLISandbox()
        try s.run(["--db", s.db] + s.registerArgs, withDB: false, env: ["PLEDGE_OPERATOR": "王会计"])
        #expect(try s.sqlite("SELECT operator FROM entries WHERE seq = 3") == "王会计")
        #expect(try s.run(["--operator", "", "audit", "head"]).code == 64)
    }

    @Test("--version, --help on every command, audit head")
    func helpAndVersion() throws {
        let s = try CLISandbox()
        let version = try s.run(["--version"], withDB: false)
        #expect(version.code == 0 && version.stdout.hasPrefix("pledge "))
        for command in [[], ["init"], ["demo"], ["register"], ["correct"], ["void"], ["release"], ["default"], ["extend"], ["show"],
                        ["history"], ["target"], ["target", "set"], ["target", "list"], ["report"], ["report", "progress"],
                        ["reference"], ["audit"], ["audit", "head"]] {
            let out = try s.run(command + ["--help"], withDB: false)
            #expect(out.code == 0, "\(command) --help")
            #expect(out.stdout.contains("USAGE"), "\(command) --help")
        }
        let head = try s.run(["audit", "head"])
        #expect(head.stdout.trimmingCharacters(in: .newlines) == (try s.sqlite("SELECT seq || ':' || hash FROM entries ORDER BY seq DESC LIMIT 1")))
    }

    @Test("reference lists the names the ledger accepts")
    func reference() throws {
        let s = try CLISandbox()
        #expect(try s.run(["reference", "banks"]).stdout.contains("工行"))
        #expect(try s.run(["reference", "parks"]).stdout.contains("兰州高新区"))
        #expect(try s.run(["reference", "prefectures"]).stdout.contains("623000"))
    }
}
