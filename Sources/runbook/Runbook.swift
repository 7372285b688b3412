import ArgumentParser
import Notebook

@main
struct Runbook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runbook",
        abstract: "Run reproducible experiment notebooks on Runbook's own tensor engine.",
        discussion: """
            A notebook is a Markdown file whose ```swift runbook fences are cells in a small \
            Swift-flavoured language. Runbook runs the cells in order with seeded generators and \
            writes an HTML report with the outputs and figures under Output/<notebook>/.

            Exit status: 0 success, 1 `check` found a stale report, 2 a notebook failed, 64 usage error.

            Examples:
              runbook Notebooks/x2fit.md
              runbook Notebooks/x2fit.md --set hidden=50 --set steps=2000
              runbook --all
              runbook check
              runbook preview Notebooks/x2fit.md   # the report in the browser, re-run on every save
              runbook sweep Notebooks/x2fit.md --grid hidden=2,5,10 --seeds 3   # compare runs
              runbook help api          # every function a cell can call, with its signature
            """,
        subcommands: [Run.self, Check.self, PreviewCommand.self, SweepCommand.self, Bench.self, Help.self],
        defaultSubcommand: Run.self)
}

struct Help: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the reference of the cell language's functions.",
        discussion: """
            `runbook help api` lists every function, method, layer, loss, optimizer, data and plot \
            call a cell can use, with its signature and one line of documentation, table by table. \
            Arguments marked `_` may be passed by position (as in PyTorch) or by their label. The \
            same reference is written to <output>/api.html beside the reports.
            """)

    @Argument(
        help: ArgumentHelp("api, or a command (run, check, preview, sweep, bench) for its options.", valueName: "topic")
    )
    var topic: String

    static let commands: [String: ParsableCommand.Type] = [
        "run": Run.self, "check": Check.self, "preview": PreviewCommand.self, "sweep": SweepCommand.self,
        "bench": Bench.self,
    ]

    func validate() throws {
        guard topic == "api" || Self.commands[topic] != nil else {
            throw ValidationError("unknown help topic '\(topic)'; topics: api, run, check, preview, sweep, bench")
        }
    }

    func run() throws {
        if let command = Self.commands[topic] {
            print(Runbook.helpMessage(for: command))
        } else {
            print(APIReference.text, terminator: "")
        }
    }
}
