/// A financing target: data, not code. `ipType` nil counts every type of right; `park` or `prefectureCode` limits it
/// to one park's or one prefecture's registrations (a park's own 入园惠企 goal).
public struct Target: Sendable, Equatable, Codable {
    public var name: String
    public var amount: Fen
    public var from: CivilDate
    public var to: CivilDate
    public var ipType: IPType?
    public var park: String?
    public var prefectureCode: String?

    public init(name: String, amount: Fen, from: CivilDate, to: CivilDate, ipType: IPType?, park: String? = nil, prefectureCode: String? = nil) {
        self.name = name
        self.amount = amount
        self.from = from
        self.to = to
        self.ipType = ipType
        self.park = park
        self.prefectureCode = prefectureCode
    }

    enum CodingKeys: String, CodingKey {
        case name, amount = "amountFen", from = "fromDate", to = "toDate", ipType, park, prefectureCode = "prefecture"
    }

    /// The one group of `group_totals` the target counts in, when it is limited to a park or a prefecture.
    public var scope: (dimension: GroupDimension, group: String)? {
        if let park { return (.park, park) }
        if let prefectureCode { return (.prefecture, prefectureCode) }
        return nil
    }

    /// The seed's goal: 专利质押登记融资金额 50 亿元 from 2021 to 2025, patents only.
    public static let gansu2025 = Target(
        name: "gansu-2025", amount: Fen(50 * MoneyUnit.yi.fenPerUnit),
        from: CivilDate(year: 2021, month: 1, day: 1)!, to: CivilDate(year: 2025, month: 12, day: 31)!,
        ipType: .patent)

    /// The fields a target is set from, as errors name them; a caller renames them to its own (flags, form fields).
    public enum Field: String, Sendable { case name, amount, to }

    /// Validates a target as it is set. Errors name `Field` raw values.
    public static func validated(name: String, amount: Fen, from: CivilDate, to: CivilDate, ipType: IPType?,
                                 park: String? = nil, prefectureCode: String? = nil) throws -> Target {
        let n = name.trimmingSpaces
        guard !n.isEmpty, n.count <= 60, !n.hasControlCharacters else {
            throw FieldError(field: Field.name.rawValue, value: name, rule: .targetName)
        }
        guard amount.value > 0 else {
            throw FieldError(field: Field.amount.rawValue, value: amount.formatted(.yuan), rule: .targetNotPositive)
        }
        guard from <= to else {
            throw FieldError(field: Field.to.rawValue, value: to.description, rule: .windowEndsBeforeStart(from: from))
        }
        return Target(name: n, amount: amount, from: from, to: to, ipType: ipType, park: park, prefectureCode: prefectureCode)
    }
}
