#if canImport(Glibc)
import Glibc
#endif
import PledgeCore

/// The canonical payload of a `register` entry built byte by byte: the import hot path's exception to
/// "use JSONEncoder" (DESIGN.md: JSONEncoder alone cost twice the whole import floor). It must stay
/// byte-identical to `CanonicalEntry.payload` (JSONEncoder, sorted keys, slashes unescaped); a test holds
/// the two equal over varied registrations, including quotes, backslashes and control characters.
///
/// One template serves two sources: a `Registration` (the import) and the columns of a `registrations`
/// row as SQLite holds them (`audit verify`'s quick pass, which compares the result with the journal).
struct CanonicalRegisterPayload {
    private var writer = PayloadWriter(sink: ByteSink())

    init() { writer.sink.bytes.reserveCapacity(1024) }

    mutating func build(seq: Int64, at: String, operator op: String, late: Bool, registration r: Registration) -> [UInt8] {
        var at = at, op = op
        return at.withUTF8 { at in op.withUTF8 { op in build(seq: seq, at: at, operator: op, late: late, RegistrationSource(r: r)) } }
    }

    mutating func build<S: RegisterPayloadSource>(seq: Int64, at: UnsafeBufferPointer<UInt8>, operator op: UnsafeBufferPointer<UInt8>,
                                                  late: Bool, _ r: S) -> [UInt8] {
        writer.sink.bytes.removeAll(keepingCapacity: true)
        writer.register(seq: seq, at: at, operator: op, late: late, r)
        return writer.sink.bytes
    }

    /// The text fields of a registration's payload, and its flags.
    enum TextField { case bank, branch, enterprise, ipType, maturity, notes, park, prefecture, rate, regDate, regNo, uscc }
    enum FlagField { case firstLoan, insured, rywq, usccOverride }

    static func matches(_ payload: UnsafeBufferPointer<UInt8>, seq: Int64, at: String, operator op: String, late: Bool,
                        registration r: Registration) -> Bool {
        var at = at, op = op
        return at.withUTF8 { at in op.withUTF8 { op in matches(payload, seq: seq, at: at, operator: op, late: late, RegistrationSource(r: r)) } }
    }

    /// True when `payload` is exactly the payload these values build (`audit verify`'s quick pass): compared
    /// piece by piece as the template goes, without building it.
    static func matches<S: RegisterPayloadSource>(_ payload: UnsafeBufferPointer<UInt8>, seq: Int64, at: UnsafeBufferPointer<UInt8>,
                                                  operator op: UnsafeBufferPointer<UInt8>, late: Bool, _ r: S) -> Bool {
        var matcher = PayloadWriter(sink: MatchSink(expected: payload))
        matcher.register(seq: seq, at: at, operator: op, late: late, r)
        return matcher.sink.matched
    }
}

/// Where a payload's bytes go: into an array (the import), or compared with a stored payload (verify).
protocol PayloadSink {
    mutating func put(_ bytes: UnsafeRawBufferPointer)
    mutating func put(_ byte: UInt8)
}

struct ByteSink: PayloadSink {
    var bytes: [UInt8] = []
    mutating func put(_ b: UnsafeRawBufferPointer) { bytes.append(contentsOf: b) }
    mutating func put(_ byte: UInt8) { bytes.append(byte) }
}

/// Compares the bytes put with `expected`, in order.
struct MatchSink: PayloadSink {
    let expected: UnsafeBufferPointer<UInt8>
    private var at = 0
    private var same = true

    init(expected: UnsafeBufferPointer<UInt8>) { self.expected = expected }

    /// Every byte put equals `expected`'s, and all of `expected` was put.
    var matched: Bool { same && at == expected.count }

    mutating func put(_ b: UnsafeRawBufferPointer) {
        guard same, b.count <= expected.count - at else { same = false; return }
        if b.count > 0 { same = Self.equal(UnsafeRawPointer(expected.baseAddress! + at), b.baseAddress!, b.count) }
        at += b.count
    }

    /// Byte equality, inline for the short pieces a payload is made of (a call to memcmp each cost more).
    @inline(__always)
    private static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        switch n {
        case 8...16:
            return a.loadUnaligned(as: UInt64.self) == b.loadUnaligned(as: UInt64.self)
                && a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        case 0..<8:
            for i in 0..<n where a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            return true
        default:
            return memcmp(a, b, n) == 0
        }
    }

    mutating func put(_ byte: UInt8) {
        guard same, at < expected.count, expected[at] == byte else { same = false; return }
        at += 1
    }
}

/// The template of a `register` entry's canonical payload, written into a sink.
struct PayloadWriter<Sink: PayloadSink> {
    var sink: Sink

    mutating func register<S: RegisterPayloadSource>(seq: Int64, at: UnsafeBufferPointer<UInt8>, operator op: UnsafeBufferPointer<UInt8>,
                                                     late: Bool, _ r: S) {
        raw("{\"at\":"); string(at)
        raw(",\"data\":{\"amountFen\":"); int(r.amountFen)
        raw(",\"bank\":"); r.write(.bank, &self)
        if r.has(.branch) { raw(",\"branch\":"); r.write(.branch, &self) }
        raw(",\"enterprise\":"); r.write(.enterprise, &self)
        raw(",\"firstLoan\":"); bool(r.flag(.firstLoan))
        raw(",\"insured\":"); bool(r.flag(.insured))
        raw(",\"ipNumbers\":["); r.writeIPNumbers(&self)
        raw("],\"ipType\":"); r.write(.ipType, &self)
        if r.has(.maturity) { raw(",\"maturity\":"); r.write(.maturity, &self) }
        if r.has(.notes) { raw(",\"notes\":"); r.write(.notes, &self) }
        if r.has(.park) { raw(",\"park\":"); r.write(.park, &self) }
        if r.has(.prefecture) { raw(",\"prefecture\":"); r.write(.prefecture, &self) }
        if r.has(.rate) { raw(",\"rate\":"); r.write(.rate, &self) }
        raw(",\"regDate\":"); r.write(.regDate, &self)
        raw(",\"regNo\":"); r.write(.regNo, &self)
        raw(",\"rywq\":"); bool(r.flag(.rywq))
        raw(",\"uscc\":"); r.write(.uscc, &self)
        raw(",\"usccOverride\":"); bool(r.flag(.usccOverride))
        raw("},\"kind\":\"register\"")
        if late { raw(",\"late\":true") }
        raw(",\"operator\":"); string(op)
        raw(",\"regNo\":"); r.write(.regNo, &self)
        raw(",\"seq\":"); int(seq)
        raw("}")
    }

    private mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { sink.put(UnsafeRawBufferPointer($0)) }
    }

    private mutating func bool(_ b: Bool) { b ? raw("true") : raw("false") }

    private mutating func int(_ v: Int64) {
        guard v >= 0 else {
            var s = String(v)
            return s.withUTF8 { sink.put(UnsafeRawBufferPointer($0)) }
        }
        // Decimal digits without a String (two per row: the amount and the seq).
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes: room for Int64.max's 19 digits
        var n = UInt64(v), count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[23 - count] = UInt8(truncatingIfNeeded: 0x30 + n % 10)
                n /= 10
                count += 1
            } while n > 0
            sink.put(UnsafeRawBufferPointer(rebasing: d[(24 - count)...]))
        }
    }

    static var hex: StaticString { "0123456789abcdef" }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { string($0) }
    }

    /// A JSON string as JSONEncoder writes it: `"` and `\` escaped, \b \f \n \r \t short forms, other
    /// C0 controls as \u00xx, everything else (including `/`, DEL and non-ASCII) as the same bytes.
    mutating func string(_ utf8: UnsafeBufferPointer<UInt8>) {
        sink.put(UInt8(ascii: "\""))
        // Most fields need no escape: copy them whole.
        if Self.isPlain(utf8) {
            sink.put(UnsafeRawBufferPointer(utf8))
        } else {
            escaped(utf8)
        }
        sink.put(UInt8(ascii: "\""))
    }

    /// No byte needs an escape (none below 0x20, no `"`, no `\`): eight bytes per step, the standard
    /// "has a byte less than n / equal to n" word tricks, which are exact about whether any byte is one.
    static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(utf8)
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i + 8 <= raw.count {
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let below20 = (x &- ones &* 0x20) & ~x & highs
            let q = x ^ (ones &* 0x22), b = x ^ (ones &* 0x5C)
            let quote = (q &- ones) & ~q & highs, backslash = (b &- ones) & ~b & highs
            if below20 | quote | backslash != 0 { return false }
            i += 8
        }
        while i < raw.count {
            let c = raw[i]
            if c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") { return false }
            i += 1
        }
        return true
    }

    private mutating func escaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        for b in utf8 {
            switch b {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0x00..<0x20:
                raw("\\u00")
                Self.hex.withUTF8Buffer { h in
                    sink.put(h[Int(b >> 4)])
                    sink.put(h[Int(b & 0x0F)])
                }
            default: sink.put(b)
            }
        }
    }

    mutating func comma() { sink.put(UInt8(ascii: ",")) }
}

/// Where the payload's values come from.
protocol RegisterPayloadSource {
    var amountFen: Int64 { get }
    func has(_ f: CanonicalRegisterPayload.TextField) -> Bool
    func write<K: PayloadSink>(_ f: CanonicalRegisterPayload.TextField, _ b: inout PayloadWriter<K>)
    func flag(_ f: CanonicalRegisterPayload.FlagField) -> Bool
    func writeIPNumbers<K: PayloadSink>(_ b: inout PayloadWriter<K>)
}

/// A registration's values, as the import has them.
private struct RegistrationSource: RegisterPayloadSource {
    let r: Registration
    var amountFen: Int64 { r.amount.value }

    func text(_ f: CanonicalRegisterPayload.TextField) -> String? {
        switch f {
        case .bank: r.bank
        case .branch: r.branch
        case .enterprise: r.enterprise
        case .ipType: r.ipType.rawValue
        case .maturity: r.maturity?.description
        case .notes: r.notes
        case .park: r.park
        case .prefecture: r.prefectureCode
        case .rate: r.rate
        case .regDate: r.regDate.description
        case .regNo: r.regNo
        case .uscc: r.uscc
        }
    }

    func has(_ f: CanonicalRegisterPayload.TextField) -> Bool { text(f) != nil }
    func write<K: PayloadSink>(_ f: CanonicalRegisterPayload.TextField, _ b: inout PayloadWriter<K>) { b.string(text(f) ?? "") }

    func flag(_ f: CanonicalRegisterPayload.FlagField) -> Bool {
        switch f {
        case .firstLoan: r.firstLoan
        case .insured: r.insured
        case .rywq: r.rywq
        case .usccOverride: r.usccOverride
        }
    }

    func writeIPNumbers<K: PayloadSink>(_ b: inout PayloadWriter<K>) {
        for (i, n) in r.ipNumbers.enumerated() {
            if i > 0 { b.comma() }
            b.string(n)
        }
    }
}
