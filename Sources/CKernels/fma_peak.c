// The FMA peak probe of `transformer-cli bench --peak` (FMAPeak.swift): 12 independent chains of fused
// multiply-adds in registers, enough to keep two FMA pipes of 4-cycle latency busy (8 in flight), and
// nothing else in the loop: iterations * 12 * lanes * 2 floating-point operations. acc = acc * a + b with
// a < 1 converges to b / (1 - a), a normal float, so no lane ever goes denormal or infinite.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>

#define CK_PEAK_CHAINS 12

__attribute__((target("avx512f,fma")))
float ck_fma_peak_avx512(ptrdiff_t iterations) {
    __m512 acc[CK_PEAK_CHAINS];
    _Pragma("clang loop unroll(full)")
    for (int j = 0; j < CK_PEAK_CHAINS; j++) acc[j] = _mm512_set1_ps((float)j);
    const __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(0.001f);
    for (ptrdiff_t i = 0; i < iterations; i++) {
        _Pragma("clang loop unroll(full)")
        for (int j = 0; j < CK_PEAK_CHAINS; j++) acc[j] = _mm512_fmadd_ps(acc[j], a, b);
    }
    __m512 total = _mm512_setzero_ps();
    for (int j = 0; j < CK_PEAK_CHAINS; j++) total = _mm512_add_ps(total, acc[j]);
    return _mm512_reduce_add_ps(total);
}

__attribute__((target("avx2,fma")))
float ck_fma_peak_avx2(ptrdiff_t iterations) {
    __m256 acc[CK_PEAK_CHAINS];
    _Pragma("clang loop unroll(full)")
    for (int j = 0; j < CK_PEAK_CHAINS; j++) acc[j] = _mm256_set1_ps((float)j);
    const __m256 a = _mm256_set1_ps(0.999f), b = _mm256_set1_ps(0.001f);
    for (ptrdiff_t i = 0; i < iterations; i++) {
        _Pragma("clang loop unroll(full)")
        for (int j = 0; j < CK_PEAK_CHAINS; j++) acc[j] = _mm256_fmadd_ps(acc[j], a, b);
    }
    __m256 total = _mm256_setzero_ps();
    for (int j = 0; j < CK_PEAK_CHAINS; j++) total = _mm256_add_ps(total, acc[j]);
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(total), _mm256_extractf128_ps(total, 1));
    h = _mm_add_ps(h, _mm_movehl_ps(h, h));
    h = _mm_add_ss(h, _mm_movehdup_ps(h));
    return _mm_cvtss_f32(h);
}

#else

float ck_fma_peak_avx512(ptrdiff_t iterations) {
    (void)iterations;
    __builtin_trap();
}

float ck_fma_peak_avx2(ptrdiff_t iterations) {
    (void)iterations;
    __builtin_trap();
}

#endif
