/// The rule a field value broke, as a value: the CLI, the CSV reader and the server word it in the user's language
/// (PledgeIO's message catalog); the library names no flag, column or language.
public enum FieldRule: Sendable, Equatable {
    case required
    case controlCharacters
    /// Notes may hold line breaks and tabs, nothing else below U+0020.
    case controlCharactersExceptLineBreaks
    case tooLong(max: Int)

    // Amounts.
    case negativeAmount
    case notADecimal
    case thousandsSeparators
    case tooManyDecimals(max: Int, unit: MoneyUnit)
    case amountTooLarge
    case amountNotPositive
    case amountOverRegistrationMaximum
    /// Far outside the ledger's range: taken only with a confirmation (`RegistrationWarning`).
    case unusualAmount(RegistrationWarning)
    /// An amount whose unit is written inside it (`2,000万`) disagrees with the unit given apart (`--unit yuan`).
    case unitConflict(written: MoneyUnit, given: MoneyUnit)
    /// No unit: neither inside the amount nor given apart.
    case unitMissing

    // Identifiers.
    case usccLength(Int)
    case usccCharacter(String)
    case usccCheck(expected: String)
    case patentLength
    case patentDigits
    case patentType(String)
    case patentYear(Int)
    case patentCheck(expected: String)
    case trademarkNumber
    case rightNumber
    case rightListedTwice
    case ipType
    case flag
    case rate
    case operatorName(max: Int)
    case role
    case approvalSetting, proposalStatus
    case releaseReason, grouping
    case listenAddress
    /// `serve --tls-cert/--tls-key`: not a readable PEM file of that kind (the library's words in `detail`).
    case tlsFile(detail: String)
    case jsonObject, jsonValue, unknownKey
    case atLeast(Int)
    case password(min: Int)

    // Dates.
    case notADate
    case notAMonth
    case futureDate(today: CivilDate)
    case beforeRegistrationDate(CivilDate)
    case statusDateRequired(RegistrationStatus)
    case status

    // Reference lists: `suggestions` are the closest names, best first.
    case unknownBank(suggestions: [String])
    case unknownPark(suggestions: [String])
    case unknownPrefecture(suggestions: [String])
    case parkInOtherPrefecture(park: String, prefecture: String)
    /// A prefix or alias that names several entries.
    case ambiguousName(matches: [String])

    // Targets and reports.
    case targetName
    /// The default target cannot be removed while it is the default.
    case defaultTargetRemoved
    case targetNotPositive
    case windowEndsBeforeStart(from: CivilDate)
    case monthBeforeFrom(String)
    case reportTooLong(years: Int)

    // Subsidies and risk pools.
    case policyName, year, share
    /// A pool's shares do not add up to 100 % (their sum, in hundredths of a percent).
    case sharesSum(Int)
    /// A pool covers one park, one prefecture or one bank, not two.
    case poolScope
    case disposalRoute
    /// `--by puhui` with `--as-closed`: a closed month froze no amount band.
    case puhuiNotFrozen

    case reasonRequired
    /// `check ack` of an id `check` does not list.
    case unknownFinding
    case headPrefix
    /// Anything else (an unexpected error's own words).
    case other(String)
}
