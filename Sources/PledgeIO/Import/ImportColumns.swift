import PledgeCore

/// The import file's columns: which header (English or Chinese, CONTRACT.md) means which field.
public enum ImportColumn: String, CaseIterable, Sendable {
    case regNo, regDate, uscc, enterprise, bank, branch, amountYuan, amountWan, ipType, ipNumbers, prefecture, park,
         maturity, rate, rywq, firstLoan, insured, notes, status, statusDate, appraisedValue, appraiser, insurer, insuredAmount

    /// Accepted headers; the first is what `export` writes.
    public var headers: [String] {
        switch self {
        case .regNo: ["reg_no", "登记号"]
        case .regDate: ["reg_date", "登记日期"]
        case .uscc: ["uscc", "统一社会信用代码"]
        case .enterprise: ["enterprise", "企业名称"]
        case .bank: ["bank", "质权人", "贷款银行"]
        case .branch: ["branch", "支行"]
        case .amountYuan: ["amount_yuan", "登记金额(元)"]
        case .amountWan: ["amount_wan", "登记金额(万元)"]
        case .ipType: ["ip_type", "质押物类型"]
        case .ipNumbers: ["ip_numbers", "知识产权号", "专利号"]
        case .prefecture: ["prefecture", "市州"]
        case .park: ["park", "园区"]
        case .maturity: ["maturity", "到期日"]
        case .rate: ["rate", "年利率(%)"]
        case .rywq: ["rywq", "入园惠企"]
        case .firstLoan: ["first_loan", "首贷"]
        case .insured: ["insured", "保险"]
        case .notes: ["notes", "备注"]
        case .status: ["status", "状态"]
        case .statusDate: ["status_date", "状态日期"]
        case .appraisedValue: ["appraised_value", "评估价值"]
        case .appraiser: ["appraiser", "评估机构"]
        case .insurer: ["insurer", "保险公司", "保险机构"]
        case .insuredAmount: ["insured_amount", "保险金额"]
        }
    }

    /// The registration field the column fills (status columns fill none).
    public var field: RegistrationField? {
        switch self {
        case .regNo: .regNo
        case .regDate: .regDate
        case .uscc: .uscc
        case .enterprise: .enterprise
        case .bank: .bank
        case .branch: .branch
        case .amountYuan, .amountWan: .amount
        case .ipType: .ipType
        case .ipNumbers: .ipNumbers
        case .prefecture: .prefecture
        case .park: .park
        case .maturity: .maturity
        case .rate: .rate
        case .rywq: .rywq
        case .firstLoan: .firstLoan
        case .insured: .insured
        case .notes: .notes
        case .appraisedValue: .appraisedValue
        case .appraiser: .appraiser
        case .insurer: .insurer
        case .insuredAmount: .insuredAmount
        case .status, .statusDate: nil
        }
    }

    /// The English header of the column that fills `field` (`amount_yuan` for the amount).
    public static func header(for field: RegistrationField) -> String {
        allCases.first { $0.field == field }?.headers[0] ?? field.journalKey
    }

    static let required: [ImportColumn] = [.regNo, .regDate, .uscc, .enterprise, .bank, .ipNumbers]

    /// Header lookup key: spaces dropped, full-width brackets and percent folded, ASCII lower-cased.
    static func key(_ header: String) -> String {
        String(header.lowercased().compactMap { c -> Character? in
            switch c {
            case " ", "\u{3000}", "\u{FEFF}", "\t": nil
            case "（": "("
            case "）": ")"
            case "％": "%"
            default: c
            }
        })
    }

    static let byKey: [String: ImportColumn] = {
        var map: [String: ImportColumn] = [:]
        for c in allCases { for h in c.headers { map[key(h)] = c } }
        return map
    }()

    public init?(header: String) {
        guard let c = Self.byKey[Self.key(header)] else { return nil }
        self = c
    }
}

/// The header row resolved: for each field its column index and its header as written.
struct ImportLayout {
    var index: [ImportColumn: Int] = [:]
    var headers: [String]
    var width: Int { headers.count }

    /// Validates the header row; unknown columns are errors unless `ignoreUnknown`. Lists at most `maxProblems`.
    init(headers raw: [String], ignoreUnknown: Bool, maxProblems: Int = 100) throws {
        let written = raw.map { $0.trimmingSpaces }
        // As messages name the columns: control characters escaped, long names cut.
        headers = written.map { $0.printableExcerpt }
        var problems = HeaderProblems(limit: maxProblems)
        for (i, h) in written.enumerated() {
            guard let column = ImportColumn(header: h) else {
                if h.isEmpty {
                    problems.append(.header(column: "", problem: .empty(index: i + 1)))
                } else if !ignoreUnknown {
                    problems.append(.header(column: h.printableExcerpt, problem: .unknown))
                }
                continue
            }
            if let first = index[column] {
                problems.append(.header(column: h.printableExcerpt, problem: .duplicate(first: headers[first], index: first + 1, column: column.headers[0])))
                continue
            }
            index[column] = i
        }
        for column in ImportColumn.required where index[column] == nil {
            problems.append(.header(column: column.headers[0], problem: .missing(names: column.headers)))
        }
        switch (index[.amountYuan], index[.amountWan]) {
        case (nil, nil):
            problems.append(.header(column: "amount_yuan", problem: .noAmount))
        case (.some, .some):
            problems.append(.header(column: headers[index[.amountWan]!], problem: .twoAmounts))
        default: break
        }
        if problems.count > 0 { throw problems }
    }

    func header(_ column: ImportColumn) -> String { index[column].map { headers[$0] } ?? column.headers[0] }

    var amountUnit: MoneyUnit { index[.amountWan] != nil ? .wan : .yuan }

    /// How validation errors name a field: the header as written in the file.
    func fieldName(_ field: RegistrationField) -> String {
        if field == .amount { return header(amountUnit == .wan ? .amountWan : .amountYuan) }
        guard let column = ImportColumn.allCases.first(where: { $0.field == field && $0 != .amountWan }) else { return field.csvHeader }
        return header(column)
    }
}

/// The header's problems at once (a clerk fixes the header in one go), at most `limit` of them listed.
struct HeaderProblems: Error {
    let limit: Int
    var listed: [ImportError] = []
    var unlisted = 0
    var count: Int { listed.count + unlisted }

    mutating func append(_ problem: ImportError) {
        if listed.count < limit { listed.append(problem) } else { unlisted += 1 }
    }
}
