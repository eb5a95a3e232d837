import Foundation
import Synchronization
import Testing

/// The built `pledge` on a PostgreSQL ledger (`--db postgresql://…`, the test server `Scripts/test` starts): the same
/// commands and output as on SQLite, `copy` both ways ending at the same head, the journal's triggers against `psql`,
/// `audit verify` against tampering, and concurrent writers that never fork the chain.
@Suite("PostgreSQL through the CLI")
struct PostgresCLITests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../SampleData/registrations.csv").standardizedFileURL.path

    /// Every report and listing a clerk or an auditor reads (the head lines differ: the entries' times do).
    static let reads: [[String]] = [
        ["report", "progress"], ["report", "progress", "--format", "json"], ["report", "monthly", "--from", "2021-01", "--to", "2025-12", "--by", "park"],
        ["report", "annual", "--by", "bank"], ["query", "--park", "兰州高新区", "--format", "csv"], ["query", "--bank", "兰州银行", "--status", "active"],
        ["check"], ["export", "--format", "csv"], ["target", "list"], ["reference", "parks"], ["show", "Y2025629990001"], ["show", "Y2025629990002"],
    ]

    @Test("the same sample file, imported into SQLite and into PostgreSQL, reads the same through every report")
    func sameReports() throws {
        let lite = try CLISandbox(), pg = try CLISandbox(postgres: true)
        // Text that PostgreSQL's array input quotes or escapes (`PostgresBulk`), and empty optional columns.
        let odd = lite.directory.appendingPathComponent("odd.csv").path
        try """
            登记号,登记日期,统一社会信用代码,企业名称,质权人,支行,登记金额(万元),质押物类型,知识产权号,市州,园区,到期日,年利率(%),入园惠企,首贷,保险,备注
            Y2025629990001,2025-03-01,\(CLISandbox.validUSCC),"甘肃""引号""{括号}科技有限公司",兰州银行,,12.00,专利,\(CLISandbox.patent("odd1")),嘉峪关市,,,,否,否,否,"a ""quoted"" {brace}, back\\slash NULL"
            Y2025629990002,2025-03-02,\(CLISandbox.validUSCC),"甘肃""引号""{括号}科技有限公司",兰州银行,"支行,逗号",15.50,专利,\(CLISandbox.patent("odd2")),嘉峪关市,,2027-03-02,4.5,否,是,否,NULL

            """.write(toFile: odd, atomically: true, encoding: .utf8)
        for s in [lite, pg] {
            for args in [["import", Self.sample], ["import", odd], s.registerArgs, ["period", "close", "2024-06"], ["default", "Y2024620000001", "--date", "2024-09-30"]] {
                let out = try s.run(args)
                #expect(out.code == 0, "\(s.db) \(args): \(out.stderr)")
            }
        }
        for args in Self.reads {
            let a = try lite.run(args), b = try pg.run(args)
            #expect(a.code == b.code && a.stderr.isEmpty && b.stderr.isEmpty, "\(args): \(a.stderr) \(b.stderr)")
            #expect(a.stdout == b.stdout, "\(args)")
        }
        #expect(try pg.run(["audit", "verify"]).code == 0)
    }

    @Test("copy SQLite → PostgreSQL → SQLite ends at the same head, with the same reports and the same sqlite3 dump")
    func copyBothWays() throws {
        let s = try CopyCommandTests.richLedger()
        let pg = try TestPostgres.Database()
        let back = s.directory.appendingPathComponent("back.sqlite").path
        let head = try s.sqlite("SELECT seq || ':' || hash FROM entries ORDER BY seq DESC LIMIT 1")
        for (from, to) in [(s.db, pg.url), (pg.url, back)] {
            let out = try s.run(["copy", "--from", from, "--to", to], withDB: false)
            #expect(out.code == 0 && out.stdout.contains("head \(head)"), "\(from) → \(to): \(out.stdout) \(out.stderr)")
        }
        #expect(try pg.psql("SELECT seq || ':' || hash FROM entries ORDER BY seq DESC LIMIT 1").out == head)
        for args in Self.reads + [["period", "list"], ["history", "Y2024620000001"], ["proposals"], ["user", "list"]] {
            #expect(try s.run(["--db", pg.url] + args, withDB: false).stdout == s.run(args).stdout, "\(args)")
        }
        func dump(_ file: String) throws -> [Substring] { try s.sqlite(".dump", file: file).split(separator: "\n").sorted() }
        #expect(try dump(back) == dump(s.db))
        #expect(try pg.psql("SELECT count(*) FROM user_credentials WHERE password_hash LIKE '$2%'").out == "1")
    }

    @Test("refusals in both languages with nothing written: a bad URL, no server, no database, init twice, backup, read-only")
    func refusals() throws {
        let s = try CLISandbox(postgres: true)
        let server = try TestPostgres.server()
        let port = server.split(separator: ":").last!.split(separator: "/").first!
        let noServer = "postgresql://pledge@127.0.0.1:1/x", noDatabase = try TestPostgres.url("pledge_no_such_database")
        let entries = try s.postgres!.psql("SELECT count(*) FROM entries").out
        let cases: [([String], [String: String], Int32, String, String)] = [
            (["--db", "postgresql://:secret@/", "report", "progress"], [:], 64, "not a valid PostgreSQL URL", "不是有效的 PostgreSQL 地址"),
            (["--db", noServer, "report", "progress"], [:], 74, "cannot read or write", "无法读写"),
            (["--db", noDatabase, "report", "progress"], [:], 74, "createdb", "createdb"),
            (["--db", s.db, "init"], [:], 73, "already", "已有"),
            (["--db", s.db, "backup", s.directory.appendingPathComponent("b.sqlite").path], [:], 64, "pg_dump", "pg_dump"),
            (["--db", s.db, "--read-only"] + s.registerArgs, [:], 74, "read-only", "只读"),
        ]
        for (args, env, code, en, zh) in cases {
            for (lang, words) in [("en", en), ("zh", zh)] {
                let out = try s.run(["--lang", lang] + args, withDB: false, env: env)
                #expect(out.code == code && out.stderr.contains(words), "\(args) \(lang): \(out.code) \(out.stderr)")
                #expect(out.stderr.split(separator: "\n").count == 1 && !out.stderr.contains("secret"), "\(out.stderr)")
            }
        }
        #expect(try s.postgres!.psql("SELECT count(*) FROM entries").out == entries)
        #expect(port != "1")
    }

    @Test("psql cannot change, delete or truncate the journal, nor append a link that does not continue the chain")
    func journalTriggers() throws {
        let s = try CLISandbox(postgres: true)
        #expect(try s.run(s.registerArgs).code == 0)
        let db = s.postgres!
        for sql in ["UPDATE entries SET operator = 'x' WHERE seq = 3", "DELETE FROM entries WHERE seq = 3", "TRUNCATE entries",
                    "INSERT INTO entries SELECT seq + 1, at, operator, kind, reg_no, payload, prev_hash, hash FROM entries WHERE seq = 3",
                    "INSERT INTO entries SELECT seq + 1, at, operator, kind, reg_no, payload, hash, prev_hash FROM entries WHERE seq = 3"] {
            let out = try db.psql(sql)
            #expect(out.code != 0 && out.err.contains("entries"), "\(sql): \(out.err)")
        }
        #expect(try db.psql("SELECT count(*) FROM entries").out == "3")
        let verified = try s.run(["audit", "verify"])
        #expect(verified.code == 0, "\(verified.stdout) \(verified.stderr)")
    }

    @Test("audit verify names what psql altered behind the triggers", arguments: [
        ("ALTER TABLE entries DISABLE TRIGGER entries_no_update; UPDATE entries SET payload = payload || ' ' WHERE seq = 3", "entry 3"),
        ("ALTER TABLE entries DISABLE TRIGGER entries_no_delete; DELETE FROM entries WHERE seq = 3", "Y2024620000001"),
        ("UPDATE registrations SET amount_fen = amount_fen + 1", "registrations Y2024620000001"),
        ("DROP TRIGGER entries_no_update ON entries", "entries_no_update"),
        ("CREATE INDEX extra ON registrations(notes)", "extra"),
    ])
    func tampering(_ sql: String, _ named: String) throws {
        let s = try CLISandbox(postgres: true)
        #expect(try s.run(s.registerArgs).code == 0)
        #expect(try s.postgres!.psql(sql).code == 0)
        let out = try s.run(["audit", "verify"])
        #expect(out.code == 1 && (out.stdout + out.stderr).contains(named), "\(sql): \(out.stdout) \(out.stderr)")
    }

    @Test("8 writers at once: every registration recorded once, the chain unbroken, the ledger verified")
    func concurrentWriters() throws {
        let s = try CLISandbox(postgres: true)
        // Eight writers side by side, each registering five in a row.
        let failures = Mutex<[String]>([])
        nonisolated(unsafe) let sandbox = s  // run() writes files of its own per call
        DispatchQueue.concurrentPerform(iterations: 8) { w in
            for i in 0..<5 {
                let out = try? sandbox.run(["--operator", "w\(w)"] + sandbox.registerArgs(replacing: "--reg-no", with: "W\(w)-\(i)"), withDB: false,
                                           env: ["PLEDGE_DB": sandbox.db])
                if out?.code != 0 { failures.withLock { $0.append("W\(w)-\(i): \(out?.stderr ?? "")") } }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let db = s.postgres!
        #expect(try db.psql("SELECT count(*), max(seq) FROM entries").out == "42|42")
        #expect(try db.psql("SELECT count(*) FROM entries a JOIN entries b ON b.seq = a.seq + 1 WHERE b.prev_hash <> a.hash").out == "0")
        let verified = try s.run(["audit", "verify"])
        #expect(verified.code == 0, "\(verified.stdout) \(verified.stderr)")
    }

    @Test("kill -9 during an import: nothing of it is in the ledger, which verifies and takes the same file afterwards")
    func killedImport() throws {
        let s = try CLISandbox(postgres: true)
        let file = try s.historyFile("bank.csv", prefix: "K", rows: 6_000, noteRepeats: 2)
        let process = Process()
        process.executableURL = CLISandbox.binary
        process.arguments = ["--db", s.db, "import", file]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Killed once its transaction has written (a server backend of this database holds a transaction id).
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning,
              try s.query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL") == "0" {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.1)
        #expect(process.isRunning, "the import ended before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(try s.query("SELECT count(*) FROM entries") == "2")
        #expect(try s.query("SELECT count(*) FROM registrations") == "0")
        let verified = try s.run(["audit", "verify"])
        #expect(verified.code == 0, "\(verified.stdout) \(verified.stderr)")
        let again = try s.run(["import", file])
        #expect(again.code == 0, "\(again.stderr)")
        #expect(try s.query("SELECT count(*) FROM registrations") == "6000")
    }
}
