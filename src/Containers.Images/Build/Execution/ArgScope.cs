using Containers.Images.Build.Dockerfile;

namespace Containers.Images.Build.Execution;

/// <summary>
/// The build arguments one part of a Dockerfile sees, as the reference scopes them: the ARGs
/// before the first FROM (the global scope) are usable only in FROM lines unless a stage declares
/// them again; a stage's ARG takes the build argument of its name, else its default, else (when it
/// has none) the global value. BuildKit's automatic platform arguments (<c>TARGETPLATFORM</c>,
/// <c>BUILDARCH</c>…) are in the global scope and are taken by a stage's ARG that declares them.
/// </summary>
internal sealed class ArgScope
{
    private readonly IReadOnlyDictionary<string, string> _buildArgs;
    private readonly IReadOnlyDictionary<string, string> _globals;
    private readonly List<KeyValuePair<string, string>> _declared = [];

    private ArgScope(IReadOnlyDictionary<string, string> buildArgs, IReadOnlyDictionary<string, string> globals)
    {
        _buildArgs = buildArgs;
        _globals = globals;
    }

    /// <summary>The arguments declared in this scope that have a value, in declaration order (a name declared again moves to its new place).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Declared => _declared;

    /// <summary>The global scope of <paramref name="document"/>: its leading ARGs and the automatic ones.</summary>
    public static ArgScope Global(DockerfileDocument document, IReadOnlyDictionary<string, string> buildArgs, VariableExpander expander, Platform target)
    {
        var automatic = Automatic(target);
        var scope = new ArgScope(buildArgs, automatic);
        foreach (var arg in document.GlobalArgs)
        {
            scope.Declare(arg, expander, new Dictionary<string, string>(StringComparer.Ordinal));
        }

        return scope;
    }

    /// <summary>A stage's scope, which starts empty and falls back on this (global) scope's values.</summary>
    public ArgScope ForStage()
    {
        var globals = new Dictionary<string, string>(_globals, StringComparer.Ordinal);
        foreach (var (name, value) in _declared)
        {
            globals[name] = value;
        }

        return new ArgScope(_buildArgs, globals);
    }

    /// <summary>The values FROM lines expand with: the automatic arguments and the global ARGs.</summary>
    public IReadOnlyDictionary<string, string> FromEnvironment()
    {
        var env = new Dictionary<string, string>(_globals, StringComparer.Ordinal);
        foreach (var (name, value) in _declared)
        {
            env[name] = value;
        }

        return env;
    }

    /// <summary>Declares the names of <paramref name="arg"/>, each default expanded with <paramref name="environment"/> and the names before it.</summary>
    public void Declare(ArgInstruction arg, VariableExpander expander, IReadOnlyDictionary<string, string> environment)
    {
        foreach (var declaration in arg.Arguments)
        {
            string? value;
            if (_buildArgs.TryGetValue(declaration.Name, out var given))
            {
                value = given;
            }
            else if (declaration.DefaultValue is { } defaultValue)
            {
                var env = new Dictionary<string, string>(environment, StringComparer.Ordinal);
                foreach (var (name, known) in _declared)
                {
                    env.TryAdd(name, known);
                }

                value = expander.ExpandWord(defaultValue, env);
            }
            else
            {
                value = _globals.GetValueOrDefault(declaration.Name);
            }

            _declared.RemoveAll(d => d.Key == declaration.Name);
            if (value is not null)
            {
                _declared.Add(new(declaration.Name, value));
            }
        }
    }

    /// <summary>The environment variables of the stage's instructions expand with: the arguments, overlaid by the config's env.</summary>
    public Dictionary<string, string> Environment(ContainerConfig config)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in _declared)
        {
            env[name] = value;
        }

        foreach (var entry in config.Env ?? [])
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                env[entry[..equals]] = entry[(equals + 1)..];
            }
        }

        return env;
    }

    /// <summary>The arguments a RUN sees as environment variables: those no ENV of the config overrides.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> RunArguments(ContainerConfig config)
    {
        var env = (config.Env ?? []).Select(e => e.Split('=', 2)[0]).ToHashSet(StringComparer.Ordinal);
        return [.. _declared.Where(d => !env.Contains(d.Key))];
    }

    private static Dictionary<string, string> Automatic(Platform target)
    {
        var build = Platform.Current;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["TARGETPLATFORM"] = target.ToString(),
            ["TARGETOS"] = target.OS,
            ["TARGETARCH"] = target.Architecture,
            ["TARGETVARIANT"] = target.Variant ?? string.Empty,
            ["BUILDPLATFORM"] = build.ToString(),
            ["BUILDOS"] = build.OS,
            ["BUILDARCH"] = build.Architecture,
            ["BUILDVARIANT"] = build.Variant ?? string.Empty,
        };
    }
}
