import Foundation

/// Parameter initialisers with PyTorch's defaults (torch/nn/init.py), drawing from a
/// `TorchGenerator` in row-major order. They change the tensor in place, without recording a graph.
public enum Init {
    /// fan_in = size(1) · receptive field, fan_out = size(0) · receptive field.
    public static func fans(_ t: Tensor) throws -> (fanIn: Int, fanOut: Int) {
        guard t.rank >= 2 else {
            throw TensorError(
                "fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape \(t.shape))")
        }
        let receptive = t.shape.dropFirst(2).reduce(1, *)
        return (t.shape[1] * receptive, t.shape[0] * receptive)
    }

    /// The recommended gain for a nonlinearity (`calculate_gain`).
    public static func gain(_ nonlinearity: String, param: Double? = nil) throws -> Double {
        switch nonlinearity {
        case "linear", "conv1d", "conv2d", "conv3d", "sigmoid": return 1
        case "tanh": return 5.0 / 3
        case "relu": return 2.0.squareRoot()
        case "leaky_relu":
            let slope = param ?? 0.01
            return (2.0 / (1 + slope * slope)).squareRoot()
        case "selu": return 3.0 / 4
        default: throw TensorError("calculate_gain: unsupported nonlinearity \(nonlinearity)")
        }
    }

    /// U(-b, b) with b = gain·√(3 / fan_in), gain for leaky_relu with slope `a`.
    public static func kaimingUniform_(
        _ t: Tensor, a: Double = 0, nonlinearity: String = "leaky_relu",
        generator: TorchGenerator = .global
    ) throws {
        let fanIn = try fans(t).fanIn
        guard fanIn > 0 else { return }
        let g = try gain(nonlinearity, param: a)
        // In Python doubles: a**2 for a = sqrt(5) is 5.000000000000001, as here.
        let std = g / Double(fanIn).squareRoot()
        let bound = 3.0.squareRoot() * std
        try noGrad { try t.uniform_(from: -bound, to: bound, generator: generator) }
    }

    /// N(0, std²) with std = gain / √fan_in.
    public static func kaimingNormal_(
        _ t: Tensor, a: Double = 0, nonlinearity: String = "leaky_relu",
        generator: TorchGenerator = .global
    ) throws {
        let fanIn = try fans(t).fanIn
        let std = try gain(nonlinearity, param: a) / Double(fanIn).squareRoot()
        try noGrad { try t.normal_(mean: 0, std: std, generator: generator) }
    }

    /// U(-b, b) with b = gain·√(6 / (fan_in + fan_out)).
    public static func xavierUniform_(_ t: Tensor, gain: Double = 1, generator: TorchGenerator = .global) throws {
        let (fanIn, fanOut) = try fans(t)
        let std = gain * (2.0 / Double(fanIn + fanOut)).squareRoot()
        let bound = 3.0.squareRoot() * std
        try noGrad { try t.uniform_(from: -bound, to: bound, generator: generator) }
    }

    /// N(0, std²) with std = gain·√(2 / (fan_in + fan_out)).
    public static func xavierNormal_(_ t: Tensor, gain: Double = 1, generator: TorchGenerator = .global) throws {
        let (fanIn, fanOut) = try fans(t)
        let std = gain * (2.0 / Double(fanIn + fanOut)).squareRoot()
        try noGrad { try t.normal_(mean: 0, std: std, generator: generator) }
    }
}
