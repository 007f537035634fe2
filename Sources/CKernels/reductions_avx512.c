// Column sums with AVX-512: a block of up to 8 x 16 columns is held in zmm accumulators while the rows
// stream past (the Swift loop loaded and stored every sum once per row). See ck_reductions.h.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include "ck_avx512.h"

__attribute__((target("avx512f")))
void ck_column_sums_avx512(ptrdiff_t rows, ptrdiff_t columns, const float *x, float *sums) {
    for (ptrdiff_t j0 = 0; j0 < columns; j0 += 128) {
        __m512 acc[8];
        __mmask16 lanes[8];
        const int vectors = (int)((columns - j0 + 15) / 16 < 8 ? (columns - j0 + 15) / 16 : 8);
        for (int v = 0; v < 8; v++) {
            acc[v] = _mm512_setzero_ps();
            lanes[v] = ck_lanes(columns - j0 - 16 * v);
        }
        for (ptrdiff_t r = 0; r < rows; r++) {
            const float *row = x + r * columns + j0;
            for (int v = 0; v < vectors; v++) {
                acc[v] = _mm512_add_ps(acc[v], _mm512_maskz_loadu_ps(lanes[v], row + 16 * v));
            }
        }
        for (int v = 0; v < vectors; v++) _mm512_mask_storeu_ps(sums + j0 + 16 * v, lanes[v], acc[v]);
    }
}

#else

void ck_column_sums_avx512(ptrdiff_t rows, ptrdiff_t columns, const float *x, float *sums) {
    (void)rows; (void)columns; (void)x; (void)sums;
    __builtin_trap();
}

#endif
