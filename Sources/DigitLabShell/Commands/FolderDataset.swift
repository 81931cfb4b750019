import DigitLabIO

/// `load folder DIR`: your own pictures as a dataset, and the pictures skipped.
enum FolderDataset {
    static func load(_ dir: String, shouldStop: () -> Bool) throws(IOError) -> (Dataset, [String]) {
        (try DatasetLoader.folder(dir), [])
    }
}
