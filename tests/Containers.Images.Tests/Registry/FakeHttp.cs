using System.Text;

namespace Containers.Images.Tests.Registry;

/// <summary>A request the fake registry received.</summary>
internal sealed record FakeRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>A query parameter, unescaped; null when absent.</summary>
    public string? QueryValue(string name) =>
        Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p[0] == name)
            .Select(p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty)
            .FirstOrDefault();

    public override string ToString() => $"{Method} {Path}{Query}";
}

/// <summary>
/// A response of the fake registry. <see cref="Body"/> is sent with a matching Content-Length
/// unless <see cref="Writer"/> is given, which then writes the body itself (after the headers,
/// which must then carry any Content-Length) and may misbehave: stall, send too much, hang up.
/// </summary>
internal sealed record FakeResponse(int Status, byte[]? Body = null)
{
    public List<(string Name, string Value)> Headers { get; init; } = [];

    public Func<Stream, CancellationToken, Task>? Writer { get; init; }

    /// <summary>Close the connection after this response.</summary>
    public bool Close { get; init; }

    public FakeResponse With(string name, string value)
    {
        Headers.Add((name, value));
        return this;
    }

    public static FakeResponse Json(int status, string json) =>
        new FakeResponse(status, Encoding.UTF8.GetBytes(json)).With("Content-Type", "application/json");

    public static FakeResponse Error(int status, string code, string message) =>
        Json(status, $$"""{"errors":[{"code":"{{code}}","message":"{{message}}"}]}""");
}
