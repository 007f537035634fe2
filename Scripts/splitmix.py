"""SplitMix64 and the Fisher-Yates shuffle of TransformerCore's SeededGenerator, shared by the data
builders (Scripts/make-pig-latin-data.py, Scripts/data/*.py) so their seeded splits match the Swift code."""

MASK = (1 << 64) - 1


class SplitMix64:
    """SplitMix64 (Steele, Lea, Flood 2014), as TransformerCore's SeededGenerator."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def index_below(self, bound):
        """Uniform in 0..<bound by multiply-high, as SeededGenerator.nextIndex(below:)."""
        return (self.next() * bound) >> 64


def shuffled(items, generator):
    """Fisher-Yates from the back, as Array.seededShuffle(using:)."""
    items = list(items)
    for i in range(len(items) - 1, 0, -1):
        j = generator.index_below(i + 1)
        items[i], items[j] = items[j], items[i]
    return items
