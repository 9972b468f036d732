using System.Security.Cryptography;
using System.Text;
using Containers.Errors;
using Containers.Images.Build.Cache;
using Containers.Images.Build.Dockerfile;
using Containers.Images.Build.Steps;

namespace Containers.Images.Build.Execution;

internal sealed partial class BuildSession
{
    /// <summary>
    /// COPY and ADD: through the cache, keyed by the instruction as expanded and by what it copies:
    /// the content hash of context sources, the ChainID of a stage or image, the bytes of heredocs
    /// and downloads. With <c>--link</c> the key leaves out the state below, so the layer is reused
    /// on any base.
    /// </summary>
    private async Task<BuildState> CopyAsync(StageRun stage, BuildState state, CopyOrAddInstruction copy, CancellationToken cancellationToken)
    {
        var description = Describe(copy);
        var env = stage.Scope.Environment(state.Config);
        var isAdd = copy is AddInstruction;
        var fromName = copy is CopyInstruction { From: { } named } ? Expand(copy, named, env) : null;
        var patterns = new List<string>();
        var urls = new List<string>();
        var inline = new List<InlineFile>();
        foreach (var source in copy.Sources)
        {
            switch (source)
            {
                case PathSource path:
                    var word = Expand(copy, path.Pattern, env);
                    if (isAdd && UrlDownload.IsUrl(word))
                    {
                        urls.Add(word);
                    }
                    else if (isAdd && UrlDownload.IsGit(word))
                    {
                        throw new InvalidArgumentException($"{description}: \"{word}\" is a git repository; this builder does not clone for ADD, copy a checkout instead");
                    }
                    else
                    {
                        patterns.Add(word);
                    }

                    break;
                case HeredocSource heredoc:
                    var text = heredoc.Heredoc.Expand ? ExpandHeredoc(copy, heredoc.Heredoc.Content, env) : heredoc.Heredoc.Content;
                    inline.Add(new InlineFile(heredoc.Heredoc.Name, Encoding.UTF8.GetBytes(text)));
                    break;
            }
        }

        var step = new CopyStep
        {
            Sources = patterns,
            InlineFiles = inline,
            Destination = Expand(copy, copy.Destination, env),
            Chown = copy.Chown is { } chown ? Expand(copy, chown, env) : null,
            Chmod = copy.Chmod is { } chmod ? Expand(copy, chmod, env) : null,
            Link = copy.Link,
            IsAdd = isAdd,
            Checksum = (copy as AddInstruction)?.Checksum is { } checksum ? Expand(copy, checksum, env) : null,
            Description = description,
        };
        if (urls.Count > 0 && fromName is not null)
        {
            throw new InvalidArgumentException($"{description}: URLs cannot be combined with --from");
        }

        var keys = new List<string>
        {
            step.Link ? "link" : state.CacheKey,
            CopyCreatedBy(copy.Keyword, fromName, step, [.. patterns, .. urls, .. inline.Select(i => "<<" + i.Name)]),
            state.Config.WorkingDir ?? "/",
            step.Chown ?? string.Empty,
            step.Chmod ?? string.Empty,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\0', inline.Select(i => i.Name + "\0" + Convert.ToBase64String(i.Content)))))),
        };

        var downloads = urls.Count == 0 ? null : Path.Combine(_filesystems.NewPath("download"));
        try
        {
            var sources = new List<(SourceTree Tree, SourceItem Item)>();
            if (downloads is not null)
            {
                var tree = await UrlDownload.FetchAsync(urls, downloads, step.Checksum, description, _time, cancellationToken).ConfigureAwait(false);
                var items = tree.Expand([.. urls.Select(UrlDownload.FileName)], description);
                keys.Add("urls " + await SourceHasher.HashAsync(tree, items, cancellationToken).ConfigureAwait(false));
                sources.AddRange(items.Select(i => (tree, i)));
            }

            (BuildState State, string Description, string Key)? fromState = null;
            if (fromName is null)
            {
                var context = SourceTree.ForContext(_context);
                var items = patterns.Count == 0 ? [] : context.Expand(patterns, description);
                keys.Add("context " + await SourceHasher.HashAsync(context, items, cancellationToken).ConfigureAwait(false));
                sources.InsertRange(0, items.Select(i => (context, i)));
            }
            else
            {
                fromState = await SourceStateAsync(stage, fromName, description, cancellationToken).ConfigureAwait(false);
                keys.Add(fromState.Value.Key);
            }

            var createdBy = keys[1];
            return await LayerStepAsync(stage, state, BuildCache.KeyOf([.. keys]), createdBy, async () =>
            {
                if (fromState is not { } source)
                {
                    return await _copy.CopyAsync(state, step, sources, cancellationToken).ConfigureAwait(false);
                }

                var view = await _filesystems.OpenViewAsync(source.State, cancellationToken).ConfigureAwait(false);
                await using (view.ConfigureAwait(false))
                {
                    var tree = SourceTree.ForFilesystem(view.Path, source.Description);
                    var items = tree.Expand(patterns, description);
                    return await _copy.CopyAsync(state, step, [.. items.Select(i => (tree, i))], cancellationToken).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (downloads is not null)
            {
                BuildFilesystems.DeleteTree(downloads);
            }
        }
    }

    /// <summary><c>COPY --from=build --chown=1:1 a b /dest/ # buildkit</c>.</summary>
    private static string CopyCreatedBy(string keyword, string? from, CopyStep step, IEnumerable<string> sources)
    {
        var text = new StringBuilder(keyword);
        if (from is not null)
        {
            text.Append(" --from=").Append(from);
        }

        if (step.Chown is not null)
        {
            text.Append(" --chown=").Append(step.Chown);
        }

        if (step.Chmod is not null)
        {
            text.Append(" --chmod=").Append(step.Chmod);
        }

        if (step.Link)
        {
            text.Append(" --link");
        }

        foreach (var source in sources)
        {
            text.Append(' ').Append(source);
        }

        return text.Append(' ').Append(step.Destination).Append(" # buildkit").ToString();
    }
}
