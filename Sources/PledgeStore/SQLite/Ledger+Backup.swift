import Foundation
import GRDB
import PledgeCore

extension Ledger {
    /// Copies the live ledger with SQLite's online backup into a new file (mode 0600), consistent even while
    /// others write. Refuses an existing destination. The copy is opened and returned for verification.
    public func backup(to destination: String) throws -> any LedgerStore {
        guard postgres == nil else { throw StoreError.sqliteOnly(operation: "backup", location: path) }
        let fd = Glibc.open(destination, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if fd < 0 {
            let err = errno
            if err == EEXIST {
                throw StoreError.io(path: destination, detail: "the file exists; a backup never overwrites: choose a new name")
            }
            throw StoreError.io(path: destination, detail: String(cString: strerror(err)))
        }
        close(fd)
        do {
            let target = try Ledger.mapErrors(destination) {
                try DatabaseQueue(path: destination, configuration: Ledger.configuration(readOnly: false, busyTimeout: Ledger.defaultBusyTimeout, keepSidecars: false))
            }
            try Ledger.mapErrors(path) {
                try dbQueue.backup(to: target)
                try target.writeWithoutTransaction { db in
                    // The copy is a standalone file: fold its WAL back so one file holds everything.
                    try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                }
            }
            try target.close()
            // Opened writable (it writes nothing) so that closing it folds the WAL back: one file remains.
            return try Ledger.open(at: destination, readOnly: false, operatorName: operatorName, keepSidecars: false)
        } catch {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(destination + suffix) }
            throw error
        }
    }
}
