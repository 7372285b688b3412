import CellLanguage
import FlyingFox
import Foundation
import Notebook

/// `runbook preview`: serves a notebook's report on 127.0.0.1 and runs the notebook again
/// whenever its file is saved. The page keeps itself current over a WebSocket (`/live`): it is
/// told when a cell starts or ends (and then fetches the page again, keeping its scroll
/// position) and is sent the running cell's printed text as it is printed (all of it so far,
/// each time: a message that overtakes a refresh is not lost). Cells the run has
/// not reached yet say so; they never show the previous run's output. A save during a run
/// stops it at its next step and starts again; with `manual`, a save only marks the page and
/// the Run button starts the run. The page is the report `runbook` writes, plus a status line,
/// a few styles and the script.
public final class PreviewServer: @unchecked Sendable {
    let path: String
    let overrides: [String]
    /// `--seed`: replaces the front matter's seed.
    let seed: UInt64?
    let manual: Bool
    let requestedPort: UInt16
    private let lock = NSLock()
    /// What `GET /` and the figure names serve: the page of the run in progress or the last one.
    private var files: [String: Data] = [:]
    private var clients: [Int: AsyncStream<WSMessage>.Continuation] = [:]
    private var nextClient = 0
    private var wanted = false, isRunning = false
    /// The running cell's text so far, not yet sent (sent at most ten times a second).
    private var pendingOutput: (id: String, text: String)?
    private var flusher: DispatchSourceTimer?
    private let wake = DispatchSemaphore(value: 0)
    /// Told what the server does (runs started and finished), for the terminal.
    public var log: (String) -> Void = { _ in }

    public init(path: String, overrides: [String], seed: UInt64?, manual: Bool, port: UInt16) {
        self.path = path
        self.overrides = overrides
        self.seed = seed
        self.manual = manual
        requestedPort = port
        files["index.html"] = Data(Report.messagePage(title: path, message: "Starting…", live: live("Starting…")).utf8)
    }

    /// Listens, runs the notebook once, then again on every save, until the task is cancelled.
    /// `ready` is given the port once the server listens.
    public func run(ready: @escaping @Sendable (UInt16) -> Void) async throws {
        let server = HTTPServer(
            address: try .inet(ip4: "127.0.0.1", port: requestedPort), timeout: 3600, logger: .disabled)
        await server.appendRoute("GET /live", to: .webSocket(LiveSocket(server: self)))
        await server.appendRoute("POST /run") { [self] _ in
            requestRun(cancelling: false)
            return HTTPResponse(statusCode: .noContent)
        }
        await server.appendRoute("GET /*") { [self] request in serve(request.path) }
        let task = Task { try await server.run() }
        try await server.waitUntilListening()
        if case .ip4(_, let port) = await server.listeningAddress { ready(port) }
        startRunner()
        startWatcher()
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now(), repeating: .milliseconds(100))
        timer.setEventHandler { [self] in
            guard
                let (id, text) = lock.withLock({ () -> (String, String)? in
                    defer { pendingOutput = nil }
                    return pendingOutput
                })
            else { return }
            // The last 20,000 characters at most: the page gets the whole text when the cell ends.
            let shown = text.count > 20_000 ? "…" + text.suffix(20_000) : text
            broadcast(["type": "output", "id": id, "text": shown])
        }
        timer.resume()
        flusher = timer
        requestRun(cancelling: false)
        try await task.value
    }

    // MARK: - Serving

    private func serve(_ requestPath: String) -> HTTPResponse {
        let name = requestPath == "/" ? "index.html" : String(requestPath.dropFirst())
        let headers: [HTTPHeader: String] = [
            .contentType: Self.contentType(name), .init("Cache-Control"): "no-store",
        ]
        if name == "favicon.ico" { return HTTPResponse(statusCode: .noContent) }
        guard let data = lock.withLock({ files[name.removingPercentEncoding ?? name] }) else {
            return HTTPResponse(
                statusCode: .notFound, headers: [.contentType: "text/plain"], body: Data("not found".utf8))
        }
        return HTTPResponse(statusCode: .ok, headers: headers, body: data)
    }

    static func contentType(_ name: String) -> String {
        switch (name as NSString).pathExtension {
        case "html": return "text/html; charset=utf-8"
        case "png": return "image/png"
        case "gif": return "image/gif"
        case "txt": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }

    fileprivate func connect(_ continuation: AsyncStream<WSMessage>.Continuation) -> Int {
        lock.withLock {
            nextClient += 1
            clients[nextClient] = continuation
            return nextClient
        }
    }

    fileprivate func disconnect(_ id: Int) { _ = lock.withLock { clients.removeValue(forKey: id) } }

    /// Sends `message` (JSON) to every open page.
    private func broadcast(_ message: [String: String]) {
        guard let data = try? JSONSerialization.data(withJSONObject: message, options: [.sortedKeys]) else { return }
        let text = String(decoding: data, as: UTF8.self)
        for c in lock.withLock({ Array(clients.values) }) { c.yield(.text(text)) }
    }

    // MARK: - Running

    /// Asks for a run; a run in progress is stopped at its next step first when `cancelling`.
    func requestRun(cancelling: Bool) {
        let signal = lock.withLock { () -> Bool in
            let first = !wanted
            wanted = true
            if isRunning && cancelling { Runner.interrupt("a save") }
            return first
        }
        if signal { wake.signal() }
    }

    private func startRunner() {
        let thread = Thread { [self] in
            while true {
                wake.wait()
                lock.withLock {
                    wanted = false
                    isRunning = true
                }
                Runner.waitForGivenUpRuns()
                runOnce()
                lock.withLock { isRunning = false }
            }
        }
        thread.start()
    }

    private func live(
        _ status: String, running: Int? = nil, waiting: Set<Int> = [], output: String = ""
    )
        -> Report.Live
    {
        var l = Report.Live(running: running, waiting: waiting, status: status, script: Self.script(manual: manual))
        l.runningOutput = output
        return l
    }

    private func show(_ newFiles: [String: Data]) {
        lock.withLock { files = newFiles }
        broadcast(["type": "update"])
    }

    private func runOnce() {
        let start = Date()
        guard let data = FileManager.default.contents(atPath: path) else {
            return show([
                "index.html": Data(
                    Report.messagePage(title: path, message: "Cannot read \(path).", live: live("Error")).utf8)
            ])
        }
        guard let source = String(data: data, encoding: .utf8) else {
            return show([
                "index.html": Data(
                    Report.messagePage(title: path, message: "\(path) is not UTF-8 text.", live: live("Error")).utf8)
            ])
        }
        var document: NotebookDocument
        let parameters: [(name: String, value: ParameterValue)]
        do {
            document = try Reader.read(path: path, source: source)
            if let seed { document.seed = seed }
            parameters = try Runner.parameters(document, overrides: overrides)
        } catch {
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
            let message =
                (error as? DiagnosticList)?.diagnostics.map { $0.rendered(file: path, lines: lines) }
                .joined(separator: "\n") ?? "\(error)"
            log("\(path): cannot be read:\n\(message)")
            return show([
                "index.html": Data(Report.messagePage(title: path, message: message, live: live("Error")).utf8)
            ])
        }
        let runner = Runner()
        let count = document.cells.count
        var done: [CellResult] = [], figures: [String: Data] = [:], running: Int?, output = ""
        let interruptionsBefore = Runner.interrupted.count
        func partial() -> NotebookResult {
            let rest = document.cells.dropFirst(done.count).map {
                CellResult(cell: $0, status: .notRun, output: "", figures: [], seconds: 0)
            }
            return NotebookResult(document: document, parameters: parameters, cells: done + rest)
        }
        func publish() {
            let waiting = Set((done.count..<count).filter { $0 != running })
            let status = "Running cell \((running ?? done.count) + 1) of \(count)…"
            let html = Report.html(
                partial(), live: live(status, running: running, waiting: waiting, output: output))
            var page = figures
            page["index.html"] = Data(html.utf8)
            show(page)
        }
        runner.onCellStart = { cell in
            running = cell.index
            output = ""
            publish()
        }
        runner.onOutput = { [self] cell, text in
            output += text
            lock.withLock { pendingOutput = (cell.id, output) }
        }
        runner.onCellEnd = { [self] result in
            lock.withLock { pendingOutput = nil }
            done.append(result)
            for f in result.figures { figures[f.fileName] = f.data }
            running = nil
            publish()
        }
        let result = runner.run(document, parameters: parameters)
        if Runner.interrupted.count > interruptionsBefore && lock.withLock({ wanted }) {
            log("\(path): run stopped by a save; starting again")
            return  // a newer version waits; this run's page is not shown
        }
        let seconds = String(format: "%.1f", Date().timeIntervalSince(start))
        let failed = result.failedCell
        let status =
            failed.map { "Stopped with an error in cell \($0.cell.index + 1) (\(seconds) s)" }
            ?? "Up to date (\(seconds) s)"
        var page = Report.files(result)
        page["index.html"] = Data(Report.html(result, live: live(status)).utf8)
        show(page)
        log("\(path): \(failed == nil ? "ran" : "failed") in \(seconds) s")
        if let failed { log(failed.renderedErrors(document)) }
    }

    // MARK: - Watching the file

    /// inotify on the notebook's folder (editors often write a new file and rename it over the
    /// old one); where inotify is not available, the file's modification time every 300 ms.
    private func startWatcher() {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let folder = url.deletingLastPathComponent().path, name = url.lastPathComponent
        let thread = Thread { [self] in
            let fd = inotify_init1(Int32(IN_CLOEXEC))
            if fd >= 0 && inotify_add_watch(fd, folder, UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE)) >= 0 {
                var buffer = [UInt8](repeating: 0, count: 64 * 1024)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    guard n > 0 else { break }
                    var offset = 0, changed = false
                    while offset + 16 <= n {
                        let length = buffer.withUnsafeBytes {
                            Int($0.load(fromByteOffset: offset + 12, as: UInt32.self))
                        }
                        let eventName = buffer[(offset + 16)..<min(n, offset + 16 + length)].prefix { $0 != 0 }
                        if String(decoding: eventName, as: UTF8.self) == name { changed = true }
                        offset += 16 + length
                    }
                    if changed { saved() }
                }
            }
            var last = Self.modified(url.path)
            while true {
                usleep(300_000)
                let now = Self.modified(url.path)
                if now != last {
                    last = now
                    saved()
                }
            }
        }
        thread.start()
    }

    static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    private func saved() {
        if manual {
            broadcast(["type": "changed"])
        } else {
            log("\(path): saved")
            requestRun(cancelling: true)
        }
    }

    /// The page's script: a WebSocket to /live; on "update" the page is fetched again and its
    /// main part replaced in place (scroll position kept); "output" carries the running cell's
    /// text so far (set again after a refresh that raced it);
    /// "changed" (manual mode) says the file changed. On (re)connecting it fetches the page once:
    /// what changed before the socket was open is not missed.
    static func script(manual: Bool) -> String {
        """
        (function(){
        var busy=false,again=false,shown={};
        function put(id){var c=document.getElementById(id),p=c&&c.querySelector('.live-output');if(p&&shown[id]!==undefined)p.textContent=shown[id]}
        function refresh(){if(busy){again=true;return}busy=true;
        fetch('/',{cache:'no-store'}).then(function(r){return r.text()}).then(function(t){
        var d=new DOMParser().parseFromString(t,'text/html'),y=window.scrollY;
        document.querySelector('main').replaceWith(d.querySelector('main'));window.scrollTo(0,y);bind();Object.keys(shown).forEach(put);
        }).finally(function(){busy=false;if(again){again=false;refresh()}})}
        function bind(){var s=document.getElementById('live-status');if(s&&\(manual)&&!document.getElementById('run-button')){
        var b=document.createElement('button');b.id='run-button';b.textContent='Run';
        b.onclick=function(){fetch('/run',{method:'POST'})};s.appendChild(b)}}
        function connect(){var ws=new WebSocket('ws://'+location.host+'/live');ws.onopen=refresh;
        ws.onmessage=function(e){var m=JSON.parse(e.data);
        if(m.type==='update')refresh();
        else if(m.type==='output'){shown={};shown[m.id]=m.text;put(m.id)}
        else if(m.type==='changed'){var s=document.getElementById('live-status');if(s)s.firstChild.textContent='The notebook changed on disk; press Run. '}};
        ws.onclose=function(){setTimeout(connect,1000)}}
        bind();connect();})();
        """
    }
}

/// One page's WebSocket: the server's messages out; the page sends nothing.
struct LiveSocket: WSMessageHandler {
    let server: PreviewServer

    func makeMessages(for client: AsyncStream<WSMessage>) async throws -> AsyncStream<WSMessage> {
        let (stream, continuation) = AsyncStream<WSMessage>.makeStream()
        let id = server.connect(continuation)
        Task {
            for await _ in client {}
            server.disconnect(id)
            continuation.finish()
        }
        return stream
    }
}
