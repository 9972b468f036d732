using Containers.Errors;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Containers.Orchestration.Serialization.Yaml;

/// <summary>
/// Passes YamlDotNet's parser events on while counting depth, nodes and aliases, and stops with an
/// error when a limit is passed, before the representation model (which recurses) sees the input.
/// </summary>
internal sealed class LimitingParser(IParser inner, YamlLimits limits) : IParser
{
    private int _depth;
    private int _nodes;
    private int _aliases;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            return false;
        }

        switch (inner.Current)
        {
            case MappingStart or SequenceStart:
                Count();
                if (++_depth > limits.MaxDepth)
                {
                    throw Exceeded($"nests deeper than {limits.MaxDepth} levels", inner.Current.Start);
                }

                break;
            case MappingEnd or SequenceEnd:
                _depth--;
                break;
            case Scalar:
                Count();
                break;
            case AnchorAlias:
                if (++_aliases > limits.MaxAliases)
                {
                    throw Exceeded($"uses more than {limits.MaxAliases} aliases", inner.Current.Start);
                }

                break;
        }

        return true;
    }

    private void Count()
    {
        if (++_nodes > limits.MaxNodes)
        {
            throw Exceeded($"has more than {limits.MaxNodes} nodes", inner.Current!.Start);
        }
    }

    internal static InvalidArgumentException Exceeded(string what, Mark at) =>
        new($"the YAML {what} (at line {at.Line}, column {at.Column}): split the manifest, or it is an attempt to exhaust the server");
}
