/// The kind of rights one registration pledges.
public enum IPType: String, CaseIterable, Sendable, Codable {
    case patent, trademark, copyright, other

    public var chineseName: String {
        switch self {
        case .patent: "专利"
        case .trademark: "商标"
        case .copyright: "著作权"
        case .other: "其他"
        }
    }

    /// Accepts the English code or the Chinese name (`patent`/`专利`, …).
    public init?(text: String) {
        let t = text.trimmingSpaces.lowercased()
        if let v = IPType(rawValue: t) { self = v; return }
        switch t {
        case "专利", "专利权": self = .patent
        case "商标", "商标权", "注册商标": self = .trademark
        case "著作权", "版权", "软件著作权": self = .copyright
        case "其他", "其它": self = .other
        default: return nil
        }
    }

    public static func parse(_ text: String, field: String) throws -> IPType {
        guard let t = IPType(text: text) else {
            throw FieldError(field: field, value: text, rule: .ipType)
        }
        return t
    }

    /// Validates one pledged right's number for this type and returns its canonical form.
    public func canonicalNumber(_ raw: String, field: String) throws -> String {
        let s = raw.trimmingSpaces
        switch self {
        case .patent:
            return try PatentNumber(s, field: field).canonical
        case .trademark:
            let digits = s.hasPrefix("第") && s.hasSuffix("号") ? String(s.dropFirst().dropLast()) : s
            guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw FieldError(field: field, value: raw, rule: .trademarkNumber)
            }
            return digits
        case .copyright, .other:
            guard !s.isEmpty, s.count <= 60, !s.hasControlCharacters else {
                throw FieldError(field: field, value: raw, rule: .rightNumber)
            }
            return s
        }
    }
}

/// Yes/no flags as clerks write them: 是/否, yes/no, true/false, 1/0, Y/N, √; empty means no.
public func parseFlag(_ text: String, field: String) throws -> Bool {
    switch text.trimmingSpaces.lowercased() {
    case "", "否", "no", "n", "false", "0", "f", "×": return false
    case "是", "yes", "y", "true", "1", "t", "√", "✓": return true
    default: throw FieldError(field: field, value: text, rule: .flag)
    }
}
