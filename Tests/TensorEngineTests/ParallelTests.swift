import Foundation
import XCTest

@testable import TensorEngine

/// The engine's thread pool (CParallel): every index of every loop runs exactly once, the caller
/// runs index 0, and a loop inside a loop runs on the thread that started it.
final class ParallelTests: XCTestCase {
    func testEveryIndexRunsOnceAndTheCallerRunsIndexZero() {
        defer { engineThreads = 1 }
        let lock = NSLock()
        for threads in [2, 3, 5] {
            engineThreads = threads
            for count in [2, 3, 5, 8, 33, 100] {
                for _ in 0..<200 {
                    var runs = [Int](repeating: 0, count: count)
                    var zeroOnCaller = false
                    let caller = pthread_self()
                    parallelFor(count) { index in
                        if index == 0 { zeroOnCaller = pthread_equal(pthread_self(), caller) != 0 }
                        lock.lock()
                        runs[index] += 1
                        lock.unlock()
                    }
                    XCTAssertEqual(runs, [Int](repeating: 1, count: count), "\(threads) threads, \(count) indices")
                    XCTAssertTrue(zeroOnCaller, "\(threads) threads, \(count) indices")
                }
            }
        }
    }

    func testALoopInsideALoopRunsOnItsThread() {
        defer { engineThreads = 1 }
        engineThreads = 2
        let lock = NSLock()
        var inner = [[Bool]](repeating: [], count: 4)
        parallelFor(4) { outer in
            let mine = pthread_self()
            var sameThread = [Bool](repeating: false, count: 6)
            parallelFor(6) { index in sameThread[index] = pthread_equal(pthread_self(), mine) != 0 }
            lock.lock()
            inner[outer] = sameThread
            lock.unlock()
        }
        XCTAssertEqual(inner, [[Bool]](repeating: [Bool](repeating: true, count: 6), count: 4))
    }
}
