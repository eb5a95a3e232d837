import Crypto
import Foundation
import HummingbirdBcrypt
import PledgeCore

/// Passwords and API tokens: bcrypt for passwords, SHA-256 for tokens (long random values need no slow hash, and a
/// token is then found by its hash). Neither is ever logged or stored in clear.
public enum Credentials {
    public static let minimumPasswordLength = 8
    /// bcrypt's cost: 2^11 rounds, about a tenth of a second here.
    static let cost: UInt8 = 11

    public static func hash(password: String) -> String { Bcrypt.hash(password, cost: cost) }

    public static func verify(password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }

    /// A hash no password matches, checked against for an unknown user name so that both take the same time.
    static let dummyHash = Bcrypt.hash("no user has this password \(UInt64.random(in: 0...UInt64.max))", cost: cost)

    /// A password typed or piped in, held to the minimum length.
    public static func validated(password: String, field: String) throws -> String {
        guard password.count >= minimumPasswordLength, !password.hasControlCharacters else {
            throw FieldError(field: field, value: String(repeating: "*", count: min(password.count, 8)), rule: .password(min: minimumPasswordLength))
        }
        return password
    }

    /// A new password for a user who gave none: 16 characters without look-alikes (0/O, 1/l/I).
    public static func generatedPassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var g = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet[Int(g.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// A new API token and the hash the ledger keeps of it.
    public static func newToken() -> (token: String, hash: String) {
        var g = SystemRandomNumberGenerator()
        let token = "plg_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
        return (token, tokenHash(token))
    }

    public static func tokenHash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
