extension AttentionMap {
    /// The map as a ``Heatmap`` for the renderers: rows are the queries, columns the keys, with
    /// ``displayLabel(_:)`` labels. `title` defaults to ``title``.
    public func heatmap(title: String? = nil) -> Heatmap {
        Heatmap(title: title ?? self.title, rowLabels: queryLabels.map(Self.displayLabel),
                columnLabels: keyLabels.map(Self.displayLabel), values: values)
    }

    /// A token as an axis label: whitespace that would be invisible is shown as a visible symbol
    /// (space `␣`, tab `⇥`, line breaks `↵`); every other token is its own text. Escaping for SVG or
    /// HTML is the renderer's job.
    public static func displayLabel(_ token: String) -> String {
        guard !token.isEmpty, token.allSatisfy(\.isWhitespace) else { return token }
        return String(token.map { character -> Character in
            switch character {
            case " ": "␣"
            case "\t": "⇥"
            case _ where character.isNewline: "↵"
            default: "·"
            }
        })
    }
}
