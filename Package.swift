// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "pledge",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pledge", targets: ["pledge"]),
        .library(name: "PledgeCore", targets: ["PledgeCore"]),
        .library(name: "PledgeStore", targets: ["PledgeStore"]),
        .library(name: "PledgeIO", targets: ["PledgeIO"]),
        .library(name: "PledgeServer", targets: ["PledgeServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Pure domain: no I/O, no SQLite, no printing.
        .target(name: "PledgeCore"),
        // The SQL migrations, embedded into the binary so a copied `pledge` needs no files beside it.
        .target(
            name: "PledgeSchema",
            path: "Schema",
            exclude: ["README.md"],
            resources: [
                .embedInCode("sqlite/001_initial.sql"),
                .embedInCode("sqlite/002_group_totals.sql"),
                .embedInCode("sqlite/003_check_lists.sql"),
                .embedInCode("sqlite/004_entry_kinds.sql"),
                .embedInCode("sqlite/005_settings_reviews.sql"),
                .embedInCode("sqlite/006_status_by_maturity.sql"),
                .embedInCode("sqlite/007_users.sql"),
                .embedInCode("sqlite/008_approvals.sql"),
                .embedInCode("sqlite/009_balance_days.sql"),
                .embedInCode("sqlite/010_subsidies.sql"),
                .embedInCode("sqlite/011_pools.sql"),
                .embedInCode("sqlite/012_puhui_dimension.sql"),
                .embedInCode("sqlite/013_puhui_totals.sql"),
                .embedInCode("sqlite/014_appraisal.sql"),
                .embedInCode("sqlite/015_subsidy_lines.sql"),
                .embedInCode("postgres/001_initial.pg.sql"),
            ]
        ),
        // Reference lists (prefectures, parks, banks), embedded the same way; sample registrations stay files.
        .target(
            name: "PledgeReference",
            path: "SampleData",
            exclude: ["README.md", "registrations.csv", "registrations-gb18030.csv", "registrations-en.csv", "make-sample.py"],
            resources: [
                .embedInCode("prefectures.csv"),
                .embedInCode("parks.csv"),
                .embedInCode("banks.csv"),
            ]
        ),
        .target(
            name: "PledgeStore",
            dependencies: [
                "PledgeCore", "PledgeSchema", "PledgeReference",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // libxml2, whose SAX2 interface streams a workbook's sheets (Debian: libxml2-dev).
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .target(name: "PledgeIO", dependencies: [
            "PledgeCore", "PledgeStore", "CLibXML2", .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        // The ledger in the browser and over HTTP: the same store operations and reports as the CLI.
        .target(
            name: "PledgeServer",
            dependencies: [
                "PledgeCore", "PledgeStore", "PledgeIO",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ]
        ),
        .executableTarget(
            name: "pledge",
            dependencies: [
                "PledgeCore", "PledgeStore", "PledgeIO", "PledgeServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "PledgeCoreTests", dependencies: ["PledgeCore", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "PledgeStoreTests", dependencies: ["PledgeStore", "PledgeCore", .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        .testTarget(name: "PledgeIOTests", dependencies: ["PledgeIO", "PledgeStore", "PledgeCore"]),
        .testTarget(name: "PledgeServerTests", dependencies: [
            "PledgeServer", "PledgeStore", "PledgeCore", .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "PledgeCLITests", dependencies: ["pledge", "PledgeCore"], exclude: ["Fixtures"]),
    ]
)
