// A small spin-then-sleep thread pool for the engine's parallel loops. Tutorial-scale training
// issues thousands of short matrix products per second; waking a sleeping thread for each costs
// more than the work, so workers poll for the next loop for a while before they block.
//
// Index j < threads of a loop is first offered to the thread with seat j (the caller runs index
// 0; the k-th worker created has seat k): a loop split into one run per thread gives the same run
// to the same thread every time, so the images a thread wrote in one loop are the ones it reads
// in the next and their memory stays in its core's cache. An index whose thread is late (asleep)
// is taken by whoever is free. Results never depend on which thread runs an index.
//
// Claims carry the loop's generation in their high 32 bits (seated indices as a bit mask, the
// others as a counter): a worker that arrives late can never claim an index of a newer loop than
// the one it woke for.
#include "parallel.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#define MAX_WORKERS 63
#define MAX_SEATS 32
#define SPIN_ROUNDS 20000
#define TAG(generation) (((generation) & 0xffffffffu) << 32)
#define HIGH ~(uint64_t)0xffffffffu

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int workers;                   // guarded by lock
    int sleepers;                  // guarded by lock
    _Atomic uint64_t generation;   // bumped once per loop
    _Atomic uint64_t seated;       // TAG | bit j once seated index j is claimed
    _Atomic uint64_t next;         // TAG | next unseated index to claim
    _Atomic long count;            // indices in the current loop
    _Atomic long seats;            // indices offered by seat: min(count, threads, MAX_SEATS)
    _Atomic long threads;          // threads the current loop may use (seats 0..<threads)
    _Atomic long unfinished;       // indices not yet done
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

static void run(long index) {
    pool.task(pool.context, index);
    atomic_fetch_sub_explicit(&pool.unfinished, 1, memory_order_release);
}

/// Claims seated index `seat` of the loop tagged `tag`; false if it is taken or the loop is over.
static int claim_seat(uint64_t tag, long seat) {
    uint64_t v = atomic_load_explicit(&pool.seated, memory_order_acquire), bit = (uint64_t)1 << seat;
    while ((v & HIGH) == tag && !(v & bit)) {
        if (atomic_compare_exchange_weak_explicit(&pool.seated, &v, v | bit, memory_order_acq_rel, memory_order_acquire))
            return 1;
    }
    return 0;
}

/// Runs the index of `seat` (unless taken), then unseated indices, then seated ones nobody has
/// taken, of loop `generation`, until none are left to claim.
static void work(uint64_t generation, long seat) {
    uint64_t tag = TAG(generation);
    // NOTE: loaded with acquire: a late worker that sees the next loop's count also sees its tags
    // (stored before the count, behind a fence) and claims nothing of it.
    long count = atomic_load_explicit(&pool.count, memory_order_acquire);
    long seats = atomic_load_explicit(&pool.seats, memory_order_relaxed);
    if (seat < seats && claim_seat(tag, seat)) run(seat);
    uint64_t v = atomic_load_explicit(&pool.next, memory_order_acquire);
    while ((v & HIGH) == tag && (long)(v & 0xffffffffu) < count) {
        if (atomic_compare_exchange_weak_explicit(&pool.next, &v, v + 1, memory_order_acq_rel, memory_order_acquire)) {
            run((long)(v & 0xffffffffu));
            v = atomic_load_explicit(&pool.next, memory_order_acquire);
        }
    }
    for (long other = 0; other < seats; other++) {
        if (claim_seat(tag, other)) run(other);
    }
}

/// `first` is the generation current when the worker was created (a loop started right after,
/// the one that created it, is already new to it); `seat` its place among the threads.
struct worker_start { uint64_t first; long seat; };

static void *worker_main(void *argument) {
    struct worker_start start = *(struct worker_start *)argument;
    free(argument);
    inside_worker = 1;
    uint64_t seen = start.first;
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
        if (start.seat < atomic_load_explicit(&pool.threads, memory_order_relaxed)) work(seen, start.seat);
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
        struct worker_start *start = malloc(sizeof *start);
        if (!start) break;
        start->first = atomic_load_explicit(&pool.generation, memory_order_relaxed);
        start->seat = pool.workers + 1;
        pthread_t thread;
        if (pthread_create(&thread, 0, worker_main, start) != 0) {
            free(start);
            break;
        }
        pthread_detach(thread);
        pool.workers++;
    }
    pthread_mutex_unlock(&pool.lock);

    uint64_t generation = atomic_load_explicit(&pool.generation, memory_order_relaxed) + 1;
    long seats = count < threads ? count : threads;
    if (seats > MAX_SEATS) seats = MAX_SEATS;
    // The new tags first: from here no claim of the previous loop can succeed. Seat 0 (index 0)
    // is the caller's from the start.
    atomic_store_explicit(&pool.seated, TAG(generation) | 1, memory_order_relaxed);
    atomic_store_explicit(&pool.next, TAG(generation) | (uint64_t)seats, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    pool.task = task;
    pool.context = context;
    atomic_store_explicit(&pool.seats, seats, memory_order_relaxed);
    atomic_store_explicit(&pool.threads, threads, memory_order_relaxed);
    atomic_store_explicit(&pool.unfinished, count, memory_order_relaxed);
    atomic_store_explicit(&pool.count, count, memory_order_release);
    atomic_store_explicit(&pool.generation, generation, memory_order_release);
    pthread_mutex_lock(&pool.lock);
    if (pool.sleepers > 0) pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);

    inside_worker = 1;   // a loop started from inside this one runs serially
    run(0);
    work(generation, 0);
    for (unsigned round = 0; atomic_load_explicit(&pool.unfinished, memory_order_acquire) > 0; round++) relax(round);
    inside_worker = 0;
}

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
