// Softmax rows, 16 lanes at a time with AVX-512 (row tails with masked loads and stores). The exp is
// Kernels.exp8's (Kernels+Rows.swift documents the method) on 16 lanes, written with separate multiplies
// and adds as the Swift code is, so the exponentials are the same floats. See ck_softmax.h.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include <math.h>

/// The mask of the lanes j < n (n >= 0; all 16 when n >= 16).
static inline __mmask16 ck_softmax_lanes(ptrdiff_t n) {
    return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u);
}

/// exp(x) on 16 lanes: Kernels.exp8's steps (clamp to [-87, 89], n = round(x / ln 2), r = x - n ln 2 in
/// two parts, the degree-7 polynomial, 2^n from two halves of the exponent), lanes below -87 flushed to 0.
__attribute__((target("avx512f")))
static inline __m512 ck_exp16(__m512 x) {
    const __mmask16 flushed = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.0f), _CMP_LT_OQ);
    __m512 clamped = _mm512_mask_mov_ps(x, _mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.0f), _CMP_LT_OQ),
                                        _mm512_set1_ps(-87.0f));
    clamped = _mm512_mask_mov_ps(clamped, _mm512_cmp_ps_mask(x, _mm512_set1_ps(89.0f), _CMP_GT_OQ),
                                 _mm512_set1_ps(89.0f));
    const __m512 magic = _mm512_set1_ps(12582912.0f);
    const __m512 t = _mm512_add_ps(_mm512_mul_ps(clamped, _mm512_set1_ps(1.44269504f)), magic);
    const __m512 n = _mm512_sub_ps(t, magic);
    __m512 r = _mm512_sub_ps(clamped, _mm512_mul_ps(n, _mm512_set1_ps(0.693359375f)));
    r = _mm512_sub_ps(r, _mm512_mul_ps(n, _mm512_set1_ps(-2.12194440e-4f)));
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(5.0000001201e-1f));
    const __m512 expR = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(p, _mm512_mul_ps(r, r)), r), _mm512_set1_ps(1.0f));
    const __m512i ni = _mm512_sub_epi32(_mm512_castps_si512(t), _mm512_set1_epi32(0x4B400000));
    const __m512i half = _mm512_srai_epi32(ni, 1);
    const __m512i bias = _mm512_set1_epi32(127);
    const __m512 scale1 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(half, bias), 23));
    const __m512 scale2 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_sub_epi32(ni, half), bias), 23));
    const __m512 result = _mm512_mul_ps(_mm512_mul_ps(expR, scale1), scale2);
    return _mm512_mask_mov_ps(result, flushed, _mm512_setzero_ps());
}

__attribute__((target("avx512f")))
float ck_shifted_exponentials_avx512(const float *x, float shift, ptrdiff_t count, float *y) {
    const __m512 shifts = _mm512_set1_ps(shift);
    __m512 totals = _mm512_setzero_ps();
    for (ptrdiff_t j = 0; j < count; j += 16) {
        const __mmask16 k = ck_softmax_lanes(count - j);
        const __m512 e = _mm512_maskz_mov_ps(k, ck_exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + j), shifts)));
        _mm512_mask_storeu_ps(y + j, k, e);
        totals = _mm512_add_ps(totals, e);
    }
    return _mm512_reduce_add_ps(totals);
}

__attribute__((target("avx512f")))
void ck_scaled_masked_softmax_row_avx512(const float *x, float scale, const float *mask, ptrdiff_t width, float *y) {
    const __m512 scales = _mm512_set1_ps(scale);
    const __m512 minusInfinity = _mm512_set1_ps(-INFINITY);
    __m512 maxima = minusInfinity;
    // Pass 1: v = scale * x + 0 + mask into y, and the row maximum.
    for (ptrdiff_t j = 0; j < width; j += 16) {
        const __mmask16 k = ck_softmax_lanes(width - j);
        __m512 v = _mm512_add_ps(_mm512_mul_ps(scales, _mm512_maskz_loadu_ps(k, x + j)), _mm512_setzero_ps());
        if (mask) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(k, mask + j));
        _mm512_mask_storeu_ps(y + j, k, v);
        maxima = _mm512_mask_max_ps(maxima, k, maxima, v);
    }
    const float m = _mm512_reduce_max_ps(maxima);
    if (m == -INFINITY) {
        for (ptrdiff_t j = 0; j < width; j += 16) _mm512_mask_storeu_ps(y + j, ck_softmax_lanes(width - j), _mm512_setzero_ps());
        return;
    }
    // Pass 2: exponentials and their sum; pass 3: divide by the sum (times its inverse, as the Swift row).
    const __m512 inverse = _mm512_set1_ps(1.0f / ck_shifted_exponentials_avx512(y, m, width, y));
    for (ptrdiff_t j = 0; j < width; j += 16) {
        const __mmask16 k = ck_softmax_lanes(width - j);
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
