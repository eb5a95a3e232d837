/// A Chinese patent application number (ZC 0006-2003), stored as `ZL201710601862.3`.
public struct PatentNumber: Hashable, Sendable, CustomStringConvertible {
    /// The kind encoded in the type digit; it decides the legal term.
    public enum Kind: String, Sendable {
        case invention, utilityModel, design

        /// Legal term in years from filing. 外观设计 filed from 2021-06-01 get 15 years, before that 10.
        public func termYears(filed: CivilDate?) -> Int {
            switch self {
            case .invention: 20
            case .utilityModel: 10
            case .design:
                if let filed, filed >= CivilDate(year: 2021, month: 6, day: 1)! { 15 } else { 10 }
            }
        }
    }

    /// Digits before the check character (12 in the new form, 8 in the old).
    public let digits: String
    public let check: Character

    public var description: String { "ZL" + digits + "." + String(check) }
    public var canonical: String { description }

    public var kind: Kind {
        // `digits` holds ASCII digits only (see init): read them as bytes, not Characters (`pledge check` asks this
        // of every pledged patent).
        switch digitValue(at: digits.utf8.count == 12 ? 4 : 2) {
        case 1, 8: return .invention
        case 2, 9: return .utilityModel
        default: return .design
        }
    }

    /// Filing year: YYYY in the new form, 19YY/20YY in the old (85–99 → 19xx, 00–03 → 20xx).
    public var filingYear: Int {
        if digits.utf8.count == 12 { return (0..<4).reduce(0) { $0 * 10 + digitValue(at: $1) } }
        let yy = digitValue(at: 0) * 10 + digitValue(at: 1)
        return yy >= 85 ? 1900 + yy : 2000 + yy
    }

    private func digitValue(at offset: Int) -> Int {
        let u = digits.utf8
        return Int(u[u.index(u.startIndex, offsetBy: offset)]) - 48
    }

    static let weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]

    public static func checkCharacter(for digits: String) -> Character {
        var sum = 0
        for (c, w) in zip(digits, weights) { sum += c.wholeNumberValue! * w }
        let r = sum % 11
        return r == 10 ? "X" : Character(String(r))
    }

    /// Accepts the number with or without `CN`/`ZL`, the dot and spaces: `CN201710601862.3`,
    /// `ZL 2014 1036 2077.3`, `2014103620773`, `95115608.X`.
    public init(_ raw: String, field: String = "ip") throws {
        // Fast path: the canonical ZL + 12 digits + "." + check (or 8 digits, old form).
        let u = Array(raw.utf8)
        if (u.count == 16 || u.count == 12), u[0] == 0x5A, u[1] == 0x4C, u[u.count - 2] == 0x2E {
            let body = u[2..<(u.count - 2)]
            if body.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                var sum = 0
                for (i, b) in body.enumerated() { sum += Int(b - 48) * PatentNumber.weights[i] }
                let r = sum % 11
                let typeDigit = body[body.startIndex + (body.count == 12 ? 4 : 2)]
                let year = body.count == 12 ? body.prefix(4).reduce(0) { $0 * 10 + Int($1 - 48) } : 1985
                if u[u.count - 1] == (r == 10 ? 0x58 : UInt8(48 + r)), [49, 50, 51, 56, 57].contains(typeDigit), year >= 1985 {
                    digits = String(decoding: body, as: UTF8.self)
                    check = r == 10 ? "X" : Character(String(r))
                    return
                }
            }
        }
        func fail(_ rule: FieldRule) -> FieldError { FieldError(field: field, value: raw, rule: rule) }
        var s = raw.uppercased().filter { $0 != " " && $0 != "\u{3000}" && $0 != "." && $0 != "．" }
        for prefix in ["CN", "ZL"] where s.hasPrefix(prefix) { s.removeFirst(2) }
        if s.hasPrefix("ZL") { s.removeFirst(2) }
        guard s.count == 13 || s.count == 9 else {
            throw fail(.patentLength)
        }
        let body = String(s.dropLast())
        let given = s.last!
        guard body.allSatisfy({ $0.isASCII && $0.isNumber }), given.isASCII, given.isNumber || given == "X" else {
            throw fail(.patentDigits)
        }
        let typeDigit = body.count == 12 ? Array(body)[4] : Array(body)[2]
        guard "12389".contains(typeDigit) else {
            throw fail(.patentType(String(typeDigit)))
        }
        if body.count == 12 {
            let year = Int(body.prefix(4))!
            guard (1985...2999).contains(year) else { throw fail(.patentYear(year)) }
        }
        let expected = PatentNumber.checkCharacter(for: body)
        guard expected == given else { throw fail(.patentCheck(expected: String(expected))) }
        digits = body
        check = given
    }
}
