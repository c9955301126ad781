#pragma once

// SLUICE_ASAN is 1 in a build under AddressSanitizer, whose allocator replaces glibc's (tests of
// how glibc's heap keeps or gives back memory skip there).

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLUICE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SLUICE_ASAN 1
#endif
