import CParallel

/// How many threads the engine uses (products, convolution, large element-wise maps). Results
/// never depend on it: work is cut into pieces whose every element is computed by the same
/// operations wherever it runs, and sums across pieces are taken in a fixed order.
nonisolated(unsafe) public var engineThreads = 1

/// Runs body(0..<count) on up to `engineThreads` threads of the engine's pool (CParallel: workers
/// spin briefly between loops, then sleep). A loop started inside another runs serially.
func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        var task = body
        withUnsafeMutablePointer(to: &task) { context in
            runbook_parallel(
                count, engineThreads,
                { context, index in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(index)
                }, context)
        }
    }
}

/// The calling thread's own working memory, `count` floats on a cache line, reused by its later
/// calls (a core keeps writing lines it already holds): for a parallel task's buffers that no
/// other task reads, valid until the task's next call.
func threadScratch(_ count: Int) -> UnsafeMutablePointer<Float> {
    guard let memory = runbook_thread_scratch(count) else {
        fatalError("out of memory: \(count) floats of working memory")
    }
    return memory
}
