import Foundation
import GRDB
import Testing
import PledgeCore
@testable import PledgeStore

/// `Ledger.replay(from:)`, the store's half of `pledge copy`: an entry is appended only when it re-encodes to its own
/// bytes and hash and continues the chain; anything else leaves the target without a single entry.
@Suite("replaying a journal into another ledger")
struct ReplayTests {
    func source(_ backend: Backend = .sqlite) throws -> TemporaryLedger {
        let t = try TemporaryLedger(backend: backend)
        for i in 1...5 { _ = try t.ledger.register(sampleRegistration("Y20246200000\(10 + i)")) }
        _ = try t.ledger.void("Y2024620000011", reason: "重复录入")
        return t
    }

    @Test("the replayed ledger ends at the source's head with the same registrations, either way between the backends",
          arguments: Backend.allCases, Backend.allCases)
    func sameHead(from: Backend, to: Backend) throws {
        let s = try source(from)
        let target = try TemporaryLedger(initialize: false, backend: to)
        let head = try target.ledger.replay(from: s.ledger, progress: nil)
        #expect(head == (try s.ledger.head()))
        #expect(try target.ledger.registration("Y2024620000011")?.status == .void)
        #expect(try target.ledger.verify().isClean)
    }

    @Test("a target that holds entries is refused, unchanged")
    func notEmpty() throws {
        let s = try source()
        let target = try TemporaryLedger()
        #expect(throws: StoreError.notEmpty(path: target.path)) { try target.ledger.replay(from: s.ledger, progress: nil) }
        #expect(try target.entryCount() == 2)
    }

    @Test("an entry altered outside pledge is refused by its seq; the target keeps no entry", arguments: [
        ("UPDATE entries SET payload = payload || ' ' WHERE seq = 4", Int64(4)),
        ("UPDATE entries SET payload = replace(payload, '\"seq\":5', '\"seq\": 5') WHERE seq = 5", 5),
        ("UPDATE entries SET hash = (CASE substr(hash, 1, 1) WHEN 'f' THEN 'e' ELSE 'f' END) || substr(hash, 2) WHERE seq = 3", 3),
        ("UPDATE entries SET prev_hash = hash WHERE seq = 6", 6),
    ])
    func altered(_ sql: String, _ seq: Int64) throws {
        let s = try source()
        try s.raw().write { db in try db.execute(sql: "DROP TRIGGER entries_no_update; " + sql) }
        let target = try TemporaryLedger(initialize: false)
        #expect(throws: StoreError.replayMismatch(seq: seq)) { try target.ledger.replay(from: s.ledger, progress: nil) }
        #expect(try target.entryCount() == 0)
    }
}
