// Softmax rows, 16 lanes at a time with AVX-512 (row tails with masked loads and stores), with the exp of
// ck_avx512.h. See ck_softmax.h.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include "ck_avx512.h"
#include <math.h>


__attribute__((target("avx512f,fma")))
float ck_shifted_exponentials_avx512(const float *x, float shift, ptrdiff_t count, float *y) {
    const __m512 shifts = _mm512_set1_ps(shift);
    __m512 totals = _mm512_setzero_ps();
    for (ptrdiff_t j = 0; j < count; j += 16) {
        const __mmask16 k = ck_lanes(count - j);
        const __m512 e = _mm512_maskz_mov_ps(k, ck_exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + j), shifts)));
        _mm512_mask_storeu_ps(y + j, k, e);
        totals = _mm512_add_ps(totals, e);
    }
    return _mm512_reduce_add_ps(totals);
}

__attribute__((target("avx512f,fma")))
void ck_scaled_masked_softmax_row_avx512(const float *x, float scale, const float *mask, ptrdiff_t width, float *y) {
    const __m512 scales = _mm512_set1_ps(scale);
    const __m512 minusInfinity = _mm512_set1_ps(-INFINITY);
    __m512 maxima = minusInfinity;
    // Pass 1: v = scale * x + 0 + mask into y, and the row maximum.
    for (ptrdiff_t j = 0; j < width; j += 16) {
        const __mmask16 k = ck_lanes(width - j);
        __m512 v = _mm512_add_ps(_mm512_mul_ps(scales, _mm512_maskz_loadu_ps(k, x + j)), _mm512_setzero_ps());
        if (mask) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(k, mask + j));
        _mm512_mask_storeu_ps(y + j, k, v);
        maxima = _mm512_mask_max_ps(maxima, k, maxima, v);
    }
    const float m = _mm512_reduce_max_ps(maxima);
    if (m == -INFINITY) {
        for (ptrdiff_t j = 0; j < width; j += 16) _mm512_mask_storeu_ps(y + j, ck_lanes(width - j), _mm512_setzero_ps());
        return;
    }
    // Pass 2: exponentials and their sum; pass 3: divide by the sum (times its inverse, as the Swift row).
    const __m512 inverse = _mm512_set1_ps(1.0f / ck_shifted_exponentials_avx512(y, m, width, y));
    for (ptrdiff_t j = 0; j < width; j += 16) {
        const __mmask16 k = ck_lanes(width - j);
        _mm512_mask_storeu_ps(y + j, k, _mm512_mul_ps(_mm512_maskz_loadu_ps(k, y + j), inverse));
    }
}

#else

float ck_shifted_exponentials_avx512(const float *x, float shift, ptrdiff_t count, float *y) {
    (void)x; (void)shift; (void)count; (void)y;
    __builtin_trap();
}

void ck_scaled_masked_softmax_row_avx512(const float *x, float scale, const float *mask, ptrdiff_t width, float *y) {
    (void)x; (void)scale; (void)mask; (void)width; (void)y;
    __builtin_trap();
}

#endif
