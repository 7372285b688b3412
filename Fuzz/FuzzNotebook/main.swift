// libFuzzer harness: a whole notebook through the runner with every binding (tensors, layers,
// data, plots) and the report, as `runbook` runs it, under a 1 s cell timeout and a 512 MiB
// memory budget. Input without a cell fence is taken as one cell's code.
import Foundation
import FuzzSupport
import Notebook
import TensorEngine

func fuzzNotebook(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard
        var source = String(validating: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    else {
        return -1
    }
    tensorMemoryBudget = 512 << 20
    if !source.contains("```") { source = "```swift runbook\n//| timeout: 1\n" + source + "\n```\n" }
    guard let document = try? Reader.read(path: "fuzz.md", source: source) else { return 0 }
    let runner = Runner()
    runner.timeoutLimit = 1
    let result = runner.run(document, parameters: document.parameters)
    Runner.waitForGivenUpRuns()
    _ = Report.files(result, runner: runner)
    return 0
}

exit(fuzzerDriver(fuzzNotebook))
