// A small spin-then-sleep thread pool for the engine's parallel loops. Tutorial-scale training
// issues thousands of short matrix products per second; waking a sleeping thread for each costs
// more than the work, so workers poll for the next loop for a while before they block.
//
// Indices are claimed from `next`, which carries the loop's generation in its high 32 bits: a
// worker that arrives late can never claim an index of a newer loop than the one it woke for.
#include "parallel.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>

#define MAX_WORKERS 63
#define SPIN_ROUNDS 20000

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int workers;                   // guarded by lock
    int sleepers;                  // guarded by lock
    _Atomic uint64_t generation;   // bumped once per loop
    _Atomic uint64_t next;         // generation << 32 | next index to claim
    _Atomic long count;            // indices in the current loop
    _Atomic long unfinished;       // indices not yet done
    _Atomic long seats;            // workers the current loop may still take
    runbook_task task;             // stable while any index of the loop is unfinished
    void *context;
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

static _Thread_local int inside_worker;   // set on pool threads, and on the caller during a loop

/// One round of a spin wait. Every 64th round gives the processor away, so a waiting thread
/// never starves the one it waits for when both share a core.
static inline void relax(unsigned round) {
    if (round % 64 == 63) { sched_yield(); return; }
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
}

/// Runs indices of loop `generation` until none are left to claim.
static void work(uint64_t generation) {
    uint64_t tag = (generation & 0xffffffffu) << 32;
    uint64_t v = atomic_load_explicit(&pool.next, memory_order_acquire);
    for (;;) {
        if ((v & ~(uint64_t)0xffffffffu) != tag) return;
        long i = (long)(v & 0xffffffffu);
        if (i >= atomic_load_explicit(&pool.count, memory_order_relaxed)) return;
        if (atomic_compare_exchange_weak_explicit(&pool.next, &v, v + 1, memory_order_acq_rel, memory_order_acquire)) {
            pool.task(pool.context, i);
            atomic_fetch_sub_explicit(&pool.unfinished, 1, memory_order_release);
            v = atomic_load_explicit(&pool.next, memory_order_acquire);
        }
    }
}

/// `first` is the generation current when the worker was created: a loop started right after
/// (the one that created it) is already new to it.
static void *worker_main(void *first) {
    inside_worker = 1;
    uint64_t seen = (uint64_t)(uintptr_t)first;
    for (;;) {
        uint64_t now = seen;
        for (unsigned spin = 0; spin < SPIN_ROUNDS && now == seen; spin++) {
            relax(spin);
            now = atomic_load_explicit(&pool.generation, memory_order_acquire);
        }
        if (now == seen) {
            pthread_mutex_lock(&pool.lock);
            pool.sleepers++;
            while ((now = atomic_load_explicit(&pool.generation, memory_order_acquire)) == seen)
                pthread_cond_wait(&pool.wake, &pool.lock);
            pool.sleepers--;
            pthread_mutex_unlock(&pool.lock);
        }
        seen = now;
        if (atomic_fetch_sub_explicit(&pool.seats, 1, memory_order_acq_rel) > 0) work(seen);
    }
    return 0;
}

void runbook_parallel(long count, long threads, runbook_task task, void *context) {
    if (threads > MAX_WORKERS + 1) threads = MAX_WORKERS + 1;
    if (count <= 1 || threads <= 1 || inside_worker) {
        for (long i = 0; i < count; i++) task(context, i);
        return;
    }
    pthread_mutex_lock(&pool.lock);
    while (pool.workers < threads - 1) {
        pthread_t thread;
        void *first = (void *)(uintptr_t)atomic_load_explicit(&pool.generation, memory_order_relaxed);
        if (pthread_create(&thread, 0, worker_main, first) != 0) break;
        pthread_detach(thread);
        pool.workers++;
    }
    pthread_mutex_unlock(&pool.lock);

    uint64_t generation = atomic_load_explicit(&pool.generation, memory_order_relaxed) + 1;
    pool.task = task;
    pool.context = context;
    atomic_store_explicit(&pool.count, count, memory_order_relaxed);
    atomic_store_explicit(&pool.unfinished, count, memory_order_relaxed);
    atomic_store_explicit(&pool.seats, threads - 1, memory_order_relaxed);
    atomic_store_explicit(&pool.next, (generation & 0xffffffffu) << 32, memory_order_relaxed);
    atomic_store_explicit(&pool.generation, generation, memory_order_release);
    pthread_mutex_lock(&pool.lock);
    if (pool.sleepers > 0) pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);

    inside_worker = 1;   // a loop started from inside this one runs serially
    work(generation);
    for (unsigned round = 0; atomic_load_explicit(&pool.unfinished, memory_order_acquire) > 0; round++) relax(round);
    inside_worker = 0;
}

#include <stdlib.h>

float *runbook_thread_scratch(long count) {
    static _Thread_local float *buffer;
    static _Thread_local long capacity;
    if (count > capacity) {
        free(buffer);
        long grown = count > 2 * capacity ? count : 2 * capacity;
        buffer = aligned_alloc(64, (size_t)((grown * 4 + 63) / 64 * 64));
        capacity = buffer ? grown : 0;
    }
    return buffer;
}

#include <malloc.h>

// Under AddressSanitizer (the fuzz builds) malloc is the sanitizer's, which mallinfo2 does not see.
extern size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));

long long runbook_heap_bytes(void) {
    if (__sanitizer_get_current_allocated_bytes) return (long long)__sanitizer_get_current_allocated_bytes();
    struct mallinfo2 m = mallinfo2();
    return (long long)(m.uordblks + m.hblkhd);
}
