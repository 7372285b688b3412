import Foundation
import Notebook

enum ImageDiff {
    /// Describes how two images differ (filled in by the plotting library).
    static func describe(_ a: Data, _ b: Data) -> String? { Notebook.imageDifference(a, b) }
}
