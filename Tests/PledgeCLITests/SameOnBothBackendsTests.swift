import Foundation
import Testing

/// One clerk's month of work, command by command, on a SQLite ledger and on a PostgreSQL one: every command family
/// (registrations and their lifecycle, targets, periods, checks, reports, listings, the bureau's money, approvals,
/// audit), good input and bad, in both languages, must print the same words and exit with the same code on both. Only
/// what differs by nature is set aside: the entries' times and hashes, and the ledger's own location.
@Suite("every command on SQLite and on PostgreSQL")
struct SameOnBothBackendsTests {
    static let sample = PostgresCLITests.sample
    static let uscc = CLISandbox.validUSCC

    /// The scenario, in order; each step runs on both ledgers before the next.
    static func steps(_ s: CLISandbox) -> [[String]] {
        let second = s.registerArgs(replacing: "--reg-no", with: "Y2024620000002")
            .map { $0 == "CN201710601862.3" ? CLISandbox.patent("Y2024620000002") : $0 }.filter { $0 != "97101765.4" }
        var steps: [[String]] = [
            ["import", sample], ["import", sample], s.registerArgs, s.registerArgs, second,
            ["show", "Y2024620000001"], ["show", "NOPE"], ["history", "Y2024620000001"],
            ["correct", "Y2024620000001", "--field", "amount", "--value", "2100", "--unit", "wan", "--reason", "金额更正"],
            ["correct", "Y2024620000001", "--field", "amount", "--value", "2100", "--unit", "wan", "--reason", "again"],
            ["extend", "Y2024620000001", "--maturity", "2027-03-05"], ["extend", "Y2024620000001", "--maturity", "2020-01-01"],
            ["release", "Y2024620000002", "--date", "2024-01-01"], ["void", "NOPE", "--reason", "x"],
            ["default", "Y2024620000001", "--date", "2024-09-30"], ["default", "Y2024620000001", "--date", "2024-10-30"],
            ["target", "set", "t2", "--amount", "1", "--unit", "yi", "--from", "2024-01-01", "--to", "2024-12-31"],
            ["target", "list"], ["target", "default", "t2"], ["report", "progress", "--as-of", "2024-12-31"],
            ["target", "default", "gansu-2025"], ["target", "remove", "t2", "--reason", "重复"], ["target", "remove", "t9", "--reason", "x"],
            ["period", "close", "2024-06"], ["period", "close", "2024-06"], ["period", "list"],
            s.registerArgs(replacing: "--reg-no", with: "Y2024620000003").map { $0 == "2024-03-05" ? "2024-06-15" : $0 },
            ["period", "reopen", "2024-06"], ["period", "reopen", "2024-06", "--reason", "补录"], ["period", "list"],
            ["check"], ["check", "--format", "json"],
            ["query", "--park", "兰州高新区", "--format", "csv"], ["query", "--bank", "兰州银行", "--status", "active"],
            ["query", "--prefecture", "天水市", "--from", "2023-01-01", "--to", "2023-12-31", "--format", "json"],
            ["export", "--format", "csv"],
            ["report", "monthly", "--from", "2021-01", "--to", "2025-12", "--by", "bank"], ["report", "annual", "--by", "park"],
            ["report", "progress", "--as-of", "2024-12-31", "--format", "json"], ["report", "progress", "--format", "csv"],
            ["report", "monthly", "--from", "2025-13"],
            ["reference", "parks"], ["reference", "banks"],
            ["subsidy", "policy", "set", "2025贴息", "--share", "50%", "--cap", "5", "--unit", "wan", "--year", "2025"],
            ["subsidy", "policy", "list"], ["subsidy", "compute", "--policy", "2025贴息"],
            ["subsidy", "pay", uscc, "--policy", "2025贴息", "--amount", "1000", "--unit", "yuan", "--date", "2025-12-20"],
            ["subsidy", "pay", uscc, "--policy", "nope", "--amount", "1", "--unit", "yuan", "--date", "2025-01-01"],
            ["report", "subsidy", "--policy", "2025贴息", "--by", "bank"],
            ["pool", "set", "高新区风险池", "--fund", "40%", "--bank", "60%", "--park", "兰州高新区"],
            ["pool", "contribute", "高新区风险池", "--amount", "300", "--unit", "wan", "--date", "2024-01-15", "--from", "兰州高新区财政局"],
            ["pool", "list"],
            ["dispose", "Y2024620000001", "--route", "auction", "--recovered", "1200", "--unit", "wan", "--date", "2024-12-20"],
            ["loss", "Y2024620000001", "--pool", "高新区风险池", "--date", "2025-01-10"],
            ["report", "pool", "--pool", "高新区风险池"], ["report", "pool", "--pool", "高新区风险池", "--format", "json"],
            ["settings", "set", "approval", "required"],
            ["--operator", "张录入"] + s.registerArgs(replacing: "--reg-no", with: "Y2024620000004")
                .map { $0 == "CN201710601862.3" ? CLISandbox.patent("Y2024620000004") : $0 == "2024-03-05" ? "2026-01-05" : $0 }.filter { $0 != "97101765.4" },
            ["proposals"], ["--operator", "张录入", "approve", "NEXT-PROPOSAL"], ["--operator", "李复核", "approve", "NEXT-PROPOSAL"],
            ["history", "Y2024620000004"], ["audit", "verify"], ["audit", "head"],
        ]
        // Every step once more in the other language, where it only reads or is refused.
        steps += [["show", "NOPE"], ["void", "NOPE", "--reason", "x"], ["report", "progress"], ["check"], ["period", "list"]].map { ["--lang", "zh"] + $0 }
        return steps
    }

    /// The text with what differs by nature between two ledgers replaced: times, hashes, the ledger's location.
    static func comparable(_ text: String, _ s: CLISandbox) -> String {
        var t = text.replacingOccurrences(of: s.db, with: "<ledger>")
        if let pg = s.postgres { t = t.replacingOccurrences(of: pg.url.replacingOccurrences(of: "postgresql://", with: ""), with: "<ledger>") }
        t = t.replacing(#/[0-9a-f]{64}/#, with: "<hash>")
        t = t.replacing(#/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?/#, with: "<time>")
        return t
    }

    @Test("the same words and exit codes, step by step, good input and bad, in both languages")
    func sameOutput() throws {
        let lite = try CLISandbox(), pg = try CLISandbox(postgres: true)
        var proposal = ""
        var codes: Set<Int32> = []
        var log: [String] = []
        for (i, step) in Self.steps(lite).enumerated() {
            let args = step.map { $0 == "NEXT-PROPOSAL" ? proposal : $0 }
            let a = try lite.run(args), b = try pg.run(args)
            codes.insert(a.code)
            log.append("\(i) \(a.code) \(args.prefix(3)) \(a.stderr.prefix(120))")
            #expect(a.code == b.code, "step \(i) \(args): \(a.code) vs \(b.code): \(a.stderr) | \(b.stderr)")
            #expect(Self.comparable(a.stdout, lite) == Self.comparable(b.stdout, pg), "step \(i) \(args)")
            #expect(Self.comparable(a.stderr, lite) == Self.comparable(b.stderr, pg), "step \(i) \(args)")
            if let line = a.stdout.split(separator: "\n").first(where: { $0.hasPrefix("proposal ") }) { proposal = String(line.split(separator: " ")[1]) }
        }
        // The scenario went where it was meant to: successes, findings, usage errors, bad values, conflicts, and the maker
        // refused their own approval before another person gave it.
        #expect(codes == [0, 1, 64, 65, 73, 77], "\(log.joined(separator: "\n"))")
        #expect(!proposal.isEmpty)
        #expect(try pg.query("SELECT count(*) FROM entries") == lite.query("SELECT count(*) FROM entries"))
        #expect(try pg.query("SELECT status FROM proposals") == "approved")
    }
}
