using System.CommandLine;

namespace Containers.Cli.Arguments;

/// <summary>Looks at raw arguments before System.CommandLine parses them.</summary>
internal static class CommandLineArgs
{
    /// <summary>The first argument that is not a global option or its value: the command's name, or null when there is none.</summary>
    public static string? CommandName(string[] args, IReadOnlyCollection<string> globalOptionsWithValue) =>
        CommandIndex(args, globalOptionsWithValue) is var index and >= 0 ? args[index] : null;

    /// <summary>
    /// Adds <c>--</c> after the first positional argument of <paramref name="command"/> (the
    /// command's name is the first positional of <paramref name="args"/>), so that what follows it
    /// is taken as it is: <c>run IMAGE ls -l</c> gives <c>-l</c> to ls, as docker's parser, which
    /// stops at the first argument, does. Short flags may be bundled (<c>-it</c>, <c>-eK=V</c>).
    /// </summary>
    public static string[] EndOptionsAfterFirstArgument(string[] args, Command command)
    {
        var start = CommandIndex(args, CliContext.GlobalOptionsWithValue) + 1;
        for (var i = start; i < args.Length; i++)
        {
            var token = args[i];
            if (token == "--")
            {
                return args;
            }

            if (token.StartsWith("--", StringComparison.Ordinal))
            {
                if (!token.Contains('=', StringComparison.Ordinal) && TakesValue(command, token))
                {
                    i++;
                }

                continue;
            }

            if (token.Length > 1 && token[0] == '-')
            {
                // A bundle of short flags; the first one that takes a value ends it, with the
                // rest of the token or the next argument as that value.
                for (var c = 1; c < token.Length; c++)
                {
                    if (TakesValue(command, $"-{token[c]}"))
                    {
                        if (c == token.Length - 1)
                        {
                            i++;
                        }

                        break;
                    }
                }

                continue;
            }

            // The first positional argument: the image (run, create) or the container (exec).
            return i + 1 < args.Length && args[i + 1] != "--" ? [.. args[..(i + 1)], "--", .. args[(i + 1)..]] : args;
        }

        return args;
    }

    private static int CommandIndex(string[] args, IReadOnlyCollection<string> globalOptionsWithValue)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var token = args[i];
            if (globalOptionsWithValue.Contains(token))
            {
                i++;
            }
            else if (!token.StartsWith('-'))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool TakesValue(Command command, string name) =>
        CliContext.GlobalOptionsWithValue.Contains(name)
        || command.Options.FirstOrDefault(o => Names(o).Contains(name)) is { } option && TakesValue(option);

    private static bool TakesValue(Option option) => option.ValueType != typeof(bool) && option.Arity.MaximumNumberOfValues > 0;

    private static IEnumerable<string> Names(Option option) => [option.Name, .. option.Aliases];
}
