import Testing
import PledgeCore
import PledgeStore
@testable import PledgeIO

@Suite("Demo data")
struct DemoDataTests {
    let demo = DemoData(reference: .shipped(), today: CivilDate(year: 2026, month: 11, day: 25)!)

    @Test("the same seed gives the same data, another seed other data")
    func deterministic() {
        let a = demo.items(count: 300, seed: 7), b = demo.items(count: 300, seed: 7), c = demo.items(count: 300, seed: 8)
        #expect(a.map(\.event) == b.map(\.event))
        #expect(a.map(\.event) != c.map(\.event))
    }

    @Test("every generated registration passes the same validation as a clerk's input")
    func valid() throws {
        let validator = RegistrationValidator(reference: .shipped(), today: demo.today)
        var types: Set<IPType> = []
        var rywq = 0
        var count = 0
        for item in demo.items(count: 600, seed: 3) {
            guard case .register(let r) = item.event else { continue }
            var input = RegistrationInput(r)
            input.allowBadUSCC = false
            #expect(try validator.validate(input).get() == r)
            #expect(r.regDate >= CivilDate(year: 2021, month: 1, day: 1)! && r.regDate <= CivilDate(year: 2025, month: 12, day: 31)!)
            types.insert(r.ipType)
            if r.rywq { rywq += 1 }
            count += 1
        }
        #expect(count == 600)
        #expect(types == Set(IPType.allCases))
        #expect((120...280).contains(rywq), "about a third 入园惠企: \(rywq) of 600")
    }
}
