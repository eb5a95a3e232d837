/// Who made a change, as recorded on every journal entry: from `--operator`, `$PLEDGE_OPERATOR` or the OS user,
/// each held to the same rule.
public enum OperatorName {
    public static let maximumLength = 100

    /// The name with surrounding spaces trimmed: 1 to 100 characters (Unicode scalars), no control characters.
    public static func validated(_ text: String, field: String) throws -> String {
        let name = text.trimmingSpaces
        guard !name.isEmpty, name.unicodeScalars.count <= maximumLength, !name.hasControlCharacters else {
            throw FieldError(field: field, value: text, rule: .operatorName(max: maximumLength))
        }
        return name
    }
}
