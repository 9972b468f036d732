namespace Containers.Images.Build.Dockerfile;

/// <summary>One name in an <c>ARG</c>, with its default as written (null when it has none).</summary>
public sealed record ArgDeclaration(string Name, string? DefaultValue);
