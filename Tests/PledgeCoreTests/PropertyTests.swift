import PropertyBased
import Testing
@testable import PledgeCore

/// Property-based checks (swift-property-based): generated inputs, shrunk to a small case on failure.
@Suite("Properties of money, dates and identifiers")
struct PropertyTests {
    static let hostile: [Character] = Array("0123456789.,+- eEx/年月日ZLCN；\"\\\t\n\u{0}\u{3000}０万IOS甘😀")
    static let text = Gen<Character?>.element(of: hostile).map { $0 ?? "0" }.string(of: 0...24)

    @Test func anyTextIsAnAmountOrATypedError() async {
        await propertyCheck(count: 2000, input: Self.text, Gen<MoneyUnit?>.element(of: MoneyUnit.allCases).map { $0 ?? .yuan }) { s, unit in
            do {
                let fen = try Fen.parse(s, unit: unit)
                #expect(try Fen.parse(fen.formatted(unit), unit: unit) == fen)
            } catch is FieldError {
            } catch { Issue.record("untyped \(error)") }
        }
    }

    @Test func everyFenRoundTripsThroughEveryUnit() async {
        await propertyCheck(count: 2000, input: Gen.int64(in: 0...Int64.max / 2)) { v in
            for unit in MoneyUnit.allCases { #expect((try? Fen.parse(Fen(v).formatted(unit), unit: unit)) == Fen(v)) }
        }
    }

    @Test func anyTextIsADateOrATypedError() async {
        await propertyCheck(count: 2000, input: Self.text) { s in
            do {
                let d = try CivilDate.parse(s)
                #expect(try CivilDate.parse(d.description) == d)
            } catch is FieldError {
            } catch { Issue.record("untyped \(error)") }
        }
    }

    @Test func everyDayRoundTripsThroughItsDayNumber() async {
        await propertyCheck(count: 2000, input: Gen.int(in: -25_000...375_000)) { n in
            if let d = CivilDate(dayNumber: n) { #expect(d.dayNumber == n) }
        }
    }

    @Test func generatedUSCCsWithTheirCheckCharacterAreAccepted() async {
        let body = Gen<Character?>.element(of: Array("0123456789ABCDEFGHJKLMNPQRTUWXY")).map { $0 ?? "0" }.string(of: 17...17)
        await propertyCheck(count: 2000, input: body) { b in
            let code = b + String(USCC.checkCharacter(for: Array(b))!)
            #expect((try? USCC(code))?.text == code)
            // Any other final character is refused.
            let wrong = code.last == "0" ? "1" : "0"
            #expect(throws: FieldError.self) { try USCC(String(code.dropLast()) + wrong) }
        }
    }

    @Test func generatedPatentNumbersWithTheirCheckDigitAreAccepted() async {
        await propertyCheck(count: 2000, input: Gen.int(in: 1985...2030), Gen<Character?>.element(of: Array("12389")).map { $0 ?? "1" },
                            Gen.int(in: 0...9_999_999)) { year, type, serial in
            var digits = "\(year)\(type)" + String(serial)
            digits = String(digits.prefix(5)) + String(repeating: "0", count: 12 - digits.count) + String(digits.dropFirst(5))
            let canonical = "ZL\(digits).\(PatentNumber.checkCharacter(for: digits))"
            #expect((try? PatentNumber(canonical))?.canonical == canonical)
            #expect((try? PatentNumber("CN" + digits + String(PatentNumber.checkCharacter(for: digits))))?.canonical == canonical)
        }
    }
}
