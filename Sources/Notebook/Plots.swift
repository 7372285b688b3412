import CellLanguage

/// Plot functions for cells (`plot`, `scatter`, `imshow`, …) drawing on the cell's figure.
enum Plots {
    static func install(in interpreter: Interpreter, bindings: EngineBindings, collector: FigureCollector) {}
}
