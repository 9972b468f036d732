namespace Containers.Images.Build.Dockerfile;

/// <summary>The <c>RUN --security=</c> value.</summary>
public enum RunSecurity
{
    /// <summary>Not given, or <c>sandbox</c>: the default confinement.</summary>
    Sandbox,

    /// <summary>Full privileges (the builder must have allowed it).</summary>
    Insecure,
}
