/// An interest-subsidy policy (贴息): which loans of which year it covers and what share of their interest the bureau
/// pays, capped per enterprise and year. Set or replaced by a `subsidy-policy` entry.
public struct SubsidyPolicy: Sendable, Equatable, Codable {
    /// Loans the policy is limited to, beyond its year and IP type.
    public enum Only: String, Sendable, Codable, CaseIterable {
        case rywq
        case firstLoan = "first-loan"
    }

    public var name: String
    public var year: Int
    /// The share of the interest paid, in hundredths of a percent (5000 is 50 %).
    public var shareBasisPoints: Int
    /// The most one enterprise receives in the year; nil: no cap.
    public var cap: Fen?
    public var only: Only?
    public var ipType: IPType?

    public init(name: String, year: Int, shareBasisPoints: Int, cap: Fen?, only: Only? = nil, ipType: IPType? = nil) {
        (self.name, self.year, self.shareBasisPoints, self.cap, self.only, self.ipType) = (name, year, shareBasisPoints, cap, only, ipType)
    }

    enum CodingKeys: String, CodingKey { case name, year, shareBasisPoints, cap = "capFen", only, ipType }

    public static let years = 2000...2100

    /// Refuses a policy no command may record: a name that is empty or too long, a year outside 2000–2100, a share
    /// outside (0, 100 %], a cap below zero.
    public func validate() throws(FieldError) {
        guard !name.trimmingSpaces.isEmpty, name.count <= 100, !name.hasControlCharacters else {
            throw FieldError(field: "name", value: name, rule: .policyName)
        }
        guard Self.years.contains(year) else { throw FieldError(field: "year", value: String(year), rule: .year) }
        guard (1...10_000).contains(shareBasisPoints) else {
            throw FieldError(field: "share", value: Percent.text(shareBasisPoints), rule: .share)
        }
        if let cap, cap.value < 0 { throw FieldError(field: "cap", value: String(cap.value), rule: .negativeAmount) }
    }
}

/// A subsidy paid to an enterprise under a policy (`subsidy-payment` entry).
public struct SubsidyPayment: Sendable, Equatable, Codable {
    public var policy: String
    public var uscc: String
    public var amount: Fen
    public var date: CivilDate

    public init(policy: String, uscc: String, amount: Fen, date: CivilDate) {
        (self.policy, self.uscc, self.amount, self.date) = (policy, uscc, amount, date)
    }

    enum CodingKeys: String, CodingKey { case policy, uscc, amount = "amountFen", date }
}

/// Percentages as clerks type them (`50%`, `40`, `37.5%`), held as hundredths of a percent.
public enum Percent {
    /// `50%` → 5000: 0 to 100 with at most two decimals, `%` optional.
    public static func parse(_ text: String, field: String) throws(FieldError) -> Int {
        var s = text.trimmingSpaces
        if s.hasSuffix("%") || s.hasSuffix("％") { s.removeLast() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 3, parts.count == 1 || (1...2).contains(parts[1].count),
              parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }),
              let whole = Int(parts[0]) else { throw FieldError(field: field, value: text, rule: .share) }
        let fraction = parts.count == 2 ? (Int(parts[1]) ?? 0) * (parts[1].count == 1 ? 10 : 1) : 0
        let value = whole * 100 + fraction
        guard value <= 10_000 else { throw FieldError(field: field, value: text, rule: .share) }
        return value
    }

    /// 5000 → `50%`, 3750 → `37.5%`.
    public static func text(_ basisPoints: Int) -> String {
        let whole = basisPoints / 100, fraction = basisPoints % 100
        if fraction == 0 { return "\(whole)%" }
        var f = String(fraction < 10 ? "0\(fraction)" : "\(fraction)")
        while f.hasSuffix("0") { f.removeLast() }
        return "\(whole).\(f)%"
    }
}
