/// A registration as typed by a clerk or read from a CSV row: raw text, not yet validated.
public struct RegistrationInput: Sendable, Equatable {
    public var values: [RegistrationField: String] = [:]
    /// The unit the `amount` text is in (and the appraised value's and insured amount's), unless the text writes its own
    /// (`2,000万`).
    public var amountUnit: MoneyUnit?
    /// Accept a USCC whose only fault is its check character (recorded in the entry).
    public var allowBadUSCC = false

    public init(values: [RegistrationField: String] = [:], amountUnit: MoneyUnit? = .yuan, allowBadUSCC: Bool = false) {
        self.values = values
        // Room for every field at once (an import fills one input per row; growing it took four reallocations).
        self.values.reserveCapacity(RegistrationField.allCases.count)
        self.amountUnit = amountUnit
        self.allowBadUSCC = allowBadUSCC
    }

    public subscript(_ f: RegistrationField) -> String? {
        get { values[f] }
        set { values[f] = newValue }
    }

    /// The input that reproduces `registration` (canonical texts, amount in fen as yuan/100).
    public init(_ registration: Registration) {
        for f in RegistrationField.allCases {
            if let t = registration.canonicalText(f) { values[f] = t }
        }
        values[.amount] = registration.amount.formatted(.yuan)
        values[.appraisedValue] = registration.appraisedValue?.formatted(.yuan)
        values[.insuredAmount] = registration.insuredAmount?.formatted(.yuan)
        amountUnit = .yuan
        allowBadUSCC = registration.usccOverride
    }
}

/// Checks a `RegistrationInput` against the domain rules and the reference lists.
/// Collects every error (an import lists them all), each named with the caller's field names.
public struct RegistrationValidator: Sendable {
    public var reference: ReferenceData
    public var today: CivilDate
    /// How a field is named to the user: a flag (`--uscc`) or a CSV header (`统一社会信用代码`).
    public var fieldName: @Sendable (RegistrationField) -> String

    public static let maxRegNoLength = 40
    public static let maxTextLength = 200

    public init(reference: ReferenceData, today: CivilDate,
                fieldName: @escaping @Sendable (RegistrationField) -> String = { $0.journalKey }) {
        self.reference = reference
        self.today = today
        self.fieldName = fieldName
    }

    public func validate(_ input: RegistrationInput) -> Result<Registration, InvalidRegistration> {
        var errors: [FieldError] = []
        func name(_ f: RegistrationField) -> String { fieldName(f) }
        func raw(_ f: RegistrationField) -> String? {
            guard let v = input[f], !v.trimmingSpaces.isEmpty else { return nil }
            return v
        }
        func required(_ f: RegistrationField) -> String? {
            guard let v = raw(f) else {
                errors.append(FieldError(field: name(f), value: input[f] ?? "", rule: .required))
                return nil
            }
            return v
        }
        func attempt<T>(_ body: () throws -> T) -> T? {
            do { return try body() } catch let e as FieldError { errors.append(e); return nil } catch {
                errors.append(FieldError(field: "?", value: "", rule: .other("\(error)")))
                return nil
            }
        }
        func text(_ f: RegistrationField, max: Int = Self.maxTextLength, multiline: Bool = false) -> String? {
            guard let v = raw(f)?.trimmingSpaces else { return nil }
            let checked = multiline ? v.filter { $0 != "\n" && $0 != "\r\n" && $0 != "\r" && $0 != "\t" } : v
            if checked.hasControlCharacters {
                errors.append(FieldError(field: name(f), value: v, rule: multiline ? .controlCharactersExceptLineBreaks : .controlCharacters))
                return nil
            }
            // Counted in Unicode scalars, as SQLite's length() counts the column (its CHECK on 登记号): by Characters,
            // 30 letters with combining accents passed here and failed there as an internal error.
            if v.unicodeScalars.count > max {
                errors.append(FieldError(field: name(f), value: v, rule: .tooLong(max: max)))
                return nil
            }
            return v
        }

        // 登记号
        var regNo: String?
        if required(.regNo) != nil { regNo = text(.regNo, max: Self.maxRegNoLength) }

        let regDate = required(.regDate).flatMap { v in attempt { try CivilDate.parsePast(v, field: name(.regDate), today: today) } }

        let usccValue = required(.uscc).flatMap { v in
            attempt { try USCC(v, field: name(.uscc), allowBadCheck: input.allowBadUSCC) }
        }
        let enterprise = required(.enterprise) != nil ? text(.enterprise) : nil

        var bank: String?
        var branch = text(.branch)
        if required(.bank) != nil, let t = text(.bank) {
            if let known = reference.bank(t) { bank = known.name } else if let (known, office) = reference.bankAndBranch(t), branch == nil {
                // `兰州银行城关支行`: the bank and its branch in one field.
                bank = known.name
                branch = office
            } else if let known = attempt({ try reference.requireBank(t, field: name(.bank)) }) {
                bank = known.name
            }
        }

        var amount: Fen?
        if let a = required(.amount), let fen = attempt({ try Fen.parse(amount: a, unit: input.amountUnit, field: name(.amount)) }) {
            if fen.value <= 0 {
                errors.append(FieldError(field: name(.amount), value: a, rule: .amountNotPositive))
            } else if fen > Registration.maximumAmount {
                errors.append(FieldError(field: name(.amount), value: a, rule: .amountOverRegistrationMaximum))
            } else {
                amount = fen
            }
        }

        let ipType = raw(.ipType).map { v in attempt { try IPType.parse(v, field: name(.ipType)) } } ?? .patent

        var ipNumbers: [String] = []
        if let list = required(.ipNumbers), let ipType {
            let parts = Self.rightsListPieces(list)
            if parts.isEmpty {
                errors.append(FieldError(field: name(.ipNumbers), value: list, rule: .required))
            }
            for p in parts {
                if let c = attempt({ try ipType.canonicalNumber(p, field: name(.ipNumbers)) }) {
                    if ipNumbers.contains(c) {
                        errors.append(FieldError(field: name(.ipNumbers), value: p, rule: .rightListedTwice))
                    } else { ipNumbers.append(c) }
                }
            }
        }

        var park: Park?
        if let p = raw(.park) {
            park = attempt { try reference.requirePark(p, field: name(.park)) }
        }
        var prefectureCode = park?.prefectureCode
        if let p = raw(.prefecture) {
            if let pref = reference.prefecture(p) {
                if let park, park.prefectureCode != pref.code {
                    let parkPref = reference.prefecture(code: park.prefectureCode)?.name ?? park.prefectureCode
                    errors.append(FieldError(field: name(.prefecture), value: p, rule: .parkInOtherPrefecture(park: park.name, prefecture: parkPref)))
                }
                prefectureCode = pref.code
            } else {
                errors.append(FieldError(field: name(.prefecture), value: p, rule: .unknownPrefecture(suggestions: reference.closestPrefectures(to: p))))
            }
        }

        let maturity = raw(.maturity).flatMap { v in attempt { try CivilDate.parse(v, field: name(.maturity)) } }
        if let maturity, let regDate, maturity < regDate {
            errors.append(FieldError(field: name(.maturity), value: input[.maturity] ?? "", rule: .beforeRegistrationDate(regDate)))
        }

        let rate = raw(.rate).flatMap { v in attempt { try Self.canonicalRate(v, field: name(.rate)) } }
        let rywq = attempt { try parseFlag(input[.rywq] ?? "", field: name(.rywq)) }
        let firstLoan = attempt { try parseFlag(input[.firstLoan] ?? "", field: name(.firstLoan)) }
        let insured = attempt { try parseFlag(input[.insured] ?? "", field: name(.insured)) }
        let notes = text(.notes, max: 1000, multiline: true)
        /// An optional amount: above zero, within a registration's maximum.
        func money(_ f: RegistrationField) -> Fen? {
            guard let a = raw(f), let fen = attempt({ try Fen.parse(amount: a, unit: input.amountUnit, field: name(f)) }) else { return nil }
            guard fen.value > 0 else { errors.append(FieldError(field: name(f), value: a, rule: .amountNotPositive)); return nil }
            guard fen <= Registration.maximumAmount else { errors.append(FieldError(field: name(f), value: a, rule: .amountOverRegistrationMaximum)); return nil }
            return fen
        }
        let appraisedValue = money(.appraisedValue), insuredAmount = money(.insuredAmount)
        let appraiser = text(.appraiser, max: 100), insurer = text(.insurer, max: 100)

        guard errors.isEmpty, let regNo, let regDate, let usccValue, let enterprise, let bank, let amount, let ipType,
              let rywq, let firstLoan, let insured else {
            return .failure(InvalidRegistration(errors: errors))
        }
        return .success(Registration(
            regNo: regNo, regDate: regDate, uscc: usccValue.text, usccOverride: !usccValue.hasValidCheck,
            enterprise: enterprise, bank: bank, branch: branch, amount: amount, ipType: ipType, ipNumbers: ipNumbers,
            park: park?.name, prefectureCode: prefectureCode, maturity: maturity, rate: rate, rywq: rywq,
            firstLoan: firstLoan, insured: insured, notes: notes, appraisedValue: appraisedValue, appraiser: appraiser, insurer: insurer,
            insuredAmount: insuredAmount))
    }

    /// The numbers of a rights list: split at ";", "；", LF and CR, each trimmed, empty pieces dropped.
    ///
    /// Split on Unicode scalars, not Characters: ";" followed by a combining mark is one Character, and "\r\n" is one
    /// too. The ledger stores the numbers joined by ";" and reads them back split at that byte (`registration_rights`,
    /// `audit verify`), so no number may keep a ";" inside it. The scalars are split on their UTF-8 bytes: each
    /// separator is its scalar's whole encoding, and no other scalar's encoding contains it (UTF-8 is self-synchronizing),
    /// so the pieces are those of a split of the scalars (a test holds the two equal); building each piece through a
    /// `UnicodeScalarView` was a sixth of an import's parsing thread.
    static func rightsListPieces(_ list: String) -> [String] {
        var list = list, pieces: [String] = []
        list.withUTF8 { b in
            func piece(_ start: Int, _ end: Int) {
                guard end > start else { return }
                let p = String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self).trimmingSpaces
                if !p.isEmpty { pieces.append(p) }
            }
            var start = 0, i = 0
            while i < b.count {
                let c = b[i]
                let separator = c == UInt8(ascii: ";") || c == 0x0A || c == 0x0D ? 1
                    : c == 0xEF && i + 2 < b.count && b[i + 1] == 0xBC && b[i + 2] == 0x9B ? 3 : 0   // "；" U+FF1B
                if separator == 0 { i += 1; continue }
                piece(start, i)
                i += separator
                start = i
            }
            piece(start, b.count)
        }
        return pieces
    }

    /// An annual rate in percent: a decimal above 0 and below 100 with at most 4 decimals, `%` allowed.
    public static func canonicalRate(_ text: String, field: String) throws -> String {
        if isCanonicalRate(text) { return text }
        return try canonicalRateParsed(text, field: field)
    }

    /// Whether `text` is already what `canonicalRateParsed` makes of it: 1 or 2 integer digits without a leading zero
    /// (or a single 0 before a fraction), then optionally '.' and 1 to 4 digits not ending in 0; above 0. A test holds
    /// the two equal over many inputs.
    static func isCanonicalRate(_ text: String) -> Bool {
        var (integerDigits, fractionDigits, dot, first, last) = (0, 0, false, UInt8(0), UInt8(0))
        for c in text.utf8 {
            if c == UInt8(ascii: ".") {
                guard !dot, integerDigits > 0 else { return false }
                dot = true
            } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                if dot { fractionDigits += 1 } else { integerDigits += 1 }
            } else {
                return false
            }
            if first == 0 { first = c }
            last = c
        }
        guard integerDigits == 1 || (integerDigits == 2 && first != UInt8(ascii: "0")) else { return false }
        if dot { return fractionDigits >= 1 && fractionDigits <= 4 && last != UInt8(ascii: "0") }
        return first != UInt8(ascii: "0")
    }

    static func canonicalRateParsed(_ text: String, field: String) throws -> String {
        var s = text.trimmingSpaces
        if s.hasSuffix("%") { s.removeLast() }
        let fen = try? Fen.parse(s, unit: .wan, field: field) // 6 decimals of a unit: exact decimal parsing
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard let fen, parts.count <= 2, (parts.count < 2 || parts[1].count <= 4), !s.contains(","),
              fen.value > 0, fen.value < 100 * MoneyUnit.wan.fenPerUnit else {
            throw FieldError(field: field, value: text, rule: .rate)
        }
        var out = fen.formatted(.wan, decimals: 4)
        while out.hasSuffix("0") { out.removeLast() }
        if out.hasSuffix(".") { out.removeLast() }
        return out
    }
}

/// Every rule a registration input broke, one `FieldError` per line.
public struct InvalidRegistration: PledgeFailure, Equatable {
    public var errors: [FieldError]
    public init(errors: [FieldError]) { self.errors = errors }
    public var category: FailureCategory { .badInput }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
