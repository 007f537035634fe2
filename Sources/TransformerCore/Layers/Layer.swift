/// A named parameter: its dotted path in the model (`encoder.layers.0.selfAttention.query.weight`) and tensor.
public typealias NamedParameter = (name: String, tensor: Tensor)

/// A building block of the model that owns parameters and/or other layers.
///
/// Each layer lists its parameters and children explicitly, by property name and in declaration order
/// (no reflection). Those names, joined with dots, are the model's stable parameter names: the checkpoint
/// schema and the `model` command's parameter table.
public protocol Layer: AnyObject {
    /// Parameters this layer owns directly, named after their properties, in declaration order.
    var ownParameters: [NamedParameter] { get }
    /// Sub-layers, named after their properties (`layers.0` for an array element), in declaration order.
    var children: [(name: String, layer: any Layer)] { get }
    /// Switches dropout on (training) or off (evaluation) here and in every child.
    func setTraining(_ training: Bool)
}

extension Layer {
    public var ownParameters: [NamedParameter] { [] }
    public var children: [(name: String, layer: any Layer)] { [] }

    public func setTraining(_ training: Bool) {
        for child in children { child.layer.setTraining(training) }
    }

    /// Every parameter with its full dotted name, depth first in declaration order. A tensor shared by
    /// two layers (tied weights) is listed once, under its first name.
    public var namedParameters: [NamedParameter] {
        var seen = Set<ObjectIdentifier>()
        var result: [NamedParameter] = []
        func visit(_ layer: any Layer, prefix: String) {
            for (name, tensor) in layer.ownParameters where seen.insert(ObjectIdentifier(tensor)).inserted {
                result.append((prefix + name, tensor))
            }
            for (name, child) in layer.children { visit(child, prefix: prefix + name + ".") }
        }
        visit(self, prefix: "")
        return result
    }

    /// Every parameter tensor, in the order of ``namedParameters``.
    public var parameters: [Tensor] { namedParameters.map(\.tensor) }

    /// The number of scalars in all parameters (shared tensors counted once).
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
}

/// Names the elements of a layer array `name.0`, `name.1`, ... for ``Layer/children``.
func indexedChildren(_ name: String, _ layers: [any Layer]) -> [(name: String, layer: any Layer)] {
    layers.enumerated().map { ("\(name).\($0.offset)", $0.element) }
}
