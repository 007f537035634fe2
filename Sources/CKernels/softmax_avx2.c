// Softmax rows, 8 lanes at a time with AVX2 + FMA, with the exp of ck_avx2.h (ck_exp8: ck_exp16's steps on
// 8 lanes, so every exponential equals the AVX-512 kernel's bit for bit). The twin of softmax_avx512.c;
// what differs: full vectors are loaded and stored plainly and only the row tail (width % 8 floats) takes
// one masked step, AVX2 having no mask registers (the tail's lanes as a vector, ck_lanes8), and sums run
// in 8 lanes instead of 16, so a row's sum can differ from the AVX-512 one in the last bits. See
// ck_softmax.h.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include "ck_avx2.h"
#include <math.h>

/// v where `lanes` is active, else +0.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 ck_zero_outside8(__m256i lanes, __m256 v) { return _mm256_and_ps(v, _mm256_castsi256_ps(lanes)); }

__attribute__((target("avx2,fma")))
float ck_shifted_exponentials_avx2(const float *x, float shift, ptrdiff_t count, float *y) {
    const __m256 shifts = _mm256_set1_ps(shift);
    __m256 totals = _mm256_setzero_ps();
    ptrdiff_t j = 0;
    for (; j + 8 <= count; j += 8) {
        const __m256 e = ck_exp8(_mm256_sub_ps(_mm256_loadu_ps(x + j), shifts));
        _mm256_storeu_ps(y + j, e);
        totals = _mm256_add_ps(totals, e);
    }
    if (j < count) {   // the tail: lanes past the end read 0, and their exponentials are zeroed before the sum
        const __m256i k = ck_lanes8(count - j);
        const __m256 e = ck_zero_outside8(k, ck_exp8(_mm256_sub_ps(ck_load8(x + j, k), shifts)));
        ck_store8(y + j, k, e);
        totals = _mm256_add_ps(totals, e);
    }
    return ck_reduce_add8(totals);
}

__attribute__((target("avx2,fma")))
void ck_scaled_masked_softmax_row_avx2(const float *x, float scale, const float *mask, ptrdiff_t width, float *y) {
    const __m256 scales = _mm256_set1_ps(scale);
    __m256 maxima = _mm256_set1_ps(-INFINITY);
    // Pass 1: v = scale * x + 0 + mask into y, and the row maximum (max(maxima, v), as the AVX-512 row).
    ptrdiff_t j = 0;
    for (; j + 8 <= width; j += 8) {
        __m256 v = _mm256_add_ps(_mm256_mul_ps(scales, _mm256_loadu_ps(x + j)), _mm256_setzero_ps());
        if (mask) v = _mm256_add_ps(v, _mm256_loadu_ps(mask + j));
        _mm256_storeu_ps(y + j, v);
        maxima = _mm256_max_ps(maxima, v);
    }
    const ptrdiff_t tail = width - j;   // 0...7 floats at j
    const __m256i k = ck_lanes8(tail);
    if (tail > 0) {
        __m256 v = _mm256_add_ps(_mm256_mul_ps(scales, ck_load8(x + j, k)), _mm256_setzero_ps());
        if (mask) v = _mm256_add_ps(v, ck_load8(mask + j, k));
        ck_store8(y + j, k, v);
        maxima = ck_select8(k, _mm256_max_ps(maxima, v), maxima);   // lanes past the end (0) left out
    }
    const float m = ck_reduce_max8(maxima);
    if (m == -INFINITY) {
        const __m256 zero = _mm256_setzero_ps();
        for (j = 0; j + 8 <= width; j += 8) _mm256_storeu_ps(y + j, zero);
        if (tail > 0) ck_store8(y + j, k, zero);
        return;
    }
    // Pass 2: exponentials and their sum; pass 3: divide by the sum (times its inverse, as the Swift row).
    const __m256 inverse = _mm256_set1_ps(1.0f / ck_shifted_exponentials_avx2(y, m, width, y));
    for (j = 0; j + 8 <= width; j += 8) _mm256_storeu_ps(y + j, _mm256_mul_ps(_mm256_loadu_ps(y + j), inverse));
    if (tail > 0) ck_store8(y + j, k, _mm256_mul_ps(ck_load8(y + j, k), inverse));
}

#else

float ck_shifted_exponentials_avx2(const float *x, float shift, ptrdiff_t count, float *y) {
    (void)x; (void)shift; (void)count; (void)y;
    __builtin_trap();
}

void ck_scaled_masked_softmax_row_avx2(const float *x, float scale, const float *mask, ptrdiff_t width, float *y) {
    (void)x; (void)scale; (void)mask; (void)width; (void)y;
    __builtin_trap();
}

#endif
