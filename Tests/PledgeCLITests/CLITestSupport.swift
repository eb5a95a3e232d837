import Foundation
import Testing

/// Runs the built `pledge` binary as a user would, in a temporary directory of its own.
final class CLISandbox {
    struct Output {
        var stdout: String
        var stderr: String
        var code: Int32
    }

    let directory: URL
    let db: String

    static let binary: URL = {
        let env = ProcessInfo.processInfo.environment
        if let path = env["PLEDGE_BIN"] { return URL(fileURLWithPath: path) }
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("pledge"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("pledge"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("pledge"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }()

    static let validUSCC = "914403001922038216"

    /// The ledger's own PostgreSQL database (dropped with the sandbox), when the sandbox is on PostgreSQL.
    let postgres: TestPostgres.Database?

    /// `postgres`: the ledger is a new database of the test server (`TestPostgres`) instead of a file.
    init(initialize: Bool = true, postgres: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pledge-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.postgres = postgres ? try TestPostgres.Database() : nil
        db = self.postgres?.url ?? directory.appendingPathComponent("ledger.sqlite").path
        if initialize {
            let out = try run(["init"])
            #expect(out.code == 0, "init failed: \(out.stderr)")
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// `pledge --db <sandbox ledger> --operator tester <args>` unless `withDB` is false.
    @discardableResult
    func run(_ args: [String], withDB: Bool = true, env: [String: String] = [:]) throws -> Output {
        try execute(Self.binary.path, (withDB ? ["--db", db, "--operator", "tester"] : []) + args, env: env)
    }

    /// Any program (a shell with limits, script(1) for a terminal) run in the sandbox with pledge's clean
    /// environment; stdout and stderr go through files, so neither can fill a pipe and stall it.
    func execute(_ executable: String, _ arguments: [String], env: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = "en_US.UTF-8"
        environment.removeValue(forKey: "PLEDGE_DB")
        environment.removeValue(forKey: "PLEDGE_READ_ONLY")
        environment.removeValue(forKey: "PLEDGE_OPERATOR")
        for (k, v) in env { environment[k] = v }
        process.environment = environment
        process.currentDirectoryURL = directory
        let outURL = directory.appendingPathComponent("stdout-\(UUID().uuidString)")
        let errURL = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: outURL), errHandle = try FileHandle(forWritingTo: errURL)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        return Output(stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
                      code: process.terminationStatus)
    }

    /// The plain `sqlite3` tool's answer, as an auditor would get it.
    func sqlite(_ sql: String, file: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [file ?? db, sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The answer of `sqlite3` on the ledger file, or of `psql` on a PostgreSQL ledger (one row per line, `|` between
    /// columns, as both print them).
    func query(_ sql: String) throws -> String {
        guard let postgres else { return try sqlite(sql) }
        return try postgres.psql(sql).out
    }

    /// Everything a write could change: journal head, projection, file bytes.
    struct Snapshot: Equatable {
        var journal: String
        var registrations: String
        var bytes: Data
    }

    func snapshot() throws -> Snapshot {
        Snapshot(journal: try sqlite("SELECT count(*), max(seq), (SELECT hash FROM entries ORDER BY seq DESC LIMIT 1) FROM entries"),
                 registrations: try sqlite("SELECT group_concat(reg_no || status || amount_fen) FROM registrations"),
                 bytes: FileManager.default.contents(atPath: db) ?? Data())
    }

    /// A CSV of `rows` registrations with long notes (years of history: a first load of several MB), in the sandbox.
    func historyFile(_ name: String, prefix: String, rows: Int, noteRepeats: Int, enterprises: Int = Int.max) throws -> String {
        var text = "reg_no,reg_date,uscc,enterprise,bank,amount_wan,ip_numbers,notes\n"
        let note = String(repeating: "备注", count: noteRepeats)
        for i in 0..<rows {
            text += "\(prefix)-\(i),2024-0\(1 + i % 9)-15,\(Self.validUSCC),企业\(i % enterprises),兰州银行,\(10 + i % 50),\(Self.patent(prefix, row: i)),\(note)\n"
        }
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    var registerArgs: [String] {
        ["register", "--reg-no", "Y2024620000001", "--date", "2024-03-05", "--uscc", Self.validUSCC,
         "--enterprise", "甘肃陇原新材料科技有限公司", "--bank", "兰州银行", "--amount", "2,000", "--unit", "wan",
         "--ip-type", "patent", "--ip", "CN201710601862.3", "97101765.4", "--park", "兰州高新区", "--rywq"]
    }

    /// A valid invention patent number of its own for each `key` (a 登记号, a row), so that registrations of a test do not
    /// pledge the same right twice (which the ledger refuses) unless a test means them to.
    static func patent(_ key: String) -> String { patent(key, row: nil) }

    /// Row `row` (< 100,000) of a file named by `key`: distinct rows of one file never share a number, two files rarely.
    static func patent(_ key: String, row: Int?) -> String {
        var h: UInt64 = 1469598103934665603
        for b in key.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
        let serial = row.map { Int(h / 24 % 100) * 100_000 + $0 } ?? Int(h / 24 % 10_000_000)
        let digits = String(2000 + Int(h % 24)) + "1" + String(format: "%07d", serial)
        let weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
        let r = zip(digits, weights).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 } % 11
        return digits + "." + (r == 10 ? "X" : String(r))
    }

    /// `registerArgs` with one option's value replaced (or the option removed when `value` is nil). A new 登记号 gets
    /// a right of its own.
    func registerArgs(replacing option: String, with value: String?) -> [String] {
        var args = registerArgs
        if option == "--reg-no", let value, let i = args.firstIndex(of: "--ip") {
            args.replaceSubrange((i + 1)...(i + 2), with: [Self.patent(value)])
        }
        guard let i = args.firstIndex(of: option) else { return args + (value.map { [option, $0] } ?? []) }
        if let value { args[i + 1] = value } else { args.removeSubrange(i...(i + 1)) }
        return args
    }
}
