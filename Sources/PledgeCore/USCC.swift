/// 统一社会信用代码 (GB 32100-2015): 18 characters with a mod-31 check character.
public struct USCC: Hashable, Sendable, CustomStringConvertible {
    public let text: String
    public var description: String { text }

    static let charset: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// The check character the first 17 characters call for, or nil when one is outside the charset.
    public static func checkCharacter(for first17: some Collection<Character>) -> Character? {
        var sum = 0
        for (c, w) in zip(first17, weights) {
            guard let v = charset.firstIndex(of: c) else { return nil }
            sum += v * w
        }
        return charset[(31 - sum % 31) % 31]
    }

    /// Validates `text` (spaces trimmed, letters upper-cased). With `allowBadCheck` a code whose
    /// only fault is the check character is accepted: some real codes fail it.
    /// Value of each ASCII byte in the charset, or -1.
    static let values: [Int8] = {
        var v = [Int8](repeating: -1, count: 128)
        for (i, c) in charset.enumerated() { v[Int(c.asciiValue!)] = Int8(i) }
        return v
    }()

    /// Whether the check character is right, computed on the bytes; nil unless `text` is 18 upper-case charset
    /// bytes (then only the Character path below can say what is wrong).
    static func checkHolds(_ text: String) -> Bool? {
        guard text.utf8.count == 18 else { return nil }
        var (sum, last) = (0, -1)
        for (i, b) in text.utf8.enumerated() {
            guard b < 128, case let v = Int(USCC.values[Int(b)]), v >= 0 else { return nil }
            if i < 17 { sum += v * USCC.weights[i] } else { last = v }
        }
        return last == (31 - sum % 31) % 31
    }

    public init(_ raw: String, field: String = "uscc", allowBadCheck: Bool = false) throws {
        // Fast path: 18 upper-case charset bytes with the right check character.
        if USCC.checkHolds(raw) == true {
            text = raw
            return
        }
        let s = raw.trimmingSpaces.uppercased()
        func fail(_ rule: FieldRule) -> FieldError { FieldError(field: field, value: raw, rule: rule) }
        guard s.count == 18 else { throw fail(.usccLength(s.count)) }
        let chars = Array(s)
        if let bad = chars.first(where: { !USCC.charset.contains($0) }) {
            throw fail(.usccCharacter(String(bad)))
        }
        let expected = USCC.checkCharacter(for: chars.prefix(17))!
        if expected != chars[17] && !allowBadCheck {
            throw fail(.usccCheck(expected: String(expected)))
        }
        text = s
    }

    /// True when the check character is right (false only for codes accepted with the override).
    public var hasValidCheck: Bool {
        // Once per imported row: on the bytes (a stored text is always 18 charset bytes).
        if let holds = USCC.checkHolds(text) { return holds }
        let chars = Array(text)
        return USCC.checkCharacter(for: chars.prefix(17)) == chars[17]
    }
}
