namespace Containers.Orchestration.Api;

/// <summary>How a <see cref="Quantity"/> is written, taken from the suffix it was parsed with.</summary>
public enum QuantityFormat
{
    /// <summary>Powers of 1000: n, u, m, (none), k, M, G, T, P, E.</summary>
    DecimalSI,

    /// <summary>Powers of 1024: Ki, Mi, Gi, Ti, Pi, Ei.</summary>
    BinarySI,

    /// <summary>Scientific: 1e3, 5E-3.</summary>
    DecimalExponent,
}
