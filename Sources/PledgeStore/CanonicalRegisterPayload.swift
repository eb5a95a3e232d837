import PledgeCore

/// The canonical payload of a `register` entry built byte by byte: the import hot path's exception to
/// "use JSONEncoder" (DESIGN.md: JSONEncoder alone cost twice the whole import floor). It must stay
/// byte-identical to `CanonicalEntry.payload` (JSONEncoder, sorted keys, slashes unescaped); a test holds
/// the two equal over varied registrations, including quotes, backslashes and control characters.
struct CanonicalRegisterPayload {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1024) }

    mutating func build(seq: Int64, at: String, operator op: String, late: Bool, registration r: Registration) -> [UInt8] {
        bytes.removeAll(keepingCapacity: true)
        raw("{\"at\":"); string(at)
        raw(",\"data\":{\"amountFen\":"); int(r.amount.value)
        raw(",\"bank\":"); string(r.bank)
        if let b = r.branch { raw(",\"branch\":"); string(b) }
        raw(",\"enterprise\":"); string(r.enterprise)
        raw(",\"firstLoan\":"); bool(r.firstLoan)
        raw(",\"insured\":"); bool(r.insured)
        raw(",\"ipNumbers\":[")
        for (i, n) in r.ipNumbers.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            string(n)
        }
        raw("],\"ipType\":"); string(r.ipType.rawValue)
        if let m = r.maturity { raw(",\"maturity\":"); string(m.description) }
        if let n = r.notes { raw(",\"notes\":"); string(n) }
        if let p = r.park { raw(",\"park\":"); string(p) }
        if let p = r.prefectureCode { raw(",\"prefecture\":"); string(p) }
        if let rate = r.rate { raw(",\"rate\":"); string(rate) }
        raw(",\"regDate\":"); string(r.regDate.description)
        raw(",\"regNo\":"); string(r.regNo)
        raw(",\"rywq\":"); bool(r.rywq)
        raw(",\"uscc\":"); string(r.uscc)
        raw(",\"usccOverride\":"); bool(r.usccOverride)
        raw("},\"kind\":\"register\"")
        if late { raw(",\"late\":true") }
        raw(",\"operator\":"); string(op)
        raw(",\"regNo\":"); string(r.regNo)
        raw(",\"seq\":"); int(seq)
        raw("}")
        return bytes
    }

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

    /// A JSON string as JSONEncoder writes it: `"` and `\` escaped, \b \f \n \r \t short forms, other
    /// C0 controls as \u00xx, everything else (including `/`, DEL and non-ASCII) as UTF-8.
    private mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            // Most fields need no escape: copy them whole.
            if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                bytes.append(contentsOf: utf8)
            } else {
                escaped(utf8)
            }
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
}
