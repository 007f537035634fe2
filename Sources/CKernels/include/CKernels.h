#ifndef CKERNELS_H
#define CKERNELS_H

// Micro-kernels for TransformerCore's GEMM (Sources/TransformerCore/Kernels). Only the innermost tile
// loops live here; blocking, packing, threading and the choice of kernel are Swift. The portable Swift
// kernel (Kernels.portableMicroKernel, same contract with 6 x 16 tiles) is the fallback on CPUs without
// these instruction sets (and on arm64, where these functions are stubs), and a second test oracle.
// The x86 functions carry __attribute__((target(...))), so the target builds for the baseline CPU with
// no flags; Swift calls a kernel only after its ck_cpu_has_* check returned 1.

#include <stddef.h>
#include <stdint.h>
#include "ck_attention.h"

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the CPU and the OS support AVX2 and FMA (so `ck_sgemm_6x16_avx2` may be called), else 0.
/// Always 0 off x86-64.
int ck_cpu_has_avx2_fma(void);

/// One 6 x 16 tile of C += A B (or C = A B when `accumulate` is 0) over `k` steps, with AVX2 + FMA.
///
/// - A: element (i, p) of the 6 x k block is `a[i * rowStrideA + p * columnStrideA]`; only rows
///   i < `rows` are read (row i >= rows reuses row rows - 1, whose results are discarded), so `a` may
///   point straight into the caller's matrix, transposed or not, or into a packed panel.
/// - B: a packed panel, 16 floats per step p (`b[p * 16 + j]`), zero-padded past the matrix edge.
/// - C: row stride `ldc`; only the top-left `rows` x `columns` (1...6 x 1...16) elements are written.
/// Every product is computed: zeros are never skipped, so NaN and Inf propagate as in the reference.
/// Precondition: `ck_cpu_has_avx2_fma()` returned 1 (off x86-64 the function traps).
void ck_sgemm_6x16_avx2(ptrdiff_t k, const float *a, ptrdiff_t rowStrideA, ptrdiff_t columnStrideA,
                        const float *b, float *c, ptrdiff_t ldc, ptrdiff_t rows, ptrdiff_t columns,
                        int accumulate);

/// 1 when the CPU and the OS support AVX-512F and FMA (so `ck_sgemm_12x32_avx512` may be called), else 0.
/// Always 0 off x86-64.
int ck_cpu_has_avx512f(void);

/// The AVX-512 twin of `ck_sgemm_6x16_avx2`: one 12 x 32 tile, same contract for A and C; `rows` is
/// 1...12 and `columns` 1...32. B: step p is the 32 floats at `b + p * ldb`, of which only the first
/// `columns` are read (the rest count as 0), so `b` is either a packed panel (`ldb` 32) or a row-major
/// B read in place (`ldb` its row stride). Precondition: `ck_cpu_has_avx512f()` returned 1.
void ck_sgemm_12x32_avx512(ptrdiff_t k, const float *a, ptrdiff_t rowStrideA, ptrdiff_t columnStrideA,
                           const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, ptrdiff_t rows,
                           ptrdiff_t columns, int accumulate);

/// 1 when the CPU and the OS support AVX-512F and AVX-512DQ (so `ck_dropout_avx512` may be called), else 0.
int ck_cpu_has_avx512dq(void);

/// Inverted dropout over `count` floats, elements `first` ..< `first + count` of the dropout stream of
/// SeededGenerator's SplitMix64 numbers from `state` (number t = mix(state + (t + 1) gamma)): element e's
/// uniform u_e is bits 8-31 of number e / 2 for even e, bits 40-63 for odd e (24 bits each);
/// kept_i = u_(first + i) >= threshold (threshold <= 2^24); y[i] = v_i * (kept_i ? keep : 0) with v_i = x[i],
/// or max(0, x[i]) when `relu` is nonzero (y may be x). When `bits` is not NULL, bit j of bits[w] is
/// kept_(16 w + j) (the last word zero-padded). Returns the generator state after a draw of first + count
/// elements: state + ceil((first + count) / 2) gamma. Bit for bit the scalar loop's result.
/// Precondition: `ck_cpu_has_avx512dq()` returned 1.
uint64_t ck_dropout_avx512(uint64_t state, ptrdiff_t first, ptrdiff_t count, uint64_t threshold, float keep,
                           int relu, const float *x, float *y, uint16_t *bits);

/// The AVX2 + FMA twin of `ck_dropout_avx512` (no 64-bit multiply needed): the same contract, the same
/// results and the same `bits` layout bit for bit, so either kernel's bits feed either backward.
/// Precondition: `ck_cpu_has_avx2_fma()` returned 1.
uint64_t ck_dropout_avx2(uint64_t state, ptrdiff_t first, ptrdiff_t count, uint64_t threshold, float keep,
                         int relu, const float *x, float *y, uint16_t *bits);

/// The dropout backward: dx[i] = g[i] * (bit i of `bits` (layout as above) ? keep : 0).
/// Precondition: `ck_cpu_has_avx512dq()` returned 1.
void ck_dropout_backward_avx512(ptrdiff_t count, float keep, const uint16_t *bits, const float *g, float *dx);

/// The AVX2 + FMA twin of `ck_dropout_backward_avx512` (bit for bit the same result).
/// Precondition: `ck_cpu_has_avx2_fma()` returned 1.
void ck_dropout_backward_avx2(ptrdiff_t count, float keep, const uint16_t *bits, const float *g, float *dx);

/// The backward of z = dropout(max(0, h)) from z itself: dx[i] = g[i] * (z[i] > 0 ? keep : 0) (a NaN in g
/// stays NaN; `keep` is 1 without dropout). Precondition: `ck_cpu_has_avx512f()` returned 1.
void ck_relu_dropout_backward_avx512(ptrdiff_t count, float keep, const float *z, const float *g, float *dx);

/// The AVX2 + FMA twin of `ck_relu_dropout_backward_avx512` (bit for bit the same result).
/// Precondition: `ck_cpu_has_avx2_fma()` returned 1.
void ck_relu_dropout_backward_avx2(ptrdiff_t count, float keep, const float *z, const float *g, float *dx);

/// The FMA peak probe: `iterations` steps of 12 independent 16-lane (AVX-512) or 8-lane (AVX2) fused
/// multiply-add chains in registers, i.e. iterations * 12 * lanes * 2 floating-point operations; returns
/// the sum of the lanes (so the loop is not optimised away). Preconditions: `ck_cpu_has_avx512f()` /
/// `ck_cpu_has_avx2_fma()` returned 1.
float ck_fma_peak_avx512(ptrdiff_t iterations);
float ck_fma_peak_avx2(ptrdiff_t iterations);

/// glibc only: mallopt(M_MMAP_THRESHOLD / M_TRIM_THRESHOLD / M_TOP_PAD) with these byte counts; 1 when
/// all three were applied, 0 otherwise (and always 0 off glibc). Used by MemoryReuse.swift.
int ck_keep_freed_memory(long mmapThreshold, long trimThreshold, long topPad);

#ifdef __cplusplus
}
#endif

#include "ck_layernorm.h"
#include "ck_adam.h"
#include "ck_softmax.h"
#include "ck_reductions.h"
#include "ck_gelu.h"
#include "ck_activations.h"

#endif
