import PledgeCore
import PledgeStore

/// The auditor's filters as typed (CLI options or URL query parameters), turned into a `RegistrationQuery` by one set
/// of rules: names by name, alias or unique prefix; a USCC; amounts with their unit; dates.
public struct QueryFilters: Sendable {
    public var park: String?, bank: String?, prefecture: String?, enterprise: String?, enterpriseName: String?, branch: String?
    public var minAmount: String?, from: String?, to: String?
    public var status: RegistrationStatus?
    public var rywq = false
    public var ipType: IPType?
    public var limit: Int?
    public var offset: Int?

    public init() {}

    /// `name` words a filter's key (`park`, `enterprise-name`, …) as the caller's field: `--park`, or `park`.
    public func query(_ reference: ReferenceData, name: (String) -> String) throws -> RegistrationQuery {
        var q = RegistrationQuery()
        q.park = try park.map { try reference.requirePark($0, field: name("park")).name }
        q.bank = try bank.map { try reference.requireBank($0, field: name("bank")).name }
        q.prefectureCode = try prefecture.map { try reference.requirePrefecture($0, field: name("prefecture")).code }
        if let enterprise { q.uscc = try USCC(enterprise, field: name("enterprise"), allowBadCheck: true).text }
        for (key, text) in [("enterprise-name", enterpriseName), ("branch", branch)] {
            if let text, text.trimmingSpaces.isEmpty || text.hasControlCharacters {
                throw FieldError(field: name(key), value: text, rule: text.hasControlCharacters ? .controlCharacters : .required)
            }
        }
        q.enterpriseNameContains = enterpriseName?.trimmingSpaces
        q.branchContains = branch?.trimmingSpaces
        q.minAmount = try minAmount.map { try Fen.parse(amount: $0, unit: MoneyUnit.split($0).unit ?? .wan, field: name("min-amount")) }
        q.from = try from.map { try CivilDate.parse($0, field: name("from")) }
        q.to = try to.map { try CivilDate.parse($0, field: name("to")) }
        q.status = status
        q.rywq = rywq ? true : nil
        q.ipType = ipType
        if let limit, limit < 1 { throw FieldError(field: name("limit"), value: String(limit), rule: .atLeast(1)) }
        if let offset, offset < 0 { throw FieldError(field: name("offset"), value: String(offset), rule: .atLeast(0)) }
        q.limit = limit
        q.offset = offset
        return q
    }
}
