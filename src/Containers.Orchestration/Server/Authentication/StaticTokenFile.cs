using System.Collections.Frozen;
using System.Text;
using Containers.Errors;

namespace Containers.Orchestration.Server.Authentication;

/// <summary>
/// kube-apiserver's <c>--token-file</c>: one CSV record per line, <c>token,user,uid</c> and an
/// optional fourth column of groups, double-quoted when there are several
/// (<c>31ada4fd,alice,1001,"dev,ops"</c>). Blank lines and lines starting with '#' are skipped.
/// Authenticated users are also put in <c>system:authenticated</c>, as Kubernetes does.
/// </summary>
public sealed class StaticTokenFile : ITokenAuthenticator
{
    private readonly FrozenDictionary<string, UserInfo> _users;

    private StaticTokenFile(FrozenDictionary<string, UserInfo> users) => _users = users;

    public int Count => _users.Count;

    /// <exception cref="InvalidArgumentException">A line is not a valid record.</exception>
    public static StaticTokenFile Parse(string text, string source = "token file")
    {
        ArgumentNullException.ThrowIfNull(text);
        var users = new Dictionary<string, UserInfo>(StringComparer.Ordinal);
        var number = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            number++;
            var line = rawLine.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var fields = SplitCsv(line, source, number);
            if (fields.Count < 3)
            {
                throw new InvalidArgumentException(
                    $"{source} line {number} has {fields.Count} columns, needs at least 3: token,user,uid[,\"group1,group2\"]");
            }

            var token = fields[0].Trim();
            var name = fields[1].Trim();
            if (token.Length == 0 || name.Length == 0)
            {
                throw new InvalidArgumentException($"{source} line {number}: the token and the user name must not be empty");
            }

            var groups = fields.Count >= 4
                ? fields[3].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                : [];
            users[token] = new UserInfo(name, groups, fields[2].Trim() is { Length: > 0 } uid ? uid : null).WithGroup(SystemGroups.Authenticated);
        }

        return new StaticTokenFile(users.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public static async Task<StaticTokenFile> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException e)
        {
            throw new NotFoundException($"token file {path} does not exist: write lines token,user,uid[,\"group1,group2\"]", e);
        }

        return Parse(text, $"token file {path}");
    }

    public ValueTask<UserInfo?> AuthenticateAsync(string token, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_users.GetValueOrDefault(token));

    private static List<string> SplitCsv(string line, string source, int number)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.ToString().Trim().Length == 0)
            {
                field.Clear();
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            throw new InvalidArgumentException($"{source} line {number} has an unterminated quote: close the groups column with \"");
        }

        fields.Add(field.ToString());
        return fields;
    }
}
