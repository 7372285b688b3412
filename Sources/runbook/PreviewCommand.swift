import ArgumentParser
import Foundation
import Notebook
import Preview
import TensorEngine

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Serve a notebook's report on 127.0.0.1 and run it again on every save.",
        discussion: """
            Opens a local web server (127.0.0.1 only) with the notebook's report. The notebook runs \
            once at start and again whenever its file is saved; the page updates in place as each \
            cell finishes (scroll position kept), shows the running cell with its output as it is \
            printed, and marks the cells not run yet. A save during a run stops it and starts again. \
            With --manual, a save only marks the page and its Run button starts the run (for \
            notebooks too slow to run on every save). Nothing is written to the output folder: \
            run `runbook NOTEBOOK` for the report to commit. Ctrl-C stops the server.
            """)

    @Argument(help: "The notebook (a Markdown file).")
    var file: String

    @Option(help: ArgumentHelp("Port on 127.0.0.1 (0: any free port).", valueName: "port"))
    var port: UInt16 = 8000

    @Flag(help: "Open the page in the browser (xdg-open).")
    var open = false

    @Flag(help: "Run only when the page's Run button is pressed, not on every save.")
    var manual = false

    @OptionGroup var settings: RunSettings

    func validate() throws {
        guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("no notebook at '\(file)'") }
    }

    func run() throws {
        settings.apply()
        let server = PreviewServer(
            path: NotebookOptions.relative(file), overrides: settings.overrides, seed: settings.seed.map(UInt64.init),
            manual: manual, port: port)
        server.log = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        // Ctrl-C or SIGTERM: stop the run at its next step and close the server.
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                Runner.interrupt("the server stopping")
                FileHandle.standardError.write(Data("preview: stopped\n".utf8))
                _exit(0)
            }
            source.resume()
            Self.sources.append(source)
        }
        let done = DispatchSemaphore(value: 0)
        final class Failure: @unchecked Sendable { var error: Error? }
        let failure = Failure()
        let open = self.open
        Task {
            do {
                try await server.run { port in
                    let url = "http://127.0.0.1:\(port)/"
                    print("preview: \(url) (Ctrl-C to stop)")
                    fflush(stdout)
                    if open { _ = try? Process.run(URL(fileURLWithPath: "/usr/bin/xdg-open"), arguments: [url]) }
                }
            } catch {
                failure.error = error
            }
            done.signal()
        }
        done.wait()
        if let error = failure.error {
            FileHandle.standardError.write(Data("error: preview: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []
}
