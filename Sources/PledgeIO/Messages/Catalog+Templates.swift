extension Catalog {
    /// The template with each `{name}` replaced by its argument, in one pass over the template (an argument's own
    /// text, a value from a file or the ledger, is never read as a placeholder).
    static func text(_ key: MessageKey, _ language: Language, _ args: [String: String], http: Bool = false) -> String {
        guard let entry = entries[key] else { return key.rawValue }
        var template = language == .zh ? entry.zh : entry.en
        if http, template.contains("--") {
            for (flag, key) in httpNames { template = template.replacingOccurrences(of: flag, with: key) }
        }
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            out += args[name] ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// The `{name}` placeholders of a template.
    static func placeholders(_ template: String) -> Set<String> {
        var names: Set<String> = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }
}
