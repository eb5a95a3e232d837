import Crypto
import Foundation
import GRDB
import GRDBSQLite
import Testing
import PledgeCore
@testable import PledgeStore


@Suite("The import hot path")
struct ImportHotPathTests {
    static let payloadSamples: [Registration] = [
        sampleRegistration(),
        Registration(regNo: "R\"1\\/", regDate: CivilDate(year: 2024, month: 2, day: 29)!, uscc: "914403001922038215", usccOverride: true,
                     enterprise: "甘肃\"引号\"\\反斜杠/斜杠", bank: "兰州银行", branch: "科技支行", amount: Fen(1), ipType: .copyright,
                     ipNumbers: ["2023SR0123456", "A/B"], park: nil, prefectureCode: "620400", maturity: CivilDate(year: 2026, month: 1, day: 1),
                     rate: "3.85", rywq: false, firstLoan: true, insured: true,
                     notes: "行一\n行二\r\n\t制表\u{1}\u{8}\u{c}\u{1f}\u{7f}\u{2028}😀"),
        Registration(regNo: "X", regDate: CivilDate(year: 2021, month: 1, day: 1)!, uscc: "914403001922038216", enterprise: "e", bank: "b",
                     amount: Fen(Int64.max), ipType: .other, ipNumbers: []),
        // Appraisal and insurance, every optional key present, and each alone.
        Registration(regNo: "A1", regDate: CivilDate(year: 2025, month: 6, day: 1)!, uscc: "914403001922038216", enterprise: "e", bank: "b",
                     amount: Fen(150_000_000), ipType: .patent, ipNumbers: ["ZL201710601862.3"], insured: true, notes: "n",
                     appraisedValue: Fen(300_000_000), appraiser: "甘肃\"中天\"评估/所", insurer: "人保\u{1}财险", insuredAmount: Fen(Int64.max)),
        Registration(regNo: "A2", regDate: CivilDate(year: 2025, month: 6, day: 1)!, uscc: "914403001922038216", enterprise: "e", bank: "b",
                     amount: Fen(1), ipType: .patent, ipNumbers: [], appraisedValue: Fen(1)),
        Registration(regNo: "A3", regDate: CivilDate(year: 2025, month: 6, day: 1)!, uscc: "914403001922038216", enterprise: "e", bank: "b",
                     amount: Fen(1), ipType: .patent, ipNumbers: [], insurer: "i"),
    ]

    @Test("the hand-built register payload is byte-identical to JSONEncoder's canonical form", arguments: payloadSamples)
    func payloadMatchesEncoder(r: Registration) {
        for (late, seq, reason) in [(false, 1, nil), (true, 42, "银行补报/\"3月\"\n"), (false, 1_000_000_007, nil), (true, Int64.max, nil)]
            as [(Bool, Int64, String?)] {
            var builder = CanonicalRegisterPayload()
            let fast = String(decoding: builder.build(seq: seq, at: "2026-01-02T03:04:05.678Z", operator: "王/会计\"", late: late, reason: reason,
                                                      registration: r), as: UTF8.self)
            let slow = try? CanonicalEntry.payload(seq: seq, at: "2026-01-02T03:04:05.678Z", operator: "王/会计\"", regNo: r.regNo, late: late,
                                                    reason: reason, event: .register(r))
            #expect(fast == slow)
        }
    }

    @Test("the fast payload reader reads what JSONDecoder reads from every canonical register payload", arguments: payloadSamples)
    func readerMatchesDecoder(r: Registration) throws {
        var builder = CanonicalRegisterPayload()
        for (late, seq, reason) in [(false, 1, nil), (true, 42, "补录\u{1}"), (false, Int64.max, nil)] as [(Bool, Int64, String?)] {
            let payload = builder.build(seq: seq, at: "2026-01-02T03:04:05.678Z", operator: "王/会计\"\u{1}", late: late, reason: reason, registration: r)
            let fast = try #require(payload.withUnsafeBytes { RegisterPayloadReader.read($0) })
            let slow = try CanonicalEntry.decode(payload: String(decoding: payload, as: UTF8.self))
            #expect(slow.event == .register(fast.registration))
            #expect(slow.header.seq == fast.seq && slow.header.at == fast.at && slow.header.operator == fast.operator)
            #expect(slow.header.late == fast.late && slow.header.regNo == fast.regNo && slow.header.reason == fast.reason)
        }
    }

    @Test("the fast payload reader declines every other form of a canonical payload (JSONDecoder would read them all)", arguments: [
        (#""amountFen":"#, #""amountFen": "#), (#"{"at":"#, #"{ "at":"#), (#""bank":"#, #""bank":"x","bank":"#),
        (#","kind":"register""#, #","kind":"register","late":false"#), ("2026/01", #"2026\/01"#), (#""ipType":"patent""#, #""ipType":"p\u0061tent""#),
        (#""seq":42"#, #""seq":042"#), (#""operator":"o\u001f""#, #""operator":"o\u001F""#),
        (#""enterprise":"#, #""branch":null,"enterprise":"#), (#""insured":false,"#, ""), (#""operator":"o\u001f""#, #""operator":"o\u001f","operator":"o\u001f""#),
    ])
    func readerDeclinesOtherForms(from: String, to: String) throws {
        var builder = CanonicalRegisterPayload()
        let r = sampleRegistration()
        let canonical = String(decoding: builder.build(seq: 42, at: "2026/01/02T03:04:05.678Z", operator: "o\u{1f}", late: false, registration: r), as: UTF8.self)
        #expect(Array(canonical.utf8).withUnsafeBytes { RegisterPayloadReader.read($0) } != nil)
        let other = canonical.replacingOccurrences(of: from, with: to)
        #expect(other != canonical)
        #expect(Array(other.utf8).withUnsafeBytes { RegisterPayloadReader.read($0) } == nil, "\(other)")
    }

    @Test("the fast payload reader declines what it cannot read exactly (JSONDecoder then decides)", arguments: [
        #"{"at":"t","data":{},"kind":"register","operator":"o","seq":1}"#, #"{"at":"t","kind":"void","operator":"o","seq":1}"#,
        #"{"at":"t\x","kind":"register"}"#, #"{"seq":01}"#, #"{"seq":99999999999999999999}"#, "", "{", #"{"at":"\ud800"}"#,
    ])
    func readerDeclines(payload: String) {
        #expect(Array(payload.utf8).withUnsafeBytes { RegisterPayloadReader.read($0) } == nil)
    }

    @Test("the word-at-a-time escape check agrees with a byte loop: each byte value at each position, on several backgrounds",
          arguments: [0x61, 0xE7, 0x80, 0xFF, 0x21, 0x23, 0x5B, 0x5D, 0x20, 0x7F] as [UInt8])
    func plainCheck(background: UInt8) {
        func expected(_ b: [UInt8]) -> Bool { !b.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") } }
        var wrong: [[UInt8]] = []
        for length in [1, 7, 8, 9, 16, 17, 24] {
            for position in 0..<length {
                for value in 0...255 {
                    var bytes = [UInt8](repeating: background, count: length)
                    bytes[position] = UInt8(value)
                    if bytes.withUnsafeBufferPointer({ PayloadWriter.isPlain($0) }) != expected(bytes) { wrong.append(bytes) }
                }
            }
        }
        var random = SeededGenerator(seed: UInt64(background))
        for _ in 0..<20_000 {
            let bytes = (0..<Int(random.next() % 40)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if bytes.withUnsafeBufferPointer({ PayloadWriter.isPlain($0) }) != expected(bytes) { wrong.append(bytes) }
        }
        #expect(wrong.isEmpty, "misjudged: \(wrong.prefix(5))")
    }

    @Test("a bulk import gives the same projections as registering one by one, and verifies, whenever the deltas are flushed",
          arguments: [100_000, 7, 1])
    func sameAsOneByOne(flushEvery: Int) throws {
        let one = try TemporaryLedger(), bulk = try TemporaryLedger()
        var regs: [Registration] = []
        for i in 0..<200 {
            let date = "2024-0\(1 + i % 9)-1\(i % 10)"
            let park: String? = i % 3 == 0 ? nil : "兰州高新技术产业开发区"
            let type: IPType = i % 5 == 0 ? .trademark : .patent
            var r = sampleRegistration("B-\(i)", date: date, amountWan: Int64(10 + i), park: park, type: type)
            // Repeated enterprises under changing names: the last name written must win across flushes.
            r.uscc = sampleUSCC(i % 13)
            r.enterprise = "企业\(i % 13)-\(i / 50)"
            regs.append(r)
        }
        for r in regs { _ = try one.ledger.register(r) }
        try bulk.ledger.write { tx in
            let session = try ImportSession(tx, flushEvery: flushEvery)
            session.allowDoublePledge = true   // these loads share rights on purpose
            for (i, r) in regs.enumerated() { #expect(try newSeq(session.add(r, row: i + 2)) == Int64(i + 3)) }
            #expect(try session.add(regs[0], row: 999) == .unchanged)
            try session.finish()
        }
        for table in ["registrations", "registration_rights", "enterprises", "monthly_totals", "status_totals", "group_totals",
                      "target_enterprises", "targets"] {
            let dump = "SELECT * FROM \(table) ORDER BY 1, 2"
            #expect(try one.raw().read { try Row.fetchAll($0, sql: dump) } == bulk.raw().read { try Row.fetchAll($0, sql: dump) }, "\(table)")
        }
        #expect(try bulk.ledger.verify().isClean)
    }
}

@Suite("Decoding the canonical payload")
struct CanonicalDecodeTests {
    @Test("a note that spells out a kind does not fool the decoder; every kind round-trips")
    func peek() throws {
        var r = sampleRegistration()
        r.notes = #"x,"kind":"void","seq":1 \",\"kind\":\"void"#
        let events: [LedgerEvent] = [.register(r), .void(reason: #","kind":"register""#), .extend(from: nil, to: CivilDate(year: 2030, month: 1, day: 1)!),
                                     .release(date: CivilDate(year: 2025, month: 1, day: 1)!, reason: .other), .target(.gansu2025)]
        for event in events {
            let payload = try CanonicalEntry.payload(seq: 7, at: "t", operator: "o", regNo: "R", late: true, event: event)
            let decoded = try CanonicalEntry.decode(payload: payload)
            #expect(decoded.event == event)
            #expect(decoded.header.seq == 7 && decoded.header.late && decoded.header.regNo == "R")
        }
        for broken in [#"{"at":"t","data":{},"operator":"o","seq":1}"#, #"{"at":"t","data":{},"kind":"teleport","operator":"o","seq":1}"#, "not json"] {
            #expect(throws: LedgerDataError.self) { try CanonicalEntry.decode(payload: broken) }
        }
    }
}

@Suite("Texts read once: the verifier's interner")
struct TextInternerTests {
    @Test("equal bytes give the one stored text; different bytes, kinds and invalid UTF-8 do not mix")
    func interning() throws {
        var interner = TextInterner()
        func text(_ s: String, _ kind: TextInterner.Kind = .common) -> String? {
            Array(s.utf8).withUnsafeBytes { interner.text($0, kind) }
        }
        let a = try #require(text("甘肃银行"))
        #expect(a == "甘肃银行" && text("甘肃银行") == "甘肃银行")
        #expect(text("甘肃银行兰州分行") == "甘肃银行兰州分行" && text("甘肃银行", .name) == "甘肃银行")
        #expect(text("") == "")
        #expect([UInt8]([0xE7, 0x94]).withUnsafeBytes { interner.text($0, .common) } == nil)
        // Many texts (the table grows several times): each comes back as itself.
        let many = (0..<5000).map { "91620100MA7\(String(format: "%07d", $0))" }
        for s in many { #expect(text(s, .uscc) == s) }
        for s in many.reversed() { #expect(text(s, .uscc) == s) }
        // NFC and NFD forms of é are different texts, as SQLite's keys are.
        #expect(text("caf\u{E9}")?.utf8.count == 5 && text("cafe\u{301}")?.utf8.count == 6)
    }
}
