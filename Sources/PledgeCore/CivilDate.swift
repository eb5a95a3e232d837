#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A calendar date without time or zone (proleptic Gregorian), as written on a registration.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// year << 9 | month << 5 | day: four bytes (a registration holds several dates), ordered as the date.
    private let bits: UInt32
    public var year: Int { Int(bits >> 9) }
    public var month: Int { Int(bits >> 5 & 0xF) }
    public var day: Int { Int(bits & 0x1F) }

    /// Fails for dates that do not exist (2022-02-29, 2024-13-01) or years outside 1900…2999.
    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2999).contains(year), (1...12).contains(month),
              day >= 1, day <= CivilDate.daysIn(year: year, month: month) else { return nil }
        bits = UInt32(year) << 9 | UInt32(month) << 5 | UInt32(day)
    }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.bits < b.bits }

    /// `YYYY-MM-DD`, the only form the ledger stores and prints.
    public var description: String { isoText(year: year, month: month, day: day) }

    public var yearMonth: YearMonth { YearMonth(year: year, month: month)! }

    /// Days since 1970-01-01 (negative before), for day arithmetic.
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init?(dayNumber z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    public func adding(days: Int) -> CivilDate? { CivilDate(dayNumber: dayNumber + days) }

    /// Same day `n` years later; 29 February becomes 28 February in a common year.
    public func adding(years n: Int) -> CivilDate? {
        CivilDate(year: year + n, month: month, day: min(day, CivilDate.daysIn(year: year + n, month: month)))
    }

    public var isLastDayOfMonth: Bool { day == CivilDate.daysIn(year: year, month: month) }

    /// Today in the machine's local time zone (clerks work in China Standard Time).
    public static func today() -> CivilDate {
        var t = time(nil)
        var parts = tm()
        localtime_r(&t, &parts)
        return CivilDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))!
    }

    /// Parses `2024-03-05`, `2024/3/5`, `2024.3.5`, `20240305` and `2024年3月5日`.
    public static func parse(_ text: String, field: String = "date") throws -> CivilDate {
        // Fast path: the canonical YYYY-MM-DD.
        if text.utf8.count == 10 {
            let b = Array(text.utf8)
            func d(_ i: Int) -> Int? { b[i] >= 48 && b[i] <= 57 ? Int(b[i] - 48) : nil }
            if b[4] == 45, b[7] == 45, let y0 = d(0), let y1 = d(1), let y2 = d(2), let y3 = d(3), let m0 = d(5), let m1 = d(6),
               let d0 = d(8), let d1 = d(9), let date = CivilDate(year: y0 * 1000 + y1 * 100 + y2 * 10 + y3, month: m0 * 10 + m1, day: d0 * 10 + d1) {
                return date
            }
        }
        let s = text.trimmingSpaces
        let fail = FieldError(field: field, value: text, rule: .notADate)
        var numbers: [Int] = []
        var current: Int? = nil
        var digitsInCurrent = 0
        var separators: [Character] = []
        for ch in s {
            if let d = ch.wholeNumberValue, ch.isASCII {
                current = (current ?? 0) * 10 + d
                digitsInCurrent += 1
                if digitsInCurrent > 8 { throw fail }
            } else {
                guard let c = current else { throw fail }
                numbers.append(c)
                separators.append(ch)
                current = nil
                digitsInCurrent = 0
            }
        }
        if let c = current { numbers.append(c) }
        let ok: Bool
        switch separators {
        case ["-", "-"], ["/", "/"], [".", "."]: ok = numbers.count == 3 && s.last?.isNumber == true
        case ["年", "月", "日"]: ok = numbers.count == 3 && s.last == "日"
        case [] where s.count == 8:
            let n = numbers.first ?? 0
            numbers = [n / 10000, n / 100 % 100, n % 100]
            ok = true
        default: ok = false
        }
        guard ok, let date = CivilDate(year: numbers[0], month: numbers[1], day: numbers[2]) else { throw fail }
        return date
    }

    /// Parses and refuses dates after `today`.
    public static func parsePast(_ text: String, field: String = "date", today: CivilDate) throws -> CivilDate {
        let date = try parse(text, field: field)
        guard date <= today else {
            throw FieldError(field: field, value: text, rule: .futureDate(today: today))
        }
        return date
    }
}

/// A calendar month, `YYYY-MM`: the unit of the monthly aggregates and of period close.
public struct YearMonth: Hashable, Comparable, Sendable, CustomStringConvertible, Strideable {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1900...2999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Months since year 0, for arithmetic.
    public var index: Int { year * 12 + month - 1 }
    public init?(index: Int) { self.init(year: index / 12, month: index % 12 + 1) }

    public static func < (a: YearMonth, b: YearMonth) -> Bool { a.index < b.index }
    public func distance(to other: YearMonth) -> Int { other.index - index }
    public func advanced(by n: Int) -> YearMonth { YearMonth(index: index + n)! }

    public var description: String { isoText(year: year, month: month, day: nil) }
    public var firstDay: CivilDate { CivilDate(year: year, month: month, day: 1)! }
    public var lastDay: CivilDate { CivilDate(year: year, month: month, day: CivilDate.daysIn(year: year, month: month))! }

    /// Parses `2024-03`, `2024/3` or `2024年3月`.
    public static func parse(_ text: String, field: String = "month") throws -> YearMonth {
        let s = text.trimmingSpaces
        let fail = FieldError(field: field, value: text, rule: .notAMonth)
        var parts: [String] = []
        var cur = ""
        for ch in s {
            if ch.isASCII, ch.isNumber { cur.append(ch) } else if ["-", "/", "年", "月"].contains(ch), !cur.isEmpty {
                parts.append(cur)
                cur = ""
            } else { throw fail }
        }
        if !cur.isEmpty { parts.append(cur) }
        guard parts.count == 2, parts[0].count == 4, (1...2).contains(parts[1].count),
              let y = Int(parts[0]), let m = Int(parts[1]), let ym = YearMonth(year: y, month: m) else { throw fail }
        return ym
    }
}

/// `YYYY-MM-DD` or `YYYY-MM` written into one String (years are 1900…2999 by construction): the import and
/// `audit verify` build one or two per row, and the padded pieces cost three allocations each.
func isoText(year: Int, month: Int, day: Int?) -> String {
    String(unsafeUninitializedCapacity: day == nil ? 7 : 10) { b in
        func two(_ n: Int, at i: Int) {
            b[i] = UInt8(truncatingIfNeeded: 0x30 + n / 10)
            b[i + 1] = UInt8(truncatingIfNeeded: 0x30 + n % 10)
        }
        two(year / 100, at: 0); two(year % 100, at: 2)
        b[4] = UInt8(ascii: "-"); two(month, at: 5)
        guard let day else { return 7 }
        b[7] = UInt8(ascii: "-"); two(day, at: 8)
        return 10
    }
}

/// Zero-padded decimal text of a non-negative number.
public func padded(_ n: Int, _ width: Int) -> String {
    let digits = String(n)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
