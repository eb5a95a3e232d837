/// Where a registration stands in its life. Only `void` removes it from the financing statistic.
public enum RegistrationStatus: String, CaseIterable, Sendable, Codable {
    case active, released, defaulted, void

    public var chineseName: String {
        switch self {
        case .active: "有效"
        case .released: "已注销"
        case .defaulted: "违约"
        case .void: "作废"
        }
    }

    /// A status as clerks and exports write it, in English or Chinese (`released`, `已注销`, `注销`, …); nil otherwise.
    public init?(text: String) {
        switch text.trimmingSpaces.lowercased() {
        case "active", "有效": self = .active
        case "released", "已注销", "注销": self = .released
        case "defaulted", "default", "违约": self = .defaulted
        case "void", "作废": self = .void
        default: return nil
        }
    }
}

/// Why a correction or a void was made, as recorded in its entry.
public enum ChangeReason {
    public static let maximumLength = 200

    /// The reason with surrounding spaces trimmed: 1 to 200 characters without control characters; nil otherwise.
    public static func validated(_ text: String) -> String? {
        let reason = text.trimmingSpaces
        guard !reason.isEmpty, reason.count <= maximumLength, !reason.hasControlCharacters else { return nil }
        return reason
    }
}

/// A pledge registration (质押登记) as validated: every identifier canonical, every name resolved.
public struct Registration: Sendable, Equatable, Codable {
    /// The largest secured amount one registration may record: 1,000 亿元, far above any real loan, and small enough
    /// that the ledger's totals (checked on every write) stay within `Int64` for any realistic number of loans.
    public static let maximumAmount = Fen(100_000_000_000 * 100)
    /// The 普惠 band: registrations under 1,000 万元 (an amount of exactly 1,000 万元 is outside it).
    public static let puhuiLimit = Fen(10_000_000 * 100)

    public var regNo: String
    public var regDate: CivilDate
    public var uscc: String
    /// True when the USCC's check character is wrong and the clerk passed `--allow-bad-uscc`.
    public var usccOverride: Bool
    public var enterprise: String
    public var bank: String
    public var branch: String?
    public var amount: Fen
    public var ipType: IPType
    public var ipNumbers: [String]
    public var park: String?
    public var prefectureCode: String?
    public var maturity: CivilDate?
    /// Annual rate in percent, canonical decimal text (`3.85`).
    public var rate: String?
    public var rywq: Bool
    public var firstLoan: Bool
    public var insured: Bool
    public var notes: String?
    /// The pledged rights' appraised value (评估价值) and who appraised them.
    public var appraisedValue: Fen?
    public var appraiser: String?
    /// The insurer of the loan and the amount insured.
    public var insurer: String?
    public var insuredAmount: Fen?

    public init(regNo: String, regDate: CivilDate, uscc: String, usccOverride: Bool = false, enterprise: String,
                bank: String, branch: String? = nil, amount: Fen, ipType: IPType, ipNumbers: [String],
                park: String? = nil, prefectureCode: String? = nil, maturity: CivilDate? = nil, rate: String? = nil,
                rywq: Bool = false, firstLoan: Bool = false, insured: Bool = false, notes: String? = nil,
                appraisedValue: Fen? = nil, appraiser: String? = nil, insurer: String? = nil, insuredAmount: Fen? = nil) {
        self.regNo = regNo
        self.regDate = regDate
        self.uscc = uscc
        self.usccOverride = usccOverride
        self.enterprise = enterprise
        self.bank = bank
        self.branch = branch
        self.amount = amount
        self.ipType = ipType
        self.ipNumbers = ipNumbers
        self.park = park
        self.prefectureCode = prefectureCode
        self.maturity = maturity
        self.rate = rate
        self.rywq = rywq
        self.firstLoan = firstLoan
        self.insured = insured
        self.notes = notes
        (self.appraisedValue, self.appraiser, self.insurer, self.insuredAmount) = (appraisedValue, appraiser, insurer, insuredAmount)
    }

    /// The pledge rate (质押率): the amount as a share of the appraised value, in hundredths of a percent, rounded
    /// half-up; nil without an appraisal.
    public var pledgeRateBasisPoints: Int64? {
        guard let v = appraisedValue, v.value > 0 else { return nil }
        return Int64((2 * Int128(amount.value) * 10_000 + Int128(v.value)) / (2 * Int128(v.value)))
    }

    // The journal's JSON keys: part of the canonical payload, never renamed once shipped.
    enum CodingKeys: String, CodingKey {
        case regNo, regDate, uscc, usccOverride, enterprise, bank, branch, amount = "amountFen", ipType,
             ipNumbers, park, prefectureCode = "prefecture", maturity, rate, rywq, firstLoan, insured, notes,
             appraisedValue = "appraisedValueFen", appraiser, insurer, insuredAmount = "insuredAmountFen"
    }
}

extension CivilDate: Codable {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard text.count == 10, let d = try? CivilDate.parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad date \(text)"))
        }
        self = d
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// The fields of a registration a clerk can write. The CLI names them by its flags, the import by the file's headers;
/// the journal by `journalKey`.
public enum RegistrationField: CaseIterable, Sendable {
    case regNo, regDate, uscc, enterprise, bank, branch, amount, ipType, ipNumbers, park, prefecture, maturity, rate, rywq,
         firstLoan, insured, notes, appraisedValue, appraiser, insurer, insuredAmount

    /// The CSV header (English) for the same field.
    public var csvHeader: String {
        switch self {
        case .regNo: "reg_no"
        case .regDate: "reg_date"
        case .amount: "amount_yuan"
        case .ipType: "ip_type"
        case .ipNumbers: "ip_numbers"
        case .firstLoan: "first_loan"
        case .appraisedValue: "appraised_value"
        case .insuredAmount: "insured_amount"
        default: journalKey
        }
    }

    /// The key the field has in the journal's JSON.
    public var journalKey: String {
        switch self {
        case .regNo: "regNo"
        case .regDate: "regDate"
        case .uscc: "uscc"
        case .enterprise: "enterprise"
        case .bank: "bank"
        case .branch: "branch"
        case .amount: "amountFen"
        case .ipType: "ipType"
        case .ipNumbers: "ipNumbers"
        case .park: "park"
        case .prefecture: "prefecture"
        case .maturity: "maturity"
        case .rate: "rate"
        case .rywq: "rywq"
        case .firstLoan: "firstLoan"
        case .insured: "insured"
        case .notes: "notes"
        case .appraisedValue: "appraisedValueFen"
        case .appraiser: "appraiser"
        case .insurer: "insurer"
        case .insuredAmount: "insuredAmountFen"
        }
    }

    public init?(journalKey: String) {
        guard let f = RegistrationField.allCases.first(where: { $0.journalKey == journalKey }) else { return nil }
        self = f
    }
}

extension Registration {
    /// The fields whose canonical text differs from `other`'s (`from` this one `to` the other): a correction's changes.
    public func changes(to other: Registration) -> [FieldChange] {
        RegistrationField.allCases.compactMap { f in
            let a = canonicalText(f), b = other.canonicalText(f)
            return a == b ? nil : FieldChange(field: f.journalKey, from: a, to: b)
        }
    }

    /// A field's value in canonical text: what a correction entry records as `from`/`to`.
    /// Amounts are whole fen, dates `YYYY-MM-DD`, flags `true`/`false`, rights joined by `;`.
    public func canonicalText(_ field: RegistrationField) -> String? {
        switch field {
        case .regNo: regNo
        case .regDate: regDate.description
        case .uscc: uscc
        case .enterprise: enterprise
        case .bank: bank
        case .branch: branch
        case .amount: String(amount.value)
        case .ipType: ipType.rawValue
        case .ipNumbers: ipNumbers.joined(separator: ";")
        case .park: park
        case .prefecture: prefectureCode
        case .maturity: maturity?.description
        case .rate: rate
        case .rywq: String(rywq)
        case .firstLoan: String(firstLoan)
        case .insured: String(insured)
        case .notes: notes
        case .appraisedValue: appraisedValue.map { String($0.value) }
        case .appraiser: appraiser
        case .insurer: insurer
        case .insuredAmount: insuredAmount.map { String($0.value) }
        }
    }

    /// Sets a field from its canonical text, as recorded in the journal (no validation: replaying
    /// the journal must reproduce what was accepted then, whatever the reference lists say now).
    public mutating func setCanonical(_ field: RegistrationField, _ text: String?) throws {
        func bad() -> LedgerDataError { LedgerDataError("field \(field.journalKey) has unreadable value \(text ?? "null")") }
        func date(_ t: String?) throws -> CivilDate? {
            guard let t else { return nil }
            guard let d = try? CivilDate.parse(t) else { throw bad() }
            return d
        }
        switch field {
        case .regNo: regNo = text ?? regNo
        case .regDate: guard let d = try date(text) else { throw bad() }; regDate = d
        case .uscc:
            uscc = text ?? uscc
            usccOverride = USCC.checkCharacter(for: Array(uscc).prefix(17)) != uscc.last
        case .enterprise: enterprise = text ?? enterprise
        case .bank: bank = text ?? bank
        case .branch: branch = text
        case .amount: guard let t = text, let v = Int64(t) else { throw bad() }; amount = Fen(v)
        case .ipType: guard let t = text, let v = IPType(rawValue: t) else { throw bad() }; ipType = v
        case .ipNumbers: ipNumbers = Registration.ipNumbers(joined: text ?? "")
        case .park: park = text
        case .prefecture: prefectureCode = text
        case .maturity: maturity = try date(text)
        case .rate: rate = text
        case .rywq: rywq = text == "true"
        case .firstLoan: firstLoan = text == "true"
        case .insured: insured = text == "true"
        case .notes: notes = text
        case .appraisedValue: appraisedValue = try text.map { guard let v = Int64($0) else { throw bad() }; return Fen(v) }
        case .appraiser: appraiser = text
        case .insurer: insurer = text
        case .insuredAmount: insuredAmount = try text.map { guard let v = Int64($0) else { throw bad() }; return Fen(v) }
        }
    }
}

/// The journal holds something this version cannot read back: a bug or tampering.
public struct LedgerDataError: PledgeFailure {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var category: FailureCategory { .internal }
    public var description: String { "the ledger's journal is inconsistent: \(message); verify the ledger (audit verify)" }
}

extension Registration {
    /// The numbers of a list stored joined by ";" (`registrations.ip_numbers`, a correction's value), split where SQLite
    /// and `audit verify` split it: at the byte ';'. Not by `Character`: a ';' followed by a combining mark is one
    /// Character. Without `omittingEmpty`, "A;;B" keeps its empty piece (verify must see it).
    public static func ipNumbers(joined: String, omittingEmpty: Bool = true) -> [String] {
        // One number (most registrations): the text itself, without building a new String.
        guard joined.utf8.contains(UInt8(ascii: ";")) else { return joined.isEmpty && omittingEmpty ? [] : [joined] }
        return joined.utf8.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: omittingEmpty).map { String(decoding: $0, as: UTF8.self) }
    }
}
