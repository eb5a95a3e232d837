import PledgeCore

/// Reads a `register` entry's canonical payload without Foundation's JSONDecoder (which costs about ten times as much
/// per entry). It accepts plain JSON (any key order, escapes as JSON allows) and returns nil for anything it does not
/// know: the caller then decodes with JSONDecoder. Whatever it returns is re-encoded and compared with the payload byte
/// for byte (`audit verify`), so a payload it misread is refused, never accepted; a test holds it equal to JSONDecoder.
struct RegisterPayloadReader {
    struct Entry {
        var seq: Int64, at: String, `operator`: String, regNo: String?, late: Bool
        var registration: Registration
    }

    private let p: UnsafeRawBufferPointer
    private var i = 0

    private init(_ p: UnsafeRawBufferPointer) { self.p = p }

    static func read(_ payload: UnsafeRawBufferPointer) -> Entry? {
        var r = RegisterPayloadReader(payload)
        return r.envelope()
    }

    private mutating func envelope() -> Entry? {
        var seq: Int64?, at: String?, op: String?, regNo: String?, late = false, kind: String?, data: Registration?
        let ok = object { r, key in
            switch key {
            case "seq": seq = r.integer()
            case "at": at = r.string()
            case "operator": op = r.string()
            case "regNo": regNo = r.string(); return regNo != nil
            case "late": guard let b = r.bool() else { return false }; late = b; return true
            case "kind": kind = r.string()
            case "data": data = r.registration()
            default: return false
            }
            return true
        }
        guard ok, i == p.count, kind == "register", let seq, let at, let op, let data else { return nil }
        return Entry(seq: seq, at: at, operator: op, regNo: regNo, late: late, registration: data)
    }

    private mutating func registration() -> Registration? {
        var text: [String: String] = [:], flags: [String: Bool] = [:]
        var amount: Int64?, numbers: [String]?
        let ok = object { r, key in
            switch key {
            case "amountFen": amount = r.integer(); return amount != nil
            case "ipNumbers": numbers = r.strings(); return numbers != nil
            case "firstLoan", "insured", "rywq", "usccOverride":
                guard let b = r.bool() else { return false }
                flags[key] = b
            case "bank", "branch", "enterprise", "ipType", "maturity", "notes", "park", "prefecture", "rate", "regDate", "regNo", "uscc":
                guard let s = r.string() else { return false }
                text[key] = s
            default: return false
            }
            return true
        }
        func date(_ key: String) -> CivilDate?? {
            guard let s = text[key] else { return .some(nil) }
            guard s.utf8.count == 10, let d = try? CivilDate.parse(s) else { return nil }
            return .some(d)
        }
        guard ok, let amount, let numbers, let regNo = text["regNo"], let uscc = text["uscc"], let enterprise = text["enterprise"],
              let bank = text["bank"], let type = text["ipType"].flatMap(IPType.init(rawValue:)), let regDate = date("regDate") ?? nil,
              let maturity = date("maturity"), let firstLoan = flags["firstLoan"], let insured = flags["insured"], let rywq = flags["rywq"],
              let usccOverride = flags["usccOverride"] else { return nil }
        return Registration(regNo: regNo, regDate: regDate, uscc: uscc, usccOverride: usccOverride, enterprise: enterprise, bank: bank,
                            branch: text["branch"], amount: Fen(amount), ipType: type, ipNumbers: numbers, park: text["park"],
                            prefectureCode: text["prefecture"], maturity: maturity, rate: text["rate"], rywq: rywq, firstLoan: firstLoan,
                            insured: insured, notes: text["notes"])
    }

    private var byte: UInt8? { i < p.count ? p[i] : nil }

    private mutating func expect(_ c: Character) -> Bool {
        guard byte == c.asciiValue else { return false }
        i += 1
        return true
    }

    /// `{"key":value,…}`: `member` reads each value and says whether it could.
    private mutating func object(_ member: (inout RegisterPayloadReader, String) -> Bool) -> Bool {
        guard expect("{") else { return false }
        if expect("}") { return true }
        repeat {
            guard let key = string(), expect(":"), member(&self, key) else { return false }
        } while expect(",")
        return expect("}")
    }

    private mutating func strings() -> [String]? {
        guard expect("[") else { return nil }
        var out: [String] = []
        if expect("]") { return out }
        repeat {
            guard let s = string() else { return nil }
            out.append(s)
        } while expect(",")
        return expect("]") ? out : nil
    }

    private mutating func bool() -> Bool? {
        if p.count - i >= 4, p[i] == UInt8(ascii: "t"), p[i + 1] == UInt8(ascii: "r"), p[i + 2] == UInt8(ascii: "u"), p[i + 3] == UInt8(ascii: "e") {
            i += 4
            return true
        }
        if p.count - i >= 5, p[i] == UInt8(ascii: "f"), p[i + 1] == UInt8(ascii: "a"), p[i + 2] == UInt8(ascii: "l"), p[i + 3] == UInt8(ascii: "s"),
           p[i + 4] == UInt8(ascii: "e") {
            i += 5
            return false
        }
        return nil
    }

    /// A non-negative decimal integer without leading zeros that fits Int64 (anything else: nil, and JSONDecoder decides).
    private mutating func integer() -> Int64? {
        let start = i
        var v: Int64 = 0
        while let c = byte, c >= 0x30, c <= 0x39 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(c - 0x30))
            guard !o1, !o2 else { return nil }
            v = a
            i += 1
        }
        guard i > start, !(p[start] == 0x30 && i - start > 1) else { return nil }
        return v
    }

    /// A JSON string without escapes read as its bytes; with escapes, the escapes JSON allows decoded.
    private mutating func string() -> String? {
        guard expect("\"") else { return nil }
        let start = i
        while let c = byte, c != UInt8(ascii: "\""), c != UInt8(ascii: "\\"), c >= 0x20 { i += 1 }
        if byte == UInt8(ascii: "\"") {
            let s = String(validating: UnsafeRawBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
            i += 1
            return s
        }
        var out = Array(p[start..<i])
        while let c = byte {
            i += 1
            switch c {
            case UInt8(ascii: "\""): return String(validating: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let e = byte else { return nil }
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard expect("\\"), expect("u"), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { return nil }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: return nil
                }
            case 0..<0x20: return nil
            default: out.append(c)
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard p.count - i >= 4 else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let d = Character(UnicodeScalar(p[i])).hexDigitValue else { return nil }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }
}
