import Foundation

/// The store's SQL is written once, as SQLite reads it; these are the few words PostgreSQL spells otherwise.
enum PostgresDialect {
    /// The key an `INSERT OR REPLACE` replaces on, per table (the tables the store writes that way).
    static let replaceKeys: [String: [String]] = [
        "ledger_settings": ["key"], "finding_reviews": ["finding"], "users": ["name"], "subsidy_policies": ["name"],
        "subsidy_lines": ["policy", "dimension", "grp"],
    ]

    static func rewrite(_ sql: String) -> String {
        var s = sql
        if let r = s.range(of: "INSERT OR IGNORE INTO ") {
            s.replaceSubrange(r, with: "INSERT INTO ")
            s = s.trimmingCharacters(in: .whitespacesAndNewlines) + " ON CONFLICT DO NOTHING"
        }
        if let r = s.range(of: "INSERT OR REPLACE INTO ") {
            s.replaceSubrange(r, with: "INSERT INTO ")
            let rest = s[r.lowerBound...].dropFirst("INSERT INTO ".count)
            if let open = rest.firstIndex(of: "("), let close = rest.firstIndex(of: ")") {
                let table = rest[..<open].trimmingCharacters(in: .whitespaces)
                let columns = rest[rest.index(after: open)..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                if let key = replaceKeys[table] {
                    let updates = columns.filter { !key.contains($0) }.map { "\($0) = EXCLUDED.\($0)" }
                    s = s.trimmingCharacters(in: .whitespacesAndNewlines)
                        + " ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET \(updates.joined(separator: ", "))"
                }
            }
        }
        s = s.replacingOccurrences(of: " NOT INDEXED", with: "")
            .replacingOccurrences(of: "instr(", with: "strpos(")
            .replacingOccurrences(of: " IS NOT ?", with: " IS DISTINCT FROM ?")
            .replacingOccurrences(of: " IS ?", with: " IS NOT DISTINCT FROM ?")
        return numbered(s)
    }

    /// The statements of a script, split at the semicolons outside quotes, `$$` bodies and comments; `?` inside
    /// them is left alone (a script has no arguments).
    static func statements(_ sql: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quote: Character?
        var dollar = false
        var comment = false
        var previous: Character = " "
        for c in sql {
            if comment {
                if c == "\n" { comment = false }
                previous = c
                continue
            }
            if c == "-" && previous == "-" && quote == nil && !dollar {
                comment = true
                current.removeLast()
                previous = c
                continue
            }
            current.append(c)
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "$" && previous == "$" {
                dollar.toggle()
            } else if !dollar && (c == "'" || c == "\"") {
                quote = c
            } else if !dollar && c == ";" {
                let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if s.count > 1 { out.append(String(s.dropLast())) }
                current = ""
            }
            previous = c == "$" && previous == "$" ? " " : c
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { out.append(rest) }
        return out
    }

    /// `?` → `$1`, `$2`, … outside quoted text and comments; `?NNN` (SQLite's numbered parameter) → `$NNN`.
    static func numbered(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var n = 0
        var quote: Character?
        var comment = false
        var previous: Character = " "
        var numberNext = false
        for c in sql {
            if comment {
                if c == "\n" { comment = false }
            } else if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "-" && previous == "-" {
                comment = true
            } else if c == "?" {
                n += 1
                out += "$"
                previous = c
                numberNext = true
                continue
            }
            if numberNext {
                numberNext = false
                if !c.isASCII || !c.isNumber { out += "\(n)" }
            }
            out.append(c)
            previous = c
        }
        if numberNext { out += "\(n)" }
        return out
    }
}
