namespace Containers.Images.Content;

/// <summary>All three roles of a content store in one, as a local store provides them.</summary>
public interface IContentStore : IContentProvider, IContentIngester, IContentManager
{
}
