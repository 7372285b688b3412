import ArgumentParser

@main
struct Runbook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runbook",
        abstract: "Run reproducible experiment notebooks on Runbook's own tensor engine.",
        discussion: """
            The notebook runner is being built; today this tool offers the engine's benchmark.
            """,
        subcommands: [Bench.self])
}
