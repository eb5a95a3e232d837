import Foundation
import PledgeCore
import Testing
@testable import PledgeIO
@testable import PledgeStore

/// `query` lists a large share of the ledger by one scan and sort instead of through an index: both plans must list the
/// same registrations in the same order, with the same totals.
@Suite("Query plans")
struct QueryPlanTests {
    @Test("scan and index give the same listing and totals, for every kind of filter")
    func samePlans() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pledge-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try Ledger.create(at: directory.appendingPathComponent("ledger.sqlite").path, operatorName: "tester")
        _ = try ledger.initialize(reference: .shipped())
        let today = try CivilDate.parse("2025-06-30")
        let written = try DemoData(reference: try ledger.reference(), today: today).fill(ledger, count: 1500, seed: 3)
        #expect(written > 0)

        #expect(try ledger.query(RegistrationQuery()) { _ in }.registrations > 1000)
        var queries: [RegistrationQuery] = [RegistrationQuery()]
        var byDate = RegistrationQuery(); byDate.from = try CivilDate.parse("2023-01-01"); byDate.to = try CivilDate.parse("2024-06-30")
        var byStatus = RegistrationQuery(); byStatus.status = .active
        var byFlags = RegistrationQuery(); byFlags.rywq = true; byFlags.ipType = .patent
        queries += [byDate, byStatus, byFlags]
        // A park and a bank that occur in the sample.
        var first: RegistrationState?
        var limited = RegistrationQuery(); limited.limit = 1
        try ledger.query(limited) { first = $0 }
        var byBank = RegistrationQuery(); byBank.bank = first?.registration.bank
        queries.append(byBank)
        var byPark = RegistrationQuery(); byPark.park = "兰州新区"
        queries.append(byPark)

        for q in queries {
            var scanned: [String] = [], indexed: [String] = []
            let a = try ledger.query(q, scanFrom: 0) { scanned.append($0.registration.regNo + "|" + ($0.registration.notes ?? "")) }
            let b = try ledger.query(q, scanFrom: Int.max) { indexed.append($0.registration.regNo + "|" + ($0.registration.notes ?? "")) }
            #expect(scanned == indexed, "\(q)")
            #expect(a == b)
            #expect(scanned.count == a.registrations)
        }
    }
}
