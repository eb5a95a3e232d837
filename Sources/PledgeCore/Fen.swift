/// Money as an integer number of 分 (fen). Never a floating-point value.
public struct Fen: Hashable, Comparable, Sendable, Codable {
    public var value: Int64

    public init(_ value: Int64) { self.value = value }
    public static let zero = Fen(0)

    public static func < (a: Fen, b: Fen) -> Bool { a.value < b.value }
    public static func + (a: Fen, b: Fen) -> Fen { Fen(a.value + b.value) }
    public static func - (a: Fen, b: Fen) -> Fen { Fen(a.value - b.value) }

    public init(from decoder: Decoder) throws { value = try decoder.singleValueContainer().decode(Int64.self) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}

/// The units clerks write amounts in. Each allows as many decimals as still land on whole fen.
public enum MoneyUnit: String, CaseIterable, Sendable, Codable {
    case yuan, wan, yi

    /// Fen per one unit.
    public var fenPerUnit: Int64 {
        switch self {
        case .yuan: 100
        case .wan: 1_000_000
        case .yi: 10_000_000_000
        }
    }

    /// Decimal places that still denote whole fen.
    public var maxDecimals: Int {
        switch self {
        case .yuan: 2
        case .wan: 6
        case .yi: 10
        }
    }

    public var chineseName: String {
        switch self {
        case .yuan: "元"
        case .wan: "万元"
        case .yi: "亿元"
        }
    }

    /// Accepts `yuan`/`元`, `wan`/`万元`/`万`, `yi`/`亿元`/`亿`.
    public init?(text: String) {
        switch text.trimmingSpaces.lowercased() {
        case "yuan", "元", "cny", "rmb": self = .yuan
        case "wan", "万元", "万": self = .wan
        case "yi", "亿元", "亿": self = .yi
        default: return nil
        }
    }
}

extension MoneyUnit {
    /// An amount with its unit written inside it, as clerks write them (`2,000万`, `2000万元`, `5亿`, `1,234.56元`): the
    /// number and the unit; the unit is nil when none is written.
    public static func split(_ text: String) -> (number: String, unit: MoneyUnit?) {
        let s = text.trimmingSpaces
        for (suffix, unit) in [("万元", MoneyUnit.wan), ("亿元", .yi), ("万", .wan), ("亿", .yi), ("元", .yuan)] where s.hasSuffix(suffix) {
            return (String(s.dropLast(suffix.count)).trimmingSpaces, unit)
        }
        return (s, nil)
    }
}

extension Fen {
    /// An amount as a clerk types it: the number in the unit written inside it (`2,000万`) or else in `unit`. A unit
    /// written inside that differs from `unit` is refused: one of the two is a slip.
    public static func parse(amount text: String, unit given: MoneyUnit?, field: String) throws -> Fen {
        let (number, written) = MoneyUnit.split(text)
        if let written, let given, written != given {
            throw FieldError(field: field, value: text, rule: .unitConflict(written: written, given: given))
        }
        guard let unit = written ?? given else { throw FieldError(field: field, value: text, rule: .unitMissing) }
        do { return try parse(number, unit: unit, field: field) } catch var e as FieldError {
            e.value = text
            throw e
        }
    }
}

extension Fen {
    /// Parses a non-negative decimal amount in `unit`: digits, optional thousands separators
    /// (`1,234,567.89`, groups of three), at most `unit.maxDecimals` decimals.
    /// Zero is allowed here; registrations require more than zero.
    public static func parse(_ text: String, unit: MoneyUnit, field: String = "amount") throws -> Fen {
        func fail(_ rule: FieldRule) -> FieldError { FieldError(field: field, value: text, rule: rule) }
        let s = text.trimmingSpaces
        guard !s.isEmpty else { throw fail(.required) }
        var bytes = Array(s.utf8)
        if bytes.first == UInt8(ascii: "-") { throw fail(.negativeAmount) }
        if bytes.first == UInt8(ascii: "+") { bytes.removeFirst() }
        let dot = bytes.firstIndex(of: UInt8(ascii: "."))
        let intPart = Array(bytes[..<(dot ?? bytes.endIndex)])
        let fracPart = dot.map { Array(bytes[($0 + 1)...]) } ?? []
        guard !intPart.isEmpty || !fracPart.isEmpty else { throw fail(.notADecimal) }

        // Integer digits, with commas allowed only as thousands separators.
        var digits: [UInt8] = []
        if intPart.contains(UInt8(ascii: ",")) {
            let groups = intPart.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            for (i, g) in groups.enumerated() {
                let ok = i == 0 ? (1...3).contains(g.count) : g.count == 3
                guard ok else { throw fail(.thousandsSeparators) }
                digits += g
            }
        } else {
            digits = intPart
        }
        guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }), fracPart.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw fail(.notADecimal)
        }
        if dot != nil && fracPart.isEmpty && digits.isEmpty { throw fail(.notADecimal) }
        guard fracPart.count <= unit.maxDecimals else {
            throw fail(.tooManyDecimals(max: unit.maxDecimals, unit: unit))
        }
        let overflow = fail(.amountTooLarge)
        var whole: Int64 = 0
        for d in digits {
            let (m, o1) = whole.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(d - 48))
            if o1 || o2 { throw overflow }
            whole = a
        }
        var frac: Int64 = 0
        for i in 0..<unit.maxDecimals {
            frac = frac * 10 + (i < fracPart.count ? Int64(fracPart[i] - 48) : 0)
        }
        // frac is in units of 10^-maxDecimals of the unit; each unit is fenPerUnit fen.
        let fracFen = frac / (pow10(unit.maxDecimals) / unit.fenPerUnit)
        let (w, o3) = whole.multipliedReportingOverflow(by: unit.fenPerUnit)
        let (total, o4) = w.addingReportingOverflow(fracFen)
        if o3 || o4 { throw overflow }
        return Fen(total)
    }

    /// Formats in `unit` with `decimals` places (rounded half away from zero when fewer places than
    /// the unit needs), optionally with thousands separators.
    public func formatted(_ unit: MoneyUnit = .wan, decimals: Int? = nil, grouping: Bool = false) -> String {
        let places = decimals ?? unit.maxDecimals
        let negative = value < 0
        let magnitude = value.magnitude
        // Scale to `places` decimals of the unit: value / fenPerUnit * 10^places.
        let per = UInt64(unit.fenPerUnit)
        let p = UInt64(pow10(places))
        let scaled: UInt64
        if p >= per {
            scaled = magnitude * (p / per)
        } else {
            let div = per / p
            scaled = (magnitude + div / 2) / div
        }
        var intText = String(scaled / p)
        if grouping { intText = Self.group(intText) }
        var text = intText
        if places > 0 {
            let fracText = String(scaled % p)
            text += "." + String(repeating: "0", count: places - fracText.count) + fracText
        }
        return (negative && scaled != 0 ? "-" : "") + text
    }

    /// 万元 with two decimals and thousands separators: how every table and message shows money.
    public var wanDisplay: String { formatted(.wan, decimals: 2, grouping: true) }

    /// The exact decimal in 万元 with trailing zeros kept to 6 places dropped to at least 2: `1234.5` → `1234.50`.
    public var wanString: String {
        // In integers (a 万元 is 1,000,000 fen, so six places are exact): `query` and `export` print this per row, and
        // trimming a formatted String Character by Character was a tenth of a million-row listing.
        let magnitude = value.magnitude
        var fraction = magnitude % 1_000_000, places = 6
        while places > 2 && fraction % 10 == 0 { fraction /= 10; places -= 1 }
        let digits = String(fraction)
        return (value < 0 ? "-" : "") + String(magnitude / 1_000_000) + "." + String(repeating: "0", count: places - digits.count) + digits
    }

    static func group(_ digits: String) -> String {
        var out: [Character] = []
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
}

func pow10(_ n: Int) -> Int64 {
    var r: Int64 = 1
    for _ in 0..<n { r *= 10 }
    return r
}

extension String {
    /// Trims ASCII and ideographic spaces (U+3000), which Chinese spreadsheets often carry.
    public var trimmingSpaces: String {
        // Fast path (the common case): nothing to trim. ASCII space/tab, NBSP (C2 A0), U+3000 (E3 80 80).
        let u = utf8
        if let first = u.first, let last = u.last, first != 0x20, first != 0x09, first != 0xC2, first != 0xE3,
           last != 0x20, last != 0x09, last != 0xA0, last != 0x80 {
            return self
        }
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\u{3000}" || $0 == "\u{A0}" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
