import Foundation
import PledgeCore

/// Reads a `register` entry's canonical payload without Foundation's JSONDecoder (which costs about ten times as much
/// per entry). It accepts plain JSON (any key order, escapes as JSON allows) and returns nil for anything it does not
/// know: the caller then decodes with JSONDecoder. Whatever it returns is re-encoded and compared with the payload byte
/// for byte (`audit verify`), so a payload it misread is refused, never accepted; a test holds it equal to JSONDecoder.
struct RegisterPayloadReader {
    struct Entry {
        var seq: Int64, at: String, `operator`: String, regNo: String?, late: Bool, reason: String?
        var registration: Registration
    }

    private let p: UnsafeRawBufferPointer
    private var i = 0
    /// Texts that repeat across registrations (enterprise, bank, park, …) come from here, stored once.
    private var shared = TextInterner()

    private init(_ p: UnsafeRawBufferPointer) { self.p = p }

    static func read(_ payload: UnsafeRawBufferPointer) -> Entry? {
        var interner = TextInterner()
        return read(payload, interner: &interner)
    }

    static func read(_ payload: UnsafeRawBufferPointer, interner: inout TextInterner) -> Entry? {
        var r = RegisterPayloadReader(payload)
        swap(&r.shared, &interner)
        defer { swap(&r.shared, &interner) }
        return r.entry()
    }

    /// The members in the canonical order; an optional one is read when its key comes next.
    private mutating func entry() -> Entry? {
        guard literal("{\"at\":"), let at = string(), literal(",\"data\":{\"amountFen\":"), let amount = integer(),
              let appraised = optionalInteger(",\"appraisedValueFen\":"), let appraiser = optional(",\"appraiser\":", shared: .common),
              literal(",\"bank\":"), let bank = string(shared: .common) else { return nil }
        let branch = optional(",\"branch\":", shared: .common)
        guard literal(",\"enterprise\":"), let enterprise = string(shared: .name), literal(",\"firstLoan\":"), let firstLoan = bool(),
              literal(",\"insured\":"), let insured = bool(), let insuredAmount = optionalInteger(",\"insuredAmountFen\":"),
              let insurer = optional(",\"insurer\":", shared: .common), literal(",\"ipNumbers\":"), let numbers = strings(),
              literal(",\"ipType\":"), let type = string().flatMap(IPType.init(rawValue:)) else { return nil }
        let maturity = optional(",\"maturity\":"), notes = optional(",\"notes\":"), park = optional(",\"park\":", shared: .common)
        let prefecture = optional(",\"prefecture\":", shared: .common), rate = optional(",\"rate\":", shared: .common)
        guard let branch, let maturity, let notes, let park, let prefecture, let rate,
              literal(",\"regDate\":"), let regDate = string(), literal(",\"regNo\":"), let regNo = string(),
              literal(",\"rywq\":"), let rywq = bool(), literal(",\"uscc\":"), let uscc = string(shared: .uscc),
              literal(",\"usccOverride\":"), let usccOverride = bool(), literal("},\"kind\":\"register\"") else { return nil }
        let late = literal(",\"late\":true")
        guard literal(",\"operator\":"), let op = string(shared: .common), let reason = optional(",\"reason\":"),
              literal(",\"regNo\":"), let entryRegNo = string(), literal(",\"seq\":"),
              let seq = integer(), literal("}"), i == p.count,
              let day = Self.date(regDate), let due = maturity.map({ Self.date($0) }) ?? .some(nil) else { return nil }
        let r = Registration(regNo: regNo, regDate: day, uscc: uscc, usccOverride: usccOverride, enterprise: enterprise, bank: bank,
                             branch: branch, amount: Fen(amount), ipType: type, ipNumbers: numbers, park: park, prefectureCode: prefecture,
                             maturity: due, rate: rate, rywq: rywq, firstLoan: firstLoan, insured: insured, notes: notes,
                             appraisedValue: appraised.map(Fen.init), appraiser: appraiser, insurer: insurer, insuredAmount: insuredAmount.map(Fen.init))
        return Entry(seq: seq, at: at, operator: op, regNo: entryRegNo, late: late, reason: reason, registration: r)
    }

    /// A date as the journal writes it (CivilDate's JSON form).
    private static func date(_ s: String) -> CivilDate? {
        guard s.utf8.count == 10 else { return nil }
        return try? CivilDate.parse(s)
    }

    /// The bytes of `s` next: consumed (true), or nothing consumed (false).
    private mutating func literal(_ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard p.count - i >= n, memcmp(p.baseAddress! + i, s.utf8Start, n) == 0 else { return false }
        i += n
        return true
    }

    /// An optional string member: .some(nil) when its key does not come next, nil when it does but its value is no string.
    private mutating func optional(_ key: StaticString, shared: TextInterner.Kind? = nil) -> String?? {
        guard literal(key) else { return .some(nil) }
        return string(shared: shared).map { .some($0) }
    }

    private mutating func optionalInteger(_ key: StaticString) -> Int64?? {
        guard literal(key) else { return .some(nil) }
        return integer().map { .some($0) }
    }

    private var byte: UInt8? { i < p.count ? p[i] : nil }

    private mutating func expect(_ c: UInt8) -> Bool {
        guard byte == c else { return false }
        i += 1
        return true
    }

    private mutating func strings() -> [String]? {
        guard expect(UInt8(ascii: "[")) else { return nil }
        var out: [String] = []
        if expect(UInt8(ascii: "]")) { return out }
        repeat {
            guard let s = string() else { return nil }
            out.append(s)
        } while expect(UInt8(ascii: ","))
        return expect(UInt8(ascii: "]")) ? out : nil
    }

    private mutating func bool() -> Bool? {
        if literal("true") { return true }
        return literal("false") ? false : nil
    }

    /// A decimal integer as JSONEncoder writes an Int64: an optional minus, no leading zero, no `-0`.
    private mutating func integer() -> Int64? {
        let negative = expect(UInt8(ascii: "-"))
        let start = i
        var v: Int64 = 0
        while let c = byte, c >= 0x30, c <= 0x39 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(Int64(c - 0x30)) : m.addingReportingOverflow(Int64(c - 0x30))
            guard !o1, !o2 else { return nil }
            v = a
            i += 1
        }
        guard i > start, !(p[start] == 0x30 && (i - start > 1 || negative)) else { return nil }
        return v
    }

    /// A JSON string escaped as JSONEncoder escapes: `\"`, `\\`, the short forms \b \f \n \r \t, and \u00xx (lower-case) for the
    /// other control characters; every other byte (`/`, DEL, non-ASCII) as it is.
    private mutating func string(shared kind: TextInterner.Kind? = nil) -> String? {
        guard expect(UInt8(ascii: "\"")) else { return nil }
        let start = i
        while let c = byte, c != UInt8(ascii: "\""), c != UInt8(ascii: "\\"), c >= 0x20 { i += 1 }
        if byte == UInt8(ascii: "\"") {
            let bytes = UnsafeRawBufferPointer(rebasing: p[start..<i])
            let s = kind.map { shared.text(bytes, $0) } ?? Self.text(bytes)
            i += 1
            return s
        }
        var out = Array(p[start..<i])
        while let c = byte {
            i += 1
            switch c {
            case UInt8(ascii: "\""): return out.withUnsafeBytes { Self.text($0) }
            case UInt8(ascii: "\\"):
                guard let e = byte else { return nil }
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard let v = hex4(), v < 0x20, ![0x08, 0x09, 0x0A, 0x0C, 0x0D].contains(v) else { return nil }
                    out.append(UInt8(v))
                default: return nil
                }
            case 0..<0x20: return nil
            default: out.append(c)
            }
        }
        return nil
    }

    /// The text of valid UTF-8 bytes, nil for anything else (decoding replaces bad bytes, so the bytes are compared
    /// again: cheaper than the generic `String(validating:)`).
    private static func text(_ bytes: UnsafeRawBufferPointer) -> String? {
        var s = String(decoding: bytes, as: UTF8.self)
        let same = s.withUTF8 { $0.count == bytes.count && ($0.isEmpty || memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0) }
        return same ? s : nil
    }

    /// Four lower-case hex digits.
    private mutating func hex4() -> UInt32? {
        guard p.count - i >= 4 else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = p[i]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x61...0x66: d = c - 0x61 + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }
}
