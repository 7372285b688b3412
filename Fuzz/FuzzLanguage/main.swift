// libFuzzer harness: the cell language alone — lexer, parser, resolver and interpreter with its
// builtins (no tensors) — on a large-stack thread as the runner uses, with a half-second budget.
import CellLanguage
import Dispatch
import Foundation
import FuzzSupport

func fuzzLanguage(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard
        let source = String(validating: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    else {
        return -1
    }
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        let interpreter = Interpreter()
        interpreter.output = { _ in }
        let deadline = DispatchTime.now().uptimeNanoseconds + 500_000_000
        interpreter.checkpoint = {
            if DispatchTime.now().uptimeNanoseconds > deadline {
                throw Diagnostic(
                    "timeout", at: SourceRange(SourceLocation(line: 1, column: 1), SourceLocation(line: 1, column: 2)))
            }
        }
        do {
            let program = try Parser.parse(source, firstLine: 1)
            if let shown = try interpreter.run(program) { _ = shown.displayed }
        } catch let d as Diagnostic {
            _ = d.rendered(file: "fuzz.md", lines: source.split(separator: "\n", omittingEmptySubsequences: false))
        } catch {}
        interpreter.releaseEverything()  // the cycles a program made, as the runner does
        done.signal()
    }
    thread.stackSize = 1 << 29
    thread.start()
    done.wait()
    return 0
}

exit(fuzzerDriver(fuzzLanguage))
