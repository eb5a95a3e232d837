import PledgeCore
import PledgeReference

extension ReferenceData {
    /// The lists shipped in SampleData/ (prefectures, parks with aliases, banks with aliases).
    public static func shipped() -> ReferenceData {
        func rows(_ csv: String) -> [[String]] {
            csv.split(whereSeparator: \.isNewline).dropFirst()
                .map { $0.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces } }
                .filter { !($0.first ?? "").isEmpty }
        }
        func aliases(_ s: String) -> [String] { s.split(separator: ";").map(String.init) }
        let prefectures = rows(ShippedReference.prefecturesCSV).map { Prefecture(code: $0[0], name: $0[1], short: $0[2]) }
        let parks = rows(ShippedReference.parksCSV).map {
            Park(name: $0[0], aliases: aliases($0[1]), prefectureCode: $0[2], level: $0[3])
        }
        let banks = rows(ShippedReference.banksCSV).map { Bank(name: $0[0], aliases: aliases($0[1])) }
        return ReferenceData(prefectures: prefectures, parks: parks, banks: banks)
    }
}
