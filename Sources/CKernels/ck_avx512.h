#ifndef CK_AVX512_H
#define CK_AVX512_H

// Helpers shared by the AVX-512 kernels (private to the C target): the lane mask of a row tail, and exp
// on 16 lanes for the softmax kernels (softmax_avx512.c, attention_avx512.c): the algorithm and constants
// of Kernels.exp8 (Cephes' expf; Kernels+Rows.swift documents them), with fused multiply-adds where
// exp8 rounds twice, so results can differ from exp8 in the last bit (VectorExpTests bounds both
// against exp).

#if defined(__x86_64__)

#include <immintrin.h>
#include <stddef.h>

/// Lanes j < count of a 16-lane mask (count clamped to 0...16).
static inline __mmask16 ck_lanes(ptrdiff_t count) {
    return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1);
}

/// exp(x) lane by lane: x clamped to [-87, 89] (+inf overflows to +inf, NaN stays NaN: the clamps
/// return x when it is NaN), x = n ln 2 + r with n = round(x / ln 2), exp(r) by the degree-7
/// polynomial, 2^n from exponent bits in two halves; lanes below -87 (including -inf, i.e. masked
/// keys) are exactly 0 instead of the denormals exp gives down to -103.97, because an instruction with
/// a denormal result takes a microcode assist on Intel cores (see Kernels.expFlushBelow).
__attribute__((target("avx512f,fma"), always_inline))
static inline __m512 ck_exp16(__m512 x) {
    const __mmask16 flushed = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.0f), _CMP_LT_OQ);
    x = _mm512_min_ps(_mm512_set1_ps(89.0f), _mm512_max_ps(_mm512_set1_ps(-87.0f), x));
    const __m512 magic = _mm512_set1_ps(12582912.0f);   // 1.5 * 2^23: adding it rounds to an integer
    const __m512 t = _mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504f), magic);
    const __m512 n = _mm512_sub_ps(t, magic);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    const __m512 expR = _mm512_add_ps(_mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r), _mm512_set1_ps(1.0f));
    const __m512i ni = _mm512_sub_epi32(_mm512_castps_si512(t), _mm512_set1_epi32(0x4B400000));
    const __m512i half = _mm512_srai_epi32(ni, 1);
    const __m512i bias = _mm512_set1_epi32(127);
    const __m512 scale1 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(half, bias), 23));
    const __m512 scale2 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_sub_epi32(ni, half), bias), 23));
    return _mm512_mask_mov_ps(_mm512_mul_ps(_mm512_mul_ps(expR, scale1), scale2), flushed, _mm512_setzero_ps());
}

#endif

#endif
