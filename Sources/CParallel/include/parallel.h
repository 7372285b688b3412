#ifndef RUNBOOK_PARALLEL_H
#define RUNBOOK_PARALLEL_H

/// One piece of a parallel loop: `index` in 0..<count.
typedef void (*runbook_task)(void *context, long index);

/// Runs task(context, i) for every i in 0..<count on the calling thread and up to
/// `threads` − 1 pool workers, and returns when all have finished. Workers spin briefly
/// between loops (small products come in quick succession), then sleep. The caller runs index
/// 0, and index j < threads goes to the same worker every time unless it is late.
void runbook_parallel(long count, long threads, runbook_task task, void *context);

/// The calling thread's own working memory, at least `count` floats on a cache line: reused by
/// every later call on this thread (so a core keeps writing memory it already holds), valid until
/// the next call on the same thread. Never freed. NULL only if the allocation fails.
float *runbook_thread_scratch(long count);

/// The bytes the process's heap holds right now (malloc's own count, mmapped blocks included).
long long runbook_heap_bytes(void);

#endif
