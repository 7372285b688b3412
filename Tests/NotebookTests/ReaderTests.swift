import CellLanguage
import TensorEngine
import XCTest

@testable import Notebook

final class ReaderTests: XCTestCase {
    let sample = """
        ---
        title: "A test"
        seed: 7
        params:
          hidden: 3
          rate: 0.5
          name: "x"
          fast: true
        extra: kept
        ---

        # Heading

        Prose with `code`.

        ```swift runbook
        //| label: first
        //| echo: false
        let a = hidden * 2
        a
        ```

        ```python
        not a cell
        ```

        - a list

          ```swift runbook
          print("inside a list item is prose, not a cell")
          ```

        ```swift runbook
        print(name)
        ```
        """

    func testFrontMatterCellsAndLineMapping() throws {
        let doc = try Reader.read(path: "Notebooks/t.md", source: sample)
        XCTAssertEqual(doc.title, "A test")
        XCTAssertEqual(doc.seed, 7)
        XCTAssertEqual(doc.parameters.map(\.name), ["hidden", "rate", "name", "fast"])
        XCTAssertEqual(doc.parameters.map(\.value), [.int(3), .double(0.5), .string("x"), .bool(true)])
        XCTAssertEqual(doc.cells.count, 2)
        let first = doc.cells[0]
        XCTAssertEqual(first.options.label, "first")
        XCTAssertFalse(first.options.echo)
        XCTAssertEqual(first.firstLine, 17)
        XCTAssertEqual(String(doc.lines[first.firstLine - 1]), "//| label: first")
        XCTAssertEqual(first.displaySource, "let a = hidden * 2\na")
        XCTAssertEqual(doc.cells[1].id, "cell-2")
        XCTAssertEqual(doc.cells[1].firstLine, 34)
        XCTAssertEqual(String(doc.lines[33]), "print(name)")
    }

    func testUnknownOptionAndBadValuesAreDiagnosticsWithLocations() {
        let source = "# T\n\n```swift runbook\n//| lable: x\n//| echo: maybe\n1\n```\n"
        XCTAssertThrowsError(try Reader.read(path: "n.md", source: source)) { error in
            let list = error as! DiagnosticList
            XCTAssertEqual(list.diagnostics.map(\.range.start.line), [4, 5])
            XCTAssertTrue(list.diagnostics[0].message.hasPrefix("unknown cell option 'lable'"))
            XCTAssertEqual(list.diagnostics[1].message, "option 'echo' must be true or false, not 'maybe'")
            XCTAssertEqual(
                list.diagnostics[0].rendered(
                    file: "n.md", lines: source.split(separator: "\n", omittingEmptySubsequences: false)),
                "n.md:4:1: error: unknown cell option 'lable' (known: caption, echo, error, height, label, nan, output, timeout, width)\n//| lable: x\n^~~~~~~~~~~~"
            )
        }
    }

    func testMalformedYAMLPointsIntoTheFile() {
        let source = "---\ntitle: ok\nparams:\n  a: [1, 2\n---\n"
        XCTAssertThrowsError(try Reader.read(path: "n.md", source: source)) { error in
            let d = (error as! DiagnosticList).diagnostics[0]
            XCTAssertTrue(d.message.hasPrefix("malformed front matter"), d.message)
            XCTAssertGreaterThanOrEqual(d.range.start.line, 4)
        }
        XCTAssertThrowsError(try Reader.read(path: "n.md", source: "---\ntitle: x\n")) { error in
            XCTAssertTrue("\(error)".contains("never closed"))
        }
        XCTAssertThrowsError(try Reader.read(path: "n.md", source: "---\nseed: -1\n---\n")) { error in
            XCTAssertEqual((error as! DiagnosticList).diagnostics[0].range.start.line, 2)
        }
    }

    func testWindowsAndOldMacLineEndingsReadAsNewlines() throws {
        for newline in ["\r\n", "\r"] {
            let source = [
                "---", "title: CRLF", "seed: 3", "---", "", "# Heading", "", "```swift runbook", "let a = 1", "```", "",
                "Prose.", "", "```swift runbook", "print(a + 1)", "let b = nope", "```", "",
            ].joined(separator: newline)
            let doc = try Reader.read(path: "Notebooks/t.md", source: source)
            XCTAssertEqual(doc.title, "CRLF")
            XCTAssertEqual(doc.seed, 3)
            XCTAssertEqual(doc.cells.map(\.source), ["let a = 1", "print(a + 1)\nlet b = nope"])
            XCTAssertEqual(doc.cells.map(\.firstLine), [9, 15])
        }
    }

    /// Front matter Yams would choke on is refused before it reaches Yams, at its line: an alias
    /// bomb, nesting 5,000 deep, a complex key (which crashed Yams' mapping construction).
    func testHostileFrontMatterIsRefusedAtItsLine() {
        let cases = [
            ("---\na: &x [1, 2]\nb: [*x, *x]\n---\n", "2: YAML anchors and aliases"),
            (
                "---\na: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n---\n",
                "2: front matter is nested more than 50 levels deep"
            ),
            ("---\n? [a]\n: 1\n---\n", "2: complex keys"),
        ]
        for (source, expected) in cases {
            XCTAssertThrowsError(try Reader.read(path: "t.md", source: source)) { error in
                let d = (error as! DiagnosticList).diagnostics[0]
                XCTAssertTrue(
                    "\(d.range.start.line): \(d.message)".hasPrefix(expected), "\(d.range.start.line): \(d.message)")
            }
        }
        XCTAssertNoThrow(try Reader.read(path: "t.md", source: "---\ntitle: \"A *bold* & plain: x\"\n---\n"))
    }

    func testSeedMustFitNumpysGenerator() {
        XCTAssertThrowsError(try Reader.read(path: "t.md", source: "---\nseed: 4294967296\n---\n")) {
            XCTAssertTrue("\($0)".contains("seed must be an integer from 0 to 4294967295"), "\($0)")
        }
    }

    func testDuplicateLabels() {
        let source = "```swift runbook\n//| label: a\n1\n```\n\n```swift runbook\n//| label: a\n2\n```\n"
        XCTAssertThrowsError(try Reader.read(path: "n.md", source: source)) { error in
            XCTAssertEqual((error as! DiagnosticList).diagnostics.map(\.message), ["duplicate cell label 'a'"])
        }
    }

    func testParameterOverrides() throws {
        let doc = try Reader.read(path: "Notebooks/t.md", source: sample)
        let p = try Runner.parameters(doc, overrides: ["hidden=50", "rate=0.25", "fast=false", "name=y"])
        XCTAssertEqual(p.map(\.value), [.int(50), .double(0.25), .string("y"), .bool(false)])
        XCTAssertThrowsError(try Runner.parameters(doc, overrides: ["hiden=5"])) {
            XCTAssertTrue("\($0)".contains("no parameter 'hiden'"))
        }
        XCTAssertThrowsError(try Runner.parameters(doc, overrides: ["hidden=lots"])) {
            XCTAssertTrue("\($0)".contains("is an Int"))
        }
    }
}

final class RunnerTests: XCTestCase {
    func run(_ source: String, overrides: [String] = []) throws -> (NotebookResult, Runner) {
        let doc = try Reader.read(path: "Notebooks/t.md", source: source)
        let runner = Runner()
        return (runner.run(doc, parameters: try Runner.parameters(doc, overrides: overrides)), runner)
    }

    func testStateCarriesAcrossCellsAndTheLastExpressionIsShown() throws {
        let (result, _) = try run(
            "---\nseed: 2\nparams:\n  n: 5\n---\n```swift runbook\nlet net = Linear(1, n)\n```\n\n```swift runbook\nnet.weight.shape\n```\n"
        )
        XCTAssertEqual(result.cells.map(\.output), ["", "[5, 1]\n"])
    }

    func testGlobalsRedefinedInALaterCellAreSeenByEarlierFunctions() throws {
        let (result, _) = try run(
            "```swift runbook\nlet k = 1\nfunc f() -> Int { return k }\nprint(f())\n```\n\n"
                + "```swift runbook\nlet k = 2\nprint(f(), k)\n```\n")
        XCTAssertEqual(result.cells.map(\.output), ["1\n", "2 2\n"])
    }

    /// The classic `total = total + loss` keeps a 30,000-node graph alive; freeing it must not
    /// overflow the stack (it did, after every cell had run and before the report was written).
    func testADeepGraphIsFreedWithoutRecursion() throws {
        let (result, _) = try run(
            "```swift runbook\nlet w = tensor([1.0], requiresGrad: true)\nvar total = tensor([0.0])\n"
                + "for _ in 0..<30000 { total = total + (w * 2).sum() }\nprint(total.item())\n```\n")
        XCTAssertEqual(result.cells[0].output, "60000.0\n")
    }

    func testAWrongArgumentIsMarkedAndTheSignatureListed() throws {
        let (result, runner) = try run("```swift runbook\nlet c = Conv2d(1, 20, kernelSize: \"five\")\n```\n")
        XCTAssertEqual(
            result.cells[0].renderedErrors(result.document),
            """
            Notebooks/t.md:2:35: error: Conv2d: 'kernelSize' must be an Int, not String
            let c = Conv2d(1, 20, kernelSize: "five")
                                              ^~~~~~
            """)
        let (flatten, r2) = try run("```swift runbook\nlet f = Flatten(0, 1, 2)\n```\n")
        XCTAssertEqual(
            flatten.cells[0].renderedErrors(flatten.document),
            """
            Notebooks/t.md:2:23: error: extra argument in call to Flatten; expected Flatten(_ startDim: Int = 1, _ endDim: Int = -1)
            let f = Flatten(0, 1, 2)
                                  ^
            """)
    }

    /// A diverging training is reported once, at the backward() call and loop step where the
    /// loss first stopped being finite; `//| nan: error` stops the cell there instead.
    func testANonFiniteLossIsReportedWhereItHappened() throws {
        let training = """
            manualSeed(0)
            let net = Linear(1, 1)
            let opt = SGD(net.parameters(), lr: 1e10)
            let x = tensor([[1.0], [2.0]])
            for epoch in 0..<3 {
                for step in 0..<20 {
                    let loss = MSELoss()(net(x), x * 2)
                    opt.zeroGrad()
                    loss.backward()
                    opt.step()
                }
            }
            """
        let (result, _) = try run("```swift runbook\n\(training)\n```\n")
        XCTAssertEqual(result.cells[0].status, .ok)
        XCTAssertEqual(
            result.cells[0].warnings.map { "\($0)" },
            [
                "10:9: warning: the loss became inf at loop step 0, 2 (counting from 0, outermost first); training goes on with it "
                    + "(stop instead with '//| nan: error')"
            ])
        let (stopped, _) = try run("```swift runbook\n//| nan: error\n\(training)\n```\n")
        guard case .failed(let d) = stopped.cells[0].status else { return XCTFail("\(stopped.cells[0].status)") }
        XCTAssertEqual(
            "\(d)",
            "11:9: error: the loss became inf at loop step 0, 2 (counting from 0, outermost first) (//| nan: error)")
    }

    /// A gradient that is no longer finite while the loss still is (√w at w = 0: 0 · ∞) is
    /// reported at the optimizer's step(), naming the parameter.
    func testANonFiniteGradientIsReportedAtTheStep() throws {
        let training = """
            let w = zeros(3, requiresGrad: true)
            let b = ones(2, requiresGrad: true)
            let opt = SGD([b, w], lr: 0.1)
            for step in 0..<3 {
                let loss = (w * 0).sqrt().sum() + b.sum()
                opt.zeroGrad()
                loss.backward()
                opt.step()
            }
            """
        let (result, _) = try run("```swift runbook\n\(training)\n```\n")
        XCTAssertEqual(result.cells[0].status, .ok)
        XCTAssertEqual(
            result.cells[0].warnings.map { "\($0)" },
            [
                "9:5: warning: the gradient of parameter 1 (shape [3]) became nan at loop step 0 (counting from 0); "
                    + "training goes on with it (stop instead with '//| nan: error')"
            ])
    }

    /// One report folder holds every cell's files: a later cell never takes an earlier one's name.
    func testFileNamesAreUniqueAcrossCells() throws {
        let source = """
            ```swift runbook
            //| label: a
            plot([1.0, 2.0])
            show()
            plot([2.0, 1.0])
            ```

            ```swift runbook
            //| label: a-2
            plot([3.0, 3.0])
            saveWeights(Linear(1, 1), "w.safetensors")
            ```

            ```swift runbook
            saveWeights(Linear(1, 1), "w.safetensors")
            ```
            """
        let (result, _) = try run(source)
        XCTAssertEqual(
            result.cells.map { $0.figures.map(\.fileName) },
            [["a.png", "a-2.png"], ["w.safetensors", "a-2-2.png"], []])
        guard case .failed(let d) = result.cells[2].status else { return XCTFail("\(result.cells[2].status)") }
        XCTAssertEqual(
            d.message, "saveWeights: 'w.safetensors' is already written by cell 2; give this file another name")
    }

    func testFailureStopsLaterCellsAndRendersTheError() throws {
        let source =
            "```swift runbook\nprint(1)\n```\n\n```swift runbook\nlet a = tensor([1.0, 2.0])\nlet b = a + tensor([1.0, 2.0, 3.0])\n```\n\n```swift runbook\nprint(2)\n```\n"
        let (result, runner) = try run(source)
        XCTAssertEqual(result.cells.map(\.status), [.ok, result.cells[1].status, .notRun])
        XCTAssertEqual(result.failedCell?.cell.index, 1)
        XCTAssertEqual(
            result.cells[1].renderedErrors(result.document),
            """
            Notebooks/t.md:7:9: error: add: shapes [2] and [3] cannot be broadcast together (dimension 0: 2 vs 3)
            let b = a + tensor([1.0, 2.0, 3.0])
                    ^~~~~~~~~~~~~~~~~~~~~~~~~~~
            """)
        let html = Report.html(result)
        XCTAssertTrue(
            html.contains(
                "<div class=\"banner\" role=\"alert\">This run stopped with an error in <a href=\"#cell-2\">cell 2</a>")
        )
        XCTAssertTrue(html.contains("Not run: an earlier cell failed."))
    }

    func testExpectedErrorsAreShownAndDoNotStopTheRun() throws {
        let (result, _) = try run(
            "```swift runbook\n//| error: expected\nlet x = undefinedName\n```\n\n```swift runbook\nprint(\"after\")\n```\n"
        )
        guard case .expectedError(let d) = result.cells[0].status else { return XCTFail("\(result.cells[0].status)") }
        XCTAssertEqual(d.message, "cannot find 'undefinedName' in scope")
        XCTAssertEqual(result.cells[1].output, "after\n")
        let (ran, _) = try run("```swift runbook\n//| error: expected\nprint(1)\n```\n")
        XCTAssertNotNil(ran.failedCell)
    }

    func testTimeoutStopsARunawayCell() throws {
        let (result, _) = try run("```swift runbook\n//| timeout: 0.2\nvar i = 0\nwhile true { i += 1 }\n```\n")
        guard case .failed(let d) = result.cells[0].status else { return XCTFail() }
        XCTAssertTrue(d.message.contains("timeout of 0.2 s"), d.message)
    }

    func testUserModulesPrintAndTrainLikePyTorch() throws {
        let source = """
            ```swift runbook
            class Net: Module {
                let hidden_layer = Linear(1, 1)
                let output_layer = Linear(1, 1)
                func forward(_ x: Tensor) -> Tensor {
                    return sigmoid(output_layer(sigmoid(hidden_layer(x))))
                }
            }
            let net = Net()
            print(net)
            print(net.parameters().count)
            let before = net(tensor([0.8])).item()
            let optimizer = SGD(net.parameters(), lr: 1.0)
            for _ in 0..<50 {
                let loss = MSELoss()(net(tensor([0.8])), tensor([1.0]))
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
            }
            print(net(tensor([0.8])).item() > before)
            ```
            """
        let (result, runner) = try run(source)
        XCTAssertNil(result.failedCell, result.cells[0].renderedErrors(result.document))
        XCTAssertEqual(
            result.cells[0].output,
            """
            Net(
              (hidden_layer): Linear(in_features=1, out_features=1, bias=True)
              (output_layer): Linear(in_features=1, out_features=1, bias=True)
            )
            4
            true

            """)
    }

    func testSaveWeightsWritesSafetensorsBesideTheReport() throws {
        let (result, runner) = try run(
            "---\nseed: 7\n---\n```swift runbook\nsaveWeights(Linear(2, 1), \"w.safetensors\")\nsaveWeights(Linear(2, 1), \"../escape.safetensors\")\n```\n"
        )
        guard case .failed(let d) = result.cells[0].status else { return XCTFail("\(result.cells[0].status)") }
        XCTAssertTrue(d.message.contains("plain name ending in .safetensors"), d.message)
        _ = runner
        let (ok, _) = try run(
            "```swift runbook\nlet net = Linear(2, 1)\nsaveWeights(net, \"w.safetensors\")\nprint(oneHot(tensor([2, 0]), classes: 3))\n```\n"
        )
        let file = try XCTUnwrap(ok.cells[0].figures.first { $0.fileName == "w.safetensors" })
        XCTAssertFalse(file.isImage)
        XCTAssertEqual(try SafeTensors.decode(file.data).keys.sorted(), ["bias", "weight"])
        XCTAssertEqual(ok.cells[0].output, "tensor([[0., 0., 1.],\n        [1., 0., 0.]])\n")
    }

    func testSeedsBothGeneratorsFromFrontMatter() throws {
        let (result, _) = try run(
            "---\nseed: 2\n---\n```swift runbook\nprint(rand(2))\nprint(np.random.uniform(-3, 3))\n```\n")
        XCTAssertEqual(result.cells[0].output, "tensor([0.6147, 0.3810])\n-0.38403058714797744\n")
    }
}
