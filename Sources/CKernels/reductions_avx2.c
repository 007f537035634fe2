// Column sums with AVX2: a block of up to 16 x 8 columns is held in ymm accumulators while the rows stream
// past (the Swift loop loaded and stored every sum once per row). The twin of reductions_avx512.c; what
// differs: the block's 128 columns take all 16 ymm registers (8 zmm there; blocks of 64 or 96 columns were
// up to 1.5 times slower on 512 to 2048 columns, measured on Zen 5), and AVX2 having no mask registers, only
// the last vector of the last block, when the columns end inside it, takes masked loads (its lanes as a
// vector, ck_lanes8); the others load plainly. Each sum is still
// ((0 + x[0, j]) + x[1, j]) + ...: the same additions in the same order as the plain loop, so bit for bit
// its result (and the AVX-512 kernel's). See ck_reductions.h.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include "ck_avx2.h"

/// Columns [j0, j0 + 8 NV) of the sums, NV and `partial` constants after inlining so that the accumulators
/// stay in registers; when `partial`, the last vector's lanes past `columns` are masked off.
__attribute__((target("avx2,fma"), always_inline))
static inline void ck_column_block8(const int NV, const int partial, ptrdiff_t rows, ptrdiff_t columns, ptrdiff_t j0,
                                    const float *x, float *sums) {
    __m256 acc[16];
    for (int v = 0; v < NV; v++) acc[v] = _mm256_setzero_ps();
    const __m256i last = ck_lanes8(columns - j0 - 8 * (NV - 1));
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *row = x + r * columns + j0;
        for (int v = 0; v < NV; v++) {
            const __m256 xv = partial && v == NV - 1 ? ck_load8(row + 8 * v, last) : _mm256_loadu_ps(row + 8 * v);
            acc[v] = _mm256_add_ps(acc[v], xv);
        }
    }
    for (int v = 0; v < NV; v++) {
        if (partial && v == NV - 1) ck_store8(sums + j0 + 8 * v, last, acc[v]);
        else _mm256_storeu_ps(sums + j0 + 8 * v, acc[v]);
    }
}

/// ck_column_block8 with NV = `vectors` (1...15) a constant.
#define CK_COLUMN_BLOCK(NV, partial) case NV: ck_column_block8(NV, partial, rows, columns, j0, x, sums); break;
#define CK_COLUMN_BLOCKS(partial)                                                                                 \
    switch (vectors) {                                                                                            \
    CK_COLUMN_BLOCK(1, partial) CK_COLUMN_BLOCK(2, partial) CK_COLUMN_BLOCK(3, partial) CK_COLUMN_BLOCK(4, partial)     \
    CK_COLUMN_BLOCK(5, partial) CK_COLUMN_BLOCK(6, partial) CK_COLUMN_BLOCK(7, partial) CK_COLUMN_BLOCK(8, partial)     \
    CK_COLUMN_BLOCK(9, partial) CK_COLUMN_BLOCK(10, partial) CK_COLUMN_BLOCK(11, partial) CK_COLUMN_BLOCK(12, partial)  \
    CK_COLUMN_BLOCK(13, partial) CK_COLUMN_BLOCK(14, partial) CK_COLUMN_BLOCK(15, partial)                          \
    default: break;                                                                                               \
    }

__attribute__((target("avx2,fma")))
void ck_column_sums_avx2(ptrdiff_t rows, ptrdiff_t columns, const float *x, float *sums) {
    ptrdiff_t j0 = 0;
    for (; columns - j0 >= 128; j0 += 128) ck_column_block8(16, 0, rows, columns, j0, x, sums);
    ptrdiff_t left = columns - j0;   // 0...127 columns
    if (left % 8 == 0) {
        const ptrdiff_t vectors = left / 8;
        CK_COLUMN_BLOCKS(0)
        return;
    }
    // A partial block keeps the mask and the masked load's result in registers besides its accumulators:
    // at most 14 vectors, so 113...127 columns go as 64 and 49...63.
    if (left > 14 * 8) {
        ck_column_block8(8, 0, rows, columns, j0, x, sums);
        j0 += 64;
        left -= 64;
    }
    const ptrdiff_t vectors = (left + 7) / 8;
    CK_COLUMN_BLOCKS(1)
}

#undef CK_COLUMN_BLOCKS
#undef CK_COLUMN_BLOCK

#else

void ck_column_sums_avx2(ptrdiff_t rows, ptrdiff_t columns, const float *x, float *sums) {
    (void)rows; (void)columns; (void)x; (void)sums;
    __builtin_trap();
}

#endif
