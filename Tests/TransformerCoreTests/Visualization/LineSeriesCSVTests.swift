import Testing
@testable import TransformerCore

/// ``LineSeries/parseCSV(_:)``: the `series,x,y` files `plot-lines` draws.
@Suite struct LineSeriesCSVTests {
    @Test func seriesComeInOrderOfFirstAppearanceWithTheirPoints() throws {
        let series = try LineSeries.parseCSV("series,x,y\r\nrope,9,96.5\nalibi,9,97\nrope,10,91\n\n")
        #expect(series.map(\.name) == ["rope", "alibi"])
        #expect(series[0].points == [LinePoint(x: 9, y: 96.5), LinePoint(x: 10, y: 91)])
        #expect(series[1].points == [LinePoint(x: 9, y: 97)])
        #expect(try LineSeries.parseCSV("series,x,y\n").isEmpty)
    }

    @Test func malformedLinesAreNamed() {
        #expect(throws: LineSeries.CSVError(line: 1, found: "name,x,y")) { try LineSeries.parseCSV("name,x,y\na,1,2\n") }
        #expect(throws: LineSeries.CSVError(line: 3, found: "a,one,2")) { try LineSeries.parseCSV("series,x,y\na,1,2\na,one,2\n") }
        #expect(throws: LineSeries.CSVError(line: 2, found: "a,b,1,2")) { try LineSeries.parseCSV("series,x,y\na,b,1,2\n") }
        #expect(LineSeries.CSVError(line: 2, found: "x").description == "line 2: expected 'series,x,y' with numbers x and y, found 'x'")
    }
}
