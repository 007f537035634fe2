#ifndef CK_AVX2_H
#define CK_AVX2_H

// Helpers shared by the AVX2 + FMA kernels (private to the C target), the 8-lane twins of ck_avx512.h's:
// the lane mask of a row tail (AVX2 has no mask registers: masked loads and stores take a vector whose
// lane is all ones where it is active), horizontal sums and maxima, and exp on 8 lanes with the algorithm
// and constants of Kernels.exp8 (Cephes' expf; Kernels+Rows.swift documents them) and fused
// multiply-adds, exactly ck_exp16's steps on half the lanes (so the AVX2 and AVX-512 paths agree bit for
// bit on exp).

#if defined(__x86_64__)

#include <immintrin.h>
#include <stddef.h>

/// Lanes j < count of an 8-lane mask (count clamped to 0...8): all ones in an active lane, else zeros.
__attribute__((target("avx2"), always_inline))
static inline __m256i ck_lanes8(ptrdiff_t count) {
    const int n = count >= 8 ? 8 : count <= 0 ? 0 : (int)count;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// 8 floats at p, lanes outside `lanes` read as 0 (and not read from memory: no fault past the end).
__attribute__((target("avx2"), always_inline))
static inline __m256 ck_load8(const float *p, __m256i lanes) { return _mm256_maskload_ps(p, lanes); }

/// Stores the lanes of v inside `lanes` at p; memory of the other lanes is not touched.
__attribute__((target("avx2"), always_inline))
static inline void ck_store8(float *p, __m256i lanes, __m256 v) { _mm256_maskstore_ps(p, lanes, v); }

/// v where `lanes` is active, else `otherwise`.
__attribute__((target("avx2"), always_inline))
static inline __m256 ck_select8(__m256i lanes, __m256 v, __m256 otherwise) {
    return _mm256_blendv_ps(otherwise, v, _mm256_castsi256_ps(lanes));
}

/// The sum of the 8 lanes (halves, then pairs: ((0+4)+(2+6)) + ((1+5)+(3+7))).
__attribute__((target("avx2"), always_inline))
static inline float ck_reduce_add8(__m256 v) {
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    h = _mm_add_ps(h, _mm_movehl_ps(h, h));
    h = _mm_add_ss(h, _mm_movehdup_ps(h));
    return _mm_cvtss_f32(h);
}

/// The largest of the 8 lanes.
__attribute__((target("avx2"), always_inline))
static inline float ck_reduce_max8(__m256 v) {
    __m128 h = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    h = _mm_max_ss(h, _mm_movehdup_ps(h));
    return _mm_cvtss_f32(h);
}

/// exp(x) lane by lane, ck_exp16 (ck_avx512.h) on 8 lanes: x clamped to [-87, 89] (+inf overflows to
/// +inf; NaN stays NaN, since max/min return their second operand, x, when it is NaN), x = n ln 2 + r,
/// exp(r) by the degree-7 polynomial, 2^n from exponent bits in two halves; lanes below -87 (including
/// -inf, i.e. masked keys) are exactly 0 (see Kernels.expFlushBelow).
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 ck_exp8(__m256 x) {
    const __m256 flushed = _mm256_cmp_ps(x, _mm256_set1_ps(-87.0f), _CMP_LT_OQ);
    x = _mm256_min_ps(_mm256_set1_ps(89.0f), _mm256_max_ps(_mm256_set1_ps(-87.0f), x));
    const __m256 magic = _mm256_set1_ps(12582912.0f);   // 1.5 * 2^23: adding it rounds to an integer
    const __m256 t = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504f), magic);
    const __m256 n = _mm256_sub_ps(t, magic);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    const __m256 expR = _mm256_add_ps(_mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r), _mm256_set1_ps(1.0f));
    const __m256i ni = _mm256_sub_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(0x4B400000));
    const __m256i half = _mm256_srai_epi32(ni, 1);
    const __m256i bias = _mm256_set1_epi32(127);
    const __m256 scale1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(half, bias), 23));
    const __m256 scale2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_sub_epi32(ni, half), bias), 23));
    return _mm256_andnot_ps(flushed, _mm256_mul_ps(_mm256_mul_ps(expR, scale1), scale2));
}

#endif

#endif
