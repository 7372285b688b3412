import ArgumentParser

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
            """,
        subcommands: [Run.self, Check.self, Bench.self],
        defaultSubcommand: Run.self)
}
