// libFuzzer harness: the notebook reader (line endings, front matter, fences, cell options) and
// the rendering of its diagnostics. Any UTF-8 input; the tool rejects other bytes before reading.
import CellLanguage
import Foundation
import FuzzSupport
import Notebook

func fuzzReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard
        let source = String(validating: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    else {
        return -1  // not kept in the corpus
    }
    do {
        let document = try Reader.read(path: "fuzz.md", source: source)
        _ = document.cells.map(\.source)
    } catch let list as DiagnosticList {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        for d in list.diagnostics { _ = d.rendered(file: "fuzz.md", lines: lines) }
    } catch {}
    return 0
}

exit(fuzzerDriver(fuzzReader))
