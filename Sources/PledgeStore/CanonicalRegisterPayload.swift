import PledgeCore

/// The canonical payload of a `register` entry built byte by byte: the import hot path's exception to
/// "use JSONEncoder" (DESIGN.md: JSONEncoder alone cost twice the whole import floor). It must stay
/// byte-identical to `CanonicalEntry.payload` (JSONEncoder, sorted keys, slashes unescaped); a test holds
/// the two equal over varied registrations, including quotes, backslashes and control characters.
///
/// One template serves two sources: a `Registration` (the import) and the columns of a `registrations`
/// row as SQLite holds them (`audit verify`'s quick pass, which compares the result with the journal).
struct CanonicalRegisterPayload {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1024) }

    mutating func build(seq: Int64, at: String, operator op: String, late: Bool, registration r: Registration) -> [UInt8] {
        var at = at, op = op
        return at.withUTF8 { at in op.withUTF8 { op in build(seq: seq, at: at, operator: op, late: late, RegistrationSource(r: r)) } }
    }

    mutating func build<S: RegisterPayloadSource>(seq: Int64, at: UnsafeBufferPointer<UInt8>, operator op: UnsafeBufferPointer<UInt8>,
                                                  late: Bool, _ r: S) -> [UInt8] {
        bytes.removeAll(keepingCapacity: true)
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
        return bytes
    }

    /// The text fields of a registration's payload, and its flags.
    enum TextField { case bank, branch, enterprise, ipType, maturity, notes, park, prefecture, rate, regDate, regNo, uscc }
    enum FlagField { case firstLoan, insured, rywq, usccOverride }

    private mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func bool(_ b: Bool) { b ? raw("true") : raw("false") }

    private mutating func int(_ v: Int64) {
        guard v >= 0 else { return bytes.append(contentsOf: String(v).utf8) }
        // Decimal digits without a String (two per row: the amount and the seq).
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes: room for Int64.max's 19 digits
        var n = UInt64(v), count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[23 - count] = UInt8(truncatingIfNeeded: 0x30 + n % 10)
                n /= 10
                count += 1
            } while n > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(24 - count)...]))
        }
    }

    static let hex = Array("0123456789abcdef".utf8)

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { string($0) }
    }

    /// A JSON string as JSONEncoder writes it: `"` and `\` escaped, \b \f \n \r \t short forms, other
    /// C0 controls as \u00xx, everything else (including `/`, DEL and non-ASCII) as the same bytes.
    mutating func string(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        // Most fields need no escape: copy them whole.
        var plain = true
        for i in 0..<utf8.count {
            let b = utf8[i]
            if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { plain = false; break }
        }
        if plain {
            bytes.append(contentsOf: utf8)
        } else {
            escaped(utf8)
        }
        bytes.append(UInt8(ascii: "\""))
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
                bytes.append(Self.hex[Int(b >> 4)])
                bytes.append(Self.hex[Int(b & 0x0F)])
            default: bytes.append(b)
            }
        }
    }

    mutating func comma() { bytes.append(UInt8(ascii: ",")) }
}

/// Where the payload's values come from.
protocol RegisterPayloadSource {
    var amountFen: Int64 { get }
    func has(_ f: CanonicalRegisterPayload.TextField) -> Bool
    func write(_ f: CanonicalRegisterPayload.TextField, _ b: inout CanonicalRegisterPayload)
    func flag(_ f: CanonicalRegisterPayload.FlagField) -> Bool
    func writeIPNumbers(_ b: inout CanonicalRegisterPayload)
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
    func write(_ f: CanonicalRegisterPayload.TextField, _ b: inout CanonicalRegisterPayload) { b.string(text(f) ?? "") }

    func flag(_ f: CanonicalRegisterPayload.FlagField) -> Bool {
        switch f {
        case .firstLoan: r.firstLoan
        case .insured: r.insured
        case .rywq: r.rywq
        case .usccOverride: r.usccOverride
        }
    }

    func writeIPNumbers(_ b: inout CanonicalRegisterPayload) {
        for (i, n) in r.ipNumbers.enumerated() {
            if i > 0 { b.comma() }
            b.string(n)
        }
    }
}
