import Foundation
import PledgeCore
import PledgeStore
import Testing
@testable import PledgeIO

/// What an import reports to a terminal: reading progress, then each step that completes the load, in order.
@Suite("Import progress")
struct ImportProgressTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("SampleData/registrations-en.csv").path

    /// A fresh ledger in its own directory, and every progress report of one import into it.
    final class Run {
        let directory: URL
        let ledger: Ledger
        var reports: [ImportProgress] = []

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("pledge-io-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            ledger = try Ledger.create(at: directory.appendingPathComponent("ledger.sqlite").path, operatorName: "tester")
            _ = try ledger.initialize(reference: .shipped())
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        func importFile(_ path: String, dryRun: Bool = false) throws -> ImportSummary {
            var options = ImportOptions()
            options.dryRun = dryRun
            let importer = Importer(ledger: ledger, options: options, today: try CivilDate.parse("2026-11-26")) { self.reports.append($0) }
            return try importer.run(path: path, name: path)
        }

        var steps: [LoadStep] { reports.compactMap { if case .finishing(let s) = $0 { s } else { nil } } }
        var readings: [ImportProgress] { reports.filter { if case .reading = $0 { true } else { false } } }

        /// The secondary indexes a first load drops and builds again.
        func deferredIndexCount() throws -> Int {
            try sqlite3(ledger.path, """
                SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                  AND tbl_name IN ('registrations', 'registration_rights', 'entries')
                """)
        }
    }

    @Test("a first load reports its reading, then projections, each index, both checks and the commit, in that order")
    func firstLoad() throws {
        let run = try Run()
        let indexes = try run.deferredIndexCount()
        #expect(indexes >= 7)
        let summary = try run.importFile(Self.sample)
        #expect(summary.new == 12)
        let expected: [LoadStep] = [.writingProjections] + (1...indexes).map { .buildingIndex(number: $0, count: indexes) }
            + [.checkingForeignKeys, .checkingChain, .committing]
        #expect(run.steps == expected)
        // Reading comes first and ends with every row and the whole file.
        let size = try #require(try FileManager.default.attributesOfItem(atPath: Self.sample)[.size] as? Int64)
        #expect(run.reports.first.map { if case .reading = $0 { true } else { false } } == true)
        #expect(run.readings.last == .reading(bytes: size, total: size, rows: 12))
        #expect(run.reports.firstIndex(of: .finishing(.writingProjections)) == run.readings.count)
    }

    @Test("a later load has nothing to rebuild or check once: projections, then the commit")
    func laterLoad() throws {
        let run = try Run()
        _ = try run.importFile(Self.sample)
        run.reports = []
        let summary = try run.importFile(Self.sample)
        #expect(summary.unchanged == 12)
        #expect(run.steps == [.writingProjections, .committing])
    }

    @Test("a dry run and a refused file report their reading and no step: nothing is committed")
    func nothingCommitted() throws {
        let run = try Run()
        _ = try run.importFile(Self.sample, dryRun: true)
        #expect(run.steps.isEmpty)
        #expect(!run.readings.isEmpty)

        let bad = run.directory.appendingPathComponent("bad.csv").path
        try "reg_no,reg_date,uscc,enterprise,bank,amount_yuan,ip_numbers\nX-1,2024-03-05,914403001922038217,A,兰州银行,100,12345\n"
            .write(toFile: bad, atomically: true, encoding: .utf8)
        run.reports = []
        #expect(throws: ImportRefused.self) { try run.importFile(bad) }
        #expect(run.steps.isEmpty)
        #expect(try sqlite3(run.ledger.path, "SELECT count(*) FROM registrations") == 0)
    }
}

/// The plain `sqlite3` tool's integer answer about a ledger file.
func sqlite3(_ path: String, _ sql: String) throws -> Int {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = ["-readonly", path, sql]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
}
