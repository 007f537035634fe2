// The one non-kernel function here: glibc's mallopt is not visible through Swift's Glibc module.
// See MemoryReuse.swift for why and what the values are.

#include "CKernels.h"

#if defined(__GLIBC__)
#include <malloc.h>

int ck_keep_freed_memory(long mmapThreshold, long trimThreshold, long topPad) {
    return mallopt(M_MMAP_THRESHOLD, (int)mmapThreshold) == 1
        && mallopt(M_TRIM_THRESHOLD, (int)trimThreshold) == 1
        && mallopt(M_TOP_PAD, (int)topPad) == 1;
}

#else

int ck_keep_freed_memory(long mmapThreshold, long trimThreshold, long topPad) {
    (void)mmapThreshold; (void)trimThreshold; (void)topPad;
    return 0;
}

#endif
