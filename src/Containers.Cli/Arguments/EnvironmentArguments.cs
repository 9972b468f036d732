using Containers.Errors;

namespace Containers.Cli.Arguments;

/// <summary>
/// The environment a container is given on the command line, as docker reads it: <c>--env-file</c>
/// files first, then <c>-e</c> flags. <c>KEY=value</c> sets a variable; a bare <c>KEY</c> takes its
/// value from this process's environment, and is left out when that has none.
/// </summary>
internal static class EnvironmentArguments
{
    public static async Task<IReadOnlyList<string>> ReadAsync(IReadOnlyList<string> files, IReadOnlyList<string> flags, CancellationToken cancellationToken = default)
    {
        var variables = new List<string>();
        foreach (var file in files)
        {
            string[] lines;
            try
            {
                lines = await File.ReadAllLinesAsync(file, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new NotFoundException($"env file \"{file}\" does not exist", e);
            }

            for (var number = 0; number < lines.Length; number++)
            {
                var line = lines[number].TrimStart();
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var key = line.Split('=', 2)[0];
                if (key.Length == 0 || key.Any(char.IsWhiteSpace))
                {
                    throw new InvalidArgumentException($"env file \"{file}\" line {number + 1}: variable \"{key}\" is empty or holds whitespace; write KEY=value");
                }

                Add(variables, line);
            }
        }

        foreach (var flag in flags)
        {
            if (flag.Length == 0 || flag[0] == '=')
            {
                throw new InvalidArgumentException($"invalid environment variable \"{flag}\": write KEY=value, or KEY to pass this shell's value");
            }

            Add(variables, flag);
        }

        return variables;
    }

    private static void Add(List<string> variables, string entry)
    {
        if (entry.Contains('=', StringComparison.Ordinal))
        {
            variables.Add(entry);
        }
        else if (Environment.GetEnvironmentVariable(entry) is { } value)
        {
            variables.Add($"{entry}={value}");
        }
    }
}
