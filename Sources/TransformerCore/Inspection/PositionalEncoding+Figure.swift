extension PositionalEncoding {
    /// The sinusoidal table ``sinusoids(length:dimension:)`` as a heatmap figure: rows are positions
    /// 0 ..< length, columns dimensions 0 ..< dimension, viridis over [-1, 1].
    ///
    /// ```swift
    /// let svg = PositionalEncoding.sinusoidFigure(length: 50, dimension: 64).svg()
    /// ```
    public static func sinusoidFigure(length: Int, dimension: Int) -> HeatmapFigure {
        let table = sinusoids(length: length, dimension: dimension)      // [length, dimension]
        let map = Heatmap(title: "PE[pos, i]", rowLabels: (0..<length).map(String.init),
                          columnLabels: (0..<dimension).map(String.init), values: table.scalars)
        return HeatmapFigure(title: "Sinusoidal positional encoding, d_model \(dimension), positions 0-\(length - 1)",
                             panels: [map], scale: .viridis(range: -1...1), rowAxisTitle: "position",
                             columnAxisTitle: "dimension i (even: sin, odd: cos)")
    }
}
