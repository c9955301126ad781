#include "Heap.h"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <thread>
#include <vector>

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

namespace sluice {
namespace {

std::atomic<bool> keepsFreedMemory = false;

constexpr uintptr_t kHugePage = uintptr_t(2) << 20; // x86-64's transparent huge page

// glibc gives a thread that allocates while others do a heap of its own: 64 MiB of address space
// aligned to 64 MiB, grown in place, and handed to the next new thread once its thread ends.
// This has that many threads allocate at once now, and advises each heap while it is empty, so
// the worker threads that come later allocate in huge pages too.
void adviseThreadHeaps(int count)
{
    constexpr uintptr_t kThreadHeap = uintptr_t(64) << 20;
    std::barrier allAllocated(count);
    std::vector<std::thread> threads;
    for (int i = 0; i < count; ++i) {
        threads.emplace_back([&allAllocated] {
            void *block = malloc(64);
            allAllocated.arrive_and_wait(); // each holds a heap of its own
            const auto heap = reinterpret_cast<uintptr_t>(block) & ~(kThreadHeap - 1);
            free(block);
            madvise(reinterpret_cast<void *>(heap), kThreadHeap, MADV_HUGEPAGE);
        });
    }
    for (std::thread &thread : threads)
        thread.join();
}

} // namespace

void reserveHeapInLargePages()
{
    constexpr size_t kReserve = size_t(1) << 30; // address space, not memory
    mallopt(M_MMAP_THRESHOLD, 32 << 20);         // glibc's largest
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
    mallopt(M_TOP_PAD, int(kReserve));
    keepsFreedMemory = true;
    // A block larger than the heap's free top makes the heap grow, by the block and the pad.
    void *block = malloc(mallinfo2().keepcost + 64);
    const auto start = reinterpret_cast<uintptr_t>(block);
    free(block);
    mallopt(M_TOP_PAD, 64 << 20);
    const auto end = reinterpret_cast<uintptr_t>(sbrk(0));
    // The heap grew in place (the break moved past the block by about the pad): advise it.
    if (start == 0 || end < start || end - start < kReserve / 2)
        return;
    const uintptr_t from = (start + kHugePage - 1) & ~(kHugePage - 1);
    madvise(reinterpret_cast<void *>(from), end - from, MADV_HUGEPAGE);
    adviseThreadHeaps(std::clamp(int(std::thread::hardware_concurrency()), 2, 8));
}

void returnFreedMemory()
{
    if (!keepsFreedMemory.exchange(false))
        return;
    mallopt(M_TRIM_THRESHOLD, 128 * 1024); // glibc's default
    malloc_trim(0);                        // and what every heap keeps now
}

void trimFreedMemory()
{
    malloc_trim(0);
}

} // namespace sluice
