namespace Containers.Images.Registry;

/// <summary>A URI as logs show it: without its query, which may carry upload state or a storage signature.</summary>
internal readonly record struct LoggedUri(Uri? Uri)
{
    public override string ToString() => Uri is null ? string.Empty : Uri.GetLeftPart(UriPartial.Path);
}
