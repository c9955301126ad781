#pragma once

// How a short-lived process (sluicectl) has glibc's allocator hand out memory.

namespace sluice {

// A review touches tens to hundreds of MB once; with glibc's defaults each 4 KiB page of it costs
// a fault (18,000 for kube-prometheus, a third of its CPU time), and blocks over 128 KiB are
// mapped and unmapped one by one. This reserves 1 GiB of address space for the heap up front
// (untouched pages cost nothing), asks for transparent huge pages on it (as GLIBC_TUNABLES=
// glibc.malloc.hugetlb=1 would, which only the environment can set), and keeps blocks up to
// 32 MiB and freed memory in it. Worker threads keep heaps of their own (one shared heap made a
// 50,000-object review slower: they wait on its lock); one per core is made now and advised the
// same way, for the thread pool. Call in main before any work. Where the heap cannot grow in
// place the allocator works as before. Not for long-lived processes: freed memory is kept.
void reserveHeapInLargePages();

// An input this large (a 200 MB manifest) is held whole, with its objects and both sides of a
// review: keeping freed memory for speed would raise the peak.
constexpr long long kLargeInputBytes = 32LL * 1024 * 1024;

// For a large input: from now on freed memory goes back to the system as glibc's default has it.
// A no-op unless reserveHeapInLargePages ran.
void returnFreedMemory();

// Gives the pages of freed memory back to the system now (malloc_trim): where freed memory is
// not taken again by the threads that allocate next (each allocates in a heap of its own).
void trimFreedMemory();

} // namespace sluice
