// Column sums with AVX-512: a block of up to 8 x 16 columns is held in zmm accumulators while the rows
// stream past (the Swift loop loaded and stored every sum once per row). See ck_reductions.h.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include "ck_avx512.h"

/// Columns [j0, j0 + 16 NV) of the sums (lanes past `columns` masked off), NV a constant after inlining so
/// that the accumulators stay in registers (with a variable count they lived on the stack).
__attribute__((target("avx512f"), always_inline))
static inline void ck_column_block(const int NV, ptrdiff_t rows, ptrdiff_t columns, ptrdiff_t j0, const float *x,
                                   float *sums) {
    __m512 acc[8];
    __mmask16 lanes[8];
    for (int v = 0; v < NV; v++) {
        acc[v] = _mm512_setzero_ps();
        lanes[v] = ck_lanes(columns - j0 - 16 * v);
    }
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *row = x + r * columns + j0;
        for (int v = 0; v < NV; v++) acc[v] = _mm512_add_ps(acc[v], _mm512_maskz_loadu_ps(lanes[v], row + 16 * v));
    }
    for (int v = 0; v < NV; v++) _mm512_mask_storeu_ps(sums + j0 + 16 * v, lanes[v], acc[v]);
}

__attribute__((target("avx512f")))
void ck_column_sums_avx512(ptrdiff_t rows, ptrdiff_t columns, const float *x, float *sums) {
    for (ptrdiff_t j0 = 0; j0 < columns; j0 += 128) {
        switch ((columns - j0 + 15) / 16) {
        case 1: ck_column_block(1, rows, columns, j0, x, sums); break;
        case 2: ck_column_block(2, rows, columns, j0, x, sums); break;
        case 3: ck_column_block(3, rows, columns, j0, x, sums); break;
        case 4: ck_column_block(4, rows, columns, j0, x, sums); break;
        case 5: ck_column_block(5, rows, columns, j0, x, sums); break;
        case 6: ck_column_block(6, rows, columns, j0, x, sums); break;
        case 7: ck_column_block(7, rows, columns, j0, x, sums); break;
        default: ck_column_block(8, rows, columns, j0, x, sums); break;
        }
    }
}

#else

void ck_column_sums_avx512(ptrdiff_t rows, ptrdiff_t columns, const float *x, float *sums) {
    (void)rows; (void)columns; (void)x; (void)sums;
    __builtin_trap();
}

#endif
