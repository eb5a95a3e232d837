/// A prefecture-level division of Gansu by its GB/T 2260 code.
public struct Prefecture: Hashable, Sendable, Codable {
    public var code: String
    public var name: String
    public var short: String
    public init(code: String, name: String, short: String) {
        self.code = code
        self.name = name
        self.short = short
    }
}

/// A park (园区); it counts under one prefecture in the statistics.
public struct Park: Hashable, Sendable, Codable {
    public var name: String
    public var aliases: [String]
    public var prefectureCode: String
    public var level: String
    public init(name: String, aliases: [String], prefectureCode: String, level: String) {
        self.name = name
        self.aliases = aliases
        self.prefectureCode = prefectureCode
        self.level = level
    }
}

/// A lending institution as clerks write its head office; aliases are the short names.
public struct Bank: Hashable, Sendable, Codable {
    public var name: String
    public var aliases: [String]
    public init(name: String, aliases: [String]) {
        self.name = name
        self.aliases = aliases
    }
}

/// The reference lists a ledger validates against: names and aliases resolve to one canonical name.
public struct ReferenceData: Sendable, Equatable {
    public var prefectures: [Prefecture]
    public var parks: [Park]
    public var banks: [Bank]

    /// Names and aliases exactly as written: the common case resolves without building a lookup key.
    private var exactIndex: [String: (prefecture: Int?, park: Int?, bank: Int?)] = [:]
    private var prefectureIndex: [String: Int] = [:]
    private var parkIndex: [String: Int] = [:]
    private var bankIndex: [String: Int] = [:]

    public init(prefectures: [Prefecture], parks: [Park], banks: [Bank]) {
        self.prefectures = prefectures
        self.parks = parks
        self.banks = banks
        for (i, p) in prefectures.enumerated() {
            for key in [p.code, p.name, p.short] { prefectureIndex[Self.key(key)] = i }
        }
        for (i, p) in parks.enumerated() {
            for key in [p.name] + p.aliases { parkIndex[Self.key(key)] = i }
        }
        for (i, b) in banks.enumerated() {
            for key in [b.name] + b.aliases { bankIndex[Self.key(key)] = i }
        }
        for (i, p) in prefectures.enumerated() { for k in [p.code, p.name, p.short] { exactIndex[k, default: (nil, nil, nil)].prefecture = i } }
        for (i, p) in parks.enumerated() { for k in [p.name] + p.aliases { exactIndex[k, default: (nil, nil, nil)].park = i } }
        for (i, b) in banks.enumerated() { for k in [b.name] + b.aliases { exactIndex[k, default: (nil, nil, nil)].bank = i } }
    }

    public static func == (a: ReferenceData, b: ReferenceData) -> Bool {
        a.prefectures == b.prefectures && a.parks == b.parks && a.banks == b.banks
    }

    /// Lookup key: trimmed, spaces removed, ASCII letters lower-cased, full-width parentheses folded.
    static func key(_ s: String) -> String {
        String(s.trimmingSpaces.lowercased().compactMap { c -> Character? in
            switch c {
            case " ", "\u{3000}": nil
            case "（": "("
            case "）": ")"
            default: c
            }
        })
    }

    public func prefecture(_ text: String) -> Prefecture? {
        if let i = exactIndex[text]?.prefecture { return prefectures[i] }
        return prefectureIndex[Self.key(text)].map { prefectures[$0] }
    }

    public func prefecture(code: String) -> Prefecture? {
        prefectures.first { $0.code == code }
    }

    public func park(_ text: String) -> Park? {
        if let i = exactIndex[text]?.park { return parks[i] }
        return parkIndex[Self.key(text)].map { parks[$0] }
    }

    public func bank(_ text: String) -> Bank? {
        if let i = exactIndex[text]?.bank { return banks[i] }
        return bankIndex[Self.key(text)].map { banks[$0] }
    }
}

/// A name typed by an auditor, resolved against a reference list: an exact name or alias, else a
/// unique prefix of one.
public enum NameResolution<T: Sendable>: Sendable {
    case found(T)
    case ambiguous([String])
    case unknown
}

extension ReferenceData {
    public func resolvePark(_ text: String) -> NameResolution<Park> {
        resolve(text, exact: park(text), among: parks) { [$0.name] + $0.aliases }
    }

    public func resolveBank(_ text: String) -> NameResolution<Bank> {
        resolve(text, exact: bank(text), among: banks) { [$0.name] + $0.aliases }
    }

    /// The exact match, else the only item one of whose names starts with `text`.
    private func resolve<T: Sendable>(_ text: String, exact: T?, among items: [T], names: (T) -> [String]) -> NameResolution<T> {
        if let exact { return .found(exact) }
        let k = Self.key(text)
        let matches = items.filter { names($0).contains { Self.key($0).hasPrefix(k) } }
        switch matches.count {
        case 0: return .unknown
        case 1: return .found(matches[0])
        default: return .ambiguous(matches.map { names($0)[0] })
        }
    }
}

extension ReferenceData {
    /// A bank written with its branch (`兰州银行城关支行`): the bank whose name or alias begins the text, longest first,
    /// and the rest as the branch, when the rest names a branch office.
    public func bankAndBranch(_ text: String) -> (bank: Bank, branch: String)? {
        let t = text.trimmingSpaces
        var best: (Bank, Int)?
        for b in banks {
            for n in [b.name] + b.aliases where t.hasPrefix(n) && t.count > n.count && n.count > (best?.1 ?? 0) { best = (b, n.count) }
        }
        guard let (bank, length) = best else { return nil }
        let rest = String(t.dropFirst(length)).trimmingSpaces
        let offices = ["支行", "分行", "营业部", "分理处", "营业室", "储蓄所", "网点"]
        guard offices.contains(where: { rest.hasSuffix($0) }) else { return nil }
        return (bank, rest)
    }

    public func closestBanks(to text: String) -> [String] { Self.closest(text, among: banks.map { [$0.name] + $0.aliases }) }
    public func closestParks(to text: String) -> [String] { Self.closest(text, among: parks.map { [$0.name] + $0.aliases }) }
    public func closestPrefectures(to text: String) -> [String] {
        Self.closest(text, among: prefectures.map { [$0.name, $0.short, $0.code] })
    }

    /// The (at most three) entries most like `text`, best first: by the share of character pairs they have in common
    /// (Dice's coefficient over bigrams, which suits Chinese names), the best of each entry's names; nothing below 0.4.
    static func closest(_ text: String, among entries: [[String]], limit: Int = 3) -> [String] {
        func bigrams(_ s: String) -> [String] {
            let c = Array(key(s))
            return c.count < 2 ? c.map(String.init) : (0..<(c.count - 1)).map { String(c[$0...$0 + 1]) }
        }
        func dice(_ a: [String], _ b: [String]) -> Double {
            guard !a.isEmpty, !b.isEmpty else { return 0 }
            var pool = b
            var common = 0
            for x in a { if let i = pool.firstIndex(of: x) { common += 1; pool.remove(at: i) } }
            return 2 * Double(common) / Double(a.count + b.count)
        }
        let wanted = bigrams(text)
        let scored = entries.enumerated().compactMap { i, names -> (String, Double, Int)? in
            let best = names.map { dice(wanted, bigrams($0)) }.max() ?? 0
            return best >= 0.4 ? (names[0], best, i) : nil
        }
        return scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.2 < $1.2 }.prefix(limit).map(\.0)
    }
}

extension ReferenceData {
    /// The park `text` names (a name, an alias or a unique prefix), or the error for `field`: ambiguous (the candidates)
    /// or unknown (the closest names).
    public func requirePark(_ text: String, field: String) throws -> Park {
        switch resolvePark(text) {
        case .found(let p): return p
        case .ambiguous(let names): throw FieldError(field: field, value: text, rule: .ambiguousName(matches: names))
        case .unknown: throw FieldError(field: field, value: text, rule: .unknownPark(suggestions: closestParks(to: text)))
        }
    }

    /// The bank `text` names, the same way.
    public func requireBank(_ text: String, field: String) throws -> Bank {
        switch resolveBank(text) {
        case .found(let b): return b
        case .ambiguous(let names): throw FieldError(field: field, value: text, rule: .ambiguousName(matches: names))
        case .unknown: throw FieldError(field: field, value: text, rule: .unknownBank(suggestions: closestBanks(to: text)))
        }
    }

    /// The prefecture `text` names (a name, a short name or its code), or the error for `field` with the closest names.
    public func requirePrefecture(_ text: String, field: String) throws -> Prefecture {
        guard let p = prefecture(text) else { throw FieldError(field: field, value: text, rule: .unknownPrefecture(suggestions: closestPrefectures(to: text))) }
        return p
    }
}
