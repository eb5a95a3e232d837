import Crypto
import Foundation

/// Signed-in browsers: a random cookie value names a session (kept by its SHA-256, never in clear), each with its own
/// CSRF token; sessions end after 8 idle hours or on sign-out. Failed sign-ins are counted per user name: after 5
/// within 15 minutes the name is refused (429) for the next 15 minutes.
actor SessionStore {
    struct Session: Sendable {
        var user: String
        var csrf: String
        var lastSeen: Date
    }

    static let cookieName = "pledge_session"
    static let idleTimeout: TimeInterval = 8 * 3600
    static let failureWindow: TimeInterval = 15 * 60
    static let maxFailures = 5

    private var sessions: [String: Session] = [:]
    private var failures: [String: [Date]] = [:]
    private var locked: [String: Date] = [:]

    static func random() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    private static func key(_ cookie: String) -> String {
        SHA256.hash(data: Data(cookie.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A new session for `user`: the cookie value to send, and the session's CSRF token.
    func open(user: String, now: Date = Date()) -> (cookie: String, csrf: String) {
        let cookie = Self.random(), csrf = Self.random()
        sessions = sessions.filter { now.timeIntervalSince($0.value.lastSeen) < Self.idleTimeout }
        sessions[Self.key(cookie)] = Session(user: user, csrf: csrf, lastSeen: now)
        return (cookie, csrf)
    }

    func session(cookie: String, now: Date = Date()) -> Session? {
        let k = Self.key(cookie)
        guard var s = sessions[k] else { return nil }
        guard now.timeIntervalSince(s.lastSeen) < Self.idleTimeout else {
            sessions[k] = nil
            return nil
        }
        s.lastSeen = now
        sessions[k] = s
        return s
    }

    func close(cookie: String) { sessions[Self.key(cookie)] = nil }

    /// Whether `user` may try to sign in now.
    func isLocked(_ user: String, now: Date = Date()) -> Bool {
        guard let until = locked[user] else { return false }
        if until > now { return true }
        locked[user] = nil
        return false
    }

    func failed(_ user: String, now: Date = Date()) {
        var recent = (failures[user] ?? []).filter { now.timeIntervalSince($0) < Self.failureWindow }
        recent.append(now)
        if recent.count >= Self.maxFailures {
            locked[user] = now.addingTimeInterval(Self.failureWindow)
            recent = []
        }
        failures[user] = recent
    }

    func succeeded(_ user: String) { failures[user] = nil }
}
