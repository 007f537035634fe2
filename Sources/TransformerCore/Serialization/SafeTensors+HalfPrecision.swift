/// Exact conversion of the safetensors 16-bit float dtypes to Float32, for pretrained exports stored in
/// half precision (Hugging Face models saved with `torch_dtype=float16` or `bfloat16`).
///
/// Both formats widen exactly: every F16 and BF16 value is a Float32 value.
/// - F16 (IEEE 754 binary16): 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits. Normal numbers
///   re-bias the exponent (+112) and shift the mantissa left 13; subnormals are mantissa x 2^-24;
///   infinities and NaNs keep their payload.
/// - BF16 (bfloat16): the upper 16 bits of a Float32, so the widening is a 16-bit shift.
extension SafeTensors {
    /// The Float32 value of the IEEE binary16 bit pattern `bits`.
    public static func float(fromHalf bits: UInt16) -> Float {
        let sign = UInt32(bits >> 15) << 31
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits) & 0x3FF
        switch exponent {
        case 0:
            let magnitude = Float(mantissa) * 0x1p-24                          // zero or subnormal, exact
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)     // infinity or NaN
        default:
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }

    /// The Float32 value of the bfloat16 bit pattern `bits`.
    public static func float(fromBFloat16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// Reads one F16 or BF16 tensor (little-endian) and widens it to Float32.
    static func readHalfPrecision(_ entry: SafeTensorsHeader.Entry, from source: some ByteSource,
                                  dataStart: Int) throws(CheckpointError) -> Tensor {
        // Safe to allocate: the header check proved count * 2 == the range's length, inside the file.
        var halves = [UInt16](repeating: 0, count: entry.elementCount)
        try halves.withUnsafeMutableBytesTypedThrows { (buffer) throws(CheckpointError) in
            try source.read(into: buffer, at: dataStart + entry.dataOffsets.lowerBound)
        }
        let widen = entry.dtype == .bf16 ? float(fromBFloat16:) : float(fromHalf:)
        return Tensor(shape: entry.shape, scalars: halves.map { widen(UInt16(littleEndian: $0)) })
    }
}
