import Testing
@testable import PledgeIO

@Suite("The message catalog")
struct CatalogTests {
    @Test("every key has Chinese and English text with the same placeholders", arguments: MessageKey.allCases)
    func bothLanguages(_ key: MessageKey) throws {
        let entry = try #require(Catalog.entries[key], "\(key) has no text")
        #expect(!entry.zh.isEmpty && !entry.en.isEmpty)
        #expect(Catalog.placeholders(entry.zh) == Catalog.placeholders(entry.en), "\(key)")
        // Chinese text is Chinese beyond its placeholders; English text is not the Chinese one.
        let han = entry.zh.unicodeScalars.filter { (0x4E00...0x9FFF).contains($0.value) }
        #expect(!han.isEmpty, "\(key): \(entry.zh)")
        #expect(entry.zh != entry.en)
    }

    @Test("no key is left without an entry, and no entry without a key")
    func complete() {
        #expect(Set(Catalog.entries.keys) == Set(MessageKey.allCases))
    }
}

@Suite("The message catalog's substitution")
struct CatalogSubstitutionTests {
    @Test("an argument that looks like a placeholder is kept as written")
    func onePass() {
        let text = Catalog.text(.importConflict, .en, ["place": "f.csv:2:{regNo}", "regNo": "R-1", "changes": "{place}"])
        #expect(text == "f.csv:2:{regNo}: 登记号 R-1 is in the ledger with other content: {place} (ledger → file)")
    }
}
