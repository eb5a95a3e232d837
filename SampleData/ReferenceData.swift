/// The reference lists shipped in SampleData/*.csv, embedded into the binary: `pledge init` loads them
/// wherever the binary is copied. Each is a small UTF-8 CSV with a header row and no quoted fields.
public enum ShippedReference {
    public static var prefecturesCSV: String { String(decoding: PackageResources.prefectures_csv, as: UTF8.self) }
    public static var parksCSV: String { String(decoding: PackageResources.parks_csv, as: UTF8.self) }
    public static var banksCSV: String { String(decoding: PackageResources.banks_csv, as: UTF8.self) }
}
