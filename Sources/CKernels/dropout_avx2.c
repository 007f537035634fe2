// Inverted dropout with the SplitMix64 stream of SeededGenerator, 16 elements per step with AVX2: the twin of
// dropout_avx512.c, with the same stream, the same results bit for bit (those of the scalar loop,
// Kernels.referenceDropout) and the same `bits` layout (one uint16 per 16 elements, bit j of word w is
// element 16 w + j), so either kernel's bits feed either backward. What differs:
// - AVX2 has no 64-bit multiply (AVX-512DQ's vpmullq): the low 64 bits of z * C are built from three
//   32 x 32 -> 64 multiplies (vpmuludq), lo(z) lo(C) + ((hi(z) lo(C) + lo(z) hi(C)) << 32).
// - A ymm holds 4 numbers, i.e. the uniforms of 8 elements, so a step mixes two vectors of numbers for the
//   16 elements of one mask word: 0.31 ns per element against 0.35 with one vector per 8-element step
//   (measured on Zen 5; the two chains of multiplies overlap, and each step writes a whole word).
// - A draw starting at an odd element takes lanes 1 ... 7 of one vector and lane 0 of the next: a blend
//   and a lane rotation (vpermd) where AVX-512 has valignd.
// - Masks are vectors (all ones where kept), turned into mask bits with vmovmskps; the tail (count % 16
//   elements) is one more step with masked loads and stores (ck_lanes8) instead of a scalar loop.
// See dropout_avx512.c for the stream, CKernels.h for the contract.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include "ck_avx2.h"

#define CK_GAMMA 0x9E3779B97F4A7C15ULL
#define CK_MIX1 0xBF58476D1CE4E5B9ULL
#define CK_MIX2 0x94D049BB133111EBULL

/// The low 64 bits of z * c in each 64-bit lane, c given as its low and high 32 bits (`cLo`, `cHi`, each in
/// the low half of every lane): lo(z) lo(c) + ((hi(z) lo(c) + lo(z) hi(c)) << 32), the hi * hi term being
/// shifted out.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256i ck_mullo64(__m256i z, __m256i cLo, __m256i cHi) {
    const __m256i low = _mm256_mul_epu32(z, cLo);
    const __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(z, 32), cLo), _mm256_mul_epu32(z, cHi));
    return _mm256_add_epi64(low, _mm256_slli_epi64(cross, 32));
}

/// SplitMix64's mixer on 4 counters (state + (t + 1) gamma): its numbers t.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256i ck_splitmix_mix4(__m256i z) {
    const __m256i mix1Lo = _mm256_set1_epi64x((long long)(CK_MIX1 & 0xFFFFFFFFu));
    const __m256i mix1Hi = _mm256_set1_epi64x((long long)(CK_MIX1 >> 32));
    const __m256i mix2Lo = _mm256_set1_epi64x((long long)(CK_MIX2 & 0xFFFFFFFFu));
    const __m256i mix2Hi = _mm256_set1_epi64x((long long)(CK_MIX2 >> 32));
    z = ck_mullo64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 30)), mix1Lo, mix1Hi);
    z = ck_mullo64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 27)), mix2Lo, mix2Hi);
    return _mm256_xor_si256(z, _mm256_srli_epi64(z, 31));
}

/// The 8 uint32 lanes one element further on: lanes 1 ... 7 of `previous`, then lane 0 of `next`.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256i ck_next_lane(__m256i previous, __m256i next) {
    return _mm256_permutevar8x32_epi32(_mm256_blend_epi32(previous, next, 0x01), _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 0));
}

/// Dropout of the 8 elements at x (lanes outside `k` neither read nor written when `masked`) whose
/// uniforms are `numbers` >> 8 lane by lane; returns their kept bits (lane j in bit j, 0 outside `k`).
__attribute__((target("avx2,fma"), always_inline))
static inline unsigned ck_dropout_step8(__m256i numbers, __m256i limit, __m256 keepv, int relu, const float *x,
                                        float *y, __m256i k, int masked) {
    // kept = u >= threshold as u > threshold - 1 (signed: u < 2^24 and threshold <= 2^24).
    __m256i kept = _mm256_cmpgt_epi32(_mm256_srli_epi32(numbers, 8), limit);
    if (masked) kept = _mm256_and_si256(kept, k);
    __m256 v = masked ? ck_load8(x, k) : _mm256_loadu_ps(x);
    if (relu) v = _mm256_max_ps(v, _mm256_setzero_ps());   // max(0, x) as the scalar loop: a NaN x gives 0
    const __m256 out = _mm256_mul_ps(v, _mm256_and_ps(keepv, _mm256_castsi256_ps(kept)));   // x * 0: NaN stays NaN
    if (masked) ck_store8(y, k, out);
    else _mm256_storeu_ps(y, out);
    return (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(kept));
}

__attribute__((target("avx2,fma")))
uint64_t ck_dropout_avx2(uint64_t state, ptrdiff_t first, ptrdiff_t count, uint64_t threshold, float keep,
                         int relu, const float *x, float *y, uint16_t *bits) {
    const __m256i gamma4 = _mm256_set1_epi64x((long long)(4 * CK_GAMMA));
    const __m256i gamma8 = _mm256_set1_epi64x((long long)(8 * CK_GAMMA));
    const __m256i limit = _mm256_set1_epi32((int)threshold - 1);   // threshold <= 2^24
    const __m256 keepv = _mm256_set1_ps(keep);
    const __m256i all = _mm256_set1_epi32(-1);
    // Viewed as 8 uint32 lanes, a vector of numbers t ... t + 3 holds the uniforms of elements 2t ... 2t + 7
    // (shifted right by 8): lane 2j is the low half of number t + j, lane 2j + 1 the high half. `counter`
    // holds state + (t + 1 + j) gamma, j < 4, for the next numbers t.
    const uint64_t t0 = (uint64_t)first / 2;
    const int odd = (int)(first & 1);
    const uint64_t base = state + t0 * CK_GAMMA;
    __m256i counter = _mm256_setr_epi64x((long long)(base + CK_GAMMA), (long long)(base + 2 * CK_GAMMA),
                                         (long long)(base + 3 * CK_GAMMA), (long long)(base + 4 * CK_GAMMA));
    __m256i previous = _mm256_setzero_si256();
    if (odd) {
        previous = ck_splitmix_mix4(counter);
        counter = _mm256_add_epi64(counter, gamma4);
    }
    ptrdiff_t i = 0;
    for (; i < count; i += 16) {
        // The numbers of elements first + i ... first + i + 15 (two vectors: two independent chains).
        __m256i a = ck_splitmix_mix4(counter);
        __m256i b = ck_splitmix_mix4(_mm256_add_epi64(counter, gamma4));
        counter = _mm256_add_epi64(counter, gamma8);
        if (odd) {
            const __m256i next = b;
            b = ck_next_lane(a, b);
            a = ck_next_lane(previous, a);
            previous = next;
        }
        unsigned word;
        if (i + 16 <= count) {
            word = ck_dropout_step8(a, limit, keepv, relu, x + i, y + i, all, 0)
                 | ck_dropout_step8(b, limit, keepv, relu, x + i + 8, y + i + 8, all, 0) << 8;
        } else {   // the tail: 1 ... 15 elements, the rest of the word 0
            const ptrdiff_t left = count - i;
            word = ck_dropout_step8(a, limit, keepv, relu, x + i, y + i, ck_lanes8(left), 1);
            if (left > 8) word |= ck_dropout_step8(b, limit, keepv, relu, x + i + 8, y + i + 8, ck_lanes8(left - 8), 1) << 8;
        }
        if (bits) bits[i / 16] = (uint16_t)word;
    }
    // The state after a draw of first + count elements: ceil((first + count) / 2) numbers.
    return state + (uint64_t)((first + count + 1) / 2) * CK_GAMMA;
}

/// dx = g * (kept ? keep : 0) on the 8 floats at g, kept lane by lane from `kept` (all ones or zeros).
__attribute__((target("avx2,fma"), always_inline))
static inline void ck_dropout_backward_step8(__m256i kept, __m256 keepv, const float *g, float *dx, __m256i k,
                                             int masked) {
    const __m256 v = masked ? ck_load8(g, k) : _mm256_loadu_ps(g);
    const __m256 out = _mm256_mul_ps(v, _mm256_and_ps(keepv, _mm256_castsi256_ps(kept)));   // NaN * 0 stays NaN
    if (masked) ck_store8(dx, k, out);
    else _mm256_storeu_ps(dx, out);
}

__attribute__((target("avx2,fma")))
void ck_dropout_backward_avx2(ptrdiff_t count, float keep, const uint16_t *bits, const float *g, float *dx) {
    const __m256 keepv = _mm256_set1_ps(keep);
    // Bit j of a word, in lane j of the low vector (elements 0 ... 7) and lane j - 8 of the high one.
    const __m256i low = _mm256_setr_epi32(1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 6, 1 << 7);
    const __m256i high = _mm256_setr_epi32(1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12, 1 << 13, 1 << 14, 1 << 15);
    const __m256i all = _mm256_set1_epi32(-1);
    for (ptrdiff_t i = 0; i < count; i += 16) {
        const __m256i word = _mm256_set1_epi32(bits[i / 16]);
        const __m256i keptLow = _mm256_cmpeq_epi32(_mm256_and_si256(word, low), low);
        const __m256i keptHigh = _mm256_cmpeq_epi32(_mm256_and_si256(word, high), high);
        if (i + 16 <= count) {
            ck_dropout_backward_step8(keptLow, keepv, g + i, dx + i, all, 0);
            ck_dropout_backward_step8(keptHigh, keepv, g + i + 8, dx + i + 8, all, 0);
        } else {   // the tail: 1 ... 15 elements
            const ptrdiff_t left = count - i;
            ck_dropout_backward_step8(keptLow, keepv, g + i, dx + i, ck_lanes8(left), 1);
            if (left > 8) ck_dropout_backward_step8(keptHigh, keepv, g + i + 8, dx + i + 8, ck_lanes8(left - 8), 1);
        }
    }
}

__attribute__((target("avx2,fma")))
void ck_relu_dropout_backward_avx2(ptrdiff_t count, float keep, const float *z, const float *g, float *dx) {
    const __m256 keepv = _mm256_set1_ps(keep);
    const __m256 zero = _mm256_setzero_ps();
    ptrdiff_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m256 positive = _mm256_cmp_ps(_mm256_loadu_ps(z + i), zero, _CMP_GT_OQ);   // NaN z: not positive
        _mm256_storeu_ps(dx + i, _mm256_mul_ps(_mm256_loadu_ps(g + i), _mm256_and_ps(keepv, positive)));
    }
    if (i < count) {   // the tail: 1 ... 7 elements
        const __m256i k = ck_lanes8(count - i);
        const __m256 positive = _mm256_cmp_ps(ck_load8(z + i, k), zero, _CMP_GT_OQ);
        ck_store8(dx + i, k, _mm256_mul_ps(ck_load8(g + i, k), _mm256_and_ps(keepv, positive)));
    }
}

#else

uint64_t ck_dropout_avx2(uint64_t state, ptrdiff_t first, ptrdiff_t count, uint64_t threshold, float keep,
                         int relu, const float *x, float *y, uint16_t *bits) {
    (void)state; (void)first; (void)count; (void)threshold; (void)keep; (void)relu; (void)x; (void)y; (void)bits;
    __builtin_trap();
}

void ck_dropout_backward_avx2(ptrdiff_t count, float keep, const uint16_t *bits, const float *g, float *dx) {
    (void)count; (void)keep; (void)bits; (void)g; (void)dx;
    __builtin_trap();
}

void ck_relu_dropout_backward_avx2(ptrdiff_t count, float keep, const float *z, const float *g, float *dx) {
    (void)count; (void)keep; (void)z; (void)g; (void)dx;
    __builtin_trap();
}

#endif
