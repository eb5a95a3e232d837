#if canImport(Glibc)
import Glibc
#endif
import PledgeCore

/// The canonical payload of a `register` entry built byte by byte: the import hot path's exception to
/// "use JSONEncoder" (DESIGN.md: JSONEncoder alone cost twice the whole import floor). It must stay
/// byte-identical to `CanonicalEntry.payload` (JSONEncoder, sorted keys, slashes unescaped); a test holds
/// the two equal over varied registrations, including quotes, backslashes and control characters.
struct CanonicalRegisterPayload {
    private var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1024) }

    mutating func build(seq: Int64, at: String, operator op: String, late: Bool, reason: String? = nil, registration r: Registration) -> [UInt8] {
        bytes.removeAll(keepingCapacity: true)
        var w = PayloadWriter(bytes: bytes)
        bytes = []
        w.register(seq: seq, at: at, operator: op, late: late, reason: reason, r)
        bytes = w.bytes
        return bytes
    }
}

/// The template of a `register` entry's canonical payload.
struct PayloadWriter {
    var bytes: [UInt8]

    mutating func register(seq: Int64, at: String, operator op: String, late: Bool, reason: String?, _ r: Registration) {
        raw("{\"at\":"); string(at)
        raw(",\"data\":{\"amountFen\":"); int(r.amount.value)
        if let v = r.appraisedValue { raw(",\"appraisedValueFen\":"); int(v.value) }
        if let v = r.appraiser { raw(",\"appraiser\":"); string(v) }
        raw(",\"bank\":"); string(r.bank)
        if let v = r.branch { raw(",\"branch\":"); string(v) }
        raw(",\"enterprise\":"); string(r.enterprise)
        raw(",\"firstLoan\":"); bool(r.firstLoan)
        raw(",\"insured\":"); bool(r.insured)
        if let v = r.insuredAmount { raw(",\"insuredAmountFen\":"); int(v.value) }
        if let v = r.insurer { raw(",\"insurer\":"); string(v) }
        raw(",\"ipNumbers\":[")
        for (i, n) in r.ipNumbers.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            string(n)
        }
        raw("],\"ipType\":"); string(r.ipType.rawValue)
        if let v = r.maturity { raw(",\"maturity\":"); string(v.description) }
        if let v = r.notes { raw(",\"notes\":"); string(v) }
        if let v = r.park { raw(",\"park\":"); string(v) }
        if let v = r.prefectureCode { raw(",\"prefecture\":"); string(v) }
        if let v = r.rate { raw(",\"rate\":"); string(v) }
        raw(",\"regDate\":"); string(r.regDate.description)
        raw(",\"regNo\":"); string(r.regNo)
        raw(",\"rywq\":"); bool(r.rywq)
        raw(",\"uscc\":"); string(r.uscc)
        raw(",\"usccOverride\":"); bool(r.usccOverride)
        raw("},\"kind\":\"register\"")
        if late { raw(",\"late\":true") }
        raw(",\"operator\":"); string(op)
        if let reason { raw(",\"reason\":"); string(reason) }
        raw(",\"regNo\":"); string(r.regNo)
        raw(",\"seq\":"); int(seq)
        raw("}")
    }

    private mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func bool(_ b: Bool) { b ? raw("true") : raw("false") }

    private mutating func int(_ v: Int64) {
        var s = String(v)
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    static var hex: StaticString { "0123456789abcdef" }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { string($0) }
    }

    /// A JSON string as JSONEncoder writes it: `"` and `\` escaped, \b \f \n \r \t short forms, other
    /// C0 controls as \u00xx, everything else (including `/`, DEL and non-ASCII) as the same bytes.
    mutating func string(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        // Most fields need no escape: copy them whole.
        if Self.isPlain(utf8) {
            bytes.append(contentsOf: utf8)
        } else {
            escaped(utf8)
        }
        bytes.append(UInt8(ascii: "\""))
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
                    bytes.append(h[Int(b >> 4)])
                    bytes.append(h[Int(b & 0x0F)])
                }
            default: bytes.append(b)
            }
        }
    }

}
