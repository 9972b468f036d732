namespace Containers.Images.Build.Dockerfile;

/// <summary>Something valid but suspect in a Dockerfile (a deprecated form, an empty continuation line).</summary>
public sealed record DockerfileWarning(SourceLocation Location, string Message);
