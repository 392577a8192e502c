"""Hidden activations and output links written as ONNX operators.

Each function adds the operators computing one element-wise function of a
tensor and returns the name of the result. Where onnxruntime lacks a float64
kernel (``Erf``, ``Softplus``) float64 graphs get an equivalent from
elementary operators.
"""

import math

import numpy as np

from ..core.activations import SELU, Exp, LeakyReLU
from ._writer import UnsupportedForOnnxError

#: Hidden activations the export writes (every one of ``sk_ann.core.activations.ACTIVATIONS``).
CONVERTIBLE_ACTIVATIONS = ("identity", "logistic", "sigmoid", "tanh", "relu", "leaky_relu",
                           "elu", "selu", "gelu", "softplus", "silu")


def activation_nodes(graph, name, Z):
    """Write the activation ``name`` applied to ``Z``; return the output's name."""
    if name == "identity":
        return Z
    simple = {"logistic": "Sigmoid", "sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu"}
    if name in simple:
        return graph.node(simple[name], [Z], name)
    if name == "leaky_relu":
        # max(z, slope * z), as sk_ann computes it; the slope stays in the graph's dtype
        # (an attribute of LeakyRelu would be a float32).
        slope = graph.constant("slope", LeakyReLU.negative_slope)
        return graph.node("Max", [Z, graph.node("Mul", [Z, slope])], name)
    if name in ("elu", "selu"):
        alpha, scale = (SELU.alpha, SELU.scale) if name == "selu" else (1.0, 1.0)
        # scale * (max(z, 0) + alpha * (exp(min(z, 0)) - 1)): exp never sees z > 0.
        zero, one = graph.constant("zero", 0.0), graph.constant("one", 1.0)
        negative = graph.node("Sub", [graph.node("Exp", [graph.node("Min", [Z, zero])]), one])
        negative = graph.node("Mul", [negative, graph.constant("alpha", alpha)])
        A = graph.node("Add", [graph.node("Relu", [Z]), negative], name)
        return graph.node("Mul", [A, graph.constant("scale", scale)], name) if name == "selu" else A
    if name == "gelu":
        # Exact GELU, z * Phi(z) = z * (1 + erf(z / sqrt 2)) / 2.
        u = graph.node("Mul", [Z, graph.constant("rsqrt2", 1 / math.sqrt(2))])
        erf = graph.node("Erf", [u]) if graph.dtype == np.float32 else _erf_series(graph, u)
        half = graph.node("Mul", [graph.node("Add", [erf, graph.constant("one", 1.0)]),
                                  graph.constant("half", 0.5)])
        return graph.node("Mul", [Z, half], name)
    if name == "softplus":
        # max(z, 0) + log(1 + exp(-|z|)), which never overflows; onnxruntime has no
        # float64 Softplus.
        tail = graph.node("Exp", [graph.node("Neg", [graph.node("Abs", [Z])])])
        tail = graph.node("Log", [graph.node("Add", [tail, graph.constant("one", 1.0)])])
        return graph.node("Add", [graph.node("Relu", [Z]), tail], name)
    if name == "silu":
        return graph.node("Mul", [Z, graph.node("Sigmoid", [Z])], name)
    raise UnsupportedForOnnxError(f"the activation {name!r} cannot be exported to ONNX.")


def _erf_series(graph, u):
    """erf in float64 from elementary operators, for runtimes without a double Erf.

    onnxruntime has Erf for float32 only. With every term positive (no
    cancellation), ``erf(u) = 2/sqrt(pi) e^(-u^2) u sum_n (2u^2)^n / (1*3*...*(2n+1))``;
    beyond |u| = 6 erf is +-1 to double precision, so u is clipped there, and
    100 terms, summed by Horner's rule, reach 2e-15 on [-6, 6].
    """
    u = graph.node("Min", [graph.node("Max", [u, graph.constant("low", -6.0)]),
                           graph.constant("high", 6.0)], "u")
    u2 = graph.node("Mul", [u, u], "u2")
    two_u2 = graph.node("Add", [u2, u2], "two_u2")
    one = graph.constant("one", 1.0)
    total = one
    for n in range(_ERF_TERMS, 0, -1):
        term = graph.node("Mul", [graph.node("Mul", [total, two_u2]),
                                  graph.constant("inverse", 1.0 / (2 * n + 1))])
        total = graph.node("Add", [term, one], "erf_sum")
    gauss = graph.node("Exp", [graph.node("Neg", [u2])])
    scale = graph.node("Mul", [gauss, graph.constant("two_over_sqrt_pi", 2 / math.sqrt(math.pi))])
    return graph.node("Mul", [graph.node("Mul", [u, scale]), total], "erf")


_ERF_TERMS = 100


def capped_exp_nodes(graph, Z):
    """Poisson's output link: ``exp(min(z, B))``, ``B`` the bound sk_ann caps at for the dtype."""
    bound = graph.constant("exp_bound", Exp.upper_bound(graph.dtype))
    return graph.node("Exp", [graph.node("Min", [Z, bound])], "exp")
