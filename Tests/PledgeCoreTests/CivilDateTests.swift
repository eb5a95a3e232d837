import Testing
@testable import PledgeCore

@Suite("Civil dates and months")
struct CivilDateTests {
    @Test("accepts the forms clerks write", arguments: [
        "2024-03-05", "2024/3/5", "2024/03/05", "2024年3月5日", "2024年03月05日", "2024.3.5", "20240305", " 2024-03-05 ",
    ])
    func parses(text: String) throws {
        #expect(try CivilDate.parse(text) == CivilDate(year: 2024, month: 3, day: 5))
    }

    @Test("rejects impossible or malformed dates", arguments: [
        "2022-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-3", "2024-03-05-01", "03/05/2024x", "2024年3月5",
        "tomorrow", "", "2024-03-05T00:00", "1899-12-31", "2024--03-05", "２０２４-03-05", "2024/3-5",
    ])
    func rejects(text: String) {
        #expect(throws: FieldError.self) { try CivilDate.parse(text, field: "--date") }
    }

    @Test("leap years")
    func leapYears() {
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2023, month: 2, day: 29) == nil)
    }

    @Test("future dates are refused")
    func future() throws {
        let today = CivilDate(year: 2025, month: 6, day: 30)!
        #expect(try CivilDate.parsePast("2025-06-30", today: today) == today)
        #expect {
            try CivilDate.parsePast("2025-07-01", field: "--date", today: today)
        } throws: { ($0 as? FieldError)?.rule == .futureDate(today: today) }
    }

    @Test("day numbers round-trip and order")
    func dayNumbers() {
        let start = CivilDate(year: 1999, month: 12, day: 25)!
        var previous = start
        for i in 1...2000 {
            let d = start.adding(days: i)!
            #expect(d.dayNumber == start.dayNumber + i)
            #expect(previous < d)
            previous = d
        }
        #expect(CivilDate(year: 1970, month: 1, day: 1)!.dayNumber == 0)
        #expect(CivilDate(year: 2024, month: 3, day: 1)!.adding(days: -1) == CivilDate(year: 2024, month: 2, day: 29))
    }

    @Test("dates order as (year, month, day) and keep their fields, across the whole range of years")
    func orderAndFields() {
        var previous: CivilDate?
        for year in [1900, 1999, 2000, 2024, 2025, 2999] {
            for month in 1...12 {
                for day in 1...CivilDate.daysIn(year: year, month: month) {
                    let d = CivilDate(year: year, month: month, day: day)!
                    #expect((d.year, d.month, d.day) == (year, month, day))
                    if let previous { #expect(previous < d && !(d < previous) && previous != d) }
                    previous = d
                }
            }
        }
        #expect(CivilDate(year: 2024, month: 12, day: 31)! < CivilDate(year: 2025, month: 1, day: 1)!)
        #expect(CivilDate(year: 2025, month: 1, day: 31)! < CivilDate(year: 2025, month: 2, day: 1)!)
    }

    @Test("year arithmetic clamps 29 February")
    func years() {
        #expect(CivilDate(year: 2024, month: 2, day: 29)!.adding(years: 1) == CivilDate(year: 2025, month: 2, day: 28))
        #expect(CivilDate(year: 2021, month: 6, day: 1)!.adding(years: 20) == CivilDate(year: 2041, month: 6, day: 1))
    }

    @Test("dates and months print zero-padded ISO text and parse back, across the whole range of years", arguments: [1900, 1909, 1999, 2000, 2024, 2999])
    func isoText(year: Int) throws {
        for month in 1...12 {
            let m = try #require(YearMonth(year: year, month: month))
            #expect(m.description == padded(year, 4) + "-" + padded(month, 2))
            #expect(try YearMonth.parse(m.description) == m)
            for day in 1...CivilDate.daysIn(year: year, month: month) {
                let d = try #require(CivilDate(year: year, month: month, day: day))
                #expect(d.description == padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2))
                #expect(try CivilDate.parse(d.description) == d)
            }
        }
    }

    @Test("months: parse, arithmetic, first and last day")
    func months() throws {
        let m = try YearMonth.parse("2024-02")
        #expect(m.description == "2024-02")
        #expect(m.lastDay == CivilDate(year: 2024, month: 2, day: 29))
        #expect(m.advanced(by: 11).description == "2025-01")
        #expect(m.advanced(by: -2).description == "2023-12")
        #expect(m.distance(to: try YearMonth.parse("2025年12月")) == 22)
        #expect(try YearMonth.parse("2024/3") == YearMonth(year: 2024, month: 3))
        for bad in ["2024-13", "24-01", "2024", "2024-03-01", "x"] {
            #expect(throws: FieldError.self) { try YearMonth.parse(bad) }
        }
    }

    @Test("MonthSpan: whole months for the aggregates, partial days at either end", arguments: [
        ("2021-01-01", "2025-12-31", "2021-01…2025-12", ""),
        ("2021-01-15", "2021-03-10", "2021-02…2021-02", "2021-01-15…2021-01-31 2021-03-01…2021-03-10"),
        ("2024-02-01", "2024-02-29", "2024-02…2024-02", ""),
        ("2024-02-02", "2024-02-29", "", "2024-02-02…2024-02-29"),
        ("2024-01-31", "2024-02-01", "", "2024-01-31…2024-02-01"),
        ("", "2024-03-15", "0000-01…2024-02", "2024-03-01…2024-03-15"),
        ("2024-03-15", "", "2024-04…9999-12", "2024-03-15…2024-03-31"),
        ("", "", "0000-01…9999-12", ""),
        ("2024-05-01", "2024-04-30", "", ""),
    ])
    func monthSpan(from: String, to: String, whole: String, partial: String) throws {
        let span = MonthSpan(from: from.isEmpty ? nil : try CivilDate.parse(from), to: to.isEmpty ? nil : try CivilDate.parse(to))
        #expect((span.wholeMonths.map { "\($0.first)…\($0.last)" } ?? "") == whole)
        #expect(span.partialDays.map { "\($0.first)…\($0.last)" }.joined(separator: " ") == partial)
    }
}
