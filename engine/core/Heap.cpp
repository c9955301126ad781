#include "Heap.h"

#include <atomic>
#include <climits>
#include <cstdint>
#include <cstdlib>

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

namespace sluice {
namespace {

std::atomic<bool> keepsFreedMemory = false;

} // namespace

void reserveHeapInLargePages()
{
    constexpr size_t kReserve = size_t(1) << 30;  // address space, not memory
    constexpr size_t kHugePage = size_t(2) << 20; // x86-64's transparent huge page
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
}

void returnFreedMemory()
{
    if (!keepsFreedMemory.exchange(false))
        return;
    mallopt(M_TRIM_THRESHOLD, 128 * 1024); // glibc's default
    malloc_trim(0);                        // and what every heap keeps now
}

} // namespace sluice
